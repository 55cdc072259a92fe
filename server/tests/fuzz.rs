//! Hostile input against every server function and every page, over real HTTP, on the
//! real router and a fresh in-memory SurrealDB per endpoint: missing, duplicated, empty
//! and oversized fields; control, bidirectional, zero-width and NUL characters; injection
//! fragments; ids, handles and cursors that are almost right; random `__err`/`__path`
//! values, cookies, content types and `Accept` headers; signed out, or as a patient, a
//! verified professional or a site moderator.
//!
//! Invariants for every case: an answer (no dropped connection), no 5xx, no panic on the
//! server's threads, no answer slower than [`SLOWEST_ALLOWED`], and every refused server
//! function call answers the typed JSON error the forms read. After each endpoint's cases:
//! the stored counters (comments, reactions, community members) still equal what they
//! count, and `/healthz` answers.
//!
//! `FUZZ_CASES` sets the cases per endpoint (default 500, what CI runs); `bench/fuzz`
//! runs the long version. Each test prints one JSON summary line; violations are listed
//! with the whole request, so any of them can be replayed by hand.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use app::api::context::AuthSettings;
use app::model::MemberId;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::Value;

/// A body this large outlasts the socket buffers: refused unread, its sender cannot finish
/// writing it.
const UNREAD: usize = 256 * 1024;

/// The issue's bound: no answer to hostile input may take longer.
const SLOWEST_ALLOWED: Duration = Duration::from_secs(1);

/// What a field of a server function expects, for choosing values that are almost right.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
    Handle,
    Slug,
    /// Any record key: posts, comments, verification requests, label proposals.
    Id,
    Cursor,
    Source,
    Case,
    Bool,
    Choice(&'static [&'static str]),
}

use Kind::*;

const RELATIONSHIP_OPS: &[&str] = &[
    "follow", "unfollow", "connect", "accept", "decline", "withdraw", "remove", "block", "unblock",
    "mute", "unmute",
];
const MOD_ACTIONS: &[&str] = &[
    "dismiss", "hide", "remove", "warn", "suspend", "restore", "message",
];
const REASONS: &[&str] = &[
    "misinformation",
    "phi",
    "harassment",
    "spam",
    "promotion",
    "other",
];

