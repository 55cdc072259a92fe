//! The write load and the check behind `bench/crash`: the load is killed with SIGKILL at a
//! random moment, the store is opened again, and every write the load saw acknowledged must
//! be there, with every stored counter equal to the records it counts.
//!
//! The load goes through the same domain functions as the pages (posts, comments,
//! reactions, follows, joins, reports, home feeds), each of the 16 writers acting as one
//! member, so a member's writes happen in order. A write is journaled only after the
//! database acknowledged it, and the writer waits for the line's fsync before its next
//! write, so a line in the journal is a write that was acknowledged; the kill may lose one
//! acknowledgement per writer before it reaches the journal. For a create that only makes
//! the check smaller; a reaction is a toggle, so an intent line goes first and a toggle
//! with no answer journaled leaves that reaction's state unchecked.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::db::Db;
use app::domain::accounts::{self, MemberRow};
use app::domain::moderation::{self, NewReport};
use app::domain::posts::{self, NewComment, NewPost};
use app::domain::viewer::Viewer;
use app::domain::{communities, feed, graph};
use app::model::graph::GraphOp;
use app::model::ids::{MemberId, PostId};
use app::model::post::ReactionKind;
use app::model::safety::{ReportReason, ReportTarget};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use crate::seed::{self, SeedOptions};

/// Members and posts seeded into an empty store before the first load.
const FIXTURE: SeedOptions = SeedOptions {
    members: 60,
    posts: 300,
    seed: 22,
};

/// One acknowledged write, as the journal holds it (one line, fields separated by spaces;
/// ids never contain spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ack {
    Post(String),
    Comment {
        id: String,
        post: String,
    },
    /// Written (and fsync'd) before a reaction is toggled: if the load is killed after the
    /// toggle and before its `React` line, either state is right.
    ReactTry {
        post: String,
        member: String,
        kind: &'static str,
    },
    /// The reaction's state after the toggle: `on` means it exists.
    React {
        post: String,
        member: String,
        kind: &'static str,
        on: bool,
    },
    Follow {
        from: String,
        to: String,
    },
    Join {
        member: String,
        community: String,
        active: bool,
    },
    Report {
        kind: &'static str,
        item: String,
        member: String,
    },
}

impl Ack {
    fn line(&self) -> String {
        match self {
            Ack::Post(id) => format!("post {id}"),
            Ack::Comment { id, post } => format!("comment {id} {post}"),
            Ack::React {
                post,
                member,
                kind,
                on,
            } => {
                format!(
                    "react {post} {member} {kind} {}",
                    if *on { "on" } else { "off" }
                )
            }
            Ack::ReactTry { post, member, kind } => format!("react-try {post} {member} {kind}"),
            Ack::Follow { from, to } => format!("follow {from} {to}"),
            Ack::Join {
                member,
                community,
                active,
            } => {
                format!(
                    "join {member} {community} {}",
                    if *active { "active" } else { "pending" }
                )
            }
            Ack::Report { kind, item, member } => format!("report {kind} {item} {member}"),
        }
    }

    fn parse(line: &str) -> Option<Ack> {
        let f: Vec<&str> = line.split(' ').collect();
        let kind = |k: &str| -> Option<&'static str> {
            ["like", "insightful", "support", "post", "comment", "member"]
                .into_iter()
                .find(|x| *x == k)
        };
        Some(match f.as_slice() {
            ["post", id] => Ack::Post((*id).into()),
            ["comment", id, post] => Ack::Comment {
                id: (*id).into(),
                post: (*post).into(),
            },
            ["react", post, member, k, state] => Ack::React {
                post: (*post).into(),
                member: (*member).into(),
                kind: kind(k)?,
                on: *state == "on",
            },
            ["react-try", post, member, k] => Ack::ReactTry {
                post: (*post).into(),
                member: (*member).into(),
                kind: kind(k)?,
            },
            ["follow", from, to] => Ack::Follow {
                from: (*from).into(),
                to: (*to).into(),
            },
            ["join", member, community, state] => Ack::Join {
                member: (*member).into(),
                community: (*community).into(),
                active: *state == "active",
            },
            ["report", k, item, member] => Ack::Report {
                kind: kind(k)?,
                item: (*item).into(),
                member: (*member).into(),
            },
            _ => return None,
        })
    }
}

/// The load's side of the journal: a line is recorded once it is fsync'd.
#[derive(Clone)]
struct Journal(mpsc::UnboundedSender<(Ack, oneshot::Sender<()>)>);

