//! Posts, comments and reactions; the home feed, profile and community timelines. Every
//! read goes through [`Viewer::may_see`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::{LazyLock, Mutex};

use serde::Deserialize;
use surrealdb::types::{RecordId, RecordIdKey};

use super::accounts::MemberRow;
use super::markdown;
use super::viewer::{Audience, Viewer};
use super::{cache_written, check_tx, internal, new_key, one, retrying, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{
    Author, Citation, CommentView, CommunityRef, MisinfoLabel, ModNotice, PostPage, PostThread,
    PostView, ReactionKind, Reactions, ReaderRights, Role, Visibility, check_comment_body,
    check_post_body, parse_citations,
};

/// Why a post operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("no such post")]
    NotFound,
    #[error("not the author")]
    NotAuthor,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

impl From<PostError> for AppError {
    fn from(e: PostError) -> Self {
        match e {
            PostError::Invalid(e) => e,
            // Invisible and missing look the same, so a stranger learns nothing.
            PostError::NotFound => {
                AppError::not_found("This post does not exist or is not visible to you.")
            }
            PostError::NotAuthor => AppError::forbidden("Only the author can change this."),
            PostError::Forbidden(m) => AppError::forbidden(m),
            PostError::Db(e) => internal("posts query", e),
        }
    }
}

impl From<AppError> for PostError {
    fn from(e: AppError) -> Self {
        PostError::Invalid(e)
    }
}

/// What the composer submits.
#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub body: String,
    pub visibility: String,
    pub citations: String,
    /// Community id (already resolved and checked by the caller), if posting in one.
    pub community: Option<String>,
    /// Paid or promotional: shown with a "Sponsored" label.
    pub sponsored: bool,
    /// The author saw the PHI guard's findings and chose to publish anyway.
    pub confirm_phi: bool,
}

/// Runs the PHI guard on text about to be published: findings stop it unless the author
/// confirmed; returns the kinds confirmed (recorded with the post or comment).
pub fn guard_phi(field: &str, text: &str, confirmed: bool) -> Result<Vec<String>, AppError> {
    let findings = super::phi::scan(text);
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    if !confirmed {
        return Err(AppError::phi(field, findings));
    }
    let mut kinds: Vec<String> = findings
        .iter()
        .map(|f| f.kind.as_str().to_string())
        .collect();
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// The fields of a post row. The viewer's own reactions come from [`MINE`].
const POST_ROW: &str = "record::id(id) AS id, record::id(author) AS author_id,
    IF community != NONE THEN record::id(community) ELSE NONE END AS community_id,
    visibility, deleted_at != NONE AS deleted, html, citations, pinned, rank,
    <string> created_at AS created_at,
    IF edited_at != NONE THEN <string> edited_at ELSE NONE END AS edited_at,
    comment_count, like_count, insightful_count, support_count,
    author.{handle, display_name, role, hide_real_name, specialty, verified, conflicts} AS a,
    community.{slug, name} AS c, mod_state, mod_reason, sponsored = true AS sponsored, misinfo";

/// Which of the reactions `$mine` (from [`reaction_ids`]) exist, as `[post, member, kind]`.
/// The ids are built in Rust and read as a batch of point lookups: three
/// `record::exists(type::record(…))` per row cost about 100 µs a post in SurrealDB's
/// expression evaluator, 60 % of a feed page's database time (measured one statement at
/// a time on the bench store).
const MINE: &str = "SELECT VALUE record::id(id) FROM $mine";

/// The ids the viewer's reactions to these posts would have (a reaction's id is
/// `[post, member, kind]`); none for a signed-out visitor.
fn reaction_ids<'a>(viewer: &Viewer, posts: impl IntoIterator<Item = &'a str>) -> Vec<RecordId> {
    let Some(me) = viewer.id.as_deref() else {
        return Vec::new();
    };
    posts
        .into_iter()
        .flat_map(|post| {
            ReactionKind::ALL.map(|kind| {
                let key: Vec<String> = vec![post.into(), me.into(), kind.as_str().into()];
                RecordId::new("reaction", RecordIdKey::Array(key.into()))
            })
        })
        .collect()
}

