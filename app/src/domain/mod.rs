//! The rules and the SurrealQL, one module per responsibility (server-only), and the
//! helpers every one of them shares: reading rows, the one retry for contended writes,
//! the clock behind newest-first ranks and new record keys. Nothing here imports a
//! domain module: they import this.

pub mod accounts;
pub mod audit;
pub mod communities;
pub mod feed;
pub mod flash;
pub mod graph;
pub mod labels;
pub mod markdown;
pub mod moderation;
pub mod phi;
pub mod posts;
pub mod profiles;
pub mod rate_limit;
pub mod sessions;
pub mod timeline;
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
/// and deserializes the result; None when the record does not exist. An empty key names
/// no record (SurrealDB refuses `type::record(t, '')` as an error, which would be a 500
/// for what is a missing record).
pub(crate) async fn one<T: serde::de::DeserializeOwned>(
    db: &crate::db::Db,
    sql: &str,
    id: &str,
) -> Result<Option<T>, surrealdb::Error> {
    if id.is_empty() {
        return Ok(None);
    }
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

/// An error that may be an optimistic-transaction conflict with a concurrent write, which
/// SurrealDB rolled back and reports as "can be retried".
pub(crate) trait Retryable {
    fn retryable(&self) -> bool;
}

impl Retryable for surrealdb::Error {
    fn retryable(&self) -> bool {
        let m = self.message();
        m.contains("can be retried") || m.contains("conflict")
    }
}

/// Runs a write again when it lost an optimistic-transaction conflict with a concurrent
/// write: the conflicting attempt was rolled back, so retrying is safe, and the retry sees
/// the winner's result. Every write that concurrent requests can contend on (counters, a
/// community's roster, a case, an edge) goes through here: without it, two sign-ins from
/// one network or two posts in one community at the same moment fail with a 500.
pub(crate) async fn retrying<T, E, F, Fut>(mut attempt: F) -> Result<T, E>
where
    E: Retryable,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut tries = 0u32;
    loop {
        match attempt().await {
            Err(e) if tries < 10 && e.retryable() => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(1 << tries.min(6))).await;
            }
            other => return other,
        }
    }
}

/// Implements [`Retryable`] for a domain error whose `Db` variant wraps a database error.
macro_rules! retryable_db_error {
    ($($error:ty),+ $(,)?) => {
        $(impl $crate::domain::Retryable for $error {
            fn retryable(&self) -> bool {
                matches!(self, Self::Db(e) if $crate::domain::Retryable::retryable(e))
            }
        })+
    };
}
pub(crate) use retryable_db_error;

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

/// A sort key that orders newer records first in an ascending index scan: the negated
/// time in ns. Backward index scans are far slower than forward ones on SurrealKV.
pub fn newest_first_rank() -> i64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or_default();
    -nanos
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

/// The record key for what `author` creates with the client's idempotency `key` (a form
/// carries one, fresh at each render): the same author and key always give the same id,
/// so a retried or double-clicked submit creates nothing twice. Sixteen characters of
/// `[a-z0-9]` from SHA-256, like [`new_key`]; `scope` keeps posts', comments' and later
/// messages' ids apart. A key that is not 1–64 of `[A-Za-z0-9_-]` is refused.
pub(crate) fn idempotent_key(scope: &str, author: &str, key: &str) -> Result<String, AppError> {
    let ok = (1..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !ok {
        return Err(AppError::invalid(
            "idempotency_key",
            "That form's idempotency key is malformed: reload the page and submit again.",
        ));
    }
    use sha2::{Digest, Sha256};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let digest = Sha256::digest(format!("{scope}\u{0}{author}\u{0}{key}").as_bytes());
    Ok(digest
        .iter()
        .take(16)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Whether a CREATE failed because the record already exists (a retried submit).
pub(crate) fn already_exists(e: &surrealdb::Error) -> bool {
    e.message().contains("already exists")
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::rows;
    use crate::db::open_for_test;
    use crate::model::{
        CaseStatus, ConnectionStatus, LabelStatus, MemberId, MembershipStatus, ModState,
        NotificationKind, PostId, StoredName, VerificationStatus,
    };

    /// Stores each value under its name in a scratch table and reads it back typed, the
    /// way every domain query reads rows.
    async fn round_trip<T>(values: &[T])
    where
        T: StoredName + PartialEq + std::fmt::Debug + serde::de::DeserializeOwned,
    {
        #[derive(Deserialize)]
        struct Row<T> {
            status: T,
        }
        let db = open_for_test().await.unwrap();
        for v in values {
            let mut res = db
                .query("CREATE ONLY scratch CONTENT { status: $s } RETURN status")
                .bind(("s", v.name()))
                .await
                .unwrap();
            let back: Vec<Row<T>> = rows(&mut res, 0).unwrap();
            assert_eq!(&back[0].status, v);
        }
    }

    #[tokio::test]
    async fn every_status_round_trips_through_surrealdb_under_its_stored_name() {
        use strum::VariantArray;
        round_trip(ConnectionStatus::VARIANTS).await;
        round_trip(MembershipStatus::VARIANTS).await;
        round_trip(ModState::VARIANTS).await;
        round_trip(CaseStatus::VARIANTS).await;
        round_trip(LabelStatus::VARIANTS).await;
        round_trip(VerificationStatus::VARIANTS).await;
        round_trip(NotificationKind::VARIANTS).await;
    }

    #[tokio::test]
    async fn an_unknown_stored_status_is_a_clear_error_not_a_panic() {
        #[derive(Debug, Deserialize)]
        struct Row {
            #[allow(dead_code)]
            status: ConnectionStatus,
        }
        let db = open_for_test().await.unwrap();
        let mut res = db
            .query("CREATE ONLY scratch CONTENT { status: 'maybe' } RETURN status")
            .await
            .unwrap();
        let err = rows::<Row>(&mut res, 0).unwrap_err().to_string();
        assert!(
            err.contains("unknown variant `maybe`") && err.contains("pending"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn typed_ids_bind_as_keys_and_read_back_typed() {
        let db = open_for_test().await.unwrap();
        let member = MemberId::from("m1");
        let post = PostId::parse("p1").unwrap();
        let mut res = db
            .query(
                "CREATE type::record('scratch', $p) CONTENT { by: type::record('member', $m) };
                 SELECT VALUE [record::id(id), record::id(by)] FROM type::record('scratch', $p);",
            )
            .bind(("p", post.clone()))
            .bind(("m", member.clone()))
            .await
            .unwrap();
        let back: Vec<(PostId, MemberId)> = rows(&mut res, 1).unwrap();
        assert_eq!(back, vec![(post.clone(), member.clone())]);
        // And as full record ids where a query takes a record.
        let mut res = db
            .query("RETURN [$r = type::record('post', $k), record::tb($r)]")
            .bind(("r", post.record()))
            .bind(("k", post))
            .await
            .unwrap();
        let same: Vec<serde_json::Value> = res.take(0).unwrap();
        assert_eq!(same, [serde_json::json!(true), serde_json::json!("post")]);
    }
}