impl Journal {
    /// Appends `ack` and waits until it is on disk; false once the journal is gone.
    async fn record(&self, ack: Ack) -> bool {
        let (done, synced) = oneshot::channel();
        self.0.send((ack, done)).is_ok() && synced.await.is_ok()
    }
}

/// Appends journal lines; lines that arrive together share one fsync, and each writer
/// waits for its line's fsync before its next write. So at most one write per writer (the
/// one in flight at the kill) is acknowledged and not journaled.
async fn journal_writer(
    path: &Path,
    mut rx: mpsc::UnboundedReceiver<(Ack, oneshot::Sender<()>)>,
) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("journal {}: {e}", path.display()))?;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let text: String = batch.iter().map(|(a, _)| a.line() + "\n").collect();
        file.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
        file.sync_data().map_err(|e| e.to_string())?;
        for (_, done) in batch {
            let _ = done.send(());
        }
    }
    Ok(())
}

/// What the writers share: the posts they may comment on, react to and report.
struct Shared {
    posts: Mutex<Vec<(PostId, MemberId)>>,
    communities: Vec<String>,
    members: Vec<MemberRow>,
}

/// Runs `writers` writers until the process is killed (or `for_at_most` passes).
pub async fn load(
    db: &Db,
    journal: &Path,
    writers: usize,
    for_at_most: Duration,
    seed_value: u64,
) -> Result<(), String> {
    let members: i64 = count(db, "member").await?;
    if members == 0 {
        seed::run(db, FIXTURE).await?;
    }
    let mut res = db
        .query(
            "SELECT VALUE record::id(id) FROM member WHERE role != 'organization' ORDER BY id LIMIT $n;
             SELECT VALUE slug FROM community ORDER BY slug;
             SELECT record::id(id) AS id, record::id(author) AS author FROM post
                WHERE visibility = 'public' AND deleted_at = NONE ORDER BY rank LIMIT 2000;",
        )
        .bind(("n", writers as i64))
        .await
        .map_err(|e| e.to_string())?;
    let ids: Vec<String> = res.take(0).map_err(|e| e.to_string())?;
    let slugs: Vec<String> = res.take(1).map_err(|e| e.to_string())?;
    let posts: Vec<serde_json::Value> = res.take(2).map_err(|e| e.to_string())?;
    let mut rows = Vec::new();
    for id in &ids {
        if let Some(m) = accounts::by_id(db, id).await.map_err(|e| e.to_string())? {
            rows.push(m);
        }
    }
    if rows.len() < writers {
        return Err(format!(
            "only {} members can write; {writers} asked",
            rows.len()
        ));
    }
    let shared = Arc::new(Shared {
        posts: Mutex::new(
            posts
                .into_iter()
                .filter_map(|p| {
                    let id = p["id"].as_str()?;
                    let author = p["author"].as_str()?;
                    Some((PostId::from(id), MemberId::from(author)))
                })
                .collect(),
        ),
        communities: slugs,
        members: rows,
    });

    let (tx, rx) = mpsc::unbounded_channel();
    let tx = Journal(tx);
    let journal = journal.to_path_buf();
    let journal_task = tokio::spawn(async move { journal_writer(&journal, rx).await });
    let deadline = Instant::now() + for_at_most;
    let mut tasks = Vec::new();
    // One session for all writers: on a SurrealDB server each new session signs in as root
    // again (an Argon2 check on the server: 0.7 s each on the debug server), which ate most
    // of a short load's time.
    let db = Arc::new(db.clone());
    for w in 0..writers {
        let db = db.clone();
        let shared = shared.clone();
        let tx = tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed_value ^ (w as u64 * 0x9e37_79b9));
            let me = shared.members[w].clone();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                match one_write(&db, &shared, &me, &mut rng, n, &tx).await {
                    Ok(Some(ack)) => {
                        if !tx.record(ack).await {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::warn!(writer = w, %e, "a write failed"),
                }
            }
        }));
    }
    drop(tx);
    for t in tasks {
        let _ = t.await;
    }
    journal_task.await.map_err(|e| e.to_string())?
}