/// Sets the `mine_*` flags of `rows` from the result of [`MINE`].
fn mark_mine(rows: &mut [PostRow], found: Vec<(String, String, String)>) {
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

/// Marks the viewer's own reactions on `got`, read without them (one more round trip;
/// [`read_rows`] does it in the same one).
async fn mark_mine_of(db: &Db, viewer: &Viewer, got: &mut [PostRow]) -> Result<(), PostError> {
    let mine = reaction_ids(viewer, got.iter().map(|r| r.id.as_str()));
    if !mine.is_empty() {
        let mut res = db.query(MINE).bind(("mine", mine)).await?;
        mark_mine(got, rows(&mut res, 0)?);
    }
    Ok(())
}

/// The viewer that can judge `rows`: a lean one (see [`Viewer::load_lean`]) first learns
/// whether it is connected with the authors of their connections-only posts, one
/// `connected.pair` probe each; any other viewer as it is.
async fn judging<'v, R: Readable>(
    db: &Db,
    viewer: &'v Viewer,
    rows: &[R],
) -> Result<Cow<'v, Viewer>, PostError> {
    let authors: Vec<&str> = rows
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
struct AuthorRow {
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
    fn author(self) -> Author {
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

#[derive(Debug, Clone, Deserialize)]
struct PostRow {
    id: String,
    author_id: String,
    community_id: Option<String>,
    visibility: Visibility,
    deleted: bool,
    html: String,
    #[serde(default)]
    citations: Vec<Citation>,
    #[serde(default)]
    pinned: bool,
    rank: i64,
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
    mod_state: Option<String>,
    #[serde(default)]
    mod_reason: Option<String>,
    #[serde(default)]
    sponsored: bool,
    #[serde(default)]
    misinfo: Option<MisinfoLabel>,
}

/// The notice moderators left, and whether the viewer may still read what it covers:
/// moderators always, the author while it is only hidden, nobody else.
fn moderation(
    state: Option<String>,
    reason: Option<String>,
    viewer: &Viewer,
    author: &str,
) -> (Option<ModNotice>, bool) {
    match state {
        None => (None, true),
        Some(state) => {
            let readable = viewer.moderator || (state == "hidden" && viewer.is(author));
            let reason = reason.unwrap_or_default();
            (Some(ModNotice { state, reason }), readable)
        }
    }
}

/// What every read path asks of a post row, full or light.
trait Readable {
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

impl Readable for PostRow {
    fn audience(&self) -> Audience<'_> {
        Audience {
            author: &self.author_id,
            community: self.community_id.as_deref(),
            visibility: self.visibility,
        }
    }

    fn deleted(&self) -> bool {
        self.deleted
    }
}

impl PostRow {
    fn cursor(&self) -> String {
        format!("{}|{}", self.rank, self.id)
    }

    fn view(self, viewer: &Viewer) -> PostView {
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

/// Just what a timeline scan needs to decide visibility and order; the page's posts are
/// then read in full with [`hydrate`] (reading every scanned row in full costs ~10×).
const LIGHT_ROW: &str = "record::id(id) AS id, record::id(author) AS author_id,
    IF community != NONE THEN record::id(community) ELSE NONE END AS community_id,
    visibility, deleted_at != NONE AS deleted, pinned, rank";

#[derive(Debug, Clone, Deserialize)]
struct LightRow {
    id: String,
    author_id: String,
    community_id: Option<String>,
    visibility: Visibility,
    deleted: bool,
    #[serde(default)]
    pinned: bool,
    rank: i64,
}

impl Readable for LightRow {
    fn audience(&self) -> Audience<'_> {
        Audience {
            author: &self.author_id,
            community: self.community_id.as_deref(),
            visibility: self.visibility,
        }
    }

    fn deleted(&self) -> bool {
        self.deleted
    }
}

/// Reads the full rows of the given posts, newest first, dropping any that changed
/// (deleted, or no longer visible) since the scan.
async fn hydrate(db: &Db, viewer: &Viewer, light: &[LightRow]) -> Result<Vec<PostRow>, PostError> {
    let ids: Vec<String> = light.iter().map(|r| r.id.clone()).collect();
    hydrate_ids(db, viewer, ids).await
}

async fn hydrate_ids(
    db: &Db,
    viewer: &Viewer,
    ids: Vec<String>,
) -> Result<Vec<PostRow>, PostError> {
    let mut full = read_rows(db, viewer, ids).await?;
    full.retain(|r| r.readable_by(viewer));
    Ok(full)
}

/// The full rows of the given posts, newest first, unfiltered: callers decide visibility.
/// One round trip: the posts (bound as record ids) and the viewer's reactions to them.
async fn read_rows(db: &Db, viewer: &Viewer, ids: Vec<String>) -> Result<Vec<PostRow>, PostError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mine = reaction_ids(viewer, ids.iter().map(String::as_str));
    let posts: Vec<RecordId> = ids.into_iter().map(|i| RecordId::new("post", i)).collect();
    let mut res = db
        .query(format!("SELECT {POST_ROW} FROM $posts; {MINE};"))
        .bind(("posts", posts))
        .bind(("mine", mine))
        .await?;
    let mut full: Vec<PostRow> = rows(&mut res, 0)?;
    mark_mine(&mut full, rows(&mut res, 1)?);
    full.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.id.cmp(&b.id)));
    Ok(full)
}

/// A new post's order key: the negated creation time in ns, so newest first is a forward
/// index scan (backward scans are far slower on SurrealKV).
pub fn new_rank() -> i64 {
    super::graph::newest_first_rank()
}

fn parse_cursor(after: Option<&str>) -> Option<Cursor> {
    let (rank, id) = after?.split_once('|')?;
    Some((rank.parse().ok()?, id.to_string()))
}

/// Where a post may be published and with which audience. `community` carries the
/// community's id and access rule when posting in one.
pub fn check_audience(
    visibility: &str,
    community: Option<(&str, &str)>,
) -> Result<Visibility, AppError> {
    let v = Visibility::parse(visibility.trim())
        .ok_or_else(|| AppError::invalid("visibility", "Choose who can see this post."))?;
    match (v, community) {
        (Visibility::Community, None) => Err(AppError::invalid(
            "visibility",
            "“Community members only” is for posts in a community. Choose another audience or post from the community's page.",
        )),
        (Visibility::Public, Some((_, access))) if access != "open" => Err(AppError::invalid(
            "visibility",
            "Posts in this community are for its members: choose “Community members only” or “Verified professionals only”.",
        )),
        (v, _) => Ok(v),
    }
}

/// Publishes a post by `author`. The write is committed (with the author's and the
/// community's newest-post rank) before this returns.
pub async fn create(
    db: &Db,
    author: &str,
    input: &NewPost,
    community_access: Option<&str>,
) -> Result<String, PostError> {
    let body = check_post_body(&input.body)?;
    let citations = parse_citations(&input.citations)?;
    let visibility = check_audience(
        &input.visibility,
        input.community.as_deref().zip(community_access),
    )?;
    let phi = guard_phi("body", &body, input.confirm_phi)?;
    let html = markdown::render(&body);
    let id = new_key();
    let citations = serde_json::to_value(&citations).unwrap_or_default();
    let rank = new_rank();
    // A busy community's newest-post rank is written by concurrent posts: retry conflicts.
    retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $a = type::record('member', $author);
             LET $c = IF $community = NONE { NONE } ELSE { type::record('community', $community) };
             CREATE type::record('post', $id) CONTENT {
                author: $a, community: $c, body: $body, html: $html, citations: $citations,
                visibility: $visibility, rank: $rank, sponsored: $sponsored,
                phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
             };
             UPDATE $a SET last_post_rank = $rank;
             IF $c != NONE { UPDATE $c SET last_post_rank = $rank };
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.clone()))
        .bind(("author", author.to_string()))
        .bind(("community", input.community.clone()))
        .bind(("body", body.clone()))
        .bind(("html", html.clone()))
        .bind(("citations", citations.clone()))
        .bind(("visibility", visibility.as_str()))
        .bind(("rank", rank))
        .bind(("sponsored", input.sponsored))
        .bind(("phi", phi.clone()))
        .await
        .and_then(check_tx)
    })
    .await?;
    // The author sees their post at once.
    forget_timeline(db, author).await?;
    Ok(id)
}

