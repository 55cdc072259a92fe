//! Communities: create, join / leave / request, approve, roles, directory.

use serde::Deserialize;

use super::phi::{CONTACT_KINDS, FieldPolicy, guard_fields};
use super::{check_tx, internal, new_key, one, retrying, rows, timeline};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{
    Access, CommunityId, CommunityKind, CommunityMemberView, CommunityRole, CommunityView,
    MemberId, Membership, MembershipStatus, Role, StoredName, check_slug,
};

/// Why a community operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CommunityError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("no such community")]
    NotFound,
    #[error("slug taken")]
    SlugTaken,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

impl From<CommunityError> for AppError {
    fn from(e: CommunityError) -> Self {
        match e {
            CommunityError::Invalid(e) => e,
            CommunityError::NotFound => {
                AppError::not_found("There is no community at this address.")
            }
            CommunityError::SlugTaken => {
                AppError::conflict("slug", "That address is taken. Please choose another.")
            }
            CommunityError::Forbidden(m) => AppError::forbidden(m),
            CommunityError::Conflict(m) => AppError::conflict("member", m),
            CommunityError::Db(e) => internal("communities query", e),
        }
    }
}

super::retryable_db_error!(CommunityError);

impl From<AppError> for CommunityError {
    fn from(e: AppError) -> Self {
        CommunityError::Invalid(e)
    }
}

/// What the create form submits.
#[derive(Debug, Clone, Default)]
pub struct NewCommunity {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub access: String,
    /// The creator confirmed what the PHI guard flagged in the name or description.
    pub confirm_phi: bool,
}

/// A community as the server needs it: its id and rules, and the viewer's membership.
#[derive(Debug, Clone)]
pub struct CommunityRow {
    pub id: CommunityId,
    pub view: CommunityView,
}

#[derive(Deserialize)]
struct Row {
    id: CommunityId,
    slug: String,
    name: String,
    description: String,
    kind: CommunityKind,
    access: Access,
    member_count: u32,
    my_role: Option<CommunityRole>,
    my_status: Option<MembershipStatus>,
}

impl Row {
    fn into_row(self) -> CommunityRow {
        let membership = match (self.my_status, self.my_role) {
            (Some(MembershipStatus::Active), Some(role)) => Some(Membership::Active(role)),
            (Some(MembershipStatus::Pending), _) => Some(Membership::Pending),
            _ => None,
        };
        CommunityRow {
            id: self.id,
            view: CommunityView {
                slug: self.slug,
                name: self.name,
                description: self.description,
                kind: self.kind,
                access: self.access,
                member_count: self.member_count,
                membership,
            },
        }
    }
}

const ROW: &str = "record::id(id) AS id, slug, name, description, kind, access, member_count,
    (SELECT VALUE role FROM member_of WHERE in = $me_rec AND out = $parent.id)[0] AS my_role,
    (SELECT VALUE status FROM member_of WHERE in = $me_rec AND out = $parent.id)[0] AS my_status";

