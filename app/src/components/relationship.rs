//! Follow / Connect / Accept / Block buttons. Each is a plain form (works before
//! hydration); after hydration the new state shows at once (optimistically) and rolls back
//! with a message if the server refuses.

use leptos::prelude::*;

use super::field::{FormErrors, island_result, returned_error};
use super::safety::PhiReview;
use crate::api::graph::UpdateRelationship;
use crate::error::AppError;
use crate::model::{ConnectionState, GraphOp, Relationship};

/// A button to show: what it posts, its label and look. `named` is the start of its
/// accessible name on member cards ("Follow" → "Follow @handle").
#[derive(Clone, Copy)]
struct Spec {
    op: GraphOp,
    label: &'static str,
    named: &'static str,
    quiet: bool,
    pressed: Option<bool>,
    note: bool,
}

const fn spec(op: GraphOp, label: &'static str, quiet: bool) -> Spec {
    Spec {
        op,
        label,
        named: label,
        quiet,
        pressed: None,
        note: false,
    }
}

/// A state word between the buttons: its class and text.
type State = Option<(&'static str, &'static str)>;

/// What a relationship shows: the follow button, a state word ("Pending", "Connected")
/// and the connection buttons. On a member `card`, only the main steps.
fn specs(r: Relationship, card: bool) -> (Option<Spec>, State, Vec<Spec>) {
    if r.blocked && !card {
        return (
            Some(spec(GraphOp::Unblock, "Unblock", true)),
            None,
            Vec::new(),
        );
    }
    let follow = if r.following {
        Spec {
            pressed: Some(true),
            ..spec(GraphOp::Unfollow, "Following", true)
        }
    } else {
        Spec {
            pressed: Some(false),
            ..spec(GraphOp::Follow, "Follow", false)
        }
    };
    let pending = Some(("state", "Pending"));
    let (state, connect) = match r.connection {
        ConnectionState::None => {
            let connect = Spec {
                named: "Connect with",
                note: !card,
                ..spec(GraphOp::Connect, "Connect", false)
            };
            (None, vec![connect])
        }
        ConnectionState::RequestSent if card => (pending, Vec::new()),
        ConnectionState::RequestSent => (
            pending,
            vec![spec(GraphOp::Withdraw, "Withdraw request", true)],
        ),
        ConnectionState::RequestReceived if card => {
            (None, vec![spec(GraphOp::Accept, "Accept", false)])
        }
        ConnectionState::RequestReceived => (
            None,
            vec![
                spec(GraphOp::Accept, "Accept", false),
                spec(GraphOp::Decline, "Decline", true),
            ],
        ),
        ConnectionState::Connected => (Some(("state state-connected", "Connected")), Vec::new()),
    };
    (Some(follow), state, connect)
}

/// Buttons that post to `action` for `handle`; on cards named with the handle.
fn buttons<I: IntoIterator<Item = Spec>>(
    action: ServerAction<UpdateRelationship>,
    handle: &str,
    list: I,
    card: bool,
    failure: Signal<Option<AppError>>,
) -> impl IntoView + use<I> {
    list.into_iter()
        .map(|s| {
            let aria_label = card.then(|| format!("{} @{handle}", s.named));
            view! { <OpButton action handle=handle.to_string() spec=s aria_label failure/> }
        })
        .collect_view()
}

/// The buttons and state word for relationship `r`.
fn relationship_view(
    action: ServerAction<UpdateRelationship>,
    handle: &str,
    r: Relationship,
    card: bool,
    failure: Signal<Option<AppError>>,
) -> impl IntoView + use<> {
    let (first, state, rest) = specs(r, card);
    view! {
        {buttons(action, handle, first, card, failure)}
        {state.map(|(class, text)| view! { <span class=class>{text}</span> })}
        {buttons(action, handle, rest, card, failure)}
    }
}

