//! `surreal`, as the official binary is: one call into the published server library.

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
