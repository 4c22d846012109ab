//! A loopback fake of Luma's Dream Machine API as documented (https://docs.lumalabs.ai/docs/api,
//! checked 2026-12): POST /dream-machine/v1/generations `{prompt, model, resolution, duration,
//! aspect_ratio, loop?, keyframes?}` -> 201 with the generation `queued`; GET
//! /dream-machine/v1/generations/{id} answers `queued`, `dreaming`, then `completed` with
//! `assets.video` (a real H.264 MP4 of the asked shape and length) or `failed` with `failure_reason`;
//! DELETE removes it (204; 404 once gone); GET /dream-machine/v1/credits answers `credit_balance`.
//! Bearer key; errors answer `{"detail": ...}`. An image keyframe's URL is fetched at create, as
//! Luma fetches it: a URL that does not answer an image is refused with 400. Scenarios by prompt marker. At create: `[429]` one
//! 429, `[500]` always 500, `[500once]`, `[400]` a refused request, `[moderated]` the prompt refused
//! by moderation. While polling: `[polls:N]` N polls before the end (default 2), `[hold]` dreaming
//! until cancelled, `[failed]` failed on the first generation only, `[failed-moderation]` failed by
//! moderation, `[lost]` 404, `[url404]` a video URL that 404s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_KEY: &str = "luma-test-key";
const ASPECTS: [&str; 7] = ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"];

