//! The database connection (from a connection string) and the migrations runner.

use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

/// The database handle every domain function takes.
pub type Db = Surreal<Any>;

/// Namespace and database Rounds uses inside SurrealDB.
pub const NAMESPACE: &str = "rounds";
pub const DATABASE: &str = "rounds";

/// Failures while opening or migrating the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not open database {url}: {source}")]
    Connect {
        url: String,
        source: surrealdb::Error,
    },
    #[error("could not sign in to database {url}: {source}")]
    SignIn {
        url: String,
        source: surrealdb::Error,
    },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        source: surrealdb::Error,
    },
    #[error(transparent)]
    Query(#[from] surrealdb::Error),
}

/// Opens `url` (`mem://`, `surrealkv://path`, `ws://host:port`), signs in as root when
/// credentials are given (remote servers), selects the Rounds namespace and database and
/// applies pending migrations.
pub async fn open(url: &str, credentials: Option<(&str, &str)>) -> Result<Db, DbError> {
    let url = &durable(url);
    if url.starts_with("surrealkv") && !url.contains("sync=every") {
        tracing::warn!(%url, "the embedded store does not sync every commit: an acknowledged write can be lost on power failure");
    }
    let db = any::connect(url.as_str())
        .await
        .map_err(|source| DbError::Connect {
            url: url.to_string(),
            source,
        })?;
    if let Some((username, password)) = credentials {
        db.signin(Root {
            username: username.to_string(),
            password: password.to_string(),
        })
        .await
        .map_err(|source| DbError::SignIn {
            url: url.to_string(),
            source,
        })?;
    }
    db.use_ns(NAMESPACE).use_db(DATABASE).await?;
    migrations::apply(&db).await?;
    Ok(db)
}

/// `url` with the embedded store's sync mode spelt out: `sync=every` (fsync each commit,
/// grouped across concurrent commits, before it is acknowledged) unless the connection
/// string already names one. It is SurrealDB 3's default today, but "no write is
/// acknowledged before it is durable" is a promise of ours, not a default to inherit: the
/// SurrealKV crate underneath defaults to leaving the flush to the OS.
pub fn durable(url: &str) -> String {
    let embedded_on_disk =
        url.starts_with("surrealkv://") || url.starts_with("surrealkv+versioned://");
    if !embedded_on_disk || url.contains("sync=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sync=every")
}

/// A fresh in-memory database with every migration applied: what tests use.
pub async fn open_memory() -> Result<Db, DbError> {
    open("mem://", None).await
}

pub mod migrations;
