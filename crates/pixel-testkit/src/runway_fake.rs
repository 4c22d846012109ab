//! A loopback fake of Runway's API as documented (https://docs.dev.runwayml.com/api, version
//! 2024-11-06, checked 2026-12): POST /v1/text_to_video `{model, promptText, ratio, duration, audio?}`
//! or POST /v1/image_to_video `{model: gen4_turbo, promptImage, promptText?, ratio, duration, seed?}`
//! -> `{id}` (a UUID); GET /v1/tasks/{id} answers PENDING, then RUNNING with `progress`, then SUCCEEDED
//! with `output: [url]` (a real H.264 MP4 of the asked ratio and length); DELETE /v1/tasks/{id} cancels
//! (204; 404 once gone). Every call needs `Authorization: Bearer` and `X-Runway-Version: 2024-11-06`;
//! errors answer `{"error": ...}`. Scenarios by prompt marker. At submit: `[429]` one 429, `[500]`
//! always 500, `[500once]`, `[400]` a refused input. While polling: `[polls:N]` N polls before the end
//! (default 2), `[hold]` RUNNING until cancelled, `[safety]` FAILED `SAFETY.INPUT.TEXT`, `[internal]`
//! FAILED `INTERNAL.BAD_OUTPUT.CODE01` on the first task only, `[asset]` FAILED `ASSET.INVALID`,
//! `[lost]` 404, `[url404]` an output URL that 404s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_KEY: &str = "runway-test-key";
const VERSION: &str = "2024-11-06";
const RATIOS: [&str; 4] = ["1280:720", "720:1280", "1920:1080", "1080:1920"];

struct Task {
    prompt: String,
    ratio: (u32, u32),
    duration: u32,
    polls: u32,
    submission: u32,
    cancelled: bool,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    submits: HashMap<String, u32>,
    polls: HashMap<String, u32>,
    cancels: HashMap<String, u32>,
    tasks: HashMap<String, Task>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeRunway {
    /// The base URL to configure as `RUNWAY_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeRunway {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// Checks the key and the version header every endpoint needs.
fn refused(headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(FAKE_KEY) {
        return Some(error(
            StatusCode::UNAUTHORIZED,
            "Invalid API key. Please check your key and try again.",
        ));
    }
    let version = headers
        .get("x-runway-version")
        .and_then(|v| v.to_str().ok());
    if version != Some(VERSION) {
        return Some(error(
            StatusCode::BAD_REQUEST,
            "Invalid or missing X-Runway-Version header",
        ));
    }
    None
}

/// What a valid body asks for: the prompt, the frame size and the seconds.
type Asked = (String, (u32, u32), u32);

fn frame(ratio: &str) -> Result<(u32, u32), String> {
    let bad = || format!("Invalid ratio: '{ratio}'");
    let (w, h) = ratio.split_once(':').ok_or_else(bad)?;
    Ok((w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?))
}

/// Validates an image-to-video body against the documented gen4_turbo schema; the image must be a
/// data URI (5 MB at most) of an image that decodes, an HTTPS URL or a Runway upload URI.
fn check_image_body(req: &Value) -> Result<Asked, String> {
    let obj = req.as_object().ok_or("the body must be a JSON object")?;
    let allowed = [
        "model",
        "promptImage",
        "promptText",
        "ratio",
        "duration",
        "seed",
        "contentModeration",
    ];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("Unrecognized key in body: '{k}'"));
    }
    if req["model"] != "gen4_turbo" {
        return Err(format!("Invalid model: {}", req["model"]));
    }
    let image = req["promptImage"].as_str().unwrap_or("");
    if let Some(data) = image.strip_prefix("data:image/") {
        if image.len() > 5_242_880 {
            return Err("promptImage: the data URI is over 5 MB".into());
        }
        let (_, b64) = data
            .split_once(";base64,")
            .ok_or("promptImage: not a base64 data URI")?;
        let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)
            .map_err(|_| "promptImage: invalid base64")?;
        image::load_from_memory(&bytes).map_err(|_| "promptImage: not a readable image")?;
    } else if !(image.starts_with("https://") || image.starts_with("runway://")) {
        return Err("promptImage must be an HTTPS URL, a Runway URI or a data URI".into());
    }
    let prompt = req["promptText"].as_str().unwrap_or("");
    if prompt.encode_utf16().count() > 1000 {
        return Err("promptText must be at most 1000 characters".into());
    }
    let ratio = req["ratio"].as_str().unwrap_or("");
    if ![
        "1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672",
    ]
    .contains(&ratio)
    {
        return Err(format!("Invalid ratio: '{ratio}'"));
    }
    let duration = req["duration"].as_u64().unwrap_or(10);
    if !(2..=10).contains(&duration) {
        return Err("duration must be an integer from 2 to 10".into());
    }
    if req
        .get("seed")
        .is_some_and(|s| s.as_u64().is_none_or(|s| s > u64::from(u32::MAX)))
    {
        return Err("seed must be an integer from 0 to 4294967295".into());
    }
    Ok((prompt.to_string(), frame(ratio)?, duration as u32))
}

