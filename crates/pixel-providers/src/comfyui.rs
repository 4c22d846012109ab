//! ComfyUI on the user's own machine (catalogue model `comfyui`): a txt2img workflow in ComfyUI's API
//! format (the built-in CheckpointLoaderSimple -> CLIPTextEncode x2 -> EmptyLatentImage -> KSampler ->
//! VAEDecode -> SaveImage graph, or the user's own template with `{{placeholder}}` strings) is queued
//! with POST /prompt; the prompt id is persisted; GET /history/{id} (and GET /queue while it is not
//! there yet) is polled until outputs appear; GET /view fetches the image. A cancelled job removes its
//! prompt from the queue and interrupts it. ComfyUI has no authentication: keep it on loopback.
//! Routes: https://docs.comfy.org/development/comfyui-server/comms_routes (`/prompt`, `/history`,
//! `/queue`, `/interrupt`, `/view`, `/object_info`).

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use serde_json::{json, Value};
use std::time::Duration;

use crate::http;
use crate::poll::Polling;
use crate::remote::CancelOnDrop;

const NAME: &str = "ComfyUI";

/// The catalogue model this engine serves.
pub const MODEL_ID: &str = "comfyui";

/// The placeholders a user template may use. A string that is exactly one placeholder becomes the
/// value itself (a number for seed, size, steps and CFG); inside longer strings it is replaced as text.
pub const PLACEHOLDERS: [&str; 8] = [
    "prompt",
    "negative_prompt",
    "seed",
    "width",
    "height",
    "steps",
    "cfg",
    "checkpoint",
];

pub struct ComfyUi {
    base_url: Option<String>,
    checkpoint: Option<String>,
    /// The user's template, or why it could not be loaded (reported on every job, not swallowed).
    template: Option<Result<Value, String>>,
    client: reqwest::Client,
    polling: Polling,
}

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: "ComfyUI sent a response that could not be read".into(),
        retry_after: None,
    }
}

/// The values a workflow is filled with.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    pub prompt: String,
    pub negative_prompt: String,
    pub seed: u32,
    pub width: u32,
    pub height: u32,
    pub steps: u32,
    pub cfg: f32,
    pub checkpoint: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<Value> {
        Some(match name {
            "prompt" => json!(self.prompt),
            "negative_prompt" => json!(self.negative_prompt),
            "seed" => json!(self.seed),
            "width" => json!(self.width),
            "height" => json!(self.height),
            "steps" => json!(self.steps),
            // Through f64 so 6.5 stays 6.5 rather than 6.5000000001-style f32 noise.
            "cfg" => json!((f64::from(self.cfg) * 1000.0).round() / 1000.0),
            "checkpoint" => json!(self.checkpoint),
            _ => return None,
        })
    }
}

/// Maps catalogue parameters to workflow values (ComfyUI's usual defaults: 20 steps, CFG 7).
pub fn values(
    params: &pixel_core::GenerationParams,
    seed: u32,
    checkpoint: &str,
) -> Result<Values, ProviderError> {
    if params.model != MODEL_ID {
        return Err(rejected(format!(
            "ComfyUI serves '{MODEL_ID}', not '{}'",
            params.model
        )));
    }
    if params.quality.is_some() || params.style.is_some() {
        return Err(rejected("ComfyUI takes no quality or style".into()));
    }
    for (name, v) in [("width", params.width), ("height", params.height)] {
        if v % 8 != 0 {
            return Err(rejected(format!(
                "ComfyUI {name} must be a multiple of 8; got {v}"
            )));
        }
    }
    Ok(Values {
        prompt: params.prompt.clone(),
        negative_prompt: params.negative_prompt.clone().unwrap_or_default(),
        seed,
        width: params.width,
        height: params.height,
        steps: params.steps.unwrap_or(20),
        cfg: params.cfg.unwrap_or(7.0),
        checkpoint: checkpoint.to_string(),
    })
}

