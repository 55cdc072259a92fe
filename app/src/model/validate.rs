//! Input rules shared by the server (which always enforces them) and the browser (which
//! may check early). Each function returns the normalized value or a field error.

use crate::error::AppError;
use crate::model::member::{Experience, ProfileDraft, ProfileFields, ProfileLink, Role};
use crate::model::taxonomy;

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;
pub const HANDLE_MIN: usize = 3;
pub const HANDLE_MAX: usize = 30;
pub const DISPLAY_NAME_MAX: usize = 80;
pub const HEADLINE_MAX: usize = 140;
pub const BIO_MAX: usize = 2000;
pub const SHORT_TEXT_MAX: usize = 120;
pub const CONFLICTS_MAX: usize = 1000;
pub const MAX_EXPERIENCE: usize = 20;
pub const MAX_SKILLS: usize = 30;
pub const SKILL_MAX: usize = 40;
pub const MAX_LINKS: usize = 20;
pub const URL_MAX: usize = 500;

/// Handles that would collide with routes or impersonate staff.
const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "c",
    "communities",
    "help",
    "mod",
    "moderator",
    "moderators",
    "network",
    "p",
    "pkg",
    "rounds",
    "root",
    "settings",
    "signin",
    "signout",
    "signup",
    "staff",
    "support",
    "system",
    "healthz",
    "metrics",
    "search",
    "notifications",
];

/// Passwords so common that a length rule alone does not stop them.
const COMMON_PASSWORDS: &[&str] = &[
    "password123",
    "password1234",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou123",
    "letmein1234",
    "welcome123",
    "administrator",
    "passw0rd123",
    "abcdefghij",
    "0987654321",
    "qwerty12345",
    "1q2w3e4r5t",
    "password!!",
    "trustno1234",
];

fn char_len(s: &str) -> usize {
    s.chars().count()
}

fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// Trims and checks a one-line text field of at most `max` characters.
pub fn short_text(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if v.contains('\n') || has_control(v) {
        return Err(AppError::invalid(
            field,
            format!("{label} must be a single line of text."),
        ));
    }
    if char_len(v) > max {
        return Err(AppError::invalid(
            field,
            format!("{label} can be at most {max} characters."),
        ));
    }
    Ok(v.to_string())
}

/// Trims and checks a multi-line text field.
pub fn long_text(field: &str, label: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = value.trim();
    if has_control(v) {
        return Err(AppError::invalid(
            field,
            format!("{label} contains characters we cannot store."),
        ));
    }
    if char_len(v) > max {
        return Err(AppError::invalid(
            field,
            format!("{label} can be at most {max} characters."),
        ));
    }
    Ok(v.replace("\r\n", "\n"))
}

/// A plausible email address, returned trimmed. Case is kept; uniqueness ignores it.
pub fn email(value: &str) -> Result<String, AppError> {
    let v = value.trim();
    let bad = || AppError::invalid("email", "Enter an email address like name@example.org.");
    if v.is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return Err(bad());
    }
    Ok(v.to_string())
}

/// The key under which emails are unique: lowercase.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A handle: 3–30 of a–z, 0–9, `_` and `.`, starting with a letter; case-insensitively
/// unique. A leading `@` is accepted and dropped. Returned as typed (case kept).
pub fn handle(value: &str) -> Result<String, AppError> {
    let v = value.trim().trim_start_matches('@');
    if v.is_empty() {
        return Err(AppError::invalid("handle", "Choose a handle."));
    }
    let n = char_len(v);
    if !(HANDLE_MIN..=HANDLE_MAX).contains(&n) {
        return Err(AppError::invalid(
            "handle",
            format!("A handle is {HANDLE_MIN} to {HANDLE_MAX} characters long."),
        ));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(AppError::invalid(
            "handle",
            "A handle may use only letters a–z, digits, underscores and dots.",
        ));
    }
    if !v.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(AppError::invalid(
            "handle",
            "A handle starts with a letter.",
        ));
    }
    if v.ends_with('.') || v.contains("..") {
        return Err(AppError::invalid(
            "handle",
            "A handle cannot end with a dot or have two dots in a row.",
        ));
    }
    if RESERVED_HANDLES.contains(&v.to_ascii_lowercase().as_str()) {
        return Err(AppError::conflict(
            "handle",
            "That handle is reserved. Please choose another.",
        ));
    }
    Ok(v.to_string())
}

/// The key under which handles are unique: lowercase.
pub fn handle_key(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_ascii_lowercase()
}

/// A display name: 1–80 characters on one line.
pub fn display_name(value: &str) -> Result<String, AppError> {
    let v = short_text("display_name", "Your name", value, DISPLAY_NAME_MAX)?;
    if v.is_empty() {
        return Err(AppError::invalid(
            "display_name",
            "Enter the name to show on your profile.",
        ));
    }
    Ok(v)
}