/// Creates a community; its creator becomes the owner.
pub async fn create(
    db: &Db,
    me: &MemberId,
    my_role: Role,
    input: &NewCommunity,
) -> Result<CommunityId, CommunityError> {
    let slug = check_slug(&input.slug)?;
    let name = input.name.trim().to_string();
    if !(3..=80).contains(&name.chars().count()) {
        return Err(AppError::invalid("name", "A name needs 3 to 80 characters.").into());
    }
    let description = input.description.trim().to_string();
    if description.chars().count() > 2000 {
        return Err(AppError::invalid(
            "description",
            "A description can be at most 2,000 characters.",
        )
        .into());
    }
    let kind = CommunityKind::parse(input.kind.trim())
        .ok_or_else(|| AppError::invalid("kind", "Choose what the community is about."))?;
    let access = Access::parse(input.access.trim())
        .ok_or_else(|| AppError::invalid("access", "Choose who can join."))?;
    if kind == CommunityKind::Organization && my_role != Role::Organization {
        return Err(AppError::invalid(
            "kind",
            "Only organization accounts can create organization communities.",
        )
        .into());
    }
    if access == Access::Professionals && my_role != Role::Professional {
        return Err(AppError::invalid(
            "access",
            "Only professionals can create a professionals-only community.",
        )
        .into());
    }
    // An organization's community may carry the organization's published contact details.
    let policy = FieldPolicy {
        allowed: if my_role == Role::Organization {
            CONTACT_KINDS.to_vec()
        } else {
            Vec::new()
        },
        ..FieldPolicy::default()
    };
    let fields = [
        ("name", name.as_str()),
        ("description", description.as_str()),
    ];
    let phi = guard_fields(&fields, &policy, input.confirm_phi)?;
    let id = CommunityId::from(new_key());
    let res = db
        .query(
            "BEGIN TRANSACTION;
             LET $me = type::record('member', $me_id);
             LET $c = type::record('community', $id);
             CREATE $c CONTENT {
                slug: $slug, name: $name, description: $description, kind: $kind, access: $acc,
                created_by: $me, member_count: 1,
                phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
             };
             RELATE $me->member_of->$c CONTENT { role: 'owner', status: 'active' };
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.to_string()))
        .bind(("me_id", me.to_string()))
        .bind(("slug", slug))
        .bind(("name", name))
        .bind(("description", description))
        .bind(("kind", kind.as_str()))
        .bind(("acc", access.as_str()))
        .bind(("phi", phi))
        .await?;
    match check_tx(res) {
        Ok(_) => {}
        Err(e)
            if e.message().contains("community_slug")
                || e.message().contains("already contains") =>
        {
            return Err(CommunityError::SlugTaken);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(id)
}

/// A community by slug, with the viewer's membership.
pub async fn by_slug(
    db: &Db,
    viewer: Option<&MemberId>,
    slug: &str,
) -> Result<CommunityRow, CommunityError> {
    let sql = format!(
        "LET $me_rec = IF $me = NONE {{ NONE }} ELSE {{ type::record('member', $me) }};
         SELECT {ROW} FROM community WHERE slug = $slug LIMIT 1;"
    );
    let mut res = db
        .query(sql)
        .bind(("me", viewer.map(MemberId::to_string)))
        .bind(("slug", slug.trim().to_lowercase()))
        .await?;
    let found: Vec<Row> = rows(&mut res, 1)?;
    found
        .into_iter()
        .next()
        .map(Row::into_row)
        .ok_or(CommunityError::NotFound)
}

/// The directory, most members first, optionally of one kind.
pub async fn directory(
    db: &Db,
    viewer: Option<&MemberId>,
    kind: Option<CommunityKind>,
) -> Result<Vec<CommunityView>, CommunityError> {
    let filter = if kind.is_some() {
        "WHERE kind = $kind"
    } else {
        ""
    };
    let sql = format!(
        "LET $me_rec = IF $me = NONE {{ NONE }} ELSE {{ type::record('member', $me) }};
         SELECT {ROW} FROM community {filter} ORDER BY member_count DESC, slug ASC LIMIT 200;"
    );
    let mut res = db
        .query(sql)
        .bind(("me", viewer.map(MemberId::to_string)))
        .bind(("kind", kind.map(CommunityKind::as_str)))
        .await?;
    let found: Vec<Row> = rows(&mut res, 1)?;
    Ok(found.into_iter().map(|r| r.into_row().view).collect())
}

/// Joins (open; professionals-only for verified professionals) or asks to join
/// (approval; professionals-only for a professional not yet verified, whose request waits
/// for the badge: [`activate_waiting`]). Idempotent. Returns the membership afterwards.
pub async fn join(
    db: &Db,
    me: &MemberId,
    my_role: Role,
    community: &CommunityRow,
) -> Result<Membership, CommunityError> {
    if let Some(m) = community.view.membership {
        return Ok(m);
    }
    let status = match community.view.access {
        Access::Open => MembershipStatus::Active,
        // The role is chosen at sign-up: a claim, not a credential. The badge is read from
        // the member record, not from the session, so a badge revoked a moment ago counts.
        Access::Professionals if my_role == Role::Professional => {
            if verified_professional(db, me).await? {
                MembershipStatus::Active
            } else {
                MembershipStatus::Pending
            }
        }
        Access::Professionals => {
            return Err(CommunityError::Forbidden(
                "This community is for healthcare professionals only.",
            ));
        }
        Access::Approval => MembershipStatus::Pending,
    };
    // A busy community's member count is written by concurrent joins: retry conflicts.
    let joined = retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $c = type::record('community', $c_id);
             RELATE (type::record('member', $me))->member_of->$c CONTENT { role: 'member', status: $status };
             IF $status = 'active' { UPDATE $c SET member_count += 1 };
             COMMIT TRANSACTION;",
        )
        .bind(("c_id", community.id.to_string()))
        .bind(("me", me.to_string()))
        .bind(("status", status.name()))
        .await
        .and_then(check_tx)
    })
    .await;
    match joined {
        Ok(_) => {}
        // A concurrent double-submit already joined.
        Err(e)
            if e.message().contains("member_of_pair")
                || e.message().contains("already contains") => {}
        Err(e) => return Err(e.into()),
    }
    timeline::forget(db, me).await?;
    Ok(match status {
        MembershipStatus::Active => Membership::Active(CommunityRole::Member),
        MembershipStatus::Pending => Membership::Pending,
    })
}

