//! FAL, Replicate and the local engines (AUTOMATIC1111, ComfyUI, an OpenAI-compatible server) through
//! a job, end to end, against loopback fakes of their documented APIs: parameters, polling, resume
//! after a restart, progress, and that a cancelled job cancels its remote task. Plain failures of
//! every provider are one table in provider_failures.rs.

mod common;

use common::fakes::ProviderFakes;
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

const START: i64 = 1000;

async fn setup() -> (ProviderFakes, TestServer) {
    ProviderFakes::with_server(START).await
}

fn assert_succeeded(job: &Value, attempts: u64) {
    assert_eq!(
        (job["state"].as_str(), job["attempts"].as_u64()),
        (Some("succeeded"), Some(attempts)),
        "{job}"
    );
}

/// A free (local engine) job that did not succeed: nothing was charged, so nothing is refunded.
async fn assert_ended_free(
    server: &TestServer,
    job: &Value,
    state: &str,
    code: &str,
    attempts: u64,
) {
    assert_eq!(job["cost"].as_i64(), Some(0), "{job}");
    server.assert_ended(job, state, code, attempts).await;
    assert_eq!(server.balance().await, START);
}

/// Collects a job's progress events until it completes.
async fn progress_until_done(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    job_id: &str,
) -> Vec<f64> {
    let mut progress = Vec::new();
    loop {
        let ev = next_event(ws, Duration::from_secs(20)).await;
        match ev["type"].as_str() {
            Some("generation.progress") if ev["job_id"] == job_id => {
                progress.push(ev["progress"].as_f64().unwrap_or(-1.0))
            }
            Some("generation.completed") if ev["job"]["id"] == job_id => return progress,
            Some("generation.failed") => panic!("failed: {ev}"),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- FAL

#[tokio::test]
async fn fal_polls_the_queue_and_maps_every_parameter() {
    let (fakes, server) = setup().await;
    let prompt = "[polls:3] a heron at dawn";
    let job = server
        .run_one(
            json!({ "prompt": prompt, "model": "fal-stable-cascade", "width": 1216, "height": 832,
                "negative_prompt": "blur", "seed": 7, "steps": 30, "cfg": 5.5 }),
        )
        .await;
    assert_succeeded(&job, 1);
    assert_eq!(fakes.fal.submits(prompt), 1);
    assert_eq!(
        fakes.fal.polls(prompt),
        4,
        "IN_QUEUE, IN_PROGRESS twice, then COMPLETED"
    );
    assert_eq!(
        fakes.fal.requests()[0],
        json!({ "app": "fal-ai/stable-cascade", "body": { "prompt": prompt,
                "image_size": { "width": 1216, "height": 832 }, "seed": 7, "num_images": 1,
                "enable_safety_checker": true, "negative_prompt": "blur",
                "first_stage_steps": 30, "guidance_scale": 5.5 } })
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1216), Some(832))
    );
    let record = &image["record"];
    assert_eq!(record["provider"], "fal");
    assert_eq!(record["provider_model"], "fal-ai/stable-cascade");
    assert_eq!(record["seed"], 7);
    assert!(record["provider_request_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("req-")));
    assert_eq!(server.balance().await, START - 2);

    let job = server
        .run_one(json!({ "prompt": "a quick sketch", "model": "fal-sdxl-lightning", "seed": 3 }))
        .await;
    assert_succeeded(&job, 1);
    assert_eq!(
        fakes.fal.requests()[1]["body"],
        json!({ "prompt": "a quick sketch", "image_size": { "width": 1024, "height": 1024 },
                "seed": 3, "num_images": 1, "enable_safety_checker": true })
    );
    assert_eq!(server.balance().await, START - 3);

    // The catalogue lists both models as configured; an illegal size is refused before any charge.
    let catalogue = server.ok("catalogue.list", json!({})).await;
    for id in ["fal-sdxl-lightning", "fal-stable-cascade"] {
        assert!(
            catalogue["models"]
                .as_array()
                .expect("models")
                .iter()
                .any(|m| m["id"] == id),
            "{id} listed"
        );
    }
    let (status, body) = server
        .call(
            "generations.create",
            json!({ "prompt": "x", "model": "fal-sdxl-lightning", "steps": 4 }),
        )
        .await;
    assert_eq!(status, 422, "lightning steps are not adjustable: {body}");
    assert_eq!(server.balance().await, START - 3);
    server.shutdown().await;
}

#[tokio::test]
async fn fal_poll_and_result_failures_resume_or_end() {
    let (fakes, server) = setup().await;
    // An unreadable status is retried by polling the same request again: never a second submission.
    let job = server
        .run_one(json!({ "prompt": "[poll-malformed] a", "model": "fal-sdxl-lightning" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.fal.submits("[poll-malformed] a"), 1);
    assert!(fakes.fal.polls("[poll-malformed] a") >= 3);

    // A FAILED request is replaced by a new one on the retry.
    let job = server
        .run_one(json!({ "prompt": "[failed] b", "model": "fal-sdxl-lightning" }))
        .await;
    assert_succeeded(&job, 2);
    assert_eq!(fakes.fal.submits("[failed] b"), 2);

    // A request FAL forgot is resubmitted on each retry, then the job fails and is refunded.
    let job = server
        .run_one(json!({ "prompt": "[lost] c", "model": "fal-sdxl-lightning" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.fal.submits("[lost] c"), 3);

    // A result that is a validation error, and an image URL that 404s, are final.
    let job = server
        .run_one(json!({ "prompt": "[result-422] d", "model": "fal-stable-cascade" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_rejected", 1)
        .await;
    assert!(job_message(&job).contains("too long"), "{job}");
    let job = server
        .run_one(json!({ "prompt": "[url404] e", "model": "fal-sdxl-lightning" }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_rejected", 1)
        .await;
    assert_eq!(server.balance().await, START - 1);
    server.shutdown().await;
}

#[tokio::test]
async fn fal_timed_out_job_resumes_its_saved_request() {
    let (fakes, server) = setup().await;
    let prompt = "[hold] a long render";
    let job_id = server
        .submit_one(json!({ "prompt": prompt, "model": "fal-stable-cascade" }))
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
    fakes.fal.release(prompt);
    let job = server.wait_final(&job_id, Duration::from_secs(30)).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        fakes.fal.submits(prompt),
        1,
        "the retry resumed the request"
    );
    assert_eq!(fakes.fal.cancels(prompt), 0, "a timeout does not cancel");
    let image = server.image_of(&job).await;
    assert_eq!(image["record"]["retried_errors"][0]["code"], "timeout");
    assert_eq!(server.balance().await, START - 2);
    server.shutdown().await;
}

#[tokio::test]
async fn fal_cancel_refunds_and_cancels_the_queued_request() {
    let (fakes, server) = setup().await;
    let prompt = "[hold] never mind";
    cancel_while_polling(
        &server,
        json!({ "prompt": prompt, "model": "fal-stable-cascade" }),
        || fakes.fal.polls(prompt) > 0,
    )
    .await;
    eventually("FAL received the cancel call", || {
        fakes.fal.cancels(prompt) == 1
    })
    .await;
    assert_eq!(fakes.fal.submits(prompt), 1);
    assert_eq!(server.balance().await, START);
    server.shutdown().await;
}

// ---------------------------------------------------------------- Replicate

#[tokio::test]
async fn replicate_polls_the_prediction_and_maps_every_parameter() {
    let (fakes, server) = setup().await;
    let mut ws = events(&server.base).await;
    let prompt = "[polls:3] a paper lantern";
    let job_id = server
        .submit_one(
            json!({ "prompt": prompt, "model": "replicate-playground-v2.5", "width": 1344,
                "height": 768, "negative_prompt": "blur", "seed": 11, "steps": 30, "cfg": 3.5 }),
        )
        .await;
    // Progress read from the prediction's logs reaches the client and only grows.
    let progress = progress_until_done(&mut ws, &job_id).await;
    assert!(progress.len() >= 4, "{progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {progress:?}"
    );
    let job = server.wait_final(&job_id, Duration::from_secs(5)).await;
    assert_succeeded(&job, 1);
    assert_eq!(fakes.replicate.submits(prompt), 1);
    assert_eq!(fakes.replicate.polls(prompt), 4);
    assert_eq!(
        fakes.replicate.requests()[0],
        json!({ "version": pixel_providers::replicate::PLAYGROUND_V25_VERSION,
                "input": { "prompt": prompt, "width": 1344, "height": 768, "seed": 11,
                           "negative_prompt": "blur", "num_inference_steps": 30,
                           "guidance_scale": 3.5 } })
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1344), Some(768))
    );
    let record = &image["record"];
    assert_eq!(record["provider"], "replicate");
    assert_eq!(record["seed"], 11);
    assert!(record["provider_request_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("pred")));
    assert_eq!(server.balance().await, START - 2);

    let job = server
        .run_one(
            json!({ "prompt": "a matryoshka", "model": "replicate-kandinsky-2.2", "width": 768,
                "height": 1280, "steps": 40 }),
        )
        .await;
    assert_succeeded(&job, 1);
    assert_eq!(
        fakes.replicate.requests()[1]["version"],
        pixel_providers::replicate::KANDINSKY_22_VERSION
    );
    assert_eq!(
        fakes.replicate.requests()[1]["input"]["num_inference_steps"],
        40
    );
    assert_eq!(server.balance().await, START - 4);
    // Kandinsky takes only its listed sizes and no guidance: refused before any charge.
    for bad in [
        json!({ "prompt": "x", "model": "replicate-kandinsky-2.2", "width": 832, "height": 832 }),
        json!({ "prompt": "x", "model": "replicate-kandinsky-2.2", "cfg": 4.0 }),
    ] {
        let (status, body) = server.call("generations.create", bad).await;
        assert_eq!(status, 422, "{body}");
    }
    assert_eq!(server.balance().await, START - 4);
    server.shutdown().await;
}

#[tokio::test]
async fn replicate_poll_failures_resume_or_end() {
    let (fakes, server) = setup().await;
    let model = "replicate-playground-v2.5";
    let job = server
        .run_one(json!({ "prompt": "[poll-malformed] a", "model": model }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.replicate.submits("[poll-malformed] a"), 1);

    // A failed prediction is replaced by a new one on the retry.
    let job = server
        .run_one(json!({ "prompt": "[failed] b", "model": model }))
        .await;
    assert_succeeded(&job, 2);
    assert_eq!(fakes.replicate.submits("[failed] b"), 2);
    let image = server.image_of(&job).await;
    assert!(
        image["record"]["retried_errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("out of memory")),
        "{image}"
    );

    // An aborted prediction (its deadline passed before it ran) is retried with a new one.
    let job = server
        .run_one(json!({ "prompt": "[aborted] b2", "model": model }))
        .await;
    assert_succeeded(&job, 2);
    assert_eq!(fakes.replicate.submits("[aborted] b2"), 2);

    let job = server
        .run_one(json!({ "prompt": "[lost] c", "model": model }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_error", 3)
        .await;
    assert_eq!(fakes.replicate.submits("[lost] c"), 3);

    let job = server
        .run_one(json!({ "prompt": "[url404] d", "model": model }))
        .await;
    server
        .assert_ended(&job, "failed", "provider_rejected", 1)
        .await;
    // Only the two jobs that ended with an image are paid for.
    assert_eq!(server.balance().await, START - 4);
    server.shutdown().await;
}

#[tokio::test]
async fn replicate_cancel_refunds_and_cancels_the_prediction() {
    let (fakes, server) = setup().await;
    let prompt = "[hold] never mind";
    cancel_while_polling(
        &server,
        json!({ "prompt": prompt, "model": "replicate-kandinsky-2.2" }),
        || fakes.replicate.polls(prompt) > 0,
    )
    .await;
    eventually("Replicate received the cancel call", || {
        fakes.replicate.cancels(prompt) == 1
    })
    .await;
    assert_eq!(fakes.replicate.submits(prompt), 1);
    assert_eq!(server.balance().await, START);
    server.shutdown().await;
}

// ---------------------------------------------------------------- AUTOMATIC1111

#[tokio::test]
async fn a1111_renders_every_parameter_free_with_progress() {
    let (fakes, server) = setup().await;
    let mut ws = events(&server.base).await;
    let prompt = "[slow:600] a brass kettle";
    let job_id = server
        .submit_one(
            json!({ "prompt": prompt, "model": "a1111", "width": 768, "height": 512,
                "negative_prompt": "blur", "seed": 42, "steps": 30, "cfg": 6.5 }),
        )
        .await;
    let progress = progress_until_done(&mut ws, &job_id).await;
    assert!(progress.len() >= 3, "{progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress only grows: {progress:?}"
    );
    assert!(fakes.a1111.progress_reads() > 0);
    let job = server.wait_final(&job_id, Duration::from_secs(5)).await;
    assert_succeeded(&job, 1);
    assert_eq!(
        fakes.a1111.requests()[0],
        json!({ "prompt": prompt, "negative_prompt": "blur", "width": 768, "height": 512,
                "steps": 30, "cfg_scale": 6.5, "seed": 42, "batch_size": 1, "n_iter": 1 })
    );
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(768), Some(512))
    );
    assert_eq!(image["record"]["provider"], "a1111");
    assert_eq!(image["record"]["seed"], 42);
    assert_eq!(image["record"]["cost"], 0);

    // A grid before the image is skipped by `index_of_first_image`.
    let job = server
        .run_one(json!({ "prompt": "[grid] two", "model": "a1111", "width": 512, "height": 512 }))
        .await;
    assert_succeeded(&job, 1);
    let image = server.image_of(&job).await;
    assert_eq!(
        image["width"].as_u64(),
        Some(512),
        "not the double-width grid"
    );
    assert_eq!(
        server.balance().await,
        START,
        "your own GPU costs no credits"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a1111_cancel_interrupts_the_render() {
    let (fakes, server) = setup().await;
    let job_id = server
        .submit_one(json!({ "prompt": "[slow:20000] never mind", "model": "a1111" }))
        .await;
    eventually("progress is read", || fakes.a1111.progress_reads() > 0).await;
    server
        .ok("generations.cancel", json!({ "job_id": job_id }))
        .await;
    let job = server.wait_final(&job_id, Duration::from_secs(20)).await;
    assert_ended_free(&server, &job, "cancelled", "cancelled", 1).await;
    eventually("AUTOMATIC1111 received the interrupt", || {
        fakes.a1111.interrupts() == 1
    })
    .await;
    server.shutdown().await;
}

// ---------------------------------------------------------------- OpenAI-compatible server

#[tokio::test]
async fn openai_compatible_server_renders_free_without_a_key() {
    let (fakes, server) = setup().await;
    let job = server.run_one(json!({ "prompt": "a teapot", "model": "openai-compatible", "width": 768, "height": 512 }),
    )
    .await;
    assert_succeeded(&job, 1);
    assert_eq!(
        fakes.compat.requests()[0],
        json!({ "model": pixel_testkit::openai_compat_fake::FAKE_MODEL, "prompt": "a teapot",
                "n": 1, "size": "768x512", "response_format": "b64_json" })
    );
    assert_eq!(fakes.compat.auth_headers()[0], None, "no key, no header");
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(768), Some(512))
    );
    assert_eq!(image["record"]["provider"], "openai-compatible");
    assert_eq!(
        image["record"]["provider_model"],
        pixel_testkit::openai_compat_fake::FAKE_MODEL
    );
    // A server that answers with a URL on itself is downloaded from.
    let job = server
        .run_one(json!({ "prompt": "[url] a cup", "model": "openai-compatible" }))
        .await;
    assert_succeeded(&job, 1);
    let catalogue = server.ok("catalogue.list", json!({})).await;
    for id in ["openai-compatible", "a1111"] {
        let m = catalogue["models"]
            .as_array()
            .expect("models")
            .iter()
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(m["credits"], 0, "{id}: {m}");
    }
    assert_eq!(server.balance().await, START);
    server.shutdown().await;
}

// ---------------------------------------------------------------- ComfyUI

#[tokio::test]
async fn comfyui_queues_the_builtin_workflow_and_fetches_the_output() {
    let (fakes, server) = setup().await;
    let prompt = "[polls:3] a lighthouse";
    let job = server
        .run_one(
            json!({ "prompt": prompt, "model": "comfyui", "width": 768, "height": 512,
                "negative_prompt": "fog", "seed": 77, "steps": 25, "cfg": 6.5 }),
        )
        .await;
    assert_succeeded(&job, 1);
    assert_eq!(fakes.comfy.submits(prompt), 1);
    assert_eq!(fakes.comfy.history_reads(prompt), 4);
    let g = &fakes.comfy.graphs()[0];
    assert_eq!(
        g["4"]["inputs"]["ckpt_name"],
        pixel_testkit::comfyui_fake::CHECKPOINTS[0],
        "the first checkpoint ComfyUI lists"
    );
    assert_eq!(g["6"]["inputs"]["text"], prompt);
    assert_eq!(g["7"]["inputs"]["text"], "fog");
    assert_eq!(
        g["5"]["inputs"],
        json!({ "width": 768, "height": 512, "batch_size": 1 })
    );
    assert_eq!(
        (
            &g["3"]["inputs"]["seed"],
            &g["3"]["inputs"]["steps"],
            &g["3"]["inputs"]["cfg"]
        ),
        (&json!(77), &json!(25), &json!(6.5))
    );
    assert!(fakes.comfy.client_ids()[0].starts_with("pixel-studio-"));
    let image = server.image_of(&job).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(768), Some(512))
    );
    assert_eq!(image["record"]["provider"], "comfyui");
    assert_eq!(image["record"]["seed"], 77);
    assert!(image["record"]["provider_request_id"]
        .as_str()
        .is_some_and(|id| id.contains("prompt")));
    assert_eq!(server.balance().await, START);
    server.shutdown().await;
}

#[tokio::test]
async fn comfyui_errors_retry_resume_or_end() {
    let (fakes, server) = setup().await;
    let model = "comfyui";
    // Node validation errors are final and name the node.
    let job = server
        .run_one(json!({ "prompt": "[node-error] a", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_rejected", 1).await;
    assert!(job_message(&job).contains("CLIPTextEncode"), "{job}");

    let job = server
        .run_one(json!({ "prompt": "[429] b", "model": model }))
        .await;
    assert_succeeded(&job, 2);

    let job = server
        .run_one(json!({ "prompt": "[500] c", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_error", 3).await;

    let job = server
        .run_one(json!({ "prompt": "[timeout] d", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "timeout", 3).await;

    let job = server
        .run_one(json!({ "prompt": "[malformed] e", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_error", 3).await;

    // A broken history read is retried on the same prompt: never queued twice.
    let job = server
        .run_one(json!({ "prompt": "[poll-malformed] f", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_error", 3).await;
    assert_eq!(fakes.comfy.submits("[poll-malformed] f"), 1);

    // An execution error is final; running out of GPU memory is retried (resuming the same prompt
    // sees the error again, so a fresh prompt is queued).
    let job = server
        .run_one(json!({ "prompt": "[exec-error] g", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_rejected", 1).await;
    assert!(job_message(&job).contains("HeaderTooLarge"), "{job}");
    let job = server
        .run_one(json!({ "prompt": "[oom-once] j", "model": model }))
        .await;
    assert_succeeded(&job, 2);
    assert_eq!(fakes.comfy.submits("[oom-once] j"), 2);

    // A prompt ComfyUI forgot is queued again on each retry.
    let job = server
        .run_one(json!({ "prompt": "[lost] h", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_error", 3).await;
    assert_eq!(fakes.comfy.submits("[lost] h"), 3);

    let job = server
        .run_one(json!({ "prompt": "[url404] i", "model": model }))
        .await;
    assert_ended_free(&server, &job, "failed", "provider_rejected", 1).await;
    server.shutdown().await;
}

#[tokio::test]
async fn comfyui_cancel_removes_and_interrupts_the_prompt() {
    let (fakes, server) = setup().await;
    let prompt = "[hold] never mind";
    let job_id = server
        .submit_one(json!({ "prompt": prompt, "model": "comfyui" }))
        .await;
    eventually("the prompt is polled", || {
        fakes.comfy.history_reads(prompt) > 0
    })
    .await;
    server
        .ok("generations.cancel", json!({ "job_id": job_id }))
        .await;
    let job = server.wait_final(&job_id, Duration::from_secs(20)).await;
    assert_ended_free(&server, &job, "cancelled", "cancelled", 1).await;
    eventually("ComfyUI received the delete and the interrupt", || {
        fakes.comfy.deletes(prompt) == 1 && fakes.comfy.interrupts().len() == 1
    })
    .await;
    assert!(fakes.comfy.interrupts()[0]["prompt_id"]
        .as_str()
        .is_some_and(|id| id.contains("prompt")));
    server.shutdown().await;
}

#[tokio::test]
async fn comfyui_fills_a_user_template() {
    let comfy = pixel_testkit::FakeComfyUi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("workflow_api.json");
    std::fs::write(
        &path,
        r#"{
          "10": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "{{checkpoint}}"}},
          "11": {"class_type": "CLIPTextEncode", "inputs": {"text": "masterpiece, {{prompt}}", "clip": ["10", 1]}},
          "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["10", 1]}},
          "13": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": 1}},
          "14": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": "{{steps}}", "cfg": "{{cfg}}",
                 "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1,
                 "model": ["10", 0], "positive": ["11", 0], "negative": ["12", 0], "latent_image": ["13", 0]}},
          "15": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0], "vae": ["10", 2]}},
          "16": {"class_type": "SaveImage", "inputs": {"filename_prefix": "mine", "images": ["15", 0]}}
        }"#,
    )
    .expect("write template");
    let server = TestServer::start(Opts {
        comfyui_url: Some(comfy.base_url.clone()),
        comfyui_template: Some(path.display().to_string()),
        provider_timeout: Duration::from_millis(1500),
        ..Opts::default()
    })
    .await
    .expect("server");
    let job = server
        .run_one(
            json!({ "prompt": "a fox", "model": "comfyui", "width": 640, "height": 448, "seed": 5,
                "steps": 12 }),
        )
        .await;
    assert_succeeded(&job, 1);
    let g = &comfy.graphs()[0];
    assert_eq!(g["11"]["inputs"]["text"], "masterpiece, a fox");
    assert_eq!(g["12"]["inputs"]["text"], "");
    assert_eq!(g["13"]["inputs"]["width"], 640);
    assert_eq!(g["14"]["inputs"]["seed"], 5);
    assert_eq!(g["14"]["inputs"]["steps"], 12);
    assert_eq!(g["14"]["inputs"]["cfg"], 7.0);
    assert_eq!(
        g["14"]["inputs"]["sampler_name"], "dpmpp_2m",
        "the rest is kept"
    );
    assert_eq!(
        g["10"]["inputs"]["ckpt_name"],
        pixel_testkit::comfyui_fake::CHECKPOINTS[0]
    );
    server.shutdown().await;

    // An unusable template fails each job with its reason instead of running something else.
    std::fs::write(&path, "{\"1\": {\"class_type\": \"X\", \"inputs\": {}}}").expect("write");
    let server = TestServer::start(Opts {
        comfyui_url: Some(comfy.base_url.clone()),
        comfyui_template: Some(path.display().to_string()),
        provider_timeout: Duration::from_millis(1500),
        ..Opts::default()
    })
    .await
    .expect("server");
    let job = server
        .run_one(json!({ "prompt": "a fox", "model": "comfyui" }))
        .await;
    assert_eq!(job["state"], "failed", "{job}");
    assert!(job_message(&job).contains("{{prompt}}"), "{job}");
    assert_eq!(comfy.graphs().len(), 1, "nothing else was queued");
    server.shutdown().await;
}

#[tokio::test]
async fn replicate_health_names_pinned_versions_that_were_deleted() {
    let (fakes, server) = setup().await;
    let replicate = |out: &Value| {
        out["providers"]
            .as_array()
            .expect("providers")
            .iter()
            .find(|p| p["id"] == "replicate")
            .expect("replicate")["health"]
            .clone()
    };
    let health = replicate(&server.ok("providers.health", json!({})).await);
    assert_eq!(health["reachable"], true, "{health}");
    assert!(health.get("message").is_none(), "{health}");

    fakes
        .replicate
        .delete_version(pixel_providers::replicate::KANDINSKY_22_VERSION);
    let health = replicate(&server.ok("providers.health", json!({})).await);
    let message = health["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("replicate-kandinsky-2.2") && !message.contains("playground"),
        "{health}"
    );
    server.shutdown().await;
}
