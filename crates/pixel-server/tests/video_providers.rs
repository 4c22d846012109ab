//! The video providers end to end through jobs, against loopback fakes that follow their documented
//! APIs: a clip asked for is submitted with the parameters the API wants, polled with progress,
//! downloaded, read with a real demuxer and charged by its length; every failure the API documents
//! (429, 5xx, refused input, moderation, the provider's own failure, a lost task, a result URL that
//! 404s) ends the job as it should, with each failed job refunded exactly once; a cancelled job
//! cancels its remote task.

mod common;

use common::*;
use pixel_testkit::{FakeLuma, FakeRunway};
use serde_json::{json, Value};
use std::time::Duration;

const START: i64 = 1000;
const RUNWAY: &str = "runway-veo3.1-fast";
const LUMA: &str = "luma-ray-2";

struct Fakes {
    runway: FakeRunway,
    luma: FakeLuma,
}

impl Fakes {
    /// How many times `model`'s provider was asked to start a task for `prompt`.
    fn submits(&self, model: &str, prompt: &str) -> u32 {
        match model {
            RUNWAY => self.runway.submits(prompt),
            _ => self.luma.submits(prompt),
        }
    }
}

async fn video_server() -> (Fakes, TestServer) {
    let fakes = Fakes {
        runway: FakeRunway::start().await,
        luma: FakeLuma::start().await,
    };
    let server = TestServer::start(Opts {
        charging: true,
        starting_credits: START,
        runway_base_url: Some(fakes.runway.base_url.clone()),
        luma_base_url: Some(fakes.luma.base_url.clone()),
        // The fakes render a real clip the first time a size is asked for.
        provider_timeout: Duration::from_secs(60),
        ..Opts::default()
    })
    .await
    .expect("server");
    (fakes, server)
}

fn clip(prompt: &str, duration: u32) -> Value {
    json!({ "prompt": prompt, "model": RUNWAY, "width": 1280, "height": 720, "duration": duration })
}

fn luma_clip(prompt: &str, duration: u32) -> Value {
    json!({ "prompt": prompt, "model": LUMA, "width": 960, "height": 960, "duration": duration })
}

/// The model a catalogue lists under `id`.
async fn model(s: &TestServer, id: &str) -> Value {
    let catalogue = s.ok("catalogue.list", json!({})).await;
    catalogue["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the catalogue"))
        .clone()
}

/// A finished clip's record: provider, the provider's model, frames, and its duration as the demuxer
/// read it.
fn assert_clip(
    image: &Value,
    size: (u32, u32),
    provider: &str,
    provider_model: &str,
    seconds: u64,
) {
    assert_eq!(
        (&image["mime"], &image["width"], &image["height"]),
        (&json!("video/mp4"), &json!(size.0), &json!(size.1)),
        "{image}"
    );
    let record = &image["record"];
    assert_eq!(
        (
            &record["provider"],
            &record["provider_model"],
            &record["video"]["frames"]
        ),
        (
            &json!(provider),
            &json!(provider_model),
            &json!(seconds * 24)
        ),
        "{record}"
    );
    assert_eq!(
        record["video"]["duration_ms"],
        json!(seconds * 1000),
        "{record}"
    );
}

#[tokio::test]
async fn a_runway_clip_is_submitted_polled_stored_and_charged_by_its_length() {
    let (fakes, s) = video_server().await;
    let runway = &fakes.runway;
    let model = model(&s, RUNWAY).await;
    assert_eq!(
        (&model["video"]["durations"], &model["offline"]),
        (&json!([4, 6, 8]), &json!(false))
    );
    let (status, body) = s.call("generations.create", clip("a heron", 5)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_parameter")),
        "{body}"
    );

    let prompt = "[polls:3] a heron lifting off a misty lake";
    let job_id = s.submit_one(clip(prompt, 4)).await;
    let job = s.wait_final(&job_id, Duration::from_secs(60)).await;
    assert_eq!(
        (&job["state"], &job["attempts"], &job["cost"]),
        (&json!("succeeded"), &json!(1), &json!(10 + 4 * 3)),
        "{job}"
    );
    assert_eq!(s.balance().await, START - 22);
    assert_eq!(
        runway.requests(),
        vec![
            json!({ "model": "veo3.1_fast", "promptText": prompt, "ratio": "1280:720",
            "duration": 4, "audio": false })
        ]
    );
    assert_eq!(runway.submits(prompt), 1);
    assert_eq!(
        runway.polls(prompt),
        4,
        "PENDING, RUNNING twice, then SUCCEEDED"
    );
    let image = s.image_of(&job).await;
    assert_clip(&image, (1280, 720), "runway", "veo3.1_fast", 4);
}

