//! A loopback fake of ComfyUI's HTTP API: GET /object_info/CheckpointLoaderSimple lists checkpoints;
//! POST /prompt validates an API-format graph (known checkpoint, latent size a multiple of 8, an output
//! node) and answers `{prompt_id, number, node_errors}` or 400 with `node_errors`; GET /queue lists the
//! prompt as pending on its first look, then running; GET /history/{id} is `{}` until the prompt is
//! done, then lists its SaveImage output; GET /view serves it; POST /queue `{delete}` and POST
//! /interrupt are recorded. The scenario is chosen by markers in the positive prompt (the text feeding
//! KSampler's `positive`): `[node-error]` a node validation error, `[429]` one 429 with Retry-After,
//! `[500]` always 500, `[timeout]`, `[malformed]` a broken /prompt body, `[slow:MS]`, `[polls:N]` not
//! done for N history reads (default 2), `[hold]` running until `release`, `[exec-error]` an
//! execution error, `[oom-once]` a CUDA out-of-memory execution error on the first prompt only,
//! `[lost]` ComfyUI forgets the prompt, `[poll-malformed]` a broken history body, `[url404]` an
//! output file that is missing.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::scenario::{self, Files};

/// The checkpoints the fake has; the built-in workflow uses the first.
pub const CHECKPOINTS: [&str; 2] = ["v1-5-pruned-emaonly.safetensors", "sdxl_base.safetensors"];

struct Queued {
    prompt: String,
    graph: Value,
    width: u32,
    height: u32,
    history_reads: u32,
    submission: u32,
    deleted: bool,
}

#[derive(Default)]
struct Shared {
    graphs: Vec<Value>,
    client_ids: Vec<String>,
    submits: HashMap<String, u32>,
    prompts: HashMap<String, Queued>,
    released: Vec<String>,
    deletes: Vec<String>,
    interrupts: Vec<Value>,
    next: u32,
}

#[derive(Clone)]
struct AppState {
    shared: Arc<Mutex<Shared>>,
    files: Files,
}

#[derive(Clone)]
pub struct FakeComfyUi {
    /// The URL to configure as `COMFYUI_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeComfyUi {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn node_error(node: &str, class: &str, message: &str, details: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({
            "error": { "type": "prompt_outputs_failed_validation",
                       "message": "Prompt outputs failed validation", "details": "", "extra_info": {} },
            "node_errors": { node: { "errors": [{ "type": "value_error", "message": message,
                                                  "details": details, "extra_info": {} }],
                                     "dependent_outputs": [], "class_type": class } }
        })),
    )
        .into_response()
}

/// The text of the CLIPTextEncode feeding KSampler's `positive` input.
fn positive_text(graph: &Value) -> String {
    let nodes = graph.as_object().cloned().unwrap_or_default();
    nodes
        .values()
        .find(|n| n["class_type"] == "KSampler")
        .and_then(|k| k["inputs"]["positive"][0].as_str())
        .and_then(|id| nodes.get(id))
        .and_then(|n| n["inputs"]["text"].as_str())
        .unwrap_or("")
        .to_string()
}

async fn object_info() -> Response {
    Json(json!({ "CheckpointLoaderSimple": { "input": { "required": {
        "ckpt_name": [CHECKPOINTS, {}] } }, "output": ["MODEL", "CLIP", "VAE"] } }))
    .into_response()
}

