//! Writing posts: publish (with the audience and PHI checks), edit, delete, pin.

use serde::Deserialize;

use super::error::PostError;
use crate::db::Db;
use crate::domain::phi::guard_phi;
use crate::domain::{
    already_exists, check_tx, idempotent_key, markdown, new_key, newest_first_rank, one, retrying,
    timeline,
};
use crate::error::AppError;
use crate::model::{
    Access, CommunityId, MemberId, PostId, Visibility, check_post_body, parse_citations,
};

/// What the composer submits.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub body: String,
    pub visibility: String,
    pub citations: String,
    /// Community id (already resolved and checked by the caller), if posting in one.
    pub community: Option<CommunityId>,
    /// Paid or promotional: shown with a "Sponsored" label.
    pub sponsored: bool,
    /// The author saw the PHI guard's findings and chose to publish anyway.
    pub confirm_phi: bool,
    /// The form's idempotency key: a retry with the same key returns the same post.
    pub idempotency_key: Option<String>,
}

/// Where a post may be published and with which audience. `community` carries the
/// community's id and access rule (its stored name) when posting in one.
pub fn check_audience(
    visibility: &str,
    community: Option<(&CommunityId, &str)>,
) -> Result<Visibility, AppError> {
    let v = Visibility::parse(visibility.trim())
        .ok_or_else(|| AppError::invalid("visibility", "Choose who can see this post."))?;
    let access = community.map(|(_, access)| Access::parse(access));
    match (v, access) {
        (Visibility::Community, None) => Err(AppError::invalid(
            "visibility",
            "“Community members only” is for posts in a community. Choose another audience or post from the community's page.",
        )),
        (Visibility::Public, Some(access)) if access != Some(Access::Open) => {
            Err(AppError::invalid(
                "visibility",
                "Posts in this community are for its members: choose “Community members only” or “Verified professionals only”.",
            ))
        }
        (v, _) => Ok(v),
    }
}

/// Publishes a post by `author`. The write is committed (with the author's and the
/// community's newest-post rank) before this returns.
pub async fn create(
    db: &Db,
    author: &MemberId,
    input: &NewPost,
    community_access: Option<&str>,
) -> Result<PostId, PostError> {
    let body = check_post_body(&input.body)?;
    let citations = parse_citations(&input.citations)?;
    let visibility = check_audience(
        &input.visibility,
        input.community.as_ref().zip(community_access),
    )?;
    let phi = guard_phi("body", &body, input.confirm_phi)?;
    let html = markdown::render(&body);
    let id = PostId::from(match input.idempotency_key.as_deref() {
        Some(key) => idempotent_key("post", author, key)?,
        None => new_key(),
    });
    let citations = serde_json::to_value(&citations).unwrap_or_default();
    let rank = newest_first_rank();
    // A busy community's newest-post rank is written by concurrent posts: retry conflicts.
    // The author's timeline is forgotten in the same transaction (they see their post at
    // once): a post is never saved with the request then failing on the second write.
    let created = retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $a = type::record('member', $author);
             LET $c = IF $community = NONE { NONE } ELSE { type::record('community', $community) };
             CREATE type::record('post', $id) CONTENT {
                author: $a, community: $c, body: $body, html: $html, citations: $citations,
                visibility: $visibility, rank: $rank, sponsored: $sponsored,
                phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
             };
             UPDATE $a SET last_post_rank = $rank;
             IF $c != NONE { UPDATE $c SET last_post_rank = $rank };"
                .to_string()
                + timeline::FORGET
                + "COMMIT TRANSACTION;",
        )
        .bind(("id", id.to_string()))
        .bind(("author", author.to_string()))
        .bind(("m", author.to_string()))
        .bind((
            "community",
            input.community.as_ref().map(CommunityId::to_string),
        ))
        .bind(("body", body.clone()))
        .bind(("html", html.clone()))
        .bind(("citations", citations.clone()))
        .bind(("visibility", visibility.as_str()))
        .bind(("rank", rank))
        .bind(("sponsored", input.sponsored))
        .bind(("phi", phi.clone()))
        .await
        .and_then(check_tx)
    })
    .await;
    match created {
        Ok(_) => Ok(id),
        // The same submit, again: the post it made is the answer.
        Err(e) if input.idempotency_key.is_some() && already_exists(&e) => {
            owned_live_post(db, author, &id).await?;
            Ok(id)
        }
        Err(e) => Err(e.into()),
    }
}

