//! The trust rules over real HTTP, as a visitor, a member or an attacker meets them: who
//! counts as a verified professional, who gets into professionals-only communities, whose
//! networks are listed, and what a block hides.

#![allow(clippy::unwrap_used)]

mod common;

use app::api::context::AuthSettings;
use common::{client, spawn};
use reqwest::StatusCode;
use serde_json::Value;

/// A verified organization carries a badge, but it is not a verified professional: it
/// reads no "verified professionals only" post, proposes no label, its reports do not
/// hide, and its comments are not "answers from a verified professional".
#[tokio::test]
async fn a_verified_organization_is_not_a_verified_professional() {
    let s = spawn(AuthSettings {
        report_hide_threshold: 1,
        ..AuthSettings::default()
    })
    .await;
    let (author, org, doc) = (client(), client(), client());
    s.sign_up(&author, "vo.author").await;
    s.sign_up_as(&org, "vo.clinic", "organization").await;
    s.sign_up(&doc, "vo.doc").await;
    s.verify("vo.clinic").await;
    s.verify("vo.doc").await;
    let res = s
        .call(
            &author,
            "create_post",
            &[
                ("body", "Off-label dosing, clinicians only"),
                ("visibility", "verified"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let hidden: String = res.json().await.unwrap();
    let public = s.publish(&author, "A public question about statins").await;

    // Reading: the professional does, the organization does not (on every path).
    let thread_form = [("id", hidden.as_str())];
    let thread = |c| s.call(c, "post_thread", &thread_form);
    assert_eq!(thread(&doc).await.status(), StatusCode::OK);
    assert_eq!(thread(&org).await.status(), StatusCode::NOT_FOUND);
    let page = |c: &reqwest::Client| c.get(s.url(&format!("/p/{hidden}"))).send();
    let html = page(&org).await.unwrap().text().await.unwrap();
    assert!(!html.contains("Off-label dosing"));
    let listed = s
        .call(&org, "member_posts", &[("handle", "vo.author")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains("statins") && !listed.contains("Off-label"),
        "{listed}"
    );

    // Labels: only a verified professional proposes one.
    let label_form = [
        ("post", public.as_str()),
        (
            "note",
            "Statins cause memory loss in everyone: not what trials show",
        ),
        ("evidence", "https://example.org/review"),
    ];
    let label = |c| s.call(c, "propose_label", &label_form);
    assert_eq!(label(&org).await.status(), StatusCode::FORBIDDEN);

    // Reports: the organization's report is counted but hides nothing at threshold 1.
    let report_form = [
        ("kind", "post"),
        ("item", public.as_str()),
        ("reason", "misinformation"),
    ];
    let report = |c| s.call(c, "report", &report_form);
    assert!(report(&org).await.status().is_success());
    let anyone = client();
    let seen = s
        .call(&anyone, "post_thread", &[("id", public.as_str())])
        .await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    assert!(seen["post"]["moderation"].is_null(), "{seen}");
    assert!(report(&doc).await.status().is_success());
    let seen: Value = s
        .call(&anyone, "post_thread", &[("id", public.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert!(!seen["post"]["moderation"].is_null(), "{seen}");

    // Comments: the badge line is a professional's.
    for (c, body) in [
        (&org, "We offer lipid clinics"),
        (&doc, "Check the dose first"),
    ] {
        let res = s
            .call(
                c,
                "add_comment",
                &[("post", hidden.as_str()), ("body", body)],
            )
            .await;
        // The organization cannot read the post, so it cannot comment on it either.
        if body.starts_with("We") {
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
        } else {
            assert_eq!(res.status(), StatusCode::OK);
        }
    }
    s.call(
        &org,
        "add_comment",
        &[
            ("post", public.as_str()),
            ("body", "We offer lipid clinics"),
        ],
    )
    .await;
    let html = anyone
        .get(s.url(&format!("/p/{public}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("We offer lipid clinics"));
    assert!(
        !html.contains("Answer from a verified professional"),
        "{html}"
    );
}

/// Signing up as a professional is a claim: in a professionals-only community it is a
/// request that waits for the badge, and the badge lets the member in by itself.
#[tokio::test]
async fn professionals_only_communities_admit_verified_professionals_only() {
    let s = spawn(AuthSettings::default()).await;
    let (owner, claimer, patient, org, moderator) =
        (client(), client(), client(), client(), client());
    s.sign_up(&owner, "po.owner").await;
    s.verify("po.owner").await;
    s.sign_up(&claimer, "po.claimer").await;
    s.sign_up_as(&patient, "po.patient", "patient").await;
    s.sign_up_as(&org, "po.org", "organization").await;
    s.verify("po.org").await;
    s.sign_up(&moderator, "po.mod").await;
    s.grant_moderator("po.mod").await;
    let res = s
        .call(
            &owner,
            "create_community",
            &[
                ("slug", "po-icu"),
                ("name", "ICU clinicians"),
                ("description", ""),
                ("kind", "specialty"),
                ("access", "professionals"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let members_only = s
        .call(
            &owner,
            "create_post",
            &[
                ("body", "Members-only: our proning rota"),
                ("visibility", "community"),
                ("community", "po-icu"),
            ],
        )
        .await;
    assert_eq!(members_only.status(), StatusCode::OK);
    let post: String = members_only.json().await.unwrap();
    let join = |c| {
        s.call(
            c,
            "community_membership",
            &[("slug", "po-icu"), ("op", "join")],
        )
    };

    let joined: Value = join(&claimer).await.json().await.unwrap();
    assert_eq!(joined, Value::String("Pending".into()), "{joined}");
    for refused in [&patient, &org] {
        assert_eq!(join(refused).await.status(), StatusCode::FORBIDDEN);
    }
    let read_form = [("id", post.as_str())];
    let read = |c| s.call(c, "post_thread", &read_form);
    assert_eq!(read(&claimer).await.status(), StatusCode::NOT_FOUND);
    // The owner cannot wave the claim through either.
    let approve = s
        .call(
            &owner,
            "answer_join_request",
            &[
                ("slug", "po-icu"),
                ("handle", "po.claimer"),
                ("approve", "true"),
            ],
        )
        .await;
    assert_eq!(approve.status(), StatusCode::CONFLICT);
    assert_eq!(read(&claimer).await.status(), StatusCode::NOT_FOUND);

    // Verified by a site moderator: the waiting request becomes a membership.
    s.call(
        &claimer,
        "submit_verification",
        &[("method", "npi"), ("npi", "1234567893")],
    )
    .await;
    let queue: Value = s
        .call(&moderator, "mod_verifications", &[])
        .await
        .json()
        .await
        .unwrap();
    let id = queue[0]["id"].as_str().unwrap().to_string();
    let decided = s
        .call(
            &moderator,
            "mod_decide_verification",
            &[("id", id.as_str()), ("decision", "approve")],
        )
        .await;
    assert!(decided.status().is_success(), "{}", decided.status());
    assert_eq!(read(&claimer).await.status(), StatusCode::OK);
    let page: Value = s
        .call(&claimer, "community_page", &[("slug", "po-icu")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["community"]["member_count"], 2, "{page}");
}
