//! `/@{handle}`: a member's public profile.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::not_found::NotFound;
use crate::api::graph::{UpdateRelationship, profile_graph};
use crate::api::posts::member_posts;
use crate::api::profile::get_profile;
use crate::components::badge::VerifiedOrRole;
use crate::components::post::{PostList, PostSource};
use crate::components::relationship::{RelationshipActions, returned_for};
use crate::components::safety::ReportForm;
use crate::error::{AppError, ErrorKind};
use crate::model::{Degree, GraphSummary, Profile, Role};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let handle = move || params.read().get("handle").unwrap_or_default();
    let profile = Resource::new(handle, |segment| async move {
        // The route is `/:segment`; only `@handle` segments are profiles.
        match segment.strip_prefix('@') {
            Some(h) if !h.is_empty() => Some(get_profile(h.to_string()).await),
            _ => None,
        }
    });
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading profile…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Some(Ok(p)) => Either::Left(view! { <ProfileView profile=p/> }),
                    Some(Err(e)) if e.kind != ErrorKind::NotFound => Either::Right(Either::Left(view! {
                        <section class="card narrow"><h1>"Could not load this profile"</h1><p role="alert">{e.message}</p></section>
                    })),
                    _ => Either::Right(Either::Right(view! {
                        <NotFound message="There is no member with that handle."/>
                    })),
                }
            })}
        </Suspense>
    }
}

