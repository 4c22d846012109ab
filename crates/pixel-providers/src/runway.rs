//! Runway (https://docs.dev.runwayml.com/api, API version 2024-11-06, checked 2026-12): text to video
//! with POST /v1/text_to_video `{model, promptText, ratio, duration, audio}`, image to video with
//! POST /v1/image_to_video `{model, promptImage, promptText, ratio, duration, seed}` (the library image
//! inline as a data URI of at most 5 MB), then GET /v1/tasks/{id}
//! until SUCCEEDED (`output[0]`, a URL that expires in 24-48 h, so it is downloaded at once) or FAILED
//! (`failure`, `failureCode`); DELETE /v1/tasks/{id} cancels. Every call carries `Authorization:
//! Bearer` and `X-Runway-Version`. Errors answer `{"error": ...}`.

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderOutput, ProviderRequest, SourceImage,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::http;
use crate::poll::Polling;
use crate::source_image;
use crate::task::{self, RemoteTask, TaskPoll};

pub const DEFAULT_BASE_URL: &str = "https://api.dev.runwayml.com";
/// The API version every request names; Runway changes behaviour only under a new version.
pub const API_VERSION: &str = "2024-11-06";
const NAME: &str = "Runway";

pub struct Runway {
    api_key: Option<String>,
    base_url: String,
    client: reqwest::Client,
    polling: Polling,
}

/// The body of POST /v1/text_to_video.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TextToVideo {
    pub model: &'static str,
    pub prompt_text: String,
    pub ratio: String,
    pub duration: u32,
    /// Veo makes a soundtrack unless told not to, and bills for it; clips here are silent.
    pub audio: bool,
}

/// The body of POST /v1/image_to_video.
#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ImageToVideo {
    pub model: &'static str,
    pub prompt_image: String,
    pub prompt_text: String,
    pub ratio: String,
    pub duration: u32,
    pub seed: u32,
}

/// A task's body, sent as its endpoint wants it.
#[derive(Debug, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Body {
    Text(TextToVideo),
    Image(ImageToVideo),
}

/// One task to start: where, with which of Runway's models, and what.
#[derive(Debug, PartialEq)]
pub struct TaskRequest {
    pub endpoint: &'static str,
    pub model: &'static str,
    pub body: Body,
}

/// The largest `promptImage` data URI Runway takes, in characters.
pub const MAX_DATA_URI: usize = 5_242_880;
/// The image types Runway reads.
const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "Runway sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// Runway's text-to-video ratios, as `width:height` in pixels.
const TEXT_TO_VIDEO_RATIOS: [(u32, u32); 4] =
    [(1280, 720), (720, 1280), (1920, 1080), (1080, 1920)];
/// Gen-4 Turbo's image-to-video ratios.
const GEN4_RATIOS: [(u32, u32); 6] = [
    (1280, 720),
    (720, 1280),
    (1104, 832),
    (832, 1104),
    (960, 960),
    (1584, 672),
];

