//! Shared HTTP plumbing for provider clients: one client, error mapping, capped result downloads.

use pixel_core::ports::ProviderError;
use std::time::Duration;

/// Largest image a provider may hand us.
pub const MAX_DOWNLOAD_BYTES: usize = 50 * 1024 * 1024;

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

/// Parses `Retry-After` given in seconds (the form image APIs use).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
}

/// Downloads a result image: http(s) only, size-capped, must be an image.
pub async fn download_image(
    client: &reqwest::Client,
    provider: &str,
    url: &str,
) -> Result<Vec<u8>, ProviderError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| ProviderError::Rejected {
        message: format!("{provider} returned an invalid result URL"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ProviderError::Rejected {
            message: format!("{provider} returned a non-HTTP result URL"),
        });
    }
    let resp = client
        .get(parsed)
        .send()
        .await
        .map_err(|e| transport_error(provider, e))?;
    let status = resp.status();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(ProviderError::Retryable {
            message: format!("result download failed with {status}"),
            retry_after: None,
        });
    }
    if !status.is_success() {
        return Err(ProviderError::Rejected {
            message: format!("the result image could not be downloaded ({status})"),
        });
    }
    let is_image = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("image/") || ct.starts_with("application/octet-stream"));
    if !is_image {
        return Err(ProviderError::Rejected {
            message: format!("{provider}'s result is not an image"),
        });
    }
    if resp
        .content_length()
        .is_some_and(|n| n as usize > MAX_DOWNLOAD_BYTES)
    {
        return Err(ProviderError::Rejected {
            message: "the result image is too large".into(),
        });
    }
    let mut resp = resp;
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| transport_error(provider, e))?
    {
        if body.len() + chunk.len() > MAX_DOWNLOAD_BYTES {
            return Err(ProviderError::Rejected {
                message: "the result image is too large".into(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
