//! Posts: writing them, the read pipeline every path that shows posts goes through,
//! scans of one source, comments and reactions. Every read goes through
//! [`Viewer::may_see`](crate::domain::viewer::Viewer::may_see) in [`read`].
//!
//! This file only names the parts; they import each other (never this file), in one
//! direction: `scans`, `comments` and `reactions` use `read`; every part uses `error`;
//! `read` uses no other part.

mod comments;
mod error;
mod reactions;
pub(crate) mod read;
mod scans;
mod write;

pub use comments::{NewComment, add_comment, delete_comment, thread};
pub use error::PostError;
pub use reactions::react;
pub use read::get;
pub use scans::{by_author, by_community, pinned, public_highlights};
pub use write::{NewPost, check_audience, create, delete, edit, set_pinned};