async fn row(db: &Db, viewer: &Viewer, id: &str) -> Result<Option<PostRow>, PostError> {
    Ok(read_rows(db, viewer, vec![id.to_string()]).await?.pop())
}

/// A post the viewer may see (deleted ones as tombstones), or NotFound. A lean viewer
/// (see [`Viewer::load_lean`]) first learns whether it is connected with the author of a
/// connections-only post.
pub async fn get(db: &Db, viewer: &Viewer, id: &str) -> Result<PostView, PostError> {
    let Some(r) = row(db, viewer, id).await? else {
        return Err(PostError::NotFound);
    };
    let viewer = judging(db, viewer, std::slice::from_ref(&r)).await?;
    if viewer.may_see(r.audience()) {
        Ok(r.view(&viewer))
    } else {
        Err(PostError::NotFound)
    }
}

/// A post with its comments (and, for its author, the source for editing).
pub async fn thread(db: &Db, viewer: &Viewer, id: &str) -> Result<PostThread, PostError> {
    let post = get(db, viewer, id).await?;
    let comments = comments(db, viewer, id).await?;
    let source = if post.mine {
        #[derive(Deserialize)]
        struct Source {
            body: String,
            citations: String,
        }
        one::<Source>(
            db,
            "SELECT body, citations.map(|$c| $c.value).join('\n') AS citations FROM ONLY type::record('post', $id)",
            id,
        )
        .await?
        .map(|s| (s.body, s.citations))
    } else {
        None
    };
    Ok(PostThread {
        post,
        comments,
        source,
        reader: ReaderRights {
            signed_in: viewer.id.is_some(),
            verified: viewer.verified,
            moderator: viewer.moderator,
        },
    })
}

/// Edits a post's text and sources (author only); marks it edited.
pub async fn edit(
    db: &Db,
    me: &str,
    id: &str,
    body: &str,
    citations: &str,
    confirm_phi: bool,
) -> Result<(), PostError> {
    let body = check_post_body(body)?;
    let citations = parse_citations(citations)?;
    owned_live_post(db, me, id).await?;
    let phi = guard_phi("body", &body, confirm_phi)?;
    db.query(
        "UPDATE type::record('post', $id) SET body = $body, html = $html, citations = $citations,
            edited_at = time::now(), phi_confirmed = IF array::len($phi) > 0 { $phi } ELSE { NONE }
         WHERE deleted_at = NONE",
    )
    .bind(("id", id.to_string()))
    .bind(("phi", phi))
    .bind(("html", markdown::render(&body)))
    .bind(("body", body))
    .bind((
        "citations",
        serde_json::to_value(&citations).unwrap_or_default(),
    ))
    .await?
    .check()?;
    Ok(())
}

/// Deletes a post (author only): its text is erased and a tombstone stays so replies
/// remain readable.
pub async fn delete(db: &Db, me: &str, id: &str) -> Result<(), PostError> {
    owned_live_post(db, me, id).await?;
    db.query(
        "UPDATE type::record('post', $id) SET body = '[deleted]', html = '', citations = [],
            deleted_at = time::now(), pinned = false WHERE deleted_at = NONE",
    )
    .bind(("id", id.to_string()))
    .await?
    .check()?;
    Ok(())
}

async fn owned_live_post(db: &Db, me: &str, id: &str) -> Result<(), PostError> {
    #[derive(Deserialize)]
    struct Owner {
        author: String,
        deleted: bool,
    }
    let owner: Option<Owner> = one(
        db,
        "SELECT record::id(author) AS author, deleted_at != NONE AS deleted FROM ONLY type::record('post', $id)",
        id,
    )
    .await?;
    match owner {
        Some(o) if o.deleted => Err(PostError::NotFound),
        Some(o) if o.author == me => Ok(()),
        Some(_) => Err(PostError::NotAuthor),
        None => Err(PostError::NotFound),
    }
}

