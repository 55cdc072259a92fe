//! People you may know: friends of friends over a bounded fan-out, ranked by mutual
//! connections, shared specialty and shared communities; precomputed per member
//! (`suggestion` table) and refreshed in the background.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::closeness::PENDING_OF_ME;
use super::error::GraphError;
use super::lists::{Shown, cards_by_id};
use crate::db::{Db, Handle};
use crate::domain::{cache_written, rows};
use crate::model::{Degree, MemberCard, MemberId};

/// How many connections, and how many of each of their connections, are looked at for
/// suggestions (at most 15 × 15 candidates). Each look-up is an index read, so this
/// bounds the cost of a refresh for well-connected members and for members connected to
/// very well-connected people, whatever their network's size.
pub const PYMK_FANOUT: i64 = 15;

/// Friends of friends of `$me` (each connection's first `$fanout` connections, from
/// 0002's `fn::some_connections`: a bounded sample, not the accepted set), minus anyone
/// `$me` has an edge with, blocks either way and `$me`; then `$me`'s specialty.
fn pymk_query() -> String {
    format!(
        "
LET $me = type::record('member', $m_id);
LET $edges = array::union($me->connected->member, $me<-connected<-member);
LET $pending = {PENDING_OF_ME};
LET $mine = array::complement($edges, $pending);
LET $exclude = array::union(array::union($edges, fn::blocked_either($me)), [$me]);
LET $fof = array::flatten(array::slice($mine, 0, $fanout).map(|$c| fn::some_connections($c, $fanout)));
LET $spec = $me.specialty;
RETURN array::complement($fof, $exclude);
RETURN $spec;"
    )
}

/// How many ranked suggestions are kept per member (more than a page shows, so the list
/// survives a few new connections and requests between refreshes).
const SUGGESTIONS_KEPT: usize = 40;

/// Suggestions older than this are served once more while a background task refreshes them.
const SUGGESTIONS_TTL: &str = "1h";

#[derive(Deserialize)]
struct StoredSuggestions {
    ids: Vec<MemberId>,
    mutuals: Vec<u32>,
    #[serde(default)]
    stale: bool,
}

/// People `me` may know: ranked by mutual connections, then shared specialty; excluding
/// connections, pending requests, blocks either way and `me`. New members with no
/// connections get members of their specialty.
///
/// The ranking is precomputed (see [`refresh_suggestions`]); this read costs one record
/// lookup, the member's own edges (to drop anyone connected, requested or blocked since)
/// and the cards. A missing row is computed inline; a stale one is served and refreshed
/// in the background.
pub async fn people_you_may_know(
    handle: &impl Handle,
    me: &MemberId,
    limit: usize,
) -> Result<Vec<MemberCard>, GraphError> {
    let db = handle.db();
    let sql = format!(
        "LET $me = type::record('member', $m_id);
         SELECT ids, mutuals, computed_at + {SUGGESTIONS_TTL} < time::now() AS stale
            FROM ONLY type::record('suggestion', $m_id);
         RETURN array::union(array::union(array::union(
            (SELECT VALUE record::id(out) FROM connected WHERE in = $me),
            (SELECT VALUE record::id(in) FROM connected WHERE out = $me)),
            (SELECT VALUE record::id(out) FROM blocks WHERE in = $me)),
            (SELECT VALUE record::id(in) FROM blocks WHERE out = $me));"
    );
    let mut res = db.query(sql).bind(("m_id", me.to_string())).await?;
    let stored: Option<serde_json::Value> = res.take(1)?;
    let exclude: HashSet<MemberId> = rows::<MemberId>(&mut res, 2)?.into_iter().collect();
    let stored = match stored.and_then(|v| serde_json::from_value::<StoredSuggestions>(v).ok()) {
        Some(s) => {
            if s.stale {
                let (db, me) = (handle.detach(), me.clone());
                tokio::spawn(async move {
                    if let Err(err) = refresh_suggestions(&db, &me).await {
                        tracing::warn!(%err, "refreshing suggestions");
                    }
                });
            }
            s
        }
        None => compute_suggestions(db, me).await?,
    };
    let picked: Vec<(MemberId, u32)> = stored
        .ids
        .into_iter()
        .zip(stored.mutuals)
        .filter(|(id, _)| id != me && !exclude.contains(id))
        .take(limit)
        .collect();
    let ids: Vec<MemberId> = picked.iter().map(|(id, _)| id.clone()).collect();
    let found = cards_by_id(db, Some(me), &ids, false, Shown::Listed).await?;
    Ok(found
        .cards
        .into_iter()
        .map(|(id, mut card)| {
            let n = picked.iter().find(|p| p.0 == id).map_or(0, |p| p.1);
            card.mutuals = n;
            // Anyone with a mutual connection is 2nd degree by construction.
            if n > 0 {
                card.degree = Some(Degree::Second);
            }
            card
        })
        .collect())
}

