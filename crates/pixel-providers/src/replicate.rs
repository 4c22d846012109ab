//! Replicate (`replicate-playground-v2.5`, `replicate-kandinsky-2.2`): POST /v1/predictions creates a
//! prediction of a pinned model version, GET /v1/predictions/{id} is polled (starting, processing with
//! tqdm progress in `logs`, succeeded with `output` URL(s), failed with `error`, canceled) and the
//! first output URL is downloaded. The prediction id is persisted through the job context so a retried
//! or restarted job resumes polling; a cancelled job cancels its prediction with
//! POST /v1/predictions/{id}/cancel.
//! HTTP API: https://replicate.com/docs/reference/http (predictions.create, predictions.get with
//! statuses starting, processing, succeeded, failed, canceled, aborted; predictions.cancel).

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;
use crate::poll::Polling;
use crate::remote::{tqdm_fraction, CancelOnDrop};

pub const DEFAULT_BASE_URL: &str = "https://api.replicate.com";

const NAME: &str = "Replicate";

/// Pinned model versions. Replicate runs exactly the version asked for, so these must be kept current
/// by hand: when a model's owner publishes a new version (or deletes an old one, which makes every
/// prediction fail with 422 "Invalid version"), update the hash here from the model's API page.
pub const PLAYGROUND_V25_VERSION: &str =
    "a45f82a1382bed5c7aeb861dac7c7d191b0fdf74d8d57c4a0e6ed7d4d0bf7d24";
/// `ai-forever/kandinsky-2.2`; see [`PLAYGROUND_V25_VERSION`] on keeping it current.
pub const KANDINSKY_22_VERSION: &str =
    "ad9d7879fbffa2874e1d909d1d37d9bc682889cc65b31f7bb00d2362619f194a";

/// Each catalogue model with the Replicate model and version it runs, for the health check.
pub const PINNED: [(&str, &str, &str); 2] = [
    (
        "replicate-playground-v2.5",
        "playgroundai/playground-v2.5-1024px-aesthetic",
        PLAYGROUND_V25_VERSION,
    ),
    (
        "replicate-kandinsky-2.2",
        "ai-forever/kandinsky-2.2",
        KANDINSKY_22_VERSION,
    ),
];

/// The widths and heights Kandinsky 2.2's Replicate model accepts (an enum in its schema).
pub const KANDINSKY_SIZES: [u32; 13] = [
    384, 512, 576, 640, 704, 768, 960, 1024, 1152, 1280, 1536, 1792, 2048,
];

