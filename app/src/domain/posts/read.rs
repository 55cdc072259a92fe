//! The read pipeline every path that shows posts goes through: the stored row, the
//! viewer's own reactions, [`Viewer::may_see`] (with a lean viewer first learning the
//! connections it needs), and the view. Feeds, profiles and communities call
//! [`visible`], [`read_rows`] or [`hydrate`], and so must every read path still to come
//! (search, notifications, messages); none copies them.

use std::borrow::Cow;

use serde::Deserialize;
use surrealdb::types::{RecordId, RecordIdKey};

use super::error::PostError;
use crate::db::Db;
use crate::domain::rows;
use crate::domain::viewer::{Audience, Viewer};
use crate::model::{
    Author, Citation, CommunityId, CommunityRef, MemberId, MisinfoLabel, ModNotice, ModState,
    PostId, PostPage, PostView, ReactionKind, Reactions, Role, Visibility,
};

/// The fields of a post row. The viewer's own reactions come from [`MINE`].
pub(crate) const POST_ROW: &str = "record::id(id) AS id, record::id(author) AS author_id,
    IF community != NONE THEN record::id(community) ELSE NONE END AS community_id,
    visibility, deleted_at != NONE AS deleted, html, citations, pinned, rank,
    <string> created_at AS created_at,
    IF edited_at != NONE THEN <string> edited_at ELSE NONE END AS edited_at,
    comment_count, like_count, insightful_count, support_count,
    author.{handle, display_name, role, hide_real_name, specialty, verified, conflicts} AS a,
    community.{slug, name} AS c, mod_state, mod_reason, sponsored = true AS sponsored, misinfo";

/// Just what a timeline scan needs to decide visibility and order; the page's posts are
/// then read in full with [`hydrate`] (reading every scanned row in full costs ~10×).
pub(crate) const LIGHT_ROW: &str = "record::id(id) AS id, record::id(author) AS author_id,
    IF community != NONE THEN record::id(community) ELSE NONE END AS community_id,
    visibility, deleted_at != NONE AS deleted, pinned, rank";

/// Which of the reactions `$mine` (from [`reaction_ids`]) exist, as `[post, member, kind]`.
/// The ids are built in Rust and read as a batch of point lookups: computing them in the
/// query with `record::exists(type::record(…))` per row was most of a feed page's
/// database time (docs/benchmarks.md).
const MINE: &str = "SELECT VALUE record::id(id) FROM $mine";

/// The ids the viewer's reactions to these posts would have (a reaction's id is
/// `[post, member, kind]`); none for a signed-out visitor.
fn reaction_ids<'a>(viewer: &Viewer, posts: impl IntoIterator<Item = &'a PostId>) -> Vec<RecordId> {
    let Some(me) = viewer.id.as_ref() else {
        return Vec::new();
    };
    let posts: Vec<&PostId> = posts.into_iter().collect();
    reaction_ids_of(&[me], &posts)
}

/// Which reactions `$theirs` (from [`reaction_ids_of`]) exist: the reactions of members
/// with a block either way with the viewer, which the counts the viewer sees leave out.
const BLOCKED_REACTIONS: &str = "SELECT VALUE record::id(id) FROM $theirs";

/// How many live comments members with a block either way (`$blocked`) left on each post.
const BLOCKED_COMMENTS: &str = "SELECT record::id(post) AS post, count() AS n FROM comment
    WHERE post IN $posts AND author IN $blocked AND deleted_at = NONE GROUP BY post";

/// The ids the reactions of `members` to `posts` would have.
fn reaction_ids_of(members: &[&MemberId], posts: &[&PostId]) -> Vec<RecordId> {
    posts
        .iter()
        .flat_map(|post| {
            members.iter().flat_map(move |m| {
                ReactionKind::ALL.map(|kind| {
                    let key: Vec<String> =
                        vec![post.to_string(), m.to_string(), kind.as_str().into()];
                    RecordId::new("reaction", RecordIdKey::Array(key.into()))
                })
            })
        })
        .collect()
}