/// Recomputes and stores `me`'s ranked suggestions: friends of friends over a bounded
/// fan-out, counted by mutual connections, ties broken by shared specialty, then by shared
/// communities; topped up with members of the same specialty when the network is small.
pub async fn refresh_suggestions(db: &Db, me: &MemberId) -> Result<(), GraphError> {
    compute_suggestions(db, me).await.map(|_| ())
}

async fn compute_suggestions(db: &Db, me: &MemberId) -> Result<StoredSuggestions, GraphError> {
    let mut res = db
        .query(pymk_query())
        .bind(("m_id", me.to_string()))
        .bind(("fanout", PYMK_FANOUT))
        .await?;
    let n = res.num_statements();
    let candidates: Vec<String> = rows(&mut res, n - 2)?;
    let my_specialty: Option<String> = res.take(n - 1)?;
    let mut counts: HashMap<String, u32> = HashMap::new();
    for c in candidates {
        *counts
            .entry(c.trim_start_matches("member:").to_string())
            .or_default() += 1;
    }
    let mut ranked: Vec<(String, u32)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    // Look at more than we keep so specialty can break ties among equally-mutual people.
    ranked.truncate(SUGGESTIONS_KEPT + SUGGESTIONS_KEPT / 2);
    let same: HashSet<String> = match &my_specialty {
        Some(spec) if !ranked.is_empty() => {
            let ids: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
            let mut res = db
                .query("SELECT VALUE record::id(id) FROM $ids.map(|$i| type::record('member', $i)) WHERE specialty = $spec")
                .bind(("ids", ids))
                .bind(("spec", spec.clone()))
                .await?;
            let v: Vec<String> = res.take(0)?;
            v.into_iter().collect()
        }
        _ => Default::default(),
    };
    // Shared communities break remaining ties: how many of my communities each joined.
    let mut shared: HashMap<String, u32> = HashMap::new();
    if !ranked.is_empty() {
        let ids: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
        let mut res = db
            .query(
                "LET $me = type::record('member', $m_id);
                 LET $mine = (SELECT VALUE out FROM member_of WHERE in = $me AND status = 'active');
                 RETURN IF array::len($mine) = 0 { [] } ELSE {
                    $ids.map(|$i| [$i, array::len(array::intersect(
                        (SELECT VALUE out FROM member_of WHERE in = type::record('member', $i) AND status = 'active'),
                        $mine))])
                 };",
            )
            .bind(("m_id", me.to_string()))
            .bind(("ids", ids))
            .await?;
        let pairs: Vec<(String, u32)> = rows(&mut res, 2)?;
        shared.extend(pairs);
    }
    let shared_with = |id: &str| shared.get(id).copied().unwrap_or(0);
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(same.contains(&b.0).cmp(&same.contains(&a.0)))
            .then(shared_with(&b.0).cmp(&shared_with(&a.0)))
            .then_with(|| a.0.cmp(&b.0))
    });
    ranked.truncate(SUGGESTIONS_KEPT);
    if ranked.len() < SUGGESTIONS_KEPT
        && let Some(spec) = my_specialty
    {
        let have: Vec<String> = ranked.iter().map(|r| r.0.clone()).collect();
        let more = same_specialty(db, me, &spec, SUGGESTIONS_KEPT - ranked.len(), &have).await?;
        ranked.extend(more.into_iter().map(|id| (id, 0)));
    }
    let stored = StoredSuggestions {
        ids: ranked
            .iter()
            .map(|r| MemberId::from(r.0.as_str()))
            .collect(),
        mutuals: ranked.iter().map(|r| r.1).collect(),
        stale: false,
    };
    let written = db
        .query(
            "UPSERT type::record('suggestion', $m_id) SET ids = $ids, mutuals = $mutuals, computed_at = time::now()",
        )
        .bind(("m_id", me.to_string()))
        .bind(("ids", ranked.iter().map(|r| r.0.clone()).collect::<Vec<_>>()))
        .bind(("mutuals", stored.mutuals.clone()))
        .await;
    cache_written(written, "suggestions");
    Ok(stored)
}

async fn same_specialty(
    db: &Db,
    me: &MemberId,
    spec: &str,
    limit: usize,
    skip: &[String],
) -> Result<Vec<String>, GraphError> {
    let sql = "LET $me = type::record('member', $m_id);
         LET $edges = array::union($me->connected->member, $me<-connected<-member);
         LET $exclude = array::union(array::union($edges, fn::blocked_either($me)), [$me]);
         SELECT VALUE record::id(id) FROM member WHERE specialty = $spec AND id NOTINSIDE $exclude
            AND record::id(id) NOTINSIDE $skip LIMIT $limit;";
    let mut res = db
        .query(sql)
        .bind(("m_id", me.to_string()))
        .bind(("spec", spec.to_string()))
        .bind(("skip", skip.to_vec()))
        .bind(("limit", limit as i64))
        .await?;
    Ok(res.take(3)?)
}
