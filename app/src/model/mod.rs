//! Types that cross the wire between server and browser, with no server-only dependencies.

pub mod community;
pub mod graph;
pub mod ids;
pub mod member;
pub mod phi;
pub mod post;
pub mod safety;
pub mod status;
pub mod taxonomy;
pub mod validate;

pub use community::*;
pub use graph::*;
pub use ids::*;
pub use member::*;
pub use phi::*;
pub use post::*;
pub use safety::*;
pub use status::*;