/// Every server function and the fields its signature names. A new server function that
/// is not here fails [`every_server_function_and_page_is_fuzzed`].
const FUNCTIONS: &[(&str, &[(&str, Kind)])] = &[
    ("whoami", &[]),
    (
        "sign_up",
        &[
            ("email", Text),
            ("handle", Handle),
            ("display_name", Text),
            ("password", Text),
            ("role", Choice(&["professional", "patient", "organization"])),
        ],
    ),
    (
        "sign_in",
        &[("login", Handle), ("password", Text), ("next", Text)],
    ),
    ("sign_out", &[]),
    (
        "communities",
        &[(
            "kind",
            Choice(&["specialty", "condition", "organization", "general", ""]),
        )],
    ),
    ("community_page", &[("slug", Slug), ("after", Cursor)]),
    (
        "create_community",
        &[
            ("slug", Slug),
            ("name", Text),
            ("description", Text),
            (
                "kind",
                Choice(&["specialty", "condition", "organization", "general"]),
            ),
            ("access", Choice(&["open", "professionals", "approval"])),
            ("confirm_phi", Bool),
        ],
    ),
    (
        "community_membership",
        &[("slug", Slug), ("op", Choice(&["join", "leave"]))],
    ),
    (
        "answer_join_request",
        &[("slug", Slug), ("handle", Handle), ("approve", Bool)],
    ),
    ("pin_post", &[("slug", Slug), ("id", Id), ("pinned", Bool)]),
    (
        "set_community_role",
        &[("slug", Slug), ("handle", Handle), ("moderator", Bool)],
    ),
    ("profile_graph", &[("handle", Handle)]),
    (
        "update_relationship",
        &[
            ("handle", Handle),
            ("op", Choice(RELATIONSHIP_OPS)),
            ("note", Text),
            ("confirm_phi", Bool),
        ],
    ),
    (
        "member_list",
        &[
            ("handle", Handle),
            ("kind", Choice(&["followers", "following", "connections"])),
            ("after", Cursor),
        ],
    ),
    ("network", &[]),
    ("mod_verifications", &[]),
    (
        "mod_decide_verification",
        &[
            ("id", Id),
            ("decision", Choice(&["approve", "reject"])),
            ("reason", Text),
        ],
    ),
    ("mod_revoked_badges", &[]),
    (
        "mod_revoke_verification",
        &[("handle", Handle), ("reason", Text)],
    ),
    ("mod_cases", &[("closed", Bool)]),
    (
        "mod_act",
        &[
            ("case", Case),
            ("action", Choice(MOD_ACTIONS)),
            ("reason", Text),
            ("days", Choice(&["1", "7", "30", "0", "-1", "365000"])),
        ],
    ),
    (
        "mod_decide_label",
        &[("id", Id), ("decision", Choice(&["accept", "reject"]))],
    ),
    ("mod_log", &[("after", Cursor)]),
    ("feed", &[("after", Cursor)]),
    ("highlights", &[]),
    ("member_posts", &[("handle", Handle), ("after", Cursor)]),
    ("more_posts", &[("source", Source), ("after", Cursor)]),
    (
        "create_post",
        &[
            ("body", Text),
            (
                "visibility",
                Choice(&["public", "connections", "community", "verified"]),
            ),
            ("citations", Text),
            ("community", Slug),
            ("sponsored", Bool),
            ("confirm_phi", Bool),
            ("idempotency_key", Text),
        ],
    ),
    ("preview_post", &[("body", Text)]),
    ("post_thread", &[("id", Id)]),
    (
        "edit_post",
        &[
            ("id", Id),
            ("body", Text),
            ("citations", Text),
            ("confirm_phi", Bool),
        ],
    ),
    ("delete_post", &[("id", Id)]),
    (
        "react",
        &[
            ("id", Id),
            ("kind", Choice(&["like", "insightful", "support"])),
        ],
    ),
    (
        "add_comment",
        &[
            ("post", Id),
            ("parent", Id),
            ("body", Text),
            ("confirm_phi", Bool),
            ("idempotency_key", Text),
        ],
    ),
    ("delete_comment", &[("id", Id)]),
    ("profile", &[("handle", Handle)]),
    ("my_profile", &[]),
    (
        "update_profile",
        &[
            ("draft[display_name]", Text),
            ("draft[headline]", Text),
            ("draft[bio]", Text),
            ("draft[specialty]", Text),
            ("draft[subspecialty]", Text),
            ("draft[org_type]", Text),
            ("draft[location]", Text),
            ("draft[workplace]", Text),
            ("draft[experience]", Text),
            ("draft[skills]", Text),
            ("draft[links]", Text),
            ("draft[conflicts]", Text),
            ("draft[hide_real_name]", Bool),
            ("confirm_phi", Bool),
        ],
    ),
    ("my_verification", &[]),
    (
        "submit_verification",
        &[
            ("method", Choice(&["npi", "license"])),
            ("npi", Choice(&["1234567893", "1245319599", "1234567890"])),
            ("license_number", Text),
            ("issuer", Text),
            ("legal_name", Text),
        ],
    ),
    ("change_legal_name", &[("legal_name", Text)]),
    (
        "report",
        &[
            ("kind", Choice(&["post", "comment", "member"])),
            ("item", Id),
            ("reason", Choice(REASONS)),
            ("note", Text),
            ("confirm_phi", Bool),
        ],
    ),
    (
        "propose_label",
        &[
            ("post", Id),
            ("note", Text),
            (
                "evidence",
                Choice(&["PMID 35353979", "doi:10.1056/NEJMoa2115869"]),
            ),
            ("confirm_phi", Bool),
        ],
    ),
    ("notifications", &[]),
    ("mark_notifications_read", &[]),
];

/// Every page, as the router spells it. `{…}` segments are filled by the fuzzer.
const PAGES: &[&str] = &[
    "/",
    "/p/{id}",
    "/communities",
    "/communities/new",
    "/c/{slug}",
    "/signin",
    "/offline",
    "/signup",
    "/settings/profile",
    "/network",
    "/notifications",
    "/settings/verification",
    "/mod/reports",
    "/mod/verifications",
    "/mod/log",
    "/{handle}",
    "/{handle}/followers",
    "/{handle}/following",
    "/{handle}/connections",
];

