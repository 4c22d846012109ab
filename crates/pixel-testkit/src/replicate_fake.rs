//! A loopback fake of Replicate's predictions API: POST /v1/predictions `{version, input}` -> a
//! prediction, GET /v1/predictions/{id} answering `starting`, then `processing` with tqdm `logs`, then
//! `succeeded` with a list of output URLs; POST /v1/predictions/{id}/cancel. Scenarios by prompt
//! marker. At submit: `[402]` out of credit, `[422]` a validation error, `[429]` one 429 with
//! Retry-After, `[500]` always 500, `[timeout]`, `[malformed]` a broken body, `[slow:MS]`. While
//! polling: `[polls:N]` not done N times (default 2), `[hold]` processing until `release`,
//! `[moderated]` failed with the safety checker's NSFW error, `[failed]` failed on the first
//! prediction only, `[aborted]` aborted (deadline passed) on the first prediction only, `[lost]` 404 for
//! the prediction, `[poll-malformed]` a broken body, `[url404]` an
//! output URL that 404s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_TOKEN: &str = "r8_test_token";

const PLAYGROUND: &str = "a45f82a1382bed5c7aeb861dac7c7d191b0fdf74d8d57c4a0e6ed7d4d0bf7d24";
const KANDINSKY: &str = "ad9d7879fbffa2874e1d909d1d37d9bc682889cc65b31f7bb00d2362619f194a";
const KANDINSKY_SIZES: [u64; 13] = [
    384, 512, 576, 640, 704, 768, 960, 1024, 1152, 1280, 1536, 1792, 2048,
];

struct Prediction {
    prompt: String,
    version: String,
    input: Value,
    polls: u32,
    submission: u32,
    canceled: bool,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    submits: HashMap<String, u32>,
    polls: HashMap<String, u32>,
    predictions: HashMap<String, Prediction>,
    released: Vec<String>,
    cancels: Vec<String>,
    /// Versions deleted by their owner (404 on the versions endpoint).
    deleted_versions: Vec<String>,
    base: String,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeReplicate {
    /// The base URL to configure as `REPLICATE_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeReplicate {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    (
        status,
        [("content-type", "application/problem+json")],
        Json(json!({ "title": title, "detail": detail, "status": status.as_u16() })),
    )
        .into_response()
}

fn invalid(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Input validation failed",
        detail,
    )
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(format!("Bearer {FAKE_TOKEN}").as_str())
}

fn unauthenticated() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "Unauthenticated",
        "You did not pass a valid authentication token",
    )
}

/// The prediction object as the API shows it.
fn view(base: &str, id: &str, p: &Prediction, status: &str, extra: Value) -> Value {
    let mut v = json!({
        "id": id,
        "version": p.version,
        "input": p.input,
        "status": status,
        "output": null,
        "error": null,
        "logs": "",
        "urls": {
            "get": format!("{base}/v1/predictions/{id}"),
            "cancel": format!("{base}/v1/predictions/{id}/cancel")
        }
    });
    if let (Some(obj), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in extra {
            obj.insert(k.clone(), val.clone());
        }
    }
    v
}

