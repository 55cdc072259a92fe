//! The home feed: the viewer's own posts and those of people they follow, their
//! connections and their communities, newest first, without muted or blocked members.
//!
//! The first [`TIMELINE_KEPT`] entries are materialized per member (see
//! [`timeline`](crate::domain::timeline)) by the [`merge`]; pages within them cost one
//! record read plus reading the page's posts. Every post is re-checked against the
//! viewer's current visibility, mutes and blocks when read (the posts read pipeline), so
//! a stale entry can never show what the viewer may not see. Pages past the materialized
//! window, and members without one, are merged live.

mod merge;

use merge::{merge_light, merged, with_following};

use crate::db::{Db, Handle};
use crate::domain::accounts::MemberRow;
use crate::domain::posts::PostError;
use crate::domain::posts::read::{Cursor, Readable, hydrate, judging, page, read_rows};
use crate::domain::timeline::{self, Entry, Refreshing, Stored, TIMELINE_KEPT, TIMELINE_READ};
use crate::domain::viewer::Viewer;
use crate::model::{PostId, PostPage};

/// The home feed of `viewer` (see the module's comment).
pub async fn feed(
    handle: &impl Handle,
    viewer: &Viewer,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let Some(me) = viewer.id.as_ref() else {
        return Ok(PostPage::default());
    };
    let stored = timeline::read(handle.db(), me).await?;
    feed_from(handle, viewer, stored, after, limit).await
}

/// [`feed`] for the signed-in member of this request: the viewer's facts and the stored
/// timeline come from one statement (the session already said who they are).
pub async fn home_feed(
    handle: &impl Handle,
    me: &MemberRow,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let (viewer, stored) = Viewer::load_lean_with::<Stored>(handle.db(), me, TIMELINE_READ).await?;
    feed_from(handle, &viewer, stored, after, limit).await
}

async fn feed_from(
    handle: &impl Handle,
    viewer: &Viewer,
    stored: Option<Stored>,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let db = handle.db();
    let Some(me) = viewer.id.clone() else {
        return Ok(PostPage::default());
    };
    let generation = stored.as_ref().map_or(0, Stored::generation);
    let stale = stored.as_ref().is_some_and(Stored::stale);
    let entries: Vec<Entry> = match stored.and_then(Stored::entries) {
        Some(held) => {
            if stale && let Some(claim) = Refreshing::claim(&me) {
                let (db, viewer, held) = (handle.detach(), viewer.clone(), held.clone());
                tokio::spawn(async move {
                    if let Err(err) = refresh(&db, &viewer, held, generation).await {
                        tracing::warn!(%err, "refreshing a timeline");
                    }
                    drop(claim);
                });
            }
            held
        }
        None => materialize(db, viewer, generation).await?,
    };
    let cursor = Cursor::parse(after);
    let rest: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            cursor
                .as_ref()
                .is_none_or(|c| (e.0, &e.1) > (c.rank, &c.id))
        })
        .collect();
    // Past the materialized window: merge live from the cursor.
    if rest.len() <= limit && entries.len() >= TIMELINE_KEPT {
        return merge(db, viewer, after, limit).await;
    }
    let ids: Vec<PostId> = rest.iter().take(limit + 1).map(|e| e.1.clone()).collect();
    let mut full = read_rows(db, viewer, ids).await?;
    let viewer = judging(db, viewer, &full).await?;
    full.retain(|r| r.in_feed_of(&viewer));
    Ok(page(full, &viewer, limit))
}

/// Rebuilds and stores a member's materialized timeline, read at `generation` (see
/// [`timeline::store`]).
async fn materialize(db: &Db, viewer: &Viewer, generation: i64) -> Result<Vec<Entry>, PostError> {
    let Some(me) = viewer.id.clone() else {
        return Ok(Vec::new());
    };
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let light = merge_light(db, viewer, None, TIMELINE_KEPT, None).await?;
    let entries: Vec<Entry> = light.into_iter().map(|r| (r.rank, r.id)).collect();
    timeline::store(db, &me, &entries, generation).await;
    Ok(entries)
}

/// Brings a stale timeline up to date. Only posts newer than its newest entry are looked
/// for — a minute on, most of a member's sources have none, so only their heads are read —
/// then merged in, keeping the newest [`TIMELINE_KEPT`]. About one refresh in ten
/// rebuilds the timeline whole instead, so nothing the increments cannot see (a post that
/// became visible to the member later, say) stays missing for long. `held` was read at
/// `generation`.
async fn refresh(
    db: &Db,
    viewer: &Viewer,
    held: Vec<Entry>,
    generation: i64,
) -> Result<(), PostError> {
    let one_in_ten = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_micros())
        .is_multiple_of(10);
    let (Some(me), Some(&(newest, _))) = (viewer.id.clone(), held.first()) else {
        return materialize(db, viewer, generation).await.map(drop);
    };
    if one_in_ten {
        return materialize(db, viewer, generation).await.map(drop);
    }
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let fresh = merge_light(db, viewer, None, TIMELINE_KEPT, Some(newest)).await?;
    timeline::store(db, &me, &merged(fresh, held), generation).await;
    Ok(())
}

