//! Graph rules on a real SurrealDB (mem://): follows, connections, blocks, mutes,
//! degrees, mutual connections and people you may know.

#![allow(clippy::unwrap_used)]

mod common;

use app::db::Db;
use app::domain::graph::{self, GraphError, ListKind};
use app::model::{ConnectionState, Degree, GraphOp, MemberId};
use common::{connect, count, fresh_db, member};

async fn ids(db: &Db, handles: &[&str]) -> Vec<MemberId> {
    let mut out = Vec::new();
    for h in handles {
        out.push(member(db, h, "professional").await.id);
    }
    out
}

#[tokio::test]
async fn nobody_can_follow_or_connect_with_themselves() {
    let db = fresh_db().await;
    let a = ids(&db, &["selfish"]).await;
    for op in [GraphOp::Follow, GraphOp::Connect] {
        assert!(matches!(
            graph::apply(&db, &a[0], &a[0], op, "").await,
            Err(GraphError::SelfEdge)
        ));
    }
    let res = db
        .query("RELATE (type::record('member', $a))->follows->(type::record('member', $a))")
        .bind(("a", a[0].clone()))
        .await
        .unwrap()
        .check();
    assert!(res.is_err(), "the schema refuses a self-follow too");
}

#[tokio::test]
async fn following_is_idempotent_even_under_concurrent_double_submits() {
    let db = fresh_db().await;
    let m = ids(&db, &["fan", "star"]).await;
    let (r1, r2, r3) = tokio::join!(
        graph::apply(&db, &m[0], &m[1], GraphOp::Follow, ""),
        graph::apply(&db, &m[0], &m[1], GraphOp::Follow, ""),
        graph::apply(&db, &m[0], &m[1], GraphOp::Follow, ""),
    );
    r1.unwrap();
    r2.unwrap();
    r3.unwrap();
    assert_eq!(count(&db, "follows").await, 1);
    assert_eq!(graph::counts(&db, &m[1]).await.unwrap(), (1, 0, 0));
    let page = graph::list(&db, None, &m[1], ListKind::Followers, None, 10)
        .await
        .unwrap();
    assert_eq!(page.items[0].handle, "fan");
    graph::apply(&db, &m[0], &m[1], GraphOp::Unfollow, "")
        .await
        .unwrap();
    graph::apply(&db, &m[0], &m[1], GraphOp::Unfollow, "")
        .await
        .unwrap();
    assert_eq!(count(&db, "follows").await, 0);
}

#[tokio::test]
async fn a_connection_is_one_record_whoever_asks_and_however_often() {
    let db = fresh_db().await;
    let m = ids(&db, &["ana.k", "bo.lee"]).await;
    let (r1, r2, r3) = tokio::join!(
        graph::apply(&db, &m[0], &m[1], GraphOp::Connect, "Met at the conference"),
        graph::apply(&db, &m[1], &m[0], GraphOp::Connect, ""),
        graph::apply(&db, &m[0], &m[1], GraphOp::Connect, ""),
    );
    r1.unwrap();
    r2.unwrap();
    r3.unwrap();
    assert_eq!(count(&db, "connected").await, 1);
}

