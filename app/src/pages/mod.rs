//! One module per route.

pub mod communities;
pub mod home;
pub mod members;
pub mod moderation;
pub mod network;
pub mod not_found;
pub mod notifications;
pub mod offline;
pub mod post;
pub mod profile;
pub mod settings;
pub mod signin;
pub mod signup;
pub mod verification;
