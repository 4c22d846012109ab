//! OpenAI through a job, end to end, against a loopback fake of the documented API: every outcome is
//! asserted on the job's state, its record and the ledger (refunded exactly once when it did not succeed).

mod common;

use common::*;
use pixel_testkit::FakeOpenAi;
use serde_json::{json, Value};
use std::time::Duration;

async fn setup() -> (FakeOpenAi, TestServer) {
    let fake = FakeOpenAi::start().await;
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: 100,
        openai_base_url: Some(fake.base_url.clone()),
        provider_timeout: Duration::from_millis(1500),
        ..Opts::default()
    })
    .await
    .expect("server");
    (fake, server)
}

fn ledger_entries_for(ledger: &Value, job_id: &str) -> Vec<Value> {
    ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["job_id"] == job_id)
        .cloned()
        .collect()
}

#[tokio::test]
async fn b64_success_captures_the_charge() {
    let (fake, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a watercolour heron", "model": "gpt-image-2", "width": 1536, "height": 1024, "quality": "low" })).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["refunded"], false);
    let image = server
        .ok("images.get", json!({ "image_id": job["image_id"] }))
        .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1536), Some(1024))
    );
    assert_eq!(
        image["record"]["revised_prompt"],
        "a watercolour heron, detailed"
    );
    assert_eq!(image["record"]["provider_request_id"], "req_fake_123");
    // Low quality at 1.5 times 1024×1024: 1 credit times 1.5, rounded up.
    assert_eq!(image["record"]["cost"], 2);
    assert_eq!(server.balance().await, 98);
    let ledger = server.assert_ledger_balances().await;
    let settle = ledger_entries_for(&ledger, job["id"].as_str().expect("id"));
    assert_eq!(settle.len(), 1);
    assert_eq!(settle[0]["kind"], "capture");
    let sent = &fake.requests()[0];
    assert!(sent.get("response_format").is_none(), "{sent}");
    assert_eq!(
        (
            sent["model"].as_str(),
            sent["size"].as_str(),
            sent["quality"].as_str()
        ),
        (Some("gpt-image-2"), Some("1536x1024"), Some("low"))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn url_results_are_downloaded() {
    let (_fake, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "[url] a paper boat", "model": "gpt-image-2", "width": 1024, "height": 1536, "quality": "low" })).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let image = server
        .ok("images.get", json!({ "image_id": job["image_id"] }))
        .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1024), Some(1536))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn retired_models_are_refused_uncharged_and_their_records_still_open() {
    let (fake, server) = setup().await;
    let catalogue = server.ok("catalogue.list", json!({})).await;
    let retired = catalogue["retired"].as_array().expect("retired");
    let dalle3 = retired
        .iter()
        .find(|r| r["id"] == "dall-e-3")
        .expect("dall-e-3 is listed as retired");
    assert_eq!(dalle3["replaced_by"], "gpt-image-2");
    for id in ["dall-e-2", "dall-e-3", "gpt-image-1"] {
        let (status, body) = server
            .call(
                "generations.create",
                json!({ "prompt": "a wide harbour", "model": id }),
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (503, Some("model_unavailable")),
            "{id}: {body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("gpt-image-2"),
            "{body}"
        );
    }
    assert!(fake.requests().is_empty(), "nothing reached OpenAI");
    assert_eq!(server.balance().await, 100, "nothing was charged");
    // An image made with DALL·E 3 before its retirement (here: published from a desktop library) keeps
    // its record and opens as it was.
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD.encode(pixel_testkit::png(64, 48));
    let record = published_record(
        "openai",
        Some("gpt-image-1"),
        json!({"prompt": "a wide harbour", "model": "dall-e-3", "width": 1792, "height": 1024, "quality": "hd"}),
    );
    let image = server
        .ok(
            "images.publish",
            json!({ "image_base64": png, "record": record }),
        )
        .await;
    let opened = server
        .ok("images.get", json!({ "image_id": image["id"] }))
        .await;
    assert_eq!(opened["record"]["params"]["model"], "dall-e-3");
    assert_eq!(opened["record"]["params"]["quality"], "hd");
    server.shutdown().await;
}

#[tokio::test]
async fn the_fake_answers_retired_models_as_openai_does() {
    // A job queued for a retired id before an upgrade reaches OpenAI and gets this answer; the client
    // maps it to a refusal (not a retry), which `error_mapping_follows_the_documented_codes` checks.
    let fake = FakeOpenAi::start().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/images/generations", fake.base_url))
        .bearer_auth(pixel_testkit::openai_fake::FAKE_KEY)
        .json(&json!({"model": "dall-e-3", "prompt": "x", "size": "1024x1024"}))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 404);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["code"], "model_not_found");
}

