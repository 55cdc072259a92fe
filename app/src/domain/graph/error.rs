//! Why a graph operation failed.

use crate::domain::internal;
use crate::error::AppError;

/// The longest note a connection request may carry.
pub const NOTE_MAX: usize = 300;

/// Why a graph operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("cannot do that to yourself")]
    SelfEdge,
    #[error("blocked")]
    Blocked,
    #[error("no such request")]
    NoRequest,
    #[error("only the recipient can answer a request")]
    NotRecipient,
    #[error("only the sender can withdraw a request")]
    NotSender,
    #[error("note too long")]
    NoteTooLong,
    #[error("malformed page cursor")]
    BadCursor,
    /// The note may identify a patient (the PHI guard's answer, with the findings).
    #[error("{0}")]
    Phi(AppError),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

crate::domain::retryable_db_error!(GraphError);

impl From<GraphError> for AppError {
    fn from(e: GraphError) -> Self {
        match e {
            GraphError::SelfEdge => {
                AppError::invalid("op", "You cannot follow or connect with yourself.")
            }
            GraphError::Blocked => AppError::forbidden("You cannot interact with this member."),
            GraphError::NoRequest => AppError::not_found("There is no pending connection request."),
            GraphError::NotRecipient => AppError::forbidden(
                "Only the member who received the request can accept or decline it.",
            ),
            GraphError::NotSender => {
                AppError::forbidden("Only the member who sent the request can withdraw it.")
            }
            GraphError::NoteTooLong => {
                AppError::invalid("note", "A note can be at most 300 characters.")
            }
            GraphError::BadCursor => AppError::invalid(
                "after",
                "That page link is not valid. Start again from the first page.",
            ),
            GraphError::Phi(e) => e,
            GraphError::Db(e) => internal("graph query", e),
        }
    }
}
