//! Luma Dream Machine (https://docs.lumalabs.ai/docs/api, checked 2026-12): POST
//! /dream-machine/v1/generations `{prompt, model, resolution, duration, aspect_ratio}` answers a
//! generation in state `queued`; GET /dream-machine/v1/generations/{id} moves through `dreaming` to
//! `completed` (`assets.video`) or `failed` (`failure_reason`); DELETE on it removes (and so stops)
//! the generation. Bearer key; errors answer `{"detail": ...}`. Luma reports no progress figure.
//! An image to animate is `keyframes.frame0 {type: "image", url}`, a URL Luma fetches: a short-lived
//! signed link to the library original on this server's public address.

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderOutput, ProviderRequest, SourceImage,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;
use crate::poll::Polling;
use crate::task::{self, RemoteTask, TaskPoll};

pub const DEFAULT_BASE_URL: &str = "https://api.lumalabs.ai";
const NAME: &str = "Luma";

pub struct Luma {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
    polling: Polling,
}

/// The body of POST /dream-machine/v1/generations.
#[derive(Debug, Serialize, PartialEq)]
pub struct VideoRequest {
    pub prompt: String,
    pub model: &'static str,
    pub resolution: &'static str,
    pub duration: String,
    pub aspect_ratio: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyframes: Option<Keyframes>,
}

/// Where the clip starts from.
#[derive(Debug, Serialize, PartialEq)]
pub struct Keyframes {
    pub frame0: Keyframe,
}

/// An image keyframe: Luma fetches it.
#[derive(Debug, Serialize, PartialEq)]
pub struct Keyframe {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub url: String,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Luma sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// The 720p frame of each aspect ratio Ray 2 makes, as the catalogue offers them.
const SIZES_720P: [(u32, u32, &str); 3] =
    [(1280, 720, "16:9"), (720, 1280, "9:16"), (960, 960, "1:1")];

/// Maps catalogue parameters (and the image to animate, by its link) to a Ray 2 request at 720p.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    source: Option<&SourceImage>,
) -> Result<VideoRequest, ProviderError> {
    let model = match params.model.as_str() {
        "luma-ray-2" => "ray-2",
        other => return Err(rejected(format!("Luma has no model '{other}'"))),
    };
    let aspect_ratio = SIZES_720P
        .iter()
        .find(|(w, h, _)| (*w, *h) == (params.width, params.height))
        .map(|(.., ratio)| *ratio)
        .ok_or_else(|| {
            rejected(format!(
                "Luma makes no {}x{} video",
                params.width, params.height
            ))
        })?;
    let duration = match params.duration {
        Some(d @ (5 | 9)) => format!("{d}s"),
        Some(d) => {
            return Err(rejected(format!(
                "Luma makes 5 or 9 second videos; got {d}"
            )))
        }
        None => return Err(rejected("a Luma video needs a duration".into())),
    };
    if params.negative_prompt.is_some()
        || params.steps.is_some()
        || params.cfg.is_some()
        || params.quality.is_some()
        || params.style.is_some()
    {
        return Err(rejected(
            "Ray 2 takes no negative prompt, steps, guidance, quality or style".into(),
        ));
    }
    let keyframes =
        match source {
            None => None,
            Some(SourceImage {
                link: Some(url), ..
            }) => Some(Keyframes {
                frame0: Keyframe {
                    kind: "image",
                    url: url.clone(),
                },
            }),
            Some(_) => return Err(rejected(
                "Luma fetches the image to animate from this server by URL: set PIXEL_PUBLIC_URL \
                 to an address Luma can reach, or animate it with Runway"
                    .into(),
            )),
        };
    Ok(VideoRequest {
        prompt: params.prompt.clone(),
        model,
        resolution: "720p",
        duration,
        aspect_ratio,
        keyframes,
    })
}

/// Whether Luma's words say its moderation refused the prompt or the result.
fn is_moderation(said: &str) -> bool {
    let said = said.to_ascii_lowercase();
    said.contains("moderation") || said.contains("not allowed")
}

