//! A loopback fake of AUTOMATIC1111's API behind HTTP Basic auth: POST /sdapi/v1/txt2img answered
//! (after any `[slow:MS]`) with `{images:[base64 PNG], parameters, info:"<JSON string>"}`; GET
//! /sdapi/v1/progress reporting the running render's fraction; POST /sdapi/v1/interrupt. Scenarios by
//! prompt marker: `[422]` a validation error, `[429]` one 429 with Retry-After, `[500]` always a CUDA
//! out-of-memory 500, `[timeout]`, `[malformed]` a broken body, `[grid]` a grid image before the real
//! one, `[slow:MS]` a render taking MS (with rising progress).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::scenario;

/// `user:pass` the fake requires (configure as `A1111_AUTH`).
pub const FAKE_AUTH: &str = "pixel:hunter2";

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
    /// The render in progress: when it started and how long it takes.
    running: Option<(Instant, Duration)>,
    progress_reads: u32,
    interrupts: u32,
}

#[derive(Clone)]
pub struct FakeA1111 {
    /// The URL to configure as `A1111_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeA1111 {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn authorised(headers: &HeaderMap) -> bool {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(FAKE_AUTH)
    );
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(expected.as_str())
}

fn unauthorised() -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "detail": "Not authenticated" })),
    )
        .into_response();
    r.headers_mut()
        .insert("www-authenticate", HeaderValue::from_static("Basic"));
    r
}

fn validation(field: &str, msg: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "detail": [{ "loc": ["body", field], "msg": msg, "type": "value_error" }] })),
    )
        .into_response()
}

async fn txt2img(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return validation("body", "JSON decode error");
    };
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let call = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let dim = |k: &str| req[k].as_u64().unwrap_or(512) as u32;
    let (width, height) = (dim("width"), dim("height"));
    for (k, v) in [("width", width), ("height", height)] {
        if !(64..=2048).contains(&v) || v % 8 != 0 {
            return validation(k, "must be a multiple of 8 in 64–2048");
        }
    }
    if req["batch_size"].as_u64().unwrap_or(1) != 1 {
        return validation("batch_size", "the fake renders one image");
    }
    if prompt.contains("[422]") {
        return validation("prompt", "the prompt could not be processed");
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({ "detail": "busy" })),
        )
            .into_response();
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if let Some(ms) = scenario::marker_num(&prompt, "slow") {
        shared.lock().expect("fake state").running =
            Some((Instant::now(), Duration::from_millis(ms)));
    }
    scenario::delay(&prompt).await;
    shared.lock().expect("fake state").running = None;
    if prompt.contains("[500]") {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": "OutOfMemoryError", "detail": "",
                         "body": "", "errors": "CUDA out of memory. Tried to allocate 2.00 GiB" })),
        )
            .into_response();
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"images\": [\"iVBOR",
        )
            .into_response();
    }
    let seed = req["seed"].as_i64().unwrap_or(-1);
    let seed = if seed < 0 { 31337 } else { seed };
    let image = base64::engine::general_purpose::STANDARD.encode(crate::png(width, height));
    let (images, first) = if prompt.contains("[grid]") {
        let grid = base64::engine::general_purpose::STANDARD.encode(crate::png(width * 2, height));
        (vec![grid, image], 1)
    } else {
        (vec![image], 0)
    };
    let info = json!({
        "prompt": prompt, "all_prompts": [prompt], "seed": seed, "all_seeds": [seed],
        "width": width, "height": height, "index_of_first_image": first,
        "sd_model_name": "v1-5-pruned-emaonly"
    });
    Json(json!({ "images": images, "parameters": req, "info": info.to_string() })).into_response()
}

async fn progress(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    let mut s = shared.lock().expect("fake state");
    s.progress_reads += 1;
    let (fraction, jobs) = match s.running {
        Some((start, total)) => (
            (start.elapsed().as_secs_f64() / total.as_secs_f64().max(0.001)).min(0.99),
            1,
        ),
        None => (0.0, 0),
    };
    Json(json!({
        "progress": fraction,
        "eta_relative": 1.0,
        "state": { "skipped": false, "interrupted": false, "job": "", "job_count": jobs,
                   "sampling_step": (fraction * 20.0) as u32, "sampling_steps": 20 },
        "current_image": null,
        "textinfo": null
    }))
    .into_response()
}

async fn interrupt(State(shared): State<Arc<Mutex<Shared>>>, headers: HeaderMap) -> Response {
    if !authorised(&headers) {
        return unauthorised();
    }
    shared.lock().expect("fake state").interrupts += 1;
    Json(json!({})).into_response()
}

impl FakeA1111 {
    pub async fn start() -> FakeA1111 {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/sdapi/v1/txt2img", post(txt2img))
            .route("/sdapi/v1/progress", get(progress))
            .route("/sdapi/v1/interrupt", post(interrupt))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeA1111 {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every txt2img body received, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many txt2img calls carried this prompt.
    pub fn calls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.calls.get(prompt).copied().unwrap_or(0)
    }

    /// How many times progress was read.
    pub fn progress_reads(&self) -> u32 {
        self.shared.lock().expect("fake state").progress_reads
    }

    /// How many interrupt calls arrived.
    pub fn interrupts(&self) -> u32 {
        self.shared.lock().expect("fake state").interrupts
    }
}