/// A password strong enough for an account that may hold health information.
pub fn password(value: &str, handle: &str, email: &str) -> Result<(), AppError> {
    let n = char_len(value);
    if n < PASSWORD_MIN {
        return Err(AppError::invalid(
            "password",
            format!("Use at least {PASSWORD_MIN} characters for your password."),
        ));
    }
    if n > PASSWORD_MAX {
        return Err(AppError::invalid(
            "password",
            format!("A password can be at most {PASSWORD_MAX} characters."),
        ));
    }
    let lower = value.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    if distinct.len() < 4 || COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(AppError::invalid(
            "password",
            "That password is too easy to guess. Try a few unrelated words.",
        ));
    }
    let handle = handle_key(handle);
    let local = email_key(email)
        .split('@')
        .next()
        .unwrap_or_default()
        .to_string();
    if (handle.len() >= 3 && lower.contains(&handle))
        || (local.len() >= 3 && lower.contains(&local))
    {
        return Err(AppError::invalid(
            "password",
            "Your password must not contain your handle or email name.",
        ));
    }
    Ok(())
}

/// A role as submitted by the sign-up form.
pub fn role(value: &str) -> Result<Role, AppError> {
    Role::parse(value.trim())
        .ok_or_else(|| AppError::invalid("role", "Choose professional, patient or organization."))
}

/// An http(s) URL without spaces.
pub fn url(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim();
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or_else(|| {
            AppError::invalid(
                field,
                format!("Links must start with https:// — “{v}” does not."),
            )
        })?;
    if rest.is_empty()
        || v.len() > URL_MAX
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(AppError::invalid(
            field,
            format!("“{v}” is not a valid link."),
        ));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !host.contains('.') || host.starts_with('.') {
        return Err(AppError::invalid(
            field,
            format!("“{v}” is not a valid link."),
        ));
    }
    Ok(v.to_string())
}

/// A profile edit, normalized and checked for the member's role.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileUpdate {
    pub display_name: String,
    #[serde(flatten)]
    pub fields: ProfileFields,
    pub hide_real_name: bool,
}

/// An update reads as its fields (`update.skills`), like a [`Profile`](super::Profile).
impl std::ops::Deref for ProfileUpdate {
    type Target = ProfileFields;
    fn deref(&self) -> &ProfileFields {
        &self.fields
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Checks a profile draft for a member with `role`.
pub fn profile(draft: &ProfileDraft, role: Role) -> Result<ProfileUpdate, AppError> {
    let display_name = display_name(&draft.display_name)?;
    let headline = short_text("headline", "Headline", &draft.headline, HEADLINE_MAX)?;
    let bio = long_text("bio", "About", &draft.bio, BIO_MAX)?;
    let location = short_text("location", "Location", &draft.location, SHORT_TEXT_MAX)?;
    let workplace = short_text("workplace", "Workplace", &draft.workplace, SHORT_TEXT_MAX)?;
    let conflicts = long_text(
        "conflicts",
        "Conflict-of-interest disclosure",
        &draft.conflicts,
        CONFLICTS_MAX,
    )?;

    let (specialty, subspecialty) = if role == Role::Professional {
        let spec = non_empty(draft.specialty.trim().to_string());
        let sub = non_empty(draft.subspecialty.trim().to_string());
        match (&spec, &sub) {
            (None, Some(_)) => {
                return Err(AppError::invalid(
                    "subspecialty",
                    "Choose a specialty before a sub-specialty.",
                ));
            }
            (Some(s), sub) => {
                let known = taxonomy::specialty(s).ok_or_else(|| {
                    AppError::invalid("specialty", "Choose a specialty from the list.")
                })?;
                if let Some(sub) = sub
                    && !known.subspecialties.contains(&sub.as_str())
                {
                    return Err(AppError::invalid(
                        "subspecialty",
                        format!("“{sub}” is not a sub-specialty of {s}."),
                    ));
                }
            }
            (None, None) => {}
        }
        (spec, sub)
    } else {
        (None, None)
    };

    let org_type = if role == Role::Organization {
        let t = non_empty(draft.org_type.trim().to_string());
        if let Some(t) = &t
            && !taxonomy::is_org_type(t)
        {
            return Err(AppError::invalid(
                "org_type",
                "Choose an organization type from the list.",
            ));
        }
        t
    } else {
        None
    };

    let mut experience = Vec::new();
    for (i, line) in draft
        .experience
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() != 3 || parts[0].is_empty() || parts[1].is_empty() {
            return Err(AppError::invalid(
                "experience",
                format!(
                    "Line {} should read “Title | Organization | Period”.",
                    i + 1
                ),
            ));
        }
        let title = short_text(
            "experience",
            "An experience title",
            parts[0],
            SHORT_TEXT_MAX,
        )?;
        let organization = short_text("experience", "An organization", parts[1], SHORT_TEXT_MAX)?;
        let period = short_text("experience", "A period", parts[2], 40)?;
        experience.push(Experience {
            title,
            organization,
            period,
        });
    }
    if experience.len() > MAX_EXPERIENCE {
        return Err(AppError::invalid(
            "experience",
            format!("List at most {MAX_EXPERIENCE} positions."),
        ));
    }

    let mut skills: Vec<String> = Vec::new();
    for skill in draft
        .skills
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let skill = short_text("skills", "A skill", skill, SKILL_MAX)?;
        if !skills.iter().any(|s| s.eq_ignore_ascii_case(&skill)) {
            skills.push(skill);
        }
    }
    if skills.len() > MAX_SKILLS {
        return Err(AppError::invalid(
            "skills",
            format!("List at most {MAX_SKILLS} skills."),
        ));
    }