/// Sets the `mine_*` flags of `rows` from the result of [`MINE`].
fn mark_mine(rows: &mut [PostRow], found: Vec<(PostId, MemberId, String)>) {
    for (post, _, kind) in found {
        if let Some(r) = rows.iter_mut().find(|r| r.id == post) {
            match ReactionKind::parse(&kind) {
                Some(ReactionKind::Like) => r.mine_like = true,
                Some(ReactionKind::Insightful) => r.mine_insightful = true,
                Some(ReactionKind::Support) => r.mine_support = true,
                None => {}
            }
        }
    }
}

/// Takes the reactions and comments of blocked members out of `rows`' counts: after a
/// block, neither side sees the other, in a number either.
fn uncount_blocked(
    rows: &mut [PostRow],
    reactions: Vec<(PostId, MemberId, String)>,
    comments: Vec<BlockedComments>,
) {
    for (post, _, kind) in reactions {
        if let Some(r) = rows.iter_mut().find(|r| r.id == post) {
            let count = match ReactionKind::parse(&kind) {
                Some(ReactionKind::Like) => &mut r.like_count,
                Some(ReactionKind::Insightful) => &mut r.insightful_count,
                Some(ReactionKind::Support) => &mut r.support_count,
                None => continue,
            };
            *count = count.saturating_sub(1);
        }
    }
    for c in comments {
        if let Some(r) = rows.iter_mut().find(|r| r.id == c.post) {
            r.comment_count = r.comment_count.saturating_sub(c.n);
        }
    }
}

#[derive(Deserialize)]
struct BlockedComments {
    post: PostId,
    n: u32,
}

/// The viewer that can judge `rows`: a lean one (see [`Viewer::load_lean`]) first learns
/// whether it is connected with the authors of their connections-only posts, one
/// `connected.pair` probe each; any other viewer as it is.
pub(crate) async fn judging<'v, R: Readable>(
    db: &Db,
    viewer: &'v Viewer,
    rows: &[R],
) -> Result<Cow<'v, Viewer>, PostError> {
    let authors: Vec<&MemberId> = rows
        .iter()
        .map(Readable::audience)
        .filter(|a| a.visibility == Visibility::Connections)
        .map(|a| a.author)
        .collect();
    if viewer.connections_complete || authors.is_empty() {
        return Ok(Cow::Borrowed(viewer));
    }
    let mut v = viewer.clone();
    v.add_connections_among(db, &authors).await?;
    Ok(Cow::Owned(v))
}

/// An author as stored; the shown name respects a patient's pseudonym.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct AuthorRow {
    handle: String,
    display_name: String,
    role: Role,
    #[serde(default)]
    hide_real_name: Option<bool>,
    #[serde(default)]
    specialty: Option<String>,
    #[serde(default)]
    verified: Option<bool>,
    #[serde(default)]
    conflicts: Option<String>,
}

