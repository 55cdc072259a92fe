//! Trust and safety on a real SurrealDB (mem://): verification, the PHI guard at publish
//! time, reports grouped into cases, threshold hiding, moderator reach, the append-only
//! audit log, misinformation labels and notifications.

#![allow(clippy::unwrap_used)]

mod common;

use app::db::Db;
use app::domain::communities::{self, NewCommunity};
use app::domain::moderation::{self, Decision, ModError, Moderator, NewReport};
use app::domain::posts::{self, NewPost, PostError};
use app::domain::viewer::Viewer;
use app::domain::{audit, labels, verification};
use app::error::ErrorKind;
use app::model::{
    MemberId, ModAction, NotificationKind, PostId, ReportReason, ReportTarget, Role,
    check_verification,
};
use common::{count, fresh_db, member};

async fn viewer(db: &Db, id: &MemberId) -> Viewer {
    Viewer::load(db, Some(id), false).await.unwrap()
}

async fn post(db: &Db, author: &MemberId, body: &str) -> PostId {
    posts::create(
        db,
        author,
        &NewPost {
            body: body.into(),
            visibility: "public".into(),
            ..NewPost::default()
        },
        None,
    )
    .await
    .unwrap()
}

async fn set(db: &Db, id: &str, field: &str, value: bool) {
    db.query(format!(
        "UPDATE type::record('member', $id) SET {field} = $v"
    ))
    .bind(("id", id.to_string()))
    .bind(("v", value))
    .await
    .unwrap()
    .check()
    .unwrap();
}

async fn report(db: &Db, who: &MemberId, kind: ReportTarget, item: &str) -> Result<(), ModError> {
    moderation::report(
        db,
        &viewer(db, who).await,
        &NewReport {
            kind,
            item,
            reason: ReportReason::Misinformation,
            note: "cites a retracted paper",
            confirm_phi: false,
        },
        3,
    )
    .await
}

async fn site_moderator(db: &Db, handle: &str) -> Moderator {
    let m = member(db, handle, "professional").await;
    set(db, &m.id, "is_moderator", true).await;
    Moderator::load(db, &m.id, true).await.unwrap().unwrap()
}

async fn texts(db: &Db, member: &MemberId) -> Vec<String> {
    audit::notifications(db, member, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect()
}

#[tokio::test]
async fn verification_is_requested_decided_audited_and_told() {
    let db = fresh_db().await;
    let doc = member(&db, "doc.verify", "professional").await;
    let patient = member(&db, "pat.verify", "patient").await;
    let mods = site_moderator(&db, "mod.verify").await;
    let npi = check_verification("npi", "1234567893", "", "", "Dana Whitfield").unwrap();

    let refused = verification::submit(&db, &patient.id, Role::Patient, &npi).await;
    assert_eq!(
        app::error::AppError::from(refused.unwrap_err()).kind,
        ErrorKind::Forbidden
    );

    let for_verified = posts::create(
        &db,
        &patient.id,
        &NewPost {
            body: "For clinicians: my CGM readings attached".into(),
            visibility: "verified".into(),
            ..NewPost::default()
        },
        None,
    )
    .await
    .unwrap();
    assert!(
        posts::get(&db, &viewer(&db, &doc.id).await, &for_verified)
            .await
            .is_err(),
        "not yet verified: the post is invisible"
    );
    let id = verification::submit(&db, &doc.id, Role::Professional, &npi)
        .await
        .unwrap();
    let again = verification::submit(&db, &doc.id, Role::Professional, &npi).await;
    assert_eq!(
        app::error::AppError::from(again.unwrap_err()).kind,
        ErrorKind::Conflict
    );
    assert_eq!(verification::queue(&db).await.unwrap().len(), 1);

    let no_reason = verification::decide(&db, &mods.id, &id, false, " ").await;
    assert_eq!(
        app::error::AppError::from(no_reason.unwrap_err())
            .field
            .as_deref(),
        Some("reason")
    );
    verification::decide(&db, &mods.id, &id, true, "")
        .await
        .unwrap();
    assert!(viewer(&db, &doc.id).await.verified_professional);
    posts::get(&db, &viewer(&db, &doc.id).await, &for_verified)
        .await
        .expect("verified professionals read verified-only posts");
    assert!(verification::queue(&db).await.unwrap().is_empty());
    assert!(
        texts(&db, &doc.id).await[0].contains("verified"),
        "{:?}",
        texts(&db, &doc.id).await
    );
    let log = audit::log(&db, None).await.unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["verification.approved", "verification.submitted"]);
    assert_eq!(log.items[0].actor.as_deref(), Some("mod.verify"));
    let decided_twice = verification::decide(&db, &mods.id, &id, true, "").await;
    assert!(decided_twice.is_err());
}

