//! A loopback fake of OpenAI's `POST /v1/images/generations` (and `POST /v1/chat/completions` with
//! image input, from `vision_fake`), following the documented request and error
//! shapes as of 2026-12 (https://platform.openai.com/docs/api-reference/images/create): `gpt-image-2` is
//! served (edges multiples of 16, long edge <= 3840, ratio <= 3:1, 655,360-8,294,400 pixels), answers
//! `b64_json` and refuses `response_format`; retired models (`dall-e-2`, `dall-e-3`, `gpt-image-1`) answer
//! 404 `model_not_found`. The `url` result form is served only for the URL scenarios, as OpenAI-compatible
//! gateways answer, so the download path stays tested. Scenarios are chosen by markers in the prompt, so one fake serves every test:
//! `[url]` url result, `[url404]` url that 404s, `[ssrf]` / `[redirect-ssrf]` a url (or redirect) to a
//! non-public address, `[moderated]` content_policy_violation, `[429]` one 429
//! with Retry-After then success, `[500]` always 500, `[500once]` one 500 then success, `[timeout]` never
//! answers in time, `[malformed]` a broken 200 body, `[quota]` insufficient_quota, `[slow:MS]` delay.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const FAKE_KEY: &str = "sk-test-pixel";

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
    files: HashMap<String, Vec<u8>>,
    base: String,
    /// Models a test took away, as OpenAI takes a model away: gone from the list, 404 on use.
    withdrawn: Vec<String>,
}

/// The image models the fake serves, and a text model so a client must pick its own from the list.
const SERVED_MODELS: [&str; 4] = ["gpt-image-2", "gpt-image-1.5", "gpt-image-1-mini", "gpt-5"];

#[derive(Clone)]
pub struct FakeOpenAi {
    /// The base URL to configure as `OPENAI_BASE_URL` (ends in `/v1`).
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeOpenAi {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, code: Option<&str>, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message, "type": kind, "param": null } })),
    )
        .into_response()
}

/// Why `size` is not a legal gpt-image-2 size, if it is not.
fn size_problem(size: &str) -> Option<String> {
    if size == "auto" {
        return None;
    }
    let Some((w, h)) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u64>().ok()?, h.parse::<u64>().ok()?)))
    else {
        return Some(format!(
            "Invalid value: '{size}'. Expected WIDTHxHEIGHT or 'auto'."
        ));
    };
    let (long, short) = (w.max(h), w.min(h).max(1));
    let pixels = w * h;
    if w % 16 != 0 || h % 16 != 0 {
        Some(format!(
            "Invalid size '{size}': both edges must be multiples of 16."
        ))
    } else if long > 3840 || long > 3 * short || !(655_360..=8_294_400).contains(&pixels) {
        Some(format!(
            "Invalid size '{size}': the long edge must be at most 3840, the ratio at most 3:1 and the \
             image 655,360 to 8,294,400 pixels."
        ))
    } else {
        None
    }
}

/// Refuses a request without the fake's key, as OpenAI answers a wrong key.
fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (auth != format!("Bearer {FAKE_KEY}")).then(|| {
        error(
            StatusCode::UNAUTHORIZED,
            Some("invalid_api_key"),
            "invalid_request_error",
            "Incorrect API key provided.",
        )
    })
}

