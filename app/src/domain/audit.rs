//! The append-only audit log and the notifications that moderation and verification send.
//! Both are written by [`Effects`] inside the same transaction as the action they record,
//! so an action never lands without its audit entry or its notifications (and vice versa).
//! Nothing here updates or deletes an audit entry; the schema refuses it too.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{newest_first_rank, rows};
use crate::db::Db;
use crate::model::{
    AuditEntry, AuditPage, MemberId, NotificationKind, NotificationView, StoredName,
};

/// Audit entries and notifications to write along with an action.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    audits: Vec<Value>,
    notes: Vec<Value>,
}

/// The statements that write [`Effects`]; put inside the action's transaction and bind
/// with [`Effects::bind`].
pub const EFFECTS_SQL: &str = "
    FOR $a IN $audits {
        CREATE audit CONTENT {
            rank: $a.rank,
            actor: IF $a.actor = NONE { NONE } ELSE { type::record('member', $a.actor) },
            action: $a.action, target: $a.target, detail: $a.detail
        };
    };
    FOR $n IN $notes {
        LET $to = type::record('member', $n.member);
        CREATE notification CONTENT { member: $to, kind: $n.kind, text: $n.text, link: $n.link, rank: $n.rank };
        UPDATE $to SET unread = (unread ?? 0) + 1;
    };";

impl Effects {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an action: who (None for the command line), what, on what, and why.
    pub fn audit(
        mut self,
        actor: Option<&MemberId>,
        action: &str,
        target: &str,
        detail: &str,
    ) -> Self {
        let rank = newest_first_rank() + self.audits.len() as i64;
        self.audits.push(json!({
            "rank": rank, "actor": actor, "action": action, "target": target, "detail": detail,
        }));
        self
    }

    /// Tells `member` something, with a link to where it happened.
    pub fn notify(
        mut self,
        member: &MemberId,
        kind: NotificationKind,
        text: &str,
        link: &str,
    ) -> Self {
        let rank = newest_first_rank() + self.notes.len() as i64;
        let text: String = text.chars().take(1500).collect();
        self.notes.push(json!({
            "member": member, "kind": kind.name(), "text": text, "link": link, "rank": rank,
        }));
        self
    }

    /// Binds `$audits` and `$notes` for [`EFFECTS_SQL`].
    pub fn bind<'a, C: surrealdb::Connection>(
        &self,
        q: surrealdb::method::Query<'a, C>,
    ) -> surrealdb::method::Query<'a, C> {
        q.bind(("audits", Value::Array(self.audits.clone())))
            .bind(("notes", Value::Array(self.notes.clone())))
    }

    /// Writes just these effects, in one transaction.
    pub async fn commit(&self, db: &Db) -> Result<(), surrealdb::Error> {
        let sql = format!("BEGIN TRANSACTION; {EFFECTS_SQL} COMMIT TRANSACTION;");
        self.bind(db.query(sql)).await.and_then(super::check_tx)?;
        Ok(())
    }
}

/// Audit entries per page.
pub const AUDIT_PAGE: usize = 50;

/// The audit log, newest first, after a cursor (the last entry's rank).
pub async fn log(db: &Db, after: Option<&str>) -> Result<AuditPage, surrealdb::Error> {
    let after: Option<i64> = after.and_then(|a| a.parse().ok());
    let mut res = db
        .query(
            "SELECT rank, <string> at AS at, actor.handle AS actor, action, target, detail FROM audit
             WHERE rank > $after ORDER BY rank ASC LIMIT $limit",
        )
        .bind(("after", after.unwrap_or(i64::MIN)))
        .bind(("limit", AUDIT_PAGE as i64 + 1))
        .await?;
    #[derive(Deserialize)]
    struct Row {
        rank: i64,
        at: String,
        actor: Option<String>,
        action: String,
        target: String,
        detail: String,
    }
    let mut found: Vec<Row> = rows(&mut res, 0)?;
    let next = (found.len() > AUDIT_PAGE).then(|| found[AUDIT_PAGE - 1].rank.to_string());
    found.truncate(AUDIT_PAGE);
    Ok(AuditPage {
        items: found
            .into_iter()
            .map(|r| AuditEntry {
                at: r.at,
                actor: r.actor,
                action: r.action,
                target: r.target,
                detail: r.detail,
            })
            .collect(),
        next,
    })
}

/// A member's newest notifications.
pub async fn notifications(
    db: &Db,
    member: &MemberId,
    limit: usize,
) -> Result<Vec<NotificationView>, surrealdb::Error> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, kind, text, link, read, <string> created_at AS created_at
             FROM notification WHERE member = type::record('member', $m) ORDER BY rank ASC LIMIT $limit",
        )
        .bind(("m", member.to_string()))
        .bind(("limit", limit as i64))
        .await?;
    rows(&mut res, 0)
}

/// Marks all of a member's notifications read.
pub async fn mark_all_read(db: &Db, member: &MemberId) -> Result<(), surrealdb::Error> {
    super::retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $m = type::record('member', $m_id);
             UPDATE notification SET read = true WHERE member = $m AND read = false;
             UPDATE $m SET unread = 0;
             COMMIT TRANSACTION;",
        )
        .bind(("m_id", member.to_string()))
        .await
        .and_then(super::check_tx)
    })
    .await?;
    Ok(())
}
