//! FAL (`fal-sdxl-lightning`, `fal-stable-cascade`) through its queue API: POST /{app} submits a
//! request, GET /{app}/requests/{id}/status is polled until COMPLETED, GET /{app}/requests/{id} gives
//! `images[].url` and `has_nsfw_concepts`. The request id is persisted through the job context so a
//! retried or restarted job resumes polling; a cancelled job cancels its request with
//! PUT /{app}/requests/{id}/cancel.
//! Queue API: https://docs.fal.ai/model-apis/model-endpoints/queue (statuses IN_QUEUE, IN_PROGRESS,
//! COMPLETED; a failure is a COMPLETED request whose result is the error).

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;
use crate::poll::Polling;
use crate::remote::CancelOnDrop;

pub const DEFAULT_BASE_URL: &str = "https://queue.fal.run";

const NAME: &str = "FAL";

pub struct Fal {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
    polling: Polling,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// The body of a text-to-image submission; each app reads the fields it knows.
#[derive(Debug, Serialize, PartialEq)]
pub struct FalRequest {
    pub prompt: String,
    pub image_size: ImageSize,
    pub seed: u32,
    pub num_images: u32,
    pub enable_safety_checker: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_prompt: Option<String>,
    /// SDXL Lightning's step count (1, 2, 4 or 8 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_inference_steps: Option<u32>,
    /// Stable Cascade's prior-stage steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_stage_steps: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance_scale: Option<f32>,
}

#[derive(Debug, Deserialize)]
struct Submitted {
    request_id: String,
}

#[derive(Debug, Deserialize)]
struct Status {
    status: String,
    queue_position: Option<u32>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Output {
    images: Vec<OutputImage>,
    #[serde(default)]
    has_nsfw_concepts: Vec<bool>,
    seed: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct OutputImage {
    url: String,
}

/// What one status poll says about a request.
#[derive(Debug, PartialEq)]
pub enum RequestState {
    Queued(Option<u32>),
    Running,
    Completed,
    /// FAL no longer knows the request (expired, or never existed).
    NotFound,
    /// The request failed on FAL's side; a new request usually succeeds.
    Failed(String),
    /// The request was cancelled (not by this job, which would have stopped polling).
    Cancelled,
    Unreadable,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "FAL sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// The FAL app that serves a catalogue model.
pub fn app(model: &str) -> Option<&'static str> {
    Some(match model {
        "fal-sdxl-lightning" => "fal-ai/fast-lightning-sdxl",
        "fal-stable-cascade" => "fal-ai/stable-cascade",
        _ => return None,
    })
}

/// Maps catalogue parameters to a submission (app, body). Each app's own parameter names are used,
/// and values an app cannot take are refused here rather than silently changed.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<(&'static str, FalRequest), ProviderError> {
    let app = app(&params.model)
        .ok_or_else(|| rejected(format!("FAL has no model '{}'", params.model)))?;
    if params.quality.is_some() || params.style.is_some() {
        return Err(rejected("FAL models take no quality or style".into()));
    }
    let mut body = FalRequest {
        prompt: params.prompt.clone(),
        image_size: ImageSize {
            width: params.width,
            height: params.height,
        },
        seed,
        num_images: 1,
        // Explicit, so a change of FAL's default never turns moderation off.
        enable_safety_checker: true,
        negative_prompt: None,
        num_inference_steps: None,
        first_stage_steps: None,
        guidance_scale: None,
    };
    if app == "fal-ai/fast-lightning-sdxl" {
        if params.negative_prompt.is_some() || params.cfg.is_some() {
            return Err(rejected(
                "SDXL Lightning takes no negative prompt or guidance".into(),
            ));
        }
        // Lightning checkpoints exist only for these step counts.
        body.num_inference_steps = match params.steps {
            None => None,
            Some(s @ (1 | 2 | 4 | 8)) => Some(s),
            Some(s) => {
                return Err(rejected(format!(
                    "SDXL Lightning runs 1, 2, 4 or 8 steps; got {s}"
                )))
            }
        };
    } else {
        if params.steps.is_some_and(|s| !(4..=40).contains(&s)) {
            return Err(rejected(
                "Stable Cascade runs 4–40 first-stage steps".into(),
            ));
        }
        body.negative_prompt = params.negative_prompt.clone();
        body.first_stage_steps = params.steps;
        body.guidance_scale = params.cfg;
    }
    Ok((app, body))
}

/// FAL's `detail`, a string or a list of validation errors.
fn detail(body: &str) -> Option<String> {
    let v = serde_json::from_str::<serde_json::Value>(body).ok()?;
    match &v["detail"] {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i["msg"].as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// Maps an HTTP error of any queue call (FAL answers `{detail: ...}`).
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let detail = detail(body).unwrap_or_else(|| format!("FAL answered {status}"));
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        401 => rejected(format!("FAL refused the key: {detail}")),
        // FAL locks accounts whose balance is exhausted with a 403.
        403 => rejected(format!("FAL refused the request: {detail}")),
        s if s >= 500 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(detail),
    }
}

/// Reads one status answer.
pub fn request_state(body: &str) -> RequestState {
    let Ok(s) = serde_json::from_str::<Status>(body) else {
        return RequestState::Unreadable;
    };
    match s.status.as_str() {
        "IN_QUEUE" => RequestState::Queued(s.queue_position),
        "IN_PROGRESS" => RequestState::Running,
        "COMPLETED" => RequestState::Completed,
        "FAILED" => RequestState::Failed(s.error.unwrap_or_else(|| "FAL reported FAILED".into())),
        "CANCELED" | "CANCELLED" => RequestState::Cancelled,
        _ => RequestState::Unreadable,
    }
}

/// Reads a completed request's result: the image URL and seed, or moderation.
pub fn read_output(body: &str) -> Result<(String, Option<u32>), ProviderError> {
    let out = serde_json::from_str::<Output>(body).map_err(|_| unreadable())?;
    if out.has_nsfw_concepts.first().copied().unwrap_or(false) {
        return Err(ProviderError::Moderated {
            message: "FAL's safety checker flagged the generated image".into(),
        });
    }
    let url = out
        .images
        .into_iter()
        .next()
        .map(|i| i.url)
        .ok_or_else(unreadable)?;
    Ok((url, out.seed.and_then(|s| u32::try_from(s).ok())))
}

impl Fal {
    pub fn new(
        api_key: Option<String>,
        base_url: &str,
        timeout: Duration,
        polling: Polling,
    ) -> Self {
        Self {
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            base_url: base_url.trim_end_matches('/').to_string(),
            client: http::client(timeout),
            polling,
        }
    }

