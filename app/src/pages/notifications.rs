//! `/notifications`: what a member has been told (verification outcomes, moderation of
//! their content, report outcomes, moderators' messages), newest first.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::moderation::Refused;
use crate::api::safety::{MarkNotificationsRead, my_notifications};
use crate::components::post::short_time;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(|| (), |_| my_notifications());
    view! {
        <Title text="Notifications · Rounds"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) => {
                        let unread = items.iter().filter(|n| !n.read).count();
                        Either::Left(view! {
                            <section class="card" aria-labelledby="notes-h">
                                <h1 id="notes-h">"Notifications"</h1>
                                {(unread > 0).then(|| view! {
                                    <ActionForm action=mark attr:class="inline-form">
                                        <button type="submit" class="button button-quiet button-small">
                                            "Mark " {unread} " as read"
                                        </button>
                                    </ActionForm>
                                })}
                                {if items.is_empty() {
                                    Either::Left(view! { <p class="muted">"Nothing yet. Moderation outcomes and verification decisions appear here."</p> })
                                } else {
                                    Either::Right(view! {
                                        <ol class="notifications">
                                            {items.into_iter().map(|n| view! {
                                                <li class:unread=!n.read>
                                                    {(!n.read).then(|| view! { <span class="badge">"New"</span> " " })}
                                                    <span>{n.text}</span>
                                                    <span class="small muted">" · " {short_time(&n.created_at)}</span>
                                                    {(!n.link.is_empty()).then(|| view! { " " <a class="small" href=n.link>"View"</a> })}
                                                </li>
                                            }).collect_view()}
                                        </ol>
                                    })
                                }}
                            </section>
                        })
                    }
                    Err(e) => Either::Right(view! { <Refused error=e next="/notifications"/> }),
                }
            })}
        </Transition>
    }
}
