//! A fixed-window rate limiter kept in SurrealDB.
//!
//! Chosen over an in-process limiter such as tower_governor because Rounds runs as several
//! stateless app servers: counts must be shared, and limits apply per account (email or
//! handle) as well as per IP, which a per-connection layer cannot see.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::rows;
use crate::db::Db;

/// A limit: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

const HIT: &str = "
UPSERT type::record('rate_limit', [$scope, $subject, $window]) SET
    hits += 1,
    expires_at = time::now() + <duration> $ttl
RETURN VALUE hits;";

/// Counts one hit for `subject` (an IP or account key) in `scope` (e.g. "signin-ip").
/// Returns `Ok(true)` while within the limit, `Ok(false)` once it is exceeded.
pub async fn hit(
    db: &Db,
    scope: &str,
    subject: &str,
    limit: Limit,
) -> Result<bool, surrealdb::Error> {
    let window_secs = limit.window.as_secs().max(1);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let window = (now / window_secs) as i64;
    let subject: String = subject.chars().take(200).collect();
    let mut res = super::retrying(|| async {
        db.query(HIT)
            .bind(("scope", scope.to_string()))
            .bind(("subject", subject.clone()))
            .bind(("window", window))
            .bind(("ttl", format!("{window_secs}s")))
            .await?
            .check()
    })
    .await?;
    let hits: Vec<i64> = rows(&mut res, 0)?;
    Ok(hits.first().copied().unwrap_or(0) <= i64::from(limit.max))
}
