//! Small labels shown next to names.

use leptos::prelude::*;

use crate::model::Role;

/// The member's role, as words (never colour alone).
#[component]
pub fn RoleBadge(role: Role) -> impl IntoView {
    let class = format!("badge badge-{}", role.as_str());
    view! { <span class=class>{role.label()}</span> }
}
