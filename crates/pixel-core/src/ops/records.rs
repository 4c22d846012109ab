//! Record operations: reading the generation record another tool embedded in a PNG.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::catalogue::{validate, GenerationRequest};
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "records.import",
        Write,
        "Read the generation record of a PNG made by AUTOMATIC1111, ComfyUI or InvokeAI",
        records_import,
    )
    .max_input(MAX_IMPORT_B64 + 4096);
}

/// A PNG made by another tool, to read its generation record from.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The PNG file, base64-encoded.
    pub png_base64: String,
}

/// A generation record found in a PNG (AUTOMATIC1111, ComfyUI or InvokeAI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportedRecord {
    /// `a1111`, `comfyui` or `invokeai`.
    pub source: String,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub steps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cfg: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sampler: Option<String>,
    /// The checkpoint or model name the other tool used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportOutput {
    pub record: ImportedRecord,
    /// A request that generates again with this record, on a model this installation can run.
    pub request: GenerationRequest,
    /// Parts of the record the chosen model cannot use, in words (nothing is dropped silently).
    pub dropped: Vec<String>,
}

/// Largest PNG accepted for import (base64 characters).
const MAX_IMPORT_B64: usize = 40 * 1024 * 1024;

/// Reads the generation record embedded in a PNG and maps it onto a model this installation runs.
pub async fn records_import(
    app: &App,
    caller: &Caller,
    input: ImportRequest,
) -> Result<ImportOutput> {
    caller.user_id()?;
    if input.png_base64.len() > MAX_IMPORT_B64 {
        return Err(Error::invalid("the PNG is larger than 30 MB"));
    }
    use base64::Engine;
    let b64 = input
        .png_base64
        .split_once("base64,")
        .map_or(input.png_base64.as_str(), |(_, b)| b);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| Error::invalid("the file is not valid base64"))?;
    let media = app.media.clone();
    let record = tokio::task::spawn_blocking(move || media.read_record(&bytes))
        .await
        .map_err(Error::internal)??
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "this PNG carries no generation record from AUTOMATIC1111, ComfyUI or InvokeAI",
            )
        })?;
    let engine = app
        .catalogue
        .get(&record.source)
        .filter(|m| app.provider(&m.provider).is_some_and(|p| p.configured()));
    let model_id = engine
        .map(|m| m.id.clone())
        .unwrap_or_else(|| app.default_model());
    let mut dropped = vec![];
    let mut request = GenerationRequest {
        prompt: record.prompt.clone(),
        model: model_id,
        ..Default::default()
    };
    // Each part is kept only if the chosen model accepts it; what it cannot use is named.
    let mut try_part =
        |request: &mut GenerationRequest, apply: &dyn Fn(&mut GenerationRequest), what: String| {
            let mut candidate = request.clone();
            apply(&mut candidate);
            if validate(&app.catalogue, &candidate).is_ok() {
                *request = candidate;
            } else {
                dropped.push(what);
            }
        };
    if let Some(np) = record.negative_prompt.clone() {
        try_part(
            &mut request,
            &move |r| r.negative_prompt = Some(np.clone()),
            "negative prompt".into(),
        );
    }
    if let (Some(w), Some(h)) = (record.width, record.height) {
        try_part(
            &mut request,
            &move |r| {
                r.width = Some(w);
                r.height = Some(h);
            },
            format!("size {w}x{h}"),
        );
    }
    if let Some(seed) = record.seed {
        try_part(
            &mut request,
            &move |r| r.seed = Some(seed),
            format!("seed {seed}"),
        );
    }
    if let Some(steps) = record.steps {
        try_part(
            &mut request,
            &move |r| r.steps = Some(i64::from(steps)),
            format!("{steps} steps"),
        );
    }
    if let Some(cfg) = record.cfg {
        try_part(
            &mut request,
            &move |r| r.cfg = Some(cfg),
            format!("CFG scale {cfg}"),
        );
    }
    if let Some(sampler) = &record.sampler {
        dropped.push(format!("sampler {sampler}"));
    }
    if let Some(model) = &record.model {
        dropped.push(format!("checkpoint {model}"));
    }
    validate(&app.catalogue, &request)?;
    Ok(ImportOutput {
        record,
        request,
        dropped,
    })
}