async fn create(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    if !authorised(&headers) {
        return unauthenticated();
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return problem(StatusCode::BAD_REQUEST, "Bad request", "invalid JSON");
    };
    let version = req["version"].as_str().unwrap_or("").to_string();
    let input = req["input"].clone();
    let prompt = input["prompt"].as_str().unwrap_or("").to_string();
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(req.clone());
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    if version != PLAYGROUND && version != KANDINSKY {
        return invalid("Invalid version or not permitted");
    }
    if prompt.is_empty() {
        return invalid("- input: prompt is required");
    }
    for k in ["width", "height"] {
        let v = input[k].as_u64().unwrap_or(0);
        let ok = if version == KANDINSKY {
            KANDINSKY_SIZES.contains(&v)
        } else {
            (256..=1536).contains(&v)
        };
        if !ok {
            return invalid(&format!("- input.{k}: {k} is not allowed: {v}"));
        }
    }
    if version == KANDINSKY && input.get("guidance_scale").is_some() {
        return invalid("- input: Additional property guidance_scale is not allowed");
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[402]") {
        return problem(
            StatusCode::PAYMENT_REQUIRED,
            "Insufficient credit",
            "You have insufficient credit to run this model. Go to https://replicate.com/account/billing to purchase credit.",
        );
    }
    if prompt.contains("[422]") {
        return invalid("- input.prompt: the prompt could not be processed");
    }
    if prompt.contains("[429]") && submission == 1 {
        let mut r = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "Request was throttled",
            "Request was throttled. Expected available in 1 second.",
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") {
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            "",
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::CREATED,
            [("content-type", "application/json")],
            "{\"id\": ",
        )
            .into_response();
    }
    let mut s = state.shared.lock().expect("fake state");
    let id = format!("pred{}n{submission}", s.predictions.len() + 1);
    let p = Prediction {
        prompt,
        version,
        input,
        polls: 0,
        submission,
        canceled: false,
    };
    let body = view(&s.base, &id, &p, "starting", json!({}));
    s.predictions.insert(id, p);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn get_prediction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthenticated();
    }
    let mut s = state.shared.lock().expect("fake state");
    let released = s.released.contains(&id);
    let base = s.base.clone();
    let Some(p) = s.predictions.get_mut(&id) else {
        return problem(StatusCode::NOT_FOUND, "Not found", "Not found.");
    };
    p.polls += 1;
    let (polls, prompt) = (p.polls, p.prompt.clone());
    let pending_for = scenario::marker_num(&prompt, "polls").unwrap_or(2) as u32;
    let answer = if prompt.contains("[poll-malformed]") {
        None
    } else if prompt.contains("[lost]") {
        Some(Err(()))
    } else if p.canceled {
        Some(Ok(view(&base, &id, p, "canceled", json!({}))))
    } else if prompt.contains("[aborted]") && p.submission == 1 {
        Some(Ok(view(&base, &id, p, "aborted", json!({}))))
    } else if prompt.contains("[failed]") && p.submission == 1 {
        Some(Ok(view(
            &base,
            &id,
            p,
            "failed",
            json!({ "error": "CUDA error: out of memory" }),
        )))
    } else if polls == 1 && pending_for > 0 {
        Some(Ok(view(&base, &id, p, "starting", json!({}))))
    } else if (prompt.contains("[hold]") && !released) || polls <= pending_for {
        let pct = (polls * 100 / (pending_for + 1)).min(99);
        let logs = format!(
            "Using seed: {}\n  0%|          | 0/25 [00:00<?, ?it/s]\n{pct:>3}%|████      | {}/25 [00:01<00:02]\n",
            p.input["seed"], pct / 4
        );
        Some(Ok(view(
            &base,
            &id,
            p,
            "processing",
            json!({ "logs": logs }),
        )))
    } else if prompt.contains("[moderated]") {
        Some(Ok(view(
            &base,
            &id,
            p,
            "failed",
            json!({ "error": "NSFW content detected. Try running it again, or try a different prompt." }),
        )))
    } else {
        let name = format!("{id}.png");
        let (w, h) = (
            p.input["width"].as_u64().unwrap_or(64) as u32,
            p.input["height"].as_u64().unwrap_or(64) as u32,
        );
        if !prompt.contains("[url404]") {
            state.files.put(&name, crate::png(w, h));
        }
        Some(Ok(view(
            &base,
            &id,
            p,
            "succeeded",
            json!({ "output": [format!("{base}/files/{name}")], "metrics": { "predict_time": 1.2 } }),
        )))
    };
    *s.polls.entry(prompt).or_insert(0) += 1;
    match answer {
        None => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"status\": \"succ",
        )
            .into_response(),
        Some(Err(())) => problem(StatusCode::NOT_FOUND, "Not found", "Not found."),
        Some(Ok(v)) => Json(v).into_response(),
    }
}

async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthenticated();
    }
    let mut s = state.shared.lock().expect("fake state");
    let base = s.base.clone();
    let Some(p) = s.predictions.get_mut(&id) else {
        return problem(StatusCode::NOT_FOUND, "Not found", "Not found.");
    };
    p.canceled = true;
    let body = view(&base, &id, p, "canceled", json!({}));
    s.cancels.push(id);
    Json(body).into_response()
}

/// GET /v1/models/{owner}/{name}/versions/{id}: the version, or 404 when it is unknown or deleted.
async fn get_version(
    State(state): State<AppState>,
    Path((owner, name, version)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return unauthenticated();
    }
    let known = matches!(
        (owner.as_str(), name.as_str(), version.as_str()),
        (
            "playgroundai",
            "playground-v2.5-1024px-aesthetic",
            PLAYGROUND
        ) | ("ai-forever", "kandinsky-2.2", KANDINSKY)
    );
    let deleted = state
        .shared
        .lock()
        .expect("fake state")
        .deleted_versions
        .contains(&version);
    if !known || deleted {
        return problem(StatusCode::NOT_FOUND, "Not found", "Not found.");
    }
    Json(
        json!({ "id": version, "created_at": "2024-01-01T00:00:00Z", "cog_version": "0.9.4",
                 "openapi_schema": {} }),
    )
    .into_response()
}

impl FakeReplicate {
    /// The model's owner deletes this version.
    pub fn delete_version(&self, version: &str) {
        self.shared
            .lock()
            .expect("fake state")
            .deleted_versions
            .push(version.to_string());
    }

    pub async fn start() -> FakeReplicate {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/v1/predictions", post(create))
            .route("/v1/predictions/{id}", get(get_prediction))
            .route("/v1/predictions/{id}/cancel", post(cancel))
            .route(
                "/v1/models/{owner}/{name}/versions/{version}",
                get(get_version),
            )
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
        FakeReplicate {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every create request received (`{version, input}`), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// How many predictions were requested for a prompt.
    pub fn submits(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.submits.get(prompt).copied().unwrap_or(0)
    }

    /// How many times the predictions of a prompt were polled.
    pub fn polls(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.polls.get(prompt).copied().unwrap_or(0)
    }

    /// How many cancel calls reached the predictions of a prompt.
    pub fn cancels(&self, prompt: &str) -> usize {
        let s = self.shared.lock().expect("fake state");
        s.cancels
            .iter()
            .filter(|id| s.predictions.get(*id).is_some_and(|p| p.prompt == prompt))
            .count()
    }

    /// Lets every `[hold]` prediction of this prompt succeed.
    pub fn release(&self, prompt: &str) {
        let mut s = self.shared.lock().expect("fake state");
        let ids: Vec<String> = s
            .predictions
            .iter()
            .filter(|(_, p)| p.prompt == prompt)
            .map(|(id, _)| id.clone())
            .collect();
        s.released.extend(ids);
    }
}
