//! Credential verification and site roles. Professionals and organizations submit an NPI
//! or a licence with its issuing body, and the legal name on it (private: site moderators
//! see it beside the number, nobody else does); site moderators approve or reject with a
//! reason, and can revoke a badge later; the member is told and every decision is
//! audited. A verified member who changes their legal name goes back to review. Roles are
//! granted from the command line.

use serde::Deserialize;

use super::audit::{EFFECTS_SQL, Effects};
use super::communities::{ACTIVATE_WAITING, DEACTIVATE_UNVERIFIED};
use super::timeline::FORGET;
use super::{check_tx, internal, new_key, one, retrying, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{
    MemberId, NotificationKind, Role, StoredName, VerificationInput, VerificationMethod,
    VerificationStatus, VerificationView,
};

/// Why a verification or role operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VerificationError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    /// A conflict about one form field (a badge to revoke that is not there).
    #[error("{1}")]
    ConflictOn(&'static str, &'static str),
    #[error("no such request")]
    NotFound,
    #[error("no such member")]
    NoMember,
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

super::retryable_db_error!(VerificationError);

impl From<VerificationError> for AppError {
    fn from(e: VerificationError) -> Self {
        match e {
            VerificationError::Invalid(e) => e,
            VerificationError::Forbidden(m) => AppError::forbidden(m),
            VerificationError::Conflict(m) => AppError::conflict("method", m),
            VerificationError::ConflictOn(field, m) => AppError::conflict(field, m),
            VerificationError::NotFound => {
                AppError::not_found("That verification request does not exist.")
            }
            VerificationError::NoMember => {
                AppError::not_found("No member has that handle.").on("handle")
            }
            VerificationError::Db(e) => internal("verification query", e),
        }
    }
}

const VIEW: &str =
    "record::id(id) AS id, member.handle AS handle, member.display_name AS display_name,
    member.role AS role, member.specialty AS specialty, method, npi, license_number, issuer, legal_name, status,
    reason, <string> created_at AS created_at";

/// A member's newest request, if any.
pub async fn latest(
    db: &Db,
    member: &MemberId,
) -> Result<Option<VerificationView>, VerificationError> {
    let mut res = db
        .query(format!(
            "SELECT {VIEW} FROM verification WHERE member = type::record('member', $m)
             ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(("m", member.to_string()))
        .await?;
    Ok(rows(&mut res, 0)?.into_iter().next())
}

/// Files a request for `member`. Patients have nothing to verify; one pending request at a
/// time; verified members need no other.
pub async fn submit(
    db: &Db,
    member: &MemberId,
    role: Role,
    input: &VerificationInput,
) -> Result<String, VerificationError> {
    if role == Role::Patient {
        return Err(VerificationError::Forbidden(
            "Verification is for professionals and organizations.",
        ));
    }
    #[derive(Deserialize)]
    struct State {
        verified: bool,
        pending: bool,
    }
    let state: Option<State> = one(
        db,
        "SELECT verified = true AS verified,
                count(SELECT id FROM verification WHERE member = $parent.id AND status = 'pending') > 0 AS pending
         FROM ONLY type::record('member', $id)",
        member,
    )
    .await?;
    let state = state.ok_or(VerificationError::NotFound)?;
    if state.verified {
        return Err(VerificationError::Conflict("You are already verified."));
    }
    if state.pending {
        return Err(VerificationError::Conflict(
            "Your request is already waiting for a moderator.",
        ));
    }
    let id = new_key();
    let what = match input.method {
        VerificationMethod::Npi => format!("NPI {}", input.npi.as_deref().unwrap_or("")),
        VerificationMethod::License => format!(
            "licence {} ({})",
            input.license_number.as_deref().unwrap_or(""),
            input.issuer.as_deref().unwrap_or("")
        ),
    };
    let effects = Effects::new().audit(
        Some(member),
        "verification.submitted",
        &format!("verification:{id}"),
        &what,
    );
    let q = db
        .query(format!(
            "BEGIN TRANSACTION;
             CREATE type::record('verification', $id) CONTENT {{
                member: type::record('member', $m), method: $method, npi: $npi,
                license_number: $license, issuer: $issuer, legal_name: $legal_name,
                status: 'pending'
             }};
             {EFFECTS_SQL}
             COMMIT TRANSACTION;"
        ))
        .bind(("id", id.clone()))
        .bind(("m", member.to_string()))
        .bind(("method", input.method.as_str()))
        .bind(("npi", input.npi.clone()))
        .bind(("license", input.license_number.clone()))
        .bind(("issuer", input.issuer.clone()))
        .bind(("legal_name", input.legal_name.clone()));
    effects.bind(q).await.and_then(check_tx)?;
    Ok(id)
}

/// Pending requests, oldest first (site moderators).
pub async fn queue(db: &Db) -> Result<Vec<VerificationView>, VerificationError> {
    let mut res = db
        .query(format!(
            "SELECT {VIEW} FROM verification WHERE status = 'pending' ORDER BY created_at ASC LIMIT 100"
        ))
        .await?;
    Ok(rows(&mut res, 0)?)
}

/// Badges taken back most recently (site moderators): by a moderator, with the reason the
/// member was told, or by a change of the legal name.
pub async fn recently_revoked(db: &Db) -> Result<Vec<VerificationView>, VerificationError> {
    let mut res = db
        .query(format!(
            "SELECT {VIEW}, revoked_at FROM verification WHERE status = 'revoked'
             ORDER BY revoked_at DESC LIMIT 20"
        ))
        .await?;
    Ok(rows(&mut res, 0)?)
}

/// Approves or rejects a pending request. A rejection needs a reason; the member is told
/// either way, and the decision is audited.
pub async fn decide(
    db: &Db,
    moderator: &MemberId,
    id: &str,
    approve: bool,
    reason: &str,
) -> Result<(), VerificationError> {
    let reason = checked_reason(
        reason,
        (!approve).then_some("Tell the member why the request was rejected."),
    )?;
    #[derive(Deserialize)]
    struct Pending {
        member: MemberId,
        status: VerificationStatus,
        method: VerificationMethod,
        issuer: Option<String>,
        specialty: Option<String>,
    }
    let p: Pending = one(
        db,
        "SELECT record::id(member) AS member, status, method, issuer, member.specialty AS specialty
         FROM ONLY type::record('verification', $id)",
        id,
    )
    .await?
    .ok_or(VerificationError::NotFound)?;
    if &p.member == moderator {
        return Err(VerificationError::Forbidden(
            "You cannot decide your own verification request: another moderator will.",
        ));
    }
    if p.status != VerificationStatus::Pending {
        return Err(VerificationError::Conflict(
            "This request was already decided.",
        ));
    }
    let verified_as = match (p.method, &p.issuer) {
        (VerificationMethod::Npi, _) => "NPI checked".to_string(),
        (VerificationMethod::License, Some(issuer)) => format!("Licence checked: {issuer}"),
        (VerificationMethod::License, None) => "Licence checked".to_string(),
    };
    let (action, text) = if approve {
        (
            "verification.approved",
            format!(
                "Your credentials were verified. Your posts and profile now carry the verified badge{}.",
                p.specialty
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ),
        )
    } else {
        (
            "verification.rejected",
            format!("Your verification request was not approved: {reason}"),
        )
    };
    let effects = Effects::new()
        .audit(
            Some(moderator),
            action,
            &format!("verification:{id}"),
            reason,
        )
        .notify(
            &p.member,
            NotificationKind::Verification,
            &text,
            "/settings/verification",
        );
    let status = if approve {
        VerificationStatus::Approved
    } else {
        VerificationStatus::Rejected
    };
    // The request is decided only while it is still pending, inside the transaction: two
    // moderators deciding at once conflict, and the retry of the second finds it decided.
    let sql = format!(
            "BEGIN TRANSACTION;
             LET $decided = UPDATE type::record('verification', $id) SET status = $status, reason = $reason,
                decided_by = type::record('member', $moderator), decided_at = time::now()
                WHERE status = 'pending' RETURN VALUE id;
             IF array::len($decided) = 0 {{ THROW '{ALREADY_DECIDED}' }};
             IF $approve {{
                LET $who = UPDATE type::record('member', $member) SET verified = true, verified_as = $verified_as RETURN AFTER;
                IF $who[0].role = 'professional' {{ {ACTIVATE_WAITING} {FORGET} }};
             }};
             {EFFECTS_SQL}
             COMMIT TRANSACTION;"
    );
    // The member record is written by concurrent sign-ins and posts: retry conflicts.
    retrying(|| async {
        let q = db
            .query(&sql)
            .bind(("id", id.to_string()))
            .bind(("status", status.name()))
            .bind(("reason", reason.to_string()))
            .bind(("moderator", moderator.to_string()))
            .bind(("approve", approve))
            .bind(("member", p.member.to_string()))
            .bind(("m", p.member.to_string()))
            .bind(("verified_as", verified_as.clone()));
        effects.bind(q).await.and_then(check_tx)
    })
    .await
    .map_err(|e| match e.message().contains(ALREADY_DECIDED) {
        true => VerificationError::Conflict("This request was already decided."),
        false => e.into(),
    })?;
    Ok(())
}

/// A moderator's reason as the member will read it: trimmed, under 500 characters (what
/// the stored field allows), and present when `missing` says what to ask for.
fn checked_reason<'a>(
    reason: &'a str,
    missing: Option<&'static str>,
) -> Result<&'a str, VerificationError> {
    let reason = reason.trim();
    let invalid = |m: &str| Err(VerificationError::Invalid(AppError::invalid("reason", m)));
    match missing {
        Some(ask) if reason.is_empty() => invalid(ask),
        _ if reason.chars().count() > 500 => invalid("Keep the reason under 500 characters."),
        _ => Ok(reason),
    }
}

/// What a decision's transaction throws when another moderator decided first.
const ALREADY_DECIDED: &str = "verification already decided";
/// What a revocation's transaction throws when the member has no badge (any more).
const NOT_VERIFIED: &str = "member is not verified";

/// The SurrealQL that takes a badge back from `$member` (a key) inside a transaction: the
/// member record, the approved request (marked revoked with `$reason` by `$by`, a member
/// key or NONE), the professionals-only memberships, and the timeline that held what
/// only verified professionals read — all in one commit. Throws [`NOT_VERIFIED`] when
/// there is no badge.
fn take_badge_sql() -> String {
    format!(
        "LET $was = UPDATE type::record('member', $member) SET verified = false, verified_as = NONE
            WHERE verified = true RETURN BEFORE;
         IF array::len($was) = 0 {{ THROW '{NOT_VERIFIED}' }};
         UPDATE verification SET status = 'revoked', reason = $reason, revoked_at = time::now(),
            revoked_by = IF $by = NONE {{ NONE }} ELSE {{ type::record('member', $by) }}
            WHERE member = type::record('member', $member) AND status = 'approved';
         IF $was[0].role = 'professional' {{ {DEACTIVATE_UNVERIFIED} {FORGET} }};"
    )
}

/// Takes a verified member's badge back (site moderators), with a reason the member is
/// told. Audited; a moderator cannot revoke their own badge.
pub async fn revoke(
    db: &Db,
    moderator: &MemberId,
    handle: &str,
    reason: &str,
) -> Result<(), VerificationError> {
    let reason = checked_reason(reason, Some("Tell the member why the badge is revoked."))?;
    let handle = handle.trim().trim_start_matches('@');
    let (member, _) = super::accounts::member_by_handle(db, handle)
        .await?
        .ok_or(VerificationError::NoMember)?;
    if &member == moderator {
        return Err(VerificationError::Forbidden(
            "You cannot revoke your own badge: another moderator will.",
        ));
    }
    let effects = Effects::new()
        .audit(
            Some(moderator),
            "verification.revoked",
            &format!("member:{member}"),
            reason,
        )
        .notify(
            &member,
            NotificationKind::Verification,
            &format!("Your verified badge was revoked: {reason}"),
            "/settings/verification",
        );
    let sql = format!(
        "BEGIN TRANSACTION; {} {EFFECTS_SQL} COMMIT TRANSACTION;",
        take_badge_sql()
    );
    // The member record is written by concurrent sign-ins and posts: retry conflicts.
    retrying(|| async {
        let q = db
            .query(&sql)
            .bind(("member", member.to_string()))
            .bind(("m", member.to_string()))
            .bind(("by", Some(moderator.to_string())))
            .bind(("reason", reason.to_string()));
        effects.bind(q).await.and_then(check_tx)
    })
    .await
    .map_err(|e| match e.message().contains(NOT_VERIFIED) {
        true => VerificationError::ConflictOn("handle", "That member has no verified badge."),
        false => e.into(),
    })?;
    Ok(())
}

/// What changing the legal name did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameChange {
    /// The same name as on file: nothing changed.
    Unchanged,
    /// The request still waiting for a moderator now carries the new name.
    Pending,
    /// The badge is gone until a moderator checks the credential under the new name.
    BackToReview,
}

