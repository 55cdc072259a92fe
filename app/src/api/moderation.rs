//! Moderation: the verification queue, report cases, misinformation label proposals and the
//! audit log. Every function checks the caller's role on the server: signed-out callers get
//! 401, members who moderate nothing 403, community moderators only their communities.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditPage, CaseView, LabelProposal, VerificationView};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::moderation::{self, Decision, Moderator},
    crate::domain::{audit, internal, labels, verification},
    crate::model::ModAction,
};

/// The caller's moderation reach, or 401/403.
#[cfg(feature = "ssr")]
async fn moderator() -> Result<Moderator, AppError> {
    let me = ctx::require_member().await?;
    Moderator::load(&*ctx::db()?, &me.id, me.is_site_moderator())
        .await?
        .ok_or_else(|| AppError::forbidden("Only moderators can open the moderation pages."))
}

/// Pending verification requests (site moderators).
#[server(endpoint = "mod_verifications")]
pub async fn verification_queue() -> Result<Vec<VerificationView>, AppError> {
    ctx::require_site_moderator().await?;
    Ok(verification::queue(&*ctx::db()?).await?)
}

/// Approves (`decision` = approve) or rejects a verification request.
#[server(endpoint = "mod_decide_verification")]
pub async fn decide_verification(
    #[server(default)] id: String,
    #[server(default)] decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let typed = [("id", id.as_str()), ("reason", reason.as_str())];
    ctx::keeping(&typed, async {
        let me = ctx::require_site_moderator().await?;
        let approve = decided(&decision, "approve", "Approve or reject.")?;
        Ok(verification::decide(&*ctx::db()?, &me.id, id.trim(), approve, &reason).await?)
    })
    .await
}

/// The badges revoked most recently (site moderators).
#[server(endpoint = "mod_revoked_badges")]
pub async fn revoked_badges() -> Result<Vec<VerificationView>, AppError> {
    ctx::require_site_moderator().await?;
    Ok(verification::recently_revoked(&*ctx::db()?).await?)
}

/// Revokes a member's verified badge (site moderators), with a reason the member is told.
#[server(endpoint = "mod_revoke_verification")]
pub async fn revoke_verification(
    #[server(default)] handle: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let typed = [("handle", handle.as_str()), ("reason", reason.as_str())];
    ctx::keeping(&typed, async {
        let me = ctx::require_site_moderator().await?;
        Ok(verification::revoke(&*ctx::db()?, &me.id, &handle, &reason).await?)
    })
    .await
}

/// What a moderator's queue shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModQueue {
    pub cases: Vec<CaseView>,
    /// Label proposals (site moderators only).
    pub proposals: Vec<LabelProposal>,
    pub site: bool,
}

/// Open (or closed) cases the caller may work, with label proposals for site moderators.
#[server(endpoint = "mod_cases")]
pub async fn mod_cases(#[server(default)] closed: bool) -> Result<ModQueue, AppError> {
    let m = moderator().await?;
    let db = ctx::db()?;
    let cases = moderation::cases(&db, &m, !closed).await?;
    let proposals = if m.site {
        labels::proposals(&db).await?
    } else {
        Vec::new()
    };
    Ok(ModQueue {
        cases,
        proposals,
        site: m.site,
    })
}

/// Takes one action on a case (`case` = "post:id", "comment:id" or "member:id").
#[server(endpoint = "mod_act")]
pub async fn moderate(
    #[server(default)] case: String,
    #[server(default)] action: String,
    #[server(default)] reason: String,
    #[server(default)] days: String,
) -> Result<(), AppError> {
    // `case` comes back too, so the queue shows the error on the form that was sent.
    let typed = [
        ("case", case.as_str()),
        ("action", action.as_str()),
        ("reason", reason.as_str()),
        ("days", days.as_str()),
    ];
    ctx::keeping(&typed, async {
        let m = moderator().await?;
        let action = ModAction::parse(action.trim())
            .ok_or_else(|| AppError::invalid("action", "Choose an action."))?;
        let days: u32 = if action == ModAction::Suspend {
            days.trim()
                .parse()
                .ok()
                .filter(|d| (1..=moderation::MAX_SUSPENSION_DAYS).contains(d))
                .ok_or_else(|| AppError::invalid("days", "Suspend for 1 to 365 days."))?
        } else {
            0
        };
        let decision = Decision {
            case: case.trim(),
            action,
            reason: &reason,
            days,
        };
        Ok(moderation::act(&*ctx::db()?, &m, &decision).await?)
    })
    .await
}

/// Accepts or rejects a proposed misinformation label (site moderators).
#[server(endpoint = "mod_decide_label")]
pub async fn decide_label(
    #[server(default)] id: String,
    #[server(default)] decision: String,
) -> Result<(), AppError> {
    let me = ctx::require_site_moderator().await?;
    let accept = decided(&decision, "accept", "Accept or reject.")?;
    Ok(labels::decide(&*ctx::db()?, &me.id, id.trim(), accept).await?)
}

/// The audit log, newest first (site moderators).
#[server(endpoint = "mod_log")]
pub async fn audit_log(#[server(default)] after: Option<String>) -> Result<AuditPage, AppError> {
    ctx::require_site_moderator().await?;
    audit::log(&*ctx::db()?, after.as_deref())
        .await
        .map_err(|e| internal("audit log", e))
}

/// A moderator's two-way decision, from the button pressed: `yes` ("approve", "accept")
/// or "reject"; anything else is a 400 on the decision field saying `choices`.
#[cfg(feature = "ssr")]
fn decided(decision: &str, yes: &str, choices: &str) -> Result<bool, AppError> {
    match decision {
        d if d == yes => Ok(true),
        "reject" => Ok(false),
        _ => Err(AppError::invalid("decision", choices)),
    }
}