#[tokio::test]
async fn only_the_recipient_answers_and_only_the_sender_withdraws() {
    let db = fresh_db().await;
    let m = ids(&db, &["sender", "recipient"]).await;
    let (s, r) = (&m[0], &m[1]);
    graph::apply(&db, s, r, GraphOp::Connect, "Hello")
        .await
        .unwrap();
    assert_eq!(
        graph::relationship(&db, s, r).await.unwrap().connection,
        ConnectionState::RequestSent
    );
    assert_eq!(
        graph::relationship(&db, r, s).await.unwrap().connection,
        ConnectionState::RequestReceived
    );

    assert!(matches!(
        graph::apply(&db, s, r, GraphOp::Accept, "").await,
        Err(GraphError::NotRecipient)
    ));
    assert!(matches!(
        graph::apply(&db, s, r, GraphOp::Decline, "").await,
        Err(GraphError::NotRecipient)
    ));
    assert!(matches!(
        graph::apply(&db, r, s, GraphOp::Withdraw, "").await,
        Err(GraphError::NotSender)
    ));

    let received = graph::requests(&db, r, true).await.unwrap();
    assert_eq!(
        (
            received[0].member.handle.as_str(),
            received[0].note.as_str()
        ),
        ("sender", "Hello")
    );
    assert_eq!(graph::requests(&db, s, false).await.unwrap().len(), 1);

    graph::apply(&db, s, r, GraphOp::Withdraw, "")
        .await
        .unwrap();
    assert_eq!(count(&db, "connected").await, 0);
    assert!(matches!(
        graph::apply(&db, r, s, GraphOp::Accept, "").await,
        Err(GraphError::NoRequest)
    ));

    graph::apply(&db, s, r, GraphOp::Connect, "").await.unwrap();
    graph::apply(&db, r, s, GraphOp::Decline, "").await.unwrap();
    assert_eq!(count(&db, "connected").await, 0);

    connect(&db, s, r).await;
    assert_eq!(
        graph::relationship(&db, s, r).await.unwrap().connection,
        ConnectionState::Connected
    );
    assert_eq!(graph::counts(&db, s).await.unwrap().2, 1);
    graph::apply(&db, r, s, GraphOp::Remove, "").await.unwrap();
    assert_eq!(
        graph::relationship(&db, s, r).await.unwrap().connection,
        ConnectionState::None
    );
}

#[tokio::test]
async fn asking_back_accepts_a_pending_request() {
    let db = fresh_db().await;
    let m = ids(&db, &["first.asker", "second.asker"]).await;
    graph::apply(&db, &m[0], &m[1], GraphOp::Connect, "")
        .await
        .unwrap();
    graph::apply(&db, &m[1], &m[0], GraphOp::Connect, "")
        .await
        .unwrap();
    assert_eq!(
        graph::relationship(&db, &m[0], &m[1])
            .await
            .unwrap()
            .connection,
        ConnectionState::Connected
    );
}

#[tokio::test]
async fn blocking_removes_edges_both_ways_and_stops_new_ones() {
    let db = fresh_db().await;
    let m = ids(&db, &["blocker", "blocked"]).await;
    let (a, b) = (&m[0], &m[1]);
    graph::apply(&db, a, b, GraphOp::Follow, "").await.unwrap();
    graph::apply(&db, b, a, GraphOp::Follow, "").await.unwrap();
    connect(&db, a, b).await;

    graph::apply(&db, a, b, GraphOp::Block, "").await.unwrap();
    graph::apply(&db, a, b, GraphOp::Block, "").await.unwrap();
    assert_eq!(count(&db, "follows").await, 0);
    assert_eq!(count(&db, "connected").await, 0);
    assert_eq!(count(&db, "blocks").await, 1);
    for op in [GraphOp::Follow, GraphOp::Connect] {
        assert!(
            matches!(
                graph::apply(&db, b, a, op, "").await,
                Err(GraphError::Blocked)
            ),
            "{op:?} by the blocked"
        );
        assert!(
            matches!(
                graph::apply(&db, a, b, op, "").await,
                Err(GraphError::Blocked)
            ),
            "{op:?} by the blocker"
        );
    }
    let seen_by_blocked = graph::relationship(&db, b, a).await.unwrap();
    assert!(!seen_by_blocked.blocked, "the blocked member is not told");
    assert!(graph::relationship(&db, a, b).await.unwrap().blocked);

    graph::apply(&db, a, b, GraphOp::Unblock, "").await.unwrap();
    graph::apply(&db, b, a, GraphOp::Follow, "").await.unwrap();
}