#[tokio::test]
async fn the_phi_guard_stops_a_post_until_the_author_confirms() {
    let db = fresh_db().await;
    let a = member(&db, "phi.author", "professional").await;
    let text = "Saw Mrs. Garcia today, call her at 617-555-0142 about the MRI.";
    let stopped = posts::create(
        &db,
        &a.id,
        &NewPost {
            body: text.into(),
            visibility: "public".into(),
            ..NewPost::default()
        },
        None,
    )
    .await;
    let Err(PostError::Invalid(e)) = stopped else {
        panic!("expected a PHI stop, got {stopped:?}");
    };
    assert_eq!(e.kind, ErrorKind::BadRequest);
    let kinds: Vec<&str> = e.phi.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["name", "phone"]);
    assert_eq!(count(&db, "post").await, 0, "nothing was published");

    let id = posts::create(
        &db,
        &a.id,
        &NewPost {
            body: text.into(),
            visibility: "public".into(),
            confirm_phi: true,
            ..NewPost::default()
        },
        None,
    )
    .await
    .unwrap();
    let mut res = db
        .query("RETURN type::record('post', $id).phi_confirmed")
        .bind(("id", id.clone()))
        .await
        .unwrap();
    let confirmed: Vec<String> = res.take(0).unwrap();
    assert_eq!(confirmed, ["name", "phone"], "the confirmation is recorded");

    // Comments are guarded the same way.
    let v = viewer(&db, &a.id).await;
    let c = common::comment(&db, &v, &id, None, "Her MRN 48392011 is wrong", false).await;
    assert!(matches!(c, Err(PostError::Invalid(e)) if !e.phi.is_empty()));
    common::comment(&db, &v, &id, None, "Sodium 128 mmol/L after 2 L", false)
        .await
        .unwrap();
}

#[tokio::test]
async fn one_open_report_per_member_per_item_grouped_into_one_case() {
    let db = fresh_db().await;
    let author = member(&db, "rep.author", "professional").await;
    let id = post(&db, &author.id, "Vitamin C cures sepsis").await;
    let mut reporters = Vec::new();
    for i in 0..5 {
        let r = member(&db, &format!("rep.r{i}"), "patient").await;
        report(&db, &r.id, ReportTarget::Post, &id).await.unwrap();
        reporters.push(r);
    }
    let again = report(&db, &reporters[0].id, ReportTarget::Post, &id).await;
    assert!(matches!(again, Err(ModError::AlreadyReported)));
    let own = report(&db, &author.id, ReportTarget::Post, &id).await;
    assert!(own.is_err(), "authors cannot report themselves");

    let mods = site_moderator(&db, "rep.mod").await;
    let cases = moderation::cases(&db, &mods, true).await.unwrap();
    assert_eq!(cases.len(), 1, "five reports are one case");
    assert_eq!(cases[0].reports, 5);
    assert_eq!(cases[0].notes.len(), 5);
    // Patients' reports do not auto-hide.
    assert!(!cases[0].hidden_pending);

    // Once the case is closed, a member may report the item again.
    moderation::act(
        &db,
        &mods,
        &Decision {
            case: &cases[0].id,
            action: ModAction::Dismiss,
            reason: "",
            days: 0,
        },
    )
    .await
    .unwrap();
    report(&db, &reporters[0].id, ReportTarget::Post, &id)
        .await
        .unwrap();
    let reopened = moderation::cases(&db, &mods, true).await.unwrap();
    assert_eq!(reopened[0].reports, 1);
    assert!(texts(&db, &reporters[1].id).await[0].contains("No violation found"));
}

