//! Synthetic conversation: specialty and condition communities with members, posts with a
//! realistic mix of audiences (most public), a few citations, comments and reactions.
//! Post authorship follows a power law (a few prolific members, many occasional ones) and
//! times spread over the last 90 days. Scales to a million posts by inserting in batches.

use std::collections::HashMap;

use app::db::Db;
use app::domain::markdown;
use app::model::taxonomy::SPECIALTIES;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::{Value, json};

use super::anyhow_like::Result;

/// A seeded member as the content generator sees it.
pub struct Author {
    pub id: String,
    pub role: String,
    pub specialty: Option<String>,
}

/// What was created.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ContentReport {
    pub communities: usize,
    pub memberships: usize,
    pub posts: usize,
    pub comments: usize,
    pub reactions: usize,
}

const CONDITIONS: &[(&str, &str)] = &[
    ("type-1-diabetes", "Type 1 diabetes"),
    ("multiple-sclerosis", "Multiple sclerosis"),
    ("long-covid", "Long COVID"),
    ("asthma", "Asthma"),
    ("rheumatoid-arthritis", "Rheumatoid arthritis"),
    ("crohns-disease", "Crohn's disease"),
    ("epilepsy", "Epilepsy"),
    ("heart-failure", "Heart failure"),
];

const OPENERS: &[&str] = &[
    "Teaching point from today's clinic:",
    "Question for colleagues:",
    "Sharing a practice change we made this quarter:",
    "Journal club summary:",
    "A reminder that helped our team:",
    "What works for me:",
    "Update from our service:",
];

const BODIES: &[&str] = &[
    "we moved medication reconciliation to the first visit and **readmissions fell** over six months. Curious whether others saw the same.",
    "how do you approach shared decision-making when guidelines disagree? I find a one-page summary of options helps patients *and* me.",
    "the new guideline recommends earlier follow-up after discharge. Our nurse-led phone calls at 48 hours catch most problems.\n\n- check understanding of new medicines\n- confirm the follow-up appointment\n- ask about warning signs",
    "small trials are easy to over-read. Look at the confidence interval, not only the p-value, before changing practice.",
    "plain-language discharge letters reduced calls to our ward. Template available on request.",
    "sensor alarms at night were exhausting until I adjusted the thresholds with my care team. Ask about it at your next review.",
    "flu vaccination clinic runs on Saturdays this month, walk-ins welcome, prices listed on our profile.",
    "pacing made the biggest difference for me. Short walks, rest before I feel tired, and a diary to spot patterns.",
];

fn pick<'a, T>(rng: &mut StdRng, list: &'a [T]) -> &'a T {
    &list[rng.gen_range(0..list.len())]
}

const INSERT_MEMBERSHIPS: &str = "INSERT RELATION INTO member_of $rows.map(|$r| {
    in: type::record('member', $r.m), out: type::record('community', $r.c),
    role: $r.role, status: 'active'
}) RETURN NONE;";