/// The real things a fixture holds, for values that are almost right.
#[derive(Clone, Debug, Default)]
struct Pools {
    handles: Vec<String>,
    slugs: Vec<String>,
    ids: Vec<String>,
    cases: Vec<String>,
    cursors: Vec<String>,
    sources: Vec<String>,
}

/// Who sends a case.
#[derive(Clone, Copy, Debug)]
enum Who {
    Visitor,
    Patient,
    Doctor,
    Moderator,
}

const MEMBERS: [(&str, &str); 3] = [
    ("fz.patient", "patient"),
    ("fz.doc", "professional"),
    ("fz.mod", "professional"),
];

/// One endpoint's server, with its fixture.
struct Fixture {
    server: common::TestServer,
    pools: Pools,
    members: Vec<MemberId>,
}

/// A fresh server with members, a community, posts, a comment, a reaction, a report, a
/// label proposal and a verification request.
async fn fixture() -> Fixture {
    let s = common::spawn(AuthSettings::default()).await;
    let mut members = Vec::new();
    let clients: Vec<reqwest::Client> = MEMBERS.iter().map(|_| common::client()).collect();
    for ((handle, role), c) in MEMBERS.iter().zip(&clients) {
        s.sign_up_as(c, handle, role).await;
        let (id, _) = app::domain::accounts::member_by_handle(&s.db, handle)
            .await
            .unwrap()
            .unwrap();
        members.push(id);
    }
    s.verify("fz.doc").await;
    s.grant_moderator("fz.mod").await;
    let (patient, doc, moderator) = (&clients[0], &clients[1], &clients[2]);
    let ok = |r: reqwest::Response, what: &str| {
        assert!(r.status().is_success(), "fixture {what}: {}", r.status());
        r
    };
    ok(
        s.call(
            doc,
            "create_community",
            &[
                ("slug", "fz-club"),
                ("name", "Fuzz club"),
                ("description", "Hostile input"),
                ("kind", "specialty"),
                ("access", "approval"),
            ],
        )
        .await,
        "community",
    );
    let public = s
        .publish(doc, "Statins after 75: what does the evidence say?")
        .await;
    let in_club: String = ok(
        s.call(
            doc,
            "create_post",
            &[
                ("body", "Members only: rota"),
                ("visibility", "community"),
                ("community", "fz-club"),
            ],
        )
        .await,
        "community post",
    )
    .json()
    .await
    .unwrap();
    let comment: String = ok(
        s.call(
            patient,
            "add_comment",
            &[("post", public.as_str()), ("body", "Thank you, doctor")],
        )
        .await,
        "comment",
    )
    .json()
    .await
    .unwrap();
    ok(
        s.call(
            patient,
            "react",
            &[("id", public.as_str()), ("kind", "support")],
        )
        .await,
        "reaction",
    );
    ok(
        s.call(
            patient,
            "report",
            &[
                ("kind", "post"),
                ("item", public.as_str()),
                ("reason", "misinformation"),
                ("note", "fuzz"),
            ],
        )
        .await,
        "report",
    );
    ok(
        s.call(
            patient,
            "community_membership",
            &[("slug", "fz-club"), ("op", "join")],
        )
        .await,
        "join request",
    );
    s.call(
        moderator,
        "submit_verification",
        &[
            ("method", "npi"),
            ("npi", "1245319599"),
            ("legal_name", "Fuzz Moderator"),
        ],
    )
    .await;
    s.call(
        doc,
        "propose_label",
        &[
            ("post", public.as_str()),
            ("note", "Not what the trial found"),
            ("evidence", "PMID 35353979"),
        ],
    )
    .await;
    let mut ids = vec![public.clone(), in_club, comment];
    for table in ["verification", "misinfo_label"] {
        let mut res =
            s.db.query(format!("SELECT VALUE record::id(id) FROM {table}"))
                .await
                .unwrap();
        let found: Vec<String> = res.take(0).unwrap_or_default();
        ids.extend(found);
    }
    let feed: Value = s.json(doc, "feed", &[]).await;
    let mut cursors = vec![
        "0".to_string(),
        "-1".to_string(),
        "99999999999999999999".to_string(),
    ];
    if let Some(next) = feed["next"].as_str() {
        cursors.push(next.to_string());
    }
    let handles: Vec<String> = MEMBERS.iter().map(|(h, _)| h.to_string()).collect();
    Fixture {
        pools: Pools {
            sources: vec![
                "/".into(),
                "/@fz.doc".into(),
                "/c/fz-club".into(),
                "/c/".into(),
                "/@".into(),
            ],
            cases: vec![format!("post:{public}"), format!("member:{}", members[1])],
            handles,
            slugs: vec!["fz-club".into()],
            ids,
            cursors,
        },
        server: s,
        members,
    }
}

