//! Shared HTTP plumbing for provider clients: one client, error mapping, capped result downloads.

use pixel_core::ports::ProviderError;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Largest image a provider may hand us.
pub const MAX_DOWNLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Largest video a provider may hand us: ten seconds of 1080p H.264 is about 20 MB.
pub const MAX_VIDEO_DOWNLOAD_BYTES: usize = 256 * 1024 * 1024;

/// What a result download must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    Image,
    Video,
}

impl ResultKind {
    fn noun(self) -> &'static str {
        match self {
            ResultKind::Image => "image",
            ResultKind::Video => "video",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            ResultKind::Image => "an image",
            ResultKind::Video => "a video",
        }
    }

    fn max_bytes(self) -> usize {
        match self {
            ResultKind::Image => MAX_DOWNLOAD_BYTES,
            ResultKind::Video => MAX_VIDEO_DOWNLOAD_BYTES,
        }
    }

    fn accepts(self, content_type: &str) -> bool {
        let wanted = match self {
            ResultKind::Image => "image/",
            ResultKind::Video => "video/",
        };
        content_type.starts_with(wanted) || content_type.starts_with("application/octet-stream")
    }
}

pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("pixel-studio/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Maps a transport failure: timeouts and connection errors are worth retrying.
pub fn transport_error(provider: &str, e: reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        ProviderError::Timeout {
            message: format!("{provider} did not answer in time"),
        }
    } else {
        ProviderError::Retryable {
            message: format!("could not reach {provider}: {}", without_url(&e)),
            retry_after: None,
        }
    }
}

fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s.replace(url.as_str(), "<url>");
    }
    s
}

/// How a provider turns an unsuccessful answer into an error.
pub type ErrorMapper = fn(reqwest::StatusCode, &reqwest::header::HeaderMap, &str) -> ProviderError;

/// Sends a request to a polled API and reads its body. A success, or a 404 (an id the provider no
/// longer knows, which only the caller can interpret), comes back as (status, body); any other
/// answer is mapped by the provider's `error_for`.
pub async fn call_polled(
    provider: &str,
    req: reqwest::RequestBuilder,
    error_for: ErrorMapper,
) -> Result<(u16, String), ProviderError> {
    let (status, headers, text) = send_and_read(provider, req).await?;
    if status.is_success() || status.as_u16() == 404 {
        return Ok((status.as_u16(), text));
    }
    Err(error_for(status, &headers, &text))
}

/// Sends a request and reads its body; any answer but a success is mapped by the provider's
/// `error_for`.
pub async fn call(
    provider: &str,
    req: reqwest::RequestBuilder,
    error_for: ErrorMapper,
) -> Result<String, ProviderError> {
    let (status, headers, text) = send_and_read(provider, req).await?;
    if !status.is_success() {
        return Err(error_for(status, &headers, &text));
    }
    Ok(text)
}

/// One entry of an OpenAI-style models list.
#[derive(Debug, serde::Deserialize)]
struct ListedModel {
    id: String,
}

/// The two forms a models list takes: OpenAI's `{"object":"list","data":[{"id":..}]}` and Together's
/// bare array of model objects.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum ModelsList {
    Wrapped { data: Vec<ListedModel> },
    Bare(Vec<ListedModel>),
}

/// GET {base_url}/models with a bearer key: the names of the models this key can use. Answers other
/// than a success are mapped by the provider's `error_for`, as the jobs map them.
pub async fn list_models(
    provider: &str,
    client: &reqwest::Client,
    base_url: &str,
    key: &str,
    error_for: ErrorMapper,
) -> Result<Vec<String>, ProviderError> {
    let req = client.get(format!("{base_url}/models")).bearer_auth(key);
    let text = call(provider, req, error_for).await?;
    let list = serde_json::from_str::<ModelsList>(&text).map_err(|_| ProviderError::Rejected {
        message: format!("{provider} sent a models list that could not be read"),
    })?;
    Ok(match list {
        ModelsList::Wrapped { data } | ModelsList::Bare(data) => {
            data.into_iter().map(|m| m.id).collect()
        }
    })
}

/// Whether each catalogue model's provider name is in a models list.
pub fn served_from_list(
    listed: &[String],
    models: impl IntoIterator<Item = (String, String)>,
) -> Vec<pixel_core::ports::ServedModel> {
    models
        .into_iter()
        .map(
            |(model_id, provider_model)| pixel_core::ports::ServedModel {
                served: listed.contains(&provider_model),
                model_id,
                provider_model,
            },
        )
        .collect()
}

/// Sends a request and reads the whole answer; only transport failures are errors here.
async fn send_and_read(
    provider: &str,
    req: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, reqwest::header::HeaderMap, String), ProviderError> {
    let resp = req.send().await.map_err(|e| transport_error(provider, e))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp
        .text()
        .await
        .map_err(|e| transport_error(provider, e))?;
    Ok((status, headers, text))
}

