//! The embedded store's sync mode, as the storage engine reports it when it starts: every
//! commit is synced to disk before it is acknowledged.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Collects what the storage engine logs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn take(&self) -> String {
        String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
    }
}

#[tokio::test]
async fn the_embedded_store_syncs_every_commit_unless_told_otherwise() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let dir = std::env::temp_dir().join(format!("rounds-durability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);

    // What `rounds serve` opens by default, and any surrealkv:// string without a mode.
    let url = format!("surrealkv://{}", dir.join("default").display());
    assert_eq!(app::db::durable(&url), format!("{url}?sync=every"));
    let db = app::db::open(&url, None).await.unwrap();
    db.query("CREATE probe:one SET at = time::now()")
        .await
        .unwrap();
    let started = log.take();
    assert!(
        started.contains("Sync mode: every transaction commit"),
        "the store did not report syncing every commit:\n{started}"
    );
    drop(db);

    // The mode is the connection string's to name (a bench may choose), and the engine
    // honours it: this test would see a changed default.
    let url = format!("surrealkv://{}?sync=never", dir.join("never").display());
    assert_eq!(app::db::durable(&url), url);
    let _db = app::db::open(&url, None).await.unwrap();
    let started = log.take();
    assert!(started.contains("Sync mode: never"), "{started}");
    let _ = std::fs::remove_dir_all(&dir);
}
