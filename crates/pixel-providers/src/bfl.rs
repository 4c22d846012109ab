//! Black Forest Labs (`flux-pro-1.1`, `flux-dev`): POST /v1/{model} submits a task and answers its
//! `polling_url`, which is polled until it is Ready, and the result's `sample` URL is downloaded
//! (https://docs.bfl.ai/quick_start/generating_images, checked 2026-12: with the global endpoint the
//! task lives in one region, and `get_result` by id elsewhere can answer `Task not found`).
//! The polling URL is persisted through the job context as the resume handle, so a restarted or retried
//! job resumes polling instead of paying for a second submission. The key is only ever sent to the
//! configured API host or a documented `*.bfl.ai` host: a polling URL elsewhere is refused.

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;

pub const DEFAULT_BASE_URL: &str = "https://api.bfl.ai";

pub use crate::poll::Polling;

pub struct Bfl {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
    polling: Polling,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct FluxRequest {
    pub prompt: String,
    pub width: u32,
    pub height: u32,
    pub seed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<f32>,
}

#[derive(Debug, Deserialize)]
struct Submitted {
    id: String,
    polling_url: Option<String>,
}

/// Whether the `x-key` may go to `url`: https on a documented Black Forest Labs host, or the configured
/// API's own scheme, host and port (a self-hosted gateway, or the tests' loopback fake).
pub fn trusted_polling_url(base_url: &str, url: &str) -> bool {
    let (Ok(base), Ok(url)) = (reqwest::Url::parse(base_url), reqwest::Url::parse(url)) else {
        return false;
    };
    let same_origin = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    let bfl_host = url.scheme() == "https"
        && url
            .host_str()
            .is_some_and(|h| h == "bfl.ai" || h.ends_with(".bfl.ai"));
    same_origin || bfl_host
}

#[derive(Debug, Deserialize)]
struct Poll {
    status: String,
    result: Option<PollResult>,
    progress: Option<f32>,
}

#[derive(Debug, Deserialize)]
struct PollResult {
    sample: Option<String>,
    seed: Option<u32>,
    prompt: Option<String>,
}

/// What one poll says about a task.
#[derive(Debug, PartialEq)]
pub enum TaskState {
    Pending(Option<f32>),
    Ready {
        sample: String,
        seed: Option<u32>,
        prompt: Option<String>,
    },
    /// The task is unknown (expired, or never existed).
    NotFound,
    /// BFL's `Error`: the generation failed on its side; a new task usually succeeds.
    Errored,
    Failed(ProviderError),
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Black Forest Labs sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Maps catalogue parameters to a Flux request; sizes are checked against BFL's documented limits
/// (multiples of 32 in 256–1440) so an illegal value is refused here, not silently rounded.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    seed: u32,
) -> Result<(&'static str, FluxRequest), ProviderError> {
    let endpoint = match params.model.as_str() {
        "flux-pro-1.1" => "flux-pro-1.1",
        "flux-dev" => "flux-dev",
        other => {
            return Err(rejected(format!(
                "Black Forest Labs has no model '{other}'"
            )))
        }
    };
    for (name, v) in [("width", params.width), ("height", params.height)] {
        if !(256..=1440).contains(&v) || v % 32 != 0 {
            return Err(rejected(format!(
                "Flux {name} must be a multiple of 32 in 256–1440; got {v}"
            )));
        }
    }
    if params.negative_prompt.is_some() || params.quality.is_some() || params.style.is_some() {
        return Err(rejected(
            "Flux takes no negative prompt, quality or style".into(),
        ));
    }
    if endpoint == "flux-pro-1.1" && (params.steps.is_some() || params.cfg.is_some()) {
        return Err(rejected("FLUX1.1 [pro] takes no steps or guidance".into()));
    }
    Ok((
        endpoint,
        FluxRequest {
            prompt: params.prompt.clone(),
            width: params.width,
            height: params.height,
            seed,
            steps: params.steps,
            guidance: params.cfg,
        },
    ))
}

/// Maps an HTTP error of the submit or poll call (BFL answers `{detail: ...}`).
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| match &v["detail"] {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|i| i["msg"].as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("Black Forest Labs answered {status}"));
    match status.as_u16() {
        // 429 is "too many active tasks": waiting frees a slot.
        429 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Black Forest Labs refused the API key: {detail}")),
        402 => rejected(format!(
            "the Black Forest Labs account is out of credits: {detail}"
        )),
        s if s >= 500 => ProviderError::Retryable {
            message: detail,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(detail),
    }
}

/// Reads one get_result answer.
pub fn task_state(body: &str) -> TaskState {
    let Ok(poll) = serde_json::from_str::<Poll>(body) else {
        return TaskState::Failed(unreadable());
    };
    match poll.status.as_str() {
        "Ready" => match poll.result {
            Some(PollResult {
                sample: Some(sample),
                seed,
                prompt,
            }) => TaskState::Ready {
                sample,
                seed,
                prompt,
            },
            _ => TaskState::Failed(unreadable()),
        },
        "Pending" => TaskState::Pending(poll.progress),
        "Task not found" => TaskState::NotFound,
        "Request Moderated" => TaskState::Failed(ProviderError::Moderated {
            message: "Black Forest Labs' moderation blocked the prompt".into(),
        }),
        "Content Moderated" => TaskState::Failed(ProviderError::Moderated {
            message: "Black Forest Labs' moderation blocked the generated image".into(),
        }),
        "Error" => TaskState::Errored,
        other => TaskState::Failed(ProviderError::Retryable {
            message: format!("Black Forest Labs reported an unknown status '{other}'"),
            retry_after: None,
        }),
    }
}

impl Bfl {
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