/// The live merge (see [`merge`](self::merge)): a member back after months still gets a
/// full page — nothing was trimmed while they were away.
pub async fn merge(
    db: &Db,
    viewer: &Viewer,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let chosen = merge_light(db, viewer, after, limit + 1, None).await?;
    let full = hydrate(db, viewer, &chosen).await?;
    Ok(page(full, viewer, limit))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{feed, materialize, refresh};
    use crate::db::{Db, open_for_test};
    use crate::domain::accounts::{SignUp, sign_up};
    use crate::domain::graph;
    use crate::domain::posts::{NewPost, create};
    use crate::domain::viewer::Viewer;
    use crate::model::{GraphOp, MemberId, PostId};

    async fn member(db: &Db, handle: &str) -> MemberId {
        let signup = SignUp {
            email: format!("{handle}@example.org"),
            handle: handle.to_string(),
            display_name: format!("Member {handle}"),
            password: "correct horse battery staple".to_string(),
            role: "professional".to_string(),
        };
        sign_up(db, &signup).await.unwrap().id
    }

    async fn post(db: &Db, author: &MemberId, body: &str) {
        let input = NewPost {
            body: body.to_string(),
            visibility: "public".to_string(),
            ..NewPost::default()
        };
        create(db, author, &input, None).await.unwrap();
    }

    async fn bodies(db: &Db, me: &MemberId) -> Vec<String> {
        let viewer = Viewer::load(db, Some(me), true).await.unwrap();
        let page = feed(db, &viewer, None, 10).await.unwrap();
        page.items
            .into_iter()
            .map(|p| {
                p.html
                    .replace("<p>", "")
                    .replace("</p>", "")
                    .trim()
                    .to_string()
            })
            .collect()
    }

    /// A background rebuild reads the member's network, then stores what it found. A
    /// change in between (here a follow) must win, in both kinds of rebuild.
    #[tokio::test]
    async fn a_rebuild_that_read_the_network_before_a_change_does_not_store_over_it() {
        let db = open_for_test().await.unwrap();
        let me = member(&db, "race.me").await;
        let old = member(&db, "race.old").await;
        let new = member(&db, "race.new").await;
        graph::apply(&db, &me, &old, GraphOp::Follow, "")
            .await
            .unwrap();
        post(&db, &old, "old news").await;
        post(&db, &new, "new news").await;
        assert_eq!(bodies(&db, &me).await, ["old news"]);
        for round in ["increment", "whole"] {
            // A read finds the timeline stale and starts a rebuild from it...
            let before = Viewer::load(&db, Some(&me), true).await.unwrap();
            let mut res = db
                .query("SELECT ids, ranks, generation ?? 0 AS generation FROM ONLY type::record('timeline', $me)")
                .bind(("me", me.to_string()))
                .await
                .unwrap();
            let stored: Option<serde_json::Value> = res.take(0).unwrap();
            let stored = stored.unwrap();
            let generation = stored["generation"].as_i64().unwrap();
            let held: Vec<(i64, PostId)> =
                serde_json::from_value::<Vec<i64>>(stored["ranks"].clone())
                    .unwrap()
                    .into_iter()
                    .zip(serde_json::from_value::<Vec<PostId>>(stored["ids"].clone()).unwrap())
                    .collect();
            // ...the member follows someone meanwhile...
            graph::apply(&db, &me, &new, GraphOp::Follow, "")
                .await
                .unwrap();
            // ...and the rebuild ends with what it read before.
            match round {
                "increment" => refresh(&db, &before, held, generation).await.unwrap(),
                _ => drop(materialize(&db, &before, generation).await.unwrap()),
            }
            assert_eq!(
                bodies(&db, &me).await,
                ["new news", "old news"],
                "{round}: the follow was lost"
            );
            graph::apply(&db, &me, &new, GraphOp::Unfollow, "")
                .await
                .unwrap();
            assert_eq!(bodies(&db, &me).await, ["old news"]);
            // That read rebuilt the forgotten timeline and stored it.
            let mut res = db
                .query("SELECT forgotten, array::len(ids) AS n FROM ONLY type::record('timeline', $me)")
                .bind(("me", me.to_string()))
                .await
                .unwrap();
            let kept: Option<serde_json::Value> = res.take(0).unwrap();
            assert_eq!(
                kept,
                Some(serde_json::json!({"forgotten": null, "n": 1})),
                "{round}"
            );
        }
    }
}
