//! How close two members are: the one definition of an accepted connection (as SurrealQL
//! fragments every graph query and the viewer's load use), the degree between two
//! members, their mutual connections and a member's counts.

use serde::Deserialize;

use super::error::GraphError;
use crate::db::Db;
use crate::domain::rows;
use crate::model::{Degree, MemberCard, MemberId};

/// SurrealQL for the members at the other end of the pending requests of member record
/// `$m` (a parameter such as `"$a"`: the planner finds it in the `(in, status)` and
/// `(out, status)` indexes), either way.
macro_rules! pending_ends {
    ($m:literal) => {
        concat!(
            "array::union((SELECT VALUE out FROM connected WHERE in = ",
            $m,
            " AND status = 'pending'), (SELECT VALUE in FROM connected WHERE out = ",
            $m,
            " AND status = 'pending'))"
        )
    };
}

/// SurrealQL for the accepted connections of member record `$m`: the other end of each of
/// its `connected` edges, read from the graph's own edge pointers, minus the ends of the
/// few edges still pending (an edge is pending or accepted: 0002's ASSERT), which the
/// `(in, status)`/`(out, status)` indexes find.
///
/// This is the only definition of an accepted connection. It is spelt out in each query
/// rather than put in a `DEFINE FUNCTION` (such as 0002's `fn::connections`, no longer
/// called): reading every edge record to test its status, and graph traversal inside a
/// function, both cost several times more (docs/benchmarks.md, "Connections").
macro_rules! accepted_connections {
    ($m:literal) => {
        concat!(
            "array::complement(array::union(",
            $m,
            "->connected->member, ",
            $m,
            "<-connected<-member), ",
            pending_ends!($m),
            ")"
        )
    };
}

/// The accepted connections of `$a`, `$b` and `$v` (the viewer), as record ids.
pub(super) const ACCEPTED_OF_A: &str = accepted_connections!("$a");
pub(super) const ACCEPTED_OF_B: &str = accepted_connections!("$b");
pub(crate) const ACCEPTED_OF_V: &str = accepted_connections!("$v");
/// The keys of `$v`'s accepted connections, for the viewer's load: the same set as
/// [`ACCEPTED_OF_V`] (a test below checks that they agree), read as keys from the
/// `(in, status)`/`(out, status)` indexes. The viewer wants keys, and turning the record
/// form into keys runs a closure per connection (`.map(|$m| record::id($m))`), which cost
/// the feed's background refreshes enough to show in its tail latency (docs/benchmarks.md).
pub(crate) const ACCEPTED_KEYS_OF_V: &str = "array::union(
    (SELECT VALUE record::id(out) FROM connected WHERE in = $v AND status = 'accepted'),
    (SELECT VALUE record::id(in) FROM connected WHERE out = $v AND status = 'accepted'))";

/// Whether member `$r` (a `LET` of the statement before) shares an accepted connection
/// with `$mine`, the viewer's accepted connections.
pub(super) const SECOND_OF_R: &str = concat!(
    "array::len(array::intersect(",
    accepted_connections!("$r"),
    ", $mine)) > 0"
);
/// The members `$me` has a pending request with, either way.
pub(super) const PENDING_OF_ME: &str = pending_ends!("$me");

/// The fields of a member card; `$viewer` may be NONE.
pub(super) const CARD: &str = "handle, IF role = 'patient' AND hide_real_name THEN handle ELSE display_name END AS shown_name,
    role, headline, specialty, verified = true AS verified";

/// How many follow member `$b`, and how many `$b` follows: counted over the graph's edge
/// pointers, without reading the `follows` records.
const FOLLOWERS_OF_B: &str = "array::len($b<-follows)";
const FOLLOWING_OF_B: &str = "array::len($b->follows)";

/// Degree of connection from `a` to `b`: 1st, 2nd (a shared connection), or 3rd+.
pub async fn degree(db: &Db, a: &MemberId, b: &MemberId) -> Result<Degree, GraphError> {
    if a == b {
        return Ok(Degree::You);
    }
    let mut res = db
        .query(format!(
            "LET $ca = {ACCEPTED_OF_A};
             RETURN IF $b IN $ca {{ 1 }} ELSE IF array::len(array::intersect($ca, {ACCEPTED_OF_B})) > 0 {{ 2 }} ELSE {{ 3 }};"
        ))
        .bind(("a", a.record()))
        .bind(("b", b.record()))
        .await?;
    let idx = res.num_statements() - 1;
    let d: Option<i64> = res.take(idx)?;
    Ok(match d {
        Some(1) => Degree::First,
        Some(2) => Degree::Second,
        _ => Degree::ThirdPlus,
    })
}

/// Mutual connections of `a` and `b`: how many, and the first `show` of them.
pub async fn mutuals(
    db: &Db,
    a: &MemberId,
    b: &MemberId,
    show: usize,
) -> Result<(u32, Vec<MemberCard>), GraphError> {
    let c = closeness(db, a, b, show, false).await?;
    Ok((c.mutual, c.cards))
}

