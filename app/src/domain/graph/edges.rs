//! Writing the graph's edges — follow, connect (ask, accept, decline, withdraw, remove),
//! block, mute — and reading how one member stands to another. Every change forgets the
//! caches it invalidates: both members' timelines and, for the network, suggestions.

use serde::Deserialize;

use super::error::{GraphError, NOTE_MAX};
use crate::db::Db;
use crate::domain::phi::{FieldPolicy, guard_fields};
use crate::domain::{newest_first_rank, retrying, rows, timeline};
use crate::model::{ConnectionState, ConnectionStatus, GraphOp, MemberId, PairKey, Relationship};

fn is_duplicate(e: &surrealdb::Error) -> bool {
    let m = e.message();
    m.contains("already contains") || m.contains("already exists")
}

/// Who blocks whom between the viewer and another member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Blocks {
    /// The viewer blocks them.
    pub mine: bool,
    /// They block the viewer.
    pub theirs: bool,
}

impl Blocks {
    pub fn either(self) -> bool {
        self.mine || self.theirs
    }
}

/// The blocks between `viewer` and `them`, either way: two unique-index probes.
pub async fn blocks(
    db: &Db,
    viewer: &MemberId,
    them: &MemberId,
) -> Result<Blocks, surrealdb::Error> {
    if viewer == them {
        return Ok(Blocks::default());
    }
    let mut res = db
        .query(
            "RETURN [
                array::len(SELECT id FROM blocks WHERE in = $a AND out = $b) > 0,
                array::len(SELECT id FROM blocks WHERE in = $b AND out = $a) > 0
            ];",
        )
        .bind(("a", viewer.record()))
        .bind(("b", them.record()))
        .await?;
    let v: Vec<bool> = res.take(0)?;
    Ok(Blocks {
        mine: v.first().copied().unwrap_or(false),
        theirs: v.get(1).copied().unwrap_or(false),
    })
}

async fn blocked_either(db: &Db, a: &MemberId, b: &MemberId) -> Result<bool, GraphError> {
    let mut res = db
        .query("RETURN $b IN fn::blocked_either($a)")
        .bind(("a", a.record()))
        .bind(("b", b.record()))
        .await?;
    let v: Option<bool> = res.take(0)?;
    Ok(v.unwrap_or(false))
}

/// The `connected` record of a pair, if any.
#[derive(Debug, Deserialize)]
struct PairRow {
    id: String,
    from: MemberId,
    status: ConnectionStatus,
}

async fn pair_row(db: &Db, a: &MemberId, b: &MemberId) -> Result<Option<PairRow>, GraphError> {
    let mut res = db
        .query("SELECT record::id(id) AS id, record::id(in) AS from, status FROM connected WHERE pair = $pair")
        .bind(("pair", PairKey::of(a, b).to_string()))
        .await?;
    Ok(rows(&mut res, 0)?.into_iter().next())
}

/// The relation tables [`relate_once`] and [`unrelate`] write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Follows,
    Blocks,
    Mutes,
}

impl Edge {
    fn table(self) -> &'static str {
        match self {
            Edge::Follows => "follows",
            Edge::Blocks => "blocks",
            Edge::Mutes => "mutes",
        }
    }
}