impl AuthorRow {
    pub(crate) fn author(self) -> Author {
        let pseudonymous = self.role == Role::Patient && self.hide_real_name == Some(true);
        Author {
            shown_name: if pseudonymous {
                self.handle.clone()
            } else {
                self.display_name
            },
            handle: self.handle,
            role: self.role,
            specialty: self.specialty,
            verified: self.verified == Some(true),
            conflicts: self.conflicts.filter(|c| !c.trim().is_empty()),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct CommunityRow {
    slug: Option<String>,
    name: Option<String>,
}

/// A post as stored, with the viewer's reactions; turned into a [`PostView`] by
/// [`PostRow::view`] once the viewer may see it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PostRow {
    pub(crate) id: PostId,
    pub(crate) author_id: MemberId,
    community_id: Option<CommunityId>,
    visibility: Visibility,
    deleted: bool,
    html: String,
    #[serde(default)]
    citations: Vec<Citation>,
    #[serde(default)]
    pinned: bool,
    pub(crate) rank: i64,
    created_at: String,
    edited_at: Option<String>,
    #[serde(default)]
    comment_count: u32,
    #[serde(default)]
    like_count: u32,
    #[serde(default)]
    insightful_count: u32,
    #[serde(default)]
    support_count: u32,
    a: AuthorRow,
    c: Option<CommunityRow>,
    #[serde(default)]
    mine_like: bool,
    #[serde(default)]
    mine_insightful: bool,
    #[serde(default)]
    mine_support: bool,
    #[serde(default)]
    mod_state: Option<ModState>,
    #[serde(default)]
    mod_reason: Option<String>,
    #[serde(default)]
    sponsored: bool,
    #[serde(default)]
    misinfo: Option<MisinfoLabel>,
}

/// The notice moderators left, and whether the viewer may still read what it covers:
/// moderators always, the author while it is only hidden, nobody else.
pub(crate) fn moderation(
    state: Option<ModState>,
    reason: Option<String>,
    viewer: &Viewer,
    author: &MemberId,
) -> (Option<ModNotice>, bool) {
    match state {
        None => (None, true),
        Some(state) => {
            let readable = viewer.moderator || (state == ModState::Hidden && viewer.is(author));
            let reason = reason.unwrap_or_default();
            (Some(ModNotice { state, reason }), readable)
        }
    }
}

/// What every read path asks of a post row, full or light.
pub(crate) trait Readable {
    fn audience(&self) -> Audience<'_>;
    fn deleted(&self) -> bool;

    /// Not deleted, and the viewer may see it.
    fn readable_by(&self, viewer: &Viewer) -> bool {
        !self.deleted() && viewer.may_see(self.audience())
    }

    /// Readable, and its author is neither muted nor blocked by the viewer.
    fn in_feed_of(&self, viewer: &Viewer) -> bool {
        self.readable_by(viewer) && viewer.wants_in_feed(self.audience().author)
    }
}

/// Both row shapes carry the same audience fields under the same names.
macro_rules! readable_row {
    ($($row:ty),+) => {
        $(impl Readable for $row {
            fn audience(&self) -> Audience<'_> {
                Audience {
                    author: &self.author_id,
                    community: self.community_id.as_ref(),
                    visibility: self.visibility,
                }
            }

            fn deleted(&self) -> bool {
                self.deleted
            }
        })+
    };
}

readable_row!(PostRow, LightRow);

impl PostRow {
    fn cursor(&self) -> String {
        Cursor::of(self.rank, &self.id).to_string()
    }

    pub(crate) fn view(self, viewer: &Viewer) -> PostView {
        let mine = viewer.is(&self.author_id);
        let (notice, readable) =
            moderation(self.mod_state, self.mod_reason, viewer, &self.author_id);
        let shown = !self.deleted && readable;
        let community = match self.c {
            Some(CommunityRow {
                slug: Some(slug),
                name: Some(name),
            }) => Some(CommunityRef { slug, name }),
            _ => None,
        };
        PostView {
            author: (!self.deleted).then(|| self.a.author()),
            community,
            html: if shown { self.html } else { String::new() },
            citations: if shown { self.citations } else { Vec::new() },
            visibility: self.visibility,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted: self.deleted,
            pinned: self.pinned,
            comment_count: self.comment_count,
            reactions: Reactions {
                like: self.like_count,
                insightful: self.insightful_count,
                support: self.support_count,
                mine_like: self.mine_like,
                mine_insightful: self.mine_insightful,
                mine_support: self.mine_support,
            },
            mine: mine && !self.deleted,
            id: self.id,
            sponsored: self.sponsored,
            moderation: notice,
            misinfo: self.misinfo,
        }
    }
}

/// A post's place in a timeline scan, as a timeline scan reads it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LightRow {
    pub(crate) id: PostId,
    pub(crate) author_id: MemberId,
    community_id: Option<CommunityId>,
    visibility: Visibility,
    deleted: bool,
    #[serde(default)]
    pub(crate) pinned: bool,
    pub(crate) rank: i64,
}

#[cfg(test)]
impl LightRow {
    /// A public, live row by author "a" (for the merge's unit tests).
    pub(crate) fn public(rank: i64, id: &str) -> LightRow {
        LightRow {
            id: PostId::from(id),
            author_id: MemberId::from("a"),
            community_id: None,
            visibility: Visibility::Public,
            deleted: false,
            pinned: false,
            rank,
        }
    }
}

/// A position in a timeline: the post's rank, then its id (ties). Written `rank|id` in
/// "Load more" links; parsed back here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cursor {
    pub(crate) rank: i64,
    pub(crate) id: PostId,
}

impl Cursor {
    pub(crate) fn of(rank: i64, id: &PostId) -> Cursor {
        Cursor {
            rank,
            id: id.clone(),
        }
    }

