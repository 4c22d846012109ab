//! A loopback fake of an OpenAI-compatible vision endpoint, `POST /v1/chat/completions` with an image
//! input, following OpenAI's documented shapes as of 2026-12
//! (https://platform.openai.com/docs/api-reference/chat/create, image inputs per
//! https://platform.openai.com/docs/guides/images-vision): a user message's `image_url` part carries a
//! `data:image/{png,jpeg,webp,gif};base64,` URL; `response_format` `json_schema` makes the answer's
//! `content` a JSON document of that schema; a refusal comes as `message.refusal` with null content;
//! errors are `{error:{message,type,param,code}}`. The fake really looks at the pixels: its tags name
//! the image's mean colour, its brightness and its shape. What it answers next can be scripted
//! ([`FakeVision::next`]): 429 with Retry-After, 500, a refusal, a `content_filter` stop, an unreadable
//! body, or plain text instead of JSON (as local servers without structured output answer).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub const FAKE_KEY: &str = "sk-test-vision";

/// Models the fake serves with image input.
pub const VISION_MODELS: [&str; 3] = ["gpt-5-mini", "gpt-5", "gpt-4.1-mini"];

/// A scripted answer for the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisionScenario {
    RateLimited,
    ServerError,
    Refusal,
    ContentFilter,
    Malformed,
    PlainText,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    script: VecDeque<VisionScenario>,
    /// When set, requests must carry this bearer key (a local server may need none).
    key: Option<String>,
}

#[derive(Clone)]
pub struct FakeVision {
    /// The base URL to configure (ends in `/v1`).
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeVision {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, code: Option<&str>, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "message": message, "type": kind, "param": null, "code": code } })),
    )
        .into_response()
}

fn completion(model: &str, content: Option<String>, refusal: Option<&str>, finish: &str) -> Value {
    json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_796_000_000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": content, "refusal": refusal },
            "finish_reason": finish
        }],
        "usage": { "prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120 }
    })
}

/// The image a request carries: the first `image_url` part of a user message, decoded.
fn image_of(body: &Value) -> Result<image::DynamicImage, String> {
    let url = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["role"] == "user")
        .filter_map(|m| m["content"].as_array())
        .flatten()
        .find(|part| part["type"] == "image_url")
        .and_then(|part| part["image_url"]["url"].as_str())
        .ok_or("Invalid request: no image_url content part in a user message.")?;
    let data = ["png", "jpeg", "webp", "gif"]
        .iter()
        .find_map(|kind| url.strip_prefix(&format!("data:image/{kind};base64,")))
        .ok_or("Invalid image URL: expected data:image/{png,jpeg,webp,gif};base64,...")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| "Invalid base64 image data.".to_string())?;
    image::load_from_memory(&bytes).map_err(|_| {
        "You uploaded an unsupported image. Please make sure your image is valid.".to_string()
    })
}

/// What the fake "sees": the mean colour's name, light or dark, and the shape.
pub fn tags_for(img: &image::DynamicImage) -> Vec<String> {
    let rgb = img.to_rgb8();
    let n = u64::from(rgb.width()) * u64::from(rgb.height());
    let mut sum = [0u64; 3];
    for p in rgb.pixels() {
        for (s, c) in sum.iter_mut().zip(p.0) {
            *s += u64::from(c);
        }
    }
    let [r, g, b] = sum.map(|s| s / n.max(1));
    let colour = if r >= g && r >= b {
        "red"
    } else if g >= b {
        "green"
    } else {
        "blue"
    };
    let light = if (r + g + b) / 3 >= 128 {
        "bright"
    } else {
        "dark"
    };
    let shape = match rgb.width().cmp(&rgb.height()) {
        std::cmp::Ordering::Greater => "landscape",
        std::cmp::Ordering::Less => "portrait",
        std::cmp::Ordering::Equal => "square",
    };
    vec![format!("{colour} tones"), light.into(), shape.into()]
}

async fn chat(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    let Some(Json(body)) = body else {
        return error(
            StatusCode::BAD_REQUEST,
            None,
            "invalid_request_error",
            "We could not parse the JSON body of your request.",
        );
    };
    let (scripted, key) = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(body.clone());
        (s.script.pop_front(), s.key.clone())
    };
    if let Some(key) = key {
        let given = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(key.as_str()) {
            return error(
                StatusCode::UNAUTHORIZED,
                Some("invalid_api_key"),
                "invalid_request_error",
                "Incorrect API key provided.",
            );
        }
    }
    let model = body["model"].as_str().unwrap_or_default().to_string();
    if !VISION_MODELS.contains(&model.as_str()) {
        return error(
            StatusCode::NOT_FOUND,
            Some("model_not_found"),
            "invalid_request_error",
            &format!("The model `{model}` does not exist or you do not have access to it."),
        );
    }
    let img = match image_of(&body) {
        Ok(img) => img,
        Err(message) => {
            return error(
                StatusCode::BAD_REQUEST,
                Some("invalid_image_format"),
                "invalid_request_error",
                &message,
            )
        }
    };
    let tags = tags_for(&img);
    let structured = body["response_format"]["type"] == "json_schema";
    match scripted {
        Some(VisionScenario::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "2")],
            Json(json!({ "error": { "message": "Rate limit reached for requests", "type": "requests", "param": null, "code": "rate_limit_exceeded" } })),
        )
            .into_response(),
        Some(VisionScenario::ServerError) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "server_error",
            "The server had an error while processing your request.",
        ),
        Some(VisionScenario::Refusal) => Json(completion(
            &model,
            None,
            Some("I'm sorry, I can't help with that."),
            "stop",
        ))
        .into_response(),
        Some(VisionScenario::ContentFilter) => {
            Json(completion(&model, None, None, "content_filter")).into_response()
        }
        Some(VisionScenario::Malformed) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"choices\": [",
        )
            .into_response(),
        Some(VisionScenario::PlainText) => Json(completion(
            &model,
            Some(format!("Tags: {}", tags.join(", "))),
            None,
            "stop",
        ))
        .into_response(),
        None if structured => Json(completion(
            &model,
            Some(json!({ "tags": tags }).to_string()),
            None,
            "stop",
        ))
        .into_response(),
        None => Json(completion(&model, Some(tags.join(", ")), None, "stop")).into_response(),
    }
}

/// The chat route on its own, wanting `key` (or none): the OpenAI fake serves it beside images.
pub fn router(key: Option<&str>) -> Router {
    router_with(Arc::new(Mutex::new(Shared {
        key: key.map(String::from),
        ..Shared::default()
    })))
}

fn router_with(shared: Arc<Mutex<Shared>>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat))
        .with_state(shared)
}

impl FakeVision {
    /// A fake that wants `key` as its bearer key, or none (a local server).
    pub async fn start(key: Option<&str>) -> FakeVision {
        let shared = Arc::new(Mutex::new(Shared {
            key: key.map(String::from),
            ..Shared::default()
        }));
        let app = router_with(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeVision {
            base_url: format!("http://{addr}/v1"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Scripts the answer to the next request.
    pub fn next(&self, scenario: VisionScenario) {
        self.shared
            .lock()
            .expect("fake state")
            .script
            .push_back(scenario);
    }

    /// Every request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }
}
