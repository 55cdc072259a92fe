//! The authorization matrix over real HTTP: every viewer kind × every post (audience ×
//! community access × moderation state) × every read path that shows a post's text. The
//! expected outcome of each case comes from the truth table below, written as data: it
//! does not call `Viewer::may_see` or any other app code, so a rule the code forgets
//! shows up as a mismatch. A case passes when the post's unique marker appears in the
//! response exactly when the table says the viewer may read it. Prints the count; fails
//! on the first list of mismatches. Later read paths (search, notifications, messages)
//! join `PATHS`; later resources join the tables.
//!
//! The second test does the same beyond posts, from its own tables: comments and reaction
//! counts (a block hides the other side's), profiles (full, name only for a blocker, 404
//! for the blocked), every member list and community roster (patients named to
//! themselves only), suggestions, moderation queues (no one's own case), the audit log,
//! verification requests (the legal name), notifications — and writes: each write by every
//! viewer kind, with who may make it as data.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, HashMap};

use app::api::context::AuthSettings;
use common::{TestServer, client, spawn};
use reqwest::Client;

/// Every viewer kind, and how each relates to the author (set up in `arrange`).
const VIEWERS: &[&str] = &[
    "anon",
    "author",
    "stranger",
    "follower",
    "connection",
    "pending_out",
    "pending_in",
    "blocker",
    "blocked",
    "muter",
    "muted",
    "verified_pro",
    "verified_org",
    "patient",
    "suspended",
    "open_member",
    "pros_member",
    "pros_unverified",
    "appr_pending",
    "appr_member",
    "appr_moderator",
    "site_moderator",
];

/// Everyone a public, live post reaches: all but the two sides of a block.
const EVERYONE_BUT_BLOCKS: Allowed = AllBut(&["blocker", "blocked"]);

/// Who reads a live post, by its audience ("<community>:community" for members-only).
const READERS: &[(&str, Allowed)] = &[
    ("public", EVERYONE_BUT_BLOCKS),
    ("connections", Only(&["author", "connection"])),
    ("verified", Only(&["author", "verified_pro", "pros_member"])),
    ("open:community", Only(&["author", "open_member"])),
    ("pros:community", Only(&["author", "pros_member"])),
    (
        "appr:community",
        Only(&["author", "appr_member", "appr_moderator"]),
    ),
];

/// Once moderators acted (or the author deleted it), who still reads the text, of those
/// who read it live.
const STATE_READERS: &[(&str, Option<&[&str]>)] = &[
    ("live", None),
    ("hidden", Some(&["author", "site_moderator"])),
    ("removed", Some(&["site_moderator"])),
    ("deleted", Some(&[])),
];

/// The posts: (community or none, visibility). Each exists in every state of
/// `STATE_READERS`.
const POSTS: &[(&str, &str)] = &[
    ("", "public"),
    ("", "connections"),
    ("", "verified"),
    ("open", "community"),
    ("open", "public"),
    ("open", "verified"),
    ("pros", "community"),
    ("pros", "verified"),
    ("appr", "community"),
    ("appr", "verified"),
];

/// The listings that read like a feed: a member who muted the author does not get the
/// author's posts there (a profile's own list still shows them: the reader went there).
const FEEDLIKE: &[&str] = &["community_page", "more_posts /c/{slug}"];
/// The muters among the viewers.
const MUTERS: &[&str] = &["muter"];

/// The read paths that show a post's text.
const PATHS: &[&str] = &[
    "post_thread",
    "page /p/{id}",
    "member_posts",
    "more_posts /@author",
    "page /@author",
    "community_page",
    "more_posts /c/{slug}",
];

fn audience(community: &str, visibility: &str) -> String {
    if visibility == "community" {
        format!("{community}:community")
    } else {
        visibility.to_string()
    }
}

fn may_read(viewer: &str, community: &str, visibility: &str, state: &str) -> bool {
    let key = audience(community, visibility);
    let live = READERS
        .iter()
        .find(|(a, _)| *a == key)
        .unwrap_or_else(|| panic!("no row for {key}"))
        .1
        .contains(viewer);
    let after = STATE_READERS.iter().find(|(s, _)| *s == state).unwrap().1;
    live && after.is_none_or(|who| who.contains(&viewer))
}