/// Maps an HTTP error of any Luma call.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let said = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["detail"].as_str().map(str::to_string))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("Luma answered {status}"));
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message: said,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Luma refused the API key: {said}")),
        s if s >= 500 => ProviderError::Retryable {
            message: said,
            retry_after: http::retry_after(headers),
        },
        _ if is_moderation(&said) => ProviderError::Moderated {
            message: format!("Luma's moderation refused the prompt: {said}"),
        },
        _ => rejected(said),
    }
}

#[derive(Debug, Deserialize)]
struct Generation {
    id: Option<String>,
    state: String,
    failure_reason: Option<String>,
    assets: Option<Assets>,
}

#[derive(Debug, Deserialize)]
struct Assets {
    video: Option<String>,
}

/// Reads one generation.
pub fn task_state(body: &str) -> TaskPoll {
    let Ok(generation) = serde_json::from_str::<Generation>(body) else {
        return TaskPoll::Failed(unreadable());
    };
    match generation.state.as_str() {
        "queued" | "dreaming" => TaskPoll::Waiting(None),
        "completed" => match generation.assets.and_then(|a| a.video) {
            Some(url) => TaskPoll::Done(url),
            None => TaskPoll::Failed(unreadable()),
        },
        "failed" => {
            let said = generation
                .failure_reason
                .unwrap_or_else(|| "the generation failed".into());
            TaskPoll::Failed(if is_moderation(&said) {
                ProviderError::Moderated {
                    message: format!("Luma's moderation refused it: {said}"),
                }
            } else {
                ProviderError::Retryable {
                    message: format!("Luma failed: {said}"),
                    retry_after: None,
                }
            })
        }
        other => TaskPoll::Failed(ProviderError::Retryable {
            message: format!("Luma reported an unknown state '{other}'"),
            retry_after: None,
        }),
    }
}

impl Luma {
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

    fn generations_url(&self) -> String {
        format!("{}/dream-machine/v1/generations", self.base_url)
    }
}

/// One job's generation.
struct Job<'a> {
    luma: &'a Luma,
    key: &'a str,
    body: VideoRequest,
}

impl Job<'_> {
    async fn send(&self, builder: reqwest::RequestBuilder) -> Result<(u16, String), ProviderError> {
        task::send(NAME, builder.bearer_auth(self.key), error_for).await
    }
}

#[async_trait]
impl RemoteTask for Job<'_> {
    fn name(&self) -> &'static str {
        NAME
    }

    fn base_url(&self) -> &str {
        &self.luma.base_url
    }

    async fn submit(&self) -> Result<String, ProviderError> {
        let builder = self
            .luma
            .client
            .post(self.luma.generations_url())
            .json(&self.body);
        let (status, text) = self.send(builder).await?;
        if status == 404 {
            return Err(rejected("Luma has no generations endpoint here".into()));
        }
        serde_json::from_str::<Generation>(&text)
            .ok()
            .and_then(|g| g.id)
            .ok_or_else(unreadable)
    }

    async fn poll(&self, id: &str) -> Result<TaskPoll, ProviderError> {
        let url = format!("{}/{id}", self.luma.generations_url());
        let (status, text) = self.send(self.luma.client.get(url)).await?;
        if status == 404 {
            return Ok(TaskPoll::Gone);
        }
        Ok(task_state(&text))
    }

    fn cancel(&self, id: &str) -> reqwest::RequestBuilder {
        let url = format!("{}/{id}", self.luma.generations_url());
        self.luma.client.delete(url).bearer_auth(self.key)
    }
}

