//! Sessions: a random opaque token in the member's cookie; the database keeps only its
//! SHA-256, with an expiry. Sessions live in SurrealDB so they survive restarts and are
//! shared by every app server.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::accounts::MemberRow;
use super::rows;
use crate::db::Db;
use crate::model::MemberId;

/// The session cookie's name.
pub const COOKIE: &str = "rounds_session";

/// A freshly issued session: the token goes to the cookie, never to the database.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub ttl: Duration,
}

/// The database key for a token.
fn token_id(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// 256 random bits, URL-safe.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

const CREATE: &str = "
CREATE type::record('session', $id) SET
    member = type::record('member', $member),
    expires_at = time::now() + <duration> $ttl,
    user_agent = $user_agent;";

/// Starts a session for `member_id` that lasts `ttl`.
pub async fn create(
    db: &Db,
    member_id: &MemberId,
    ttl: Duration,
    user_agent: &str,
) -> Result<Issued, surrealdb::Error> {
    let token = new_token();
    let user_agent: String = user_agent.chars().take(300).collect();
    db.query(CREATE)
        .bind(("id", token_id(&token)))
        .bind(("member", member_id.to_string()))
        .bind(("ttl", format!("{}ms", ttl.as_millis())))
        .bind(("user_agent", user_agent))
        .await?
        .check()?;
    Ok(Issued { token, ttl })
}

/// One session read, then one member read: selecting from the session's member link reads
/// the member record once (`member.a, member.b, …` each read it again).
const LOOKUP: &str = "
SELECT record::id(id) AS id, handle, display_name, role, is_moderator = true AS moderator,
       is_admin = true AS admin, verified = true AS verified, unread ?? 0 AS unread,
       IF suspended_until > time::now() THEN <string> suspended_until ELSE NONE END AS suspended_until
FROM (SELECT VALUE member FROM type::record('session', $id) WHERE expires_at > time::now())
WHERE id != NONE;";

/// The member behind a cookie token, if the session exists and has not expired.
pub async fn lookup(db: &Db, token: &str) -> Result<Option<MemberRow>, surrealdb::Error> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let mut res = db.query(LOOKUP).bind(("id", token_id(token))).await?;
    Ok(rows(&mut res, 0)?.into_iter().next())
}

/// Ends the session behind a token (sign-out, or rotation at sign-in).
pub async fn delete(db: &Db, token: &str) -> Result<(), surrealdb::Error> {
    if token.is_empty() || token.len() > 100 {
        return Ok(());
    }
    db.query("DELETE type::record('session', $id);")
        .bind(("id", token_id(token)))
        .await?
        .check()?;
    Ok(())
}

/// Ends every session of a member (e.g. after a password change or suspension).
pub async fn delete_all_for(db: &Db, member_id: &MemberId) -> Result<(), surrealdb::Error> {
    db.query("DELETE session WHERE member = type::record('member', $member);")
        .bind(("member", member_id.to_string()))
        .await?
        .check()?;
    Ok(())
}

/// Removes expired sessions and rate-limit windows; run periodically.
pub async fn purge_expired(db: &Db) -> Result<(), surrealdb::Error> {
    db.query(
        "DELETE session WHERE expires_at <= time::now();
         DELETE rate_limit WHERE expires_at <= time::now();",
    )
    .await?
    .check()?;
    Ok(())
}
