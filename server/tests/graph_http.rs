//! Graph authorization over real HTTP: who may act, and what strangers may see.

#![allow(clippy::unwrap_used)]

mod common;

use app::api::context::AuthSettings;
use common::{client, spawn};
use reqwest::StatusCode;
use serde_json::Value;

async fn act(
    s: &common::TestServer,
    c: &reqwest::Client,
    handle: &str,
    op: &str,
) -> reqwest::Response {
    s.call(c, "update_relationship", &[("handle", handle), ("op", op)])
        .await
}

#[tokio::test]
async fn relationship_changes_need_a_signed_in_member_and_valid_input() {
    let s = spawn(AuthSettings::default()).await;
    let owner = client();
    s.sign_up(&owner, "target.doc").await;

    assert_eq!(
        act(&s, &client(), "target.doc", "follow").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        act(&s, &owner, "target.doc", "follow").await.status(),
        StatusCode::BAD_REQUEST,
        "no self-follow"
    );
    assert_eq!(
        act(&s, &owner, "target.doc", "befriend").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        act(&s, &owner, "nobody.here", "follow").await.status(),
        StatusCode::NOT_FOUND
    );

    let fan = client();
    s.sign_up(&fan, "fan.one").await;
    let res = act(&s, &fan, "target.doc", "follow").await;
    assert_eq!(res.status(), StatusCode::OK);
    let rel: Value = res.json().await.unwrap();
    assert_eq!(rel["following"], true);
    assert_eq!(
        act(&s, &fan, "target.doc", "accept").await.status(),
        StatusCode::NOT_FOUND,
        "nothing to accept"
    );
}

#[tokio::test]
async fn only_the_recipient_can_accept_over_http() {
    let s = spawn(AuthSettings::default()).await;
    let (a, b, stranger) = (client(), client(), client());
    s.sign_up(&a, "asker.one").await;
    s.sign_up(&b, "answerer.one").await;
    s.sign_up(&stranger, "stranger.one").await;
    assert_eq!(
        act(&s, &a, "answerer.one", "connect").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        act(&s, &a, "answerer.one", "accept").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&s, &stranger, "asker.one", "accept").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&s, &b, "asker.one", "accept").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_patients_network_is_hidden_from_everyone_else() {
    let s = spawn(AuthSettings::default()).await;
    let patient = client();
    let form = [
        ("email", "private.pat@example.org"),
        ("handle", "private.pat"),
        ("display_name", "Pat"),
        ("password", "correct horse battery staple"),
        ("role", "patient"),
    ];
    patient
        .post(s.url("/api/sign_up"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let doc = client();
    s.sign_up(&doc, "oncology.doc").await;
    assert_eq!(
        act(&s, &patient, "oncology.doc", "follow").await.status(),
        StatusCode::OK
    );

    for viewer in [client(), doc.clone()] {
        let res = s
            .call(
                &viewer,
                "member_list",
                &[("handle", "private.pat"), ("kind", "following")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let summary: Value = s
            .json(&viewer, "profile_graph", &[("handle", "private.pat")])
            .await;
        assert_eq!(summary["following"], 0);
        assert_eq!(summary["lists_private"], true);
    }
    let own: Value = s
        .json(
            &patient,
            "member_list",
            &[("handle", "private.pat"), ("kind", "following")],
        )
        .await;
    assert_eq!(
        own["items"][0]["handle"], "oncology.doc",
        "the patient sees their own list"
    );
    let html = s.page(&client(), "/@private.pat/following").await;
    assert!(
        !html.contains("oncology.doc"),
        "nor does the SSR page leak it"
    );
}

#[tokio::test]
async fn the_network_page_needs_a_member() {
    let s = spawn(AuthSettings::default()).await;
    assert_eq!(
        client()
            .post(s.url("/api/network"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let res = client()
        .get(s.url("/network"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
}

/// A follower list's cursor is `<rank>|<edge>`; one that no page of ours made is a 400
/// on the `after` field that says so.
#[tokio::test]
async fn a_malformed_member_list_cursor_is_a_400_not_a_500() {
    let s = spawn(AuthSettings::default()).await;
    s.sign_up(&client(), "listed.doc").await;
    for kind in ["followers", "following"] {
        let form = [
            ("handle", "listed.doc"),
            ("kind", kind),
            ("after", "not-a-rank|x"),
        ];
        let res = s.call(&client(), "member_list", &form).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{kind}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["field"], "after", "{kind}: {body}");
    }
    let form = [("handle", "listed.doc"), ("kind", "followers")];
    assert_eq!(
        s.call(&client(), "member_list", &form).await.status(),
        StatusCode::OK
    );
}
