//! Signing the desktop in to a Pixel Studio server: the PKCE-bound one-time code exchange that ends
//! in a `pixelstudio://auth/callback` link, the bearer token kept in the OS keychain, the server
//! account, and publishing local images to it. Signed out, nothing here is touched and the local
//! library works as before.

use pixel_core::account::{new_secret, pkce_challenge, Me};
use pixel_core::{Error, ErrorCode, Visibility};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ts_rs::TS;

use crate::core::DesktopCore;
use crate::keys::SecretStore;

/// The keychain entry of the server token (beside the provider keys, under the same service).
pub const TOKEN_ENTRY: &str = "server-token";
/// The file (in the app data dir) naming the server signed in to. Not a secret.
const SERVER_FILE: &str = "server.json";
/// How long the app waits for the browser to come back with a code.
const SIGN_IN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The desktop's view of its server account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServerStatus {
    /// The server signed in to (or last used), if any.
    pub server: Option<String>,
    pub signed_in: bool,
    /// The account on the server while signed in and reachable.
    pub account: Option<Me>,
    /// Why the account could not be shown (server unreachable...), while still signed in.
    pub problem: Option<String>,
    /// A sign-in waits for the browser to come back.
    pub pending: bool,
}

/// An image published to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Published {
    pub server_image_id: String,
    /// Where to see it on the server.
    pub url: String,
}

struct Pending {
    server: String,
    verifier: String,
    started: Instant,
}

#[derive(Serialize, Deserialize)]
struct ServerFile {
    url: String,
}

pub struct RemoteAccount {
    pub(crate) http: reqwest::Client,
    secrets: Arc<dyn SecretStore>,
    data_dir: PathBuf,
    pending: Mutex<Option<Pending>>,
    /// Why the last sign-in failed, shown until the next sign-in or sign-out.
    last_problem: Mutex<Option<String>>,
    /// Woken on every sign-in and sign-out, so the event relay (one task) follows the account at once.
    pub(crate) changed: tokio::sync::Notify,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn unreachable(server: &str, e: reqwest::Error) -> Error {
    Error::new(
        ErrorCode::Unavailable,
        format!("could not reach {server}: {e}"),
    )
}

/// The server's `{error: {code, message}}` answer as an error, or a plain one from its status.
async fn server_error(resp: reqwest::Response) -> Error {
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    match serde_json::from_value::<Error>(body["error"].clone()) {
        Ok(e) => e,
        Err(_) => Error::new(
            ErrorCode::Unavailable,
            format!("the server answered {status}"),
        ),
    }
}

/// A server address as typed by a person: `https://pixel.example.com/` -> `https://pixel.example.com`.
pub fn normalize_server(input: &str) -> Result<String, Error> {
    let trimmed = input.trim().trim_end_matches('/');
    let url = url_parse(trimmed)?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::invalid(
            "the server address must start with https:// (or http:// on a trusted network)",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            "the server address has no query or fragment",
        ));
    }
    Ok(trimmed.to_string())
}

fn url_parse(s: &str) -> Result<tauri::Url, Error> {
    tauri::Url::parse(s).map_err(|_| Error::invalid(format!("'{s}' is not a web address")))
}

