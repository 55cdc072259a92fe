//! Runtime configuration: `Leptos.toml` (the `[rounds]` table and the Leptos section),
//! overridden by environment variables.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use app::api::context::AuthSettings;
use app::domain::rate_limit::Limit;
use serde::Deserialize;

/// Rounds' own settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `mem://`, `surrealkv://path` or `ws://host:port`.
    pub db_url: String,
    pub db_user: Option<String>,
    pub db_pass: Option<String>,
    /// Listen address; `None` uses Leptos' `site-addr`.
    pub addr: Option<SocketAddr>,
    /// The address members reach Rounds at (`https://rounds.example.org`), when known.
    pub site_url: Option<String>,
    pub auth: AuthSettings,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct FileSettings {
    db: Option<String>,
    db_user: Option<String>,
    db_pass: Option<String>,
    addr: Option<String>,
    site_url: Option<String>,
    secure_cookies: Option<bool>,
    session_days: Option<u64>,
    signin_per_ip: Option<u32>,
    signin_per_account: Option<u32>,
    signup_per_ip: Option<u32>,
    report_hide_threshold: Option<u32>,
    trusted_proxies: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct FileRoot {
    #[serde(default)]
    rounds: FileSettings,
}

/// A configuration problem, named precisely.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0} is not valid TOML: {1}")]
    Parse(String, toml::de::Error),
    #[error("{name} must be {expected}, got {value:?}")]
    Bad {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(
    name: &'static str,
    expected: &'static str,
    v: String,
) -> Result<T, ConfigError> {
    v.trim().parse().map_err(|_| ConfigError::Bad {
        name,
        expected,
        value: v,
    })
}

fn env_or<T: std::str::FromStr>(
    name: &'static str,
    expected: &'static str,
    file: Option<T>,
) -> Result<Option<T>, ConfigError> {
    match env(name) {
        Some(v) => parse(name, expected, v).map(Some),
        None => Ok(file),
    }
}

impl Settings {
    /// Reads `path` (if it exists) and applies `ROUNDS_*` environment overrides.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let file = if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::Read(path.display().to_string(), e))?;
            toml::from_str::<FileRoot>(&text)
                .map_err(|e| ConfigError::Parse(path.display().to_string(), e))?
                .rounds
        } else {
            FileSettings::default()
        };
        let defaults = AuthSettings::default();
        let limit = |name, file: Option<u32>, default: Limit| -> Result<Limit, ConfigError> {
            let max = env_or(name, "a whole number", file)?.unwrap_or(default.max);
            Ok(Limit {
                max,
                window: default.window,
            })
        };
        let addr = match env("ROUNDS_ADDR").or(file.addr) {
            Some(a) => Some(parse("ROUNDS_ADDR", "an address like 127.0.0.1:3000", a)?),
            None => None,
        };
        let session_days = env_or("ROUNDS_SESSION_DAYS", "a number of days", file.session_days)?;
        let site_url = env("ROUNDS_SITE_URL").or(file.site_url);
        if let Some(url) = &site_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError::Bad {
                name: "ROUNDS_SITE_URL",
                expected: "an address starting with https:// (or http://)",
                value: url.clone(),
            });
        }
        let trusted_proxies = match env("ROUNDS_TRUSTED_PROXIES").or(file.trusted_proxies) {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse().map_err(|_| ConfigError::Bad {
                        name: "ROUNDS_TRUSTED_PROXIES",
                        expected: "IP addresses separated by commas, e.g. 127.0.0.1,10.0.0.2",
                        value: list.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        // Served over https, the session cookie is `Secure` unless told otherwise.
        let https = site_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        Ok(Settings {
            db_url: env("ROUNDS_DB")
                .or(file.db)
                .unwrap_or_else(|| "surrealkv://data/rounds".into()),
            db_user: env("ROUNDS_DB_USER").or(file.db_user),
            db_pass: env("ROUNDS_DB_PASS").or(file.db_pass),
            addr,
            site_url,
            auth: AuthSettings {
                session_ttl: session_days
                    .map_or(defaults.session_ttl, |d| Duration::from_secs(d * 86_400)),
                secure_cookies: env_or(
                    "ROUNDS_SECURE_COOKIES",
                    "true or false",
                    file.secure_cookies,
                )?
                .unwrap_or(https),
                signin_per_ip: limit(
                    "ROUNDS_SIGNIN_PER_IP",
                    file.signin_per_ip,
                    defaults.signin_per_ip,
                )?,
                signin_per_account: limit(
                    "ROUNDS_SIGNIN_PER_ACCOUNT",
                    file.signin_per_account,
                    defaults.signin_per_account,
                )?,
                signup_per_ip: limit(
                    "ROUNDS_SIGNUP_PER_IP",
                    file.signup_per_ip,
                    defaults.signup_per_ip,
                )?,
                report_hide_threshold: env_or(
                    "ROUNDS_REPORT_HIDE_THRESHOLD",
                    "a whole number of at least 1",
                    file.report_hide_threshold,
                )?
                .unwrap_or(defaults.report_hide_threshold)
                .max(1),
                trusted_proxies,
            },
        })
    }

    /// Database credentials, when both are set.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.db_user.as_deref().zip(self.db_pass.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> Result<Settings, ConfigError> {
        let path = std::env::temp_dir().join(format!(
            "rounds-config-{}-{}.toml",
            std::process::id(),
            toml.len()
        ));
        std::fs::write(&path, toml).unwrap();
        let settings = Settings::load(&path);
        let _ = std::fs::remove_file(&path);
        settings
    }

    /// Over https the session cookie is `Secure` without being told; over http it is not,
    /// and an address that is not one is refused by name.
    #[test]
    fn an_https_site_address_makes_cookies_secure() {
        if env("ROUNDS_SECURE_COOKIES").is_some() || env("ROUNDS_SITE_URL").is_some() {
            return; // the environment decides; nothing of the file's default to check
        }
        let https = load("[rounds]\nsite-url = \"https://rounds.example.org\"\n").unwrap();
        assert!(https.auth.secure_cookies);
        let http = load("[rounds]\nsite-url = \"http://127.0.0.1:3000\"\n").unwrap();
        assert!(!http.auth.secure_cookies);
        let told = load("[rounds]\nsite-url = \"https://x.example\"\nsecure-cookies = false\n");
        assert!(!told.unwrap().auth.secure_cookies);
        let bad = load("[rounds]\nsite-url = \"rounds.example.org\"\n");
        assert!(matches!(
            bad,
            Err(ConfigError::Bad {
                name: "ROUNDS_SITE_URL",
                ..
            })
        ));
    }
}
