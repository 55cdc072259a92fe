//! Communities: directory, page, create, join / leave, approvals, pins.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::{CommunityMemberView, CommunityView, Membership, PostPage, PostView};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::db::Db,
    crate::domain::communities::{self, NewCommunity},
    crate::domain::{accounts, posts},
    crate::model::{CommunityKind, CommunityRole, FEED_PAGE, MemberId},
    std::sync::Arc,
};

/// Everything `/c/{slug}` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityPage {
    pub community: CommunityView,
    pub pinned: Vec<PostView>,
    pub posts: PostPage,
    pub members: Vec<CommunityMemberView>,
    /// Members read for the roster who are patients: counted, not listed.
    #[serde(default)]
    pub unlisted_patients: u32,
    /// The viewer may post here (an active member).
    pub can_post: bool,
    /// The viewer runs it (owner or moderator).
    pub moderates: bool,
    /// The viewer owns it (appoints moderators).
    pub owns: bool,
}

/// The community at `slug` as the signed-in caller sees it, and the member at `handle`.
#[cfg(feature = "ssr")]
async fn community_and_member(
    slug: &str,
    handle: &str,
) -> Result<(Arc<Db>, communities::CommunityRow, MemberId), AppError> {
    let me = ctx::require_active_member().await?;
    let db = ctx::db()?;
    let c = communities::by_slug(&db, Some(&me.id), slug).await?;
    let (member, _) = accounts::member_by_handle(&db, handle)
        .await
        .map_err(|e| crate::domain::internal("member by handle", e))?
        .ok_or_else(|| AppError::not_found("There is no member with that handle."))?;
    Ok((db, c, member))
}

/// The directory, optionally filtered by kind.
#[server(endpoint = "communities")]
pub async fn list_communities(
    #[server(default)] kind: String,
) -> Result<Vec<CommunityView>, AppError> {
    let me = ctx::current_member().await?;
    let kind = match kind.trim() {
        "" => None,
        k => Some(
            CommunityKind::parse(k)
                .ok_or_else(|| AppError::invalid("kind", "Unknown kind of community."))?,
        ),
    };
    Ok(communities::directory(&*ctx::db()?, me.as_ref().map(|m| &m.id), kind).await?)
}

/// A community's page: header, pinned posts, posts the viewer may see, members.
#[server(endpoint = "community_page")]
pub async fn load_community(
    slug: String,
    #[server(default)] after: Option<String>,
) -> Result<CommunityPage, AppError> {
    let (me, v) = ctx::reader().await?;
    let db = ctx::db()?;
    let c = communities::by_slug(&db, me.as_ref().map(|m| &m.id), &slug).await?;
    let pinned = if after.is_none() {
        posts::pinned(&db, &v, &c.id).await?
    } else {
        Vec::new()
    };
    let page = posts::by_community(&db, &v, &c.id, after.as_deref(), FEED_PAGE).await?;
    let roster = communities::members(&db, &c, me.as_ref().map(|m| &m.id), 50).await?;
    let (can_post, moderates, owns) = match c.view.membership {
        Some(Membership::Active(r)) => (true, r.moderates(), r == CommunityRole::Owner),
        _ => (false, false, false),
    };
    Ok(CommunityPage {
        community: c.view,
        pinned,
        posts: page,
        members: roster.members,
        unlisted_patients: roster.unlisted_patients,
        can_post,
        moderates,
        owns,
    })
}

/// Creates a community and opens it.
#[server(endpoint = "create_community")]
pub async fn create_community(
    #[server(default)] slug: String,
    #[server(default)] name: String,
    #[server(default)] description: String,
    #[server(default)] kind: String,
    #[server(default)] access: String,
    #[server(default)] confirm_phi: String,
) -> Result<String, AppError> {
    let typed = [
        ("slug", slug.as_str()),
        ("name", name.as_str()),
        ("description", description.as_str()),
        ("kind", kind.as_str()),
        ("access", access.as_str()),
    ];
    ctx::keeping(&typed, async {
        let me = ctx::require_active_member().await?;
        let limit = ctx::write_limits::COMMUNITIES;
        ctx::limited("community", &me.id, limit, "started communities").await?;
        let input = NewCommunity {
            slug: slug.clone(),
            name: name.clone(),
            description: description.clone(),
            kind: kind.clone(),
            access: access.clone(),
            confirm_phi: ctx::checked(&confirm_phi),
        };
        communities::create(&*ctx::db()?, &me.id, me.role, &input).await?;
        let slug = slug.trim().to_lowercase();
        leptos_axum::redirect(&format!("/c/{slug}"));
        Ok(slug)
    })
    .await
}

/// Joins / asks to join (`op = "join"`) or leaves / withdraws (`op = "leave"`).
#[server(endpoint = "community_membership")]
pub async fn community_membership(
    #[server(default)] slug: String,
    #[server(default)] op: String,
) -> Result<Option<Membership>, AppError> {
    let me = ctx::require_member().await?;
    let db = ctx::db()?;
    let c = communities::by_slug(&db, Some(&me.id), &slug).await?;
    match op.as_str() {
        "join" => {
            ctx::not_suspended(&me)?;
            Ok(Some(communities::join(&db, &me.id, me.role, &c).await?))
        }
        "leave" => {
            communities::leave(&db, &me.id, &c).await?;
            Ok(None)
        }
        _ => Err(AppError::invalid("op", "Unknown action.")),
    }
}

/// Approves or declines a request to join (owners and moderators).
#[server(endpoint = "answer_join_request")]
pub async fn answer_join_request(
    #[server(default)] slug: String,
    #[server(default)] handle: String,
    #[server(default)] approve: bool,
) -> Result<(), AppError> {
    let (db, c, member) = community_and_member(&slug, &handle).await?;
    communities::answer_request(&db, &c, &member, approve).await?;
    Ok(())
}

/// Pins or unpins a post in the community (owners and moderators).
#[server(endpoint = "pin_post")]
pub async fn pin_post(
    #[server(default)] slug: String,
    #[server(default)] id: String,
    #[server(default)] pinned: bool,
) -> Result<(), AppError> {
    let me = ctx::require_active_member().await?;
    let db = ctx::db()?;
    let c = communities::by_slug(&db, Some(&me.id), &slug).await?;
    if !matches!(c.view.membership, Some(Membership::Active(r)) if r.moderates()) {
        return Err(AppError::forbidden(
            "Only the community's owner and moderators can pin posts.",
        ));
    }
    let id = ctx::post_id(&id)?;
    posts::set_pinned(&db, &id, &c.id, pinned).await?;
    Ok(())
}

/// Appoints a moderator (`moderator = true`) or returns one to member (owner only).
#[server(endpoint = "set_community_role")]
pub async fn set_community_role(
    #[server(default)] slug: String,
    #[server(default)] handle: String,
    #[server(default)] moderator: bool,
) -> Result<(), AppError> {
    let (db, c, member) = community_and_member(&slug, &handle).await?;
    communities::set_role(&db, &c, &member, moderator).await?;
    Ok(())
}
