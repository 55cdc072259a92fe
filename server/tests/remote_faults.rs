//! `rounds serve` against a real SurrealDB server that is killed with SIGKILL and started
//! again on the same files: while it is down the app answers 503 with a message (never
//! hangs) and `/healthz` says so; once it is back the app reconnects by itself within 5 s,
//! the same session still works, and every write acknowledged before the kill is there.
//!
//! Needs the server binary `scripts/setup --for-cluster` builds (target/*/surreal, or
//! `ROUNDS_SURREAL_BIN`). Without it the test says so and passes, except under CI (`CI`
//! set), where a missing server is a failure.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::procs::{Proc, free_port, start_rounds, start_surreal, surreal_bin, until};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_answers_503_while_the_database_is_killed_and_reconnects_by_itself() {
    let Some(bin) = surreal_bin() else { return };
    let dir = std::env::temp_dir().join(format!("rounds-remote-faults-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (db_port, app_port) = (free_port(), free_port());
    let c = common::client();
    let db_health = format!("http://127.0.0.1:{db_port}/health");
    let mut surreal = start_surreal(&bin, &dir, db_port);
    until(&c, &db_health, StatusCode::OK, Duration::from_secs(30)).await;

    let _app: Proc = start_rounds(db_port, app_port);
    let app = common::TestServer {
        base: format!("http://127.0.0.1:{app_port}"),
        db: app::db::open_memory().await.unwrap(),
    };
    let healthz = app.url("/healthz");
    until(&c, &healthz, StatusCode::OK, Duration::from_secs(60)).await;

    // Writes acknowledged before the kill.
    assert!(app.sign_up(&c, "remote_faults").await.status().is_success());
    let mut acknowledged = Vec::new();
    for n in 0..10 {
        acknowledged.push(
            app.publish(&c, &format!("Ward round note {n}, before the outage."))
                .await,
        );
    }

    surreal.kill();
    let down = Instant::now();
    until(
        &c,
        &healthz,
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(5),
    )
    .await;
    // A page and a server function answer 503 with a message, at once.
    let started = Instant::now();
    let page = c.get(app.url("/")).send().await.unwrap();
    eprintln!(
        "page answered {} after {:?}",
        page.status(),
        started.elapsed()
    );
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers()[reqwest::header::RETRY_AFTER], "2");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("cannot reach its database")
    );
    let write = app
        .call(
            &c,
            "create_post",
            &[("body", "During the outage."), ("visibility", "public")],
        )
        .await;
    assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err: serde_json::Value = write.json().await.unwrap();
    assert_eq!(err["kind"], "Unavailable", "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "503 took {:?}",
        started.elapsed()
    );
    eprintln!("detected down after {:?}", down.elapsed());

    // Back on the same files: the app reconnects by itself.
    let _surreal = start_surreal(&bin, &dir, db_port);
    let back = Instant::now();
    until(&c, &db_health, StatusCode::OK, Duration::from_secs(30)).await;
    let db_ready = back.elapsed();
    let reconnect = until(&c, &healthz, StatusCode::OK, Duration::from_secs(20)).await;
    eprintln!("database up after {db_ready:?}; the app answered again {reconnect:?} later");
    assert!(
        reconnect <= Duration::from_secs(5),
        "reconnecting took {reconnect:?}"
    );
    // Pages come back too (the watch has seen the database), with the same session.
    until(&c, &app.url("/"), StatusCode::OK, Duration::from_secs(3)).await;
    assert_eq!(app.whoami(&c).await["handle"], "remote_faults");
    let after = app.publish(&c, "Ward round note, after the outage.").await;

    // Nothing acknowledged was lost: every post is readable.
    for id in acknowledged.iter().chain([&after]) {
        let res = c.get(app.url(&format!("/p/{id}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "post {id} after the restart");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
