//! The rules and the SurrealQL, one module per domain. Server-only.

pub mod accounts;
pub mod graph;
pub mod profiles;
pub mod rate_limit;
pub mod sessions;

use crate::error::AppError;

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

/// Logs a database failure and turns it into a generic 500 for the member.
pub(crate) fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
    tracing::error!(%err, "{context}");
    AppError::internal()
}
