//! `pixelstudio://` links: parsing into UI routes, the sign-in callback hook, and the inbox that keeps
//! a link which arrived before the UI was listening (a cold start through a link).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tauri::Url;

use crate::types::DeepLink;

pub const SCHEME: &str = "pixelstudio";

/// What a link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAction {
    /// Open this UI route.
    Route(String),
    /// The server's redirect after sign-in, with its one-time code.
    AuthCallback { code: String },
}

/// Why a link was ignored. Messages never contain a query string (it may hold a sign-in code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("not a {SCHEME}:// link")]
    Scheme,
    #[error("invalid id in the link")]
    InvalidId,
    #[error("sign-in callback without a code")]
    MissingCode,
    #[error("unknown link target '{0}'")]
    Unknown(String),
}

/// Ids are opaque to links, but only this alphabet and length can name an image or a set.
pub fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The link as it may be shown or logged: scheme, host and path, never the query or fragment.
pub fn redacted(url: &Url) -> String {
    let mut shown = format!("{}:", url.scheme());
    if let Some(host) = url.host_str() {
        shown.push_str("//");
        shown.push_str(host);
    }
    shown.push_str(url.path());
    shown
}

/// Reads a link. `pixelstudio://image/<id>`, `pixelstudio://set/<id>` (plural forms too),
/// `pixelstudio://library`, `pixelstudio://create`, `pixelstudio://settings`,
/// `pixelstudio://auth/callback?code=...`.
pub fn parse_link(url: &Url) -> Result<LinkAction, LinkError> {
    if !url.scheme().eq_ignore_ascii_case(SCHEME) {
        return Err(LinkError::Scheme);
    }
    // `pixelstudio://image/x` has host `image`; `pixelstudio:image/x` has none: treat both alike.
    let mut parts: Vec<&str> = url.host_str().into_iter().collect();
    parts.extend(url.path().split('/').filter(|s| !s.is_empty()));
    let route = |r: String| Ok(LinkAction::Route(r));
    match parts.as_slice() {
        [] | ["create"] => route("/".into()),
        ["library"] => route("/library".into()),
        ["settings"] => route("/settings".into()),
        // The UI's routes are plural (`/images/:id`, `/sets/:id`); links accept both spellings.
        ["image" | "images", id] if valid_id(id) => route(format!("/images/{id}")),
        ["set" | "sets", id] if valid_id(id) => route(format!("/sets/{id}")),
        ["image" | "images" | "set" | "sets", _] => Err(LinkError::InvalidId),
        ["auth", "callback"] => url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .filter(|code| !code.is_empty())
            .map(|code| LinkAction::AuthCallback { code })
            .ok_or(LinkError::MissingCode),
        _ => Err(LinkError::Unknown(
            parts.join("/").chars().take(80).collect(),
        )),
    }
}

/// Notes a sign-in link. The exchange itself runs in `lib.rs` (`deliver_link` hands the code to
/// `remote::RemoteAccount`); the code is never logged.
pub fn handle_auth_callback(code: &str) {
    tracing::debug!(code_len = code.len(), "server sign-in callback received");
}

/// Keeps the latest link until the UI says it listens (`take_pending_deep_link`), so a link that
/// started the app is not lost while the page loads. A page (re)load makes the UI "not listening".
#[derive(Default)]
pub struct LinkInbox {
    pending: Mutex<Option<DeepLink>>,
    ui_listening: AtomicBool,
}

impl LinkInbox {
    /// Records a link; returns it for emitting as an event (always emitted: the UI may be listening).
    pub fn arrive(&self, link: DeepLink) -> DeepLink {
        if !self.ui_listening.load(Ordering::SeqCst) {
            *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(link.clone());
        }
        link
    }

