//! The trust rules over real HTTP, as a visitor, a member or an attacker meets them: who
//! counts as a verified professional, who gets into professionals-only communities, whose
//! networks are listed, and what a block hides.

#![allow(clippy::unwrap_used)]

mod common;

use app::api::context::AuthSettings;
use common::{client, spawn};
use reqwest::StatusCode;
use serde_json::Value;

/// A verified organization carries a badge, but it is not a verified professional: it
/// reads no "verified professionals only" post, proposes no label, its reports do not
/// hide, and its comments are not "answers from a verified professional".
#[tokio::test]
async fn a_verified_organization_is_not_a_verified_professional() {
    let s = spawn(AuthSettings {
        report_hide_threshold: 1,
        ..AuthSettings::default()
    })
    .await;
    let (author, org, doc) = (client(), client(), client());
    s.sign_up(&author, "vo.author").await;
    s.sign_up_as(&org, "vo.clinic", "organization").await;
    s.sign_up(&doc, "vo.doc").await;
    s.verify("vo.clinic").await;
    s.verify("vo.doc").await;
    let res = s
        .call(
            &author,
            "create_post",
            &[
                ("body", "Off-label dosing, clinicians only"),
                ("visibility", "verified"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let hidden: String = res.json().await.unwrap();
    let public = s.publish(&author, "A public question about statins").await;

    // Reading: the professional does, the organization does not (on every path).
    let thread_form = [("id", hidden.as_str())];
    let thread = |c| s.call(c, "post_thread", &thread_form);
    assert_eq!(thread(&doc).await.status(), StatusCode::OK);
    assert_eq!(thread(&org).await.status(), StatusCode::NOT_FOUND);
    let page = |c: &reqwest::Client| c.get(s.url(&format!("/p/{hidden}"))).send();
    let html = page(&org).await.unwrap().text().await.unwrap();
    assert!(!html.contains("Off-label dosing"));
    let listed = s
        .call(&org, "member_posts", &[("handle", "vo.author")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains("statins") && !listed.contains("Off-label"),
        "{listed}"
    );

    // Labels: only a verified professional proposes one.
    let label_form = [
        ("post", public.as_str()),
        (
            "note",
            "Statins cause memory loss in everyone: not what trials show",
        ),
        ("evidence", "https://example.org/review"),
    ];
    let label = |c| s.call(c, "propose_label", &label_form);
    assert_eq!(label(&org).await.status(), StatusCode::FORBIDDEN);

    // Reports: the organization's report is counted but hides nothing at threshold 1.
    let report_form = [
        ("kind", "post"),
        ("item", public.as_str()),
        ("reason", "misinformation"),
    ];
    let report = |c| s.call(c, "report", &report_form);
    assert!(report(&org).await.status().is_success());
    let anyone = client();
    let seen = s
        .call(&anyone, "post_thread", &[("id", public.as_str())])
        .await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    assert!(seen["post"]["moderation"].is_null(), "{seen}");
    assert!(report(&doc).await.status().is_success());
    let seen: Value = s
        .json(&anyone, "post_thread", &[("id", public.as_str())])
        .await;
    assert!(!seen["post"]["moderation"].is_null(), "{seen}");

    // Comments: the badge line is a professional's.
    for (c, body) in [
        (&org, "We offer lipid clinics"),
        (&doc, "Check the dose first"),
    ] {
        let res = s
            .call(
                c,
                "add_comment",
                &[("post", hidden.as_str()), ("body", body)],
            )
            .await;
        // The organization cannot read the post, so it cannot comment on it either.
        if body.starts_with("We") {
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
        } else {
            assert_eq!(res.status(), StatusCode::OK);
        }
    }
    s.call(
        &org,
        "add_comment",
        &[
            ("post", public.as_str()),
            ("body", "We offer lipid clinics"),
        ],
    )
    .await;
    let html = s.page(&anyone, &format!("/p/{public}")).await;
    assert!(html.contains("We offer lipid clinics"));
    assert!(
        !html.contains("Answer from a verified professional"),
        "{html}"
    );
}

/// Signing up as a professional is a claim: in a professionals-only community it is a
/// request that waits for the badge, and the badge lets the member in by itself.
#[tokio::test]
async fn professionals_only_communities_admit_verified_professionals_only() {
    let s = spawn(AuthSettings::default()).await;
    let (owner, claimer, patient, org, moderator) =
        (client(), client(), client(), client(), client());
    s.sign_up(&owner, "po.owner").await;
    s.verify("po.owner").await;
    s.sign_up(&claimer, "po.claimer").await;
    s.sign_up_as(&patient, "po.patient", "patient").await;
    s.sign_up_as(&org, "po.org", "organization").await;
    s.verify("po.org").await;
    s.sign_up(&moderator, "po.mod").await;
    s.grant_moderator("po.mod").await;
    let res = s
        .call(
            &owner,
            "create_community",
            &[
                ("slug", "po-icu"),
                ("name", "ICU clinicians"),
                ("description", ""),
                ("kind", "specialty"),
                ("access", "professionals"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let members_only = s
        .call(
            &owner,
            "create_post",
            &[
                ("body", "Members-only: our proning rota"),
                ("visibility", "community"),
                ("community", "po-icu"),
            ],
        )
        .await;
    assert_eq!(members_only.status(), StatusCode::OK);
    let post: String = members_only.json().await.unwrap();
    let join = |c| {
        s.call(
            c,
            "community_membership",
            &[("slug", "po-icu"), ("op", "join")],
        )
    };

    let joined: Value = join(&claimer).await.json().await.unwrap();
    assert_eq!(joined, Value::String("Pending".into()), "{joined}");
    for refused in [&patient, &org] {
        assert_eq!(join(refused).await.status(), StatusCode::FORBIDDEN);
    }
    let read_form = [("id", post.as_str())];
    let read = |c| s.call(c, "post_thread", &read_form);
    assert_eq!(read(&claimer).await.status(), StatusCode::NOT_FOUND);
    // The owner cannot wave the claim through either.
    let approve = s
        .call(
            &owner,
            "answer_join_request",
            &[
                ("slug", "po-icu"),
                ("handle", "po.claimer"),
                ("approve", "true"),
            ],
        )
        .await;
    assert_eq!(approve.status(), StatusCode::CONFLICT);
    assert_eq!(read(&claimer).await.status(), StatusCode::NOT_FOUND);

    // Verified by a site moderator: the waiting request becomes a membership.
    s.call(
        &claimer,
        "submit_verification",
        &[
            ("method", "npi"),
            ("npi", "1234567893"),
            ("legal_name", "Priya Raman"),
        ],
    )
    .await;
    let queue: Value = s.json(&moderator, "mod_verifications", &[]).await;
    let id = queue[0]["id"].as_str().unwrap().to_string();
    let decided = s
        .call(
            &moderator,
            "mod_decide_verification",
            &[("id", id.as_str()), ("decision", "approve")],
        )
        .await;
    assert!(decided.status().is_success(), "{}", decided.status());
    assert_eq!(read(&claimer).await.status(), StatusCode::OK);
    let page: Value = s
        .json(&claimer, "community_page", &[("slug", "po-icu")])
        .await;
    assert_eq!(page["community"]["member_count"], 2, "{page}");
}

/// `op` on the member at `handle`, as `c`.
async fn relate(s: &common::TestServer, c: &reqwest::Client, handle: &str, op: &str) {
    let res = s
        .call(c, "update_relationship", &[("handle", handle), ("op", op)])
        .await;
    assert!(res.status().is_success(), "{op} {handle}: {}", res.status());
}

/// The handles a list answer names (`items` of a member page, `members` of a community).
fn handles(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} in {v}"))
        .iter()
        .map(|m| m["handle"].as_str().unwrap().to_string())
        .collect()
}

/// Whom a patient follows, connects with or which condition community they joined can
/// reveal a diagnosis: nobody but the patient sees them listed, anywhere.
#[tokio::test]
async fn a_patients_network_is_listed_to_nobody_else() {
    let s = spawn(AuthSettings::default()).await;
    let (onc, patient, peer, friend) = (client(), client(), client(), client());
    s.sign_up(&onc, "pn.onc").await;
    s.sign_up_as(&patient, "pn.patient", "patient").await;
    s.sign_up(&peer, "pn.peer").await;
    s.sign_up(&friend, "pn.friend").await;
    for c in [&patient, &peer] {
        relate(&s, c, "pn.onc", "follow").await;
    }
    // The patient is connected with the oncologist and the peer; the friend with the
    // oncologist only.
    for (from, to, back) in [
        (&patient, "pn.onc", &onc),
        (&patient, "pn.peer", &peer),
        (&friend, "pn.onc", &onc),
    ] {
        relate(&s, from, to, "connect").await;
        let asker = s.whoami(from).await["handle"].as_str().unwrap().to_string();
        relate(&s, back, &asker, "accept").await;
    }
    let visitor = client();
    for (c, who) in [(&visitor, "visitor"), (&peer, "peer"), (&onc, "oncologist")] {
        let followers: Value = s
            .json(
                c,
                "member_list",
                &[("handle", "pn.onc"), ("kind", "followers")],
            )
            .await;
        assert_eq!(
            handles(&followers, "items"),
            ["pn.peer"],
            "{who}: {followers}"
        );
        assert_eq!(followers["unlisted_patients"], 1, "{who}");
        let connections: Value = s
            .json(
                c,
                "member_list",
                &[("handle", "pn.onc"), ("kind", "connections")],
            )
            .await;
        assert_eq!(handles(&connections, "items"), ["pn.friend"], "{who}");
    }
    // The patient sees themself.
    let own: Value = s
        .json(
            &patient,
            "member_list",
            &[("handle", "pn.onc"), ("kind", "followers")],
        )
        .await;
    assert!(
        handles(&own, "items").contains(&"pn.patient".to_string()),
        "{own}"
    );

    // Mutual connections are counted, not named.
    let graph: Value = s
        .json(&peer, "profile_graph", &[("handle", "pn.onc")])
        .await;
    assert_eq!(graph["mutual_count"], 1, "{graph}");
    assert_eq!(graph["mutuals"], Value::Array(vec![]), "{graph}");

    // People you may know: the friend's friend-of-friend is the patient; not suggested.
    let network: Value = s.json(&friend, "network", &[]).await;
    assert!(!network.to_string().contains("pn.patient"), "{network}");

    // A condition community's roster, to a visitor and to another member.
    s.call(
        &onc,
        "create_community",
        &[
            ("slug", "pn-myeloma"),
            ("name", "Living with myeloma"),
            ("description", ""),
            ("kind", "condition"),
            ("access", "open"),
        ],
    )
    .await;
    for c in [&patient, &peer] {
        let res = s
            .call(
                c,
                "community_membership",
                &[("slug", "pn-myeloma"), ("op", "join")],
            )
            .await;
        assert!(res.status().is_success());
    }
    for (c, who) in [(&visitor, "visitor"), (&peer, "peer")] {
        let page: Value = s.json(c, "community_page", &[("slug", "pn-myeloma")]).await;
        let listed = handles(&page, "members");
        assert!(!listed.contains(&"pn.patient".to_string()), "{who}: {page}");
        assert!(listed.contains(&"pn.peer".to_string()), "{who}");
        assert_eq!(page["unlisted_patients"], 1, "{who}");
        let html = s.page(c, "/c/pn-myeloma").await;
        assert!(!html.contains("pn.patient"), "{who}");
        assert!(html.contains("is a patient and is not listed"), "{who}");
    }
}

/// After a block, neither member sees the other: not their profile, not in anyone's
/// lists or rosters, not their comments (a thread keeps its shape), not in the counts;
/// and the member blocked can still report the blocker.
#[tokio::test]
async fn after_a_block_neither_side_sees_the_other() {
    let s = spawn(AuthSettings::default()).await;
    let (blocker, blocked, host, replier) = (client(), client(), client(), client());
    s.sign_up(&blocker, "bk.blocker").await;
    s.sign_up(&blocked, "bk.blocked").await;
    s.sign_up(&host, "bk.host").await;
    s.sign_up(&replier, "bk.replier").await;
    relate(&s, &blocker, "bk.blocked", "block").await;
    for c in [&blocker, &blocked] {
        relate(&s, c, "bk.host", "follow").await;
    }
    let post = s
        .publish(&host, "Which statin for a patient with CKD?")
        .await;
    let top: String = s
        .json(
            &blocked,
            "add_comment",
            &[
                ("post", post.as_str()),
                ("body", "Atorvastatin, no dose change"),
            ],
        )
        .await;
    let res = s
        .call(
            &replier,
            "add_comment",
            &[
                ("post", post.as_str()),
                ("parent", top.as_str()),
                ("body", "Agreed, check CK"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    s.call(
        &blocked,
        "react",
        &[("id", post.as_str()), ("kind", "like")],
    )
    .await;

    // Profiles: the blocker is not there for the member blocked; the blocker sees a name.
    for ep in ["profile", "profile_graph"] {
        let res = s.call(&blocked, ep, &[("handle", "bk.blocker")]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{ep}");
    }
    let res = s
        .call(
            &blocked,
            "member_list",
            &[("handle", "bk.blocker"), ("kind", "following")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = blocked.get(s.url("/@bk.blocker")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);

    // Lists: each is missing from the other's view of the host's followers.
    for (c, other) in [(&blocker, "bk.blocked"), (&blocked, "bk.blocker")] {
        let followers: Value = s
            .json(
                c,
                "member_list",
                &[("handle", "bk.host"), ("kind", "followers")],
            )
            .await;
        assert!(
            !handles(&followers, "items").contains(&other.to_string()),
            "{followers}"
        );
    }
    let followers: Value = s
        .json(
            &replier,
            "member_list",
            &[("handle", "bk.host"), ("kind", "followers")],
        )
        .await;
    assert_eq!(handles(&followers, "items").len(), 2, "{followers}");

    // The thread: to the blocker, the blocked member's comment is a placeholder that
    // keeps its reply, and neither it nor the like is counted.
    let thread: Value = s
        .json(&blocker, "post_thread", &[("id", post.as_str())])
        .await;
    let c0 = &thread["comments"][0];
    assert_eq!(c0["unavailable"], true, "{thread}");
    assert!(c0["author"].is_null() && c0["html"] == "", "{thread}");
    assert_eq!(c0["replies"][0]["author"]["handle"], "bk.replier");
    assert_eq!(thread["post"]["comment_count"], 1, "{thread}");
    assert_eq!(thread["post"]["reactions"]["like"], 0, "{thread}");
    let html = s.page(&blocker, &format!("/p/{post}")).await;
    assert!(html.contains("Comment unavailable."));
    assert!(!html.contains("Atorvastatin") && !html.contains("bk.blocked"));
    let seen: Value = s
        .json(&replier, "post_thread", &[("id", post.as_str())])
        .await;
    assert_eq!(seen["post"]["comment_count"], 2);
    assert_eq!(seen["post"]["reactions"]["like"], 1);

    // Reporting the blocker stays possible.
    let res = s
        .call(
            &blocked,
            "report",
            &[
                ("kind", "member"),
                ("item", "bk.blocker"),
                ("reason", "harassment"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
}

/// Anyone can start a community and moderate it, so a community moderator's powers stop
/// where trust needs them to: they never learn who reported, never judge a report about
/// their own content, and never overrule a site moderator.
#[tokio::test]
async fn community_moderators_stop_where_site_moderators_begin() {
    let server = spawn(AuthSettings::default()).await;
    let s = &server;
    let (owner, cmod, writer, reporter, site) = (client(), client(), client(), client(), client());
    for (c, h) in [
        (&owner, "cp.owner"),
        (&cmod, "cp.cmod"),
        (&writer, "cp.writer"),
        (&reporter, "cp.reporter"),
        (&site, "cp.site"),
    ] {
        s.sign_up(c, h).await;
    }
    s.grant_moderator("cp.site").await;
    s.call(
        &owner,
        "create_community",
        &[
            ("slug", "cp-wound"),
            ("name", "Wound care"),
            ("description", ""),
            ("kind", "specialty"),
            ("access", "open"),
        ],
    )
    .await;
    for c in [&cmod, &writer] {
        s.call(
            c,
            "community_membership",
            &[("slug", "cp-wound"), ("op", "join")],
        )
        .await;
    }
    let res = s
        .call(
            &owner,
            "set_community_role",
            &[
                ("slug", "cp-wound"),
                ("handle", "cp.cmod"),
                ("moderator", "true"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let in_community = |c, body: &'static str| async move {
        let res = s
            .call(
                c,
                "create_post",
                &[
                    ("body", body),
                    ("visibility", "public"),
                    ("community", "cp-wound"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<String>().await.unwrap()
    };
    let owners = in_community(&owner, "Honey dressings cure every ulcer").await;
    let writers = in_community(&writer, "Silver dressings for every wound").await;
    for post in [&owners, &writers] {
        let res = s
            .call(
                &reporter,
                "report",
                &[
                    ("kind", "post"),
                    ("item", post.as_str()),
                    ("reason", "misinformation"),
                    ("note", "Contradicts the Cochrane review"),
                ],
            )
            .await;
        assert!(res.status().is_success());
    }
    let queue = |c| async move { s.call(c, "mod_cases", &[]).await.text().await.unwrap() };

    // The owner never sees the case about their own post, and cannot act on it.
    let owners_queue = queue(&owner).await;
    assert!(!owners_queue.contains(owners.as_str()), "{owners_queue}");
    assert!(owners_queue.contains(writers.as_str()), "{owners_queue}");
    let act = |c, post: &str, action: &str| {
        let case = format!("post:{post}");
        let action = action.to_string();
        async move {
            s.call(
                c,
                "mod_act",
                &[
                    ("case", case.as_str()),
                    ("action", action.as_str()),
                    ("reason", "Reviewed"),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(act(&owner, &owners, "dismiss").await, StatusCode::FORBIDDEN);

    // A community moderator reads the reasons and notes, never who reported.
    let cmods_queue = queue(&cmod).await;
    assert!(
        cmods_queue.contains("Contradicts the Cochrane review"),
        "{cmods_queue}"
    );
    assert!(!cmods_queue.contains("cp.reporter"), "{cmods_queue}");
    assert!(queue(&site).await.contains("cp.reporter"));

    // A site moderator's removal stands over the community moderator's restore.
    assert_eq!(act(&site, &writers, "remove").await, StatusCode::OK);
    assert_eq!(act(&cmod, &writers, "restore").await, StatusCode::FORBIDDEN);
    let seen: Value = s
        .json(&client(), "post_thread", &[("id", writers.as_str())])
        .await;
    assert_eq!(seen["post"]["moderation"]["state"], "removed", "{seen}");
    // The community moderator still decides the owner's case, which the site did not.
    assert_eq!(act(&cmod, &owners, "dismiss").await, StatusCode::OK);
}

/// A badge vouches for a credential under a legal name. The name is private (site
/// moderators see it beside the number; the profile, the lists, the audit log and
/// community moderators never do); a site moderator can take the badge back, audited and
/// with the reason told; and a verified member who changes the legal name goes back to
/// review.
#[tokio::test]
async fn a_badge_names_a_private_legal_name_and_can_be_taken_back() {
    let s = spawn(AuthSettings::default()).await;
    let (doc, moderator, other_mod, owner, visitor) =
        (client(), client(), client(), client(), client());
    s.sign_up(&doc, "lb.doc").await;
    s.sign_up(&moderator, "lb.mod").await;
    s.sign_up(&other_mod, "lb.mod2").await;
    s.sign_up(&owner, "lb.owner").await;
    s.grant_moderator("lb.mod").await;
    s.grant_moderator("lb.mod2").await;
    s.verify("lb.owner").await;
    const LEGAL: &str = "Ngozi Adaeze Okonkwo";

    // No legal name, no request; the typed fields come back with the error.
    let missing: Value = s
        .json(
            &doc,
            "submit_verification",
            &[("method", "npi"), ("npi", "1234567893")],
        )
        .await;
    assert_eq!(missing["field"], "legal_name", "{missing}");
    assert_eq!(missing["kept"]["npi"], "1234567893", "{missing}");
    let file = || async {
        let form = [
            ("method", "npi"),
            ("npi", "1234567893"),
            ("legal_name", LEGAL),
        ];
        let filed = s.call(&doc, "submit_verification", &form).await;
        assert_eq!(filed.status(), StatusCode::OK);
    };
    let approve_first = |m: &reqwest::Client| {
        let (s, m) = (&s, m.clone());
        async move {
            let queue: Value = s.json(&m, "mod_verifications", &[]).await;
            let id = queue[0]["id"].as_str().unwrap().to_string();
            let form = [("id", id.as_str()), ("decision", "approve")];
            let approved = s.call(&m, "mod_decide_verification", &form).await;
            assert_eq!(approved.status(), StatusCode::OK);
        }
    };
    file().await;

    // Moderators read it beside the number, in the queue and on its page.
    let queue: Value = s.json(&moderator, "mod_verifications", &[]).await;
    assert_eq!(queue[0]["legal_name"], LEGAL, "{queue}");
    assert_eq!(queue[0]["npi"], "1234567893", "{queue}");
    let mod_page = s.page(&moderator, "/mod/verifications").await;
    assert!(mod_page.contains(LEGAL), "the queue page names it");
    approve_first(&moderator).await;

    // A professionals-only community the doctor joins once verified.
    let created = s
        .call(
            &owner,
            "create_community",
            &[
                ("slug", "lb-icu"),
                ("name", "ICU clinicians"),
                ("description", ""),
                ("kind", "specialty"),
                ("access", "professionals"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let joined: Value = s
        .json(
            &doc,
            "community_membership",
            &[("slug", "lb-icu"), ("op", "join")],
        )
        .await;
    assert_ne!(joined, Value::String("Pending".into()), "{joined}");
    let secret = s
        .call(
            &owner,
            "create_post",
            &[
                ("body", "Members-only: our sedation holiday rota"),
                ("visibility", "community"),
                ("community", "lb-icu"),
            ],
        )
        .await;
    let secret: String = secret.json().await.unwrap();
    let secret_form = [("id", secret.as_str())];
    let read_secret = |c| s.call(c, "post_thread", &secret_form);
    assert_eq!(read_secret(&doc).await.status(), StatusCode::OK);

    // Nobody else reads the name: not the profile (page or function), the member lists,
    // the community roster, the audit log, or a community moderator's queue.
    let mut everywhere = vec![
        s.page(&visitor, "/@lb.doc").await,
        s.page(&owner, "/@lb.doc").await,
        s.page(&doc, "/@lb.doc").await,
        s.page(&owner, "/c/lb-icu").await,
        s.page(&moderator, "/mod/log").await,
    ];
    for (c, endpoint, form) in [
        (&owner, "profile", vec![("handle", "lb.doc")]),
        (&visitor, "profile_graph", vec![("handle", "lb.doc")]),
        (&owner, "community_page", vec![("slug", "lb-icu")]),
        (&moderator, "mod_log", vec![]),
        (&owner, "mod_verifications", vec![]),
        (&owner, "whoami", vec![]),
        (&doc, "whoami", vec![]),
    ] {
        everywhere.push(s.call(c, endpoint, &form).await.text().await.unwrap());
    }
    for (i, text) in everywhere.iter().enumerate() {
        assert!(
            !text.contains("Okonkwo"),
            "read path {i} shows the legal name"
        );
    }
    let community_mod = s.call(&owner, "mod_verifications", &[]).await;
    assert_eq!(community_mod.status(), StatusCode::FORBIDDEN);

    // Revoking: a reason, a member, not oneself; then audited and told.
    let revoke = |c: &reqwest::Client, handle: &'static str, reason: &'static str| {
        let (s, c) = (&s, c.clone());
        async move {
            let form = [("handle", handle), ("reason", reason)];
            s.call(&c, "mod_revoke_verification", &form).await
        }
    };
    let no_reason = revoke(&moderator, "lb.doc", " ").await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let nobody = revoke(&moderator, "lb.nobody", "lapsed").await;
    assert_eq!(nobody.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        revoke(&owner, "lb.doc", "lapsed").await.status(),
        StatusCode::FORBIDDEN,
        "a community owner is no site moderator"
    );
    s.verify("lb.mod").await;
    assert_eq!(
        revoke(&moderator, "@lb.mod", "mine").await.status(),
        StatusCode::FORBIDDEN
    );
    let revoked = revoke(&moderator, "@LB.doc", "Licence lapsed in March 2026").await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let again = revoke(&other_mod, "lb.doc", "twice").await;
    assert_eq!(
        again.status(),
        StatusCode::CONFLICT,
        "no badge left to revoke"
    );

    let me = s.whoami(&doc).await;
    assert_eq!(me["verified"], false, "{me}");
    let notes: Value = s.json(&doc, "notifications", &[]).await;
    assert!(
        notes.to_string().contains("Licence lapsed in March 2026"),
        "the member is told why: {notes}"
    );
    let log: Value = s.json(&other_mod, "mod_log", &[]).await;
    assert!(
        log.to_string().contains("verification.revoked"),
        "audited: {log}"
    );
    assert_eq!(
        read_secret(&doc).await.status(),
        StatusCode::NOT_FOUND,
        "no badge, no professionals-only community"
    );
    let roster: Value = s
        .json(&owner, "community_page", &[("slug", "lb-icu")])
        .await;
    assert_eq!(roster["community"]["member_count"], 1, "{roster}");
    let mine: Value = s.json(&doc, "my_verification", &[]).await;
    assert_eq!(mine[2]["status"], "revoked", "{mine}");
    let history = s.page(&other_mod, "/mod/verifications").await;
    assert!(
        history.contains("Licence lapsed in March 2026") && history.contains(LEGAL),
        "moderators see what was revoked, from whom and why"
    );

    // Verified again, under a new request: the membership comes back.
    file().await;
    approve_first(&other_mod).await;
    assert_eq!(read_secret(&doc).await.status(), StatusCode::OK);

    // The same name again changes nothing; a new one sends the badge back to review.
    let same: Value = s
        .json(&doc, "change_legal_name", &[("legal_name", LEGAL)])
        .await;
    assert_eq!(same, Value::Bool(false), "{same}");
    assert_eq!(s.whoami(&doc).await["verified"], true);
    let renamed: Value = s
        .json(
            &doc,
            "change_legal_name",
            &[("legal_name", "Ngozi Adaeze Whitfield")],
        )
        .await;
    assert_eq!(renamed, Value::Bool(true), "{renamed}");
    assert_eq!(s.whoami(&doc).await["verified"], false);
    assert_eq!(read_secret(&doc).await.status(), StatusCode::NOT_FOUND);
    let queue: Value = s.json(&moderator, "mod_verifications", &[]).await;
    assert_eq!(queue[0]["legal_name"], "Ngozi Adaeze Whitfield", "{queue}");
    assert_eq!(
        queue[0]["npi"], "1234567893",
        "the same credential: {queue}"
    );
    let bad: Value = s
        .json(
            &doc,
            "change_legal_name",
            &[("legal_name", "Ngozi\u{202E}")],
        )
        .await;
    assert_eq!(bad["field"], "legal_name", "{bad}");
}
