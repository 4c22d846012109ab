//! The privacy sweep: a private image with every kind of activity around it (its owner's comments
//! and likes, a remix, a mention, trending ranked, a message about it) never appears in anything any
//! read operation answers another person or a stranger, nor in any event sent to them. Every read
//! operation of the registry needs its inputs here, so a new list is swept from the day it exists.

mod common;

use common::{call, made_image, sign_in, test_app, ScriptedProvider};
use pixel_core::registry::{OpKind, Registry};
use pixel_core::runner::Runner;
use pixel_core::{Caller, Envelope};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn a_private_image_is_in_nothing_anyone_else_reads_or_hears() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let ada_id = ada.user_id().expect("ada").to_string();
    let grace_id = grace.user_id().expect("grace").to_string();
    let marker = "zanzibar-marker";

    // Grace follows ada and listens to everything sent to her.
    let _: Value = call(&app, &grace, "follows.follow", json!({ "user_id": ada_id }))
        .await
        .expect("follow");
    let mut heard = app.events.subscribe();

    let public = made_image(&app, &ada, "a public harbour", true).await;
    let private = made_image(&app, &ada, &format!("a {marker} garden"), false).await;
    // Activity around the private image, all of it by its owner.
    let comment: Value = call(
        &app,
        &ada,
        "comments.create",
        json!({ "image_id": private.id, "body": format!("{marker} notes for @grace") }),
    )
    .await
    .expect("own comment");
    let _: Value = call(
        &app,
        &ada,
        "likes.like_image",
        json!({ "image_id": private.id }),
    )
    .await
    .expect("own like");
    let mut events = app.events.subscribe();
    let remix: pixel_core::ops::SubmitOutput = call(
        &app,
        &ada,
        "generations.create",
        json!({ "prompt": format!("{marker} again"), "model": "gpt-image-2", "quality": "low", "remix_of": private.id }),
    )
    .await
    .expect("own remix");
    let remix_job = common::job_end(&mut events, &remix.jobs[0].id).await;
    let _: Value = call(
        &app,
        &ada,
        "messages.send",
        json!({ "to_user_id": grace_id, "body": "hello" }),
    )
    .await
    .expect("message");
    // A tip from ada to someone else, its message naming the marker: theirs alone to read.
    let carol = sign_in(&app, "carol").await;
    let _: Value = call(
        &app,
        &ada,
        "tips.send",
        json!({ "user_id": carol.user_id().expect("carol"), "amount": 2, "message": format!("for the {marker}") }),
    )
    .await
    .expect("tip");
    // A prompt for sale whose text names the marker: its seller's (and buyers') alone to read.
    let listing: Value = call(
        &app,
        &ada,
        "market.publish",
        json!({ "title": "Harbour light", "prompt": format!("a {marker} at dawn"), "price": 3, "tags": ["harbour"], "sample_image_ids": [public.id] }),
    )
    .await
    .expect("listing");
    pixel_core::social::refresh_trending(&app)
        .await
        .expect("ranked");
    let conversations: Value = call(&app, &grace, "messages.conversations", json!({}))
        .await
        .expect("inbox");
    let conversation_id = conversations["conversations"][0]["id"].clone();

    let secrets = [
        private.id.clone(),
        marker.to_string(),
        comment["id"].as_str().expect("comment id").to_string(),
        remix_job.image_id.clone().expect("remix image"),
        private.set_id.clone(),
    ];
    let by_image = json!({ "image_id": private.id });
    // Every read operation, with the inputs that could reach the private image.
    let reads: Vec<(&str, Vec<Value>)> = vec![
        ("catalogue.list", vec![json!({})]),
        ("providers.list", vec![json!({})]),
        ("providers.health", vec![json!({})]),
        ("account.get", vec![json!({})]),
        ("sessions.list", vec![json!({})]),
        ("generations.get", vec![json!({ "job_id": remix_job.id })]),
        ("generations.list", vec![json!({})]),
        (
            "comparisons.get",
            vec![json!({ "comparison_id": private.set_id })],
        ),
        ("sets.get", vec![json!({ "set_id": private.set_id })]),
        ("sets.list", vec![json!({})]),
        ("images.get", vec![by_image.clone()]),
        ("images.list", vec![json!({}), json!({ "text": marker })]),
        ("ledger.list", vec![json!({})]),
        ("credits.packs", vec![json!({})]),
        (
            "market.list",
            vec![
                json!({}),
                json!({ "text": "harbour" }),
                json!({ "text": marker }),
                json!({ "tag": "harbour" }),
                json!({ "seller_id": ada_id, "sort": "price_asc" }),
            ],
        ),
        ("market.get", vec![json!({ "listing_id": listing["id"] })]),
        ("earnings.summary", vec![json!({})]),
        ("payouts.status", vec![json!({})]),
        (
            "market.reviews",
            vec![json!({ "listing_id": listing["id"] })],
        ),
        (
            "tips.list",
            vec![
                json!({ "direction": "received" }),
                json!({ "direction": "sent" }),
            ],
        ),
        (
            "explore.list",
            vec![
                json!({}),
                json!({ "text": marker }),
                json!({ "creator_id": ada_id }),
                json!({ "sort": "top" }),
                json!({ "sort": "trending", "period": "24h" }),
                json!({ "sort": "trending", "period": "30d" }),
            ],
        ),
        ("feed.list", vec![json!({})]),
        ("explore.creators", vec![json!({ "period": "30d" })]),
        ("explore.image", vec![by_image.clone()]),
        ("explore.remixes", vec![by_image.clone()]),
        ("profiles.get", vec![json!({ "username": "ada" })]),
        ("profiles.search", vec![json!({ "text": "a" })]),
        ("follows.followers", vec![json!({ "user_id": ada_id })]),
        ("follows.following", vec![json!({ "user_id": grace_id })]),
        (
            "comments.list",
            vec![by_image.clone(), json!({ "image_id": public.id })],
        ),
        ("notifications.list", vec![json!({})]),
        ("blocks.list", vec![json!({})]),
        ("reports.list", vec![json!({})]),
        ("messages.conversations", vec![json!({})]),
        (
            "messages.list",
            vec![json!({ "conversation_id": conversation_id })],
        ),
    ];
    let swept: BTreeSet<&str> = reads.iter().map(|(name, _)| *name).collect();
    let registry = Registry::standard();
    let every_read: BTreeSet<&str> = registry
        .ops()
        .filter(|op| op.kind == OpKind::Read)
        .map(|op| op.name)
        .collect();
    assert_eq!(swept, every_read, "every read operation is swept");

    // The control: its owner finds every secret through these very inputs, so the sweep below looks
    // where each secret lives.
    let mut owner_saw = String::new();
    for (name, inputs) in &reads {
        for input in inputs {
            if let Ok(out) = registry.call(&app, &ada, name, input.clone()).await {
                owner_saw.push_str(&out.to_string());
            }
        }
    }
    for secret in &secrets {
        assert!(
            owner_saw.contains(secret.as_str()),
            "the owner never saw {secret}"
        );
    }

    for who in [&grace, &Caller::Anonymous] {
        for (name, inputs) in &reads {
            for input in inputs {
                let answer = match registry.call(&app, who, name, input.clone()).await {
                    Ok(out) => out.to_string(),
                    Err(e) => serde_json::to_string(&e).expect("error"),
                };
                for secret in &secrets {
                    assert!(
                        !answer.contains(secret.as_str()),
                        "{name} {input} as {who:?} showed {secret}: {answer}"
                    );
                }
            }
        }
    }
    // Nor was grace told anything of it.
    while let Ok(Envelope { user_id, event }) = heard.try_recv() {
        if user_id == grace_id {
            let said = serde_json::to_string(&event).expect("event");
            for secret in &secrets {
                assert!(
                    !said.contains(secret.as_str()),
                    "an event told grace of {secret}: {said}"
                );
            }
        }
    }
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}