/// Changes the legal name on the member's credential. A name waiting for review is simply
/// replaced; a verified member's badge goes back to review under the new name (a new
/// pending request with the same credential), because the badge vouched for the old one.
/// Members with no request on file file one instead.
pub async fn change_legal_name(
    db: &Db,
    member: &MemberId,
    legal_name: &str,
) -> Result<NameChange, VerificationError> {
    let legal_name =
        crate::model::check_legal_name(legal_name).map_err(VerificationError::Invalid)?;
    #[derive(Deserialize)]
    struct OnFile {
        id: String,
        status: VerificationStatus,
        legal_name: Option<String>,
        verified: bool,
    }
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, status, legal_name, member.verified = true AS verified
             FROM verification WHERE member = type::record('member', $m)
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(("m", member.to_string()))
        .await?;
    let on_file: Option<OnFile> = rows(&mut res, 0)?.into_iter().next();
    let Some(on_file) = on_file else {
        return Err(VerificationError::ConflictOn(
            "legal_name",
            "You have no verification request yet: ask to be verified with your legal name.",
        ));
    };
    if on_file.legal_name.as_deref() == Some(legal_name.as_str()) {
        return Ok(NameChange::Unchanged);
    }
    match (on_file.status, on_file.verified) {
        (VerificationStatus::Pending, _) => {
            db.query(
                "UPDATE type::record('verification', $id) SET legal_name = $name WHERE status = 'pending'",
            )
            .bind(("id", on_file.id))
            .bind(("name", legal_name))
            .await
            .and_then(check_tx)?;
            Ok(NameChange::Pending)
        }
        (VerificationStatus::Approved, true) => {
            let id = new_key();
            let effects = Effects::new().audit(
                Some(member),
                "verification.legal_name_changed",
                &format!("verification:{id}"),
                "badge back to review",
            );
            // The new request copies the credential that was approved; the approved one
            // is marked revoked, so the history says why the badge went.
            let sql = format!(
                "BEGIN TRANSACTION;
                 LET $old = (SELECT method, npi, license_number, issuer FROM ONLY type::record('verification', $old_id));
                 {}
                 CREATE type::record('verification', $id) CONTENT {{
                    member: type::record('member', $member), method: $old.method, npi: $old.npi,
                    license_number: $old.license_number, issuer: $old.issuer,
                    legal_name: $legal_name, status: 'pending'
                 }};
                 {EFFECTS_SQL}
                 COMMIT TRANSACTION;",
                take_badge_sql()
            );
            retrying(|| async {
                let q = db
                    .query(&sql)
                    .bind(("old_id", on_file.id.clone()))
                    .bind(("id", id.clone()))
                    .bind(("member", member.to_string()))
                    .bind(("m", member.to_string()))
                    .bind(("by", None::<String>))
                    .bind((
                        "reason",
                        "Your legal name changed: the badge waits for a moderator to check it again",
                    ))
                    .bind(("legal_name", legal_name.clone()));
                effects.bind(q).await.and_then(check_tx)
            })
            .await
            .map_err(|e| match e.message().contains(NOT_VERIFIED) {
                true => VerificationError::Conflict("Your badge was revoked meanwhile."),
                false => e.into(),
            })?;
            Ok(NameChange::BackToReview)
        }
        _ => Err(VerificationError::ConflictOn(
            "legal_name",
            "Your last request is closed: ask to be verified again with your legal name.",
        )),
    }
}