/// One write of the mix (and, now and then, a home feed read, which stores a timeline).
async fn one_write(
    db: &Db,
    shared: &Shared,
    me: &MemberRow,
    rng: &mut StdRng,
    n: u64,
    journal: &Journal,
) -> Result<Option<Ack>, String> {
    let pick_post = |rng: &mut StdRng| {
        let posts = shared.posts.lock().unwrap_or_else(|e| e.into_inner());
        (!posts.is_empty()).then(|| posts[rng.gen_range(0..posts.len())].clone())
    };
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let roll = rng.gen_range(0..100);
    Ok(match roll {
        0..=24 => {
            let input = NewPost {
                body: format!(
                    "Crash-test note {n} from {}: our ward's discharge checklist, revision {}.",
                    me.handle,
                    rng.gen_range(1..50)
                ),
                visibility: "public".into(),
                citations: String::new(),
                community: None,
                sponsored: false,
                confirm_phi: false,
                idempotency_key: None,
            };
            let id = posts::create(db, &me.id, &input, None)
                .await
                .map_err(|x| e(&x))?;
            shared
                .posts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((id.clone(), me.id.clone()));
            Some(Ack::Post(id.to_string()))
        }
        25..=49 => {
            let Some((post, _)) = pick_post(rng) else {
                return Ok(None);
            };
            let viewer = Viewer::load_member(db, Some(me), false)
                .await
                .map_err(|x| e(&x))?;
            let body = format!("Crash-test reply {n}: we do the same on nights.");
            let id = posts::add_comment(
                db,
                &viewer,
                &NewComment {
                    post: &post,
                    parent: None,
                    body: &body,
                    confirm_phi: false,
                    idempotency_key: None,
                },
            )
            .await
            .map_err(|x| e(&x))?;
            Some(Ack::Comment {
                id: id.to_string(),
                post: post.to_string(),
            })
        }
        50..=69 => {
            let Some((post, _)) = pick_post(rng) else {
                return Ok(None);
            };
            let viewer = Viewer::load_member(db, Some(me), false)
                .await
                .map_err(|x| e(&x))?;
            let (kind, name) = match rng.gen_range(0..3) {
                0 => (ReactionKind::Like, "like"),
                1 => (ReactionKind::Insightful, "insightful"),
                _ => (ReactionKind::Support, "support"),
            };
            let intent = Ack::ReactTry {
                post: post.to_string(),
                member: me.id.to_string(),
                kind: name,
            };
            if !journal.record(intent).await {
                return Ok(None);
            }
            let r = posts::react(db, &viewer, &post, kind)
                .await
                .map_err(|x| e(&x))?;
            let on = match kind {
                ReactionKind::Like => r.mine_like,
                ReactionKind::Insightful => r.mine_insightful,
                ReactionKind::Support => r.mine_support,
            };
            Some(Ack::React {
                post: post.to_string(),
                member: me.id.to_string(),
                kind: name,
                on,
            })
        }
        70..=79 => {
            let them = &shared.members[rng.gen_range(0..shared.members.len())];
            if them.id == me.id {
                return Ok(None);
            }
            graph::apply(db, &me.id, &them.id, GraphOp::Follow, "")
                .await
                .map_err(|x| e(&x))?;
            Some(Ack::Follow {
                from: me.id.to_string(),
                to: them.id.to_string(),
            })
        }
        80..=87 => {
            if shared.communities.is_empty() {
                return Ok(None);
            }
            let slug = &shared.communities[rng.gen_range(0..shared.communities.len())];
            let row = communities::by_slug(db, Some(&me.id), slug)
                .await
                .map_err(|x| e(&x))?;
            let community = row.id.to_string();
            match communities::join(db, &me.id, me.role, &row).await {
                Ok(m) => Some(Ack::Join {
                    member: me.id.to_string(),
                    community,
                    active: matches!(m, app::model::community::Membership::Active(_)),
                }),
                // A professionals-only community refuses a patient: not a write.
                Err(communities::CommunityError::Forbidden(_)) => None,
                Err(x) => return Err(e(&x)),
            }
        }
        88..=95 => {
            let Some((post, author)) = pick_post(rng) else {
                return Ok(None);
            };
            if author == me.id {
                return Ok(None);
            }
            let viewer = Viewer::load_member(db, Some(me), false)
                .await
                .map_err(|x| e(&x))?;
            let report = NewReport {
                kind: ReportTarget::Post,
                item: &post,
                reason: ReportReason::Spam,
                note: "",
                confirm_phi: false,
            };
            match moderation::report(db, &viewer, &report, u32::MAX).await {
                Ok(()) => Some(Ack::Report {
                    kind: "post",
                    item: post.to_string(),
                    member: me.id.to_string(),
                }),
                Err(moderation::ModError::AlreadyReported) => None,
                Err(x) => return Err(e(&x)),
            }
        }
        _ => {
            feed::home_feed(db, me, None, 20).await.map_err(|x| e(&x))?;
            None
        }
    })
}

async fn count(db: &Db, table: &str) -> Result<i64, String> {
    let n: Option<i64> = db
        .query(format!("RETURN count(SELECT id FROM {table})"))
        .await
        .and_then(|mut r| r.take(0))
        .map_err(|e| e.to_string())?;
    Ok(n.unwrap_or(0))
}

