//! Hugging Face inference (`FLUX.1-schnell`): POST /models/{repo} `{inputs, parameters}` answered with
//! image bytes, or, as the official clients also accept, JSON carrying `b64_json` or an image URL
//! (https://huggingface.co/docs/inference-providers/tasks/text-to-image, checked 2026-12). A cold model
//! answers 503 with `estimated_time`, which becomes a retry after that long; a model hf-inference no
//! longer serves answers 410.

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::Serialize;
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://router.huggingface.co/hf-inference";

pub struct HuggingFace {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
}

/// The repository serving each catalogue model.
pub fn repo(model: &str) -> Option<&'static str> {
    Some(match model {
        "FLUX.1-schnell" => "black-forest-labs/FLUX.1-schnell",
        _ => return None,
    })
}

#[derive(Debug, Serialize, PartialEq)]
pub struct InferenceRequest {
    pub inputs: String,
    pub parameters: Parameters,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Parameters {
    pub width: u32,
    pub height: u32,
    pub seed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_inference_steps: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance_scale: Option<f32>,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<'a> {
    /// A repository on the serverless router: POST {base}/models/{repo}.
    Repo(&'a str),
    /// A dedicated Inference Endpoint, which takes the same body at its own URL
    /// (https://huggingface.co/docs/inference-endpoints/guides/test_endpoint, checked 2026-12).
    Endpoint(&'a str),
}

impl Target<'_> {
    /// What the record says served the image: the repository, or only that it was a dedicated
    /// endpoint (its URL is the operator's business and may be internal).
    fn recorded(&self) -> String {
        match self {
            Target::Repo(repo) => repo.to_string(),
            Target::Endpoint(_) => "Hugging Face Inference Endpoint".into(),
        }
    }
}

/// Maps catalogue parameters to the text-to-image task's parameters (target, body). A model added in
/// configuration names its repository or endpoint URL in `provider_model`.
pub fn map_request<'a>(
    params: &pixel_core::GenerationParams,
    seed: u32,
    provider_model: Option<&'a str>,
) -> Result<(Target<'a>, InferenceRequest), ProviderError> {
    let target = match provider_model {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            Target::Endpoint(url)
        }
        Some(repo) => Target::Repo(repo),
        None => Target::Repo(
            repo(&params.model)
                .ok_or_else(|| rejected(format!("Hugging Face has no model '{}'", params.model)))?,
        ),
    };
    if params.quality.is_some() || params.style.is_some() {
        return Err(rejected(
            "Hugging Face models take no quality or style".into(),
        ));
    }
    Ok((
        target,
        InferenceRequest {
            inputs: params.prompt.clone(),
            parameters: Parameters {
                width: params.width,
                height: params.height,
                seed,
                negative_prompt: params.negative_prompt.clone(),
                num_inference_steps: params.steps,
                guidance_scale: params.cfg,
            },
        },
    ))
}

/// Maps an error answer (`{error, estimated_time?}`); a loading model is worth waiting for.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let v = serde_json::from_str::<serde_json::Value>(body).unwrap_or_default();
    let message = match &v["error"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!("Hugging Face answered {status}"),
    };
    let estimated = v["estimated_time"]
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(600.0)));
    match status.as_u16() {
        503 => ProviderError::Retryable {
            message,
            retry_after: estimated.or_else(|| http::retry_after(headers)),
        },
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Hugging Face refused the token: {message}")),
        410 => rejected(format!(
            "Hugging Face inference no longer serves this model (it needs a dedicated endpoint): {message}"
        )),
        402 => rejected(format!(
            "the Hugging Face account is out of credits: {message}"
        )),
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

/// An image inside a JSON answer.
#[derive(Debug, PartialEq)]
pub enum JsonImage {
    Base64(String),
    Url(String),
}

/// The first image of a JSON answer: `b64_json` or `url` on the root, or on the first item of the
/// root array, `data` or `images` (the shapes the official clients read).
pub fn json_image(body: &[u8]) -> Option<JsonImage> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let candidates = [
        Some(&v),
        v.get(0),
        v.get("data").and_then(|d| d.get(0)),
        v.get("images").and_then(|d| d.get(0)),
    ];
    let found = candidates.into_iter().flatten().find_map(|item| {
        if let Some(b64) = item.get("b64_json").and_then(|b| b.as_str()) {
            return Some(JsonImage::Base64(b64.to_string()));
        }
        item.get("url")
            .and_then(|u| u.as_str())
            .map(|u| JsonImage::Url(u.to_string()))
    });
    found
}

impl HuggingFace {
    pub fn new(api_key: Option<String>, base_url: &str, timeout: Duration) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
        }
    }
}