/// Maps catalogue parameters (and the library image, for image to video) to a task; a size,
/// length or model Runway does not make is refused here rather than sent.
pub fn map_request(
    params: &pixel_core::GenerationParams,
    source: Option<&SourceImage>,
    seed: u32,
) -> Result<TaskRequest, ProviderError> {
    let (model, ratios, lengths): (_, &[(u32, u32)], &[u32]) = match params.model.as_str() {
        "runway-veo3.1-fast" => ("veo3.1_fast", &TEXT_TO_VIDEO_RATIOS, &[4, 6, 8]),
        "runway-gen4-turbo" => ("gen4_turbo", &GEN4_RATIOS, &[2, 3, 4, 5, 6, 7, 8, 9, 10]),
        other => return Err(rejected(format!("Runway has no model '{other}'"))),
    };
    if !ratios.contains(&(params.width, params.height)) {
        return Err(rejected(format!(
            "Runway makes no {}x{} video",
            params.width, params.height
        )));
    }
    let duration = params
        .duration
        .ok_or_else(|| rejected("a Runway video needs a duration".into()))?;
    if !lengths.contains(&duration) {
        return Err(rejected(format!(
            "Runway's {model} makes no {duration} second video"
        )));
    }
    if params.prompt.encode_utf16().count() > 1000 {
        return Err(rejected(
            "Runway takes prompts of at most 1000 characters".into(),
        ));
    }
    if params.negative_prompt.is_some()
        || params.steps.is_some()
        || params.cfg.is_some()
        || params.quality.is_some()
        || params.style.is_some()
    {
        return Err(rejected(
            "Runway takes no negative prompt, steps, guidance, quality or style".into(),
        ));
    }
    let ratio = format!("{}:{}", params.width, params.height);
    let prompt_text = params.prompt.clone();
    let (endpoint, body) = match (model, source) {
        ("gen4_turbo", Some(image)) => (
            "image_to_video",
            Body::Image(ImageToVideo {
                model,
                prompt_image: source_image::data_uri(NAME, image, &IMAGE_TYPES, MAX_DATA_URI)?,
                prompt_text,
                ratio,
                duration,
                seed,
            }),
        ),
        ("gen4_turbo", None) => {
            return Err(rejected(
                "Runway's Gen-4 Turbo animates an image, and none was given".into(),
            ))
        }
        (_, Some(_)) => {
            return Err(rejected(format!(
                "Runway's {model} makes video from words only"
            )))
        }
        (_, None) => (
            "text_to_video",
            Body::Text(TextToVideo {
                model,
                prompt_text,
                ratio,
                duration,
                audio: false,
            }),
        ),
    };
    Ok(TaskRequest {
        endpoint,
        model,
        body,
    })
}

/// Maps an HTTP error of any Runway call.
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let said = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_string))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("Runway answered {status}"));
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message: said,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => rejected(format!("Runway refused the API key: {said}")),
        s if s >= 500 => ProviderError::Retryable {
            message: said,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(said),
    }
}

#[derive(Debug, Deserialize)]
struct Task {
    status: String,
    progress: Option<f32>,
    output: Option<Vec<String>>,
    failure: Option<String>,
    #[serde(rename = "failureCode")]
    failure_code: Option<String>,
}

/// What a failed task's code means (https://docs.dev.runwayml.com/errors/task-failures/): `SAFETY.*`
/// (also under `INPUT_PREPROCESSING.`) is moderation, `INTERNAL*` a failure on Runway's side that a
/// new task may not repeat, anything else (`ASSET.INVALID`, other preprocessing) a bad input.
pub fn failure(code: Option<&str>, said: Option<&str>) -> ProviderError {
    let code = code.unwrap_or("");
    let said = said.unwrap_or("the task failed").to_string();
    if code.starts_with("SAFETY") || code.starts_with("INPUT_PREPROCESSING.SAFETY") {
        ProviderError::Moderated {
            message: format!("Runway's content moderation refused it: {said}"),
        }
    } else if code.starts_with("INTERNAL") || code.is_empty() {
        ProviderError::Retryable {
            message: format!("Runway failed: {said}"),
            retry_after: None,
        }
    } else {
        rejected(format!("Runway could not use the input: {said} ({code})"))
    }
}

/// Reads one GET /v1/tasks/{id} answer.
pub fn task_state(body: &str) -> TaskPoll {
    let Ok(task) = serde_json::from_str::<Task>(body) else {
        return TaskPoll::Failed(unreadable());
    };
    match task.status.as_str() {
        "PENDING" | "THROTTLED" => TaskPoll::Waiting(None),
        "RUNNING" => TaskPoll::Waiting(task.progress),
        "SUCCEEDED" => match task.output.and_then(|o| o.into_iter().next()) {
            Some(url) => TaskPoll::Done(url),
            None => TaskPoll::Failed(unreadable()),
        },
        "FAILED" => TaskPoll::Failed(failure(
            task.failure_code.as_deref(),
            task.failure.as_deref(),
        )),
        "CANCELLED" => TaskPoll::CancelledElsewhere,
        other => TaskPoll::Failed(ProviderError::Retryable {
            message: format!("Runway reported an unknown status '{other}'"),
            retry_after: None,
        }),
    }
}

impl Runway {
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

    fn authorised(&self, builder: reqwest::RequestBuilder, key: &str) -> reqwest::RequestBuilder {
        builder
            .bearer_auth(key)
            .header("X-Runway-Version", API_VERSION)
    }
}

