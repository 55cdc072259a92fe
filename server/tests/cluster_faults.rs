//! Two `rounds serve` processes against one real SurrealDB server, each killed with
//! SIGKILL once under write load and started again. The load driver sends each write to
//! one server and, when that server is gone (a refused connection, a cut response, 502 or
//! 503), sends it again to the other with the same idempotency key, as a proxy retrying
//! upstreams would. Afterwards, read straight from the database: every acknowledged post
//! and comment is stored, none twice, and the session cookie one server issued worked on
//! the other throughout.
//!
//! Both servers start at the same moment on an empty database, so the migrations race:
//! each is applied once.
//!
//! Needs the server binary `scripts/setup --for-cluster` builds (see `common::procs`).

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::procs::{Proc, free_port, start_rounds, start_surreal, surreal_bin, until};
use rand::Rng;
use reqwest::StatusCode;
use tokio::sync::Mutex;

const WRITERS: usize = 8;
/// Between one writer's writes.
const PACE: Duration = Duration::from_millis(100);
/// Per writer, under the rate limits (30 posts and 120 comments per member in 10 minutes).
const MAX_POSTS: usize = 20;
const MAX_COMMENTS: usize = 80;

/// What one writer had acknowledged: (idempotency key, id, post the comment is on).
#[derive(Default)]
struct Acked {
    posts: Vec<(String, String)>,
    comments: Vec<(String, String, String)>,
}

#[derive(Default)]
struct Tally {
    retried: AtomicUsize,
    refused: AtomicUsize,
    acknowledged: AtomicUsize,
}

