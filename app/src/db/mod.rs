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
    let db = any::connect(url).await.map_err(|source| DbError::Connect {
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

/// A fresh in-memory database with every migration applied: what tests use.
pub async fn open_memory() -> Result<Db, DbError> {
    open("mem://", None).await
}

pub mod migrations;
