//! Reading profiles and editing one's own.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Profile, ProfileDraft, Role};

#[cfg(feature = "ssr")]
use {super::context as ctx, crate::domain::profiles};

/// The profile at `/@handle`, as the caller may see it.
#[server(endpoint = "profile")]
pub async fn get_profile(handle: String) -> Result<Profile, AppError> {
    {
        let viewer = ctx::current_member().await?;
        let profile = profiles::view(&*ctx::db()?, &handle, viewer.as_ref().map(|m| &m.id)).await?;
        Ok(profile)
    }
}

/// The signed-in member's role and profile, for the edit form.
#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<(Role, ProfileDraft), AppError> {
    {
        let me = ctx::require_member().await?;
        Ok(profiles::draft(&*ctx::db()?, &me.id).await?)
    }
}

/// Saves the signed-in member's profile; the member is always the caller, never a
/// parameter, so nobody can edit someone else's profile. The form posts the draft's
/// fields flat, one per input.
#[server(endpoint = "update_profile")]
pub async fn update_profile(
    #[server(flatten)] draft: ProfileDraft,
    #[server(default)] confirm_phi: String,
) -> Result<(), AppError> {
    ctx::keeping(&draft.text_fields(), async {
        let me = ctx::require_active_member().await?;
        let confirmed = ctx::checked(&confirm_phi);
        let handle = profiles::update(&*ctx::db()?, &me.id, &draft, confirmed).await?;
        leptos_axum::redirect(&format!("/@{handle}"));
        Ok(())
    })
    .await
}
