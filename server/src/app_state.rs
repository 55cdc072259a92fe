//! Shared server state.

use std::sync::Arc;

use app::api::context::{AuthSettings, ServerContext};
use app::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: ServerContext,
    /// Whether the database answers (watched by `rounds serve`; up unless watched).
    pub health: crate::db_health::DbHealth,
}

impl AppState {
    /// `remote`: `db` is a SurrealDB server, where requests share its session
    /// (`app::api::context::RequestDb` says why).
    pub fn new(leptos_options: LeptosOptions, db: Db, auth: AuthSettings, remote: bool) -> Self {
        Self {
            leptos_options,
            ctx: ServerContext {
                db: Arc::new(db),
                auth: Arc::new(auth),
                shared_session: remote,
            },
            health: crate::db_health::DbHealth::default(),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
