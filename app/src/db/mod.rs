//! The database connection (from a connection string) and the migrations runner.

use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

/// The database handle every domain function takes.
pub type Db = Surreal<Any>;

/// A handle that work spawned to run after the request (a stale timeline or suggestion
/// list rebuilt in the background) can take along.
///
/// Cloning a [`Db`] opens a session, and on a SurrealDB server a new session replays the
/// first one's root sign-in: the server checks the root password (Argon2) again. Every
/// stale timeline (one a minute per active member) paid that on the database server. The
/// server's handlers hold an `Arc<Db>` (see `api::context::db`), so a background job
/// shares it; a bare `Db` (tests, the bench helpers) is cloned as before.
pub trait Handle: Send + Sync {
    /// The handle to query through now.
    fn db(&self) -> &Db;
    /// An owned handle for a spawned task.
    fn detach(&self) -> std::sync::Arc<Db>;
}

impl Handle for Db {
    fn db(&self) -> &Db {
        self
    }
    fn detach(&self) -> std::sync::Arc<Db> {
        std::sync::Arc::new(self.clone())
    }
}

impl Handle for std::sync::Arc<Db> {
    fn db(&self) -> &Db {
        self
    }
    fn detach(&self) -> std::sync::Arc<Db> {
        std::sync::Arc::clone(self)
    }
}

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
    open_in(url, credentials, NAMESPACE, DATABASE).await
}

/// [`open`], in namespace `ns` and database `database` (tests on a shared server).
async fn open_in(
    url: &str,
    credentials: Option<(&str, &str)>,
    ns: &str,
    database: &str,
) -> Result<Db, DbError> {
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
    // On a server, USE defines the namespace and database when they are missing, so two
    // servers starting together on an empty one can conflict here too: start over.
    crate::domain::retrying(|| async { db.use_ns(ns).use_db(database).await }).await?;
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

/// Whether `url` names a SurrealDB server (`ws://`, `wss://`, `http://`, `https://`)
/// rather than an engine in this process.
pub fn is_remote(url: &str) -> bool {
    ["ws://", "wss://", "http://", "https://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// A fresh in-memory database with every migration applied.
pub async fn open_memory() -> Result<Db, DbError> {
    open("mem://", None).await
}

/// The database a test runs on, migrated and empty: a fresh `mem://` store, or, when
/// `ROUNDS_TEST_DB` names a SurrealDB server (`ws://127.0.0.1:8000`), a namespace and
/// database of the test's own on that server, so that tests run in parallel against one
/// server and never see each other's records. The server's root credentials come from
/// `ROUNDS_TEST_DB_USER` and `ROUNDS_TEST_DB_PASS` (default `root` / `root`).
pub async fn open_for_test() -> Result<Db, DbError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let url = std::env::var("ROUNDS_TEST_DB").unwrap_or_default();
    if url.is_empty() || url.starts_with("mem:") {
        return open_memory().await;
    }
    let user = std::env::var("ROUNDS_TEST_DB_USER").unwrap_or_else(|_| "root".into());
    let pass = std::env::var("ROUNDS_TEST_DB_PASS").unwrap_or_else(|_| "root".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    open_in(&url, Some((&user, &pass)), &name, &name).await
}

pub mod migrations;
