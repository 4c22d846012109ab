//! Who is calling: OpenID Connect sign-in (Google by default, any issuer by configuration), server-side
//! sessions in cookies, bearer tokens, CSRF checks, the desktop's one-time code exchange, and rate limits
//! on the sign-in routes. Without an identity provider every request is the local owner.

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use pixel_core::account::{
    constant_time_eq, hash_secret, new_secret, pkce_challenge, AuthMode, AuthRequest, DesktopCode,
    Me, SessionKind,
};
use pixel_core::{App, Caller, Error, ErrorCode, Role, User};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::sync::RwLock;

use crate::config::Config;
use crate::http::{ApiError, Http};
use crate::limits::RateLimiter;

mod desktop;
mod oidc;
pub use desktop::*;
pub use oidc::*;

/// The browser cookie of a signed-in session.
const SESSION_COOKIE: &str = "ps_session";
/// The browser cookie binding a sign-in in progress to the browser that started it.
const AUTH_COOKIE: &str = "ps_auth";
/// How long a sign-in may take between leaving for the identity provider and coming back.
const AUTH_REQUEST_TTL: Duration = Duration::from_secs(600);
/// How long the desktop has to exchange its one-time code.
const DESKTOP_CODE_TTL: Duration = Duration::from_secs(120);
/// The window of the sign-in rate limit.
const RATE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Clock skew tolerated on ID token times.
const LEEWAY_SECS: i64 = 60;
/// Sessions record their last use at most this often, so reads do not all become writes.
const TOUCH_EVERY_MS: i64 = 60_000;
const DAY_MS: i64 = pixel_core::ops::streaks::DAY_MS;

/// How a request authenticated, which decides whether it needs a CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Single-owner mode: no credentials at all.
    Owner,
    /// The session cookie, with the session's CSRF token.
    Cookie {
        csrf: String,
    },
    Bearer,
    None,
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub caller: Caller,
    pub via: Via,
}

impl Resolved {
    /// Refuses a state-changing request made with the session cookie but without its CSRF token.
    pub fn check_csrf(&self, headers: &HeaderMap) -> Result<(), Error> {
        if let Via::Cookie { csrf } = &self.via {
            let sent = headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent.is_empty() || !constant_time_eq(sent, csrf) {
                return Err(Error::new(
                    ErrorCode::CsrfFailed,
                    "missing or wrong CSRF token: send the X-CSRF-Token header from /api/me",
                ));
            }
        }
        Ok(())
    }
}

/// The authentication of one node.
pub struct Auth {
    pub mode: AuthMode,
    pub oidc: Option<Oidc>,
    pub limiter: RateLimiter<IpAddr>,
    /// Origin people reach the server at, e.g. `https://pixel.example.com`.
    pub public_origin: String,
    secure_cookies: bool,
    admission: pixel_core::account::AdmissionPolicy,
    trusted_proxies: Vec<IpAddr>,
    desktop_redirect: String,
}

