//! The model catalogue: the single source of truth for models, their parameters, limits and credit cost.
//! The UI renders its controls from it, validation checks requests against it, and charging reads its prices.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::GenerationParams;

mod overrides;
mod pricing;
mod retired;
use crate::error::{Error, ErrorCode, Result};
pub use overrides::ModelOverride;
pub use pricing::PriceEntry;
pub use retired::RetiredModel;

pub const MAX_PROMPT_CHARS: usize = 3500;
pub const MAX_NEGATIVE_PROMPT_CHARS: usize = 1000;
pub const MAX_IMAGES_PER_REQUEST: u32 = 10;
pub const OFFLINE_MODEL_ID: &str = "local-sketch";

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

/// A size label such as "Wide 16:9" for a width and height.
fn aspect_label(width: u32, height: u32, ratio: &str) -> String {
    let shape = match width.cmp(&height) {
        std::cmp::Ordering::Greater => "Landscape",
        std::cmp::Ordering::Less => "Portrait",
        std::cmp::Ordering::Equal => "Square",
    };
    format!("{shape} {ratio}")
}

fn stability_model(
    id: &str,
    name: &str,
    description: &str,
    credits: i64,
    speed: Speed,
    negative_prompt: bool,
) -> Model {
    Model {
        id: id.into(),
        provider: "stability".into(),
        name: name.into(),
        description: description.into(),
        offline: false,
        credits,
        speed,
        sizes: SizeRule::Fixed {
            sizes: STABILITY_ASPECTS
                .iter()
                .map(|(r, w, h)| preset(&aspect_label(*w, *h, r), *w, *h))
                .collect(),
        },
        default_size: preset("Square 1:1", 1024, 1024),
        max_images: MAX_IMAGES_PER_REQUEST,
        negative_prompt,
        seed: true,
        steps: None,
        cfg: None,
        qualities: vec![],
        styles: strings(&STABILITY_STYLES),
        provider_model: None,
        quality_credits: vec![],
        prices: vec![],
    }
}

/// Flux sizes: any multiple of 32 from 256 to 1440 (Black Forest Labs' documented limits).
fn flux_model(
    id: &str,
    name: &str,
    description: &str,
    credits: i64,
    speed: Speed,
    tunable: bool,
) -> Model {
    Model {
        id: id.into(),
        provider: "bfl".into(),
        name: name.into(),
        description: description.into(),
        offline: false,
        credits,
        speed,
        sizes: SizeRule::Range {
            min: 256,
            max: 1440,
            multiple_of: 32,
            presets: vec![
                preset("Square 1:1", 1024, 1024),
                preset("Landscape 3:2", 1216, 832),
                preset("Portrait 2:3", 832, 1216),
                preset("Wide 16:9", 1344, 768),
                preset("Tall 9:16", 768, 1344),
                preset("Small 512", 512, 512),
            ],
        },
        default_size: preset("Square 1:1", 1024, 1024),
        max_images: MAX_IMAGES_PER_REQUEST,
        negative_prompt: false,
        seed: true,
        // flux-dev takes steps and guidance; flux-pro-1.1 takes neither.
        steps: tunable.then_some(IntRange {
            min: 10,
            max: 50,
            default: 28,
        }),
        cfg: tunable.then_some(FloatRange {
            min: 1.5,
            max: 5.0,
            default: 3.0,
        }),
        qualities: vec![],
        styles: vec![],
        provider_model: None,
        quality_credits: vec![],
        prices: vec![],
    }
}

/// A model with a free size range, optional steps and CFG, negative prompt and seed: the shape of
/// Together's and Hugging Face's diffusion endpoints.
// One positional call per model keeps the catalogue a readable table; a builder would only add noise.
#[allow(clippy::too_many_arguments)]
fn diffusion_model(
    id: &str,
    provider: &str,
    name: &str,
    description: &str,
    credits: i64,
    speed: Speed,
    sizes: SizeRule,
    default_size: SizePreset,
    negative_prompt: bool,
    steps: Option<IntRange>,
    cfg: Option<FloatRange>,
) -> Model {
    Model {
        id: id.into(),
        provider: provider.into(),
        name: name.into(),
        description: description.into(),
        offline: false,
        credits,
        speed,
        sizes,
        default_size,
        max_images: MAX_IMAGES_PER_REQUEST,
        negative_prompt,
        seed: true,
        steps,
        cfg,
        qualities: vec![],
        styles: vec![],
        provider_model: None,
        quality_credits: vec![],
        prices: vec![],
    }
}

