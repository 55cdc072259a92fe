//! Communities as the pages see them.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a community is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum CommunityKind {
    Specialty,
    Condition,
    Organization,
    General,
}

impl CommunityKind {
    pub const ALL: [CommunityKind; 4] = [
        CommunityKind::Specialty,
        CommunityKind::Condition,
        CommunityKind::Organization,
        CommunityKind::General,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommunityKind::Specialty => "specialty",
            CommunityKind::Condition => "condition",
            CommunityKind::Organization => "organization",
            CommunityKind::General => "general",
        }
    }

    pub fn parse(s: &str) -> Option<CommunityKind> {
        CommunityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CommunityKind::Specialty => "Specialty",
            CommunityKind::Condition => "Condition",
            CommunityKind::Organization => "Organization",
            CommunityKind::General => "General",
        }
    }
}

/// Who may join.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Anyone joins at once.
    Open,
    /// Only professionals may join (and, once verification exists, only verified ones).
    Professionals,
    /// Anyone may ask; a moderator approves.
    Approval,
}

impl Access {
    pub const ALL: [Access; 3] = [Access::Open, Access::Professionals, Access::Approval];

    pub fn as_str(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Professionals => "professionals",
            Access::Approval => "approval",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        Access::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Access::Open => "Open — anyone can join",
            Access::Professionals => "Professionals only",
            Access::Approval => "Approval — moderators accept requests",
        }
    }
}

/// A member's place in a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash, strum::IntoStaticStr)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum CommunityRole {
    Owner,
    Moderator,
    Member,
}

impl CommunityRole {
    pub fn label(self) -> &'static str {
        match self {
            CommunityRole::Owner => "Owner",
            CommunityRole::Moderator => "Moderator",
            CommunityRole::Member => "Member",
        }
    }

    /// Owners and moderators run the community (pins, approvals).
    pub fn moderates(self) -> bool {
        matches!(self, CommunityRole::Owner | CommunityRole::Moderator)
    }
}

/// The viewer's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Membership {
    Active(CommunityRole),
    Pending,
}

/// A community's page header and directory entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityView {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: CommunityKind,
    pub access: Access,
    pub member_count: u32,
    /// None for signed-out visitors and non-members.
    pub membership: Option<Membership>,
}

/// A member of a community, for its members list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityMemberView {
    pub handle: String,
    pub shown_name: String,
    pub role: CommunityRole,
    pub pending: bool,
}

/// Checks and normalizes a new community's slug (lowercase letters, digits, hyphens).
pub fn check_slug(slug: &str) -> Result<String, AppError> {
    let s = slug.trim().to_lowercase();
    let ok = (3..=40).contains(&s.len())
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(s)
    } else {
        Err(AppError::invalid(
            "slug",
            "Use 3–40 lowercase letters, digits or hyphens, starting with a letter or digit (e.g. type-1-diabetes).",
        ))
    }
}