struct Post {
    id: String,
    community: &'static str,
    visibility: &'static str,
    state: &'static str,
    marker: String,
}

async fn ok(res: reqwest::Response, what: &str) -> reqwest::Response {
    assert!(res.status().is_success(), "{what}: {}", res.status());
    res
}

/// Signs every viewer kind up and relates it to the author; returns their clients.
async fn arrange(s: &TestServer) -> HashMap<&'static str, Client> {
    let mut c: HashMap<&'static str, Client> = HashMap::new();
    for v in VIEWERS {
        let client = client();
        if *v != "anon" {
            let role = match *v {
                "verified_org" => "organization",
                "patient" => "patient",
                _ => "professional",
            };
            s.sign_up_as(&client, &format!("mx.{v}"), role).await;
        }
        c.insert(v, client);
    }
    for v in ["author", "verified_pro", "verified_org", "pros_member"] {
        s.verify(&format!("mx.{v}")).await;
    }
    s.grant_moderator("mx.site_moderator").await;
    let rel = |who: &'static str, handle: &'static str, op: &'static str| {
        let cl = c[who].clone();
        async move {
            ok(
                s.call(
                    &cl,
                    "update_relationship",
                    &[("handle", handle), ("op", op)],
                )
                .await,
                op,
            )
            .await;
        }
    };
    rel("follower", "mx.author", "follow").await;
    rel("connection", "mx.author", "connect").await;
    rel("author", "mx.connection", "accept").await;
    rel("pending_out", "mx.author", "connect").await;
    rel("author", "mx.pending_in", "connect").await;
    rel("blocker", "mx.author", "block").await;
    rel("author", "mx.blocked", "block").await;
    rel("muter", "mx.author", "mute").await;
    rel("author", "mx.muted", "mute").await;
    for (slug, access) in [
        ("open", "open"),
        ("pros", "professionals"),
        ("appr", "approval"),
    ] {
        let slug = format!("mx-{slug}");
        ok(
            s.call(
                &c["author"],
                "create_community",
                &[
                    ("slug", slug.as_str()),
                    ("name", "Matrix"),
                    ("kind", "general"),
                    ("access", access),
                ],
            )
            .await,
            "community",
        )
        .await;
    }
    let join = |who: &'static str, slug: &'static str| {
        let cl = c[who].clone();
        async move {
            ok(
                s.call(
                    &cl,
                    "community_membership",
                    &[("slug", slug), ("op", "join")],
                )
                .await,
                "join",
            )
            .await;
        }
    };
    join("open_member", "mx-open").await;
    join("pros_member", "mx-pros").await;
    join("pros_unverified", "mx-pros").await; // a request that waits for the badge
    join("appr_pending", "mx-appr").await;
    join("appr_member", "mx-appr").await;
    join("appr_moderator", "mx-appr").await;
    for h in ["mx.appr_member", "mx.appr_moderator"] {
        ok(
            s.call(
                &c["author"],
                "answer_join_request",
                &[("slug", "mx-appr"), ("handle", h), ("approve", "true")],
            )
            .await,
            "approve",
        )
        .await;
    }
    ok(
        s.call(
            &c["author"],
            "set_community_role",
            &[
                ("slug", "mx-appr"),
                ("handle", "mx.appr_moderator"),
                ("moderator", "true"),
            ],
        )
        .await,
        "appoint",
    )
    .await;
    s.db.query(
        "UPDATE member SET suspended_until = time::now() + 1d WHERE handle = 'mx.suspended'",
    )
    .await
    .unwrap()
    .check()
    .unwrap();
    c
}

