//! Whether the database answers, watched once a second, so that a request made while it is
//! down gets a 503 at once instead of waiting on a connection that is not there.
//!
//! Over `ws://` the SurrealDB SDK reconnects by itself (it retries every second and signs
//! its sessions in again), but a query sent meanwhile waits for the reconnection, however
//! long that takes. The watch turns that wait into a clear answer: while the last ping
//! failed, pages and server functions answer 503 with a message (`Retry-After: 2`); a
//! request in flight when the database goes away is answered 503 as soon as a ping fails,
//! and any request is answered 503 after [`REQUEST_LIMIT`]. `/healthz` pings on its own.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use app::db::Db;

/// How long a ping may take before the database counts as down.
pub const PING_LIMIT: Duration = Duration::from_millis(1500);
/// How often the watch pings.
const EVERY: Duration = Duration::from_secs(1);
/// The longest any request may take before it is answered 503: far above every page's
/// and server function's time (the feed's p95 is tens of milliseconds), well below a
/// browser's or proxy's own timeout.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(15);

/// Up until a ping says otherwise.
#[derive(Clone)]
pub struct DbHealth(Arc<watch::Sender<bool>>);

impl Default for DbHealth {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(true)))
    }
}

impl DbHealth {
    pub fn is_up(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the database is seen down (at once if it is).
    pub async fn until_down(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|up| !up).await;
    }

    /// Records what a ping found, logging each change.
    pub fn record(&self, ping: &Result<(), String>) {
        let was = self.0.send_replace(ping.is_ok());
        match (was, ping) {
            (true, Err(e)) => tracing::error!(%e, "the database is unreachable: answering 503"),
            (false, Ok(())) => tracing::warn!("the database answers again"),
            _ => {}
        }
    }

    /// One ping: `RETURN 1` within [`PING_LIMIT`].
    pub async fn ping(db: &Db) -> Result<(), String> {
        match tokio::time::timeout(PING_LIMIT, db.query("RETURN 1")).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", PING_LIMIT.as_millis())),
        }
    }

    /// Pings `db` every second for as long as the process runs.
    pub fn watch(&self, db: Db) {
        let health = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                health.record(&Self::ping(&db).await);
            }
        });
    }
}
