//! Accounts: settings, usernames, sessions and API tokens, and the secrets that identify them.
//!
//! The sign-in protocol itself (OpenID Connect) belongs to the server; what is here is what every
//! shell shares: who a session belongs to, how its secret is minted and stored (only as a hash), and
//! the rules for usernames and settings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::domain::{Millis, Visibility};
use crate::error::{Error, ErrorCode, Result};

mod provision;
pub use provision::{provision_account, AdmissionPolicy, VerifiedIdentity};

/// Per-type switches for notifications (all on for a new account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct NotificationPrefs {
    pub new_follower: bool,
    pub like: bool,
    pub comment: bool,
    pub mention: bool,
    pub generation_completed: bool,
    pub tip_received: bool,
    pub prompt_purchased: bool,
    pub collection_purchased: bool,
    pub print_ordered: bool,
    pub achievement_unlocked: bool,
    pub streak_milestone: bool,
    pub payout_completed: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        Self {
            new_follower: true,
            like: true,
            comment: true,
            mention: true,
            generation_completed: true,
            tip_received: true,
            prompt_purchased: true,
            collection_purchased: true,
            print_ordered: true,
            achievement_unlocked: true,
            streak_milestone: true,
            payout_completed: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// What an account chooses about itself. Stored as one JSON document so new switches need no migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(default)]
pub struct AccountSettings {
    /// A private profile hides the account's profile page and public listing from everyone else.
    pub profile_private: bool,
    /// The visibility new images get.
    pub default_visibility: Visibility,
    pub notifications: NotificationPrefs,
    pub theme: Theme,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            profile_private: false,
            default_visibility: Visibility::Private,
            notifications: NotificationPrefs::default(),
            theme: Theme::System,
        }
    }
}

/// How a session was created, which decides how it authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A browser's cookie; its mutations need the CSRF token.
    Browser,
    /// A bearer token (API clients, the desktop app).
    Token,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Token => "token",
        }
    }
    pub fn parse(s: &str) -> SessionKind {
        if s == "browser" {
            SessionKind::Browser
        } else {
            SessionKind::Token
        }
    }
}

/// A server-side session or API token. The secret itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub kind: SessionKind,
    pub label: String,
    pub csrf_token: String,
    pub created_at: Millis,
    pub last_used_at: Millis,
    pub expires_at: Millis,
}

/// A sign-in in progress, bound to the browser that started it by a cookie whose hash is the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub id_hash: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to send the browser afterwards (a path on this server).
    pub return_to: String,
    /// Set when the desktop app started the sign-in: the S256 challenge its code must answer.
    pub desktop_challenge: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A one-time code handed to the desktop through the `pixelstudio://` link, exchanged for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopCode {
    pub code_hash: String,
    pub user_id: String,
    pub challenge: String,
    pub created_at: Millis,
    pub expires_at: Millis,
}

impl Session {
    pub fn info(&self, current_session: Option<&str>) -> SessionInfo {
        SessionInfo {
            id: self.id.clone(),
            kind: self.kind,
            label: self.label.clone(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            expires_at: self.expires_at,
            current: current_session == Some(self.id.as_str()),
        }
    }
}

/// A session as its owner sees it in the list of places they are signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SessionInfo {
    pub id: String,
    pub kind: SessionKind,
    pub label: String,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub last_used_at: Millis,
    #[ts(type = "number")]
    pub expires_at: Millis,
    /// The session making this request.
    pub current: bool,
}

/// How the server knows who is calling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// No identity provider: every request on the loopback address is the owner.
    SingleOwner,
    /// Sign-in with an OpenID Connect provider (Google by default).
    Oidc,
}

/// `GET /api/me`: the signed-in account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Me {
    pub id: String,
    pub username: String,
    pub email: Option<String>,
    pub role: crate::domain::Role,
    #[ts(type = "number")]
    pub credits: i64,
    /// Whether generations are charged in credits on this server.
    pub charging: bool,
    pub settings: AccountSettings,
    pub auth_mode: AuthMode,
    /// Send as `X-CSRF-Token` with every state-changing request made with the session cookie.
    pub csrf_token: Option<String>,
}

/// The refusal a suspended account gets, at sign-in and on any request still in flight.
pub fn suspended() -> Error {
    Error::new(
        ErrorCode::Forbidden,
        "this account is suspended; ask the server's operator",
    )
}