/// Strings that have broken parsers, renderers and queries elsewhere.
fn nasty() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => "[a-zA-Z0-9 ._@-]{0,12}",
        2 => "\\PC{0,16}",
        1 => "[\\x00-\\x1f\\x7f]{1,4}",
        1 => "[\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2066}-\u{2069}\u{FEFF}]{1,3}",
        1 => prop::sample::select(vec![
            "\0", "\r\n", "%00", "%ZZ", "%", "+", "&", "=", "'", "\"", "\\", "`",
            "'; DELETE member; --", "\") RETURN 1; --", "$parent", "$auth", "⟨member⟩",
            "member:⟨x⟩", "type::record('member', 'x')", "<script>alert(1)</script>",
            "[x](javascript:alert(1))", "![x](http://evil.example/x.png)", "**", "_", "# ",
            "../../etc/passwd", "//evil.example", "https://evil.example", "{{}}", "null",
            "true", "[]", "{}", "-1", "0", "1e309", "NaN", "99999999999999999999",
            "🏥👩🏽‍⚕️", "e\u{301}\u{301}\u{301}", "مرحبا", "ＡＢＣ", "İ", "ß", "\u{10FFFF}",
            "555-867-5309", "MRN 1234567", "DOB 01/02/1934", "@fz.doc", "fz-club",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(atom, 0..6).prop_map(|parts| parts.concat())
}

/// Something far larger than any field allows (up to 1.5 MiB: under the body limit, so
/// the function itself must refuse it) or, rarely, over the 2 MiB body limit.
fn huge() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (nasty(), 5_000usize..200_000),
        1 => (nasty(), 1_000_000usize..1_500_000),
        1 => (Just("x".to_string()), 2_200_000usize..2_300_000),
    ]
    .prop_map(|(seed, len)| {
        let seed = if seed.is_empty() {
            "a".to_string()
        } else {
            seed
        };
        seed.chars().cycle().take(len).collect()
    })
}

/// An almost-right value for a field of kind `kind`.
fn plausible(kind: Kind, pools: &Pools) -> BoxedStrategy<String> {
    let pick = |v: &Vec<String>| -> BoxedStrategy<String> {
        if v.is_empty() {
            nasty().boxed()
        } else {
            let v = v.clone();
            prop_oneof![
                4 => prop::sample::select(v.clone()),
                // Real, but mangled: case, an `@`, whitespace, a suffix.
                1 => (prop::sample::select(v.clone()), nasty()).prop_map(|(a, b)| format!("{a}{b}")),
                1 => prop::sample::select(v.clone()).prop_map(|a| format!(" @{} ", a.to_uppercase())),
            ]
            .boxed()
        }
    };
    match kind {
        Text => prop_oneof![4 => "[a-zA-Z ,.]{1,60}", 1 => nasty()].boxed(),
        Handle => pick(&pools.handles),
        Slug => pick(&pools.slugs),
        Id => prop_oneof![
            4 => pick(&pools.ids),
            1 => pick(&pools.cases),
            1 => "[a-z0-9]{20}",
        ]
        .boxed(),
        Cursor => pick(&pools.cursors),
        Source => pick(&pools.sources),
        Case => prop_oneof![
            3 => pick(&pools.cases),
            1 => pick(&pools.ids).prop_map(|id| format!("comment:{id}")),
        ]
        .boxed(),
        Bool => prop::sample::select(vec!["true", "false", "on", "1", "", "yes"])
            .prop_map(str::to_string)
            .boxed(),
        Choice(values) => prop::sample::select(values.to_vec())
            .prop_map(str::to_string)
            .boxed(),
    }
}

