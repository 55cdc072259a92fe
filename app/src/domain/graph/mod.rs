//! The professional graph on SurrealDB relation tables: follows, connections (one record
//! per pair), blocks and mutes; degrees, mutual connections, member lists, people you may
//! know.
//!
//! This file only names the parts. They import each other in one direction:
//! `suggestions` → `lists` → `edges`; `suggestions` and `lists` → `closeness`, which holds
//! the one definition of an accepted connection (the viewer's load uses it too).

pub(crate) mod closeness;
mod edges;
mod error;
mod lists;
mod suggestions;

pub use closeness::{counts, degree, mutuals};
pub use edges::{Blocks, apply, apply_confirming, blocks, relationship};
pub use error::{GraphError, NOTE_MAX};
pub use lists::{ListKind, cards, list, requests, summary};
pub use suggestions::{PYMK_FANOUT, people_you_may_know, refresh_suggestions};