/// What one check after a restart found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Verdict {
    /// Whole lines in the journal: the `since` of the next incremental check.
    pub lines: usize,
    pub acknowledged: usize,
    pub lost: usize,
    pub duplicates: usize,
    pub invariant_violations: usize,
    /// The first few problems, for the log.
    pub problems: Vec<String>,
}

impl Verdict {
    fn problem(&mut self, p: String) {
        if self.problems.len() < 20 {
            self.problems.push(p);
        }
    }
}

/// Checks the journaled writes from line `since` on against the store (0: all of them),
/// and the invariants over the whole store. Duplicates are counted over the whole journal
/// whatever `since` is. A reaction is checked when its last toggle is at or after `since`.
///
/// The incremental form exists because each check of the whole journal grows with it: a
/// 200-cycle run would spend most of its time re-reading writes checked many times over.
/// bench/crash still checks everything every tenth cycle and at the end, since a store
/// can also lose a write long after it was first found (the lost SurrealKV batch was
/// such a case).
pub async fn verify(db: &Db, journal: &Path, since: usize) -> Result<Verdict, String> {
    let text = std::fs::read_to_string(journal).unwrap_or_default();
    let mut v = Verdict::default();
    // A kill can cut the last line short: only whole lines count.
    let whole = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    let acks: Vec<(usize, Ack)> = whole
        .lines()
        .enumerate()
        .filter_map(|(n, l)| Ack::parse(l).map(|a| (n, a)))
        .collect();
    v.lines = whole.lines().count();
    v.acknowledged = acks
        .iter()
        .filter(|(_, a)| !matches!(a, Ack::ReactTry { .. }))
        .count();

    // A reaction's state after its last journaled toggle, and that toggle's line; None
    // after a `react-try` with no answer journaled (the toggle in flight at a kill: it may
    // or may not have committed).
    let mut reactions: HashMap<(String, String, &str), (usize, Option<bool>)> = HashMap::new();
    let mut exists: Vec<(String, String)> = Vec::new();
    let mut created_posts = HashSet::new();
    for (n, a) in &acks {
        let (n, new) = (*n, *n >= since);
        match a {
            Ack::Post(id) => {
                if !created_posts.insert(id.clone()) {
                    v.duplicates += 1;
                    v.problem(format!("post {id} acknowledged twice"));
                }
                if new {
                    exists.push((a.line(), format!("record::exists(type::record('post', '{id}'))")));
                }
            }
            Ack::React {
                post,
                member,
                kind,
                on,
            } => {
                reactions.insert((post.clone(), member.clone(), kind), (n, Some(*on)));
            }
            Ack::ReactTry { post, member, kind } => {
                reactions.insert((post.clone(), member.clone(), kind), (n, None));
            }
            _ if !new => {}
            Ack::Comment { id, post } => exists.push((
                a.line(),
                format!("(SELECT VALUE record::id(post) FROM ONLY type::record('comment', '{id}')) = '{post}'"),
            )),
            Ack::Follow { from, to } => exists.push((
                a.line(),
                format!("count(SELECT id FROM follows WHERE in = type::record('member', '{from}') AND out = type::record('member', '{to}')) = 1"),
            )),
            Ack::Join { member, community, active } => exists.push((
                a.line(),
                format!(
                    "(SELECT VALUE status FROM ONLY member_of WHERE in = type::record('member', '{member}') AND out = type::record('community', '{community}') LIMIT 1) {}",
                    if *active { "= 'active'" } else { "!= NONE" }
                ),
            )),
            Ack::Report { kind, item, member } => exists.push((
                a.line(),
                format!("count(SELECT id FROM report WHERE reporter = type::record('member', '{member}') AND case = type::record('mod_case', ['{kind}', '{item}'])) >= 1"),
            )),
        }
    }
    for ((post, member, kind), (n, on)) in &reactions {
        let Some(on) = on else { continue };
        if *n < since {
            continue;
        }
        let ack = Ack::React {
            post: post.clone(),
            member: member.clone(),
            kind,
            on: *on,
        };
        exists.push((
            ack.line(),
            format!(
                "record::exists(type::record('reaction', ['{post}', '{member}', '{kind}'])) = {on}"
            ),
        ));
    }
    // Checked in chunks: one statement per write.
    for chunk in exists.chunks(500) {
        let sql: String = chunk
            .iter()
            .map(|(_, q)| format!("RETURN {q};\n"))
            .collect();
        let mut res = db.query(sql).await.map_err(|e| e.to_string())?;
        for (i, (line, _)) in chunk.iter().enumerate() {
            let ok: Option<bool> = res.take(i).map_err(|e| format!("{line}: {e}"))?;
            if ok != Some(true) {
                v.lost += 1;
                v.problem(format!("lost: {line}"));
            }
        }
    }
    invariants(db, &mut v).await?;
    Ok(v)
}