pub struct Replicate {
    api_token: Option<String>,
    base_url: String,
    client: reqwest::Client,
    polling: Polling,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct PredictionRequest {
    pub version: &'static str,
    pub input: Input,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Input {
    pub prompt: String,
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

#[derive(Debug, Deserialize)]
struct Prediction {
    id: Option<String>,
    status: String,
    #[serde(default)]
    output: serde_json::Value,
    #[serde(default)]
    error: serde_json::Value,
    logs: Option<String>,
}

/// What one poll says about a prediction.
#[derive(Debug, PartialEq)]
pub enum PredictionState {
    Starting,
    Processing(Option<f32>),
    Succeeded(String),
    /// Failed for a reason a new prediction may not share (a crash, a lost GPU).
    Failed(String),
    Canceled,
    NotFound,
    Failure(ProviderError),
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Replicate sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Maps catalogue parameters to a prediction of the model's pinned version.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<PredictionRequest, ProviderError> {
    if params.quality.is_some() || params.style.is_some() {
        return Err(rejected("Replicate models take no quality or style".into()));
    }
    let mut input = Input {
        prompt: params.prompt.clone(),
        width: params.width,
        height: params.height,
        seed,
        negative_prompt: params.negative_prompt.clone(),
        num_inference_steps: params.steps,
        guidance_scale: None,
    };
    let version = match params.model.as_str() {
        "replicate-playground-v2.5" => {
            for (name, v) in [("width", params.width), ("height", params.height)] {
                if !(256..=1536).contains(&v) {
                    return Err(rejected(format!(
                        "Playground v2.5 {name} must be 256–1536; got {v}"
                    )));
                }
            }
            input.guidance_scale = params.cfg;
            PLAYGROUND_V25_VERSION
        }
        "replicate-kandinsky-2.2" => {
            for (name, v) in [("width", params.width), ("height", params.height)] {
                if !KANDINSKY_SIZES.contains(&v) {
                    return Err(rejected(format!(
                        "Kandinsky 2.2 has no {name} {v} on Replicate"
                    )));
                }
            }
            if params.cfg.is_some() {
                return Err(rejected("Kandinsky 2.2 takes no guidance scale".into()));
            }
            KANDINSKY_22_VERSION
        }
        other => return Err(rejected(format!("Replicate has no model '{other}'"))),
    };
    Ok(PredictionRequest { version, input })
}

/// Maps an HTTP error (Replicate answers problem details: `{title, detail, status}`).
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let v = serde_json::from_str::<serde_json::Value>(body).unwrap_or_default();
    let detail = v["detail"]
        .as_str()
        .or_else(|| v["title"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("Replicate answered {status}"));
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Replicate refused the API token: {detail}")),
        402 => rejected(format!("the Replicate account is out of credit: {detail}")),
        s if s >= 500 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(detail),
    }
}

/// Whether a failed prediction's error is the safety checker's (Replicate's E005 "flagged as
/// sensitive", or a model's own "NSFW content detected").
fn is_moderation(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    e.contains("nsfw") || e.contains("flagged as sensitive") || e.contains("safety checker")
}

/// Reads one prediction.
pub fn prediction_state(body: &str) -> PredictionState {
    let Ok(p) = serde_json::from_str::<Prediction>(body) else {
        return PredictionState::Failure(unreadable());
    };
    match p.status.as_str() {
        "starting" => PredictionState::Starting,
        "processing" => PredictionState::Processing(p.logs.as_deref().and_then(tqdm_fraction)),
        "succeeded" => {
            let url = match &p.output {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Array(items) => {
                    items.iter().find_map(|i| i.as_str()).map(str::to_string)
                }
                _ => None,
            };
            match url {
                Some(url) => PredictionState::Succeeded(url),
                None => PredictionState::Failure(unreadable()),
            }
        }
        "failed" => {
            let error = match &p.error {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "the prediction failed".to_string(),
                other => other.to_string(),
            };
            if is_moderation(&error) {
                PredictionState::Failure(ProviderError::Moderated {
                    message: format!("Replicate's safety checker blocked the image: {error}"),
                })
            } else {
                PredictionState::Failed(error)
            }
        }
        "canceled" => PredictionState::Canceled,
        // https://replicate.com/docs/reference/http#predictions.get (checked 2026-12): `aborted` is a
        // prediction ended before it ran (a deadline passed); a new prediction may well run.
        "aborted" => PredictionState::Failed(
            "the prediction was aborted before it started (a deadline passed)".into(),
        ),
        other => PredictionState::Failure(ProviderError::Retryable {
            message: format!("Replicate reported an unknown status '{other}'"),
            retry_after: None,
        }),
    }
}

type Pinned = (&'static str, &'static str, &'static str);

impl Replicate {
    /// Each pinned version and whether Replicate still has it: a 404 means it was deleted or
    /// disabled; any other answer (or none) is not evidence that it is gone.
    async fn pinned_versions(&self, token: &str) -> Vec<(Pinned, bool)> {
        let mut found = Vec::with_capacity(PINNED.len());
        for pinned @ (_, repo, version) in PINNED {
            let answer = self
                .client
                .get(format!(
                    "{}/v1/models/{repo}/versions/{version}",
                    self.base_url
                ))
                .bearer_auth(token)
                .send()
                .await;
            let gone = answer.is_ok_and(|r| r.status() == reqwest::StatusCode::NOT_FOUND);
            found.push((pinned, !gone));
        }
        found
    }

    pub fn new(
        api_token: Option<String>,
        base_url: &str,
        timeout: Duration,
        polling: Polling,
    ) -> Self {
        Self {
            api_token: api_token.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
            polling,
        }
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Result<(u16, String), ProviderError> {
        http::call_polled(NAME, req, error_for).await
    }

    async fn submit(&self, token: &str, body: &PredictionRequest) -> Result<String, ProviderError> {
        let (status, text) = self
            .call(
                self.client
                    .post(format!("{}/v1/predictions", self.base_url))
                    .bearer_auth(token)
                    .json(body),
            )
            .await?;
        if status == 404 {
            return Err(rejected(format!(
                "Replicate does not know model version {}",
                body.version
            )));
        }
        serde_json::from_str::<Prediction>(&text)
            .ok()
            .and_then(|p| p.id)
            .ok_or_else(unreadable)
    }

    async fn poll_once(&self, token: &str, id: &str) -> Result<PredictionState, ProviderError> {
        let (status, text) = self
            .call(
                self.client
                    .get(format!("{}/v1/predictions/{id}", self.base_url))
                    .bearer_auth(token),
            )
            .await?;
        if status == 404 {
            return Ok(PredictionState::NotFound);
        }
        Ok(prediction_state(&text))
    }
}

#[async_trait]
impl Provider for Replicate {
    /// Reachability, plus whether each pinned version still exists: an owner can delete a version,
    /// after which every prediction of it fails
    /// (GET /v1/models/{owner}/{name}/versions/{id}, https://replicate.com/docs/reference/http, checked
    /// 2026-12).
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        let mut health = crate::http::probe(&self.client, &self.base_url).await;
        let (Some(true), Some(token)) = (health.reachable, self.api_token.as_deref()) else {
            return health;
        };
        let gone: Vec<String> = self
            .pinned_versions(token)
            .await
            .into_iter()
            .filter(|(_, runnable)| !runnable)
            .map(|((model, repo, version), _)| {
                format!("{model} ({repo} version {})", &version[..8])
            })
            .collect();
        if !gone.is_empty() {
            health.message = Some(format!(
                "Replicate no longer has the pinned version of {}: those models will fail until \
                 the version is updated",
                gone.join(", ")
            ));
        }
        health
    }

    async fn served_models(
        &self,
        models: &[pixel_core::catalogue::Model],
    ) -> Option<Result<Vec<pixel_core::ports::ServedModel>, ProviderError>> {
        let token = self.api_token.as_deref()?;
        let pinned = self.pinned_versions(token).await;
        Some(Ok(models
            .iter()
            .map(|pixel_core::catalogue::Model { id, .. }| {
                let found = pinned.iter().find(|((model, _, _), _)| model == id);
                pixel_core::ports::ServedModel {
                    model_id: id.clone(),
                    provider_model: found
                        .map(|((_, repo, version), _)| format!("{repo}:{}", &version[..12]))
                        .unwrap_or_else(|| "(no pinned version)".into()),
                    served: found.is_some_and(|(_, runnable)| *runnable),
                }
            })
            .collect()))
    }

    fn id(&self) -> &'static str {
        "replicate"
    }
    fn name(&self) -> &'static str {
        NAME
    }
    fn configured(&self) -> bool {
        self.api_token.is_some()
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let token = self
            .api_token
            .as_deref()
            .ok_or_else(|| ProviderError::NotConfigured {
                message: "set REPLICATE_API_TOKEN".into(),
            })?;
        let body = map_request(&req.params, req.seed)?;
        let started = tokio::time::Instant::now();
        let mut resumed = req.resume_handle.is_some();
        let mut id = match &req.resume_handle {
            Some(handle) => handle.clone(),
            None => {
                let id = self.submit(token, &body).await?;
                ctx.remote_handle(&id).await;
                id
            }
        };
        let cancel_request = |id: &str| {
            self.client
                .post(format!("{}/v1/predictions/{id}/cancel", self.base_url))
                .bearer_auth(token)
        };
        let mut guard = CancelOnDrop::new(ctx, NAME, vec![cancel_request(&id)]);
        ctx.progress(0.05).await;
        let mut poller = crate::poll::Poller::new(self.polling, started);
        loop {
            poller
                .next(ctx, &format!("Replicate prediction {id}"))
                .await?;
            match self.poll_once(token, &id).await? {
                PredictionState::Starting => ctx.progress(0.1).await,
                PredictionState::Processing(fraction) => {
                    ctx.progress(0.1 + fraction.unwrap_or(0.0).clamp(0.0, 1.0) * 0.75)
                        .await
                }
                // A resumed prediction that is gone or ended without an image is replaced by a new
                // one: this attempt is the retry the runner asked for.
                PredictionState::NotFound
                | PredictionState::Failed(_)
                | PredictionState::Canceled
                    if resumed =>
                {
                    resumed = false;
                    id = self.submit(token, &body).await?;
                    ctx.remote_handle(&id).await;
                    guard.disarm();
                    guard = CancelOnDrop::new(ctx, NAME, vec![cancel_request(&id)]);
                    poller.restart();
                }
                PredictionState::NotFound => {
                    return Err(ProviderError::Retryable {
                        message: format!("Replicate lost prediction {id}"),
                        retry_after: None,
                    })
                }
                PredictionState::Failed(error) => {
                    guard.disarm();
                    return Err(ProviderError::Retryable {
                        message: format!("Replicate prediction {id} failed: {error}"),
                        retry_after: None,
                    });
                }
                PredictionState::Canceled => {
                    guard.disarm();
                    return Err(rejected(format!("Replicate prediction {id} was canceled")));
                }
                PredictionState::Failure(e) => return Err(e),
                PredictionState::Succeeded(url) => {
                    guard.disarm();
                    ctx.progress(0.9).await;
                    let bytes = http::download_image(NAME, &url, &self.base_url).await?;
                    return Ok(ProviderOutput {
                        image: ProviderImage {
                            bytes,
                            seed: Some(req.seed),
                            revised_prompt: None,
                        },
                        provider_model: Some(body.version.to_string()),
                        request_id: Some(id),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a lantern".into(),
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
    fn every_catalogue_size_maps_to_a_legal_prediction() {
        let c = Catalogue::builtin();
        let models: Vec<_> = c
            .models()
            .iter()
            .filter(|m| m.provider == "replicate")
            .collect();
        assert_eq!(models.len(), 2);
        for m in models {
            let sizes: Vec<(u32, u32)> = match &m.sizes {
                SizeRule::Fixed { sizes } => sizes.iter().map(|s| (s.width, s.height)).collect(),
                SizeRule::Range {
                    min,
                    max,
                    multiple_of,
                    ..
                } => (*min..=*max)
                    .step_by(*multiple_of as usize)
                    .map(|v| (v, *max))
                    .collect(),
            };
            for (w, h) in sizes {
                let r = map_request(&p(&m.id, w, h), 1).expect("size maps");
                assert_eq!((r.input.width, r.input.height), (w, h));
            }
            let mut params = p(&m.id, m.default_size.width, m.default_size.height);
            params.steps = m.steps.as_ref().map(|s| s.max);
            params.cfg = m.cfg.as_ref().map(|c| c.max);
            let r = map_request(&params, 1).expect("steps and cfg map");
            assert_eq!(
                (r.input.num_inference_steps, r.input.guidance_scale),
                (params.steps, params.cfg)
            );
        }
    }

    #[test]
    fn request_shape_and_refusals() {
        let mut params = p("replicate-playground-v2.5", 1024, 768);
        params.negative_prompt = Some("blur".into());
        params.steps = Some(30);
        params.cfg = Some(3.5);
        let r = map_request(&params, 11).expect("map");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"version": PLAYGROUND_V25_VERSION, "input": {"prompt":"a lantern",
                "width":1024,"height":768,"seed":11,"negative_prompt":"blur",
                "num_inference_steps":30,"guidance_scale":3.5}})
        );
        let r = map_request(&p("replicate-kandinsky-2.2", 1024, 1024), 2).expect("map");
        assert_eq!(r.version, KANDINSKY_22_VERSION);
        assert!(map_request(&p("replicate-kandinsky-2.2", 832, 1024), 1).is_err());
        let mut k = p("replicate-kandinsky-2.2", 1024, 1024);
        k.cfg = Some(4.0);
        assert!(map_request(&k, 1).is_err(), "Kandinsky has no guidance");
        assert!(map_request(&p("replicate-playground-v2.5", 1600, 1024), 1).is_err());
        assert!(map_request(&p("nope", 1024, 1024), 1).is_err());
    }

    #[test]
    fn prediction_statuses_map_to_outcomes() {
        assert_eq!(
            prediction_state(r#"{"id":"p","status":"starting","output":null,"logs":""}"#),
            PredictionState::Starting
        );
        assert_eq!(
            prediction_state(
                r#"{"id":"p","status":"processing","logs":" 20%|██        | 5/25 [00:01<00:04]"}"#
            ),
            PredictionState::Processing(Some(0.2))
        );
        assert_eq!(
            prediction_state(r#"{"id":"p","status":"succeeded","output":["http://x/o.png"]}"#),
            PredictionState::Succeeded("http://x/o.png".into())
        );
        assert_eq!(
            prediction_state(r#"{"id":"p","status":"succeeded","output":"http://x/o.png"}"#),
            PredictionState::Succeeded("http://x/o.png".into())
        );
        assert!(matches!(
            prediction_state(r#"{"id":"p","status":"succeeded","output":[]}"#),
            PredictionState::Failure(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            prediction_state(
                r#"{"id":"p","status":"failed","error":"NSFW content detected. Try running it again, or try a different prompt."}"#
            ),
            PredictionState::Failure(ProviderError::Moderated { .. })
        ));
        assert!(matches!(
            prediction_state(
                r#"{"id":"p","status":"failed","error":"The input or output was flagged as sensitive. Please try again with different inputs. (E005)"}"#
            ),
            PredictionState::Failure(ProviderError::Moderated { .. })
        ));
        assert_eq!(
            prediction_state(r#"{"id":"p","status":"failed","error":"CUDA out of memory"}"#),
            PredictionState::Failed("CUDA out of memory".into())
        );
        assert!(matches!(
            prediction_state(r#"{"id":"p","status":"aborted"}"#),
            PredictionState::Failed(e) if e.contains("aborted")
        ));
        assert_eq!(
            prediction_state(r#"{"id":"p","status":"canceled"}"#),
            PredictionState::Canceled
        );
        assert!(matches!(
            prediction_state("{\"status\": "),
            PredictionState::Failure(ProviderError::Retryable { .. })
        ));
    }

    #[test]
    fn http_errors_follow_the_documented_statuses() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert_eq!(
            error_for(
                S::UNPROCESSABLE_ENTITY,
                &h,
                r#"{"title":"Input validation failed","detail":"- input.width: width must be one of the following: 384, 512","status":422}"#
            ),
            ProviderError::Rejected {
                message: "- input.width: width must be one of the following: 384, 512".into()
            }
        );
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "1".parse().expect("header"));
        assert_eq!(
            error_for(
                S::TOO_MANY_REQUESTS,
                &ra,
                r#"{"title":"Request was throttled","detail":"Request was throttled. Expected available in 1 second.","status":429}"#
            ),
            ProviderError::Retryable {
                message: "Request was throttled. Expected available in 1 second.".into(),
                retry_after: Some(Duration::from_secs(1))
            }
        );
        assert!(matches!(
            error_for(S::PAYMENT_REQUIRED, &h, r#"{"title":"Insufficient credit","status":402}"#),
            ProviderError::Rejected { message } if message.contains("Insufficient credit")
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, "{}"),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::BAD_GATEWAY, &h, "<html>"),
            ProviderError::Retryable { .. }
        ));
    }
}
