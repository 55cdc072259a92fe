//! Reports and moderation. Reports on one item are grouped into one case (record id
//! `[kind, item]`), so a flood of reports is one queue entry with a count. Site moderators
//! work every case; a community's owner and moderators work the cases of posts and comments
//! in their community. Every action is audited; authors are told what was done and why,
//! reporters are told the outcome. Items reported by enough verified professionals are
//! hidden pending review.

use serde::Deserialize;

use super::audit::{EFFECTS_SQL, Effects};
use super::phi::guard_phi;
use super::viewer::{Audience, Viewer};
use super::{check_tx, internal, one, retrying, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{
    CaseStatus, CaseView, CommunityId, MemberId, ModAction, ModState, NotificationKind, ReportNote,
    ReportReason, ReportTarget, StoredName, Visibility,
};

/// Why a report or moderation action failed.
#[derive(Debug, thiserror::Error)]
pub enum ModError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("not found")]
    NotFound,
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    #[error("already reported")]
    AlreadyReported,
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

impl From<ModError> for AppError {
    fn from(e: ModError) -> Self {
        match e {
            ModError::Invalid(e) => e,
            ModError::NotFound => {
                AppError::not_found("That item does not exist or is not visible to you.")
            }
            ModError::Forbidden(m) => AppError::forbidden(m),
            ModError::AlreadyReported => AppError::conflict(
                "reason",
                "You already reported this. Moderators will tell you the outcome.",
            ),
            ModError::Db(e) => internal("moderation query", e),
        }
    }
}

super::retryable_db_error!(ModError);

impl From<AppError> for ModError {
    fn from(e: AppError) -> Self {
        ModError::Invalid(e)
    }
}

/// The reported item as the case stores it.
#[derive(Debug, Clone)]
struct Item {
    author: MemberId,
    community: Option<CommunityId>,
    excerpt: String,
    link: String,
}

fn excerpt(text: &str) -> String {
    let t: String = text.chars().take(280).collect();
    if text.chars().count() > 280 {
        format!("{t}…")
    } else {
        t
    }
}

/// Finds a reportable item the viewer can see (invisible answers like missing).
async fn reportable(
    db: &Db,
    viewer: &Viewer,
    kind: ReportTarget,
    item: &str,
) -> Result<Item, ModError> {
    #[derive(Deserialize)]
    struct Row {
        author: MemberId,
        community: Option<CommunityId>,
        visibility: Option<Visibility>,
        deleted: bool,
        text: String,
        post: Option<String>,
        #[serde(default)]
        comment_author: Option<MemberId>,
    }
    let sql = match kind {
        ReportTarget::Post => {
            "SELECT record::id(author) AS author,
                IF community != NONE THEN record::id(community) ELSE NONE END AS community,
                visibility, deleted_at != NONE AS deleted, body AS text, NONE AS post
             FROM ONLY type::record('post', $id)"
        }
        ReportTarget::Comment => {
            "SELECT record::id(post.author) AS author,
                IF post.community != NONE THEN record::id(post.community) ELSE NONE END AS community,
                post.visibility AS visibility, deleted_at != NONE OR post.deleted_at != NONE AS deleted,
                body AS text, record::id(post) AS post, record::id(author) AS comment_author
             FROM ONLY type::record('comment', $id)"
        }
        ReportTarget::Member => {
            "SELECT record::id(id) AS author, NONE AS community, NONE AS visibility, false AS deleted,
                display_name + ' (@' + handle + ')' AS text, NONE AS post
             FROM member WHERE handle_key = string::lowercase($id) LIMIT 1"
        }
    };
    let row: Option<Row> = if kind == ReportTarget::Member {
        let mut res = db.query(sql).bind(("id", item.to_string())).await?;
        rows(&mut res, 0)?.into_iter().next()
    } else {
        one(db, sql, item).await?
    };
    let row = row.ok_or(ModError::NotFound)?;
    if row.deleted {
        return Err(ModError::NotFound);
    }
    // A block hides the two members from each other, but never from moderators: a
    // harasser who blocks their target first must still be reportable by them. So the
    // item is judged as if there were no block with its author.
    let unblocked;
    let judge = if viewer.blocked.contains(&row.author) {
        let mut v = viewer.clone();
        v.blocked.remove(&row.author);
        unblocked = v;
        &unblocked
    } else {
        viewer
    };
    if let Some(visibility) = row.visibility
        && !judge.may_see(Audience {
            author: &row.author,
            community: row.community.as_ref(),
            visibility,
        })
    {
        return Err(ModError::NotFound);
    }
    // A comment's case is about the comment's author, not the post's.
    let author = row.comment_author.clone().unwrap_or(row.author);
    let link = match kind {
        ReportTarget::Post => format!("/p/{item}"),
        ReportTarget::Comment => format!("/p/{}#c-{item}", row.post.as_deref().unwrap_or_default()),
        ReportTarget::Member => format!("/@{item}"),
    };
    Ok(Item {
        author,
        community: row.community,
        excerpt: excerpt(&row.text),
        link,
    })
}

