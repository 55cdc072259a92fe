//! Test helpers: a fresh in-memory SurrealDB with every migration applied.

#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use app::db::{self, Db};
use app::domain::accounts::{self, MemberRow, SignUp};
use app::domain::communities::{self, CommunityError, NewCommunity};
use app::domain::graph;
use app::domain::posts::{self, NewPost};
use app::domain::viewer::Viewer;
use app::model::{CommunityId, GraphOp, MemberId, Membership, PostId, ProfileDraft, Role};

pub async fn fresh_db() -> Db {
    db::open_for_test()
        .await
        .expect("in-memory database opens and migrates")
}

pub fn signup(handle: &str, role: &str) -> SignUp {
    SignUp {
        email: format!("{handle}@example.org"),
        handle: handle.to_string(),
        display_name: format!("Member {handle}"),
        password: "correct horse battery staple".to_string(),
        role: role.to_string(),
    }
}

pub async fn member(db: &Db, handle: &str, role: &str) -> MemberRow {
    accounts::sign_up(db, &signup(handle, role))
        .await
        .expect("sign-up succeeds")
}

/// `a` asks to connect and `b` accepts.
pub async fn connect(db: &Db, a: &MemberId, b: &MemberId) {
    graph::apply(db, a, b, GraphOp::Connect, "").await.unwrap();
    graph::apply(db, b, a, GraphOp::Accept, "").await.unwrap();
}

/// How many records `table` holds.
pub async fn count(db: &Db, table: &str) -> i64 {
    let mut res = db
        .query("RETURN array::len((SELECT VALUE id FROM type::table($table)))")
        .bind(("table", table.to_string()))
        .await
        .expect("count query");
    let n: Option<i64> = res.take(0).expect("count value");
    n.unwrap_or(0)
}

/// Publishes a post by `author` (in `community`, checked against its access rule).
pub async fn post(
    db: &Db,
    author: &MemberId,
    body: &str,
    visibility: &str,
    community: Option<&CommunityId>,
) -> PostId {
    let access = match community {
        Some(c) => Some(community_access(db, c).await),
        None => None,
    };
    posts::create(
        db,
        author,
        &NewPost {
            body: body.to_string(),
            visibility: visibility.to_string(),
            citations: String::new(),
            community: community.cloned(),
            ..NewPost::default()
        },
        access.as_deref(),
    )
    .await
    .unwrap()
}

async fn community_access(db: &Db, id: &CommunityId) -> String {
    let mut res = db
        .query("RETURN type::record('community', $id).access")
        .bind(("id", id.to_string()))
        .await
        .unwrap();
    let a: Option<String> = res.take(0).unwrap();
    a.unwrap()
}

/// A profile draft with only the name to show.
pub fn draft(name: &str) -> ProfileDraft {
    ProfileDraft {
        display_name: name.into(),
        ..Default::default()
    }
}

pub async fn viewer(db: &Db, id: Option<&MemberId>) -> Viewer {
    Viewer::load(db, id, true).await.unwrap()
}

pub async fn new_community(
    db: &Db,
    owner: &MemberId,
    slug: &str,
    kind: &str,
    access: &str,
) -> CommunityId {
    communities::create(
        db,
        owner,
        Role::Professional,
        &NewCommunity {
            slug: slug.into(),
            name: format!("Community {slug}"),
            description: String::new(),
            kind: kind.into(),
            access: access.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

pub async fn join(
    db: &Db,
    who: &MemberId,
    role: Role,
    slug: &str,
) -> Result<Membership, CommunityError> {
    let c = communities::by_slug(db, Some(who), slug).await.unwrap();
    communities::join(db, who, role, &c).await
}

/// Comments `body` on `post` (a reply to `parent`) as `viewer`, without an idempotency key.
pub async fn comment(
    db: &Db,
    viewer: &app::domain::viewer::Viewer,
    post: &app::model::PostId,
    parent: Option<&app::model::CommentId>,
    body: &str,
    confirm_phi: bool,
) -> Result<app::model::CommentId, app::domain::posts::PostError> {
    let new = app::domain::posts::NewComment {
        post,
        parent,
        body,
        confirm_phi,
        idempotency_key: None,
    };
    app::domain::posts::add_comment(db, viewer, &new).await
}