#[async_trait]
impl Provider for HuggingFace {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        crate::http::probe(&self.client, &self.base_url).await
    }

    fn id(&self) -> &'static str {
        "huggingface"
    }
    fn name(&self) -> &'static str {
        "Hugging Face"
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
                message: "set HUGGINGFACE_API_KEY".into(),
            })?;
        let (target, body) = map_request(&req.params, req.seed, req.provider_model.as_deref())?;
        let url = match target {
            Target::Repo(repo) => format!("{}/models/{repo}", self.base_url),
            Target::Endpoint(url) => url.to_string(),
        };
        ctx.progress(0.05).await;
        let resp = self
            .client
            .post(url)
            .bearer_auth(key)
            .header(reqwest::header::ACCEPT, "image/png")
            .json(&body)
            .send()
            .await
            .map_err(|e| http::transport_error("Hugging Face", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport_error("Hugging Face", e))?;
        if !status.is_success() {
            return Err(error_for(
                status,
                &headers,
                &String::from_utf8_lossy(&bytes),
            ));
        }
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let unreadable = || ProviderError::Retryable {
            message: "Hugging Face sent a response that could not be read".into(),
            retry_after: None,
        };
        let image = if content_type.starts_with("image/") && !bytes.is_empty() {
            bytes.to_vec()
        } else if content_type.starts_with("application/json") {
            match json_image(&bytes).ok_or_else(unreadable)? {
                JsonImage::Base64(b64) => base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .map_err(|_| unreadable())?,
                JsonImage::Url(url) => {
                    http::download_image("Hugging Face", &url, &self.base_url).await?
                }
            }
        } else {
            return Err(unreadable());
        };
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes: image,
                seed: Some(req.seed),
                revised_prompt: None,
            },
            provider_model: Some(target.recorded()),
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a castle".into(),
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
    fn every_catalogue_model_maps_with_all_its_parameters() {
        let c = Catalogue::builtin();
        let models: Vec<_> = c
            .models()
            .iter()
            .filter(|m| m.provider == "huggingface")
            .collect();
        assert_eq!(models.len(), 1);
        for m in models {
            let SizeRule::Range {
                presets, min, max, ..
            } = &m.sizes
            else {
                panic!("{} range", m.id)
            };
            for s in presets {
                map_request(&p(&m.id, s.width, s.height), 1, None).expect("preset");
            }
            let mut params = p(&m.id, *min, *max);
            params.steps = m.steps.as_ref().map(|s| s.max);
            params.cfg = m.cfg.as_ref().map(|c| c.min);
            params.negative_prompt = m.negative_prompt.then(|| "dull".to_string());
            let (target, r) = map_request(&params, 11, None).expect("map");
            assert!(matches!(target, Target::Repo(repo) if repo.contains('/')));
            assert_eq!(r.parameters.num_inference_steps, params.steps, "{}", m.id);
            assert_eq!(r.parameters.guidance_scale, params.cfg, "{}", m.id);
            assert_eq!(r.parameters.negative_prompt, params.negative_prompt);
            assert_eq!(
                (r.parameters.width, r.parameters.height, r.parameters.seed),
                (*min, *max, 11)
            );
        }
        let (_, r) = map_request(&p("FLUX.1-schnell", 512, 512), 4, None).expect("map");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"inputs": "a castle", "parameters": {"width": 512, "height": 512, "seed": 4}})
        );
        assert!(map_request(&p("dall-e-2", 512, 512), 1, None).is_err());
        assert!(
            map_request(&p("FLUX.1-dev", 512, 512), 1, None).is_err(),
            "retired"
        );
    }

    #[test]
    fn json_answers_carry_base64_or_a_url() {
        for (body, want) in [
            (
                r#"{"b64_json":"AAA"}"#,
                Some(JsonImage::Base64("AAA".into())),
            ),
            (
                r#"[{"b64_json":"AAA"}]"#,
                Some(JsonImage::Base64("AAA".into())),
            ),
            (
                r#"{"data":[{"b64_json":"AAA"}]}"#,
                Some(JsonImage::Base64("AAA".into())),
            ),
            (
                r#"{"images":[{"url":"https://x/i.png"}]}"#,
                Some(JsonImage::Url("https://x/i.png".into())),
            ),
            (r#"{"generated_image": 1}"#, None),
            ("{\"generated_image\": ", None),
        ] {
            assert_eq!(json_image(body.as_bytes()), want, "{body}");
        }
    }

    #[test]
    fn loading_models_retry_after_the_estimate() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert_eq!(
            error_for(
                S::SERVICE_UNAVAILABLE,
                &h,
                r#"{"error":"Model is currently loading","estimated_time":12.5}"#
            ),
            ProviderError::Retryable {
                message: "Model is currently loading".into(),
                retry_after: Some(Duration::from_millis(12_500))
            }
        );
        assert!(matches!(
            error_for(
                S::TOO_MANY_REQUESTS,
                &h,
                r#"{"error":"Rate limit reached"}"#
            ),
            ProviderError::Retryable { .. }
        ));
        assert_eq!(
            error_for(
                S::BAD_REQUEST,
                &h,
                r#"{"error":["width must be at most 1440"]}"#
            ),
            ProviderError::Rejected {
                message: "width must be at most 1440".into()
            }
        );
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, r#"{"error":"Invalid credentials"}"#),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::INTERNAL_SERVER_ERROR, &h, "oops"),
            ProviderError::Retryable { .. }
        ));
    }

    #[test]
    fn a_configured_repository_or_endpoint_is_where_the_request_goes() {
        let params = p("hf-sdxl", 1024, 1024);
        let (target, _) = map_request(&params, 1, Some("stabilityai/stable-diffusion-xl-base-1.0"))
            .expect("repo");
        assert_eq!(
            target,
            Target::Repo("stabilityai/stable-diffusion-xl-base-1.0")
        );
        let url = "https://abc123.us-east-1.aws.endpoints.huggingface.cloud";
        let (target, _) = map_request(&params, 1, Some(url)).expect("endpoint");
        assert_eq!(target, Target::Endpoint(url));
        assert_eq!(target.recorded(), "Hugging Face Inference Endpoint");
        assert!(
            map_request(&params, 1, None).is_err(),
            "an unknown id with no name"
        );
    }
}