/// What a report says.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub kind: ReportTarget,
    /// Post or comment id, or the member's handle.
    pub item: &'a str,
    pub reason: ReportReason,
    pub note: &'a str,
    /// The reporter confirmed what the PHI guard flagged in the note.
    pub confirm_phi: bool,
}

/// Files a report by the viewer. One open report per member per item; the item's case is
/// opened (or reopened) and counts it; at `hide_threshold` reports from verified
/// professionals a post or comment is hidden pending review.
pub async fn report(
    db: &Db,
    viewer: &Viewer,
    report: &NewReport<'_>,
    hide_threshold: u32,
) -> Result<(), ModError> {
    let me = viewer.id.clone().ok_or(ModError::NotFound)?;
    let note = report.note.trim();
    if note.chars().count() > 1000 {
        return Err(AppError::invalid("note", "Keep the note under 1,000 characters.").into());
    }
    let found = reportable(db, viewer, report.kind, report.item).await?;
    if found.author == me {
        return Err(AppError::invalid("reason", "You cannot report your own content.").into());
    }
    let phi = guard_phi("note", note, report.confirm_phi)?;
    // Members are reported by handle; their case is keyed by member id.
    let item_key = if report.kind == ReportTarget::Member {
        found.author.to_string()
    } else {
        report.item.to_string()
    };
    let effects = Effects::new().audit(
        None,
        "report.auto_hidden",
        &format!("{}:{item_key}", report.kind.as_str()),
        &format!(
            "hidden pending review after {hide_threshold} reports from verified professionals"
        ),
    );
    let res = retrying(|| async {
        let q = db
            .query(format!(
                "BEGIN TRANSACTION;
                 LET $case = type::record('mod_case', [$kind, $item]);
                 LET $existing = (SELECT status, round FROM ONLY $case);
                 IF $existing = NONE {{
                    CREATE $case CONTENT {{
                        kind: $kind, item: $item, author: type::record('member', $author),
                        community: IF $community = NONE {{ NONE }} ELSE {{ type::record('community', $community) }},
                        excerpt: $excerpt, link: $link, status: 'open', round: 1
                    }};
                 }} ELSE IF $existing.status = 'closed' {{
                    UPDATE $case SET status = 'open', round += 1, reports = 0, verified_reports = 0,
                        reasons = [], hidden_pending = false, outcome = NONE, opened_at = time::now(),
                        excerpt = $excerpt;
                 }};
                 LET $round = (SELECT VALUE round FROM ONLY $case);
                 CREATE type::record('report', [$kind, $item, $me, $round]) CONTENT {{
                    case: $case, reporter: type::record('member', $me), reason: $reason, note: $note,
                    verified: $verified, round: $round,
                    phi_confirmed: IF array::len($phi) > 0 {{ $phi }} ELSE {{ NONE }}
                 }};
                 UPDATE $case SET reports += 1, verified_reports += IF $verified {{ 1 }} ELSE {{ 0 }},
                    reasons = array::union(reasons, [$reason]), updated_at = time::now();
                 LET $now = (SELECT verified_reports, hidden_pending FROM ONLY $case);
                 IF $kind != 'member' AND $now.verified_reports >= $threshold AND !$now.hidden_pending
                    AND (SELECT VALUE mod_state FROM ONLY type::record($kind, $item)) = NONE {{
                    UPDATE type::record($kind, $item) SET mod_state = 'hidden',
                        mod_reason = 'Hidden pending review: reported by several verified professionals.';
                    UPDATE $case SET hidden_pending = true;
                    {EFFECTS_SQL}
                 }};
                 COMMIT TRANSACTION;"
            ))
            .bind(("kind", report.kind.as_str()))
            .bind(("item", item_key.clone()))
            .bind(("author", found.author.to_string()))
            .bind(("community", found.community.as_ref().map(CommunityId::to_string)))
            .bind(("excerpt", found.excerpt.clone()))
            .bind(("link", found.link.clone()))
            .bind(("me", me.to_string()))
            .bind(("reason", report.reason.as_str()))
            .bind(("note", note.to_string()))
            .bind(("phi", phi.clone()))
            .bind(("verified", viewer.verified_professional))
            .bind(("threshold", i64::from(hide_threshold.max(1))));
        effects.bind(q).await.and_then(check_tx)
    })
    .await;
    match res {
        Ok(()) => Ok(()),
        Err(e) if e.message().contains("already exists") => Err(ModError::AlreadyReported),
        Err(e) => Err(e.into()),
    }
}