/// One button that posts `spec.op` for `handle`: a plain form before hydration.
#[component]
fn OpButton(
    action: ServerAction<UpdateRelationship>,
    handle: String,
    spec: Spec,
    /// The accessible name when the visible label alone is ambiguous (lists of members).
    aria_label: Option<String>,
    /// The last refused submit: a refused note is shown again, opened, with the PHI
    /// guard's review when that is why.
    failure: Signal<Option<AppError>>,
) -> impl IntoView {
    let class = if spec.quiet {
        "button button-quiet"
    } else {
        "button"
    };
    let kept_note = failure
        .get_untracked()
        .and_then(|e| e.kept.get("note").cloned())
        .unwrap_or_default();
    let note_open = !kept_note.trim().is_empty();
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="handle" value=handle/>
            <input type="hidden" name="op" value=spec.op.as_str()/>
            {spec.note.then(|| view! {
                <details class="note" open=note_open>
                    <summary>"Add a note"</summary>
                    <label for="connect-note" class="visually-hidden">"Note to send with your request"</label>
                    <textarea id="connect-note" name="note" rows="2" maxlength="300"
                        placeholder="How do you know each other?">{kept_note}</textarea>
                    <PhiReview errors=FormErrors(failure) id="connect-note" verb="Send"/>
                </details>
            })}
            // One change at a time: a second click waits for the first answer.
            <button type="submit" class=class disabled=move || action.pending().get()
                aria-pressed=spec.pressed.map(|p| if p { "true" } else { "false" })
                aria-label=aria_label>
                {spec.label}
            </button>
        </ActionForm>
    }
}

/// The relationship the viewer sees now: the in-flight op applied optimistically, else
/// the last state the server confirmed. `returned` is a no-JavaScript submit's error.
pub fn shown_relationship(
    action: ServerAction<UpdateRelationship>,
    initial: Relationship,
    returned: Option<AppError>,
) -> (Signal<Relationship>, Signal<Option<AppError>>) {
    let result = island_result(action, returned);
    let confirmed = RwSignal::new(initial);
    Effect::new(move |_| {
        if let Some(Ok(r)) = result.get() {
            confirmed.set(r);
        }
    });
    let shown = Signal::derive(move || {
        let base = match result.get() {
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
    let failure = Signal::derive(move || match (action.pending().get(), result.get()) {
        (false, Some(Err(e))) => Some(e),
        _ => None,
    });
    (shown, failure)
}

/// Every relationship action for a profile (inside the profile's graph island).
#[component]
pub fn RelationshipActions(
    action: ServerAction<UpdateRelationship>,
    handle: String,
    initial: Relationship,
    returned: Option<AppError>,
) -> impl IntoView {
    let (shown, failure) = shown_relationship(action, initial, returned);
    let h = handle.clone();
    view! {
        <div class="relationship">
            <div class="actions">
                {move || relationship_view(action, &h, shown.get(), false, failure)}
            </div>
            <details class="more">
                <summary>"More"</summary>
                {move || {
                    let r = shown.get();
                    let more = [
                        (r.connection == ConnectionState::Connected)
                            .then_some(spec(GraphOp::Remove, "Remove connection", true)),
                        Some(if r.muted {
                            spec(GraphOp::Unmute, "Unmute", true)
                        } else {
                            spec(GraphOp::Mute, "Mute", true)
                        }),
                        (!r.blocked).then_some(spec(GraphOp::Block, "Block", true)),
                    ];
                    buttons(action, &handle, more.into_iter().flatten(), false, failure)
                }}
            </details>
            <div role="status" aria-live="polite" class="relationship-status">
                {move || failure.get().map(|e| view! { <p class="alert alert-error">{e.message}</p> })}
            </div>
        </div>
    }
}

/// A no-JavaScript relationship submit's error, if it was about `handle`.
pub fn returned_for(handle: &str) -> Option<AppError> {
    returned_error::<UpdateRelationship>()
        .filter(|e| e.kept.get("handle").is_none_or(|h| h.as_str() == handle))
}

/// Follow and connect buttons on a member card in a list: the same plain forms and
/// optimistic updates as on a profile, named with the member's handle for screen readers.
#[component]
pub fn CardActions(handle: String, initial: Relationship) -> impl IntoView {
    let returned = returned_for(&handle);
    view! { <CardActionsIsland handle initial returned/> }
}

#[island]
fn CardActionsIsland(
    handle: String,
    initial: Relationship,
    returned: Option<AppError>,
) -> impl IntoView {
    let action = ServerAction::<UpdateRelationship>::new();
    let (shown, failure) = shown_relationship(action, initial, returned);
    view! {
        <div class="actions">
            {move || relationship_view(action, &handle, shown.get(), true, failure)}
        </div>
        <div role="status" aria-live="polite" class="relationship-status">
            {move || failure.get().map(|e| view! { <p class="alert alert-error">{e.message}</p> })}
        </div>
    }
}