#[tokio::test]
async fn muting_is_private_to_the_muter() {
    let db = fresh_db().await;
    let m = ids(&db, &["muter", "noisy"]).await;
    graph::apply(&db, &m[0], &m[1], GraphOp::Mute, "")
        .await
        .unwrap();
    graph::apply(&db, &m[0], &m[1], GraphOp::Mute, "")
        .await
        .unwrap();
    assert_eq!(count(&db, "mutes").await, 1);
    assert!(graph::relationship(&db, &m[0], &m[1]).await.unwrap().muted);
    assert!(!graph::relationship(&db, &m[1], &m[0]).await.unwrap().muted);
    graph::apply(&db, &m[1], &m[0], GraphOp::Follow, "")
        .await
        .unwrap();
    graph::apply(&db, &m[0], &m[1], GraphOp::Unmute, "")
        .await
        .unwrap();
    assert!(!graph::relationship(&db, &m[0], &m[1]).await.unwrap().muted);
}

/// a – b – c – d, and a – e – c: a's degrees are b 1st, c 2nd, d 3rd+.
#[tokio::test]
async fn degrees_and_mutuals_on_a_small_hand_built_graph() {
    let db = fresh_db().await;
    let m = ids(&db, &["node.a", "node.b", "node.c", "node.d", "node.e"]).await;
    let (a, b, c, d, e) = (&m[0], &m[1], &m[2], &m[3], &m[4]);
    connect(&db, a, b).await;
    connect(&db, b, c).await;
    connect(&db, c, d).await;
    connect(&db, a, e).await;
    connect(&db, e, c).await;
    graph::apply(&db, a, d, GraphOp::Follow, "").await.unwrap(); // follows are not connections

    assert_eq!(graph::degree(&db, a, a).await.unwrap(), Degree::You);
    assert_eq!(graph::degree(&db, a, b).await.unwrap(), Degree::First);
    assert_eq!(graph::degree(&db, a, c).await.unwrap(), Degree::Second);
    assert_eq!(graph::degree(&db, a, d).await.unwrap(), Degree::ThirdPlus);
    assert_eq!(graph::degree(&db, d, a).await.unwrap(), Degree::ThirdPlus);

    let (n, cards) = graph::mutuals(&db, a, c, 3).await.unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        cards.iter().map(|c| c.handle.as_str()).collect::<Vec<_>>(),
        vec!["node.b", "node.e"]
    );

    let summary = graph::summary(&db, Some(a), c).await.unwrap();
    assert_eq!(
        (summary.connections, summary.mutual_count, summary.degree),
        (3, 2, Some(Degree::Second))
    );
    // The profile's degree agrees with graph::degree on every kind.
    for (them, degree) in [(b, Degree::First), (d, Degree::ThirdPlus), (a, Degree::You)] {
        let summary = graph::summary(&db, Some(a), them).await.unwrap();
        assert_eq!(summary.degree, Some(degree), "a's degree to {them}");
    }
    // Counts read with the degree agree with counts read alone (a follows d).
    let seen_by_a = graph::summary(&db, Some(a), d).await.unwrap();
    let seen_by_visitor = graph::summary(&db, None, d).await.unwrap();
    let counts = |s: &app::model::GraphSummary| (s.followers, s.following, s.connections);
    assert_eq!(counts(&seen_by_a), (1, 0, 1));
    assert_eq!(counts(&seen_by_visitor), (1, 0, 1));
    assert_eq!(
        counts(&graph::summary(&db, Some(d), a).await.unwrap()),
        (0, 1, 2)
    );
    assert!(
        graph::summary(&db, None, c)
            .await
            .unwrap()
            .relationship
            .is_none()
    );

    // A request is not a connection until it is accepted, whichever way it was sent:
    // d asks b, and b asks e.
    graph::apply(&db, d, b, GraphOp::Connect, "").await.unwrap();
    graph::apply(&db, b, e, GraphOp::Connect, "").await.unwrap();
    assert_eq!(graph::degree(&db, a, d).await.unwrap(), Degree::ThirdPlus);
    assert_eq!(graph::degree(&db, d, b).await.unwrap(), Degree::Second);
    let pending = graph::summary(&db, Some(a), b).await.unwrap();
    assert_eq!(
        (pending.connections, pending.mutual_count),
        (2, 0),
        "b's pending requests counted as connections"
    );
    assert_eq!(graph::mutuals(&db, b, d, 3).await.unwrap().0, 1);
    graph::apply(&db, b, d, GraphOp::Accept, "").await.unwrap();
    assert_eq!(graph::degree(&db, a, d).await.unwrap(), Degree::Second);
    assert_eq!(graph::degree(&db, d, b).await.unwrap(), Degree::First);
    assert_eq!(
        graph::summary(&db, Some(a), b).await.unwrap().connections,
        3
    );
}