async fn submit(State(state): State<AppState>, body: String) -> Response {
    let Ok(req) = serde_json::from_str::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "type": "invalid_prompt", "message": "Cannot parse JSON" } })),
        )
            .into_response();
    };
    let graph = req["prompt"].clone();
    let Some(nodes) = graph.as_object() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "type": "invalid_prompt", "message": "the prompt is not a graph" },
                         "node_errors": {} })),
        )
            .into_response();
    };
    let prompt = positive_text(&graph);
    let submission = {
        let mut s = state.shared.lock().expect("fake state");
        s.graphs.push(graph.clone());
        s.client_ids
            .push(req["client_id"].as_str().unwrap_or("").to_string());
        let c = s.submits.entry(prompt.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let (mut width, mut height) = (0, 0);
    for (id, node) in nodes {
        let inputs = &node["inputs"];
        match node["class_type"].as_str().unwrap_or("") {
            "CheckpointLoaderSimple" => {
                let name = inputs["ckpt_name"].as_str().unwrap_or("");
                if !CHECKPOINTS.contains(&name) {
                    return node_error(
                        id,
                        "CheckpointLoaderSimple",
                        "Value not in list",
                        &format!("ckpt_name: '{name}' not in {CHECKPOINTS:?}"),
                    );
                }
            }
            "EmptyLatentImage" => {
                for (k, slot) in [("width", &mut width), ("height", &mut height)] {
                    match inputs[k].as_u64() {
                        Some(v) if v >= 16 && v % 8 == 0 => *slot = v as u32,
                        _ => {
                            return node_error(
                                id,
                                "EmptyLatentImage",
                                "Value not valid",
                                &format!("{k}: {}", inputs[k]),
                            )
                        }
                    }
                }
            }
            "KSampler"
                if !inputs["seed"].is_u64()
                    || !inputs["steps"].is_u64()
                    || !inputs["cfg"].is_number() =>
            {
                return node_error(
                    id,
                    "KSampler",
                    "Failed to convert an input value",
                    "seed, steps and cfg must be numbers",
                );
            }
            _ => {}
        }
    }
    if !nodes.values().any(|n| n["class_type"] == "SaveImage") {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({ "error": { "type": "prompt_no_outputs", "message": "Prompt has no outputs",
                                    "details": "", "extra_info": {} }, "node_errors": {} }),
            ),
        )
            .into_response();
    }
    scenario::delay(&prompt).await;
    if prompt.contains("[node-error]") {
        return node_error("6", "CLIPTextEncode", "Required input is missing", "clip");
    }
    if prompt.contains("[429]") && submission == 1 {
        let mut r = (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if prompt.contains("[500]") {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "500: Internal Server Error",
        )
            .into_response();
    }
    if prompt.contains("[malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"prompt_id\": ",
        )
            .into_response();
    }
    let mut s = state.shared.lock().expect("fake state");
    s.next += 1;
    let number = s.next;
    let id = format!("0000-prompt-{number}");
    s.prompts.insert(
        id.clone(),
        Queued {
            prompt,
            graph,
            width,
            height,
            history_reads: 0,
            submission,
            deleted: false,
        },
    );
    Json(json!({ "prompt_id": id, "number": number, "node_errors": {} })).into_response()
}

/// Whether the prompt is finished after this many history reads.
fn finished(q: &Queued, released: bool) -> bool {
    let pending_for = scenario::marker_num(&q.prompt, "polls").unwrap_or(2) as u32;
    !q.prompt.contains("[lost]")
        && !q.deleted
        && if q.prompt.contains("[hold]") {
            released
        } else {
            q.history_reads > pending_for
        }
}

async fn history(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let mut s = state.shared.lock().expect("fake state");
    let released = s.released.contains(&id);
    let Some(q) = s.prompts.get_mut(&id) else {
        return Json(json!({})).into_response();
    };
    q.history_reads += 1;
    if q.prompt.contains("[poll-malformed]") {
        return (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"0000-prompt",
        )
            .into_response();
    }
    if !finished(q, released) {
        return Json(json!({})).into_response();
    }
    let failure = if q.prompt.contains("[exec-error]") {
        Some("Error while deserializing header: HeaderTooLarge")
    } else if q.prompt.contains("[oom-once]") && q.submission == 1 {
        Some("CUDA out of memory. Tried to allocate 1.50 GiB")
    } else {
        None
    };
    if let Some(message) = failure {
        return Json(json!({ id.clone(): {
            "prompt": [1, id, q.graph, {}, ["9"]],
            "outputs": {},
            "status": { "status_str": "error", "completed": false, "messages": [
                ["execution_start", { "prompt_id": id }],
                ["execution_error", { "prompt_id": id, "node_id": "4",
                    "node_type": "CheckpointLoaderSimple", "exception_message": message,
                    "exception_type": "RuntimeError", "traceback": [] }]
            ] }
        } }))
        .into_response();
    }
    let name = format!("pixel-studio_{id}_.png");
    if !q.prompt.contains("[url404]") {
        state.files.put(&name, crate::png(q.width, q.height));
    }
    // The output node's id in whatever graph was sent.
    let save = q
        .graph
        .as_object()
        .and_then(|n| n.iter().find(|(_, v)| v["class_type"] == "SaveImage"))
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| "9".into());
    Json(json!({ id.clone(): {
        "prompt": [1, id, q.graph, {}, [save]],
        "outputs": { save: { "images": [
            { "filename": name, "subfolder": "", "type": "output" }
        ] } },
        "status": { "status_str": "success", "completed": true, "messages": [] },
        "meta": {}
    } }))
    .into_response()
}