impl Auth {
    pub fn from_config(config: &Config) -> Self {
        let public_origin = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.bind))
            .trim_end_matches('/')
            .to_string();
        let oidc = match (&config.google_client_id, &config.google_client_secret) {
            (Some(id), Some(secret)) => Some(Oidc::new(
                &config.oidc_issuer,
                id,
                secret,
                &format!("{public_origin}/auth/google/callback"),
            )),
            _ => None,
        };
        Self {
            mode: if oidc.is_some() {
                AuthMode::Oidc
            } else {
                AuthMode::SingleOwner
            },
            oidc,
            limiter: RateLimiter::new(config.auth_rate_limit.max(1), RATE_WINDOW),
            secure_cookies: public_origin.starts_with("https://"),
            public_origin,
            admission: pixel_core::account::AdmissionPolicy {
                allowed_emails: config.allowed_emails.clone(),
                admin_emails: config.admin_emails.clone(),
            },
            trusted_proxies: config.trusted_proxies.clone(),
            desktop_redirect: config.desktop_redirect.clone(),
        }
    }

    fn cookie_name(&self, base: &str) -> String {
        // `__Host-` cookies are Secure, host-only and path `/`: nothing on a sibling domain can set them.
        if self.secure_cookies {
            format!("__Host-{base}")
        } else {
            base.to_string()
        }
    }

    fn set_cookie(&self, base: &str, value: &str, max_age: Duration) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let v = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            self.cookie_name(base),
            max_age.as_secs()
        );
        HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    fn clear_cookie(&self, base: &str) -> HeaderValue {
        self.set_cookie(base, "", Duration::ZERO)
    }

    fn cookie<'h>(&self, headers: &'h HeaderMap, base: &str) -> Option<&'h str> {
        let name = self.cookie_name(base);
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    }

    /// Resolves the caller of a request: bearer token, else session cookie, else anonymous.
    pub async fn resolve(
        &self,
        app: &App,
        owner: &Caller,
        headers: &HeaderMap,
    ) -> Result<Resolved, Error> {
        if self.mode == AuthMode::SingleOwner {
            return Ok(Resolved {
                caller: owner.clone(),
                via: Via::Owner,
            });
        }
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim);
        let (secret, kind) = match (bearer, self.cookie(headers, SESSION_COOKIE)) {
            (Some(token), _) => (token, SessionKind::Token),
            (None, Some(cookie)) => (cookie, SessionKind::Browser),
            (None, None) => {
                return Ok(Resolved {
                    caller: Caller::Anonymous,
                    via: Via::None,
                })
            }
        };
        let now = app.clock.now_ms();
        let found = app
            .store
            .sessions()
            .session_by_secret(&hash_secret(secret), now)
            .await?;
        let Some((session, user)) = found.filter(|(s, _)| s.kind == kind) else {
            if kind == SessionKind::Token {
                // A wrong token is an error the client must see; a stale cookie just means signed out.
                return Err(Error::new(
                    ErrorCode::Unauthenticated,
                    "the bearer token is unknown, expired or revoked",
                ));
            }
            return Ok(Resolved {
                caller: Caller::Anonymous,
                via: Via::None,
            });
        };
        // Suspending ends every session; this refuses one that was in flight meanwhile.
        if user.suspended_at.is_some() {
            return Err(pixel_core::account::suspended());
        }
        // A new UTC day is always recorded: the admin overview counts active accounts per day.
        let new_day = now.div_euclid(DAY_MS) != session.last_used_at.div_euclid(DAY_MS);
        if new_day || now - session.last_used_at > TOUCH_EVERY_MS {
            if let Err(e) = app.store.sessions().touch_session(&session.id, now).await {
                tracing::warn!(error = %e, "could not record a session's last use");
            }
        }
        let via = match kind {
            SessionKind::Browser => Via::Cookie {
                csrf: session.csrf_token.clone(),
            },
            SessionKind::Token => Via::Bearer,
        };
        Ok(Resolved {
            caller: Caller::User {
                role: self.effective_role(&user),
                id: user.id,
                session: Some(session.id),
            },
            via,
        })
    }

    /// The role a request runs with: an admin made in the admin UI stays one until an admin takes it
    /// back; the admin role sign-in granted from `PIXEL_ADMIN_EMAILS` lasts only while the account's
    /// email is still there, so removing it takes effect on the next request of every session and
    /// token, not at the next sign-in.
    fn effective_role(&self, user: &User) -> Role {
        let email = user.email.as_ref().map(|e| e.to_ascii_lowercase());
        let listed = self.admission.role_of(email.as_deref()) == Role::Admin;
        if user.admin_granted || (user.role == Role::Admin && listed) {
            Role::Admin
        } else {
            Role::User
        }
    }

    async fn account_for(&self, app: &App, claims: &IdClaims) -> Result<User, Error> {
        let identity = pixel_core::account::VerifiedIdentity {
            issuer: claims.iss.clone(),
            subject: claims.sub.clone(),
            name: claims.name.clone(),
            email: claims.email.clone(),
            email_verified: claims.email_verified == Some(true),
        };
        pixel_core::account::provision_account(app, &identity, &self.admission).await
    }

    /// The client's address: the TCP peer, or behind a trusted reverse proxy the last address in
    /// `X-Forwarded-For` that is not one of the proxies (anything left of it the client could forge).
    pub fn client_ip(&self, peer: &SocketAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.ip();
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .rev()
            .find(|ip| !self.trusted_proxies.contains(ip))
            .unwrap_or(peer)
    }

    /// Counts a sign-in attempt; the 429 answer when the client is over its limit.
    fn rate_limited(&self, client: IpAddr) -> Option<Response> {
        self.limiter.check(&client).err().map(|wait| {
            crate::limits::Limited {
                wait,
                what: "too many sign-in attempts".into(),
            }
            .into_response()
        })
    }
}

/// Only same-site paths: an absolute URL here would make sign-in an open redirect.
/// Browsers drop tabs and newlines from URLs and read `\\` as `/`, so `/<tab>/evil.example` is a
/// protocol-relative URL to them: only printable ASCII passes, and no second slash up front.
fn safe_return_to(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.len() <= 512
                && p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_string()
        }
        _ => "/".into(),
    }
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    (
        status,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>{t} · Pixel Studio</title>\
             <body style=\"font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;line-height:1.5\">\
             <h1>{t}</h1><p>{b}</p><p><a href=\"/\">Back to Pixel Studio</a></p></body>",
            t = esc(title),
            b = esc(body)
        )),
    )
        .into_response()
}