/// One job's task.
struct Job<'a> {
    runway: &'a Runway,
    key: &'a str,
    task: TaskRequest,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

impl Job<'_> {
    async fn send(&self, builder: reqwest::RequestBuilder) -> Result<(u16, String), ProviderError> {
        let builder = self.runway.authorised(builder, self.key);
        task::send(NAME, builder, error_for).await
    }
}

#[async_trait]
impl RemoteTask for Job<'_> {
    fn name(&self) -> &'static str {
        NAME
    }

    fn base_url(&self) -> &str {
        &self.runway.base_url
    }

    async fn submit(&self) -> Result<String, ProviderError> {
        let url = format!("{}/v1/{}", self.runway.base_url, self.task.endpoint);
        let (status, text) = self
            .send(self.runway.client.post(url).json(&self.task.body))
            .await?;
        if status == 404 {
            return Err(rejected(format!(
                "Runway has no {} endpoint here",
                self.task.endpoint
            )));
        }
        serde_json::from_str::<Created>(&text)
            .map(|c| c.id)
            .map_err(|_| unreadable())
    }

    async fn poll(&self, id: &str) -> Result<TaskPoll, ProviderError> {
        let url = format!("{}/v1/tasks/{id}", self.runway.base_url);
        let (status, text) = self.send(self.runway.client.get(url)).await?;
        if status == 404 {
            return Ok(TaskPoll::Gone);
        }
        Ok(task_state(&text))
    }

    fn cancel(&self, id: &str) -> reqwest::RequestBuilder {
        let url = format!("{}/v1/tasks/{id}", self.runway.base_url);
        self.runway
            .authorised(self.runway.client.delete(url), self.key)
    }
}