#[tokio::test]
async fn reports_from_verified_professionals_hide_an_item_pending_review() {
    let db = fresh_db().await;
    let author = member(&db, "thr.author", "professional").await;
    let reader = member(&db, "thr.reader", "patient").await;
    let id = post(&db, &author.id, "Stop your statins, they are poison").await;
    for i in 0..3 {
        let doc = member(&db, &format!("thr.doc{i}"), "professional").await;
        set(&db, &doc.id, "verified", true).await;
        let before = posts::get(&db, &viewer(&db, &reader.id).await, &id)
            .await
            .unwrap();
        assert!(before.moderation.is_none(), "visible before report {i}");
        report(&db, &doc.id, ReportTarget::Post, &id).await.unwrap();
    }
    let seen = posts::get(&db, &viewer(&db, &reader.id).await, &id)
        .await
        .unwrap();
    let notice = seen.moderation.expect("a notice replaces the post");
    assert_eq!(notice.state, "hidden");
    assert!(seen.html.is_empty(), "readers do not see the content");
    let own = posts::get(&db, &viewer(&db, &author.id).await, &id)
        .await
        .unwrap();
    assert!(own.moderation.is_some() && !own.html.is_empty());

    let mods = site_moderator(&db, "thr.mod").await;
    let case = &moderation::cases(&db, &mods, true).await.unwrap()[0];
    assert!(case.hidden_pending);
    assert_eq!(case.verified_reports, 3);
    assert_eq!(case.mod_state.as_deref(), Some("hidden"));
    let log = audit::log(&db, None).await.unwrap();
    assert_eq!(log.items[0].action, "report.auto_hidden");
    assert_eq!(log.items[0].actor, None);

    // A moderator who finds nothing wrong shows it again.
    moderation::act(
        &db,
        &mods,
        &Decision {
            case: &case.id,
            action: ModAction::Dismiss,
            reason: "",
            days: 0,
        },
    )
    .await
    .unwrap();
    let back = posts::get(&db, &viewer(&db, &reader.id).await, &id)
        .await
        .unwrap();
    assert!(back.moderation.is_none() && !back.html.is_empty());
}

#[tokio::test]
async fn moderators_act_tell_authors_and_reporters_and_suspend() {
    let db = fresh_db().await;
    let author = member(&db, "act.author", "professional").await;
    let reporter = member(&db, "act.reporter", "patient").await;
    let id = post(&db, &author.id, "Buy my supplement, 50% off").await;
    report(&db, &reporter.id, ReportTarget::Post, &id)
        .await
        .unwrap();
    let mods = site_moderator(&db, "act.mod").await;
    let case_id = format!("post:{id}");
    let act = |action, reason: &'static str, days| {
        let db = db.clone();
        let mods = mods.clone();
        let case_id = case_id.clone();
        async move {
            moderation::act(
                &db,
                &mods,
                &Decision {
                    case: &case_id,
                    action,
                    reason,
                    days,
                },
            )
            .await
        }
    };
    let no_reason = act(ModAction::Hide, "", 0).await;
    assert!(matches!(no_reason, Err(ModError::Invalid(e)) if e.field.as_deref() == Some("reason")));
    act(ModAction::Message, "Please disclose your affiliation.", 0)
        .await
        .unwrap();
    act(ModAction::Hide, "Undisclosed promotion", 0)
        .await
        .unwrap();
    act(ModAction::Suspend, "Repeated spam", 7).await.unwrap();

    let author_told = texts(&db, &author.id).await;
    assert!(
        author_told
            .iter()
            .any(|t| t.contains("Undisclosed promotion"))
    );
    assert!(
        author_told
            .iter()
            .any(|t| t.contains("disclose your affiliation"))
    );
    assert!(
        author_told
            .iter()
            .any(|t| t.contains("suspended for 7 days"))
    );
    let reporter_told = texts(&db, &reporter.id).await;
    assert_eq!(
        reporter_told.len(),
        1,
        "told the outcome once: {reporter_told:?}"
    );
    assert!(reporter_told[0].contains("The post was hidden"));

    let mut res = db
        .query("RETURN type::record('member', $id).suspended_until > time::now()")
        .bind(("id", author.id.clone()))
        .await
        .unwrap();
    let suspended: Option<bool> = res.take(0).unwrap();
    assert_eq!(suspended, Some(true));

    let log = audit::log(&db, None).await.unwrap();
    let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["case.suspend", "case.hide", "case.message"]);
    assert!(log.items[0].detail.starts_with("7 days"));
}

