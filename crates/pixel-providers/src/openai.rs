//! OpenAI images (`gpt-image-2`) over POST /v1/images/generations.
//! Request, response and errors: https://platform.openai.com/docs/api-reference/images/create and
//! https://platform.openai.com/docs/guides/image-generation (checked 2026-12). GPT image models always
//! answer `b64_json` and refuse `response_format`; DALL·E 2/3 (retired 2026-05) and GPT Image 1 (shut
//! down 2026-10) answer 404 `model_not_found`, so old records name them only as retired models.

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

pub struct OpenAi {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ImagesRequest {
    pub model: String,
    pub prompt: String,
    pub n: u32,
    pub size: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<String>,
}

// The response and error shapes are shared with `openai_compat` (OpenAI-compatible servers).
#[derive(Debug, Deserialize)]
pub(crate) struct ImagesResponse {
    pub(crate) data: Vec<ImageData>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ImageData {
    pub(crate) b64_json: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) revised_prompt: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

impl ErrorBody {
    /// An error answer's code, type and message (empty or None where the body has none).
    pub(crate) fn parts(body: &str) -> (String, String, Option<String>) {
        let detail = serde_json::from_str::<ErrorBody>(body)
            .ok()
            .map(|b| b.error);
        let code = detail.as_ref().and_then(|d| d.code.clone());
        let kind = detail.as_ref().and_then(|d| d.kind.clone());
        let message = detail.and_then(|d| d.message).filter(|m| !m.is_empty());
        (code.unwrap_or_default(), kind.unwrap_or_default(), message)
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ErrorDetail {
    pub(crate) message: Option<String>,
    pub(crate) code: Option<String>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<String>,
}

/// OpenAI's name for a catalogue model: the name configured for an added model (`gpt-image-1.5`,
/// `gpt-image-1-mini`), else the catalogue id, which for built-in models is OpenAI's name.
fn wire_model(model_id: &str, provider_model: Option<&str>) -> String {
    provider_model.unwrap_or(model_id).to_string()
}

/// Maps a catalogue request to the images API. The catalogue already holds only legal sizes and
/// qualities; the model id is sent as it is (a retired id that reaches here fails at OpenAI, visibly).
pub fn map_request(
    params: &pixel_core::GenerationParams,
    provider_model: Option<&str>,
) -> ImagesRequest {
    ImagesRequest {
        model: wire_model(&params.model, provider_model),
        prompt: params.prompt.clone(),
        n: 1,
        size: format!("{}x{}", params.width, params.height),
        quality: params.quality.clone(),
        response_format: None,
    }
}

impl OpenAi {
    pub fn new(api_key: Option<String>, base_url: &str, timeout: Duration) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
        }
    }

    fn error_for(
        status: reqwest::StatusCode,
        headers: &reqwest::header::HeaderMap,
        body: &str,
    ) -> ProviderError {
        let (code, kind, message) = ErrorBody::parts(body);
        let message = message.unwrap_or_else(|| format!("OpenAI answered {status}"));
        let moderated = code == "content_policy_violation"
            || code == "moderation_blocked"
            || kind == "image_generation_user_error" && message.to_lowercase().contains("safety");
        if moderated {
            return ProviderError::Moderated { message };
        }
        match status.as_u16() {
            // Out of quota is not going to get better by retrying.
            429 if code == "insufficient_quota" || code == "billing_hard_limit_reached" => {
                ProviderError::Rejected { message }
            }
            429 => ProviderError::Retryable {
                message,
                retry_after: http::retry_after(headers),
            },
            404 if code == "model_not_found" => ProviderError::Rejected {
                message: format!("OpenAI does not serve this model (any more): {message}"),
            },
            401 | 403 => ProviderError::Rejected {
                message: format!("OpenAI refused the API key: {message}"),
            },
            s if s >= 500 => ProviderError::Retryable {
                message,
                retry_after: http::retry_after(headers),
            },
            _ if code == "billing_hard_limit_reached" => ProviderError::Rejected { message },
            _ => ProviderError::Rejected { message },
        }
    }
}

#[async_trait]
impl Provider for OpenAi {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        crate::http::probe(&self.client, &self.base_url).await
    }