#[tokio::test]
async fn people_you_may_know_ranks_by_mutuals_and_excludes_the_right_people() {
    let db = fresh_db().await;
    let m = ids(
        &db,
        &[
            "me.myself",
            "friend.one",
            "friend.two",
            "two.mutuals",
            "one.mutual",
            "pending.one",
            "blocked.one",
            "blocker.one",
        ],
    )
    .await;
    let (me, f1, f2, two, one, pending, blocked, blocker) =
        (&m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]);
    connect(&db, me, f1).await;
    connect(&db, me, f2).await;
    connect(&db, f1, two).await;
    connect(&db, f2, two).await;
    connect(&db, f1, one).await;
    connect(&db, f1, pending).await;
    connect(&db, f1, blocked).await;
    connect(&db, f2, blocker).await;
    graph::apply(&db, me, pending, GraphOp::Connect, "")
        .await
        .unwrap();
    graph::apply(&db, me, blocked, GraphOp::Block, "")
        .await
        .unwrap();
    graph::apply(&db, blocker, me, GraphOp::Block, "")
        .await
        .unwrap();

    let pymk = graph::people_you_may_know(&db, me, 10).await.unwrap();
    let handles: Vec<&str> = pymk.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles.first().copied(), Some("two.mutuals"));
    assert_eq!(pymk[0].mutuals, 2);
    assert!(handles.contains(&"one.mutual"));
    for excluded in [
        "me.myself",
        "friend.one",
        "friend.two",
        "pending.one",
        "blocked.one",
        "blocker.one",
    ] {
        assert!(
            !handles.contains(&excluded),
            "{excluded} must not be suggested: {handles:?}"
        );
    }
}

