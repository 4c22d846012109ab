//! A loopback fake of FAL's queue API: POST /{owner}/{app} -> `{request_id, status_url, ...}`, GET
//! .../requests/{id}/status answering IN_QUEUE (with `queue_position`), then IN_PROGRESS, then
//! COMPLETED; GET .../requests/{id} -> `{images[{url}], seed, has_nsfw_concepts}`; PUT
//! .../requests/{id}/cancel. Scenarios by prompt marker. At submit: `[403]` a locked account, `[422]`
//! a validation error, `[429]` one 429 with Retry-After, `[500]` always 500, `[timeout]`,
//! `[malformed]` a broken submit body, `[slow:MS]`. While polling: `[polls:N]` not done N times
//! (default 2), `[hold]` IN_PROGRESS until `release`, `[failed]` the first request fails as FAL reports it today:
//! COMPLETED, with its result call answering the model's error (`detail`, `error_type`),
//! `[lost]` 404 for the request, `[poll-malformed]` a broken status body. Result: `[moderated]`
//! `has_nsfw_concepts: [true]`, `[result-422]` the result is a validation error, `[url404]` an image
//! URL that 404s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_KEY: &str = "fal-test-key:secret";

const APPS: [&str; 2] = ["fal-ai/fast-lightning-sdxl", "fal-ai/stable-cascade"];