/// A site role the command line grants or revokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteRole {
    Moderator,
    Admin,
}

impl SiteRole {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "moderator" => Some(Self::Moderator),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
    fn field(self) -> &'static str {
        match self {
            SiteRole::Moderator => "is_moderator",
            SiteRole::Admin => "is_admin",
        }
    }
}

/// Grants (`on`) or revokes a site role, audited with no acting member (the command line).
pub async fn set_role(
    db: &Db,
    handle: &str,
    role: SiteRole,
    on: bool,
) -> Result<(), VerificationError> {
    let (id, _) = super::accounts::member_by_handle(db, handle)
        .await?
        .ok_or(VerificationError::NotFound)?;
    let effects = Effects::new().audit(
        None,
        if on { "role.granted" } else { "role.revoked" },
        &format!("member:{handle}"),
        role.field().trim_start_matches("is_"),
    );
    // The field name comes from the enum above, never from input.
    let sql = format!(
        "BEGIN TRANSACTION;
         UPDATE type::record('member', $id) SET {} = $on;
         {EFFECTS_SQL}
         COMMIT TRANSACTION;",
        role.field()
    );
    // The member record is written by concurrent sign-ins and posts: retry conflicts.
    retrying(|| async {
        let q = db.query(&sql).bind(("id", id.clone())).bind(("on", on));
        effects.bind(q).await.and_then(check_tx)
    })
    .await?;
    Ok(())
}
