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

/// An image made by another tool, to read its generation record from.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The PNG, JPEG or WebP file, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub file_base64: Option<String>,
    /// The same, by its first name (from when only PNGs were read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub png_base64: Option<String>,
}

/// A generation record found in an image file (AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus, NovelAI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportedRecord {
    /// `a1111`, `comfyui`, `invokeai`, `fooocus` or `novelai`.
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
    /// As the file has it: ComfyUI's seeds are 64-bit (this installation's models take 32-bit ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seed: Option<u64>,
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
    /// What the reader chose where the file offered more than one answer (a ComfyUI graph with
    /// several samplers: which one was taken, and the others), in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
    let file = match (input.file_base64, input.png_base64) {
        (Some(file), None) | (None, Some(file)) => file,
        _ => return Err(Error::invalid("send the image as file_base64")),
    };
    if file.len() > MAX_IMPORT_B64 {
        return Err(Error::invalid("the file is larger than 30 MB"));
    }
    use base64::Engine;
    let b64 = file.split_once("base64,").map_or(file.as_str(), |(_, b)| b);
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
                "this image carries no generation record from AUTOMATIC1111, ComfyUI, InvokeAI, Fooocus or NovelAI",
            )
        })?;
    let catalogue = app.catalogue();
    let engine = catalogue
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
            if validate(&app.catalogue(), &candidate).is_ok() {
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
    // A 64-bit seed (ComfyUI's) is tried like any other; the models here take 32-bit ones.
    if let Some(seed) = record.seed {
        let fits = i64::try_from(seed).unwrap_or(i64::MAX);
        try_part(
            &mut request,
            &move |r| r.seed = Some(fits),
            format!("seed {seed} (this model's seeds are 0 to {})", u32::MAX),
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
    validate(&app.catalogue(), &request)?;
    Ok(ImportOutput {
        record,
        request,
        dropped,
    })
}