/// Every stored counter equals the records it counts; every report has its case; every
/// timeline entry names a post. Counters are compared with one grouped count per kind of
/// record (a count per post would scan the reactions once for each post).
async fn invariants(db: &Db, v: &mut Verdict) -> Result<(), String> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, comment_count, like_count, insightful_count, support_count FROM post;
             SELECT record::id(post) AS post, count() AS n FROM comment WHERE deleted_at = NONE GROUP BY post;
             SELECT record::id(post) AS post, kind, count() AS n FROM reaction GROUP BY post, kind;
             SELECT record::id(id) AS id, member_count FROM community;
             SELECT record::id(out) AS community, count() AS n FROM member_of WHERE status = 'active' GROUP BY community;
             SELECT VALUE <string> id FROM report WHERE !record::exists(case);
             SELECT <string> id AS id, reports, round FROM mod_case;
             SELECT <string> case AS case, round, count() AS n FROM report GROUP BY case, round;
             SELECT VALUE <string> id FROM timeline WHERE
                array::len(ids.filter(|$p| !record::exists(type::record('post', $p)))) > 0;",
        )
        .await
        .map_err(|e| e.to_string())?;
    let mut take = |i: usize| -> Result<Vec<serde_json::Value>, String> {
        res.take(i).map_err(|e| format!("invariant query {i}: {e}"))
    };
    let (posts, comments, reactions) = (take(0)?, take(1)?, take(2)?);
    let (communities, members) = (take(3)?, take(4)?);
    let (orphans, cases, reports, timelines) = (take(5)?, take(6)?, take(7)?, take(8)?);

    let counted = |rows: &[serde_json::Value], key: &[&str]| -> HashMap<String, i64> {
        rows.iter()
            .map(|r| {
                let k: Vec<String> = key.iter().map(|f| r[*f].to_string()).collect();
                (k.join(" "), r["n"].as_i64().unwrap_or(0))
            })
            .collect()
    };
    let comments = counted(&comments, &["post"]);
    let reactions = counted(&reactions, &["post", "kind"]);
    for p in &posts {
        let id = p["id"].to_string();
        let mut expect = vec![("comment_count", comments.get(&id).copied().unwrap_or(0))];
        for kind in ["like", "insightful", "support"] {
            let n = reactions
                .get(&format!("{id} \"{kind}\""))
                .copied()
                .unwrap_or(0);
            expect.push((
                ["like_count", "insightful_count", "support_count"][expect.len() - 1],
                n,
            ));
        }
        for (field, n) in expect {
            if p[field].as_i64() != Some(n) {
                v.invariant_violations += 1;
                v.problem(format!("post {id} {field} = {} but {n} records", p[field]));
            }
        }
    }
    let members = counted(&members, &["community"]);
    for c in &communities {
        let id = c["id"].to_string();
        let n = members.get(&id).copied().unwrap_or(0);
        if c["member_count"].as_i64() != Some(n) {
            v.invariant_violations += 1;
            v.problem(format!(
                "community {id} member_count = {} but {n} active",
                c["member_count"]
            ));
        }
    }
    for o in &orphans {
        v.invariant_violations += 1;
        v.problem(format!("report without its case: {o}"));
    }
    let reports = counted(&reports, &["case", "round"]);
    for c in &cases {
        let key = format!("{} {}", c["id"], c["round"]);
        let n = reports.get(&key).copied().unwrap_or(0);
        if c["reports"].as_i64() != Some(n) {
            v.invariant_violations += 1;
            v.problem(format!(
                "case {} counts {} reports but {n} stored",
                c["id"], c["reports"]
            ));
        }
    }
    for t in &timelines {
        v.invariant_violations += 1;
        v.problem(format!("timeline entry without a post: {t}"));
    }
    Ok(())
}

/// The JSON line `crash-verify` prints: the verdict and how long opening the store took.
pub fn verdict_json(v: &Verdict, open_ms: u128) -> String {
    json!({
        "lines": v.lines,
        "acknowledged": v.acknowledged,
        "lost": v.lost,
        "duplicates": v.duplicates,
        "invariant_violations": v.invariant_violations,
        "open_ms": open_ms,
        "problems": v.problems,
    })
    .to_string()
}
