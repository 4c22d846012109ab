//! Stability, Black Forest Labs, Ideogram, Together and Hugging Face through a job, end to end,
//! against loopback fakes of their documented APIs: parameters and record (provider, params, seed),
//! rate limits, polling and resume. Plain failures of every provider are one table in
//! provider_failures.rs.

mod common;

use async_trait::async_trait;
use common::fakes::ProviderFakes;
use common::*;
use pixel_core::ports::{JobContext, Provider, ProviderError, ProviderRequest};
use pixel_testkit::{FakeBfl, FakeHuggingFace, FakeTogether};
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;

const START: i64 = 1000;

async fn setup() -> (ProviderFakes, TestServer) {
    ProviderFakes::with_server(START).await
}

// ---------------------------------------------------------------- Stability

#[tokio::test]
async fn stability_success_maps_every_parameter_and_records_the_seed() {
    let (fakes, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a lighthouse at dusk", "model": "sd3.5-large", "width": 1344, "height": 768,
                "negative_prompt": "fog", "seed": 42, "style": "cinematic" }),
    )
    .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(1)),
        "{job}"
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1344), Some(768))
    );
    let record = &image["record"];
    assert_eq!(record["provider"], "stability");
    assert_eq!(record["seed"], 42);
    assert_eq!(record["cost"], 4);
    assert_eq!(record["params"]["style"], "cinematic");
    assert_eq!(record["params"]["negative_prompt"], "fog");
    let sent = &fakes.stability.requests()[0];
    assert_eq!(
        sent,
        &json!({ "endpoint": "sd3", "prompt": "a lighthouse at dusk", "model": "sd3.5-large",
                 "aspect_ratio": "16:9", "output_format": "png", "seed": "42",
                 "negative_prompt": "fog", "style_preset": "cinematic" })
    );
    assert_eq!(server.balance().await, START - 4);

    // Core, style `none` (omitted), no seed given: the seed the service reports is recorded.
    let job = server.run_one(json!({ "prompt": "a quiet pond", "model": "stable-image-core", "width": 640, "height": 1536,
                "style": "none" }),
    )
    .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let sent = &fakes.stability.requests()[1];
    assert_eq!(
        (sent["endpoint"].as_str(), sent["aspect_ratio"].as_str()),
        (Some("core"), Some("9:21"))
    );
    assert!(sent.get("style_preset").is_none() && sent.get("model").is_none());
    let image = server.image_of(&job).await;
    let sent_seed: u64 = sent["seed"].as_str().expect("seed").parse().expect("num");
    let expected = if sent_seed == 0 { 123_456 } else { sent_seed };
    assert_eq!(image["record"]["seed"].as_u64(), Some(expected));
    assert_eq!(image["height"].as_u64(), Some(1536));
    assert_eq!(server.balance().await, START - 5);
    server.shutdown().await;
}

