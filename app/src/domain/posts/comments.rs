//! Comments and one level of replies, and the post page's thread (the post, its comments
//! and, for its author, the source to edit).

use serde::Deserialize;

use super::error::PostError;
use super::read::{AuthorRow, get, moderation};
use crate::db::Db;
use crate::domain::phi::guard_phi;
use crate::domain::viewer::Viewer;
use crate::domain::{
    already_exists, check_tx, idempotent_key, markdown, new_key, newest_first_rank, one, retrying,
    rows,
};
use crate::error::AppError;
use crate::model::{
    CommentId, CommentView, MemberId, ModState, PostId, PostThread, ReaderRights,
    check_comment_body,
};

const COMMENT_ROW: &str = "record::id(id) AS id, IF parent != NONE THEN record::id(parent) ELSE NONE END AS parent,
    record::id(author) AS author_id, html, <string> created_at AS created_at, deleted_at != NONE AS deleted,
    author.{handle, display_name, role, hide_real_name, specialty, verified} AS a, mod_state, mod_reason";

/// The longest thread shown on a post page.
const MAX_COMMENTS: i64 = 500;

#[derive(Deserialize)]
struct CommentRow {
    id: CommentId,
    parent: Option<CommentId>,
    author_id: MemberId,
    html: String,
    created_at: String,
    deleted: bool,
    a: AuthorRow,
    #[serde(default)]
    mod_state: Option<ModState>,
    #[serde(default)]
    mod_reason: Option<String>,
}

/// A post with its comments (and, for its author, the source for editing).
pub async fn thread(db: &Db, viewer: &Viewer, id: &PostId) -> Result<PostThread, PostError> {
    let post = get(db, viewer, id).await?;
    let comments = comments(db, viewer, id).await?;
    // A removed post is no longer its author's to read or edit (a hidden one still is).
    let removed = post
        .moderation
        .as_ref()
        .is_some_and(|m| m.state == ModState::Removed);
    let source = if post.mine && !removed {
        #[derive(Deserialize)]
        struct Source {
            body: String,
            citations: String,
        }
        one::<Source>(
            db,
            "SELECT body, citations.map(|$c| $c.value).join('\n') AS citations FROM ONLY type::record('post', $id)",
            id,
        )
        .await?
        .map(|s| (s.body, s.citations))
    } else {
        None
    };
    Ok(PostThread {
        post,
        comments,
        source,
        reader: ReaderRights {
            signed_in: viewer.id.is_some(),
            verified: viewer.verified_professional,
            moderator: viewer.moderator,
        },
    })
}

/// Comments of a post (the caller has checked the viewer may see it), oldest first,
/// replies under their parent. Comments by members with a block either way are left out,
/// and so are deleted ones; with replies, either stays as a tombstone.
async fn comments(db: &Db, viewer: &Viewer, post: &PostId) -> Result<Vec<CommentView>, PostError> {
    let sql = format!(
        "SELECT {COMMENT_ROW} FROM comment WHERE post = type::record('post', $post) ORDER BY rank ASC LIMIT {MAX_COMMENTS}"
    );
    let mut res = db.query(sql).bind(("post", post.to_string())).await?;
    let all: Vec<CommentRow> = rows(&mut res, 0)?;
    let shown = |c: &CommentRow| !viewer.blocked.contains(&c.author_id);
    let to_view = |c: &CommentRow| {
        let (notice, readable) =
            moderation(c.mod_state, c.mod_reason.clone(), viewer, &c.author_id);
        // A comment by someone with a block either way keeps its place when it has
        // replies, with neither its text nor its author.
        let unavailable = !c.deleted && !shown(c);
        let gone = c.deleted || unavailable;
        CommentView {
            id: c.id.clone(),
            author: (!gone).then(|| c.a.clone().author()),
            html: if gone || !readable {
                String::new()
            } else {
                c.html.clone()
            },
            created_at: c.created_at.clone(),
            deleted: c.deleted,
            unavailable,
            mine: !c.deleted && viewer.is(&c.author_id),
            replies: Vec::new(),
            moderation: if unavailable { None } else { notice },
        }
    };
    let mut top: Vec<CommentView> = Vec::new();
    for c in all.iter().filter(|c| c.parent.is_none()) {
        let mut v = to_view(c);
        v.replies = all
            .iter()
            .filter(|r| r.parent.as_ref() == Some(&c.id) && shown(r) && !r.deleted)
            .map(to_view)
            .collect();
        if (shown(c) && !c.deleted) || !v.replies.is_empty() {
            top.push(v);
        }
    }
    Ok(top)
}

