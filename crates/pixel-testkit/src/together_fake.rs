//! A loopback fake of Together AI's POST /v1/images/generations (OpenAI-style body and errors) as
//! documented in 2026-12: FLUX models only, `response_format` `base64` (or `url`), answering
//! `data[].b64_json`. Scenarios by prompt marker: `[moderated]` 400 content_policy_violation, `[400]` a
//! bad request, `[429]` one 429 with Retry-After then success, `[500]` always 500, `[500once]`,
//! `[timeout]`, `[malformed]` a broken 200 body, `[slow:MS]`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario;

pub const FAKE_KEY: &str = "together-test-key";

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
}

#[derive(Clone)]
pub struct FakeTogether {
    /// The base URL to configure as `TOGETHER_BASE_URL` (ends in `/v1`).
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeTogether {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, code: Option<&str>, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "message": message, "type": "invalid_request_error", "param": null, "code": code } })),
    )
        .into_response()
}

/// The serverless image models of today's documentation; SD3 Medium is no longer one of them.
const IMAGE_MODELS: [&str; 2] = [
    "black-forest-labs/FLUX.1-schnell",
    "black-forest-labs/FLUX.1.1-pro",
];

/// Refuses a request without the fake's key, as Together answers a wrong key.
fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    (headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(format!("Bearer {FAKE_KEY}").as_str()))
    .then(|| {
        error(
            StatusCode::UNAUTHORIZED,
            Some("invalid_api_key"),
            "Invalid API key provided.",
        )
    })
}

/// GET /v1/models (https://docs.together.ai/reference/models-1): a bare array of model objects.
async fn models(headers: HeaderMap) -> Response {
    if let Some(refused) = unauthorized(&headers) {
        return refused;
    }
    let mut listed: Vec<Value> = IMAGE_MODELS
        .iter()
        .map(|id| json!({ "id": id, "object": "model", "type": "image", "organization": "Black Forest Labs" }))
        .collect();
    // Not only image models: a client must pick its own from the list.
    listed.push(
        json!({ "id": "meta-llama/Llama-3.3-70B-Instruct-Turbo", "object": "model",
                        "type": "chat", "organization": "Meta" }),
    );
    Json(Value::Array(listed)).into_response()
}

async fn generations(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refused) = unauthorized(&headers) {
        return refused;
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, None, "Invalid JSON body");
    };
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let call = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if !IMAGE_MODELS.contains(&req["model"].as_str().unwrap_or("")) {
        return error(
            StatusCode::NOT_FOUND,
            Some("model_not_found"),
            "Unable to access model",
        );
    }
    if prompt.is_empty() {
        return error(StatusCode::BAD_REQUEST, None, "prompt is required");
    }
    let dim = |k: &str| req[k].as_u64().unwrap_or(1024) as u32;
    let (w, h) = (dim("width"), dim("height"));
    if !(64..=2048).contains(&w) || !(64..=2048).contains(&h) || w % 8 != 0 || h % 8 != 0 {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalid_size"),
            "width and height must be multiples of 8 up to 2048",
        );
    }
    if !req["steps"].as_u64().is_some_and(|s| (1..=50).contains(&s)) {
        return error(StatusCode::BAD_REQUEST, None, "steps must be 1–50");
    }
    if !["base64", "url"].contains(&req["response_format"].as_str().unwrap_or("base64")) {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalid_request_error"),
            "response_format: Input should be 'base64' or 'url'",
        );
    }
    if req["n"] != 1 || req["response_format"] != "base64" {
        return error(
            StatusCode::BAD_REQUEST,
            None,
            "this fake serves n=1 with base64",
        );
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[moderated]") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("content_policy_violation"),
            "The prompt was flagged as unsafe.",
        );
    }
    if prompt.contains("[400]") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalid_request"),
            "Input validation error: prompt is too ornate",
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            Some("rate_limit_exceeded"),
            "Rate limit exceeded",
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && call == 1) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "Internal server error",
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"data\": [{\"b64_json\": ",
        )
            .into_response();
    }
    Json(json!({
        "id": format!("tg-{call}-{}", prompt.len()),
        "model": req["model"],
        "object": "list",
        "data": [{ "index": 0, "type": "b64_json", "b64_json": base64::engine::general_purpose::STANDARD.encode(crate::png(w, h)) }]
    }))
    .into_response()
}

impl FakeTogether {
    pub async fn start() -> FakeTogether {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/v1/images/generations", post(generations))
            .route("/v1/models", axum::routing::get(models))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeTogether {
            base_url: format!("http://{addr}/v1"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was requested.
    pub fn calls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.calls.get(prompt).copied().unwrap_or(0)
    }
}