/// SDXL-class sizes: multiples of 64 around one megapixel.
fn xl_sizes(min: u32, max: u32) -> SizeRule {
    SizeRule::Range {
        min,
        max,
        multiple_of: 64,
        presets: vec![
            preset("Square 1:1", 1024, 1024),
            preset("Landscape 3:2", 1216, 832),
            preset("Portrait 2:3", 832, 1216),
            preset("Wide 16:9", 1344, 768),
            preset("Tall 9:16", 768, 1344),
            preset("Small 512", 512, 512),
        ],
    }
}

fn ideogram_model(id: &str, name: &str, description: &str, credits: i64, speed: Speed) -> Model {
    Model {
        id: id.into(),
        provider: "ideogram".into(),
        name: name.into(),
        description: description.into(),
        offline: false,
        credits,
        speed,
        sizes: SizeRule::Fixed {
            sizes: IDEOGRAM_ASPECTS
                .iter()
                .map(|(r, w, h)| {
                    let ratio = r.trim_start_matches("ASPECT_").replace('_', ":");
                    preset(&aspect_label(*w, *h, &ratio), *w, *h)
                })
                .collect(),
        },
        default_size: preset("Square 1:1", 1024, 1024),
        max_images: MAX_IMAGES_PER_REQUEST,
        negative_prompt: true,
        seed: true,
        steps: None,
        cfg: None,
        qualities: vec![],
        styles: vec![],
        provider_model: None,
        quality_credits: vec![],
        prices: vec![],
    }
}

