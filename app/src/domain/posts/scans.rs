//! One source's posts, newest first, as the viewer may see them: a member's posts, a
//! community's (and its pinned ones), the public highlights of the landing page. Each is
//! a forward scan of one index range, judged batch by batch.

use std::borrow::Cow;

use super::error::PostError;
use super::read::{Cursor, LIGHT_ROW, LightRow, Readable};
use super::read::{hydrate, judging, page, visible};
use crate::db::Db;
use crate::domain::rows;
use crate::domain::viewer::Viewer;
use crate::model::{CommunityId, MemberId, PostId, PostPage, PostView};

// The index ranges a scan may read, each a WHERE clause over `$src`.

/// A member's posts.
const BY_AUTHOR: &str = "author = type::record('member', $src)";
/// A community's posts.
const BY_COMMUNITY: &str = "community = type::record('community', $src)";
/// Every public post.
const PUBLIC: &str = "visibility = 'public'";

/// Reads posts matching `filter` newest first after a cursor, keeping only those the
/// viewer may see, until `limit` are found or the range ends.
async fn scan(
    db: &Db,
    viewer: &Viewer,
    filter: &'static str,
    src: Option<String>,
    after: Option<&str>,
    limit: usize,
    keep: impl Fn(&LightRow) -> bool,
) -> Result<PostPage, PostError> {
    let mut cursor = Cursor::parse(after);
    let mut found: Vec<LightRow> = Vec::new();
    let batch = (limit + 1) * 2;
    // A lean viewer learns, batch by batch, the connections it needs to judge the rows.
    let mut judge: Cow<'_, Viewer> = Cow::Borrowed(viewer);
    // Bounded: a range full of posts the viewer may not see ends the page early.
    for _ in 0..8 {
        let page_clause = if cursor.is_some() {
            "AND (rank > $after OR (rank = $after AND id > type::record('post', $after_id)))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {LIGHT_ROW} FROM post WHERE {filter} {page_clause} ORDER BY rank ASC LIMIT $limit"
        );
        let mut res = db
            .query(sql)
            .bind(("src", src.clone()))
            .bind(("after", cursor.as_ref().map(|c| c.rank)))
            .bind(("after_id", cursor.as_ref().map(|c| c.id.to_string())))
            .bind(("limit", batch as i64))
            .await?;
        let got: Vec<LightRow> = rows(&mut res, 0)?;
        let full = got.len() == batch;
        cursor = got.last().map(|r| Cursor::of(r.rank, &r.id));
        if let Cow::Owned(v) = judging(db, &judge, &got).await? {
            judge = Cow::Owned(v);
        }
        found.extend(got.into_iter().filter(|r| r.readable_by(&judge) && keep(r)));
        if found.len() > limit || !full {
            break;
        }
    }
    found.truncate(limit + 1);
    let full = hydrate(db, &judge, &found).await?;
    Ok(page(full, &judge, limit))
}

/// A member's posts that the viewer may see, newest first.
pub async fn by_author(
    db: &Db,
    viewer: &Viewer,
    author: &MemberId,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let src = Some(author.to_string());
    scan(db, viewer, BY_AUTHOR, src, after, limit, |_| true).await
}

/// A community's posts that the viewer may see, newest first (pinned ones are listed
/// separately by [`pinned`]). Posts by muted members are left out.
pub async fn by_community(
    db: &Db,
    viewer: &Viewer,
    community: &CommunityId,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let src = Some(community.to_string());
    scan(db, viewer, BY_COMMUNITY, src, after, limit, |r| {
        !r.pinned && viewer.wants_in_feed(&r.author_id)
    })
    .await
}

/// A community's pinned posts the viewer may see.
pub async fn pinned(
    db: &Db,
    viewer: &Viewer,
    community: &CommunityId,
) -> Result<Vec<PostView>, PostError> {
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM post WHERE community = type::record('community', $src) AND pinned = true ORDER BY rank ASC LIMIT 10")
        .bind(("src", community.to_string()))
        .await?;
    let ids: Vec<PostId> = rows(&mut res, 0)?;
    visible(db, viewer, ids).await
}

/// Recent public posts for the signed-out landing page.
pub async fn public_highlights(db: &Db, limit: usize) -> Result<Vec<PostView>, PostError> {
    let viewer = Viewer::anonymous();
    Ok(scan(db, &viewer, PUBLIC, None, None, limit, |_| true)
        .await?
        .items
        .into_iter()
        // The front page features nothing moderators hid or labelled as misleading.
        .filter(|p| p.moderation.is_none() && p.misinfo.is_none())
        .collect())
}
