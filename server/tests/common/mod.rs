//! Shared helpers: the real router on a random port over a fresh in-memory SurrealDB.

#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;

use app::api::context::AuthSettings;
use leptos::prelude::LeptosOptions;
use server::app_state::AppState;

pub mod procs;

pub struct TestServer {
    pub base: String,
    /// The server's database, for arranging what HTTP cannot (e.g. granting roles).
    pub db: app::db::Db,
}

pub async fn spawn(auth: AuthSettings) -> TestServer {
    // `RUST_LOG=tower_http=debug` shows each request's start and end in a failing test's
    // output: how a request that never answered was found.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let db = app::db::open_for_test().await.expect("db");
    let options = LeptosOptions::builder()
        .output_name("rounds")
        .site_root("target/site")
        .build();
    let remote = app::db::is_remote(&std::env::var("ROUNDS_TEST_DB").unwrap_or_default());
    let router = server::router::build(AppState::new(options, db.clone(), auth, remote));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    TestServer {
        base: format!("http://{addr}"),
        db,
    }
}

/// A browser-like client (cookies kept, redirects not followed). Every request has 30 s to
/// answer: a request that never does fails its test, naming it, instead of holding CI.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
}

pub fn signup_form(handle: &str) -> Vec<(&'static str, String)> {
    vec![
        ("email", format!("{handle}@example.org")),
        ("handle", handle.to_string()),
        ("display_name", format!("Member {handle}")),
        ("password", "correct horse battery staple".to_string()),
        ("role", "professional".to_string()),
    ]
}

/// The `name=value` part of a response's session cookie.
pub fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get(reqwest::header::SET_COOKIE)
        .expect("a Set-Cookie header")
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts `form` to the server function at `/api/{endpoint}`.
    pub async fn call(
        &self,
        c: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        c.post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls the server function at `/api/{endpoint}` and reads its JSON answer (of a
    /// success or of an error alike).
    pub async fn json<T: serde::de::DeserializeOwned>(
        &self,
        c: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> T {
        self.call(c, endpoint, form).await.json().await.unwrap()
    }

    /// The HTML of the page at `path`, as the client gets it.
    pub async fn page(&self, c: &reqwest::Client, path: &str) -> String {
        c.get(self.url(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .unwrap()
    }

    /// Who the client is signed in as (`whoami`'s JSON; null when signed out).
    pub async fn whoami(&self, c: &reqwest::Client) -> serde_json::Value {
        self.call(c, "whoami", &[]).await.json().await.unwrap()
    }

    /// Makes the member at `handle` a site moderator (what only the command line can).
    pub async fn grant_moderator(&self, handle: &str) {
        app::domain::verification::set_role(
            &self.db,
            handle,
            app::domain::verification::SiteRole::Moderator,
            true,
        )
        .await
        .unwrap();
    }

    /// Publishes a public post as the client's member and returns its id.
    pub async fn publish(&self, c: &reqwest::Client, body: &str) -> String {
        let res = self
            .call(
                c,
                "create_post",
                &[("body", body), ("visibility", "public")],
            )
            .await;
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        res.json::<String>().await.unwrap()
    }
    /// Signs the client up as `handle` with `role` (professional, patient, organization).
    pub async fn sign_up_as(&self, c: &reqwest::Client, handle: &str, role: &str) {
        let mut form = signup_form(handle);
        form.retain(|(k, _)| *k != "role");
        form.push(("role", role.to_string()));
        let res = c
            .post(self.url("/api/sign_up"))
            .form(&form)
            .send()
            .await
            .expect("request");
        assert!(
            res.status().is_success(),
            "sign up {handle}: {}",
            res.status()
        );
    }

    /// Marks the member at `handle` verified, as a moderator's approval does.
    pub async fn verify(&self, handle: &str) {
        self.db
            .query("UPDATE member SET verified = true WHERE handle = $h")
            .bind(("h", handle.to_string()))
            .await
            .unwrap()
            .check()
            .unwrap();
    }

    pub async fn sign_up(&self, c: &reqwest::Client, handle: &str) -> reqwest::Response {
        c.post(self.url("/api/sign_up"))
            .form(&signup_form(handle))
            .send()
            .await
            .expect("request")
    }
}