/// A fresh random secret: 256 bits, URL-safe, prefixed so leaked tokens are recognisable in scans.
pub fn new_secret(prefix: &str) -> Result<String> {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::internal(format!("no randomness from the OS: {e}")))?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The stored form of a secret. Secrets are 256-bit random, so an unsalted fast hash is enough: it keeps
/// a database leak from handing out live sessions.
pub fn hash_secret(secret: &str) -> String {
    hex_lower(&Sha256::digest(secret.as_bytes()))
}

/// The PKCE S256 challenge of a verifier (RFC 7636): base64url(sha256(verifier)) without padding.
pub fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Equality that takes the same time wherever the first difference is, for comparing secrets.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 30;

/// Checks a username chosen by its owner: 3–30 of a–z, 0–9 and `_`, starting with a letter, and not a
/// word the product's own pages use.
pub fn validate_username(name: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::new(ErrorCode::InvalidInput, why.to_string()));
    if name.len() < USERNAME_MIN || name.len() > USERNAME_MAX {
        return bad("a username has 3 to 30 characters");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return bad("a username uses only lowercase letters, digits and _");
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return bad("a username starts with a letter");
    }
    if RESERVED_USERNAMES.contains(&name) {
        return bad("that username is reserved");
    }
    Ok(())
}

const RESERVED_USERNAMES: &[&str] = &[
    "admin",
    "api",
    "auth",
    "explore",
    "library",
    "settings",
    "owner",
    "root",
    "support",
    "system",
    "pixel",
    "pixelstudio",
    "me",
    "media",
    "login",
    "logout",
    "signin",
    "signup",
];

/// A valid username derived from a name or email, before collisions are resolved by the store.
pub fn username_base(display_name: Option<&str>, email: Option<&str>) -> String {
    let source = email
        .and_then(|e| e.split('@').next())
        .filter(|s| !s.is_empty())
        .or(display_name)
        .unwrap_or("artist");
    let mut out = String::new();
    for c in source.chars().flat_map(|c| c.to_lowercase()) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        // Room for a `u_` prefix and a `_xxxxxx` collision suffix within the maximum.
        if out.len() >= USERNAME_MAX - 9 {
            break;
        }
    }
    let mut out = out.trim_matches('_').to_string();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "u_");
    }
    while out.len() < USERNAME_MIN {
        out.push('0');
    }
    if RESERVED_USERNAMES.contains(&out.as_str()) {
        out.push_str("_1");
    }
    out
}

/// The candidates tried in order when the base is taken: base, base_2 ... base_9, then random suffixes.
pub fn username_candidates(base: &str) -> Result<Vec<String>> {
    let mut out = vec![base.to_string()];
    out.extend((2..10).map(|n| format!("{base}_{n}")));
    for _ in 0..5 {
        let mut b = [0u8; 3];
        getrandom::fill(&mut b)
            .map_err(|e| Error::internal(format!("no randomness from the OS: {e}")))?;
        out.push(format!("{base}_{}", hex_lower(&b)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_from_emails_are_valid() {
        for (email, want) in [
            ("Jane.Doe@example.com", "jane_doe"),
            ("42@example.com", "u_42"),
            ("a@example.com", "a00"),
            ("admin@example.com", "admin_1"),
            ("ünïcode@example.com", "n_code"),
        ] {
            let got = username_base(None, Some(email));
            assert_eq!(got, want, "{email}");
            validate_username(&got).unwrap();
        }
        let long = username_base(None, Some(&format!("{}@x.org", "a".repeat(80))));
        validate_username(&long).unwrap();
        for c in username_candidates(&long).unwrap() {
            validate_username(&c).unwrap();
        }
    }

    #[test]
    fn usernames_are_checked() {
        for bad in [
            "ab",
            "Abc",
            "1abc",
            "a-b",
            "a b",
            "settings",
            &"a".repeat(31),
        ] {
            assert!(validate_username(bad).is_err(), "{bad}");
        }
        validate_username("pixel_fan_9").unwrap();
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret("pst_").unwrap();
        let b = new_secret("pst_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pst_") && a.len() > 40);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), hash_secret(&b));
        assert!(constant_time_eq(&a, &a.clone()));
        assert!(!constant_time_eq(&a, &b));
    }

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
