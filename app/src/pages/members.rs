//! `/@{handle}/followers`, `/following` and `/connections`: cursor-paginated lists.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::not_found::NotFound;
use crate::api::graph::member_list;
use crate::components::member_card::MemberCardView;
use crate::components::post::urlencode;
use crate::components::relationship::CardActions;
use crate::error::ErrorKind;

#[component]
pub fn MemberListPage(kind: &'static str) -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let source = move || {
        let segment = params.read().get("handle").unwrap_or_default();
        (segment, query.read().get("after"))
    };
    let page = Resource::new(source, move |(segment, after)| async move {
        match segment.strip_prefix('@') {
            Some(h) if !h.is_empty() => Some((
                h.to_string(),
                member_list(h.to_string(), kind.to_string(), after).await,
            )),
            _ => None,
        }
    });
    let title = match kind {
        "followers" => "Followers",
        "following" => "Following",
        _ => "Connections",
    };
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Some((handle, Ok(p))) => Either::Left(view! {
                        <Title text=format!("{title} of @{handle} · Rounds")/>
                        <h1>{title} " · " <a href=format!("/@{handle}")>"@" {handle.clone()}</a></h1>
                        <nav class="tabs" aria-label="Network lists">
                            <a href=format!("/@{handle}/followers") aria-current=(kind == "followers").then_some("page")>"Followers"</a>
                            <a href=format!("/@{handle}/following") aria-current=(kind == "following").then_some("page")>"Following"</a>
                            <a href=format!("/@{handle}/connections") aria-current=(kind == "connections").then_some("page")>"Connections"</a>
                        </nav>
                        {(p.unlisted_patients > 0).then(|| view! {
                            <p class="muted">{unlisted_patients(p.unlisted_patients)}</p>
                        })}
                        {if p.items.is_empty() {
                            Either::Left((p.unlisted_patients == 0).then(|| view! { <p class="muted">"Nobody here yet."</p> }))
                        } else {
                            Either::Right(view! {
                                <ul class="member-list card">
                                    {p.items.into_iter().map(|c| {
                                        let actions = c.relationship.map(|r| (c.handle.clone(), r));
                                        view! {
                                            <MemberCardView card=c>
                                                {actions.map(|(h, r)| view! { <CardActions handle=h initial=r/> })}
                                            </MemberCardView>
                                        }
                                    }).collect_view()}
                                </ul>
                            })
                        }}
                        {p.next.map(|n| view! {
                            <p><a class="button button-quiet" href=format!("/@{handle}/{kind}?after={}", urlencode(&n))>"Show more"</a></p>
                        })}
                    }),
                    Some((_, Err(e))) if e.kind == ErrorKind::Forbidden => Either::Right(Either::Left(view! {
                        <section class="card narrow"><h1>{title}</h1><p>{e.message}</p></section>
                    })),
                    _ => Either::Right(Either::Right(view! { <NotFound message="There is no member with that handle."/> })),
                }
            })}
        </Suspense>
    }
}

/// The line that stands for the patients a list leaves out.
pub fn unlisted_patients(n: u32) -> String {
    match n {
        1 => "1 member here is a patient and is not listed: patients\u{2019} networks are private."
            .into(),
        n => format!(
            "{n} members here are patients and are not listed: patients\u{2019} networks are private."
        ),
    }
}