#[tokio::test]
async fn content_policy_is_moderated_and_refunded() {
    let (fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[moderated] something", "model": "gpt-image-2" }))
        .await;
    assert_eq!(job["state"], "moderated", "{job}");
    assert_eq!(job["error"]["code"], "moderated");
    assert!(job["error"]["message"]
        .as_str()
        .expect("msg")
        .contains("safety system"));
    assert_eq!(job["refunded"], true);
    assert_eq!(job["attempts"], 1, "moderation is final, not retried");
    assert_eq!(fake.calls("[moderated] something"), 1);
    assert_eq!(server.balance().await, 100);
    let ledger = server.assert_ledger_balances().await;
    let settle = ledger_entries_for(&ledger, job["id"].as_str().expect("id"));
    assert_eq!(settle.len(), 1);
    assert_eq!(
        (settle[0]["kind"].as_str(), settle[0]["amount"].as_i64()),
        (Some("refund"), Some(6))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn rate_limit_is_retried_after_retry_after() {
    let (fake, server) = setup().await;
    let started = std::time::Instant::now();
    let job = server
        .run_one(json!({ "prompt": "[429] a busy day", "model": "gpt-image-2" }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2);
    assert_eq!(fake.calls("[429] a busy day"), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was not honoured"
    );
    let image = server
        .ok("images.get", json!({ "image_id": job["image_id"] }))
        .await;
    let retried = image["record"]["retried_errors"]
        .as_array()
        .expect("retried");
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0]["code"], "provider_error");
    assert_eq!(
        server.balance().await,
        94,
        "charged once for the retried job"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_then_failed_and_refunded() {
    let (fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[500] broken", "model": "gpt-image-2" }))
        .await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "provider_error");
    assert_eq!(job["attempts"], 3);
    assert_eq!(fake.calls("[500] broken"), 3);
    assert_eq!(job["refunded"], true);
    assert_eq!(server.balance().await, 100);
    let ok = server
        .run_one(json!({ "prompt": "[500once] flaky", "model": "gpt-image-2" }))
        .await;
    assert_eq!(
        (ok["state"].as_str(), ok["attempts"].as_u64()),
        (Some("succeeded"), Some(2))
    );
    server.assert_ledger_balances().await;
    server.shutdown().await;
}

#[tokio::test]
async fn timeouts_fail_and_refund() {
    let (fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[timeout] never", "model": "gpt-image-2" }))
        .await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "timeout");
    assert_eq!(job["attempts"], 3);
    assert_eq!(fake.calls("[timeout] never"), 3);
    assert_eq!(job["refunded"], true);
    assert_eq!(server.balance().await, 100);
    server.shutdown().await;
}

#[tokio::test]
async fn malformed_bodies_and_dead_urls_fail_and_refund() {
    let (_fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[malformed] garbage", "model": "gpt-image-2" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["refunded"].as_bool()),
        (Some("failed"), Some(true)),
        "{job}"
    );
    assert!(job["error"]["message"]
        .as_str()
        .expect("msg")
        .contains("could not be read"));
    let job = server
        .run_one(json!({ "prompt": "[url404] gone", "model": "gpt-image-2" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["refunded"].as_bool()),
        (Some("failed"), Some(true)),
        "{job}"
    );
    assert_eq!(job["error"]["code"], "provider_rejected");
    let job = server
        .run_one(json!({ "prompt": "[quota] broke", "model": "gpt-image-2" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("failed"), Some(1)),
        "quota is not retried: {job}"
    );
    assert_eq!(server.balance().await, 100);
    server.assert_ledger_balances().await;
    server.shutdown().await;
}

#[tokio::test]
async fn result_urls_to_private_addresses_are_refused() {
    let (_fake, server) = setup().await;
    for prompt in ["[ssrf] pointed inward", "[redirect-ssrf] bounced inward"] {
        let job = server
            .run_one(json!({ "prompt": prompt, "model": "gpt-image-2" }))
            .await;
        assert_eq!(job["state"], "failed", "{job}");
        assert_eq!(job["error"]["code"], "provider_rejected");
        assert!(
            job["error"]["message"]
                .as_str()
                .expect("msg")
                .contains("private or loopback"),
            "{job}"
        );
        assert_eq!(job["refunded"], true);
    }
    assert_eq!(server.balance().await, 100);
    server.assert_ledger_balances().await;
    server.shutdown().await;
}
