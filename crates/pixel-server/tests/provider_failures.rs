//! Every provider's failures through a job, from one table: what its fake answers (a prompt marker),
//! and what the job must end as (state, error code, attempts), how often the provider was called, and
//! what the user reads. All rows run at once on one server; the ledger must end with every failure
//! refunded exactly once. Provider-specific paths (polling, resume, cancel) stay in providers.rs and
//! providers_more.rs.

mod common;

use common::*;
use pixel_testkit::{
    FakeBfl, FakeFal, FakeHuggingFace, FakeIdeogram, FakeReplicate, FakeStability, FakeTogether,
};
use serde_json::json;
use std::time::Duration;

const START: i64 = 1000;

struct Fakes {
    stability: FakeStability,
    bfl: FakeBfl,
    ideogram: FakeIdeogram,
    together: FakeTogether,
    huggingface: FakeHuggingFace,
    fal: FakeFal,
    replicate: FakeReplicate,
}

impl Fakes {
    /// How many times the provider of `model` was asked for `prompt` (its submits, for queues).
    fn calls(&self, provider: &str, prompt: &str) -> u32 {
        match provider {
            "stability" => self.stability.calls(prompt),
            "bfl" => self.bfl.submits(prompt),
            "ideogram" => self.ideogram.calls(prompt),
            "together" => self.together.calls(prompt),
            "huggingface" => self.huggingface.calls(prompt),
            "fal" => self.fal.submits(prompt),
            "replicate" => self.replicate.submits(prompt),
            other => panic!("no fake for {other}"),
        }
    }
}

/// One failure of one provider and how the job must end.
struct Row {
    provider: &'static str,
    model: &'static str,
    /// The fake's scenario marker; the model id is appended so every prompt is unique.
    marker: &'static str,
    state: &'static str,
    /// None for a job that succeeded after its retry.
    code: Option<&'static str>,
    attempts: u64,
    /// Provider calls the job made, where the count is the point.
    calls: Option<u32>,
    /// Words the user must read in the job's error.
    says: Option<&'static str>,
}

const fn row(
    provider: &'static str,
    model: &'static str,
    marker: &'static str,
    state: &'static str,
    code: Option<&'static str>,
    attempts: u64,
) -> Row {
    Row {
        provider,
        model,
        marker,
        state,
        code,
        attempts,
        calls: None,
        says: None,
    }
}

const RETRIED: (&str, Option<&str>, u64) = ("succeeded", None, 2);
const DOWN: (&str, Option<&str>, u64) = ("failed", Some("provider_error"), 3);
const REFUSED: (&str, Option<&str>, u64) = ("failed", Some("provider_rejected"), 1);
const TIMED_OUT: (&str, Option<&str>, u64) = ("failed", Some("timeout"), 3);
const MODERATED: (&str, Option<&str>, u64) = ("moderated", Some("moderated"), 1);

