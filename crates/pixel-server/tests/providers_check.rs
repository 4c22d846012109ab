//! `pixel-studio-server providers check` end to end: the real binary against the loopback fakes, with
//! the same request code the jobs use, reporting in words what works and what a provider stopped serving.

use pixel_testkit::openai_fake::{self, FakeOpenAi};
use pixel_testkit::replicate_fake::{self, FakeReplicate};
use pixel_testkit::stability_fake::{self, FakeStability};
use pixel_testkit::together_fake::{self, FakeTogether};
use std::process::Command;

struct Fakes {
    openai: FakeOpenAi,
    stability: FakeStability,
    together: FakeTogether,
    replicate: FakeReplicate,
}

impl Fakes {
    async fn start() -> Self {
        Self {
            openai: FakeOpenAi::start().await,
            stability: FakeStability::start().await,
            together: FakeTogether::start().await,
            replicate: FakeReplicate::start().await,
        }
    }

    /// Runs `providers check` with every fake configured; returns (success, stdout).
    async fn check(&self, args: &[&str]) -> (bool, String) {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pixel-studio-server"));
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PIXEL_LOG", "warn")
            .env("OPENAI_API_KEY", openai_fake::FAKE_KEY)
            .env("OPENAI_BASE_URL", &self.openai.base_url)
            .env("STABILITY_API_KEY", stability_fake::FAKE_KEY)
            .env("STABILITY_BASE_URL", &self.stability.base_url)
            .env("TOGETHER_API_KEY", together_fake::FAKE_KEY)
            .env("TOGETHER_BASE_URL", &self.together.base_url)
            .env("REPLICATE_API_TOKEN", replicate_fake::FAKE_TOKEN)
            .env("REPLICATE_BASE_URL", &self.replicate.base_url)
            .args(["providers", "check"])
            .args(args);
        let out = tokio::task::spawn_blocking(move || c.output())
            .await
            .expect("join")
            .expect("run");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        )
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_configured_provider_is_asked_the_cheapest_way() {
    let fakes = Fakes::start().await;
    let (ok, out) = fakes.check(&[]).await;
    assert!(ok, "{out}");
    // Models lists: no image is made where the provider can say what it serves.
    assert!(out.contains("OpenAI (openai): works"), "{out}");
    assert!(out.contains("serves GPT Image 2 (as gpt-image-2)"), "{out}");
    assert!(
        fakes.openai.requests().is_empty(),
        "no image for a provider with a models list"
    );
    assert!(
        out.contains("serves FLUX.1 [schnell] (as black-forest-labs/FLUX.1-schnell)")
            || out.contains("(as black-forest-labs/FLUX.1-schnell)"),
        "{out}"
    );
    assert!(out.contains("Replicate (replicate): works"), "{out}");
    // No models list: one image of the cheapest model, made by the job's own request code.
    assert!(out.contains("made a "), "{out}");
    assert!(
        out.contains("Stable Image Core"),
        "the cheapest Stability model: {out}"
    );
    assert!(out.contains("not checked: "), "the others are named: {out}");
    // The balance a provider reports is shown.
    assert!(out.contains("balance: "), "{out}");
    // Unconfigured providers are listed as such, and the offline renderer is not a provider to check.
    assert!(
        out.contains("Not configured: ") && out.contains("Black Forest Labs"),
        "{out}"
    );
    assert!(!out.contains("(local)"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_the_provider_stopped_serving_is_named_and_fails_the_check() {
    let fakes = Fakes::start().await;
    fakes.openai.withdraw("gpt-image-2");
    fakes
        .replicate
        .delete_version(pixel_providers::replicate::PINNED[0].2);
    let (ok, out) = fakes.check(&["--no-images"]).await;
    assert!(!ok, "a withdrawn model must fail the check: {out}");
    assert!(out.contains("OpenAI (openai): PROBLEMS"), "{out}");
    assert!(
        out.contains("no longer serves GPT Image 2 (asked as gpt-image-2)")
            && out.contains("[models.gpt-image-2] enabled = false"),
        "{out}"
    );
    assert!(
        out.contains("no longer serves") && out.contains("replicate-playground-v2.5"),
        "{out}"
    );
    // --no-images: nothing billed anywhere.
    assert!(fakes.stability.requests().is_empty(), "{out}");
    assert!(
        out.contains("not asked for an image (--no-images)"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_and_an_unknown_provider_are_said_in_words() {
    let fakes = Fakes::start().await;
    let mut c = Command::new(env!("CARGO_BIN_EXE_pixel-studio-server"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PIXEL_LOG", "warn")
        .env("OPENAI_API_KEY", "sk-wrong")
        .env("OPENAI_BASE_URL", &fakes.openai.base_url)
        .args(["providers", "check", "--provider", "openai"]);
    let out = tokio::task::spawn_blocking(move || c.output())
        .await
        .expect("join")
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("its models list answered") && stdout.contains("API key"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("Stability"),
        "--provider limits the check: {stdout}"
    );

    let (ok, _) = fakes.check(&["--provider", "dalle"]).await;
    assert!(!ok, "an unknown provider id is refused");
}