struct Request {
    prompt: String,
    app: String,
    width: u32,
    height: u32,
    seed: u64,
    polls: u32,
    submission: u32,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    submits: HashMap<String, u32>,
    polls: HashMap<String, u32>,
    tasks: HashMap<String, Request>,
    released: Vec<String>,
    cancelled: Vec<String>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeFal {
    /// The base URL to configure as `FAL_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeFal {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn detail(status: StatusCode, detail: Value) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

fn validation(field: &str, msg: &str) -> Response {
    detail(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!([{ "loc": ["body", field], "msg": msg, "type": "value_error" }]),
    )
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(format!("Key {FAKE_KEY}").as_str())
}

fn unauthorised() -> Response {
    detail(
        StatusCode::UNAUTHORIZED,
        json!("No user found for Key ID and Secret"),
    )
}

async fn submit(
    State(state): State<AppState>,
    Path((owner, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let app = format!("{owner}/{name}");
    if !APPS.contains(&app.as_str()) {
        return detail(StatusCode::NOT_FOUND, json!("Application not found"));
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return validation("body", "JSON decode error");
    };
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(json!({ "app": app, "body": req }));
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let allowed: &[&str] = if app == "fal-ai/fast-lightning-sdxl" {
        &[
            "prompt",
            "image_size",
            "num_inference_steps",
            "seed",
            "num_images",
            "enable_safety_checker",
            "format",
        ]
    } else {
        &[
            "prompt",
            "negative_prompt",
            "image_size",
            "first_stage_steps",
            "second_stage_steps",
            "guidance_scale",
            "second_stage_guidance_scale",
            "seed",
            "num_images",
            "enable_safety_checker",
        ]
    };
    if let Some(obj) = req.as_object() {
        if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
            return validation(k, "extra fields not permitted");
        }
    }
    if prompt.is_empty() {
        return validation("prompt", "field required");
    }
    let dim = |k: &str| req["image_size"][k].as_u64().unwrap_or(0) as u32;
    let (width, height) = (dim("width"), dim("height"));
    for (k, v) in [("width", width), ("height", height)] {
        if !(256..=2048).contains(&v) {
            return validation("image_size", &format!("{k} must be 256–2048"));
        }
    }
    if let Some(steps) = req.get("num_inference_steps") {
        if !steps.as_u64().is_some_and(|s| [1, 2, 4, 8].contains(&s)) {
            return validation("num_inference_steps", "must be one of 1, 2, 4, 8");
        }
    }
    if let Some(steps) = req.get("first_stage_steps") {
        if !steps.as_u64().is_some_and(|s| (4..=40).contains(&s)) {
            return validation("first_stage_steps", "must be 4–40");
        }
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[403]") {
        return detail(
            StatusCode::FORBIDDEN,
            json!("User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."),
        );
    }
    if prompt.contains("[422]") {
        return validation("prompt", "the prompt could not be processed");
    }
    if prompt.contains("[429]") && submission == 1 {
        let mut r = detail(StatusCode::TOO_MANY_REQUESTS, json!("Rate limit exceeded"));
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") {
        return detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!("Internal Server Error"),
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"request_id\": ",
        )
            .into_response();
    }
    let mut s = state.shared.lock().expect("fake state");
    let id = format!("req-{}-{submission}", s.tasks.len() + 1);
    s.tasks.insert(
        id.clone(),
        Request {
            prompt,
            app: app.clone(),
            width,
            height,
            seed: req["seed"].as_u64().unwrap_or(4242),
            polls: 0,
            submission,
        },
    );
    let url = format!("{}/{app}/requests/{id}", s.base);
    Json(json!({
        "request_id": id,
        "response_url": url,
        "status_url": format!("{url}/status"),
        "cancel_url": format!("{url}/cancel"),
        "queue_position": 0
    }))
    .into_response()
}

async fn status(
    State(state): State<AppState>,
    Path((owner, name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let (prompt, polls, released) = {
        let mut s = state.shared.lock().expect("fake state");
        let released = s.released.contains(&id);
        let Some(task) = s
            .tasks
            .get_mut(&id)
            .filter(|t| t.app == format!("{owner}/{name}"))
        else {
            return detail(StatusCode::NOT_FOUND, json!("Request not found"));
        };
        task.polls += 1;
        let out = (task.prompt.clone(), task.polls, released);
        *s.polls.entry(out.0.clone()).or_insert(0) += 1;
        out
    };
    if prompt.contains("[poll-malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"status\": \"COMPL",
        )
            .into_response();
    }
    if prompt.contains("[lost]") {
        return detail(StatusCode::NOT_FOUND, json!("Request not found"));
    }
    let pending_for = scenario::marker_num(&prompt, "polls").unwrap_or(2) as u32;
    if polls == 1 && pending_for > 0 && !prompt.contains("[hold]") {
        return Json(json!({ "status": "IN_QUEUE", "queue_position": 1 })).into_response();
    }
    if (prompt.contains("[hold]") && !released) || polls <= pending_for {
        return Json(json!({
            "status": "IN_PROGRESS",
            "logs": [{ "message": format!("step {polls}"), "level": "INFO", "timestamp": "2024-01-01T00:00:00Z" }]
        }))
        .into_response();
    }
    Json(json!({ "status": "COMPLETED", "logs": [], "metrics": { "inference_time": 0.8 } }))
        .into_response()
}

async fn result(
    State(state): State<AppState>,
    Path((owner, name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let (prompt, width, height, seed, base, submission) = {
        let s = state.shared.lock().expect("fake state");
        let Some(t) = s
            .tasks
            .get(&id)
            .filter(|t| t.app == format!("{owner}/{name}"))
        else {
            return detail(StatusCode::NOT_FOUND, json!("Request not found"));
        };
        (
            t.prompt.clone(),
            t.width,
            t.height,
            t.seed,
            s.base.clone(),
            t.submission,
        )
    };
    if prompt.contains("[failed]") && submission == 1 {
        // The model's error, as the result call returns it for a request that ended COMPLETED.
        let mut r = (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({
                "detail": "The runner disconnected while processing the request (CUDA out of memory)",
                "error_type": "runner_disconnected"
            })),
        )
            .into_response();
        r.headers_mut().insert(
            "x-fal-error-type",
            axum::http::HeaderValue::from_static("runner_disconnected"),
        );
        return r;
    }
    if prompt.contains("[result-422]") {
        return validation("prompt", "the prompt is too long for this model");
    }
    let name = format!("{id}.png");
    if !prompt.contains("[url404]") {
        state.files.put(&name, crate::png(width, height));
    }
    Json(json!({
        "images": [{ "url": format!("{base}/files/{name}"), "width": width, "height": height,
                     "content_type": "image/png" }],
        "seed": seed,
        "has_nsfw_concepts": [prompt.contains("[moderated]")],
        "prompt": prompt,
        "timings": { "inference": 0.8 }
    }))
    .into_response()
}

async fn cancel(
    State(state): State<AppState>,
    Path((_owner, _name, id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let mut s = state.shared.lock().expect("fake state");
    if !s.tasks.contains_key(&id) {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "status": "NOT_FOUND" })),
        )
            .into_response();
    }
    s.cancelled.push(id);
    (
        StatusCode::ACCEPTED,
        Json(json!({ "status": "CANCELLATION_REQUESTED" })),
    )
        .into_response()
}

impl FakeFal {
    pub async fn start() -> FakeFal {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/{owner}/{app}", post(submit))
            .route("/{owner}/{app}/requests/{id}/status", get(status))
            .route("/{owner}/{app}/requests/{id}", get(result))
            .route("/{owner}/{app}/requests/{id}/cancel", put(cancel))
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
        FakeFal {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every submission received (`{app, body}`), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was submitted.
    pub fn submits(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.submits.get(prompt).copied().unwrap_or(0)
    }

    /// How many times the requests of a prompt were polled.
    pub fn polls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.polls.get(prompt).copied().unwrap_or(0)
    }

    /// How many cancel calls reached the requests of a prompt.
    pub fn cancels(&self, prompt: &str) -> usize {
        let s = self.shared.lock().expect("fake state");
        s.cancelled
            .iter()
            .filter(|id| s.tasks.get(*id).is_some_and(|t| t.prompt == prompt))
            .count()
    }

    /// Lets every `[hold]` request of this prompt complete.
    pub fn release(&self, prompt: &str) {
        let mut s = self.shared.lock().expect("fake state");
        let ids: Vec<String> = s
            .tasks
            .iter()
            .filter(|(_, t)| t.prompt == prompt)
            .map(|(id, _)| id.clone())
            .collect();
        s.released.extend(ids);
    }
}
