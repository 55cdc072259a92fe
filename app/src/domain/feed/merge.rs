//! The live merge behind the home feed: fan-out on read over the viewer's sources (whom
//! they follow, their connections, their communities), bounded by each source's
//! newest-post rank (a counter maintained on every post). Sources are read newest-head
//! first, each with one forward index range scan, and reading stops once no remaining
//! source can reach the page.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::db::Db;
use crate::domain::posts::PostError;
use crate::domain::posts::read::{Cursor, LIGHT_ROW, LightRow, Readable};
use crate::domain::rows;
use crate::domain::timeline::{Entry, TIMELINE_KEPT};
use crate::domain::viewer::Viewer;
use crate::model::{CommunityId, MemberId};

/// Where the feed reads from: a member's posts or a community's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Member(MemberId),
    Community(CommunityId),
}

/// A source waiting to be read: its newest unread rank, and where to resume.
type Queued = (i64, Source, Option<Cursor>);

/// The viewer with whom they follow loaded (into `slot` if it was not): reading a page
/// needs only their visibility facts, the merge needs their sources.
pub(super) async fn with_following<'v>(
    db: &Db,
    viewer: &'v Viewer,
    slot: &'v mut Option<Viewer>,
) -> Result<&'v Viewer, PostError> {
    if viewer.following_loaded {
        return Ok(viewer);
    }
    Ok(slot.insert(viewer.completed(db).await?))
}

/// New light rows merged into held entries: newest first, each post once, at most
/// [`TIMELINE_KEPT`].
pub(super) fn merged(fresh: Vec<LightRow>, held: Vec<Entry>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = fresh
        .into_iter()
        .map(|r| (r.rank, r.id))
        .chain(held)
        .collect();
    entries.sort();
    entries.dedup();
    entries.truncate(TIMELINE_KEPT);
    entries
}

/// The keys of typed ids, for binding as a list.
fn keys<T: std::fmt::Display>(ids: &[T]) -> Vec<String> {
    ids.iter().map(T::to_string).collect()
}

/// How many posts are read from a source at a time: most sources give a page one or two
/// posts, so a few are read from each, and a source is read again only if everything read
/// from it made the cut.
const PER_SOURCE: usize = 4;

/// How many sources are read in one round trip.
const BATCH: usize = 16;