/// Seeds communities, memberships, `posts` posts and their comments and reactions.
pub async fn seed(
    db: &Db,
    authors: &[Author],
    posts: usize,
    rng: &mut StdRng,
) -> Result<ContentReport> {
    let mut report = ContentReport::default();
    let professionals: Vec<usize> = (0..authors.len())
        .filter(|&i| authors[i].role == "professional")
        .collect();
    if professionals.is_empty() {
        return Ok(report);
    }
    // Communities: one per specialty that has members, one per condition, one general.
    let mut communities: Vec<(String, String, &str, &str)> = Vec::new(); // id, slug, kind, access
    let mut rows = Vec::new();
    let mut by_specialty: HashMap<String, String> = HashMap::new();
    for spec in SPECIALTIES.iter() {
        let slug = spec
            .name
            .to_lowercase()
            .replace([' ', '/', '&', ','], "-")
            .replace("--", "-");
        let id = format!("spec_{}", slug.replace('-', "_"));
        // Every third specialty community is for professionals only.
        let access = if communities.len().is_multiple_of(3) {
            "professionals"
        } else {
            "open"
        };
        by_specialty.insert(spec.name.to_string(), id.clone());
        rows.push(json!({
            "id": id, "slug": slug, "name": format!("{} professionals", spec.name),
            "description": format!("Peer discussion for {}: cases, guidelines and teaching.", spec.name),
            "kind": "specialty", "access": access,
            "created_by": authors[professionals[0]].id,
        }));
        communities.push((id, slug, "specialty", access));
    }
    for (slug, name) in CONDITIONS {
        let id = format!("cond_{}", slug.replace('-', "_"));
        rows.push(json!({
            "id": id, "slug": slug, "name": format!("Living with {}", name.to_lowercase()),
            "description": format!("Patients, carers and clinicians sharing what helps with {}.", name.to_lowercase()),
            "kind": "condition", "access": "open",
            "created_by": authors[professionals[0]].id,
        }));
        communities.push((id, slug.to_string(), "condition", "open"));
    }
    rows.push(json!({
        "id": "general_new_members", "slug": "welcome", "name": "Welcome to Rounds",
        "description": "Introduce yourself and ask how things work.",
        "kind": "general", "access": "approval",
        "created_by": format!("member:{}", authors[professionals[0]].id),
    }));
    communities.push((
        "general_new_members".into(),
        "welcome".into(),
        "general",
        "approval",
    ));
    write(db, "FOR $r IN $rows { CREATE type::record('community', $r.id) CONTENT { slug: $r.slug, name: $r.name, description: $r.description, kind: $r.kind, access: $r.access, created_by: type::record('member', $r.created_by) } };", rows, "communities").await?;
    report.communities = communities.len();

    // Memberships: professionals join their specialty's community; patients one or two
    // condition communities; some professionals a condition community too.
    let condition_ids: Vec<&String> = communities
        .iter()
        .filter(|c| c.2 == "condition")
        .map(|c| &c.0)
        .collect();
    let mut member_of: HashMap<usize, Vec<String>> = HashMap::new();
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut batch = Vec::new();
    let mut owners_done: std::collections::HashSet<String> = Default::default();
    for (i, a) in authors.iter().enumerate() {
        let mut joined: Vec<String> = Vec::new();
        match a.role.as_str() {
            "professional" => {
                if let Some(c) = a.specialty.as_ref().and_then(|s| by_specialty.get(s)) {
                    joined.push(c.clone());
                }
                if rng.gen_bool(0.2) {
                    joined.push((*pick(rng, &condition_ids)).clone());
                }
            }
            "patient" => {
                joined.push((*pick(rng, &condition_ids)).clone());
                if rng.gen_bool(0.3) {
                    joined.push((*pick(rng, &condition_ids)).clone());
                }
            }
            _ => {
                if rng.gen_bool(0.5) {
                    joined.push((*pick(rng, &condition_ids)).clone());
                }
            }
        }
        joined.sort();
        joined.dedup();
        for c in &joined {
            // The first member to join runs it.
            let role = if owners_done.insert(c.clone()) {
                "owner"
            } else {
                "member"
            };
            *counts.entry(c.clone()).or_default() += 1;
            batch.push(json!({ "m": a.id, "c": c, "role": role }));
        }
        report.memberships += joined.len();
        member_of.insert(i, joined);
        if batch.len() >= 2000 {
            write(
                db,
                INSERT_MEMBERSHIPS,
                std::mem::take(&mut batch),
                "memberships",
            )
            .await?;
        }
    }
    write(db, INSERT_MEMBERSHIPS, batch, "memberships").await?;
    let count_rows: Vec<Value> = counts
        .iter()
        .map(|(c, n)| json!({ "id": c, "n": n }))
        .collect();
    db.query(
        "FOR $r IN $rows { UPDATE type::record('community', $r.id) SET member_count = $r.n };",
    )
    .bind(("rows", Value::Array(count_rows)))
    .await
    .and_then(|r| r.check())
    .map_err(|e| format!("member counts: {e}"))?;

    // Posts: power-law authorship, newest last so ranks stay unique and ordered.
    let now_ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as i64;
    let span_ns: i64 = 90 * 24 * 3600 * 1_000_000_000;
    let step = (span_ns / posts.max(1) as i64).max(1);
    let mut last_rank: HashMap<String, i64> = HashMap::new();
    let mut last_community_rank: HashMap<String, i64> = HashMap::new();
    let mut post_rows = Vec::with_capacity(1000);
    let mut comment_rows = Vec::with_capacity(1000);
    let mut reaction_rows = Vec::with_capacity(1000);
    for n in 0..posts {
        // Pareto-ish: index = floor(len * u^3) favours the first (prolific) members.
        let u: f64 = rng.r#gen();
        let ai = ((authors.len() as f64) * u.powi(3)) as usize % authors.len();
        let a = &authors[ai];
        let ts = now_ns - span_ns + step * n as i64;
        let rank = -ts;
        let mut visibility = match rng.gen_range(0..100) {
            0..=69 => "public",
            70..=84 => "connections",
            85..=94 => "community",
            _ => "verified",
        };
        let joined = member_of.get(&ai).cloned().unwrap_or_default();
        let community = if visibility == "community" || (rng.gen_bool(0.1) && !joined.is_empty()) {
            joined.choose(rng).cloned()
        } else {
            None
        };
        if let Some(c) = &community {
            let access = communities
                .iter()
                .find(|x| &x.0 == c)
                .map_or("open", |x| x.3);
            if visibility == "public" && access != "open" || visibility == "connections" {
                visibility = "community";
            }
        } else if visibility == "community" {
            visibility = "public";
        }
        let body = format!("{} {}", pick(rng, OPENERS), pick(rng, BODIES));
        let citations = if rng.gen_bool(0.15) {
            json!([{ "kind": "doi", "value": format!("10.5555/rounds.demo.{n}"), "href": format!("https://doi.org/10.5555/rounds.demo.{n}") }])
        } else {
            json!([])
        };
        let id = format!("p{n}");
        let created = chrono_like(ts);
        let (likes, insightful, support) = if rng.gen_bool(0.3) {
            (
                rng.gen_range(0..3u32),
                rng.gen_range(0..2u32),
                rng.gen_range(0..2u32),
            )
        } else {
            (0, 0, 0)
        };
        let ncomments = if rng.gen_bool(0.2) {
            rng.gen_range(1..4)
        } else {
            0
        };
        post_rows.push(json!({
            "id": id, "author": a.id, "community": community,
            "body": body, "html": markdown::render(&body), "citations": citations,
            "visibility": visibility, "rank": rank, "created_at": created,
            "comment_count": ncomments,
        }));
        last_rank.insert(a.id.clone(), rank);
        if let Some(c) = &community {
            last_community_rank.insert(c.clone(), rank);
        }
        for c in 0..ncomments {
            let who = &authors[rng.gen_range(0..authors.len())];
            let text = *pick(
                rng,
                &[
                    "Thanks for sharing.",
                    "We do the same, it works.",
                    "Could you share the template?",
                    "Helpful — saving this.",
                ],
            );
            comment_rows.push(json!({
                "id": format!("p{n}c{c}"), "post": id, "author": who.id, "body": text,
                "html": format!("<p>{text}</p>"), "rank": ts + c as i64 + 1, "created_at": created,
            }));
        }
        for (kind, k) in [
            ("like", likes),
            ("insightful", insightful),
            ("support", support),
        ] {
            for _ in 0..k {
                let who = &authors[rng.gen_range(0..authors.len())];
                reaction_rows.push(json!({
                    "key": [id, who.id, kind], "post": id, "member": who.id, "kind": kind,
                }));
            }
        }
        report.comments += ncomments;
        if post_rows.len() >= 1000 {
            flush(
                db,
                &mut post_rows,
                &mut comment_rows,
                &mut reaction_rows,
                &mut report,
            )
            .await?;
        }
    }
    flush(
        db,
        &mut post_rows,
        &mut comment_rows,
        &mut reaction_rows,
        &mut report,
    )
    .await?;
    report.posts = posts;

    let heads: Vec<Value> = last_rank
        .iter()
        .map(|(id, r)| json!({ "id": id, "r": r }))
        .collect();
    for chunk in heads.chunks(2000) {
        db.query(
            "FOR $h IN $rows { UPDATE type::record('member', $h.id) SET last_post_rank = $h.r };",
        )
        .bind(("rows", Value::Array(chunk.to_vec())))
        .await
        .and_then(|r| r.check())
        .map_err(|e| format!("member heads: {e}"))?;
    }
    let heads: Vec<Value> = last_community_rank
        .iter()
        .map(|(id, r)| json!({ "id": id, "r": r }))
        .collect();
    db.query(
        "FOR $h IN $rows { UPDATE type::record('community', $h.id) SET last_post_rank = $h.r };",
    )
    .bind(("rows", Value::Array(heads)))
    .await
    .and_then(|r| r.check())
    .map_err(|e| format!("community heads: {e}"))?;
    Ok(report)
}

