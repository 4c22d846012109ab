//! Pixel Studio providers: the built-in offline renderer and HTTP clients of image APIs, each behind the
//! core's `Provider` trait. Base URLs are configuration, so tests point them at loopback fakes.

pub mod http;
pub mod offline;
pub mod openai;

use pixel_core::ports::Provider;
use std::sync::Arc;
use std::time::Duration;

/// Keys and endpoints of every provider, by the original product's environment names.
#[derive(Debug, Clone)]
pub struct ProvidersConfig {
    pub openai_api_key: Option<String>,
    pub openai_base_url: String,
    /// Longest one HTTP request to a provider may take.
    pub http_timeout: Duration,
}

impl Default for ProvidersConfig {
    fn default() -> Self {
        Self {
            openai_api_key: None,
            openai_base_url: openai::DEFAULT_BASE_URL.to_string(),
            http_timeout: Duration::from_secs(120),
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
    ]
}