/// Who is moderating: a site moderator, or the communities they moderate.
#[derive(Debug, Clone, Default)]
pub struct Moderator {
    pub id: MemberId,
    pub site: bool,
    pub communities: Vec<CommunityId>,
}

impl Moderator {
    /// Loads the moderator's reach; None when they moderate nothing.
    pub async fn load(db: &Db, id: &MemberId, site: bool) -> Result<Option<Moderator>, ModError> {
        let mut res = db
            .query(
                "SELECT VALUE record::id(out) FROM member_of
                 WHERE in = type::record('member', $id) AND status = 'active' AND role IN ['owner', 'moderator']",
            )
            .bind(("id", id.to_string()))
            .await?;
        let communities: Vec<CommunityId> = rows(&mut res, 0)?;
        Ok((site || !communities.is_empty()).then(|| Moderator {
            id: id.clone(),
            site,
            communities,
        }))
    }

    fn reaches(&self, community: Option<&CommunityId>) -> bool {
        self.site || community.is_some_and(|c| self.communities.contains(c))
    }
}

const CASE_ROW: &str = "record::id(id) AS key, kind, item, link, excerpt, author.handle AS author_handle,
    community.slug AS community, status, reports, verified_reports, hidden_pending, outcome, round,
    <string> updated_at AS updated_at,
    IF kind = 'member' THEN
        (IF author.suspended_until > time::now() THEN 'suspended' ELSE NONE END)
    ELSE (SELECT VALUE mod_state FROM ONLY type::record($parent.kind, $parent.item)) END AS mod_state,
    (SELECT IF $site THEN reporter.handle ELSE NONE END AS reporter, verified, reason, note FROM report
        WHERE case = $parent.id AND round = $parent.round ORDER BY created_at ASC LIMIT 50) AS notes";

#[derive(Deserialize)]
struct CaseRow {
    kind: ReportTarget,
    item: String,
    link: String,
    excerpt: String,
    author_handle: String,
    community: Option<String>,
    status: CaseStatus,
    reports: u32,
    verified_reports: u32,
    hidden_pending: bool,
    outcome: Option<String>,
    updated_at: String,
    mod_state: Option<String>,
    notes: Vec<ReportNote>,
}

impl CaseRow {
    fn view(self) -> CaseView {
        CaseView {
            id: format!("{}:{}", self.kind.as_str(), self.item),
            kind: self.kind,
            link: self.link,
            author_handle: self.author_handle,
            excerpt: self.excerpt,
            community: self.community,
            status: self.status,
            reports: self.reports,
            verified_reports: self.verified_reports,
            hidden_pending: self.hidden_pending,
            mod_state: self.mod_state,
            notes: self.notes,
            outcome: self.outcome,
            updated_at: self.updated_at,
        }
    }
}

/// The cases a moderator may work, open (or closed) ones, most recently reported first:
/// never one about the moderator's own content (another moderator decides it).
pub async fn cases(db: &Db, m: &Moderator, open: bool) -> Result<Vec<CaseView>, ModError> {
    let scope = if m.site {
        ""
    } else {
        "AND community IN $communities"
    };
    let mut res = db
        .query(format!(
            "LET $communities = $ids.map(|$c| type::record('community', $c));
             SELECT {CASE_ROW} FROM mod_case WHERE status = $status {scope} AND author != $me
             ORDER BY updated_at DESC LIMIT 100"
        ))
        .bind(("site", m.site))
        .bind(("me", m.id.record()))
        .bind((
            "ids",
            m.communities
                .iter()
                .map(CommunityId::to_string)
                .collect::<Vec<_>>(),
        ))
        .bind((
            "status",
            if open {
                CaseStatus::Open
            } else {
                CaseStatus::Closed
            }
            .name(),
        ))
        .await?;
    let found: Vec<CaseRow> = rows(&mut res, 1)?;
    Ok(found.into_iter().map(CaseRow::view).collect())
}