/// One field's values: usually one, sometimes none or two (a duplicated field).
fn field_values(kind: Kind, pools: &Pools) -> BoxedStrategy<Vec<String>> {
    let one = prop_oneof![
        12 => plausible(kind, pools),
        6 => nasty(),
        1 => huge(),
    ];
    prop_oneof![
        7 => one.clone().prop_map(|v| vec![v]),
        2 => Just(Vec::new()),
        1 => (one.clone(), one).prop_map(|(a, b)| vec![a, b]),
    ]
    .boxed()
}

/// How the request is dressed, beyond its fields.
#[derive(Clone, Debug)]
struct Dress {
    who: Who,
    /// Extra fields: `__err`, `__path`, unknown names.
    extra: Vec<(String, String)>,
    /// `None`: a form; otherwise this content type (and the form as the body anyway).
    content_type: Option<&'static str>,
    accept: Option<&'static str>,
    /// A garbage session or flash cookie instead of (or beside) the real one.
    bad_cookie: Option<(&'static str, String)>,
    cross_site: bool,
    head: bool,
}

fn dress() -> impl Strategy<Value = Dress> {
    let extra_name = prop_oneof![
        3 => Just("__err".to_string()),
        2 => Just("__path".to_string()),
        1 => Just("draft".to_string()),
        1 => "[a-z_\\[\\]]{1,12}",
    ];
    let err_value = prop_oneof![
        2 => nasty(),
        1 => Just(r#"{"kind":"Internal","message":"injected","field":"body","kept":{"body":"<script>x</script>"},"phi":[]}"#.to_string()),
        1 => Just(r#"{"kind":"Invalid","message":"x","field":null,"kept":{},"phi":[{"kind":"Phone","start":9,"end":2}]}"#.to_string()),
        1 => Just("/api/create_post".to_string()),
    ];
    (
        prop::sample::select(vec![
            Who::Visitor,
            Who::Patient,
            Who::Doctor,
            Who::Moderator,
        ]),
        prop::collection::vec((extra_name, err_value), 0..3),
        prop::option::weighted(
            0.15,
            prop::sample::select(vec![
                "application/json",
                "text/plain",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded; charset=utf-16",
                "application/cbor",
            ]),
        ),
        prop::option::weighted(
            0.3,
            prop::sample::select(vec!["text/html", "application/json", "*/*", "image/png"]),
        ),
        prop::option::weighted(
            0.15,
            (
                prop::sample::select(vec!["rounds_session", "rounds_flash"]),
                nasty(),
            ),
        ),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
    )
        .prop_map(
            |(who, extra, content_type, accept, bad_cookie, cross_site, head)| Dress {
                who,
                extra,
                content_type,
                accept,
                bad_cookie,
                cross_site,
                head,
            },
        )
}

/// What went wrong with one case.
#[derive(Debug)]
struct Violation {
    endpoint: String,
    what: String,
    request: String,
}

#[derive(Default)]
struct Totals {
    endpoints: usize,
    cases: usize,
    status_5xx: usize,
    transport_errors: usize,
    /// Bodies the server refused before reading them (over the limit, or cross-site).
    oversized: usize,
    untyped_errors: usize,
    slow: usize,
    inconsistent: usize,
    slowest_ms: u128,
    slowest: String,
    violations: Vec<Violation>,
}

impl Totals {
    fn line(&self, panics: usize) -> String {
        serde_json::json!({
            "bench": "fuzz",
            "endpoints": self.endpoints,
            "cases": self.cases,
            "status_5xx": self.status_5xx,
            "panics": panics,
            "transport_errors": self.transport_errors,
            "refused_unread": self.oversized,
            "untyped_errors": self.untyped_errors,
            "slow": self.slow,
            "inconsistent": self.inconsistent,
            "slowest_ms": self.slowest_ms,
            "slowest": self.slowest,
        })
        .to_string()
    }
    fn violate(&mut self, endpoint: &str, what: String, request: String) {
        if self.violations.len() < 50 {
            self.violations.push(Violation {
                endpoint: endpoint.to_string(),
                what,
                request,
            });
        }
    }
}

/// Panics on the server's threads (named below), not in the test harness's.
static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);
const SERVER_THREAD: &str = "fuzz-server";

fn count_server_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = std::thread::current().name().unwrap_or("").to_string();
            if name.starts_with(SERVER_THREAD) {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            default(info);
        }));
    });
}

