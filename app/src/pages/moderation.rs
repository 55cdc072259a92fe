//! `/mod/reports`, `/mod/verifications` and `/mod/log`: the moderators' pages. The server
//! functions behind them check the role; these pages turn a refusal into the right answer
//! (a redirect to sign-in for visitors, HTTP 403 for members who moderate nothing).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::not_found::set_status;
use crate::api::moderation::{
    DecideLabel, DecideVerification, ModQueue, Moderate, RevokeVerification, audit_log, mod_cases,
    revoked_badges, verification_queue,
};
use crate::components::field::{FieldError, FormAlert, FormErrors, TextField};
use crate::components::layout::{Me, use_me};
use crate::components::post::short_time;
use crate::error::{AppError, ErrorKind};
use crate::model::{CaseView, LabelProposal, ModAction, ReportTarget, VerificationView};

/// What a refused moderation page shows.
#[component]
pub fn Refused(error: AppError, next: &'static str) -> impl IntoView {
    match error.kind {
        ErrorKind::Unauthorized => {
            Either::Left(view! { <Redirect path=format!("/signin?next={next}")/> })
        }
        kind => {
            set_status(kind.status());
            Either::Right(view! {
                <section class="card narrow">
                    <h1>{if kind == ErrorKind::Forbidden { "Moderators only" } else { "Could not load this page" }}</h1>
                    <p role="alert">{error.message}</p>
                </section>
            })
        }
    }
}