/// Publishes every post in every state.
async fn publish(s: &TestServer, c: &HashMap<&'static str, Client>) -> Vec<Post> {
    let mut posts = Vec::new();
    for (community, visibility) in POSTS {
        for (state, _) in STATE_READERS {
            // Closed by a letter, so no marker is a prefix of another ("mxmark1x", "mxmark10x").
            let marker = format!("mxmark{}x", posts.len());
            let slug = if community.is_empty() {
                String::new()
            } else {
                format!("mx-{community}")
            };
            let body = format!("Matrix post {marker} end");
            // The author posts 40 times in a minute: more than the posting limit allows a
            // person, which is not what this test is about.
            s.db.query("DELETE rate_limit")
                .await
                .unwrap()
                .check()
                .unwrap();
            let res = s
                .call(
                    &c["author"],
                    "create_post",
                    &[
                        ("body", body.as_str()),
                        ("visibility", visibility),
                        ("community", slug.as_str()),
                    ],
                )
                .await;
            let id: String = ok(res, "post").await.json().await.unwrap();
            match *state {
                "hidden" | "removed" => {
                    let case = format!("post:{id}");
                    // A case exists once someone reported it; the site moderator acts.
                    s.db.query(
                        "UPSERT type::record('mod_case', ['post', $id]) CONTENT {
                            kind: 'post', item: $id, author: (SELECT VALUE author FROM ONLY type::record('post', $id)),
                            community: (SELECT VALUE community FROM ONLY type::record('post', $id)),
                            link: '/p/' + $id, status: 'open', reports: 1 }",
                    )
                    .bind(("id", id.clone()))
                    .await
                    .unwrap()
                    .check()
                    .unwrap();
                    let action = if *state == "hidden" { "hide" } else { "remove" };
                    ok(
                        s.call(
                            &c["site_moderator"],
                            "mod_act",
                            &[
                                ("case", case.as_str()),
                                ("action", action),
                                ("reason", "Matrix"),
                            ],
                        )
                        .await,
                        "moderate",
                    )
                    .await;
                }
                "deleted" => {
                    ok(
                        s.call(&c["author"], "delete_post", &[("id", id.as_str())])
                            .await,
                        "delete",
                    )
                    .await;
                }
                _ => {}
            }
            posts.push(Post {
                id,
                community,
                visibility,
                state,
                marker,
            });
        }
    }
    posts
}

