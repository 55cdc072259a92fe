//! Why a post, comment or reaction operation failed.

use crate::domain::internal;
use crate::error::AppError;

/// Why a post operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("no such post")]
    NotFound,
    #[error("not the author")]
    NotAuthor,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

crate::domain::retryable_db_error!(PostError);

impl From<PostError> for AppError {
    fn from(e: PostError) -> Self {
        match e {
            PostError::Invalid(e) => e,
            // Invisible and missing look the same, so a stranger learns nothing.
            PostError::NotFound => {
                AppError::not_found("This post does not exist or is not visible to you.")
            }
            PostError::NotAuthor => AppError::forbidden("Only the author can change this."),
            PostError::Forbidden(m) => AppError::forbidden(m),
            PostError::Db(e) => internal("posts query", e),
        }
    }
}

impl From<AppError> for PostError {
    fn from(e: AppError) -> Self {
        PostError::Invalid(e)
    }
}