/// A row of links between sibling pages, the current one marked for assistive tech.
pub fn subnav(
    class: &'static str,
    label: &'static str,
    current: &'static str,
    links: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    view! {
        <nav class=class aria-label=label>
            <ul>
                {links.into_iter().map(|(href, text)| view! {
                    <li><a href=href aria-current=(href == current).then_some("page")>{text}</a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

fn mod_nav(current: &'static str) -> impl IntoView {
    subnav(
        "mod-nav",
        "Moderation",
        current,
        vec![
            ("/mod/reports", "Reports"),
            ("/mod/verifications", "Verifications"),
            ("/mod/log", "Audit log"),
        ],
    )
}

/// Links between the settings pages (and, for site moderators, to moderation: the
/// phone's bottom bar has no room for it).
pub fn settings_nav(current: &'static str) -> impl IntoView {
    let Me(me) = use_me();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let moderator = matches!(me.await, Ok(Some(m)) if m.moderator);
                let mut links = vec![
                    ("/settings/profile", "Profile"),
                    ("/settings/verification", "Verification"),
                    ("/notifications", "Notifications"),
                ];
                if moderator {
                    links.push(("/mod/reports", "Moderation"));
                }
                subnav("settings-nav", "Settings", current, links)
            })}
        </Transition>
    }
}

/// `/mod/reports`: open cases (or `?closed=1`), and label proposals for site moderators.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let closed = move || query.read().get("closed").is_some();
    let act = ServerAction::<Moderate>::new();
    let decide = ServerAction::<DecideLabel>::new();
    let queue = Resource::new(closed, mod_cases);
    view! {
        <Title text="Reports · Moderation · Rounds"/>
        {mod_nav("/mod/reports")}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(q) => Either::Left(view! { <Queue queue=q closed=closed() act decide/> }),
                    Err(e) => Either::Right(view! { <Refused error=e next="/mod/reports"/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Queue(
    queue: ModQueue,
    closed: bool,
    act: ServerAction<Moderate>,
    decide: ServerAction<DecideLabel>,
) -> impl IntoView {
    let ModQueue {
        cases,
        proposals,
        site,
    } = queue;
    view! {
        <section class="card" aria-labelledby="cases-h">
            <h1 id="cases-h">{if closed { "Closed reports" } else { "Open reports" }}</h1>
            <p class="small">
                {if site { "All reports on Rounds." } else { "Reports in the communities you moderate." }}
                " "
                {if closed {
                    view! { <a href="/mod/reports">"Show open reports"</a> }
                } else {
                    view! { <a href="/mod/reports?closed=1">"Show closed reports"</a> }
                }}
            </p>
            {if cases.is_empty() {
                Either::Left(view! { <p class="muted">"Nothing to review."</p> })
            } else {
                Either::Right(view! {
                    <ol class="cases">
                        {cases.into_iter().map(|c| view! { <Case case=c act site/> }).collect_view()}
                    </ol>
                })
            }}
        </section>
        {(!proposals.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="labels-h">
                <h2 id="labels-h">"Proposed misinformation labels"</h2>
                <ol class="cases">
                    {proposals.into_iter().map(|p| view! { <Proposal proposal=p decide/> }).collect_view()}
                </ol>
            </section>
        })}
    }
}

#[component]
fn Case(case: CaseView, act: ServerAction<Moderate>, site: bool) -> impl IntoView {
    // Only the form that was submitted shows its error and keeps what was typed.
    let this = case.id.clone();
    let errors = FormErrors(Signal::derive(move || {
        act.value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.kept.get("case") == Some(&this))
    }));
    let what = match case.kind {
        ReportTarget::Post => "Post",
        ReportTarget::Comment => "Comment",
        ReportTarget::Member => "Profile",
    };
    // After a failed submit the form comes back as it was sent, action included.
    let chosen = errors.kept("action");
    let form_id = format!("case-{}", case.id.replace(':', "-"));
    let (reason_id, action_id, days_id) = (
        format!("{form_id}-reason"),
        format!("{form_id}-action"),
        format!("{form_id}-days"),
    );
    let actions: Vec<ModAction> = ModAction::ALL
        .into_iter()
        .filter(|a| {
            !(case.kind == ReportTarget::Member && matches!(a, ModAction::Hide | ModAction::Remove))
                && (site || *a != ModAction::Suspend)
        })
        .collect();
    let heading = format!(
        "{what} by @{} — {} report{}",
        case.author_handle,
        case.reports,
        if case.reports == 1 { "" } else { "s" }
    );
    view! {
        <li class="case" aria-labelledby=format!("{form_id}-h")>
            <h3 id=format!("{form_id}-h")>{heading}</h3>
            <p class="small muted">
                {case.verified_reports} " from verified professionals · updated " {short_time(&case.updated_at)}
                {case.community.clone().map(|c| view! { " · in " <a href=format!("/c/{c}")>{c.clone()}</a> })}
                {case.mod_state.clone().map(|s| view! { " · " <strong>{s}</strong> })}
                {case.hidden_pending.then_some(" · hidden pending review")}
                {case.outcome.clone().map(|o| view! { " · outcome: " {o} })}
            </p>
            <blockquote class="excerpt">{case.excerpt.clone()}</blockquote>
            <p class="small"><a href=case.link.clone()>"Open the reported " {what.to_lowercase()}</a></p>
            <ul class="report-notes small">
                {case.notes.iter().map(|n| view! {
                    <li>
                        <strong>{n.reason.label()}</strong> " — " {n.reporter.as_ref().map_or_else(|| "a member".to_string(), |r| format!("@{r}"))}
                        {n.verified.then_some(" (verified)")}
                        {(!n.note.is_empty()).then(|| format!(": {}", n.note))}
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=act attr:class="case-form" attr:novalidate=true>
                <input type="hidden" name="case" value=case.id.clone()/>
                <div class="case-row">
                    <div class="field">
                        <label for=action_id.clone()>"Action"</label>
                        <select id=action_id name="action">
                            {actions.into_iter().map(|a| view! {
                                <option value=a.as_str() selected=chosen.as_deref() == Some(a.as_str())>{a.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=days_id.clone()>"Days (suspensions)"</label>
                        <input id=days_id type="number" name="days" min="1" max="365" inputmode="numeric"
                            value=errors.kept("days").unwrap_or_else(|| "7".into())/>
                    </div>
                </div>
                <div class="field">
                    <label for=reason_id.clone()>"Reason or message (the author sees it)"</label>
                    <textarea id=reason_id.clone() name="reason" rows="2" aria-describedby=format!("{reason_id}-error")>
                        {errors.kept("reason").unwrap_or_default()}
                    </textarea>
                    <FieldError field=reason_id.clone() error=errors.on("reason")/>
                </div>
                <button type="submit" class="button button-small">"Apply"</button>
                <p role="status" aria-live="polite" class="small">
                    {move || errors.0.get().filter(|e| e.field.is_none()).map(|e| view! { <span class="field-error">{e.message}</span> })}
                </p>
            </ActionForm>
        </li>
    }
}

#[component]
fn Proposal(proposal: LabelProposal, decide: ServerAction<DecideLabel>) -> impl IntoView {
    let p = proposal;
    let id = p.id.clone();
    view! {
        <li class="case">
            <p class="small">"Proposed by @" {p.proposed_by.clone()} " for " <a href=format!("/p/{}", p.post)>"this post"</a></p>
            <blockquote class="excerpt">{p.excerpt.clone()}</blockquote>
            <p><strong>"Label: "</strong>{p.note.clone()}</p>
            <p class="small">"Evidence: " {p.evidence.join(", ")}</p>
            {["accept", "reject"].into_iter().map(|d| { let id = id.clone(); view! {
                <ActionForm action=decide attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="decision" value=d/>
                    <button type="submit" class="button button-small button-quiet">
                        {if d == "accept" { "Accept label" } else { "Reject label" }}
                    </button>
                </ActionForm>
            }}).collect_view()}
        </li>
    }
}

/// `/mod/verifications`: pending credential checks.
#[component]
pub fn VerificationsPage() -> impl IntoView {
    let decide = ServerAction::<DecideVerification>::new();
    let revoke = ServerAction::<RevokeVerification>::new();
    let queue = Resource::new(|| (), |_| verification_queue());
    view! {
        <Title text="Verifications · Moderation · Rounds"/>
        {mod_nav("/mod/verifications")}
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match queue.await {
                    Ok(list) => Either::Left(view! {
                        <section class="card" aria-labelledby="ver-h">
                            <h1 id="ver-h">"Verification requests"</h1>
                            <p class="small">"Check each credential against the issuing registry before approving. NPIs passed the check-digit test."</p>
                            {if list.is_empty() {
                                Either::Left(view! { <p class="muted">"No pending requests."</p> })
                            } else {
                                Either::Right(view! {
                                    <ol class="cases">
                                        {list.into_iter().map(|v| view! { <Request request=v decide/> }).collect_view()}
                                    </ol>
                                })
                            }}
                        </section>
                    }),
                    Err(e) => Either::Right(view! { <Refused error=e next="/mod/verifications"/> }),
                }
            })}
        </Transition>
        <RevokeForm revoke/>
    }
}

/// Takes a badge back: by handle, with the reason the member is told.
#[component]
fn RevokeForm(revoke: ServerAction<RevokeVerification>) -> impl IntoView {
    let errors = FormErrors(Signal::derive(move || {
        revoke.value().get().and_then(Result::err)
    }));
    let revoked = Resource::new(|| (), |_| revoked_badges());
    view! {
        <section class="card" aria-labelledby="revoke-h">
            <h2 id="revoke-h">"Revoke a badge"</h2>
            <p class="small">"When a credential lapses, was misused or turns out false. The member is notified with your reason, their professionals-only memberships wait again, and the revocation is in the audit log."</p>
            <FormAlert message=errors.message()/>
            <ActionForm action=revoke attr:novalidate=true>
                <TextField name="handle" label="Member's handle" value=errors.kept("handle").unwrap_or_default()
                    error=errors.on("handle") autocomplete="off"/>
                <div class="field">
                    <label for="f-revoke-reason">"Reason (the member sees it)"</label>
                    <textarea id="f-revoke-reason" name="reason" rows="2" aria-describedby="f-revoke-reason-error">{errors.kept("reason").unwrap_or_default()}</textarea>
                    <FieldError field="f-revoke-reason" error=errors.on("reason")/>
                </div>
                <button type="submit" class="button button-danger" disabled=move || revoke.pending().get()>"Revoke badge"</button>
            </ActionForm>
            <h3>"Revoked recently"</h3>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = revoked.await.unwrap_or_default();
                    if list.is_empty() {
                        Either::Left(view! { <p class="muted small">"No badge was revoked yet."</p> })
                    } else {
                        Either::Right(view! {
                            <ul class="small">
                                {list.into_iter().map(|v| view! {
                                    <li>
                                        <a href=format!("/@{}", v.handle)>"@" {v.handle.clone()}</a>
                                        " (" {v.legal_name.clone().unwrap_or_default()} "): " {v.reason.clone()}
                                    </li>
                                }).collect_view()}
                            </ul>
                        })
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Request(request: VerificationView, decide: ServerAction<DecideVerification>) -> impl IntoView {
    let v = request;
    let this = v.id.clone();
    let errors = FormErrors(Signal::derive(move || {
        decide
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.kept.get("id") == Some(&this))
    }));
    let reason_id = format!("ver-{}-reason", v.id);
    let credential = match (&v.npi, &v.license_number) {
        (Some(npi), _) => format!("NPI {npi}"),
        (None, Some(n)) => format!("Licence {n} — {}", v.issuer.clone().unwrap_or_default()),
        _ => String::new(),
    };
    view! {
        <li class="case">
            <h3><a href=format!("/@{}", v.handle)>{v.display_name.clone()} " (@" {v.handle.clone()} ")"</a></h3>
            <p class="small muted">
                {v.role.label()} {v.specialty.clone().map(|s| format!(" · {s}"))} " · requested " {short_time(&v.created_at)}
            </p>
            <p><strong>{credential}</strong>
                " · legal name: "
                {match v.legal_name.clone() {
                    Some(name) => Either::Left(view! { <strong>{name}</strong> }),
                    None => Either::Right(view! { <em>"not given (filed before legal names were asked)"</em> }),
                }}
            </p>
            <ActionForm action=decide attr:novalidate=true>
                <input type="hidden" name="id" value=v.id.clone()/>
                <div class="field">
                    <label for=reason_id.clone()>"Reason (required to reject; the member sees it)"</label>
                    <textarea id=reason_id.clone() name="reason" rows="2" aria-describedby=format!("{reason_id}-error")>{errors.kept("reason").unwrap_or_default()}</textarea>
                    <FieldError field=reason_id.clone() error=errors.on("reason")/>
                </div>
                <button type="submit" name="decision" value="approve" class="button button-small">"Approve"</button>
                " "
                <button type="submit" name="decision" value="reject" class="button button-small button-danger">"Reject"</button>
            </ActionForm>
        </li>
    }
}

/// `/mod/log`: the audit log, newest first.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let page = Resource::new(move || query.read().get("after"), audit_log);
    view! {
        <Title text="Audit log · Moderation · Rounds"/>
        {mod_nav("/mod/log")}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => Either::Left(view! {
                        <section class="card" aria-labelledby="log-h">
                            <h1 id="log-h">"Audit log"</h1>
                            <p class="small">"Every moderation and verification action, newest first. Entries cannot be changed or deleted."</p>
                            <div class="table-wrap">
                                <table class="audit">
                                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"On"</th><th scope="col">"Details"</th></tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{short_time(&e.at)}</td>
                                                <td>{e.actor.map(|a| format!("@{a}")).unwrap_or_else(|| "system".into())}</td>
                                                <td>{e.action}</td>
                                                <td>{e.target}</td>
                                                <td>{e.detail}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {p.next.map(|n| view! { <a class="button button-quiet" href=format!("/mod/log?after={n}")>"Older entries"</a> })}
                        </section>
                    }),
                    Err(e) => Either::Right(view! { <Refused error=e next="/mod/log"/> }),
                }
            })}
        </Suspense>
    }
}
