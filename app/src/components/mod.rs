//! Reusable views.

pub mod badge;
pub mod field;
pub mod layout;
pub mod member_card;
pub mod post;
pub mod relationship;
pub mod safety;
