//! A set made public or private as a whole, through the core on a real SQLite store: its images follow
//! (those finished after the choice included), anyone may open a public set and sees only its public
//! images, and any other set is the same answer as a missing one.

mod common;

use common::{call, jobs_end, sign_in, test_app, ScriptedProvider, PAID_MODEL};
use pixel_core::ops::{PublicImagesOutput, SetDetail, SubmitOutput};
use pixel_core::runner::Runner;
use pixel_core::{Caller, ErrorCode, Visibility};
use serde_json::{json, Value};

#[tokio::test]
async fn a_public_set_shows_its_public_images_to_everyone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let anyone = Caller::Anonymous;

    // Chosen before any image is made: the images still to come take it.
    let submitted: SubmitOutput = call(
        &app,
        &ada,
        "generations.create",
        json!({ "prompt": "two koi in a pond", "model": PAID_MODEL, "quality": "low", "n": 2 }),
    )
    .await
    .expect("submitted");
    let set_id = submitted.set.id.clone();
    let set_ref = json!({ "set_id": set_id });
    for who in [&grace, &anyone] {
        let err = call::<Value>(&app, who, "sets.get", set_ref.clone())
            .await
            .expect_err("not public yet");
        assert_eq!(err.code, ErrorCode::NotFound);
    }
    let err = call::<Value>(
        &app,
        &grace,
        "sets.set_visibility",
        json!({ "set_id": set_id, "visibility": "public" }),
    )
    .await
    .expect_err("not grace's set");
    assert_eq!(err.code, ErrorCode::NotFound);
    let changed: Value = call(
        &app,
        &ada,
        "sets.set_visibility",
        json!({ "set_id": set_id, "visibility": "public" }),
    )
    .await
    .expect("made public");
    assert_eq!(changed["changed"], json!([]), "no image made yet");

    let mut events = app.events.observe_all();
    let runner = Runner::start(&app).await.expect("runner");
    let ids: Vec<String> = submitted.jobs.iter().map(|j| j.id.clone()).collect();
    let images: Vec<String> = jobs_end(&mut events, &ids)
        .await
        .into_iter()
        .map(|job| job.image_id.expect("an image"))
        .collect();
    let detail: SetDetail = call(&app, &anyone, "sets.get", set_ref.clone())
        .await
        .expect("a public set");
    assert_eq!(detail.set.visibility, Some(Visibility::Public));
    assert_eq!(
        detail.owner.map(|o| o.id).as_deref(),
        ada.user_id().ok(),
        "a public set names its creator"
    );
    assert_eq!(detail.images.len(), 2);
    assert!(detail
        .images
        .iter()
        .all(|i| i.visibility == Visibility::Public));
    let explore: PublicImagesOutput = call(&app, &anyone, "explore.list", json!({}))
        .await
        .expect("explore");
    assert_eq!(explore.images.len(), 2, "both in explore");

    // One image made private on its own leaves the set's public view, and its job with it.
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [images[0]], "visibility": "private" }),
    )
    .await
    .expect("one private");
    for who in [&grace, &anyone] {
        let detail: SetDetail = call(&app, who, "sets.get", set_ref.clone())
            .await
            .expect("still public");
        let shown: Vec<&str> = detail.images.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(shown, vec![images[1].as_str()]);
        assert_eq!(detail.jobs.len(), 1);
        assert_eq!(detail.jobs[0].image_id.as_deref(), Some(images[1].as_str()));
    }
    let own: SetDetail = call(&app, &ada, "sets.get", set_ref.clone())
        .await
        .expect("the owner's");
    assert_eq!((own.images.len(), own.jobs.len()), (2, 2));

    // Private as a whole: gone for everyone else, from the set and from explore.
    let changed: Value = call(
        &app,
        &ada,
        "sets.set_visibility",
        json!({ "set_id": set_id, "visibility": "private" }),
    )
    .await
    .expect("made private");
    assert_eq!(changed["changed"].as_array().map(Vec::len), Some(2));
    for who in [&grace, &anyone] {
        let err = call::<Value>(&app, who, "sets.get", set_ref.clone())
            .await
            .expect_err("private");
        assert_eq!(err.code, ErrorCode::NotFound);
    }
    let explore: PublicImagesOutput = call(&app, &anyone, "explore.list", json!({}))
        .await
        .expect("explore");
    assert!(explore.images.is_empty());
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}