fn refuse_page(e: &Error) -> Response {
    let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    page(status, "Sign-in failed", &e.message)
}

#[derive(Debug, Deserialize)]
pub struct StartQuery {
    return_to: Option<String>,
    login_hint: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DesktopStartQuery {
    /// The S256 PKCE challenge of a verifier only the desktop app knows.
    challenge: String,
    login_hint: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn no_sign_in() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Sign-in is not set up",
        "This server runs in single-owner mode: no identity provider is configured.",
    )
}

/// `GET /auth/google`: leaves for the identity provider with a fresh state, nonce and PKCE challenge.
pub async fn start(
    State(http): State<Http>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Response {
    let return_to = safe_return_to(q.return_to.as_deref());
    let client = http.0.auth.client_ip(&addr, &headers);
    begin(&http, client, return_to, None, q.login_hint.as_deref()).await
}

/// `GET /auth/desktop`: the same sign-in, ending in a one-time code for the desktop app.
pub async fn desktop_start(
    State(http): State<Http>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<DesktopStartQuery>,
) -> Response {
    let c = q.challenge.trim();
    // base64url of a sha256: 43 characters of the URL-safe alphabet.
    if c.len() != 43
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return refuse_page(&Error::new(
            ErrorCode::InvalidBody,
            "the desktop app's code challenge is malformed; start the sign-in from the app again",
        ));
    }
    begin(
        &http,
        http.0.auth.client_ip(&addr, &headers),
        "/".into(),
        Some(c.to_string()),
        q.login_hint.as_deref(),
    )
    .await
}

async fn begin(
    http: &Http,
    client: IpAddr,
    return_to: String,
    desktop_challenge: Option<String>,
    login_hint: Option<&str>,
) -> Response {
    let node = &http.0;
    let auth = &node.auth;
    let Some(oidc) = &auth.oidc else {
        return no_sign_in();
    };
    if let Some(r) = auth.rate_limited(client) {
        return r;
    }
    let result = async {
        let (url, pending) = oidc.start(login_hint).await?;
        let browser_secret = new_secret("")?;
        let now = node.app.clock.now_ms();
        node.app
            .store
            .sessions()
            .put_auth_request(&AuthRequest {
                id_hash: hash_secret(&browser_secret),
                state: pending.state,
                nonce: pending.nonce,
                pkce_verifier: pending.pkce_verifier,
                return_to,
                desktop_challenge,
                created_at: now,
                expires_at: now + AUTH_REQUEST_TTL.as_millis() as i64,
            })
            .await?;
        Ok::<_, Error>((url, browser_secret))
    }
    .await;
    match result {
        Ok((url, browser_secret)) => {
            let mut r = Redirect::to(&url).into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                auth.set_cookie(AUTH_COOKIE, &browser_secret, AUTH_REQUEST_TTL),
            );
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => refuse_page(&e),
    }
}

/// `GET /auth/google/callback`: completes a sign-in started by this same browser.
pub async fn callback(
    State(http): State<Http>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let node = &http.0;
    let auth = &node.auth;
    let Some(oidc) = &auth.oidc else {
        return no_sign_in();
    };
    if let Some(r) = auth.rate_limited(auth.client_ip(&addr, &headers)) {
        return r;
    }
    let mut response = match complete(&http, oidc, &headers, &q).await {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(code = e.code.as_str(), reason = %e.message, "sign-in refused");
            refuse_page(&e)
        }
    };
    // The sign-in request is single-use either way.
    response
        .headers_mut()
        .append(header::SET_COOKIE, auth.clear_cookie(AUTH_COOKIE));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn complete(
    http: &Http,
    oidc: &Oidc,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> Result<Response, Error> {
    let node = &http.0;
    let auth = &node.auth;
    let app = &node.app;
    if let Some(err) = &q.error {
        let why = q.error_description.as_deref().unwrap_or(err);
        return Err(sign_in_failed(&format!(
            "the identity provider did not sign you in ({why})"
        )));
    }
    let (Some(code), Some(state)) = (q.code.as_deref(), q.state.as_deref()) else {
        return Err(sign_in_failed("the callback is missing its code or state"));
    };
    let browser_secret = auth.cookie(headers, AUTH_COOKIE).ok_or_else(|| {
        sign_in_failed(
            "this browser did not start this sign-in (or it took over 10 minutes); start again",
        )
    })?;
    let now = app.clock.now_ms();
    let request = app
        .store
        .sessions()
        .take_auth_request(&hash_secret(browser_secret), now)
        .await?
        .ok_or_else(|| {
            sign_in_failed("this sign-in was already used or has expired; start again")
        })?;
    if !constant_time_eq(state, &request.state) {
        return Err(sign_in_failed(
            "the sign-in state does not match this browser's; start again",
        ));
    }
    let claims = oidc
        .finish(code, &request.pkce_verifier, &request.nonce)
        .await?;
    let user = auth.account_for(app, &claims).await?;
    if let Some(challenge) = request.desktop_challenge {
        let code = new_secret("psd_")?;
        app.store
            .sessions()
            .put_desktop_code(&DesktopCode {
                code_hash: hash_secret(&code),
                user_id: user.id.clone(),
                challenge,
                created_at: now,
                expires_at: now + DESKTOP_CODE_TTL.as_millis() as i64,
            })
            .await?;
        let separator = if auth.desktop_redirect.contains('?') {
            '&'
        } else {
            '?'
        };
        let target = format!("{}{separator}code={code}", auth.desktop_redirect);
        tracing::info!(user = %user.id, "desktop sign-in: code issued");
        return Ok(Redirect::to(&target).into_response());
    }
    let label = browser_label(headers);
    let (secret, _session) =
        pixel_core::ops::open_session(app, &user.id, SessionKind::Browser, &label).await?;
    tracing::info!(user = %user.id, "signed in");
    let mut r = Redirect::to(&request.return_to).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        auth.set_cookie(SESSION_COOKIE, &secret, app.config.session_ttl),
    );
    Ok(r)
}