/// Edits a post's text and sources (author only); marks it edited.
pub async fn edit(
    db: &Db,
    me: &MemberId,
    id: &PostId,
    body: &str,
    citations: &str,
    confirm_phi: bool,
) -> Result<(), PostError> {
    let body = check_post_body(body)?;
    let citations = parse_citations(citations)?;
    if owned_live_post(db, me, id).await? {
        return Err(PostError::Forbidden(
            "Moderators removed this post: it can no longer be edited.",
        ));
    }
    let phi = guard_phi("body", &body, confirm_phi)?;
    let html = markdown::render(&body);
    let citations = serde_json::to_value(&citations).unwrap_or_default();
    retrying(|| async {
        db.query(
            "UPDATE type::record('post', $id) SET body = $body, html = $html, citations = $citations,
                edited_at = time::now(), phi_confirmed = IF array::len($phi) > 0 { $phi } ELSE { NONE }
             WHERE deleted_at = NONE",
        )
        .bind(("id", id.to_string()))
        .bind(("phi", phi.clone()))
        .bind(("html", html.clone()))
        .bind(("body", body.clone()))
        .bind(("citations", citations.clone()))
        .await?
        .check()
    })
    .await?;
    Ok(())
}

/// Deletes a post (author only): its text is erased and a tombstone stays so replies
/// remain readable.
pub async fn delete(db: &Db, me: &MemberId, id: &PostId) -> Result<(), PostError> {
    owned_live_post(db, me, id).await?;
    retrying(|| async {
        db.query(
            "UPDATE type::record('post', $id) SET body = '[deleted]', html = '', citations = [],
                deleted_at = time::now(), pinned = false WHERE deleted_at = NONE",
        )
        .bind(("id", id.to_string()))
        .await?
        .check()
    })
    .await?;
    Ok(())
}

/// Checks `me` wrote the live (not deleted) post `id`; says whether moderators removed it.
async fn owned_live_post(db: &Db, me: &MemberId, id: &PostId) -> Result<bool, PostError> {
    #[derive(Deserialize)]
    struct Owner {
        author: MemberId,
        deleted: bool,
        removed: bool,
    }
    let owner: Option<Owner> = one(
        db,
        "SELECT record::id(author) AS author, deleted_at != NONE AS deleted,
            mod_state = 'removed' AS removed
         FROM ONLY type::record('post', $id)",
        id,
    )
    .await?;
    match owner {
        Some(o) if o.deleted => Err(PostError::NotFound),
        Some(o) if &o.author == me => Ok(o.removed),
        Some(_) => Err(PostError::NotAuthor),
        None => Err(PostError::NotFound),
    }
}

/// Pins or unpins a community post (the caller checks the moderator role).
pub async fn set_pinned(
    db: &Db,
    id: &PostId,
    community: &CommunityId,
    pinned: bool,
) -> Result<(), PostError> {
    let done: Vec<String> = retrying(|| async {
        db.query("UPDATE type::record('post', $id) SET pinned = $pinned WHERE community = type::record('community', $c) AND deleted_at = NONE RETURN VALUE record::id(id)")
            .bind(("id", id.to_string()))
            .bind(("c", community.to_string()))
            .bind(("pinned", pinned))
            .await?
            .take(0)
    })
    .await?;
    if done.is_empty() {
        return Err(PostError::NotFound);
    }
    Ok(())
}