fn description(p: &Profile) -> String {
    let mut parts = vec![format!("{} (@{}) on Rounds", p.shown_name, p.handle)];
    if !p.headline.is_empty() {
        parts.push(p.headline.clone());
    }
    if let Some(s) = &p.specialty {
        parts.push(s.clone());
    }
    if !p.location.is_empty() {
        parts.push(p.location.clone());
    }
    parts.join(" · ")
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let p = profile;
    let title = format!("{} (@{}) · Rounds", p.shown_name, p.handle);
    let desc = description(&p);
    let specialty = p.specialty.clone().map(|s| match &p.subspecialty {
        Some(sub) => format!("{s} · {sub}"),
        None => s,
    });
    view! {
        <Title text=title/>
        <Meta name="description" content=desc/>
        <article class="card profile">
            <header class="profile-head">
                <div class="avatar" aria-hidden="true">{p.shown_name.chars().next().unwrap_or('?').to_string()}</div>
                <div>
                    <h1>{p.shown_name.clone()}</h1>
                    <p class="handle">"@" {p.handle.clone()} " " <VerifiedOrRole role=p.role verified=p.verified/></p>
                    {p.verified_as.clone().filter(|_| p.verified).map(|v| view! { <p class="small muted">{v}</p> })}
                    {(!p.headline.is_empty()).then(|| view! { <p class="headline">{p.headline.clone()}</p> })}
                    {specialty.map(|s| view! { <p class="specialty">{s}</p> })}
                    {p.org_type.clone().map(|t| view! { <p class="specialty">{t}</p> })}
                    <p class="meta">
                        {(!p.workplace.is_empty()).then(|| view! { <span>{p.workplace.clone()}</span> })}
                        {(!p.location.is_empty()).then(|| view! { <span>{p.location.clone()}</span> })}
                        <span>"Joined " {p.joined.clone()}</span>
                    </p>
                    {(p.pseudonymous && p.role == Role::Patient).then(|| view! {
                        <p class="muted small">"This patient uses a pseudonym."</p>
                    })}
                </div>
                {p.is_own.then(|| view! { <a class="button button-quiet" href="/settings/profile">"Edit profile"</a> })}
            </header>
            <ProfileGraph handle=p.handle.clone()/>
            {(!p.bio.is_empty()).then(|| view! {
                <section aria-labelledby="about-h"><h2 id="about-h">"About"</h2><p class="prewrap">{p.bio.clone()}</p></section>
            })}
            {(!p.experience.is_empty()).then(|| view! {
                <section aria-labelledby="exp-h">
                    <h2 id="exp-h">"Experience"</h2>
                    <ul class="plain">
                        {p.experience.iter().map(|e| view! {
                            <li><strong>{e.title.clone()}</strong> " · " {e.organization.clone()}
                                <span class="muted">" " {e.period.clone()}</span></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!p.skills.is_empty()).then(|| view! {
                <section aria-labelledby="skills-h">
                    <h2 id="skills-h">"Skills"</h2>
                    <ul class="chips">{p.skills.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
                </section>
            })}
            {(!p.links.is_empty()).then(|| view! {
                <section aria-labelledby="links-h">
                    <h2 id="links-h">"Publications and links"</h2>
                    <ul class="plain">
                        {p.links.iter().map(|l| view! {
                            <li><a href=l.url.clone() rel="nofollow noopener ugc" target="_blank">{l.title.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(p.role != Role::Patient).then(|| view! {
                <section aria-labelledby="coi-h" class="coi">
                    <h2 id="coi-h">"Conflicts of interest"</h2>
                    <p class="prewrap">{if p.conflicts.is_empty() { "None disclosed.".to_string() } else { p.conflicts.clone() }}</p>
                </section>
            })}
        </article>
        <ProfilePosts handle=p.handle.clone()/>
    }
}

/// The member's posts the viewer may see.
#[component]
fn ProfilePosts(handle: String) -> impl IntoView {
    let query = use_query_map();
    let h = handle.clone();
    let page = Resource::new(
        move || (h.clone(), query.read().get("after")),
        |(h, after)| member_posts(h, after),
    );
    view! {
        <section aria-labelledby="posts-h">
            <h2 id="posts-h">"Posts"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    let handle = handle.clone();
                    Suspend::new(async move {
                        page.await.ok().map(|p| view! {
                            <PostList items=p.items next=p.next source=PostSource::Member(handle)
                                empty="No posts you can see yet."/>
                        })
                    })
                }}
            </Suspense>
        </section>
    }
}

/// Counts, degree, mutual connections and the relationship buttons.
#[component]
fn ProfileGraph(handle: String) -> impl IntoView {
    let h = handle.clone();
    let graph = Resource::new(move || h.clone(), profile_graph);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let handle = handle.clone();
                Suspend::new(async move {
                    let Ok(g) = graph.await else { return None };
                    let other = g.relationship.is_some();
                    let visitor = g.degree.is_none();
                    let returned = returned_for(&handle);
                    Some(view! {
                        <section class="graph" aria-label="Network">
                            <GraphPanel handle=handle.clone() initial=g returned/>
                            {other.then(|| view! {
                                <ReportForm kind="member" item=handle.clone() what="this profile"/>
                            })}
                            {visitor.then(|| view! {
                                <p class="small"><a href=format!("/signin?next=/@{handle}")>"Sign in"</a> " to follow or connect."</p>
                            })}
                        </section>
                    })
                })
            }}
        </Suspense>
    }
}

/// The interactive part of the graph section (an island): the counts are fetched again
/// after each confirmed follow or connect, so they follow the buttons without a reload.
#[island]
fn GraphPanel(handle: String, initial: GraphSummary, returned: Option<AppError>) -> impl IntoView {
    let action = ServerAction::<UpdateRelationship>::new();
    let relationship = initial.relationship;
    let graph = RwSignal::new(initial);
    let h = handle.clone();
    Effect::new(move |_| {
        if action.version().get() > 0 {
            let h = h.clone();
            leptos::task::spawn_local(async move {
                if let Ok(g) = profile_graph(h).await {
                    graph.set(g);
                }
            });
        }
    });
    let base = format!("/@{handle}");
    view! {
        {move || {
            let g = graph.get();
            let base = base.clone();
            view! {
                {(!g.lists_private).then(|| view! {
                    <p class="counts">
                        <a href=format!("{base}/followers")><strong>{g.followers}</strong> " followers"</a>
                        <a href=format!("{base}/following")><strong>{g.following}</strong> " following"</a>
                        <a href=format!("{base}/connections")><strong>{g.connections}</strong> " connections"</a>
                    </p>
                })}
                {g.degree.filter(|d| *d != Degree::You).map(|d| view! {
                    <p class="degree"><span class="badge badge-degree" title=d.description()>
                        <span aria-hidden="true">{d.label()}</span>
                        <span class="visually-hidden">{d.description()}</span>
                    </span></p>
                })}
                {(g.mutual_count > 0).then(|| {
                    let names: Vec<_> = g.mutuals.iter().map(|m| view! {
                        <a href=format!("/@{}", m.handle)>{m.shown_name.clone()}</a>
                    }).collect();
                    view! {
                        <p class="mutuals small">
                            {g.mutual_count} {if g.mutual_count == 1 { " mutual connection: " } else { " mutual connections, including " }}
                            {names.into_iter().map(|n| view! { <span class="mutual">{n}</span> }).collect_view()}
                        </p>
                    }
                })}
            }
        }}
        {relationship.map(|r| view! { <RelationshipActions action handle initial=r returned/> })}
    }
}
