//! Every provider's failures through a job, from one table: what its fake answers (a prompt marker),
//! and what the job must end as (state, error code, attempts), how often the provider was called, and
//! what the user reads. All rows run at once on one server; the ledger must end with every failure
//! refunded exactly once (local engines are free). Provider-specific paths (parameters, polling,
//! resume, cancel) stay in providers.rs and providers_more.rs.

mod common;

use common::fakes::ProviderFakes;
use common::*;
use serde_json::json;
use std::time::Duration;

const START: i64 = 1000;

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

const REPLICATE: &str = "replicate-playground-v2.5";
const COMPAT: &str = "openai-compatible";

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
        calls(r("bfl", "flux-dev", "[429]", RETRIED), 2),
        calls(r("bfl", "flux-dev", "[500]", DOWN), 3),
        says(
            r("bfl", "flux-dev", "[402]", REFUSED),
            "Insufficient credits",
        ),
        says(
            r("bfl", "flux-dev", "[422]", REFUSED),
            "could not be processed",
        ),
        r("bfl", "flux-dev", "[timeout]", TIMED_OUT),
        r("bfl", "flux-dev", "[malformed]", DOWN),
        r("bfl", "flux-dev", "[url404]", REFUSED),
        says(
            r("bfl", "flux-pro-1.1", "[request-moderated]", MODERATED),
            "prompt",
        ),
        says(
            calls(r("bfl", "flux-dev", "[content-moderated]", MODERATED), 1),
            "generated image",
        ),
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
        calls(r("together", "together-flux-schnell", "[429]", RETRIED), 2),
        r("together", "together-flux-schnell", "[500]", DOWN),
        says(
            r("together", "together-flux-schnell", "[400]", REFUSED),
            "too ornate",
        ),
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
        calls(r("fal", "fal-sdxl-lightning", "[429]", RETRIED), 2),
        calls(r("fal", "fal-sdxl-lightning", "[500]", DOWN), 3),
        says(
            r("fal", "fal-sdxl-lightning", "[403]", REFUSED),
            "Exhausted balance",
        ),
        says(
            r("fal", "fal-stable-cascade", "[422]", REFUSED),
            "could not be processed",
        ),
        r("fal", "fal-sdxl-lightning", "[timeout]", TIMED_OUT),
        says(
            r("fal", "fal-sdxl-lightning", "[malformed]", DOWN),
            "could not be read",
        ),
        r("fal", "fal-sdxl-lightning", "[url404]", REFUSED),
        says(
            calls(r("fal", "fal-sdxl-lightning", "[moderated]", MODERATED), 1),
            "safety checker",
        ),
        // Replicate
        calls(r("replicate", REPLICATE, "[429]", RETRIED), 2),
        calls(r("replicate", REPLICATE, "[500]", DOWN), 3),
        says(
            r("replicate", REPLICATE, "[402]", REFUSED),
            "insufficient credit",
        ),
        says(
            r("replicate", REPLICATE, "[422]", REFUSED),
            "could not be processed",
        ),
        r("replicate", REPLICATE, "[timeout]", TIMED_OUT),
        says(
            r("replicate", REPLICATE, "[malformed]", DOWN),
            "could not be read",
        ),
        says(
            calls(r("replicate", REPLICATE, "[moderated]", MODERATED), 1),
            "NSFW",
        ),
        // AUTOMATIC1111 (free: the user's own GPU)
        calls(r("a1111", "a1111", "[429]", RETRIED), 2),
        says(r("a1111", "a1111", "[500]", DOWN), "OutOfMemoryError"),
        says(
            r("a1111", "a1111", "[422]", REFUSED),
            "could not be processed",
        ),
        r("a1111", "a1111", "[timeout]", TIMED_OUT),
        says(
            r("a1111", "a1111", "[malformed]", DOWN),
            "could not be read",
        ),
        // An OpenAI-compatible server (free: the user's own)
        calls(r("openai-compatible", COMPAT, "[429]", RETRIED), 2),
        r("openai-compatible", COMPAT, "[500]", DOWN),
        says(
            r("openai-compatible", COMPAT, "[400]", REFUSED),
            "could not parse",
        ),
        r("openai-compatible", COMPAT, "[moderated]", MODERATED),
        r("openai-compatible", COMPAT, "[timeout]", TIMED_OUT),
        r("openai-compatible", COMPAT, "[malformed]", DOWN),
        r("openai-compatible", COMPAT, "[url404]", REFUSED),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_providers_failures_end_as_the_table_says_and_are_refunded_once() {
    let fakes = ProviderFakes::start().await;
    let server = TestServer::start(Opts {
        workers: 16,
        ..fakes.opts(START)
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