/// Toggles the viewer's reaction of `kind` on a post they may see; returns the new counts.
pub async fn react(
    db: &Db,
    viewer: &Viewer,
    id: &str,
    kind: ReactionKind,
) -> Result<Reactions, PostError> {
    let me = viewer.id.clone().ok_or(PostError::NotFound)?;
    let post = get(db, viewer, id).await?;
    if post.deleted {
        return Err(PostError::NotFound);
    }
    let field = format!("{}_count", kind.as_str());
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $r = type::record('reaction', [$post, $me, $kind]);
         LET $p = type::record('post', $post);
         IF record::exists($r) {{
            DELETE $r;
            UPDATE $p SET {field} = math::max([{field} - 1, 0]);
         }} ELSE {{
            CREATE $r CONTENT {{ post: $p, member: type::record('member', $me), kind: $kind }};
            UPDATE $p SET {field} += 1;
         }};
         COMMIT TRANSACTION;"
    );
    let mut attempt = 0;
    loop {
        let r = db
            .query(&sql)
            .bind(("post", id.to_string()))
            .bind(("me", me.clone()))
            .bind(("kind", kind.as_str()))
            .await
            .and_then(check_tx);
        match r {
            Ok(_) => break,
            // Concurrent toggles of the same post conflict; the retry sees the winner.
            Err(e) if attempt < 5 && e.message().contains("retried") => attempt += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(get(db, viewer, id).await?.reactions)
}

// ---------------------------------------------------------------------------------------
// Comments

const COMMENT_ROW: &str = "record::id(id) AS id, IF parent != NONE THEN record::id(parent) ELSE NONE END AS parent,
    record::id(author) AS author_id, html, <string> created_at AS created_at, deleted_at != NONE AS deleted,
    author.{handle, display_name, role, hide_real_name, specialty, verified} AS a, mod_state, mod_reason";

/// The longest thread shown on a post page.
const MAX_COMMENTS: i64 = 500;

#[derive(Deserialize)]
struct CommentRow {
    id: String,
    parent: Option<String>,
    author_id: String,
    html: String,
    created_at: String,
    deleted: bool,
    a: AuthorRow,
    #[serde(default)]
    mod_state: Option<String>,
    #[serde(default)]
    mod_reason: Option<String>,
}

/// Comments of a post (the caller has checked the viewer may see it), oldest first, replies under their parent.
/// Comments by members with a block either way are left out; deleted ones with replies
/// stay as tombstones.
async fn comments(db: &Db, viewer: &Viewer, post: &str) -> Result<Vec<CommentView>, PostError> {
    let sql = format!(
        "SELECT {COMMENT_ROW} FROM comment WHERE post = type::record('post', $post) ORDER BY rank ASC LIMIT {MAX_COMMENTS}"
    );
    let mut res = db.query(sql).bind(("post", post.to_string())).await?;
    let all: Vec<CommentRow> = rows(&mut res, 0)?;
    let to_view = |c: &CommentRow| {
        let (notice, readable) = moderation(
            c.mod_state.clone(),
            c.mod_reason.clone(),
            viewer,
            &c.author_id,
        );
        CommentView {
            id: c.id.clone(),
            author: (!c.deleted).then(|| c.a.clone().author()),
            html: if c.deleted || !readable {
                String::new()
            } else {
                c.html.clone()
            },
            created_at: c.created_at.clone(),
            deleted: c.deleted,
            mine: !c.deleted && viewer.is(&c.author_id),
            replies: Vec::new(),
            moderation: notice,
        }
    };
    let shown = |c: &CommentRow| !viewer.blocked.contains(&c.author_id);
    let mut top: Vec<CommentView> = Vec::new();
    for c in all.iter().filter(|c| c.parent.is_none()) {
        let mut v = to_view(c);
        v.replies = all
            .iter()
            .filter(|r| r.parent.as_deref() == Some(c.id.as_str()) && shown(r) && !r.deleted)
            .map(to_view)
            .collect();
        if (shown(c) && !c.deleted) || !v.replies.is_empty() {
            top.push(v);
        }
    }
    Ok(top)
}

/// Adds a comment (or a reply to a top-level comment) to a post the viewer may see.
pub async fn add_comment(
    db: &Db,
    viewer: &Viewer,
    post: &str,
    parent: Option<&str>,
    body: &str,
    confirm_phi: bool,
) -> Result<String, PostError> {
    let me = viewer.id.clone().ok_or(PostError::NotFound)?;
    let body = check_comment_body(body)?;
    let phi = guard_phi("body", &body, confirm_phi)?;
    let p = get(db, viewer, post).await?;
    if p.deleted {
        return Err(PostError::Forbidden(
            "This post was deleted; it takes no new comments.",
        ));
    }
    if let Some(parent) = parent {
        #[derive(Deserialize)]
        struct Parent {
            post: String,
            top: bool,
        }
        let found: Option<Parent> = one(
            db,
            "SELECT record::id(post) AS post, parent = NONE AS top FROM ONLY type::record('comment', $id)",
            parent,
        )
        .await?;
        match found {
            Some(Parent {
                post: of,
                top: true,
            }) if of == post => {}
            Some(Parent {
                post: of,
                top: false,
            }) if of == post => {
                return Err(AppError::invalid(
                    "parent",
                    "Replies go one level deep: reply to the comment above instead.",
                )
                .into());
            }
            _ => {
                return Err(
                    AppError::invalid("parent", "That comment is not on this post.").into(),
                );
            }
        }
    }
    let id = new_key();
    let html = markdown::render(&body);
    let rank = -new_rank();
    // Concurrent comments on one post all bump its count: retry conflicts.
    retrying(|| async {
        db.query(
            "BEGIN TRANSACTION;
             LET $p = type::record('post', $post);
             CREATE type::record('comment', $id) CONTENT {
                post: $p, parent: IF $parent = NONE { NONE } ELSE { type::record('comment', $parent) },
                author: type::record('member', $me), body: $body, html: $html, rank: $rank,
                phi_confirmed: IF array::len($phi) > 0 { $phi } ELSE { NONE }
             };
             UPDATE $p SET comment_count += 1;
             COMMIT TRANSACTION;",
        )
        .bind(("id", id.clone()))
        .bind(("post", post.to_string()))
        .bind(("parent", parent.map(str::to_string)))
        .bind(("me", me.clone()))
        .bind(("html", html.clone()))
        .bind(("body", body.clone()))
        .bind(("rank", rank))
        .bind(("phi", phi.clone()))
        .await
        .and_then(check_tx)
    })
    .await?;
    Ok(id)
}

/// Deletes one's own comment (a tombstone stays if it has replies).
pub async fn delete_comment(db: &Db, me: &str, id: &str) -> Result<String, PostError> {
    #[derive(Deserialize)]
    struct Found {
        author: String,
        post: String,
        deleted: bool,
    }
    let Found {
        author,
        post,
        deleted,
    } = one(
        db,
        "SELECT record::id(author) AS author, record::id(post) AS post, deleted_at != NONE AS deleted FROM ONLY type::record('comment', $id)",
        id,
    )
    .await?
    .ok_or(PostError::NotFound)?;
    if deleted {
        return Err(PostError::NotFound);
    }
    if author != me {
        return Err(PostError::NotAuthor);
    }
    db.query(
        "BEGIN TRANSACTION;
         UPDATE type::record('comment', $id) SET deleted_at = time::now(), body = '[deleted]', html = '';
         UPDATE type::record('post', $post) SET comment_count = math::max([comment_count - 1, 0]);
         COMMIT TRANSACTION;",
    )
    .bind(("id", id.to_string()))
    .bind(("post", post.clone()))
    .await
        .and_then(check_tx)?;
    Ok(post)
}

// ---------------------------------------------------------------------------------------
// Timelines

/// Reads posts matching `filter` (a WHERE clause over `$src`) newest first after a cursor,
/// keeping only those the viewer may see, until `limit` are found or the range ends.
async fn scan(
    db: &Db,
    viewer: &Viewer,
    filter: &str,
    src: Option<String>,
    after: Option<&str>,
    limit: usize,
    keep: impl Fn(&LightRow) -> bool,
) -> Result<PostPage, PostError> {
    let mut cursor = parse_cursor(after);
    let mut found: Vec<LightRow> = Vec::new();
    let batch = (limit + 1) * 2;
    // A lean viewer learns, batch by batch, the connections it needs to judge the rows.
    let mut judge: Cow<'_, Viewer> = Cow::Borrowed(viewer);
    // Bounded: a range full of posts the viewer may not see ends the page early.
    for _ in 0..8 {
        let page_clause = if cursor.is_some() {
            "AND (rank > $after OR (rank = $after AND id > type::record('post', $after_id)))"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {LIGHT_ROW} FROM post WHERE {filter} {page_clause} ORDER BY rank ASC LIMIT $limit"
        );
        let mut res = db
            .query(sql)
            .bind(("src", src.clone()))
            .bind(("after", cursor.as_ref().map(|c| c.0)))
            .bind(("after_id", cursor.as_ref().map(|c| c.1.clone())))
            .bind(("limit", batch as i64))
            .await?;
        let got: Vec<LightRow> = rows(&mut res, 0)?;
        let full = got.len() == batch;
        cursor = got.last().map(|r| (r.rank, r.id.clone()));
        if let Cow::Owned(v) = judging(db, &judge, &got).await? {
            judge = Cow::Owned(v);
        }
        found.extend(got.into_iter().filter(|r| r.readable_by(&judge) && keep(r)));
        if found.len() > limit || !full {
            break;
        }
    }
    found.truncate(limit + 1);
    let full = hydrate(db, &judge, &found).await?;
    Ok(page(full, &judge, limit))
}

fn page(mut found: Vec<PostRow>, viewer: &Viewer, limit: usize) -> PostPage {
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

/// A member's posts that the viewer may see, newest first.
pub async fn by_author(
    db: &Db,
    viewer: &Viewer,
    author: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    scan(
        db,
        viewer,
        "author = type::record('member', $src)",
        Some(author.to_string()),
        after,
        limit,
        |_| true,
    )
    .await
}

/// A community's posts that the viewer may see, newest first (pinned ones are listed
/// separately by [`pinned`]). Posts by muted members are left out.
pub async fn by_community(
    db: &Db,
    viewer: &Viewer,
    community: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    scan(
        db,
        viewer,
        "community = type::record('community', $src)",
        Some(community.to_string()),
        after,
        limit,
        |r| !r.pinned && viewer.wants_in_feed(&r.author_id),
    )
    .await
}

/// A community's pinned posts the viewer may see.
pub async fn pinned(db: &Db, viewer: &Viewer, community: &str) -> Result<Vec<PostView>, PostError> {
    let sql = format!(
        "SELECT {POST_ROW} FROM post WHERE community = type::record('community', $src) AND pinned = true ORDER BY rank ASC LIMIT 10"
    );
    let mut res = db.query(sql).bind(("src", community.to_string())).await?;
    let mut got: Vec<PostRow> = rows(&mut res, 0)?;
    mark_mine_of(db, viewer, &mut got).await?;
    let viewer = judging(db, viewer, &got).await?;
    Ok(got
        .into_iter()
        .filter(|r| r.readable_by(&viewer))
        .map(|r| r.view(&viewer))
        .collect())
}

/// Recent public posts for the signed-out landing page.
pub async fn public_highlights(db: &Db, limit: usize) -> Result<Vec<PostView>, PostError> {
    let viewer = Viewer::anonymous();
    Ok(scan(
        db,
        &viewer,
        "visibility = 'public'",
        None,
        None,
        limit,
        |_| true,
    )
    .await?
    .items
    .into_iter()
    // The front page features nothing moderators hid or labelled as misleading.
    .filter(|p| p.moderation.is_none() && p.misinfo.is_none())
    .collect())
}

/// Pins or unpins a community post (the caller checks the moderator role).
pub async fn set_pinned(db: &Db, id: &str, community: &str, pinned: bool) -> Result<(), PostError> {
    let mut res = db
        .query("UPDATE type::record('post', $id) SET pinned = $pinned WHERE community = type::record('community', $c) AND deleted_at = NONE RETURN VALUE record::id(id)")
        .bind(("id", id.to_string()))
        .bind(("c", community.to_string()))
        .bind(("pinned", pinned))
        .await?;
    let done: Vec<String> = res.take(0)?;
    if done.is_empty() {
        return Err(PostError::NotFound);
    }
    Ok(())
}

/// A position in a timeline: (rank, post id).
type Cursor = (i64, String);

/// A source waiting to be read: its newest unread rank, and where to resume.
type Queued = (i64, Source, Option<Cursor>);

/// Where the feed reads from: a member's posts or a community's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    Member(String),
    Community(String),
}

/// How many entries of a member's home timeline are kept materialized.
const TIMELINE_KEPT: usize = 100;

/// The home feed: the viewer's own posts and those of people they follow, their
/// connections and their communities, newest first, without muted or blocked members.
///
/// The first [`TIMELINE_KEPT`] entries are materialized per member (`timeline` table) by
/// [`merge`]; pages within them cost one record read plus reading the page's posts.
/// Every post is re-checked against the viewer's current visibility, mutes and blocks
/// when read, so a stale entry can never show what the viewer may not see. Pages past the
/// materialized window, and members without one, are merged live.
pub async fn feed(
    db: &Db,
    viewer: &Viewer,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let Some(me) = viewer.id.clone() else {
        return Ok(PostPage::default());
    };
    let mut res = db
        .query(format!("RETURN {TIMELINE_READ};"))
        .bind(("id", me))
        .await?;
    let stored: Option<serde_json::Value> = res.take(0)?;
    feed_from(db, viewer, stored, after, limit).await
}

/// The materialized timeline of member `$id`, as [`feed_from`] reads it. One older than a
/// minute is served once more and rebuilt in the background; the member's own posts,
/// follows, connections and community changes forget it (see [`forget_timeline`]), so the
/// next read rebuilds it at once.
const TIMELINE_READ: &str =
    "(SELECT ids, ranks, generation, forgotten, computed_at + 1m < time::now() AS stale
    FROM ONLY type::record('timeline', $id))";

