//! A realistic synthetic graph: power-law connection degrees (median about 50 for
//! professionals, a tail to a few thousand), clustered by specialty and city so that
//! colleagues share connections, and follows concentrated on well-known professionals.

use std::collections::HashSet;

use app::db::Db;
use app::model::{ConnectionStatus, PairKey};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

/// A seeded member as the graph generator sees it.
pub struct Node {
    pub id: String,
    role: String,
    cluster: u64,
    hub: bool,
}

impl Node {
    pub fn of(id: String, row: &Value) -> Node {
        let field = |k: &str| row[k].as_str().unwrap_or_default().to_string();
        let key = format!("{}|{}", field("specialty"), field("location"));
        let cluster = key.bytes().fold(1469598103934665603u64, |h, b| {
            (h ^ b as u64).wrapping_mul(1099511628211)
        });
        Node {
            id,
            role: field("role"),
            cluster,
            hub: false,
        }
    }
    /// A showcase account: well connected so the demo has something to show.
    pub fn hub(mut self) -> Node {
        self.hub = true;
        self
    }
}

/// How many edges were written.
pub struct Edges {
    pub connections: usize,
    pub follows: usize,
    pub pending: usize,
}

/// Target connection degree: Pareto with shape 2 (median ≈ 50 for professionals), capped.
fn degree(rng: &mut StdRng, node: &Node, n: usize) -> usize {
    let (scale, cap) = match node.role.as_str() {
        "professional" => (35.0, 3000.0),
        "organization" => (14.0, 800.0),
        _ => (4.0, 200.0),
    };
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let d = if node.hub {
        40.0
    } else {
        (scale / u.sqrt()).min(cap)
    };
    (d as usize).min(n.saturating_sub(1))
}

/// Pairs stubs: 70% within the member's cluster (colleagues), the rest across the network.
fn connections(nodes: &[Node], rng: &mut StdRng) -> Vec<(usize, usize)> {
    let n = nodes.len();
    let mut by_cluster: std::collections::HashMap<u64, Vec<usize>> =
        std::collections::HashMap::new();
    let mut global = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        for _ in 0..degree(rng, node, n) {
            if rng.gen_bool(0.7) {
                by_cluster.entry(node.cluster).or_default().push(i);
            } else {
                global.push(i);
            }
        }
    }
    let mut seen = HashSet::new();
    let mut edges = Vec::new();
    let mut pair_up = |stubs: &mut Vec<usize>, rng: &mut StdRng, leftover: &mut Vec<usize>| {
        stubs.shuffle(rng);
        for chunk in stubs.chunks(2) {
            match chunk {
                [a, b] if a != b && seen.insert((*a.min(b), *a.max(b))) => edges.push((*a, *b)),
                [a, _] | [a] => leftover.push(*a),
                _ => {}
            }
        }
    };
    let mut clusters: Vec<_> = by_cluster.into_iter().collect();
    clusters.sort_by_key(|(k, _)| *k);
    for (_, mut stubs) in clusters {
        pair_up(&mut stubs, rng, &mut global);
    }
    let mut rest = Vec::new();
    pair_up(&mut global, rng, &mut rest);
    edges
}

async fn write(db: &Db, sql: &str, rows: Vec<Value>) -> Result<(), String> {
    db.query(sql)
        .bind(("rows", Value::Array(rows)))
        .await
        .and_then(|r| r.check())
        .map(|_| ())
        .map_err(|e| e.to_string())?;
    Ok(())
}

const INSERT_CONNECTED: &str = "INSERT RELATION INTO connected $rows.map(|$r| {
    in: type::record('member', $r.a), out: type::record('member', $r.b), pair: $r.pair,
    status: $r.status, accepted_at: IF $r.status = 'accepted' THEN time::now() ELSE NONE END
}) RETURN NONE;";

const INSERT_FOLLOWS: &str = "INSERT RELATION INTO follows $rows.map(|$r| {
    in: type::record('member', $r.a), out: type::record('member', $r.b), rank: $r.rank
}) RETURN NONE;";

/// Generates and writes the graph for `nodes`.
pub async fn seed(db: &Db, nodes: &[Node], rng: &mut StdRng) -> Result<Edges, String> {
    const BATCH: usize = 2000;
    let edges = connections(nodes, rng);
    let mut written = Edges {
        connections: 0,
        follows: 0,
        pending: 0,
    };
    for chunk in edges.chunks(BATCH) {
        let rows = chunk
            .iter()
            .map(|&(a, b)| {
                // A few requests are still waiting for an answer.
                let status = if rng.gen_bool(0.03) {
                    ConnectionStatus::Pending
                } else {
                    ConnectionStatus::Accepted
                };
                match status {
                    ConnectionStatus::Pending => written.pending += 1,
                    ConnectionStatus::Accepted => written.connections += 1,
                }
                let (a, b) = (&nodes[a].id, &nodes[b].id);
                json!({ "a": a, "b": b, "pair": PairKey::of(a, b), "status": status })
            })
            .collect();
        write(db, INSERT_CONNECTED, rows).await?;
    }

    // Follows concentrate on well-known professionals: the first 1% of professionals
    // (and the showcase hubs) draw most of them.
    let famous: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.hub || n.role == "professional")
        .map(|(i, _)| i)
        .take((nodes.len() / 100).max(5))
        .chain(
            nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.hub)
                .map(|(i, _)| i),
        )
        .collect();
    let mut seen = HashSet::new();
    let mut batch = Vec::with_capacity(BATCH);
    for a in 0..nodes.len() {
        let k = rng.gen_range(0..20usize);
        for _ in 0..k {
            let b = if rng.gen_bool(0.6) {
                famous[rng.gen_range(0..famous.len())]
            } else {
                rng.gen_range(0..nodes.len())
            };
            if a != b && seen.insert((a, b)) {
                let rank = app::domain::newest_first_rank();
                batch.push(json!({ "a": nodes[a].id, "b": nodes[b].id, "rank": rank }));
            }
        }
        if batch.len() >= BATCH {
            written.follows += batch.len();
            write(db, INSERT_FOLLOWS, std::mem::take(&mut batch)).await?;
        }
    }
    written.follows += batch.len();
    if !batch.is_empty() {
        write(db, INSERT_FOLLOWS, batch).await?;
    }
    Ok(written)
}
