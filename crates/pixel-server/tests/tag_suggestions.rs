//! Tag suggestions through the API: offline (drawn from the prompt) on SQLite and PostgreSQL —
//! proposed, accepted into the image's tags, rejected and never proposed again, all-or-nothing,
//! private to the owner — and from a vision model behind an OpenAI-compatible chat endpoint (the
//! loopback fake looks at the thumbnail it is sent), its failures answered with clear codes.

mod common;

use base64::Engine;
use common::{
    call_as, ok_as as ok, public_image, signed_in_server, token_for, Db, Opts, TestServer,
};
use pixel_testkit::vision_fake::{tags_for, VisionScenario};
use pixel_testkit::FakeVision;
use serde_json::{json, Value};

async fn code_as(s: &TestServer, token: Option<&str>, method: &str, input: Value) -> (u16, String) {
    let (status, out) = call_as(s, token, method, &input).await;
    (
        status,
        out["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

fn proposed(out: &Value) -> Vec<String> {
    out["proposed"]
        .as_array()
        .expect("proposed")
        .iter()
        .filter_map(|p| p["tag"].as_str().map(String::from))
        .collect()
}

async fn record_tags_are_proposed_accepted_and_rejected(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let fox = public_image(&s, &ada, "a red fox in the snow, watercolor").await;
    let image = json!({"image_id": fox});

    let out = ok(&s, &ada, "tags.suggest", image.clone()).await;
    assert_eq!(out["tagger"], "the generation record");
    assert_eq!(proposed(&out), ["red fox", "snow", "watercolor"]);
    assert_eq!(out["proposed"][0]["source"], "record");
    let shown = ok(&s, &ada, "tags.of_image", image.clone()).await;
    assert_eq!(shown["tags"], json!([]));
    assert_eq!(proposed(&shown), ["red fox", "snow", "watercolor"]);

    // Someone else's image: no suggestion, no review, nothing shown.
    for method in ["tags.suggest", "tags.of_image"] {
        assert_eq!(
            code_as(&s, Some(&grace), method, image.clone()).await,
            (404, "not_found".into())
        );
    }
    let review = json!({"image_id": fox, "accept": ["red fox"]});
    assert_eq!(
        code_as(&s, Some(&grace), "tags.review", review.clone()).await,
        (404, "not_found".into())
    );

    // Accepted: an image tag (a filter of the library); rejected: never proposed again.
    let out = ok(
        &s,
        &ada,
        "tags.review",
        json!({"image_id": fox, "accept": ["Red Fox"], "reject": ["snow"]}),
    )
    .await;
    assert_eq!(out["tags"], json!(["red fox"]));
    assert_eq!(proposed(&out), ["watercolor"]);
    let again = ok(&s, &ada, "tags.suggest", image.clone()).await;
    assert_eq!(proposed(&again), ["watercolor"]);
    let filtered = ok(&s, &ada, "images.list", json!({"tag": "red fox"})).await;
    assert_eq!(filtered["images"][0]["id"], fox.as_str());

    // Bad reviews change nothing.
    for bad in [
        json!({"image_id": fox}),
        json!({"image_id": fox, "accept": ["watercolor"], "reject": ["watercolor"]}),
        json!({"image_id": fox, "accept": ["<b>"]}),
    ] {
        assert_eq!(
            code_as(&s, Some(&ada), "tags.review", bad).await,
            (422, "invalid_input".into())
        );
    }
    // A review that would pass the image's twenty tags is refused whole, its rejection with it.
    let nineteen: Vec<String> = (0..19).map(|i| format!("t{i:02}")).collect();
    for chunk in nineteen.chunks(10) {
        ok(
            &s,
            &ada,
            "tags.add",
            json!({"image_ids": [fox], "tags": chunk}),
        )
        .await;
    }
    ok(&s, &ada, "tags.suggest", image.clone()).await;
    assert_eq!(
        code_as(
            &s,
            Some(&ada),
            "tags.review",
            json!({"image_id": fox, "accept": ["watercolor"], "reject": ["t00"]})
        )
        .await,
        (422, "invalid_input".into())
    );
    let shown = ok(&s, &ada, "tags.of_image", image.clone()).await;
    assert_eq!(shown["tags"].as_array().map(Vec::len), Some(20));
    assert_eq!(proposed(&shown), ["watercolor"], "still waiting");
    assert_eq!(
        code_as(&s, None, "tags.suggest", image).await,
        (401, "unauthenticated".into())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn record_tags_are_proposed_accepted_and_rejected_on_sqlite() {
    record_tags_are_proposed_accepted_and_rejected(Db::Sqlite).await;
}

#[tokio::test]
async fn record_tags_are_proposed_accepted_and_rejected_on_postgres() {
    record_tags_are_proposed_accepted_and_rejected(Db::Postgres).await;
}

/// The image the fake was sent, decoded from its data URL.
fn image_sent(request: &Value) -> image::DynamicImage {
    let url = request["messages"][1]["content"][1]["image_url"]["url"]
        .as_str()
        .expect("image part");
    let data = url
        .strip_prefix("data:image/webp;base64,")
        .expect("a WebP data URL");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64");
    image::load_from_memory(&bytes).expect("a real image")
}

/// A single-owner server whose tagger is `vision`, and one offline image of its owner's.
async fn tagged_by(vision: &FakeVision) -> Option<(TestServer, Value)> {
    let s = TestServer::start(Opts {
        tagger_url: Some(vision.base_url.clone()),
        ..Default::default()
    })
    .await?;
    let job = s
        .run_one(json!({"prompt": "a lighthouse at night", "model": "local-sketch"}))
        .await;
    let image = json!({"image_id": job["image_id"]});
    Some((s, image))
}

#[tokio::test]
async fn a_vision_model_proposes_what_it_sees() {
    let vision = FakeVision::start(Some(pixel_testkit::vision_fake::FAKE_KEY)).await;
    let Some((s, image)) = tagged_by(&vision).await else {
        return;
    };

    let out = s.ok("tags.suggest", image.clone()).await;
    assert_eq!(out["tagger"], "gpt-5-mini");
    let sent = vision.requests();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request["model"], "gpt-5-mini");
    assert_eq!(request["response_format"]["type"], "json_schema");
    assert_eq!(
        request["messages"][1]["content"][1]["image_url"]["detail"],
        "low"
    );
    let seen = tags_for(&image_sent(request));
    assert_eq!(proposed(&out), seen, "the fake's tags of the thumbnail");
    assert!(out["proposed"]
        .as_array()
        .expect("proposed")
        .iter()
        .all(|p| p["source"] == "vision"));

    // A server that answers in prose is read too; its tags are the same ones, proposed once.
    vision.next(VisionScenario::PlainText);
    let out = s.ok("tags.suggest", image.clone()).await;
    assert_eq!(proposed(&out), seen);

    // Failures come back as clear errors and propose nothing new.
    for (scenario, want) in [
        (VisionScenario::RateLimited, "provider_error"),
        (VisionScenario::ServerError, "provider_error"),
        (VisionScenario::Malformed, "provider_error"),
        (VisionScenario::Refusal, "moderated"),
        (VisionScenario::ContentFilter, "moderated"),
    ] {
        vision.next(scenario);
        let (status, body) = s.call("tags.suggest", image.clone()).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (502, Some(want)),
            "{scenario:?}: {body}"
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("the tagger could not tag this image")),
            "{body}"
        );
    }
    let shown = s.ok("tags.of_image", image).await;
    assert_eq!(proposed(&shown), seen);
    s.shutdown().await;
}

#[tokio::test]
async fn a_wrong_tagger_key_or_model_is_named_in_the_error() {
    let vision = FakeVision::start(Some("sk-another-key")).await;
    let Some((s, image)) = tagged_by(&vision).await else {
        return;
    };
    let (status, body) = s.call("tags.suggest", image).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "provider_rejected");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("refused the key")),
        "{body}"
    );
    s.shutdown().await;
}