/// Validates a text-to-video body against the documented schema of the Veo models.
fn check_text_body(req: &Value) -> Result<Asked, String> {
    let obj = req.as_object().ok_or("the body must be a JSON object")?;
    let allowed = ["model", "promptText", "ratio", "duration", "audio"];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("Unrecognized key in body: '{k}'"));
    }
    let model = req["model"].as_str().unwrap_or("");
    if !["veo3.1", "veo3.1_fast", "veo3"].contains(&model) {
        return Err(format!("Invalid model: '{model}'"));
    }
    let prompt = req["promptText"].as_str().unwrap_or("");
    if prompt.is_empty() || prompt.encode_utf16().count() > 1000 {
        return Err("promptText must be 1 to 1000 characters".into());
    }
    let ratio = req["ratio"].as_str().unwrap_or("");
    if !RATIOS.contains(&ratio) {
        return Err(format!("Invalid ratio: '{ratio}'"));
    }
    let (w, h) = ratio.split_once(':').ok_or("ratio")?;
    let size = (
        w.parse().map_err(|_| "ratio")?,
        h.parse().map_err(|_| "ratio")?,
    );
    let duration = req["duration"].as_u64().unwrap_or(8) as u32;
    if model != "veo3" && ![4, 6, 8].contains(&duration) {
        return Err("duration must be 4, 6 or 8".into());
    }
    if req.get("audio").is_some_and(|a| !a.is_boolean()) {
        return Err("audio must be a boolean".into());
    }
    Ok((prompt.to_string(), size, duration))
}

async fn text_to_video(state: State<AppState>, headers: HeaderMap, body: String) -> Response {
    start_task(state, headers, body, check_text_body)
}

async fn image_to_video(state: State<AppState>, headers: HeaderMap, body: String) -> Response {
    start_task(state, headers, body, check_image_body)
}

/// Starts a task from a body `check` accepts.
fn start_task(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
    check: fn(&Value) -> Result<Asked, String>,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "Invalid JSON body");
    };
    let (prompt, ratio, duration) = match check(&req) {
        Ok(ok) => ok,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if prompt.contains("[429]") && submission == 1 {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            "You have exceeded the rate limit for this endpoint.",
        );
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && submission == 1) {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    }
    if prompt.contains("[400]") {
        return error(StatusCode::BAD_REQUEST, "The prompt cannot be used");
    }
    let mut s = state.shared.lock().expect("fake state");
    let id = format!("00000000-0000-4000-8000-{:012x}", s.tasks.len() + 1);
    s.tasks.insert(
        id.clone(),
        Task {
            prompt,
            ratio,
            duration,
            polls: 0,
            submission,
            cancelled: false,
        },
    );
    Json(json!({ "id": id })).into_response()
}

async fn get_task(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let (prompt, polls, submission, ratio, duration, base) = {
        let mut s = state.shared.lock().expect("fake state");
        let base = s.base.clone();
        let Some(task) = s.tasks.get_mut(&id) else {
            return error(StatusCode::NOT_FOUND, "Task not found");
        };
        if task.cancelled {
            return error(StatusCode::NOT_FOUND, "Task not found");
        }
        task.polls += 1;
        let out = (
            task.prompt.clone(),
            task.polls,
            task.submission,
            task.ratio,
            task.duration,
            base,
        );
        *s.polls.entry(out.0.clone()).or_insert(0) += 1;
        out
    };
    let created = "2026-12-08T00:00:00.000Z";
    let status = |status: &str, extra: Value| {
        let mut body = json!({ "id": id, "status": status, "createdAt": created });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        Json(body).into_response()
    };
    if prompt.contains("[lost]") {
        return error(StatusCode::NOT_FOUND, "Task not found");
    }
    let pending_for = scenario::marker_num(&prompt, "polls").unwrap_or(2) as u32;
    if polls == 1 && !prompt.contains("[hold]") {
        return status("PENDING", json!({}));
    }
    if prompt.contains("[hold]") || polls <= pending_for {
        let progress = (f64::from(polls) / f64::from(pending_for + 1)).min(0.99);
        return status("RUNNING", json!({ "progress": progress }));
    }
    let failed = |code: &str, failure: &str| {
        status("FAILED", json!({ "failure": failure, "failureCode": code }))
    };
    if prompt.contains("[safety]") {
        return failed(
            "SAFETY.INPUT.TEXT",
            "The prompt was flagged by content moderation.",
        );
    }
    if prompt.contains("[asset]") {
        return failed("ASSET.INVALID", "The input could not be processed.");
    }
    if prompt.contains("[internal]") && submission == 1 {
        return failed(
            "INTERNAL.BAD_OUTPUT.CODE01",
            "The model produced an unusable output.",
        );
    }
    let name = format!("{id}.mp4");
    if !prompt.contains("[url404]") {
        let (w, h) = ratio;
        let clip = tokio::task::spawn_blocking(move || crate::mp4(w, h, duration)).await;
        match clip {
            Ok(bytes) => state.files.put_typed(&name, "video/mp4", bytes),
            Err(_) => return error(StatusCode::INTERNAL_SERVER_ERROR, "render failed"),
        }
    }
    status(
        "SUCCEEDED",
        json!({ "output": [format!("{base}/files/{name}")] }),
    )
}

async fn delete_task(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = refused(&headers) {
        return r;
    }
    let mut s = state.shared.lock().expect("fake state");
    let Some(task) = s.tasks.get_mut(&id).filter(|t| !t.cancelled) else {
        return error(StatusCode::NOT_FOUND, "Task not found");
    };
    task.cancelled = true;
    let prompt = task.prompt.clone();
    *s.cancels.entry(prompt).or_insert(0) += 1;
    StatusCode::NO_CONTENT.into_response()
}

impl FakeRunway {
    pub async fn start() -> FakeRunway {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/v1/text_to_video", post(text_to_video))
            .route("/v1/image_to_video", post(image_to_video))
            .route("/v1/tasks/{id}", get(get_task).delete(delete_task))
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
        FakeRunway {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every task body received (text or image to video), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was submitted.
    pub fn submits(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.submits.get(prompt).copied().unwrap_or(0)
    }

    /// How many times the tasks of a prompt were polled.
    pub fn polls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.polls.get(prompt).copied().unwrap_or(0)
    }

    /// How many tasks of a prompt were cancelled with DELETE.
    pub fn cancels(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.cancels.get(prompt).copied().unwrap_or(0)
    }
}