/// What a comment form submits.
#[derive(Debug, Clone, Copy)]
pub struct NewComment<'a> {
    pub post: &'a PostId,
    /// The top-level comment this replies to.
    pub parent: Option<&'a CommentId>,
    pub body: &'a str,
    /// The author saw the PHI guard's findings and chose to publish anyway.
    pub confirm_phi: bool,
    /// The form's idempotency key: a retry with the same key returns the same comment.
    pub idempotency_key: Option<&'a str>,
}

/// Adds a comment (or a reply to a top-level comment) to a post the viewer may see.
pub async fn add_comment(
    db: &Db,
    viewer: &Viewer,
    new: &NewComment<'_>,
) -> Result<CommentId, PostError> {
    let NewComment {
        post,
        parent,
        body,
        confirm_phi,
        idempotency_key,
    } = *new;
    let me = viewer.id.clone().ok_or(PostError::NotFound)?;
    let body = check_comment_body(body)?;
    let phi = guard_phi("body", &body, confirm_phi)?;
    let p = get(db, viewer, post).await?;
    if p.deleted {
        return Err(PostError::Forbidden(
            "This post was deleted; it takes no new comments.",
        ));
    }
    if let Some(parent) = parent {
        #[derive(Deserialize)]
        struct Parent {
            post: PostId,
            top: bool,
        }
        let found: Option<Parent> = one(
            db,
            "SELECT record::id(post) AS post, parent = NONE AS top FROM ONLY type::record('comment', $id)",
            parent,
        )
        .await?;
        match found {
            Some(Parent {
                post: of,
                top: true,
            }) if &of == post => {}
            Some(Parent {
                post: of,
                top: false,
            }) if &of == post => {
                return Err(AppError::invalid(
                    "parent",
                    "Replies go one level deep: reply to the comment above instead.",
                )
                .into());
            }
            _ => {
                return Err(
                    AppError::invalid("parent", "That comment is not on this post.").into(),
                );
            }
        }
    }
    let id = CommentId::from(match idempotency_key {
        Some(key) => idempotent_key("comment", &me, key)?,
        None => new_key(),
    });
    let html = markdown::render(&body);
    // Comments sort oldest first in a forward scan.
    let rank = -newest_first_rank();
    // Concurrent comments on one post all bump its count: retry conflicts.
    let created = retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $p = type::record('post', $post);
             CREATE type::record('comment', $id) CONTENT {
                post: $p, parent: IF $parent = NONE { NONE } ELSE { type::record('comment', $parent) },
                author: type::record('member', $me), body: $body, html: $html, rank: $rank,
                phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
             };
             UPDATE $p SET comment_count += 1;
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.to_string()))
        .bind(("post", post.to_string()))
        .bind(("parent", parent.map(CommentId::to_string)))
        .bind(("me", me.to_string()))
        .bind(("html", html.clone()))
        .bind(("body", body.clone()))
        .bind(("rank", rank))
        .bind(("phi", phi.clone()))
        .await
        .and_then(check_tx)
    })
    .await;
    match created {
        Ok(_) => Ok(id),
        // The same submit, again: the comment it made is the answer (its count with it).
        Err(e) if idempotency_key.is_some() && already_exists(&e) => Ok(id),
        Err(e) => Err(e.into()),
    }
}

/// Deletes one's own comment (a tombstone stays if it has replies); returns its post.
pub async fn delete_comment(db: &Db, me: &MemberId, id: &CommentId) -> Result<PostId, PostError> {
    #[derive(Deserialize)]
    struct Found {
        author: MemberId,
        post: PostId,
        deleted: bool,
    }
    let Found {
        author,
        post,
        deleted,
    } = one(
        db,
        "SELECT record::id(author) AS author, record::id(post) AS post, deleted_at != NONE AS deleted FROM ONLY type::record('comment', $id)",
        id,
    )
    .await?
    .ok_or(PostError::NotFound)?;
    if deleted {
        return Err(PostError::NotFound);
    }
    if &author != me {
        return Err(PostError::NotAuthor);
    }
    // The post's comment count is bumped by concurrent comments: retry conflicts. The
    // count follows what this transaction deleted, so a retry or a second submit does not
    // count one deletion twice.
    retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $done = UPDATE type::record('comment', $id) SET deleted_at = time::now(), body = '[deleted]', html = ''
                WHERE deleted_at = NONE RETURN VALUE id;
             IF array::len($done) > 0 {
                UPDATE type::record('post', $post) SET comment_count = math::max([comment_count - 1, 0])
             };
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.to_string()))
        .bind(("post", post.to_string()))
        .await
        .and_then(check_tx)
    })
    .await?;
    Ok(post)
}
