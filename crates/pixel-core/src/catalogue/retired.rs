//! Models a provider has retired: their ids stay readable in saved records, imports and remixes, and
//! each says what it runs on now, so nothing is ever substituted silently.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A model id that old records carry but the provider no longer serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct RetiredModel {
    pub id: String,
    pub provider: String,
    pub name: String,
    /// When the provider stopped serving it, as `YYYY-MM`.
    pub retired_on: String,
    /// The catalogue model a remix of an old record runs on instead.
    pub replaced_by: String,
    /// One sentence for people: what happened and what runs now.
    pub note: String,
}

fn retired(
    provider: &str,
    id: &str,
    name: &str,
    retired_on: &str,
    replaced_by: &str,
    note: &str,
) -> RetiredModel {
    RetiredModel {
        id: id.into(),
        provider: provider.into(),
        name: name.into(),
        retired_on: retired_on.into(),
        replaced_by: replaced_by.into(),
        note: note.into(),
    }
}

/// OpenAI's retirements (https://platform.openai.com/docs/deprecations, checked 2026-12): DALL·E 2 and
/// DALL·E 3 in May 2026, GPT Image 1 in October 2026; each now answers 404 `model_not_found`. And the
/// models other providers stopped serving.
pub fn builtin() -> Vec<RetiredModel> {
    vec![
        retired(
            "openai",
            "dall-e-2",
            "DALL·E 2",
            "2026-05",
            "gpt-image-2",
            "OpenAI retired DALL·E 2 in May 2026; new images from this record are made with GPT Image 2.",
        ),
        retired(
            "openai",
            "dall-e-3",
            "DALL·E 3",
            "2026-05",
            "gpt-image-2",
            "OpenAI retired DALL·E 3 in May 2026; new images from this record are made with GPT Image 2.",
        ),
        retired(
            "openai",
            "gpt-image-1",
            "GPT Image 1",
            "2026-10",
            "gpt-image-2",
            "OpenAI shut GPT Image 1 down in October 2026; new images from this record are made with GPT Image 2.",
        ),
        // Together's serverless image models are FLUX models today
        // (https://docs.together.ai/docs/images-overview, checked 2026-12); SD3 Medium is not among them.
        retired(
            "together",
            "together-sd3",
            "Stable Diffusion 3 (Together)",
            "2026-12",
            "together-flux-schnell",
            "Together no longer serves Stable Diffusion 3 Medium; new images from this record are made with FLUX.1 [schnell] on Together.",
        ),
        // Hugging Face's hf-inference runs FLUX.1 [schnell] and small models on CPU since mid-2025; these
        // answer 410 or need a dedicated endpoint
        // (https://huggingface.co/docs/inference-providers/providers/hf-inference, checked 2026-12).
        retired(
            "huggingface",
            "FLUX.1-dev",
            "FLUX.1 [dev] (Hugging Face)",
            "2025-07",
            "FLUX.1-schnell",
            "Hugging Face inference no longer serves FLUX.1 [dev]; new images from this record are made with FLUX.1 [schnell].",
        ),
        retired(
            "huggingface",
            "Juggernaut-XL-v9",
            "Juggernaut XL v9 (Hugging Face)",
            "2025-07",
            "FLUX.1-schnell",
            "Hugging Face inference no longer serves Juggernaut XL; new images from this record are made with FLUX.1 [schnell].",
        ),
        retired(
            "huggingface",
            "NeverEnding-Dream",
            "NeverEnding Dream (Hugging Face)",
            "2025-07",
            "FLUX.1-schnell",
            "Hugging Face inference no longer serves NeverEnding Dream; new images from this record are made with FLUX.1 [schnell].",
        ),
    ]
}
