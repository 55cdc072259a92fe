//! The authorization matrix over real HTTP: every viewer kind × every post (audience ×
//! community access × moderation state) × every read path that shows a post's text. The
//! expected outcome of each case comes from the truth table below, written as data: it
//! does not call `Viewer::may_see` or any other app code, so a rule the code forgets
//! shows up as a mismatch. A case passes when the post's unique marker appears in the
//! response exactly when the table says the viewer may read it. Prints the count; fails
//! on the first list of mismatches. Later read paths (search, notifications, messages)
//! join `PATHS`; later resources join the tables.

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
const EVERYONE_BUT_BLOCKS: &[&str] = &[
    "anon",
    "author",
    "stranger",
    "follower",
    "connection",
    "pending_out",
    "pending_in",
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

/// Who reads a live post, by its audience ("<community>:community" for members-only).
const READERS: &[(&str, &[&str])] = &[
    ("public", EVERYONE_BUT_BLOCKS),
    ("connections", &["author", "connection"]),
    ("verified", &["author", "verified_pro", "pros_member"]),
    ("open:community", &["author", "open_member"]),
    ("pros:community", &["author", "pros_member"]),
    (
        "appr:community",
        &["author", "appr_member", "appr_moderator"],
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
        .contains(&viewer);
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

#[tokio::test]
async fn every_viewer_reads_exactly_what_the_truth_table_allows_on_every_path() {
    let started = std::time::Instant::now();
    let server = spawn(AuthSettings {
        report_hide_threshold: 1000,
        signup_per_ip: app::domain::rate_limit::Limit {
            max: 1000,
            window: std::time::Duration::from_secs(600),
        },
        ..AuthSettings::default()
    })
    .await;
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
    println!(
        "authorization matrix: {cases} cases, {} mismatches, {:.1} s",
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
