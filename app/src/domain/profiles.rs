//! Profiles: reading a member's public profile and the owner's edits.

use serde::Deserialize;

use super::rows;
use crate::db::Db;
use crate::error::AppError;
use crate::model::validate::{self, ProfileUpdate};
use crate::model::{Experience, Profile, ProfileDraft, ProfileLink, Role};

/// Why a profile operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no member with that handle")]
    NotFound,
    #[error("{0}")]
    Invalid(AppError),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

impl From<ProfileError> for AppError {
    fn from(e: ProfileError) -> Self {
        match e {
            ProfileError::NotFound => AppError::not_found("There is no member with that handle."),
            ProfileError::Invalid(e) => e,
            ProfileError::Db(e) => super::internal("profiles query", e),
        }
    }
}

#[derive(Debug, Deserialize)]
struct ProfileRow {
    id: String,
    handle: String,
    display_name: String,
    role: Role,
    headline: String,
    bio: String,
    specialty: Option<String>,
    subspecialty: Option<String>,
    org_type: Option<String>,
    location: String,
    workplace: String,
    experience: Vec<Experience>,
    skills: Vec<String>,
    links: Vec<ProfileLink>,
    conflicts: String,
    hide_real_name: bool,
    joined: String,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    verified_as: Option<String>,
}

const PROFILE_FIELDS: &str = "record::id(id) AS id, handle, display_name, role, headline, bio,
    specialty, subspecialty, org_type, location, workplace, experience, skills, links,
    conflicts, hide_real_name, time::format(created_at, '%Y-%m') AS joined,
    verified = true AS verified, verified_as";

async fn row_by_handle(db: &Db, handle: &str) -> Result<ProfileRow, ProfileError> {
    let sql = format!("SELECT {PROFILE_FIELDS} FROM member WHERE handle_key = $key LIMIT 1;");
    let mut res = db
        .query(sql)
        .bind(("key", validate::handle_key(handle)))
        .await?;
    rows(&mut res, 0)?
        .into_iter()
        .next()
        .ok_or(ProfileError::NotFound)
}

/// The profile at `/@handle` as `viewer_id` (None = signed out) may see it.
pub async fn view(db: &Db, handle: &str, viewer_id: Option<&str>) -> Result<Profile, ProfileError> {
    let r = row_by_handle(db, handle).await?;
    let is_own = viewer_id == Some(r.id.as_str());
    // A pseudonymous patient's real name is never sent to anyone else's browser.
    let pseudonymous = r.role == Role::Patient && r.hide_real_name;
    let shown_name = if pseudonymous && !is_own {
        r.handle.clone()
    } else {
        r.display_name
    };
    Ok(Profile {
        handle: r.handle,
        shown_name,
        role: r.role,
        headline: r.headline,
        bio: r.bio,
        specialty: r.specialty,
        subspecialty: r.subspecialty,
        org_type: r.org_type,
        location: r.location,
        workplace: r.workplace,
        experience: r.experience,
        skills: r.skills,
        links: r.links,
        conflicts: r.conflicts,
        pseudonymous,
        joined: r.joined,
        is_own,
        verified: r.verified,
        verified_as: r.verified_as,
    })
}

/// The owner's current profile as an editable draft.
pub async fn draft(db: &Db, member_id: &str) -> Result<(Role, ProfileDraft), ProfileError> {
    let sql = format!("SELECT {PROFILE_FIELDS} FROM type::record('member', $id);");
    let mut res = db.query(sql).bind(("id", member_id.to_string())).await?;
    let r: ProfileRow = rows(&mut res, 0)?
        .into_iter()
        .next()
        .ok_or(ProfileError::NotFound)?;
    let draft = ProfileDraft {
        display_name: r.display_name,
        headline: r.headline,
        bio: r.bio,
        specialty: r.specialty.unwrap_or_default(),
        subspecialty: r.subspecialty.unwrap_or_default(),
        org_type: r.org_type.unwrap_or_default(),
        location: r.location,
        workplace: r.workplace,
        experience: r
            .experience
            .iter()
            .map(|e| format!("{} | {} | {}", e.title, e.organization, e.period))
            .collect::<Vec<_>>()
            .join("\n"),
        skills: r.skills.join(", "),
        links: r
            .links
            .iter()
            .map(|l| format!("{} | {}", l.title, l.url))
            .collect::<Vec<_>>()
            .join("\n"),
        conflicts: r.conflicts,
        hide_real_name: r.hide_real_name,
    };
    Ok((r.role, draft))
}

const UPDATE: &str = "
UPDATE type::record('member', $id) MERGE {
    display_name: $p.display_name, headline: $p.headline, bio: $p.bio,
    specialty: $p.specialty ?? NONE, subspecialty: $p.subspecialty ?? NONE,
    org_type: $p.org_type ?? NONE,
    location: $p.location, workplace: $p.workplace, experience: $p.experience,
    skills: $p.skills, links: $p.links, conflicts: $p.conflicts,
    hide_real_name: $p.hide_real_name, updated_at: time::now()
} RETURN VALUE handle;";

/// Validates and saves the owner's profile. Only ever called with the signed-in member's
/// own id: the server function never takes a member id from the request.
pub async fn update(
    db: &Db,
    member_id: &str,
    draft: &ProfileDraft,
) -> Result<String, ProfileError> {
    let (role, _) = self::draft(db, member_id).await?;
    let p: ProfileUpdate = validate::profile(draft, role).map_err(ProfileError::Invalid)?;
    let payload = serde_json::json!({
        "display_name": p.display_name, "headline": p.headline, "bio": p.bio,
        "specialty": p.specialty, "subspecialty": p.subspecialty, "org_type": p.org_type,
        "location": p.location, "workplace": p.workplace, "experience": p.experience,
        "skills": p.skills, "links": p.links, "conflicts": p.conflicts,
        "hide_real_name": p.hide_real_name,
    });
    let mut res = db
        .query(UPDATE)
        .bind(("id", member_id.to_string()))
        .bind(("p", payload))
        .await?
        .check()?;
    let handles: Vec<String> = rows(&mut res, 0)?;
    handles.into_iter().next().ok_or(ProfileError::NotFound)
}
