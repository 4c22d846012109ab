//! Ideogram: `ideogram-v3` over the multipart POST /v1/ideogram-v3/generate
//! (https://developer.ideogram.ai/api-reference/api-reference/generate-v3, checked 2026-12), and
//! `ideogram-v2`, `ideogram-v2-turbo`, `ideogram-v1`, `ideogram-v1-turbo` over the legacy
//! POST /generate `{image_request: {...}}`, which still works without a removal date. Both answer
//! `data[]{url, is_image_safe, seed, prompt}`; the URLs are downloaded here.

use async_trait::async_trait;
use pixel_core::catalogue::IDEOGRAM_ASPECTS;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.ideogram.ai";

/// Ideogram's documented seed range is 0–2147483647.
const MAX_SEED: u32 = 2_147_483_647;

pub struct Ideogram {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct GenerateRequest {
    pub image_request: ImageRequest,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ImageRequest {
    pub prompt: String,
    pub model: &'static str,
    pub aspect_ratio: &'static str,
    /// Always OFF: Magic Prompt rewrites the prompt, and the user asked for theirs.
    pub magic_prompt_option: &'static str,
    pub seed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GenerateResponse {
    data: Vec<ImageData>,
}

#[derive(Debug, Deserialize)]
struct ImageData {
    url: Option<String>,
    is_image_safe: Option<bool>,
    seed: Option<u32>,
    prompt: Option<String>,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Ideogram sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// The legacy `ASPECT_W_H` value of the catalogue size, or why there is none.
fn aspect_of(params: &pixel_core::GenerationParams) -> Result<&'static str, ProviderError> {
    IDEOGRAM_ASPECTS
        .iter()
        .find(|(_, w, h)| *w == params.width && *h == params.height)
        .map(|(r, _, _)| *r)
        .ok_or_else(|| {
            rejected(format!(
                "Ideogram has no aspect ratio for {}x{}",
                params.width, params.height
            ))
        })
}

/// Maps catalogue parameters to Ideogram's enums; anything without a legal value is refused.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<GenerateRequest, ProviderError> {
    let model = match params.model.as_str() {
        "ideogram-v2" => "V_2",
        "ideogram-v2-turbo" => "V_2_TURBO",
        "ideogram-v1" => "V_1",
        "ideogram-v1-turbo" => "V_1_TURBO",
        other => return Err(rejected(format!("Ideogram has no model '{other}'"))),
    };
    let aspect_ratio = aspect_of(params)?;
    if params.steps.is_some()
        || params.cfg.is_some()
        || params.quality.is_some()
        || params.style.is_some()
    {
        return Err(rejected(
            "Ideogram takes no steps, CFG, quality or style".into(),
        ));
    }
    Ok(GenerateRequest {
        image_request: ImageRequest {
            prompt: params.prompt.clone(),
            model,
            aspect_ratio,
            magic_prompt_option: "OFF",
            // Out-of-range seeds fold into range; the seed Ideogram reports is what gets recorded.
            seed: seed % (MAX_SEED + 1),
            negative_prompt: params.negative_prompt.clone(),
        },
    })
}

/// The multipart fields of a v3 request: the aspect ratio as `WxH`, the quality setting as the
/// rendering speed, the style as the style type; Magic Prompt off (the user asked for their prompt).
pub fn map_v3_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<Vec<(&'static str, String)>, ProviderError> {
    // v3 names the same ratios `WxH`: ASPECT_16_9 is 16x9.
    let aspect = aspect_of(params)?
        .trim_start_matches("ASPECT_")
        .replace('_', "x");
    if params.steps.is_some() || params.cfg.is_some() {
        return Err(rejected("Ideogram takes no steps or CFG".into()));
    }
    let upper = |v: &Option<String>, allowed: &[&str], what: &str| {
        v.as_deref()
            .map(|v| {
                let up = v.to_ascii_uppercase();
                if allowed.contains(&up.as_str()) {
                    Ok(up)
                } else {
                    Err(rejected(format!("Ideogram 3.0 has no {what} '{v}'")))
                }
            })
            .transpose()
    };
    let speed = upper(
        &params.quality,
        &["TURBO", "DEFAULT", "QUALITY"],
        "rendering speed",
    )?;
    let style = upper(
        &params.style,
        &["AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION"],
        "style type",
    )?;
    let mut fields = vec![
        ("prompt", params.prompt.clone()),
        ("aspect_ratio", aspect),
        ("rendering_speed", speed.unwrap_or_else(|| "DEFAULT".into())),
        ("magic_prompt", "OFF".into()),
        ("seed", (seed % (MAX_SEED + 1)).to_string()),
        ("num_images", "1".into()),
    ];
    if let Some(style) = style {
        fields.push(("style_type", style));
    }
    if let Some(neg) = &params.negative_prompt {
        fields.push(("negative_prompt", neg.clone()));
    }
    Ok(fields)
}

/// Maps an error answer. Ideogram reports failed safety checks as 400/422 with a message that says so.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v["detail"]
                .as_str()
                .or_else(|| v["message"].as_str())
                .or_else(|| v["error"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("Ideogram answered {status}"));
    let code = status.as_u16();
    if matches!(code, 400 | 422) && message.to_lowercase().contains("safety") {
        return ProviderError::Moderated { message };
    }
    match code {
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Ideogram refused the API key: {message}")),
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

impl Ideogram {
    pub fn new(api_key: Option<String>, base_url: &str, timeout: Duration) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
        }
    }
}

#[async_trait]
impl Provider for Ideogram {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        crate::http::probe(&self.client, &self.base_url).await
    }

