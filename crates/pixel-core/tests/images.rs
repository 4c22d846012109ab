//! Image rules through the core alone, on a real SQLite store: who sees an image (the owner, anyone
//! once it is public, nobody else: the same answer as a missing one), who may change or delete it,
//! what a remix of someone else's private image is told, and that refused input writes nothing.

mod common;

use common::{call, made_image, sign_in, test_app, ScriptedProvider, PAID_MODEL};
use pixel_core::ops::{DeleteOutput, ImagesOutput, SetVisibilityOutput, SubmitOutput};
use pixel_core::runner::Runner;
use pixel_core::{Caller, ErrorCode, Image, Visibility};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_private_image_is_the_owners_alone_until_it_is_made_public() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 20, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let image = made_image(&app, &ada, "a quiet harbour at dawn", false).await;
    assert_eq!(image.visibility, Visibility::Private, "private by default");
    let by_id = json!({ "image_id": image.id });

    for (who, caller) in [("grace", &grace), ("a stranger", &Caller::Anonymous)] {
        let err = call::<Image>(&app, caller, "images.get", by_id.clone())
            .await
            .expect_err("private");
        assert_eq!(
            err.code,
            ErrorCode::NotFound,
            "{who} is told what a missing image tells"
        );
    }
    let theirs: ImagesOutput = call(&app, &grace, "images.list", json!({}))
        .await
        .expect("grace's library");
    assert!(
        theirs.images.is_empty(),
        "another's library holds none of ada's"
    );

    // Only the owner changes it: grace's request changes nothing and says so.
    let ids = json!({ "image_ids": [image.id], "visibility": "public" });
    let changed: SetVisibilityOutput = call(&app, &grace, "images.set_visibility", ids.clone())
        .await
        .expect("answered");
    assert!(changed.changed.is_empty());
    let changed: SetVisibilityOutput = call(&app, &ada, "images.set_visibility", ids)
        .await
        .expect("ada publishes");
    assert_eq!(changed.changed, vec![image.id.clone()]);
    for caller in [&grace, &Caller::Anonymous] {
        let seen: Image = call(&app, caller, "images.get", by_id.clone())
            .await
            .expect("public now");
        assert_eq!(seen.id, image.id);
    }

    // A public image is still only deleted by its owner.
    let ids = json!({ "image_ids": [image.id] });
    let deleted: DeleteOutput = call(&app, &grace, "images.delete", ids.clone())
        .await
        .expect("answered");
    assert!(deleted.deleted.is_empty());
    let deleted: DeleteOutput = call(&app, &ada, "images.delete", ids)
        .await
        .expect("ada deletes");
    assert_eq!(deleted.deleted, vec![image.id.clone()]);
    let err = call::<Image>(&app, &ada, "images.get", by_id)
        .await
        .expect_err("gone");
    assert_eq!(err.code, ErrorCode::NotFound);
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_remix_of_an_image_the_caller_cannot_see_is_refused_before_anything_is_charged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 20, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let image = made_image(&app, &ada, "a quiet harbour at dawn", false).await;
    let remix = json!({
        "prompt": "the same harbour at night",
        "model": PAID_MODEL,
        "quality": "low",
        "remix_of": image.id,
    });
    let err = call::<SubmitOutput>(&app, &grace, "generations.create", remix.clone())
        .await
        .expect_err("ada's image is private");
    assert_eq!(err.code, ErrorCode::NotFound);
    let account: pixel_core::ops::AccountOutput = call(&app, &grace, "account.get", json!({}))
        .await
        .expect("account");
    assert_eq!(account.balance, 20, "nothing reserved");

    let own: SubmitOutput = call(&app, &ada, "generations.create", remix)
        .await
        .expect("the owner remixes their own");
    assert_eq!(own.set.remix_of.as_deref(), Some(image.id.as_str()));
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn bulk_changes_take_one_to_ten_thousand_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 20, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let too_many: Vec<String> = (0..=pixel_core::ops::bulk::MAX_BULK_IMAGES)
        .map(|i| format!("img-{i}"))
        .collect();
    for ids in [json!([]), json!(too_many)] {
        for (op, body) in [
            ("images.delete", json!({ "image_ids": ids })),
            (
                "images.set_visibility",
                json!({ "image_ids": ids, "visibility": "public" }),
            ),
        ] {
            let err = call::<serde_json::Value>(&app, &ada, op, body)
                .await
                .expect_err("out of range");
            assert_eq!(err.code, ErrorCode::InvalidInput, "{op}: {}", err.message);
        }
    }
}

#[tokio::test]
async fn a_published_file_that_is_not_an_image_is_refused_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 20, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let record = made_image(&app, &ada, "a quiet harbour at dawn", false)
        .await
        .record;
    for (data, words) in [
        ("%%%not base64", "base64"),
        ("aGVsbG8gd29ybGQ=", "not an image"),
    ] {
        let err = call::<Image>(
            &app,
            &ada,
            "images.publish",
            json!({ "image_base64": data, "record": record }),
        )
        .await
        .expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput, "{}", err.message);
        assert!(err.message.contains(words), "{}", err.message);
    }
    let library: ImagesOutput = call(&app, &ada, "images.list", json!({}))
        .await
        .expect("library");
    assert_eq!(library.images.len(), 1, "only the image the job made");
    runner.shutdown(Duration::from_secs(5)).await;
}
