//! The team server's social side on a signed-in desktop: the server's operations called with the
//! app's bearer token, its media proxied through the `pixel` scheme (the webview cannot add the
//! token to an `<img>`), and its live events relayed to the window as they arrive. The token never
//! reaches the webview.

use futures_util::StreamExt;
use pixel_core::{Error, ErrorCode};
use serde_json::Value;
use std::time::Duration;
use tauri::http::{header, Response, StatusCode};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::deeplink::valid_id;
use crate::remote::{unreachable, RemoteAccount};

/// Where server media is asked for on the `pixel` scheme: `/server/media/<id>/<variant>`.
pub const SERVER_MEDIA_PREFIX: &str = "/server";

/// The longest wait between two attempts to reach the server's event stream.
const MAX_RETRY: Duration = Duration::from_secs(30);

/// What the relay tells the window.
#[derive(Debug, Clone, PartialEq)]
pub enum RelayUpdate {
    /// The stream is open (true) or lost and being retried (false).
    Connected(bool),
    /// One event, the server's WebSocket frame as it came.
    Event(String),
}

fn signed_out() -> Error {
    Error::new(
        ErrorCode::Unauthenticated,
        "sign in to a team server (Settings → Team server) to see it here",
    )
}

/// An operation name as the server's registry spells them (`explore.list`): nothing that could
/// change the request's path.
fn valid_method(method: &str) -> bool {
    (1..=64).contains(&method.len())
        && method
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
}

/// The server's event stream address: `https://host` -> `wss://host/api/events`.
pub fn events_url(server: &str) -> Result<String, Error> {
    let rest = if let Some(rest) = server.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = server.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        return Err(Error::invalid(format!(
            "'{server}' is not a server address"
        )));
    };
    Ok(format!("{rest}/api/events"))
}

impl RemoteAccount {
    /// The server and its token while signed in.
    pub async fn credentials(&self) -> Result<Option<(String, String)>, Error> {
        Ok(match (self.server(), self.token().await?) {
            (Some(server), Some(token)) => Some((server, token)),
            _ => None,
        })
    }

    /// One operation of the server's registry, as the signed-in account.
    pub async fn call(&self, method: &str, input: Value) -> Result<Value, Error> {
        if !valid_method(method) {
            return Err(Error::new(
                ErrorCode::UnknownOperation,
                format!("'{method}' is not an operation"),
            ));
        }
        let (server, token) = self.credentials().await?.ok_or_else(signed_out)?;
        self.post_op(&server, &token, method, &input).await
    }

    /// One of the server's media files (`/server/media/<id>/<variant>` on the `pixel` scheme) with
    /// the server's own status and caching headers: what the account may not see stays a 404.
    pub async fn media(
        &self,
        path: &str,
        head: bool,
        if_none_match: Option<&str>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let media = path
            .strip_prefix(SERVER_MEDIA_PREFIX)
            .filter(|rest| valid_media_path(rest))
            .ok_or_else(|| Error::not_found("media"))?;
        let (server, token) = self.credentials().await?.ok_or_else(signed_out)?;
        let url = format!("{server}{media}");
        let mut request = if head {
            self.http.head(&url)
        } else {
            self.http.get(&url)
        }
        .bearer_auth(token);
        if let Some(tag) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        let resp = request.send().await.map_err(|e| unreachable(&server, e))?;
        let status = StatusCode::from_u16(resp.status().as_u16())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut out = Response::builder().status(status);
        for name in [
            header::CONTENT_TYPE,
            header::CACHE_CONTROL,
            header::ETAG,
            header::LAST_MODIFIED,
        ] {
            if let Some(value) = resp.headers().get(name.as_str()) {
                out = out.header(name.as_str(), value.as_bytes());
            }
        }
        let body = resp.bytes().await.map_err(|e| unreachable(&server, e))?;
        out.body(body.to_vec()).map_err(Error::internal)
    }

    /// Relays the server's events for the signed-in account until the stream ends, or fails to open.
    /// Ok(()) when the server closed it (restart, sign-out elsewhere); the caller retries either way.
    pub async fn relay_once(&self, sink: &mut impl FnMut(RelayUpdate)) -> Result<(), Error> {
        let (server, token) = self.credentials().await?.ok_or_else(signed_out)?;
        let mut request = events_url(&server)?
            .into_client_request()
            .map_err(|e| Error::invalid(format!("bad server address: {e}")))?;
        let bearer = format!("Bearer {token}")
            .parse()
            .map_err(|_| Error::internal("the server token is not a header value"))?;
        request.headers_mut().insert(header::AUTHORIZATION, bearer);
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| {
                Error::new(
                    ErrorCode::Unavailable,
                    format!("cannot open {server}'s event stream: {e}"),
                )
            })?;
        sink(RelayUpdate::Connected(true));
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(Message::Text(text)) => sink(RelayUpdate::Event(text.to_string())),
                Ok(Message::Close(_)) => break,
                Ok(_) => {}
                Err(e) => {
                    return Err(Error::new(
                        ErrorCode::Unavailable,
                        format!("{server}'s event stream broke: {e}"),
                    ))
                }
            }
        }
        Ok(())
    }

    /// Keeps the server's event stream open for as long as the app runs: opened at sign-in, closed
    /// at sign-out, reopened after a lost connection with a growing pause (1 s to 30 s).
    pub async fn relay_forever(&self, mut sink: impl FnMut(RelayUpdate)) {
        let mut pause = Duration::from_secs(1);
        loop {
            let signed_in = matches!(self.credentials().await, Ok(Some(_)));
            if !signed_in {
                self.changed.notified().await;
                continue;
            }
            let relay = self.relay_once(&mut sink);
            tokio::select! {
                ended = relay => {
                    sink(RelayUpdate::Connected(false));
                    match ended {
                        Ok(()) => pause = Duration::from_secs(1),
                        Err(e) => tracing::debug!(reason = %e, "server events unavailable"),
                    }
                    // A sign-out (or a new sign-in) ends the pause early.
                    let _ = tokio::time::timeout(pause, self.changed.notified()).await;
                    pause = (pause * 2).min(MAX_RETRY);
                }
                _ = self.changed.notified() => {
                    // Signed out or in again: drop this stream and follow the account.
                    sink(RelayUpdate::Connected(false));
                    pause = Duration::from_secs(1);
                }
            }
        }
    }
}

/// `/media/<id>/<variant>` with an id and a variant the server could have made.
fn valid_media_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/media/") else {
        return false;
    };
    let Some((id, variant)) = rest.split_once('/') else {
        return false;
    };
    valid_id(id) && matches!(variant, "original" | "thumb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_names() {
        assert_eq!(
            events_url("https://pixel.example.com").unwrap(),
            "wss://pixel.example.com/api/events"
        );
        assert_eq!(
            events_url("http://127.0.0.1:8080").unwrap(),
            "ws://127.0.0.1:8080/api/events"
        );
        assert!(events_url("ftp://x").is_err());
        assert!(valid_method("explore.list"));
        assert!(valid_method("notifications.mark_read"));
        for bad in ["", "../auth/logout", "a/b", "Explore.list", "x?y=1", "a b"] {
            assert!(!valid_method(bad), "{bad}");
        }
        assert!(valid_media_path("/media/abc_1/thumb"));
        for bad in [
            "/media/abc/big",
            "/media/../thumb",
            "/other/abc/thumb",
            "/media/abc",
        ] {
            assert!(!valid_media_path(bad), "{bad}");
        }
    }
}
