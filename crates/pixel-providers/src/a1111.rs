//! AUTOMATIC1111's web UI API (`--api`) on the user's own machine (catalogue model `a1111`): one
//! blocking POST /sdapi/v1/txt2img answered with base64 images and an `info` JSON *string* (seeds in
//! `seed`/`all_seeds`). While it runs, GET /sdapi/v1/progress is polled for progress; a cancelled job
//! sends POST /sdapi/v1/interrupt. Optional HTTP Basic credentials (`A1111_AUTH=user:pass`).
//! Reference: the web UI's own OpenAPI page at `/docs` and
//! https://github.com/AUTOMATIC1111/stable-diffusion-webui/wiki/API.

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;
use crate::remote::CancelOnDrop;

const NAME: &str = "AUTOMATIC1111";

/// The catalogue model this engine serves.
pub const MODEL_ID: &str = "a1111";

pub struct A1111 {
    base_url: Option<String>,
    auth: Option<(String, String)>,
    client: reqwest::Client,
    /// How often progress is read while an image renders.
    progress_every: Duration,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Txt2Img {
    pub prompt: String,
    pub negative_prompt: String,
    pub width: u32,
    pub height: u32,
    pub steps: u32,
    pub cfg_scale: f32,
    /// A1111 takes -1 for random; we always send the job's seed so results are reproducible.
    pub seed: i64,
    pub batch_size: u32,
    pub n_iter: u32,
}

#[derive(Debug, Deserialize)]
struct Txt2ImgResponse {
    images: Vec<String>,
    info: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
struct Info {
    seed: Option<i64>,
    #[serde(default)]
    all_seeds: Vec<i64>,
    index_of_first_image: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct Progress {
    progress: f32,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "AUTOMATIC1111 sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Parses `A1111_AUTH` (`user:pass`); a value without a colon is a user with an empty password.
pub fn parse_auth(value: &str) -> Option<(String, String)> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(match value.split_once(':') {
        Some((user, pass)) => (user.to_string(), pass.to_string()),
        None => (value.to_string(), String::new()),
    })
}

/// Maps catalogue parameters to a txt2img request (A1111's own defaults: 20 steps, CFG 7).
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<Txt2Img, ProviderError> {
    if params.model != MODEL_ID {
        return Err(rejected(format!(
            "AUTOMATIC1111 serves '{MODEL_ID}', not '{}'",
            params.model
        )));
    }
    if params.quality.is_some() || params.style.is_some() {
        return Err(rejected("AUTOMATIC1111 takes no quality or style".into()));
    }
    for (name, v) in [("width", params.width), ("height", params.height)] {
        if v % 8 != 0 {
            return Err(rejected(format!(
                "AUTOMATIC1111 {name} must be a multiple of 8; got {v}"
            )));
        }
    }
    Ok(Txt2Img {
        prompt: params.prompt.clone(),
        negative_prompt: params.negative_prompt.clone().unwrap_or_default(),
        width: params.width,
        height: params.height,
        steps: params.steps.unwrap_or(20),
        cfg_scale: params.cfg.unwrap_or(7.0),
        seed: i64::from(seed),
        batch_size: 1,
        n_iter: 1,
    })
}

/// Maps an HTTP error (`{detail}` from FastAPI, or `{error, detail, errors}` from the web UI).
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let v = serde_json::from_str::<serde_json::Value>(body).unwrap_or_default();
    let detail = match &v["detail"] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i["msg"].as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    };
    let message = match (v["error"].as_str(), detail) {
        (Some(e), Some(d)) if !d.is_empty() => format!("{e}: {d}"),
        (_, Some(d)) if !d.is_empty() => d,
        (Some(e), _) => e.to_string(),
        _ => format!("AUTOMATIC1111 answered {status}"),
    };
    match status.as_u16() {
        401 | 403 => rejected(format!(
            "AUTOMATIC1111 refused the credentials (check A1111_AUTH): {message}"
        )),
        404 => rejected(format!(
            "AUTOMATIC1111 has no API here (start it with --api): {message}"
        )),
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

/// Reads a txt2img answer: the first real image (grids come first when there are several) and seed.
pub fn read_response(body: &str) -> Result<(Vec<u8>, Option<u32>), ProviderError> {
    let resp = serde_json::from_str::<Txt2ImgResponse>(body).map_err(|_| unreadable())?;
    // `info` is a JSON document inside a string; a missing or odd one only costs the seed.
    let info: Info = resp
        .info
        .as_deref()
        .and_then(|i| serde_json::from_str(i).ok())
        .unwrap_or_default();
    let index = info
        .index_of_first_image
        .filter(|i| *i < resp.images.len())
        .unwrap_or(0);
    let b64 = resp
        .images
        .get(index)
        .ok_or_else(|| ProviderError::Retryable {
            message: "AUTOMATIC1111 returned no image".into(),
            retry_after: None,
        })?;
    // Some versions prefix a data URI.
    let b64 = b64.split_once(',').map_or(b64.as_str(), |(_, data)| data);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| unreadable())?;
    let seed = info
        .all_seeds
        .first()
        .copied()
        .or(info.seed)
        .and_then(|s| u32::try_from(s).ok());
    Ok((bytes, seed))
}

impl A1111 {
    pub fn new(
        base_url: Option<String>,
        auth: Option<String>,
        timeout: Duration,
        progress_every: Duration,
    ) -> Self {
        Self {
            base_url: base_url
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            auth: auth.as_deref().and_then(parse_auth),
            client: http::client(timeout),
            progress_every: progress_every.max(Duration::from_millis(10)),
        }
    }

    fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Some((user, pass)) => req.basic_auth(user, Some(pass)),
            None => req,
        }
    }

    /// The running job's progress, or None when it cannot be read (progress is only a hint).
    async fn progress_once(&self, base: &str) -> Option<f32> {
        let resp = self
            .authed(self.client.get(format!("{base}/sdapi/v1/progress")))
            .query(&[("skip_current_image", "true")])
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let p = resp.json::<Progress>().await.ok()?;
        p.progress.is_finite().then_some(p.progress.clamp(0.0, 1.0))
    }
}

#[async_trait]
impl Provider for A1111 {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        match &self.base_url {
            Some(base) => crate::http::probe(&self.client, base).await,
            None => pixel_core::ports::ProviderHealth::default(),
        }
    }

    fn id(&self) -> &'static str {
        "a1111"
    }
    fn name(&self) -> &'static str {
        NAME
    }
    fn configured(&self) -> bool {
        self.base_url.is_some()
    }
    /// One web UI renders one image at a time; more requests would only queue inside it.
    fn max_concurrency(&self) -> usize {
        1
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let base = self
            .base_url
            .as_deref()
            .ok_or_else(|| ProviderError::NotConfigured {
                message: "set A1111_URL".into(),
            })?;
        let body = map_request(&req.params, req.seed)?;
        ctx.progress(0.05).await;
        let mut guard = CancelOnDrop::new(
            ctx,
            NAME,
            vec![self.authed(self.client.post(format!("{base}/sdapi/v1/interrupt")))],
        );
        let call = self
            .authed(self.client.post(format!("{base}/sdapi/v1/txt2img")))
            .json(&body)
            .send();
        tokio::pin!(call);
        let mut reported = 0.0f32;
        let resp = loop {
            tokio::select! {
                resp = &mut call => break resp,
                _ = tokio::time::sleep(self.progress_every) => {
                    // The web UI reports whatever it renders now; only growth is passed on, so a
                    // reset (another client's image) never moves the bar backwards.
                    if let Some(p) = self.progress_once(base).await {
                        let p = 0.05 + p * 0.85;
                        if p > reported {
                            reported = p;
                            ctx.progress(p).await;
                        }
                    }
                }
                // The guard interrupts the render as this future is dropped.
                _ = ctx.cancelled() => return Err(ProviderError::Cancelled),
            }
        };
        let resp = resp.map_err(|e| http::transport_error(NAME, e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error(NAME, e))?;
        guard.disarm();
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        let (bytes, seed) = read_response(&text)?;
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: seed.or(Some(req.seed)),
                revised_prompt: None,
            },
            provider_model: None,
            request_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a kettle".into(),
            model: MODEL_ID.into(),
            width: w,
            height: h,
            negative_prompt: None,
            steps: None,
            cfg: None,
            quality: None,
            style: None,
            duration: None,
            source_image: None,
        }
    }

    #[test]
    fn request_shape_and_refusals() {
        let mut params = p(768, 512);
        params.negative_prompt = Some("blur".into());
        params.steps = Some(30);
        params.cfg = Some(6.5);
        assert_eq!(
            serde_json::to_value(map_request(&params, 42).expect("map")).expect("json"),
            serde_json::json!({"prompt":"a kettle","negative_prompt":"blur","width":768,
                "height":512,"steps":30,"cfg_scale":6.5,"seed":42,"batch_size":1,"n_iter":1})
        );
        let d = map_request(&p(512, 512), u32::MAX).expect("defaults");
        assert_eq!(
            (d.steps, d.cfg_scale, d.seed),
            (20, 7.0, i64::from(u32::MAX))
        );
        assert!(map_request(&p(513, 512), 1).is_err());
        let mut other = p(512, 512);
        other.model = "sd3.5-large".into();
        assert!(map_request(&other, 1).is_err());
        // Every size the catalogue allows maps.
        let c = pixel_core::catalogue::Catalogue::builtin();
        let m = c.get(MODEL_ID).expect("a1111 in the catalogue");
        assert_eq!((m.provider.as_str(), m.credits), ("a1111", 0));
        if let pixel_core::catalogue::SizeRule::Range {
            min,
            max,
            multiple_of,
            ..
        } = &m.sizes
        {
            for v in (*min..=*max).step_by(*multiple_of as usize) {
                map_request(&p(v, *min), 1).expect("size maps");
            }
        }
    }

    #[test]
    fn auth_values() {
        assert_eq!(
            parse_auth("me:s3:cret"),
            Some(("me".into(), "s3:cret".into()))
        );
        assert_eq!(parse_auth("me"), Some(("me".into(), String::new())));
        assert_eq!(parse_auth("  "), None);
    }

    #[test]
    fn responses_and_errors() {
        let png = base64::engine::general_purpose::STANDARD.encode(b"png-bytes");
        let body = serde_json::json!({
            "images": [png],
            "parameters": {},
            "info": "{\"seed\": 5, \"all_seeds\": [9], \"index_of_first_image\": 0}"
        })
        .to_string();
        assert_eq!(
            read_response(&body).expect("read"),
            (b"png-bytes".to_vec(), Some(9))
        );
        // A grid first: the real image follows it.
        let grid = serde_json::json!({
            "images": ["Z3JpZA==", format!("data:image/png;base64,{png}")],
            "info": "{\"seed\": 5, \"index_of_first_image\": 1}"
        })
        .to_string();
        assert_eq!(
            read_response(&grid).expect("read"),
            (b"png-bytes".to_vec(), Some(5))
        );
        let no_info = serde_json::json!({ "images": [png], "info": "not json" }).to_string();
        assert_eq!(read_response(&no_info).expect("read").1, None);
        assert!(matches!(
            read_response(r#"{"images":[]}"#),
            Err(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            read_response(r#"{"images":["***"]}"#),
            Err(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            read_response("{"),
            Err(ProviderError::Retryable { .. })
        ));

        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert_eq!(
            error_for(
                S::UNPROCESSABLE_ENTITY,
                &h,
                r#"{"detail":[{"loc":["body","steps"],"msg":"value is not a valid integer","type":"type_error.integer"}]}"#
            ),
            ProviderError::Rejected {
                message: "value is not a valid integer".into()
            }
        );
        assert!(matches!(
            error_for(
                S::INTERNAL_SERVER_ERROR,
                &h,
                r#"{"error":"OutOfMemoryError","detail":"","body":"","errors":"CUDA out of memory"}"#
            ),
            ProviderError::Retryable { message, .. } if message == "OutOfMemoryError"
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, r#"{"detail":"Not authenticated"}"#),
            ProviderError::Rejected { message } if message.contains("A1111_AUTH")
        ));
        assert!(matches!(
            error_for(S::NOT_FOUND, &h, r#"{"detail":"Not Found"}"#),
            ProviderError::Rejected { message } if message.contains("--api")
        ));
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "2".parse().expect("header"));
        assert_eq!(
            error_for(S::TOO_MANY_REQUESTS, &ra, "busy"),
            ProviderError::Retryable {
                message: "AUTOMATIC1111 answered 429 Too Many Requests".into(),
                retry_after: Some(Duration::from_secs(2))
            }
        );
    }
}