/// Prints a matrix's count of cases and fails on any mismatch, listing them all.
fn report(name: &str, cases: usize, mismatches: &[String], started: std::time::Instant) {
    println!(
        "{name}: {cases} cases, {} mismatches, {:.1} s",
        mismatches.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// A server where reports never hide anything by themselves and two dozen sign-ups from
/// one address are fine: the matrix is about who reads what, not about those rules.
async fn matrix_server() -> TestServer {
    spawn(AuthSettings {
        report_hide_threshold: 1000,
        signup_per_ip: app::domain::rate_limit::Limit {
            max: 1000,
            window: std::time::Duration::from_secs(600),
        },
        ..AuthSettings::default()
    })
    .await
}

#[tokio::test]
async fn every_viewer_reads_exactly_what_the_truth_table_allows_on_every_path() {
    let started = std::time::Instant::now();
    let server = matrix_server().await;
    let s = &server;
    let c = arrange(s).await;
    let posts = publish(s, &c).await;
    let mut cases = 0usize;
    let mut mismatches: Vec<String> = Vec::new();
    for viewer in VIEWERS {
        let cl = &c[viewer];
        // The listing paths, read once per viewer: (path, body).
        let mut lists: BTreeMap<String, String> = BTreeMap::new();
        let text = |r: reqwest::Response| async move { r.text().await.unwrap() };
        // The author's 40 posts span pages of 20: read them all.
        let mut author_posts = String::new();
        let mut after = String::new();
        loop {
            let res = s
                .call(
                    cl,
                    "more_posts",
                    &[("source", "/@mx.author"), ("after", after.as_str())],
                )
                .await;
            let page: serde_json::Value = res.json().await.unwrap_or_default();
            author_posts.push_str(&page.to_string());
            match page["next"].as_str() {
                Some(n) => after = n.to_string(),
                None => break,
            }
        }
        lists.insert("more_posts /@author".into(), author_posts);
        let first = text(s.call(cl, "member_posts", &[("handle", "mx.author")]).await).await;
        lists.insert("member_posts".into(), first);
        lists.insert(
            "page /@author".into(),
            text(cl.get(s.url("/@mx.author")).send().await.unwrap()).await,
        );
        for slug in ["open", "pros", "appr"] {
            let mut all = String::new();
            let mut after = String::new();
            loop {
                let src = format!("/c/mx-{slug}");
                let res = s
                    .call(
                        cl,
                        "more_posts",
                        &[("source", src.as_str()), ("after", after.as_str())],
                    )
                    .await;
                let page: serde_json::Value = res.json().await.unwrap_or_default();
                all.push_str(&page.to_string());
                match page["next"].as_str() {
                    Some(n) => after = n.to_string(),
                    None => break,
                }
            }
            lists.insert(format!("more_posts /c/{slug}"), all);
            let slug_full = format!("mx-{slug}");
            lists.insert(
                format!("community_page {slug}"),
                text(
                    s.call(cl, "community_page", &[("slug", slug_full.as_str())])
                        .await,
                )
                .await,
            );
        }
        for p in &posts {
            let readable = may_read(viewer, p.community, p.visibility, p.state);
            for path in PATHS {
                let expected = readable && !(FEEDLIKE.contains(path) && MUTERS.contains(viewer));
                let body = match *path {
                    "post_thread" => {
                        text(s.call(cl, "post_thread", &[("id", p.id.as_str())]).await).await
                    }
                    "page /p/{id}" => {
                        text(cl.get(s.url(&format!("/p/{}", p.id))).send().await.unwrap()).await
                    }
                    // Page one of a list holds the newest 20 only: a listing case is about
                    // whether a post appears when it is on the page read.
                    // Page one of a list holds the newest 20 the viewer may read, so only
                    // "absent when it must be" is checked on it; the whole list, page by
                    // page, is `more_posts`.
                    "member_posts" | "page /@author" if expected => continue,
                    "member_posts" | "page /@author" => lists[*path].clone(),
                    "more_posts /@author" => lists[*path].clone(),
                    "community_page" | "more_posts /c/{slug}" => {
                        if p.community.is_empty() {
                            continue;
                        }
                        if *path == "community_page" {
                            if expected {
                                continue;
                            }
                            lists[&format!("community_page {}", p.community)].clone()
                        } else {
                            lists[&format!("more_posts /c/{}", p.community)].clone()
                        }
                    }
                    _ => unreachable!(),
                };
                cases += 1;
                let found = body.contains(&p.marker);
                if found != expected {
                    mismatches.push(format!(
                        "{viewer} on {path}: {} post, {}{}, {}: expected {}, got {}",
                        p.state,
                        p.visibility,
                        if p.community.is_empty() {
                            String::new()
                        } else {
                            format!(" in {}", p.community)
                        },
                        p.id,
                        if expected { "readable" } else { "hidden" },
                        if found { "readable" } else { "hidden" },
                    ));
                }
            }
        }
    }
    report("authorization matrix", cases, &mismatches, started);
}

// ---------------------------------------------------------------------------------------
// Beyond posts: comments, reaction counts, profiles, member lists, rosters, suggestions,
// notifications, moderation queues, the audit log, verification requests — and writes.

/// (blocker, blocked): `arrange`'s two blocks with the author, and the muter's block of
/// the follower that `arrange_more` adds. Neither side sees the other anywhere, except
/// that the blocker still reaches the blocked member's name on their profile (no headline,
/// bio or badge), which is where the unblock button is.
const BLOCK_PAIRS: &[(&str, &str)] = &[
    ("blocker", "author"),
    ("author", "blocked"),
    ("muter", "follower"),
];

/// What `viewer` gets of `member`'s profile: "full", "name" (the blocker's view) or
/// "none" (404: the blocked member's view of the blocker).
fn profile_view(viewer: &str, member: &str) -> &'static str {
    if BLOCK_PAIRS.contains(&(member, viewer)) {
        "none"
    } else if BLOCK_PAIRS.contains(&(viewer, member)) {
        "name"
    } else {
        "full"
    }
}

fn blocked_between(a: &str, b: &str) -> bool {
    BLOCK_PAIRS
        .iter()
        .any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

/// The members who are patients: listed by name to themselves only.
const PATIENTS: &[&str] = &["patient"];

/// Lists of members: (owner, list) → who is on it, as `arrange`/`arrange_more` made them.
const MEMBER_LISTS: &[(&str, &str, &[&str])] = &[
    ("author", "followers", &["follower", "patient"]),
    ("author", "connections", &["connection"]),
    ("follower", "following", &["author"]),
    ("patient", "following", &["author"]),
];

/// Community rosters: (community, active members). Pending requests are on none.
const ROSTERS: &[(&str, &[&str])] = &[
    ("open", &["author", "open_member", "patient"]),
    ("pros", &["author", "pros_member"]),
    ("appr", &["author", "appr_member", "appr_moderator"]),
];

/// Reports and their cases: (name, who sees the open case in `mod_cases`). The author
/// moderates every community here, but never a case about their own post.
const CASES: &[(&str, &[&str])] = &[
    ("public", &["site_moderator"]),
    ("appr", &["site_moderator", "appr_moderator"]),
];

/// Private things and who reads them: (marker, paths, readers).
const PRIVATE: &[(&str, &[&str], &[&str])] = &[
    (
        "Legal Marker Qz",
        &["mod_verifications", "page /mod/verifications"],
        &["site_moderator"],
    ),
    (
        "Legal Marker Qz",
        &["my_verification", "page /settings/verification"],
        &["pros_unverified"],
    ),
    (
        "verification.submitted",
        &["mod_log", "page /mod/log"],
        &["site_moderator"],
    ),
    (
        "mxnotice",
        &["notifications", "page /notifications"],
        &["author"],
    ),
];

/// Who may make a write: these viewers, or every viewer but these.
#[derive(Clone, Copy)]
enum Allowed {
    Only(&'static [&'static str]),
    AllBut(&'static [&'static str]),
}

