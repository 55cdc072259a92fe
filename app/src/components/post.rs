//! A post as it appears in feeds and on its own page, its reactions, and the composer.

use leptos::either::Either;
use leptos::prelude::*;

use super::badge::VerifiedOrRole;
use super::field::{
    FieldError, FormAlert, FormErrors, fresh_form_key, island_result, returned_error,
};
use super::safety::{MisinfoNotice, ModerationNotice, PhiReview};
use crate::api::posts::{CreatePost, PreviewPost, React, more_posts};
use crate::error::AppError;
pub use crate::model::PostSource;
use crate::model::{Access, Author, POST_MAX, PostView, ReactionKind, Reactions, Role, Visibility};

/// "2026-11-25T09:43:12.123Z" → "25 Nov 2026, 09:43 UTC" (same on server and browser,
/// so hydration matches).
pub fn short_time(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = rfc3339.get(..10).unwrap_or(rfc3339);
    let time = rfc3339.get(11..16).unwrap_or("");
    let mut parts = date.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => {
            let month = m
                .parse::<usize>()
                .ok()
                .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
                .copied()
                .unwrap_or(m);
            format!("{} {month} {y}, {time} UTC", d.trim_start_matches('0'))
        }
        _ => rfc3339.to_string(),
    }
}

/// Name, role, verification, specialty: who is speaking.
#[component]
pub fn AuthorLine(author: Author) -> impl IntoView {
    let href = format!("/@{}", author.handle);
    view! {
        <span class="author">
            <a class="author-name" href=href>{author.shown_name.clone()}</a>
            " " <VerifiedOrRole role=author.role verified=author.verified/>
            {author.specialty.clone().map(|s| view! { " " <span class="muted small">{s}</span> })}
        </span>
    }
}

