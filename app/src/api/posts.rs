//! Posts, comments, reactions and the home feed. Every read builds the caller's
//! [`Viewer`](crate::domain::viewer::Viewer) and the domain filters with it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{PostPage, PostThread, PostView, Reactions};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::accounts::MemberRow,
    crate::domain::communities,
    crate::domain::posts::{self, NewPost},
    crate::domain::rate_limit::{self, Limit},
    crate::domain::viewer::Viewer,
    crate::domain::{internal, markdown},
    crate::model::{Access, FEED_PAGE, Membership, PostSource, ReactionKind, check_post_body},
    std::time::Duration,
};

#[cfg(feature = "ssr")]
const POSTS_PER_10_MIN: Limit = Limit {
    max: 30,
    window: Duration::from_secs(600),
};

#[cfg(feature = "ssr")]
const COMMENTS_PER_10_MIN: Limit = Limit {
    max: 120,
    window: Duration::from_secs(600),
};

/// The caller and their side of the visibility rules.
#[cfg(feature = "ssr")]
pub(crate) async fn viewer(with_following: bool) -> Result<(Option<MemberRow>, Viewer), AppError> {
    let me = ctx::current_member().await?;
    let v = Viewer::load_member(&*ctx::db()?, me.as_ref(), with_following)
        .await
        .map_err(|e| internal("viewer", e))?;
    Ok((me, v))
}

/// The caller and a *lean* viewer (see [`Viewer::load_lean`]: no connection list), or a
/// visitor's, for the read paths whose domain functions learn the connections they need
/// to judge connections-only posts — the post page, a member's posts, a community's.
/// A well-connected clinician's connection list is hundreds of edges.
#[cfg(feature = "ssr")]
pub(crate) async fn reader() -> Result<(Option<MemberRow>, Viewer), AppError> {
    let me = ctx::current_member().await?;
    let v = match &me {
        Some(me) => Viewer::load_lean(&*ctx::db()?, me)
            .await
            .map_err(|e| internal("viewer", e))?,
        None => Viewer::anonymous(),
    };
    Ok((me, v))
}

#[cfg(feature = "ssr")]
async fn limited(scope: &str, member: &str, limit: Limit, what: &str) -> Result<(), AppError> {
    let ok = rate_limit::hit(&*ctx::db()?, scope, member, limit)
        .await
        .map_err(|e| internal("rate limit", e))?;
    if ok {
        Ok(())
    } else {
        Err(AppError::too_many(format!(
            "You have {what} a lot in the last few minutes. Please wait a little and try again."
        )))
    }
}

/// The signed-in member's home feed, newest first, one page after `after`.
#[server(endpoint = "feed")]
pub async fn feed(#[server(default)] after: Option<String>) -> Result<PostPage, AppError> {
    let me = ctx::require_member().await?;
    let db = ctx::db()?;
    // Lean: follows are loaded only if the timeline has to be rebuilt, and connections
    // only for the authors of the page's connections-only posts.
    Ok(posts::home_feed(&db, &me, after.as_deref(), FEED_PAGE).await?)
}

/// Recent public posts for the signed-out landing page.
#[server(endpoint = "highlights")]
pub async fn highlights() -> Result<Vec<PostView>, AppError> {
    Ok(posts::public_highlights(&*ctx::db()?, 10).await?)
}

/// A member's posts as the caller may see them.
#[server(endpoint = "member_posts")]
pub async fn member_posts(
    handle: String,
    #[server(default)] after: Option<String>,
) -> Result<PostPage, AppError> {
    let (_, v) = reader().await?;
    let db = ctx::db()?;
    let (id, _) = crate::domain::graph::member_by_handle(&db, &handle)
        .await?
        .ok_or_else(|| AppError::not_found("There is no member with that handle."))?;
    Ok(posts::by_author(&db, &v, &id, after.as_deref(), FEED_PAGE).await?)
}

/// The page after `after` of any list of posts ("Load more" and infinite scroll):
/// `source` is [`PostSource::path`] — the home feed, a member's posts or a community's.
/// One endpoint, so the browser bundle carries one request and one response type.
#[server(endpoint = "more_posts")]
pub async fn more_posts(
    #[server(default)] source: String,
    #[server(default)] after: String,
) -> Result<PostPage, AppError> {
    let after = Some(after).filter(|a| !a.is_empty());
    match PostSource::from_path(&source) {
        Some(PostSource::Home) => feed(after).await,
        Some(PostSource::Member(handle)) => member_posts(handle, after).await,
        Some(PostSource::Community(slug)) => {
            Ok(super::communities::load_community(slug, after).await?.posts)
        }
        None => Err(AppError::invalid("source", "Unknown list of posts.")),
    }
}

