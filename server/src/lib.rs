//! The Rounds server: configuration, state, router and the seeder, as a library so that
//! integration tests can spawn the real router.

pub mod app_state;
pub mod bench;
pub mod config;
pub mod crash;
pub mod db_health;
pub mod listener;
pub mod router;
pub mod seed;
