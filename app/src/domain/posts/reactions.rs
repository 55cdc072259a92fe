//! Reactions: one of each kind per member and post, toggled, counted on the post.

use super::error::PostError;
use super::read::get;
use crate::db::Db;
use crate::domain::viewer::Viewer;
use crate::domain::{check_tx, retrying};
use crate::model::{PostId, ReactionKind, Reactions};

/// Toggles the viewer's reaction of `kind` on a post they may see; returns the new counts.
pub async fn react(
    db: &Db,
    viewer: &Viewer,
    id: &PostId,
    kind: ReactionKind,
) -> Result<Reactions, PostError> {
    let me = viewer.id.clone().ok_or(PostError::NotFound)?;
    let post = get(db, viewer, id).await?;
    if post.deleted {
        return Err(PostError::NotFound);
    }
    let sql = match kind {
        ReactionKind::Like => TOGGLE_LIKE,
        ReactionKind::Insightful => TOGGLE_INSIGHTFUL,
        ReactionKind::Support => TOGGLE_SUPPORT,
    };
    // Concurrent toggles of the same post conflict; the retry sees the winner.
    retrying(|| async {
        db.query(sql)
            .bind(("post", id.to_string()))
            .bind(("me", me.to_string()))
            .bind(("kind", kind.as_str()))
            .await
            .and_then(check_tx)
    })
    .await?;
    Ok(get(db, viewer, id).await?.reactions)
}

/// The toggle of one reaction kind, counted in its own field of the post.
macro_rules! toggle {
    ($field:literal) => {
        concat!(
            "BEGIN TRANSACTION;
             LET $r = type::record('reaction', [$post, $me, $kind]);
             LET $p = type::record('post', $post);
             IF record::exists($r) {
                DELETE $r;
                UPDATE $p SET ", $field, " = math::max([", $field, " - 1, 0]);
             } ELSE {
                CREATE $r CONTENT { post: $p, member: type::record('member', $me), kind: $kind };
                UPDATE $p SET ", $field, " += 1;
             };
             COMMIT TRANSACTION;"
        )
    };
}

const TOGGLE_LIKE: &str = toggle!("like_count");
const TOGGLE_INSIGHTFUL: &str = toggle!("insightful_count");
const TOGGLE_SUPPORT: &str = toggle!("support_count");