fn cases_per_endpoint() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(SERVER_THREAD)
        .thread_stack_size(20 * 1024 * 1024)
        .enable_all()
        .build()
        .unwrap()
}

/// A session for `who`, new for each case (so a fuzzed `sign_out` ends only its own).
async fn session(f: &Fixture, who: Who) -> Option<String> {
    let member = match who {
        Who::Visitor => return None,
        Who::Patient => &f.members[0],
        Who::Doctor => &f.members[1],
        Who::Moderator => &f.members[2],
    };
    let issued =
        app::domain::sessions::create(&f.server.db, member, Duration::from_secs(3600), "fuzz")
            .await
            .unwrap();
    Some(issued.token)
}

/// Sends one request and checks the per-case invariants.
#[allow(clippy::too_many_arguments)]
async fn send(
    f: &Fixture,
    http: &reqwest::Client,
    endpoint: &str,
    api: bool,
    url: String,
    body: Option<String>,
    d: &Dress,
    totals: &Mutex<Totals>,
) {
    let mut cookies = Vec::new();
    if let Some(token) = session(f, d.who).await {
        cookies.push(format!("{}={token}", app::domain::sessions::COOKIE));
    }
    if let Some((name, value)) = &d.bad_cookie {
        let value: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        cookies.push(format!("{name}={value}"));
    }
    let mut req = match (&body, d.head) {
        (Some(_), _) => http.post(&url),
        (None, true) => http.head(&url),
        (None, false) => http.get(&url),
    };
    if !cookies.is_empty() {
        req = req.header(reqwest::header::COOKIE, cookies.join("; "));
    }
    if let Some(a) = d.accept {
        req = req.header(reqwest::header::ACCEPT, a);
    }
    if d.cross_site {
        req = req.header("sec-fetch-site", "cross-site");
    }
    let body_len = body.as_ref().map_or(0, String::len);
    let sent: String = body
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(400)
        .collect();
    if let Some(b) = body {
        req = req
            .header(
                reqwest::header::CONTENT_TYPE,
                d.content_type
                    .unwrap_or("application/x-www-form-urlencoded"),
            )
            .body(b);
    }
    let describe = || {
        format!(
            "{url} as {:?}, body {body_len} bytes {sent:?}, dress {:?}",
            d.who, d
        )
    };
    totals.lock().unwrap().cases += 1;
    let started = Instant::now();
    let res = req.send().await;
    let res = match res {
        Ok(r) => r,
        // Over the body limit the server answers 413 without reading the rest, and a
        // cross-site request gets its 403 before its body is read; either way the server
        // then closes the connection, so a client still writing a large body sees a broken
        // pipe, not the answer (`http::an_oversized_request_body_is_a_413` and
        // `http::cross_site_posts_are_refused` read those answers). Refusing without
        // reading is the point: nobody's megabytes are read only to be refused.
        Err(_)
            if body_len > server::router::MAX_API_BODY || (d.cross_site && body_len > UNREAD) =>
        {
            totals.lock().unwrap().oversized += 1;
            return;
        }
        Err(e) => {
            let mut t = totals.lock().unwrap();
            t.transport_errors += 1;
            t.violate(endpoint, format!("no answer: {e}"), describe());
            return;
        }
    };
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    let elapsed = started.elapsed();
    let mut t = totals.lock().unwrap();
    if elapsed.as_millis() > t.slowest_ms {
        t.slowest_ms = elapsed.as_millis();
        t.slowest = endpoint.to_string();
    }
    if elapsed > SLOWEST_ALLOWED {
        t.slow += 1;
        t.violate(endpoint, format!("{} ms", elapsed.as_millis()), describe());
    }
    if status.is_server_error() {
        t.status_5xx += 1;
        let excerpt: String = text.chars().take(300).collect();
        t.violate(endpoint, format!("{status}: {excerpt}"), describe());
    }
    // A refused call answers the error the forms read: JSON with a kind and a message.
    // (A redirect, the no-JS path, carries it in the flash instead.)
    if api && status.is_client_error() && !d.head {
        let typed = serde_json::from_str::<Value>(&text).is_ok_and(|v| {
            v["kind"].is_string() && v["message"].as_str().is_some_and(|m| !m.is_empty())
        });
        if !typed {
            t.untyped_errors += 1;
            let excerpt: String = text.chars().take(200).collect();
            t.violate(
                endpoint,
                format!("{status} without a typed error: {excerpt:?}"),
                describe(),
            );
        }
    }
}

