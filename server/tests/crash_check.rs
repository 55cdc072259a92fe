//! The check behind `bench/crash` finds what it is there to find: after a real load it
//! reports nothing, and after one acknowledged write is removed and one counter is
//! broken, it reports exactly those. (`bench/crash` itself kills the load; CI runs it.)

#![allow(clippy::unwrap_used)]

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crash_check_counts_lost_writes_and_broken_counters() {
    let db = app::db::open_for_test().await.unwrap();
    let dir = std::env::temp_dir().join(format!("rounds-crash-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("journal");
    let _ = std::fs::remove_file(&journal);

    server::crash::load(&db, &journal, 4, Duration::from_secs(3), 9)
        .await
        .unwrap();
    let clean = server::crash::verify(&db, &journal, 0).await.unwrap();
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        clean.acknowledged > 10,
        "the load acknowledged only {}",
        clean.acknowledged
    );
    // Every line but the intents written before a reaction is toggled.
    let acks = text
        .lines()
        .filter(|l| !l.starts_with("react-try "))
        .count();
    assert_eq!(clean.acknowledged, acks);
    assert_eq!(clean.lines, text.lines().count());
    assert_eq!(
        (clean.lost, clean.duplicates, clean.invariant_violations),
        (0, 0, 0),
        "{:?}",
        clean.problems
    );

    // Lose one acknowledged post, and break one comment counter.
    let (line, post) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| l.strip_prefix("post ").map(|p| (n, p)))
        .expect("the load wrote a post");
    db.query(format!(
        "DELETE type::record('post', '{post}');
         UPDATE (SELECT VALUE id FROM post LIMIT 1) SET comment_count += 5;"
    ))
    .await
    .unwrap()
    .check()
    .unwrap();
    let broken = server::crash::verify(&db, &journal, 0).await.unwrap();
    assert!(
        broken.lost >= 1,
        "the deleted post went unnoticed: {broken:?}"
    );
    assert!(
        broken.invariant_violations >= 1,
        "the broken counter went unnoticed: {broken:?}"
    );
    // An incremental check from the lost post's line still finds it; one that starts past
    // every line checks no write, but the invariants always cover the whole store.
    let from_line = server::crash::verify(&db, &journal, line).await.unwrap();
    assert!(from_line.lost >= 1, "{from_line:?}");
    let past = server::crash::verify(&db, &journal, clean.lines)
        .await
        .unwrap();
    assert_eq!(past.lost, 0, "{past:?}");
    assert_eq!(past.acknowledged, clean.acknowledged);
    assert!(past.invariant_violations >= 1, "{past:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
