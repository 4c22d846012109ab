//! The built-in catalogue: every model this build offers, with its sizes, limits and prices as the
//! providers document them (each entry cites its page). Operators change it from configuration
//! (`overrides`); models a provider stopped serving move to `retired`.

use super::*;

pub(super) fn preset(label: &str, width: u32, height: u32) -> SizePreset {
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
        video: None,
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
        video: None,
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
        video: None,
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
        video: None,
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
        video: None,
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
                video: None,
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
                video: None,
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
        let models = models
            .into_iter()
            .chain(super::video_models::builtin())
            .collect();
        let mut catalogue = Self {
            models,
            retired: retired::builtin(),
            disabled: vec![],
        };
        catalogue.fill_price_tables();
        catalogue
    }
}