    /// The UI listens from now on; hands over the link that arrived before.
    pub fn take(&self) -> Option<DeepLink> {
        self.ui_listening.store(true, Ordering::SeqCst);
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// The page is loading again: links wait in the inbox until the new page takes them.
    pub fn page_loading(&self) {
        self.ui_listening.store(false, Ordering::SeqCst);
    }
}

/// Turns an incoming URL into the link sent to the UI, running the sign-in hook on the way, or None
/// when the link is ignored (logged without its query).
pub fn incoming(url: &Url) -> Option<DeepLink> {
    let shown = redacted(url);
    match parse_link(url) {
        Ok(LinkAction::Route(route)) => {
            tracing::info!(link = %shown, %route, "deep link");
            Some(DeepLink {
                url: shown,
                route: Some(route),
            })
        }
        Ok(LinkAction::AuthCallback { code }) => {
            handle_auth_callback(&code);
            Some(DeepLink {
                url: shown,
                route: None,
            })
        }
        Err(e) => {
            tracing::warn!(link = %shown, error = %e, "ignored a deep link");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<LinkAction, LinkError> {
        parse_link(&Url::parse(s).expect("url"))
    }
    fn route(r: &str) -> Result<LinkAction, LinkError> {
        Ok(LinkAction::Route(r.into()))
    }

    #[test]
    fn link_table() {
        let id = "0190f1d2a3b4c5d6e7f8091a2b3c4d5e";
        let table: Vec<(String, Result<LinkAction, LinkError>)> = vec![
            (
                format!("pixelstudio://image/{id}"),
                route(&format!("/images/{id}")),
            ),
            (
                format!("pixelstudio://images/{id}/"),
                route(&format!("/images/{id}")),
            ),
            (
                format!("pixelstudio:image/{id}"),
                route(&format!("/images/{id}")),
            ),
            (
                format!("PixelStudio://set/{id}"),
                route(&format!("/sets/{id}")),
            ),
            ("pixelstudio://set/a_b-C9".into(), route("/sets/a_b-C9")),
            ("pixelstudio://library".into(), route("/library")),
            ("pixelstudio://library/".into(), route("/library")),
            ("pixelstudio://create".into(), route("/")),
            ("pixelstudio://settings".into(), route("/settings")),
            (
                "pixelstudio://auth/callback?code=abc123&state=x".into(),
                Ok(LinkAction::AuthCallback {
                    code: "abc123".into(),
                }),
            ),
            (
                "pixelstudio://auth/callback".into(),
                Err(LinkError::MissingCode),
            ),
            (
                "pixelstudio://auth/callback?code=".into(),
                Err(LinkError::MissingCode),
            ),
            (
                "pixelstudio://image/..%2F..%2Fetc".into(),
                Err(LinkError::InvalidId),
            ),
            ("pixelstudio://image/a.b".into(), Err(LinkError::InvalidId)),
            (
                format!("pixelstudio://image/{}", "a".repeat(65)),
                Err(LinkError::InvalidId),
            ),
            (
                format!("pixelstudio://image/{}", "a".repeat(64)),
                route(&format!("/images/{}", "a".repeat(64))),
            ),
            (
                "pixelstudio://image/x%20y".into(),
                Err(LinkError::InvalidId),
            ),
            (
                "pixelstudio://image".into(),
                Err(LinkError::Unknown("image".into())),
            ),
            (
                "pixelstudio://image/a/b".into(),
                Err(LinkError::Unknown("image/a/b".into())),
            ),
            (
                "pixelstudio://evil/thing".into(),
                Err(LinkError::Unknown("evil/thing".into())),
            ),
            ("https://image/abc".into(), Err(LinkError::Scheme)),
        ];
        for (link, want) in table {
            assert_eq!(parse(&link), want, "{link}");
        }
    }

    #[test]
    fn sign_in_links_reach_the_ui_without_their_code() {
        let url = Url::parse("pixelstudio://auth/callback?code=secret-code").expect("url");
        let link = incoming(&url).expect("acknowledged");
        assert_eq!(link.route, None);
        assert_eq!(link.url, "pixelstudio://auth/callback");
        assert!(!format!("{link:?}").contains("secret-code"));
        let bad = Url::parse("pixelstudio://image/a.b?code=x").expect("url");
        assert_eq!(incoming(&bad), None, "invalid ids are ignored");
    }

    #[test]
    fn inbox_keeps_links_until_the_ui_listens() {
        let inbox = LinkInbox::default();
        let link = |r: &str| DeepLink {
            url: format!("pixelstudio://{r}"),
            route: Some(format!("/{r}")),
        };
        inbox.arrive(link("a"));
        inbox.arrive(link("library"));
        assert_eq!(inbox.take(), Some(link("library")), "the latest link wins");
        assert_eq!(inbox.take(), None);
        inbox.arrive(link("b"));
        assert_eq!(inbox.take(), None, "a listening UI got it as an event");
        inbox.page_loading();
        inbox.arrive(link("c"));
        assert_eq!(inbox.take(), Some(link("c")));
    }
}