    /// Submits a task; answers its polling URL (built from the id when an older API gives none).
    async fn submit(
        &self,
        key: &str,
        endpoint: &str,
        body: &FluxRequest,
    ) -> Result<String, ProviderError> {
        let resp = self
            .client
            .post(format!("{}/v1/{endpoint}", self.base_url))
            .header("x-key", key)
            .json(body)
            .send()
            .await
            .map_err(|e| http::transport_error("Black Forest Labs", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error("Black Forest Labs", e))?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        let submitted = serde_json::from_str::<Submitted>(&text).map_err(|_| unreadable())?;
        Ok(submitted
            .polling_url
            .unwrap_or_else(|| self.polling_url_for(&submitted.id)))
    }

    fn polling_url_for(&self, id: &str) -> String {
        let plain = format!("{}/v1/get_result", self.base_url);
        match reqwest::Url::parse(&plain) {
            Ok(mut url) => {
                url.query_pairs_mut().append_pair("id", id);
                url.to_string()
            }
            Err(_) => format!("{plain}?id={id}"),
        }
    }

    /// The task id a polling URL names, for messages and the record.
    fn task_id_of(polling_url: &str) -> String {
        reqwest::Url::parse(polling_url)
            .ok()
            .and_then(|u| {
                u.query_pairs()
                    .find(|(k, _)| k == "id")
                    .map(|(_, v)| v.into_owned())
            })
            .unwrap_or_else(|| polling_url.to_string())
    }

    /// The resume handle as a polling URL: handles saved before polling URLs were kept are task ids.
    fn polling_url_of(&self, handle: &str) -> String {
        if handle.contains("://") {
            handle.to_string()
        } else {
            self.polling_url_for(handle)
        }
    }

    async fn poll_once(&self, key: &str, polling_url: &str) -> Result<TaskState, ProviderError> {
        if !trusted_polling_url(&self.base_url, polling_url) {
            return Err(rejected(format!(
                "Black Forest Labs answered a polling URL on another host ({polling_url}); the API key is \
                 not sent there"
            )));
        }
        let resp = self
            .client
            .get(polling_url)
            .header("x-key", key)
            .send()
            .await
            .map_err(|e| http::transport_error("Black Forest Labs", e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error("Black Forest Labs", e))?;
        // An unknown id is reported as 404 by some deployments and as a status by others.
        if status.as_u16() == 404 {
            return Ok(TaskState::NotFound);
        }
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        Ok(task_state(&text))
    }
}

#[async_trait]
impl Provider for Bfl {
    /// Reachability, plus the account's credits from GET /v1/credits.
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        let mut health = crate::http::probe(&self.client, &self.base_url).await;
        if let Some(key) = self.api_key.as_deref() {
            let credits = self
                .client
                .get(format!("{}/v1/credits", self.base_url))
                .header("x-key", key);
            crate::http::read_credits(&mut health, credits, "credits").await;
        }
        health
    }

    fn id(&self) -> &'static str {
        "bfl"
    }
    fn name(&self) -> &'static str {
        "Black Forest Labs"
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
                message: "set BFL_API_KEY".into(),
            })?;
        let (endpoint, body) = map_request(&req.params, req.seed)?;
        let started = tokio::time::Instant::now();
        let mut resumed = req.resume_handle.is_some();
        let mut polling_url = match &req.resume_handle {
            Some(handle) => self.polling_url_of(handle),
            None => {
                let url = self.submit(key, endpoint, &body).await?;
                ctx.remote_handle(&url).await;
                url
            }
        };
        let mut id = Self::task_id_of(&polling_url);
        ctx.progress(0.05).await;
        let mut poller = crate::poll::Poller::new(self.polling, started);
        loop {
            poller
                .next(ctx, &format!("Black Forest Labs task {id}"))
                .await?;
            match self.poll_once(key, &polling_url).await? {
                TaskState::Pending(progress) => {
                    if let Some(p) = progress {
                        ctx.progress(0.05 + p.clamp(0.0, 1.0) * 0.85).await;
                    }
                }
                // A resumed task that expired or failed is submitted afresh: the earlier attempt's
                // task is gone, and this attempt is the retry the runner asked for.
                TaskState::NotFound | TaskState::Errored if resumed => {
                    resumed = false;
                    polling_url = self.submit(key, endpoint, &body).await?;
                    ctx.remote_handle(&polling_url).await;
                    id = Self::task_id_of(&polling_url);
                    poller.restart();
                }
                TaskState::NotFound => {
                    return Err(ProviderError::Retryable {
                        message: format!("Black Forest Labs lost task {id}"),
                        retry_after: None,
                    })
                }
                TaskState::Errored => {
                    return Err(ProviderError::Retryable {
                        message: format!("Black Forest Labs failed to generate task {id}"),
                        retry_after: None,
                    })
                }
                TaskState::Failed(e) => return Err(e),
                TaskState::Ready {
                    sample,
                    seed,
                    prompt,
                } => {
                    ctx.progress(0.9).await;
                    let bytes =
                        http::download_image("Black Forest Labs", &sample, &self.base_url).await?;
                    return Ok(ProviderOutput {
                        image: ProviderImage {
                            bytes,
                            seed: seed.or(Some(req.seed)),
                            revised_prompt: prompt.filter(|p| *p != req.params.prompt),
                        },
                        provider_model: None,
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

    #[test]
    fn the_key_goes_only_to_the_api_host_or_documented_bfl_hosts() {
        let base = "https://api.bfl.ai";
        for ok in [
            "https://api.bfl.ai/v1/get_result?id=1",
            "https://api.us1.bfl.ai/v1/get_result?id=1",
            "https://api.eu4.bfl.ai/v1/get_result?id=1",
        ] {
            assert!(trusted_polling_url(base, ok), "{ok}");
        }
        for bad in [
            "http://api.us1.bfl.ai/v1/get_result?id=1",
            "https://bfl.ai.evil.example/v1/get_result?id=1",
            "https://evil-bfl.ai/v1/get_result?id=1",
            "https://169.254.169.254/latest/meta-data",
            "not a url",
        ] {
            assert!(!trusted_polling_url(base, bad), "{bad}");
        }
        // A configured gateway (or the loopback fake): its own origin only.
        let local = "http://127.0.0.1:4000";
        assert!(trusted_polling_url(
            local,
            "http://127.0.0.1:4000/us1/v1/get_result?id=1"
        ));
        assert!(!trusted_polling_url(
            local,
            "http://127.0.0.2:4000/v1/get_result?id=1"
        ));
        assert!(!trusted_polling_url(
            local,
            "http://127.0.0.1:4001/v1/get_result?id=1"
        ));
    }
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a fox".into(),
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
    fn every_catalogue_value_maps_to_a_legal_flux_request() {
        let c = Catalogue::builtin();
        let models: Vec<_> = c.models().iter().filter(|m| m.provider == "bfl").collect();
        assert_eq!(models.len(), 2);
        for m in models {
            let SizeRule::Range {
                min,
                max,
                multiple_of,
                presets,
            } = &m.sizes
            else {
                panic!("{} must offer a size range", m.id)
            };
            // The whole range the catalogue allows must be legal for BFL.
            assert!(*min >= 256 && *max <= 1440 && multiple_of % 32 == 0);
            for v in (*min..=*max).step_by(*multiple_of as usize) {
                let (_, r) = map_request(&p(&m.id, v, *max), 1).expect("size maps");
                assert_eq!((r.width, r.height), (v, *max));
            }
            for s in presets {
                map_request(&p(&m.id, s.width, s.height), 1).expect("preset maps");
            }
            if let (Some(steps), Some(cfg)) = (&m.steps, &m.cfg) {
                for (st, g) in [(steps.min, cfg.min), (steps.max, cfg.max)] {
                    let mut params = p(&m.id, 1024, 1024);
                    params.steps = Some(st);
                    params.cfg = Some(g);
                    let (_, r) = map_request(&params, 1).expect("steps map");
                    assert_eq!((r.steps, r.guidance), (Some(st), Some(g)));
                }
            }
        }
    }

    #[test]
    fn request_shape_and_refusals() {
        let (endpoint, r) = map_request(&p("flux-pro-1.1", 1344, 768), 9).expect("map");
        assert_eq!(endpoint, "flux-pro-1.1");
        let json = serde_json::to_value(&r).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"prompt":"a fox","width":1344,"height":768,"seed":9})
        );
        assert!(map_request(&p("flux-dev", 1000, 1024), 1).is_err());
        assert!(map_request(&p("flux-dev", 1472, 1024), 1).is_err());
        let mut steps = p("flux-pro-1.1", 1024, 1024);
        steps.steps = Some(20);
        assert!(map_request(&steps, 1).is_err());
        let mut neg = p("flux-dev", 1024, 1024);
        neg.negative_prompt = Some("x".into());
        assert!(map_request(&neg, 1).is_err());
    }

    #[test]
    fn poll_statuses_map_to_outcomes() {
        assert_eq!(
            task_state(r#"{"id":"t","status":"Pending","result":null,"progress":0.5}"#),
            TaskState::Pending(Some(0.5))
        );
        assert!(matches!(
            task_state(
                r#"{"id":"t","status":"Ready","result":{"sample":"http://x/s.png","seed":3}}"#
            ),
            TaskState::Ready { seed: Some(3), .. }
        ));
        assert!(matches!(
            task_state(r#"{"id":"t","status":"Request Moderated","result":null}"#),
            TaskState::Failed(ProviderError::Moderated { .. })
        ));
        assert!(matches!(
            task_state(r#"{"id":"t","status":"Content Moderated","result":null}"#),
            TaskState::Failed(ProviderError::Moderated { .. })
        ));
        assert_eq!(
            task_state(r#"{"id":"t","status":"Error","result":null}"#),
            TaskState::Errored
        );
        assert_eq!(
            task_state(r#"{"id":"t","status":"Task not found"}"#),
            TaskState::NotFound
        );
        assert!(matches!(
            task_state(r#"{"id":"t","status":"Ready","result":{}}"#),
            TaskState::Failed(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            task_state("{\"status\": "),
            TaskState::Failed(ProviderError::Retryable { .. })
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
                r#"{"detail":[{"loc":["body","width"],"msg":"width too large","type":"value_error"}]}"#
            ),
            ProviderError::Rejected {
                message: "width too large".into()
            }
        );
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "2".parse().expect("header"));
        assert_eq!(
            error_for(
                S::TOO_MANY_REQUESTS,
                &ra,
                r#"{"detail":"too many active tasks"}"#
            ),
            ProviderError::Retryable {
                message: "too many active tasks".into(),
                retry_after: Some(Duration::from_secs(2))
            }
        );
        assert!(matches!(
            error_for(
                S::PAYMENT_REQUIRED,
                &h,
                r#"{"detail":"Insufficient credits"}"#
            ),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::FORBIDDEN, &h, "{}"),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(S::BAD_GATEWAY, &h, "<html>"),
            ProviderError::Retryable { .. }
        ));
    }
}