/// Sends one form to server `first`, and to the other one whenever a server is not there;
/// the acknowledged id, or None when the write was refused (which the test counts).
async fn send(
    c: &reqwest::Client,
    bases: &[String; 2],
    first: usize,
    name: &str,
    form: &[(&str, String)],
    tally: &Tally,
) -> Option<String> {
    let started = Instant::now();
    let mut at = first;
    loop {
        let res = c
            .post(format!("{}/api/{name}", bases[at]))
            .form(form)
            .send()
            .await;
        // A refused connection, or a response cut short by the kill, counts as a 502.
        let (status, why) = match res {
            Ok(r) if r.status() == StatusCode::OK => match r.json::<String>().await {
                Ok(id) => {
                    tally.acknowledged.fetch_add(1, Ordering::Relaxed);
                    return Some(id);
                }
                Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()),
            },
            Ok(r) => (r.status(), r.text().await.unwrap_or_default()),
            Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()),
        };
        if ![StatusCode::BAD_GATEWAY, StatusCode::SERVICE_UNAVAILABLE].contains(&status) {
            eprintln!("{name} refused by server {at}: {status} {why}");
            tally.refused.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{name} found no server for 60 s; last, from server {at}: {status} {why}"
        );
        tally.retried.fetch_add(1, Ordering::Relaxed);
        // A server that is gone is skipped at once; a 503 (the database is away or behind)
        // asks for a pause, and a client that keeps hammering only keeps it behind.
        at = 1 - at;
        let pause = if status == StatusCode::SERVICE_UNAVAILABLE {
            2000
        } else {
            50
        };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_either_app_server_loses_and_duplicates_nothing() {
    let Some(bin) = surreal_bin() else { return };
    let dir = std::env::temp_dir().join(format!("rounds-cluster-faults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db_port = free_port();
    let ports = [free_port(), free_port()];
    let bases = ports.map(|p| format!("http://127.0.0.1:{p}"));
    let probe = common::client();
    let _surreal: Proc = start_surreal(&bin, &dir, db_port);
    until(
        &probe,
        &format!("http://127.0.0.1:{db_port}/health"),
        StatusCode::OK,
        Duration::from_secs(30),
    )
    .await;

    // Both at once, on an empty database.
    let apps: Arc<Mutex<Vec<Proc>>> = Arc::new(Mutex::new(
        ports.iter().map(|p| start_rounds(db_port, *p)).collect(),
    ));
    for b in &bases {
        until(
            &probe,
            &format!("{b}/healthz"),
            StatusCode::OK,
            Duration::from_secs(60),
        )
        .await;
    }

    // Writers sign up on server 0; the cookie it set must be honoured by server 1.
    let mut clients = Vec::new();
    for w in 0..WRITERS {
        let c = common::client();
        let handle = format!("cluster_writer_{w}");
        let res = c
            .post(format!("{}/api/sign_up", bases[0]))
            .form(&common::signup_form(&handle))
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success(),
            "sign up {handle}: {}",
            res.status()
        );
        let me: serde_json::Value = c
            .post(format!("{}/api/whoami", bases[1]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["handle"], handle,
            "server 1 did not know server 0's session"
        );
        clients.push(c);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Tally::default());
    let bases = Arc::new(bases);
    let mut writers = Vec::new();
    for (w, c) in clients.into_iter().enumerate() {
        let (stop, tally, bases) = (stop.clone(), tally.clone(), bases.clone());
        writers.push(tokio::spawn(async move {
            let mut acked = Acked::default();
            let mut seq = 0usize;
            while !stop.load(Ordering::Relaxed)
                && (acked.posts.len() < MAX_POSTS || acked.comments.len() < MAX_COMMENTS)
            {
                seq += 1;
                let key = format!("w{w}-{seq}");
                let body = format!("Cluster handover note {key}: bloods pending, review at 14:00.");
                let post_now = acked.posts.is_empty()
                    || (seq.is_multiple_of(5) && acked.posts.len() < MAX_POSTS)
                    || acked.comments.len() >= MAX_COMMENTS;
                if post_now {
                    let form = [
                        ("body", body),
                        ("visibility", "public".to_string()),
                        ("idempotency_key", key.clone()),
                    ];
                    if let Some(id) = send(&c, &bases, seq % 2, "create_post", &form, &tally).await
                    {
                        acked.posts.push((key, id));
                    }
                } else {
                    let on = acked.posts[seq % acked.posts.len()].1.clone();
                    let form = [
                        ("post", on.clone()),
                        ("parent", String::new()),
                        ("body", body),
                        ("idempotency_key", key.clone()),
                    ];
                    if let Some(id) = send(&c, &bases, seq % 2, "add_comment", &form, &tally).await
                    {
                        acked.comments.push((key, id, on));
                    }
                }
                tokio::time::sleep(PACE).await;
            }
            acked
        }));
    }

    // The load first reaches both servers (a debug server's first post loads the PHI
    // guard's word lists, which takes a while), then each server in turn: SIGKILL at a
    // random 0.5–2 s, down for half a second (as under a supervisor), started again.
    let warm = Instant::now();
    while tally.acknowledged.load(Ordering::Relaxed) < 2 * WRITERS {
        assert!(
            warm.elapsed() < Duration::from_secs(60),
            "the load never got going"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut restart_ms = Vec::new();
    for (i, base) in bases.iter().enumerate() {
        let wait = rand::thread_rng().gen_range(500..2000);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        apps.lock().await[i].kill();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let started = Instant::now();
        apps.lock().await[i] = start_rounds(db_port, ports[i]);
        until(
            &probe,
            &format!("{base}/healthz"),
            StatusCode::OK,
            Duration::from_secs(60),
        )
        .await;
        restart_ms.push(started.elapsed().as_millis());
    }
    // A little load on both servers once both are back.
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for w in writers {
        all.push(w.await.unwrap());
    }

    // The database itself, not an app server, says what is stored.
    let db = app::db::open(&format!("ws://127.0.0.1:{db_port}"), Some(("root", "root")))
        .await
        .unwrap();
    let (mut lost, mut duplicates, mut acknowledged) = (0, 0, 0);
    let mut ids = std::collections::HashSet::new();
    for (w, acked) in all.iter().enumerate() {
        let writes = acked
            .posts
            .iter()
            .map(|(k, id)| ("post", k, id, None))
            .chain(
                acked
                    .comments
                    .iter()
                    .map(|(k, id, on)| ("comment", k, id, Some(on))),
            );
        for (table, key, id, on) in writes {
            acknowledged += 1;
            assert!(ids.insert(id.clone()), "{table} id {id} acknowledged twice");
            let body = format!("Cluster handover note {key}: bloods pending, review at 14:00.");
            let mut res = db
                .query(format!(
                    "RETURN record::exists(type::record('{table}', $id));
                     RETURN count(SELECT id FROM {table} WHERE body = $body);
                     RETURN (SELECT VALUE record::id(post) FROM ONLY type::record('{table}', $id));"
                ))
                .bind(("id", id.clone()))
                .bind(("body", body))
                .await
                .unwrap();
            let exists: Option<bool> = res.take(0).unwrap();
            let copies: Option<i64> = res.take(1).unwrap();
            if exists != Some(true) {
                lost += 1;
                eprintln!("writer {w}: {table} {id} ({key}) was acknowledged but is not stored");
            }
            if copies.unwrap_or(0) > 1 {
                duplicates += 1;
                eprintln!("writer {w}: {table} {key} is stored {copies:?} times");
            }
            if let Some(on) = on {
                let post: Option<String> = res.take(2).unwrap();
                assert_eq!(post.as_ref(), Some(on), "comment {id} is on the wrong post");
            }
        }
    }
    let migrations: Vec<i64> = db
        .query("SELECT VALUE version FROM migration ORDER BY version")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let (retried, refused) = (
        tally.retried.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
    );
    println!(
        "{}",
        serde_json::json!({
            "test": "cluster_faults",
            "acknowledged": acknowledged,
            "lost": lost,
            "duplicates": duplicates,
            "retried": retried,
            "refused": refused,
            "restart_ms": restart_ms,
        })
    );
    let once: Vec<i64> = (1..=migrations.len() as i64).collect();
    assert!(
        !migrations.is_empty() && migrations == once,
        "migrations recorded as {migrations:?}: each should be there once"
    );
    assert_eq!((lost, duplicates, refused), (0, 0, 0));
    assert!(
        retried > 0,
        "no request met a killed server: the kills proved nothing"
    );
    assert!(
        acknowledged >= 50,
        "only {acknowledged} writes were acknowledged"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