/// Parses "post:abc" into the case's kind and item.
pub fn parse_case_id(id: &str) -> Option<(ReportTarget, String)> {
    let (kind, item) = id.split_once(':')?;
    let kind = ReportTarget::parse(kind)?;
    let ok = !item.is_empty()
        && item.len() <= 64
        && item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| (kind, item.to_string()))
}

/// Longest suspension a moderator can give at once.
pub const MAX_SUSPENSION_DAYS: u32 = 365;

/// One moderation action on a case, as a moderator submits it.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub case: &'a str,
    pub action: ModAction,
    pub reason: &'a str,
    /// For suspensions.
    pub days: u32,
}

/// Takes an action on a case. Several actions may be taken on one case (hide, then warn,
/// then suspend); the first one that closes it tells the reporters the outcome.
pub async fn act(db: &Db, m: &Moderator, d: &Decision<'_>) -> Result<(), ModError> {
    let (kind, item) = parse_case_id(d.case).ok_or(ModError::NotFound)?;
    let reason = d.reason.trim();
    if reason.chars().count() > 1000 {
        return Err(AppError::invalid("reason", "Keep the reason under 1,000 characters.").into());
    }
    let needs_reason = !matches!(d.action, ModAction::Dismiss | ModAction::Restore);
    if needs_reason && reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Give a reason: the author is told what was done and why.",
        )
        .into());
    }
    // A case and its item are written by concurrent reports and actions: each attempt reads
    // the case afresh, so a retry after a conflict acts on what the case is now (a report
    // that hid the item meanwhile, a reporter who joined, another action that closed it).
    retrying(|| act_once(db, m, d, kind, &item, reason)).await
}

