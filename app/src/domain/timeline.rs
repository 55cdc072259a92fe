//! The stored home timeline of each member (`timeline` table): reading it, storing a
//! rebuilt one, forgetting it after a change, and this server's claim on rebuilding one.
//! A leaf: writers (posts, graph, communities) forget timelines without depending on the
//! feed that reads them.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use serde::Deserialize;

use super::{cache_written, retrying};
use crate::db::Db;
use crate::model::{MemberId, PostId};

/// How many entries of a member's home timeline are kept materialized.
pub const TIMELINE_KEPT: usize = 100;

/// One entry: a post's rank and id, in feed order.
pub type Entry = (i64, PostId);

/// The stored timeline of member `$id`, as [`Stored`] reads it. One older than a minute is
/// served once more and rebuilt in the background; the member's own posts, follows,
/// connections and community changes forget it (see [`forget`]), so the next read rebuilds
/// it at once. Owned here, evaluated by the viewer's load in the same statement.
pub const TIMELINE_READ: &str =
    "(SELECT ids, ranks, generation, forgotten, computed_at + 1m < time::now() AS stale
    FROM ONLY type::record('timeline', $id))";

/// A member's stored timeline as [`TIMELINE_READ`] returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct Stored {
    ids: Vec<PostId>,
    ranks: Vec<i64>,
    #[serde(default)]
    generation: Option<i64>,
    #[serde(default)]
    forgotten: Option<bool>,
    #[serde(default)]
    stale: bool,
}

impl Stored {
    /// The generation this copy was read at (see [`store`]).
    pub fn generation(&self) -> i64 {
        self.generation.unwrap_or(0)
    }

    /// Older than a minute: serve it, and rebuild it in the background.
    pub fn stale(&self) -> bool {
        self.stale
    }

    /// The entries, unless the timeline was forgotten (then it must be rebuilt now).
    pub fn entries(self) -> Option<Vec<Entry>> {
        (self.forgotten != Some(true)).then(|| self.ranks.into_iter().zip(self.ids).collect())
    }
}

/// Reads member `me`'s stored timeline.
pub async fn read(db: &Db, me: &MemberId) -> Result<Option<Stored>, surrealdb::Error> {
    let mut res = db
        .query(format!("RETURN {TIMELINE_READ};"))
        .bind(("id", me.to_string()))
        .await?;
    let stored: Option<serde_json::Value> = res.take(0)?;
    Ok(stored.and_then(|v| serde_json::from_value(v).ok()))
}

/// Stores a rebuilt timeline, unless it was forgotten since the read it was rebuilt from
/// (at `generation`): that rebuild read the member's network before their change, and
/// storing it would hide the change (their new post, say) until the next refresh.
pub async fn store(db: &Db, me: &MemberId, entries: &[Entry], generation: i64) {
    let written = db
        .query(
            "IF ((SELECT VALUE generation FROM ONLY type::record('timeline', $me)) ?? 0) = $generation {
                UPSERT type::record('timeline', $me)
                    SET ids = $ids, ranks = $ranks, computed_at = time::now(), forgotten = NONE
            }",
        )
        .bind(("me", me.to_string()))
        .bind(("generation", generation))
        .bind((
            "ids",
            entries
                .iter()
                .map(|e| e.1.to_string())
                .collect::<Vec<_>>(),
        ))
        .bind(("ranks", entries.iter().map(|e| e.0).collect::<Vec<_>>()))
        .await;
    cache_written(written, "a timeline");
}

/// [`forget`] as SurrealQL over `$m` (a member key), for a transaction that changes what
/// the member's timeline holds and should forget it in the same commit.
pub(crate) const FORGET: &str = "UPSERT type::record('timeline', $m)
    SET generation = (generation ?? 0) + 1, forgotten = true, ids = [], ranks = [];";

/// Forgets a member's materialized timeline (after their own post or a change to whom
/// they follow, connect with, mute, block or join), so the next read rebuilds it, and
/// moves it to a new generation, so no rebuild already under way stores what it read
/// before the change. Conflicts with such a store are retried.
pub async fn forget(db: &Db, member: &MemberId) -> Result<(), surrealdb::Error> {
    retrying(|| async {
        db.query(FORGET)
            .bind(("m", member.to_string()))
            .await?
            .check()
    })
    .await?;
    Ok(())
}

/// Members whose stale timeline this server is rebuilding in the background. Every read
/// of a stale timeline would otherwise start its own rebuild: a member scrolling while
/// one runs started dozens at once, and each reads hundreds of sources.
static REFRESHING: LazyLock<Mutex<HashSet<MemberId>>> = LazyLock::new(Default::default);

/// This server's claim on rebuilding one member's timeline; released when dropped.
pub struct Refreshing(MemberId);

impl Refreshing {
    /// The claim, unless a rebuild of this member's timeline is already running here.
    pub fn claim(member: &MemberId) -> Option<Refreshing> {
        let mut running = REFRESHING.lock().unwrap_or_else(|e| e.into_inner());
        running
            .insert(member.clone())
            .then(|| Refreshing(member.clone()))
    }
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        REFRESHING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::Refreshing;
    use crate::model::MemberId;

    #[test]
    fn one_background_rebuild_per_member_at_a_time() {
        let (a, b) = (
            MemberId::from("rebuild_test_a"),
            MemberId::from("rebuild_test_b"),
        );
        let first = Refreshing::claim(&a).expect("nobody is rebuilding yet");
        assert!(Refreshing::claim(&a).is_none(), "a second rebuild started");
        let other = Refreshing::claim(&b);
        assert!(other.is_some(), "another member's rebuild must not wait");
        drop(first);
        assert!(
            Refreshing::claim(&a).is_some(),
            "the claim was not released"
        );
    }
}
