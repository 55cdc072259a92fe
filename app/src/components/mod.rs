//! Reusable views.

pub mod badge;
pub mod field;
pub mod layout;
