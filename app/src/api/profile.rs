//! Reading profiles and editing one's own.

// A plain HTML form posts flat fields, so the edit takes one argument per field.
#![allow(clippy::too_many_arguments)]

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
        let profile = profiles::view(
            &*ctx::db()?,
            &handle,
            viewer.as_ref().map(|m| m.id.as_str()),
        )
        .await?;
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
/// parameter, so nobody can edit someone else's profile.
#[server(endpoint = "update_profile")]
pub async fn update_profile(
    #[server(default)] display_name: String,
    #[server(default)] headline: String,
    #[server(default)] bio: String,
    #[server(default)] specialty: String,
    #[server(default)] subspecialty: String,
    #[server(default)] org_type: String,
    #[server(default)] location: String,
    #[server(default)] workplace: String,
    #[server(default)] experience: String,
    #[server(default)] skills: String,
    #[server(default)] links: String,
    #[server(default)] conflicts: String,
    #[server(default)] hide_real_name: Option<String>,
) -> Result<(), AppError> {
    {
        let me = ctx::require_member().await?;
        let draft = ProfileDraft {
            display_name,
            headline,
            bio,
            specialty,
            subspecialty,
            org_type,
            location,
            workplace,
            experience,
            skills,
            links,
            conflicts,
            hide_real_name: hide_real_name.is_some(),
        };
        let keep = |e: AppError| e.keep(draft.text_fields());
        let handle = profiles::update(&*ctx::db()?, &me.id, &draft)
            .await
            .map_err(|e| keep(e.into()))?;
        leptos_axum::redirect(&format!("/@{handle}"));
        Ok(())
    }
}