    /// GET /v1/models (https://platform.openai.com/docs/api-reference/models/list, checked 2026-12):
    /// the catalogue's ids are OpenAI's model names.
    async fn served_models(
        &self,
        models: &[pixel_core::catalogue::Model],
    ) -> Option<Result<Vec<pixel_core::ports::ServedModel>, ProviderError>> {
        let key = self.api_key.as_deref()?;
        Some(
            http::list_models("OpenAI", &self.client, &self.base_url, key, Self::error_for)
                .await
                .map(|listed| {
                    http::served_from_list(
                        &listed,
                        models.iter().map(|m| {
                            (m.id.clone(), wire_model(&m.id, m.provider_model.as_deref()))
                        }),
                    )
                }),
        )
    }

    fn id(&self) -> &'static str {
        "openai"
    }
    fn name(&self) -> &'static str {
        "OpenAI"
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
                message: "set OPENAI_API_KEY".into(),
            })?;
        let body = map_request(&req.params, req.provider_model.as_deref());
        ctx.progress(0.05).await;
        let resp = self
            .client
            .post(format!("{}/images/generations", self.base_url))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .map_err(|e| http::transport_error("OpenAI", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error("OpenAI", e))?;
        if !status.is_success() {
            return Err(Self::error_for(status, &headers, &text));
        }
        let parsed: ImagesResponse =
            serde_json::from_str(&text).map_err(|_| ProviderError::Retryable {
                message: "OpenAI sent a response that could not be read".into(),
                retry_after: None,
            })?;
        let first = parsed
            .data
            .into_iter()
            .next()
            .ok_or_else(|| ProviderError::Retryable {
                message: "OpenAI returned no image".into(),
                retry_after: None,
            })?;
        ctx.progress(0.8).await;
        let bytes = match (first.b64_json, first.url) {
            (Some(b64), _) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| ProviderError::Retryable {
                    message: "OpenAI sent an image that could not be decoded".into(),
                    retry_after: None,
                })?,
            (None, Some(url)) => http::download_image("OpenAI", &url, &self.base_url).await?,
            (None, None) => {
                return Err(ProviderError::Retryable {
                    message: "OpenAI returned no image".into(),
                    retry_after: None,
                })
            }
        };
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: None,
                revised_prompt: first.revised_prompt,
            },
            provider_model: (body.model != req.params.model).then_some(body.model),
            request_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(model: &str, w: u32, h: u32, quality: Option<&str>) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "x".into(),
            model: model.into(),
            width: w,
            height: h,
            negative_prompt: None,
            steps: None,
            cfg: None,
            quality: quality.map(str::to_string),
            style: None,
            duration: None,
            source_image: None,
        }
    }

    #[test]
    fn gpt_image_2_is_sent_as_asked_without_response_format() {
        let r = map_request(&p("gpt-image-2", 2048, 1152, Some("high")), None);
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"model": "gpt-image-2", "prompt": "x", "n": 1, "size": "2048x1152", "quality": "high"})
        );
        let r = map_request(&p("gpt-image-2", 1024, 1024, None), None);
        assert_eq!((r.quality, r.response_format), (None, None));
    }

    #[test]
    fn error_mapping_follows_the_documented_codes() {
        let h = reqwest::header::HeaderMap::new();
        let body = |code: &str| {
            format!(
                r#"{{"error":{{"code":"{code}","message":"m","type":"invalid_request_error"}}}}"#
            )
        };
        assert!(matches!(
            OpenAi::error_for(
                reqwest::StatusCode::BAD_REQUEST,
                &h,
                &body("content_policy_violation")
            ),
            ProviderError::Moderated { .. }
        ));
        assert!(matches!(
            OpenAi::error_for(
                reqwest::StatusCode::TOO_MANY_REQUESTS,
                &h,
                &body("rate_limit_exceeded")
            ),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            OpenAi::error_for(
                reqwest::StatusCode::TOO_MANY_REQUESTS,
                &h,
                &body("insufficient_quota")
            ),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            OpenAi::error_for(reqwest::StatusCode::NOT_FOUND, &h, &body("model_not_found")),
            ProviderError::Rejected { message } if message.contains("does not serve this model")
        ));
        assert!(matches!(
            OpenAi::error_for(reqwest::StatusCode::BAD_GATEWAY, &h, "<html>"),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            OpenAi::error_for(
                reqwest::StatusCode::BAD_REQUEST,
                &h,
                &body("billing_hard_limit_reached")
            ),
            ProviderError::Rejected { .. }
        ));
    }
}