use Allowed::{AllBut, Only};

impl Allowed {
    fn contains(self, viewer: &str) -> bool {
        match self {
            Only(who) => who.contains(&viewer),
            AllBut(who) => !who.contains(&viewer),
        }
    }
}

/// Writes and who may make them (everyone else gets a 4xx). `last` makes the call that
/// uses the thing up (deletes the post, decides the request): it runs after the refusals.
const WRITES: &[(&str, Allowed, Option<&str>)] = &[
    (
        "react",
        AllBut(&["anon", "suspended", "blocker", "blocked"]),
        None,
    ),
    (
        "add_comment",
        AllBut(&["anon", "suspended", "blocker", "blocked"]),
        None,
    ),
    ("create_post", AllBut(&["anon", "suspended"]), None),
    (
        "update_relationship",
        AllBut(&["anon", "suspended", "stranger"]),
        None,
    ),
    ("edit_post", Only(&["author"]), None),
    ("pin_post", Only(&["author", "appr_moderator"]), None),
    ("set_community_role", Only(&["author"]), None),
    // Verified professionals and site moderators label; nobody labels their own post.
    (
        "propose_label",
        Only(&["verified_pro", "pros_member", "site_moderator"]),
        None,
    ),
    (
        "mod_decide_label",
        Only(&["site_moderator"]),
        Some("site_moderator"),
    ),
    ("mod_act", Only(&["site_moderator", "appr_moderator"]), None),
    (
        "answer_join_request",
        Only(&["author", "appr_moderator"]),
        Some("author"),
    ),
    ("delete_comment", Only(&["follower"]), Some("follower")),
    ("delete_post", Only(&["author"]), Some("author")),
    (
        "mod_decide_verification",
        Only(&["site_moderator"]),
        Some("site_moderator"),
    ),
    (
        "mod_revoke_verification",
        Only(&["site_moderator"]),
        Some("site_moderator"),
    ),
    ("mark_notifications_read", AllBut(&["anon"]), None),
];

/// What `arrange_more` made: post ids, and the pending verification request.
struct More {
    public: String,
    in_appr: String,
    verification: String,
}

