//! Posts, comments, reactions and communities as the pages see them, and the input rules
//! for them (shared: the server always enforces them, the composer checks early).

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::member::Role;

pub const POST_MAX: usize = 5000;
pub const COMMENT_MAX: usize = 2000;
pub const MAX_CITATIONS: usize = 10;
/// Posts per page of the home, profile and community feeds. Ten fill two phone screens;
/// more arrive as the reader scrolls ("Load more" without JavaScript). Twenty made the
/// home feed's hydration blow the mobile Lighthouse budget (docs/benchmarks.md).
pub const FEED_PAGE: usize = 10;

/// Who may read a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Connections,
    Community,
    Verified,
}

impl Visibility {
    pub const ALL: [Visibility; 4] = [
        Visibility::Public,
        Visibility::Connections,
        Visibility::Community,
        Visibility::Verified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Connections => "connections",
            Visibility::Community => "community",
            Visibility::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The picker's wording.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Public => "Public — anyone, even signed out",
            Visibility::Connections => "Connections only",
            Visibility::Community => "Community members only",
            Visibility::Verified => "Verified professionals only",
        }
    }

    /// The short marker on a post.
    pub fn badge(self) -> &'static str {
        match self {
            Visibility::Public => "Public",
            Visibility::Connections => "Connections",
            Visibility::Community => "Members",
            Visibility::Verified => "Verified professionals",
        }
    }
}

/// How a member reacts to a post; one of each kind per member, toggled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ReactionKind {
    Like,
    Insightful,
    Support,
}

impl ReactionKind {
    pub const ALL: [ReactionKind; 3] = [
        ReactionKind::Like,
        ReactionKind::Insightful,
        ReactionKind::Support,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Like => "like",
            ReactionKind::Insightful => "insightful",
            ReactionKind::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<ReactionKind> {
        ReactionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReactionKind::Like => "Like",
            ReactionKind::Insightful => "Insightful",
            ReactionKind::Support => "Support",
        }
    }
}

/// Counts per reaction kind and which ones the viewer gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Reactions {
    pub like: u32,
    pub insightful: u32,
    pub support: u32,
    pub mine_like: bool,
    pub mine_insightful: bool,
    pub mine_support: bool,
}

impl Reactions {
    pub fn count(&self, k: ReactionKind) -> u32 {
        match k {
            ReactionKind::Like => self.like,
            ReactionKind::Insightful => self.insightful,
            ReactionKind::Support => self.support,
        }
    }

    pub fn mine(&self, k: ReactionKind) -> bool {
        match k {
            ReactionKind::Like => self.mine_like,
            ReactionKind::Insightful => self.mine_insightful,
            ReactionKind::Support => self.mine_support,
        }
    }

    /// The counts after the viewer toggles `k` (for optimistic display).
    pub fn toggled(mut self, k: ReactionKind) -> Reactions {
        let (count, mine) = match k {
            ReactionKind::Like => (&mut self.like, &mut self.mine_like),
            ReactionKind::Insightful => (&mut self.insightful, &mut self.mine_insightful),
            ReactionKind::Support => (&mut self.support, &mut self.mine_support),
        };
        if *mine {
            *count = count.saturating_sub(1);
        } else {
            *count += 1;
        }
        *mine = !*mine;
        self
    }
}

/// A source a post cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// "doi", "pmid" or "url".
    pub kind: String,
    /// The identifier as shown (e.g. "10.1056/NEJMoa2034577", "PMID 33301246").
    pub value: String,
    /// Where it resolves.
    pub href: String,
}

/// Who wrote a post or comment, as shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub handle: String,
    pub shown_name: String,
    pub role: Role,
    pub specialty: Option<String>,
    #[serde(default)]
    pub verified: bool,
    /// The author's conflict-of-interest disclosure, shown on their posts.
    #[serde(default)]
    pub conflicts: Option<String>,
}

/// The community a post belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityRef {
    pub slug: String,
    pub name: String,
}

/// A post as a reader sees it. Deleted posts are tombstones: no author, no body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub id: crate::model::PostId,
    pub author: Option<Author>,
    pub community: Option<CommunityRef>,
    /// Sanitized HTML rendered from the Markdown body.
    pub html: String,
    pub citations: Vec<Citation>,
    pub visibility: Visibility,
    /// RFC 3339.
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
    pub pinned: bool,
    pub comment_count: u32,
    pub reactions: Reactions,
    /// The viewer wrote it (may edit and delete).
    pub mine: bool,
    /// Paid or promotional content, labelled "Sponsored".
    #[serde(default)]
    pub sponsored: bool,
    /// Set when moderators hid or removed it: readers see this notice instead.
    #[serde(default)]
    pub moderation: Option<crate::model::ModNotice>,
    /// A misinformation label, shown above the post.
    #[serde(default)]
    pub misinfo: Option<crate::model::MisinfoLabel>,
}

