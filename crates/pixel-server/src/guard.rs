//! The guard every request passes before its route: the Host must be one this server answers as (DNS
//! rebinding), a browser's Origin must be this server's own (cross-site pages), and operations take only
//! JSON bodies (a cross-site form or a "simple" fetch cannot send `application/json` without CORS).
//! Single-owner mode trusts every request that reaches it, so these checks are what keep a web page the
//! owner visits from driving the server.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pixel_core::{Error, ErrorCode};

use crate::http::{ApiError, Http};

/// The host names this server answers as, and its public origin.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// Lower-case host names (no port). Loopback names are always in.
    hosts: Vec<String>,
    /// `scheme://host[:port]` people reach the server at.
    public_origin: String,
}

impl HostPolicy {
    pub fn new(public_origin: &str, bind: &str, extra_hosts: &[String]) -> Self {
        let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(str::to_string)
            .collect();
        let public_host = public_origin
            .split_once("://")
            .map_or(public_origin, |(_, rest)| rest);
        for authority in std::iter::once(public_host)
            .chain(std::iter::once(bind))
            .chain(extra_hosts.iter().map(String::as_str))
        {
            let host = host_of(authority);
            // A wildcard bind address is not a name anyone reaches the server by.
            if !host.is_empty() && host != "0.0.0.0" && host != "[::]" && !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        Self {
            hosts,
            public_origin: public_origin.trim_end_matches('/').to_ascii_lowercase(),
        }
    }

    pub fn host_allowed(&self, authority: &str) -> bool {
        self.hosts.contains(&host_of(authority))
    }

    /// Whether a browser's `Origin` is this server: its public origin, or the allowed Host it was
    /// reached at.
    pub fn origin_allowed(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        if origin == self.public_origin {
            return true;
        }
        let Some((scheme, authority)) = origin.split_once("://") else {
            return false; // `null` (sandboxed frames, file pages) and garbage
        };
        (scheme == "http" || scheme == "https")
            && host.is_some_and(|h| h.eq_ignore_ascii_case(authority))
            && self.host_allowed(authority)
    }
}

/// The host name of `host[:port]`, lower-cased, IPv6 literals kept in brackets.
fn host_of(authority: &str) -> String {
    let a = authority.trim().to_ascii_lowercase();
    let a = a.rsplit_once('@').map_or(a.as_str(), |(_, h)| h);
    if a.starts_with('[') {
        return a
            .split_once(']')
            .map_or(a.to_string(), |(h, _)| format!("{h}]"));
    }
    a.split_once(':').map_or(a, |(h, _)| h).to_string()
}

fn refuse(code: ErrorCode, message: String) -> Response {
    ApiError(Error::new(code, message)).into_response()
}

fn request_host(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
}

/// Whether a body is declared as JSON (`application/json`, any parameters).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

pub async fn check(State(http): State<Http>, req: Request, next: Next) -> Response {
    let policy = &http.0.hosts;
    let path = req.uri().path();
    // Load balancers probe health by address; the answer holds nothing private.
    if path != "/healthz" {
        let host = request_host(&req);
        match host.as_deref() {
            Some(h) if policy.host_allowed(h) => {}
            other => {
                tracing::warn!(host = ?other, "refused a request for a host this server is not");
                return refuse(
                    ErrorCode::Forbidden,
                    format!(
                        "this server does not answer as '{}': add the name to PIXEL_ALLOWED_HOSTS or PIXEL_PUBLIC_URL",
                        other.unwrap_or("")
                    ),
                );
            }
        }
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            if !policy.origin_allowed(origin, host.as_deref()) {
                tracing::warn!(origin, "refused a cross-site request");
                return refuse(
                    ErrorCode::Forbidden,
                    "requests from other sites' pages are refused".into(),
                );
            }
        }
    }
    if req.method() == Method::POST && path.starts_with("/api/ops/") && !is_json(req.headers()) {
        return refuse(
            ErrorCode::UnsupportedMediaType,
            "operations take a JSON body: send Content-Type: application/json".into(),
        );
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_public_one_the_bound_one_and_loopback() {
        let p = HostPolicy::new(
            "https://pixel.example.com",
            "0.0.0.0:8080",
            &["studio.lan".into()],
        );
        for ok in [
            "pixel.example.com",
            "PIXEL.example.com:443",
            "localhost:8080",
            "127.0.0.1:1",
            "[::1]:8080",
            "studio.lan:8080",
        ] {
            assert!(p.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "pixel.example.com.evil.example",
            "0.0.0.0:8080",
            "",
        ] {
            assert!(!p.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn origins_must_be_this_server() {
        let p = HostPolicy::new("http://127.0.0.1:8080", "127.0.0.1:8080", &[]);
        assert!(p.origin_allowed("http://127.0.0.1:8080", Some("127.0.0.1:8080")));
        assert!(p.origin_allowed("http://localhost:9000", Some("localhost:9000")));
        assert!(!p.origin_allowed("http://evil.example", Some("127.0.0.1:8080")));
        assert!(!p.origin_allowed("null", Some("127.0.0.1:8080")));
        // A rebinding page's origin names the attacker's host, which the Host check refuses anyway.
        assert!(!p.origin_allowed("http://evil.example:8080", Some("evil.example:8080")));
    }

    #[test]
    fn only_json_bodies_count_as_json() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_json(&h));
        h.insert(
            header::CONTENT_TYPE,
            "Application/JSON; charset=utf-8".parse().unwrap(),
        );
        assert!(is_json(&h));
    }
}
