//! Accounts: sign-up with argon2id password hashes, credential checks for sign-in.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use serde::Deserialize;

use super::{internal, rows};
use crate::db::Db;
use crate::error::AppError;
use crate::model::{CurrentMember, MemberId, Role, validate};

/// Why an account operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(AppError),
    #[error("email already registered")]
    EmailTaken,
    #[error("handle already taken")]
    HandleTaken,
    #[error("wrong email/handle or password")]
    WrongCredentials,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("database: {0}")]
    Db(#[from] surrealdb::Error),
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(e) => e,
            AccountError::EmailTaken => AppError::conflict(
                "email",
                "An account with this email already exists. Sign in instead, or use another email.",
            ),
            AccountError::HandleTaken => {
                AppError::conflict("handle", "That handle is taken. Please choose another.")
            }
            AccountError::WrongCredentials => AppError::new(
                crate::error::ErrorKind::Unauthorized,
                "That email/handle and password do not match an account.",
            )
            .on("password"),
            AccountError::Hash(e) => internal("password hashing", e),
            AccountError::Db(e) => internal("accounts query", e),
        }
    }
}

/// What the sign-up form submits.
#[derive(Debug, Clone)]
pub struct SignUp {
    pub email: String,
    pub handle: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
}

/// A member row as sign-in and sessions need it.
#[derive(Debug, Clone, Deserialize)]
pub struct MemberRow {
    pub id: MemberId,
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    #[serde(default)]
    pub password_hash: String,
    /// Site moderator (or admin): may work every moderation queue.
    #[serde(default)]
    pub moderator: bool,
    #[serde(default)]
    pub admin: bool,
    /// A moderator approved their credential.
    #[serde(default)]
    pub verified: bool,
    /// Until when the member may not post, comment or report (RFC 3339), if suspended now.
    #[serde(default)]
    pub suspended_until: Option<String>,
    /// Unread notifications.
    #[serde(default)]
    pub unread: u32,
}

impl MemberRow {
    /// A professional whose credential a moderator checked (a verified organization is
    /// verified as an organization, which is a different fact).
    pub fn verified_professional(&self) -> bool {
        self.verified && self.role == Role::Professional
    }

    /// A site moderator or admin.
    pub fn is_site_moderator(&self) -> bool {
        self.moderator || self.admin
    }

    pub fn current(&self) -> CurrentMember {
        CurrentMember {
            handle: self.handle.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            moderator: self.moderator || self.admin,
            verified: self.verified,
            unread: self.unread,
        }
    }
}

/// How many argon2 hashes run at once. Each takes 19 MiB and tens of milliseconds of a
/// core by design; unbounded, a burst of sign-ins (or an attacker's) could take the
/// memory of hundreds of them at once and starve everything else. One per core (at most
/// eight): the rest wait their turn.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    tokio::sync::Semaphore::new(cores.clamp(1, 8))
});