/// Where a list of posts comes from, for loading its next pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostSource {
    Home,
    Member(String),
    Community(String),
}

impl PostSource {
    /// The address of the page that lists it (`/`, `/@handle`, `/c/slug`): its no-JS
    /// "Load more" link and its name in a `more_posts` request.
    pub fn path(&self) -> String {
        match self {
            PostSource::Home => "/".to_string(),
            PostSource::Member(h) => format!("/@{h}"),
            PostSource::Community(s) => format!("/c/{s}"),
        }
    }

    /// Reads [`PostSource::path`] back; None for any other address.
    pub fn from_path(path: &str) -> Option<Self> {
        let one = |s: &str| (!s.is_empty() && !s.contains('/')).then(|| s.to_string());
        if path == "/" {
            Some(PostSource::Home)
        } else if let Some(h) = path.strip_prefix("/@") {
            one(h).map(PostSource::Member)
        } else {
            path.strip_prefix("/c/")
                .and_then(one)
                .map(PostSource::Community)
        }
    }
}

/// One page of posts with a cursor for the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PostPage {
    pub items: Vec<PostView>,
    pub next: Option<String>,
}

/// A comment; replies are nested one level under their parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: crate::model::CommentId,
    pub author: Option<Author>,
    pub html: String,
    pub created_at: String,
    pub deleted: bool,
    /// By a member with a block either way with the reader: kept (without text or author)
    /// only so that its replies keep their place.
    #[serde(default)]
    pub unavailable: bool,
    pub mine: bool,
    pub replies: Vec<CommentView>,
    #[serde(default)]
    pub moderation: Option<crate::model::ModNotice>,
}

/// A post with its comments and, for its author, the Markdown source for editing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostThread {
    pub post: PostView,
    pub comments: Vec<CommentView>,
    /// Markdown and citation lines, only for the author.
    pub source: Option<(String, String)>,
    /// What the reader may do beyond reading.
    #[serde(default)]
    pub reader: ReaderRights,
}

/// What the reader of a thread may do: report (signed in), propose a misinformation label
/// (verified professionals) or attach one (site moderators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReaderRights {
    pub signed_in: bool,
    pub verified: bool,
    pub moderator: bool,
}

/// Parses the composer's citation lines (one per line): a DOI (bare, `doi:` or a doi.org
/// URL), a PubMed ID (`PMID 123`, `pmid:123` or bare digits) or an http(s) URL.
pub fn parse_citations(text: &str) -> Result<Vec<Citation>, AppError> {
    let mut out: Vec<Citation> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let c = parse_citation(line).ok_or_else(|| {
            AppError::invalid(
                "citations",
                format!(
                    "Line {}: “{}” is not a DOI (10.xxxx/…), a PubMed ID (PMID 12345678) or an http(s) link.",
                    n + 1,
                    truncate(line, 60)
                ),
            )
        })?;
        if !out.iter().any(|o| o.href == c.href) {
            out.push(c);
        }
    }
    if out.len() > MAX_CITATIONS {
        return Err(AppError::invalid(
            "citations",
            format!("At most {MAX_CITATIONS} sources per post."),
        ));
    }
    Ok(out)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn parse_citation(line: &str) -> Option<Citation> {
    let lower = line.to_ascii_lowercase();
    let doi = [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "doi:",
        "doi ",
    ]
    .iter()
    .find_map(|p| lower.starts_with(p).then(|| line[p.len()..].trim()))
    .or_else(|| line.starts_with("10.").then_some(line));
    if let Some(d) = doi {
        return valid_doi(d).then(|| Citation {
            kind: "doi".into(),
            value: d.to_string(),
            href: format!("https://doi.org/{d}"),
        });
    }
    let pmid = ["pmid:", "pmid "]
        .iter()
        .find_map(|p| lower.starts_with(p).then(|| line[p.len()..].trim()))
        .or_else(|| line.chars().all(|c| c.is_ascii_digit()).then_some(line));
    if let Some(p) = pmid {
        return (!p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_digit())).then(
            || Citation {
                kind: "pmid".into(),
                value: format!("PMID {p}"),
                href: format!("https://pubmed.ncbi.nlm.nih.gov/{p}/"),
            },
        );
    }
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && line.len() <= 500
        && !line
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        && line.split("://").nth(1).is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            host.contains('.') && !host.starts_with('.')
        })
    {
        return Some(Citation {
            kind: "url".into(),
            value: line.to_string(),
            href: line.to_string(),
        });
    }
    None
}