#[tokio::test]
async fn stability_rate_limit_waits_for_retry_after() {
    let (fakes, server) = setup().await;
    let started = std::time::Instant::now();
    let job = server
        .run_one(json!({ "prompt": "[429] busy", "model": "sd3.5-large-turbo" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(2)),
        "{job}"
    );
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After");
    assert_eq!(fakes.stability.calls("[429] busy"), 2);
    let image = server.image_of(&job).await;
    assert_eq!(
        image["record"]["retried_errors"][0]["code"],
        "provider_error"
    );
    assert_eq!(server.balance().await, START - 2);
    server.shutdown().await;
}

// ---------------------------------------------------------------- Black Forest Labs

#[tokio::test]
async fn bfl_polls_until_ready_and_records_task_and_seed() {
    let (fakes, server) = setup().await;
    let prompt = "[polls:3] a fox in snow";
    let job = server
        .run_one(
            json!({ "prompt": prompt, "model": "flux-dev", "width": 1216, "height": 832, "seed": 7,
                "steps": 30, "cfg": 3.5 }),
        )
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(1)),
        "{job}"
    );
    assert_eq!(fakes.bfl.submits(prompt), 1);
    assert_eq!(
        fakes.bfl.polls(prompt),
        4,
        "three Pending polls, then Ready"
    );
    let sent = &fakes.bfl.requests()[0];
    assert_eq!(
        sent,
        &json!({ "model": "flux-dev", "body": { "prompt": prompt, "width": 1216, "height": 832,
                 "seed": 7, "steps": 30, "guidance": 3.5 } })
    );
    let image = server.image_of(&job).await;
    let record = &image["record"];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1216), Some(832))
    );
    assert_eq!(record["provider"], "bfl");
    assert_eq!(record["seed"], 7);
    assert_eq!(record["params"]["steps"], 30);
    assert!(record["provider_request_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("task-")));
    assert_eq!(server.balance().await, START - 2);

    let job = server
        .run_one(json!({ "prompt": "a plain flux", "model": "flux-pro-1.1" }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(fakes.bfl.requests()[1]["model"], "flux-pro-1.1");
    assert_eq!(server.balance().await, START - 6);
    server.shutdown().await;
}

#[tokio::test]
async fn bfl_poll_failures_resume_the_task_instead_of_paying_twice() {
    let (fakes, server) = setup().await;
    // An unreadable poll is retried by polling the same task again: never a second submission.
    let job = server
        .run_one(json!({ "prompt": "[poll-malformed] a", "model": "flux-dev" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.bfl.submits("[poll-malformed] a"), 1);
    assert!(fakes.bfl.polls("[poll-malformed] a") >= 3);

    // A task that ends in Error is replaced by a new one on the retry.
    let job = server
        .run_one(json!({ "prompt": "[error] b", "model": "flux-dev" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(2)),
        "{job}"
    );
    assert_eq!(fakes.bfl.submits("[error] b"), 2);

    // A task BFL forgot is resubmitted on each retry, then the job fails and is refunded.
    let job = server
        .run_one(json!({ "prompt": "[lost] c", "model": "flux-dev" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.bfl.submits("[lost] c"), 3);

    // A polling URL on another host never gets the key: the job is refused (and refunded) at once.
    let job = server
        .run_one(json!({ "prompt": "[foreign-poll] e", "model": "flux-dev" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_rejected", 1)
        .await;
    assert!(job_message(&job).contains("another host"), "{job}");
    assert_eq!(fakes.bfl.polls("[foreign-poll] e"), 0);

    // A sample URL that 404s is final.
    let job = server
        .run_one(json!({ "prompt": "[url404] d", "model": "flux-dev" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_rejected", 1)
        .await;
    assert_eq!(server.balance().await, START - 2);
    server.shutdown().await;
}

#[tokio::test]
async fn bfl_timed_out_job_resumes_polling_its_saved_task() {
    let (fakes, server) = setup().await;
    let prompt = "[hold] a long render";
    let job_id = server
        .submit_one(json!({ "prompt": prompt, "model": "flux-pro-1.1" }))
        .await;
    // The first attempt polls until the 1.5 s attempt timeout; wait until the retry runs.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let job = server
            .ok("generations.get", json!({ "job_id": job_id }))
            .await;
        if job["attempts"].as_u64().unwrap_or(0) >= 2 && job["state"] == "running" {
            break;
        }
        assert!(
            job["state"] == "queued" || job["state"] == "running",
            "{job}"
        );
        assert!(tokio::time::Instant::now() < deadline, "no retry: {job}");
        // Polls real I/O (the job over HTTP, the fake's counters) until the worker gets there.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    fakes.bfl.release(prompt);
    let job = server.wait_final(&job_id, Duration::from_secs(30)).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert!(job["attempts"].as_u64().unwrap_or(0) >= 2, "{job}");
    assert_eq!(
        fakes.bfl.submits(prompt),
        1,
        "the retry resumed the saved task"
    );
    let image = server.image_of(&job).await;
    assert_eq!(image["record"]["retried_errors"][0]["code"], "timeout");
    assert_eq!(server.balance().await, START - 4);
    server.shutdown().await;
}

/// A job context that keeps the handle it is given.
#[derive(Default)]
struct Recorder {
    handles: Mutex<Vec<String>>,
}

#[async_trait]
impl JobContext for Recorder {
    async fn progress(&self, _fraction: f32) {}
    async fn remote_handle(&self, handle: &str) {
        self.handles
            .lock()
            .expect("handles")
            .push(handle.to_string());
    }
    async fn cancelled(&self) {
        std::future::pending::<()>().await
    }
}

#[tokio::test]
async fn bfl_resume_handle_polls_without_submitting() {
    let fake = FakeBfl::start().await;
    let bfl = pixel_providers::bfl::Bfl::new(
        Some(pixel_testkit::bfl_fake::FAKE_KEY.into()),
        &fake.base_url,
        Duration::from_secs(5),
        pixel_providers::bfl::Polling {
            interval: Duration::from_millis(10),
            max_interval: Duration::from_millis(50),
            deadline: Duration::from_secs(10),
        },
    );
    let params = pixel_core::GenerationParams {
        prompt: "[polls:2] resumable".into(),
        model: "flux-pro-1.1".into(),
        width: 1024,
        height: 1024,
        negative_prompt: None,
        steps: None,
        cfg: None,
        quality: None,
        style: None,
        duration: None,
        source_image: None,
    };
    let mut req = ProviderRequest {
        job_id: "job-1".into(),
        params,
        seed: 5,
        resume_handle: None,
        provider_model: None,
        source_image: None,
    };
    let ctx = Recorder::default();
    let first = bfl.generate(&req, &ctx).await.expect("first run");
    // The handle is the polling URL the submit answered (the task's region), naming the task.
    let handle = ctx.handles.lock().expect("handles")[0].clone();
    let task = first.request_id.clone().expect("task id");
    assert!(
        handle.starts_with(&fake.base_url)
            && handle.ends_with(&format!("/us1/v1/get_result?id={task}")),
        "{handle}"
    );
    assert_eq!(fake.submits("[polls:2] resumable"), 1);

    req.resume_handle = Some(handle.clone());
    let resumed = bfl.generate(&req, &ctx).await.expect("resumed");
    assert_eq!(resumed.request_id.as_deref(), Some(task.as_str()));
    assert_eq!(fake.submits("[polls:2] resumable"), 1, "no second submit");

    // A handle saved before polling URLs were kept (a bare task id) that the provider no longer
    // knows is replaced by a fresh task, saved again.
    req.resume_handle = Some("task-expired".into());
    bfl.generate(&req, &ctx).await.expect("resubmitted");
    assert_eq!(fake.submits("[polls:2] resumable"), 2);
    assert_eq!(ctx.handles.lock().expect("handles").len(), 2);

    let unconfigured = pixel_providers::bfl::Bfl::new(
        None,
        &fake.base_url,
        Duration::from_secs(1),
        Default::default(),
    );
    assert!(!unconfigured.configured());
    assert!(matches!(
        unconfigured.generate(&req, &ctx).await,
        Err(ProviderError::NotConfigured { .. })
    ));
}

// ---------------------------------------------------------------- Ideogram

#[tokio::test]
async fn ideogram_success_downloads_the_url_and_records_the_seed() {
    let (fakes, server) = setup().await;
    let job = server
        .run_one(
            json!({ "prompt": "a poster that says HELLO", "model": "ideogram-v2", "width": 1312,
                "height": 736, "negative_prompt": "blur", "seed": 99 }),
        )
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(1)),
        "{job}"
    );
    assert_eq!(
        fakes.ideogram.requests()[0],
        json!({ "image_request": { "prompt": "a poster that says HELLO", "model": "V_2",
                "aspect_ratio": "ASPECT_16_9", "magic_prompt_option": "OFF", "seed": 99,
                "negative_prompt": "blur" } })
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1312), Some(736))
    );
    let record = &image["record"];
    assert_eq!(record["provider"], "ideogram");
    assert_eq!(record["provider_model"], "V_2");
    assert_eq!(record["seed"], 99);
    assert_eq!(record["params"]["negative_prompt"], "blur");
    assert_eq!(server.balance().await, START - 4);

    let job = server.run_one(json!({ "prompt": "a tiny card", "model": "ideogram-v1-turbo", "width": 832, "height": 1248 })).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        fakes.ideogram.requests()[1]["image_request"]["model"],
        "V_1_TURBO"
    );
    assert_eq!(server.balance().await, START - 5);

    // Ideogram 3.0 over its multipart endpoint, with its own enums.
    let job = server
        .run_one(
            json!({ "prompt": "a label that says JAM", "model": "ideogram-v3", "width": 864,
                "height": 1152, "quality": "turbo", "style": "design", "seed": 7 }),
        )
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        fakes.ideogram.requests()[2],
        json!({ "v3": { "prompt": "a label that says JAM", "aspect_ratio": "3x4",
                "rendering_speed": "TURBO", "magic_prompt": "OFF", "seed": "7", "num_images": "1",
                "style_type": "DESIGN" } })
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(864), Some(1152))
    );
    assert_eq!(image["record"]["provider_model"], "V_3");
    assert_eq!(image["record"]["seed"], 7);
    assert_eq!(server.balance().await, START - 8);
    // The v3 endpoint's failures take the same paths as the legacy one's.
    let job = server
        .run_one(json!({ "prompt": "[moderated] v3", "model": "ideogram-v3" }))
        .await;
    server.assert_ended(&job, "moderated", "moderated", 1).await;
    assert_eq!(server.balance().await, START - 8);
    server.shutdown().await;
}

#[tokio::test]
async fn new_providers_appear_configured_in_the_catalogue() {
    let (_fakes, server) = setup().await;
    let catalogue = server.ok("catalogue.list", json!({})).await;
    let models = catalogue["models"].as_array().expect("models");
    for id in [
        "sd3.5-large",
        "flux-pro-1.1",
        "ideogram-v2",
        "ideogram-v3",
        "together-flux-schnell",
        "FLUX.1-schnell",
    ] {
        assert!(models.iter().any(|m| m["id"] == id), "{id} listed");
    }
    // Invalid sizes are refused at submit, before any charge.
    let (status, body) = server
        .call(
            "generations.create",
            json!({ "prompt": "x", "model": "sd3.5-large", "width": 1000, "height": 1000 }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(server.balance().await, START);
    server.shutdown().await;
}

// ---------------------------------------------------------------- Black Forest Labs: progress, cancel

#[tokio::test]
async fn bfl_reports_progress_while_polling_and_cancels_with_a_refund() {
    let (fakes, server) = setup().await;
    let mut ws = events(&server.base).await;
    let job_id = server
        .submit_one(json!({ "prompt": "[polls:4] progress", "model": "flux-dev" }))
        .await;
    let mut progress = Vec::new();
    loop {
        let ev = next_event(&mut ws, Duration::from_secs(20)).await;
        match ev["type"].as_str() {
            Some("generation.progress") if ev["job_id"] == job_id.as_str() => {
                progress.push(ev["progress"].as_f64().unwrap_or(-1.0))
            }
            Some("generation.completed") if ev["job"]["id"] == job_id.as_str() => break,
            Some("generation.failed") => panic!("failed: {ev}"),
            _ => {}
        }
    }
    assert!(progress.len() >= 4, "{progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {progress:?}"
    );

    // A running job polling a held task is cancelled: refunded once, no image.
    let prompt = "[hold] never mind";
    let job_id = server
        .submit_one(json!({ "prompt": prompt, "model": "flux-pro-1.1" }))
        .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while fakes.bfl.polls(prompt) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "never polled");
        // Polls real I/O (the job over HTTP, the fake's counters) until the worker gets there.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server
        .ok("generations.cancel", json!({ "job_id": job_id }))
        .await;
    let job = server.wait_final(&job_id, Duration::from_secs(20)).await;
    server.assert_ended(&job, "cancelled", "cancelled", 1).await;
    assert_eq!(fakes.bfl.submits(prompt), 1);
    assert_eq!(server.balance().await, START - 2);
    server.shutdown().await;
}

// ---------------------------------------------------------------- Together

#[tokio::test]
async fn together_maps_every_parameter_and_records_the_seed() {
    let (fakes, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a walled garden", "model": "together-flux-schnell", "width": 1216, "height": 832,
                "negative_prompt": "rain", "seed": 5, "steps": 6 }),
    )
    .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(1)),
        "{job}"
    );
    assert_eq!(
        fakes.together.requests()[0],
        json!({ "model": "black-forest-labs/FLUX.1-schnell", "prompt": "a walled garden",
                "width": 1216, "height": 832, "steps": 6, "n": 1, "response_format": "base64",
                "seed": 5, "negative_prompt": "rain" })
    );
    let image = server.image_of(&job).await;
    let record = &image["record"];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1216), Some(832))
    );
    assert_eq!(record["provider"], "together");
    assert_eq!(record["provider_model"], "black-forest-labs/FLUX.1-schnell");
    assert_eq!(record["seed"], 5);
    assert_eq!(record["params"]["steps"], 6);
    assert_eq!(server.balance().await, START - 1);

    server.shutdown().await;
}

// ---------------------------------------------------------------- Hugging Face

/// Models added in the settings run through the job with the provider's name from the settings: a
/// dedicated Inference Endpoint, a Hugging Face repository and a Together model name.
#[tokio::test]
async fn models_added_in_the_settings_run_under_the_providers_own_names() {
    use pixel_core::catalogue::ModelOverride;
    let huggingface = FakeHuggingFace::start().await;
    let together = FakeTogether::start().await;
    let add = |based_on: &str, provider_model: String, credits: i64| ModelOverride {
        based_on: Some(based_on.into()),
        provider_model: Some(provider_model),
        credits: Some(credits),
        ..Default::default()
    };
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: START,
        huggingface_base_url: Some(huggingface.base_url.clone()),
        together_base_url: Some(together.base_url.clone()),
        models: vec![
            (
                "team-sdxl".into(),
                add(
                    "FLUX.1-schnell",
                    format!("{}/endpoint/sdxl-a10g", huggingface.base_url),
                    3,
                ),
            ),
            (
                "together-flux-pro".into(),
                add(
                    "together-flux-schnell",
                    "black-forest-labs/FLUX.1.1-pro".into(),
                    4,
                ),
            ),
        ],
        ..Opts::default()
    })
    .await
    .expect("server");
    let listed = server.ok("catalogue.list", json!({})).await;
    let team = listed["models"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == "team-sdxl"))
        .cloned()
        .expect("the added model is offered");
    assert_eq!(
        (team["provider"].as_str(), team["credits"].as_i64()),
        (Some("huggingface"), Some(3))
    );
    assert!(
        !listed.to_string().contains("/endpoint/"),
        "an endpoint URL is the operator's business: {listed}"
    );

    let job = server
        .run_one(json!({ "prompt": "a lantern on a pier", "model": "team-sdxl", "width": 512, "height": 512, "seed": 5 }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(huggingface.requests()[0]["repo"], "endpoint:sdxl-a10g");
    let record = server.image_of(&job).await["record"].clone();
    assert_eq!(record["model"], "team-sdxl");
    assert_eq!(record["provider_model"], "Hugging Face Inference Endpoint");

    let job = server
        .run_one(json!({ "prompt": "a paper boat", "model": "together-flux-pro", "width": 512, "height": 512 }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        together.requests()[0]["model"],
        "black-forest-labs/FLUX.1.1-pro"
    );
    // Charged at the price the settings give it: 3 + 4.
    assert_eq!(server.balance().await, START - 7);
    server.shutdown().await;
}

#[tokio::test]
async fn huggingface_success_waits_for_a_loading_model() {
    let (fakes, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a dreamy castle", "model": "FLUX.1-schnell", "width": 512, "height": 768,
                "seed": 8 }),
    )
    .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        fakes.huggingface.requests()[0],
        json!({ "repo": "black-forest-labs/FLUX.1-schnell", "body": { "inputs": "a dreamy castle",
                "parameters": { "width": 512, "height": 768, "seed": 8 } } })
    );
    let image = server.image_of(&job).await;
    let record = &image["record"];
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(512), Some(768))
    );
    assert_eq!(record["provider"], "huggingface");
    assert_eq!(record["provider_model"], "black-forest-labs/FLUX.1-schnell");
    assert_eq!(record["seed"], 8);

    // The JSON answer form (base64 inside) is read like the image bytes.
    let job = server
        .run_one(json!({ "prompt": "[json-b64] a castle in json", "model": "FLUX.1-schnell", "width": 512, "height": 512 }))
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(512), Some(512))
    );

    // Models hf-inference dropped are retired: refused at submit, before anything is charged.
    for id in ["FLUX.1-dev", "Juggernaut-XL-v9", "NeverEnding-Dream"] {
        let (status, body) = server
            .call("generations.create", json!({ "prompt": "x", "model": id }))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (503, Some("model_unavailable")),
            "{id}: {body}"
        );
    }

    // A cold model answers 503 with estimated_time; the job waits that long and tries again.
    let started = std::time::Instant::now();
    let job = server
        .run_one(json!({ "prompt": "[loading] cold start", "model": "FLUX.1-schnell" }))
        .await;
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(2)),
        "{job}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "estimated_time honoured"
    );
    assert_eq!(fakes.huggingface.calls("[loading] cold start"), 2);
    let image = server.image_of(&job).await;
    assert!(image["record"]["retried_errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("currently loading")));
    assert_eq!(
        fakes.huggingface.requests()[2]["repo"],
        "black-forest-labs/FLUX.1-schnell"
    );
    assert_eq!(server.balance().await, START - 6);
    server.shutdown().await;
}
