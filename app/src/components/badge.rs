//! Small labels shown next to names.

use leptos::prelude::*;

use crate::model::Role;

/// The member's role, as words (never colour alone).
#[component]
pub fn RoleBadge(role: Role) -> impl IntoView {
    let class = format!("badge badge-{}", role.as_str());
    view! { <span class=class>{role.label()}</span> }
}

/// A verified member's badge ("✓ Verified professional"), or their role when unverified.
/// The badge names the checked credential's kind, never the person, so it fits a pseudonym.
#[component]
pub fn VerifiedOrRole(role: Role, verified: bool) -> impl IntoView {
    let (class, text) = match (verified, role) {
        (true, Role::Organization) => (
            "badge badge-verified".to_string(),
            "✓ Verified organization",
        ),
        (true, _) => (
            "badge badge-verified".to_string(),
            "✓ Verified professional",
        ),
        (false, _) => (format!("badge badge-{}", role.as_str()), role.label()),
    };
    view! { <span class=class>{text}</span> }
}
