//! `/communities` (directory), `/communities/new` and `/c/{slug}`.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::not_found::NotFound;
use crate::api::communities::{
    AnswerJoinRequest, CommunityMembership, CreateCommunity, PinPost, SetCommunityRole,
    list_communities, load_community,
};
use crate::components::field::{FieldError, FormAlert, FormErrors, TextArea, TextField};
use crate::components::post::{Composer, PostCard, PostList, PostSource};
use crate::components::safety::PhiReview;
use crate::error::ErrorKind;
use crate::model::{Access, CommunityKind, CommunityRole, CommunityView, Membership};

fn kind_href(kind: Option<CommunityKind>) -> String {
    match kind {
        Some(k) => format!("/communities?kind={}", k.as_str()),
        None => "/communities".to_string(),
    }
}

#[component]
pub fn CommunitiesPage() -> impl IntoView {
    let query = use_query_map();
    let kind = move || query.read().get("kind").unwrap_or_default();
    let list = Resource::new(kind, list_communities);
    view! {
        <Title text="Communities · Rounds"/>
        <Meta name="description" content="Specialty, condition and organization communities on Rounds."/>
        <div class="page-head">
            <h1>"Communities"</h1>
            <a class="button" href="/communities/new">"Create a community"</a>
        </div>
        <nav class="tabs" aria-label="Filter by kind">
            {move || {
                let current = CommunityKind::parse(&kind());
                std::iter::once(None).chain(CommunityKind::ALL.into_iter().map(Some)).map(|k| view! {
                    <a href=kind_href(k) aria-current=(current == k).then_some("page")>
                        {k.map_or("All", CommunityKind::label)}
                    </a>
                }).collect_view()
            }}
        </nav>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => Either::Left(view! { <p class="muted card">"No communities of this kind yet."</p> }),
                    Ok(items) => Either::Right(Either::Left(view! {
                        <ul class="community-list">
                            {items.into_iter().map(|c| view! { <CommunityCard community=c/> }).collect_view()}
                        </ul>
                    })),
                    Err(e) => Either::Right(Either::Right(view! { <p role="alert" class="alert alert-error">{e.message}</p> })),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CommunityCard(community: CommunityView) -> impl IntoView {
    let c = community;
    view! {
        <li class="card community-card">
            <h2><a href=format!("/c/{}", c.slug)>{c.name.clone()}</a></h2>
            <p class="small muted">
                {c.kind.label()} " · " {c.access.label()} " · " {c.member_count}
                {if c.member_count == 1 { " member" } else { " members" }}
            </p>
            {(!c.description.is_empty()).then(|| view! { <p>{c.description.clone()}</p> })}
        </li>
    }
}

#[component]
pub fn NewCommunityPage() -> impl IntoView {
    let action = ServerAction::<CreateCommunity>::new();
    let errors = FormErrors(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    let kept = move |f: &'static str| errors.kept(f).unwrap_or_default();
    let kind = kept("kind");
    let access = kept("access");
    view! {
        <Title text="Create a community · Rounds"/>
        <section class="card narrow">
            <h1>"Create a community"</h1>
            <FormAlert message=errors.message()/>
            <ActionForm action=action attr:novalidate=true>
                <TextField name="name" label="Name" value=kept("name") error=errors.on("name") required=true maxlength=80/>
                <TextField name="slug" label="Address" value=kept("slug") error=errors.on("slug") required=true maxlength=40
                    hint="rounds/c/… — lowercase letters, digits and hyphens, e.g. type-1-diabetes"/>
                <TextArea name="description" label="What is it for?" value=kept("description") error=errors.on("description") maxlength=2000/>
                <div class="field">
                    <label for="f-kind">"Kind"</label>
                    <select id="f-kind" name="kind" aria-describedby="f-kind-error">
                        {CommunityKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=kind == k.as_str()>{k.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError field="f-kind" error=errors.on("kind")/>
                </div>
                <div class="field">
                    <label for="f-access">"Who can join"</label>
                    <select id="f-access" name="access" aria-describedby="f-access-error">
                        {Access::ALL.into_iter().map(|a| view! {
                            <option value=a.as_str() selected=access == a.as_str()>{a.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldError field="f-access" error=errors.on("access")/>
                </div>
                <PhiReview errors id="community" fields=&[("name", "Name"), ("description", "What is it for?")] verb="Create"/>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Create community"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn CommunityPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let membership = ServerAction::<CommunityMembership>::new();
    let answer = ServerAction::<AnswerJoinRequest>::new();
    let pin = ServerAction::<PinPost>::new();
    let appoint = ServerAction::<SetCommunityRole>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("slug").unwrap_or_default(),
                query.read().get("after"),
            )
        },
        |(slug, after)| load_community(slug, after),
    );
    let action_error = move || {
        [
            membership.value().get().and_then(Result::err),
            answer.value().get().and_then(Result::err),
            pin.value().get().and_then(Result::err),
            appoint.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| e.message)
    };
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let c = p.community.clone();
                        let slug = c.slug.clone();
                        let title = format!("{} · Rounds", c.name);
                        let (join_label, op) = match c.membership {
                            None if c.access == Access::Approval => ("Ask to join", "join"),
                            None => ("Join", "join"),
                            Some(Membership::Pending) => ("Withdraw request", "leave"),
                            Some(Membership::Active(_)) => ("Leave", "leave"),
                        };
                        let status = match c.membership {
                            Some(Membership::Active(r)) => Some(format!("You are a {}.", r.label().to_lowercase())),
                            Some(Membership::Pending) if c.access == Access::Professionals => Some(
                                "Your request waits for your verification: once a moderator has checked your credential (Settings → Verification), you are in.".to_string(),
                            ),
                            Some(Membership::Pending) => Some("Your request is waiting for a moderator.".to_string()),
                            None => None,
                        };
                        let moderates = p.moderates;
                        let unlisted = p.unlisted_patients;
                        let owns = p.owns;
                        let roles_slug = slug.clone();
                        let form_slug = slug.clone();
                        let pending: Vec<_> = p.members.iter().filter(|m| m.pending).cloned().collect();
                        let members: Vec<_> = p.members.iter().filter(|m| !m.pending).cloned().collect();
                        let requests = (moderates && !pending.is_empty()).then(|| view! {
                            <section class="card" aria-labelledby="requests-h">
                                <h2 id="requests-h">"Requests to join"</h2>
                                <ul class="plain">
                                    {pending.into_iter().map(|m| {
                                        let slug = slug.clone();
                                        view! {
                                            <li>
                                                <a href=format!("/@{}", m.handle)>{m.shown_name.clone()}</a>
                                                <AnswerForm action=answer slug=slug.clone() handle=m.handle.clone() approve=true/>
                                                <AnswerForm action=answer slug handle=m.handle.clone() approve=false/>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {(unlisted > 0).then(|| view! {
                                    <p class="muted small">{crate::pages::members::unlisted_patients(unlisted)}</p>
                                })}
                            </section>
                        });
                        let pinned = (!p.pinned.is_empty()).then(|| {
                            let slug = slug.clone();
                            view! {
                                <section aria-labelledby="pinned-h">
                                    <h2 id="pinned-h">"Pinned"</h2>
                                    {p.pinned.clone().into_iter().map(|post| {
                                        let id = post.id.to_string();
                                        view! {
                                            <PostCard post link=true/>
                                            {moderates.then(|| view! { <PinForm action=pin slug=slug.clone() id pinned=false/> })}
                                        }
                                    }).collect_view()}
                                </section>
                            }
                        });
                        let pin_list = moderates.then(|| {
                            let slug = slug.clone();
                            view! {
                                <details class="small">
                                    <summary>"Pin a post"</summary>
                                    <ul class="plain">
                                        {p.posts.items.iter().map(|post| view! {
                                            <li>
                                                <a href=format!("/p/{}", post.id)>"Post of " {crate::components::post::short_time(&post.created_at)}</a>
                                                " " <PinForm action=pin slug=slug.clone() id=post.id.to_string() pinned=true/>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                </details>
                            }
                        });
                        let composer = p.can_post.then(|| view! { <Composer community=(slug.clone(), c.access)/> });
                        EitherOf3::A(view! {
                            <Title text=title/>
                            <Meta name="description" content=if c.description.is_empty() { c.name.clone() } else { c.description.clone() }/>
                            <header class="card community-head">
                                <h1>{c.name.clone()}</h1>
                                <p class="small muted">
                                    {c.kind.label()} " community · " {c.access.label()} " · " {c.member_count}
                                    {if c.member_count == 1 { " member" } else { " members" }}
                                </p>
                                {(!c.description.is_empty()).then(|| view! { <p class="prewrap">{c.description.clone()}</p> })}
                                {status.map(|s| view! { <p class="small">{s}</p> })}
                                {moderates.then(|| view! {
                                    <p class="small"><a href="/mod/reports">"Reports to review in your communities"</a></p>
                                })}
                                <ActionForm action=membership attr:class="inline-form">
                                    <input type="hidden" name="slug" value=form_slug/>
                                    <input type="hidden" name="op" value=op/>
                                    <button type="submit" class=if op == "join" { "button" } else { "button button-quiet" }
                                        disabled=move || membership.pending().get()>{join_label}</button>
                                </ActionForm>
                                <p role="alert" class="field-error">{action_error}</p>
                            </header>
                            {composer}
                            {pinned}
                            <section aria-labelledby="posts-h">
                                <h2 id="posts-h">"Posts"</h2>
                                {pin_list}
                                <PostList items=p.posts.items next=p.posts.next source=PostSource::Community(slug.clone())
                                    empty="No posts you can see yet."/>
                            </section>
                            {requests}
                            <section class="card" aria-labelledby="members-h">
                                <h2 id="members-h">"Members"</h2>
                                <ul class="plain">
                                    {members.into_iter().map(|m| {
                                        let appointable = owns && m.role != CommunityRole::Owner;
                                        let slug = roles_slug.clone();
                                        view! {
                                            <li><a href=format!("/@{}", m.handle)>{m.shown_name.clone()}</a>
                                                {m.role.moderates().then(|| view! { " " <span class="badge">{m.role.label()}</span> })}
                                                {appointable.then(|| view! {
                                                    " " <RoleForm action=appoint slug handle=m.handle.clone() moderator=m.role != CommunityRole::Moderator/>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {(unlisted > 0).then(|| view! {
                                    <p class="muted small">{crate::pages::members::unlisted_patients(unlisted)}</p>
                                })}
                            </section>
                        })
                    }
                    Err(e) if e.kind == ErrorKind::NotFound => EitherOf3::B(view! { <NotFound message=e.message/> }),
                    Err(e) => EitherOf3::C(view! { <p role="alert" class="alert alert-error">{e.message}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn PinForm(action: ServerAction<PinPost>, slug: String, id: String, pinned: bool) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="pinned" value=if pinned { "true" } else { "false" }/>
            <button type="submit" class="button button-quiet button-small">{if pinned { "Pin" } else { "Unpin" }}</button>
        </ActionForm>
    }
}

#[component]
fn AnswerForm(
    action: ServerAction<AnswerJoinRequest>,
    slug: String,
    handle: String,
    approve: bool,
) -> impl IntoView {
    let (label, class) = if approve {
        ("Approve", "button button-small")
    } else {
        ("Decline", "button button-quiet button-small")
    };
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="handle" value=handle.clone()/>
            <input type="hidden" name="approve" value=if approve { "true" } else { "false" }/>
            <button type="submit" class=class aria-label=format!("{label} @{handle}")>{label}</button>
        </ActionForm>
    }
}

#[component]
fn RoleForm(
    action: ServerAction<SetCommunityRole>,
    slug: String,
    handle: String,
    moderator: bool,
) -> impl IntoView {
    let label = if moderator {
        "Make moderator"
    } else {
        "Remove moderator"
    };
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="slug" value=slug/>
            <input type="hidden" name="handle" value=handle.clone()/>
            <input type="hidden" name="moderator" value=if moderator { "true" } else { "false" }/>
            <button type="submit" class="button button-quiet button-small" aria-label=format!("{label}: @{handle}")>{label}</button>
        </ActionForm>
    }
}
