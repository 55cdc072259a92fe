//! `/p/{id}`: one post with its comments; its author can edit or delete it.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::not_found::NotFound;
use crate::api::posts::{AddComment, DeleteComment, DeletePost, EditPost, load_thread};
use crate::components::field::{FieldError, FormAlert, FormErrors};
use crate::components::post::{AuthorLine, PostCard, short_time};
use crate::components::safety::{LabelForm, ModerationNotice, PhiReview, ReportForm};
use crate::error::ErrorKind;
use crate::model::{COMMENT_MAX, CommentView, POST_MAX, PostThread, ReaderRights, Role};

#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let comment = ServerAction::<AddComment>::new();
    let remove_comment = ServerAction::<DeleteComment>::new();
    let edit = ServerAction::<EditPost>::new();
    let remove = ServerAction::<DeletePost>::new();
    let thread = Resource::new(id, load_thread);
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match thread.await {
                    Ok(t) => Either::Left(view! { <Thread thread=t comment remove_comment edit remove/> }),
                    Err(e) if e.kind == ErrorKind::NotFound => Either::Right(Either::Left(view! { <NotFound message=e.message/> })),
                    Err(e) => Either::Right(Either::Right(view! {
                        <section class="card narrow"><h1>"Could not load this post"</h1><p role="alert">{e.message}</p></section>
                    })),
                }
            })}
        </Transition>
    }
}

fn plain_text(html: &str, max: usize) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max).collect::<String>())
    } else {
        text
    }
}

#[component]
fn Thread(
    thread: PostThread,
    comment: ServerAction<AddComment>,
    remove_comment: ServerAction<DeleteComment>,
    edit: ServerAction<EditPost>,
    remove: ServerAction<DeletePost>,
) -> impl IntoView {
    let post = thread.post.clone();
    let title = match &post.author {
        Some(a) if !post.deleted => {
            format!("{} · {} · Rounds", plain_text(&post.html, 60), a.shown_name)
        }
        _ => "Deleted post · Rounds".to_string(),
    };
    let description = plain_text(&post.html, 160);
    let id = post.id.to_string();
    let edit_errors = FormErrors(Signal::derive(move || {
        edit.value().get().and_then(Result::err)
    }));
    let delete_error = move || {
        remove
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.message)
    };
    let (body, sources) = thread.source.clone().unwrap_or_default();
    let body = edit_errors.kept("body").unwrap_or(body);
    let sources = edit_errors.kept("citations").unwrap_or(sources);
    let manage = thread.source.is_some().then(|| {
        let (id, edit_id) = (id.clone(), id.clone());
        view! {
            <section class="card" aria-label="Manage your post">
                <details open=edit_errors.0.get_untracked().is_some()>
                    <summary>"Edit post"</summary>
                    <FormAlert message=edit_errors.message()/>
                    <ActionForm action=edit attr:novalidate=true>
                        <input type="hidden" name="id" value=edit_id/>
                        <div class="field">
                            <label for="f-edit-body">"Post text (Markdown)"</label>
                            <textarea id="f-edit-body" name="body" rows="6" aria-describedby="f-edit-body-error">{body}</textarea>
                            <p class="hint">"Up to " {POST_MAX} " characters."</p>
                            <FieldError field="f-edit-body" error=edit_errors.on("body")/>
                            <PhiReview errors=edit_errors id="f-edit-body"/>
                        </div>
                        <div class="field">
                            <label for="f-edit-citations">"Sources, one per line"</label>
                            <textarea id="f-edit-citations" name="citations" rows="3" aria-describedby="f-edit-citations-error">{sources}</textarea>
                            <FieldError field="f-edit-citations" error=edit_errors.on("citations")/>
                        </div>
                        <button type="submit" class="button">"Save changes"</button>
                    </ActionForm>
                </details>
                <ActionForm action=remove attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button button-danger">"Delete post"</button>
                </ActionForm>
                <p role="alert">{delete_error}</p>
            </section>
        }
    });
    let reader = thread.reader;
    let comments = if thread.comments.is_empty() {
        Either::Left(view! { <p class="muted">"No comments yet."</p> })
    } else {
        let id = id.clone();
        Either::Right(view! {
            <ol class="comments">
                {thread.comments.into_iter().map(|c| view! {
                    <Comment comment=c post=id.clone() reply=comment remove=remove_comment top=true reader/>
                }).collect_view()}
            </ol>
        })
    };
    let live = !post.deleted && !post.mine;
    let report = (reader.signed_in && live)
        .then(|| view! { <ReportForm kind="post" item=id.clone() what="this post"/> });
    let label = (live && (reader.verified || reader.moderator))
        .then(|| view! { <LabelForm post=id.clone() moderator=reader.moderator/> });
    let safety = (report.is_some() || label.is_some()).then(|| view! {
        <section class="card safety-actions" aria-label="Report or label">{report}{label}</section>
    });
    let form = (!post.deleted)
        .then(|| view! { <CommentForm action=comment post=id.clone() parent=String::new()/> });
    view! {
        <Title text=title/>
        <Meta name="description" content=description/>
        <h1 class="visually-hidden">"Post"</h1>
        <PostCard post=post.clone()/>
        {manage}
        {safety}
        <section class="card" aria-labelledby="comments-h">
            <h2 id="comments-h">"Comments"</h2>
            {comments}
            {form}
        </section>
    }
}

