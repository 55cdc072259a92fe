//! The app shell: header with the signed-in member, side navigation on desktop and bottom
//! navigation on phones.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::auth::{SignOut, whoami};
use crate::error::AppError;
use crate::model::CurrentMember;

/// Who is signed in, refreshed on every navigation (so sign-in/out and expiry show).
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<CurrentMember>, AppError>>);

/// Creates the `Me` resource; call once inside the router.
pub fn provide_me() -> Me {
    let location = use_location();
    let me = Me(Resource::new(move || location.pathname.get(), |_| whoami()));
    provide_context(me);
    me
}

/// The `Me` resource from context.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

#[component]
fn SignOutButton() -> impl IntoView {
    // A plain form: the server signs out and redirects to `/`, a full page load in
    // the signed-out state (pwa.js tells the service worker to forget the member's pages).
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="inline-form">
            <button type="submit" class="button button-quiet">"Sign out"</button>
        </ActionForm>
    }
}

fn notif_label(unread: u32) -> String {
    match unread {
        0 => "Notifications".to_string(),
        n => format!("Notifications, {n} unread"),
    }
}

/// The top bar.
#[component]
pub fn Header() -> impl IntoView {
    let Me(me) = use_me();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"R"</span>
                <span>"Rounds"</span>
            </a>
            <div class="topbar-member">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match me.await {
                            Ok(Some(m)) => Either::Left(view! {
                                <a class="notif-link" href="/notifications" aria-label=notif_label(m.unread)>
                                    <svg aria-hidden="true" width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                                        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/>
                                        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/>
                                    </svg>
                                    {(m.unread > 0).then(|| view! { <span class="notif-count" aria-hidden="true">{m.unread}</span> })}
                                </a>
                                <a class="member-link" href=format!("/@{}", m.handle)>
                                    {m.display_name.clone()}
                                </a>
                                <SignOutButton/>
                            }),
                            _ => Either::Right(view! {
                                <a class="button button-quiet" href="/signin">"Sign in"</a>
                                <a class="button" href="/signup">"Join Rounds"</a>
                            }),
                        }
                    })}
                </Transition>
            </div>
        </header>
    }
}

/// Main navigation: a side rail on wide screens, a bottom bar on phones.
#[component]
pub fn Navigation() -> impl IntoView {
    let Me(me) = use_me();
    view! {
        <nav class="mainnav" aria-label="Main">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(m)) => Either::Left(view! {
                            <ul>
                                <li><a href="/"><span aria-hidden="true" class="nav-icon">"⌂"</span>"Home"</a></li>
                                <li><a href="/network"><span aria-hidden="true" class="nav-icon">"⚇"</span>"Network"</a></li>
                                <li><a href="/communities"><span aria-hidden="true" class="nav-icon">"◎"</span>"Communities"</a></li>
                                <li><a href=format!("/@{}", m.handle)><span aria-hidden="true" class="nav-icon">"◉"</span>"Profile"</a></li>
                                <li><a href="/settings/profile"><span aria-hidden="true" class="nav-icon">"✎"</span>"Settings"</a></li>
                                {m.moderator.then(|| view! {
                                    <li class="nav-wide"><a href="/mod/reports"><span aria-hidden="true" class="nav-icon">"⚑"</span>"Moderation"</a></li>
                                })}
                            </ul>
                        }),
                        _ => Either::Right(view! {
                            <ul>
                                <li><a href="/"><span aria-hidden="true" class="nav-icon">"⌂"</span>"Home"</a></li>
                                <li><a href="/communities"><span aria-hidden="true" class="nav-icon">"◎"</span>"Communities"</a></li>
                                <li><a href="/signin"><span aria-hidden="true" class="nav-icon">"→"</span>"Sign in"</a></li>
                                <li><a href="/signup"><span aria-hidden="true" class="nav-icon">"+"</span>"Join"</a></li>
                            </ul>
                        }),
                    }
                })}
            </Transition>
        </nav>
    }
}
