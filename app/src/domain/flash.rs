//! What a failed no-JS form submit leaves for the page it returns to: the error (with what
//! the member typed, so the form is filled again), kept server-side for a minute under a
//! random id that only a short-lived HttpOnly cookie carries.
//!
//! Leptos puts the whole error in the redirect's query (`__err=`, base64), so a post body
//! with the identifiers the PHI guard flagged, an NPI or an email went to the address bar,
//! history, proxy logs and Referer headers. The server now keeps it here instead and gives
//! it back to the next page render of the same browser, once.

use rand::Rng;
use serde::Deserialize;

use crate::db::Db;

/// The cookie that names a browser's pending flash.
pub const COOKIE: &str = "rounds_flash";

/// How long a flash waits for its page (the redirect follows at once).
pub const TTL_SECS: u64 = 120;

/// A failed submit's error as Leptos encodes it, and the server function it came from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Flash {
    pub err: String,
    pub path: String,
}

/// A fresh flash id: 32 characters of `[a-z0-9]` (165 bits), unguessable.
fn new_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..32)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Whether `id` has the shape [`new_id`] gives (anything else names no flash).
pub fn well_formed(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Keeps `flash` and returns its id; expired flashes go in the same statement.
pub async fn store(db: &Db, flash: &Flash) -> Result<String, surrealdb::Error> {
    let id = new_id();
    db.query(
        "DELETE flash WHERE expires_at < time::now();
         CREATE type::record('flash', $id) SET err = $err, path = $path,
            expires_at = time::now() + type::duration($ttl);",
    )
    .bind(("id", id.clone()))
    .bind(("err", flash.err.clone()))
    .bind(("path", flash.path.clone()))
    .bind(("ttl", format!("{TTL_SECS}s")))
    .await?
    .check()?;
    Ok(id)
}

/// Takes the flash `id` (it is deleted: a flash is shown once), if it exists and has not
/// expired.
pub async fn take(db: &Db, id: &str) -> Result<Option<Flash>, surrealdb::Error> {
    if !well_formed(id) {
        return Ok(None);
    }
    let mut res = db
        .query("DELETE type::record('flash', $id) WHERE expires_at >= time::now() RETURN BEFORE;")
        .bind(("id", id.to_string()))
        .await?;
    let gone: Vec<serde_json::Value> = res.take(0)?;
    Ok(gone
        .into_iter()
        .next()
        .and_then(|v| serde_json::from_value(v).ok()))
}
