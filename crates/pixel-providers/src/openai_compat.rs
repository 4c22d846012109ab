//! Any OpenAI-compatible images server (LocalAI and others) at a configured URL (catalogue model
//! `openai-compatible`): POST {base}/images/generations with OpenAI's request and response shapes
//! (shared with `openai`), the model name the server knows, an optional bearer key, and base64 results.
//! Shapes: https://platform.openai.com/docs/api-reference/images/create, as LocalAI implements them
//! (https://localai.io/features/image-generation/).

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use std::time::Duration;

use crate::http;
use crate::openai::{ErrorBody, ImagesRequest, ImagesResponse};

const NAME: &str = "OpenAI-compatible server";

/// The catalogue model this provider serves.
pub const MODEL_ID: &str = "openai-compatible";

/// The model asked for when `OPENAI_COMPAT_MODEL` is unset (LocalAI's documented image model name).
pub const DEFAULT_MODEL: &str = "stablediffusion";

pub struct OpenAiCompat {
    base_url: Option<String>,
    api_key: Option<String>,
    model: String,
    client: reqwest::Client,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "the OpenAI-compatible server sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Maps catalogue parameters to OpenAI's request with the server's model name. Base64 results are
/// asked for: a URL from a local server may name a host only that server can resolve.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    model: &str,
) -> Result<ImagesRequest, ProviderError> {
    if params.model != MODEL_ID {
        return Err(rejected(format!(
            "the OpenAI-compatible server serves '{MODEL_ID}', not '{}'",
            params.model
        )));
    }
    if params.negative_prompt.is_some()
        || params.steps.is_some()
        || params.cfg.is_some()
        || params.quality.is_some()
        || params.style.is_some()
    {
        return Err(rejected(
            "the OpenAI images API takes no negative prompt, steps, CFG, quality or style".into(),
        ));
    }
    Ok(ImagesRequest {
        model: model.to_string(),
        prompt: params.prompt.clone(),
        n: 1,
        size: format!("{}x{}", params.width, params.height),
        quality: None,
        response_format: Some("b64_json".into()),
    })
}

/// Maps an error answer (`{error:{message, code, type}}`, as OpenAI). A proxy in front of a moderated
/// service may pass OpenAI's moderation codes through; those stay moderation.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let (code, _, message) = ErrorBody::parts(body);
    let message =
        message.unwrap_or_else(|| format!("the OpenAI-compatible server answered {status}"));
    if code == "content_policy_violation" || code == "moderation_blocked" {
        return ProviderError::Moderated { message };
    }
    match status.as_u16() {
        401 | 403 => rejected(format!(
            "the server refused the key (OPENAI_COMPAT_API_KEY): {message}"
        )),
        404 => rejected(format!(
            "no images endpoint or model here (check OPENAI_COMPAT_BASE_URL and OPENAI_COMPAT_MODEL): {message}"
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

impl OpenAiCompat {
    pub fn new(
        base_url: Option<String>,
        api_key: Option<String>,
        model: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            base_url: base_url
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            model: model
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            client: http::client(timeout),
        }
    }
}

#[async_trait]
impl Provider for OpenAiCompat {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        match &self.base_url {
            Some(base) => crate::http::probe(&self.client, base).await,
            None => pixel_core::ports::ProviderHealth::default(),
        }
    }

    fn id(&self) -> &'static str {
        "openai-compatible"
    }
    fn name(&self) -> &'static str {
        NAME
    }
    fn configured(&self) -> bool {
        self.base_url.is_some()
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
                message: "set OPENAI_COMPAT_BASE_URL".into(),
            })?;
        let body = map_request(&req.params, &self.model)?;
        ctx.progress(0.05).await;
        let mut call = self
            .client
            .post(format!("{base}/images/generations"))
            .json(&body);
        // A local server usually has no key; sending a made-up one could be refused.
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key);
        }
        let text = http::call(NAME, call, error_for).await?;
        let parsed: ImagesResponse = serde_json::from_str(&text).map_err(|_| unreadable())?;
        let first = parsed.data.into_iter().next().ok_or_else(unreadable)?;
        ctx.progress(0.8).await;
        let bytes = match (first.b64_json, first.url) {
            (Some(b64), _) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| unreadable())?,
            // Some servers ignore `response_format` and answer with a URL on themselves.
            (None, Some(url)) => http::download_image(NAME, &url, base).await?,
            (None, None) => return Err(unreadable()),
        };
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: None,
                revised_prompt: first.revised_prompt,
            },
            provider_model: Some(self.model.clone()),
            request_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a teapot".into(),
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
        assert_eq!(
            serde_json::to_value(map_request(&p(768, 512), "sd-local").expect("map"))
                .expect("json"),
            serde_json::json!({"model":"sd-local","prompt":"a teapot","n":1,"size":"768x512",
                "response_format":"b64_json"})
        );
        let mut neg = p(512, 512);
        neg.negative_prompt = Some("x".into());
        assert!(map_request(&neg, "m").is_err());
        let mut other = p(512, 512);
        other.model = "dall-e-3".into();
        assert!(map_request(&other, "m").is_err());
        let c = pixel_core::catalogue::Catalogue::builtin();
        let m = c.get(MODEL_ID).expect("in the catalogue");
        assert_eq!((m.provider.as_str(), m.credits), ("openai-compatible", 0));
        assert!(!m.seed && !m.negative_prompt && m.steps.is_none());
        assert_eq!(
            OpenAiCompat::new(
                Some("http://x/v1/".into()),
                None,
                None,
                Duration::from_secs(1)
            )
            .model,
            DEFAULT_MODEL
        );
    }

    #[test]
    fn errors_follow_the_openai_shape() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert_eq!(
            error_for(
                S::BAD_REQUEST,
                &h,
                r#"{"error":{"message":"size not supported","type":"invalid_request_error","code":null}}"#
            ),
            ProviderError::Rejected {
                message: "size not supported".into()
            }
        );
        assert!(matches!(
            error_for(
                S::BAD_REQUEST,
                &h,
                r#"{"error":{"message":"blocked","type":"invalid_request_error","code":"content_policy_violation"}}"#
            ),
            ProviderError::Moderated { .. }
        ));
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "1".parse().expect("header"));
        assert!(matches!(
            error_for(S::TOO_MANY_REQUESTS, &ra, "{}"),
            ProviderError::Retryable { retry_after: Some(d), .. } if d == Duration::from_secs(1)
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, "{}"),
            ProviderError::Rejected { message } if message.contains("OPENAI_COMPAT_API_KEY")
        ));
        assert!(matches!(
            error_for(S::NOT_FOUND, &h, "404 page not found"),
            ProviderError::Rejected { message } if message.contains("OPENAI_COMPAT_MODEL")
        ));
        assert!(matches!(
            error_for(S::INTERNAL_SERVER_ERROR, &h, "<html>"),
            ProviderError::Retryable { .. }
        ));
    }
}
