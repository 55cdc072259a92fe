//! Profiles: what visitors see, and owner-only edits with validation.

#![allow(clippy::unwrap_used)]

mod common;

use app::domain::profiles::{self, ProfileError};
use app::error::{AppError, ErrorKind};
use app::model::Role;
use common::{draft, fresh_db, member};

#[tokio::test]
async fn an_owner_edits_their_profile_and_visitors_see_it() {
    let db = fresh_db().await;
    let m = member(&db, "amara", "professional").await;
    let mut d = draft("Dr. Amara Osei");
    d.headline = "Pediatric cardiologist".into();
    d.specialty = "Pediatrics".into();
    d.subspecialty = "Pediatric Cardiology".into();
    d.experience = "Consultant | Accra Children's Hospital | 2017–present".into();
    d.skills = "Echo, Fetal cardiology".into();
    d.links = "Case series | https://doi.org/10.1000/example".into();
    d.conflicts = "None".into();
    assert_eq!(
        profiles::update(&db, &m.id, &d, false).await.unwrap(),
        "amara"
    );

    let seen = profiles::view(&db, "AMARA", None).await.unwrap();
    assert_eq!(seen.shown_name, "Dr. Amara Osei");
    assert_eq!(seen.specialty.as_deref(), Some("Pediatrics"));
    assert_eq!(seen.experience[0].organization, "Accra Children's Hospital");
    assert_eq!(seen.skills, vec!["Echo", "Fetal cardiology"]);
    assert_eq!(seen.links[0].url, "https://doi.org/10.1000/example");
    assert!(!seen.is_own);
    assert!(
        profiles::view(&db, "amara", Some(&m.id))
            .await
            .unwrap()
            .is_own
    );

    let (role, back) = profiles::draft(&db, &m.id).await.unwrap();
    assert_eq!(role, Role::Professional);
    assert_eq!(back.experience, d.experience);
}

#[tokio::test]
async fn a_pseudonymous_patients_name_reaches_nobody_else() {
    let db = fresh_db().await;
    let p = member(&db, "quiet.river", "patient").await;
    let other = member(&db, "nosy", "professional").await;
    let mut d = draft("Real Name Here");
    d.hide_real_name = true;
    profiles::update(&db, &p.id, &d, false).await.unwrap();

    for viewer in [None, Some(&other.id)] {
        let seen = profiles::view(&db, "quiet.river", viewer).await.unwrap();
        assert_eq!(seen.shown_name, "quiet.river");
        assert!(seen.pseudonymous);
        assert!(!format!("{seen:?}").contains("Real Name Here"));
    }
    assert_eq!(
        profiles::view(&db, "quiet.river", Some(&p.id))
            .await
            .unwrap()
            .shown_name,
        "Real Name Here"
    );
}

#[tokio::test]
async fn invalid_edits_are_refused_and_nothing_changes() {
    let db = fresh_db().await;
    let m = member(&db, "farah", "organization").await;
    let mut d = draft("Farah Clinic");
    d.org_type = "Spaceship".into();
    let err: AppError = profiles::update(&db, &m.id, &d, false)
        .await
        .unwrap_err()
        .into();
    assert_eq!(
        (err.kind, err.field.as_deref()),
        (ErrorKind::BadRequest, Some("org_type"))
    );

    let mut d = draft("Farah Clinic");
    d.bio = "x".repeat(2001);
    let err: AppError = profiles::update(&db, &m.id, &d, false)
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.field.as_deref(), Some("bio"));

    let seen = profiles::view(&db, "farah", None).await.unwrap();
    assert_eq!(seen.shown_name, "Member farah", "unchanged");
}

#[tokio::test]
async fn an_unknown_handle_is_not_found() {
    let db = fresh_db().await;
    let err = profiles::view(&db, "ghost", None).await.unwrap_err();
    assert!(matches!(err, ProfileError::NotFound));
    assert_eq!(AppError::from(err).status(), 404);
}
