//! What pages list of the graph: a profile's graph summary, followers / following /
//! connections pages, member cards with the viewer's degree and relationship, and
//! pending connection requests.

use serde::Deserialize;
use surrealdb::types::RecordId;

use super::closeness::{ACCEPTED_OF_V, CARD, SECOND_OF_R, closeness, counts};
use super::edges::relationship;
use super::error::GraphError;
use crate::db::Db;
use crate::domain::rows;
use crate::model::{
    ConnectionRequest, ConnectionState, Degree, GraphSummary, MemberCard, MemberId, MemberPage,
    Relationship, Role,
};

/// The graph facts on `them`'s profile as `viewer` sees them.
pub async fn summary(
    db: &Db,
    viewer: Option<&MemberId>,
    them: &MemberId,
) -> Result<GraphSummary, GraphError> {
    // Another member: their closeness brings `them`'s counts along.
    let (close, relationship) = match viewer {
        Some(v) if v != them => (
            Some(closeness(db, v, them, 3, true).await?),
            Some(relationship(db, v, them).await?),
        ),
        _ => (None, None),
    };
    let (followers, following, connections) = match &close {
        Some(c) => c.counts,
        None => counts(db, them).await?,
    };
    let degree = match (&close, viewer) {
        (Some(c), _) => Some(c.degree),
        (None, Some(_)) => Some(Degree::You),
        (None, None) => None,
    };
    let (mutual_count, mutual_cards) = close.map_or((0, Vec::new()), |c| (c.mutual, c.cards));
    Ok(GraphSummary {
        followers,
        following,
        connections,
        degree,
        mutual_count,
        mutuals: mutual_cards,
        relationship,
        lists_private: false,
    })
}

/// Which list of members to page through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Followers,
    Following,
    Connections,
}

/// One edge of a list: its id, its sort key and the member at its other end.
#[derive(Deserialize)]
struct ListEdge {
    edge: String,
    key: serde_json::Value,
    who: MemberId,
}

impl ListEdge {
    fn key_text(&self) -> String {
        self.key
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| self.key.to_string())
    }
}

/// Cursor-paginated members, newest first, without OFFSET. Followers and following read
/// the `(member, rank)` index forwards from the cursor (`<rank>|<edge id>`), so a page
/// costs the same at any depth. Connections come from two index reads (the member as
/// requester and as recipient) sorted by acceptance time; a member has at most a few
/// thousand, and the cursor is `<accepted_at>|<edge id>`.
pub async fn list(
    db: &Db,
    viewer: Option<&MemberId>,
    member: &MemberId,
    kind: ListKind,
    after: Option<&str>,
    limit: usize,
) -> Result<MemberPage, GraphError> {
    let (cursor_key, cursor_id) = match after.and_then(|a| a.split_once('|')) {
        Some((k, id)) => (Some(k.to_string()), id.to_string()),
        None => (None, String::new()),
    };
    let mut edges: Vec<ListEdge> = if kind == ListKind::Connections {
        let mut res = db
            .query(
                "SELECT record::id(id) AS edge, <string> accepted_at AS key, record::id(out) AS who FROM connected
                    WHERE in = $m AND status = 'accepted';
                 SELECT record::id(id) AS edge, <string> accepted_at AS key, record::id(in) AS who FROM connected
                    WHERE out = $m AND status = 'accepted';",
            )
            .bind(("m", member.record()))
            .await?;
        let mut all: Vec<ListEdge> = rows(&mut res, 0)?;
        all.extend(rows::<ListEdge>(&mut res, 1)?);
        all.sort_by(|a, b| {
            b.key_text()
                .cmp(&a.key_text())
                .then_with(|| b.edge.cmp(&a.edge))
        });
        if let Some(k) = &cursor_key {
            all.retain(|e| {
                (e.key_text().as_str(), e.edge.as_str()) < (k.as_str(), cursor_id.as_str())
            });
        }
        all.truncate(limit + 1);
        all
    } else {
        let (field, other) = if kind == ListKind::Followers {
            ("out", "in")
        } else {
            ("in", "out")
        };
        // A follow's rank is a number: a cursor whose key is not one came from no page of
        // ours, and is refused rather than left to the query's cast to guess at.
        let after_rank: Option<i64> = match &cursor_key {
            Some(k) => Some(k.parse().map_err(|_| GraphError::BadCursor)?),
            None => None,
        };
        let page = if after_rank.is_some() {
            "AND (rank > $after OR (rank = $after AND id > type::record('follows', $after_id)))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT record::id(id) AS edge, rank AS key, record::id({other}) AS who FROM follows
                WHERE {field} = $m {page} ORDER BY rank ASC LIMIT $limit;"
        );
        let mut res = db
            .query(sql)
            .bind(("m", member.record()))
            .bind(("after", after_rank))
            .bind(("after_id", cursor_id.clone()))
            .bind(("limit", (limit + 1) as i64))
            .await?;
        rows(&mut res, 0)?
    };
    let next = if edges.len() > limit {
        edges.truncate(limit);
        edges.last().map(|e| format!("{}|{}", e.key_text(), e.edge))
    } else {
        None
    };
    let ids: Vec<MemberId> = edges.iter().map(|e| e.who.clone()).collect();
    let listed = cards_by_id(db, viewer, &ids, true, Shown::Listed).await?;
    Ok(MemberPage {
        items: listed.cards.into_iter().map(|(_, card)| card).collect(),
        next,
        unlisted_patients: listed.unlisted_patients,
    })
}

