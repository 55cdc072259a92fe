//! Posts, comments, reactions and feeds on a real SurrealDB (mem://).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use app::db::Db;
use app::domain::accounts::MemberRow;
use app::domain::graph;
use app::domain::posts::{self, PostError};
use app::domain::sessions;
use app::domain::viewer::Viewer;
use app::domain::{feed, timeline};
use app::model::{GraphOp, MemberId, PostId, ReactionKind, Role, Visibility};
use common::{connect, fresh_db, join, member, new_community, post, viewer};

/// The ids of a page's posts, in order.
fn page_ids(page: &app::model::PostPage) -> Vec<PostId> {
    page.items.iter().map(|i| i.id.clone()).collect()
}

/// The member row of a real session: what the home feed's server function starts from
/// (it carries the verified and moderator flags, so the feed does not read them again).
async fn session_member(db: &Db, id: &MemberId) -> MemberRow {
    let issued = sessions::create(db, id, Duration::from_secs(60), "test")
        .await
        .unwrap();
    sessions::lookup(db, &issued.token)
        .await
        .unwrap()
        .expect("the session finds its member")
}

/// The home feed as the server reads it: a lean viewer and the stored timeline from one
/// statement.
async fn home_feed(db: &Db, id: &MemberId) -> app::model::PostPage {
    feed::home_feed(db, &session_member(db, id).await, None, 20)
        .await
        .unwrap()
}

fn bodies(items: &[app::model::PostView]) -> Vec<String> {
    items
        .iter()
        .map(|p| {
            p.html
                .replace("<p>", "")
                .replace("</p>", "")
                .trim()
                .to_string()
        })
        .collect()
}