/// Hashes a password with argon2id (default OWASP-recommended parameters) off the async
/// runtime, since it deliberately takes tens of milliseconds; at most [`HASHING`] at once.
pub async fn hash_password(password: String) -> Result<String, AccountError> {
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AccountError::Hash(e.to_string()))
    })
    .await
    .map_err(|e| AccountError::Hash(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_turn) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A valid hash of a random password, checked when no account matches so that a wrong
/// email takes as long as a wrong password (no account discovery by timing).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2ZbQgp0y9jrjEXZY3TKQ5cg5g20iqIimfZ9tyrOuM0Q";

const INSERT_MEMBER: &str = "
CREATE member CONTENT {
    email: $email, email_key: $email_key, handle: $handle, handle_key: $handle_key,
    display_name: $display_name, password_hash: $password_hash, role: $role
} RETURN record::id(id) AS id, handle, display_name, role;";

const FIND_TAKEN: &str = "
SELECT email_key, handle_key FROM member
WHERE email_key = $email_key OR handle_key = $handle_key LIMIT 2;";

/// Validates and creates an account; returns the new member.
pub async fn sign_up(db: &Db, input: &SignUp) -> Result<MemberRow, AccountError> {
    let email = validate::email(&input.email).map_err(AccountError::Invalid)?;
    let handle = validate::handle(&input.handle).map_err(AccountError::Invalid)?;
    let display_name =
        validate::display_name(&input.display_name).map_err(AccountError::Invalid)?;
    let role = validate::role(&input.role).map_err(AccountError::Invalid)?;
    validate::password(&input.password, &handle, &email).map_err(AccountError::Invalid)?;
    let email_key = validate::email_key(&email);
    let handle_key = validate::handle_key(&handle);

    #[derive(Deserialize)]
    struct Taken {
        email_key: String,
        handle_key: String,
    }
    let mut res = db
        .query(FIND_TAKEN)
        .bind(("email_key", email_key.clone()))
        .bind(("handle_key", handle_key.clone()))
        .await?;
    let taken: Vec<Taken> = rows(&mut res, 0)?;
    if taken.iter().any(|t| t.email_key == email_key) {
        return Err(AccountError::EmailTaken);
    }
    if taken.iter().any(|t| t.handle_key == handle_key) {
        return Err(AccountError::HandleTaken);
    }

    let password_hash = hash_password(input.password.clone()).await?;
    let result = db
        .query(INSERT_MEMBER)
        .bind(("email", email))
        .bind(("email_key", email_key))
        .bind(("handle", handle))
        .bind(("handle_key", handle_key))
        .bind(("display_name", display_name))
        .bind(("password_hash", password_hash))
        .bind(("role", role.as_str()))
        .await
        .and_then(|r| r.check());
    let mut res = match result {
        Ok(res) => res,
        // Lost a race with a concurrent sign-up: the unique index is the final word.
        Err(e) if e.message().contains("member_email") => return Err(AccountError::EmailTaken),
        Err(e) if e.message().contains("member_handle") => return Err(AccountError::HandleTaken),
        Err(e) => return Err(e.into()),
    };
    let created: Vec<MemberRow> = rows(&mut res, 0)?;
    created
        .into_iter()
        .next()
        .ok_or_else(|| AccountError::Hash("member was not created".into()))
}

const FIND_FOR_SIGNIN: &str = "
SELECT record::id(id) AS id, handle, display_name, role, password_hash FROM member
WHERE email_key = $key OR handle_key = $key LIMIT 1;";

/// The account a sign-in names: an email's key, or a handle's without its leading `@`s.
/// The per-account rate limit counts by this key too, so `alice`, `@alice` and `ALICE`
/// are one account's attempts, not three buckets.
pub fn login_key(login: &str) -> String {
    let login = login.trim();
    if login.contains('@') && !login.starts_with('@') {
        validate::email_key(login)
    } else {
        validate::handle_key(login)
    }
}

/// Checks an email-or-handle and password; returns the member when they match.
pub async fn verify_credentials(
    db: &Db,
    login: &str,
    password: &str,
) -> Result<MemberRow, AccountError> {
    let login = login.trim();
    if login.is_empty() {
        return Err(AccountError::Invalid(AppError::invalid(
            "login",
            "Enter your email address or handle.",
        )));
    }
    if password.is_empty() {
        return Err(AccountError::Invalid(AppError::invalid(
            "password",
            "Enter your password.",
        )));
    }
    if password.chars().count() > validate::PASSWORD_MAX {
        return Err(AccountError::WrongCredentials);
    }
    let key = login_key(login);
    let mut res = db.query(FIND_FOR_SIGNIN).bind(("key", key)).await?;
    let found: Option<MemberRow> = rows(&mut res, 0)?.into_iter().next();
    let hash = found
        .as_ref()
        .map_or(DUMMY_HASH.to_string(), |m| m.password_hash.clone());
    let ok = verify_password(password.to_string(), hash).await;
    match found {
        Some(mut member) if ok => {
            member.password_hash.clear();
            Ok(member)
        }
        _ => Err(AccountError::WrongCredentials),
    }
}

const BY_ID: &str = "
SELECT record::id(id) AS id, handle, display_name, role FROM type::record('member', $id);";

/// The member with this id, if any.
pub async fn by_id(db: &Db, id: &str) -> Result<Option<MemberRow>, AccountError> {
    let mut res = db.query(BY_ID).bind(("id", id.to_string())).await?;
    Ok(rows(&mut res, 0)?.into_iter().next())
}

/// The member id and role for a handle, in one indexed read.
pub async fn member_by_handle(
    db: &Db,
    handle: &str,
) -> Result<Option<(MemberId, Role)>, surrealdb::Error> {
    #[derive(Deserialize)]
    struct Row {
        id: MemberId,
        role: Role,
    }
    let mut res = db
        .query("SELECT record::id(id) AS id, role FROM member WHERE handle_key = $key LIMIT 1")
        .bind(("key", validate::handle_key(handle)))
        .await?;
    Ok(rows::<Row>(&mut res, 0)?
        .into_iter()
        .next()
        .map(|r| (r.id, r.role)))
}