/// "Firefox on Linux": enough to tell a person's sessions apart in their list, from the User-Agent.
pub fn browser_label(headers: &HeaderMap) -> String {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => format!("Browser on {o}"),
        (None, None) => "Web browser".to_string(),
    }
}

/// The signed-in account as `/api/me` describes it.
pub async fn me(http: &Http, caller: &Caller, csrf: Option<String>) -> Result<Me, Error> {
    let node = &http.0;
    let account =
        pixel_core::ops::account_get(&node.app, caller, pixel_core::ops::Empty {}).await?;
    Ok(Me {
        id: account.user.id,
        username: account.user.username,
        email: account.user.email,
        role: account.user.role,
        credits: account.balance,
        charging: account.charging,
        settings: account.settings,
        auth_mode: node.auth.mode,
        csrf_token: csrf,
    })
}

/// `GET /api/me`: the signed-in account, or 401.
pub async fn get_me(State(http): State<Http>, headers: HeaderMap) -> Response {
    let result = async {
        let resolved = http.resolve(&headers).await?;
        let csrf = match &resolved.via {
            Via::Cookie { csrf } => Some(csrf.clone()),
            _ => None,
        };
        me(&http, &resolved.caller, csrf).await
    }
    .await;
    match result {
        Ok(me) => {
            let mut r = Json(me).into_response();
            r.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => ApiError(e).into_response(),
    }
}

/// `POST /auth/logout`: ends this session (cookie or token).
pub async fn logout(State(http): State<Http>, headers: HeaderMap) -> Response {
    let result = async {
        let resolved = http.resolve(&headers).await?;
        resolved.check_csrf(&headers)?;
        if !matches!(resolved.via, Via::Owner) {
            pixel_core::ops::sign_out(&http.0.app, &resolved.caller).await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => {
            let mut r = StatusCode::NO_CONTENT.into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, http.0.auth.clear_cookie(SESSION_COOKIE));
            r
        }
        Err(e) => ApiError(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_taken_off_the_list_is_a_user_on_the_next_request() {
        let user = User {
            id: "u1".into(),
            username: "ada".into(),
            email: Some("Ada@Example.com".into()),
            role: Role::Admin,
            created_at: 0,
            admin_granted: false,
            suspended_at: None,
        };
        let listed = Auth::from_config(&Config {
            admin_emails: vec!["ada@example.com".into()],
            ..Config::default()
        });
        assert_eq!(listed.effective_role(&user), Role::Admin);
        // The stored role still says admin (sessions and tokens were made then); the list decides.
        let removed = Auth::from_config(&Config::default());
        assert_eq!(removed.effective_role(&user), Role::User);
        let never_admin = User {
            role: Role::User,
            ..user
        };
        assert_eq!(listed.effective_role(&never_admin), Role::User);
    }

    #[test]
    fn sessions_are_labelled_by_browser_and_system() {
        let label = |ua: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::USER_AGENT, HeaderValue::from_str(ua).unwrap());
            browser_label(&h)
        };
        assert_eq!(
            label("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
            "Firefox on Linux"
        );
        assert_eq!(
            label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0"),
            "Edge on Windows"
        );
        assert_eq!(
            label("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
            "Safari on macOS"
        );
        assert_eq!(browser_label(&HeaderMap::new()), "Web browser");
    }

    #[test]
    fn only_same_site_paths_are_returned_to() {
        assert_eq!(safe_return_to(Some("/library?x=1")), "/library?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "library",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_return_to(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_to(None), "/");
    }
}