async fn act_once(
    db: &Db,
    m: &Moderator,
    d: &Decision<'_>,
    kind: ReportTarget,
    item: &str,
    reason: &str,
) -> Result<(), ModError> {
    #[derive(Deserialize)]
    struct Case {
        author: MemberId,
        community: Option<CommunityId>,
        status: CaseStatus,
        round: i64,
        hidden_pending: bool,
        link: String,
        #[serde(default)]
        site_decided: bool,
    }
    let case: Case = {
        let mut res = db
            .query(
                "SELECT record::id(author) AS author,
                    IF community != NONE THEN record::id(community) ELSE NONE END AS community,
                    status, round, hidden_pending, link, site_decided = true AS site_decided
                 FROM ONLY type::record('mod_case', [$kind, $item])",
            )
            .bind(("kind", kind.as_str()))
            .bind(("item", item.to_string()))
            .await?;
        let v: Option<serde_json::Value> = res.take(0)?;
        v.and_then(|v| serde_json::from_value(v).ok())
            .ok_or(ModError::NotFound)?
    };
    if !m.reaches(case.community.as_ref()) {
        return Err(ModError::Forbidden(
            "Only site moderators and this community's moderators can act on this case.",
        ));
    }
    if case.author == m.id {
        return Err(ModError::Forbidden(
            "This report is about your own content: another moderator decides it.",
        ));
    }
    // What a site moderator decided about the item stands: a community moderator may
    // still warn or message, but not hide, remove, restore or dismiss it again.
    let decides_state = matches!(
        d.action,
        ModAction::Hide | ModAction::Remove | ModAction::Restore | ModAction::Dismiss
    );
    if decides_state && case.site_decided && !m.site {
        return Err(ModError::Forbidden(
            "A site moderator decided this case; only a site moderator can change that.",
        ));
    }
    if matches!(d.action, ModAction::Suspend) && !m.site {
        return Err(ModError::Forbidden(
            "Only site moderators can suspend accounts.",
        ));
    }
    if kind == ReportTarget::Member && matches!(d.action, ModAction::Hide | ModAction::Remove) {
        return Err(AppError::invalid(
            "action",
            "A profile cannot be hidden or removed: warn or suspend the member instead.",
        )
        .into());
    }
    let days = d.days.clamp(1, MAX_SUSPENSION_DAYS);
    let what = match kind {
        ReportTarget::Post => "post",
        ReportTarget::Comment => "comment",
        ReportTarget::Member => "profile",
    };
    let because = if reason.is_empty() {
        String::new()
    } else {
        format!(" Reason: {reason}")
    };
    let (author_text, outcome) = match d.action {
        ModAction::Dismiss => (None, "No violation found".to_string()),
        ModAction::Hide => (
            Some(format!(
                "Moderators hid your {what}: readers now see a notice instead.{because}"
            )),
            format!("The {what} was hidden"),
        ),
        ModAction::Remove => (
            Some(format!("Moderators removed your {what}.{because}")),
            format!("The {what} was removed"),
        ),
        ModAction::Warn => (
            Some(format!(
                "A warning from the moderators about your {what}.{because}"
            )),
            "The author was warned".to_string(),
        ),
        ModAction::Suspend => (
            Some(format!(
                "Your account is suspended for {days} day{}: you cannot post, comment or report until then.{because}",
                if days == 1 { "" } else { "s" }
            )),
            "The author was suspended".to_string(),
        ),
        ModAction::Restore => (
            Some(format!("Moderators restored your {what}.{because}")),
            format!("The {what} was restored"),
        ),
        ModAction::Message => (
            Some(format!("A message from the moderators: {reason}")),
            String::new(),
        ),
    };
    let mut effects = Effects::new().audit(
        Some(&m.id),
        &format!("case.{}", d.action.as_str()),
        &format!("{}:{item}", kind.as_str()),
        &if d.action == ModAction::Suspend {
            format!("{days} days. {reason}")
        } else {
            reason.to_string()
        },
    );
    if let Some(text) = &author_text {
        effects = effects.notify(&case.author, NotificationKind::Moderation, text, &case.link);
    }
    let closing = d.action.closes() && case.status == CaseStatus::Open;
    if closing {
        let mut res = db
            .query(
                "SELECT VALUE record::id(reporter) FROM report
                 WHERE case = type::record('mod_case', [$kind, $item]) AND round = $round",
            )
            .bind(("kind", kind.as_str()))
            .bind(("item", item.to_string()))
            .bind(("round", case.round))
            .await?;
        let reporters: Vec<MemberId> = rows(&mut res, 0)?;
        let text = format!("We reviewed the {what} you reported. Outcome: {outcome}.");
        for r in reporters {
            effects = effects.notify(&r, NotificationKind::Report, &text, &case.link);
        }
    }
    // Dismissing an auto-hidden item shows it again.
    let state: Option<ModState> = match d.action {
        ModAction::Hide => Some(ModState::Hidden),
        ModAction::Remove => Some(ModState::Removed),
        _ => None,
    };
    let clear_state = matches!(d.action, ModAction::Restore)
        || (d.action == ModAction::Dismiss && case.hidden_pending);
    let sql = format!(
            "BEGIN TRANSACTION;
             LET $case = type::record('mod_case', [$kind, $item]);
             LET $target = IF $kind = 'member' {{ NONE }} ELSE {{ type::record($kind, $item) }};
             IF $state != NONE AND $target != NONE {{
                UPDATE $target SET mod_state = $state, mod_reason = $reason;
             }};
             IF $clear AND $target != NONE {{
                UPDATE $target SET mod_state = NONE, mod_reason = NONE;
             }};
             IF $suspend {{
                UPDATE type::record('member', $author) SET suspended_until = time::now() + type::duration($days + 'd');
             }};
             IF $unsuspend {{
                UPDATE type::record('member', $author) SET suspended_until = NONE;
             }};
             IF $closing {{
                UPDATE $case SET status = 'closed', outcome = $outcome, hidden_pending = false, updated_at = time::now();
             }} ELSE {{
                UPDATE $case SET updated_at = time::now();
             }};
             IF $site_decides {{ UPDATE $case SET site_decided = true }};
             {EFFECTS_SQL}
             COMMIT TRANSACTION;"
    );
    let q = db
        .query(&sql)
        .bind(("kind", kind.as_str()))
        .bind(("item", item.to_string()))
        .bind(("state", state.map(StoredName::name)))
        .bind(("reason", reason.to_string()))
        .bind(("clear", clear_state))
        .bind(("suspend", d.action == ModAction::Suspend))
        .bind((
            "unsuspend",
            d.action == ModAction::Restore && kind == ReportTarget::Member,
        ))
        .bind(("author", case.author.to_string()))
        .bind(("days", days.to_string()))
        .bind(("closing", closing))
        .bind(("site_decides", decides_state && m.site))
        .bind(("outcome", outcome));
    effects.bind(q).await.and_then(check_tx)?;
    Ok(())
}