async fn arrange_more(s: &TestServer, c: &HashMap<&'static str, Client>) -> More {
    let call = |who: &'static str, endpoint: &'static str, form: Vec<(&'static str, String)>| {
        let cl = c[who].clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ok(s.call(&cl, endpoint, &form).await, endpoint).await
        }
    };
    let v = |x: &str| x.to_string();
    call(
        "patient",
        "update_relationship",
        vec![("handle", v("mx.author")), ("op", v("follow"))],
    )
    .await;
    call(
        "patient",
        "community_membership",
        vec![("slug", v("mx-open")), ("op", v("join"))],
    )
    .await;
    call(
        "muter",
        "update_relationship",
        vec![("handle", v("mx.follower")), ("op", v("block"))],
    )
    .await;
    // A headline per member, to tell a full profile from the name alone.
    s.db.query("UPDATE member SET headline = string::concat('mxhead ', handle, ' end')")
        .await
        .unwrap()
        .check()
        .unwrap();
    let post = |body: &'static str, community: &'static str| {
        let mut form = vec![("body", v(body)), ("visibility", v("public"))];
        if !community.is_empty() {
            form = vec![
                ("body", v(body)),
                ("visibility", v("community")),
                ("community", v(community)),
            ];
        }
        async move {
            call("author", "create_post", form)
                .await
                .json::<String>()
                .await
                .unwrap()
        }
    };
    let public = post("Beyond posts: public", "").await;
    let in_appr = post("Beyond posts: approval community", "mx-appr").await;
    let reported = post("Beyond posts: to be messaged about", "").await;
    call(
        "follower",
        "react",
        vec![("id", public.clone()), ("kind", v("like"))],
    )
    .await;
    call(
        "follower",
        "add_comment",
        vec![
            ("post", public.clone()),
            ("body", v("Comment mxcomment end")),
        ],
    )
    .await;
    let report = |who: &'static str, id: &String| {
        call(
            who,
            "report",
            vec![
                ("kind", v("post")),
                ("item", id.clone()),
                ("reason", v("spam")),
                ("note", v("matrix")),
            ],
        )
    };
    report("stranger", &public).await;
    report("appr_member", &in_appr).await;
    report("stranger", &reported).await;
    call(
        "site_moderator",
        "mod_act",
        vec![
            ("case", format!("post:{reported}")),
            ("action", v("message")),
            ("reason", v("mxnotice")),
        ],
    )
    .await;
    call(
        "pros_unverified",
        "submit_verification",
        vec![
            ("method", v("npi")),
            ("npi", v("1234567893")),
            ("legal_name", v("Legal Marker Qz")),
        ],
    )
    .await;
    let mut res =
        s.db.query("SELECT VALUE record::id(id) FROM verification WHERE status = 'pending'")
            .await
            .unwrap();
    let pending: Vec<String> = res.take(0).unwrap();
    More {
        public,
        in_appr,
        verification: pending[0].clone(),
    }
}

