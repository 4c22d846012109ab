//! The model catalogue: the single source of truth for models, their parameters, limits and credit cost.
//! The UI renders its controls from it, validation checks requests against it, and charging reads its prices.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::GenerationParams;

mod builtin;
mod overrides;
mod pricing;
mod retired;
mod video_models;
use crate::error::{Error, ErrorCode, Result};
pub use overrides::ModelOverride;
pub use pricing::PriceEntry;
pub use retired::RetiredModel;

pub const MAX_PROMPT_CHARS: usize = 3500;
pub const MAX_NEGATIVE_PROMPT_CHARS: usize = 1000;
pub const MAX_IMAGES_PER_REQUEST: u32 = 10;
pub const OFFLINE_MODEL_ID: &str = "local-sketch";
/// The built-in offline clip renderer's model: short videos with no key and no network.
pub const OFFLINE_CLIP_MODEL_ID: &str = "local-clip";
/// The provider that renders it (`pixel-video`), beside `local`, the offline image renderer.
pub const OFFLINE_CLIP_PROVIDER: &str = "local-video";
/// Whether a provider is one of the built-in offline renderers (no account, nothing to reach).
pub fn is_offline_provider(id: &str) -> bool {
    id == "local" || id == OFFLINE_CLIP_PROVIDER
}

/// Frames a second of the offline clips.
pub const OFFLINE_CLIP_FPS: u32 = 24;