#[tokio::test]
async fn community_moderators_reach_only_their_community() {
    let db = fresh_db().await;
    let owner = member(&db, "cm.owner", "professional").await;
    let outsider = member(&db, "cm.outsider", "professional").await;
    let reader = member(&db, "cm.reader", "professional").await;
    let cid = communities::create(
        &db,
        &owner.id,
        Role::Professional,
        &NewCommunity {
            slug: "cm-cardiology".into(),
            name: "Cardiology".into(),
            description: String::new(),
            kind: "specialty".into(),
            access: "open".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let inside = posts::create(
        &db,
        &outsider.id,
        &NewPost {
            body: "Community post".into(),
            visibility: "public".into(),
            community: Some(cid.clone()),
            ..NewPost::default()
        },
        Some("open"),
    )
    .await
    .unwrap();
    let outside = post(&db, &outsider.id, "Home post").await;
    report(&db, &reader.id, ReportTarget::Post, &inside)
        .await
        .unwrap();
    report(&db, &reader.id, ReportTarget::Post, &outside)
        .await
        .unwrap();

    assert!(
        Moderator::load(&db, &reader.id, false)
            .await
            .unwrap()
            .is_none(),
        "a plain member moderates nothing"
    );
    let cm = Moderator::load(&db, &owner.id, false)
        .await
        .unwrap()
        .unwrap();
    let cases = moderation::cases(&db, &cm, true).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].id, format!("post:{inside}"));
    let decide = |case: String, action| {
        let db = db.clone();
        let cm = cm.clone();
        async move {
            moderation::act(
                &db,
                &cm,
                &Decision {
                    case: &case,
                    action,
                    reason: "off topic",
                    days: 3,
                },
            )
            .await
        }
    };
    assert!(matches!(
        decide(format!("post:{outside}"), ModAction::Hide).await,
        Err(ModError::Forbidden(_))
    ));
    assert!(matches!(
        decide(format!("post:{inside}"), ModAction::Suspend).await,
        Err(ModError::Forbidden(_))
    ));
    decide(format!("post:{inside}"), ModAction::Hide)
        .await
        .unwrap();
}

#[tokio::test]
async fn audit_entries_cannot_be_changed_or_deleted() {
    let db = fresh_db().await;
    verification::set_role(&db, "nobody.here", verification::SiteRole::Moderator, true)
        .await
        .unwrap_err();
    let m = member(&db, "audit.me", "professional").await;
    verification::set_role(&db, "audit.me", verification::SiteRole::Moderator, true)
        .await
        .unwrap();
    assert!(viewer(&db, &m.id).await.moderator);
    assert_eq!(count(&db, "audit").await, 1);
    for sql in [
        "UPDATE audit SET detail = 'rewritten'",
        "UPDATE audit SET action = 'nothing'",
        "DELETE audit",
        "UPSERT audit SET detail = 'x' WHERE true",
    ] {
        let res = db.query(sql).await.unwrap().check();
        assert!(res.is_err(), "{sql} must fail");
    }
    let log = audit::log(&db, None).await.unwrap();
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].action, "role.granted");
    assert_eq!(log.items[0].detail, "moderator");
}

