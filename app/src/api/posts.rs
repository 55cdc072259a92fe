//! Posts, comments, reactions and the home feed. Every read builds the caller's
//! [`Viewer`](crate::domain::viewer::Viewer) and the domain filters with it.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{PostPage, PostThread, PostView, Reactions};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::rate_limit::Limit,
    crate::domain::{accounts, communities, feed, markdown, posts},
    crate::model::{
        Access, CommentId, FEED_PAGE, Membership, PostId, PostSource, ReactionKind, check_post_body,
    },
    posts::NewPost,
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

/// The signed-in member's home feed, newest first, one page after `after`.
#[server(endpoint = "feed")]
pub async fn feed(#[server(default)] after: Option<String>) -> Result<PostPage, AppError> {
    let me = ctx::require_member().await?;
    let db = ctx::db()?;
    // Lean: follows are loaded only if the timeline has to be rebuilt, and connections
    // only for the authors of the page's connections-only posts.
    Ok(feed::home_feed(&db, &me, after.as_deref(), FEED_PAGE).await?)
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
    let (_, v) = ctx::reader().await?;
    let db = ctx::db()?;
    let (id, _) = accounts::member_by_handle(&db, &handle)
        .await
        .map_err(|e| crate::domain::internal("member by handle", e))?
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
            let (me, v) = ctx::reader().await?;
            let db = ctx::db()?;
            let c = communities::by_slug(&db, me.as_ref().map(|m| &m.id), &slug).await?;
            Ok(posts::by_community(&db, &v, &c.id, after.as_deref(), FEED_PAGE).await?)
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
    #[server(default)] idempotency_key: String,
) -> Result<String, AppError> {
    let typed = [
        ("body", body.as_str()),
        ("visibility", visibility.as_str()),
        ("citations", citations.as_str()),
        ("sponsored", sponsored.as_str()),
        ("idempotency_key", idempotency_key.as_str()),
    ];
    ctx::keeping(&typed, async {
        let me = ctx::require_member().await?;
        ctx::not_suspended(&me)?;
        ctx::limited("post", &me.id, POSTS_PER_10_MIN, "posted").await?;
        let db = ctx::db()?;
        let (community_id, access) = if community.trim().is_empty() {
            (None, None)
        } else {
            let c = communities::by_slug(&db, Some(&me.id), &community).await?;
            if !matches!(c.view.membership, Some(Membership::Active(_))) {
                return Err(AppError::forbidden("Join this community to post in it."));
            }
            if c.view.access == Access::Professionals && !me.verified_professional() {
                return Err(AppError::forbidden(
                    "Only verified professionals can post in this community. Ask to be verified in Settings → Verification.",
                ));
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
            idempotency_key: Some(idempotency_key.trim())
                .filter(|k| !k.is_empty())
                .map(str::to_string),
        };
        Ok(posts::create(&db, &me.id, &input, access).await?.into())
    })
    .await
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
    let id = ctx::post_id(&id)?;
    // Lean: a single post needs only whether the reader is connected with its author.
    let (_, v) = ctx::reader().await?;
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
    let typed = [("body", body.as_str()), ("citations", citations.as_str())];
    ctx::keeping(&typed, async {
        let (me, v) = ctx::viewer(false).await?;
        let me = me.ok_or_else(AppError::unauthorized)?;
        let id = ctx::post_id(&id)?;
        let db = ctx::db()?;
        // Someone who cannot see the post learns nothing about it, not even that it exists.
        posts::get(&db, &v, &id).await?;
        ctx::not_suspended(&me)?;
        let confirmed = ctx::checked(&confirm_phi);
        Ok(posts::edit(&db, &me.id, &id, &body, &citations, confirmed).await?)
    })
    .await
}

/// Deletes one's own post (a tombstone keeps replies readable).
#[server(endpoint = "delete_post")]
pub async fn delete_post(#[server(default)] id: String) -> Result<(), AppError> {
    let (me, v) = ctx::viewer(false).await?;
    let me = me.ok_or_else(AppError::unauthorized)?;
    let id = ctx::post_id(&id)?;
    let db = ctx::db()?;
    posts::get(&db, &v, &id).await?;
    posts::delete(&db, &me.id, &id).await?;
    Ok(())
}

/// Toggles a reaction; returns the post's reactions afterwards.
#[server(endpoint = "react")]
pub async fn react(
    #[server(default)] id: String,
    #[server(default)] kind: String,
) -> Result<Reactions, AppError> {
    let (me, v) = ctx::viewer(false).await?;
    let me = me.ok_or_else(AppError::unauthorized)?;
    ctx::not_suspended(&me)?;
    ctx::limited("react", &me.id, ctx::write_limits::REACTIONS, "reacted").await?;
    let kind = ReactionKind::parse(kind.trim())
        .ok_or_else(|| AppError::invalid("kind", "Unknown reaction."))?;
    let id = ctx::post_id(&id)?;
    Ok(posts::react(&*ctx::db()?, &v, &id, kind).await?)
}

/// Comments on a post, or replies to a top-level comment (`parent`).
#[server(endpoint = "add_comment")]
pub async fn add_comment(
    #[server(default)] post: String,
    #[server(default)] parent: String,
    #[server(default)] body: String,
    #[server(default)] confirm_phi: String,
    #[server(default)] idempotency_key: String,
) -> Result<String, AppError> {
    let typed = [
        ("body", body.as_str()),
        ("parent", parent.as_str()),
        ("idempotency_key", idempotency_key.as_str()),
    ];
    ctx::keeping(&typed, async {
        let (me, v) = ctx::viewer(false).await?;
        let me = me.ok_or_else(AppError::unauthorized)?;
        ctx::not_suspended(&me)?;
        ctx::limited("comment", &me.id, COMMENTS_PER_10_MIN, "commented").await?;
        // Not parsed here: the domain checks the text first, then that the post is
        // visible, then the parent, and an id that names nothing fails where it always did.
        let post = PostId::from(post.as_str());
        let parent = Some(parent.trim())
            .filter(|p| !p.is_empty())
            .map(CommentId::from);
        let confirmed = ctx::checked(&confirm_phi);
        let db = ctx::db()?;
        let key = Some(idempotency_key.trim()).filter(|k| !k.is_empty());
        let comment = posts::NewComment {
            post: &post,
            parent: parent.as_ref(),
            body: &body,
            confirm_phi: confirmed,
            idempotency_key: key,
        };
        let id = posts::add_comment(&db, &v, &comment).await?;
        Ok(id.into())
    })
    .await
}

/// Deletes one's own comment.
#[server(endpoint = "delete_comment")]
pub async fn delete_comment(#[server(default)] id: String) -> Result<(), AppError> {
    let me = ctx::require_member().await?;
    let id = ctx::comment_id(&id)?;
    posts::delete_comment(&*ctx::db()?, &me.id, &id).await?;
    Ok(())
}