    async fn call(&self, req: reqwest::RequestBuilder) -> Result<(u16, String), ProviderError> {
        http::call_polled(NAME, req, error_for).await
    }

    async fn submit(
        &self,
        key: &str,
        app: &str,
        body: &FalRequest,
    ) -> Result<String, ProviderError> {
        let (status, text) = self
            .call(
                self.client
                    .post(format!("{}/{app}", self.base_url))
                    .header(reqwest::header::AUTHORIZATION, format!("Key {key}"))
                    .json(body),
            )
            .await?;
        if status == 404 {
            return Err(rejected(format!("FAL has no app {app}")));
        }
        serde_json::from_str::<Submitted>(&text)
            .map(|s| s.request_id)
            .map_err(|_| unreadable())
    }

    fn request_url(&self, app: &str, id: &str) -> String {
        format!("{}/{app}/requests/{id}", self.base_url)
    }

    async fn status(&self, key: &str, app: &str, id: &str) -> Result<RequestState, ProviderError> {
        let (status, text) = self
            .call(
                self.client
                    .get(format!("{}/status", self.request_url(app, id)))
                    .header(reqwest::header::AUTHORIZATION, format!("Key {key}")),
            )
            .await?;
        if status == 404 {
            return Ok(RequestState::NotFound);
        }
        Ok(request_state(&text))
    }

    async fn result(
        &self,
        key: &str,
        app: &str,
        id: &str,
    ) -> Result<(String, Option<u32>), ProviderError> {
        let (status, text) = self
            .call(
                self.client
                    .get(self.request_url(app, id))
                    .header(reqwest::header::AUTHORIZATION, format!("Key {key}")),
            )
            .await?;
        if status == 404 {
            return Err(ProviderError::Retryable {
                message: format!("FAL lost the result of request {id}"),
                retry_after: None,
            });
        }
        read_output(&text)
    }
}

#[async_trait]
impl Provider for Fal {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        crate::http::probe(&self.client, &self.base_url).await
    }