impl RemoteAccount {
    pub fn new(secrets: Arc<dyn SecretStore>, data_dir: PathBuf) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_default();
        Self {
            http,
            secrets,
            data_dir,
            pending: Mutex::new(None),
            last_problem: Mutex::new(None),
            changed: tokio::sync::Notify::new(),
        }
    }

    pub(crate) fn server(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.data_dir.join(SERVER_FILE)).ok()?;
        serde_json::from_str::<ServerFile>(&text)
            .ok()
            .map(|f| f.url)
    }

    fn remember_server(&self, url: &str) -> Result<(), Error> {
        let json =
            serde_json::to_string(&ServerFile { url: url.into() }).map_err(Error::internal)?;
        std::fs::write(self.data_dir.join(SERVER_FILE), json)
            .map_err(|e| Error::internal(format!("cannot remember the server: {e}")))
    }

    pub(crate) async fn token(&self) -> Result<Option<String>, Error> {
        let secrets = self.secrets.clone();
        Ok(
            tokio::task::spawn_blocking(move || secrets.get(TOKEN_ENTRY))
                .await
                .map_err(Error::internal)??,
        )
    }

    async fn set_token(&self, token: Option<String>) -> Result<(), Error> {
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || match token {
            Some(t) => secrets.set(TOKEN_ENTRY, &t),
            None => secrets.delete(TOKEN_ENTRY),
        })
        .await
        .map_err(Error::internal)??;
        self.changed.notify_one();
        Ok(())
    }

    /// Starts a sign-in: returns the address to open in the system browser. The verifier stays in
    /// this process; only its challenge travels.
    pub fn begin(&self, server: &str) -> Result<String, Error> {
        let server = normalize_server(server)?;
        let verifier = new_secret("")?;
        let url = format!(
            "{server}/auth/desktop?challenge={}",
            pkce_challenge(&verifier)
        );
        *lock(&self.pending) = Some(Pending {
            server,
            verifier,
            started: Instant::now(),
        });
        *lock(&self.last_problem) = None;
        Ok(url)
    }

    /// Completes a sign-in with the code from the link and reports where the account stands; a
    /// failure is kept as the status's problem.
    pub async fn finish_sign_in(&self, code: &str) -> ServerStatus {
        if let Err(e) = self.complete(code).await {
            tracing::warn!(code = e.code.as_str(), reason = %e.message, "server sign-in failed");
            *lock(&self.last_problem) = Some(e.message);
        }
        self.status().await
    }

    /// Completes a sign-in with the code from `pixelstudio://auth/callback?code=...`.
    pub async fn complete(&self, code: &str) -> Result<ServerStatus, Error> {
        let pending = lock(&self.pending).take().ok_or_else(|| {
            Error::new(
                ErrorCode::SignInFailed,
                "no sign-in was started from this app; choose Sign in to a server first",
            )
        })?;
        if pending.started.elapsed() > SIGN_IN_WINDOW {
            return Err(Error::new(
                ErrorCode::SignInFailed,
                "the sign-in took too long; start it again",
            ));
        }
        let host = std::env::var("HOSTNAME").unwrap_or_default();
        let label = if host.is_empty() {
            "Pixel Studio desktop".to_string()
        } else {
            format!("Pixel Studio on {host}")
        };
        let resp = self
            .http
            .post(format!("{}/auth/desktop/token", pending.server))
            .json(&serde_json::json!({
                "code": code,
                "code_verifier": pending.verifier,
                "label": label,
            }))
            .send()
            .await
            .map_err(|e| unreachable(&pending.server, e))?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        #[derive(Deserialize)]
        struct TokenResponse {
            token: String,
        }
        let body: TokenResponse = resp.json().await.map_err(|e| {
            Error::new(
                ErrorCode::Unavailable,
                format!("the server's answer is unreadable: {e}"),
            )
        })?;
        // The server first: the event relay, woken by the token, reads both.
        self.remember_server(&pending.server)?;
        self.set_token(Some(body.token)).await?;
        tracing::info!(server = %pending.server, "signed in to a server");
        Ok(self.status().await)
    }

    /// Where the account stands, asking the server when signed in.
    pub async fn status(&self) -> ServerStatus {
        let server = self.server();
        let pending = lock(&self.pending).is_some();
        let token = match self.token().await {
            Ok(t) => t,
            Err(e) => {
                return ServerStatus {
                    server,
                    signed_in: false,
                    account: None,
                    problem: Some(e.message),
                    pending,
                }
            }
        };
        let (Some(url), Some(token)) = (server.clone(), token) else {
            return ServerStatus {
                server,
                signed_in: false,
                account: None,
                problem: lock(&self.last_problem).clone(),
                pending,
            };
        };
        let answer = self
            .http
            .get(format!("{url}/api/me"))
            .bearer_auth(&token)
            .send()
            .await;
        match answer {
            Ok(resp) if resp.status().is_success() => match resp.json::<Me>().await {
                Ok(me) => ServerStatus {
                    server,
                    signed_in: true,
                    account: Some(me),
                    // Still signed in, but a newer sign-in attempt failed: say so.
                    problem: lock(&self.last_problem).clone(),
                    pending,
                },
                Err(e) => ServerStatus {
                    server,
                    signed_in: true,
                    account: None,
                    problem: Some(format!("the server's answer is unreadable: {e}")),
                    pending,
                },
            },
            Ok(resp) if resp.status() == reqwest::StatusCode::UNAUTHORIZED => {
                // Revoked or expired on the server (signed out everywhere): forget the token.
                if let Err(e) = self.set_token(None).await {
                    tracing::warn!(error = %e, "could not forget a dead server token");
                }
                ServerStatus {
                    server,
                    signed_in: false,
                    account: None,
                    problem: Some("the server signed this app out; sign in again".into()),
                    pending,
                }
            }
            Ok(resp) => ServerStatus {
                server,
                signed_in: true,
                account: None,
                problem: Some(server_error(resp).await.message),
                pending,
            },
            Err(e) => ServerStatus {
                server: server.clone(),
                signed_in: true,
                account: None,
                problem: Some(unreachable(&url, e).message),
                pending,
            },
        }
    }

    /// Signs out: ends the token on the server when it can be reached, and forgets it here always.
    pub async fn sign_out(&self) -> Result<ServerStatus, Error> {
        if let (Some(url), Ok(Some(token))) = (self.server(), self.token().await) {
            let ended = self
                .http
                .post(format!("{url}/auth/logout"))
                .bearer_auth(token)
                .send()
                .await;
            if let Err(e) = ended {
                tracing::warn!(error = %e, "the server could not be told about the sign-out");
            }
        }
        self.set_token(None).await?;
        *lock(&self.pending) = None;
        *lock(&self.last_problem) = None;
        Ok(self.status().await)
    }

    /// One operation of the server as the account of `token`: its output, or the server's own error.
    pub(crate) async fn post_op<T: serde::de::DeserializeOwned>(
        &self,
        server: &str,
        token: &str,
        method: &str,
        input: &serde_json::Value,
    ) -> Result<T, Error> {
        let resp = self
            .http
            .post(format!("{server}/api/ops/{method}"))
            .bearer_auth(token)
            .json(input)
            .send()
            .await
            .map_err(|e| unreachable(server, e))?;
        if !resp.status().is_success() {
            return Err(server_error(resp).await);
        }
        resp.json().await.map_err(|e| {
            Error::new(
                ErrorCode::Unavailable,
                format!("the server's answer is unreadable: {e}"),
            )
        })
    }

    /// Publishes one image of the local library, with its generation record, to the server.
    pub async fn publish(
        &self,
        core: &DesktopCore,
        image_id: &str,
        visibility: Option<Visibility>,
    ) -> Result<Published, Error> {
        use base64::Engine;
        let (url, token) = self.credentials().await?.ok_or_else(|| {
            Error::new(ErrorCode::Unauthenticated, "sign in to a server to publish")
        })?;
        let (image, bytes) = core.original(image_id).await?;
        let body = serde_json::json!({
            "image_base64": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "record": image.record,
            "visibility": visibility,
        });
        let published: pixel_core::Image =
            self.post_op(&url, &token, "images.publish", &body).await?;
        Ok(Published {
            // The share link: the page itself for whoever may see the image, with a preview when public.
            url: format!("{url}/p/{}", published.id),
            server_image_id: published.id,
        })
    }
}