/// The newest `want` entries of the viewer's sources after `after`, visible to them; with
/// `newer_than`, only posts newer than that rank (and only sources that have one).
pub(super) async fn merge_light(
    db: &Db,
    viewer: &Viewer,
    after: Option<&str>,
    want: usize,
    newer_than: Option<i64>,
) -> Result<Vec<LightRow>, PostError> {
    let limit = want.saturating_sub(1);
    let Some(me) = viewer.id.clone() else {
        return Ok(Vec::new());
    };
    let mut members: Vec<MemberId> = viewer
        .following
        .iter()
        .chain(viewer.connections.iter())
        .filter(|m| viewer.wants_in_feed(m))
        .cloned()
        .collect();
    members.push(me);
    members.sort();
    members.dedup();
    let communities: Vec<CommunityId> = viewer.communities.iter().cloned().collect();
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, last_post_rank AS rank FROM $m.map(|$i| type::record('member', $i)) WHERE last_post_rank != NONE;
             SELECT record::id(id) AS id, last_post_rank AS rank FROM $c.map(|$i| type::record('community', $i)) WHERE last_post_rank != NONE;",
        )
        .bind(("m", keys(&members)))
        .bind(("c", keys(&communities)))
        .await?;
    #[derive(Deserialize)]
    struct Head {
        id: String,
        rank: i64,
    }
    let page_cursor = Cursor::parse(after);
    let floor = page_cursor.as_ref().map_or(i64::MIN, |c| c.rank);
    let has_newer = |h: &Head| newer_than.is_none_or(|top| h.rank < top);
    let queued = |h: Head, source: fn(String) -> Source| -> Queued {
        (h.rank.max(floor), source(h.id), page_cursor.clone())
    };
    let mut heads: Vec<Queued> = rows::<Head>(&mut res, 0)?
        .into_iter()
        .filter(has_newer)
        .map(|h| queued(h, |id| Source::Member(id.into())))
        .chain(
            rows::<Head>(&mut res, 1)?
                .into_iter()
                .filter(has_newer)
                .map(|h| queued(h, |id| Source::Community(id.into()))),
        )
        .collect();
    // Sorted newest head last, so the next source to read is popped from the end.
    heads.sort_by_key(|h| std::cmp::Reverse(h.0));
    let mut collected: BTreeMap<(i64, String), LightRow> = BTreeMap::new();
    loop {
        let threshold = if collected.len() > limit {
            collected.keys().nth(limit).map_or(i64::MAX, |k| k.0)
        } else {
            i64::MAX
        };
        let mut batch = Vec::new();
        while batch.len() < BATCH {
            match heads.last() {
                Some(h) if h.0 <= threshold => batch.extend(heads.pop()),
                _ => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let mut res = read_batch(db, &batch, newer_than).await?;
        for (i, (_, source, _)) in batch.into_iter().enumerate() {
            let got: Vec<LightRow> = rows(&mut res, i)?;
            if got.len() == PER_SOURCE
                && let Some(last) = got.last()
            {
                // More may follow: come back to this source after its last row.
                let rank = last.rank;
                let pos = heads.partition_point(|h| h.0 > rank);
                heads.insert(pos, (rank, source, Some(Cursor::of(rank, &last.id))));
            }
            for r in got {
                if r.in_feed_of(viewer) {
                    collected.insert((r.rank, r.id.to_string()), r);
                }
            }
        }
        while collected.len() > limit + 1 {
            collected.pop_last();
        }
    }
    Ok(collected.into_values().collect())
}

/// One round trip reading [`PER_SOURCE`] posts from each queued source after its cursor
/// (statement `i` answers `batch[i]`).
async fn read_batch(
    db: &Db,
    batch: &[Queued],
    newer_than: Option<i64>,
) -> Result<surrealdb::IndexedResults, PostError> {
    let mut sql = String::new();
    for (i, (_, source, cursor)) in batch.iter().enumerate() {
        let (field, table) = match source {
            Source::Member(_) => ("author", "member"),
            Source::Community(_) => ("community", "community"),
        };
        let page_clause = if cursor.is_some() {
            format!("AND (rank > $r{i} OR (rank = $r{i} AND id > type::record('post', $i{i})))")
        } else {
            String::new()
        };
        let newer_clause = if newer_than.is_some() {
            "AND rank < $top"
        } else {
            ""
        };
        sql.push_str(&format!(
            "SELECT {LIGHT_ROW} FROM post WHERE {field} = type::record('{table}', $s{i}) {page_clause} {newer_clause} ORDER BY rank ASC LIMIT {PER_SOURCE};\n"
        ));
    }
    let mut query = db.query(sql).bind(("top", newer_than));
    for (i, (_, source, cursor)) in batch.iter().enumerate() {
        let id = match source {
            Source::Member(id) => id.to_string(),
            Source::Community(id) => id.to_string(),
        };
        query = query
            .bind((format!("s{i}"), id))
            .bind((format!("r{i}"), cursor.as_ref().map(|c| c.rank)))
            .bind((format!("i{i}"), cursor.as_ref().map(|c| c.id.to_string())));
    }
    Ok(query.await?)
}

#[cfg(test)]
mod tests {
    use super::merged;
    use crate::domain::posts::read::LightRow;
    use crate::domain::timeline::TIMELINE_KEPT;
    use crate::model::PostId;

    #[test]
    fn a_refresh_puts_new_posts_first_keeps_each_once_and_keeps_at_most_the_window() {
        let held: Vec<(i64, PostId)> = (0..TIMELINE_KEPT as i64)
            .map(|r| (r, PostId::from(format!("old{r}"))))
            .collect();
        let fresh = vec![
            LightRow::public(-2, "new2"),
            LightRow::public(-1, "new1"),
            LightRow::public(0, "old0"),
        ];
        let entries = merged(fresh, held);
        assert_eq!(entries.len(), TIMELINE_KEPT);
        let ids: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(&ids[..4], ["new2", "new1", "old0", "old1"]);
        assert_eq!(ids.iter().filter(|i| **i == "old0").count(), 1);
        assert_eq!(ids.last(), Some(&"old97"), "the oldest fall off the end");
    }
}
