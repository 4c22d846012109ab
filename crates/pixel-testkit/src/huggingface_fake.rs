//! A loopback fake of Hugging Face inference: POST /models/{owner}/{repo} `{inputs, parameters}` answered
//! with PNG bytes. Scenarios by prompt marker: `[loading]` one 503 "currently loading" with
//! `estimated_time: 1` then success, `[400]` a validation error, `[429]` one 429 with Retry-After,
//! `[500]` always 500, `[500once]`, `[timeout]`, `[malformed]` a 200 that is JSON, not an image,
//! `[json-b64]` the image as JSON `data[0].b64_json`, `[slow:MS]`. Only FLUX.1 [schnell] is served, as
//! on hf-inference today; the models it dropped answer 410. POST /endpoint/{name} stands for a dedicated
//! Inference Endpoint, which serves whatever was deployed on it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario;

pub const FAKE_KEY: &str = "hf_test_token";

/// What hf-inference serves today (2026-12).
const REPOS: [&str; 1] = ["black-forest-labs/FLUX.1-schnell"];
/// Models it served before, which now answer 410.
const GONE: [&str; 3] = [
    "black-forest-labs/FLUX.1-dev",
    "RunDiffusion/Juggernaut-XL-v9",
    "Lykon/NeverEnding-Dream",
];

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
}

#[derive(Clone)]
pub struct FakeHuggingFace {
    /// The base URL to configure as `HUGGINGFACE_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeHuggingFace {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

async fn infer(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let repo = format!("{owner}/{name}");
    if GONE.contains(&repo.as_str()) {
        return error(
            StatusCode::GONE,
            json!({ "error": format!("Model {repo} is no longer served by hf-inference; deploy it on an Inference Endpoint") }),
        );
    }
    if !REPOS.contains(&repo.as_str()) {
        return error(
            StatusCode::NOT_FOUND,
            json!({ "error": format!("Model {repo} does not exist") }),
        );
    }
    run_task(&shared, &repo, &headers, &body).await
}

/// A dedicated Inference Endpoint: the same task body POSTed to the endpoint's own root URL, whatever
/// model it was deployed with (https://huggingface.co/docs/inference-endpoints/guides/test_endpoint).
async fn endpoint(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    run_task(&shared, &format!("endpoint:{name}"), &headers, &body).await
}

async fn run_task(
    shared: &Arc<Mutex<Shared>>,
    repo: &str,
    headers: &HeaderMap,
    body: &str,
) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(format!("Bearer {FAKE_KEY}").as_str())
    {
        return error(
            StatusCode::UNAUTHORIZED,
            json!({ "error": "Invalid credentials in Authorization header" }),
        );
    }
    let Ok(req) = serde_json::from_str::<Value>(body) else {
        return error(
            StatusCode::BAD_REQUEST,
            json!({ "error": "Body needs to be valid JSON" }),
        );
    };
    let prompt = req["inputs"].as_str().unwrap_or("").to_string();
    let call = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(json!({ "repo": repo, "body": req }));
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let params = &req["parameters"];
    let known = [
        "width",
        "height",
        "seed",
        "negative_prompt",
        "num_inference_steps",
        "guidance_scale",
        "scheduler",
    ];
    if let Some(k) = params
        .as_object()
        .and_then(|o| o.keys().find(|k| !known.contains(&k.as_str())))
    {
        return error(
            StatusCode::BAD_REQUEST,
            json!({ "error": [format!("unknown parameter {k}")] }),
        );
    }
    if prompt.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            json!({ "error": ["inputs: field required"] }),
        );
    }
    let dim = |k: &str| params[k].as_u64().unwrap_or(1024) as u32;
    let (w, h) = (dim("width"), dim("height"));
    if w % 8 != 0 || h % 8 != 0 || w > 2048 || h > 2048 {
        return error(
            StatusCode::BAD_REQUEST,
            json!({ "error": ["width and height must be multiples of 8 up to 2048"] }),
        );
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[loading]") && call == 1 {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "error": format!("Model {repo} is currently loading"), "estimated_time": 1.0 }),
        );
    }
    if prompt.contains("[400]") {
        return error(
            StatusCode::BAD_REQUEST,
            json!({ "error": ["prompt is too long for the text encoder"] }),
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            json!({ "error": "Rate limit reached. Please log in or use a HF access token" }),
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && call == 1) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ "error": "Internal Server Error" }),
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"generated_image\": ",
        )
            .into_response();
    }
    let png = crate::png(w, h);
    // The JSON forms the official clients also read.
    if prompt.contains("[json-b64]") {
        use base64::Engine;
        return Json(json!({ "data": [{ "b64_json": base64::engine::general_purpose::STANDARD.encode(png) }] }))
            .into_response();
    }
    ([("content-type", "image/png")], png).into_response()
}

impl FakeHuggingFace {
    pub async fn start() -> FakeHuggingFace {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/models/{owner}/{name}", post(infer))
            .route("/endpoint/{name}", post(endpoint))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeHuggingFace {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every request received (`{repo, body}`), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was requested.
    pub fn calls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.calls.get(prompt).copied().unwrap_or(0)
    }
}
