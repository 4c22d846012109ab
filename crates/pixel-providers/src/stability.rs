//! Stability AI (`sd3.5-*`, `stable-image-core`, `stable-image-ultra`) over the v2beta multipart
//! POST /v2beta/stable-image/generate/{sd3,core,ultra}, answered with raw image bytes.
//! Request, response and errors: https://platform.stability.ai/docs/api-reference#tag/Generate (the
//! v2beta endpoints are still the documented ones in 2026-12; balance: GET /v1/user/balance).

use async_trait::async_trait;
use pixel_core::catalogue::{STABILITY_ASPECTS, STABILITY_STYLES};
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::Deserialize;
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.stability.ai";

/// Stability's documented seed range is 0–4294967294.
const MAX_SEED: u32 = 4_294_967_294;

pub struct Stability {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
}

/// One multipart request: the endpoint and its form fields, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct StabilityRequest {
    /// `sd3`, `core` or `ultra`.
    pub endpoint: &'static str,
    pub fields: Vec<(&'static str, String)>,
}

impl StabilityRequest {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Stability's error body: `{id, name, errors: [..]}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    name: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

/// Maps catalogue parameters to the form Stability accepts. Every catalogue value has a legal mapping;
/// anything else is refused here instead of being dropped on the way.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<StabilityRequest, ProviderError> {
    let (endpoint, model) = match params.model.as_str() {
        m @ ("sd3.5-large" | "sd3.5-large-turbo" | "sd3.5-medium") => ("sd3", Some(m)),
        "stable-image-core" => ("core", None),
        "stable-image-ultra" => ("ultra", None),
        other => return Err(rejected(format!("Stability has no model '{other}'"))),
    };
    let ratio = STABILITY_ASPECTS
        .iter()
        .find(|(_, w, h)| *w == params.width && *h == params.height)
        .map(|(r, _, _)| *r)
        .ok_or_else(|| {
            rejected(format!(
                "Stability has no aspect ratio for {}x{}",
                params.width, params.height
            ))
        })?;
    let mut fields = vec![("prompt", params.prompt.clone())];
    if let Some(m) = model {
        fields.push(("model", m.to_string()));
    }
    fields.push(("aspect_ratio", ratio.to_string()));
    fields.push(("output_format", "png".to_string()));
    // The seed is always sent so the record's seed reproduces the image.
    fields.push(("seed", seed.min(MAX_SEED).to_string()));
    if let Some(np) = &params.negative_prompt {
        if params.model == "sd3.5-large-turbo" {
            return Err(rejected(
                "SD3.5 Large Turbo does not take a negative prompt".into(),
            ));
        }
        fields.push(("negative_prompt", np.clone()));
    }
    match params.style.as_deref() {
        None | Some("none") => {}
        Some(s) if STABILITY_STYLES.contains(&s) => fields.push(("style_preset", s.to_string())),
        Some(s) => return Err(rejected(format!("Stability has no style preset '{s}'"))),
    }
    if params.steps.is_some() || params.cfg.is_some() || params.quality.is_some() {
        return Err(rejected(
            "Stability models here take no steps, CFG or quality".into(),
        ));
    }
    Ok(StabilityRequest { endpoint, fields })
}

/// Maps an error answer by Stability's documented status codes and error names.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let parsed = serde_json::from_str::<ErrorBody>(body).ok();
    let name = parsed
        .as_ref()
        .and_then(|b| b.name.clone())
        .unwrap_or_default();
    let message = parsed
        .filter(|b| !b.errors.is_empty())
        .map(|b| b.errors.join("; "))
        .unwrap_or_else(|| format!("Stability answered {status}"));
    if name == "content_moderation" {
        return ProviderError::Moderated { message };
    }
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Stability refused the API key: {message}")),
        402 => rejected(format!(
            "the Stability account is out of credits: {message}"
        )),
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

impl Stability {
    pub fn new(api_key: Option<String>, base_url: &str, timeout: Duration) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
        }
    }
}

