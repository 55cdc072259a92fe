//! Latency of the graph queries, measured through the same domain functions the server
//! functions call, on whatever database `ROUNDS_DB` points at.

use std::time::{Duration, Instant};

use app::db::Db;
use app::domain::graph::{self, ListKind};
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

async fn time<F, Fut, T>(pairs: &[(String, String)], mut f: F) -> Result<Value, String>
where
    F: FnMut(String, String) -> Fut,
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
    let ids: Vec<String> = res.take(0).map_err(|e| e.to_string())?;
    if ids.len() < 2 {
        return Err("seed the database first (rounds seed --members N)".into());
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let pairs: Vec<(String, String)> = (0..samples)
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
