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

/// A public profile as shown at `/@handle`. Fields a member chose to hide are already
/// removed by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub handle: String,
    /// The name shown: the display name, or the handle for a patient who hides it.
    pub shown_name: String,
    pub role: Role,
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

/// Everything the owner edits at `/settings/profile`, in form-friendly text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
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
    pub hide_real_name: bool,
}

impl ProfileDraft {
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
