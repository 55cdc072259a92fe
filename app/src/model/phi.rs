//! What the PHI guard reports: the kind of a likely patient identifier and where it is.
//! The detector itself is server-only (`domain::phi`); the composer shows these.

use serde::{Deserialize, Serialize};

/// A HIPAA Safe Harbor identifier kind that turns up in posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhiKind {
    Name,
    Date,
    Age,
    Phone,
    Fax,
    Email,
    Ssn,
    MedicalRecord,
    HealthPlan,
    Account,
    License,
    Device,
    Url,
    IpAddress,
    Address,
    Zip,
    Vehicle,
}

impl PhiKind {
    pub const ALL: [PhiKind; 17] = [
        PhiKind::Name,
        PhiKind::Date,
        PhiKind::Age,
        PhiKind::Phone,
        PhiKind::Fax,
        PhiKind::Email,
        PhiKind::Ssn,
        PhiKind::MedicalRecord,
        PhiKind::HealthPlan,
        PhiKind::Account,
        PhiKind::License,
        PhiKind::Device,
        PhiKind::Url,
        PhiKind::IpAddress,
        PhiKind::Address,
        PhiKind::Zip,
        PhiKind::Vehicle,
    ];

    /// The machine name (as in `rounds phi-check` output and the corpus).
    pub fn as_str(self) -> &'static str {
        match self {
            PhiKind::Name => "name",
            PhiKind::Date => "date",
            PhiKind::Age => "age",
            PhiKind::Phone => "phone",
            PhiKind::Fax => "fax",
            PhiKind::Email => "email",
            PhiKind::Ssn => "ssn",
            PhiKind::MedicalRecord => "medical_record",
            PhiKind::HealthPlan => "health_plan",
            PhiKind::Account => "account",
            PhiKind::License => "license",
            PhiKind::Device => "device",
            PhiKind::Url => "url",
            PhiKind::IpAddress => "ip_address",
            PhiKind::Address => "address",
            PhiKind::Zip => "zip",
            PhiKind::Vehicle => "vehicle",
        }
    }

    pub fn parse(s: &str) -> Option<PhiKind> {
        PhiKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How the composer names it.
    pub fn label(self) -> &'static str {
        match self {
            PhiKind::Name => "a person's name",
            PhiKind::Date => "a date tied to a person",
            PhiKind::Age => "an age over 89",
            PhiKind::Phone => "a phone number",
            PhiKind::Fax => "a fax number",
            PhiKind::Email => "an email address",
            PhiKind::Ssn => "a Social Security number",
            PhiKind::MedicalRecord => "a medical record number",
            PhiKind::HealthPlan => "a health plan number",
            PhiKind::Account => "an account number",
            PhiKind::License => "a licence or certificate number",
            PhiKind::Device => "a device or serial number",
            PhiKind::Url => "a personal web address",
            PhiKind::IpAddress => "an IP address",
            PhiKind::Address => "a street address",
            PhiKind::Zip => "a ZIP code",
            PhiKind::Vehicle => "a vehicle identifier",
        }
    }

    /// Which kind wins when two findings overlap (lower is more specific).
    pub fn priority(self) -> u8 {
        match self {
            PhiKind::Email => 0,
            PhiKind::Url => 1,
            PhiKind::IpAddress => 2,
            PhiKind::Ssn => 3,
            // A plate or VIN after a vehicle word is more specific than a permit's number.
            PhiKind::Vehicle => 4,
            PhiKind::MedicalRecord
            | PhiKind::HealthPlan
            | PhiKind::Account
            | PhiKind::License
            | PhiKind::Device => 5,
            PhiKind::Fax | PhiKind::Phone => 6,
            PhiKind::Address => 7,
            PhiKind::Zip => 8,
            PhiKind::Date => 9,
            PhiKind::Age => 10,
            PhiKind::Name => 11,
        }
    }
}

/// One likely identifier: its kind and byte span in the text that was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhiFinding {
    pub kind: PhiKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The form field it is in, when a form has several free-text fields (the offsets are
    /// into that field's trimmed text); empty for a single body.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub field: String,
}
