//! `bench/phi`: the PHI guard's time per post. Builds posts of 5,000 characters from the
//! labelled corpora (markup removed), scans each once after a warm-up (the word lists
//! load on the first scan), and prints the distribution. Last line: JSON.

use std::time::Instant;

use app::domain::phi;

const CORPORA: [&str; 3] = [
    include_str!("../tests/phi/corpus.txt"),
    include_str!("../tests/phi/heldout_others.txt"),
    include_str!("../tests/phi/generator/templates.txt"),
];

/// A corpus line without its `[[kind:text]]` markup (templates keep their `{slot}`s,
/// which read as ordinary words to the guard).
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find("[[") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else { break };
        let inner = &after[..close];
        out.push_str(inner.split_once(':').map_or(inner, |(_, v)| v));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut posts = 2000usize;
    let mut chars = 5000usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--posts" => posts = args.next().and_then(|v| v.parse().ok()).unwrap_or(posts),
            "--chars" => chars = args.next().and_then(|v| v.parse().ok()).unwrap_or(chars),
            _ => {
                eprintln!("usage: bench/phi [--posts N] [--chars N]");
                std::process::exit(2);
            }
        }
    }
    let lines: Vec<String> = CORPORA
        .iter()
        .flat_map(|c| c.lines())
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(plain)
        .collect();
    // Each post: consecutive lines from a rotating start, cut to `chars` characters.
    let texts: Vec<String> = (0..posts)
        .map(|p| {
            let mut t = String::new();
            let mut i = (p * 7) % lines.len();
            while t.chars().count() < chars {
                t.push_str(&lines[i]);
                t.push('\n');
                i = (i + 1) % lines.len();
            }
            t.chars().take(chars).collect()
        })
        .collect();
    let warm = Instant::now();
    let _ = phi::scan(&texts[0]);
    let first_ms = warm.elapsed().as_secs_f64() * 1e3;
    let mut times: Vec<f64> = texts
        .iter()
        .map(|t| {
            let start = Instant::now();
            let found = phi::scan(t);
            let ms = start.elapsed().as_secs_f64() * 1e3;
            std::hint::black_box(found);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    let p95 = at(0.95);
    println!(
        "{{\"bench\":\"phi\",\"posts\":{posts},\"chars_per_post\":{chars},\"first_scan_ms\":{first_ms:.1},\"p50_ms\":{:.3},\"p95_ms\":{p95:.3},\"max_ms\":{:.3},\"budget_p95_ms\":5}}",
        at(0.5),
        times[times.len() - 1]
    );
    if p95 > 5.0 {
        std::process::exit(1);
    }
}
