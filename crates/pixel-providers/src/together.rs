//! Together AI (`together-flux-schnell`) over its OpenAI-style POST /v1/images/generations, asking for
//! base64 results so nothing has to be downloaded. Request, response and errors:
//! https://docs.together.ai/reference/post-images-generations (checked 2026-12): `response_format` is
//! `base64` or `url`, the answer's items carry `b64_json`.

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.together.xyz/v1";

/// The Together model that serves the catalogue's `together-flux-schnell`.
pub const SCHNELL_MODEL: &str = "black-forest-labs/FLUX.1-schnell";

pub struct Together {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TogetherRequest<'a> {
    pub model: &'a str,
    pub prompt: String,
    pub width: u32,
    pub height: u32,
    pub steps: u32,
    pub n: u32,
    pub response_format: &'static str,
    pub seed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ImagesResponse {
    id: Option<String>,
    data: Vec<ImageData>,
}

#[derive(Debug, Deserialize)]
struct ImageData {
    b64_json: Option<String>,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Together sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Together's name for a catalogue model: the name configured for an added model, else the built-in's.
fn wire_model<'a>(model_id: &str, provider_model: Option<&'a str>) -> Option<&'a str> {
    provider_model.or((model_id == "together-flux-schnell").then_some(SCHNELL_MODEL))
}

/// Maps catalogue parameters to Together's request. Sizes are multiples of 64 (the catalogue's rule);
/// steps default to the catalogue's default when the user leaves them out.
pub fn map_request<'a>(
    params: &pixel_core::GenerationParams,
    seed: u32,
    provider_model: Option<&'a str>,
) -> Result<TogetherRequest<'a>, ProviderError> {
    let Some(model) = wire_model(&params.model, provider_model) else {
        return Err(rejected(format!(
            "Together has no model '{}'",
            params.model
        )));
    };
    for (name, v) in [("width", params.width), ("height", params.height)] {
        if !(256..=1536).contains(&v) || v % 64 != 0 {
            return Err(rejected(format!(
                "Together {name} must be a multiple of 64 in 256–1536; got {v}"
            )));
        }
    }
    if params.cfg.is_some() || params.quality.is_some() || params.style.is_some() {
        return Err(rejected(
            "FLUX.1 [schnell] on Together takes no CFG, quality or style".into(),
        ));
    }
    Ok(TogetherRequest {
        model,
        prompt: params.prompt.clone(),
        width: params.width,
        height: params.height,
        steps: params.steps.unwrap_or(4),
        n: 1,
        response_format: "base64",
        seed,
        negative_prompt: params.negative_prompt.clone(),
    })
}

/// Maps an error answer: Together uses OpenAI's `{error:{message, code, type}}` shape.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let v = serde_json::from_str::<serde_json::Value>(body).unwrap_or_default();
    let detail = if v["error"].is_object() {
        &v["error"]
    } else {
        &v
    };
    let code = detail["code"].as_str().unwrap_or_default().to_string();
    let message = detail["message"]
        .as_str()
        .or_else(|| v["error"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| format!("Together answered {status}"));
    if code == "content_policy_violation" {
        return ProviderError::Moderated { message };
    }
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Together refused the API key: {message}")),
        402 => rejected(format!("the Together account is out of credits: {message}")),
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

impl Together {
    pub fn new(api_key: Option<String>, base_url: &str, timeout: Duration) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
        }
    }
}

#[async_trait]
impl Provider for Together {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        crate::http::probe(&self.client, &self.base_url).await
    }

    /// GET /v1/models (https://docs.together.ai/reference/models-1, checked 2026-12): a bare array
    /// of the models this key can call, images among them.
    async fn served_models(
        &self,
        models: &[pixel_core::catalogue::Model],
    ) -> Option<Result<Vec<pixel_core::ports::ServedModel>, ProviderError>> {
        let key = self.api_key.as_deref()?;
        let listed =
            match http::list_models("Together", &self.client, &self.base_url, key, error_for).await
            {
                Ok(listed) => listed,
                Err(e) => return Some(Err(e)),
            };
        let wire_names = models.iter().map(|m| {
            let name =
                wire_model(&m.id, m.provider_model.as_deref()).unwrap_or("(no Together model)");
            (m.id.clone(), name.to_string())
        });
        Some(Ok(http::served_from_list(&listed, wire_names)))
    }

    fn id(&self) -> &'static str {
        "together"
    }
    fn name(&self) -> &'static str {
        "Together AI"
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
                message: "set TOGETHER_API_KEY".into(),
            })?;
        let body = map_request(&req.params, req.seed, req.provider_model.as_deref())?;
        ctx.progress(0.05).await;
        let resp = self
            .client
            .post(format!("{}/images/generations", self.base_url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .map_err(|e| http::transport_error("Together", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error("Together", e))?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        let parsed: ImagesResponse = serde_json::from_str(&text).map_err(|_| unreadable())?;
        let b64 = parsed
            .data
            .into_iter()
            .next()
            .and_then(|d| d.b64_json)
            .ok_or_else(unreadable)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|_| unreadable())?;
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: Some(req.seed),
                revised_prompt: None,
            },
            provider_model: Some(SCHNELL_MODEL.to_string()),
            request_id: parsed.id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a garden".into(),
            model: "together-flux-schnell".into(),
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
    fn every_catalogue_value_maps_to_a_legal_request() {
        let c = Catalogue::builtin();
        let m = c.get("together-flux-schnell").expect("model");
        let SizeRule::Range {
            min,
            max,
            multiple_of,
            presets,
        } = &m.sizes
        else {
            panic!("range")
        };
        for v in (*min..=*max).step_by(*multiple_of as usize) {
            let r = map_request(&p(v, *min), 1, None).expect("size");
            assert_eq!((r.width, r.height), (v, *min));
        }
        for s in presets {
            map_request(&p(s.width, s.height), 1, None).expect("preset");
        }
        let steps = m.steps.as_ref().expect("steps");
        let r = map_request(&p(1024, 1024), 3, None).expect("default steps");
        assert_eq!(r.steps, steps.default);
        let mut params = p(1024, 1024);
        params.steps = Some(steps.max);
        params.negative_prompt = Some("rain".into());
        let r = map_request(&params, 3, None).expect("map");
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"model": SCHNELL_MODEL, "prompt": "a garden", "width": 1024,
                "height": 1024, "steps": 12, "n": 1, "response_format": "base64", "seed": 3,
                "negative_prompt": "rain"})
        );
        assert!(map_request(&p(1000, 1024), 1, None).is_err());
        let mut cfg = p(1024, 1024);
        cfg.cfg = Some(5.0);
        assert!(map_request(&cfg, 1, None).is_err());
    }

    #[test]
    fn error_mapping() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        let body = |code: &str| {
            format!(
                r#"{{"error":{{"message":"m","type":"invalid_request_error","code":"{code}"}}}}"#
            )
        };
        assert!(matches!(
            error_for(S::BAD_REQUEST, &h, &body("content_policy_violation")),
            ProviderError::Moderated { .. }
        ));
        assert!(matches!(
            error_for(S::TOO_MANY_REQUESTS, &h, &body("rate_limit")),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::SERVICE_UNAVAILABLE, &h, "busy"),
            ProviderError::Retryable { .. }
        ));
        assert_eq!(
            error_for(S::BAD_REQUEST, &h, &body("invalid_size")),
            ProviderError::Rejected {
                message: "m".into()
            }
        );
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, &body("invalid_api_key")),
            ProviderError::Rejected { .. }
        ));
    }
}