#[async_trait]
impl Provider for Luma {
    /// Reachability, plus the account's credits from GET /dream-machine/v1/credits.
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        let mut health = http::probe(&self.client, &self.base_url).await;
        if let Some(key) = self.api_key.as_deref() {
            let credits = self
                .client
                .get(format!("{}/dream-machine/v1/credits", self.base_url))
                .bearer_auth(key);
            http::read_credits(&mut health, credits, "credit_balance").await;
        }
        health
    }

    fn id(&self) -> &'static str {
        "luma"
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
                message: "set LUMAAI_API_KEY".into(),
            })?;
        let body = map_request(&req.params, req.source_image.as_ref())?;
        let model = body.model;
        let job = Job {
            luma: self,
            key,
            body,
        };
        task::generate(&job, req, ctx, self.polling, model).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(w: u32, h: u32, duration: Option<u32>) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a lighthouse in fog".into(),
            model: "luma-ray-2".into(),
            width: w,
            height: h,
            negative_prompt: None,
            steps: None,
            cfg: None,
            quality: None,
            style: None,
            duration,
            source_image: None,
        }
    }

    #[test]
    fn every_catalogue_size_and_length_maps_to_a_legal_request() {
        let c = Catalogue::builtin();
        let m = c.get("luma-ray-2").expect("the Luma model");
        let SizeRule::Fixed { sizes } = &m.sizes else {
            panic!("fixed sizes")
        };
        for s in sizes {
            for d in &m.video.as_ref().expect("video").durations {
                map_request(&p(s.width, s.height, Some(*d)), None).expect("maps");
            }
        }
        let r = map_request(&p(960, 960, Some(9)), None).expect("map");
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({"prompt": "a lighthouse in fog", "model": "ray-2",
                "resolution": "720p", "duration": "9s", "aspect_ratio": "1:1"})
        );
        assert!(map_request(&p(1024, 1024, Some(5)), None).is_err());
        assert!(map_request(&p(1280, 720, Some(4)), None).is_err());

        let mut still = SourceImage {
            bytes: vec![1, 2, 3],
            mime: "image/png".into(),
            width: 64,
            height: 64,
            link: Some("https://studio.example/media-link/i1?expires=9&sig=ab".into()),
        };
        let r = map_request(&p(1280, 720, Some(5)), Some(&still)).expect("map");
        assert_eq!(
            serde_json::to_value(&r).expect("json")["keyframes"],
            serde_json::json!({"frame0": {"type": "image",
                "url": "https://studio.example/media-link/i1?expires=9&sig=ab"}})
        );
        still.link = None;
        let e = map_request(&p(1280, 720, Some(5)), Some(&still)).expect_err("no address");
        assert!(
            matches!(e, ProviderError::Rejected { message } if message.contains("PIXEL_PUBLIC_URL"))
        );
    }

    #[test]
    fn states_and_errors_map_to_outcomes() {
        assert_eq!(
            task_state(r#"{"id":"g","state":"dreaming"}"#),
            TaskPoll::Waiting(None)
        );
        assert_eq!(
            task_state(r#"{"id":"g","state":"completed","assets":{"video":"https://x/v.mp4"}}"#),
            TaskPoll::Done("https://x/v.mp4".into())
        );
        assert!(matches!(
            task_state(r#"{"id":"g","state":"failed","failure_reason":"Prompt not allowed"}"#),
            TaskPoll::Failed(ProviderError::Moderated { .. })
        ));
        assert!(matches!(
            task_state(r#"{"id":"g","state":"failed","failure_reason":"Internal error"}"#),
            TaskPoll::Failed(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            task_state(r#"{"id":"g","state":"completed","assets":{}}"#),
            TaskPoll::Failed(ProviderError::Retryable { .. })
        ));
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert!(matches!(
            error_for(S::BAD_REQUEST, &h, r#"{"detail":"Insufficient credits"}"#),
            ProviderError::Rejected { .. }
        ));
        assert!(matches!(
            error_for(
                S::BAD_REQUEST,
                &h,
                r#"{"detail":"Prompt not allowed because advanced moderation failed"}"#
            ),
            ProviderError::Moderated { .. }
        ));
        assert!(matches!(
            error_for(
                S::TOO_MANY_REQUESTS,
                &h,
                r#"{"detail":"Too many requests"}"#
            ),
            ProviderError::Retryable { .. }
        ));
    }
}