/// Each viewer kind × each visibility × each read path.
#[tokio::test]
async fn the_visibility_matrix_holds_on_every_read_path() {
    let db = fresh_db().await;
    let author = member(&db, "vis.author", "professional").await.id;
    let follower = member(&db, "vis.follower", "patient").await.id;
    let connection = member(&db, "vis.connection", "professional").await.id;
    let insider = member(&db, "vis.insider", "patient").await.id;
    let verified = member(&db, "vis.verified", "professional").await.id;
    let stranger = member(&db, "vis.stranger", "professional").await.id;
    db.query("UPDATE type::record('member', $id) SET verified = true")
        .bind(("id", verified.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    graph::apply(&db, &follower, &author, GraphOp::Follow, "")
        .await
        .unwrap();
    connect(&db, &connection, &author).await;
    let club = new_community(&db, &author, "vis-club", "condition", "open").await;
    join(&db, &insider, Role::Patient, "vis-club")
        .await
        .unwrap();

    let ids = [
        (
            Visibility::Public,
            post(&db, &author, "public", "public", None).await,
        ),
        (
            Visibility::Connections,
            post(&db, &author, "connections", "connections", None).await,
        ),
        (
            Visibility::Community,
            post(&db, &author, "community", "community", Some(&club)).await,
        ),
        (
            Visibility::Verified,
            post(&db, &author, "verified", "verified", None).await,
        ),
    ];
    // Also follow the author so the feed path applies to every signed-in viewer.
    for v in [&connection, &insider, &verified, &stranger] {
        graph::apply(&db, v, &author, GraphOp::Follow, "")
            .await
            .unwrap();
    }
    for (i, (_, id)) in ids.iter().enumerate() {
        common::comment(
            &db,
            &viewer(&db, Some(&author)).await,
            id,
            None,
            &format!("comment {i}"),
            false,
        )
        .await
        .unwrap();
    }

    let cases: [(&str, Option<&MemberId>, [bool; 4]); 7] = [
        ("signed out", None, [true, false, false, false]),
        ("stranger", Some(&stranger), [true, false, false, false]),
        ("follower", Some(&follower), [true, false, false, false]),
        ("connection", Some(&connection), [true, true, false, false]),
        (
            "community member",
            Some(&insider),
            [true, false, true, false],
        ),
        (
            "verified professional",
            Some(&verified),
            [true, false, false, true],
        ),
        ("author", Some(&author), [true, true, true, true]),
    ];
    for (who, id, expected) in cases {
        let v = viewer(&db, id).await;
        let profile = posts::by_author(&db, &v, &author, None, 20).await.unwrap();
        let community = posts::by_community(&db, &v, &club, None, 20).await.unwrap();
        let feed = feed::feed(&db, &v, None, 20).await.unwrap();
        if let Some(id) = id {
            // The home feed's server function reads with a lean viewer.
            let lean_feed = home_feed(&db, id).await;
            assert_eq!(
                page_ids(&lean_feed),
                page_ids(&feed),
                "{who}: lean and full feeds agree"
            );
        }
        // The post page, a profile's and a community's posts read with a lean viewer.
        let lean = match id {
            Some(id) => Viewer::load_lean(&db, &session_member(&db, id).await)
                .await
                .unwrap(),
            None => Viewer::anonymous(),
        };
        let lean_profile = posts::by_author(&db, &lean, &author, None, 20)
            .await
            .unwrap();
        assert_eq!(
            page_ids(&lean_profile),
            page_ids(&profile),
            "{who}: lean and full profiles agree"
        );
        let lean_community = posts::by_community(&db, &lean, &club, None, 20)
            .await
            .unwrap();
        assert_eq!(
            page_ids(&lean_community),
            page_ids(&community),
            "{who}: lean and full community pages agree"
        );
        for ((vis, pid), may) in ids.iter().zip(expected) {
            let page = posts::thread(&db, &lean, pid).await;
            assert_eq!(
                page.is_ok(),
                may,
                "{who} on the post page of a {vis:?} post"
            );
            let single = posts::get(&db, &v, pid).await;
            assert_eq!(single.is_ok(), may, "{who} reading /p/ of a {vis:?} post");
            if !may {
                assert!(
                    matches!(single, Err(PostError::NotFound)),
                    "{who}: invisible looks missing"
                );
            }
            let thread = posts::thread(&db, &v, pid).await;
            assert_eq!(thread.is_ok(), may, "{who}: comments of a {vis:?} post");
            if may {
                let comments = thread.unwrap().comments;
                assert!(
                    comments.iter().any(|c| c.html.contains("comment")),
                    "{who} sees the thread"
                );
            }
            assert_eq!(
                profile.items.iter().any(|p| &p.id == pid),
                may,
                "{who} on the profile, {vis:?}"
            );
            if *vis == Visibility::Community {
                assert_eq!(
                    community.items.iter().any(|p| &p.id == pid),
                    may,
                    "{who} in the community"
                );
            }
            if id.is_some() {
                assert_eq!(
                    feed.items.iter().any(|p| &p.id == pid),
                    may,
                    "{who} in the feed, {vis:?}"
                );
            }
            if id.is_some() {
                let reacted = posts::react(&db, &v, pid, ReactionKind::Like).await;
                assert_eq!(reacted.is_ok(), may, "{who} reacting to a {vis:?} post");
                let commented = common::comment(&db, &v, pid, None, "hello", false).await;
                assert_eq!(commented.is_ok(), may, "{who} commenting on a {vis:?} post");
            }
        }
        if id.is_none() {
            assert!(feed.items.is_empty(), "signed-out visitors have no feed");
        }
    }
    // The landing page shows public posts only.
    let highlights = posts::public_highlights(&db, 10).await.unwrap();
    assert_eq!(bodies(&highlights), vec!["public"]);
}

#[tokio::test]
async fn a_block_hides_posts_both_ways_and_a_mute_only_from_feeds() {
    let db = fresh_db().await;
    let a = member(&db, "blk.author", "professional").await.id;
    let b = member(&db, "blk.reader", "professional").await.id;
    let m = member(&db, "blk.muted", "professional").await.id;
    graph::apply(&db, &b, &a, GraphOp::Follow, "")
        .await
        .unwrap();
    graph::apply(&db, &b, &m, GraphOp::Follow, "")
        .await
        .unwrap();
    let pa = post(&db, &a, "from a", "public", None).await;
    let pm = post(&db, &m, "from muted", "public", None).await;
    graph::apply(&db, &b, &m, GraphOp::Mute, "").await.unwrap();
    let v = viewer(&db, Some(&b)).await;
    let feed = feed::feed(&db, &v, None, 20).await.unwrap();
    assert_eq!(bodies(&feed.items), vec!["from a"]);
    // Muted: gone from the feed, still readable when opened.
    assert!(posts::get(&db, &v, &pm).await.is_ok());

    graph::apply(&db, &a, &b, GraphOp::Block, "").await.unwrap();
    let v = viewer(&db, Some(&b)).await;
    assert!(matches!(
        posts::get(&db, &v, &pa).await,
        Err(PostError::NotFound)
    ));
    assert!(
        posts::by_author(&db, &v, &a, None, 20)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let va = viewer(&db, Some(&a)).await;
    let pb = post(&db, &b, "from b", "public", None).await;
    assert!(matches!(
        posts::get(&db, &va, &pb).await,
        Err(PostError::NotFound)
    ));
}

#[tokio::test]
async fn the_feed_merges_sources_newest_first_and_pages_stably_while_posts_arrive() {
    let db = fresh_db().await;
    let me = member(&db, "feed.me", "professional").await.id;
    let mut authors = Vec::new();
    for i in 0..4 {
        let a = member(&db, &format!("feed.author{i}"), "professional")
            .await
            .id;
        graph::apply(&db, &me, &a, GraphOp::Follow, "")
            .await
            .unwrap();
        authors.push(a);
    }
    let outsider = member(&db, "feed.outsider", "professional").await.id;
    let mut expected = Vec::new();
    for n in 0..23 {
        let a = &authors[n % 4];
        post(&db, a, &format!("post {n}"), "public", None).await;
        expected.push(format!("post {n}"));
        post(&db, &outsider, &format!("noise {n}"), "public", None).await;
    }
    expected.reverse();
    let v = viewer(&db, Some(&me)).await;
    let first = feed::feed(&db, &v, None, 10).await.unwrap();
    assert_eq!(bodies(&first.items), expected[..10].to_vec());
    // New posts arrive between page loads; the next pages neither repeat nor skip.
    post(&db, &authors[0], "late arrival", "public", None).await;
    let second = feed::feed(&db, &v, first.next.as_deref(), 10)
        .await
        .unwrap();
    assert_eq!(bodies(&second.items), expected[10..20].to_vec());
    let third = feed::feed(&db, &v, second.next.as_deref(), 10)
        .await
        .unwrap();
    assert_eq!(bodies(&third.items), expected[20..].to_vec());
    assert!(third.next.is_none());
    // The live merge has it at once; the materialized timeline within its one-minute
    // refresh (forced here by ageing it), and the member's own post immediately.
    let live = feed::merge(&db, &v, None, 10).await.unwrap();
    assert_eq!(bodies(&live.items)[0], "late arrival");
    db.query("UPDATE type::record('timeline', $me) SET computed_at = time::now() - 2m")
        .bind(("me", me.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let _stale = feed::feed(&db, &v, None, 10).await.unwrap();
    let mut refreshed = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = feed::feed(&db, &v, None, 10).await.unwrap();
        if bodies(&now.items)[0] == "late arrival" {
            refreshed = true;
            break;
        }
    }
    assert!(refreshed, "the timeline refreshed in the background");
    post(&db, &me, "my own news", "connections", None).await;
    let mine = feed::feed(&db, &v, None, 10).await.unwrap();
    assert_eq!(bodies(&mine.items)[0], "my own news");
    // Unfollowing rebuilds the timeline without that author.
    graph::apply(&db, &me, &authors[0], GraphOp::Unfollow, "")
        .await
        .unwrap();
    let v = viewer(&db, Some(&me)).await;
    let after = feed::feed(&db, &v, None, 30).await.unwrap();
    assert!(!bodies(&after.items).contains(&"late arrival".to_string()));
}

#[tokio::test]
async fn a_member_back_after_months_still_gets_a_full_first_page() {
    let db = fresh_db().await;
    let me = member(&db, "away.me", "professional").await.id;
    let quiet = member(&db, "away.quiet", "professional").await.id;
    let busy = member(&db, "away.busy", "professional").await.id;
    graph::apply(&db, &me, &quiet, GraphOp::Follow, "")
        .await
        .unwrap();
    for i in 0..15 {
        post(&db, &quiet, &format!("old {i}"), "public", None).await;
    }
    // Months of other people's posts the member does not follow.
    for i in 0..40 {
        post(&db, &busy, &format!("busy {i}"), "public", None).await;
    }
    let v = viewer(&db, Some(&me)).await;
    let feed = feed::feed(&db, &v, None, 10).await.unwrap();
    assert_eq!(feed.items.len(), 10);
    assert!(feed.items.iter().all(|p| p.html.contains("old")));
}

#[tokio::test]
async fn a_lean_viewer_sees_in_the_feed_exactly_what_a_full_one_does_even_from_a_stale_timeline() {
    let db = fresh_db().await;
    let me = member(&db, "lean.me", "professional").await.id;
    let friend = member(&db, "lean.friend", "professional").await.id;
    let followed = member(&db, "lean.followed", "professional").await.id;
    connect(&db, &me, &friend).await;
    graph::apply(&db, &me, &followed, GraphOp::Follow, "")
        .await
        .unwrap();
    connect(&db, &friend, &followed).await;
    for vis in ["public", "connections", "verified"] {
        post(&db, &friend, &format!("friend {vis}"), vis, None).await;
        post(&db, &followed, &format!("followed {vis}"), vis, None).await;
    }
    let full = feed::feed(&db, &viewer(&db, Some(&me)).await, None, 20)
        .await
        .unwrap();
    let lean_viewer = Viewer::load_lean(&db, &session_member(&db, &me).await)
        .await
        .unwrap();
    assert!(
        lean_viewer.connections.is_empty(),
        "no connection list read"
    );
    let lean = home_feed(&db, &me).await;
    assert_eq!(page_ids(&lean), page_ids(&full));
    let mut shown = bodies(&lean.items);
    shown.sort();
    assert_eq!(
        shown,
        ["followed public", "friend connections", "friend public"]
    );
    // The connection ends behind the timeline's back (no rebuild): the stored entry is
    // re-checked against the database, not against what the timeline was built from.
    db.query("DELETE connected WHERE in = type::record('member', $a) AND out = type::record('member', $b)")
        .bind(("a", me.clone()))
        .bind(("b", friend.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let lean = home_feed(&db, &me).await;
    let mut shown = bodies(&lean.items);
    shown.sort();
    assert_eq!(shown, ["followed public", "friend public"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_of_one_feed_at_once_all_succeed_while_its_timeline_is_rebuilt() {
    let db = fresh_db().await;
    let me = member(&db, "many.tabs", "professional").await.id;
    let other = member(&db, "many.other", "professional").await.id;
    graph::apply(&db, &me, &other, GraphOp::Follow, "")
        .await
        .unwrap();
    for i in 0..12 {
        post(&db, &other, &format!("tab {i}"), "public", None).await;
    }
    let v = viewer(&db, Some(&me)).await;
    // A page, its service worker's background copy and another tab: every read rebuilds
    // the missing timeline, and their writes of it collide.
    for round in 0..5 {
        timeline::forget(&db, &me).await.unwrap();
        let reads = (0..8).map(|_| {
            let (db, v) = (db.clone(), v.clone());
            tokio::spawn(async move { feed::feed(&db, &v, None, 10).await })
        });
        for (i, page) in futures::future::join_all(reads)
            .await
            .into_iter()
            .enumerate()
        {
            let page = page
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}, read {i}: {e}"));
            assert_eq!(page.items.len(), 10);
            assert!(page.items[0].html.contains("tab 11"));
        }
    }
}

#[tokio::test]
async fn only_the_author_edits_or_deletes_and_deleted_posts_keep_their_replies() {
    let db = fresh_db().await;
    let a = member(&db, "ed.author", "professional").await.id;
    let b = member(&db, "ed.other", "professional").await.id;
    let id = post(&db, &a, "first version", "public", None).await;
    assert!(matches!(
        posts::edit(&db, &b, &id, "hijack", "", false).await,
        Err(PostError::NotAuthor)
    ));
    assert!(matches!(
        posts::delete(&db, &b, &id).await,
        Err(PostError::NotAuthor)
    ));
    posts::edit(&db, &a, &id, "second *version*", "PMID 33301246", false)
        .await
        .unwrap();
    let vb = viewer(&db, Some(&b)).await;
    let p = posts::get(&db, &vb, &id).await.unwrap();
    assert!(p.html.contains("<em>version</em>"));
    assert!(p.edited_at.is_some(), "marked edited");
    assert_eq!(p.citations.len(), 1);
    let comment = common::comment(&db, &vb, &id, None, "a reply", false)
        .await
        .unwrap();
    common::comment(&db, &vb, &id, Some(&comment), "a nested reply", false)
        .await
        .unwrap();

    posts::delete(&db, &a, &id).await.unwrap();
    let thread = posts::thread(&db, &vb, &id).await.unwrap();
    assert!(thread.post.deleted && thread.post.author.is_none() && thread.post.html.is_empty());
    assert_eq!(thread.comments.len(), 1);
    assert_eq!(thread.comments[0].replies.len(), 1);
    assert!(
        posts::by_author(&db, &vb, &a, None, 20)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        common::comment(&db, &vb, &id, None, "late", false)
            .await
            .is_err()
    );
    assert!(
        posts::edit(&db, &a, &id, "undead", "", false)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn replies_go_one_level_deep_and_comment_deletion_is_the_authors() {
    let db = fresh_db().await;
    let a = member(&db, "cm.author", "professional").await.id;
    let b = member(&db, "cm.other", "professional").await.id;
    let id = post(&db, &a, "discuss", "public", None).await;
    let other = post(&db, &a, "elsewhere", "public", None).await;
    let vb = viewer(&db, Some(&b)).await;
    let top = common::comment(&db, &vb, &id, None, "top", false)
        .await
        .unwrap();
    let reply = common::comment(&db, &vb, &id, Some(&top), "reply", false)
        .await
        .unwrap();
    assert!(
        common::comment(&db, &vb, &id, Some(&reply), "too deep", false)
            .await
            .is_err()
    );
    assert!(
        common::comment(&db, &vb, &other, Some(&top), "wrong post", false)
            .await
            .is_err()
    );
    assert!(matches!(
        posts::delete_comment(&db, &a, &top).await,
        Err(PostError::NotAuthor)
    ));
    posts::delete_comment(&db, &b, &reply).await.unwrap();
    let p = posts::get(&db, &vb, &id).await.unwrap();
    assert_eq!(p.comment_count, 1);
}

#[tokio::test]
async fn reactions_toggle_once_per_kind_even_when_submitted_twice_at_once() {
    let db = fresh_db().await;
    let a = member(&db, "re.author", "professional").await.id;
    let b = member(&db, "re.reader", "professional").await.id;
    let id = post(&db, &a, "react", "public", None).await;
    let vb = viewer(&db, Some(&b)).await;
    let r = posts::react(&db, &vb, &id, ReactionKind::Insightful)
        .await
        .unwrap();
    assert_eq!((r.insightful, r.mine_insightful), (1, true));
    let r = posts::react(&db, &vb, &id, ReactionKind::Like)
        .await
        .unwrap();
    assert_eq!((r.like, r.insightful), (1, 1));
    let r = posts::react(&db, &vb, &id, ReactionKind::Insightful)
        .await
        .unwrap();
    assert_eq!((r.insightful, r.mine_insightful), (0, false));
    // Two toggles at once end where two toggles in a row would: no reaction, count 0.
    let (x, y) = tokio::join!(
        posts::react(&db, &vb, &id, ReactionKind::Support),
        posts::react(&db, &vb, &id, ReactionKind::Support),
    );
    x.unwrap();
    y.unwrap();
    let p = posts::get(&db, &vb, &id).await.unwrap();
    let stored = common::count(&db, "reaction").await;
    assert_eq!(
        p.reactions.support as i64,
        stored - 1,
        "count matches the records"
    );
}

/// An edit, a comment's deletion and readers' reactions all write the same post record;
/// at once (on several threads) they conflict in SurrealDB's optimistic transactions and
/// each is retried, so every one succeeds and the counters end exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edit_a_deleted_comment_and_reactions_at_once_all_succeed() {
    let db = fresh_db().await;
    let a = member(&db, "busy.author", "professional").await.id;
    let id = post(&db, &a, "first words", "public", None).await;
    let va = viewer(&db, Some(&a)).await;
    let comment = common::comment(&db, &va, &id, None, "a thought", false)
        .await
        .unwrap();
    let mut readers = Vec::new();
    for i in 0..12 {
        let m = member(&db, &format!("busy.r{i}"), "professional").await.id;
        readers.push(viewer(&db, Some(&m)).await);
    }
    let mut tasks = Vec::new();
    for v in readers {
        let (db, id) = (db.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            posts::react(&db, &v, &id, ReactionKind::Like)
                .await
                .map(drop)
        }));
    }
    let (db2, a2, id2) = (db.clone(), a.clone(), id.clone());
    tasks.push(tokio::spawn(async move {
        posts::edit(&db2, &a2, &id2, "second words", "", false).await
    }));
    let (db3, a3) = (db.clone(), a.clone());
    tasks.push(tokio::spawn(async move {
        posts::delete_comment(&db3, &a3, &comment).await.map(drop)
    }));
    for done in futures::future::join_all(tasks).await {
        done.unwrap().unwrap();
    }
    let p = posts::get(&db, &va, &id).await.unwrap();
    assert_eq!(p.reactions.like, 12);
    assert_eq!(p.comment_count, 0);
    assert!(p.html.contains("second words"));
}

#[tokio::test]
async fn each_reader_sees_their_own_reactions_marked_on_every_read_path() {
    let db = fresh_db().await;
    let a = member(&db, "mine.author", "professional").await.id;
    let b = member(&db, "mine.reader", "professional").await.id;
    let c = member(&db, "mine.other", "professional").await.id;
    graph::apply(&db, &b, &a, GraphOp::Follow, "")
        .await
        .unwrap();
    let community = new_community(&db, &a, "mine-club", "general", "open").await;
    let id = post(&db, &a, "react to me", "public", None).await;
    let pin = post(&db, &a, "pinned one", "public", Some(&community)).await;
    posts::set_pinned(&db, &pin, &community, true)
        .await
        .unwrap();
    let vb = viewer(&db, Some(&b)).await;
    for (post_id, kind) in [
        (&id, ReactionKind::Like),
        (&id, ReactionKind::Support),
        (&pin, ReactionKind::Insightful),
    ] {
        posts::react(&db, &vb, post_id, kind).await.unwrap();
    }
    let marks = |r: &app::model::Reactions| (r.mine_like, r.mine_insightful, r.mine_support);
    let on_post = (true, false, true);
    let on_pin = (false, true, false);
    // The single post, the profile, the home feed and the community's pinned posts.
    let got = posts::get(&db, &vb, &id).await.unwrap();
    assert_eq!((got.reactions.like, got.reactions.support), (1, 1));
    assert_eq!(marks(&got.reactions), on_post);
    let profile = posts::by_author(&db, &vb, &a, None, 20).await.unwrap();
    let by_body = |page: &[app::model::PostView], body: &str| {
        page.iter()
            .find(|p| p.html.contains(body))
            .map(|p| marks(&p.reactions))
    };
    assert_eq!(by_body(&profile.items, "react to me"), Some(on_post));
    assert_eq!(by_body(&profile.items, "pinned one"), Some(on_pin));
    let feed = home_feed(&db, &b).await;
    assert_eq!(by_body(&feed.items, "react to me"), Some(on_post));
    let pinned = posts::pinned(&db, &vb, &community).await.unwrap();
    assert_eq!(by_body(&pinned, "pinned one"), Some(on_pin));
    // Someone else, and a signed-out visitor, see the counts but no marks of theirs.
    for other in [viewer(&db, Some(&c)).await, Viewer::anonymous()] {
        let got = posts::get(&db, &other, &id).await.unwrap();
        assert_eq!((got.reactions.like, got.reactions.support), (1, 1));
        assert_eq!(marks(&got.reactions), (false, false, false));
        let pinned = posts::pinned(&db, &other, &community).await.unwrap();
        assert_eq!(by_body(&pinned, "pinned one"), Some((false, false, false)));
    }
    // A post that does not exist is still not found.
    assert!(matches!(
        posts::get(&db, &vb, &PostId::from("no-such-post")).await,
        Err(PostError::NotFound)
    ));
}

/// A full viewer's connection list (the feed, reactions, comments, reports) counts only
/// accepted connections: a request either way, still pending, opens no connections-only
/// post until it is accepted.
#[tokio::test]
async fn a_pending_request_opens_no_connections_only_post_to_a_full_viewer() {
    let db = fresh_db().await;
    let author = member(&db, "pend.author", "professional").await.id;
    let asker = member(&db, "pend.asker", "professional").await.id;
    let asked = member(&db, "pend.asked", "professional").await.id;
    let private = post(&db, &author, "between colleagues", "connections", None).await;
    graph::apply(&db, &asker, &author, GraphOp::Connect, "")
        .await
        .unwrap();
    graph::apply(&db, &author, &asked, GraphOp::Connect, "")
        .await
        .unwrap();
    for who in [&asker, &asked] {
        let v = viewer(&db, Some(who)).await;
        assert!(v.connections_complete);
        assert!(
            matches!(
                posts::get(&db, &v, &private).await,
                Err(PostError::NotFound)
            ),
            "{who}: pending is not connected"
        );
        assert!(
            posts::react(&db, &v, &private, ReactionKind::Like)
                .await
                .is_err()
        );
        let page = feed::feed(&db, &v, None, 20).await.unwrap();
        assert!(!page_ids(&page).contains(&private), "{who}: feed");
    }
    graph::apply(&db, &author, &asker, GraphOp::Accept, "")
        .await
        .unwrap();
    let v = viewer(&db, Some(&asker)).await;
    assert!(posts::get(&db, &v, &private).await.is_ok());
    let page = feed::feed(&db, &v, None, 20).await.unwrap();
    assert!(page_ids(&page).contains(&private), "accepted: in the feed");
}