    fn id(&self) -> &'static str {
        "fal"
    }
    fn name(&self) -> &'static str {
        NAME
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
                message: "set FAL_KEY".into(),
            })?;
        let (app, body) = map_request(&req.params, req.seed)?;
        let started = tokio::time::Instant::now();
        let mut resumed = req.resume_handle.is_some();
        let mut id = match &req.resume_handle {
            Some(handle) => handle.clone(),
            None => {
                let id = self.submit(key, app, &body).await?;
                ctx.remote_handle(&id).await;
                id
            }
        };
        let cancel_request = |id: &str| {
            self.client
                .put(format!("{}/cancel", self.request_url(app, id)))
                .header(reqwest::header::AUTHORIZATION, format!("Key {key}"))
        };
        let mut guard = CancelOnDrop::new(ctx, NAME, vec![cancel_request(&id)]);
        ctx.progress(0.05).await;
        let mut poller = crate::poll::Poller::new(self.polling, started);
        loop {
            poller.next(ctx, &format!("FAL request {id}")).await?;
            let mut state = self.status(key, app, &id).await?;
            // FAL ends a failed request COMPLETED too, its result call answering the model's error
            // (https://fal.ai/docs/inference-api/queue/result, checked 2026-12). Such a failure is
            // treated as Failed, so that the retry of a resumed job submits afresh instead of reading
            // the same failed result again.
            let mut output = None;
            if state == RequestState::Completed {
                match self.result(key, app, &id).await {
                    Ok(found) => output = Some(found),
                    Err(ProviderError::Retryable { message, .. }) => {
                        state = RequestState::Failed(message)
                    }
                    Err(e) => {
                        guard.disarm();
                        return Err(e);
                    }
                }
            }
            match state {
                RequestState::Queued(position) => {
                    // A queue position gives no duration; it only shows that the request moves.
                    let p = position.map_or(0.05, |n| 0.1 - 0.05 * (n.min(10) as f32 / 10.0));
                    ctx.progress(p).await;
                }
                RequestState::Running => ctx.progress(0.5).await,
                // A resumed request that expired, failed or was cancelled elsewhere is submitted
                // afresh: this attempt is the retry the runner asked for.
                RequestState::NotFound | RequestState::Failed(_) | RequestState::Cancelled
                    if resumed =>
                {
                    resumed = false;
                    id = self.submit(key, app, &body).await?;
                    ctx.remote_handle(&id).await;
                    guard.disarm();
                    guard = CancelOnDrop::new(ctx, NAME, vec![cancel_request(&id)]);
                    poller.restart();
                }
                RequestState::NotFound => {
                    return Err(ProviderError::Retryable {
                        message: format!("FAL lost request {id}"),
                        retry_after: None,
                    })
                }
                RequestState::Failed(error) => {
                    return Err(ProviderError::Retryable {
                        message: format!("FAL failed request {id}: {error}"),
                        retry_after: None,
                    })
                }
                RequestState::Cancelled => {
                    guard.disarm();
                    return Err(rejected(format!("FAL request {id} was cancelled")));
                }
                RequestState::Unreadable => return Err(unreadable()),
                RequestState::Completed => {
                    guard.disarm();
                    ctx.progress(0.85).await;
                    let Some((url, seed)) = output else {
                        return Err(unreadable());
                    };
                    let bytes = http::download_image(NAME, &url, &self.base_url).await?;
                    return Ok(ProviderOutput {
                        image: ProviderImage {
                            bytes,
                            seed: seed.or(Some(req.seed)),
                            revised_prompt: None,
                        },
                        provider_model: Some(app.to_string()),
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
            prompt: "a heron".into(),
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
    fn every_catalogue_value_maps_to_a_legal_fal_request() {
        let c = Catalogue::builtin();
        let models: Vec<_> = c.models().iter().filter(|m| m.provider == "fal").collect();
        assert_eq!(models.len(), 2);
        for m in models {
            let SizeRule::Range {
                min,
                max,
                multiple_of,
                ..
            } = &m.sizes
            else {
                panic!("{} must offer a size range", m.id)
            };
            for v in (*min..=*max).step_by(*multiple_of as usize) {
                let (_, r) = map_request(&p(&m.id, v, *min), 1).expect("size maps");
                assert_eq!(
                    r.image_size,
                    ImageSize {
                        width: v,
                        height: *min
                    }
                );
            }
            if let (Some(steps), Some(cfg)) = (&m.steps, &m.cfg) {
                for (st, g) in [(steps.min, cfg.min), (steps.max, cfg.max)] {
                    let mut params = p(&m.id, 1024, 1024);
                    params.steps = Some(st);
                    params.cfg = Some(g);
                    params.negative_prompt = Some("blur".into());
                    let (_, r) = map_request(&params, 1).expect("steps map");
                    assert_eq!((r.first_stage_steps, r.guidance_scale), (Some(st), Some(g)));
                }
            }
        }
    }

    #[test]
    fn request_shapes_and_refusals() {
        let (app, r) = map_request(&p("fal-sdxl-lightning", 1216, 832), 9).expect("map");
        assert_eq!(app, "fal-ai/fast-lightning-sdxl");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"prompt":"a heron","image_size":{"width":1216,"height":832},
                "seed":9,"num_images":1,"enable_safety_checker":true})
        );
        let mut lightning = p("fal-sdxl-lightning", 1024, 1024);
        lightning.steps = Some(8);
        assert_eq!(
            map_request(&lightning, 1).expect("8").1.num_inference_steps,
            Some(8)
        );
        lightning.steps = Some(6);
        assert!(map_request(&lightning, 1).is_err(), "no 6-step checkpoint");
        lightning.steps = None;
        lightning.negative_prompt = Some("x".into());
        assert!(map_request(&lightning, 1).is_err());

        let mut cascade = p("fal-stable-cascade", 1024, 1024);
        cascade.steps = Some(30);
        cascade.cfg = Some(5.0);
        cascade.negative_prompt = Some("blur".into());
        let (app, r) = map_request(&cascade, 3).expect("map");
        assert_eq!(app, "fal-ai/stable-cascade");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"prompt":"a heron","image_size":{"width":1024,"height":1024},
                "seed":3,"num_images":1,"enable_safety_checker":true,"negative_prompt":"blur",
                "first_stage_steps":30,"guidance_scale":5.0})
        );
        cascade.steps = Some(45);
        assert!(map_request(&cascade, 1).is_err());
        assert!(map_request(&p("fal-nope", 1024, 1024), 1).is_err());
    }

    #[test]
    fn statuses_and_results_map_to_outcomes() {
        assert_eq!(
            request_state(r#"{"status":"IN_QUEUE","queue_position":3}"#),
            RequestState::Queued(Some(3))
        );
        assert_eq!(
            request_state(r#"{"status":"IN_PROGRESS","logs":[]}"#),
            RequestState::Running
        );
        assert_eq!(
            request_state(r#"{"status":"COMPLETED"}"#),
            RequestState::Completed
        );
        assert!(matches!(
            request_state(r#"{"status":"FAILED","error":"CUDA out of memory"}"#),
            RequestState::Failed(e) if e.contains("CUDA")
        ));
        assert_eq!(request_state("{\"status\": "), RequestState::Unreadable);
        assert_eq!(
            request_state(r#"{"status":"WHAT"}"#),
            RequestState::Unreadable
        );

        let ok = r#"{"images":[{"url":"http://x/a.png","width":8,"height":8}],"seed":12,"has_nsfw_concepts":[false]}"#;
        assert_eq!(
            read_output(ok).expect("output"),
            ("http://x/a.png".into(), Some(12))
        );
        assert!(matches!(
            read_output(r#"{"images":[{"url":"http://x/a.png"}],"has_nsfw_concepts":[true]}"#),
            Err(ProviderError::Moderated { .. })
        ));
        assert!(matches!(
            read_output(r#"{"images":[]}"#),
            Err(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            read_output("<html>"),
            Err(ProviderError::Retryable { .. })
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
                r#"{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"missing"}]}"#
            ),
            ProviderError::Rejected {
                message: "field required".into()
            }
        );
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "3".parse().expect("header"));
        assert_eq!(
            error_for(S::TOO_MANY_REQUESTS, &ra, r#"{"detail":"rate limited"}"#),
            ProviderError::Retryable {
                message: "rate limited".into(),
                retry_after: Some(Duration::from_secs(3))
            }
        );
        assert!(matches!(
            error_for(S::FORBIDDEN, &h, r#"{"detail":"User is locked. Reason: Exhausted balance."}"#),
            ProviderError::Rejected { message } if message.contains("Exhausted balance")
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, "{}"),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::SERVICE_UNAVAILABLE, &h, "<html>"),
            ProviderError::Retryable { .. }
        ));
    }
}
