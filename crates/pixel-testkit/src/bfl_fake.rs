//! A loopback fake of Black Forest Labs as documented in 2026-12: POST /v1/{flux-pro-1.1,flux-dev} ->
//! `{id, polling_url}`, then GET on the polling URL (a regional `/us1/v1/get_result?id=`) answering
//! Pending (with progress) a few times before Ready with a `sample` URL; `/v1/get_result?id=` outside
//! the region answers `Task not found`. `[foreign-poll]` gives a polling URL on another host.
//! Scenarios by prompt marker. At submit: `[402]` out of credits, `[422]` validation error, `[429]` one
//! 429 with Retry-After, `[500]` always 500, `[500once]`, `[timeout]`, `[malformed]` a broken `{id}`
//! body, `[slow:MS]`. While polling: `[polls:N]` Pending N times (default 2), `[hold]` Pending until
//! `release`, `[request-moderated]`, `[content-moderated]`, `[error]` (Error on the first task only),
//! `[lost]` Task not found, `[poll-malformed]` a broken poll body, `[url404]` a sample URL that 404s.
//! GET /v1/credits answers the account's credits, which each task accepted spends (flux-dev 2.5,
//! flux-pro-1.1 4); a task the credits do not cover is refused with 402.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

pub const FAKE_KEY: &str = "bfl-test-key";

struct Task {
    prompt: String,
    width: u32,
    height: u32,
    seed: u64,
    polls: u32,
    /// Which submission of this prompt created the task (1 for the first).
    submission: u32,
}

#[derive(Default)]
struct Shared {
    requests: Vec<Value>,
    submits: HashMap<String, u32>,
    polls: HashMap<String, u32>,
    tasks: HashMap<String, Task>,
    released: Vec<String>,
    base: String,
    /// The account's credits (1 credit = 1 US cent): a task charges its model's price at submit.
    credits: f64,
}