/// The SurrealQL that lets a member who was just verified as a professional (`$member`, a
/// key) into the professionals-only communities they asked to join: run inside the
/// verification decision's transaction, so the badge and the memberships land together
/// (with [`timeline::FORGET`], as what the member's timeline holds changes).
pub(crate) const ACTIVATE_WAITING: &str = "
    FOR $w IN (SELECT id, out FROM member_of WHERE in = type::record('member', $member)
            AND status = 'pending' AND out.access = 'professionals') {
        UPDATE $w.id SET status = 'active';
        UPDATE $w.out SET member_count += 1;
    };";

/// The reverse of [`ACTIVATE_WAITING`], for a badge taken back (`$member`, a key): the
/// member's memberships of professionals-only communities wait again, as plain members,
/// until a moderator verifies them again. Owners keep their community (they run it), but
/// the viewer reads no professionals-only community without the badge.
pub(crate) const DEACTIVATE_UNVERIFIED: &str = "
    FOR $w IN (SELECT id, out FROM member_of WHERE in = type::record('member', $member)
            AND status = 'active' AND role != 'owner' AND out.access = 'professionals') {
        UPDATE $w.id SET status = 'pending', role = 'member';
        UPDATE $w.out SET member_count = math::max([member_count - 1, 0]);
    };";

/// Whether a moderator checked this member's credential as a professional's.
async fn verified_professional(db: &Db, member: &MemberId) -> Result<bool, CommunityError> {
    let verified: Option<bool> = one(
        db,
        "SELECT VALUE verified = true AND role = 'professional' FROM ONLY type::record('member', $id)",
        member,
    )
    .await?;
    Ok(verified == Some(true))
}

/// Leaves a community or withdraws a request. Owners must stay (they run it).
pub async fn leave(db: &Db, me: &MemberId, community: &CommunityRow) -> Result<(), CommunityError> {
    match community.view.membership {
        None => Ok(()),
        Some(Membership::Active(CommunityRole::Owner)) => Err(CommunityError::Forbidden(
            "Owners cannot leave their community.",
        )),
        Some(_) => {
            retrying(|| async {
                db.query(
                    // The count follows what this transaction deleted, so a retry (or a
                    // second submit) after the edge is gone does not count the leave twice.
                    "BEGIN TRANSACTION;
                     LET $c = type::record('community', $c_id);
                     LET $gone = DELETE member_of WHERE in = type::record('member', $me) AND out = $c RETURN BEFORE;
                     IF array::len($gone[WHERE status = 'active']) > 0 {
                        UPDATE $c SET member_count = math::max([member_count - 1, 0])
                     };
                     COMMIT TRANSACTION;",
                )
                .bind(("c_id", community.id.to_string()))
                .bind(("me", me.to_string()))
                .await
                .and_then(check_tx)
            })
            .await?;
            timeline::forget(db, me).await?;
            Ok(())
        }
    }
}

/// Approves or declines a pending request (owners and moderators only).
pub async fn answer_request(
    db: &Db,
    community: &CommunityRow,
    member: &MemberId,
    approve: bool,
) -> Result<(), CommunityError> {
    if !matches!(community.view.membership, Some(Membership::Active(r)) if r.moderates()) {
        return Err(CommunityError::Forbidden(
            "Only the community's owner and moderators can answer requests.",
        ));
    }
    if approve
        && community.view.access == Access::Professionals
        && !verified_professional(db, member).await?
    {
        return Err(CommunityError::Conflict(
            "This member is not a verified professional yet. Their request waits, and they join by themselves once verified.",
        ));
    }
    let sql = if approve {
        "BEGIN TRANSACTION;
         LET $c = type::record('community', $c_id);
         LET $done = UPDATE member_of SET status = 'active' WHERE in = type::record('member', $m) AND out = $c AND status = 'pending' RETURN VALUE id;
         IF array::len($done) > 0 { UPDATE $c SET member_count += 1 };
         COMMIT TRANSACTION;"
    } else {
        "DELETE member_of WHERE in = type::record('member', $m) AND out = type::record('community', $c_id) AND status = 'pending';"
    };
    retrying(|| async {
        db.query(sql)
            .bind(("c_id", community.id.to_string()))
            .bind(("m", member.to_string()))
            .await
            .and_then(check_tx)
    })
    .await?;
    timeline::forget(db, member).await?;
    Ok(())
}