/// Who a list of member cards is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// A list anyone may page through (someone's followers, a roster, suggestions): a
    /// patient appears by name only to themself (whom a patient follows, or which
    /// condition community they joined, can reveal a diagnosis: everyone else gets a
    /// count), and nobody with a block either way with the viewer appears at all.
    Listed,
    /// Members who addressed the viewer (their own connection requests): all of them.
    Addressed,
}

/// Cards of a list, with how many patients it left out.
pub(crate) struct Listed {
    pub(crate) cards: Vec<(MemberId, MemberCard)>,
    pub(crate) unlisted_patients: u32,
}

/// Member cards for the members who addressed `viewer`, in the given order, with each
/// member's degree from `viewer`.
pub async fn cards(
    db: &Db,
    viewer: Option<&MemberId>,
    ids: &[MemberId],
) -> Result<Vec<MemberCard>, GraphError> {
    Ok(cards_by_id(db, viewer, ids, true, Shown::Addressed)
        .await?
        .cards
        .into_iter()
        .map(|(_, card)| card)
        .collect())
}

/// Like [`cards`], paired with each member's id (members that no longer exist are
/// skipped, and so is whom `shown` leaves out); `with_degree: false` skips the per-card
/// degree when the caller knows it.
///
/// A card's degree first intersects the card's edges of any status with the viewer's
/// connections: none in common is 3rd+ at once. Only the cards with someone in common have
/// their accepted connections read, in a second round trip that names each card in a
/// `LET` ([`SECOND_OF_R`]), so the planner finds its pending edges in the `(in, status)`
/// and `(out, status)` indexes. (Spelt over the row's own `id` inside the projection, the
/// subqueries scanned every `connected` record per card; inside a closure, the traversal
/// cost several times more: docs/benchmarks.md.)
pub(super) async fn cards_by_id(
    db: &Db,
    viewer: Option<&MemberId>,
    ids: &[MemberId],
    with_degree: bool,
    shown: Shown,
) -> Result<Listed, GraphError> {
    if ids.is_empty() {
        return Ok(Listed {
            cards: Vec::new(),
            unlisted_patients: 0,
        });
    }
    let sql = format!(
        "LET $recs = $ids.map(|$i| type::record('member', $i));
         LET $mine = IF $v = NONE {{ [] }} ELSE {{ {ACCEPTED_OF_V} }};
         LET $following = IF $v = NONE {{ [] }} ELSE {{ (SELECT VALUE out FROM follows WHERE in = $v AND out IN $recs) }};
         LET $sent = IF $v = NONE {{ [] }} ELSE {{ (SELECT VALUE out FROM connected WHERE in = $v AND status = 'pending') }};
         LET $received = IF $v = NONE {{ [] }} ELSE {{ (SELECT VALUE in FROM connected WHERE out = $v AND status = 'pending') }};
         LET $blocked = IF $v = NONE {{ [] }} ELSE {{ array::union($v->blocks->member, $v<-blocks<-member) }};
         SELECT record::id(id) AS id, {CARD}, id IN $blocked AS blocked,
            IF $v = NONE OR !$with_degree {{ NONE }}
            ELSE IF id = $v {{ 'You' }}
            ELSE IF id IN $mine {{ 'First' }}
            ELSE {{ 'ThirdPlus' }} AS degree,
            $v != NONE AND $with_degree AND id != $v AND id NOTINSIDE $mine
                AND array::len(array::intersect(array::union(id->connected->member, id<-connected<-member), $mine)) > 0
                AS maybe_second,
            id IN $following AS rel_following,
            IF id IN $mine {{ 'Connected' }}
            ELSE IF id IN $sent {{ 'RequestSent' }}
            ELSE IF id IN $received {{ 'RequestReceived' }}
            ELSE {{ 'None' }} AS rel_connection
         FROM $recs;
         RETURN $mine;",
    );
    #[derive(Deserialize)]
    struct Row {
        id: MemberId,
        #[serde(default)]
        maybe_second: bool,
        rel_following: bool,
        rel_connection: ConnectionState,
        blocked: bool,
        #[serde(flatten)]
        card: MemberCard,
    }
    let keys: Vec<String> = ids.iter().map(MemberId::to_string).collect();
    let mut res = db
        .query(sql)
        .bind(("ids", keys))
        .bind(("v", viewer.map(MemberId::record)))
        .bind(("with_degree", with_degree))
        .await?;
    let n = res.num_statements();
    let mut found: Vec<Row> = rows(&mut res, n - 2)?;
    // The viewer's accepted connections, already read: the 2nd-degree check reuses them.
    let mine: Vec<RecordId> = res.take(n - 1)?;
    let mut unlisted_patients = 0;
    if shown == Shown::Listed {
        found.retain(|r| {
            let patient = r.card.role == Role::Patient && viewer != Some(&r.id);
            unlisted_patients += u32::from(patient && !r.blocked);
            !patient && !r.blocked
        });
    }
    let maybe: Vec<MemberId> = found
        .iter()
        .filter(|r| r.maybe_second)
        .map(|r| r.id.clone())
        .collect();
    if !maybe.is_empty() {
        let second = second_degree(db, mine, &maybe).await?;
        for row in found.iter_mut().filter(|r| second.contains(&r.id)) {
            row.card.degree = Some(Degree::Second);
        }
    }
    for row in &mut found {
        if viewer.is_some_and(|v| v != &row.id) {
            row.card.relationship = Some(Relationship {
                following: row.rel_following,
                connection: row.rel_connection,
                ..Relationship::default()
            });
        }
    }
    let cards = ids
        .iter()
        .filter_map(|id| {
            found
                .iter()
                .find(|r| &r.id == id)
                .map(|r| (id.clone(), r.card.clone()))
        })
        .collect();
    Ok(Listed {
        cards,
        unlisted_patients,
    })
}

