//! The PHI guard on every free-text field besides posts and comments: profiles, community
//! names and descriptions, connection-request notes, report notes and label notes. Each
//! stops on a likely patient identifier with the findings of the field they are in, goes
//! through once the member confirms, and keeps the confirmed kinds on the record; each
//! field's own policy lets through what is the member's own (their name, workplace, a
//! professional's office phone, the addressee of a note).

#![allow(clippy::unwrap_used)]

mod common;

use app::db::Db;
use app::domain::communities::{self, NewCommunity};
use app::domain::moderation::{self, NewReport};
use app::domain::{graph, labels, profiles};
use app::error::{AppError, ErrorKind};
use app::model::{GraphOp, MemberId, PhiKind, ReportReason, ReportTarget, Role};
use common::{draft, fresh_db, member, post, viewer};

const PATIENT: &str = "Saw Mrs. Garcia again, MRN 4839201, DOB 07/22/1961.";

/// The kinds confirmed on record `table:id`.
async fn confirmed(db: &Db, table: &str, id: &str) -> Option<Vec<String>> {
    let mut res = db
        .query("SELECT VALUE phi_confirmed FROM type::record($table, $id)")
        .bind(("table", table.to_string()))
        .bind(("id", id.to_string()))
        .await
        .unwrap();
    let rows: Vec<Option<Vec<String>>> = res.take(0).unwrap();
    rows.into_iter().next().flatten()
}

/// The error's findings as (field, kind, text).
fn findings(e: &AppError) -> Vec<(String, PhiKind, String)> {
    assert_eq!(e.kind, ErrorKind::BadRequest, "{e:?}");
    e.phi
        .iter()
        .map(|f| (f.field.clone(), f.kind, f.text.clone()))
        .collect()
}

#[tokio::test]
async fn a_profile_with_a_patients_details_needs_a_confirmation() {
    let db = fresh_db().await;
    let m = member(&db, "phi.prof", "professional").await;
    let mut d = draft("Dr. Ana Ruiz");
    d.headline = "Hospitalist".into();
    d.bio = format!("My proudest save: {PATIENT}");
    d.skills = "Sepsis, Ventilation".into();
    let err: AppError = profiles::update(&db, &m.id, &d, false)
        .await
        .unwrap_err()
        .into();
    let found = findings(&err);
    assert!(found.iter().all(|(field, ..)| field == "bio"), "{found:?}");
    let kinds: Vec<PhiKind> = found.iter().map(|f| f.1).collect();
    assert_eq!(
        kinds,
        [PhiKind::Name, PhiKind::MedicalRecord, PhiKind::Date]
    );
    assert_eq!(err.field.as_deref(), Some("bio"));
    // The offsets are into the field's text, as the form shows it back.
    let f = &err.phi[0];
    assert_eq!(&d.bio[f.start..f.end], f.text);
    assert!(
        profiles::view(&db, "phi.prof", None)
            .await
            .unwrap()
            .bio
            .is_empty(),
        "nothing was saved"
    );

    profiles::update(&db, &m.id, &d, true).await.unwrap();
    assert_eq!(
        profiles::view(&db, "phi.prof", None).await.unwrap().bio,
        d.bio
    );
    let kinds = confirmed(&db, "member", m.id.as_ref()).await.unwrap();
    assert_eq!(kinds, ["date", "medical_record", "name"]);

    // Several fields at once: every finding names its own field.
    d.experience =
        "Resident | City Hospital | 2015–2018\nScribe for Mr. Okonkwo | Clinic | 2014".into();
    d.headline = "Caring for Mrs. Nowak".into();
    let err: AppError = profiles::update(&db, &m.id, &d, false)
        .await
        .unwrap_err()
        .into();
    let fields: Vec<String> = findings(&err).into_iter().map(|f| f.0).collect();
    for field in ["headline", "bio", "experience"] {
        assert!(fields.iter().any(|f| f == field), "{field}: {fields:?}");
    }
}

#[tokio::test]
async fn a_profile_may_name_its_owner_their_workplace_and_a_professionals_office() {
    let db = fresh_db().await;
    let doc = member(&db, "own.doc", "professional").await;
    let mut d = draft("Dr. Kwame Mensah");
    d.workplace = "Korle Bu Teaching Hospital".into();
    d.location = "Accra".into();
    d.bio = "I am Kwame Mensah, a cardiologist at Korle Bu Teaching Hospital in Accra. \
             Appointments: call (617) 555-0142 or write to clinic@example.org."
        .into();
    d.experience = "Consultant | Ridge Hospital | Jan 2017 – Mar 2021".into();
    profiles::update(&db, &doc.id, &d, false).await.unwrap();
    assert_eq!(confirmed(&db, "member", doc.id.as_ref()).await, None);

    // A patient publishing their own phone number would undo their pseudonym.
    let patient = member(&db, "own.patient", "patient").await;
    let mut d = draft("Kofi");
    d.bio = "Living with type 1 diabetes. Text me on (617) 555-0142.".into();
    let err: AppError = profiles::update(&db, &patient.id, &d, false)
        .await
        .unwrap_err()
        .into();
    assert_eq!(findings(&err)[0].1, PhiKind::Phone);
    // And a hidden name is not the patient's to show in their bio either.
    let mut d = draft("Abena Owusu");
    d.hide_real_name = true;
    d.bio = "Abena Owusu here, newly diagnosed.".into();
    let err: AppError = profiles::update(&db, &patient.id, &d, false)
        .await
        .unwrap_err()
        .into();
    assert_eq!(findings(&err)[0].1, PhiKind::Name);
}