/// The stored counters equal what they count, and the server still answers.
async fn consistent(f: &Fixture, endpoint: &str, totals: &Mutex<Totals>) {
    let mut res = f
        .server
        .db
        .query(
            "SELECT record::id(id) AS id FROM post WHERE
                comment_count != count(SELECT id FROM comment WHERE post = $parent.id AND deleted_at = NONE)
                OR like_count != count(SELECT id FROM reaction WHERE post = $parent.id AND kind = 'like')
                OR insightful_count != count(SELECT id FROM reaction WHERE post = $parent.id AND kind = 'insightful')
                OR support_count != count(SELECT id FROM reaction WHERE post = $parent.id AND kind = 'support');
             SELECT record::id(id) AS id FROM community WHERE
                member_count != count(SELECT id FROM member_of WHERE out = $parent.id AND status = 'active');",
        )
        .await
        .unwrap();
    let posts: Vec<Value> = res.take(0).unwrap();
    let communities: Vec<Value> = res.take(1).unwrap();
    let health = common::client()
        .get(f.server.url("/healthz"))
        .send()
        .await
        .map(|r| r.status());
    let mut t = totals.lock().unwrap();
    if !posts.is_empty() || !communities.is_empty() {
        t.inconsistent += 1;
        t.violate(
            endpoint,
            format!("counters off: posts {posts:?}, communities {communities:?}"),
            String::new(),
        );
    }
    if !matches!(health, Ok(StatusCode::OK)) {
        t.violate(endpoint, format!("healthz: {health:?}"), String::new());
    }
}

/// A form body from `fields` (a field with two values appears twice).
fn form(fields: &[(String, Vec<String>)], extra: &[(String, String)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (name, values) in fields {
        for v in values {
            s.append_pair(name, v);
        }
    }
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Runs `cases` generated cases of one endpoint on its own fixture.
fn fuzz_endpoint<S, F>(
    endpoint: &str,
    cases: u32,
    strategy: S,
    to_request: F,
    totals: &Mutex<Totals>,
) where
    S: Fn(&Pools) -> BoxedStrategy<(Vec<(String, Vec<String>)>, Dress)>,
    F: Fn(&Fixture, &[(String, Vec<String>)], &Dress) -> (bool, String, Option<String>),
{
    let rt = runtime();
    let f = rt.block_on(fixture());
    // A new connection per case: after a refused oversized body the server closes its
    // connection, and a pooled client racing that close would report a failure of its own.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let strategy = strategy(&f.pools);
    // Seeded from the endpoint's name: a run is repeatable, and each endpoint differs.
    let seed: [u8; 32] = {
        let mut s = [0u8; 32];
        for (i, b) in endpoint.bytes().enumerate() {
            s[i % 32] ^= b.wrapping_mul(31).wrapping_add(i as u8);
        }
        s
    };
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &seed,
        ),
    );
    for _ in 0..cases {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let (fields, d) = case;
        let (api, url, body) = to_request(&f, &fields, &d);
        rt.block_on(send(&f, &http, endpoint, api, url, body, &d, totals));
    }
    rt.block_on(consistent(&f, endpoint, totals));
    totals.lock().unwrap().endpoints += 1;
}

fn finish(name: &str, totals: Mutex<Totals>) {
    let t = totals.into_inner().unwrap();
    let panics = SERVER_PANICS.load(Ordering::SeqCst);
    for v in &t.violations {
        eprintln!("VIOLATION {}: {}\n    {}", v.endpoint, v.what, v.request);
    }
    println!("{}", t.line(panics));
    assert!(
        t.violations.is_empty() && panics == 0,
        "{name}: {} violations, {panics} server panics (listed above)",
        t.violations.len()
    );
}

