//! Trust and safety as the pages see it: verification requests, reports and moderation
//! cases, the audit log, misinformation labels and notifications — plus the input rules
//! shared by browser and server (the NPI check digit).

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Whether a US National Provider Identifier is well formed: ten digits whose last is the
/// Luhn check digit computed over "80840" followed by the first nine.
pub fn npi_is_valid(npi: &str) -> bool {
    let npi = npi.trim();
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let payload: Vec<u32> = "80840"
        .bytes()
        .chain(npi.bytes().take(9))
        .map(|b| u32::from(b - b'0'))
        .collect();
    // Luhn: double every second digit from the right of the payload (the check digit
    // would be appended to its right).
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    u32::from(npi.as_bytes()[9] - b'0') == check
}

/// How a professional proves their credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerificationMethod {
    Npi,
    License,
}

impl VerificationMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMethod::Npi => "npi",
            VerificationMethod::License => "license",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "npi" => Some(Self::Npi),
            "license" => Some(Self::License),
            _ => None,
        }
    }
}

/// A checked verification request, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationInput {
    pub method: VerificationMethod,
    pub npi: Option<String>,
    pub license_number: Option<String>,
    pub issuer: Option<String>,
    /// The name on the credential. Private: only site moderators see it, beside the
    /// number they check, so a professional can stay pseudonymous everywhere else.
    pub legal_name: String,
}

/// Checks a legal name: what the registry would print, 2–200 characters with at least
/// one letter, spaces collapsed. Control and bidirectional-override characters are
/// refused: they could make the name a moderator reads differ from the one stored.
pub fn check_legal_name(name: &str) -> Result<String, AppError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
    };
    if name.chars().any(invisible) {
        return Err(AppError::invalid(
            "legal_name",
            "Your legal name contains an invisible or control character: type it again.",
        ));
    }
    let len = name.chars().count();
    if !(2..=200).contains(&len) || !name.chars().any(char::is_alphabetic) {
        return Err(AppError::invalid(
            "legal_name",
            "Enter your legal name as it appears on the credential (2–200 characters).",
        ));
    }
    Ok(name)
}

/// Checks what the verification form submits.
pub fn check_verification(
    method: &str,
    npi: &str,
    license_number: &str,
    issuer: &str,
    legal_name: &str,
) -> Result<VerificationInput, AppError> {
    // In the form's order: the credential, then the name on it.
    let mut input = check_credential(method, npi, license_number, issuer)?;
    input.legal_name = check_legal_name(legal_name)?;
    Ok(input)
}

fn check_credential(
    method: &str,
    npi: &str,
    license_number: &str,
    issuer: &str,
) -> Result<VerificationInput, AppError> {
    let legal_name = String::new();
    let method = VerificationMethod::parse(method.trim())
        .ok_or_else(|| AppError::invalid("method", "Choose NPI or licence."))?;
    match method {
        VerificationMethod::Npi => {
            let npi: String = npi.chars().filter(|c| !c.is_whitespace()).collect();
            if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AppError::invalid("npi", "An NPI is exactly 10 digits."));
            }
            if !npi_is_valid(&npi) {
                return Err(AppError::invalid(
                    "npi",
                    "That NPI's check digit does not match: please check for a typo.",
                ));
            }
            Ok(VerificationInput {
                method,
                npi: Some(npi),
                license_number: None,
                issuer: None,
                legal_name,
            })
        }
        VerificationMethod::License => {
            let number = license_number.trim();
            let issuer = issuer.trim();
            if number.len() < 3
                || number.len() > 40
                || !number
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ' ' | '/' | '.'))
                || !number.chars().any(|c| c.is_ascii_digit())
            {
                return Err(AppError::invalid(
                    "license_number",
                    "Enter the licence number as printed (3–40 letters, digits, dashes).",
                ));
            }
            if issuer.chars().count() < 2 || issuer.chars().count() > 120 {
                return Err(AppError::invalid(
                    "issuer",
                    "Name the issuing body and jurisdiction (e.g. “Massachusetts Board of Registration in Medicine”).",
                ));
            }
            Ok(VerificationInput {
                method,
                npi: None,
                license_number: Some(number.to_string()),
                issuer: Some(issuer.to_string()),
                legal_name,
            })
        }
    }
}