/// The built-in txt2img graph in API format.
pub fn builtin_workflow(v: &Values) -> Value {
    json!({
        "4": { "class_type": "CheckpointLoaderSimple", "inputs": { "ckpt_name": v.checkpoint } },
        "5": { "class_type": "EmptyLatentImage",
               "inputs": { "width": v.width, "height": v.height, "batch_size": 1 } },
        "6": { "class_type": "CLIPTextEncode", "inputs": { "text": v.prompt, "clip": ["4", 1] } },
        "7": { "class_type": "CLIPTextEncode",
               "inputs": { "text": v.negative_prompt, "clip": ["4", 1] } },
        "3": { "class_type": "KSampler", "inputs": {
            "seed": v.seed, "steps": v.steps, "cfg": v.get("cfg"), "sampler_name": "euler",
            "scheduler": "normal", "denoise": 1.0,
            "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]
        } },
        "8": { "class_type": "VAEDecode", "inputs": { "samples": ["3", 0], "vae": ["4", 2] } },
        "9": { "class_type": "SaveImage",
               "inputs": { "filename_prefix": "pixel-studio", "images": ["8", 0] } }
    })
}

/// Checks a user template: an API-format graph (`{id: {class_type, inputs}}`) that uses `{{prompt}}`
/// and no unknown placeholder. Returns the template or a message for the user.
pub fn check_template(text: &str) -> Result<Value, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("the ComfyUI template is not JSON: {e}"))?;
    let nodes = v.as_object().ok_or(
        "the ComfyUI template must be an API-format workflow (Save (API Format) in ComfyUI)",
    )?;
    if nodes.is_empty()
        || !nodes
            .values()
            .all(|n| n["class_type"].is_string() && n["inputs"].is_object())
    {
        return Err(
            "the ComfyUI template must be an API-format workflow: every node needs class_type and inputs"
                .into(),
        );
    }
    let mut used = Vec::new();
    collect_placeholders(&v, &mut used);
    if let Some(unknown) = used.iter().find(|p| !PLACEHOLDERS.contains(&p.as_str())) {
        return Err(format!(
            "the ComfyUI template uses an unknown placeholder {{{{{unknown}}}}}; known: {}",
            PLACEHOLDERS.join(", ")
        ));
    }
    if !used.iter().any(|p| p == "prompt") {
        return Err("the ComfyUI template must contain {{prompt}}".into());
    }
    Ok(v)
}

fn collect_placeholders(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("{{") {
                let after = &rest[start + 2..];
                let Some(end) = after.find("}}") else { break };
                out.push(after[..end].trim().to_string());
                rest = &after[end + 2..];
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_placeholders(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_placeholders(i, out)),
        _ => {}
    }
}

