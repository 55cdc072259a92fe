//! Communities on a real SurrealDB (mem://): who may join, post and read, and the roster.

#![allow(clippy::unwrap_used)]

mod common;

use app::domain::communities::{self, CommunityError, NewCommunity};
use app::domain::posts;
use app::model::{Membership, Role};
use common::{fresh_db, join, member, new_community, post, viewer};

#[tokio::test]
async fn community_access_rules() {
    let db = fresh_db().await;
    let owner = member(&db, "co.owner", "professional").await.id;
    let patient = member(&db, "co.patient", "patient").await.id;
    let doc = member(&db, "co.doc", "professional").await.id;
    let open = new_community(&db, &owner, "co-open", "condition", "open").await;
    let pros = new_community(&db, &owner, "co-pros", "specialty", "professionals").await;
    let approval = new_community(&db, &owner, "co-approval", "general", "approval").await;
    let dup = communities::create(
        &db,
        &doc,
        Role::Professional,
        &NewCommunity {
            slug: "co-open".into(),
            name: "Duplicate".into(),
            kind: "general".into(),
            access: "open".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(dup, Err(CommunityError::SlugTaken)), "{dup:?}");

    assert_eq!(
        join(&db, &patient, Role::Patient, "co-open").await.unwrap(),
        Membership::Active(app::model::CommunityRole::Member)
    );
    assert!(matches!(
        join(&db, &patient, Role::Patient, "co-pros").await,
        Err(CommunityError::Forbidden(_))
    ));
    // A professional's role is a claim: the request waits until the badge.
    assert_eq!(
        join(&db, &doc, Role::Professional, "co-pros")
            .await
            .unwrap(),
        Membership::Pending
    );
    communities::leave(
        &db,
        &doc,
        &communities::by_slug(&db, Some(&doc), "co-pros")
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    db.query("UPDATE member SET verified = true WHERE handle = 'co.doc'")
        .await
        .unwrap();
    assert!(matches!(
        join(&db, &doc, Role::Professional, "co-pros").await,
        Ok(Membership::Active(_))
    ));
    assert_eq!(
        join(&db, &patient, Role::Patient, "co-approval")
            .await
            .unwrap(),
        Membership::Pending
    );
    // Joining twice is one membership.
    join(&db, &patient, Role::Patient, "co-open").await.unwrap();
    assert_eq!(
        communities::by_slug(&db, None, "co-open")
            .await
            .unwrap()
            .view
            .member_count,
        2
    );

    // Only the owner appoints moderators; moderators then run the community.
    let c = communities::by_slug(&db, Some(&doc), "co-pros")
        .await
        .unwrap();
    assert!(matches!(
        communities::set_role(&db, &c, &doc, true).await,
        Err(CommunityError::Forbidden(_))
    ));
    let c = communities::by_slug(&db, Some(&owner), "co-pros")
        .await
        .unwrap();
    communities::set_role(&db, &c, &doc, true).await.unwrap();
    assert!(
        communities::set_role(&db, &c, &patient, true)
            .await
            .is_err(),
        "not a member"
    );
    let c = communities::by_slug(&db, Some(&doc), "co-pros")
        .await
        .unwrap();
    assert_eq!(
        c.view.membership,
        Some(Membership::Active(app::model::CommunityRole::Moderator))
    );

    // A pending member is not a member yet: the community's members-only posts stay
    // hidden until the request is approved; a stranger cannot approve.
    let inside = post(&db, &owner, "for members", "community", Some(&approval)).await;
    let vp = viewer(&db, Some(&patient)).await;
    assert!(
        posts::get(&db, &vp, &inside).await.is_err(),
        "a pending member read a members-only post"
    );
    let c = communities::by_slug(&db, Some(&doc), "co-approval")
        .await
        .unwrap();
    assert!(
        communities::answer_request(&db, &c, &patient, true)
            .await
            .is_err()
    );
    let c = communities::by_slug(&db, Some(&owner), "co-approval")
        .await
        .unwrap();
    communities::answer_request(&db, &c, &patient, true)
        .await
        .unwrap();
    let c = communities::by_slug(&db, Some(&patient), "co-approval")
        .await
        .unwrap();
    assert!(matches!(c.view.membership, Some(Membership::Active(_))));
    let vp = viewer(&db, Some(&patient)).await;
    assert!(posts::get(&db, &vp, &inside).await.is_ok());

    // Members-only posts in a professionals-only community; public is refused there.
    assert!(posts::check_audience("public", Some((&pros, "professionals"))).is_err());
    assert!(posts::check_audience("community", None).is_err());
    let members_post = post(&db, &doc, "for members", "community", Some(&pros)).await;
    let vp = viewer(&db, Some(&patient)).await;
    assert!(posts::get(&db, &vp, &members_post).await.is_err());
    let patient_post = post(&db, &patient, "living with it", "community", Some(&open)).await;
    let vo = viewer(&db, Some(&owner)).await;
    assert!(posts::get(&db, &vo, &patient_post).await.is_ok());

    // Leaving: owners stay; members go and lose members-only access.
    let c = communities::by_slug(&db, Some(&owner), "co-open")
        .await
        .unwrap();
    assert!(communities::leave(&db, &owner, &c).await.is_err());
    let c = communities::by_slug(&db, Some(&patient), "co-open")
        .await
        .unwrap();
    communities::leave(&db, &patient, &c).await.unwrap();
    let vp = viewer(&db, Some(&patient)).await;
    assert!(
        posts::get(&db, &vp, &patient_post).await.is_ok(),
        "authors keep their own posts"
    );
    let vd = viewer(&db, Some(&doc)).await;
    assert!(posts::get(&db, &vd, &patient_post).await.is_err());
}

#[tokio::test]
async fn a_community_lists_requests_to_moderators_then_its_owner_moderators_and_members() {
    let db = fresh_db().await;
    let owner = member(&db, "roster.owner", "professional").await.id;
    new_community(&db, &owner, "roster-club", "specialty", "approval").await;
    let mut asked = Vec::new();
    for i in 1..=5 {
        let m = member(&db, &format!("roster.m{i}"), "professional")
            .await
            .id;
        assert_eq!(
            join(&db, &m, Role::Professional, "roster-club")
                .await
                .unwrap(),
            Membership::Pending
        );
        asked.push(m);
    }
    let as_owner = communities::by_slug(&db, Some(&owner), "roster-club")
        .await
        .unwrap();
    for m in &asked[..3] {
        communities::answer_request(&db, &as_owner, m, true)
            .await
            .unwrap();
    }
    communities::set_role(&db, &as_owner, &asked[0], true)
        .await
        .unwrap();
    let listed = |rows: Vec<app::model::CommunityMemberView>| {
        rows.into_iter()
            .map(|r| {
                format!(
                    "{} {:?}{}",
                    r.handle,
                    r.role,
                    if r.pending { " pending" } else { "" }
                )
            })
            .collect::<Vec<_>>()
    };
    let everyone = [
        "roster.m4 Member pending",
        "roster.m5 Member pending",
        "roster.owner Owner",
        "roster.m1 Moderator",
        "roster.m2 Member",
        "roster.m3 Member",
    ];
    assert_eq!(
        listed(
            communities::members(&db, &as_owner, None, 50)
                .await
                .unwrap()
                .members
        ),
        everyone
    );
    assert_eq!(
        listed(
            communities::members(&db, &as_owner, None, 3)
                .await
                .unwrap()
                .members
        ),
        everyone[..3]
    );
    // A plain member does not see who asked to join.
    let as_member = communities::by_slug(&db, Some(&asked[1]), "roster-club")
        .await
        .unwrap();
    assert_eq!(
        listed(
            communities::members(&db, &as_member, None, 50)
                .await
                .unwrap()
                .members
        ),
        everyone[2..]
    );
}

/// Every join and leave writes the community's member count, so members acting at once
/// conflict in SurrealDB's optimistic transactions; each must still succeed (retried), and
/// the count must end exact. (On several threads: on one, the joins never overlap.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_joining_and_leaving_one_community_at_once_all_succeed_and_are_counted() {
    let db = fresh_db().await;
    let owner = member(&db, "busy.owner", "professional").await.id;
    new_community(&db, &owner, "busy-club", "general", "open").await;
    let mut joiners = Vec::new();
    for i in 0..16 {
        joiners.push(member(&db, &format!("busy.m{i}"), "professional").await.id);
    }
    let at_once = |leave: bool, who: &[app::model::MemberId]| {
        let tasks: Vec<_> = who
            .iter()
            .cloned()
            .map(|m| {
                let db = db.clone();
                tokio::spawn(async move {
                    let c = communities::by_slug(&db, Some(&m), "busy-club")
                        .await
                        .unwrap();
                    if leave {
                        communities::leave(&db, &m, &c).await.map(|_| None)
                    } else {
                        communities::join(&db, &m, Role::Professional, &c)
                            .await
                            .map(Some)
                    }
                })
            })
            .collect();
        futures::future::join_all(tasks)
    };
    for joined in at_once(false, &joiners).await {
        assert_eq!(
            joined.unwrap().unwrap(),
            Some(Membership::Active(app::model::CommunityRole::Member))
        );
    }
    let count = || async {
        communities::by_slug(&db, None, "busy-club")
            .await
            .unwrap()
            .view
            .member_count
    };
    assert_eq!(count().await, 17);
    for left in at_once(true, &joiners[..8]).await {
        left.unwrap().unwrap();
    }
    assert_eq!(count().await, 9);
}