/// One failure and how its job must end: (model, marker, state, error code, attempts, submissions).
type Failure = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    u64,
    u32,
);

const FAILURES: [Failure; 16] = [
    (RUNWAY, "[429]", "succeeded", None, 2, 2),
    (RUNWAY, "[500]", "failed", Some("provider_error"), 3, 3),
    (RUNWAY, "[400]", "failed", Some("provider_rejected"), 1, 1),
    (RUNWAY, "[safety]", "moderated", Some("moderated"), 1, 1),
    // The first task fails on Runway's side; the retry finds it failed and submits a new one.
    (RUNWAY, "[internal]", "succeeded", None, 2, 2),
    (RUNWAY, "[asset]", "failed", Some("provider_rejected"), 1, 1),
    // A task Runway no longer knows is submitted again by each retry, and each is lost too.
    (RUNWAY, "[lost]", "failed", Some("provider_error"), 3, 3),
    (
        RUNWAY,
        "[url404]",
        "failed",
        Some("provider_rejected"),
        1,
        1,
    ),
    (LUMA, "[429]", "succeeded", None, 2, 2),
    (LUMA, "[500]", "failed", Some("provider_error"), 3, 3),
    (LUMA, "[400]", "failed", Some("provider_rejected"), 1, 1),
    (LUMA, "[moderated]", "moderated", Some("moderated"), 1, 1),
    (LUMA, "[failed]", "succeeded", None, 2, 2),
    (
        LUMA,
        "[failed-moderation]",
        "moderated",
        Some("moderated"),
        1,
        1,
    ),
    (LUMA, "[lost]", "failed", Some("provider_error"), 3, 3),
    (LUMA, "[url404]", "failed", Some("provider_rejected"), 1, 1),
];

#[tokio::test]
async fn every_documented_failure_ends_its_job_and_refunds_exactly_once() {
    let (fakes, s) = video_server().await;
    let mut jobs = Vec::new();
    for (model, marker, ..) in FAILURES {
        let prompt = format!("{marker} waves on a breakwater");
        let input = if model == RUNWAY {
            clip(&prompt, 4)
        } else {
            luma_clip(&prompt, 5)
        };
        jobs.push((prompt.clone(), s.submit_one(input).await));
    }
    let mut spent = 0;
    for ((prompt, job_id), (model, marker, state, code, attempts, submits)) in
        jobs.iter().zip(FAILURES)
    {
        let job = s.wait_final(job_id, Duration::from_secs(90)).await;
        match code {
            Some(code) => s.assert_ended(&job, state, code, attempts).await,
            None => {
                assert_eq!(
                    (job["state"].as_str(), job["attempts"].as_u64()),
                    (Some(state), Some(attempts)),
                    "{model} {marker}: {job}"
                );
                spent += job["cost"].as_i64().expect("cost");
            }
        }
        assert_eq!(
            fakes.submits(model, prompt),
            submits,
            "{model} {marker}: submissions"
        );
        if state == "moderated" {
            assert!(job_message(&job).contains("moderation"), "{job}");
        }
    }
    assert_eq!(s.balance().await, START - spent);
    s.assert_ledger_balances().await;
}

#[tokio::test]
async fn a_cancelled_job_cancels_its_remote_task_and_is_refunded() {
    let (fakes, s) = video_server().await;
    let prompt = "[hold] a slow pan over dunes";
    cancel_while_polling(&s, clip(prompt, 6), || fakes.runway.polls(prompt) >= 2).await;
    eventually("Runway received the DELETE", || {
        fakes.runway.cancels(prompt) == 1
    })
    .await;
    cancel_while_polling(&s, luma_clip(prompt, 9), || fakes.luma.polls(prompt) >= 2).await;
    eventually("Luma received the DELETE", || {
        fakes.luma.deletes(prompt) == 1
    })
    .await;
    assert_eq!(s.balance().await, START);
}