fn rows() -> Vec<Row> {
    let r = |provider,
             model,
             marker,
             (state, code, attempts): (&'static str, Option<&'static str>, u64)| {
        row(provider, model, marker, state, code, attempts)
    };
    let calls = |row: Row, n: u32| Row {
        calls: Some(n),
        ..row
    };
    let says = |row: Row, words: &'static str| Row {
        says: Some(words),
        ..row
    };
    vec![
        // Stability AI
        calls(r("stability", "sd3.5-large-turbo", "[429]", RETRIED), 2),
        calls(r("stability", "sd3.5-medium", "[500]", DOWN), 3),
        says(
            r("stability", "sd3.5-medium", "[400]", REFUSED),
            "cannot render",
        ),
        r("stability", "stable-image-core", "[timeout]", TIMED_OUT),
        says(
            r("stability", "stable-image-core", "[malformed]", DOWN),
            "could not be read",
        ),
        says(
            calls(
                r("stability", "stable-image-ultra", "[moderated]", MODERATED),
                1,
            ),
            "content moderation",
        ),
        says(
            r("stability", "sd3.5-medium", "[filtered]", MODERATED),
            "content filter",
        ),
        // Black Forest Labs
        r("bfl", "flux-dev", "[429]", RETRIED),
        r("bfl", "flux-dev", "[500]", DOWN),
        r("bfl", "flux-dev", "[402]", REFUSED),
        r("bfl", "flux-dev", "[422]", REFUSED),
        r("bfl", "flux-dev", "[timeout]", TIMED_OUT),
        r("bfl", "flux-dev", "[malformed]", DOWN),
        r("bfl", "flux-dev", "[url404]", REFUSED),
        // Ideogram
        calls(r("ideogram", "ideogram-v1-turbo", "[429]", RETRIED), 2),
        calls(r("ideogram", "ideogram-v1-turbo", "[500]", DOWN), 3),
        says(
            r("ideogram", "ideogram-v1-turbo", "[400]", REFUSED),
            "not supported",
        ),
        r("ideogram", "ideogram-v1-turbo", "[timeout]", TIMED_OUT),
        says(
            r("ideogram", "ideogram-v1-turbo", "[malformed]", DOWN),
            "could not be read",
        ),
        r("ideogram", "ideogram-v1-turbo", "[url404]", REFUSED),
        says(
            r("ideogram", "ideogram-v2-turbo", "[moderated]", MODERATED),
            "safety check",
        ),
        calls(r("ideogram", "ideogram-v1", "[unsafe]", MODERATED), 1),
        r("ideogram", "ideogram-v3", "[moderated]", MODERATED),
        // Together AI
        r("together", "together-flux-schnell", "[429]", RETRIED),
        r("together", "together-flux-schnell", "[500]", DOWN),
        r("together", "together-flux-schnell", "[400]", REFUSED),
        r("together", "together-flux-schnell", "[timeout]", TIMED_OUT),
        r("together", "together-flux-schnell", "[malformed]", DOWN),
        r(
            "together",
            "together-flux-schnell",
            "[moderated]",
            MODERATED,
        ),
        // Hugging Face
        calls(r("huggingface", "FLUX.1-schnell", "[loading]", RETRIED), 2),
        r("huggingface", "FLUX.1-schnell", "[429]", RETRIED),
        calls(r("huggingface", "FLUX.1-schnell", "[500]", DOWN), 3),
        says(
            r("huggingface", "FLUX.1-schnell", "[400]", REFUSED),
            "text encoder",
        ),
        r("huggingface", "FLUX.1-schnell", "[timeout]", TIMED_OUT),
        says(
            r("huggingface", "FLUX.1-schnell", "[malformed]", DOWN),
            "could not be read",
        ),
        // FAL
        r("fal", "fal-sdxl-lightning", "[500]", DOWN),
        r("fal", "fal-sdxl-lightning", "[403]", REFUSED),
        r("fal", "fal-stable-cascade", "[422]", REFUSED),
        r("fal", "fal-sdxl-lightning", "[timeout]", TIMED_OUT),
        r("fal", "fal-sdxl-lightning", "[malformed]", DOWN),
        r("fal", "fal-sdxl-lightning", "[url404]", REFUSED),
        r("fal", "fal-sdxl-lightning", "[moderated]", MODERATED),
        // Replicate
        r(
            "replicate",
            "replicate-playground-v2.5",
            "[moderated]",
            MODERATED,
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_providers_failures_end_as_the_table_says_and_are_refunded_once() {
    let fakes = Fakes {
        stability: FakeStability::start().await,
        bfl: FakeBfl::start().await,
        ideogram: FakeIdeogram::start().await,
        together: FakeTogether::start().await,
        huggingface: FakeHuggingFace::start().await,
        fal: FakeFal::start().await,
        replicate: FakeReplicate::start().await,
    };
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: START,
        stability_base_url: Some(fakes.stability.base_url.clone()),
        bfl_base_url: Some(fakes.bfl.base_url.clone()),
        ideogram_base_url: Some(fakes.ideogram.base_url.clone()),
        together_base_url: Some(fakes.together.base_url.clone()),
        huggingface_base_url: Some(fakes.huggingface.base_url.clone()),
        fal_base_url: Some(fakes.fal.base_url.clone()),
        replicate_base_url: Some(fakes.replicate.base_url.clone()),
        provider_timeout: Duration::from_millis(1500),
        workers: 16,
        ..Opts::default()
    })
    .await
    .expect("server");
    let table = rows();
    // Submitted together: the rows run at once, as a busy server's jobs do.
    let mut jobs = vec![];
    for row in &table {
        let prompt = format!("{} {}", row.marker, row.model);
        let id = server
            .submit_one(json!({ "prompt": prompt, "model": row.model }))
            .await;
        jobs.push((row, prompt, id));
    }
    // Every job ends before any is checked: the ledger is read whole only when nothing moves it.
    let mut ended = vec![];
    for (row, prompt, id) in &jobs {
        ended.push((
            row,
            prompt,
            server.wait_final(id, Duration::from_secs(120)).await,
        ));
    }
    let mut spent = 0;
    for (row, prompt, job) in ended {
        let what = format!("{} {}", row.model, row.marker);
        match row.code {
            Some(code) => {
                server
                    .assert_ended(&job, row.state, code, row.attempts)
                    .await
            }
            None => {
                assert_eq!(
                    (job["state"].as_str(), job["attempts"].as_u64()),
                    (Some(row.state), Some(row.attempts)),
                    "{what}: {job}"
                );
                let image = server.image_of(&job).await;
                assert!(
                    !image["record"]["retried_errors"]
                        .as_array()
                        .is_none_or(Vec::is_empty),
                    "{what}: the record keeps the retried error: {image}"
                );
                spent += job["cost"].as_i64().unwrap_or_default();
            }
        }
        if let Some(n) = row.calls {
            assert_eq!(
                fakes.calls(row.provider, prompt),
                n,
                "{what}: provider calls"
            );
        }
        if let Some(words) = row.says {
            assert!(job_message(&job).contains(words), "{what}: {job}");
        }
    }
    assert!(spent > 0, "the retried rows succeeded and were charged");
    assert_eq!(
        server.balance().await,
        START - spent,
        "every failure refunded"
    );
    server.assert_ledger_balances().await;
    server.shutdown().await;
}
