//! Types that cross the wire between server and browser, with no server-only dependencies.

pub mod graph;
pub mod member;
pub mod taxonomy;
pub mod validate;

pub use graph::*;
pub use member::*;
