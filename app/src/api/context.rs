//! What every server function needs from the server: the database, the auth settings,
//! who is asking (from the session cookie) and their side of the visibility rules, rate
//! limits, and the one way a failed form keeps what the member typed.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::ConnectInfo;
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::db::Db;
use crate::domain::accounts::MemberRow;
use crate::domain::rate_limit::{self, Limit};
use crate::domain::viewer::Viewer;
use crate::domain::{internal, sessions};
use crate::error::{AppError, AppResult};

/// Settings the auth and safety rules read; built by the server from Leptos.toml + env.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub session_ttl: Duration,
    /// Mark cookies `Secure` (set when the site is served over https).
    pub secure_cookies: bool,
    pub signin_per_ip: Limit,
    pub signin_per_account: Limit,
    pub signup_per_ip: Limit,
    /// Reports from this many distinct verified professionals hide an item pending review.
    pub report_hide_threshold: u32,
    /// Addresses of the reverse proxies in front of Rounds: only a request from one of
    /// them has its `X-Forwarded-For` read (otherwise anyone could name any address and
    /// dodge the per-IP limits); behind a proxy without this, every visitor shares the
    /// proxy's one per-IP bucket.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            secure_cookies: false,
            signin_per_ip: Limit {
                max: 30,
                window: Duration::from_secs(600),
            },
            signin_per_account: Limit {
                max: 10,
                window: Duration::from_secs(600),
            },
            signup_per_ip: Limit {
                max: 10,
                window: Duration::from_secs(3600),
            },
            report_hide_threshold: 3,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Shared server state handed to Leptos as context for pages and server functions.
#[derive(Clone)]
pub struct ServerContext {
    /// The server's own handle; requests read through their own session (see [`db`]).
    pub db: Arc<Db>,
    pub auth: Arc<AuthSettings>,
    /// Every request reads through the server's own session instead of opening one: on a
    /// SurrealDB server (see [`RequestDb`]).
    pub shared_session: bool,
}

/// The server context, provided for every page and server function by the router.
///
/// It goes missing when a browser leaves while its page is rendering: the request's
/// owner (which holds the context) is dropped, but a resource of the page is still
/// running and asks for the database. Nobody waits for that answer, so this is logged at
/// debug level, not as an error. (Were the router ever to stop providing it, every page
/// would answer 500, which the tests and the access log's failures show.)
pub fn server_context() -> AppResult<ServerContext> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::debug!("no server context: the request ended before its page was rendered");
        AppError::internal()
    })
}

/// This request's database session, opened by the first [`db`] call of the request and
/// closed when the request ends; the server provides an unopened one per request.
///
/// In the SurrealDB 3 SDK, cloning a `Surreal` opens a session in the engine (dropping it
/// closes one), through one background task, and each session's set-up issues a
/// `membarrier` system call. A clone per `db()` call and per copy of the server state
/// queued them up under load until requests waited seconds for a session. (One session
/// shared by all requests avoided that but cost the home feed much of its throughput, for
/// reasons not found; one per request keeps the engine's behaviour as it was. Numbers in
/// docs/benchmarks.md.)
///
/// On a SurrealDB server (`ws://`) it is the other way round. A new session there replays
/// the first one's commands, root sign-in included, and the server checks the root
/// password (Argon2) again each time: every request paid a password hash on the database
/// server. There, requests share the server's session ([`ServerContext::shared_session`]);
/// Rounds sets no session variables, so nothing of one request can reach another.
#[derive(Clone, Default)]
pub struct RequestDb(Arc<OnceLock<Arc<Db>>>);

/// The database handle: this request's session (see [`RequestDb`]).
pub fn db() -> AppResult<Arc<Db>> {
    let server = server_context()?;
    let request = use_context::<RequestDb>().unwrap_or_default();
    if server.shared_session {
        return Ok(server.db);
    }
    Ok(request
        .0
        .get_or_init(|| Arc::new(Db::clone(&server.db)))
        .clone())
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of the session cookie on this request, if any.
pub fn session_token() -> Option<String> {
    let parts = request_parts()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| {
            header.split(';').map(str::trim).find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                (name == sessions::COOKIE).then(|| value.to_string())
            })
        })
}

/// The session lookup of one request, shared by everything that renders it (the shell
/// and each page resource ask who is signed in); the server provides a fresh one per
/// request.
#[derive(Clone, Default)]
pub struct MemberMemo(Arc<tokio::sync::OnceCell<Option<MemberRow>>>);