    let mut links = Vec::new();
    for (i, line) in draft
        .links
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (title, link) = match line.rsplit_once('|') {
            Some((t, u)) => (t.trim(), u.trim()),
            None => ("", line),
        };
        let url = url("links", link)?;
        let title = if title.is_empty() {
            url.clone()
        } else {
            short_text("links", "A link title", title, SHORT_TEXT_MAX)?
        };
        if i >= MAX_LINKS {
            return Err(AppError::invalid(
                "links",
                format!("List at most {MAX_LINKS} links."),
            ));
        }
        links.push(ProfileLink { title, url });
    }

    Ok(ProfileUpdate {
        display_name,
        fields: ProfileFields {
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
        },
        hide_real_name: role == Role::Patient && draft.hide_real_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_rules_reject_bad_shapes_and_reserved_words() {
        assert_eq!(handle("@Dr.Ada").unwrap(), "Dr.Ada");
        assert!(handle("ab").is_err());
        assert!(handle("1abc").is_err());
        assert!(handle("ada lovelace").is_err());
        assert!(handle("ada..l").is_err());
        assert!(handle("ada.").is_err());
        assert_eq!(
            handle("Settings").unwrap_err().kind,
            crate::error::ErrorKind::Conflict
        );
        assert_eq!(handle_key("@Dr.Ada"), "dr.ada");
    }

    #[test]
    fn email_rules_accept_real_shapes_only() {
        assert!(email("nurse.kim@clinic.example.org").is_ok());
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a b@c.org",
            "@c.org",
            "a@-c.org",
            "a@c..org",
        ] {
            assert!(email(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn password_rules_catch_weak_passwords() {
        assert!(password("short", "ada", "ada@x.org").is_err());
        assert!(password("aaaaaaaaaaaa", "ada", "ada@x.org").is_err());
        assert!(password("password123", "kim", "kim@x.org").is_err());
        assert!(password("my-ada-secret-99", "ada", "z@x.org").is_err());
        assert!(password("correct horse battery", "ada", "ada@x.org").is_ok());
    }

    #[test]
    fn profile_checks_specialty_and_lines() {
        let mut d = ProfileDraft {
            display_name: "Dr Ada".into(),
            ..Default::default()
        };
        d.specialty = "Cardiology".into();
        d.subspecialty = "Electrophysiology".into();
        d.experience = "Attending | General Hospital | 2019–present\n\n".into();
        d.skills = "Echo, ECG, echo".into();
        d.links = "Paper | https://doi.org/10.1000/xyz\nhttps://example.org/a".into();
        let p = profile(&d, Role::Professional).unwrap();
        assert_eq!(p.experience.len(), 1);
        assert_eq!(p.skills, vec!["Echo", "ECG"]);
        assert_eq!(p.links[1].title, "https://example.org/a");

        d.subspecialty = "Retina".into();
        assert_eq!(
            profile(&d, Role::Professional)
                .unwrap_err()
                .field
                .as_deref(),
            Some("subspecialty")
        );
        d.subspecialty.clear();
        d.experience = "just a title".into();
        assert_eq!(
            profile(&d, Role::Professional)
                .unwrap_err()
                .field
                .as_deref(),
            Some("experience")
        );
        d.experience.clear();
        d.links = "javascript:alert(1)".into();
        assert_eq!(
            profile(&d, Role::Professional)
                .unwrap_err()
                .field
                .as_deref(),
            Some("links")
        );
    }

    #[test]
    fn only_patients_can_hide_their_name_and_specialty_is_for_professionals() {
        let d = ProfileDraft {
            display_name: "Sam".into(),
            specialty: "Cardiology".into(),
            hide_real_name: true,
            ..Default::default()
        };
        let patient = profile(&d, Role::Patient).unwrap();
        assert!(patient.hide_real_name);
        assert_eq!(patient.specialty, None);
        assert!(!profile(&d, Role::Professional).unwrap().hide_real_name);
    }
}
