//! Trust and safety over real HTTP: every moderation server function and page refuses
//! visitors (401 / redirect) and members who moderate nothing (403); community moderators
//! see only their community's cases; reports, the PHI guard and suspensions answer with
//! the right status; `rounds phi-check` prints JSON lines.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use app::api::context::AuthSettings;
use common::{client, spawn};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn moderation_functions_refuse_visitors_and_members() {
    let s = spawn(AuthSettings::default()).await;
    let member = client();
    s.sign_up(&member, "plain.member").await;
    let calls: [(&str, &[(&str, &str)]); 8] = [
        ("mod_verifications", &[]),
        ("mod_revoked_badges", &[]),
        (
            "mod_revoke_verification",
            &[("handle", "plain.member"), ("reason", "r")],
        ),
        (
            "mod_decide_verification",
            &[("id", "x"), ("decision", "approve")],
        ),
        ("mod_cases", &[]),
        (
            "mod_act",
            &[("case", "post:x"), ("action", "hide"), ("reason", "r")],
        ),
        ("mod_decide_label", &[("id", "x"), ("decision", "accept")]),
        ("mod_log", &[]),
    ];
    for (endpoint, form) in calls {
        let visitor = s.call(&client(), endpoint, form).await;
        assert_eq!(visitor.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        let res = s.call(&member, endpoint, form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{endpoint}");
        let err: Value = res.json().await.unwrap();
        assert!(
            err["message"].as_str().unwrap().contains("moderators"),
            "{err}"
        );
    }
    // The pages answer the same way, server-rendered.
    for path in ["/mod/reports", "/mod/verifications", "/mod/log"] {
        let page = |c: reqwest::Client| {
            let url = s.url(path);
            async move {
                c.get(url)
                    .header("accept", "text/html")
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            page(member.clone()).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
        let visitor = page(client()).await;
        assert_eq!(visitor.status(), StatusCode::FOUND, "{path}");
    }
    // A site moderator gets through.
    s.grant_moderator("plain.member").await;
    let ok = s.call(&member, "mod_cases", &[]).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_moderators_decision_must_be_one_of_the_two_buttons() {
    let s = spawn(AuthSettings::default()).await;
    let moderator = client();
    s.sign_up(&moderator, "site.mod").await;
    s.grant_moderator("site.mod").await;
    let cases = [
        ("mod_decide_verification", "approve", "Approve or reject."),
        ("mod_decide_label", "accept", "Accept or reject."),
    ];
    for (endpoint, yes, message) in cases {
        for wrong in [
            "",
            "maybe",
            "Approve",
            "accept ",
            if yes == "approve" {
                "accept"
            } else {
                "approve"
            },
        ] {
            let res = s
                .call(&moderator, endpoint, &[("id", "x"), ("decision", wrong)])
                .await;
            assert_eq!(
                res.status(),
                StatusCode::BAD_REQUEST,
                "{endpoint} {wrong:?}"
            );
            let err: Value = res.json().await.unwrap();
            assert_eq!(err["field"], "decision", "{err}");
            assert_eq!(err["message"], message, "{err}");
        }
        // The right words get past the check, to the next one (a rejection needs a reason,
        // the item is unknown).
        for right in [yes, "reject"] {
            let res = s
                .call(&moderator, endpoint, &[("id", "x"), ("decision", right)])
                .await;
            assert!(!res.status().is_success(), "{endpoint} {right}");
            let err: Value = res.json().await.unwrap();
            assert_ne!(err["field"], "decision", "{endpoint} {right}: {err}");
        }
    }
}

#[tokio::test]
async fn reports_answer_with_the_right_status() {
    let s = spawn(AuthSettings::default()).await;
    let (author, reader) = (client(), client());
    s.sign_up(&author, "rep.writer").await;
    s.sign_up(&reader, "rep.reader").await;
    let id = s.publish(&author, "Antibiotics treat viral colds").await;
    let form = [
        ("kind", "post"),
        ("item", id.as_str()),
        ("reason", "misinformation"),
        ("note", "They do not."),
    ];
    assert_eq!(
        s.call(&client(), "report", &form).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(&reader, "report", &form).await.status(),
        StatusCode::OK
    );
    let again = s.call(&reader, "report", &form).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let bad = s
        .call(
            &reader,
            "report",
            &[("kind", "post"), ("item", &id), ("reason", "boring")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let missing = s
        .call(
            &reader,
            "report",
            &[("kind", "post"), ("item", "nosuchpost"), ("reason", "spam")],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // The author's notifications are theirs alone.
    let notes = s.call(&reader, "notifications", &[]).await;
    assert_eq!(notes.json::<Vec<Value>>().await.unwrap().len(), 0);
    assert_eq!(
        s.call(&client(), "notifications", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn community_moderators_see_only_their_cases_over_http() {
    let s = spawn(AuthSettings::default()).await;
    let (owner, writer, reader) = (client(), client(), client());
    s.sign_up(&owner, "cm.owner").await;
    s.sign_up(&writer, "cm.writer").await;
    s.sign_up(&reader, "cm.reader").await;
    let res = s
        .call(
            &owner,
            "create_community",
            &[
                ("slug", "cm-renal"),
                ("name", "Renal"),
                ("description", ""),
                ("kind", "specialty"),
                ("access", "open"),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status() == StatusCode::FOUND);
    assert_eq!(
        s.call(
            &writer,
            "community_membership",
            &[("slug", "cm-renal"), ("op", "join")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    let inside = s
        .call(
            &writer,
            "create_post",
            &[
                ("body", "Community claim"),
                ("visibility", "community"),
                ("community", "cm-renal"),
            ],
        )
        .await
        .json::<String>()
        .await
        .unwrap();
    let outside = s.publish(&writer, "Home claim").await;
    assert_eq!(
        s.call(
            &reader,
            "community_membership",
            &[("slug", "cm-renal"), ("op", "join")]
        )
        .await
        .status(),
        StatusCode::OK
    );
    for id in [&inside, &outside] {
        let res = s
            .call(
                &reader,
                "report",
                &[("kind", "post"), ("item", id), ("reason", "spam")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let queue: Value = s.json(&owner, "mod_cases", &[]).await;
    let ids: Vec<&str> = queue["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [format!("post:{inside}")]);
    let refused = s
        .call(
            &owner,
            "mod_act",
            &[
                ("case", &format!("post:{outside}")),
                ("action", "hide"),
                ("reason", "nope"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let case = format!("post:{inside}");
    let no_reason = s
        .call(
            &owner,
            "mod_act",
            &[("case", &case), ("action", "hide"), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let err: Value = no_reason.json().await.unwrap();
    assert_eq!(err["field"], "reason");
    assert_eq!(
        err["kept"]["case"],
        case.as_str(),
        "the queue knows which form failed"
    );
    assert_eq!(err["kept"]["action"], "hide", "and what was chosen");
    let hidden = s
        .call(
            &owner,
            "mod_act",
            &[
                ("case", &format!("post:{inside}")),
                ("action", "hide"),
                ("reason", "Off topic"),
            ],
        )
        .await;
    assert_eq!(hidden.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_phi_guard_and_suspensions_answer_over_http() {
    let s = spawn(AuthSettings::default()).await;
    let a = client();
    s.sign_up(&a, "phi.http").await;
    let text = "Pt Jorge Ramirez, DOB 07/22/1961, MRN 4839201";
    let res = s
        .call(
            &a,
            "create_post",
            &[("body", text), ("visibility", "public")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    let kinds: Vec<&str> = err["phi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["name", "date", "medical_record"]);
    assert_eq!(err["kept"]["body"], text, "the draft comes back");
    let ok = s
        .call(
            &a,
            "create_post",
            &[
                ("body", text),
                ("visibility", "public"),
                ("confirm_phi", "on"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);

    s.db.query("UPDATE member SET suspended_until = time::now() + 1d WHERE handle = 'phi.http'")
        .await
        .unwrap()
        .check()
        .unwrap();
    let suspended = s
        .call(
            &a,
            "create_post",
            &[("body", "Hello again"), ("visibility", "public")],
        )
        .await;
    assert_eq!(suspended.status(), StatusCode::FORBIDDEN);
    let err: Value = suspended.json().await.unwrap();
    assert!(err["message"].as_str().unwrap().contains("suspended until"));
}

/// The guard on the other free-text fields answers the same way over HTTP: a 400 whose
/// findings name their field, the typed text kept, and success once confirmed.
#[tokio::test]
async fn the_phi_guard_covers_profiles_and_connection_notes_over_http() {
    let s = spawn(AuthSettings::default()).await;
    let a = client();
    s.sign_up(&a, "phi.fields").await;
    let b = client();
    s.sign_up(&b, "phi.other").await;
    let bio = "Proud of Mrs. Garcia (MRN 4839201) walking again.";
    let form = [
        ("display_name", "Dr. Phi Fields"),
        ("headline", "Physiotherapist"),
        ("bio", bio),
    ];
    let res = s.call(&a, "update_profile", &form).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    let found: Vec<(&str, &str)> = err["phi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("bio", "name"), ("bio", "medical_record")]);
    assert_eq!(err["field"], "bio");
    assert_eq!(err["kept"]["bio"], bio, "what was typed comes back");
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm_phi", "on"));
    let ok = s.call(&a, "update_profile", &confirmed).await;
    assert!(ok.status().is_success() || ok.status().is_redirection());
    assert!(
        s.page(&client(), "/@phi.fields")
            .await
            .contains("walking again")
    );

    let note = [
        ("handle", "phi.other"),
        ("op", "connect"),
        ("note", "We both treated Mr. Okonkwo, DOB 03/04/1951"),
    ];
    let res = s.call(&a, "update_relationship", &note).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["phi"][0]["field"], "note");
    assert_eq!(err["kept"]["note"], note[2].1);
    let mut confirmed = note.to_vec();
    confirmed.push(("confirm_phi", "on"));
    let ok = s.call(&a, "update_relationship", &confirmed).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let r: Value = ok.json().await.unwrap();
    assert_eq!(r["connection"], "RequestSent", "{r}");
}

#[test]
fn phi_check_prints_one_json_line_per_finding() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rounds"))
        .arg("phi-check")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Café visit: call 617-555-0142, BP 120/80, A1c 7.1%.\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0]["kind"], "phone");
    assert_eq!(lines[0]["text"], "617-555-0142");
    // Byte offsets: "Café" has a two-byte é.
    assert_eq!(lines[0]["start"], 18);
    assert_eq!(lines[0]["end"], 30);
}

#[tokio::test]
async fn only_verified_professionals_post_in_professionals_only_communities() {
    let s = spawn(AuthSettings::default()).await;
    let doc = client();
    s.sign_up(&doc, "pro.poster").await;
    let res = s
        .call(
            &doc,
            "create_community",
            &[
                ("slug", "pro-icu"),
                ("name", "ICU clinicians"),
                ("description", ""),
                ("kind", "specialty"),
                ("access", "professionals"),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status() == StatusCode::FOUND);
    let form = [
        ("body", "Proning protocol question"),
        ("visibility", "community"),
        ("community", "pro-icu"),
    ];
    let refused = s.call(&doc, "create_post", &form).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let err: Value = refused.json().await.unwrap();
    assert!(err["message"].as_str().unwrap().contains("verified"));
    s.db.query("UPDATE member SET verified = true WHERE handle = 'pro.poster'")
        .await
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(
        s.call(&doc, "create_post", &form).await.status(),
        StatusCode::OK
    );
}

/// A moderator's own verification request waits for another moderator; a decision is
/// made once, and a second decision on the same request is a conflict.
#[tokio::test]
async fn nobody_decides_their_own_verification_and_a_second_decision_is_a_conflict() {
    let s = spawn(AuthSettings::default()).await;
    let (asker, other) = (client(), client());
    s.sign_up(&asker, "self.mod").await;
    s.sign_up(&other, "other.mod").await;
    s.grant_moderator("self.mod").await;
    s.grant_moderator("other.mod").await;
    let submitted = s
        .call(
            &asker,
            "submit_verification",
            &[
                ("method", "npi"),
                ("npi", "1245319599"),
                ("legal_name", "Ola Nnamdi"),
            ],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::OK);
    let queue: Value = s.json(&other, "mod_verifications", &[]).await;
    let id = queue[0]["id"].as_str().unwrap().to_string();
    let decide = |c: &reqwest::Client, decision: &'static str| {
        let (s, id) = (&s, id.clone());
        let c = c.clone();
        async move {
            let form = [
                ("id", id.as_str()),
                ("decision", decision),
                ("reason", "checked"),
            ];
            s.call(&c, "mod_decide_verification", &form).await
        }
    };
    let own = decide(&asker, "approve").await;
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    assert_eq!(decide(&other, "approve").await.status(), StatusCode::OK);
    let again = decide(&other, "reject").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let mine: Value = s.json(&asker, "my_verification", &[]).await;
    assert_eq!(mine[1], true, "verified by the other moderator");
    assert_eq!(mine[2]["status"], "approved");
}