/// Parses `Retry-After` given in seconds (the form image APIs use).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
}

/// Reachability of a provider's API: any HTTP answer at its base URL (even 401 or 404) means it
/// answers; only a transport failure means it does not.
pub async fn probe(client: &reqwest::Client, base_url: &str) -> pixel_core::ports::ProviderHealth {
    match client
        .get(base_url)
        .timeout(Duration::from_secs(4))
        .send()
        .await
    {
        Ok(_) => pixel_core::ports::ProviderHealth {
            reachable: Some(true),
            ..Default::default()
        },
        Err(e) => pixel_core::ports::ProviderHealth {
            reachable: Some(false),
            message: Some(if e.is_timeout() {
                "no answer in time".into()
            } else if e.is_connect() {
                "cannot connect: nothing answers at the configured address".into()
            } else {
                format!("cannot connect: {}", without_url(&e))
            }),
            ..Default::default()
        },
    }
}

/// Fills in the balance of a reachable provider from an endpoint answering a number in `field`
/// (`credits` at Stability and Black Forest Labs, `credit_balance` at Luma). A refused or odd answer leaves the balance unknown:
/// the provider still answers, so it stays reachable.
pub async fn read_credits(
    health: &mut pixel_core::ports::ProviderHealth,
    request: reqwest::RequestBuilder,
    field: &str,
) {
    if health.reachable != Some(true) {
        return;
    }
    let Some(resp) = request
        .timeout(Duration::from_secs(4))
        .send()
        .await
        .ok()
        .filter(|r| r.status().is_success())
    else {
        return;
    };
    let credits = resp
        .json::<serde_json::Value>()
        .await
        .ok()
        .and_then(|body| body[field].as_f64())
        .filter(|c| c.is_finite());
    if let Some(c) = credits {
        health.balance = Some(format!("{c:.2} credits"));
        health.credits = Some(c);
    }
}

/// Whether an address is reachable on the public internet. Loopback, private, link-local (cloud
/// metadata), shared, unspecified, reserved (240/4), IETF protocol (192.0.0/24), benchmarking and
/// documentation ranges are not, and neither is any IPv6 form that embeds such an IPv4 address
/// (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new(
                    (hi >> 8) as u8,
                    hi as u8,
                    (lo >> 8) as u8,
                    lo as u8,
                ))
            };
            // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated but still routed by some
            // stacks): judged as the IPv4 address they carry.
            if seg[..5] == [0; 5]
                && (seg[5] == 0xffff || seg[5] == 0)
                && !(seg[5] == 0 && seg[6] == 0)
            {
                return is_public_ip(embedded(seg[6], seg[7]));
            }
            // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48) reaches the IPv4 address it carries.
            if seg[0] == 0x64 && seg[1] == 0xff9b {
                return seg[2..6] == [0; 4] && is_public_ip(embedded(seg[6], seg[7]));
            }
            // 6to4 (2002:AABB:CCDD::/48) tunnels to the IPv4 address in bits 16-48.
            if seg[0] == 0x2002 {
                return is_public_ip(embedded(seg[1], seg[2]));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] & 0xffc0) == 0xfec0
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || (seg[0] == 0x0100 && seg[1..4] == [0; 3]))
        }
    }
}

fn origin(url: &reqwest::Url) -> Option<(String, u16)> {
    Some((
        url.host_str()?.to_ascii_lowercase(),
        url.port_or_known_default()?,
    ))
}

fn refused(provider: &str, why: &str) -> ProviderError {
    ProviderError::Rejected {
        message: format!("refused to download {provider}'s result: {why}"),
    }
}

/// Resolves where a download may connect. The configured provider's own origin is trusted (a
/// self-hosted engine on a LAN or loopback); anything else must resolve only to public addresses,
/// and the connection is pinned to the address that was checked, so DNS cannot change it in between.
async fn checked_target(
    provider: &str,
    url: &reqwest::Url,
    trusted: Option<&(String, u16)>,
) -> Result<Option<SocketAddr>, ProviderError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refused(provider, "not an http(s) URL"));
    }
    let Some(target) = origin(url) else {
        return Err(refused(provider, "the URL has no host"));
    };
    if trusted == Some(&target) {
        return Ok(None);
    }
    let host = target
        .0
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, target.1)],
        Err(_) => tokio::net::lookup_host((host.as_str(), target.1))
            .await
            .map_err(|_| ProviderError::Retryable {
                message: format!("could not resolve {provider}'s result host"),
                retry_after: None,
            })?
            .collect(),
    };
    match addrs.first() {
        Some(first) if addrs.iter().all(|a| is_public_ip(a.ip())) => Ok(Some(*first)),
        Some(_) => Err(refused(
            provider,
            "it points to a private or loopback address",
        )),
        None => Err(refused(provider, "its host has no address")),
    }
}

