//! Pixel Studio providers: the built-in offline renderer and HTTP clients of image APIs, each behind the
//! core's `Provider` trait. Base URLs are configuration, so tests point them at loopback fakes.

pub mod bfl;
pub mod http;
pub mod huggingface;
pub mod ideogram;
pub mod offline;
pub mod openai;
pub mod stability;
pub mod together;

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
    /// Longest one HTTP request to a provider may take.
    pub http_timeout: Duration,
    /// How asynchronous providers (Black Forest Labs) poll their tasks.
    pub polling: bfl::Polling,
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
            http_timeout: Duration::from_secs(120),
            polling: bfl::Polling::default(),
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
    ]
}