async fn queue(State(state): State<AppState>) -> Response {
    let s = state.shared.lock().expect("fake state");
    let mut running = Vec::new();
    let mut pending = Vec::new();
    for (id, q) in &s.prompts {
        if q.prompt.contains("[lost]") || q.deleted || finished(q, s.released.contains(id)) {
            continue;
        }
        let item = json!([1, id, {}, {}, ["9"]]);
        if q.history_reads <= 1 && !q.prompt.contains("[hold]") {
            pending.push(item);
        } else {
            running.push(item);
        }
    }
    Json(json!({ "queue_running": running, "queue_pending": pending })).into_response()
}

async fn queue_edit(State(state): State<AppState>, Json(body): Json<Value>) -> Response {
    let mut s = state.shared.lock().expect("fake state");
    for id in body["delete"].as_array().into_iter().flatten() {
        if let Some(id) = id.as_str() {
            if let Some(q) = s.prompts.get_mut(id) {
                q.deleted = true;
            }
            s.deletes.push(id.to_string());
        }
    }
    StatusCode::OK.into_response()
}

async fn interrupt(State(state): State<AppState>, body: String) -> Response {
    let v = serde_json::from_str::<Value>(&body).unwrap_or(Value::Null);
    state.shared.lock().expect("fake state").interrupts.push(v);
    StatusCode::OK.into_response()
}

async fn view(State(state): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("type").map(String::as_str) != Some("output")
        || q.get("subfolder").is_some_and(|s| !s.is_empty())
    {
        return (StatusCode::NOT_FOUND, "404: Not Found").into_response();
    }
    let name = q.get("filename").cloned().unwrap_or_default();
    scenario::serve_file(State(state.files), Path(name)).await
}

impl FakeComfyUi {
    pub async fn start() -> FakeComfyUi {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let files = Files::default();
        let app = Router::new()
            .route("/object_info/{node}", get(object_info))
            .route("/prompt", post(submit))
            .route("/history/{id}", get(history))
            .route("/queue", get(queue).post(queue_edit))
            .route("/interrupt", post(interrupt))
            .route("/view", get(view))
            .with_state(AppState {
                shared: shared.clone(),
                files,
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeComfyUi {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Every graph queued (or refused), in order.
    pub fn graphs(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").graphs.clone()
    }

    /// The client ids sent with each /prompt.
    pub fn client_ids(&self) -> Vec<String> {
        self.shared.lock().expect("fake state").client_ids.clone()
    }

    /// How many times a (positive) prompt was queued.
    pub fn submits(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.submits.get(prompt).copied().unwrap_or(0)
    }

    /// How many times the history of this prompt's prompts was read.
    pub fn history_reads(&self, prompt: &str) -> u32 {
        let s = self.shared.lock().expect("fake state");
        s.prompts
            .values()
            .filter(|q| q.prompt == prompt)
            .map(|q| q.history_reads)
            .sum()
    }

    /// How many queue deletions named this prompt's prompts.
    pub fn deletes(&self, prompt: &str) -> usize {
        let s = self.shared.lock().expect("fake state");
        s.deletes
            .iter()
            .filter(|id| s.prompts.get(*id).is_some_and(|q| q.prompt == prompt))
            .count()
    }

    /// The bodies of the interrupt calls received.
    pub fn interrupts(&self) -> Vec<Value> {
        self.shared.lock().expect("fake state").interrupts.clone()
    }

    /// Lets every `[hold]` prompt with this text finish.
    pub fn release(&self, prompt: &str) {
        let mut s = self.shared.lock().expect("fake state");
        let ids: Vec<String> = s
            .prompts
            .iter()
            .filter(|(_, q)| q.prompt == prompt)
            .map(|(id, _)| id.clone())
            .collect();
        s.released.extend(ids);
    }
}
