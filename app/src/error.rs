//! The one error type shared by server functions and pages: an HTTP status, a message fit
//! for the member, the form field it belongs to, and what the member typed (so a failed
//! form — even a no-JavaScript one redirected back — keeps its input).

use std::collections::BTreeMap;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, as a class that maps to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    /// 400: the input is malformed or breaks a rule.
    BadRequest,
    /// 401: the caller must sign in first.
    Unauthorized,
    /// 403: signed in, but not allowed.
    Forbidden,
    /// 404: no such thing (or not visible to the caller).
    NotFound,
    /// 409: conflicts with existing data (duplicate email or handle).
    Conflict,
    /// 413: the request body is larger than any form of ours sends.
    TooLarge,
    /// 429: too many attempts; try later.
    TooManyRequests,
    /// 500: our fault; details are logged, not shown.
    Internal,
    /// 503: the database cannot be reached; nothing was done, try again shortly.
    Unavailable,
}

impl ErrorKind {
    /// The HTTP status code for this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::TooLarge => 413,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Internal => 500,
            ErrorKind::Unavailable => 503,
        }
    }
}

/// The application's error: safe to show to the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    /// The form field the message is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Non-secret values the member submitted, echoed back so the form can be refilled.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kept: BTreeMap<String, String>,
    /// Likely patient identifiers the PHI guard found; publishing needs a confirmation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phi: Vec<crate::model::PhiFinding>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            field: None,
            kept: BTreeMap::new(),
            phi: Vec::new(),
        }
    }
    /// A 400 on `field` listing the likely patient identifiers found in it: the member
    /// edits them out or confirms and submits again.
    pub fn phi(field: &str, findings: Vec<crate::model::PhiFinding>) -> Self {
        let mut kinds: Vec<crate::model::PhiKind> = findings.iter().map(|f| f.kind).collect();
        kinds.sort();
        kinds.dedup();
        let kinds: Vec<&str> = kinds.into_iter().map(|k| k.label()).collect();
        let mut e = Self::new(
            ErrorKind::BadRequest,
            format!(
                "This may identify a patient ({}). Remove the highlighted details, or confirm that publishing them is appropriate (for example, you have consent or they are not about a patient).",
                kinds.join(", ")
            ),
        )
        .on(field);
        e.phi = findings;
        e
    }
    /// A 400 about one form field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message).on(field)
    }
    pub fn unauthorized() -> Self {
        Self::new(ErrorKind::Unauthorized, "Please sign in to continue.")
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message).on(field)
    }
    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::TooManyRequests, message)
    }
    pub fn unavailable() -> Self {
        Self::new(
            ErrorKind::Unavailable,
            "Rounds cannot reach its database right now. Please try again in a few seconds.",
        )
    }
    pub fn internal() -> Self {
        Self::new(
            ErrorKind::Internal,
            "Something went wrong on our side. Please try again.",
        )
    }
    /// Attaches the error to a form field.
    pub fn on(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
    /// Echoes back what the member typed (never pass secrets such as passwords).
    pub fn keep<'a>(mut self, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        self.kept = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.chars().take(Self::KEPT_CHARS).collect()))
            .collect();
        self
    }
    /// How much of one field a failed form keeps: far more than any field accepts (a post
    /// is at most 5,000 characters), so a member who pasted too much gets it all back to
    /// trim, while a megabyte of junk does not travel back in every error and flash.
    pub const KEPT_CHARS: usize = 20_000;
    /// The message if it concerns `field`.
    pub fn for_field(&self, field: &str) -> Option<String> {
        (self.field.as_deref() == Some(field)).then(|| self.message.clone())
    }
    pub fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::new(
                ErrorKind::BadRequest,
                "The form was incomplete or malformed.",
            ),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::new(
                ErrorKind::Internal,
                "Could not reach Rounds. Check your connection and try again.",
            ),
            _ => AppError::internal(),
        }
    }
}

/// Shorthand for results in server functions and domain code.
pub type AppResult<T> = Result<T, AppError>;
