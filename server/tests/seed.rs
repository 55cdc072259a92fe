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
        app::db::open_for_test().await.unwrap(),
        app::db::open_for_test().await.unwrap(),
        app::db::open_for_test().await.unwrap(),
    );
    let report = seed::run(
        &a,
        SeedOptions {
            members: 40,
            posts: 120,
            seed: 1,
        },
    )
    .await
    .unwrap();
    seed::run(
        &b,
        SeedOptions {
            members: 40,
            posts: 120,
            seed: 1,
        },
    )
    .await
    .unwrap();
    seed::run(
        &c,
        SeedOptions {
            members: 40,
            posts: 120,
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
    let db = app::db::open_for_test().await.unwrap();
    assert!(seed::demo_if_empty(&db).await.unwrap().is_some());
    let before = handles(&db).await.len();
    assert!(seed::demo_if_empty(&db).await.unwrap().is_none());
    assert_eq!(handles(&db).await.len(), before);
}

/// Two app servers started with `--demo` at the same moment against one database: the
/// demo is loaded by one of them, once.
#[tokio::test]
async fn servers_starting_together_load_the_demo_once() {
    let db = app::db::open_for_test().await.unwrap();
    let (a, b) = tokio::join!(seed::demo_if_empty(&db), seed::demo_if_empty(&db));
    let loaded = [a.unwrap(), b.unwrap()];
    assert_eq!(
        loaded.iter().filter(|r| r.is_some()).count(),
        1,
        "{loaded:?}"
    );
    let alone = app::db::open_for_test().await.unwrap();
    seed::demo_if_empty(&alone).await.unwrap();
    assert_eq!(handles(&db).await.len(), handles(&alone).await.len());
}

#[tokio::test]
async fn seeded_posts_are_consistent_and_reach_feeds() {
    use app::domain::{feed, viewer::Viewer};
    use app::model::MemberId;
    let db = app::db::open_for_test().await.unwrap();
    let report = seed::run(
        &db,
        SeedOptions {
            members: 60,
            posts: 400,
            seed: 3,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.content.posts, 400);
    assert!(report.content.communities >= 10);
    let mut res = db
        .query(
            "RETURN array::len((SELECT id FROM post));
             RETURN math::sum((SELECT VALUE like_count + insightful_count + support_count FROM post));
             RETURN array::len((SELECT id FROM reaction));
             RETURN math::sum((SELECT VALUE comment_count FROM post));
             RETURN array::len((SELECT id FROM comment));
             RETURN array::len((SELECT id FROM post WHERE community != NONE AND visibility = 'public' AND community.access != 'open'));
             RETURN array::len((SELECT id FROM member WHERE last_post_rank != NONE));",
        )
        .await
        .unwrap();
    let n: Vec<Option<i64>> = (0..7).map(|i| res.take(i).unwrap()).collect();
    assert_eq!(n[0], Some(400));
    assert_eq!(n[1], n[2], "reaction counts match reaction records");
    assert_eq!(n[3], n[4], "comment counts match comments");
    assert_eq!(n[5], Some(0), "no public posts in closed communities");
    assert!(
        n[6].unwrap_or(0) > 10,
        "authors carry their newest-post rank"
    );
    // The demo professional sees a full first page in the feed.
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM member WHERE handle = 'ada.okafor'")
        .await
        .unwrap();
    let ada: Vec<String> = res.take(0).unwrap();
    let ada = ada.first().cloned().map(MemberId::from);
    let v = Viewer::load(&db, ada.as_ref(), true).await.unwrap();
    let page = feed::feed(&db, &v, None, 20).await.unwrap();
    assert_eq!(page.items.len(), 20);
    assert!(page.next.is_some());
}