#[test]
fn every_server_function_survives_hostile_input() {
    count_server_panics();
    let totals = Mutex::new(Totals::default());
    let only = std::env::var("FUZZ_ONLY").ok().filter(|o| !o.is_empty());
    for &(name, fields) in FUNCTIONS {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let strategy = move |pools: &Pools| {
            let per_field: Vec<BoxedStrategy<(String, Vec<String>)>> = fields
                .iter()
                .map(|&(field, kind)| {
                    field_values(kind, pools)
                        .prop_map(move |v| (field.to_string(), v))
                        .boxed()
                })
                .collect();
            (per_field, dress()).boxed()
        };
        fuzz_endpoint(
            name,
            cases_per_endpoint(),
            strategy,
            |f, fields, d| {
                let body = form(fields, &d.extra);
                (true, f.server.url(&format!("/api/{name}")), Some(body))
            },
            &totals,
        );
    }
    finish("server functions", totals);
}

#[test]
fn every_page_survives_hostile_input() {
    count_server_panics();
    let totals = Mutex::new(Totals::default());
    let only = std::env::var("FUZZ_ONLY").ok().filter(|o| !o.is_empty());
    for &page in PAGES {
        if only.as_deref().is_some_and(|o| o != page) {
            continue;
        }
        let params: Vec<(&str, Kind)> = [("id", Id), ("slug", Slug), ("handle", Handle)]
            .into_iter()
            .filter(|(p, _)| page.contains(&format!("{{{p}}}")))
            .collect();
        let strategy = move |pools: &Pools| {
            let mut parts: Vec<BoxedStrategy<(String, Vec<String>)>> = params
                .iter()
                .map(|&(p, kind)| {
                    prop_oneof![4 => plausible(kind, pools), 1 => nasty()]
                        .prop_map(move |v| (p.to_string(), vec![v]))
                        .boxed()
                })
                .collect();
            // The query: a cursor, a `next`, and whatever else arrives.
            for (q, kind) in [("after", Cursor), ("next", Text), ("kind", Text)] {
                parts.push(
                    prop_oneof![2 => Just(Vec::new()), 1 => field_values(kind, pools)]
                        .prop_map(move |v| (format!("?{q}"), v))
                        .boxed(),
                );
            }
            (parts, dress()).boxed()
        };
        fuzz_endpoint(
            page,
            cases_per_endpoint(),
            strategy,
            |f, fields, d| {
                let mut path = page.to_string();
                let mut query = Vec::new();
                for (name, values) in fields {
                    if let Some(q) = name.strip_prefix('?') {
                        query.push((q.to_string(), values.clone()));
                    } else {
                        let v = values.first().cloned().unwrap_or_default();
                        let v = if name == "handle" && !v.starts_with('@') {
                            format!("@{v}")
                        } else {
                            v
                        };
                        // A path segment: percent-encoded, so `/` and `?` stay inside it.
                        let enc: String = utf8_percent(&v);
                        path = path.replace(&format!("{{{name}}}"), &enc);
                    }
                }
                // Big values belong in bodies; in a URL they are capped as browsers do.
                let query: Vec<(String, Vec<String>)> = query
                    .into_iter()
                    .map(|(k, vs)| {
                        (
                            k,
                            vs.into_iter()
                                .map(|v| v.chars().take(4000).collect())
                                .collect(),
                        )
                    })
                    .collect();
                let q = form(&query, &d.extra);
                let url = if q.is_empty() {
                    f.server.url(&path)
                } else {
                    f.server.url(&format!("{path}?{q}"))
                };
                (false, url, None)
            },
            &totals,
        );
    }
    finish("pages", totals);
}

/// Percent-encodes a path segment (everything but unreserved characters), capped at
/// 4,000 characters as a browser's address bar would be.
fn utf8_percent(v: &str) -> String {
    let v: String = v.chars().take(4000).collect();
    v.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The tables above name every server function the app registers and every page its
/// router serves: a new one cannot slip past the fuzzing.
#[test]
fn every_server_function_and_page_is_fuzzed() {
    let rt = runtime();
    // Building a router registers the server functions and generates the routes.
    let _s = rt.block_on(common::spawn(AuthSettings::default()));
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let fuzzed: BTreeSet<String> = FUNCTIONS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        registered, fuzzed,
        "server functions not in FUNCTIONS, or gone"
    );
    let pages: BTreeSet<String> = server::router::page_paths().into_iter().collect();
    let fuzzed: BTreeSet<String> = PAGES.iter().map(|p| p.to_string()).collect();
    assert_eq!(pages, fuzzed, "pages not in PAGES, or gone");
}
