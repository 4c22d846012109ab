//! A minimal browser for sign-in tests: follows no redirects by itself, keeps the server's cookies,
//! and walks the OpenID Connect round trip through the real identity provider.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

pub struct Browser {
    pub client: reqwest::Client,
    base: String,
    jar: Mutex<HashMap<String, String>>,
    /// Every Set-Cookie header the server sent, for attribute checks.
    pub set_cookies: Mutex<Vec<String>>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: base.to_string(),
            jar: Mutex::new(HashMap::new()),
            set_cookies: Mutex::new(Vec::new()),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().expect("jar").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .expect("jar")
            .insert(name.to_string(), value.to_string());
    }

    fn cookie_header(&self) -> String {
        self.jar
            .lock()
            .expect("jar")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn absorb(&self, resp: &reqwest::Response) {
        for v in resp.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            self.set_cookies
                .lock()
                .expect("cookies")
                .push(v.to_string());
            let Some((pair, attrs)) = v.split_once(';').or(Some((v, ""))) else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let mut jar = self.jar.lock().expect("jar");
            if value.is_empty() || attrs.contains("Max-Age=0") {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.to_string());
            }
        }
    }

    /// A request to the server (with its cookies) or elsewhere (without).
    pub async fn request(
        &self,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let ours = url.starts_with(&self.base);
        let mut req = self.client.request(method, url);
        if ours {
            req = req.header(reqwest::header::COOKIE, self.cookie_header());
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        if ours {
            self.absorb(&resp);
        }
        resp
    }

    pub async fn get(&self, url: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, url, &[], None).await
    }

    /// Calls an operation with the session cookie and, when given, the CSRF token.
    pub async fn op(
        &self,
        method: &str,
        input: serde_json::Value,
        csrf: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let url = format!("{}/api/ops/{method}", self.base);
        let headers: Vec<(&str, &str)> =
            csrf.map(|c| vec![("x-csrf-token", c)]).unwrap_or_default();
        let resp = self
            .request(reqwest::Method::POST, &url, &headers, Some(input))
            .await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn me(&self) -> (u16, serde_json::Value) {
        let resp = self.get(&format!("{}/api/me", self.base)).await;
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// `GET path` on the server, expecting a redirect; returns its Location.
    pub async fn redirect_from(&self, url: &str) -> String {
        let resp = self.get(url).await;
        assert!(
            resp.status().is_redirection(),
            "expected a redirect from {url}, got {}: {}",
            resp.status(),
            resp.text().await.unwrap_or_default()
        );
        resp.headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("location")
            .to_string()
    }

    /// Starts a sign-in at `start` (a path) and returns the provider's authorization URL.
    pub async fn start(&self, start: &str) -> String {
        self.redirect_from(&format!("{}{start}", self.base)).await
    }

    /// Visits the provider's authorization URL (it approves at once) and returns our callback URL.
    pub async fn authorize(&self, authorize_url: &str) -> String {
        let callback = self.redirect_from(authorize_url).await;
        assert!(
            callback.starts_with(&self.base),
            "the provider sent us to {callback}"
        );
        callback
    }

    /// The whole round trip as `email`; returns the final response of our callback.
    pub async fn sign_in(&self, email: &str) -> reqwest::Response {
        let authorize = self
            .start(&format!(
                "/auth/google?return_to=/library&login_hint={email}"
            ))
            .await;
        let callback = self.authorize(&authorize).await;
        self.get(&callback).await
    }
}

/// Replaces one query parameter of a URL.
pub fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut u = reqwest::Url::parse(url).expect("url");
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            if k == name {
                (k.to_string(), value.to_string())
            } else {
                (k.to_string(), v.to_string())
            }
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}

pub fn param(url: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.to_string())
}
