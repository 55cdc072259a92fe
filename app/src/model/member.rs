//! Members, roles and profiles as the pages see them.

use serde::{Deserialize, Serialize};

/// What kind of member an account is. Moderation rights are a separate flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Professional,
    Patient,
    Organization,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Professional, Role::Patient, Role::Organization];

    /// The stored and submitted form of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Professional => "professional",
            Role::Patient => "patient",
            Role::Organization => "organization",
        }
    }

    /// The words shown on the role badge.
    pub fn label(self) -> &'static str {
        match self {
            Role::Professional => "Professional",
            Role::Patient => "Patient",
            Role::Organization => "Organization",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The signed-in member, as the app shell needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentMember {
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    /// May open the moderation pages.
    #[serde(default)]
    pub moderator: bool,
    #[serde(default)]
    pub verified: bool,
    /// Unread notifications, for the header.
    #[serde(default)]
    pub unread: u32,
}

/// One entry of a member's professional experience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Experience {
    pub title: String,
    pub organization: String,
    /// Free text period such as "2015–2021" or "2019–present".
    pub period: String,
}

/// A publication or other link a member shows on the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProfileLink {
    pub title: String,
    pub url: String,
}

/// What a member writes about themself, as stored and shown: defined once, embedded in the
/// [`Profile`] pages show and the checked update ([`validate::ProfileUpdate`]
/// (crate::model::validate::ProfileUpdate)); [`ProfileDraft`] is its form text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ProfileFields {
    pub headline: String,
    pub bio: String,
    pub specialty: Option<String>,
    pub subspecialty: Option<String>,
    pub org_type: Option<String>,
    pub location: String,
    pub workplace: String,
    pub experience: Vec<Experience>,
    pub skills: Vec<String>,
    pub links: Vec<ProfileLink>,
    pub conflicts: String,
}

/// A public profile as shown at `/@handle`. Fields a member chose to hide are already
/// removed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub handle: String,
    /// The name shown: the display name, or the handle for a patient who hides it.
    pub shown_name: String,
    pub role: Role,
    #[serde(flatten)]
    pub fields: ProfileFields,
    /// True when a patient hides their real name behind the pseudonymous handle.
    pub pseudonymous: bool,
    /// Year-month the member joined, e.g. "2026-11".
    pub joined: String,
    /// Whether the viewer owns this profile (shows the edit link).
    pub is_own: bool,
    /// A moderator checked their credential.
    #[serde(default)]
    pub verified: bool,
    /// What was checked ("NPI checked", "Licence checked: …").
    #[serde(default)]
    pub verified_as: Option<String>,
}

/// A profile reads as its fields (`profile.headline`), plus who it is and who looks.
impl std::ops::Deref for Profile {
    type Target = ProfileFields;
    fn deref(&self) -> &ProfileFields {
        &self.fields
    }
}

/// Everything the owner edits at `/settings/profile`, in form-friendly text: what the
/// form posts (one field per input, so the server function takes this whole) and what it
/// shows. Missing fields are empty; the checkbox is on when sent at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ProfileDraft {
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    pub specialty: String,
    pub subspecialty: String,
    pub org_type: String,
    pub location: String,
    pub workplace: String,
    /// One entry per line: `Title | Organization | Period`.
    pub experience: String,
    /// Comma-separated.
    pub skills: String,
    /// One per line: `Title | https://…`.
    pub links: String,
    pub conflicts: String,
    #[serde(deserialize_with = "checkbox")]
    pub hide_real_name: bool,
}

/// A checkbox as a form posts it (present, with any value, or absent) or as JSON (a bool).
fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct Checkbox;
    impl serde::de::Visitor<'_> for Checkbox {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a checkbox value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        /// A form sends a checked box's value (whatever it is) and nothing for an
        /// unchecked one.
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(true)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    d.deserialize_any(Checkbox)
}

impl ProfileDraft {
    /// The form text of a stored profile.
    pub fn of(display_name: String, fields: ProfileFields, hide_real_name: bool) -> ProfileDraft {
        ProfileDraft {
            display_name,
            headline: fields.headline,
            bio: fields.bio,
            specialty: fields.specialty.unwrap_or_default(),
            subspecialty: fields.subspecialty.unwrap_or_default(),
            org_type: fields.org_type.unwrap_or_default(),
            location: fields.location,
            workplace: fields.workplace,
            experience: fields
                .experience
                .iter()
                .map(|e| format!("{} | {} | {}", e.title, e.organization, e.period))
                .collect::<Vec<_>>()
                .join("\n"),
            skills: fields.skills.join(", "),
            links: fields
                .links
                .iter()
                .map(|l| format!("{} | {}", l.title, l.url))
                .collect::<Vec<_>>()
                .join("\n"),
            conflicts: fields.conflicts,
            hide_real_name,
        }
    }

    /// The text fields by form name, e.g. to echo them back after a failed submit.
    pub fn text_fields(&self) -> [(&'static str, &str); 12] {
        [
            ("display_name", &self.display_name),
            ("headline", &self.headline),
            ("bio", &self.bio),
            ("specialty", &self.specialty),
            ("subspecialty", &self.subspecialty),
            ("org_type", &self.org_type),
            ("location", &self.location),
            ("workplace", &self.workplace),
            ("experience", &self.experience),
            ("skills", &self.skills),
            ("links", &self.links),
            ("conflicts", &self.conflicts),
        ]
    }
}