/// Writes a batch of posts, then their comments and reactions (record links must exist
/// first). Reaction keys that collide (the same member twice) are dropped, and each post's
/// counts are those of the reactions stored.
async fn flush(
    db: &Db,
    posts: &mut Vec<Value>,
    comments: &mut Vec<Value>,
    reactions: &mut Vec<Value>,
    report: &mut ContentReport,
) -> Result<()> {
    let mut reaction_rows: Vec<Value> = std::mem::take(reactions);
    reaction_rows.sort_by_key(|r| r["key"].to_string());
    reaction_rows.dedup_by_key(|r| r["key"].to_string());
    report.reactions += reaction_rows.len();
    let mut counts: HashMap<(String, String), i64> = HashMap::new();
    for r in &reaction_rows {
        let key = (
            r["post"].as_str().unwrap_or_default().to_string(),
            r["kind"].as_str().unwrap_or_default().to_string(),
        );
        *counts.entry(key).or_default() += 1;
    }
    let mut post_rows: Vec<Value> = std::mem::take(posts);
    for p in &mut post_rows {
        let id = p["id"].as_str().unwrap_or_default().to_string();
        for kind in ["like", "insightful", "support"] {
            let n = counts
                .get(&(id.clone(), kind.to_string()))
                .copied()
                .unwrap_or(0);
            p[format!("{kind}_count")] = json!(n);
        }
    }
    write(
        db,
        "INSERT INTO post $rows.map(|$p| {
            id: type::record('post', $p.id), author: type::record('member', $p.author),
            community: IF $p.community THEN type::record('community', $p.community) ELSE NONE END,
            body: $p.body, html: $p.html, citations: $p.citations, visibility: $p.visibility,
            rank: $p.rank, created_at: <datetime> $p.created_at, comment_count: $p.comment_count,
            like_count: $p.like_count, insightful_count: $p.insightful_count,
            support_count: $p.support_count
        }) RETURN NONE;",
        post_rows,
        "posts",
    )
    .await?;
    write(
        db,
        "INSERT INTO comment $rows.map(|$c| {
            id: type::record('comment', $c.id), post: type::record('post', $c.post),
            author: type::record('member', $c.author), body: $c.body, html: $c.html,
            rank: $c.rank, created_at: <datetime> $c.created_at
        }) RETURN NONE;",
        std::mem::take(comments),
        "comments",
    )
    .await?;
    write(
        db,
        "INSERT INTO reaction $rows.map(|$r| {
            id: type::record('reaction', $r.key), post: type::record('post', $r.post),
            member: type::record('member', $r.member), kind: $r.kind
        }) RETURN NONE;",
        reaction_rows,
        "reactions",
    )
    .await
}

async fn write(db: &Db, sql: &str, rows: Vec<Value>, what: &str) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    db.query(sql)
        .bind(("rows", Value::Array(rows)))
        .await
        .and_then(|r| r.check())
        .map_err(|e| format!("{what}: {e}"))?;
    Ok(())
}

/// Unix ns → RFC 3339 (UTC), without a date library.
fn chrono_like(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_from_unix_nanos() {
        assert_eq!(super::chrono_like(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            super::chrono_like(1_764_064_800_500_000_000),
            "2025-11-25T10:00:00.500000000Z"
        );
    }
}