/// The signed-in member, or None.
pub async fn current_member() -> AppResult<Option<MemberRow>> {
    let Some(token) = session_token() else {
        return Ok(None);
    };
    let db = db()?;
    let lookup = || async {
        sessions::lookup(&db, &token)
            .await
            .map_err(|e| internal("session lookup", e))
    };
    match use_context::<MemberMemo>() {
        Some(memo) => memo.0.get_or_try_init(lookup).await.cloned(),
        None => lookup().await,
    }
}

/// The signed-in member, or a 401.
pub async fn require_member() -> AppResult<MemberRow> {
    current_member().await?.ok_or_else(AppError::unauthorized)
}

/// The signed-in member, unless suspended: what every write that others can see needs
/// (posting, editing a profile, starting or running a community, following, asking to
/// connect, reacting, labelling). What protects the member (blocking, muting, leaving,
/// deleting their own content, signing out) only needs [`require_member`].
pub async fn require_active_member() -> AppResult<MemberRow> {
    let me = require_member().await?;
    not_suspended(&me)?;
    Ok(me)
}

/// The caller and their side of the visibility rules (with whom they follow when
/// `with_following`).
pub async fn viewer(with_following: bool) -> AppResult<(Option<MemberRow>, Viewer)> {
    let me = current_member().await?;
    let v = Viewer::load_member(&*db()?, me.as_ref(), with_following)
        .await
        .map_err(|e| internal("viewer", e))?;
    Ok((me, v))
}

/// The caller and a *lean* viewer (see [`Viewer::load_lean`]: no connection list), or a
/// visitor's, for the read paths whose domain functions learn the connections they need
/// to judge connections-only posts — the post page, a member's posts, a community's.
/// A well-connected clinician's connection list is hundreds of edges.
pub async fn reader() -> AppResult<(Option<MemberRow>, Viewer)> {
    let me = current_member().await?;
    let v = match &me {
        Some(me) => Viewer::load_lean(&*db()?, me)
            .await
            .map_err(|e| internal("viewer", e))?,
        None => Viewer::anonymous(),
    };
    Ok((me, v))
}

/// Counts one more `what` (e.g. "posted") by `member` against `limit`; a 429 that says
/// to wait once it is reached.
pub async fn limited(scope: &str, member: &str, limit: Limit, what: &str) -> AppResult<()> {
    let ok = rate_limit::hit(&*db()?, scope, member, limit)
        .await
        .map_err(|e| internal("rate limit", e))?;
    if ok {
        Ok(())
    } else {
        Err(AppError::too_many(format!(
            "You have {what} a lot in the last few minutes. Please wait a little and try again."
        )))
    }
}

/// Runs a form's server function, and when it fails echoes back what the member typed
/// (`typed`: form name and value; never a password) with the error, so the form — even a
/// no-JavaScript one sent back to its page — is refilled: the one way every form keeps
/// its input.
pub async fn keeping<T>(
    typed: &[(&str, &str)],
    body: impl Future<Output = AppResult<T>>,
) -> AppResult<T> {
    body.await.map_err(|e| e.keep(typed.iter().copied()))
}

/// A post id from a form or URL; one that cannot be an id is a post that does not exist.
pub fn post_id(id: &str) -> AppResult<crate::model::PostId> {
    crate::model::PostId::parse(id).map_err(|_| crate::domain::posts::PostError::NotFound.into())
}

/// A comment id from a form; one that cannot be an id names no comment (a 404, as for
/// one that does not exist).
pub fn comment_id(id: &str) -> AppResult<crate::model::CommentId> {
    crate::model::CommentId::parse(id).map_err(|_| crate::domain::posts::PostError::NotFound.into())
}

/// Refuses a suspended member's writes (posts, comments, reports) with a 403 that says
/// until when.
pub fn not_suspended(me: &MemberRow) -> AppResult<()> {
    match &me.suspended_until {
        Some(until) => Err(AppError::forbidden(format!(
            "Your account is suspended until {} UTC: until then you cannot post, comment, report or change what others see.",
            until.get(..16).unwrap_or(until).replace('T', " ")
        ))),
        None => Ok(()),
    }
}

/// A checkbox's submitted value: checked boxes send "on" (or "true" from scripts).
pub fn checked(value: &str) -> bool {
    matches!(value.trim(), "on" | "true" | "1" | "yes")
}

/// The signed-in site moderator, or 401 (signed out) / 403 (anyone else).
pub async fn require_site_moderator() -> AppResult<MemberRow> {
    let me = require_member().await?;
    if me.is_site_moderator() {
        Ok(me)
    } else {
        Err(AppError::forbidden("Only moderators can do this."))
    }
}