/// How `a` stands to `b`: the degree, the mutual connections (how many, and the first
/// `show` who are not patients: a patient's connections are theirs to know) and `b`'s own counts (followers and following only `with_follows`), in one
/// round trip that reads each member's connections once — what a profile shows.
pub(super) struct Closeness {
    pub(super) degree: Degree,
    pub(super) mutual: u32,
    pub(super) cards: Vec<MemberCard>,
    pub(super) counts: (u64, u64, u64),
}

pub(super) async fn closeness(
    db: &Db,
    a: &MemberId,
    b: &MemberId,
    show: usize,
    with_follows: bool,
) -> Result<Closeness, GraphError> {
    let sql = format!(
        "LET $cb = {ACCEPTED_OF_B};
         LET $ca = {ACCEPTED_OF_A};
         LET $m = array::intersect($ca, $cb);
         RETURN {{
             first: $b IN $ca, mutual: array::len($m), connections: array::len($cb),
             followers: IF $with_follows {{ {FOLLOWERS_OF_B} }} ELSE {{ 0 }},
             following: IF $with_follows {{ {FOLLOWING_OF_B} }} ELSE {{ 0 }}
         }};
         SELECT {CARD} FROM array::slice($m, 0, $show * 4) WHERE role != 'patient';",
    );
    let mut res = db
        .query(sql)
        .bind(("a", a.record()))
        .bind(("b", b.record()))
        .bind(("show", show as i64))
        .bind(("with_follows", with_follows))
        .await?;
    #[derive(Deserialize, Default)]
    struct Facts {
        first: bool,
        mutual: u32,
        connections: u64,
        followers: u64,
        following: u64,
    }
    let facts: Option<serde_json::Value> = res.take(3)?;
    let facts: Facts = facts
        .and_then(|f| serde_json::from_value(f).ok())
        .unwrap_or_default();
    let mut cards: Vec<MemberCard> = rows(&mut res, 4)?;
    // Sorted and cut here: with the WHERE, SurrealDB did not keep `ORDER BY handle`.
    cards.sort_by(|x, y| x.handle.cmp(&y.handle));
    cards.truncate(show);
    let degree = match (facts.first, facts.mutual) {
        (true, _) => Degree::First,
        (false, 0) => Degree::ThirdPlus,
        (false, _) => Degree::Second,
    };
    Ok(Closeness {
        degree,
        mutual: facts.mutual,
        cards,
        counts: (facts.followers, facts.following, facts.connections),
    })
}

/// Follower, following and connection counts.
pub async fn counts(db: &Db, member: &MemberId) -> Result<(u64, u64, u64), GraphError> {
    let mut res = db
        .query(format!(
            "RETURN [{FOLLOWERS_OF_B}, {FOLLOWING_OF_B}, array::len({ACCEPTED_OF_B})];"
        ))
        .bind(("b", member.record()))
        .await?;
    let v: Vec<i64> = res.take(0)?;
    let at = |i: usize| v.get(i).copied().unwrap_or(0).max(0) as u64;
    Ok((at(0), at(1), at(2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accepted_connections_fragment_names_its_record_in_every_part() {
        assert_eq!(
            ACCEPTED_OF_A,
            "array::complement(array::union($a->connected->member, $a<-connected<-member), \
             array::union((SELECT VALUE out FROM connected WHERE in = $a AND status = 'pending'), \
             (SELECT VALUE in FROM connected WHERE out = $a AND status = 'pending')))"
        );
        assert!(SECOND_OF_R.contains("WHERE out = $r AND status = 'pending'"));
    }

    /// The record form (every graph query) and the key form (the viewer's load) are two
    /// spellings of one set: accepted edges either way, never pending ones.
    #[tokio::test]
    async fn both_spellings_of_accepted_connections_agree() {
        use crate::domain::accounts::{SignUp, sign_up};
        use crate::domain::graph::apply;
        use crate::model::GraphOp;
        let db = crate::db::open_for_test().await.unwrap();
        let mut ids = Vec::new();
        for h in ["agree.v", "agree.a", "agree.b", "agree.c", "agree.d"] {
            let signup = SignUp {
                email: format!("{h}@example.org"),
                handle: h.into(),
                display_name: h.into(),
                password: "correct horse battery staple".into(),
                role: "professional".into(),
            };
            ids.push(sign_up(&db, &signup).await.unwrap().id);
        }
        let [v, a, b, c, d] = ids.as_slice() else {
            unreachable!()
        };
        // v asked a (accepted), b asked v (accepted), v asked c and d asked v (pending).
        for (from, to, accept) in [(v, a, true), (b, v, true), (v, c, false), (d, v, false)] {
            apply(&db, from, to, GraphOp::Connect, "").await.unwrap();
            if accept {
                apply(&db, to, from, GraphOp::Accept, "").await.unwrap();
            }
        }
        let mut res = db
            .query(format!(
                "RETURN {ACCEPTED_OF_V}.map(|$m| record::id($m)); RETURN {ACCEPTED_KEYS_OF_V};"
            ))
            .bind(("v", v.record()))
            .await
            .unwrap();
        let mut by_records: Vec<String> = res.take(0).unwrap();
        let mut by_keys: Vec<String> = res.take(1).unwrap();
        by_records.sort();
        by_keys.sort();
        let mut expected = vec![a.to_string(), b.to_string()];
        expected.sort();
        assert_eq!(by_records, expected);
        assert_eq!(by_keys, expected);
    }
}
