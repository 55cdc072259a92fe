//! Follows, connections, blocks and mutes; member lists and the network page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{GraphSummary, MemberPage, NetworkView, Relationship};

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::accounts::{self, MemberRow},
    crate::domain::graph::{self, ListKind},
    crate::model::{GraphOp, MemberId, Role},
};

/// Page size of member lists.
pub const PAGE_SIZE: usize = 20;

#[cfg(feature = "ssr")]
async fn target(handle: &str) -> Result<(MemberId, Role), AppError> {
    accounts::member_by_handle(&*ctx::db()?, handle)
        .await
        .map_err(|e| crate::domain::internal("member by handle", e))?
        .ok_or_else(|| AppError::not_found("There is no member with that handle."))
}

/// The member at `handle` whose network `viewer` asks about, and the blocks between
/// them. To a member they blocked, a member is not there (the same 404 as no member).
#[cfg(feature = "ssr")]
async fn network_of(
    handle: &str,
    viewer: Option<&MemberRow>,
) -> Result<(MemberId, Role, graph::Blocks), AppError> {
    let (id, role) = target(handle).await?;
    let blocks = match viewer {
        Some(v) => graph::blocks(&*ctx::db()?, &v.id, &id)
            .await
            .map_err(|e| crate::domain::internal("blocks", e))?,
        None => graph::Blocks::default(),
    };
    if blocks.theirs {
        return Err(AppError::not_found("There is no member with that handle."));
    }
    Ok((id, role, blocks))
}

/// A patient's network reveals health information (who treats them, which conditions
/// they follow), so only the patient sees it.
#[cfg(feature = "ssr")]
fn lists_private(role: Role, viewer: Option<&MemberRow>, id: &MemberId) -> bool {
    role == Role::Patient && viewer.map(|v| &v.id) != Some(id)
}

/// Counts, degree, mutual connections and the viewer's relationship for a profile.
#[server(endpoint = "profile_graph")]
pub async fn profile_graph(handle: String) -> Result<GraphSummary, AppError> {
    let viewer = ctx::current_member().await?;
    let (id, role, blocks) = network_of(&handle, viewer.as_ref()).await?;
    let mut summary = graph::summary(&*ctx::db()?, viewer.as_ref().map(|v| &v.id), &id).await?;
    if blocks.mine {
        summary.mutual_count = 0;
        summary.mutuals.clear();
    }
    if lists_private(role, viewer.as_ref(), &id) || blocks.mine {
        summary.followers = 0;
        summary.following = 0;
        summary.connections = 0;
        summary.lists_private = true;
    }
    Ok(summary)
}

/// Follow, connect, accept, decline, withdraw, remove, block, mute… another member.
/// Returns the relationship afterwards.
#[server(endpoint = "update_relationship")]
pub async fn update_relationship(
    #[server(default)] handle: String,
    #[server(default)] op: String,
    #[server(default)] note: String,
    #[server(default)] confirm_phi: String,
) -> Result<Relationship, AppError> {
    let me = ctx::require_member().await?;
    let op = GraphOp::parse(op.trim()).ok_or_else(|| AppError::invalid("op", "Unknown action."))?;
    // Reaching out (following, asking to connect, accepting) is a write others see; what
    // protects the member (blocking, muting, unfollowing, removing) stays open to them.
    if matches!(op, GraphOp::Follow | GraphOp::Connect | GraphOp::Accept) {
        ctx::not_suspended(&me)?;
    }
    match op {
        GraphOp::Follow => {
            ctx::limited(
                "follow",
                &me.id,
                ctx::write_limits::FOLLOWS,
                "followed people",
            )
            .await?
        }
        GraphOp::Connect => {
            let limit = ctx::write_limits::CONNECTION_REQUESTS;
            ctx::limited("connect", &me.id, limit, "asked to connect").await?
        }
        _ => {}
    }
    let (them, _) = target(&handle).await?;
    let db = ctx::db()?;
    let typed = [("handle", handle.as_str()), ("note", note.as_str())];
    ctx::keeping(&typed, async {
        let confirmed = ctx::checked(&confirm_phi);
        Ok(graph::apply_confirming(&db, &me.id, &them, op, &note, confirmed).await?)
    })
    .await?;
    Ok(graph::relationship(&db, &me.id, &them).await?)
}

/// One page of a member's followers, following or connections.
#[server(endpoint = "member_list")]
pub async fn member_list(
    handle: String,
    kind: String,
    after: Option<String>,
) -> Result<MemberPage, AppError> {
    let viewer = ctx::current_member().await?;
    let (id, role, blocks) = network_of(&handle, viewer.as_ref()).await?;
    let kind = match kind.as_str() {
        "followers" => ListKind::Followers,
        "following" => ListKind::Following,
        "connections" => ListKind::Connections,
        _ => {
            return Err(AppError::invalid(
                "kind",
                "Choose followers, following or connections.",
            ));
        }
    };
    if lists_private(role, viewer.as_ref(), &id) {
        return Err(AppError::forbidden("This patient's network is private."));
    }
    if blocks.mine {
        return Err(AppError::forbidden(
            "You blocked this member: their network is not shown to you.",
        ));
    }
    Ok(graph::list(
        &*ctx::db()?,
        viewer.as_ref().map(|v| &v.id),
        &id,
        kind,
        after.as_deref(),
        PAGE_SIZE,
    )
    .await?)
}

/// Requests received and sent, and people you may know.
#[server(endpoint = "network")]
pub async fn network() -> Result<NetworkView, AppError> {
    let me = ctx::require_member().await?;
    let db = ctx::db()?;
    Ok(NetworkView {
        received: graph::requests(&db, &me.id, true).await?,
        sent: graph::requests(&db, &me.id, false).await?,
        suggestions: graph::people_you_may_know(&db, &me.id, 12).await?,
    })
}
