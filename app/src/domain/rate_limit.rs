//! A sliding-window rate limiter kept in SurrealDB.
//!
//! Chosen over an in-process limiter such as tower_governor because Rounds runs as several
//! stateless app servers: counts must be shared, and limits apply per account (email or
//! handle) as well as per IP, which a per-connection layer cannot see.
//!
//! Hits are counted per fixed window, and a hit is judged against the current window's
//! count plus the previous window's, weighted by how much of the previous window the
//! sliding window still covers. With fixed windows alone, the count started again at every
//! boundary: a guesser got twice the limit by straddling one, and a test that made its
//! attempts across 09:30:00 saw its fourth wrong password answered 401, not 429.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::rows;
use crate::db::Db;

/// A limit: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Counts the hit in the current window, and reads the previous window's count. A
/// window's record is kept for two windows: the next one still weighs it.
const HIT: &str = "
UPSERT type::record('rate_limit', [$scope, $subject, $window]) SET
    hits += 1,
    expires_at = time::now() + <duration> $ttl
RETURN VALUE hits;
SELECT VALUE hits FROM ONLY type::record('rate_limit', [$scope, $subject, $window - 1]);";

/// Counts one hit for `subject` (an IP or account key) in `scope` (e.g. "signin-ip").
/// Returns `Ok(true)` while within the limit, `Ok(false)` once it is exceeded.
pub async fn hit(
    db: &Db,
    scope: &str,
    subject: &str,
    limit: Limit,
) -> Result<bool, surrealdb::Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    hit_at(db, scope, subject, limit, now).await
}

/// Takes back one hit of `subject` in `scope`, for an attempt that turned out to be
/// legitimate: a sign-in limit is there to stop guessing, so a right password does not
/// use it up. Counting before the check and refunding after (rather than counting only
/// failures) keeps the limit whole against guesses sent all at once: each is counted
/// before any of them is judged. Never goes below zero.
pub async fn refund(
    db: &Db,
    scope: &str,
    subject: &str,
    limit: Limit,
) -> Result<(), surrealdb::Error> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    refund_at(db, scope, subject, limit, now).await
}

/// [`refund`] at `now` (time since the Unix epoch).
async fn refund_at(
    db: &Db,
    scope: &str,
    subject: &str,
    limit: Limit,
    now: Duration,
) -> Result<(), surrealdb::Error> {
    let window = (now.as_millis() / limit.window.as_millis().max(1)) as i64;
    let subject: String = subject.chars().take(200).collect();
    super::retrying(|| async {
        db.query(
            "UPDATE type::record('rate_limit', [$scope, $subject, $window])
                SET hits = math::max([hits - 1, 0]) RETURN NONE;",
        )
        .bind(("scope", scope.to_string()))
        .bind(("subject", subject.clone()))
        .bind(("window", window))
        .await?
        .check()
    })
    .await?;
    Ok(())
}

/// [`hit`] at `now` (time since the Unix epoch).
async fn hit_at(
    db: &Db,
    scope: &str,
    subject: &str,
    limit: Limit,
    now: Duration,
) -> Result<bool, surrealdb::Error> {
    let window_ms = limit.window.as_millis().max(1);
    let now_ms = now.as_millis();
    let window = (now_ms / window_ms) as i64;
    let subject: String = subject.chars().take(200).collect();
    let mut res = super::retrying(|| async {
        db.query(HIT)
            .bind(("scope", scope.to_string()))
            .bind(("subject", subject.clone()))
            .bind(("window", window))
            .bind(("ttl", format!("{}ms", window_ms * 2)))
            .await?
            .check()
    })
    .await?;
    let current: Vec<i64> = rows(&mut res, 0)?;
    let previous: Option<i64> = res.take(1)?;
    let current = current.first().copied().unwrap_or(0) as f64;
    let still_covered = 1.0 - (now_ms % window_ms) as f64 / window_ms as f64;
    let estimate = current + previous.unwrap_or(0) as f64 * still_covered;
    Ok(estimate <= f64::from(limit.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        max: 3,
        window: Duration::from_secs(600),
    };

    async fn allowed_at(db: &Db, subject: &str, secs: u64) -> bool {
        hit_at(db, "test", subject, LIMIT, Duration::from_secs(secs))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn hits_just_before_a_window_boundary_still_count_just_after_it() {
        let db = crate::db::open_for_test().await.unwrap();
        // Three hits in the last second of a window, then the fourth a second later.
        for _ in 0..3 {
            assert!(allowed_at(&db, "a", 1_199).await);
        }
        assert!(
            !allowed_at(&db, "a", 1_200).await,
            "the boundary reset the count"
        );
        // Halfway through the next window, the three weigh 1.5 and the refused hit
        // counts too: one more is still refused, then hits are allowed again once the
        // old ones have slid out.
        assert!(!allowed_at(&db, "a", 1_500).await);
        assert!(allowed_at(&db, "a", 2_400).await);
        // Another subject is counted on its own.
        assert!(allowed_at(&db, "b", 1_200).await);
    }

    #[tokio::test]
    async fn refunded_hits_do_not_count_and_a_refund_never_goes_below_zero() {
        let db = crate::db::open_for_test().await.unwrap();
        let at = Duration::from_secs(3_000);
        // Ten hits, each refunded (ten right passwords), then a refund with nothing left.
        for _ in 0..10 {
            assert!(allowed_at(&db, "c", 3_000).await);
            refund_at(&db, "test", "c", LIMIT, at).await.unwrap();
        }
        refund_at(&db, "test", "c", LIMIT, at).await.unwrap();
        refund_at(&db, "test", "never-hit", LIMIT, at)
            .await
            .unwrap();
        // The limit is still whole: three hits allowed, the fourth refused.
        for _ in 0..3 {
            assert!(allowed_at(&db, "c", 3_000).await);
        }
        assert!(!allowed_at(&db, "c", 3_000).await);
    }
}
