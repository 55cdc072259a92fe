//! Trust and safety for members: verification requests, reports, proposed misinformation
//! labels and notifications.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{NotificationView, Role, VerificationView};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::moderation::{self, NewReport},
    crate::domain::{audit, labels, verification},
    crate::model::{ReportReason, ReportTarget, check_verification},
};

/// The signed-in member's role, whether they are verified, and their newest request.
#[server(endpoint = "my_verification")]
pub async fn my_verification() -> Result<(Role, bool, Option<VerificationView>), AppError> {
    let me = ctx::require_member().await?;
    let latest = verification::latest(&*ctx::db()?, &me.id).await?;
    Ok((me.role, me.verified, latest))
}

/// Files a verification request (NPI, or licence number with its issuing body).
#[server(endpoint = "submit_verification")]
pub async fn submit_verification(
    #[server(default)] method: String,
    #[server(default)] npi: String,
    #[server(default)] license_number: String,
    #[server(default)] issuer: String,
    #[server(default)] legal_name: String,
) -> Result<(), AppError> {
    let typed = [
        ("method", method.as_str()),
        ("npi", npi.as_str()),
        ("license_number", license_number.as_str()),
        ("issuer", issuer.as_str()),
        ("legal_name", legal_name.as_str()),
    ];
    ctx::keeping(&typed, async {
        let me = ctx::require_active_member().await?;
        let input = check_verification(&method, &npi, &license_number, &issuer, &legal_name)?;
        verification::submit(&*ctx::db()?, &me.id, me.role, &input).await?;
        Ok(())
    })
    .await
}

/// Changes the legal name on the member's credential; a verified member's badge goes back
/// to review. Returns whether it did.
#[server(endpoint = "change_legal_name")]
pub async fn change_legal_name(#[server(default)] legal_name: String) -> Result<bool, AppError> {
    ctx::keeping(&[("legal_name", legal_name.as_str())], async {
        let me = ctx::require_active_member().await?;
        let changed = verification::change_legal_name(&*ctx::db()?, &me.id, &legal_name).await?;
        Ok(changed == verification::NameChange::BackToReview)
    })
    .await
}

/// Reports a post, comment or profile (`kind` = post | comment | member; `item` is the
/// post or comment id, or the member's handle).
#[server(endpoint = "report")]
pub async fn report_item(
    #[server(default)] kind: String,
    #[server(default)] item: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
    #[server(default)] confirm_phi: String,
) -> Result<(), AppError> {
    let typed = [
        ("item", item.as_str()),
        ("reason", reason.as_str()),
        ("note", note.as_str()),
    ];
    ctx::keeping(&typed, async {
        let (me, v) = ctx::viewer(false).await?;
        let me = me.ok_or_else(AppError::unauthorized)?;
        ctx::not_suspended(&me)?;
        ctx::limited("report", &me.id, ctx::write_limits::REPORTS, "reported").await?;
        let kind = ReportTarget::parse(kind.trim())
            .ok_or_else(|| AppError::invalid("kind", "Unknown kind of item."))?;
        let reason = ReportReason::parse(reason.trim())
            .ok_or_else(|| AppError::invalid("reason", "Choose a reason."))?;
        let threshold = ctx::server_context()?.auth.report_hide_threshold;
        let report = NewReport {
            kind,
            item: item.trim(),
            reason,
            note: &note,
            confirm_phi: ctx::checked(&confirm_phi),
        };
        Ok(moderation::report(&*ctx::db()?, &v, &report, threshold).await?)
    })
    .await
}

/// Labels a post as misinformation (site moderators) or proposes a label (verified
/// professionals).
#[server(endpoint = "propose_label")]
pub async fn propose_label(
    #[server(default)] post: String,
    #[server(default)] note: String,
    #[server(default)] evidence: String,
    #[server(default)] confirm_phi: String,
) -> Result<(), AppError> {
    let typed = [("note", note.as_str()), ("evidence", evidence.as_str())];
    ctx::keeping(&typed, async {
        let (me, v) = ctx::viewer(false).await?;
        let me = me.ok_or_else(AppError::unauthorized)?;
        ctx::not_suspended(&me)?;
        let limit = ctx::write_limits::LABEL_PROPOSALS;
        ctx::limited("label", &me.id, limit, "proposed labels").await?;
        // Not parsed here: the label's rules (who may label, the note) are checked before
        // the post is looked up, and an id that names nothing is a missing post there.
        let post = crate::model::PostId::from(post.as_str());
        let confirmed = ctx::checked(&confirm_phi);
        Ok(labels::label(&*ctx::db()?, &v, &post, &note, &evidence, confirmed).await?)
    })
    .await
}

/// The signed-in member's newest notifications.
#[server(endpoint = "notifications")]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    let me = ctx::require_member().await?;
    audit::notifications(&*ctx::db()?, &me.id, 100)
        .await
        .map_err(|e| crate::domain::internal("notifications", e))
}

/// Marks every notification read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let me = ctx::require_member().await?;
    audit::mark_all_read(&*ctx::db()?, &me.id)
        .await
        .map_err(|e| crate::domain::internal("mark read", e))
}
