//! `/`: a landing page for visitors, a start page for members.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use leptos_router::hooks::use_query_map;

use crate::api::posts::{feed, highlights};
use crate::components::layout::{Me, use_me};
use crate::components::post::{Composer, PostCard, PostList, PostSource};

/// The signed-in member's feed: composer, then their network's posts, newest first.
#[component]
fn HomeFeed() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(move || query.read().get("after"), feed);
    view! {
        <h1 class="visually-hidden">"Home"</h1>
        <Composer/>
        <section aria-labelledby="feed-h">
            <h2 id="feed-h">"Your feed"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading your feed…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => Either::Left(view! {
                            <PostList items=p.items next=p.next source=PostSource::Home
                                empty="Nothing here yet. Follow colleagues, connect, or join a community — their posts appear here."/>
                        }),
                        Err(e) => Either::Right(view! { <p role="alert" class="alert alert-error">{e.message}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Recent public posts, for visitors.
#[component]
fn Highlights() -> impl IntoView {
    let posts = Resource::new(|| (), |_| highlights());
    view! {
        <section aria-labelledby="highlights-h">
            <h2 id="highlights-h">"Recent public posts"</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let items = posts.await.unwrap_or_default();
                    if items.is_empty() {
                        Either::Left(view! { <p class="muted">"No public posts yet."</p> })
                    } else {
                        Either::Right(items.into_iter().map(|p| view! { <PostCard post=p link=true/> }).collect_view())
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let Me(me) = use_me();
    view! {
        <Title text="Rounds · the network for healthcare professionals and patients"/>
        <Meta
            name="description"
            content="Rounds is an open-source social network where healthcare professionals, patients and organizations meet, with verification and safety built in."
        />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(_)) => Either::Left(view! { <HomeFeed/> }),
                    _ => Either::Right(view! { <Landing/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Landing() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Where clinicians and patients make rounds together"</h1>
            <p class="lede">
                "Rounds is an open-source social network for healthcare professionals, patients and "
                "healthcare organizations — with verified credentials, patient-privacy guards and "
                "clear labels, so trustworthy information rises and misinformation does not."
            </p>
            <p class="actions">
                <a class="button" href="/signup">"Join Rounds"</a>
                <a class="button button-quiet" href="/signin">"Sign in"</a>
            </p>
        </section>
        <section class="features" aria-label="What Rounds offers">
            <article class="card">
                <h2>"For professionals"</h2>
                <p>"Discuss cases with peers, show your skills and experience, and stay close to your patients."</p>
            </article>
            <article class="card">
                <h2>"For patients"</h2>
                <p>"Find people with the same condition and trustworthy answers — under a pseudonym if you prefer."</p>
            </article>
            <article class="card">
                <h2>"For organizations"</h2>
                <p>"Tell patients and providers about services, prices and best practices, always clearly labeled."</p>
            </article>
        </section>
        <Highlights/>
    }
}
