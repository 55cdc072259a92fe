//! Profiles: reading a member's public profile and the owner's edits.

use serde::Deserialize;

use super::phi::{CONTACT_KINDS, FieldPolicy, guard_fields};
use super::{retrying, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::validate::{self, ProfileUpdate};
use crate::model::{MemberId, PhiKind, Profile, ProfileDraft, ProfileFields, Role};

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

super::retryable_db_error!(ProfileError);

#[derive(Debug, Deserialize)]
struct ProfileRow {
    id: MemberId,
    handle: String,
    display_name: String,
    role: Role,
    #[serde(flatten)]
    fields: ProfileFields,
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
pub async fn view(
    db: &Db,
    handle: &str,
    viewer_id: Option<&MemberId>,
) -> Result<Profile, ProfileError> {
    let mut r = row_by_handle(db, handle).await?;
    let is_own = viewer_id == Some(&r.id);
    // After a block neither side sees the other: to the member blocked, the blocker's
    // profile is not there at all; the blocker sees only the name (and the way to unblock).
    let blocks = match viewer_id {
        Some(v) if !is_own => super::graph::blocks(db, v, &r.id).await?,
        _ => Default::default(),
    };
    if blocks.theirs {
        return Err(ProfileError::NotFound);
    }
    if blocks.mine {
        r.fields = ProfileFields::default();
        r.verified = false;
        r.verified_as = None;
    }
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
        fields: r.fields,
        pseudonymous,
        joined: r.joined,
        is_own,
        verified: r.verified,
        verified_as: r.verified_as,
    })
}

/// The owner's current profile as an editable draft.
pub async fn draft(db: &Db, member_id: &MemberId) -> Result<(Role, ProfileDraft), ProfileError> {
    let sql = format!("SELECT {PROFILE_FIELDS} FROM type::record('member', $id);");
    let mut res = db.query(sql).bind(("id", member_id.to_string())).await?;
    let r: ProfileRow = rows(&mut res, 0)?
        .into_iter()
        .next()
        .ok_or(ProfileError::NotFound)?;
    Ok((
        r.role,
        ProfileDraft::of(r.display_name, r.fields, r.hide_real_name),
    ))
}

/// Stores a checked update; `$p` is the [`ProfileUpdate`] as one object, and an absent
/// specialty is removed (`?? NONE`), not stored as null.
const UPDATE: &str = "
UPDATE type::record('member', $id) MERGE {
    display_name: $p.display_name, headline: $p.headline, bio: $p.bio,
    specialty: $p.specialty ?? NONE, subspecialty: $p.subspecialty ?? NONE,
    org_type: $p.org_type ?? NONE,
    location: $p.location, workplace: $p.workplace, experience: $p.experience,
    skills: $p.skills, links: $p.links, conflicts: $p.conflicts,
    hide_real_name: $p.hide_real_name, updated_at: time::now(),
    phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
} RETURN VALUE handle;";

/// Validates and saves the owner's profile. Only ever called with the signed-in member's
/// own id: the server function never takes a member id from the request. What the PHI
/// guard flags in the free-text fields is saved only if the member `confirm_phi`.
pub async fn update(
    db: &Db,
    member_id: &MemberId,
    draft: &ProfileDraft,
    confirm_phi: bool,
) -> Result<String, ProfileError> {
    let (role, _) = self::draft(db, member_id).await?;
    let p: ProfileUpdate = validate::profile(draft, role).map_err(ProfileError::Invalid)?;
    let phi = guard_profile(draft, &p, role, confirm_phi).map_err(ProfileError::Invalid)?;
    let payload = serde_json::to_value(&p)
        .map_err(|e| ProfileError::Db(surrealdb::Error::internal(e.to_string())))?;
    // The member record is written by concurrent sign-ins and posts: retry conflicts.
    let handles: Vec<String> = retrying(|| async {
        let mut res = db
            .query(UPDATE)
            .bind(("id", member_id.to_string()))
            .bind(("p", payload.clone()))
            .bind(("phi", phi.clone()))
            .await?
            .check()?;
        rows(&mut res, 0)
    })
    .await?;
    handles.into_iter().next().ok_or(ProfileError::NotFound)
}

/// The PHI guard over a profile's free-text fields, with the profile's own policy: the
/// member's own name (unless they hide it), workplace, location and the organizations of
/// their experience are theirs, not a patient's; so are the career periods in their
/// experience, and a professional's or organization's published contact details
/// (phone, email, web page, address). A patient's own contact details are still flagged:
/// a pseudonymous patient would undo their pseudonym by publishing them.
fn guard_profile(
    draft: &ProfileDraft,
    p: &ProfileUpdate,
    role: Role,
    confirmed: bool,
) -> Result<Vec<String>, AppError> {
    let mut own = vec![p.workplace.as_str(), p.location.as_str()];
    if !p.hide_real_name {
        own.push(p.display_name.as_str());
    }
    own.extend(p.experience.iter().map(|e| e.organization.as_str()));
    let allowed = if role == Role::Patient {
        Vec::new()
    } else {
        CONTACT_KINDS.to_vec()
    };
    let policy = FieldPolicy {
        own,
        allowed,
        allowed_in: vec![("experience", PhiKind::Date)],
    };
    let fields = [
        ("headline", draft.headline.as_str()),
        ("bio", draft.bio.as_str()),
        ("experience", draft.experience.as_str()),
        ("skills", draft.skills.as_str()),
        ("conflicts", draft.conflicts.as_str()),
    ];
    guard_fields(&fields, &policy, confirmed)
}

#[cfg(test)]
mod tests {
    use super::{PROFILE_FIELDS, UPDATE};
    use crate::model::ProfileFields;
    use crate::model::validate::ProfileUpdate;

    /// The fields are defined once (`ProfileFields`); the SQL that reads and stores them
    /// must name every one, or a new field would be checked and sent but never stored.
    #[test]
    fn the_stored_profile_reads_and_writes_every_field_a_member_edits() {
        let update = ProfileUpdate {
            display_name: String::new(),
            fields: ProfileFields::default(),
            hide_real_name: false,
        };
        let serde_json::Value::Object(fields) = serde_json::to_value(&update).unwrap() else {
            panic!("an update serializes as an object");
        };
        assert!(fields.len() >= 13, "{fields:?}");
        for name in fields.keys() {
            assert!(
                UPDATE.contains(&format!("{name}: $p.{name}")),
                "UPDATE does not store {name}"
            );
            assert!(
                PROFILE_FIELDS.contains(name.as_str()),
                "PROFILE_FIELDS does not read {name}"
            );
        }
    }
}