/// [`feed`] for the signed-in member of this request: the viewer's facts and the stored
/// timeline come from one statement (the session already said who they are).
pub async fn home_feed(
    db: &Db,
    me: &MemberRow,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let (viewer, stored) = Viewer::load_lean_with(db, me, TIMELINE_READ).await?;
    feed_from(db, &viewer, stored, after, limit).await
}

async fn feed_from(
    db: &Db,
    viewer: &Viewer,
    stored: Option<serde_json::Value>,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let Some(me) = viewer.id.clone() else {
        return Ok(PostPage::default());
    };
    #[derive(Deserialize)]
    struct Stored {
        ids: Vec<String>,
        ranks: Vec<i64>,
        #[serde(default)]
        generation: Option<i64>,
        #[serde(default)]
        forgotten: Option<bool>,
        #[serde(default)]
        stale: bool,
    }
    let stored = stored.and_then(|v| serde_json::from_value::<Stored>(v).ok());
    let generation = stored.as_ref().and_then(|s| s.generation).unwrap_or(0);
    let entries: Vec<(i64, String)> = match stored {
        Some(s) if s.forgotten != Some(true) => {
            let held: Vec<(i64, String)> = s.ranks.into_iter().zip(s.ids).collect();
            if s.stale
                && let Some(claim) = Refreshing::claim(&me)
            {
                let (db, viewer, held) = (db.clone(), viewer.clone(), held.clone());
                tokio::spawn(async move {
                    if let Err(err) = refresh(&db, &viewer, held, generation).await {
                        tracing::warn!(%err, "refreshing a timeline");
                    }
                    drop(claim);
                });
            }
            held
        }
        _ => materialize(db, viewer, generation).await?,
    };
    let cursor = parse_cursor(after);
    let rest: Vec<&(i64, String)> = entries
        .iter()
        .filter(|e| cursor.as_ref().is_none_or(|c| (e.0, &e.1) > (c.0, &c.1)))
        .collect();
    // Past the materialized window: merge live from the cursor.
    if rest.len() <= limit && entries.len() >= TIMELINE_KEPT {
        return merge(db, viewer, after, limit).await;
    }
    let ids: Vec<String> = rest.iter().take(limit + 1).map(|e| e.1.clone()).collect();
    let mut full = read_rows(db, viewer, ids).await?;
    let viewer = judging(db, viewer, &full).await?;
    full.retain(|r| r.in_feed_of(&viewer));
    Ok(page(full, &viewer, limit))
}