/// A verification request as the member and the moderators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationView {
    pub id: String,
    pub handle: String,
    pub display_name: String,
    pub role: crate::model::Role,
    pub specialty: Option<String>,
    pub method: VerificationMethod,
    pub npi: Option<String>,
    pub license_number: Option<String>,
    pub issuer: Option<String>,
    /// Absent on requests filed before legal names were asked for.
    #[serde(default)]
    pub legal_name: Option<String>,
    pub status: crate::model::VerificationStatus,
    pub reason: String,
    pub created_at: String,
}

/// Why a member reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportReason {
    Misinformation,
    Phi,
    Harassment,
    Spam,
    Promotion,
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 6] = [
        ReportReason::Misinformation,
        ReportReason::Phi,
        ReportReason::Harassment,
        ReportReason::Spam,
        ReportReason::Promotion,
        ReportReason::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Misinformation => "misinformation",
            ReportReason::Phi => "phi",
            ReportReason::Harassment => "harassment",
            ReportReason::Spam => "spam",
            ReportReason::Promotion => "promotion",
            ReportReason::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Misinformation => "Medical misinformation",
            ReportReason::Phi => "Identifies a patient (PHI)",
            ReportReason::Harassment => "Harassment or abuse",
            ReportReason::Spam => "Spam",
            ReportReason::Promotion => "Undisclosed promotion",
            ReportReason::Other => "Something else",
        }
    }
}

/// What can be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportTarget {
    Post,
    Comment,
    Member,
}

impl ReportTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportTarget::Post => "post",
            ReportTarget::Comment => "comment",
            ReportTarget::Member => "member",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "post" => Some(Self::Post),
            "comment" => Some(Self::Comment),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// What a moderator can do on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModAction {
    /// Close the case: nothing wrong.
    Dismiss,
    /// A notice with the reason replaces the content for readers.
    Hide,
    /// Taken down; only moderators can still read it.
    Remove,
    /// Tell the author, with the reason; the content stays.
    Warn,
    /// The author may not post, comment or report for a number of days.
    Suspend,
    /// Undo hide/remove (and lift a suspension).
    Restore,
    /// A message to the author from the case.
    Message,
}

impl ModAction {
    pub const ALL: [ModAction; 7] = [
        ModAction::Dismiss,
        ModAction::Hide,
        ModAction::Remove,
        ModAction::Warn,
        ModAction::Suspend,
        ModAction::Restore,
        ModAction::Message,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ModAction::Dismiss => "dismiss",
            ModAction::Hide => "hide",
            ModAction::Remove => "remove",
            ModAction::Warn => "warn",
            ModAction::Suspend => "suspend",
            ModAction::Restore => "restore",
            ModAction::Message => "message",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            ModAction::Dismiss => "Dismiss",
            ModAction::Hide => "Hide",
            ModAction::Remove => "Remove",
            ModAction::Warn => "Warn author",
            ModAction::Suspend => "Suspend author",
            ModAction::Restore => "Restore",
            ModAction::Message => "Message author",
        }
    }
    /// Whether this action ends the case (reporters are then told the outcome).
    pub fn closes(self) -> bool {
        !matches!(self, ModAction::Message)
    }
}

/// One report inside a case, as moderators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNote {
    /// The reporter's handle, for site moderators only: a community moderator (anyone can
    /// start a community) never learns who reported whom.
    #[serde(default)]
    pub reporter: Option<String>,
    pub verified: bool,
    pub reason: ReportReason,
    pub note: String,
}

/// A moderation case: every report on one item, grouped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// "post:abc", "comment:def" or "member:ghi".
    pub id: String,
    pub kind: ReportTarget,
    /// Where the item can be read.
    pub link: String,
    pub author_handle: String,
    /// The reported text (or the profile's name), shortened.
    pub excerpt: String,
    pub community: Option<String>,
    pub status: crate::model::CaseStatus,
    pub reports: u32,
    pub verified_reports: u32,
    pub hidden_pending: bool,
    /// The item's moderation state now ("hidden", "removed") if any.
    pub mod_state: Option<String>,
    pub notes: Vec<ReportNote>,
    pub outcome: Option<String>,
    pub updated_at: String,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: String,
    /// The acting member's handle; None for the command line.
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub next: Option<String>,
}