#[tokio::test]
async fn community_names_and_descriptions_are_guarded() {
    let db = fresh_db().await;
    let m = member(&db, "phi.comm", "professional").await;
    let mut input = NewCommunity {
        slug: "support-garcia".into(),
        name: "Support group".into(),
        description: PATIENT.into(),
        kind: "general".into(),
        access: "open".into(),
        ..Default::default()
    };
    let err: AppError = communities::create(&db, &m.id, Role::Professional, &input)
        .await
        .unwrap_err()
        .into();
    assert!(findings(&err).iter().all(|f| f.0 == "description"));
    assert!(
        communities::by_slug(&db, None, "support-garcia")
            .await
            .is_err()
    );
    input.confirm_phi = true;
    let id = communities::create(&db, &m.id, Role::Professional, &input)
        .await
        .unwrap();
    let kinds = confirmed(&db, "community", id.as_ref()).await.unwrap();
    assert!(kinds.contains(&"medical_record".to_string()));
}

async fn pending_note(db: &Db, from: &MemberId) -> Option<(String, Option<Vec<String>>)> {
    let mut res = db
        .query("SELECT VALUE [note, phi_confirmed] FROM connected WHERE in = type::record('member', $a)")
        .bind(("a", from.to_string()))
        .await
        .unwrap();
    let rows: Vec<(String, Option<Vec<String>>)> = res.take(0).unwrap();
    rows.into_iter().next()
}

#[tokio::test]
async fn a_connection_note_may_name_the_two_members_but_not_a_patient() {
    let db = fresh_db().await;
    let a = member(&db, "note.a", "professional").await;
    let b = member(&db, "note.b", "professional").await;
    let c = member(&db, "note.c", "professional").await;
    // Sign-up names them "Member note.b": the addressee's own name is no patient's.
    graph::apply(
        &db,
        &a.id,
        &b.id,
        GraphOp::Connect,
        "Hi Member note.b, we met at ESC",
    )
    .await
    .unwrap();
    assert_eq!(pending_note(&db, &a.id).await.unwrap().1, None);

    let note = format!("About our patient: {PATIENT}");
    let refused: AppError =
        graph::apply_confirming(&db, &c.id, &b.id, GraphOp::Connect, &note, false)
            .await
            .unwrap_err()
            .into();
    assert!(findings(&refused).iter().all(|f| f.0 == "note"));
    assert!(
        pending_note(&db, &c.id).await.is_none(),
        "no request was sent"
    );
    graph::apply_confirming(&db, &c.id, &b.id, GraphOp::Connect, &note, true)
        .await
        .unwrap();
    let (stored, kinds) = pending_note(&db, &c.id).await.unwrap();
    assert_eq!(stored, note);
    assert!(kinds.unwrap().contains(&"name".to_string()));
}

#[tokio::test]
async fn report_and_label_notes_are_guarded() {
    let db = fresh_db().await;
    let author = member(&db, "rl.author", "professional").await;
    let reporter = member(&db, "rl.reporter", "professional").await;
    let id = post(&db, &author.id, "Vitamin C cures sepsis", "public", None).await;
    let v = viewer(&db, Some(&reporter.id)).await;
    let mut report = NewReport {
        kind: ReportTarget::Post,
        item: id.as_str(),
        reason: ReportReason::Phi,
        note: "It is about my patient Mrs. Garcia, MRN 4839201",
        confirm_phi: false,
    };
    let err: AppError = moderation::report(&db, &v, &report, 3)
        .await
        .unwrap_err()
        .into();
    assert!(findings(&err).iter().all(|f| f.0 == "note"));
    report.confirm_phi = true;
    moderation::report(&db, &v, &report, 3).await.unwrap();
    let mut res = db
        .query("SELECT VALUE phi_confirmed FROM report")
        .await
        .unwrap();
    let kinds: Vec<Option<Vec<String>>> = res.take(0).unwrap();
    assert_eq!(kinds, [Some(vec!["medical_record".into(), "name".into()])]);

    db.query("UPDATE type::record('member', $id) SET verified = true")
        .bind(("id", reporter.id.to_string()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let v = viewer(&db, Some(&reporter.id)).await;
    let note = "Mr. Okonkwo, 94, died after trying this.";
    let evidence = "PMID 35353979";
    let err: AppError = labels::label(&db, &v, &id, note, evidence, false)
        .await
        .unwrap_err()
        .into();
    let kinds: Vec<PhiKind> = findings(&err).into_iter().map(|f| f.1).collect();
    assert_eq!(kinds, [PhiKind::Name, PhiKind::Age]);
    assert!(labels::proposals(&db).await.unwrap().is_empty());
    labels::label(&db, &v, &id, note, evidence, true)
        .await
        .unwrap();
    let proposals = labels::proposals(&db).await.unwrap();
    assert_eq!(proposals.len(), 1);
    let kinds = confirmed(&db, "misinfo_label", &proposals[0].id.to_string())
        .await
        .unwrap();
    assert_eq!(kinds, ["age", "name"]);
}
