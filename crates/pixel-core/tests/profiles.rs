//! Profile details through the core on a real SQLite store: a bio within its limits, and a picture that
//! is one of the person's own public images and disappears when that image goes private or away.

mod common;

use common::{call, made_image, sign_in, test_app, ScriptedProvider};
use pixel_core::ops::{Profile, ProfileShown};
use pixel_core::runner::Runner;
use pixel_core::{Caller, ErrorCode};
use serde_json::{json, Value};

async fn profile(app: &pixel_core::App, who: &Caller, username: &str) -> Profile {
    call(app, who, "profiles.get", json!({ "username": username }))
        .await
        .expect("profile")
}

#[tokio::test]
async fn a_bio_and_a_picture_from_ones_own_public_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let anyone = Caller::Anonymous;
    let ada_name = profile(&app, &ada, "ada").await.user.username;

    let shown: ProfileShown = call(
        &app,
        &ada,
        "profiles.update",
        json!({ "bio": "  Painter of koi.\nLikes fog.  " }),
    )
    .await
    .expect("bio");
    assert_eq!(shown.bio, "Painter of koi.\nLikes fog.");
    assert_eq!(profile(&app, &anyone, &ada_name).await.shown.bio, shown.bio);
    for bad in ["x".repeat(281), "bell\u{7}".to_string()] {
        let err = call::<Value>(&app, &ada, "profiles.update", json!({ "bio": bad }))
            .await
            .expect_err("refused");
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
    assert_eq!(
        profile(&app, &grace, &ada_name).await.shown.bio,
        "Painter of koi.\nLikes fog.",
        "nothing half-written"
    );
    let err = call::<Value>(&app, &anyone, "profiles.update", json!({ "bio": "hi" }))
        .await
        .expect_err("signed out");
    assert_eq!(err.code, ErrorCode::Unauthenticated);

    let public = made_image(&app, &ada, "a koi", true).await;
    let private = made_image(&app, &ada, "a secret", false).await;
    let graces = made_image(&app, &grace, "a kite", true).await;
    for id in [&private.id, &graces.id, &"missing".to_string()] {
        let err = call::<Value>(
            &app,
            &ada,
            "profiles.update",
            json!({ "avatar": { "kind": "image", "image_id": id } }),
        )
        .await
        .expect_err("not ada's public image");
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
    let shown: ProfileShown = call(
        &app,
        &ada,
        "profiles.update",
        json!({ "avatar": { "kind": "image", "image_id": public.id } }),
    )
    .await
    .expect("picture");
    let thumb = format!("/media/{}/thumb", public.id);
    assert_eq!(shown.avatar_url.as_deref(), Some(thumb.as_str()));
    assert_eq!(shown.bio, "Painter of koi.\nLikes fog.", "the bio stays");
    assert_eq!(
        profile(&app, &anyone, &ada_name).await.shown.avatar_url,
        Some(thumb.clone())
    );

    // The image made private: no picture for anyone, its owner included, until it is public again.
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [public.id], "visibility": "private" }),
    )
    .await
    .expect("private");
    for who in [&ada, &grace, &anyone] {
        assert_eq!(profile(&app, who, &ada_name).await.shown.avatar_url, None);
    }
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [public.id], "visibility": "public" }),
    )
    .await
    .expect("public");
    assert_eq!(
        profile(&app, &grace, &ada_name).await.shown.avatar_url,
        Some(thumb)
    );
    let _: Value = call(
        &app,
        &ada,
        "images.delete",
        json!({ "image_ids": [public.id] }),
    )
    .await
    .expect("deleted");
    assert_eq!(
        profile(&app, &grace, &ada_name).await.shown.avatar_url,
        None
    );
    let shown: ProfileShown = call(
        &app,
        &ada,
        "profiles.update",
        json!({ "avatar": { "kind": "none" } }),
    )
    .await
    .expect("no picture");
    assert_eq!(shown.avatar_url, None);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

/// The picture beside the name wherever people are listed: explore's creators, comments, follow lists,
/// conversations, notifications and people search; and gone from all of them once its image is private.
#[tokio::test]
async fn the_picture_shows_beside_the_name_in_every_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let ada_profile = profile(&app, &ada, "ada").await;
    let grace_id = profile(&app, &grace, "grace").await.user.id;
    let picture = made_image(&app, &ada, "a koi", true).await;
    let _other_public = made_image(&app, &ada, "a heron", true).await;
    let graces = made_image(&app, &grace, "a kite", true).await;
    let _: ProfileShown = call(
        &app,
        &ada,
        "profiles.update",
        json!({ "avatar": { "kind": "image", "image_id": picture.id } }),
    )
    .await
    .expect("picture");
    let thumb = format!("/media/{}/thumb", picture.id);

    let _: Value = call(
        &app,
        &grace,
        "follows.follow",
        json!({ "user_id": ada_profile.user.id }),
    )
    .await
    .expect("follow");
    let created: Value = call(
        &app,
        &ada,
        "comments.create",
        json!({ "image_id": graces.id, "body": "Lovely kite" }),
    )
    .await
    .expect("comment");
    assert_eq!(created["author"]["avatar_url"], thumb.as_str(), "{created}");
    let _: Value = call(
        &app,
        &ada,
        "likes.like_image",
        json!({ "image_id": graces.id }),
    )
    .await
    .expect("like");
    let _: Value = call(
        &app,
        &ada,
        "messages.send",
        json!({ "to_user_id": grace_id, "body": "Hello" }),
    )
    .await
    .expect("message");

    let views = [
        ("explore.list", Caller::Anonymous, json!({})),
        (
            "comments.list",
            grace.clone(),
            json!({ "image_id": graces.id }),
        ),
        (
            "follows.following",
            grace.clone(),
            json!({ "user_id": grace_id }),
        ),
        (
            "follows.followers",
            ada.clone(),
            json!({ "user_id": ada_profile.user.id }),
        ),
        ("messages.conversations", grace.clone(), json!({})),
        ("notifications.list", grace.clone(), json!({})),
        ("profiles.search", grace.clone(), json!({ "text": "ad" })),
    ];
    for (method, who, input) in &views {
        let out: Value = call(&app, who, method, input.clone()).await.expect(method);
        let text = out.to_string();
        let expected = if *method == "follows.followers" {
            // Grace follows Ada: Grace has no picture, so none is listed.
            !text.contains("avatar_url")
        } else {
            text.contains(&format!("\"avatar_url\":\"{thumb}\""))
        };
        assert!(expected, "{method}: {text}");
    }

    // Made private, the picture leaves every list at once (no list shows what the profile would not).
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [picture.id], "visibility": "private" }),
    )
    .await
    .expect("private");
    for (method, who, input) in &views {
        let out: Value = call(&app, who, method, input.clone()).await.expect(method);
        assert!(!out.to_string().contains(&picture.id), "{method}: {out}");
    }
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}
