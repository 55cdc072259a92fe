//! Posts over real HTTP: typed errors with the right status, and what strangers and
//! signed-out visitors can read through server functions and server-rendered pages.

#![allow(clippy::unwrap_used)]

mod common;

use app::api::context::AuthSettings;
use common::{client, spawn};
use reqwest::StatusCode;
use serde_json::Value;

async fn create(
    s: &common::TestServer,
    c: &reqwest::Client,
    body: &str,
    visibility: &str,
    citations: &str,
) -> reqwest::Response {
    let form = [
        ("body", body),
        ("visibility", visibility),
        ("citations", citations),
        ("community", ""),
    ];
    s.call(c, "create_post", &form).await
}

#[tokio::test]
async fn bad_posts_get_specific_errors_and_keep_the_draft() {
    let s = spawn(AuthSettings::default()).await;
    let a = client();
    s.sign_up(&a, "poster.one").await;
    assert_eq!(
        create(&s, &client(), "hello", "public", "").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = create(&s, &a, "   ", "public", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["field"], "body");

    let res = create(&s, &a, "See the trial", "public", "doi:banana").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["field"], "citations");
    assert_eq!(err["kept"]["body"], "See the trial", "the draft comes back");

    let long = "x".repeat(5001);
    let res = create(&s, &a, &long, "public", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        create(&s, &a, "hi", "everyone", "").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        create(&s, &a, "hi", "community", "").await.status(),
        StatusCode::BAD_REQUEST,
        "members-only needs a community"
    );
    let res = create(
        &s,
        &a,
        "<script>alert(1)</script> **ok**",
        "public",
        "PMID 123",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn strangers_and_visitors_cannot_read_a_connections_only_post() {
    let s = spawn(AuthSettings::default()).await;
    let (author, stranger) = (client(), client());
    s.sign_up(&author, "private.poster").await;
    s.sign_up(&stranger, "nosy.stranger").await;
    let res = create(&s, &author, "Between colleagues only", "connections", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let id: String = res.json().await.unwrap();

    for (who, c) in [("visitor", client()), ("stranger", stranger.clone())] {
        let res = s.call(&c, "post_thread", &[("id", id.as_str())]).await;
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "{who}: server function"
        );
        let res = c
            .get(s.url(&format!("/p/{id}")))
            .header("Accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: SSR page");
        assert!(!res.text().await.unwrap().contains("Between colleagues"));
        let res = s
            .call(&c, "member_posts", &[("handle", "private.poster")])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            !res.text().await.unwrap().contains("Between colleagues"),
            "{who}: profile"
        );
        let res = s
            .call(&c, "react", &[("id", id.as_str()), ("kind", "like")])
            .await;
        assert!(
            matches!(
                res.status(),
                StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
            ),
            "{who}: react"
        );
        let res = s
            .call(
                &c,
                "add_comment",
                &[("post", id.as_str()), ("parent", ""), ("body", "hi")],
            )
            .await;
        assert!(
            matches!(
                res.status(),
                StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED
            ),
            "{who}: comment"
        );
    }
    // The author reads it, and the landing page never lists it.
    let res = s.call(&author, "post_thread", &[("id", id.as_str())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = client()
        .post(s.url("/api/highlights"))
        .send()
        .await
        .unwrap();
    assert!(!res.text().await.unwrap().contains("Between colleagues"));
    // Only the author deletes.
    let res = s
        .call(&stranger, "delete_post", &[("id", id.as_str())])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "it is not even visible to them"
    );
}

#[tokio::test]
async fn each_request_sees_only_its_own_session() {
    let s = spawn(AuthSettings::default()).await;
    let (a, b, anon) = (client(), client(), client());
    s.sign_up(&a, "memo.alice").await;
    s.sign_up(&b, "memo.bob").await;
    for _ in 0..3 {
        for (c, expected, other) in [
            (&a, "memo.alice", "memo.bob"),
            (&b, "memo.bob", "memo.alice"),
        ] {
            let me = s.whoami(c).await;
            assert_eq!(me["handle"], expected);
            let page = c
                .get(s.url("/"))
                .header("Accept", "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(
                page.contains(&format!("/@{expected}")),
                "{expected} sees themself"
            );
            assert!(
                !page.contains(&format!("/@{other}")),
                "{expected} never sees {other}'s session"
            );
        }
        let me = s.whoami(&anon).await;
        assert!(me.is_null(), "a visitor is nobody: {me}");
    }
}

#[tokio::test]
async fn more_posts_refuses_unknown_lists_and_shows_only_what_the_reader_may_see() {
    let s = spawn(AuthSettings::default()).await;
    let (author, stranger) = (client(), client());
    s.sign_up(&author, "paged.poster").await;
    s.sign_up(&stranger, "paged.stranger").await;
    let res = create(&s, &author, "Connections see this page", "connections", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let more = |c: &reqwest::Client, source: &str| {
        c.post(s.url("/api/more_posts"))
            .form(&[("source", source), ("after", "")])
            .send()
    };

    let res = more(&author, "/p/1").await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["field"], "source");
    let res = more(&client(), "/").await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the home feed is for members"
    );

    for (who, c) in [("visitor", client()), ("stranger", stranger.clone())] {
        let res = more(&c, "/@paged.poster").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{who}");
        assert!(
            !res.text()
                .await
                .unwrap()
                .contains("Connections see this page"),
            "{who}"
        );
    }
    for source in ["/@paged.poster", "/"] {
        let res = more(&author, source).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{source}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("Connections see this page"),
            "the author reads it in {source}"
        );
    }
}

/// A form carries an idempotency key: the same submit sent twice (a double click, a
/// retry after a dropped connection) makes one post and one comment, and answers both
/// times with the same id. Keys are the author's own: another member's equal key is a
/// different post.
#[tokio::test]
async fn a_retried_submit_creates_one_post_and_one_comment() {
    let s = spawn(AuthSettings::default()).await;
    let (a, b) = (client(), client());
    s.sign_up(&a, "idem.a").await;
    s.sign_up(&b, "idem.b").await;
    let form = [
        ("body", "Is 5 mg enough for a first dose?"),
        ("visibility", "public"),
        ("idempotency_key", "k3y-from-the-form_1"),
    ];
    let first: String = s.json(&a, "create_post", &form).await;
    let again = s.call(&a, "create_post", &form).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<String>().await.unwrap(), first);
    let other: String = s.json(&b, "create_post", &form).await;
    assert_ne!(other, first);
    let posts: Value = s.json(&a, "member_posts", &[("handle", "idem.a")]).await;
    assert_eq!(posts["items"].as_array().unwrap().len(), 1, "{posts}");

    let comment = [
        ("post", first.as_str()),
        ("body", "Start low."),
        ("idempotency_key", "c0mment-key"),
    ];
    let c1: String = s.json(&b, "add_comment", &comment).await;
    let c2: String = s.json(&b, "add_comment", &comment).await;
    assert_eq!(c1, c2);
    let thread: Value = s.json(&a, "post_thread", &[("id", first.as_str())]).await;
    assert_eq!(thread["post"]["comment_count"], 1, "{thread}");
    assert_eq!(thread["comments"].as_array().unwrap().len(), 1);

    let bad = s
        .call(
            &a,
            "create_post",
            &[
                ("body", "x"),
                ("visibility", "public"),
                ("idempotency_key", "not a key!"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}