/// Creates the `edge` from `a` to `b` unless it exists. A unique-index clash means a
/// concurrent request created the same edge first: the same outcome.
async fn relate_once(db: &Db, edge: Edge, a: &MemberId, b: &MemberId) -> Result<(), GraphError> {
    // Follows are listed newest first: they carry a rank.
    let rank = if edge == Edge::Follows {
        " SET rank = $rank"
    } else {
        ""
    };
    let table = edge.table();
    let sql = format!(
        "IF array::len(SELECT id FROM {table} WHERE in = $from AND out = $to) = 0 {{
             RELATE $from->{table}->$to{rank};
         }};"
    );
    let query = db
        .query(sql)
        .bind(("from", a.record()))
        .bind(("to", b.record()))
        .bind(("rank", newest_first_rank()));
    match query.await.and_then(|r| r.check()) {
        Ok(_) => Ok(()),
        Err(e) if is_duplicate(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Deletes the `edge` from `a` to `b`, if any.
async fn unrelate(db: &Db, edge: Edge, a: &MemberId, b: &MemberId) -> Result<(), GraphError> {
    let sql = format!("DELETE {} WHERE in = $from AND out = $to", edge.table());
    db.query(sql)
        .bind(("from", a.record()))
        .bind(("to", b.record()))
        .await?
        .check()?;
    Ok(())
}

const CONNECT: &str = "
RELATE (type::record('member', $a))->connected->(type::record('member', $b))
    SET pair = $pair, status = 'pending', note = $note,
        phi_confirmed = IF array::len($phi) > 0 { $phi } ELSE { NONE };";

const BLOCK: &str = "
BEGIN TRANSACTION;
LET $me = type::record('member', $a); LET $them = type::record('member', $b);
IF array::len(SELECT id FROM blocks WHERE in = $me AND out = $them) = 0 {
    RELATE $me->blocks->$them;
};
DELETE follows WHERE (in = $me AND out = $them) OR (in = $them AND out = $me);
DELETE connected WHERE pair = $pair;
COMMIT TRANSACTION;";

/// Applies `op` from member `me` to member `them`. Idempotent: repeating an op that
/// already took effect succeeds without creating anything. Concurrent writes to the same
/// edge can conflict (optimistic transactions); such an attempt is retried, and the retry
/// then sees the other request's result.
pub async fn apply(
    db: &Db,
    me: &MemberId,
    them: &MemberId,
    op: GraphOp,
    note: &str,
) -> Result<(), GraphError> {
    apply_confirming(db, me, them, op, note, false).await
}

/// [`apply`], where the note of a connection request may carry what the PHI guard flags
/// if the member `confirmed` it (the kinds are kept on the request). The two members'
/// own names are not flagged: "Dr. Okafor, we met at…" names the addressee, no patient.
pub async fn apply_confirming(
    db: &Db,
    me: &MemberId,
    them: &MemberId,
    op: GraphOp,
    note: &str,
    confirmed: bool,
) -> Result<(), GraphError> {
    let phi = if op == GraphOp::Connect && !note.trim().is_empty() {
        let names: Vec<String> = db
            .query("SELECT VALUE display_name FROM [type::record('member', $a), type::record('member', $b)]")
            .bind(("a", me.to_string()))
            .bind(("b", them.to_string()))
            .await?
            .check()?
            .take(0)?;
        let policy = FieldPolicy {
            own: names.iter().map(String::as_str).collect(),
            ..FieldPolicy::default()
        };
        guard_fields(&[("note", note)], &policy, confirmed).map_err(GraphError::Phi)?
    } else {
        Vec::new()
    };
    retrying(|| apply_once(db, me, them, op, note, &phi)).await?;
    if op.changes_network() {
        forget_suggestions(db, me, them).await?;
    }
    // Whose posts each of them sees may have changed: rebuild their feeds.
    for m in [me, them] {
        timeline::forget(db, m).await?;
    }
    Ok(())
}

async fn apply_once(
    db: &Db,
    me: &MemberId,
    them: &MemberId,
    op: GraphOp,
    note: &str,
    phi: &[String],
) -> Result<(), GraphError> {
    if me == them {
        return Err(GraphError::SelfEdge);
    }
    let pair = PairKey::of(me, them).to_string();
    let bind = |sql: &'static str| {
        db.query(sql)
            .bind(("a", me.to_string()))
            .bind(("b", them.to_string()))
            .bind(("pair", pair.clone()))
    };
    match op {
        GraphOp::Follow | GraphOp::Connect if blocked_either(db, me, them).await? => {
            Err(GraphError::Blocked)
        }
        GraphOp::Follow => relate_once(db, Edge::Follows, me, them).await,
        GraphOp::Unfollow => unrelate(db, Edge::Follows, me, them).await,
        GraphOp::Connect => {
            let note = note.trim();
            if note.chars().count() > NOTE_MAX {
                return Err(GraphError::NoteTooLong);
            }
            match pair_row(db, me, them).await? {
                Some(row) if row.status == ConnectionStatus::Accepted || &row.from == me => Ok(()),
                // They already asked: asking back accepts.
                Some(_) => accept(db, me, them).await,
                None => match bind(CONNECT)
                    .bind(("note", note.to_string()))
                    .bind(("phi", phi.to_vec()))
                    .await
                    .and_then(|r| r.check())
                {
                    Ok(_) => Ok(()),
                    // A concurrent request for the same pair won: one fact, not two.
                    Err(e) if is_duplicate(&e) => Ok(()),
                    Err(e) => Err(e.into()),
                },
            }
        }
        GraphOp::Accept => accept(db, me, them).await,
        GraphOp::Decline | GraphOp::Withdraw => {
            let row = pair_row(db, me, them)
                .await?
                .filter(|r| r.status == ConnectionStatus::Pending)
                .ok_or(GraphError::NoRequest)?;
            let mine = &row.from == me;
            if op == GraphOp::Decline && mine {
                return Err(GraphError::NotRecipient);
            }
            if op == GraphOp::Withdraw && !mine {
                return Err(GraphError::NotSender);
            }
            db.query("DELETE type::record('connected', $id) WHERE status = 'pending'")
                .bind(("id", row.id))
                .await?
                .check()?;
            Ok(())
        }
        GraphOp::Remove => {
            bind("DELETE connected WHERE pair = $pair AND status = 'accepted'")
                .await?
                .check()?;
            Ok(())
        }
        GraphOp::Block => {
            bind(BLOCK).await?.check()?;
            Ok(())
        }
        GraphOp::Unblock => unrelate(db, Edge::Blocks, me, them).await,
        GraphOp::Mute => relate_once(db, Edge::Mutes, me, them).await,
        GraphOp::Unmute => unrelate(db, Edge::Mutes, me, them).await,
    }
}

async fn accept(db: &Db, me: &MemberId, them: &MemberId) -> Result<(), GraphError> {
    let row = pair_row(db, me, them).await?.ok_or(GraphError::NoRequest)?;
    if row.status == ConnectionStatus::Accepted {
        return Ok(());
    }
    if &row.from == me {
        return Err(GraphError::NotRecipient);
    }
    db.query("UPDATE type::record('connected', $id) SET status = 'accepted', accepted_at = time::now() WHERE status = 'pending'")
        .bind(("id", row.id))
        .await?
        .check()?;
    Ok(())
}

/// Forgets the stored suggestions of both members after their own edges changed, so the
/// next read ranks from the new network.
async fn forget_suggestions(db: &Db, a: &MemberId, b: &MemberId) -> Result<(), GraphError> {
    db.query("DELETE type::record('suggestion', $a), type::record('suggestion', $b)")
        .bind(("a", a.to_string()))
        .bind(("b", b.to_string()))
        .await?
        .check()?;
    Ok(())
}

const RELATIONSHIP: &str = "
RETURN {
    following: array::len(SELECT id FROM follows WHERE in = $me AND out = $them) > 0,
    follows_you: array::len(SELECT id FROM follows WHERE in = $them AND out = $me) > 0,
    pair: (SELECT record::id(in) AS from, status FROM connected WHERE pair = $pair)[0],
    blocked: array::len(SELECT id FROM blocks WHERE in = $me AND out = $them) > 0,
    muted: array::len(SELECT id FROM mutes WHERE in = $me AND out = $them) > 0
};";

/// How `me` relates to `them`.
pub async fn relationship(
    db: &Db,
    me: &MemberId,
    them: &MemberId,
) -> Result<Relationship, GraphError> {
    #[derive(Deserialize)]
    struct Pair {
        from: MemberId,
        status: ConnectionStatus,
    }
    #[derive(Deserialize)]
    struct Row {
        following: bool,
        follows_you: bool,
        pair: Option<Pair>,
        blocked: bool,
        muted: bool,
    }
    let mut res = db
        .query(RELATIONSHIP)
        .bind(("me", me.record()))
        .bind(("them", them.record()))
        .bind(("pair", PairKey::of(me, them).to_string()))
        .await?;
    let row: Row = rows(&mut res, 0)?
        .into_iter()
        .next()
        .ok_or(GraphError::NoRequest)?;
    let connection = match row.pair {
        None => ConnectionState::None,
        Some(p) if p.status == ConnectionStatus::Accepted => ConnectionState::Connected,
        Some(p) if &p.from == me => ConnectionState::RequestSent,
        Some(_) => ConnectionState::RequestReceived,
    };
    Ok(Relationship {
        following: row.following,
        follows_you: row.follows_you,
        connection,
        blocked: row.blocked,
        muted: row.muted,
    })
}