    fn id(&self) -> &'static str {
        "ideogram"
    }
    fn name(&self) -> &'static str {
        "Ideogram"
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
                message: "set IDEOGRAM_API_KEY".into(),
            })?;
        let (request, provider_model) = if req.params.model == "ideogram-v3" {
            let form = map_v3_request(&req.params, req.seed)?
                .into_iter()
                .fold(reqwest::multipart::Form::new(), |f, (k, v)| f.text(k, v));
            (
                self.client
                    .post(format!("{}/v1/ideogram-v3/generate", self.base_url))
                    .multipart(form),
                "V_3",
            )
        } else {
            let body = map_request(&req.params, req.seed)?;
            let model = body.image_request.model;
            (
                self.client
                    .post(format!("{}/generate", self.base_url))
                    .json(&body),
                model,
            )
        };
        ctx.progress(0.05).await;
        let resp = request
            .header("Api-Key", key)
            .send()
            .await
            .map_err(|e| http::transport_error("Ideogram", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error("Ideogram", e))?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        let parsed: GenerateResponse = serde_json::from_str(&text).map_err(|_| unreadable())?;
        let first = parsed.data.into_iter().next().ok_or_else(unreadable)?;
        if first.is_image_safe == Some(false) {
            return Err(ProviderError::Moderated {
                message: "Ideogram's safety check flagged the generated image".into(),
            });
        }
        let url = first.url.ok_or_else(unreadable)?;
        ctx.progress(0.8).await;
        let bytes = http::download_image("Ideogram", &url, &self.base_url).await?;
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: first.seed,
                revised_prompt: first.prompt.filter(|p| *p != req.params.prompt),
            },
            provider_model: Some(provider_model.to_string()),
            request_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a poster".into(),
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
    fn every_catalogue_size_maps_to_a_legal_aspect_ratio() {
        let legal = [
            "ASPECT_1_1",
            "ASPECT_16_9",
            "ASPECT_9_16",
            "ASPECT_4_3",
            "ASPECT_3_4",
            "ASPECT_3_2",
            "ASPECT_2_3",
        ];
        let c = Catalogue::builtin();
        let models: Vec<_> = c
            .models()
            .iter()
            .filter(|m| m.provider == "ideogram" && m.id != "ideogram-v3")
            .collect();
        assert_eq!(models.len(), 4);
        for m in models {
            let SizeRule::Fixed { sizes } = &m.sizes else {
                panic!("{} must offer fixed sizes", m.id)
            };
            assert_eq!(sizes.len(), legal.len());
            for s in sizes {
                let r = map_request(&p(&m.id, s.width, s.height), 5).expect("maps");
                assert!(legal.contains(&r.image_request.aspect_ratio));
                assert!(["V_1", "V_1_TURBO", "V_2", "V_2_TURBO"].contains(&r.image_request.model));
            }
            let mut neg = p(&m.id, 1024, 1024);
            neg.negative_prompt = Some("blur".into());
            assert_eq!(
                map_request(&neg, 5)
                    .expect("neg")
                    .image_request
                    .negative_prompt
                    .as_deref(),
                Some("blur")
            );
        }
    }

    #[test]
    fn v3_takes_every_catalogue_value_as_its_own_enums() {
        let c = Catalogue::builtin();
        let m = c.get("ideogram-v3").expect("v3");
        let SizeRule::Fixed { sizes } = &m.sizes else {
            panic!("fixed sizes")
        };
        let ratios = ["1x1", "16x9", "9x16", "4x3", "3x4", "3x2", "2x3"];
        for s in sizes {
            let fields = map_v3_request(&p("ideogram-v3", s.width, s.height), 5).expect("maps");
            let ratio = fields
                .iter()
                .find(|(k, _)| *k == "aspect_ratio")
                .expect("ratio");
            assert!(ratios.contains(&ratio.1.as_str()), "{ratio:?}");
        }
        for (quality, style) in m.qualities.iter().zip(m.styles.iter().cycle()) {
            let mut params = p("ideogram-v3", 1312, 736);
            params.quality = Some(quality.clone());
            params.style = Some(style.clone());
            params.negative_prompt = Some("blur".into());
            let fields = map_v3_request(&params, u32::MAX).expect("maps");
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.as_str())
            };
            assert_eq!(
                get("rendering_speed"),
                Some(quality.to_ascii_uppercase().as_str())
            );
            assert_eq!(get("style_type"), Some(style.to_ascii_uppercase().as_str()));
            assert_eq!(get("aspect_ratio"), Some("16x9"));
            assert_eq!(get("magic_prompt"), Some("OFF"));
            assert_eq!(get("negative_prompt"), Some("blur"));
            assert_eq!(
                get("seed"),
                Some((u32::MAX % (MAX_SEED + 1)).to_string().as_str())
            );
        }
        let mut steps = p("ideogram-v3", 1024, 1024);
        steps.steps = Some(20);
        assert!(map_v3_request(&steps, 1).is_err());
        let mut odd = p("ideogram-v3", 1024, 1024);
        odd.quality = Some("ultra".into());
        assert!(map_v3_request(&odd, 1).is_err());
    }

    #[test]
    fn request_shape_seed_range_and_refusals() {
        let r = map_request(&p("ideogram-v2-turbo", 1312, 736), u32::MAX).expect("map");
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"image_request":{"prompt":"a poster","model":"V_2_TURBO",
                "aspect_ratio":"ASPECT_16_9","magic_prompt_option":"OFF","seed":2147483647}})
        );
        assert!(map_request(&p("ideogram-v1", 1000, 1000), 1).is_err());
        let mut style = p("ideogram-v1", 1024, 1024);
        style.style = Some("anime".into());
        assert!(map_request(&style, 1).is_err());
    }

    #[test]
    fn error_mapping_covers_safety_rate_limits_and_outages() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert!(matches!(
            error_for(
                S::BAD_REQUEST,
                &h,
                r#"{"detail":"Prompt failed the safety check"}"#
            ),
            ProviderError::Moderated { .. }
        ));
        assert!(matches!(
            error_for(
                S::UNPROCESSABLE_ENTITY,
                &h,
                r#"{"detail":"Image failed the safety check."}"#
            ),
            ProviderError::Moderated { .. }
        ));
        assert_eq!(
            error_for(S::BAD_REQUEST, &h, r#"{"detail":"Invalid aspect ratio"}"#),
            ProviderError::Rejected {
                message: "Invalid aspect ratio".into()
            }
        );
        assert!(matches!(
            error_for(S::TOO_MANY_REQUESTS, &h, "{}"),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::SERVICE_UNAVAILABLE, &h, "down"),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, "{}"),
            ProviderError::Rejected { .. }
        ));
    }
}
