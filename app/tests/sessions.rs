//! Sessions: creation, lookup, expiry, sign-out; the rate limiter; migrations.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use app::db::migrations;
use app::domain::rate_limit::{self, Limit};
use app::domain::sessions;
use common::{fresh_db, member};

#[tokio::test]
async fn a_session_token_finds_its_member_until_deleted() {
    let db = fresh_db().await;
    let m = member(&db, "ben", "patient").await;
    let s = sessions::create(&db, &m.id, Duration::from_secs(3600), "test-agent")
        .await
        .unwrap();
    assert!(s.token.len() >= 43, "256-bit token");
    let found = sessions::lookup(&db, &s.token)
        .await
        .unwrap()
        .expect("live session");
    assert_eq!(found.handle, "ben");

    sessions::delete(&db, &s.token).await.unwrap();
    assert!(
        sessions::lookup(&db, &s.token).await.unwrap().is_none(),
        "sign-out invalidates"
    );
}

#[tokio::test]
async fn the_database_stores_only_a_hash_of_the_token() {
    let db = fresh_db().await;
    let m = member(&db, "carmen", "patient").await;
    let s = sessions::create(&db, &m.id, Duration::from_secs(3600), "")
        .await
        .unwrap();
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM session")
        .await
        .unwrap();
    let ids: Vec<String> = res.take(0).unwrap();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], s.token);
    assert_eq!(ids[0].len(), 64, "sha-256 hex");
}

#[tokio::test]
async fn an_expired_session_is_not_accepted_and_is_purged() {
    let db = fresh_db().await;
    let m = member(&db, "dario", "patient").await;
    let s = sessions::create(&db, &m.id, Duration::ZERO, "")
        .await
        .unwrap();
    assert!(sessions::lookup(&db, &s.token).await.unwrap().is_none());
    sessions::purge_expired(&db).await.unwrap();
    assert_eq!(common::count(&db, "session").await, 0, "purged");
}

#[tokio::test]
async fn each_sign_in_gets_a_new_token_and_garbage_tokens_find_nothing() {
    let db = fresh_db().await;
    let m = member(&db, "elif", "patient").await;
    let a = sessions::create(&db, &m.id, Duration::from_secs(60), "")
        .await
        .unwrap();
    let b = sessions::create(&db, &m.id, Duration::from_secs(60), "")
        .await
        .unwrap();
    assert_ne!(a.token, b.token);
    for junk in ["", "x", "' OR 1=1 --", &"a".repeat(500)] {
        assert!(sessions::lookup(&db, junk).await.unwrap().is_none());
    }
    sessions::delete_all_for(&db, &m.id).await.unwrap();
    assert!(sessions::lookup(&db, &a.token).await.unwrap().is_none());
    assert!(sessions::lookup(&db, &b.token).await.unwrap().is_none());
}

#[tokio::test]
async fn the_rate_limiter_allows_max_hits_per_window_per_subject() {
    let db = fresh_db().await;
    let limit = Limit {
        max: 3,
        window: Duration::from_secs(3600),
    };
    for _ in 0..3 {
        assert!(
            rate_limit::hit(&db, "signin-ip", "10.0.0.1", limit)
                .await
                .unwrap()
        );
    }
    assert!(
        !rate_limit::hit(&db, "signin-ip", "10.0.0.1", limit)
            .await
            .unwrap()
    );
    assert!(
        rate_limit::hit(&db, "signin-ip", "10.0.0.2", limit)
            .await
            .unwrap(),
        "other subjects unaffected"
    );
    assert!(
        rate_limit::hit(&db, "signup-ip", "10.0.0.1", limit)
            .await
            .unwrap(),
        "other scopes unaffected"
    );
}

#[tokio::test]
async fn migrations_are_recorded_and_applying_again_does_nothing() {
    let db = fresh_db().await;
    let applied = migrations::applied(&db).await.unwrap();
    assert_eq!(
        applied,
        migrations::MIGRATIONS
            .iter()
            .map(|m| m.version)
            .collect::<Vec<_>>()
    );
    assert_eq!(migrations::apply(&db).await.unwrap(), 0);
    assert_eq!(migrations::applied(&db).await.unwrap(), applied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_hits_on_one_limit_all_count_and_none_fails() {
    use app::domain::rate_limit::{self, Limit};
    let db = common::fresh_db().await;
    let limit = Limit {
        max: 1000,
        window: std::time::Duration::from_secs(600),
    };
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { rate_limit::hit(&db, "probe", "10.0.0.1", limit).await })
        })
        .collect();
    for t in tasks {
        assert!(
            t.await.unwrap().unwrap(),
            "a concurrent hit fails or is refused"
        );
    }
    let mut res = db.query("SELECT VALUE hits FROM rate_limit").await.unwrap();
    let hits: Vec<i64> = res.take(0).unwrap();
    assert_eq!(hits, vec![40], "every hit counted once");
}
