//! `surreal`, as the official binary is: one call into the published server library.

// Release builds compute the layout of the server's deepest async query evaluation, which
// passes the default query depth of 128; the official binary raises it the same way.
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
