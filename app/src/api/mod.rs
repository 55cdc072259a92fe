//! Server functions grouped by domain. Thin: who is asking → domain call → DTO.

pub mod auth;
pub mod communities;
#[cfg(feature = "ssr")]
pub mod context;
pub mod graph;
pub mod moderation;
pub mod posts;
pub mod profile;
pub mod safety;
