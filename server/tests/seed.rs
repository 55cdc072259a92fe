//! The demo seeder: deterministic for a seed, valid under the schema.

#![allow(clippy::unwrap_used)]

use app::db::Db;
use server::seed::{self, SeedOptions};

async fn handles(db: &Db) -> Vec<String> {
    let mut res = db
        .query("SELECT VALUE handle FROM member ORDER BY handle")
        .await
        .unwrap();
    res.take(0).unwrap()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_members_and_another_seed_does_not() {
    let (a, b, c) = (
        app::db::open_memory().await.unwrap(),
        app::db::open_memory().await.unwrap(),
        app::db::open_memory().await.unwrap(),
    );
    let report = seed::run(
        &a,
        SeedOptions {
            members: 40,
            seed: 1,
        },
    )
    .await
    .unwrap();
    seed::run(
        &b,
        SeedOptions {
            members: 40,
            seed: 1,
        },
    )
    .await
    .unwrap();
    seed::run(
        &c,
        SeedOptions {
            members: 40,
            seed: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.members, 43);
    assert_eq!(handles(&a).await.len(), 43);
    let names = |db: Db| async move {
        let mut res = db
            .query("SELECT VALUE display_name FROM member ORDER BY handle")
            .await
            .unwrap();
        res.take::<Vec<String>>(0).unwrap()
    };
    assert_eq!(names(a.clone()).await, names(b).await);
    assert_ne!(names(a.clone()).await, names(c).await);

    // Demo accounts can sign in with the documented password.
    let m = app::domain::accounts::verify_credentials(&a, "ada.okafor", seed::DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(m.handle, "ada.okafor");
}

#[tokio::test]
async fn demo_data_loads_only_into_an_empty_database() {
    let db = app::db::open_memory().await.unwrap();
    assert!(seed::demo_if_empty(&db).await.unwrap().is_some());
    let before = handles(&db).await.len();
    assert!(seed::demo_if_empty(&db).await.unwrap().is_none());
    assert_eq!(handles(&db).await.len(), before);
}