/// Publishes a post (in a community when `community` is its slug). The post is durable
/// before this returns.
#[server(endpoint = "create_post")]
pub async fn create_post(
    #[server(default)] body: String,
    #[server(default)] visibility: String,
    #[server(default)] citations: String,
    #[server(default)] community: String,
    #[server(default)] sponsored: String,
    #[server(default)] confirm_phi: String,
) -> Result<String, AppError> {
    let keep = |e: AppError| {
        e.keep([
            ("body", body.as_str()),
            ("visibility", visibility.as_str()),
            ("citations", citations.as_str()),
            ("sponsored", sponsored.as_str()),
        ])
    };
    let me = ctx::require_member().await.map_err(keep)?;
    ctx::not_suspended(&me).map_err(keep)?;
    limited("post", &me.id, POSTS_PER_10_MIN, "posted")
        .await
        .map_err(keep)?;
    let db = ctx::db()?;
    let (community_id, access) = if community.trim().is_empty() {
        (None, None)
    } else {
        let c = communities::by_slug(&db, Some(&me.id), &community)
            .await
            .map_err(|e| keep(e.into()))?;
        if !matches!(c.view.membership, Some(Membership::Active(_))) {
            return Err(keep(AppError::forbidden(
                "Join this community to post in it.",
            )));
        }
        if c.view.access == Access::Professionals && !me.verified {
            return Err(keep(AppError::forbidden(
                "Only verified professionals can post in this community. Ask to be verified in Settings → Verification.",
            )));
        }
        (Some(c.id), Some(c.view.access.as_str()))
    };
    let input = NewPost {
        body: body.clone(),
        visibility: visibility.clone(),
        citations: citations.clone(),
        community: community_id,
        sponsored: ctx::checked(&sponsored),
        confirm_phi: ctx::checked(&confirm_phi),
    };
    posts::create(&db, &me.id, &input, access)
        .await
        .map_err(|e| keep(e.into()))
}

/// Renders a draft as it will appear (sanitized), for the composer's preview.
#[server(endpoint = "preview_post")]
pub async fn preview_post(#[server(default)] body: String) -> Result<String, AppError> {
    ctx::require_member().await?;
    let body = check_post_body(&body)?;
    Ok(markdown::render(&body))
}

/// A post with its comments.
#[server(endpoint = "post_thread")]
pub async fn load_thread(id: String) -> Result<PostThread, AppError> {
    // Lean: a single post needs only whether the reader is connected with its author.
    let (_, v) = reader().await?;
    Ok(posts::thread(&*ctx::db()?, &v, &id).await?)
}

/// Edits one's own post.
#[server(endpoint = "edit_post")]
pub async fn edit_post(
    #[server(default)] id: String,
    #[server(default)] body: String,
    #[server(default)] citations: String,
    #[server(default)] confirm_phi: String,
) -> Result<(), AppError> {
    let keep = |e: AppError| e.keep([("body", body.as_str()), ("citations", citations.as_str())]);
    let (me, v) = viewer(false).await.map_err(keep)?;
    let me = me.ok_or_else(|| keep(AppError::unauthorized()))?;
    // Someone who cannot see the post learns nothing about it, not even that it exists.
    posts::get(&*ctx::db()?, &v, &id)
        .await
        .map_err(|e| keep(e.into()))?;
    ctx::not_suspended(&me).map_err(keep)?;
    posts::edit(
        &*ctx::db()?,
        &me.id,
        &id,
        &body,
        &citations,
        ctx::checked(&confirm_phi),
    )
    .await
    .map_err(|e| keep(e.into()))
}

/// Deletes one's own post (a tombstone keeps replies readable).
#[server(endpoint = "delete_post")]
pub async fn delete_post(#[server(default)] id: String) -> Result<(), AppError> {
    let (me, v) = viewer(false).await?;
    let me = me.ok_or_else(AppError::unauthorized)?;
    posts::get(&*ctx::db()?, &v, &id).await?;
    posts::delete(&*ctx::db()?, &me.id, &id).await?;
    Ok(())
}

/// Toggles a reaction; returns the post's reactions afterwards.
#[server(endpoint = "react")]
pub async fn react(
    #[server(default)] id: String,
    #[server(default)] kind: String,
) -> Result<Reactions, AppError> {
    let (me, v) = viewer(false).await?;
    if me.is_none() {
        return Err(AppError::unauthorized());
    }
    let kind = ReactionKind::parse(kind.trim())
        .ok_or_else(|| AppError::invalid("kind", "Unknown reaction."))?;
    Ok(posts::react(&*ctx::db()?, &v, &id, kind).await?)
}

/// Comments on a post, or replies to a top-level comment (`parent`).
#[server(endpoint = "add_comment")]
pub async fn add_comment(
    #[server(default)] post: String,
    #[server(default)] parent: String,
    #[server(default)] body: String,
    #[server(default)] confirm_phi: String,
) -> Result<String, AppError> {
    let keep = |e: AppError| e.keep([("body", body.as_str()), ("parent", parent.as_str())]);
    let (me, v) = viewer(false).await.map_err(keep)?;
    let me = me.ok_or_else(|| keep(AppError::unauthorized()))?;
    ctx::not_suspended(&me).map_err(keep)?;
    limited("comment", &me.id, COMMENTS_PER_10_MIN, "commented")
        .await
        .map_err(keep)?;
    let parent = Some(parent.trim()).filter(|p| !p.is_empty());
    posts::add_comment(
        &*ctx::db()?,
        &v,
        &post,
        parent,
        &body,
        ctx::checked(&confirm_phi),
    )
    .await
    .map_err(|e| keep(e.into()))
}

/// Deletes one's own comment.
#[server(endpoint = "delete_comment")]
pub async fn delete_comment(#[server(default)] id: String) -> Result<(), AppError> {
    let me = ctx::require_member().await?;
    posts::delete_comment(&*ctx::db()?, &me.id, &id).await?;
    Ok(())
}