/// An engine on the user's own hardware: free (credits 0), any size its models take.
// Positional like `diffusion_model`: each call reads as one row of the catalogue.
#[allow(clippy::too_many_arguments)]
fn local_engine_model(
    id: &str,
    provider: &str,
    name: &str,
    description: &str,
    multiple_of: u32,
    negative_prompt: bool,
    seed: bool,
    tunable: bool,
) -> Model {
    Model {
        id: id.into(),
        provider: provider.into(),
        name: name.into(),
        description: description.into(),
        offline: false,
        credits: 0,
        speed: Speed::Medium,
        sizes: SizeRule::Range {
            min: 256,
            max: 2048,
            multiple_of,
            presets: vec![
                preset("Square 1:1", 1024, 1024),
                preset("Landscape 3:2", 1216, 832),
                preset("Portrait 2:3", 832, 1216),
                preset("Wide 16:9", 1344, 768),
                preset("Tall 9:16", 768, 1344),
                preset("Small 512", 512, 512),
            ],
        },
        default_size: preset("Square 1:1", 1024, 1024),
        max_images: MAX_IMAGES_PER_REQUEST,
        negative_prompt,
        seed,
        steps: tunable.then_some(IntRange {
            min: 10,
            max: 50,
            default: 20,
        }),
        cfg: tunable.then_some(FloatRange {
            min: 1.0,
            max: 30.0,
            default: 7.0,
        }),
        qualities: vec![],
        styles: vec![],
        provider_model: None,
        quality_credits: vec![],
        prices: vec![],
    }
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
                provider_model: None,
                quality_credits: vec![],
                prices: vec![],
            },
            // https://platform.openai.com/docs/models/gpt-image-2 and the image generation guide
            // (checked 2026-12): any size with both edges multiples of 16, the long edge at most 3840,
            // at most 3:1 and 655,360-8,294,400 pixels; quality low/medium/high/auto. The presets are
            // the documented common sizes up to 2K (above 2560x1440 OpenAI calls output experimental).
            Model {
                id: "gpt-image-2".into(),
                provider: "openai".into(),
                name: "GPT Image 2".into(),
                description: "OpenAI's current image model: strong prompt following and legible text."
                    .into(),
                offline: false,
                credits: 6,
                speed: Speed::Slow,
                sizes: SizeRule::Fixed {
                    sizes: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Portrait 2:3", 1024, 1536),
                        preset("Landscape 3:2", 1536, 1024),
                        preset("Large square 1:1", 2048, 2048),
                        preset("Wide 16:9", 2048, 1152),
                        preset("Tall 9:16", 1152, 2048),
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
                provider_model: None,
                // Token-billed: about $0.02 / $0.07 / $0.19 per 1024×1024 image at low / medium / high
                // (OpenAI's pricing page, 2026-12); auto may pick high, so it is priced as high.
                quality_credits: vec![
                    ("low".into(), 1),
                    ("medium".into(), 2),
                    ("high".into(), 6),
                    ("auto".into(), 6),
                ],
                prices: vec![],
            },
            stability_model(
                "sd3.5-large",
                "Stable Diffusion 3.5 Large",
                "Stability's largest SD3.5 model: detailed, strong prompt adherence.",
                4,
                Speed::Medium,
                true,
            ),
            // Stability documents that negative prompts do not work with the turbo model.
            stability_model(
                "sd3.5-large-turbo",
                "Stable Diffusion 3.5 Large Turbo",
                "A distilled SD3.5 Large: fewer steps, faster results.",
                2,
                Speed::Fast,
                false,
            ),
            stability_model(
                "sd3.5-medium",
                "Stable Diffusion 3.5 Medium",
                "The mid-size SD3.5 model: balanced quality and speed.",
                2,
                Speed::Fast,
                true,
            ),
            stability_model(
                "stable-image-core",
                "Stable Image Core",
                "Stability's fast, inexpensive image service.",
                1,
                Speed::Fast,
                true,
            ),
            stability_model(
                "stable-image-ultra",
                "Stable Image Ultra",
                "Stability's highest-quality image service.",
                6,
                Speed::Slow,
                true,
            ),
            flux_model(
                "flux-pro-1.1",
                "FLUX1.1 [pro]",
                "Black Forest Labs' flagship Flux model: fast, sharp and faithful to the prompt.",
                4,
                Speed::Medium,
                false,
            ),
            flux_model(
                "flux-dev",
                "FLUX.1 [dev]",
                "Black Forest Labs' open-weight Flux model with adjustable steps and guidance.",
                2,
                Speed::Medium,
                true,
            ),
            // https://developer.ideogram.ai/api-reference/api-reference/generate-v3 (checked 2026-12):
            // rendering speeds TURBO/DEFAULT/QUALITY (the quality setting here; none is DEFAULT) and
            // style types.
            Model {
                qualities: strings(&["turbo", "quality"]),
                styles: strings(&["auto", "general", "realistic", "design", "fiction"]),
                ..ideogram_model(
                    "ideogram-v3",
                    "Ideogram 3.0",
                    "Ideogram's current model: the most legible text and the most realistic images.",
                    3,
                    Speed::Medium,
                )
            },
            ideogram_model(
                "ideogram-v2",
                "Ideogram 2.0",
                "Ideogram's legacy best model: excellent at text in images.",
                4,
                Speed::Medium,
            ),
            ideogram_model(
                "ideogram-v2-turbo",
                "Ideogram 2.0 Turbo",
                "A faster Ideogram 2.0.",
                2,
                Speed::Fast,
            ),
            ideogram_model(
                "ideogram-v1",
                "Ideogram 1.0",
                "Ideogram's first model.",
                2,
                Speed::Medium,
            ),
            ideogram_model(
                "ideogram-v1-turbo",
                "Ideogram 1.0 Turbo",
                "A faster Ideogram 1.0.",
                1,
                Speed::Fast,
            ),
            // https://docs.together.ai/reference/post-images-generations (checked 2026-12): FLUX.1
            // [schnell] is served, best at 4 steps; sizes in multiples of 8 (64 here, as before).
            diffusion_model(
                "together-flux-schnell",
                "together",
                "FLUX.1 [schnell] (Together)",
                "Black Forest Labs' fast Flux, served by Together AI.",
                1,
                Speed::Fast,
                xl_sizes(256, 1536),
                preset("Square 1:1", 1024, 1024),
                true,
                Some(IntRange { min: 1, max: 12, default: 4 }),
                None,
            ),
            // https://huggingface.co/docs/inference-providers/providers/hf-inference (checked 2026-12):
            // hf-inference serves FLUX.1 [schnell]; FLUX.1 [dev], Juggernaut XL and NeverEnding Dream
            // answer 410 or need a dedicated endpoint, so they are retired models now.
            // Schnell is distilled to about four steps without guidance: neither is adjustable.
            diffusion_model(
                "FLUX.1-schnell",
                "huggingface",
                "FLUX.1 [schnell] (Hugging Face)",
                "The fastest Flux: four steps, on Hugging Face inference.",
                2,
                Speed::Fast,
                SizeRule::Range {
                    min: 256,
                    max: 1440,
                    multiple_of: 32,
                    presets: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Landscape 3:2", 1216, 832),
                        preset("Portrait 2:3", 832, 1216),
                        preset("Wide 16:9", 1344, 768),
                        preset("Tall 9:16", 768, 1344),
                        preset("Small 512", 512, 512),
                    ],
                },
                preset("Square 1:1", 1024, 1024),
                false,
                None,
                None,
            ),
            diffusion_model(
                "fal-sdxl-lightning",
                "fal",
                "SDXL Lightning (FAL)",
                "ByteDance's few-step SDXL on FAL: an image in about a second.",
                1,
                Speed::Fast,
                xl_sizes(512, 1536),
                preset("Square 1:1", 1024, 1024),
                false,
                None,
                None,
            ),
            // Steps are Stable Cascade's first (prior) stage, which FAL allows 4–40.
            diffusion_model(
                "fal-stable-cascade",
                "fal",
                "Stable Cascade (FAL)",
                "Stability's Würstchen-based model on FAL: detailed images from a tiny latent space.",
                2,
                Speed::Medium,
                xl_sizes(512, 1536),
                preset("Square 1:1", 1024, 1024),
                true,
                Some(IntRange { min: 10, max: 40, default: 20 }),
                Some(FloatRange { min: 1.0, max: 20.0, default: 4.0 }),
            ),
            diffusion_model(
                "replicate-playground-v2.5",
                "replicate",
                "Playground v2.5 (Replicate)",
                "Playground's aesthetic SDXL-class model, on Replicate.",
                2,
                Speed::Medium,
                xl_sizes(256, 1536),
                preset("Square 1:1", 1024, 1024),
                true,
                Some(IntRange { min: 10, max: 50, default: 25 }),
                Some(FloatRange { min: 1.0, max: 20.0, default: 3.0 }),
            ),
            // Kandinsky on Replicate takes only listed widths and heights, and no guidance scale.
            diffusion_model(
                "replicate-kandinsky-2.2",
                "replicate",
                "Kandinsky 2.2 (Replicate)",
                "Sber AI's multilingual diffusion model, on Replicate.",
                2,
                Speed::Medium,
                SizeRule::Fixed {
                    sizes: vec![
                        preset("Square 1:1", 1024, 1024),
                        preset("Square 768", 768, 768),
                        preset("Square 512", 512, 512),
                        preset("Landscape 4:3", 1024, 768),
                        preset("Portrait 3:4", 768, 1024),
                        preset("Wide 5:3", 1280, 768),
                        preset("Tall 3:5", 768, 1280),
                    ],
                },
                preset("Square 1:1", 1024, 1024),
                true,
                Some(IntRange { min: 10, max: 50, default: 50 }),
                None,
            ),
            local_engine_model(
                "a1111",
                "a1111",
                "AUTOMATIC1111 (your machine)",
                "Whatever checkpoint your AUTOMATIC1111 web UI has loaded, on your own GPU.",
                8,
                true,
                true,
                true,
            ),
            local_engine_model(
                "comfyui",
                "comfyui",
                "ComfyUI (your machine)",
                "A txt2img workflow (built in, or your own template) on your ComfyUI.",
                8,
                true,
                true,
                true,
            ),
            // The OpenAI images API has no seed, negative prompt, steps or CFG to pass on.
            local_engine_model(
                "openai-compatible",
                "openai-compatible",
                "OpenAI-compatible server (yours)",
                "The image model of your own OpenAI-compatible server (LocalAI and others).",
                64,
                false,
                false,
                false,
            ),
        ];
        let mut catalogue = Self {
            models,
            retired: retired::builtin(),
            disabled: vec![],
        };
        catalogue.fill_price_tables();
        catalogue
    }

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
    let cost_per_image = model.credits_for(quality.as_deref(), width, height);
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