/// GET /v1/models (https://platform.openai.com/docs/api-reference/models/list).
async fn models(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap) -> Response {
    if let Some(refused) = unauthorized(&headers) {
        return refused;
    }
    let withdrawn = shared.lock().expect("fake state").withdrawn.clone();
    let data: Vec<Value> = SERVED_MODELS
        .iter()
        .filter(|m| !withdrawn.iter().any(|w| w == *m))
        .map(|m| json!({ "id": m, "object": "model", "created": 1_776_000_000, "owned_by": "system" }))
        .collect();
    Json(json!({ "object": "list", "data": data })).into_response()
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
        return error(
            StatusCode::BAD_REQUEST,
            None,
            "invalid_request_error",
            "We could not parse the JSON body of your request.",
        );
    };
    let model = req["model"].as_str().unwrap_or("").to_string();
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let size = req["size"].as_str().unwrap_or("1024x1024").to_string();
    let n = req["n"].as_u64().unwrap_or(1);
    let (call, base, withdrawn) = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        (*c, s.base.clone(), s.withdrawn.contains(&model))
    };
    if prompt.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            None,
            "invalid_request_error",
            "'prompt' is a required property",
        );
    }
    if model != "gpt-image-2" || withdrawn {
        return error(
            StatusCode::NOT_FOUND,
            Some("model_not_found"),
            "invalid_request_error",
            &format!("The model '{model}' does not exist or you do not have access to it."),
        );
    }
    if let Some(problem) = size_problem(&size) {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalid_value"),
            "invalid_request_error",
            &problem,
        );
    }
    if !(1..=10).contains(&n) {
        return error(
            StatusCode::BAD_REQUEST,
            Some("invalid_value"),
            "invalid_request_error",
            "Invalid 'n': must be between 1 and 10.",
        );
    }
    if let Some(q) = req.get("quality").and_then(Value::as_str) {
        if !["low", "medium", "high", "auto"].contains(&q) {
            return error(
                StatusCode::BAD_REQUEST,
                Some("invalid_value"),
                "invalid_request_error",
                &format!("Invalid value: '{q}'. Supported values are: 'low', 'medium', 'high' and 'auto'."),
            );
        }
    }
    if req.get("response_format").is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            Some("unknown_parameter"),
            "invalid_request_error",
            "Unknown parameter: 'response_format'.",
        );
    }
    if let Some(ms) = prompt
        .split("[slow:")
        .nth(1)
        .and_then(|r| r.split(']').next())
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if prompt.contains("[moderated]") {
        return error(
            StatusCode::BAD_REQUEST,
            Some("content_policy_violation"),
            "invalid_request_error",
            "Your request was rejected as a result of our safety system.",
        );
    }
    if prompt.contains("[quota]") {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            Some("insufficient_quota"),
            "insufficient_quota",
            "You exceeded your current quota, please check your plan and billing details.",
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            Some("rate_limit_exceeded"),
            "requests",
            "Rate limit reached for images per minute.",
        );
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && call == 1) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "server_error",
            "The server had an error while processing your request.",
        );
    }
    if prompt.contains("[timeout]") {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"created\": 1, \"data\": [{\"b64_json\": ",
        )
            .into_response();
    }
    let (w, h) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
        .unwrap_or((1024, 1024));
    let bytes = crate::png(w, h);
    // An address that is neither the fake's own origin nor public: a download must refuse it before
    // connecting (127.0.0.2 keeps even a faulty client on loopback).
    let elsewhere = "http://127.0.0.2:9/internal.png";
    let item = if prompt.contains("[ssrf]") {
        json!({ "url": elsewhere })
    } else if prompt.contains("[redirect-ssrf]") {
        json!({ "url": format!("{base}/redirect?to={elsewhere}") })
    } else if prompt.contains("[url]") || prompt.contains("[url404]") {
        let id = format!(
            "img-{}-{call}",
            shared.lock().expect("fake state").requests.len()
        );
        if !prompt.contains("[url404]") {
            shared
                .lock()
                .expect("fake state")
                .files
                .insert(id.clone(), bytes);
        }
        json!({ "url": format!("{base}/files/{id}.png") })
    } else {
        json!({ "b64_json": base64::engine::general_purpose::STANDARD.encode(bytes), "revised_prompt": format!("{prompt}, detailed") })
    };
    let mut resp = Json(json!({ "created": 1_700_000_000, "data": [item] })).into_response();
    resp.headers_mut().insert(
        "x-request-id",
        axum::http::HeaderValue::from_static("req_fake_123"),
    );
    resp
}

async fn redirect(
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let to = q.get("to").cloned().unwrap_or_default();
    (StatusCode::FOUND, [("location", to)]).into_response()
}

async fn file(State(shared): State<Arc<Mutex<Shared>>>, Path(name): Path<String>) -> Response {
    let id = name.trim_end_matches(".png");
    match shared.lock().expect("fake state").files.get(id) {
        Some(bytes) => ([("content-type", "image/png")], bytes.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

impl FakeOpenAi {
    pub async fn start() -> FakeOpenAi {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/v1/images/generations", post(generations))
            .route("/v1/models", get(models))
            .route("/files/{name}", get(file))
            .route("/redirect", get(redirect))
            .with_state(shared.clone())
            .merge(crate::vision_fake::router(Some(FAKE_KEY)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        shared.lock().expect("fake state").base = format!("http://{addr}");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeOpenAi {
            base_url: format!("http://{addr}/v1"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Takes a model away, as OpenAI retires one: gone from the models list, 404 on use.
    pub fn withdraw(&self, model: &str) {
        self.shared
            .lock()
            .expect("fake state")
            .withdrawn
            .push(model.to_string());
    }

    /// Every request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was requested.
    pub fn calls(&self, prompt: &str) -> u32 {
        self.shared
            .lock()
            .expect("fake state")
            .calls
            .get(prompt)
            .copied()
            .unwrap_or(0)
    }
}
