//! A loopback fake of Stability's multipart POST /v2beta/stable-image/generate/{sd3,core,ultra}, checking
//! fields against the documented values and answering raw image bytes with `seed` and `finish-reason`
//! headers. Scenarios by prompt marker: `[moderated]` 403 content_moderation, `[filtered]` 200 with
//! `finish-reason: CONTENT_FILTERED`, `[400]` bad_request, `[429]` one 429 with Retry-After then
//! success, `[500]` always 500, `[500once]` one 500, `[timeout]`, `[malformed]` a 200 that is not an
//! image, `[slow:MS]`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario;

pub const FAKE_KEY: &str = "sk-stability-test";

/// The documented aspect ratios and the sizes the service returns for them.
const ASPECTS: [(&str, u32, u32); 9] = [
    ("21:9", 1536, 640),
    ("16:9", 1344, 768),
    ("3:2", 1216, 832),
    ("5:4", 1152, 896),
    ("1:1", 1024, 1024),
    ("4:5", 896, 1152),
    ("2:3", 832, 1216),
    ("9:16", 768, 1344),
    ("9:21", 640, 1536),
];
const PRESETS: [&str; 17] = [
    "3d-model",
    "analog-film",
    "anime",
    "cinematic",
    "comic-book",
    "digital-art",
    "enhance",
    "fantasy-art",
    "isometric",
    "line-art",
    "low-poly",
    "modeling-compound",
    "neon-punk",
    "origami",
    "photographic",
    "pixel-art",
    "tile-texture",
];
const SD3_MODELS: [&str; 3] = ["sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium"];

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    calls: HashMap<String, u32>,
    credits: f64,
}

#[derive(Clone)]
pub struct FakeStability {
    /// The base URL to configure as `STABILITY_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeStability {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn error(status: StatusCode, name: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "id": "err-fake-1", "name": name, "errors": [message] })),
    )
        .into_response()
}

async fn generate(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    if header("authorization") != format!("Bearer {FAKE_KEY}") {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authorization: invalid or missing API key",
        );
    }
    if !["sd3", "core", "ultra"].contains(&endpoint.as_str()) {
        return error(StatusCode::NOT_FOUND, "not_found", "unknown endpoint");
    }
    if header("accept") != "image/*" {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "accept: this fake only serves `image/*`",
        );
    }
    let Some(fields) = scenario::multipart_fields(&header("content-type"), &body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the request must be multipart/form-data",
        );
    };
    let mut record = Map::new();
    record.insert("endpoint".into(), json!(endpoint));
    for (k, v) in &fields {
        record.insert(k.clone(), json!(v));
    }
    let get = |k: &str| record.get(k).and_then(Value::as_str).map(str::to_string);
    let prompt = get("prompt").unwrap_or_default();
    let call = {
        let mut s = shared.lock().expect("fake state");
        s.requests.push(Value::Object(record.clone()));
        let c = s.calls.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    // Validation follows the documented field rules, so a client bug shows up as the real 400 would.
    let known = [
        "prompt",
        "model",
        "aspect_ratio",
        "output_format",
        "seed",
        "negative_prompt",
        "style_preset",
        "mode",
    ];
    if let Some((k, _)) = fields.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("{k}: unknown field"),
        );
    }
    if prompt.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "prompt: cannot be empty",
        );
    }
    let ratio = get("aspect_ratio").unwrap_or_else(|| "1:1".into());
    let Some((_, w, h)) = ASPECTS.iter().find(|(r, _, _)| *r == ratio) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("aspect_ratio: must be one of the documented ratios; got {ratio}"),
        );
    };
    let model = get("model");
    if endpoint == "sd3" {
        match model.as_deref() {
            Some(m) if SD3_MODELS.contains(&m) => {}
            other => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    &format!("model: must be one of {SD3_MODELS:?}; got {other:?}"),
                )
            }
        }
    }
    if model.as_deref() == Some("sd3.5-large-turbo") && get("negative_prompt").is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "negative_prompt: does not work with sd3.5-large-turbo",
        );
    }
    if let Some(p) = get("style_preset") {
        if !PRESETS.contains(&p.as_str()) {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                &format!("style_preset: unknown preset {p}"),
            );
        }
    }
    let seed = match get("seed").map(|s| s.parse::<u64>()) {
        None => 0,
        Some(Ok(s)) if s <= 4_294_967_294 => s,
        Some(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "seed: must be 0–4294967294",
            )
        }
    };
    if !matches!(
        get("output_format").as_deref(),
        None | Some("png" | "jpeg" | "webp")
    ) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "output_format: must be png, jpeg or webp",
        );
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[moderated]") {
        return error(
            StatusCode::FORBIDDEN,
            "content_moderation",
            "Your request was flagged by our content moderation system.",
        );
    }
    if prompt.contains("[400]") {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "prompt: contains words the model cannot render",
        );
    }
    if prompt.contains("[429]") && call == 1 {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            "You have exceeded the rate limit of 150 requests within a 10 second period.",
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && call == 1) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "An unexpected server error occurred.",
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"image\": ",
        )
            .into_response();
    }
    // Seed 0 asks the service to pick one; it reports the seed it used.
    let used_seed = if seed == 0 { 123_456 } else { seed };
    let finish = if prompt.contains("[filtered]") {
        "CONTENT_FILTERED"
    } else {
        "SUCCESS"
    };
    (
        StatusCode::OK,
        [
            ("content-type", "image/png".to_string()),
            ("seed", used_seed.to_string()),
            ("finish-reason", finish.to_string()),
        ],
        crate::png(*w, *h),
    )
        .into_response()
}

impl FakeStability {
    pub async fn start() -> FakeStability {
        let shared = Arc::new(Mutex::new(Shared {
            credits: 42.5,
            ..Shared::default()
        }));
        let app = Router::new()
            .route("/v2beta/stable-image/generate/{endpoint}", post(generate))
            .route("/v1/user/balance", axum::routing::get(balance))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeStability {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every request received (its endpoint and form fields), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// Sets the credits GET /v1/user/balance reports.
    pub fn set_credits(&self, credits: f64) {
        self.shared.lock().expect("fake state").credits = credits;
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

/// GET /v1/user/balance: the account's credits (documented as `{"credits": number}`).
async fn balance(
    axum::extract::State(shared): axum::extract::State<Arc<Mutex<Shared>>>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth != format!("Bearer {FAKE_KEY}") {
        return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(serde_json::json!({ "name": "unauthorized", "errors": ["missing or invalid API key"] }))).into_response();
    }
    let credits = shared.lock().expect("fake state").credits;
    axum::Json(serde_json::json!({ "credits": credits })).into_response()
}
