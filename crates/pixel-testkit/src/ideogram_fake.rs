//! A loopback fake of Ideogram's legacy POST /generate `{image_request: {...}}` and of the multipart
//! POST /v1/ideogram-v3/generate, both answering
//! `data[]{url, is_image_safe, seed, prompt, resolution}` with URLs it serves itself. Scenarios by prompt
//! marker: `[moderated]` 400 safety check, `[unsafe]` a 200 with `is_image_safe: false`, `[400]` a bad
//! request, `[429]` one 429 with Retry-After then success, `[500]` always 500, `[500once]`, `[timeout]`,
//! `[malformed]` a broken 200 body, `[url404]` a result URL that 404s, `[slow:MS]`.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_KEY: &str = "ideogram-test-key";

const ASPECTS: [(&str, u32, u32); 7] = [
    ("ASPECT_1_1", 1024, 1024),
    ("ASPECT_16_9", 1312, 736),
    ("ASPECT_9_16", 736, 1312),
    ("ASPECT_4_3", 1152, 864),
    ("ASPECT_3_4", 864, 1152),
    ("ASPECT_3_2", 1248, 832),
    ("ASPECT_2_3", 832, 1248),
];

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeIdeogram {
    /// The base URL to configure as `IDEOGRAM_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeIdeogram {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

async fn generate(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if headers.get("api-key").and_then(|v| v.to_str().ok()) != Some(FAKE_KEY) {
        return detail(StatusCode::UNAUTHORIZED, "Invalid API key");
    }
    let Ok(body) = serde_json::from_str::<Value>(&body) else {
        return detail(StatusCode::BAD_REQUEST, "Invalid JSON body");
    };
    let req = &body["image_request"];
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let call = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(body.clone());
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if prompt.is_empty() {
        return detail(StatusCode::BAD_REQUEST, "image_request.prompt is required");
    }
    let model = req["model"].as_str().unwrap_or("V_2");
    if !["V_1", "V_1_TURBO", "V_2", "V_2_TURBO"].contains(&model) {
        return detail(StatusCode::BAD_REQUEST, &format!("Invalid model: {model}"));
    }
    let ratio = req["aspect_ratio"].as_str().unwrap_or("ASPECT_1_1");
    let Some((_, w, h)) = ASPECTS.iter().find(|(r, _, _)| *r == ratio) else {
        return detail(
            StatusCode::BAD_REQUEST,
            &format!("Invalid aspect_ratio: {ratio}"),
        );
    };
    if let Some(m) = req.get("magic_prompt_option") {
        if !["AUTO", "ON", "OFF"].contains(&m.as_str().unwrap_or("")) {
            return detail(StatusCode::BAD_REQUEST, "Invalid magic_prompt_option");
        }
    }
    let seed = match req.get("seed") {
        None => 4242,
        Some(s) => match s.as_u64() {
            Some(s) if s <= 2_147_483_647 => s,
            _ => return detail(StatusCode::BAD_REQUEST, "seed must be 0–2147483647"),
        },
    };
    answer(&state, &prompt, call, (*w, *h), seed).await
}

/// POST /v1/ideogram-v3/generate, multipart (https://developer.ideogram.ai/api-reference/api-reference/generate-v3,
/// checked 2026-12): `prompt`, `aspect_ratio` as `WxH` ratios, `rendering_speed`, `style_type`,
/// `magic_prompt`, `seed`, `negative_prompt`, `num_images`.
async fn generate_v3(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if headers.get("api-key").and_then(|v| v.to_str().ok()) != Some(FAKE_KEY) {
        return detail(StatusCode::UNAUTHORIZED, "Invalid API key");
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(fields) = scenario::multipart_fields(content_type, &body) else {
        return detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Expected multipart/form-data",
        );
    };
    let form: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let field = |k: &str| form.get(k).and_then(Value::as_str);
    let prompt = field("prompt").unwrap_or("").to_string();
    let call = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(json!({ "v3": form.clone() }));
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if prompt.is_empty() {
        return detail(StatusCode::UNPROCESSABLE_ENTITY, "prompt: field required");
    }
    let checks: [(&str, &[&str]); 4] = [
        ("rendering_speed", &["FLASH", "TURBO", "DEFAULT", "QUALITY"]),
        (
            "style_type",
            &["AUTO", "GENERAL", "REALISTIC", "DESIGN", "FICTION"],
        ),
        ("magic_prompt", &["AUTO", "ON", "OFF"]),
        ("num_images", &["1", "2", "3", "4", "5", "6", "7", "8"]),
    ];
    for (name, allowed) in checks {
        if let Some(v) = field(name) {
            if !allowed.contains(&v) {
                return detail(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("{name}: invalid value {v}"),
                );
            }
        }
    }
    let ratio = field("aspect_ratio").unwrap_or("1x1");
    let legacy = format!("ASPECT_{}", ratio.replace('x', "_"));
    let Some((_, w, h)) = ASPECTS.iter().find(|(r, _, _)| *r == legacy) else {
        return detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("aspect_ratio: invalid value {ratio}"),
        );
    };
    let seed = match field("seed").map(str::parse::<u64>) {
        None => 4242,
        Some(Ok(s)) if s <= 2_147_483_647 => s,
        _ => {
            return detail(
                StatusCode::UNPROCESSABLE_ENTITY,
                "seed must be 0–2147483647",
            )
        }
    };
    answer(&state, &prompt, call, (*w, *h), seed).await
}

/// The scenarios and the answer both endpoints share.
async fn answer(
    state: &AppState,
    prompt: &str,
    call: u32,
    (w, h): (u32, u32),
    seed: u64,
) -> Response {
    scenario::delay(prompt).await;
    if prompt.contains("[moderated]") {
        return detail(StatusCode::BAD_REQUEST, "Prompt failed the safety check.");
    }
    if prompt.contains("[400]") {
        return detail(
            StatusCode::BAD_REQUEST,
            "Prompt contains characters that are not supported.",
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = detail(StatusCode::TOO_MANY_REQUESTS, "Too many requests");
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && call == 1) {
        return detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"data\": [{\"url\": ",
        )
            .into_response();
    }
    let (name, base) = {
        let s = state.shared.lock().expect("fake state");
        (format!("ideo-{}.png", s.requests.len()), s.base.clone())
    };
    if !prompt.contains("[url404]") {
        state.files.put(&name, crate::png(w, h));
    }
    Json(json!({
        "created": "2024-09-01T12:00:00Z",
        "data": [{
            "prompt": prompt,
            "resolution": format!("{w}x{h}"),
            "is_image_safe": !prompt.contains("[unsafe]"),
            "seed": seed,
            "url": format!("{base}/files/{name}"),
            "style_type": "GENERAL"
        }]
    }))
    .into_response()
}

impl FakeIdeogram {
    pub async fn start() -> FakeIdeogram {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/generate", post(generate))
            .route("/v1/ideogram-v3/generate", post(generate_v3))
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
        FakeIdeogram {
            base_url: format!("http://{addr}"),
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
        self.shared
            .lock()
            .expect("fake state")
            .calls
            .get(prompt)
            .copied()
            .unwrap_or(0)
    }
}
