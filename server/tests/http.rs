//! The real router over real HTTP, on a fresh in-memory SurrealDB: status codes, cookies,
//! cross-site refusal, rate limits and who may edit what.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use app::api::context::AuthSettings;
use app::domain::rate_limit::Limit;
use common::{client, session_cookie, signup_form, spawn};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, LOCATION, ORIGIN, SET_COOKIE};

#[tokio::test]
async fn sign_up_sets_a_hardened_session_cookie_and_the_profile_renders() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let res = s.sign_up(&c, "dr.ada").await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .expect("cookie")
        .to_str()
        .unwrap()
        .to_string();
    for attr in [
        "rounds_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(cookie.contains(attr), "{attr} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http in tests");

    let page = c.get(s.url("/@dr.ada")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<title>Member dr.ada (@dr.ada) · Rounds</title>"),
        "title in SSR head"
    );
    assert!(html.contains("name=\"description\""));
    assert!(
        html.contains("Edit profile"),
        "the owner sees the edit link"
    );
}

#[tokio::test]
async fn secure_cookies_are_marked_secure() {
    let s = spawn(AuthSettings {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let res = s.sign_up(&client(), "secure.one").await;
    let cookie = res
        .headers()
        .get(SET_COOKIE)
        .expect("cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test]
async fn unknown_handles_and_paths_are_404_pages() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    for path in ["/@nobody", "/no-such-page", "/settings/nothing"] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(res.text().await.unwrap().contains("Not found"), "{path}");
    }
}

#[tokio::test]
async fn server_functions_answer_bad_input_with_typed_errors_and_statuses() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let mut form = signup_form("weak.pw");
    form[3].1 = "short".into();
    let res = c
        .post(s.url("/api/sign_up"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["field"], "password");
    assert_eq!(
        body["kept"]["handle"], "weak.pw",
        "typed input is echoed back"
    );
    assert!(
        body["kept"].get("password").is_none(),
        "passwords are never echoed"
    );

    assert!(s.sign_up(&c, "taken").await.status().is_success());
    let res = s.sign_up(&client(), "TAKEN").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let res = s.call(&c, "sign_up", &[("email", "x")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "missing fields");
}

/// A failed no-JS submit returns to its page with the error and what was typed, and none
/// of it travels in a URL: not in the redirect's Location, not in the page's address. The
/// error is kept server-side for that browser, shown once; a crafted `__err` link renders
/// nothing of its author's.
#[tokio::test]
async fn a_failed_no_js_submit_keeps_its_input_off_the_url() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    s.sign_up(&c, "flash.member").await;
    let phi = "Mr Jonathan Pike, MRN 44718823, DOB 03/04/1951, call 555-201-7788";
    let res = c
        .post(s.url("/api/create_post"))
        .header(ACCEPT, "text/html")
        .header(reqwest::header::REFERER, s.url("/"))
        .form(&[("body", phi), ("visibility", "public")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()[LOCATION].to_str().unwrap().to_string();
    assert!(
        !location.contains("__err") && !location.contains("44718823"),
        "{location}"
    );
    let flash = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("rounds_flash="))
        .expect("a flash cookie");
    assert!(
        flash.contains("HttpOnly") && flash.contains("Max-Age=120"),
        "{flash}"
    );
    // The page it returns to says what is wrong and keeps the draft, once.
    assert_eq!(location, s.url("/"));
    let page = c.get(&location).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("44718823"), "the draft is kept");
    assert!(
        html.contains("patient") || html.contains("identif"),
        "the guard says why"
    );
    let again = c.get(&location).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("44718823"), "shown once");

    // Signed out, the same: a failed sign-in.
    let visitor = client();
    let res = visitor
        .post(s.url("/api/sign_in"))
        .header(ACCEPT, "text/html")
        .header(reqwest::header::REFERER, s.url("/signin"))
        .form(&[
            ("login", "nobody@example.org"),
            ("password", "whatever-it-is"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let location = res.headers()[LOCATION].to_str().unwrap().to_string();
    assert_eq!(location, s.url("/signin"));
    let html = visitor
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("nobody@example.org"), "the login is kept");
    assert!(!html.contains("whatever-it-is"), "the password is not");

    // A crafted link: the message in it is not rendered.
    use base64::Engine as _;
    let forged = serde_json::json!({
        "kind": "BadRequest",
        "message": "Your account is locked: call +1 555 0100 and read out your password",
        "kept": {"login": "attacker text"},
        "phi": [{"kind": "phone", "start": 9, "end": 2, "text": "x"}]
    });
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(forged.to_string());
    let res = client()
        .get(s.url(&format!("/signin?__path=/api/sign_in&__err={encoded}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(!html.contains("account is locked") && !html.contains("attacker text"));
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    s.sign_up(&c, "leaving").await;
    let me = s.whoami(&c).await;
    assert_eq!(me["handle"], "leaving");
    // Keep the token to replay it after sign-out.
    let res = c.post(s.url("/api/sign_out")).send().await.unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    let me = s.whoami(&c).await;
    assert!(me.is_null(), "signed out: {me}");
}

#[tokio::test]
async fn a_replayed_token_after_sign_out_is_rejected() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let res = s.sign_up(&c, "replay").await;
    let cookie = session_cookie(&res);
    c.post(s.url("/api/sign_out")).send().await.unwrap();
    let raw = reqwest::Client::new();
    let me: serde_json::Value = raw
        .post(s.url("/api/whoami"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me.is_null());
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let s = spawn(AuthSettings::default()).await;
    let res = client()
        .post(s.url("/api/sign_up"))
        .header(ORIGIN, "https://evil.example")
        .form(&signup_form("victim"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = client()
        .post(s.url("/api/sign_up"))
        .header("sec-fetch-site", "cross-site")
        .form(&signup_form("victim"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The typed error the forms read, like every other refusal (found by fuzz.rs: it was
    // plain text).
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["kind"], "Forbidden", "{err}");
    let host = s.base.trim_start_matches("http://").to_string();
    let res = client()
        .post(s.url("/api/sign_up"))
        .header(ORIGIN, format!("http://{host}"))
        .form(&signup_form("same.site"))
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success(),
        "same-origin is fine: {}",
        res.status()
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_and_per_ip() {
    let auth = AuthSettings {
        signin_per_account: Limit {
            max: 3,
            window: Duration::from_secs(600),
        },
        signin_per_ip: Limit {
            max: 5,
            window: Duration::from_secs(600),
        },
        ..Default::default()
    };
    let s = spawn(auth).await;
    let c = client();
    s.sign_up(&c, "target").await;
    let attempt = |login: &'static str| {
        let c = client();
        let url = s.url("/api/sign_in");
        async move {
            c.post(url)
                .form(&[("login", login), ("password", "wrong-password-1")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..3 {
        assert_eq!(attempt("target").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt("target").await,
        StatusCode::TOO_MANY_REQUESTS,
        "per account"
    );
    assert_eq!(
        attempt("someone.else").await,
        StatusCode::UNAUTHORIZED,
        "5th from this IP still allowed"
    );
    assert_eq!(
        attempt("third.person").await,
        StatusCode::TOO_MANY_REQUESTS,
        "per IP"
    );
}

#[tokio::test]
async fn only_a_signed_in_owner_can_edit_a_profile() {
    let s = spawn(AuthSettings::default()).await;
    let form = [
        ("display_name", "Hacked"),
        ("headline", ""),
        ("bio", ""),
        ("location", ""),
        ("workplace", ""),
        ("experience", ""),
        ("skills", ""),
        ("links", ""),
        ("conflicts", ""),
    ];
    let res = client()
        .post(s.url("/api/update_profile"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let owner = client();
    s.sign_up(&owner, "owner.one").await;
    let other = client();
    s.sign_up(&other, "other.one").await;
    let res = other
        .post(s.url("/api/update_profile"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    let html = s.page(&client(), "/@owner.one").await;
    assert!(
        html.contains("Member owner.one") && !html.contains("Hacked"),
        "another member's edit changes only their own profile"
    );

    let res = client()
        .get(s.url("/settings/profile"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "signed-out visitors are sent to sign in"
    );
    assert_eq!(
        res.headers().get(LOCATION).unwrap(),
        "/signin?next=/settings/profile"
    );
}

#[tokio::test]
async fn healthz_reports_database_health() {
    let s = spawn(AuthSettings::default()).await;
    let res = client().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_in_again_rotates_the_session_token() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let first = s.sign_up(&c, "rotator").await;
    let old = session_cookie(&first);
    let again = s
        .call(
            &c,
            "sign_in",
            &[
                ("login", "rotator"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    let new = session_cookie(&again);
    assert_ne!(old, new, "a fresh token at sign-in");
    let whoami = |cookie: String| {
        let url = s.url("/api/whoami");
        async move {
            reqwest::Client::new()
                .post(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert!(
        whoami(old).await.is_null(),
        "the previous token no longer works"
    );
    assert_eq!(whoami(new).await["handle"], "rotator");
}

#[tokio::test]
async fn sign_up_is_rate_limited_per_ip() {
    let auth = AuthSettings {
        signup_per_ip: Limit {
            max: 2,
            window: Duration::from_secs(3600),
        },
        ..Default::default()
    };
    let s = spawn(auth).await;
    assert!(
        s.sign_up(&client(), "first.one")
            .await
            .status()
            .is_success()
    );
    assert!(
        s.sign_up(&client(), "second.one")
            .await
            .status()
            .is_success()
    );
    let res = s.sign_up(&client(), "third.one").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["kept"]["handle"], "third.one",
        "the form keeps its input"
    );
}

/// Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would be followed to
/// another site; a control character is not even a valid `Location`. Both fall back to
/// the home page, and a same-site path is still followed.
#[tokio::test]
async fn sign_in_follows_only_same_site_paths_and_survives_control_characters_in_next() {
    let s = spawn(AuthSettings::default()).await;
    s.sign_up(&client(), "nexty").await;
    for (next, expected) in [
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/settings\u{1}", "/"),
        ("/settings/profile", "/settings/profile"),
    ] {
        // As a browser's plain form post sends it, so the answer is a real redirect.
        let c = client();
        let res = c
            .post(s.url("/api/sign_in"))
            .header(ACCEPT, "text/html")
            .form(&[
                ("login", "nexty"),
                ("password", "correct horse battery staple"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{next:?}: {}", res.status());
        assert_eq!(
            res.headers().get(LOCATION).unwrap().to_str().unwrap(),
            expected,
            "{next:?}"
        );
        assert_eq!(s.whoami(&c).await["handle"], "nexty", "{next:?}: signed in");
    }
}

/// The sign-in limits stop guessing, not members: right passwords do not use them up
/// (a nurse signing in on every shared computer of a ward, a hospital's staff behind one
/// address at a shift change), and wrong ones still count in full after them.
#[tokio::test]
async fn right_passwords_do_not_use_up_the_sign_in_limits() {
    let limit = |max| Limit {
        max,
        window: Duration::from_secs(600),
    };
    let s = spawn(AuthSettings {
        signin_per_account: limit(3),
        signin_per_ip: limit(5),
        ..Default::default()
    })
    .await;
    s.sign_up(&client(), "often.here").await;
    let server = &s;
    let attempt = |password: &'static str| async move {
        let form = [("login", "often.here"), ("password", password)];
        server.call(&client(), "sign_in", &form).await.status()
    };
    for n in 0..8 {
        let status = attempt("correct horse battery staple").await;
        assert!(status.is_success(), "right password {n}: {status}");
    }
    for n in 0..3 {
        assert_eq!(
            attempt("wrong-password-1").await,
            StatusCode::UNAUTHORIZED,
            "wrong password {n}"
        );
    }
    assert_eq!(
        attempt("wrong-password-1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the fourth wrong password"
    );
    assert_eq!(
        attempt("correct horse battery staple").await,
        StatusCode::TOO_MANY_REQUESTS,
        "once limited, not even the right password is checked"
    );
}

/// The account limit counts the account the login names, however it is spelt: a
/// guesser cannot get fresh attempts by adding `@`s or changing case.
#[tokio::test]
async fn sign_in_attempts_count_against_the_account_however_its_handle_is_spelt() {
    let auth = AuthSettings {
        signin_per_account: Limit {
            max: 3,
            window: Duration::from_secs(600),
        },
        ..Default::default()
    };
    let s = spawn(auth).await;
    s.sign_up(&client(), "spelt").await;
    let mut statuses = Vec::new();
    for login in ["spelt", "@spelt", "@@SPELT", " Spelt "] {
        let form = [("login", login), ("password", "wrong-password-1")];
        statuses.push(s.call(&client(), "sign_in", &form).await.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// A signed-out visitor is sent to sign in from every members-only page, whatever their
/// client's `Accept` (a crawler's, curl's, a proxy's); the API keeps its own answers.
#[tokio::test]
async fn members_only_pages_redirect_whatever_the_client_accepts() {
    let s = spawn(AuthSettings::default()).await;
    for path in [
        "/mod/reports",
        "/mod/verifications",
        "/mod/log",
        "/settings/profile",
        "/settings/verification",
        "/network",
        "/notifications",
    ] {
        for accept in [
            None,
            Some("*/*"),
            Some("text/html"),
            Some("application/json"),
        ] {
            let mut req = client().get(s.url(path)).timeout(Duration::from_secs(10));
            if let Some(a) = accept {
                req = req.header(ACCEPT, a);
            }
            let res = req
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path} {accept:?}: {e}"));
            assert_eq!(res.status(), StatusCode::FOUND, "{path} {accept:?}");
            let to = res.headers()[LOCATION].to_str().unwrap().to_string();
            assert_eq!(to, format!("/signin?next={path}"), "{path}");
        }
    }
    let res = s.call(&client(), "mod_cases", &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

/// A body over 2 MiB is refused with 413 and a typed error, declared or chunked, before
/// anything of it is parsed or saved.
#[tokio::test]
async fn an_oversized_request_body_is_a_413() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    s.sign_up(&c, "big.body").await;
    let big = "x".repeat(3 * 1024 * 1024);
    let res = s
        .call(
            &c,
            "create_post",
            &[("body", big.as_str()), ("visibility", "public")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let err: serde_json::Value = res.json().await.unwrap();
    assert!(err["message"].as_str().unwrap().contains("2 MiB"), "{err}");
    // Without a length: streamed in chunks, over a raw connection.
    let status = chunked_post(&s.base, "/api/create_post", 48, 64 * 1024).await;
    assert_eq!(status, 413);
    let posts: serde_json::Value = s.json(&c, "member_posts", &[("handle", "big.body")]).await;
    assert_eq!(posts["items"], serde_json::json!([]), "{posts}");
}

/// POSTs `chunks` chunks of `size` bytes of form body with `Transfer-Encoding: chunked`
/// (no length declared) and returns the response's status code. Writing and reading run
/// at once: the server answers before the body ends and need not read the rest.
async fn chunked_post(base: &str, path: &str, chunks: usize, size: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://").to_string();
    let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut rx, mut tx) = tcp.into_split();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let writer = tokio::spawn(async move {
        tx.write_all(head.as_bytes()).await?;
        tx.write_all(b"6\r\nbody=y\r\n").await?;
        let chunk = format!("{size:x}\r\n{}\r\n", "y".repeat(size));
        for _ in 0..chunks {
            tx.write_all(chunk.as_bytes()).await?;
        }
        tx.write_all(b"0\r\n\r\n").await
    });
    let mut buf = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), rx.read(&mut buf))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    writer.abort();
    let line = String::from_utf8_lossy(&buf[..n]).to_string();
    line.split(' ').nth(1).unwrap().parse().unwrap()
}

/// Every page's scripts run only with its response's nonce (no `unsafe-inline`), the
/// browser features no page uses are off, a signed-in member's pages are never stored by
/// a cache, and over https the cookie is `Secure` and the site asks for https only.
#[tokio::test]
async fn pages_carry_a_nonce_policy_and_signed_in_pages_are_not_stored() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let res = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("object-src 'none'") && csp.contains("frame-ancestors 'none'"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
        .to_string();
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(
        h["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()")
    );
    assert!(
        h.get("strict-transport-security").is_none(),
        "not over http"
    );
    assert!(
        h.get("cache-control").is_none_or(|v| v != "no-store"),
        "a visitor's page may be cached"
    );
    let html = res.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts >= 2, "{html}");
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script carries this response's nonce"
    );
    // A second response gets another nonce.
    let again = c.get(s.url("/")).send().await.unwrap();
    let other = again.headers()["content-security-policy"].to_str().unwrap();
    assert!(!other.contains(&nonce));

    s.sign_up(&c, "csp.member").await;
    for path in ["/", "/network", "/@csp.member"] {
        let res = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }

    let secure = spawn(AuthSettings {
        secure_cookies: true,
        ..AuthSettings::default()
    })
    .await;
    let c = client();
    let res = secure.sign_up(&c, "csp.secure").await;
    let cookie = res.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let res = client().get(secure.url("/")).send().await.unwrap();
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

/// A suspended member reads, and protects themself (blocks, mutes, leaves), but writes
/// nothing others see: no profile edit, community, follow, connection note or reaction.
#[tokio::test]
async fn a_suspended_member_changes_nothing_others_see() {
    let s = spawn(AuthSettings::default()).await;
    let (c, other) = (client(), client());
    s.sign_up(&c, "sus.member").await;
    s.sign_up(&other, "sus.other").await;
    let post = s.publish(&other, "A post to react to").await;
    s.db.query("UPDATE member SET suspended_until = time::now() + 1d WHERE handle = 'sus.member'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let refused: [(&str, Vec<(&str, &str)>); 6] = [
        (
            "update_profile",
            vec![
                ("display_name", "Renamed"),
                ("headline", "Now selling supplements"),
            ],
        ),
        (
            "create_community",
            vec![
                ("slug", "sus-club"),
                ("name", "Club"),
                ("kind", "general"),
                ("access", "open"),
            ],
        ),
        (
            "update_relationship",
            vec![("handle", "sus.other"), ("op", "follow")],
        ),
        (
            "update_relationship",
            vec![
                ("handle", "sus.other"),
                ("op", "connect"),
                ("note", "buy my course"),
            ],
        ),
        ("react", vec![("id", post.as_str()), ("kind", "like")]),
        (
            "submit_verification",
            vec![("method", "npi"), ("npi", "1234567893")],
        ),
    ];
    for (endpoint, form) in refused {
        let res = s.call(&c, endpoint, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{endpoint} {form:?}");
        let err: serde_json::Value = res.json().await.unwrap();
        assert!(
            err["message"].as_str().unwrap().contains("suspended"),
            "{err}"
        );
    }
    for op in ["block", "unblock", "mute"] {
        let res = s
            .call(
                &c,
                "update_relationship",
                &[("handle", "sus.other"), ("op", op)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{op}");
    }
}

/// Behind a trusted reverse proxy, each visitor has their own per-IP sign-in bucket (read
/// from the `X-Forwarded-For` the proxy appends); from anyone else the header is ignored,
/// so it cannot be used to dodge the limit.
#[tokio::test]
async fn per_ip_limits_count_visitors_behind_a_trusted_proxy_only() {
    let attempt = |s: &common::TestServer, forwarded: &str, n: usize| {
        let (url, forwarded) = (s.url("/api/sign_in"), forwarded.to_string());
        async move {
            client()
                .post(url)
                .header("x-forwarded-for", forwarded)
                .form(&[
                    ("login", format!("nobody{n}@example.org")),
                    ("password", "wrong-password".into()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let limit = Limit {
        max: 2,
        window: Duration::from_secs(600),
    };
    let behind = spawn(AuthSettings {
        signin_per_ip: limit,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..AuthSettings::default()
    })
    .await;
    for n in 0..2 {
        assert_eq!(
            attempt(&behind, "203.0.113.5", n).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&behind, "203.0.113.5", 2).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another visitor through the same proxy; a spoofed left-hand entry is not believed.
    assert_eq!(
        attempt(&behind, "198.51.100.7", 3).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt(&behind, "198.51.100.99, 203.0.113.5", 4).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    let direct = spawn(AuthSettings {
        signin_per_ip: limit,
        ..AuthSettings::default()
    })
    .await;
    for n in 0..2 {
        let forwarded = format!("192.0.2.{n}");
        assert_eq!(
            attempt(&direct, &forwarded, n).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&direct, "192.0.2.77", 2).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Reports and new communities are limited per member, like posts and comments.
#[tokio::test]
async fn reports_and_new_communities_are_rate_limited() {
    let s = spawn(AuthSettings::default()).await;
    let (c, author) = (client(), client());
    s.sign_up(&c, "limit.reporter").await;
    s.sign_up(&author, "limit.author").await;
    let post = s.publish(&author, "Something to report").await;
    let form = [
        ("kind", "post"),
        ("item", post.as_str()),
        ("reason", "spam"),
    ];
    let mut last = StatusCode::OK;
    for _ in 0..31 {
        last = s.call(&c, "report", &form).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    for n in 0..6 {
        let slug = format!("limit-club-{n}");
        let res = s
            .call(
                &c,
                "create_community",
                &[
                    ("slug", slug.as_str()),
                    ("name", "Club"),
                    ("kind", "general"),
                    ("access", "open"),
                ],
            )
            .await;
        let expected = if n < 5 {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(res.status(), expected, "community {n}");
    }
}

/// What the fuzzing found: a failed call that kept a very large input lost its error (an
/// empty 500, as the status middleware could not read a body over 256 KiB), and an empty
/// id was a database error (500) instead of a missing record.
#[tokio::test]
async fn huge_input_and_empty_ids_get_their_typed_errors() {
    let s = spawn(AuthSettings::default()).await;
    let c = client();
    let huge = "é".repeat(250_000);
    let mut form = signup_form("huge.input");
    form.retain(|(k, _)| *k != "display_name");
    form.push(("display_name", huge));
    let res = c
        .post(s.url("/api/sign_up"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["field"], "display_name", "{}", err["message"]);
    let kept = err["kept"]["display_name"].as_str().unwrap();
    assert_eq!(kept.chars().count(), app::error::AppError::KEPT_CHARS);

    s.sign_up(&c, "empty.ids").await;
    s.grant_moderator("empty.ids").await;
    for (endpoint, form) in [
        (
            "mod_decide_verification",
            vec![("id", ""), ("decision", "approve")],
        ),
        ("mod_decide_label", vec![("id", ""), ("decision", "accept")]),
        (
            "report",
            vec![("kind", "post"), ("item", ""), ("reason", "spam")],
        ),
        (
            "propose_label",
            vec![("post", ""), ("note", "n"), ("evidence", "PMID 35353979")],
        ),
    ] {
        let res = s.call(&c, endpoint, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
}