/// Credits a task of each model costs, as BFL prices them.
fn price(model: &str) -> f64 {
    if model == "flux-dev" {
        2.5
    } else {
        4.0
    }
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeBfl {
    /// The base URL to configure as `BFL_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeBfl {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn detail(status: StatusCode, detail: Value) -> Response {
    (status, Json(json!({ "detail": detail }))).into_response()
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("x-key").and_then(|v| v.to_str().ok()) == Some(FAKE_KEY)
}

fn validation(field: &str, msg: &str) -> Response {
    detail(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!([{ "loc": ["body", field], "msg": msg, "type": "value_error" }]),
    )
}

/// GET /v1/credits: `{"credits": number}`, the account's balance.
async fn credits(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorised(&headers) {
        return detail(
            StatusCode::FORBIDDEN,
            json!("Not authenticated - Invalid Authentication"),
        );
    }
    let credits = state.shared.lock().expect("fake state").credits;
    Json(json!({ "credits": credits })).into_response()
}

async fn submit(
    State(state): State<AppState>,
    Path(model): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if !authorised(&headers) {
        return detail(
            StatusCode::FORBIDDEN,
            json!("Not authenticated - Invalid Authentication"),
        );
    }
    if !["flux-pro-1.1", "flux-dev"].contains(&model.as_str()) {
        return detail(StatusCode::NOT_FOUND, json!("Not Found"));
    }
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return validation("body", "JSON decode error");
    };
    let prompt = req["prompt"].as_str().unwrap_or("").to_string();
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.requests.push(json!({ "model": model, "body": req }));
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let allowed: &[&str] = if model == "flux-dev" {
        &[
            "prompt",
            "width",
            "height",
            "seed",
            "steps",
            "guidance",
            "prompt_upsampling",
            "safety_tolerance",
            "output_format",
        ]
    } else {
        &[
            "prompt",
            "width",
            "height",
            "seed",
            "prompt_upsampling",
            "safety_tolerance",
            "output_format",
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
    let dim = |k: &str| req[k].as_u64().unwrap_or(1024) as u32;
    let (width, height) = (dim("width"), dim("height"));
    for (k, v) in [("width", width), ("height", height)] {
        if !(256..=1440).contains(&v) || v % 32 != 0 {
            return validation(k, "must be a multiple of 32 between 256 and 1440");
        }
    }
    if let Some(steps) = req.get("steps") {
        if !steps.as_u64().is_some_and(|s| (1..=50).contains(&s)) {
            return validation("steps", "must be 1–50");
        }
    }
    if let Some(g) = req.get("guidance") {
        if !g.as_f64().is_some_and(|g| (1.5..=5.0).contains(&g)) {
            return validation("guidance", "must be 1.5–5");
        }
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[402]") {
        return detail(StatusCode::PAYMENT_REQUIRED, json!("Insufficient credits"));
    }
    if prompt.contains("[422]") {
        return validation("prompt", "the prompt could not be processed");
    }
    if prompt.contains("[429]") && submission == 1 {
        let mut r = detail(
            StatusCode::TOO_MANY_REQUESTS,
            json!("You have too many active tasks. Please wait for some to finish."),
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") || (prompt.contains("[500once]") && submission == 1) {
        return detail(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!("Internal Server Error"),
        );
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"id\": ",
        )
            .into_response();
    }
    {
        let mut s = state.shared.lock().expect("fake state");
        if s.credits < price(&model) {
            return detail(StatusCode::PAYMENT_REQUIRED, json!("Insufficient credits"));
        }
        s.credits -= price(&model);
    }
    let id = format!(
        "task-{}-{submission}",
        state.shared.lock().expect("fake state").tasks.len() + 1
    );
    state.shared.lock().expect("fake state").tasks.insert(
        id.clone(),
        Task {
            prompt,
            width,
            height,
            seed: req["seed"].as_u64().unwrap_or(777),
            polls: 0,
            submission,
        },
    );
    let base = state.shared.lock().expect("fake state").base.clone();
    // The task lives in one region: only its polling URL finds it. `[foreign-poll]` answers a polling
    // URL on another host, which a client must not send its key to.
    let polling_url = if prompt_of(&state, &id).contains("[foreign-poll]") {
        format!("http://127.0.0.2:9/us1/v1/get_result?id={id}")
    } else {
        format!("{base}/us1/v1/get_result?id={id}")
    };
    Json(json!({ "id": id, "polling_url": polling_url })).into_response()
}

fn prompt_of(state: &AppState, id: &str) -> String {
    state
        .shared
        .lock()
        .expect("fake state")
        .tasks
        .get(id)
        .map(|t| t.prompt.clone())
        .unwrap_or_default()
}

/// `get_result` by id outside the task's region, as the global endpoint answers it.
async fn get_result_elsewhere(Query(q): Query<HashMap<String, String>>) -> Response {
    let id = q.get("id").cloned().unwrap_or_default();
    Json(json!({ "id": id, "status": "Task not found", "result": null, "progress": null }))
        .into_response()
}

async fn get_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !authorised(&headers) {
        return detail(
            StatusCode::FORBIDDEN,
            json!("Not authenticated - Invalid Authentication"),
        );
    }
    let id = q.get("id").cloned().unwrap_or_default();
    let status = |s: &str| {
        Json(json!({ "id": id, "status": s, "result": null, "progress": null })).into_response()
    };
    let (prompt, polls, submission, width, height, seed, released, base) = {
        let mut s = state.shared.lock().expect("fake state");
        let released = s.released.contains(&id);
        let base = s.base.clone();
        let Some(task) = s.tasks.get_mut(&id) else {
            return status("Task not found");
        };
        task.polls += 1;
        let out = (
            task.prompt.clone(),
            task.polls,
            task.submission,
            task.width,
            task.height,
            task.seed,
            released,
            base,
        );
        *s.polls.entry(out.0.clone()).or_insert(0) += 1;
        out
    };
    let pending_for = scenario::marker_num(&prompt, "polls").unwrap_or(2) as u32;
    if prompt.contains("[poll-malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"status\": \"Rea",
        )
            .into_response();
    }
    if prompt.contains("[lost]") {
        return status("Task not found");
    }
    if prompt.contains("[request-moderated]") {
        return status("Request Moderated");
    }
    if (prompt.contains("[hold]") && !released) || polls <= pending_for {
        let progress = (f64::from(polls) / f64::from(pending_for + 1)).min(0.99);
        return Json(
            json!({ "id": id, "status": "Pending", "result": null, "progress": progress }),
        )
        .into_response();
    }
    if prompt.contains("[content-moderated]") {
        return status("Content Moderated");
    }
    if prompt.contains("[error]") && submission == 1 {
        return status("Error");
    }
    let name = format!("{id}.png");
    if !prompt.contains("[url404]") {
        state.files.put(&name, crate::png(width, height));
    }
    Json(json!({
        "id": id,
        "status": "Ready",
        "result": {
            "sample": format!("{base}/files/{name}"),
            "prompt": prompt,
            "seed": seed,
            "start_time": 1_700_000_000.0,
            "end_time": 1_700_000_004.5,
            "duration": 4.5
        },
        "progress": null
    }))
    .into_response()
}

impl FakeBfl {
    pub async fn start() -> FakeBfl {
        let shared = Arc::new(Mutex::new(Shared {
            credits: 1000.0,
            ..Shared::default()
        }));
        let files = Files::default();
        let app = Router::new()
            .route("/v1/credits", get(credits))
            .route("/us1/v1/get_result", get(get_result))
            .route("/v1/get_result", get(get_result_elsewhere))
            .route("/v1/{model}", post(submit))
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
        FakeBfl {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every submission received (`{model, body}`), in order.
    pub fn requests(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").requests.clone()
    }

    /// The account's credits now.
    pub fn credits(&self) -> f64 {
        self.shared.lock().expect("fake state").credits
    }

    /// Sets the account's credits.
    pub fn set_credits(&self, credits: f64) {
        self.shared.lock().expect("fake state").credits = credits;
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

    /// Lets every `[hold]` task of this prompt become Ready.
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
