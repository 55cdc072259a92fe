//! Sign-up, sign-in, sign-out and "who am I".

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::CurrentMember;

#[cfg(feature = "ssr")]
use {
    super::context as ctx,
    crate::domain::{accounts, internal, rate_limit, sessions},
};

/// The signed-in member, or None when signed out.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<CurrentMember>, AppError> {
    Ok(ctx::current_member().await?.map(|m| m.current()))
}

/// Only same-site paths are allowed as a post-sign-in destination (no open redirect).
/// Control characters are refused too: browsers drop tabs and newlines from a URL, so
/// `/\t/evil.example` is followed as `//evil.example`, and a control character in a
/// `Location` header is not a valid header value at all.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    next.map(str::trim)
        .filter(|n| {
            n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control)
                && n.len() < 300
        })
        .map(str::to_string)
}

#[cfg(feature = "ssr")]
async fn start_session(member_id: &crate::model::MemberId) -> Result<(), AppError> {
    let c = ctx::server_context()?;
    let db = ctx::db()?;
    // Rotation: whatever session this browser had is ended before a new one starts.
    if let Some(old) = ctx::session_token() {
        sessions::delete(&db, &old)
            .await
            .map_err(|e| internal("session rotate", e))?;
    }
    let issued = sessions::create(&db, member_id, c.auth.session_ttl, &ctx::user_agent())
        .await
        .map_err(|e| internal("session create", e))?;
    ctx::set_session_cookie(&issued.token, issued.ttl)
}

/// Creates an account, signs the new member in and opens their profile.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    #[server(default)] email: String,
    #[server(default)] handle: String,
    #[server(default)] display_name: String,
    #[server(default)] password: String,
    #[server(default)] role: String,
) -> Result<(), AppError> {
    let typed = [
        ("email", email.as_str()),
        ("handle", handle.as_str()),
        ("display_name", display_name.as_str()),
        ("role", role.as_str()),
    ];
    ctx::keeping(&typed, async {
        let c = ctx::server_context()?;
        let db = ctx::db()?;
        let allowed = rate_limit::hit(&db, "signup-ip", &ctx::client_ip(), c.auth.signup_per_ip)
            .await
            .map_err(|e| internal("rate limit", e))?;
        if !allowed {
            return Err(AppError::too_many(
                "Too many new accounts from this network. Please try again in an hour.",
            ));
        }
        // Per account too: repeated sign-ups for one email would otherwise probe which
        // addresses are registered.
        let email_key = crate::model::validate::email_key(&email);
        let allowed = rate_limit::hit(&db, "signup-email", &email_key, c.auth.signin_per_account)
            .await
            .map_err(|e| internal("rate limit", e))?;
        if !allowed {
            return Err(AppError::too_many(
                "Too many attempts for this email address. Please wait ten minutes.",
            ));
        }
        let input = accounts::SignUp {
            email: email.clone(),
            handle: handle.clone(),
            display_name: display_name.clone(),
            password: password.clone(),
            role: role.clone(),
        };
        let member = accounts::sign_up(&db, &input).await?;
        start_session(&member.id).await?;
        leptos_axum::redirect(&format!("/@{}", member.handle));
        Ok(())
    })
    .await
}

/// Signs in with an email or handle and a password.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    #[server(default)] login: String,
    #[server(default)] password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    ctx::keeping(&[("login", login.as_str())], async {
        let c = ctx::server_context()?;
        let db = ctx::db()?;
        let ip_ok = rate_limit::hit(&db, "signin-ip", &ctx::client_ip(), c.auth.signin_per_ip)
            .await
            .map_err(|e| internal("rate limit", e))?;
        let account = accounts::login_key(&login);
        let account_ok =
            rate_limit::hit(&db, "signin-account", &account, c.auth.signin_per_account)
                .await
                .map_err(|e| internal("rate limit", e))?;
        if !ip_ok || !account_ok {
            return Err(AppError::too_many(
                "Too many sign-in attempts. Please wait ten minutes and try again.",
            ));
        }
        let member = accounts::verify_credentials(&db, &login, &password).await?;
        // Only wrong passwords use up the limits: a member signing in on a ward's shared
        // computers, or a hospital's staff behind one address at a shift change, is not
        // guessing. (The attempt was counted before the check; see `rate_limit::refund`.)
        for (scope, subject, limit) in [
            ("signin-ip", ctx::client_ip(), c.auth.signin_per_ip),
            ("signin-account", account.clone(), c.auth.signin_per_account),
        ] {
            rate_limit::refund(&db, scope, &subject, limit)
                .await
                .map_err(|e| internal("rate limit", e))?;
        }
        start_session(&member.id).await?;
        leptos_axum::redirect(&safe_next(next.as_deref()).unwrap_or_else(|| "/".to_string()));
        Ok(())
    })
    .await
}

/// Ends this browser's session.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    {
        let db = ctx::db()?;
        if let Some(token) = ctx::session_token() {
            sessions::delete(&db, &token)
                .await
                .map_err(|e| internal("session delete", e))?;
        }
        ctx::clear_session_cookie()?;
        leptos_axum::redirect("/");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/settings/profile")).as_deref(),
            Some("/settings/profile")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
