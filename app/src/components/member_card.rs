//! A member in a list: name, role, headline, specialty, mutual connections.

use leptos::prelude::*;

use super::badge::VerifiedOrRole;
use crate::model::{Degree, MemberCard};

#[component]
pub fn MemberCardView(
    card: MemberCard,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let href = format!("/@{}", card.handle);
    view! {
        <li class="member-card">
            <div class="avatar avatar-sm" aria-hidden="true">{card.shown_name.chars().next().unwrap_or('?').to_string()}</div>
            <div class="member-card-body">
                <p class="member-card-name">
                    <a href=href>{card.shown_name.clone()}</a>
                    " " <VerifiedOrRole role=card.role verified=card.verified/>
                    {card.degree.filter(|d| *d != Degree::You).map(|d| view! {
                        " " <span class="badge badge-degree" title=d.description()>
                            <span aria-hidden="true">{d.label()}</span>
                            <span class="visually-hidden">{d.description()}</span>
                        </span>
                    })}
                </p>
                <p class="muted small">"@" {card.handle.clone()}</p>
                {(!card.headline.is_empty()).then(|| view! { <p class="small">{card.headline.clone()}</p> })}
                {card.specialty.clone().map(|s| view! { <p class="small specialty">{s}</p> })}
                {(card.mutuals > 0).then(|| view! {
                    <p class="small muted">{card.mutuals} {if card.mutuals == 1 { " mutual connection" } else { " mutual connections" }}</p>
                })}
            </div>
            {children.map(|c| view! { <div class="member-card-actions">{c()}</div> })}
        </li>
    }
}
