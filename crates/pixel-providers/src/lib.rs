//! Pixel Studio providers: the built-in offline renderer, HTTP clients of image APIs and local engines
//! (AUTOMATIC1111, ComfyUI, OpenAI-compatible servers), each behind the core's `Provider` trait. Base
//! URLs are configuration, so tests point them at loopback fakes.

pub mod a1111;
pub mod bfl;
pub mod comfyui;
pub mod fal;
pub mod http;
pub mod huggingface;
pub mod ideogram;
pub mod luma;
pub mod offline;
pub mod openai;
pub mod openai_compat;
pub mod poll;
pub mod remote;
pub mod replicate;
pub mod runway;
pub mod source_image;
pub mod stability;
pub mod task;
pub mod together;
pub mod vision_tagger;

use pixel_core::ports::Provider;
use std::sync::Arc;
use std::time::Duration;

/// Keys and endpoints of every provider, by the original product's environment names.
#[derive(Debug, Clone)]
pub struct ProvidersConfig {
    pub openai_api_key: Option<String>,
    pub openai_base_url: String,
    pub stability_api_key: Option<String>,
    pub stability_base_url: String,
    pub bfl_api_key: Option<String>,
    pub bfl_base_url: String,
    pub ideogram_api_key: Option<String>,
    pub ideogram_base_url: String,
    pub together_api_key: Option<String>,
    pub together_base_url: String,
    pub huggingface_api_key: Option<String>,
    pub huggingface_base_url: String,
    pub fal_api_key: Option<String>,
    pub fal_base_url: String,
    pub replicate_api_token: Option<String>,
    pub replicate_base_url: String,
    /// Luma's key (`LUMAAI_API_KEY`) and API base.
    pub luma_api_key: Option<String>,
    pub luma_base_url: String,
    /// Runway's key (`RUNWAY_API_KEY`) and API base.
    pub runway_api_key: Option<String>,
    pub runway_base_url: String,
    /// AUTOMATIC1111's URL (`A1111_URL`) and optional `user:pass` (`A1111_AUTH`).
    pub a1111_url: Option<String>,
    pub a1111_auth: Option<String>,
    /// An OpenAI-compatible images server: base URL, optional key, model name.
    pub openai_compat_base_url: Option<String>,
    pub openai_compat_api_key: Option<String>,
    pub openai_compat_model: Option<String>,
    /// ComfyUI's URL, optional checkpoint for the built-in workflow, optional template path.
    pub comfyui_url: Option<String>,
    pub comfyui_checkpoint: Option<String>,
    pub comfyui_template: Option<String>,
    /// The tagger's OpenAI-compatible chat endpoint (a local vision server), its key and model. With no
    /// URL, tags come from OpenAI when `openai_api_key` is set, else from the generation record.
    pub tagger_base_url: Option<String>,
    pub tagger_api_key: Option<String>,
    pub tagger_model: Option<String>,
    /// Longest one HTTP request to a provider may take.
    pub http_timeout: Duration,
    /// How asynchronous providers (Black Forest Labs, FAL, Replicate, Runway, Luma) poll their tasks.
    pub polling: poll::Polling,
}

impl Default for ProvidersConfig {
    fn default() -> Self {
        Self {
            openai_api_key: None,
            openai_base_url: openai::DEFAULT_BASE_URL.to_string(),
            stability_api_key: None,
            stability_base_url: stability::DEFAULT_BASE_URL.to_string(),
            bfl_api_key: None,
            bfl_base_url: bfl::DEFAULT_BASE_URL.to_string(),
            ideogram_api_key: None,
            ideogram_base_url: ideogram::DEFAULT_BASE_URL.to_string(),
            together_api_key: None,
            together_base_url: together::DEFAULT_BASE_URL.to_string(),
            huggingface_api_key: None,
            huggingface_base_url: huggingface::DEFAULT_BASE_URL.to_string(),
            fal_api_key: None,
            fal_base_url: fal::DEFAULT_BASE_URL.to_string(),
            replicate_api_token: None,
            replicate_base_url: replicate::DEFAULT_BASE_URL.to_string(),
            luma_api_key: None,
            luma_base_url: luma::DEFAULT_BASE_URL.to_string(),
            runway_api_key: None,
            runway_base_url: runway::DEFAULT_BASE_URL.to_string(),
            a1111_url: None,
            a1111_auth: None,
            openai_compat_base_url: None,
            openai_compat_api_key: None,
            openai_compat_model: None,
            comfyui_url: None,
            comfyui_checkpoint: None,
            comfyui_template: None,
            tagger_base_url: None,
            tagger_api_key: None,
            tagger_model: None,
            http_timeout: Duration::from_secs(120),
            polling: poll::Polling::default(),
        }
    }
}

