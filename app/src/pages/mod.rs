//! One module per route.

pub mod communities;
pub mod home;
pub mod members;
pub mod network;
pub mod not_found;
pub mod post;
pub mod profile;
pub mod settings;
pub mod signin;
pub mod signup;