/// The client's IP address: the socket peer, or, when the peer is one of the configured
/// trusted proxies, the nearest address in `X-Forwarded-For` that is not a trusted proxy
/// (read from the right: each proxy appends the address it received from, and only the
/// entries our own proxies added can be believed).
pub fn client_ip() -> String {
    let Some(parts) = request_parts() else {
        return IpAddr::from([0, 0, 0, 0]).to_string();
    };
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let trusted = server_context()
        .map(|c| c.auth.trusted_proxies.clone())
        .unwrap_or_default();
    forwarded_client(peer, &parts.headers, &trusted).to_string()
}

/// [`client_ip`]'s rule, on its own: `peer` and the request's headers.
pub fn forwarded_client(peer: IpAddr, headers: &http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|h| h.trim().parse::<IpAddr>().ok())
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// How often a member may do what reaches other members, per window: enough for anyone
/// using Rounds by hand, far below what a script spamming follows, connection notes,
/// reports or new communities would need.
pub mod write_limits {
    use std::time::Duration;

    use crate::domain::rate_limit::Limit;

    const TEN_MINUTES: Duration = Duration::from_secs(600);
    const A_DAY: Duration = Duration::from_secs(86_400);
    pub const REACTIONS: Limit = Limit {
        max: 300,
        window: TEN_MINUTES,
    };
    pub const FOLLOWS: Limit = Limit {
        max: 100,
        window: TEN_MINUTES,
    };
    pub const CONNECTION_REQUESTS: Limit = Limit {
        max: 40,
        window: TEN_MINUTES,
    };
    pub const COMMUNITIES: Limit = Limit {
        max: 5,
        window: A_DAY,
    };
    pub const REPORTS: Limit = Limit {
        max: 30,
        window: TEN_MINUTES,
    };
    pub const LABEL_PROPOSALS: Limit = Limit {
        max: 20,
        window: TEN_MINUTES,
    };
}

/// The request's User-Agent, for the sessions list.
pub fn user_agent() -> String {
    request_parts()
        .and_then(|p| {
            p.headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// Sets the session cookie (HttpOnly, SameSite=Lax, Secure behind https).
pub fn set_session_cookie(token: &str, ttl: Duration) -> AppResult<()> {
    let auth = server_context()?.auth;
    let secure = if auth.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        sessions::COOKIE,
        ttl.as_secs()
    );
    append_cookie(&cookie)
}

/// Expires the session cookie.
pub fn clear_session_cookie() -> AppResult<()> {
    let auth = server_context()?.auth;
    let secure = if auth.secure_cookies { "; Secure" } else { "" };
    append_cookie(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        sessions::COOKIE
    ))
}

fn append_cookie(cookie: &str) -> AppResult<()> {
    let value = HeaderValue::from_str(cookie).map_err(|e| internal("cookie header", e))?;
    if let Some(opts) = use_context::<ResponseOptions>() {
        opts.append_header(SET_COOKIE, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn session_id(db: &Db) -> String {
        let mut res = db.query("RETURN <string> session::id()").await.unwrap();
        let id: Option<String> = res.take(0).unwrap();
        id.expect("a session id")
    }

    /// The handles `db()` gives out during one request, in an owner set up as the router
    /// sets one up.
    fn request(server: &ServerContext) -> (Arc<Db>, Arc<Db>) {
        Owner::new().with(|| {
            provide_context(server.clone());
            provide_context(RequestDb::default());
            (db().unwrap(), db().unwrap())
        })
    }

    #[tokio::test]
    async fn a_request_reads_through_one_session_of_its_own() {
        let server = ServerContext {
            db: Arc::new(crate::db::open_for_test().await.unwrap()),
            auth: Arc::new(AuthSettings::default()),
            shared_session: false,
        };
        let (first, again) = request(&server);
        let (other, _) = request(&server);
        let ours = session_id(&first).await;
        assert_eq!(
            ours,
            session_id(&again).await,
            "one request opened two sessions"
        );
        assert_ne!(
            ours,
            session_id(&other).await,
            "two requests shared a session"
        );
        assert_ne!(
            ours,
            session_id(&server.db).await,
            "a request used the server's own"
        );
        let namespace: Option<String> = first
            .query("RETURN session::ns()")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        let server_ns: Option<String> = server
            .db
            .query("RETURN session::ns()")
            .await
            .unwrap()
            .take(0)
            .unwrap();
        assert_eq!(
            namespace, server_ns,
            "a request's session is in the server's namespace"
        );
    }
}