#[tokio::test]
async fn labels_are_proposed_by_verified_professionals_and_shown_once_accepted() {
    let db = fresh_db().await;
    let author = member(&db, "lab.author", "professional").await;
    let doc = member(&db, "lab.doc", "professional").await;
    let plain = member(&db, "lab.plain", "patient").await;
    let id = post(&db, &author.id, "Ivermectin cures COVID").await;
    let refused = labels::label(
        &db,
        &viewer(&db, &plain.id).await,
        &id,
        "Not supported",
        "PMID 35353979",
        false,
    )
    .await;
    assert!(matches!(refused, Err(ModError::Forbidden(_))));
    set(&db, &doc.id, "verified", true).await;
    labels::label(
        &db,
        &viewer(&db, &doc.id).await,
        &id,
        "Randomized trials found no benefit.",
        "PMID 35353979",
        false,
    )
    .await
    .unwrap();
    let reader = viewer(&db, &plain.id).await;
    assert!(
        posts::get(&db, &reader, &id)
            .await
            .unwrap()
            .misinfo
            .is_none()
    );
    let proposals = labels::proposals(&db).await.unwrap();
    assert_eq!(proposals.len(), 1);
    let mods = site_moderator(&db, "lab.mod").await;
    labels::decide(&db, &mods.id, &proposals[0].id, true)
        .await
        .unwrap();
    let label = posts::get(&db, &reader, &id)
        .await
        .unwrap()
        .misinfo
        .unwrap();
    assert_eq!(label.note, "Randomized trials found no benefit.");
    assert_eq!(
        label.evidence,
        ["https://pubmed.ncbi.nlm.nih.gov/35353979/"]
    );
    assert!(texts(&db, &doc.id).await[0].contains("accepted"));
    assert!(texts(&db, &author.id).await[0].contains("misinformation label"));

    // A moderator's own label needs no review.
    let other = post(&db, &author.id, "Antibiotics cure the flu").await;
    labels::label(
        &db,
        &viewer(&db, &mods.id).await,
        &other,
        "Influenza is a virus; antibiotics do not treat it.",
        "https://www.cdc.gov/flu/treatment/index.html",
        false,
    )
    .await
    .unwrap();
    assert!(
        posts::get(&db, &reader, &other)
            .await
            .unwrap()
            .misinfo
            .is_some()
    );
    assert!(labels::proposals(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn notifications_count_unread_until_marked_read() {
    let db = fresh_db().await;
    let m = member(&db, "note.me", "patient").await;
    audit::Effects::new()
        .notify(&m.id, NotificationKind::Moderation, "one", "/")
        .notify(&m.id, NotificationKind::Moderation, "two", "/")
        .commit(&db)
        .await
        .unwrap();
    let unread = |db: Db, id: MemberId| async move {
        let mut res = db
            .query("RETURN type::record('member', $id).unread")
            .bind(("id", id))
            .await
            .unwrap();
        let n: Option<i64> = res.take(0).unwrap();
        n.unwrap_or(0)
    };
    assert_eq!(unread(db.clone(), m.id.clone()).await, 2);
    let list = audit::notifications(&db, &m.id, 10).await.unwrap();
    assert_eq!(
        list.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
        ["two", "one"]
    );
    audit::mark_all_read(&db, &m.id).await.unwrap();
    assert_eq!(unread(db.clone(), m.id.clone()).await, 0);
    assert!(
        audit::notifications(&db, &m.id, 10)
            .await
            .unwrap()
            .iter()
            .all(|n| n.read)
    );
    // Nobody else sees them.
    let other = member(&db, "note.other", "patient").await;
    assert!(
        audit::notifications(&db, &other.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
