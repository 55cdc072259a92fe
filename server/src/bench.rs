//! Latency of the graph queries, measured through the same domain functions the server
//! functions call, on whatever database `ROUNDS_DB` points at.

use std::time::{Duration, Instant};

use app::db::Db;
use app::domain::graph::{self, ListKind};
use app::model::{MemberId, PairKey};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

fn percentiles(mut samples: Vec<Duration>) -> Value {
    samples.sort();
    let at = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        (samples[i].as_secs_f64() * 1000.0 * 100.0).round() / 100.0
    };
    json!({ "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99) })
}

async fn time<F, Fut, T>(pairs: &[(MemberId, MemberId)], mut f: F) -> Result<Value, String>
where
    F: FnMut(MemberId, MemberId) -> Fut,
    Fut: std::future::Future<Output = Result<T, graph::GraphError>>,
{
    let mut samples = Vec::with_capacity(pairs.len());
    for (a, b) in pairs {
        let started = Instant::now();
        f(a.clone(), b.clone()).await.map_err(|e| e.to_string())?;
        samples.push(started.elapsed());
    }
    Ok(percentiles(samples))
}

/// Measures `samples` random members (and random pairs) and returns the JSON report.
pub async fn graph(db: &Db, samples: usize, seed: u64) -> Result<Value, String> {
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM member")
        .await
        .map_err(|e| e.to_string())?;
    let ids: Vec<MemberId> = res
        .take::<Vec<String>>(0)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(MemberId::from)
        .collect();
    if ids.len() < 2 {
        return Err("seed the database first (rounds seed --members N)".into());
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let pairs: Vec<(MemberId, MemberId)> = (0..samples)
        .map(|_| {
            let mut two = ids.choose_multiple(&mut rng, 2);
            let a = two.next().cloned().unwrap_or_default();
            let b = two.next().cloned().unwrap_or_default();
            (a, b)
        })
        .collect();
    // Warm up caches the way a running server would have them.
    for (a, b) in pairs.iter().take(20) {
        let _ = graph::degree(db, a, b).await;
    }
    let degree = time(
        &pairs,
        |a, b| async move { graph::degree(db, &a, &b).await },
    )
    .await?;
    let mutuals = time(
        &pairs,
        |a, b| async move { graph::mutuals(db, &a, &b, 3).await },
    )
    .await?;
    // The ranking a running server keeps per member and refreshes in the background
    // (what a member without a stored ranking waits for once)…
    let pymk_refresh = time(&pairs, |a, _| async move {
        graph::refresh_suggestions(db, &a).await
    })
    .await?;
    // …and the page view, which reads it and filters it against the member's own edges.
    let pymk = time(&pairs, |a, _| async move {
        graph::people_you_may_know(db, &a, 12).await
    })
    .await?;
    let followers_page = time(&pairs, |a, b| async move {
        graph::list(
            db,
            Some(&a),
            &b,
            ListKind::Followers,
            None,
            app::api::graph::PAGE_SIZE,
        )
        .await
    })
    .await?;
    Ok(json!({
        "bench": "graph",
        "members": ids.len(),
        "samples": samples,
        "metrics": { "degree": degree, "mutuals": mutuals, "pymk": pymk, "followers_page": followers_page, "pymk_refresh": pymk_refresh }
    }))
}

/// Prepares the feed load test: `clients` members who each follow `follows` members
/// who post and are connected to `connections` members, joined to two communities, each
/// with a session. Returns a Lua table for wrk: session tokens, each client's
/// second-page cursor, and public post ids.
pub async fn feed_prep(
    db: &Db,
    clients: usize,
    follows: usize,
    connections: usize,
    seed: u64,
) -> Result<String, String> {
    use app::domain::{accounts, feed, sessions, viewer::Viewer};
    let e = |e: surrealdb::Error| e.to_string();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut res = db
        .query(
            "SELECT VALUE record::id(id) FROM member WHERE last_post_rank != NONE;
             SELECT VALUE record::id(id) FROM member;
             SELECT VALUE record::id(id) FROM community;
             SELECT VALUE record::id(id) FROM post WHERE visibility = 'public' ORDER BY rank LIMIT 500;",
        )
        .await
        .map_err(e)?;
    let posters: Vec<String> = res.take(0).map_err(e)?;
    let everyone: Vec<String> = res.take(1).map_err(e)?;
    let communities: Vec<String> = res.take(2).map_err(e)?;
    let public_posts: Vec<String> = res.take(3).map_err(e)?;
    if posters.len() < follows || everyone.len() < connections {
        return Err("seed more members and posts first".into());
    }
    let mut tokens = Vec::new();
    let mut cursors = Vec::new();
    for i in 0..clients {
        let handle = format!("bench{i}.{}", seed % 1_000_000_000);
        let me = match accounts::sign_up(
            db,
            &accounts::SignUp {
                email: format!("{handle}@example.org"),
                handle: handle.clone(),
                display_name: format!("Bench client {i}"),
                password: "bench-password-not-secret".into(),
                role: "professional".into(),
            },
        )
        .await
        {
            Ok(m) => m.id,
            Err(err) => return Err(format!("bench client {handle}: {err}")),
        };
        // Follows and connections written in bulk, as the seed does.
        let followed: Vec<&String> = posters.choose_multiple(&mut rng, follows).collect();
        let rows: Vec<Value> = followed
            .iter()
            .enumerate()
            .map(|(k, b)| json!({ "a": me, "b": b, "rank": -(k as i64) - 1 }))
            .collect();
        db.query("INSERT RELATION INTO follows $rows.map(|$r| { in: type::record('member', $r.a), out: type::record('member', $r.b), rank: $r.rank }) RETURN NONE;")
            .bind(("rows", Value::Array(rows)))
            .await
            .and_then(|r| r.check())
            .map_err(e)?;
        let linked: Vec<&String> = everyone
            .iter()
            .filter(|id| *id != &me)
            .collect::<Vec<_>>()
            .choose_multiple(&mut rng, connections)
            .copied()
            .collect();
        // Accepted connections, one record per pair, written in bulk as the seed does.
        let rows: Vec<Value> = linked
            .iter()
            .map(|b| json!({ "a": me, "b": b, "pair": PairKey::of(&me, b) }))
            .collect();
        db.query("INSERT RELATION INTO connected $rows.map(|$r| { in: type::record('member', $r.a), out: type::record('member', $r.b), pair: $r.pair, status: 'accepted', accepted_at: time::now() }) RETURN NONE;")
            .bind(("rows", Value::Array(rows)))
            .await
            .and_then(|r| r.check())
            .map_err(e)?;
        for c in communities.choose_multiple(&mut rng, 2) {
            db.query("RELATE (type::record('member', $m))->member_of->(type::record('community', $c)) CONTENT { role: 'member', status: 'active' }")
                .bind(("m", me.to_string()))
                .bind(("c", c.clone()))
                .await
                .and_then(|r| r.check())
                .map_err(e)?;
        }
        let issued = sessions::create(db, &me, Duration::from_secs(86_400), "bench/feed")
            .await
            .map_err(e)?;
        let v = Viewer::load(db, Some(&me), true).await.map_err(e)?;
        let first = feed::feed(db, &v, None, app::model::FEED_PAGE)
            .await
            .map_err(|e| e.to_string())?;
        tokens.push(issued.token);
        cursors.push(first.next.unwrap_or_default());
    }
    let lua_list = |items: &[String]| {
        items
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Ok(format!(
        "tokens = {{ {} }}\ncursors = {{ {} }}\nposts = {{ {} }}\n",
        lua_list(&tokens),
        lua_list(&cursors),
        lua_list(&public_posts)
    ))
}

/// The text of one paragraph of the baseline pages: about the length of a line of a post.
const PARAGRAPH: &str =
    "Rounds is where clinicians, patients and organizations talk about care, with sources.";

/// A bare axum server returning a static page of `bytes` bytes: the baseline the feed's
/// throughput is compared with. It also serves the same page three more ways, each adding
/// one part of the stack Rounds is built on and nothing of Rounds itself, so a run shows
/// what each part costs on its own (the *floors*):
/// - `/query`: the static page after one trivial SurrealDB statement (`RETURN 1`) on an
///   embedded in-memory database — the least any page that reads the database pays;
/// - `/leptos`: the page's paragraphs rendered by Leptos (`leptos_axum`, async SSR as the
///   app's pages, one resource under `Suspense`) — the least a server-rendered page pays;
/// - `/leptos-query`: both — the least a server-rendered page from SurrealDB can cost.
pub async fn baseline(addr: std::net::SocketAddr, bytes: usize) -> Result<(), String> {
    let app = baseline_router(bytes).await?;
    let listener = crate::listener::bind(addr).await?;
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

/// The baseline server's routes (see [`baseline`]).
pub async fn baseline_router(bytes: usize) -> Result<axum::Router, String> {
    use std::sync::Arc;

    use axum::http::StatusCode;
    use axum::response::{Html, IntoResponse};
    use axum::routing::get;

    // What `leptos_routes` does for the app: Leptos spawns its resources on tokio.
    let _ = any_spawner::Executor::init_tokio();
    let paragraphs = floor_paragraphs(bytes);
    let mut page = String::from("<!DOCTYPE html><html><head><title>baseline</title></head><body>");
    for _ in 0..paragraphs {
        page.push_str("<p>");
        page.push_str(PARAGRAPH);
        page.push_str("</p>");
    }
    page.push_str("</body></html>");
    let page: &'static str = Box::leak(page.into_boxed_str());
    let db = Arc::new(app::db::open_memory().await.map_err(|e| e.to_string())?);
    let query_db = db.clone();
    let app = axum::Router::new()
        .route(
            "/query",
            get(move || {
                let db = query_db.clone();
                async move {
                    match trivial_query(&db).await {
                        1 => Html(page).into_response(),
                        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    }
                }
            }),
        )
        .route(
            "/leptos",
            get(leptos_axum::render_app_async(move || {
                floor_page(paragraphs, None)
            })),
        )
        .route(
            "/leptos-query",
            get(leptos_axum::render_app_async(move || {
                floor_page(paragraphs, Some(db.clone()))
            })),
        )
        .fallback(move || async move { Html(page) });
    Ok(app)
}

/// How many paragraphs make a page of about `bytes` bytes.
fn floor_paragraphs(bytes: usize) -> usize {
    bytes.saturating_sub(80) / (PARAGRAPH.len() + 7)
}

/// `RETURN 1`, answered by the database (0 if it failed).
async fn trivial_query(db: &Db) -> i64 {
    match db
        .query("RETURN 1")
        .await
        .map(|mut r| r.take::<Option<i64>>(0))
    {
        Ok(Ok(Some(one))) => one,
        _ => 0,
    }
}

/// The floor page in Leptos: its paragraphs appear once a resource resolves (after one
/// `RETURN 1` when there is a database), the way the app's pages wait for their data.
fn floor_page(paragraphs: usize, db: Option<std::sync::Arc<Db>>) -> impl leptos::IntoView {
    use leptos::prelude::*;

    let data = Resource::new(
        || (),
        move |_| {
            let db = db.clone();
            async move {
                match db {
                    Some(db) => trivial_query(&db).await,
                    None => 1,
                }
            }
        },
    );
    view! {
        <!DOCTYPE html>
        <html>
            <head><title>"baseline"</title></head>
            <body>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let one = data.await;
                        (0..paragraphs * one as usize)
                            .map(|_| view! { <p>{PARAGRAPH}</p> })
                            .collect_view()
                    })}
                </Suspense>
            </body>
        </html>
    }
}