/// The runner's per-attempt timeout bounds a download too; this only stops a stalled one sooner.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The most redirects a result download follows (each hop is checked like the first URL).
const MAX_REDIRECTS: usize = 5;

/// Downloads a result image: http(s) only, no private or loopback targets (also after redirects)
/// except the provider's configured `trusted_base` origin, size-capped, and it must be an image.
pub async fn download_image(
    provider: &str,
    url: &str,
    trusted_base: &str,
) -> Result<Vec<u8>, ProviderError> {
    download_result(provider, url, trusted_base, ResultKind::Image).await
}

/// Downloads a result of `kind` under the same rules as [`download_image`].
pub async fn download_result(
    provider: &str,
    url: &str,
    trusted_base: &str,
    kind: ResultKind,
) -> Result<Vec<u8>, ProviderError> {
    let trusted = reqwest::Url::parse(trusted_base)
        .ok()
        .as_ref()
        .and_then(origin);
    let mut current = reqwest::Url::parse(url).map_err(|_| ProviderError::Rejected {
        message: format!("{provider} returned an invalid result URL"),
    })?;
    for _ in 0..=MAX_REDIRECTS {
        let pinned = checked_target(provider, &current, trusted.as_ref()).await?;
        let mut builder = reqwest::Client::builder()
            .timeout(DOWNLOAD_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would make the connection, not us: the address checked above would not be
            // the one reached, and a proxy on the LAN is exactly what the check keeps out.
            .no_proxy()
            .user_agent(concat!("pixel-studio/", env!("CARGO_PKG_VERSION")));
        if let (Some(addr), Some(host)) = (pinned, current.host_str()) {
            builder = builder.resolve(host, addr);
        }
        let client = builder.build().map_err(|e| transport_error(provider, e))?;
        let resp = client
            .get(current.clone())
            .send()
            .await
            .map_err(|e| transport_error(provider, e))?;
        let status = resp.status();
        if status.is_redirection() {
            let next = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| current.join(loc).ok())
                .ok_or_else(|| refused(provider, "a redirect without a valid Location"))?;
            current = next;
            continue;
        }
        return read_result(provider, resp, kind).await;
    }
    Err(refused(provider, "too many redirects"))
}

async fn read_result(
    provider: &str,
    mut resp: reqwest::Response,
    kind: ResultKind,
) -> Result<Vec<u8>, ProviderError> {
    let noun = kind.noun();
    let status = resp.status();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(ProviderError::Retryable {
            message: format!("result download failed with {status}"),
            retry_after: retry_after(resp.headers()),
        });
    }
    if !status.is_success() {
        return Err(ProviderError::Rejected {
            message: format!("the result {noun} could not be downloaded ({status})"),
        });
    }
    let expected = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| kind.accepts(ct));
    if !expected {
        return Err(ProviderError::Rejected {
            message: format!("{provider}'s result is not {}", kind.with_article()),
        });
    }
    let max = kind.max_bytes();
    let too_large = || ProviderError::Rejected {
        message: format!("the result {noun} is too large"),
    };
    if resp.content_length().is_some_and(|n| n as usize > max) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport_error(provider, e))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            // NAT64, 6to4 and IPv4-compatible forms of loopback, private and metadata addresses.
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::808:808",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "::127.0.0.1",
            "::10.0.0.1",
            // Reserved, IETF protocol assignments, benchmarking.
            "240.0.0.1",
            "255.255.255.254",
            "192.0.0.8",
            "198.18.0.1",
            "2001:db8::1",
        ] {
            assert!(
                !is_public_ip(ip.parse().expect("ip")),
                "{ip} must not be public"
            );
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(is_public_ip(ip.parse().expect("ip")), "{ip} is public");
        }
    }

    #[tokio::test]
    async fn only_the_configured_origin_may_be_private() {
        let trusted = Some(("127.0.0.1".to_string(), 8080));
        let url = |u: &str| reqwest::Url::parse(u).expect("url");
        assert_eq!(
            checked_target("p", &url("http://127.0.0.1:8080/x.png"), trusted.as_ref()).await,
            Ok(None)
        );
        for bad in [
            "http://127.0.0.1:8081/x.png",
            "http://127.0.0.2:8080/x.png",
            "http://localhost:8080/x.png",
            "http://[::1]:8080/x.png",
            "http://169.254.169.254/latest/meta-data",
            "file:///etc/passwd",
        ] {
            let r = checked_target("p", &url(bad), trusted.as_ref()).await;
            assert!(
                matches!(r, Err(ProviderError::Rejected { .. })),
                "{bad}: {r:?}"
            );
        }
    }
}