/// Members whose stale timeline this server is rebuilding in the background. Every read
/// of a stale timeline would otherwise start its own rebuild: a member scrolling while
/// one runs started dozens at once, and each reads hundreds of sources.
static REFRESHING: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Default::default);

/// This server's claim on rebuilding one member's timeline; released when dropped.
struct Refreshing(String);

impl Refreshing {
    /// The claim, unless a rebuild of this member's timeline is already running here.
    fn claim(member: &str) -> Option<Refreshing> {
        let mut running = REFRESHING.lock().unwrap_or_else(|e| e.into_inner());
        running
            .insert(member.to_string())
            .then(|| Refreshing(member.to_string()))
    }
}

impl Drop for Refreshing {
    fn drop(&mut self) {
        REFRESHING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

/// Rebuilds and stores a member's materialized timeline, read at `generation` (see
/// [`store_timeline`]).
async fn materialize(
    db: &Db,
    viewer: &Viewer,
    generation: i64,
) -> Result<Vec<(i64, String)>, PostError> {
    let Some(me) = viewer.id.clone() else {
        return Ok(Vec::new());
    };
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let light = merge_light(db, viewer, None, TIMELINE_KEPT, None).await?;
    let entries: Vec<(i64, String)> = light.into_iter().map(|r| (r.rank, r.id)).collect();
    store_timeline(db, me, &entries, generation).await;
    Ok(entries)
}

/// Brings a stale timeline up to date. Only posts newer than its newest entry are looked
/// for — a minute on, most of a member's sources have none, so only their heads are read —
/// then merged in, keeping the newest [`TIMELINE_KEPT`]. About one refresh in ten
/// rebuilds the timeline whole instead, so nothing the increments cannot see (a post that
/// became visible to the member later, say) stays missing for long. `held` was read at
/// `generation`.
async fn refresh(
    db: &Db,
    viewer: &Viewer,
    held: Vec<(i64, String)>,
    generation: i64,
) -> Result<(), PostError> {
    let one_in_ten = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_micros())
        .is_multiple_of(10);
    let (Some(me), Some(&(newest, _))) = (viewer.id.clone(), held.first()) else {
        return materialize(db, viewer, generation).await.map(drop);
    };
    if one_in_ten {
        return materialize(db, viewer, generation).await.map(drop);
    }
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let fresh = merge_light(db, viewer, None, TIMELINE_KEPT, Some(newest)).await?;
    store_timeline(db, me, &merged(fresh, held), generation).await;
    Ok(())
}

/// New light rows merged into held entries: newest first, each post once, at most
/// [`TIMELINE_KEPT`].
fn merged(fresh: Vec<LightRow>, held: Vec<(i64, String)>) -> Vec<(i64, String)> {
    let mut entries: Vec<(i64, String)> = fresh
        .into_iter()
        .map(|r| (r.rank, r.id))
        .chain(held)
        .collect();
    entries.sort();
    entries.dedup();
    entries.truncate(TIMELINE_KEPT);
    entries
}

/// The viewer with whom they follow loaded (into `slot` if it was not): reading a page
/// needs only their visibility facts, the merge needs their sources.
async fn with_following<'v>(
    db: &Db,
    viewer: &'v Viewer,
    slot: &'v mut Option<Viewer>,
) -> Result<&'v Viewer, PostError> {
    if viewer.following_loaded {
        return Ok(viewer);
    }
    Ok(slot.insert(viewer.completed(db).await?))
}