#[component]
fn Comment(
    comment: CommentView,
    post: String,
    reply: ServerAction<AddComment>,
    remove: ServerAction<DeleteComment>,
    top: bool,
    reader: ReaderRights,
) -> impl IntoView {
    let cid = comment.id.to_string();
    let delete_id = cid.clone();
    let verified_answer = comment
        .author
        .as_ref()
        .is_some_and(|a| a.verified && a.role == Role::Professional);
    let can_report = reader.signed_in && !comment.mine && !comment.deleted && !comment.unavailable;
    let report_id = cid.clone();
    view! {
        <li class="comment" class:comment-verified=verified_answer id=format!("c-{}", comment.id)>
            {if comment.deleted || comment.unavailable {
                let text = if comment.deleted { "Comment deleted." } else { "Comment unavailable." };
                Either::Left(view! { <p class="muted">{text}</p> })
            } else {
                Either::Right(view! {
                    <p class="small">
                        {comment.author.clone().map(|a| view! { <AuthorLine author=a/> })}
                        " · " <time class="muted" datetime=comment.created_at.clone()>{short_time(&comment.created_at)}</time>
                    </p>
                    {verified_answer.then(|| view! { <p class="small verified-answer">"Answer from a verified professional"</p> })}
                    {comment.moderation.clone().map(|notice| view! { <ModerationNotice notice/> })}
                    {(!comment.html.is_empty()).then(|| view! { <div class="post-body" inner_html=comment.html.clone()></div> })}
                    {can_report.then(|| view! { <ReportForm kind="comment" item=report_id.clone() what="this comment"/> })}
                    {comment.mine.then(|| view! {
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="id" value=delete_id/>
                            <button type="submit" class="button button-quiet button-small">"Delete comment"</button>
                        </ActionForm>
                    })}
                })
            }}
            {(!comment.replies.is_empty()).then(|| view! {
                <ol class="replies">
                    {comment.replies.into_iter().map(|r| view! {
                        <Comment comment=r post=post.clone() reply remove top=false reader/>
                    }.into_any()).collect_view()}
                </ol>
            })}
            {top.then(|| view! {
                <details class="reply">
                    <summary>"Reply"</summary>
                    <CommentForm action=reply post=post.clone() parent=cid.clone()/>
                </details>
            })}
        </li>
    }
}

#[component]
fn CommentForm(action: ServerAction<AddComment>, post: String, parent: String) -> impl IntoView {
    // Only the form that was submitted shows the error and keeps the text.
    let which = parent.clone();
    let errors = FormErrors(Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.kept.get("parent").map(String::as_str).unwrap_or("") == which)
    }));
    let id = if parent.is_empty() {
        "f-comment".to_string()
    } else {
        format!("f-reply-{parent}")
    };
    let label = if parent.is_empty() {
        "Add a comment"
    } else {
        "Your reply"
    };
    let kept = errors.kept("body").unwrap_or_default();
    let key = errors
        .kept("idempotency_key")
        .unwrap_or_else(crate::components::field::fresh_form_key);
    let error_id = format!("{id}-error");
    let review_id = id.clone();
    view! {
        <ActionForm action=action attr:novalidate=true attr:class="comment-form">
            <input type="hidden" name="post" value=post/>
            <input type="hidden" name="parent" value=parent/>
            <input type="hidden" name="idempotency_key" value=key/>
            <div class="field">
                <label for=id.clone()>{label}</label>
                <textarea id=id name="body" rows="2" aria-describedby=error_id.clone()>{kept}</textarea>
                <p class="field-error" id=error_id role="alert">
                    {move || errors.message().get()}
                </p>
                <PhiReview errors id=review_id/>
                <p class="hint">"Up to " {COMMENT_MAX} " characters. Markdown works."</p>
            </div>
            <button type="submit" class="button button-small" disabled=move || action.pending().get()>"Comment"</button>
        </ActionForm>
    }
}
