//! The rules and the SurrealQL, one module per domain. Server-only.

pub mod accounts;
pub mod audit;
pub mod communities;
pub mod graph;
pub mod labels;
pub mod markdown;
pub mod moderation;
pub mod phi;
pub mod posts;
pub mod profiles;
pub mod rate_limit;
pub mod sessions;
pub mod verification;
pub mod viewer;

use crate::error::AppError;

/// Checks a transaction's results, reporting the statement that failed rather than the
/// "not executed" of the statements after it.
pub(crate) use crate::db::migrations::first_real_error as check_tx;

/// Reads statement `idx` of a response as serde-deserializable rows. SurrealDB 3 returns
/// `SurrealValue`s; going through JSON keeps wire types free of database dependencies.
pub(crate) fn rows<T: serde::de::DeserializeOwned>(
    res: &mut surrealdb::IndexedResults,
    idx: usize,
) -> Result<Vec<T>, surrealdb::Error> {
    let values: Vec<serde_json::Value> = res.take(idx)?;
    values
        .into_iter()
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| surrealdb::Error::internal(format!("unexpected row shape: {e}")))
        })
        .collect()
}

/// Reads one record's fields: runs `sql` (a `SELECT … FROM ONLY type::record(…, $id)`)
/// and deserializes the result; None when the record does not exist.
pub(crate) async fn one<T: serde::de::DeserializeOwned>(
    db: &crate::db::Db,
    sql: &str,
    id: &str,
) -> Result<Option<T>, surrealdb::Error> {
    let mut res = db
        .query(sql.to_string())
        .bind(("id", id.to_string()))
        .await?;
    let value: Option<serde_json::Value> = res.take(0)?;
    value
        .map(|v| {
            serde_json::from_value(v)
                .map_err(|e| surrealdb::Error::internal(format!("unexpected row shape: {e}")))
        })
        .transpose()
}

/// Runs a write again when SurrealDB reports an optimistic-transaction conflict with a
/// concurrent write ("can be retried"): the conflicting attempt was rolled back, so
/// retrying is safe. Without this, two sign-ins from one network or two posts in one
/// community at the same moment would fail with a 500.
pub(crate) async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    let mut tries = 0u32;
    loop {
        match attempt().await {
            Err(e) if tries < 10 && e.message().contains("can be retried") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(1 << tries.min(6))).await;
            }
            other => return other,
        }
    }
}

/// Ends the write of a stored cache (a member's timeline, their suggestions) that a read
/// rebuilt. When two reads of one member rebuild it at once, one write loses a transaction
/// conflict; that reader still has what it computed and the winner's copy is as good, so
/// a failed write is logged, never the read's failure.
pub(crate) fn cache_written(
    written: Result<surrealdb::IndexedResults, surrealdb::Error>,
    what: &str,
) {
    if let Err(err) = written.and_then(|r| r.check()) {
        tracing::warn!(%err, "storing {what}");
    }
}

/// Logs a database failure and turns it into a generic 500 for the member.
pub(crate) fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
    tracing::error!(%err, "{context}");
    AppError::internal()
}

/// A new random record key: 16 lowercase letters and digits (~82 bits), safe in URLs.
pub(crate) fn new_key() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}