struct Generation {
    prompt: String,
    request: Value,
    size: (u32, u32),
    seconds: u32,
    polls: u32,
    submission: u32,
    deleted: bool,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    submits: HashMap<String, u32>,
    polls: HashMap<String, u32>,
    deletes: HashMap<String, u32>,
    /// The size of each keyframe image fetched, in order.
    keyframes: Vec<(u32, u32)>,
    generations: HashMap<String, Generation>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeLuma {
    /// The base URL to configure as `LUMAAI_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeLuma {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

fn unauthorised(headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    (bearer != Some(FAKE_KEY)).then(|| detail(StatusCode::UNAUTHORIZED, "Invalid API key provided"))
}

/// The frame size of a 720p clip in each of the app's shapes (Luma keeps the pixel count).
fn frame_720p(aspect: &str) -> (u32, u32) {
    match aspect {
        "9:16" => (720, 1280),
        "1:1" => (960, 960),
        _ => (1280, 720),
    }
}

/// Validates a create body against the documented schema.
fn check_body(req: &Value) -> Result<(String, (u32, u32), u32), String> {
    let obj = req.as_object().ok_or("the body must be a JSON object")?;
    let allowed = [
        "prompt",
        "model",
        "resolution",
        "duration",
        "aspect_ratio",
        "loop",
        "keyframes",
        "callback_url",
    ];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(format!("Extra inputs are not permitted: {k}"));
    }
    let model = req["model"].as_str().unwrap_or("");
    if !["ray-2", "ray-flash-2", "ray-1-6"].contains(&model) {
        return Err(format!("Invalid model: {model}"));
    }
    let prompt = req["prompt"].as_str().unwrap_or("");
    if prompt.is_empty() {
        return Err("prompt: Field required".into());
    }
    let resolution = req["resolution"].as_str().unwrap_or("720p");
    if !["540p", "720p", "1080p", "4k"].contains(&resolution) {
        return Err(format!("Invalid resolution: {resolution}"));
    }
    let seconds = match req["duration"].as_str().unwrap_or("5s") {
        "5s" => 5,
        "9s" => 9,
        other => return Err(format!("Invalid duration: {other}")),
    };
    let aspect = req["aspect_ratio"].as_str().unwrap_or("16:9");
    if !ASPECTS.contains(&aspect) {
        return Err(format!("Invalid aspect ratio: {aspect}"));
    }
    Ok((prompt.to_string(), frame_720p(aspect), seconds))
}

fn generation_body(id: &str, g: &Generation, state: &str, extra: Value) -> Response {
    let mut body = json!({
        "id": id,
        "generation_type": "video",
        "state": state,
        "failure_reason": null,
        "created_at": "2026-12-08T00:00:00.000Z",
        "assets": null,
        "model": g.request["model"],
        "request": g.request,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    Json(body).into_response()
}

/// Fetches `frame0`, the one keyframe the fake takes, and answers its image's size.
async fn fetch_keyframe(keyframes: &Value) -> Result<(u32, u32), String> {
    let frame = &keyframes["frame0"];
    if frame["type"] != "image" || keyframes.as_object().is_some_and(|k| k.len() != 1) {
        return Err("keyframes: only frame0 of type image is supported here".into());
    }
    let url = frame["url"]
        .as_str()
        .ok_or("keyframes.frame0.url: Field required")?;
    let failed = || "Could not download the keyframe image".to_string();
    let resp = reqwest::get(url).await.map_err(|_| failed())?;
    let is_image = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("image/"));
    if !resp.status().is_success() || !is_image {
        return Err(failed());
    }
    let bytes = resp.bytes().await.map_err(|_| failed())?;
    let img = image::load_from_memory(&bytes).map_err(|_| failed())?;
    Ok((img.width(), img.height()))
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if let Some(r) = unauthorised(&headers) {
        return r;
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return detail(StatusCode::BAD_REQUEST, "Invalid JSON");
    };
    let (prompt, size, seconds) = match check_body(&req) {
        Ok(ok) => ok,
        Err(e) => return detail(StatusCode::BAD_REQUEST, &e),
    };
    if let Some(keyframes) = req.get("keyframes") {
        match fetch_keyframe(keyframes).await {
            Ok(size) => state
                .shared
                .lock()
                .expect("fake state")
                .keyframes
                .push(size),
            Err(e) => return detail(StatusCode::BAD_REQUEST, &e),
        }
    }
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if prompt.contains("[429]") && submission == 1 {
        return detail(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many concurrent generations",
        );
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && submission == 1) {
        return detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    }
    if prompt.contains("[400]") {
        return detail(StatusCode::BAD_REQUEST, "Insufficient credits");
    }
    if prompt.contains("[moderated]") {
        return detail(
            StatusCode::BAD_REQUEST,
            "Prompt not allowed because advanced moderation failed",
        );
    }
    let mut s = state.shared.lock().expect("fake state");
    let id = format!("00000000-0000-4000-9000-{:012x}", s.generations.len() + 1);
    let generation = Generation {
        prompt,
        request: req,
        size,
        seconds,
        polls: 0,
        submission,
        deleted: false,
    };
    let mut created = generation_body(&id, &generation, "queued", json!({}));
    *created.status_mut() = StatusCode::CREATED;
    s.generations.insert(id, generation);
    created
}

async fn get_generation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = unauthorised(&headers) {
        return r;
    }
    let (body, clip) = match poll(&state, &id) {
        Polled::Answer(answer) => return answer,
        Polled::Completed(body, clip) => (body, clip),
    };
    if let Some((name, (w, h), seconds)) = clip {
        match tokio::task::spawn_blocking(move || crate::mp4(w, h, seconds)).await {
            Ok(bytes) => state.files.put_typed(&name, "video/mp4", bytes),
            Err(_) => return detail(StatusCode::INTERNAL_SERVER_ERROR, "render failed"),
        }
    }
    body
}

/// A clip to serve: its file name, size and seconds.
type Clip = (String, (u32, u32), u32);

/// What one poll answers.
enum Polled {
    Answer(Response),
    /// The completed answer and the clip to render before it is sent (none when its URL is to 404).
    Completed(Response, Option<Clip>),
}

fn poll(state: &AppState, id: &str) -> Polled {
    let not_found = || detail(StatusCode::NOT_FOUND, "Generation not found");
    let mut s = state.shared.lock().expect("fake state");
    let base = s.base.clone();
    let Some(g) = s.generations.get_mut(id).filter(|g| !g.deleted) else {
        return Polled::Answer(not_found());
    };
    g.polls += 1;
    let (prompt, polls) = (g.prompt.clone(), g.polls);
    *s.polls.entry(prompt.clone()).or_insert(0) += 1;
    let Some(g) = s.generations.get(id) else {
        return Polled::Answer(not_found());
    };
    if prompt.contains("[lost]") {
        return Polled::Answer(not_found());
    }
    let pending_for = scenario::marker_num(&prompt, "polls").unwrap_or(2) as u32;
    if polls == 1 && !prompt.contains("[hold]") {
        return Polled::Answer(generation_body(id, g, "queued", json!({})));
    }
    if prompt.contains("[hold]") || polls <= pending_for {
        return Polled::Answer(generation_body(id, g, "dreaming", json!({})));
    }
    let failed =
        |reason: &str| generation_body(id, g, "failed", json!({ "failure_reason": reason }));
    if prompt.contains("[failed-moderation]") {
        return Polled::Answer(failed(
            "Prompt not allowed because advanced moderation failed",
        ));
    }
    if prompt.contains("[failed]") && g.submission == 1 {
        return Polled::Answer(failed("Internal generation error"));
    }
    let name = format!("{id}.mp4");
    let body = generation_body(
        id,
        g,
        "completed",
        json!({ "assets": { "video": format!("{base}/files/{name}"), "image": null,
            "progress_video": null } }),
    );
    let clip = (!prompt.contains("[url404]")).then_some((name, g.size, g.seconds));
    Polled::Completed(body, clip)
}

async fn delete_generation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = unauthorised(&headers) {
        return r;
    }
    let mut s = state.shared.lock().expect("fake state");
    let Some(g) = s.generations.get_mut(&id).filter(|g| !g.deleted) else {
        return detail(StatusCode::NOT_FOUND, "Generation not found");
    };
    g.deleted = true;
    let prompt = g.prompt.clone();
    *s.deletes.entry(prompt).or_insert(0) += 1;
    StatusCode::NO_CONTENT.into_response()
}

async fn credits(headers: HeaderMap) -> Response {
    if let Some(r) = unauthorised(&headers) {
        return r;
    }
    Json(json!({ "credit_balance": 1200.0 })).into_response()
}

impl FakeLuma {
    pub async fn start() -> FakeLuma {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/dream-machine/v1/generations", axum::routing::post(create))
            .route(
                "/dream-machine/v1/generations/{id}",
                get(get_generation).delete(delete_generation),
            )
            .route("/dream-machine/v1/credits", get(credits))
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
        FakeLuma {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every create body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many times a prompt was submitted.
    pub fn submits(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.submits.get(prompt).copied().unwrap_or(0)
    }

    /// How many times the generations of a prompt were polled.
    pub fn polls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.polls.get(prompt).copied().unwrap_or(0)
    }

    /// The size of each keyframe image fetched, in order.
    pub fn keyframes(&self) -> Vec<(u32, u32)> {
        self.shared.lock().expect("fake state").keyframes.clone()
    }

    /// How many generations of a prompt were deleted.
    pub fn deletes(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.deletes.get(prompt).copied().unwrap_or(0)
    }
}
