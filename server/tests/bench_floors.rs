//! bench/feed compares the feed with a bare axum page and with the stack's floors (the
//! same page after one SurrealDB statement, rendered by Leptos, and both). Those numbers
//! only mean something if each floor really serves a page of the feed page's size, and
//! the Leptos ones only after their resource (and its query) resolved.

#[tokio::test]
async fn every_floor_of_the_baseline_server_answers_a_whole_page_of_the_asked_size() {
    let bytes = 20_000;
    let app = server::bench::baseline_router(bytes)
        .await
        .expect("baseline router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    for path in ["/", "/query", "/leptos", "/leptos-query"] {
        let res = client
            .get(format!("http://{addr}{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200, "{path}");
        let body = res.text().await.expect("body");
        assert!(
            body.len().abs_diff(bytes) < bytes / 50,
            "{path}: {} bytes, asked for {bytes}",
            body.len()
        );
        assert!(
            body.matches("<p>Rounds is where").count() > 200,
            "{path}: the page's paragraphs are missing"
        );
        // (Leptos appends its resources' scripts after the document, as on the app's pages.)
        assert!(body.contains("</body></html>"), "{path}: cut short");
    }
}