/// Every provider of this build, configured or not (unconfigured ones say so in the UI).
pub fn build(config: &ProvidersConfig) -> Vec<Arc<dyn Provider>> {
    vec![
        Arc::new(offline::OfflineRenderer),
        Arc::new(openai::OpenAi::new(
            config.openai_api_key.clone(),
            &config.openai_base_url,
            config.http_timeout,
        )),
        Arc::new(stability::Stability::new(
            config.stability_api_key.clone(),
            &config.stability_base_url,
            config.http_timeout,
        )),
        Arc::new(bfl::Bfl::new(
            config.bfl_api_key.clone(),
            &config.bfl_base_url,
            config.http_timeout,
            config.polling,
        )),
        Arc::new(ideogram::Ideogram::new(
            config.ideogram_api_key.clone(),
            &config.ideogram_base_url,
            config.http_timeout,
        )),
        Arc::new(together::Together::new(
            config.together_api_key.clone(),
            &config.together_base_url,
            config.http_timeout,
        )),
        Arc::new(huggingface::HuggingFace::new(
            config.huggingface_api_key.clone(),
            &config.huggingface_base_url,
            config.http_timeout,
        )),
        Arc::new(fal::Fal::new(
            config.fal_api_key.clone(),
            &config.fal_base_url,
            config.http_timeout,
            config.polling,
        )),
        Arc::new(replicate::Replicate::new(
            config.replicate_api_token.clone(),
            &config.replicate_base_url,
            config.http_timeout,
            config.polling,
        )),
        Arc::new(runway::Runway::new(
            config.runway_api_key.clone(),
            &config.runway_base_url,
            config.http_timeout,
            config.polling,
        )),
        Arc::new(luma::Luma::new(
            config.luma_api_key.clone(),
            &config.luma_base_url,
            config.http_timeout,
            config.polling,
        )),
        Arc::new(a1111::A1111::new(
            config.a1111_url.clone(),
            config.a1111_auth.clone(),
            config.http_timeout,
            config.polling.interval,
        )),
        Arc::new(openai_compat::OpenAiCompat::new(
            config.openai_compat_base_url.clone(),
            config.openai_compat_api_key.clone(),
            config.openai_compat_model.clone(),
            config.http_timeout,
        )),
        Arc::new(comfyui::ComfyUi::new(
            config.comfyui_url.clone(),
            config.comfyui_checkpoint.clone(),
            config.comfyui_template.clone(),
            config.http_timeout,
            config.polling,
        )),
    ]
}

/// Who proposes tags: the configured vision server, else OpenAI when it has a key, else the
/// generation record (offline).
pub fn tagger(config: &ProvidersConfig) -> Arc<dyn pixel_core::tagging::Tagger> {
    let local = config
        .tagger_base_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let openai_key = config
        .openai_api_key
        .clone()
        .filter(|k| !k.trim().is_empty());
    match (local, openai_key) {
        (Some(url), _) => Arc::new(vision_tagger::VisionTagger::new(
            url,
            config.tagger_api_key.clone(),
            config.tagger_model.clone(),
            config.http_timeout,
        )),
        (None, Some(key)) => Arc::new(vision_tagger::VisionTagger::new(
            &config.openai_base_url,
            Some(key),
            config.tagger_model.clone(),
            config.http_timeout,
        )),
        (None, None) => Arc::new(pixel_core::tagging::RecordTagger),
    }
}

#[cfg(test)]
mod tagger_tests {
    use super::*;
    use pixel_core::tagging::TagSource;

    #[test]
    fn the_tagger_is_the_local_server_then_openai_then_the_record() {
        let mut config = ProvidersConfig::default();
        assert_eq!(tagger(&config).source(), TagSource::Record);
        config.openai_api_key = Some("sk-x".into());
        assert_eq!(tagger(&config).source(), TagSource::Vision);
        assert_eq!(tagger(&config).name(), vision_tagger::DEFAULT_MODEL);
        config.openai_api_key = None;
        config.tagger_base_url = Some("http://127.0.0.1:8080/v1".into());
        config.tagger_model = Some("qwen2.5-vl".into());
        assert_eq!(tagger(&config).name(), "qwen2.5-vl");
        config.tagger_base_url = Some("  ".into());
        assert_eq!(tagger(&config).source(), TagSource::Record);
    }
}
