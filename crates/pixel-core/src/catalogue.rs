//! The model catalogue: the single source of truth for models, their parameters, limits and credit cost.
//! The UI renders its controls from it, validation checks requests against it, and charging reads its prices.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::GenerationParams;
use crate::error::{Error, ErrorCode, Result};

pub const MAX_PROMPT_CHARS: usize = 3500;
pub const MAX_NEGATIVE_PROMPT_CHARS: usize = 1000;
pub const MAX_IMAGES_PER_REQUEST: u32 = 10;
pub const OFFLINE_MODEL_ID: &str = "local-sketch";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Speed {
    Instant,
    Fast,
    Medium,
    Slow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub struct SizePreset {
    pub label: String,
    pub width: u32,
    pub height: u32,
}

/// Which sizes a model accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SizeRule {
    /// Only these exact sizes.
    Fixed { sizes: Vec<SizePreset> },
    /// Any width and height in [min, max] that is a multiple of `multiple_of`; presets are suggestions.
    Range {
        min: u32,
        max: u32,
        multiple_of: u32,
        presets: Vec<SizePreset>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub struct IntRange {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub struct FloatRange {
    pub min: f32,
    pub max: f32,
    pub default: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub struct Model {
    pub id: String,
    /// Provider id (`local`, `openai`, ...).
    pub provider: String,
    pub name: String,
    pub description: String,
    /// True for the built-in offline renderer, which is not an AI model.
    pub offline: bool,
    /// Credits per image.
    #[ts(type = "number")]
    pub credits: i64,
    pub speed: Speed,
    pub sizes: SizeRule,
    pub default_size: SizePreset,
    pub max_images: u32,
    pub negative_prompt: bool,
    pub seed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub steps: Option<IntRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cfg: Option<FloatRange>,
    /// Allowed quality values; empty when the model has no quality setting.
    pub qualities: Vec<String>,
    /// Allowed style values; empty when the model has no style setting.
    pub styles: Vec<String>,
}

fn preset(label: &str, width: u32, height: u32) -> SizePreset {
    SizePreset {
        label: label.to_string(),
        width,
        height,
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The catalogue of models this build can run.
#[derive(Debug, Clone)]
pub struct Catalogue {
    models: Vec<Model>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Catalogue {
    pub fn builtin() -> Self {
        let square = preset("Square 1:1", 1024, 1024);
        let models = vec![
            Model {
                id: OFFLINE_MODEL_ID.into(),
                provider: "local".into(),
                name: "Offline sketch renderer".into(),
                description:
                    "Built-in offline renderer: abstract compositions drawn from your words. \
                              Not an AI model; needs no key and no network."
                        .into(),
                offline: true,
                credits: 0,
                speed: Speed::Instant,
                sizes: SizeRule::Range {
                    min: 256,
                    max: 2048,
                    multiple_of: 8,
                    presets: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Landscape 3:2", 1536, 1024),
                        preset("Portrait 2:3", 1024, 1536),
                        preset("Wide 16:9", 1344, 768),
                        preset("Tall 9:16", 768, 1344),
                        preset("Small 512", 512, 512),
                    ],
                },
                default_size: square.clone(),
                max_images: MAX_IMAGES_PER_REQUEST,
                negative_prompt: true,
                seed: true,
                steps: None,
                cfg: None,
                qualities: vec![],
                styles: vec![],
            },
            Model {
                id: "gpt-image-1".into(),
                provider: "openai".into(),
                name: "GPT Image 1".into(),
                description: "OpenAI's newest image model: strong prompt following and text."
                    .into(),
                offline: false,
                credits: 6,
                speed: Speed::Slow,
                sizes: SizeRule::Fixed {
                    sizes: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Portrait 2:3", 1024, 1536),
                        preset("Landscape 3:2", 1536, 1024),
                    ],
                },
                default_size: square.clone(),
                max_images: MAX_IMAGES_PER_REQUEST,
                negative_prompt: false,
                seed: false,
                steps: None,
                cfg: None,
                qualities: strings(&["auto", "high", "medium", "low"]),
                styles: vec![],
            },
            Model {
                id: "dall-e-3".into(),
                provider: "openai".into(),
                name: "DALL·E 3".into(),
                description: "OpenAI DALL·E 3 sizes and qualities, run on gpt-image-1.".into(),
                offline: false,
                credits: 6,
                speed: Speed::Slow,
                sizes: SizeRule::Fixed {
                    sizes: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Landscape 7:4", 1792, 1024),
                        preset("Portrait 4:7", 1024, 1792),
                    ],
                },
                default_size: square.clone(),
                max_images: MAX_IMAGES_PER_REQUEST,
                negative_prompt: false,
                seed: false,
                steps: None,
                cfg: None,
                qualities: strings(&["standard", "hd"]),
                styles: vec![],
            },
            Model {
                id: "dall-e-2".into(),
                provider: "openai".into(),
                name: "DALL·E 2".into(),
                description: "OpenAI DALL·E 2: fast and inexpensive.".into(),
                offline: false,
                credits: 1,
                speed: Speed::Fast,
                sizes: SizeRule::Fixed {
                    sizes: vec![
                        preset("Small 256", 256, 256),
                        preset("Medium 512", 512, 512),
                        preset("Square 1:1", 1024, 1024),
                    ],
                },
                default_size: square,
                max_images: MAX_IMAGES_PER_REQUEST,
                negative_prompt: false,
                seed: false,
                steps: None,
                cfg: None,
                qualities: vec![],
                styles: vec![],
            },
        ];
        Self { models }
    }

    pub fn models(&self) -> &[Model] {
        &self.models
    }

    pub fn get(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }

    /// Credits for `n` images of `model`.
    pub fn cost(&self, model: &Model, n: u32) -> i64 {
        model.credits * i64::from(n)
    }
}

/// A generation request as a user sends it; optional fields fall back to the model's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub struct GenerationRequest {
    pub prompt: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub n: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<u32>,
    /// Seed for the first image; image i uses seed + i. Random when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub steps: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cfg: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub quality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub style: Option<String>,
    /// The image this request remixes; lineage is kept on every output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remix_of: Option<String>,
}

/// A request that passed validation: everything the provider needs, nothing dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest {
    pub params: GenerationParams,
    pub n: u32,
    pub seed: Option<u32>,
    pub provider: String,
    pub cost_per_image: i64,
}

fn unsupported(model: &Model, what: &str) -> Error {
    Error::new(
        ErrorCode::UnsupportedParameter,
        format!("{} does not support {what}", model.name),
    )
}

/// Checks a request against the catalogue and returns the normalised parameters.
pub fn validate(catalogue: &Catalogue, req: &GenerationRequest) -> Result<ValidRequest> {
    let prompt = req.prompt.trim();
    if prompt.is_empty() {
        return Err(Error::new(ErrorCode::InvalidPrompt, "the prompt is empty"));
    }
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(Error::new(
            ErrorCode::InvalidPrompt,
            format!("the prompt has {chars} characters; the limit is {MAX_PROMPT_CHARS}"),
        ));
    }
    let model = catalogue.get(&req.model).ok_or_else(|| {
        Error::new(
            ErrorCode::UnknownModel,
            format!("unknown model '{}'", req.model),
        )
    })?;
    let n = req.n.unwrap_or(1);
    if n < 1 || n > model.max_images {
        return Err(Error::new(
            ErrorCode::InvalidCount,
            format!(
                "the number of images must be 1–{}; got {n}",
                model.max_images
            ),
        ));
    }
    let (width, height) = match (req.width, req.height) {
        (None, None) => (model.default_size.width, model.default_size.height),
        (Some(w), Some(h)) => (w, h),
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidSize,
                "give both width and height, or neither",
            ))
        }
    };
    match &model.sizes {
        SizeRule::Fixed { sizes } => {
            if !sizes.iter().any(|s| s.width == width && s.height == height) {
                let legal: Vec<String> = sizes
                    .iter()
                    .map(|s| format!("{}x{}", s.width, s.height))
                    .collect();
                return Err(Error::new(
                    ErrorCode::InvalidSize,
                    format!(
                        "{} supports {}; got {width}x{height}",
                        model.name,
                        legal.join(", ")
                    ),
                ));
            }
        }
        SizeRule::Range {
            min,
            max,
            multiple_of,
            ..
        } => {
            for (name, v) in [("width", width), ("height", height)] {
                if v < *min || v > *max || v % multiple_of != 0 {
                    return Err(Error::new(
                        ErrorCode::InvalidSize,
                        format!(
                            "{name} must be {min}–{max} and a multiple of {multiple_of}; got {v}"
                        ),
                    ));
                }
            }
        }
    }
    let seed = match req.seed {
        None => None,
        Some(_) if !model.seed => return Err(unsupported(model, "a seed")),
        Some(s) if !(0..=i64::from(u32::MAX)).contains(&s) => {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                format!("the seed must be 0–{}; got {s}", u32::MAX),
            ))
        }
        Some(s) => Some(s as u32),
    };
    let negative_prompt = match req.negative_prompt.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(_) if !model.negative_prompt => return Err(unsupported(model, "a negative prompt")),
        Some(np) if np.chars().count() > MAX_NEGATIVE_PROMPT_CHARS => {
            return Err(Error::new(
                ErrorCode::InvalidPrompt,
                format!("the negative prompt is over {MAX_NEGATIVE_PROMPT_CHARS} characters"),
            ))
        }
        Some(np) => Some(np.to_string()),
    };
    let steps = match (req.steps, &model.steps) {
        (None, _) => None,
        (Some(_), None) => return Err(unsupported(model, "steps")),
        (Some(s), Some(r)) if s < i64::from(r.min) || s > i64::from(r.max) => {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                format!("steps must be {}–{}; got {s}", r.min, r.max),
            ))
        }
        (Some(s), Some(_)) => Some(s as u32),
    };
    let cfg = match (req.cfg, &model.cfg) {
        (None, _) => None,
        (Some(_), None) => return Err(unsupported(model, "CFG scale")),
        (Some(c), Some(r)) if !(c >= r.min && c <= r.max) => {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                format!("CFG scale must be {}–{}; got {c}", r.min, r.max),
            ))
        }
        (Some(c), Some(_)) => Some(c),
    };
    let pick = |value: &Option<String>, allowed: &[String], what: &str| -> Result<Option<String>> {
        match value.as_deref() {
            None | Some("") => Ok(None),
            Some(_) if allowed.is_empty() => Err(unsupported(model, what)),
            Some(v) if allowed.iter().any(|a| a == v) => Ok(Some(v.to_string())),
            Some(v) => Err(Error::new(
                ErrorCode::InvalidParameter,
                format!("{what} must be one of {}; got '{v}'", allowed.join(", ")),
            )),
        }
    };
    let quality = pick(&req.quality, &model.qualities, "quality")?;
    let style = pick(&req.style, &model.styles, "style")?;
    Ok(ValidRequest {
        params: GenerationParams {
            prompt: prompt.to_string(),
            model: model.id.clone(),
            width,
            height,
            negative_prompt,
            steps,
            cfg,
            quality,
            style,
        },
        n,
        seed,
        provider: model.provider.clone(),
        cost_per_image: model.credits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(model: &str) -> GenerationRequest {
        GenerationRequest {
            prompt: "a red fox".into(),
            model: model.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_fill_in_size_and_count() {
        let c = Catalogue::builtin();
        let v = validate(&c, &req("local-sketch")).expect("valid");
        assert_eq!((v.params.width, v.params.height, v.n), (1024, 1024, 1));
        assert_eq!(v.cost_per_image, 0);
    }

    #[test]
    fn rejects_bad_input_with_specific_codes() {
        let c = Catalogue::builtin();
        let cases: Vec<(GenerationRequest, ErrorCode)> = vec![
            (
                GenerationRequest {
                    prompt: "  ".into(),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidPrompt,
            ),
            (
                GenerationRequest {
                    prompt: "x".repeat(3501),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidPrompt,
            ),
            (req("nope"), ErrorCode::UnknownModel),
            (
                GenerationRequest {
                    n: Some(0),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidCount,
            ),
            (
                GenerationRequest {
                    n: Some(11),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidCount,
            ),
            (
                GenerationRequest {
                    width: Some(100),
                    height: Some(512),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidSize,
            ),
            (
                GenerationRequest {
                    width: Some(4096),
                    height: Some(512),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidSize,
            ),
            (
                GenerationRequest {
                    width: Some(512),
                    height: Some(512),
                    ..req("dall-e-3")
                },
                ErrorCode::InvalidSize,
            ),
            (
                GenerationRequest {
                    steps: Some(20),
                    ..req("local-sketch")
                },
                ErrorCode::UnsupportedParameter,
            ),
            (
                GenerationRequest {
                    seed: Some(-1),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidParameter,
            ),
            (
                GenerationRequest {
                    quality: Some("ultra".into()),
                    ..req("dall-e-3")
                },
                ErrorCode::InvalidParameter,
            ),
            (
                GenerationRequest {
                    negative_prompt: Some("x".repeat(1001)),
                    ..req("local-sketch")
                },
                ErrorCode::InvalidPrompt,
            ),
        ];
        for (r, code) in cases {
            let err = validate(&c, &r).expect_err("must be rejected");
            assert_eq!(err.code, code, "{r:?} -> {err}");
        }
    }

    #[test]
    fn prompt_limit_counts_characters_not_bytes() {
        let c = Catalogue::builtin();
        let r = GenerationRequest {
            prompt: "é".repeat(3500),
            ..req("local-sketch")
        };
        assert!(validate(&c, &r).is_ok());
    }

    #[test]
    fn cost_is_credits_times_count() {
        let c = Catalogue::builtin();
        let m = c.get("dall-e-3").expect("model");
        assert_eq!(c.cost(m, 3), 18);
    }
}
