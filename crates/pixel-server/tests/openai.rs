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
    let job = server.run_one(json!({ "prompt": "a watercolour heron", "model": "dall-e-2", "width": 512, "height": 512 })).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(job["refunded"], false);
    let image = server
        .ok("images.get", json!({ "image_id": job["image_id"] }))
        .await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(512), Some(512))
    );
    assert_eq!(
        image["record"]["revised_prompt"],
        "a watercolour heron, detailed"
    );
    assert_eq!(image["record"]["provider_request_id"], "req_fake_123");
    assert_eq!(image["record"]["cost"], 1);
    assert_eq!(server.balance().await, 99);
    let ledger = server.assert_ledger_balances().await;
    let settle = ledger_entries_for(&ledger, job["id"].as_str().expect("id"));
    assert_eq!(settle.len(), 1);
    assert_eq!(settle[0]["kind"], "capture");
    let sent = &fake.requests()[0];
    assert_eq!(sent["response_format"], "b64_json");
    assert_eq!(sent["size"], "512x512");
    server.shutdown().await;
}

#[tokio::test]
async fn url_results_are_downloaded() {
    let (_fake, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "[url] a paper boat", "model": "gpt-image-1", "width": 1024, "height": 1536, "quality": "low" })).await;
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
async fn dall_e_3_runs_on_gpt_image_1_with_mapped_size() {
    let (fake, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a wide harbour", "model": "dall-e-3", "width": 1792, "height": 1024, "quality": "hd" })).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let sent = &fake.requests()[0];
    assert_eq!(
        (
            sent["model"].as_str(),
            sent["size"].as_str(),
            sent["quality"].as_str()
        ),
        (Some("gpt-image-1"), Some("1536x1024"), Some("high"))
    );
    assert!(sent.get("response_format").is_none());
    let image = server
        .ok("images.get", json!({ "image_id": job["image_id"] }))
        .await;
    assert_eq!(image["record"]["provider_model"], "gpt-image-1");
    assert_eq!(image["record"]["params"]["model"], "dall-e-3");
    assert_eq!(server.balance().await, 94);
    server.shutdown().await;
}

#[tokio::test]
async fn content_policy_is_moderated_and_refunded() {
    let (fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[moderated] something", "model": "dall-e-2" }))
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
        (Some("refund"), Some(1))
    );
    server.shutdown().await;
}

#[tokio::test]
async fn rate_limit_is_retried_after_retry_after() {
    let (fake, server) = setup().await;
    let started = std::time::Instant::now();
    let job = server
        .run_one(json!({ "prompt": "[429] a busy day", "model": "dall-e-2" }))
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
    assert_eq!(server.balance().await, 99);
    server.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_then_failed_and_refunded() {
    let (fake, server) = setup().await;
    let job = server
        .run_one(json!({ "prompt": "[500] broken", "model": "dall-e-2" }))
        .await;
    assert_eq!(job["state"], "failed", "{job}");
    assert_eq!(job["error"]["code"], "provider_error");
    assert_eq!(job["attempts"], 3);
    assert_eq!(fake.calls("[500] broken"), 3);
    assert_eq!(job["refunded"], true);
    assert_eq!(server.balance().await, 100);
    let ok = server
        .run_one(json!({ "prompt": "[500once] flaky", "model": "dall-e-2" }))
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
        .run_one(json!({ "prompt": "[timeout] never", "model": "dall-e-2" }))
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
        .run_one(json!({ "prompt": "[malformed] garbage", "model": "dall-e-2" }))
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
        .run_one(json!({ "prompt": "[url404] gone", "model": "gpt-image-1" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["refunded"].as_bool()),
        (Some("failed"), Some(true)),
        "{job}"
    );
    assert_eq!(job["error"]["code"], "provider_rejected");
    let job = server
        .run_one(json!({ "prompt": "[quota] broke", "model": "dall-e-2" }))
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
            .run_one(json!({ "prompt": prompt, "model": "gpt-image-1" }))
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