/// Stores a rebuilt timeline, unless it was forgotten since the read it was rebuilt from
/// (at `generation`): that rebuild read the member's network before their change, and
/// storing it would hide the change (their new post, say) until the next refresh.
async fn store_timeline(db: &Db, me: String, entries: &[(i64, String)], generation: i64) {
    let written = db
        .query(
            "IF ((SELECT VALUE generation FROM ONLY type::record('timeline', $me)) ?? 0) = $generation {
                UPSERT type::record('timeline', $me)
                    SET ids = $ids, ranks = $ranks, computed_at = time::now(), forgotten = NONE
            }",
        )
        .bind(("me", me))
        .bind(("generation", generation))
        .bind(("ids", entries.iter().map(|e| e.1.clone()).collect::<Vec<_>>()))
        .bind(("ranks", entries.iter().map(|e| e.0).collect::<Vec<_>>()))
        .await;
    cache_written(written, "a timeline");
}

/// Forgets a member's materialized timeline (after their own post or a change to whom
/// they follow, connect with, mute, block or join), so the next read rebuilds it, and
/// moves it to a new generation, so no rebuild already under way stores what it read
/// before the change. Conflicts with such a store are retried.
pub async fn forget_timeline(db: &Db, member: &str) -> Result<(), surrealdb::Error> {
    retrying(|| async {
        db.query(
            "UPSERT type::record('timeline', $m)
                SET generation = (generation ?? 0) + 1, forgotten = true, ids = [], ranks = []",
        )
        .bind(("m", member.to_string()))
        .await?
        .check()
    })
    .await?;
    Ok(())
}

/// The live merge behind the feed: fan-out on read, bounded by each source's newest-post
/// rank (a counter maintained on every post). Sources are read newest-head first, each
/// with one forward index range scan, and reading stops once no remaining source can
/// reach the page. A member back after months still gets a full page — nothing was
/// trimmed while they were away.
pub async fn merge(
    db: &Db,
    viewer: &Viewer,
    after: Option<&str>,
    limit: usize,
) -> Result<PostPage, PostError> {
    let mut full = None;
    let viewer = with_following(db, viewer, &mut full).await?;
    let chosen = merge_light(db, viewer, after, limit + 1, None).await?;
    let full = hydrate(db, viewer, &chosen).await?;
    Ok(page(full, viewer, limit))
}