/// The handles inside `v[field]` (an array of objects with `handle`).
fn listed(v: &serde_json::Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["handle"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_viewer_reaches_exactly_what_the_tables_allow_beyond_posts() {
    let started = std::time::Instant::now();
    let server = matrix_server().await;
    let s = &server;
    let c = arrange(s).await;
    let more = arrange_more(s, &c).await;
    let mut cases = 0usize;
    let mut mismatches: Vec<String> = Vec::new();
    let mut check = |what: String, expected: bool, got: bool| {
        cases += 1;
        if expected != got {
            mismatches.push(format!(
                "{what}: expected {}, got {}",
                if expected { "yes" } else { "no" },
                if got { "yes" } else { "no" }
            ));
        }
    };
    let members: Vec<&str> = VIEWERS.iter().copied().filter(|v| *v != "anon").collect();
    for &viewer in VIEWERS {
        let cl = &c[viewer];
        let json = |endpoint: &'static str, form: Vec<(&'static str, String)>| {
            let cl = cl.clone();
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let res = s.call(&cl, endpoint, &form).await;
                let status = res.status();
                (
                    status,
                    res.json::<serde_json::Value>().await.unwrap_or_default(),
                )
            }
        };
        let page = |path: String| {
            let cl = cl.clone();
            async move {
                cl.get(s.url(&path))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap()
            }
        };
        let reads_public = EVERYONE_BUT_BLOCKS.contains(viewer);

        // Comments and reaction counts on the public post, on both of its read paths.
        let (_, thread) = json("post_thread", vec![("id", more.public.clone())]).await;
        let thread_page = page(format!("/p/{}", more.public)).await;
        let sees_comment = reads_public && !blocked_between(viewer, "follower");
        check(
            format!("{viewer}: the follower's comment in post_thread"),
            sees_comment,
            thread.to_string().contains("mxcomment"),
        );
        check(
            format!("{viewer}: the follower's comment on /p/{{id}}"),
            sees_comment,
            thread_page.contains("mxcomment"),
        );
        if reads_public {
            let likes = thread["post"]["reactions"]["like"].as_u64();
            check(
                format!("{viewer}: the follower's like counted ({likes:?})"),
                !blocked_between(viewer, "follower"),
                likes == Some(1),
            );
        }

        // Profiles: every member's, by function and page.
        for &m in &members {
            let handle = format!("mx.{m}");
            let marker = format!("mxhead {handle} end");
            let expected = profile_view(viewer, m);
            let (status, v) = json("profile", vec![("handle", handle.clone())]).await;
            let got = match (status.is_success(), v.to_string().contains(&marker)) {
                (false, _) => "none",
                (true, false) => "name",
                (true, true) => "full",
            };
            check(
                format!("{viewer}: profile of {m} is {got}, table says {expected}"),
                true,
                expected == got,
            );
            let res = cl.get(s.url(&format!("/@{handle}"))).send().await.unwrap();
            let found = res.status().is_success();
            let html = res.text().await.unwrap();
            let got = match (found, html.contains(&marker)) {
                (false, _) => "none",
                (true, false) => "name",
                (true, true) => "full",
            };
            check(
                format!("{viewer}: page /@{m} is {got}, table says {expected}"),
                true,
                expected == got,
            );
        }

        // Member lists: who is named on each, by function and page.
        for &(owner, list, on) in MEMBER_LISTS {
            let (_, v) = json(
                "member_list",
                vec![
                    ("handle", format!("mx.{owner}")),
                    ("kind", list.to_string()),
                ],
            )
            .await;
            let names = listed(&v, "items");
            let html = page(format!("/@mx.{owner}/{list}")).await;
            for &m in on {
                let expected = !blocked_between(viewer, owner)
                    && !blocked_between(viewer, m)
                    && (!PATIENTS.contains(&m) || viewer == m)
                    && (!PATIENTS.contains(&owner) || viewer == owner);
                check(
                    format!("{viewer}: {m} on {owner}'s {list} (member_list)"),
                    expected,
                    names.contains(&format!("mx.{m}")),
                );
                // A page always links the viewer's own profile in its header.
                if viewer != m {
                    check(
                        format!("{viewer}: {m} on {owner}'s {list} (page)"),
                        expected,
                        html.contains(&format!("/@mx.{m}\"")),
                    );
                }
            }
        }

        // Community rosters.
        for &(community, on) in ROSTERS {
            let (_, v) = json("community_page", vec![("slug", format!("mx-{community}"))]).await;
            let names = listed(&v, "members");
            for &m in on {
                let expected =
                    !blocked_between(viewer, m) && (!PATIENTS.contains(&m) || viewer == m);
                check(
                    format!("{viewer}: {m} on the {community} roster"),
                    expected,
                    names.contains(&format!("mx.{m}")),
                );
            }
        }

        // Suggestions never name a patient, a block's other side, or oneself.
        let (status, network) = json("network", vec![]).await;
        check(
            format!("{viewer}: network answers"),
            viewer != "anon",
            status.is_success(),
        );
        let suggested = listed(&network, "suggestions");
        for &m in &members {
            if PATIENTS.contains(&m) || blocked_between(viewer, m) || viewer == m {
                check(
                    format!("{viewer}: {m} suggested"),
                    false,
                    suggested.contains(&format!("mx.{m}")),
                );
            }
        }

        // Moderation queues.
        let (_, queue) = json("mod_cases", vec![]).await;
        let queue = queue.to_string();
        for &(case, readers) in CASES {
            let id = if case == "public" {
                &more.public
            } else {
                &more.in_appr
            };
            check(
                format!("{viewer}: the {case} case in mod_cases"),
                readers.contains(&viewer),
                queue.contains(&format!("post:{id}")),
            );
        }

        // Verification requests, the audit log, notifications.
        for &(marker, paths, readers) in PRIVATE {
            for &path in paths {
                let body = match path.strip_prefix("page ") {
                    Some(p) => page(p.to_string()).await,
                    None => json(
                        match path {
                            "mod_verifications" => "mod_verifications",
                            "my_verification" => "my_verification",
                            "mod_log" => "mod_log",
                            _ => "notifications",
                        },
                        vec![],
                    )
                    .await
                    .1
                    .to_string(),
                };
                check(
                    format!("{viewer}: {marker:?} on {path}"),
                    readers.contains(&viewer),
                    body.contains(marker),
                );
            }
        }
    }

    // Writes: every viewer tries each; the one that uses the thing up goes last.
    for &(write, allowed, last) in WRITES {
        let mut order: Vec<&str> = VIEWERS
            .iter()
            .copied()
            .filter(|v| Some(*v) != last)
            .collect();
        order.extend(last);
        for viewer in order {
            let form: Vec<(&str, String)> = match write {
                "react" => vec![("id", more.public.clone()), ("kind", "insightful".into())],
                "add_comment" => vec![
                    ("post", more.public.clone()),
                    ("body", "A matrix comment".into()),
                ],
                "edit_post" => vec![
                    ("id", more.public.clone()),
                    ("body", "Beyond posts: public".into()),
                ],
                "pin_post" => vec![
                    ("slug", "mx-appr".into()),
                    ("id", more.in_appr.clone()),
                    ("pinned", "true".into()),
                ],
                "mod_act" => vec![
                    ("case", format!("post:{}", more.in_appr)),
                    ("action", "message".into()),
                    ("reason", "matrix".into()),
                ],
                "answer_join_request" => vec![
                    ("slug", "mx-appr".into()),
                    ("handle", "mx.appr_pending".into()),
                    ("approve", "true".into()),
                ],
                "delete_post" => vec![("id", more.in_appr.clone())],
                "create_post" => vec![
                    ("body", "A matrix write".into()),
                    ("visibility", "public".into()),
                ],
                "update_relationship" => {
                    vec![("handle", "mx.stranger".into()), ("op", "follow".into())]
                }
                "set_community_role" => vec![
                    ("slug", "mx-appr".into()),
                    ("handle", "mx.appr_member".into()),
                    ("moderator", "false".into()),
                ],
                "propose_label" => vec![
                    ("post", more.public.clone()),
                    ("note", "Not what the trial found".into()),
                    ("evidence", "PMID 35353979".into()),
                ],
                "mod_decide_label" => {
                    let mut res = s
                        .db
                        .query("SELECT VALUE record::id(id) FROM misinfo_label WHERE status = 'proposed' LIMIT 1")
                        .await
                        .unwrap();
                    let id: Vec<String> = res.take(0).unwrap();
                    vec![
                        ("id", id.first().cloned().unwrap_or_default()),
                        ("decision", "accept".into()),
                    ]
                }
                "delete_comment" => {
                    let mut res = s
                        .db
                        .query("SELECT VALUE record::id(id) FROM comment WHERE string::contains(body, 'mxcomment')")
                        .await
                        .unwrap();
                    let id: Vec<String> = res.take(0).unwrap();
                    vec![("id", id.first().cloned().unwrap_or_default())]
                }
                "mod_decide_verification" => vec![
                    ("id", more.verification.clone()),
                    ("decision", "reject".into()),
                    ("reason", "matrix".into()),
                ],
                "mod_revoke_verification" => vec![
                    ("handle", "mx.verified_pro".into()),
                    ("reason", "matrix".into()),
                ],
                _ => vec![],
            };
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            // Writes are rate-limited per member; this is not about the limits.
            s.db.query("DELETE rate_limit")
                .await
                .unwrap()
                .check()
                .unwrap();
            let status = s.call(&c[viewer], write, &form).await.status();
            assert!(!status.is_server_error(), "{viewer} {write}: {status}");
            check(
                format!("{viewer}: {write} ({status})"),
                allowed.contains(viewer),
                status.is_success(),
            );
        }
    }

    report(
        "authorization matrix beyond posts",
        cases,
        &mismatches,
        started,
    );
}