#[async_trait]
impl Provider for Runway {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        http::probe(&self.client, &self.base_url).await
    }

    fn id(&self) -> &'static str {
        "runway"
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
                message: "set RUNWAY_API_KEY".into(),
            })?;
        let task = map_request(&req.params, req.source_image.as_ref(), req.seed)?;
        let model = task.model;
        let job = Job {
            runway: self,
            key,
            task,
        };
        let mut output = task::generate(&job, req, ctx, self.polling, model).await?;
        // Gen-4 Turbo takes the seed; Veo does not, so its clip records none.
        if matches!(job.task.body, Body::Image(_)) {
            output.image.seed = Some(req.seed);
        }
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::catalogue::{Catalogue, SizeRule};

    fn p(model: &str, w: u32, h: u32, duration: Option<u32>) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a heron lifting off".into(),
            model: model.into(),
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
        let models: Vec<_> = c
            .models()
            .iter()
            .filter(|m| m.provider == "runway")
            .collect();
        assert!(!models.is_empty());
        for m in models {
            let SizeRule::Fixed { sizes } = &m.sizes else {
                panic!("{} must offer fixed sizes", m.id)
            };
            let rule = m.video.as_ref().expect("a video model");
            for s in sizes {
                for d in &rule.durations {
                    let source = (m.id == "runway-gen4-turbo").then(still);
                    let r = map_request(&p(&m.id, s.width, s.height, Some(*d)), source.as_ref(), 1)
                        .expect("maps");
                    let (ratio, duration) = match &r.body {
                        Body::Text(t) => (&t.ratio, t.duration),
                        Body::Image(i) => (&i.ratio, i.duration),
                    };
                    assert_eq!(*ratio, format!("{}:{}", s.width, s.height));
                    assert_eq!(duration, *d);
                }
            }
        }
    }

    fn still() -> SourceImage {
        SourceImage {
            bytes: b"\x89PNG-bytes".to_vec(),
            mime: "image/png".into(),
            width: 64,
            height: 64,
            link: None,
        }
    }

    #[test]
    fn request_shape_and_refusals() {
        let text = |model: &str, w, h, d| map_request(&p(model, w, h, d), None, 9);
        let r = text("runway-veo3.1-fast", 1280, 720, Some(4)).expect("map");
        assert_eq!(r.endpoint, "text_to_video");
        assert_eq!(
            serde_json::to_value(&r.body).expect("json"),
            serde_json::json!({"model": "veo3.1_fast", "promptText": "a heron lifting off",
                "ratio": "1280:720", "duration": 4, "audio": false})
        );
        assert!(text("runway-veo3.1-fast", 1024, 1024, Some(4)).is_err());
        assert!(text("runway-veo3.1-fast", 1280, 720, Some(5)).is_err());
        assert!(text("runway-veo3.1-fast", 1280, 720, None).is_err());
        assert!(text("gen9", 1280, 720, Some(4)).is_err());
        assert!(text("runway-gen4-turbo", 1280, 720, Some(5)).is_err());

        let params = p("runway-gen4-turbo", 1584, 672, Some(10));
        let r = map_request(&params, Some(&still()), 9).expect("map");
        assert_eq!(r.endpoint, "image_to_video");
        let json = serde_json::to_value(&r.body).expect("json");
        assert_eq!(
            (
                &json["model"],
                &json["ratio"],
                &json["duration"],
                &json["seed"]
            ),
            (
                &serde_json::json!("gen4_turbo"),
                &serde_json::json!("1584:672"),
                &serde_json::json!(10),
                &serde_json::json!(9)
            )
        );
        assert!(json["promptImage"]
            .as_str()
            .is_some_and(|u| u.starts_with("data:image/png;base64,")));
        assert!(map_request(
            &p("runway-veo3.1-fast", 1280, 720, Some(4)),
            Some(&still()),
            9
        )
        .is_err());
    }

    #[test]
    fn task_statuses_and_failure_codes_map_to_outcomes() {
        assert_eq!(
            task_state(r#"{"id":"t","status":"THROTTLED","createdAt":"x"}"#),
            TaskPoll::Waiting(None)
        );
        assert_eq!(
            task_state(r#"{"id":"t","status":"RUNNING","createdAt":"x","progress":0.4}"#),
            TaskPoll::Waiting(Some(0.4))
        );
        assert_eq!(
            task_state(r#"{"id":"t","status":"SUCCEEDED","output":["https://x/v.mp4"]}"#),
            TaskPoll::Done("https://x/v.mp4".into())
        );
        assert_eq!(
            task_state(r#"{"id":"t","status":"CANCELLED"}"#),
            TaskPoll::CancelledElsewhere
        );
        for (code, moderated, retryable) in [
            ("SAFETY.INPUT.TEXT", true, false),
            ("INPUT_PREPROCESSING.SAFETY.TEXT", true, false),
            ("INTERNAL.BAD_OUTPUT.CODE01", false, true),
            ("ASSET.INVALID", false, false),
        ] {
            let body =
                format!(r#"{{"id":"t","status":"FAILED","failure":"no","failureCode":"{code}"}}"#);
            let TaskPoll::Failed(e) = task_state(&body) else {
                panic!("{code} must fail")
            };
            assert_eq!(
                matches!(e, ProviderError::Moderated { .. }),
                moderated,
                "{code}"
            );
            assert_eq!(
                matches!(e, ProviderError::Retryable { .. }),
                retryable,
                "{code}"
            );
        }
        assert!(matches!(
            task_state(r#"{"id":"t","status":"SUCCEEDED","output":[]}"#),
            TaskPoll::Failed(ProviderError::Retryable { .. })
        ));
        assert!(matches!(
            task_state("{\"status\": "),
            TaskPoll::Failed(ProviderError::Retryable { .. })
        ));
    }

    #[test]
    fn http_errors_follow_the_documented_statuses() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        assert_eq!(
            error_for(S::BAD_REQUEST, &h, r#"{"error":"ratio is invalid"}"#),
            ProviderError::Rejected {
                message: "ratio is invalid".into()
            }
        );
        assert!(matches!(
            error_for(S::TOO_MANY_REQUESTS, &h, r#"{"error":"slow down"}"#),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::BAD_GATEWAY, &h, ""),
            ProviderError::Retryable { .. }
        ));
        assert!(matches!(
            error_for(S::UNAUTHORIZED, &h, r#"{"error":"bad key"}"#),
            ProviderError::Rejected { message } if message.contains("API key")
        ));
    }
}
