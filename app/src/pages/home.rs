//! `/`: a landing page for visitors, a start page for members.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::components::layout::{Me, use_me};

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
                    Ok(Some(m)) => Either::Left(view! {
                        <section class="card">
                            <h1>"Welcome back, " {m.display_name.clone()}</h1>
                            <p>
                                "Your profile is how colleagues and patients get to know you. Keep your specialty, "
                                "experience and conflict-of-interest disclosures up to date."
                            </p>
                            <p class="actions">
                                <a class="button" href=format!("/@{}", m.handle)>"View your profile"</a>
                                <a class="button button-quiet" href="/settings/profile">"Edit profile"</a>
                            </p>
                        </section>
                    }),
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
    }
}