/// Stability's nine legal aspect ratios with the pixel size its SD3.5/Ultra/Core endpoints return for
/// each (about one megapixel). The catalogue offers exactly these, so every size maps to a legal ratio.
pub const STABILITY_ASPECTS: [(&str, u32, u32); 9] = [
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

/// Stability's style presets; `none` means no preset (the field is omitted).
pub const STABILITY_STYLES: [&str; 10] = [
    "3d-model",
    "anime",
    "cinematic",
    "comic-book",
    "digital-art",
    "fantasy-art",
    "neon-punk",
    "origami",
    "photographic",
    "none",
];

/// Ideogram's aspect ratios (the `ASPECT_W_H` enum) with the resolution it renders for each.
pub const IDEOGRAM_ASPECTS: [(&str, u32, u32); 7] = [
    ("ASPECT_1_1", 1024, 1024),
    ("ASPECT_16_9", 1312, 736),
    ("ASPECT_9_16", 736, 1312),
    ("ASPECT_4_3", 1152, 864),
    ("ASPECT_3_4", 864, 1152),
    ("ASPECT_3_2", 1248, 832),
    ("ASPECT_2_3", 832, 1248),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Speed {
    Instant,
    Fast,
    Medium,
    Slow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct SizePreset {
    pub label: String,
    pub width: u32,
    pub height: u32,
}

/// Which sizes a model accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
pub struct IntRange {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FloatRange {
    pub min: f32,
    pub max: f32,
    pub default: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
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
    /// The provider's own name for a model added in configuration (a model name, a Hugging Face
    /// repository or dedicated endpoint URL); None for built-in models, which their clients name.
    /// Operator detail, never sent to clients: an endpoint URL can be internal.
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub provider_model: Option<String>,
    /// Credits per image at 1024×1024 for each quality, for models billed by quality and area;
    /// empty when every image costs `credits` (see `pricing`).
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub quality_credits: Vec<(String, i64)>,
    /// The price of each quality at each preset size, where it depends on them; empty otherwise.
    #[serde(default)]
    pub prices: Vec<PriceEntry>,
    /// For a video model: the clip lengths it makes and their price; None for an image model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub video: Option<VideoRule>,
}

/// A video model's clip lengths and price: its `credits` per clip plus `credits_per_second`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct VideoRule {
    /// The lengths it makes, in seconds.
    pub durations: Vec<u32>,
    pub default_duration: u32,
    /// Frames a second of the clips it makes.
    pub fps: u32,
    #[ts(type = "number")]
    pub credits_per_second: i64,
    /// Whether it animates an image from the library (image to video).
    #[serde(default)]
    pub source_image: SourceImageRule,
}

/// Whether a video model takes an image to animate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceImageRule {
    /// Text to video only.
    #[default]
    None,
    /// Text to video, or an image animated when one is given.
    Optional,
    /// Image to video: a request must name one.
    Required,
}

/// The catalogue of models this build can run.
#[derive(Debug, Clone)]
pub struct Catalogue {
    models: Vec<Model>,
    retired: Vec<RetiredModel>,
    /// Models the operator turned off in configuration.
    disabled: Vec<String>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Catalogue {
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    pub fn get(&self, id: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.id == id)
    }

    /// Models old records name that their provider no longer serves.
    pub fn retired_models(&self) -> &[RetiredModel] {
        &self.retired
    }

    pub fn retired(&self, id: &str) -> Option<&RetiredModel> {
        self.retired.iter().find(|m| m.id == id)
    }
}

/// A generation request as a user sends it; optional fields fall back to the model's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
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
    /// Seconds of video, for a video model (one of its `video.durations`; its default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub duration: Option<u32>,
    /// The image an image-to-video model animates: one of the caller's own, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub source_image: Option<String>,
    /// The image this request remixes; lineage is kept on every output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remix_of: Option<String>,
    /// Chosen by the client (1–100 characters) so that a request retried after a timeout is applied
    /// once: the same key answers with the set the first request made, and charges nothing again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
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
    let model = catalogue
        .get(&req.model)
        .ok_or_else(|| match catalogue.retired(&req.model) {
            // Never run an old id on its replacement behind the user's back: say what happened.
            Some(r) => Error::new(
                ErrorCode::ModelUnavailable,
                format!(
                    "{} ({}) is no longer served by its provider (retired {}); choose {} instead",
                    r.name, r.id, r.retired_on, r.replaced_by
                ),
            ),
            None if catalogue.disabled(&req.model) => Error::new(
                ErrorCode::ModelUnavailable,
                format!("{} is turned off on this server", req.model),
            ),
            None => Error::new(
                ErrorCode::UnknownModel,
                format!("unknown model '{}'", req.model),
            ),
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
    let duration = match (req.duration, &model.video) {
        (None, None) => None,
        (Some(_), None) => return Err(unsupported(model, "a duration")),
        (asked, Some(video)) => {
            let seconds = asked.unwrap_or(video.default_duration);
            if !video.durations.contains(&seconds) {
                let legal: Vec<String> = video.durations.iter().map(|d| format!("{d} s")).collect();
                return Err(Error::new(
                    ErrorCode::InvalidParameter,
                    format!(
                        "{} makes clips of {}; got {seconds} s",
                        model.name,
                        legal.join(", ")
                    ),
                ));
            }
            Some(seconds)
        }
    };
    let rule = model.video.as_ref().map(|v| v.source_image);
    let source_image = match (req.source_image.as_deref().map(str::trim), rule) {
        (None | Some(""), Some(SourceImageRule::Required)) => {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                format!(
                    "{} animates an image: choose one from your library",
                    model.name
                ),
            ))
        }
        (None | Some(""), _) => None,
        (Some(_), None | Some(SourceImageRule::None)) => {
            return Err(unsupported(model, "an image to animate"))
        }
        (Some(id), Some(_)) => Some(id.to_string()),
    };
    // A clip costs its base plus each second of it.
    let cost_per_image = model.credits_for(quality.as_deref(), width, height)
        + duration
            .zip(model.video.as_ref())
            .map_or(0, |(d, v)| i64::from(d) * v.credits_per_second);
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
            duration,
            source_image,
        },
        n,
        seed,
        provider: model.provider.clone(),
        cost_per_image,
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
    fn an_image_to_animate_is_required_where_the_model_animates_and_refused_elsewhere() {
        let c = Catalogue::builtin();
        let animate = |model: &str, source: Option<&str>| {
            validate(
                &c,
                &GenerationRequest {
                    source_image: source.map(str::to_string),
                    ..req(model)
                },
            )
        };
        let missing = animate("runway-gen4-turbo", None).expect_err("needs an image");
        assert_eq!(missing.code, ErrorCode::InvalidParameter);
        assert!(missing.message.contains("choose one from your library"));
        let valid = animate("runway-gen4-turbo", Some("img-1")).expect("valid");
        assert_eq!(valid.params.source_image.as_deref(), Some("img-1"));
        // Gen-4 Turbo: 5 credits and 2 a second, 5 s by default.
        assert_eq!((valid.params.duration, valid.cost_per_image), (Some(5), 15));
        for model in ["runway-veo3.1-fast", "local-clip", "local-sketch"] {
            let e = animate(model, Some("img-1")).expect_err("takes no image");
            assert_eq!(e.code, ErrorCode::UnsupportedParameter, "{model}");
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
                    ..req("gpt-image-2")
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
                    ..req("gpt-image-2")
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
    fn provider_models_carry_the_original_prices() {
        let c = Catalogue::builtin();
        let prices = [
            ("gpt-image-2", "openai", 6),
            ("sd3.5-large", "stability", 4),
            ("sd3.5-large-turbo", "stability", 2),
            ("sd3.5-medium", "stability", 2),
            ("stable-image-core", "stability", 1),
            ("stable-image-ultra", "stability", 6),
            ("ideogram-v3", "ideogram", 3),
            ("flux-pro-1.1", "bfl", 4),
            ("flux-dev", "bfl", 2),
            ("ideogram-v2", "ideogram", 4),
            ("ideogram-v2-turbo", "ideogram", 2),
            ("ideogram-v1", "ideogram", 2),
            ("ideogram-v1-turbo", "ideogram", 1),
            ("together-flux-schnell", "together", 1),
            ("FLUX.1-schnell", "huggingface", 2),
            ("fal-sdxl-lightning", "fal", 1),
            ("fal-stable-cascade", "fal", 2),
            ("replicate-playground-v2.5", "replicate", 2),
            ("replicate-kandinsky-2.2", "replicate", 2),
            ("a1111", "a1111", 0),
            ("openai-compatible", "openai-compatible", 0),
            ("comfyui", "comfyui", 0),
        ];
        for (id, provider, credits) in prices {
            let m = c.get(id).expect(id);
            assert_eq!(
                (m.provider.as_str(), m.credits),
                (provider, credits),
                "{id}"
            );
            // The default size must itself be legal for the model.
            let r = GenerationRequest {
                width: Some(m.default_size.width),
                height: Some(m.default_size.height),
                ..req(id)
            };
            assert!(validate(&c, &r).is_ok(), "{id} default size");
        }
        let ids: std::collections::HashSet<&str> =
            c.models().iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), c.models().len(), "model ids are unique");
    }

    #[test]
    fn stability_offers_exactly_the_nine_ratios_and_ten_styles() {
        let c = Catalogue::builtin();
        let m = c.get("sd3.5-large").expect("model");
        let SizeRule::Fixed { sizes } = &m.sizes else {
            panic!("fixed sizes")
        };
        assert_eq!(sizes.len(), 9);
        assert_eq!(m.styles.len(), 10);
        let bad = GenerationRequest {
            width: Some(1024),
            height: Some(768),
            ..req("sd3.5-large")
        };
        assert_eq!(
            validate(&c, &bad).expect_err("size").code,
            ErrorCode::InvalidSize
        );
        let turbo_negative = GenerationRequest {
            negative_prompt: Some("blur".into()),
            ..req("sd3.5-large-turbo")
        };
        assert_eq!(
            validate(&c, &turbo_negative).expect_err("unsupported").code,
            ErrorCode::UnsupportedParameter
        );
        let flux = GenerationRequest {
            width: Some(1000),
            height: Some(1024),
            ..req("flux-pro-1.1")
        };
        assert_eq!(
            validate(&c, &flux).expect_err("multiple of 32").code,
            ErrorCode::InvalidSize
        );
        let pro_steps = GenerationRequest {
            steps: Some(20),
            ..req("flux-pro-1.1")
        };
        assert_eq!(
            validate(&c, &pro_steps).expect_err("no steps").code,
            ErrorCode::UnsupportedParameter
        );
    }

    #[test]
    fn retired_ids_are_refused_with_what_replaces_them() {
        let c = Catalogue::builtin();
        for id in ["dall-e-2", "dall-e-3", "gpt-image-1"] {
            assert!(c.get(id).is_none(), "{id} is not offered");
            let r = c.retired(id).expect(id);
            assert!(
                c.get(&r.replaced_by).is_some(),
                "{id} points at a live model"
            );
            let err = validate(&c, &req(id)).expect_err(id);
            assert_eq!(err.code, ErrorCode::ModelUnavailable, "{id}");
            assert!(err.message.contains("gpt-image-2"), "{}", err.message);
        }
        for r in c.retired_models() {
            assert!(c.get(&r.id).is_none(), "{} is retired", r.id);
            let live = c.get(&r.replaced_by).expect("a live replacement");
            assert_eq!(
                live.provider, r.provider,
                "{} stays with its provider",
                r.id
            );
            let err = validate(&c, &req(&r.id)).expect_err(&r.id);
            assert!(err.message.contains(&r.replaced_by), "{}", err.message);
        }
        assert_eq!(
            validate(&c, &req("no-such-model"))
                .expect_err("unknown")
                .code,
            ErrorCode::UnknownModel
        );
    }
}