#[async_trait]
impl Provider for Stability {
    /// Reachability, plus the account's credits from GET /v1/user/balance.
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        let mut health = http::probe(&self.client, &self.base_url).await;
        if let Some(key) = self.api_key.as_deref() {
            let balance = self
                .client
                .get(format!("{}/v1/user/balance", self.base_url))
                .bearer_auth(key);
            http::read_credits(&mut health, balance, "credits").await;
        }
        health
    }

    fn id(&self) -> &'static str {
        "stability"
    }
    fn name(&self) -> &'static str {
        "Stability AI"
    }
    fn configured(&self) -> bool {
        self.api_key.is_some()
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let key = self
            .api_key
            .as_deref()
            .ok_or_else(|| ProviderError::NotConfigured {
                message: "set STABILITY_API_KEY".into(),
            })?;
        let mapped = map_request(&req.params, req.seed)?;
        let form = mapped
            .fields
            .iter()
            .fold(reqwest::multipart::Form::new(), |f, (k, v)| {
                f.text(*k, v.clone())
            });
        ctx.progress(0.05).await;
        let resp = self
            .client
            .post(format!(
                "{}/v2beta/stable-image/generate/{}",
                self.base_url, mapped.endpoint
            ))
            .bearer_auth(key)
            .header(reqwest::header::ACCEPT, "image/*")
            .multipart(form)
            .send()
            .await
            .map_err(|e| http::transport_error("Stability", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport_error("Stability", e))?;
        if !status.is_success() {
            return Err(error_for(
                status,
                &headers,
                &String::from_utf8_lossy(&bytes),
            ));
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        // A filtered result still comes back as 200 with a blurred image: never hand that to the user.
        if header("finish-reason").as_deref() == Some("CONTENT_FILTERED") {
            return Err(ProviderError::Moderated {
                message: "Stability's content filter blocked the result".into(),
            });
        }
        let is_image = header("content-type").is_some_and(|ct| ct.starts_with("image/"));
        if !is_image || bytes.is_empty() {
            return Err(ProviderError::Retryable {
                message: "Stability sent a response that could not be read".into(),
                retry_after: None,
            });
        }
        ctx.progress(0.9).await;
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes: bytes.to_vec(),
                seed: header("seed").and_then(|s| s.trim().parse().ok()),
                revised_prompt: None,
            },
            provider_model: None,
            request_id: header("x-request-id"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a lighthouse".into(),
            model: model.into(),
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
    fn every_catalogue_size_and_style_maps_to_a_legal_value() {
        let legal_ratios = [
            "21:9", "16:9", "3:2", "5:4", "1:1", "4:5", "2:3", "9:16", "9:21",
        ];
        let legal_presets = [
            "3d-model",
            "anime",
            "cinematic",
            "comic-book",
            "digital-art",
            "fantasy-art",
            "neon-punk",
            "origami",
            "photographic",
        ];
        let c = Catalogue::builtin();
        let models: Vec<_> = c
            .models()
            .iter()
            .filter(|m| m.provider == "stability")
            .collect();
        assert_eq!(models.len(), 5);
        for m in models {
            let SizeRule::Fixed { sizes } = &m.sizes else {
                panic!("{} must offer fixed sizes", m.id)
            };
            let mut seen = Vec::new();
            for s in sizes {
                let r = map_request(&p(&m.id, s.width, s.height), 7).expect("size maps");
                let ratio = r.field("aspect_ratio").expect("ratio").to_string();
                assert!(legal_ratios.contains(&ratio.as_str()), "{ratio}");
                seen.push(ratio);
            }
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), 9, "{}: one size per ratio", m.id);
            for style in &m.styles {
                let mut params = p(&m.id, 1024, 1024);
                params.style = Some(style.clone());
                let r = map_request(&params, 7).expect("style maps");
                match r.field("style_preset") {
                    None => assert_eq!(style, "none"),
                    Some(v) => assert!(legal_presets.contains(&v), "{v}"),
                }
            }
            if m.negative_prompt {
                let mut params = p(&m.id, 1024, 1024);
                params.negative_prompt = Some("fog".into());
                let r = map_request(&params, 7).expect("negative prompt");
                assert_eq!(r.field("negative_prompt"), Some("fog"));
            }
        }
    }

    #[test]
    fn models_pick_their_endpoint_and_seed_is_kept_in_range() {
        let r = map_request(&p("sd3.5-large-turbo", 1344, 768), 42).expect("map");
        assert_eq!(r.endpoint, "sd3");
        assert_eq!(r.field("model"), Some("sd3.5-large-turbo"));
        assert_eq!(r.field("aspect_ratio"), Some("16:9"));
        assert_eq!(r.field("seed"), Some("42"));
        assert_eq!(r.field("output_format"), Some("png"));
        let r = map_request(&p("stable-image-core", 640, 1536), u32::MAX).expect("map");
        assert_eq!(
            (r.endpoint, r.field("model"), r.field("seed")),
            ("core", None, Some("4294967294"))
        );
        let r = map_request(&p("stable-image-ultra", 1024, 1024), 0).expect("map");
        assert_eq!(r.endpoint, "ultra");
    }

    #[test]
    fn values_outside_the_catalogue_are_refused_not_dropped() {
        assert!(map_request(&p("sd3.5-large", 1000, 1000), 1).is_err());
        assert!(map_request(&p("dall-e-2", 1024, 1024), 1).is_err());
        let mut bad_style = p("sd3.5-large", 1024, 1024);
        bad_style.style = Some("watercolour".into());
        assert!(map_request(&bad_style, 1).is_err());
        let mut turbo = p("sd3.5-large-turbo", 1024, 1024);
        turbo.negative_prompt = Some("x".into());
        assert!(map_request(&turbo, 1).is_err());
        let mut steps = p("sd3.5-large", 1024, 1024);
        steps.steps = Some(30);
        assert!(map_request(&steps, 1).is_err());
    }

    #[test]
    fn error_mapping_follows_the_documented_statuses() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        let body = |name: &str| format!(r#"{{"id":"e1","name":"{name}","errors":["detail"]}}"#);
        assert!(matches!(
            error_for(S::FORBIDDEN, &h, &body("content_moderation")),
            ProviderError::Moderated { .. }
        ));
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "3".parse().expect("header"));
        assert_eq!(
            error_for(S::TOO_MANY_REQUESTS, &ra, &body("rate_limit_exceeded")),
            ProviderError::Retryable {
                message: "detail".into(),
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert!(matches!(
            error_for(S::INTERNAL_SERVER_ERROR, &h, "oops"),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, &body("unauthorized")),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::PAYMENT_REQUIRED, &h, &body("payment_required")),
            ProviderError::Rejected { .. }
        ));
        assert_eq!(
            error_for(S::BAD_REQUEST, &h, &body("bad_request")),
            ProviderError::Rejected {
                message: "detail".into()
            }
        );
    }
}