/// Something a member is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: String,
    pub kind: crate::model::NotificationKind,
    pub text: String,
    pub link: String,
    pub read: bool,
    pub created_at: String,
}

/// Why readers see a notice instead of a post or comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModNotice {
    pub state: crate::model::ModState,
    pub reason: String,
}

/// A misinformation label as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisinfoLabel {
    pub note: String,
    pub evidence: Vec<String>,
}

/// A proposed label waiting for a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelProposal {
    pub id: String,
    pub post: String,
    pub excerpt: String,
    pub note: String,
    pub evidence: Vec<String>,
    pub proposed_by: String,
}

/// Checks a label's note and evidence links (one http(s) link per line, 1–5).
pub fn check_label(note: &str, evidence: &str) -> Result<(String, Vec<String>), AppError> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(AppError::invalid(
            "note",
            "Explain the problem in 1–500 characters.",
        ));
    }
    let citations = crate::model::parse_citations(evidence).map_err(|e| {
        AppError::invalid("evidence", e.message.replace("sources per post", "links"))
    })?;
    if citations.is_empty() {
        return Err(AppError::invalid(
            "evidence",
            "Link at least one source (DOI, PubMed ID or http(s) link).",
        ));
    }
    if citations.len() > 5 {
        return Err(AppError::invalid("evidence", "At most 5 evidence links."));
    }
    Ok((
        note.to_string(),
        citations.into_iter().map(|c| c.href).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digits() {
        // Valid: the CMS example 1234567893 and others whose check digit was worked out separately.
        for good in ["1234567893", "1245319599", "1003000126", "1710975578"] {
            assert!(npi_is_valid(good), "{good} should be valid");
        }
        for bad in [
            "1234567890",
            "1234567894",
            "1245319598",
            "123456789",
            "12345678933",
            "12345a7893",
            "",
        ] {
            assert!(!npi_is_valid(bad), "{bad} should be invalid");
        }
    }

    #[test]
    fn verification_input_is_checked_per_method() {
        let name = "Adaeze Nwosu-Okafor";
        assert!(check_verification("npi", "1234 567 893", "", "", name).is_ok());
        assert_eq!(
            check_verification("npi", "1234567890", "", "", name)
                .unwrap_err()
                .field
                .as_deref(),
            Some("npi")
        );
        assert!(
            check_verification("license", "", "MD-12345", "MA Board of Medicine", name).is_ok()
        );
        assert_eq!(
            check_verification("license", "", "MD-12345", "", name)
                .unwrap_err()
                .field
                .as_deref(),
            Some("issuer")
        );
        assert!(check_verification("fax", "", "", "", name).is_err());
        assert_eq!(
            check_verification("npi", "1234567893", "", "", " ")
                .unwrap_err()
                .field
                .as_deref(),
            Some("legal_name")
        );
    }

    #[test]
    fn a_legal_name_is_kept_as_typed_but_without_invisible_characters() {
        assert_eq!(
            check_legal_name("  Nguyễn   Thị Minh  Khai ").unwrap(),
            "Nguyễn Thị Minh Khai"
        );
        assert_eq!(
            check_legal_name("Zoë O’Brien-Łukasik").unwrap(),
            "Zoë O’Brien-Łukasik"
        );
        assert_eq!(check_legal_name("محمد الأحمد").unwrap(), "محمد الأحمد");
        for bad in [
            "",
            "J",
            "12345",
            "Ann\u{202E}eB",
            "Ann\u{0}Lee",
            "Ann\u{200B}Lee",
            &"a".repeat(201),
        ] {
            let err = check_legal_name(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("legal_name"), "{bad:?}");
        }
    }

    #[test]
    fn labels_need_a_note_and_evidence() {
        let (note, ev) =
            check_label("Ivermectin does not treat COVID-19", "PMID 35353979").unwrap();
        assert_eq!(note, "Ivermectin does not treat COVID-19");
        assert_eq!(ev, ["https://pubmed.ncbi.nlm.nih.gov/35353979/"]);
        assert!(check_label("", "PMID 1").is_err());
        assert!(check_label("note", "").is_err());
    }
}