#[tokio::test]
async fn a_luma_clip_is_submitted_polled_stored_and_charged_by_its_length() {
    let (fakes, s) = video_server().await;
    let model = model(&s, LUMA).await;
    assert_eq!(model["video"]["durations"], json!([5, 9]));
    let (status, body) = s
        .call("generations.create", luma_clip("a lighthouse", 4))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_parameter")),
        "{body}"
    );
    let prompt = "[polls:3] a lighthouse in rolling fog";
    let job_id = s.submit_one(luma_clip(prompt, 5)).await;
    let job = s.wait_final(&job_id, Duration::from_secs(60)).await;
    assert_eq!(
        (&job["state"], &job["attempts"], &job["cost"]),
        (&json!("succeeded"), &json!(1), &json!(10 + 5 * 3)),
        "{job}"
    );
    assert_eq!(s.balance().await, START - 25);
    assert_eq!(
        fakes.luma.requests(),
        vec![
            json!({ "prompt": prompt, "model": "ray-2", "resolution": "720p",
            "duration": "5s", "aspect_ratio": "1:1" })
        ]
    );
    assert_eq!(
        fakes.luma.polls(prompt),
        4,
        "queued, dreaming twice, then completed"
    );
    let image = s.image_of(&job).await;
    assert_clip(&image, (960, 960), "luma", "ray-2", 5);
}

const GEN4: &str = "runway-gen4-turbo";

fn animate(prompt: &str, source: &str) -> Value {
    json!({ "prompt": prompt, "model": GEN4, "width": 1280, "height": 720, "duration": 3,
        "seed": 42, "source_image": source })
}

/// The size of the image inside a `data:` URI.
fn data_uri_size(uri: &str) -> (u32, u32) {
    use base64::Engine;
    let (_, b64) = uri.split_once(";base64,").expect("a base64 data URI");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("base64");
    let img = image::load_from_memory(&bytes).expect("an image");
    (img.width(), img.height())
}

#[tokio::test]
async fn gen4_turbo_animates_a_library_image_sent_inline_and_keeps_its_lineage() {
    let (fakes, s) = video_server().await;
    let still = s
        .run_one(
            json!({ "prompt": "a red kite", "model": "local-sketch", "width": 1024,
            "height": 768 }),
        )
        .await;
    let still_id = still["image_id"].as_str().expect("still").to_string();

    let mut missing = animate("the kite climbs", &still_id);
    missing["source_image"] = Value::Null;
    for (input, status, code) in [
        (missing, 422, "invalid_parameter"),
        (
            animate("the kite climbs", "no-such-image"),
            404,
            "not_found",
        ),
    ] {
        let (got, body) = s.call("generations.create", input).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }

    let prompt = "the kite climbs into the wind";
    let job_id = s.submit_one(animate(prompt, &still_id)).await;
    let job = s.wait_final(&job_id, Duration::from_secs(60)).await;
    assert_eq!(
        (&job["state"], &job["cost"]),
        (&json!("succeeded"), &json!(5 + 3 * 2)),
        "{job}"
    );
    let sent = fakes
        .runway
        .requests()
        .into_iter()
        .find(|r| r["promptText"] == prompt)
        .expect("the image-to-video body");
    assert_eq!(
        (
            &sent["model"],
            &sent["ratio"],
            &sent["duration"],
            &sent["seed"]
        ),
        (
            &json!("gen4_turbo"),
            &json!("1280:720"),
            &json!(3),
            &json!(42)
        )
    );
    let image_uri = sent["promptImage"].as_str().expect("promptImage");
    assert!(image_uri.starts_with("data:image/"), "inline, never a URL");
    assert_eq!(
        data_uri_size(image_uri),
        (1024, 768),
        "the library image itself"
    );

    let clip = s.image_of(&job).await;
    assert_clip(&clip, (1280, 720), "runway", "gen4_turbo", 3);
    let record = &clip["record"];
    assert_eq!(
        (
            &record["params"]["source_image"],
            &record["remix_of"],
            &record["seed"]
        ),
        (&json!(still_id), &json!(still_id), &json!(42)),
        "the clip names the image it animates as its lineage: {record}"
    );

    // A clip is not an image to animate.
    let clip_id = job["image_id"].as_str().expect("clip");
    let (status, body) = s
        .call("generations.create", animate("again", clip_id))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_parameter")),
        "{body}"
    );
}