/// `10.<4-9 digit registrant>/<suffix without spaces>`.
fn valid_doi(d: &str) -> bool {
    let Some((prefix, suffix)) = d.split_once('/') else {
        return false;
    };
    let Some(reg) = prefix.strip_prefix("10.") else {
        return false;
    };
    let reg_ok = reg
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && reg.len() >= 4;
    reg_ok
        && !suffix.is_empty()
        && d.len() <= 300
        && !suffix
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// Checks a post body: not blank, at most [`POST_MAX`] characters.
pub fn check_post_body(body: &str) -> Result<String, AppError> {
    check_text("body", body, POST_MAX, "Write something before posting.")
}

/// Checks a comment body.
pub fn check_comment_body(body: &str) -> Result<String, AppError> {
    check_text("body", body, COMMENT_MAX, "Write a comment first.")
}

fn check_text(field: &str, body: &str, max: usize, empty: &str) -> Result<String, AppError> {
    let body = body.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(AppError::invalid(field, empty));
    }
    let n = body.chars().count();
    if n > max {
        return Err(AppError::invalid(
            field,
            format!(
                "That is {n} characters; the limit is {max}. Shorten it by {}.",
                n - max
            ),
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_sources_round_trip_through_their_paths_and_nothing_else_parses() {
        for source in [
            PostSource::Home,
            PostSource::Member("ada.okafor".into()),
            PostSource::Community("asthma".into()),
        ] {
            assert_eq!(PostSource::from_path(&source.path()), Some(source));
        }
        for bad in [
            "",
            "home",
            "/@",
            "/c/",
            "/c/a/b",
            "/@a/followers",
            "/p/1",
            "//",
        ] {
            assert_eq!(PostSource::from_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn citations_accept_dois_pmids_and_links() {
        let c = parse_citations(
            "10.1056/NEJMoa2034577\n doi:10.1001/jama.2020.1585 \nhttps://doi.org/10.1136/bmj.m1849\nPMID 33301246\npmid:123\n12345678\nhttps://www.who.int/news\n",
        )
        .unwrap();
        let kinds: Vec<&str> = c.iter().map(|c| c.kind.as_str()).collect();
        assert_eq!(kinds, ["doi", "doi", "doi", "pmid", "pmid", "pmid", "url"]);
        assert_eq!(c[0].href, "https://doi.org/10.1056/NEJMoa2034577");
        assert_eq!(c[3].href, "https://pubmed.ncbi.nlm.nih.gov/33301246/");
    }

    #[test]
    fn citations_refuse_junk_with_the_line_number() {
        for bad in [
            "javascript:alert(1)",
            "10.12/short",
            "PMID 123456789",
            "ftp://x.org/a",
            "https://nohost",
            "see my blog",
        ] {
            let err = parse_citations(&format!("10.1056/ok\n{bad}")).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("citations"), "{bad}");
            assert!(err.message.starts_with("Line 2:"), "{}", err.message);
        }
        let many: String = (1..=11).map(|i| format!("PMID {i}\n")).collect();
        assert!(parse_citations(&many).is_err());
    }

    #[test]
    fn bodies_are_trimmed_and_limited() {
        assert!(check_post_body("   ").is_err());
        assert_eq!(check_post_body(" hi \r\n").unwrap(), "hi");
        let long = "é".repeat(POST_MAX + 1);
        let e = check_post_body(&long).unwrap_err();
        assert!(e.message.contains("limit is 5000"), "{}", e.message);
        assert!(check_post_body(&"é".repeat(POST_MAX)).is_ok());
    }

    #[test]
    fn toggling_a_reaction_flips_count_and_mine() {
        let r = Reactions::default().toggled(ReactionKind::Like);
        assert_eq!((r.like, r.mine_like), (1, true));
        let r = r.toggled(ReactionKind::Like);
        assert_eq!((r.like, r.mine_like), (0, false));
    }
}
