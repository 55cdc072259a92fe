//! `/network`: connection requests received and sent, and people you may know.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::graph::{UpdateRelationship, network};
use crate::components::member_card::MemberCardView;
use crate::components::relationship::CardActions;
use crate::error::ErrorKind;
use crate::model::GraphOp;

#[component]
fn Answer(
    action: ServerAction<UpdateRelationship>,
    handle: String,
    op: GraphOp,
    label: &'static str,
    quiet: bool,
) -> impl IntoView {
    let class = if quiet {
        "button button-quiet"
    } else {
        "button"
    };
    let aria = format!("{label} @{handle}");
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="handle" value=handle/>
            <input type="hidden" name="op" value=op.as_str()/>
            <button type="submit" class=class aria-label=aria>{label}</button>
        </ActionForm>
    }
}

#[component]
pub fn NetworkPage() -> impl IntoView {
    let action = ServerAction::<UpdateRelationship>::new();
    let view_data = Resource::new(|| (), |_| network());
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.message),
        _ => None,
    };
    view! {
        <Title text="My network · Rounds"/>
        <h1>"My network"</h1>
        <div role="status" aria-live="polite">{move || error().map(|m| view! { <p class="alert alert-error">{m}</p> })}</div>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(n) => Either::Left(view! {
                        <section class="card" aria-labelledby="received-h">
                            <h2 id="received-h">"Invitations (" {n.received.len()} ")"</h2>
                            {if n.received.is_empty() {
                                Either::Left(view! { <p class="muted">"No pending invitations."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="member-list">
                                        {n.received.into_iter().map(|r| {
                                            let h = r.member.handle.clone();
                                            let note = r.note.clone();
                                            view! {
                                                <MemberCardView card=r.member>
                                                    {(!note.is_empty()).then(|| view! { <blockquote class="note-text">{note.clone()}</blockquote> })}
                                                    <Answer action handle=h.clone() op=GraphOp::Accept label="Accept" quiet=false/>
                                                    <Answer action handle=h.clone() op=GraphOp::Decline label="Decline" quiet=true/>
                                                </MemberCardView>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        </section>
                        <section class="card" aria-labelledby="sent-h">
                            <h2 id="sent-h">"Sent (" {n.sent.len()} ")"</h2>
                            {if n.sent.is_empty() {
                                Either::Left(view! { <p class="muted">"No requests waiting for an answer."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="member-list">
                                        {n.sent.into_iter().map(|r| {
                                            let h = r.member.handle.clone();
                                            view! {
                                                <MemberCardView card=r.member>
                                                    <Answer action handle=h op=GraphOp::Withdraw label="Withdraw" quiet=true/>
                                                </MemberCardView>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        </section>
                        <section class="card" aria-labelledby="pymk-h">
                            <h2 id="pymk-h">"People you may know"</h2>
                            {if n.suggestions.is_empty() {
                                Either::Left(view! { <p class="muted">"Add your specialty to your profile and connect with colleagues to see suggestions."</p> })
                            } else {
                                Either::Right(view! {
                                    <ul class="member-list">
                                        {n.suggestions.into_iter().map(|c| {
                                            let h = c.handle.clone();
                                            let r = c.relationship.unwrap_or_default();
                                            view! {
                                                <MemberCardView card=c>
                                                    <CardActions handle=h initial=r/>
                                                </MemberCardView>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })
                            }}
                        </section>
                    }),
                    Err(e) if e.kind == ErrorKind::Unauthorized => Either::Right(Either::Left(view! { <Redirect path="/signin?next=/network"/> })),
                    Err(e) => Either::Right(Either::Right(view! { <p role="alert" class="alert alert-error">{e.message}</p> })),
                }
            })}
        </Transition>
    }
}