/// Appoints a member as moderator, or makes a moderator a member again (owner only).
pub async fn set_role(
    db: &Db,
    community: &CommunityRow,
    member: &MemberId,
    moderator: bool,
) -> Result<(), CommunityError> {
    if community.view.membership != Some(Membership::Active(CommunityRole::Owner)) {
        return Err(CommunityError::Forbidden(
            "Only the community's owner can appoint moderators.",
        ));
    }
    let role = if moderator {
        CommunityRole::Moderator
    } else {
        CommunityRole::Member
    };
    let changed: Vec<serde_json::Value> = retrying(|| async {
        db.query(
            "UPDATE member_of SET role = $role
                WHERE in = type::record('member', $m) AND out = type::record('community', $c_id)
                AND status = 'active' AND role != 'owner'
             RETURN VALUE id",
        )
        .bind(("role", role.name()))
        .bind(("m", member.to_string()))
        .bind(("c_id", community.id.to_string()))
        .await?
        .take(0)
    })
    .await?;
    if changed.is_empty() {
        return Err(
            AppError::not_found("That member is not an active member of this community.").into(),
        );
    }
    Ok(())
}

/// A community's roster as one viewer may see it.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub members: Vec<CommunityMemberView>,
    /// Active members among those read who are patients, counted but not listed.
    pub unlisted_patients: u32,
}

/// Members (and, for moderators, pending requests): owners and moderators first, then the
/// longest-standing members; at most `limit` read. Which condition community a patient
/// joined can reveal a diagnosis, so a patient is listed only to themself (counted for
/// everyone else); the requests a patient addressed to the community's moderators stay
/// theirs to answer. Nobody with a block either way with `viewer` is listed.
pub async fn members(
    db: &Db,
    community: &CommunityRow,
    viewer: Option<&MemberId>,
    limit: usize,
) -> Result<Roster, CommunityError> {
    let moderator =
        matches!(community.view.membership, Some(Membership::Active(r)) if r.moderates());
    // One forward index range each (member_of_roster), in the order the list shows them:
    // requests to join (moderators only), the owner, moderators, then members by when
    // they joined. Forward: SurrealKV reads an index range backwards far slower
    // (docs/benchmarks.md).
    let mut ranges = Vec::with_capacity(4);
    if moderator {
        ranges.push("status = 'pending' ORDER BY created_at ASC");
    }
    ranges.extend([
        "status = 'active' AND role = 'owner'",
        "status = 'active' AND role = 'moderator' ORDER BY created_at ASC",
        "status = 'active' AND role = 'member' ORDER BY created_at ASC",
    ]);
    let mut sql = String::from(
        "LET $blocked = IF $v = NONE { [] } ELSE { array::union($v->blocks->member, $v<-blocks<-member) };",
    );
    for range in &ranges {
        sql.push_str(&format!(
            "SELECT in.handle AS handle,
                IF in.role = 'patient' AND in.hide_real_name THEN in.handle ELSE in.display_name END AS shown_name,
                role, status = 'pending' AS pending, in.role = 'patient' AND in != $v AS patient,
                in IN $blocked AS blocked
             FROM member_of WHERE out = $c AND {range} LIMIT $limit;"
        ));
    }
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        view: CommunityMemberView,
        patient: bool,
        blocked: bool,
    }
    let mut res = db
        .query(sql)
        .bind(("c", community.id.record()))
        .bind(("v", viewer.map(MemberId::record)))
        .bind(("limit", limit as i64))
        .await?;
    let mut read: Vec<Row> = Vec::new();
    for i in 0..ranges.len() {
        read.extend(rows::<Row>(&mut res, i + 1)?);
    }
    read.truncate(limit);
    let mut roster = Roster::default();
    for r in read {
        if r.blocked {
            continue;
        }
        if r.patient && !r.view.pending {
            roster.unlisted_patients += 1;
            continue;
        }
        roster.members.push(r.view);
    }
    Ok(roster)
}