/// Fills a template's placeholders with the job's values.
pub fn fill_template(template: &Value, v: &Values) -> Value {
    match template {
        Value::String(s) => {
            let trimmed = s.trim();
            if let Some(name) = trimmed
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                .map(str::trim)
                .filter(|n| !n.contains("{{"))
            {
                if let Some(value) = v.get(name) {
                    return value;
                }
            }
            let mut out = s.clone();
            for name in PLACEHOLDERS {
                let text = match v.get(name) {
                    Some(Value::String(t)) => t,
                    Some(other) => other.to_string(),
                    None => continue,
                };
                out = out.replace(&format!("{{{{{name}}}}}"), &text);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| fill_template(i, v)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, i)| (k.clone(), fill_template(i, v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Maps an HTTP error of /prompt (`{error:{message, details}, node_errors:{id:{errors, class_type}}}`).
pub fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let v = serde_json::from_str::<Value>(body).unwrap_or_default();
    let mut parts = Vec::new();
    if let Some(m) = v["error"]["message"].as_str().or(v["error"].as_str()) {
        parts.push(m.to_string());
    }
    if let Some(nodes) = v["node_errors"].as_object() {
        for node in nodes.values() {
            let class = node["class_type"].as_str().unwrap_or("node");
            for e in node["errors"].as_array().into_iter().flatten() {
                let msg = e["message"].as_str().unwrap_or("error");
                match e["details"].as_str().filter(|d| !d.is_empty()) {
                    Some(d) => parts.push(format!("{class}: {msg}: {d}")),
                    None => parts.push(format!("{class}: {msg}")),
                }
            }
        }
    }
    let message = if parts.is_empty() {
        format!("ComfyUI answered {status}")
    } else {
        parts.join("; ")
    };
    match status.as_u16() {
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => rejected(message),
    }
}

/// What the history says about a prompt.
#[derive(Debug, PartialEq)]
pub enum HistoryState {
    /// Not in the history yet (queued or running, or unknown: the queue tells).
    Absent,
    /// Finished with an image: (filename, subfolder, type).
    Done(String, String, String),
    /// The run failed in a way a fresh run may not (running out of GPU memory).
    Errored(String),
    Failed(ProviderError),
}

/// Reads GET /history/{id}.
pub fn history_state(body: &str, id: &str) -> HistoryState {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return HistoryState::Failed(unreadable());
    };
    let Some(entry) = v.get(id) else {
        return if v.is_object() {
            HistoryState::Absent
        } else {
            HistoryState::Failed(unreadable())
        };
    };
    if entry["status"]["status_str"] == "error" {
        let detail = entry["status"]["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m[0] == "execution_error")
            .map(|m| {
                format!(
                    "{}: {}",
                    m[1]["node_type"].as_str().unwrap_or("node"),
                    m[1]["exception_message"]
                        .as_str()
                        .unwrap_or("execution failed")
                        .trim()
                )
            })
            .unwrap_or_else(|| "the workflow failed".into());
        // Running out of GPU memory can pass; a broken node or missing model will fail again.
        return if detail.to_ascii_lowercase().contains("out of memory") {
            HistoryState::Errored(format!("ComfyUI: {detail}"))
        } else {
            HistoryState::Failed(rejected(format!("ComfyUI: {detail}")))
        };
    }
    let images: Vec<&Value> = entry["outputs"]
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .flat_map(|node| node["images"].as_array().into_iter().flatten())
        .collect();
    // SaveImage writes `output`; previews are `temp` and only a fallback.
    let pick = images
        .iter()
        .find(|i| i["type"] == "output")
        .or_else(|| images.first());
    match pick {
        Some(i) => match i["filename"].as_str() {
            Some(f) => HistoryState::Done(
                f.to_string(),
                i["subfolder"].as_str().unwrap_or("").to_string(),
                i["type"].as_str().unwrap_or("output").to_string(),
            ),
            None => HistoryState::Failed(unreadable()),
        },
        None if entry["status"]["completed"] == true => HistoryState::Failed(rejected(
            "the ComfyUI workflow finished without an image (does it end in SaveImage?)".into(),
        )),
        None => HistoryState::Absent,
    }
}

/// Where a prompt is in GET /queue (`queue_running` / `queue_pending` items are `[number, id, ...]`).
#[derive(Debug, PartialEq)]
pub enum QueueState {
    Running,
    Pending,
    Unknown,
}

pub fn queue_state(body: &str, id: &str) -> Option<QueueState> {
    let v = serde_json::from_str::<Value>(body).ok()?;
    let has = |key: &str| {
        v[key]
            .as_array()
            .into_iter()
            .flatten()
            .any(|item| item[1] == id)
    };
    Some(if has("queue_running") {
        QueueState::Running
    } else if has("queue_pending") {
        QueueState::Pending
    } else {
        QueueState::Unknown
    })
}

/// The checkpoint names in GET /object_info/CheckpointLoaderSimple (old `[[names], {}]` and new
/// `["COMBO", {options: [names]}]` forms).
pub fn checkpoints(body: &str) -> Vec<String> {
    let v = serde_json::from_str::<Value>(body).unwrap_or_default();
    let spec = &v["CheckpointLoaderSimple"]["input"]["required"]["ckpt_name"];
    let list = if spec[0].is_array() {
        &spec[0]
    } else {
        &spec[1]["options"]
    };
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

impl ComfyUi {
    pub fn new(
        base_url: Option<String>,
        checkpoint: Option<String>,
        template_path: Option<String>,
        timeout: Duration,
        polling: Polling,
    ) -> Self {
        let template = template_path.filter(|p| !p.trim().is_empty()).map(|path| {
            std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read COMFYUI_TEMPLATE {path}: {e}"))
                .and_then(|text| check_template(&text))
        });
        if let Some(Err(e)) = &template {
            tracing::warn!(error = %e, "the ComfyUI template is unusable");
        }
        Self {
            base_url: base_url
                .map(|u| u.trim().trim_end_matches('/').to_string())
                .filter(|u| !u.is_empty()),
            checkpoint: checkpoint.filter(|c| !c.trim().is_empty()),
            template,
            client: http::client(timeout),
            polling,
        }
    }

    async fn get_text(&self, url: String) -> Result<String, ProviderError> {
        let resp = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| http::transport_error(NAME, e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error(NAME, e))?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        Ok(text)
    }

    /// The configured checkpoint, or the first one ComfyUI has.
    async fn checkpoint(&self, base: &str) -> Result<String, ProviderError> {
        if let Some(c) = &self.checkpoint {
            return Ok(c.clone());
        }
        let text = self
            .get_text(format!("{base}/object_info/CheckpointLoaderSimple"))
            .await?;
        checkpoints(&text).into_iter().next().ok_or_else(|| {
            rejected("ComfyUI lists no checkpoint: put one in models/checkpoints or set COMFYUI_CHECKPOINT".into())
        })
    }

    async fn workflow(&self, base: &str, req: &ProviderRequest) -> Result<Value, ProviderError> {
        match &self.template {
            Some(Err(e)) => Err(ProviderError::NotConfigured { message: e.clone() }),
            Some(Ok(template)) => {
                values(&req.params, req.seed, "")?;
                let mut used = Vec::new();
                collect_placeholders(template, &mut used);
                let checkpoint = if used.iter().any(|p| p == "checkpoint") {
                    self.checkpoint(base).await?
                } else {
                    String::new()
                };
                Ok(fill_template(
                    template,
                    &values(&req.params, req.seed, &checkpoint)?,
                ))
            }
            None => {
                // Checked before asking ComfyUI for its checkpoints.
                values(&req.params, req.seed, "")?;
                let checkpoint = self.checkpoint(base).await?;
                Ok(builtin_workflow(&values(
                    &req.params,
                    req.seed,
                    &checkpoint,
                )?))
            }
        }
    }

    async fn submit(
        &self,
        base: &str,
        job_id: &str,
        graph: &Value,
    ) -> Result<String, ProviderError> {
        let resp = self
            .client
            .post(format!("{base}/prompt"))
            .json(&json!({ "prompt": graph, "client_id": format!("pixel-studio-{job_id}") }))
            .send()
            .await
            .map_err(|e| http::transport_error(NAME, e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp
            .text()
            .await
            .map_err(|e| http::transport_error(NAME, e))?;
        if !status.is_success() {
            return Err(error_for(status, &headers, &text));
        }
        let v: Value = serde_json::from_str(&text).map_err(|_| unreadable())?;
        // Some versions answer 200 with node errors for outputs they could not validate.
        if v["node_errors"].as_object().is_some_and(|n| !n.is_empty()) {
            return Err(error_for(status, &headers, &text));
        }
        v["prompt_id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(unreadable)
    }

    /// One look at a prompt: the history first, then the queue for progress or loss.
    async fn look(&self, base: &str, id: &str) -> Result<Look, ProviderError> {
        let text = self.get_text(format!("{base}/history/{id}")).await?;
        match history_state(&text, id) {
            HistoryState::Done(f, s, t) => return Ok(Look::Done(f, s, t)),
            HistoryState::Errored(e) => return Ok(Look::Errored(e)),
            HistoryState::Failed(e) => return Err(e),
            HistoryState::Absent => {}
        }
        let text = self.get_text(format!("{base}/queue")).await?;
        match queue_state(&text, id).ok_or_else(unreadable)? {
            QueueState::Running => Ok(Look::Running),
            QueueState::Pending => Ok(Look::Pending),
            QueueState::Unknown => {
                // It may have finished between the two reads.
                let text = self.get_text(format!("{base}/history/{id}")).await?;
                match history_state(&text, id) {
                    HistoryState::Done(f, s, t) => Ok(Look::Done(f, s, t)),
                    HistoryState::Errored(e) => Ok(Look::Errored(e)),
                    HistoryState::Failed(e) => Err(e),
                    HistoryState::Absent => Ok(Look::Lost),
                }
            }
        }
    }
}

enum Look {
    Pending,
    Running,
    Done(String, String, String),
    Errored(String),
    Lost,
}

#[async_trait]
impl Provider for ComfyUi {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        match &self.base_url {
            Some(base) => crate::http::probe(&self.client, base).await,
            None => pixel_core::ports::ProviderHealth::default(),
        }
    }

    fn id(&self) -> &'static str {
        "comfyui"
    }
    fn name(&self) -> &'static str {
        NAME
    }
    fn configured(&self) -> bool {
        self.base_url.is_some()
    }
    /// ComfyUI runs one prompt at a time; more would only wait in its queue holding a lease.
    fn max_concurrency(&self) -> usize {
        1
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let base = self
            .base_url
            .as_deref()
            .ok_or_else(|| ProviderError::NotConfigured {
                message: "set COMFYUI_URL".into(),
            })?;
        let graph = self.workflow(base, req).await?;
        let started = tokio::time::Instant::now();
        let mut resumed = req.resume_handle.is_some();
        let mut id = match &req.resume_handle {
            Some(handle) => handle.clone(),
            None => {
                let id = self.submit(base, &req.job_id, &graph).await?;
                ctx.remote_handle(&id).await;
                id
            }
        };
        let cancel_requests = |id: &str| {
            vec![
                self.client
                    .post(format!("{base}/queue"))
                    .json(&json!({ "delete": [id] })),
                // Newer ComfyUI interrupts only this prompt; older ones whatever runs (with one job
                // at a time per engine, that is this one).
                self.client
                    .post(format!("{base}/interrupt"))
                    .json(&json!({ "prompt_id": id })),
            ]
        };
        let mut guard = CancelOnDrop::new(ctx, NAME, cancel_requests(&id));
        ctx.progress(0.05).await;
        let mut poller = crate::poll::Poller::new(self.polling, started);
        loop {
            poller.next(ctx, &format!("ComfyUI prompt {id}")).await?;
            match self.look(base, &id).await? {
                Look::Pending => ctx.progress(0.1).await,
                Look::Running => ctx.progress(0.5).await,
                // A resumed prompt ComfyUI forgot (it restarted) or that ran out of memory is queued
                // again: this attempt is the retry the runner asked for.
                Look::Lost | Look::Errored(_) if resumed => {
                    resumed = false;
                    id = self.submit(base, &req.job_id, &graph).await?;
                    ctx.remote_handle(&id).await;
                    guard.disarm();
                    guard = CancelOnDrop::new(ctx, NAME, cancel_requests(&id));
                    poller.restart();
                }
                Look::Lost => {
                    return Err(ProviderError::Retryable {
                        message: format!("ComfyUI lost prompt {id}"),
                        retry_after: None,
                    })
                }
                Look::Errored(message) => {
                    guard.disarm();
                    return Err(ProviderError::Retryable {
                        message,
                        retry_after: None,
                    });
                }
                Look::Done(filename, subfolder, kind) => {
                    guard.disarm();
                    ctx.progress(0.9).await;
                    let mut url = reqwest::Url::parse(&format!("{base}/view"))
                        .map_err(|_| rejected("COMFYUI_URL is not a valid URL".into()))?;
                    url.query_pairs_mut()
                        .append_pair("filename", &filename)
                        .append_pair("subfolder", &subfolder)
                        .append_pair("type", &kind);
                    let bytes = http::download_image(NAME, url.as_str(), base).await?;
                    return Ok(ProviderOutput {
                        image: ProviderImage {
                            bytes,
                            seed: Some(req.seed),
                            revised_prompt: None,
                        },
                        provider_model: None,
                        request_id: Some(id),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(w: u32, h: u32) -> pixel_core::GenerationParams {
        pixel_core::GenerationParams {
            prompt: "a lighthouse".into(),
            model: MODEL_ID.into(),
            width: w,
            height: h,
            negative_prompt: Some("fog".into()),
            steps: Some(25),
            cfg: Some(6.5),
            quality: None,
            style: None,
            duration: None,
            source_image: None,
        }
    }

    #[test]
    fn builtin_workflow_carries_every_parameter() {
        let v = values(&p(768, 512), 77, "sd15.safetensors").expect("values");
        let g = builtin_workflow(&v);
        assert_eq!(g["4"]["inputs"]["ckpt_name"], "sd15.safetensors");
        assert_eq!(g["6"]["inputs"]["text"], "a lighthouse");
        assert_eq!(g["7"]["inputs"]["text"], "fog");
        assert_eq!(
            g["5"]["inputs"],
            json!({"width": 768, "height": 512, "batch_size": 1})
        );
        assert_eq!(g["3"]["inputs"]["seed"], 77);
        assert_eq!(g["3"]["inputs"]["steps"], 25);
        assert_eq!(g["3"]["inputs"]["cfg"], 6.5);
        assert_eq!(g["9"]["class_type"], "SaveImage");
        let mut d = p(512, 512);
        d.steps = None;
        d.cfg = None;
        d.negative_prompt = None;
        let v = values(&d, 1, "c").expect("defaults");
        assert_eq!((v.steps, v.cfg, v.negative_prompt.as_str()), (20, 7.0, ""));
        assert!(values(&p(510, 512), 1, "c").is_err());
        let c = pixel_core::catalogue::Catalogue::builtin();
        let m = c.get(MODEL_ID).expect("comfyui in the catalogue");
        assert_eq!((m.provider.as_str(), m.credits), ("comfyui", 0));
    }

    #[test]
    fn templates_are_checked_and_filled() {
        let text = r#"{
            "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
            "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "masterpiece, {{prompt}}", "clip": ["1", 1]}},
            "3": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{ steps }}", "cfg": "{{cfg}}"}},
            "4": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}}
        }"#;
        let t = check_template(text).expect("valid template");
        let v = values(&p(640, 448), 9, "mine.ckpt").expect("values");
        let g = fill_template(&t, &v);
        assert_eq!(g["1"]["inputs"]["ckpt_name"], "mine.ckpt");
        assert_eq!(g["2"]["inputs"]["text"], "masterpiece, a lighthouse");
        assert_eq!(
            g["3"]["inputs"]["seed"], 9,
            "a whole placeholder becomes a number"
        );
        assert_eq!(g["3"]["inputs"]["steps"], 25);
        assert_eq!(g["3"]["inputs"]["cfg"], 6.5);
        assert_eq!(g["4"]["inputs"]["width"], 640);
        assert_eq!(g["2"]["inputs"]["clip"], json!(["1", 1]));

        assert!(check_template("[1, 2]").is_err());
        assert!(check_template("not json").is_err());
        assert!(
            check_template(r#"{"1": {"class_type": "X", "inputs": {"t": "no prompt"}}}"#).is_err()
        );
        let unknown = check_template(
            r#"{"1": {"class_type": "X", "inputs": {"t": "{{prompt}} {{sampler}}"}}}"#,
        )
        .expect_err("unknown placeholder");
        assert!(unknown.contains("sampler"), "{unknown}");
    }

    #[test]
    fn history_queue_and_checkpoints() {
        assert_eq!(history_state("{}", "p1"), HistoryState::Absent);
        let done = r#"{"p1": {"outputs": {"9": {"images": [
            {"filename": "pixel-studio_00001_.png", "subfolder": "", "type": "output"}]}},
            "status": {"status_str": "success", "completed": true, "messages": []}}}"#;
        assert_eq!(
            history_state(done, "p1"),
            HistoryState::Done("pixel-studio_00001_.png".into(), "".into(), "output".into())
        );
        let failed = r#"{"p1": {"outputs": {}, "status": {"status_str": "error", "completed": false,
            "messages": [["execution_start", {}], ["execution_error", {"node_type": "CheckpointLoaderSimple",
            "exception_message": "Error while deserializing header"}]]}}}"#;
        assert!(matches!(
            history_state(failed, "p1"),
            HistoryState::Failed(ProviderError::Rejected { message }) if message.contains("deserializing")
        ));
        let oom = failed.replace("Error while deserializing header", "CUDA out of memory");
        assert!(matches!(
            history_state(&oom, "p1"),
            HistoryState::Errored(m) if m.contains("out of memory")
        ));
        let no_image =
            r#"{"p1": {"outputs": {}, "status": {"status_str": "success", "completed": true}}}"#;
        assert!(matches!(
            history_state(no_image, "p1"),
            HistoryState::Failed(ProviderError::Rejected { .. })
        ));
        assert!(matches!(
            history_state("{\"p1\": ", "p1"),
            HistoryState::Failed(ProviderError::Retryable { .. })
        ));

        let q = r#"{"queue_running": [[3, "p1", {}, {}, ["9"]]], "queue_pending": [[4, "p2", {}, {}, ["9"]]]}"#;
        assert_eq!(queue_state(q, "p1"), Some(QueueState::Running));
        assert_eq!(queue_state(q, "p2"), Some(QueueState::Pending));
        assert_eq!(queue_state(q, "p3"), Some(QueueState::Unknown));
        assert_eq!(queue_state("<html>", "p1"), None);

        let old = r#"{"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["a.safetensors", "b.ckpt"], {}]}}}}"#;
        assert_eq!(checkpoints(old), vec!["a.safetensors", "b.ckpt"]);
        let new = r#"{"CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": ["COMBO", {"options": ["c.safetensors"]}]}}}}"#;
        assert_eq!(checkpoints(new), vec!["c.safetensors"]);
        assert!(checkpoints("{}").is_empty());
    }

    #[test]
    fn prompt_errors_name_the_node() {
        use reqwest::StatusCode as S;
        let h = reqwest::header::HeaderMap::new();
        let body = r#"{"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
            "node_errors": {"4": {"errors": [{"type": "value_not_in_list", "message": "Value not in list",
            "details": "ckpt_name: 'missing.safetensors' not in ['a.safetensors']", "extra_info": {}}],
            "dependent_outputs": ["9"], "class_type": "CheckpointLoaderSimple"}}}"#;
        let ProviderError::Rejected { message } = error_for(S::BAD_REQUEST, &h, body) else {
            panic!("a node error is final")
        };
        assert!(message.contains("failed validation"), "{message}");
        assert!(
            message.contains("CheckpointLoaderSimple: Value not in list: ckpt_name"),
            "{message}"
        );
        assert!(matches!(
            error_for(S::INTERNAL_SERVER_ERROR, &h, "boom"),
            ProviderError::Retryable { .. }
        ));
        let mut ra = reqwest::header::HeaderMap::new();
        ra.insert("retry-after", "1".parse().expect("header"));
        assert!(matches!(
            error_for(S::TOO_MANY_REQUESTS, &ra, ""),
            ProviderError::Retryable {
                retry_after: Some(_),
                ..
            }
        ));
    }
}