/// One post. `link` makes the timestamp a link to the post's page (in lists).
#[component]
pub fn PostCard(post: PostView, #[prop(optional)] link: bool) -> impl IntoView {
    let heading_id = format!("post-{}", post.id);
    let href = format!("/p/{}", post.id);
    if post.deleted {
        return Either::Left(view! {
            <article class="card post post-deleted" aria-labelledby=heading_id.clone()>
                <p id=heading_id.clone() class="muted">"This post was deleted by its author."</p>
            </article>
        });
    }
    let when = short_time(&post.created_at);
    let time = if link {
        Either::Left(
            view! { <a href=href.clone()><time datetime=post.created_at.clone()>{when}</time></a> },
        )
    } else {
        Either::Right(view! { <time datetime=post.created_at.clone()>{when}</time> })
    };
    let org = post
        .author
        .as_ref()
        .is_some_and(|a| a.role == Role::Organization);
    let label = post
        .author
        .as_ref()
        .map(|a| format!("Post by {}", a.shown_name))
        .unwrap_or_default();
    let comments = post.comment_count;
    Either::Right(view! {
        <article class="card post" aria-labelledby=heading_id.clone()>
            <header class="post-head">
                <h2 class="visually-hidden" id=heading_id.clone()>{label}</h2>
                {post.author.clone().map(|a| view! { <AuthorLine author=a/> })}
                <p class="post-meta small muted">
                    {time}
                    {post.edited_at.clone().map(|e| view! {
                        " · " <span title=format!("Edited {}", short_time(&e))>"edited"</span>
                    })}
                    " · " <span class="visibility">{post.visibility.badge()}</span>
                    {post.community.clone().map(|c| view! {
                        " · in " <a href=format!("/c/{}", c.slug)>{c.name}</a>
                    })}
                    {post.pinned.then(|| view! { " · " <span class="badge">"Pinned"</span> })}
                </p>
                {org.then(|| view! { <p class="label label-org">"Organization"</p> })}
                {post.sponsored.then(|| view! { <p class="label label-sponsored">"Sponsored"</p> })}
                {post.author.as_ref().and_then(|a| a.conflicts.clone()).map(|c| view! {
                    <p class="disclosure small"><strong>"Disclosure: "</strong>{c}</p>
                })}
            </header>
            {post.misinfo.clone().map(|label| view! { <MisinfoNotice label/> })}
            {post.moderation.clone().map(|notice| view! { <ModerationNotice notice/> })}
            {(!post.html.is_empty()).then(|| view! { <div class="post-body" inner_html=post.html.clone()></div> })}
            {(!post.citations.is_empty()).then(|| view! {
                <section class="sources" aria-label="Sources">
                    <h3 class="small">"Sources"</h3>
                    <ol>
                        {post.citations.iter().map(|c| view! {
                            <li><a href=c.href.clone() rel="nofollow noopener noreferrer ugc">{c.value.clone()}</a></li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
            <footer class="post-foot">
                <ReactionBar id=post.id.to_string() initial=post.reactions/>
                <a class="comments-link small" href=href>
                    {comments} {if comments == 1 { " comment" } else { " comments" }}
                </a>
            </footer>
        </article>
    })
}

/// Like / Insightful / Support toggles: plain forms before hydration, optimistic after
/// (an island).
#[island]
pub fn ReactionBar(id: String, initial: Reactions) -> impl IntoView {
    let action = ServerAction::<React>::new();
    let result = island_result(action, None);
    let confirmed = RwSignal::new(initial);
    Effect::new(move |_| {
        if let Some(Ok(r)) = result.get() {
            confirmed.set(r);
        }
    });
    let shown = Signal::derive(move || {
        let base = confirmed.get();
        match (action.pending().get(), action.input().get()) {
            (true, Some(input)) => ReactionKind::parse(&input.kind)
                .map(|k| base.toggled(k))
                .unwrap_or(base),
            _ => base,
        }
    });
    let error = move || match (action.pending().get(), result.get()) {
        (false, Some(Err(e))) => Some(e.message),
        _ => None,
    };
    view! {
        <div class="reactions" role="group" aria-label="Reactions">
            {ReactionKind::ALL.into_iter().map(|k| {
                let id = id.clone();
                view! {
                    <ActionForm action=action attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="kind" value=k.as_str()/>
                        <button type="submit" class="button button-quiet button-small"
                            aria-pressed=move || if shown.get().mine(k) { "true" } else { "false" }
                            disabled=move || action.pending().get()>
                            {k.label()} " " <span class="count">{move || shown.get().count(k)}</span>
                        </button>
                    </ActionForm>
                }
            }).collect_view()}
            <span role="status" aria-live="polite" class="small">
                {move || error().map(|m| view! { <span class="field-error">{m}</span> })}
            </span>
        </div>
    }
}

/// The composer: Markdown body with a live character count, preview, audience and sources.
/// A failed submit keeps everything typed and says what to fix — with JavaScript (an
/// island) or without (a plain form, sent back with the error and what was typed).
#[component]
pub fn Composer(
    /// Posting in a community: its slug and access rule.
    #[prop(optional)]
    community: Option<(String, Access)>,
) -> impl IntoView {
    let initial = returned_error::<CreatePost>();
    let form_key = fresh_form_key();
    view! { <ComposerIsland community initial form_key/> }
}

#[island]
fn ComposerIsland(
    community: Option<(String, Access)>,
    initial: Option<AppError>,
    form_key: String,
) -> impl IntoView {
    let action = ServerAction::<CreatePost>::new();
    let result = island_result(action, initial);
    let errors = FormErrors::from_result(result);
    // Published: load the page again, which lists the new post first (the list around
    // the composer is the server's HTML).
    Effect::new(move |_| {
        if matches!(result.get(), Some(Ok(_))) {
            let location = window().location();
            let path = location.pathname().unwrap_or_else(|_| "/".to_string());
            let _ = location.replace(&path);
        }
    });
    let preview = ServerAction::<PreviewPost>::new();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let choices: Vec<Visibility> = match &community {
        None => vec![
            Visibility::Public,
            Visibility::Connections,
            Visibility::Verified,
        ],
        Some((_, Access::Open)) => vec![
            Visibility::Community,
            Visibility::Public,
            Visibility::Verified,
        ],
        Some(_) => vec![Visibility::Community, Visibility::Verified],
    };
    let slug = community.map(|c| c.0).unwrap_or_default();
    view! {
        {move || {
            // A successful post clears the form; a failed one re-renders with what was typed.
            let _ = action.version().get();
            let succeeded = matches!(result.get_untracked(), Some(Ok(_)));
            let body = if succeeded { String::new() } else { errors.kept("body").unwrap_or_default() };
            let sources = if succeeded { String::new() } else { errors.kept("citations").unwrap_or_default() };
            let has_sources = !sources.is_empty();
            let sponsored = !succeeded && errors.kept("sponsored").is_some_and(|v| v == "on");
            let chosen = errors.kept("visibility").and_then(|v| Visibility::parse(&v));
            let key = errors.kept("idempotency_key").unwrap_or_else(|| form_key.clone());
            let text = RwSignal::new(body.clone());
            let count = Signal::derive(move || text.with(|t| t.chars().count()));
            let choices = choices.clone();
            let slug = slug.clone();
            view! {
                <section class="card composer" aria-labelledby="composer-h">
                    <h2 id="composer-h" class="visually-hidden">"Write a post"</h2>
                    <FormAlert message=errors.message()/>
                    {move || matches!(result.get(), Some(Ok(_))).then(|| view! {
                        <p class="alert alert-ok" role="status">"Posted."</p>
                    })}
                    <ActionForm action=action attr:novalidate=true>
                        <input type="hidden" name="community" value=slug/>
                        <input type="hidden" name="idempotency_key" value=key/>
                        <div class="field" class:field-invalid=move || errors.on("body").get().is_some()>
                            <label for="f-body">"Share with your network"</label>
                            <p class="hint" id="f-body-hint">
                                "Markdown works: **bold**, *italic*, [links](https://…), lists. Never include details that could identify a patient."
                            </p>
                            <textarea id="f-body" name="body" rows="4"
                                aria-describedby="f-body-hint f-body-count f-body-error"
                                aria-invalid=move || if errors.on("body").get().is_some() { "true" } else { "false" }
                                on:input=move |ev| text.set(event_target_value(&ev))>
                                {body}
                            </textarea>
                            <p id="f-body-count" class="small counter" class:over=move || { count.get() > POST_MAX }>
                                {move || count.get()} " / " {POST_MAX} " characters"
                            </p>
                            <FieldError field="f-body" error=errors.on("body")/>
                            <PhiReview errors id="f-body"/>
                        </div>
                        <details class="field" open=has_sources>
                            <summary>"Add sources (DOI, PubMed ID or link)"</summary>
                            <label for="f-citations">"Sources, one per line"</label>
                            <textarea id="f-citations" name="citations" rows="3"
                                aria-describedby="f-citations-error"
                                placeholder="10.1056/NEJMoa2034577\nPMID 33301246">{sources}</textarea>
                            <FieldError field="f-citations" error=errors.on("citations")/>
                        </details>
                        <div class="composer-row">
                            <div class="field">
                                <label for="f-visibility">"Who can see this"</label>
                                <select id="f-visibility" name="visibility">
                                    {choices.into_iter().map(|v| view! {
                                        <option value=v.as_str() selected=chosen == Some(v)>{v.label()}</option>
                                    }).collect_view()}
                                </select>
                                <FieldError field="f-visibility" error=errors.on("visibility")/>
                            </div>
                            <div class="field choice">
                                <input type="checkbox" id="f-sponsored" name="sponsored" value="on" checked=sponsored/>
                                <label for="f-sponsored">"Sponsored or promotional (shows a “Sponsored” label)"</label>
                            </div>
                            <div class="actions">
                                // Rendered (disabled) before hydration too, so the row does not
                                // shift when it becomes usable.
                                <button type="button" class="button button-quiet"
                                    disabled=move || !hydrated.get()
                                    on:click=move |_| { preview.dispatch(PreviewPost { body: text.get_untracked() }); }>
                                    "Preview"
                                </button>
                                <button type="submit" class="button" disabled=move || action.pending().get()>
                                    {move || if action.pending().get() { "Posting…" } else { "Post" }}
                                </button>
                            </div>
                        </div>
                    </ActionForm>
                    <div aria-live="polite">
                        {move || preview.value().get().map(|r| match r {
                            Ok(html) => Either::Left(view! {
                                <section class="preview" aria-label="Preview">
                                    <h3 class="small muted">"Preview"</h3>
                                    <div class="post-body" inner_html=html></div>
                                </section>
                            }),
                            Err(e) => Either::Right(view! { <p class="field-error">{e.message}</p> }),
                        })}
                    </div>
                </section>
            }
        }}
    }
}

/// Percent-encodes a cursor for a query string.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A server-rendered page of posts with "Load more": a link to the next page without
/// JavaScript; after hydration (an island around the server's cards) it appends in
/// place, and scrolling near the end loads the next page by itself (infinite scroll).
#[component]
pub fn PostList(
    items: Vec<PostView>,
    next: Option<String>,
    source: PostSource,
    #[prop(into)] empty: String,
) -> impl IntoView {
    let none = items.is_empty();
    view! {
        {none.then(|| view! { <p class="muted card">{empty}</p> })}
        <MorePosts next source>
            {items.into_iter().map(|post| view! { <PostCard post link=true/> }).collect_view()}
        </MorePosts>
    }
}

#[island]
fn MorePosts(next: Option<String>, source: PostSource, children: Children) -> impl IntoView {
    let posts = RwSignal::new(Vec::<PostView>::new());
    let next = RwSignal::new(next);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let path = source.path();
    let load_more = move || {
        if loading.get_untracked() {
            return;
        }
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        loading.set(true);
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match more_posts(path, cursor).await {
                Ok(page) => {
                    posts.update(|p| p.extend(page.items));
                    next.set(page.next);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            loading.set(false);
        });
    };
    #[cfg(feature = "hydrate")]
    {
        let load = load_more.clone();
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            let win = window();
            let doc_height = document()
                .document_element()
                .map(|e| e.scroll_height() as f64)
                .unwrap_or(0.0);
            let seen = win.scroll_y().unwrap_or(0.0)
                + win
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(0.0);
            if doc_height - seen < 600.0 {
                load();
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <div class="post-list">
            {children()}
            <For each=move || posts.get() key=|p| p.id.clone() let:post>
                <PostCard post link=true/>
            </For>
        </div>
        <div class="load-more" aria-live="polite">
            {move || error.get().map(|m| view! { <p class="field-error">{m}</p> })}
            {move || {
                let load = load_more.clone();
                next.get().map(|cursor| view! {
                    <a class="button button-quiet" href=format!("{}?after={}", source.path(), urlencode(&cursor))
                        aria-busy=move || if loading.get() { "true" } else { "false" }
                        on:click=move |ev| {
                            ev.prevent_default();
                            load();
                        }>
                        {move || if loading.get() { "Loading…" } else { "Load more" }}
                    </a>
                })
            }}
        </div>
    }
}