/// The newest `want` entries of the viewer's sources after `after`, visible to them; with
/// `newer_than`, only posts newer than that rank (and only sources that have one).
async fn merge_light(
    db: &Db,
    viewer: &Viewer,
    after: Option<&str>,
    want: usize,
    newer_than: Option<i64>,
) -> Result<Vec<LightRow>, PostError> {
    let limit = want.saturating_sub(1);
    let Some(me) = viewer.id.clone() else {
        return Ok(Vec::new());
    };
    let mut members: Vec<String> = viewer
        .following
        .iter()
        .chain(viewer.connections.iter())
        .filter(|m| viewer.wants_in_feed(m))
        .cloned()
        .collect();
    members.push(me);
    members.sort();
    members.dedup();
    let communities: Vec<String> = viewer.communities.iter().cloned().collect();
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, last_post_rank AS rank FROM $m.map(|$i| type::record('member', $i)) WHERE last_post_rank != NONE;
             SELECT record::id(id) AS id, last_post_rank AS rank FROM $c.map(|$i| type::record('community', $i)) WHERE last_post_rank != NONE;",
        )
        .bind(("m", members))
        .bind(("c", communities))
        .await?;
    #[derive(Deserialize)]
    struct Head {
        id: String,
        rank: i64,
    }
    let page_cursor = parse_cursor(after);
    let floor = page_cursor.as_ref().map_or(i64::MIN, |c| c.0);
    // (effective head rank, source, per-source cursor)
    let has_newer = |h: &Head| newer_than.is_none_or(|top| h.rank < top);
    let mut heads: Vec<Queued> = rows::<Head>(&mut res, 0)?
        .into_iter()
        .filter(has_newer)
        .map(|h| (h.rank.max(floor), Source::Member(h.id), page_cursor.clone()))
        .chain(
            rows::<Head>(&mut res, 1)?
                .into_iter()
                .filter(has_newer)
                .map(|h| {
                    (
                        h.rank.max(floor),
                        Source::Community(h.id),
                        page_cursor.clone(),
                    )
                }),
        )
        .collect();
    // Sorted newest head last, so the next source to read is popped from the end.
    heads.sort_by_key(|h| std::cmp::Reverse(h.0));
    // Most sources give a page one or two posts: read a few from each, and come back to a
    // source only if everything read from it made the cut.
    let per_source = 4;
    let mut collected: BTreeMap<(i64, String), LightRow> = BTreeMap::new();
    const BATCH: usize = 16;
    loop {
        let threshold = if collected.len() > limit {
            collected.keys().nth(limit).map_or(i64::MAX, |k| k.0)
        } else {
            i64::MAX
        };
        let mut batch = Vec::new();
        while batch.len() < BATCH {
            match heads.last() {
                Some(h) if h.0 <= threshold => batch.extend(heads.pop()),
                _ => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let mut sql = String::new();
        let mut q = Vec::new();
        for (i, (_, source, cursor)) in batch.iter().enumerate() {
            let (field, table, id) = match source {
                Source::Member(id) => ("author", "member", id),
                Source::Community(id) => ("community", "community", id),
            };
            let page_clause = if cursor.is_some() {
                format!("AND (rank > $r{i} OR (rank = $r{i} AND id > type::record('post', $i{i})))")
            } else {
                String::new()
            };
            let newer_clause = if newer_than.is_some() {
                "AND rank < $top"
            } else {
                ""
            };
            sql.push_str(&format!(
                "SELECT {LIGHT_ROW} FROM post WHERE {field} = type::record('{table}', $s{i}) {page_clause} {newer_clause} ORDER BY rank ASC LIMIT {per_source};\n"
            ));
            q.push((
                id.clone(),
                cursor.as_ref().map(|c| c.0),
                cursor.as_ref().map(|c| c.1.clone()),
            ));
        }
        let mut query = db.query(sql).bind(("top", newer_than));
        for (i, (id, r, after_id)) in q.into_iter().enumerate() {
            query = query
                .bind((format!("s{i}"), id))
                .bind((format!("r{i}"), r))
                .bind((format!("i{i}"), after_id));
        }
        let mut res = query.await?;
        for (i, (_, source, _)) in batch.into_iter().enumerate() {
            let got: Vec<LightRow> = rows(&mut res, i)?;
            if got.len() == per_source
                && let Some(last) = got.last()
            {
                // More may follow: come back to this source after its last row.
                let rank = last.rank;
                let pos = heads.partition_point(|h| h.0 > rank);
                heads.insert(pos, (rank, source, Some((rank, last.id.clone()))));
            }
            for r in got {
                if r.in_feed_of(viewer) {
                    collected.insert((r.rank, r.id.clone()), r);
                }
            }
        }
        while collected.len() > limit + 1 {
            collected.pop_last();
        }
    }
    Ok(collected.into_values().collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{LightRow, NewPost, Refreshing, TIMELINE_KEPT, feed, materialize, merged, refresh};
    use crate::db::{Db, open_memory};
    use crate::domain::accounts::{SignUp, sign_up};
    use crate::domain::graph;
    use crate::domain::viewer::Viewer;
    use crate::model::{GraphOp, Visibility};

    async fn member(db: &Db, handle: &str) -> String {
        let signup = SignUp {
            email: format!("{handle}@example.org"),
            handle: handle.to_string(),
            display_name: format!("Member {handle}"),
            password: "correct horse battery staple".to_string(),
            role: "professional".to_string(),
        };
        sign_up(db, &signup).await.unwrap().id
    }

    async fn post(db: &Db, author: &str, body: &str) {
        let input = NewPost {
            body: body.to_string(),
            visibility: "public".to_string(),
            ..NewPost::default()
        };
        super::create(db, author, &input, None).await.unwrap();
    }

    async fn bodies(db: &Db, me: &str) -> Vec<String> {
        let viewer = Viewer::load(db, Some(me), true).await.unwrap();
        let page = feed(db, &viewer, None, 10).await.unwrap();
        page.items
            .into_iter()
            .map(|p| {
                p.html
                    .replace("<p>", "")
                    .replace("</p>", "")
                    .trim()
                    .to_string()
            })
            .collect()
    }

    /// A background rebuild reads the member's network, then stores what it found. A
    /// change in between (here a follow) must win, in both kinds of rebuild.
    #[tokio::test]
    async fn a_rebuild_that_read_the_network_before_a_change_does_not_store_over_it() {
        let db = open_memory().await.unwrap();
        let me = member(&db, "race.me").await;
        let old = member(&db, "race.old").await;
        let new = member(&db, "race.new").await;
        graph::apply(&db, &me, &old, GraphOp::Follow, "")
            .await
            .unwrap();
        post(&db, &old, "old news").await;
        post(&db, &new, "new news").await;
        assert_eq!(bodies(&db, &me).await, ["old news"]);
        for round in ["increment", "whole"] {
            // A read finds the timeline stale and starts a rebuild from it...
            let before = Viewer::load(&db, Some(&me), true).await.unwrap();
            let mut res = db
                .query("SELECT ids, ranks, generation ?? 0 AS generation FROM ONLY type::record('timeline', $me)")
                .bind(("me", me.clone()))
                .await
                .unwrap();
            let stored: Option<serde_json::Value> = res.take(0).unwrap();
            let stored = stored.unwrap();
            let generation = stored["generation"].as_i64().unwrap();
            let held: Vec<(i64, String)> =
                serde_json::from_value::<Vec<i64>>(stored["ranks"].clone())
                    .unwrap()
                    .into_iter()
                    .zip(serde_json::from_value::<Vec<String>>(stored["ids"].clone()).unwrap())
                    .collect();
            // ...the member follows someone meanwhile...
            graph::apply(&db, &me, &new, GraphOp::Follow, "")
                .await
                .unwrap();
            // ...and the rebuild ends with what it read before.
            match round {
                "increment" => refresh(&db, &before, held, generation).await.unwrap(),
                _ => drop(materialize(&db, &before, generation).await.unwrap()),
            }
            assert_eq!(
                bodies(&db, &me).await,
                ["new news", "old news"],
                "{round}: the follow was lost"
            );
            graph::apply(&db, &me, &new, GraphOp::Unfollow, "")
                .await
                .unwrap();
            assert_eq!(bodies(&db, &me).await, ["old news"]);
            // That read rebuilt the forgotten timeline and stored it.
            let mut res = db
                .query("SELECT forgotten, array::len(ids) AS n FROM ONLY type::record('timeline', $me)")
                .bind(("me", me.clone()))
                .await
                .unwrap();
            let kept: Option<serde_json::Value> = res.take(0).unwrap();
            assert_eq!(
                kept,
                Some(serde_json::json!({"forgotten": null, "n": 1})),
                "{round}"
            );
        }
    }

    #[test]
    fn one_background_rebuild_per_member_at_a_time() {
        let first = Refreshing::claim("rebuild_test_a").expect("nobody is rebuilding yet");
        assert!(
            Refreshing::claim("rebuild_test_a").is_none(),
            "a second rebuild started"
        );
        let other = Refreshing::claim("rebuild_test_b");
        assert!(other.is_some(), "another member's rebuild must not wait");
        drop(first);
        assert!(
            Refreshing::claim("rebuild_test_a").is_some(),
            "the claim was not released"
        );
    }

    fn light(rank: i64, id: &str) -> LightRow {
        LightRow {
            id: id.to_string(),
            author_id: "a".into(),
            community_id: None,
            visibility: Visibility::Public,
            deleted: false,
            pinned: false,
            rank,
        }
    }

    #[test]
    fn a_refresh_puts_new_posts_first_keeps_each_once_and_keeps_at_most_the_window() {
        let held: Vec<(i64, String)> = (0..TIMELINE_KEPT as i64)
            .map(|r| (r, format!("old{r}")))
            .collect();
        let fresh = vec![light(-2, "new2"), light(-1, "new1"), light(0, "old0")];
        let entries = merged(fresh, held);
        assert_eq!(entries.len(), TIMELINE_KEPT);
        let ids: Vec<&str> = entries.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(&ids[..4], ["new2", "new1", "old0", "old1"]);
        assert_eq!(ids.iter().filter(|i| **i == "old0").count(), 1);
        assert_eq!(ids.last(), Some(&"old97"), "the oldest fall off the end");
    }
}