/// Which of `members` share an accepted connection with the viewer, whose accepted
/// connections are `mine`: one statement per member, each naming it `$r` for
/// [`SECOND_OF_R`].
async fn second_degree(
    db: &Db,
    mine: Vec<RecordId>,
    members: &[MemberId],
) -> Result<Vec<MemberId>, GraphError> {
    let mut sql = String::new();
    for i in 0..members.len() {
        sql.push_str(&format!("LET $r = $m{i}; RETURN {SECOND_OF_R};\n"));
    }
    let mut query = db.query(sql).bind(("mine", mine));
    for (i, m) in members.iter().enumerate() {
        query = query.bind((format!("m{i}"), m.record()));
    }
    let mut res = query.await?;
    let mut second = Vec::new();
    for (i, m) in members.iter().enumerate() {
        // Each member's answer follows its LET.
        let shares: Option<bool> = res.take(1 + 2 * i)?;
        if shares == Some(true) {
            second.push(m.clone());
        }
    }
    Ok(second)
}

/// Pending requests to (`received`) or from (`sent`) a member, newest first.
pub async fn requests(
    db: &Db,
    member: &MemberId,
    received: bool,
) -> Result<Vec<ConnectionRequest>, GraphError> {
    let (cond, other) = if received {
        ("out = $m", "in")
    } else {
        ("in = $m", "out")
    };
    let sql = format!(
        "SELECT record::id({other}) AS who, note, <string> created_at AS sent_at FROM connected
            WHERE {cond} AND status = 'pending' ORDER BY sent_at DESC LIMIT 100;"
    );
    #[derive(Deserialize)]
    struct Row {
        who: MemberId,
        note: String,
        sent_at: String,
    }
    let mut res = db.query(sql).bind(("m", member.record())).await?;
    let rs: Vec<Row> = rows(&mut res, 0)?;
    let ids: Vec<MemberId> = rs.iter().map(|r| r.who.clone()).collect();
    let cards = cards(db, Some(member), &ids).await?;
    Ok(rs
        .into_iter()
        .zip(cards)
        .map(|(r, member)| ConnectionRequest {
            member,
            note: r.note,
            sent_at: r.sent_at,
        })
        .collect())
}