    /// The cursor a page link carried; None for the first page or a malformed one.
    pub(crate) fn parse(after: Option<&str>) -> Option<Cursor> {
        let (rank, id) = after?.split_once('|')?;
        Some(Cursor {
            rank: rank.parse().ok()?,
            id: PostId::from(id),
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}|{}", self.rank, self.id)
    }
}

/// Reads the full rows of the given posts, newest first, dropping any that changed
/// (deleted, or no longer visible) since the scan.
pub(crate) async fn hydrate(
    db: &Db,
    viewer: &Viewer,
    light: &[LightRow],
) -> Result<Vec<PostRow>, PostError> {
    let ids: Vec<PostId> = light.iter().map(|r| r.id.clone()).collect();
    let mut full = read_rows(db, viewer, ids).await?;
    full.retain(|r| r.readable_by(viewer));
    Ok(full)
}

/// The full rows of the given posts, newest first, unfiltered: callers decide visibility.
/// One round trip: the posts (bound as record ids) and the viewer's reactions to them.
pub(crate) async fn read_rows(
    db: &Db,
    viewer: &Viewer,
    ids: Vec<PostId>,
) -> Result<Vec<PostRow>, PostError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mine = reaction_ids(viewer, &ids);
    let posts: Vec<RecordId> = ids.iter().map(PostId::record).collect();
    // Most readers block nobody, and their read is these two statements.
    let blocked: Vec<&MemberId> = viewer.blocked.iter().collect();
    let with_blocked = !blocked.is_empty();
    let sql = if with_blocked {
        format!("SELECT {POST_ROW} FROM $posts; {MINE}; {BLOCKED_REACTIONS}; {BLOCKED_COMMENTS};")
    } else {
        format!("SELECT {POST_ROW} FROM $posts; {MINE};")
    };
    let mut query = db.query(sql).bind(("posts", posts)).bind(("mine", mine));
    if with_blocked {
        query = query
            .bind((
                "theirs",
                reaction_ids_of(&blocked, &ids.iter().collect::<Vec<_>>()),
            ))
            .bind((
                "blocked",
                blocked.iter().map(|m| m.record()).collect::<Vec<_>>(),
            ));
    }
    let mut res = query.await?;
    let mut full: Vec<PostRow> = rows(&mut res, 0)?;
    mark_mine(&mut full, rows(&mut res, 1)?);
    if with_blocked {
        uncount_blocked(&mut full, rows(&mut res, 2)?, rows(&mut res, 3)?);
    }
    full.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.id.cmp(&b.id)));
    Ok(full)
}

/// The posts among `ids` that `viewer` may read (not deleted, visible to them), newest
/// first, as views: exactly the rule the feeds apply. Pinned posts read through it, and
/// so must any new read path that lists posts (search results, notifications, messages
/// that quote a post).
pub(crate) async fn visible(
    db: &Db,
    viewer: &Viewer,
    ids: Vec<PostId>,
) -> Result<Vec<PostView>, PostError> {
    let full = read_rows(db, viewer, ids).await?;
    let judge = judging(db, viewer, &full).await?;
    Ok(full
        .into_iter()
        .filter(|r| r.readable_by(&judge))
        .map(|r| r.view(&judge))
        .collect())
}

/// A post the viewer may see (deleted ones as tombstones), or NotFound. A lean viewer
/// (see [`Viewer::load_lean`]) first learns whether it is connected with the author of a
/// connections-only post.
pub async fn get(db: &Db, viewer: &Viewer, id: &PostId) -> Result<PostView, PostError> {
    let Some(r) = read_rows(db, viewer, vec![id.clone()]).await?.pop() else {
        return Err(PostError::NotFound);
    };
    let viewer = judging(db, viewer, std::slice::from_ref(&r)).await?;
    if viewer.may_see(r.audience()) {
        Ok(r.view(&viewer))
    } else {
        Err(PostError::NotFound)
    }
}

/// The first `limit` of `found` (read `limit + 1`) as a page, with the cursor of its last
/// post when more follow.
pub(crate) fn page(mut found: Vec<PostRow>, viewer: &Viewer, limit: usize) -> PostPage {
    let next = if found.len() > limit {
        found.truncate(limit);
        found.last().map(PostRow::cursor)
    } else {
        None
    };
    PostPage {
        items: found.into_iter().map(|r| r.view(viewer)).collect(),
        next,
    }
}
