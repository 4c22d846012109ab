//! A loopback fake of a local OpenAI-compatible images server (LocalAI-like): POST
//! /v1/images/generations with one model name, no authentication, `b64_json` results (or a URL on
//! itself when asked). Scenarios by prompt marker: `[400]` an invalid-request error, `[moderated]`
//! content_policy_violation (a moderating proxy), `[429]` one 429 with Retry-After, `[500]` always 500,
//! `[timeout]`, `[malformed]` a broken body, `[url]` a URL result, `[url404]` a URL that 404s,
//! `[slow:MS]`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

/// The only model the fake serves (configure as `OPENAI_COMPAT_MODEL`).
pub const FAKE_MODEL: &str = "sd-local";

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
    /// Authorization headers received (None when absent).
    auth: Vec<Option<String>>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeOpenAiCompat {
    /// The base URL to configure as `OPENAI_COMPAT_BASE_URL` (ends in `/v1`).
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeOpenAiCompat {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, message: &str, code: Option<&str>) -> Response {
    (
        status,
        Json(json!({ "error": { "message": message, "type": "invalid_request_error", "code": code } })),
    )
        .into_response()
}

async fn generate(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid JSON", None);
    };
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let call = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(req.clone());
        s.auth.push(
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        );
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if req["model"] != FAKE_MODEL {
        return error(
            StatusCode::NOT_FOUND,
            &format!("could not load model {}", req["model"]),
            None,
        );
    }
    let size = req["size"].as_str().unwrap_or("");
    let Some((w, h)) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
    else {
        return error(StatusCode::BAD_REQUEST, "invalid size", None);
    };
    scenario::delay(&prompt).await;
    if prompt.contains("[400]") {
        return error(
            StatusCode::BAD_REQUEST,
            "the backend could not parse the prompt",
            None,
        );
    }
    if prompt.contains("[moderated]") {
        return error(
            StatusCode::BAD_REQUEST,
            "Your request was rejected as a result of our safety system.",
            Some("content_policy_violation"),
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = error(StatusCode::TOO_MANY_REQUESTS, "busy", None);
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "backend crashed", None);
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"data\": [{\"b64_",
        )
            .into_response();
    }
    let png = crate::png(w, h);
    let item = if prompt.contains("[url]") || prompt.contains("[url404]") {
        let name = format!("img-{call}-{}.png", prompt.len());
        if prompt.contains("[url]") {
            state.files.put(&name, png);
        }
        let base = state.shared.lock().expect("fake state").base.clone();
        json!({ "url": format!("{base}/files/{name}") })
    } else {
        json!({ "b64_json": base64::engine::general_purpose::STANDARD.encode(png) })
    };
    Json(json!({ "created": 1_700_000_000, "data": [item] })).into_response()
}

impl FakeOpenAiCompat {
    pub async fn start() -> FakeOpenAiCompat {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/v1/images/generations", post(generate))
            .with_state(AppState {
                shared: shared.clone(),
                files: files.clone(),
            })
            .merge(
                Router::new()
                    .route("/files/{name}", get(scenario::serve_file))
                    .with_state(files),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        shared.lock().expect("fake state").base = format!("http://{addr}");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeOpenAiCompat {
            base_url: format!("http://{addr}/v1"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every request body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// The Authorization header of every request (None when absent).
    pub fn auth_headers(&self) -> Vec<Option<String>> {
        self.shared.lock().expect("fake state").auth.clone()
    }

    /// How many requests carried this prompt.
    pub fn calls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.calls.get(prompt).copied().unwrap_or(0)
    }
}
