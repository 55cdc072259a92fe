//! Versioned schema migrations (`migrations/*.surql`), applied in order at start-up.
//! Each runs in one transaction together with the record that marks it applied, so a
//! crash never leaves a half-applied version, and several app servers starting at once
//! cannot apply one twice (the marker's record id is the version).

use super::{Db, DbError};

/// One schema version.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first. Append only: never edit one that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts_sessions_profiles",
        sql: include_str!("migrations/0001_accounts.surql"),
    },
    Migration {
        version: 2,
        name: "graph",
        sql: include_str!("migrations/0002_graph.surql"),
    },
    Migration {
        version: 3,
        name: "suggestions",
        sql: include_str!("migrations/0003_suggestions.surql"),
    },
    Migration {
        version: 4,
        name: "conversation",
        sql: include_str!("migrations/0004_conversation.surql"),
    },
    Migration {
        version: 5,
        name: "timelines",
        sql: include_str!("migrations/0005_timelines.surql"),
    },
    Migration {
        version: 6,
        name: "safety",
        sql: include_str!("migrations/0006_safety.surql"),
    },
    Migration {
        version: 7,
        name: "timeline generations",
        sql: include_str!("migrations/0007_timeline_generations.surql"),
    },
    Migration {
        version: 8,
        name: "community roster",
        sql: include_str!("migrations/0008_community_roster.surql"),
    },
    Migration {
        version: 9,
        name: "pinned posts",
        sql: include_str!("migrations/0009_pinned_posts.surql"),
    },
    Migration {
        version: 10,
        name: "site decisions",
        sql: include_str!("migrations/0010_site_decisions.surql"),
    },
    Migration {
        version: 11,
        name: "form flashes",
        sql: include_str!("migrations/0011_flash.surql"),
    },
    Migration {
        version: 12,
        name: "legal names and revoked badges",
        sql: include_str!("migrations/0012_legal_names.surql"),
    },
    Migration {
        version: 13,
        name: "PHI confirmations on every free-text record",
        sql: include_str!("migrations/0013_phi_confirmations.surql"),
    },
    Migration {
        version: 14,
        name: "demo data claim",
        sql: include_str!("migrations/0014_demo_claim.surql"),
    },
];

const BOOKKEEPING: &str = "
DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS version ON migration TYPE int;
DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime DEFAULT time::now();
";

/// Versions already applied, ascending.
pub async fn applied(db: &Db) -> Result<Vec<u32>, DbError> {
    let mut res = db
        .query("SELECT VALUE version FROM migration ORDER BY version")
        .await?;
    let versions: Vec<i64> = res.take(0)?;
    Ok(versions.into_iter().map(|v| v as u32).collect())
}

/// Applies every migration not yet applied; returns how many ran. Servers starting at the
/// same moment race here, and the loser of a race on the bookkeeping table or a
/// migration's definitions gets a transaction conflict: it starts over (up to ten times),
/// and then finds the winner's migrations applied.
pub async fn apply(db: &Db) -> Result<usize, DbError> {
    crate::domain::retrying(|| apply_once(db)).await
}

impl crate::domain::Retryable for DbError {
    fn retryable(&self) -> bool {
        matches!(self, DbError::Query(e) | DbError::Migration { source: e, .. } if e.retryable())
    }
}

async fn apply_once(db: &Db) -> Result<usize, DbError> {
    db.query(BOOKKEEPING).await?.check()?;
    let done = applied(db).await?;
    let mut ran = 0;
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        let script = format!(
            "BEGIN TRANSACTION;\n{}\n;CREATE type::record('migration', $version) SET version = $version, name = $name;\nCOMMIT TRANSACTION;",
            m.sql
        );
        let result = db
            .query(script)
            .bind(("version", m.version as i64))
            .bind(("name", m.name))
            .await
            .and_then(first_real_error);
        match result {
            Ok(_) => ran += 1,
            // Another server applied it first: that is fine.
            Err(_) if applied(db).await?.contains(&m.version) => {}
            Err(source) => {
                return Err(DbError::Migration {
                    version: m.version,
                    name: m.name,
                    source,
                });
            }
        }
    }
    Ok(ran)
}

/// In a failed transaction every statement reports "not executed"; the statement that
/// actually failed is the useful one.
pub(crate) fn first_real_error(mut res: surrealdb::IndexedResults) -> Result<(), surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = res.take_errors().into_iter().collect();
    errors.sort_by_key(|(i, _)| *i);
    let real = errors
        .iter()
        .position(|(_, e)| !e.message().contains("not executed"));
    match real.or(if errors.is_empty() { None } else { Some(0) }) {
        Some(i) => Err(errors.swap_remove(i).1),
        None => Ok(()),
    }
}
