//! Every provider's loopback fake, started together, and a server configured to use all of them:
//! the one setup the provider suites share.

use super::{Opts, TestServer};
use pixel_testkit::{
    FakeA1111, FakeBfl, FakeComfyUi, FakeFal, FakeHuggingFace, FakeIdeogram, FakeOpenAiCompat,
    FakeReplicate, FakeStability, FakeTogether,
};
use std::time::Duration;

pub struct ProviderFakes {
    pub stability: FakeStability,
    pub bfl: FakeBfl,
    pub ideogram: FakeIdeogram,
    pub together: FakeTogether,
    pub huggingface: FakeHuggingFace,
    pub fal: FakeFal,
    pub replicate: FakeReplicate,
    pub a1111: FakeA1111,
    pub compat: FakeOpenAiCompat,
    pub comfy: FakeComfyUi,
}

impl ProviderFakes {
    pub async fn start() -> ProviderFakes {
        ProviderFakes {
            stability: FakeStability::start().await,
            bfl: FakeBfl::start().await,
            ideogram: FakeIdeogram::start().await,
            together: FakeTogether::start().await,
            huggingface: FakeHuggingFace::start().await,
            fal: FakeFal::start().await,
            replicate: FakeReplicate::start().await,
            a1111: FakeA1111::start().await,
            compat: FakeOpenAiCompat::start().await,
            comfy: FakeComfyUi::start().await,
        }
    }

    /// Server options pointing every provider at its fake, charging from `starting_credits`, with
    /// a provider timeout short enough that the fakes' hanging scenarios end quickly.
    pub fn opts(&self, starting_credits: i64) -> Opts {
        Opts {
            charging: true,
            starting_credits,
            stability_base_url: Some(self.stability.base_url.clone()),
            bfl_base_url: Some(self.bfl.base_url.clone()),
            ideogram_base_url: Some(self.ideogram.base_url.clone()),
            together_base_url: Some(self.together.base_url.clone()),
            huggingface_base_url: Some(self.huggingface.base_url.clone()),
            fal_base_url: Some(self.fal.base_url.clone()),
            replicate_base_url: Some(self.replicate.base_url.clone()),
            a1111_url: Some(self.a1111.base_url.clone()),
            openai_compat_base_url: Some(self.compat.base_url.clone()),
            comfyui_url: Some(self.comfy.base_url.clone()),
            provider_timeout: Duration::from_millis(1500),
            ..Opts::default()
        }
    }

    /// The fakes and a server using them.
    pub async fn with_server(starting_credits: i64) -> (ProviderFakes, TestServer) {
        let fakes = ProviderFakes::start().await;
        let server = TestServer::start(fakes.opts(starting_credits))
            .await
            .expect("server");
        (fakes, server)
    }

    /// How many times `provider` was asked for `prompt` (its submissions, for queued APIs).
    pub fn calls(&self, provider: &str, prompt: &str) -> u32 {
        match provider {
            "stability" => self.stability.calls(prompt),
            "bfl" => self.bfl.submits(prompt),
            "ideogram" => self.ideogram.calls(prompt),
            "together" => self.together.calls(prompt),
            "huggingface" => self.huggingface.calls(prompt),
            "fal" => self.fal.submits(prompt),
            "replicate" => self.replicate.submits(prompt),
            "a1111" => self.a1111.calls(prompt),
            "openai-compatible" => self.compat.calls(prompt),
            "comfyui" => self.comfy.submits(prompt),
            other => panic!("no fake for {other}"),
        }
    }
}
