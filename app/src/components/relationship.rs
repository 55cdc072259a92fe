//! Follow / Connect / Accept / Block buttons. Each is a plain form (works before
//! hydration); after hydration the new state shows at once (optimistically) and rolls back
//! with a message if the server refuses.

use leptos::prelude::*;

use crate::api::graph::UpdateRelationship;
use crate::model::{ConnectionState, GraphOp, Relationship};

/// One button that posts `op` for `handle`.
#[component]
fn OpButton(
    action: ServerAction<UpdateRelationship>,
    handle: String,
    op: GraphOp,
    #[prop(into)] label: String,
    #[prop(optional)] quiet: bool,
    #[prop(optional)] pressed: Option<bool>,
    #[prop(optional)] with_note: bool,
    /// The accessible name when the visible label alone is ambiguous (lists of members).
    #[prop(optional, into)]
    aria_label: Option<String>,
) -> impl IntoView {
    let class = if quiet {
        "button button-quiet"
    } else {
        "button"
    };
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="handle" value=handle/>
            <input type="hidden" name="op" value=op.as_str()/>
            {with_note.then(|| view! {
                <details class="note">
                    <summary>"Add a note"</summary>
                    <label for="connect-note" class="visually-hidden">"Note to send with your request"</label>
                    <textarea id="connect-note" name="note" rows="2" maxlength="300"
                        placeholder="How do you know each other?"></textarea>
                </details>
            })}
            // One change at a time: a second click waits for the first answer.
            <button type="submit" class=class disabled=move || action.pending().get()
                aria-pressed=pressed.map(|p| if p { "true" } else { "false" })
                aria-label=aria_label>
                {label}
            </button>
        </ActionForm>
    }
}

/// The relationship the viewer sees now: the in-flight op applied optimistically, else
/// the last state the server confirmed.
pub fn shown_relationship(
    action: ServerAction<UpdateRelationship>,
    initial: Relationship,
) -> (Signal<Relationship>, Signal<Option<String>>) {
    let confirmed = RwSignal::new(initial);
    Effect::new(move |_| {
        if let Some(Ok(r)) = action.value().get() {
            confirmed.set(r);
        }
    });
    let shown = Signal::derive(move || {
        let base = match action.value().get() {
            Some(Ok(r)) => r,
            _ => confirmed.get(),
        };
        if action.pending().get()
            && let Some(input) = action.input().get()
            && let Some(op) = GraphOp::parse(&input.op)
        {
            return op.apply(base);
        }
        base
    });
    let error = Signal::derive(
        move || match (action.pending().get(), action.value().get()) {
            (false, Some(Err(e))) => Some(e.message),
            _ => None,
        },
    );
    (shown, error)
}

/// Every relationship action for a profile.
#[component]
pub fn RelationshipActions(
    action: ServerAction<UpdateRelationship>,
    handle: String,
    initial: Relationship,
) -> impl IntoView {
    let (shown, error) = shown_relationship(action, initial);
    let h = handle.clone();
    view! {
        <div class="relationship">
            <div class="actions">
                {move || {
                    let r = shown.get();
                    let h = h.clone();
                    if r.blocked {
                        return view! {
                            <OpButton action handle=h op=GraphOp::Unblock label="Unblock" quiet=true/>
                        }.into_any();
                    }
                    let follow = if r.following {
                        view! { <OpButton action handle=h.clone() op=GraphOp::Unfollow label="Following" quiet=true pressed=true/> }.into_any()
                    } else {
                        view! { <OpButton action handle=h.clone() op=GraphOp::Follow label="Follow" pressed=false/> }.into_any()
                    };
                    let connect = match r.connection {
                        ConnectionState::None => view! {
                            <OpButton action handle=h.clone() op=GraphOp::Connect label="Connect" with_note=true/>
                        }.into_any(),
                        ConnectionState::RequestSent => view! {
                            <span class="state">"Pending"</span>
                            <OpButton action handle=h.clone() op=GraphOp::Withdraw label="Withdraw request" quiet=true/>
                        }.into_any(),
                        ConnectionState::RequestReceived => view! {
                            <OpButton action handle=h.clone() op=GraphOp::Accept label="Accept"/>
                            <OpButton action handle=h.clone() op=GraphOp::Decline label="Decline" quiet=true/>
                        }.into_any(),
                        ConnectionState::Connected => view! {
                            <span class="state state-connected">"Connected"</span>
                        }.into_any(),
                    };
                    view! { {follow} {connect} }.into_any()
                }}
            </div>
            <details class="more">
                <summary>"More"</summary>
                {move || {
                    let r = shown.get();
                    let h = handle.clone();
                    view! {
                        {(r.connection == ConnectionState::Connected).then(|| view! {
                            <OpButton action handle=h.clone() op=GraphOp::Remove label="Remove connection" quiet=true/>
                        })}
                        {if r.muted {
                            view! { <OpButton action handle=h.clone() op=GraphOp::Unmute label="Unmute" quiet=true/> }.into_any()
                        } else {
                            view! { <OpButton action handle=h.clone() op=GraphOp::Mute label="Mute" quiet=true/> }.into_any()
                        }}
                        {(!r.blocked).then(|| view! {
                            <OpButton action handle=h.clone() op=GraphOp::Block label="Block" quiet=true/>
                        })}
                    }
                }}
            </details>
            <div role="status" aria-live="polite" class="relationship-status">
                {move || error.get().map(|m| view! { <p class="alert alert-error">{m}</p> })}
            </div>
        </div>
    }
}

/// Follow and connect buttons on a member card in a list: the same plain forms and
/// optimistic updates as on a profile, named with the member's handle for screen readers.
#[component]
pub fn CardActions(handle: String, initial: Relationship) -> impl IntoView {
    let action = ServerAction::<UpdateRelationship>::new();
    let (shown, error) = shown_relationship(action, initial);
    view! {
        <div class="actions">
            {move || {
                let r = shown.get();
                let h = handle.clone();
                let follow = if r.following {
                    view! { <OpButton action handle=h.clone() op=GraphOp::Unfollow label="Following" quiet=true pressed=true aria_label=format!("Following @{h}")/> }.into_any()
                } else {
                    view! { <OpButton action handle=h.clone() op=GraphOp::Follow label="Follow" pressed=false aria_label=format!("Follow @{h}")/> }.into_any()
                };
                let connect = match r.connection {
                    ConnectionState::None => view! {
                        <OpButton action handle=h.clone() op=GraphOp::Connect label="Connect" aria_label=format!("Connect with @{h}")/>
                    }.into_any(),
                    ConnectionState::RequestSent => view! { <span class="state">"Pending"</span> }.into_any(),
                    ConnectionState::RequestReceived => view! {
                        <OpButton action handle=h.clone() op=GraphOp::Accept label="Accept" aria_label=format!("Accept @{h}")/>
                    }.into_any(),
                    ConnectionState::Connected => view! {
                        <span class="state state-connected">"Connected"</span>
                    }.into_any(),
                };
                view! { {follow} {connect} }.into_any()
            }}
        </div>
        <div role="status" aria-live="polite" class="relationship-status">
            {move || error.get().map(|m| view! { <p class="alert alert-error">{m}</p> })}
        </div>
    }
}
