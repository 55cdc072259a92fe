//! Sign-up and sign-in rules on a real SurrealDB (mem://).

#![allow(clippy::unwrap_used)]

mod common;

use app::domain::accounts::{self, AccountError};
use app::error::{AppError, ErrorKind};
use common::{fresh_db, member, signup};

#[tokio::test]
async fn sign_up_creates_a_member_who_can_sign_in_by_email_or_handle() {
    let db = fresh_db().await;
    let created = member(&db, "Dr.Kim", "professional").await;
    assert_eq!(created.handle, "Dr.Kim");
    let by_email =
        accounts::verify_credentials(&db, "DR.KIM@example.org", "correct horse battery staple")
            .await
            .expect("email sign-in, any case");
    assert_eq!(by_email.id, created.id);
    let by_handle = accounts::verify_credentials(&db, "@dr.kim", "correct horse battery staple")
        .await
        .expect("handle sign-in, any case");
    assert_eq!(by_handle.id, created.id);
    assert!(
        by_handle.password_hash.is_empty(),
        "the hash never leaves the domain"
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let db = fresh_db().await;
    member(&db, "nurse.lee", "professional").await;
    let mut res = db
        .query("SELECT VALUE password_hash FROM member")
        .await
        .unwrap();
    let hashes: Vec<String> = res.take(0).unwrap();
    assert!(hashes[0].starts_with("$argon2id$"), "{}", hashes[0]);
    assert!(!hashes[0].contains("correct horse"));
}

#[tokio::test]
async fn duplicate_email_and_handle_are_refused_case_insensitively() {
    let db = fresh_db().await;
    member(&db, "ada", "professional").await;

    let mut same_email = signup("ada2", "patient");
    same_email.email = "ADA@Example.org".into();
    let err = accounts::sign_up(&db, &same_email).await.unwrap_err();
    assert!(matches!(err, AccountError::EmailTaken), "{err:?}");
    let app_err: AppError = err.into();
    assert_eq!(
        (app_err.kind, app_err.field.as_deref()),
        (ErrorKind::Conflict, Some("email"))
    );

    let mut same_handle = signup("ADA", "patient");
    same_handle.email = "other@example.org".into();
    let err = accounts::sign_up(&db, &same_handle).await.unwrap_err();
    assert!(matches!(err, AccountError::HandleTaken), "{err:?}");
}

#[tokio::test]
async fn concurrent_sign_ups_with_one_handle_create_one_member() {
    let db = fresh_db().await;
    let mut a = signup("racer", "patient");
    a.email = "one@example.org".into();
    let mut b = signup("Racer", "patient");
    b.email = "two@example.org".into();
    let (ra, rb) = tokio::join!(accounts::sign_up(&db, &a), accounts::sign_up(&db, &b));
    assert_eq!(ra.is_ok() as u8 + rb.is_ok() as u8, 1, "{ra:?} / {rb:?}");
    assert_eq!(common::count(&db, "member").await, 1);
}

#[tokio::test]
async fn weak_passwords_bad_emails_bad_handles_and_roles_are_field_errors() {
    let db = fresh_db().await;
    let cases = [
        ("password", {
            let mut s = signup("weakpw", "patient");
            s.password = "short".into();
            s
        }),
        ("password", {
            let mut s = signup("weakpw", "patient");
            s.password = "weakpw-is-me-123".into();
            s
        }),
        ("email", {
            let mut s = signup("bademail", "patient");
            s.email = "not-an-email".into();
            s
        }),
        ("handle", signup("9lives", "patient")),
        ("handle", {
            let mut s = signup("has space", "patient");
            s.email = "space@example.org".into();
            s
        }),
        ("handle", signup("admin", "patient")),
        ("role", signup("rolebad", "moderator")),
        ("display_name", {
            let mut s = signup("noname", "patient");
            s.display_name = "   ".into();
            s
        }),
    ];
    for (field, input) in cases {
        let err: AppError = accounts::sign_up(&db, &input).await.unwrap_err().into();
        assert_eq!(err.field.as_deref(), Some(field), "{input:?} → {err:?}");
        assert!(matches!(
            err.kind,
            ErrorKind::BadRequest | ErrorKind::Conflict
        ));
    }
    assert_eq!(common::count(&db, "member").await, 0, "nothing was created");
}

#[tokio::test]
async fn wrong_password_and_unknown_member_get_the_same_answer() {
    let db = fresh_db().await;
    member(&db, "grace", "professional").await;
    let wrong = accounts::verify_credentials(&db, "grace", "not the password")
        .await
        .unwrap_err();
    let unknown = accounts::verify_credentials(&db, "nobody", "not the password")
        .await
        .unwrap_err();
    let (w, u): (AppError, AppError) = (wrong.into(), unknown.into());
    assert_eq!(w, u);
    assert_eq!(w.kind, ErrorKind::Unauthorized);
}

#[tokio::test]
async fn the_schema_itself_refuses_rows_that_bypass_validation() {
    let db = fresh_db().await;
    let res = db
        .query("CREATE member CONTENT { email: 'x@example.org', email_key: 'x@example.org', handle: 'bad handle!', handle_key: 'bad handle!', display_name: 'X', password_hash: 'plain', role: 'patient' }")
        .await
        .unwrap()
        .check();
    assert!(
        res.is_err(),
        "schema ASSERTs reject a bad handle and a non-argon2 hash"
    );
}