#[tokio::test]
async fn shared_communities_break_ties_among_equally_mutual_suggestions() {
    use app::domain::communities::{self, NewCommunity};
    let db = fresh_db().await;
    let m = ids(&db, &["tie.me", "tie.friend", "tie.aaa", "tie.zzz"]).await;
    let (me, friend, aaa, zzz) = (&m[0], &m[1], &m[2], &m[3]);
    connect(&db, me, friend).await;
    connect(&db, friend, aaa).await;
    connect(&db, friend, zzz).await;
    // Without communities the tie falls to the id order; tie.zzz shares one with me.
    communities::create(
        &db,
        me,
        app::model::Role::Professional,
        &NewCommunity {
            slug: "tie-club".into(),
            name: "Tie club".into(),
            kind: "general".into(),
            access: "open".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let club = communities::by_slug(&db, Some(zzz), "tie-club")
        .await
        .unwrap();
    communities::join(&db, zzz, app::model::Role::Professional, &club)
        .await
        .unwrap();
    let pymk = graph::people_you_may_know(&db, me, 10).await.unwrap();
    let handles: Vec<&str> = pymk.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles, vec!["tie.zzz", "tie.aaa"]);
    // And the other way round, whatever the ids' order.
    let club = communities::by_slug(&db, Some(zzz), "tie-club")
        .await
        .unwrap();
    communities::leave(&db, zzz, &club).await.unwrap();
    let club = communities::by_slug(&db, Some(aaa), "tie-club")
        .await
        .unwrap();
    communities::join(&db, aaa, app::model::Role::Professional, &club)
        .await
        .unwrap();
    graph::refresh_suggestions(&db, me).await.unwrap();
    let pymk = graph::people_you_may_know(&db, me, 10).await.unwrap();
    let handles: Vec<&str> = pymk.iter().map(|c| c.handle.as_str()).collect();
    assert_eq!(handles, vec!["tie.aaa", "tie.zzz"]);
}

#[tokio::test]
async fn new_members_get_suggestions_from_their_specialty() {
    let db = fresh_db().await;
    let m = ids(
        &db,
        &[
            "newbie",
            "cardio.one",
            "derm.one",
            "cardio.asked",
            "cardio.known",
        ],
    )
    .await;
    for (id, spec) in [
        (&m[0], "Cardiology"),
        (&m[1], "Cardiology"),
        (&m[2], "Dermatology"),
        (&m[3], "Cardiology"),
        (&m[4], "Cardiology"),
    ] {
        db.query("UPDATE type::record('member', $id) SET specialty = $s")
            .bind(("id", id.clone()))
            .bind(("s", spec))
            .await
            .unwrap();
    }
    // Not those already asked (a pending request) or already connected.
    graph::apply(&db, &m[0], &m[3], GraphOp::Connect, "")
        .await
        .unwrap();
    connect(&db, &m[4], &m[0]).await;
    let pymk = graph::people_you_may_know(&db, &m[0], 5).await.unwrap();
    assert_eq!(
        pymk.iter().map(|c| c.handle.as_str()).collect::<Vec<_>>(),
        vec!["cardio.one"]
    );
}

#[tokio::test]
async fn stored_suggestions_follow_changes_to_the_members_own_network() {
    let db = fresh_db().await;
    let m = ids(
        &db,
        &[
            "me.again",
            "pal.one",
            "pal.two",
            "fof.one",
            "fof.two",
            "fof.three",
            "new.pal",
            "via.new",
        ],
    )
    .await;
    let (me, p1, p2, a, b, c, new_pal, via_new) =
        (&m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6], &m[7]);
    connect(&db, me, p1).await;
    connect(&db, me, p2).await;
    connect(&db, p1, a).await;
    connect(&db, p1, b).await;
    connect(&db, p2, c).await;
    connect(&db, new_pal, via_new).await;
    let handles = |cards: Vec<app::model::MemberCard>| {
        cards.into_iter().map(|c| c.handle).collect::<Vec<_>>()
    };
    let first = handles(graph::people_you_may_know(&db, me, 10).await.unwrap());
    assert!(first.contains(&"fof.one".to_string()), "{first:?}");
    assert_eq!(count(&db, "suggestion").await, 1, "the ranking is stored");

    // Someone else's request, block and decline reach the stored list at once.
    graph::apply(&db, me, a, GraphOp::Connect, "")
        .await
        .unwrap();
    graph::apply(&db, b, me, GraphOp::Block, "").await.unwrap();
    let now = handles(graph::people_you_may_know(&db, me, 10).await.unwrap());
    assert!(!now.contains(&"fof.one".to_string()), "pending: {now:?}");
    assert!(!now.contains(&"fof.two".to_string()), "blocked me: {now:?}");
    assert!(now.contains(&"fof.three".to_string()), "{now:?}");

    // A new connection of my own re-ranks: their connections become suggestions.
    assert!(!now.contains(&"via.new".to_string()));
    connect(&db, me, new_pal).await;
    let after = graph::people_you_may_know(&db, me, 10).await.unwrap();
    let via = after
        .iter()
        .find(|c| c.handle == "via.new")
        .expect("via.new suggested");
    assert_eq!(via.mutuals, 1);
    assert_eq!(via.degree, Some(Degree::Second));
    assert!(!handles(after).contains(&"new.pal".to_string()));

    // A change two hops away waits for the refresh: an hour-old ranking is served once
    // more and recomputed in the background.
    let late = member(&db, "late.fof", "professional").await.id;
    connect(&db, p2, &late).await;
    let cached = handles(graph::people_you_may_know(&db, me, 10).await.unwrap());
    assert!(!cached.contains(&"late.fof".to_string()), "{cached:?}");
    db.query("UPDATE type::record('suggestion', $me) SET computed_at = time::now() - 2h")
        .bind(("me", me.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let stale = handles(graph::people_you_may_know(&db, me, 10).await.unwrap());
    assert!(!stale.contains(&"late.fof".to_string()), "{stale:?}");
    let mut refreshed = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = handles(graph::people_you_may_know(&db, me, 10).await.unwrap());
        if now.contains(&"late.fof".to_string()) {
            refreshed = true;
            break;
        }
    }
    assert!(
        refreshed,
        "the background refresh picked up the new friend of a friend"
    );
}

#[tokio::test]
async fn follower_pages_use_a_cursor_and_cover_everyone_once() {
    let db = fresh_db().await;
    let star = member(&db, "popular", "professional").await.id;
    let mut expected = Vec::new();
    for i in 0..7 {
        let f = member(&db, &format!("follower{i}"), "professional")
            .await
            .id;
        graph::apply(&db, &f, &star, GraphOp::Follow, "")
            .await
            .unwrap();
        expected.push(format!("follower{i}"));
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = graph::list(
            &db,
            Some(&star),
            &star,
            ListKind::Followers,
            after.as_deref(),
            3,
        )
        .await
        .unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.into_iter().map(|c| c.handle));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    expected.reverse();
    assert_eq!(seen, expected, "newest first, nobody twice");
}

#[tokio::test]
async fn member_cards_carry_the_viewers_degree_and_relationship() {
    let db = fresh_db().await;
    let m = ids(
        &db,
        &[
            "card.viewer",
            "card.first",
            "card.second",
            "card.third",
            "card.asking",
        ],
    )
    .await;
    connect(&db, &m[0], &m[1]).await;
    connect(&db, &m[1], &m[2]).await;
    graph::apply(&db, &m[0], &m[2], GraphOp::Follow, "")
        .await
        .unwrap();
    graph::apply(&db, &m[0], &m[2], GraphOp::Connect, "")
        .await
        .unwrap();
    graph::apply(&db, &m[3], &m[0], GraphOp::Connect, "")
        .await
        .unwrap();
    // Only a request links card.asking to the viewer's connection: not 2nd degree.
    graph::apply(&db, &m[4], &m[1], GraphOp::Connect, "")
        .await
        .unwrap();
    let cards = graph::cards(&db, Some(&m[0]), &m).await.unwrap();
    let rel: Vec<_> = cards
        .iter()
        .map(|c| c.relationship.map(|r| (r.following, r.connection)))
        .collect();
    assert_eq!(
        rel,
        vec![
            None,
            Some((false, ConnectionState::Connected)),
            Some((true, ConnectionState::RequestSent)),
            Some((false, ConnectionState::RequestReceived)),
            Some((false, ConnectionState::None)),
        ]
    );
    let degrees: Vec<_> = cards.iter().map(|c| c.degree).collect();
    assert_eq!(
        degrees,
        vec![
            Some(Degree::You),
            Some(Degree::First),
            Some(Degree::Second),
            Some(Degree::ThirdPlus),
            Some(Degree::ThirdPlus)
        ]
    );
    assert!(
        graph::cards(&db, None, &m)
            .await
            .unwrap()
            .iter()
            .all(|c| c.degree.is_none() && c.relationship.is_none())
    );
}