#[tokio::test]
async fn only_the_callers_own_images_can_be_animated() {
    let runway = FakeRunway::start().await;
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        oidc: Some(oidc),
        charging: true,
        starting_credits: START,
        runway_base_url: Some(runway.base_url.clone()),
        provider_timeout: Duration::from_secs(60),
        ..Opts::default()
    })
    .await
    .expect("server");
    let alice = token_for(&s, "alice@example.com").await;
    let bob = token_for(&s, "bob@example.com").await;
    // Public, and still not Bob's to animate.
    let still = public_image(&s, &alice, "alice's lighthouse").await;
    let (status, body) = call_as(
        &s,
        Some(&bob),
        "generations.create",
        &animate("bob animates it", &still),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );
    assert!(runway.requests().is_empty(), "nothing reached Runway");
    let (status, body) = call_as(
        &s,
        Some(&alice),
        "generations.create",
        &animate("alice animates it", &still),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn luma_animates_a_library_image_it_fetches_through_a_short_lived_signed_link() {
    let luma = FakeLuma::start().await;
    let clock = std::sync::Arc::new(pixel_core::ports::OffsetClock::default());
    // The test server's public address is its own loopback one, which the fake can reach.
    let s = TestServer::start(Opts {
        charging: true,
        starting_credits: START,
        luma_base_url: Some(luma.base_url.clone()),
        provider_timeout: Duration::from_secs(60),
        clock: Some(clock.clone()),
        ..Opts::default()
    })
    .await
    .expect("server");
    let still = s
        .run_one(
            json!({ "prompt": "a lighthouse", "model": "local-sketch", "width": 1024,
            "height": 768 }),
        )
        .await;
    let still_id = still["image_id"].as_str().expect("still").to_string();
    let prompt = "the lighthouse beam sweeps the fog";
    let job = s
        .run_one(
            json!({ "prompt": prompt, "model": LUMA, "width": 1280, "height": 720,
            "duration": 5, "source_image": still_id }),
        )
        .await;
    assert_eq!(job["state"], "succeeded", "{job}");
    assert_eq!(
        luma.keyframes(),
        vec![(1024, 768)],
        "Luma fetched the still itself"
    );
    let sent = luma
        .requests()
        .into_iter()
        .find(|r| r["prompt"] == prompt)
        .expect("the create body");
    let link = sent["keyframes"]["frame0"]["url"]
        .as_str()
        .expect("a keyframe URL")
        .to_string();
    assert!(
        link.starts_with(&format!("{}/media-link/{still_id}?", s.base)),
        "{link}"
    );
    let clip = s.image_of(&job).await;
    assert_eq!(clip["record"]["params"]["source_image"], json!(still_id));

    // The link opens only as signed, for the image it names, and only for minutes.
    let status = |url: String| {
        let client = s.client.clone();
        async move { client.get(url).send().await.expect("get").status().as_u16() }
    };
    assert_eq!(status(link.clone()).await, 200);
    let other = s
        .run_one(json!({ "prompt": "another", "model": "local-sketch" }))
        .await;
    let other_id = other["image_id"].as_str().expect("other");
    for forged in [
        link.replace(&still_id, other_id),
        link.replace("sig=", "sig=00"),
        link.replace("expires=", "expires=9"),
        link.replace("expires=", "expires=x"),
        link.split("&sig=").next().unwrap_or_default().to_string(),
        format!("{link}&expires=1"),
    ] {
        assert_eq!(status(forged.clone()).await, 404, "{forged}");
    }
    clock.advance(Duration::from_secs(16 * 60));
    assert_eq!(status(link).await, 404, "expired");
}
