//! The privacy sweep: a private image with every kind of activity around it (its owner's comments
//! and likes, a remix, a mention, trending ranked, a message about it) never appears in anything any
//! read operation answers another person or a stranger, nor in any event sent to them. Every read
//! operation of the registry needs its inputs here, so a new list is swept from the day it exists.

mod common;

use common::{call, made_image, sign_in, test_app, ScriptedProvider};
use pixel_core::registry::{OpKind, Registry};
use pixel_core::runner::Runner;
use pixel_core::Caller;
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

    // Grace follows ada and listens to everything the audience rule lets her receive.
    let _: Value = call(&app, &grace, "follows.follow", json!({ "user_id": ada_id }))
        .await
        .expect("follow");
    let mut heard = app
        .events
        .subscribe(pixel_core::events::Viewer::of(&grace).expect("grace signed in"));

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
    let mut events = app.events.observe_all();
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

    // A private collection named for the marker, and a public one holding both images.
    let secret_collection: Value = call(
        &app,
        &ada,
        "collections.create",
        json!({ "title": format!("{marker} things"), "image_ids": [private.id] }),
    )
    .await
    .expect("private collection");
    let secret_collection = secret_collection["id"].as_str().expect("id").to_string();
    let shown_collection: Value = call(
        &app,
        &ada,
        "collections.create",
        json!({ "title": "Harbours", "visibility": "public", "image_ids": [public.id, private.id] }),
    )
    .await
    .expect("public collection");
    let shown_collection = shown_collection["id"].as_str().expect("id").to_string();

    let secrets = [
        secret_collection.clone(),
        private.id.clone(),
        marker.to_string(),
        comment["id"].as_str().expect("comment id").to_string(),
        remix_job.image_id.clone().expect("remix image"),
        private.set_id.clone(),
    ];
    let inputs = Inputs {
        image_id: private.id.clone(),
        set_id: private.set_id.clone(),
        job_id: remix_job.id.clone(),
        listing_id: listing["id"].clone(),
        owner_id: ada_id.clone(),
        viewer_id: grace_id.clone(),
        other_image_id: public.id.clone(),
        conversation_id,
        text: marker.to_string(),
        collection_ids: vec![secret_collection.clone(), shown_collection.clone()],
    };
    sweep(
        &app,
        &reads(&inputs),
        &secrets,
        &[&ada],
        &[&grace, &Caller::Anonymous],
    )
    .await;
    // Nor was grace told anything of it.
    let mut grace_heard = 0;
    while let Some(received) = heard.try_recv() {
        let pixel_core::events::Received::Event(delivery) = received else {
            continue;
        };
        let said = delivery.json();
        for secret in &secrets {
            assert!(
                !said.contains(secret.as_str()),
                "an event told grace of {secret}: {said}"
            );
        }
        grace_heard += 1;
    }
    // She did hear what was hers (ada's message to her): the subscription is live, so the check
    // above could have caught a leak.
    assert!(grace_heard > 0, "grace heard nothing at all");
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

/// What the reads are asked about: the content under test and what surrounds it.
struct Inputs {
    image_id: String,
    set_id: String,
    job_id: String,
    listing_id: Value,
    owner_id: String,
    viewer_id: String,
    other_image_id: String,
    conversation_id: Value,
    text: String,
    collection_ids: Vec<String>,
}

/// Every read operation, with the inputs that could reach the content under test.
fn reads(i: &Inputs) -> Vec<(&'static str, Vec<Value>)> {
    let by_image = json!({ "image_id": i.image_id });
    // Every read operation, with the inputs that could reach the private image.
    vec![
        ("catalogue.list", vec![json!({})]),
        ("providers.list", vec![json!({})]),
        ("providers.health", vec![json!({})]),
        ("account.get", vec![json!({})]),
        ("sessions.list", vec![json!({})]),
        ("generations.get", vec![json!({ "job_id": i.job_id })]),
        ("generations.list", vec![json!({})]),
        (
            "comparisons.get",
            vec![json!({ "comparison_id": i.set_id })],
        ),
        ("sets.get", vec![json!({ "set_id": i.set_id })]),
        ("sets.list", vec![json!({})]),
        ("images.get", vec![by_image.clone()]),
        ("images.list", vec![json!({}), json!({ "text": i.text })]),
        ("images.ids", vec![json!({}), json!({ "text": i.text })]),
        ("ledger.list", vec![json!({})]),
        ("credits.packs", vec![json!({})]),
        (
            "market.list",
            vec![
                json!({}),
                json!({ "text": "harbour" }),
                json!({ "text": i.text }),
                json!({ "tag": "harbour" }),
                json!({ "seller_id": i.owner_id, "sort": "price_asc" }),
            ],
        ),
        ("market.get", vec![json!({ "listing_id": i.listing_id })]),
        ("earnings.summary", vec![json!({})]),
        ("payouts.status", vec![json!({})]),
        (
            "market.reviews",
            vec![json!({ "listing_id": i.listing_id })],
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
                json!({ "text": i.text }),
                json!({ "creator_id": i.owner_id }),
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
        (
            "profiles.style",
            vec![json!({ "user_id": i.owner_id }), json!({})],
        ),
        ("profiles.search", vec![json!({ "text": "a" })]),
        ("follows.followers", vec![json!({ "user_id": i.owner_id })]),
        ("follows.following", vec![json!({ "user_id": i.viewer_id })]),
        (
            "comments.list",
            vec![by_image.clone(), json!({ "image_id": i.other_image_id })],
        ),
        ("notifications.list", vec![json!({})]),
        ("streaks.get", vec![json!({})]),
        ("achievements.list", vec![json!({})]),
        (
            "analytics.personal",
            vec![json!({}), json!({ "days": 365 })],
        ),
        ("storage.usage", vec![json!({})]),
        ("tags.list", vec![json!({})]),
        ("tags.of_image", vec![by_image.clone()]),
        ("blocks.list", vec![json!({})]),
        ("reports.list", vec![json!({})]),
        // Admins only: grace is refused, whatever she asks about.
        (
            "admin.users.search",
            vec![json!({}), json!({ "query": i.text })],
        ),
        ("admin.users.get", vec![json!({ "user_id": i.owner_id })]),
        ("admin.models.list", vec![json!({})]),
        ("admin.overview", vec![json!({}), json!({ "days": 365 })]),
        ("admin.refusals.list", vec![json!({})]),
        ("blog.list", vec![json!({})]),
        ("blog.get", vec![json!({ "slug": "no-such-post" })]),
        ("admin.blog.list", vec![json!({})]),
        ("admin.blog.preview", vec![json!({ "body": "# Hello" })]),
        (
            "admin.deletions.list",
            vec![json!({}), json!({ "query": i.owner_id })],
        ),
        (
            "admin.audit.list",
            vec![json!({}), json!({ "user_id": i.owner_id })],
        ),
        ("messages.conversations", vec![json!({})]),
        ("prints.products", vec![json!({})]),
        (
            "prints.quote",
            vec![
                json!({ "image_id": i.image_id, "product": "poster", "size": "12x18", "quantity": 1 }),
            ],
        ),
        ("prints.list", vec![json!({})]),
        (
            "collections.list",
            vec![json!({}), json!({ "user_id": i.owner_id })],
        ),
        ("collections.unlocked", vec![json!({})]),
        (
            "collections.explore",
            vec![json!({}), json!({ "premium": true })],
        ),
        (
            "collections.get",
            i.collection_ids
                .iter()
                .map(|c| json!({ "collection_id": c }))
                .collect(),
        ),
        (
            "messages.list",
            vec![json!({ "conversation_id": i.conversation_id })],
        ),
    ]
}

/// Checks the sweep covers every read of the registry, that `sees` finds every secret through these
/// inputs (so the sweep looks where each one lives), and that none of `strangers` does.
async fn sweep(
    app: &pixel_core::App,
    reads: &[(&'static str, Vec<Value>)],
    secrets: &[String],
    sees: &[&Caller],
    strangers: &[&Caller],
) {
    let swept: BTreeSet<&str> = reads.iter().map(|(name, _)| *name).collect();
    let registry = Registry::standard();
    let every_read: BTreeSet<&str> = registry
        .ops()
        .filter(|op| op.kind == OpKind::Read)
        .map(|op| op.name)
        .collect();
    assert_eq!(swept, every_read, "every read operation is swept");
    for who in sees {
        let mut saw = String::new();
        for (name, inputs) in reads {
            for input in inputs {
                if let Ok(out) = registry.call(app, who, name, input.clone()).await {
                    saw.push_str(&out.to_string());
                }
            }
        }
        for secret in secrets {
            assert!(saw.contains(secret.as_str()), "{who:?} never saw {secret}");
        }
    }
    for who in strangers {
        for (name, inputs) in reads {
            for input in inputs {
                let answer = match registry.call(app, who, name, input.clone()).await {
                    Ok(out) => out.to_string(),
                    Err(e) => serde_json::to_string(&e).expect("error"),
                };
                for secret in secrets {
                    assert!(
                        !answer.contains(secret.as_str()),
                        "{name} {input} as {who:?} showed {secret}: {answer}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_premium_image_is_withheld_from_everyone_who_did_not_buy_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let bob = sign_in(&app, "bob").await;
    let ada_id = ada.user_id().expect("ada").to_string();
    let marker = "quokka-premium";
    let _: Value = call(&app, &bob, "follows.follow", json!({ "user_id": ada_id }))
        .await
        .expect("follow");

    let mut images = Vec::new();
    for k in 0..3 {
        images.push(made_image(&app, &ada, &format!("a {marker} number {k}"), true).await);
    }
    // A prompt for sale whose sample is one of them.
    let listing: Value = call(
        &app,
        &ada,
        "market.publish",
        json!({ "title": "Plain words", "prompt": "plain words", "price": 3, "tags": [], "sample_image_ids": [images[1].id] }),
    )
    .await
    .expect("listing");
    let collection: Value = call(
        &app,
        &ada,
        "collections.create",
        json!({ "title": "Quokkas", "visibility": "public", "image_ids": images.iter().map(|i| i.id.clone()).collect::<Vec<_>>() }),
    )
    .await
    .expect("collection");
    let collection_id = collection["id"].as_str().expect("id").to_string();
    let priced: Value = call(
        &app,
        &ada,
        "collections.set_price",
        json!({ "collection_id": collection_id, "price": 5 }),
    )
    .await
    .expect("priced");
    assert_eq!(priced["price"], 5);
    pixel_core::social::refresh_trending(&app)
        .await
        .expect("ranked");
    let bought: Value = call(
        &app,
        &grace,
        "collections.buy",
        json!({ "collection_id": collection_id }),
    )
    .await
    .expect("bought");
    assert_eq!(bought["collection"]["unlocked"], true);
    assert_eq!(bought["balance"], 45);
    let unlocked: Value = call(&app, &grace, "collections.unlocked", json!({}))
        .await
        .expect("unlocked");
    assert_eq!(unlocked["collections"][0]["id"], collection_id.as_str());
    let none: Value = call(&app, &bob, "collections.unlocked", json!({}))
        .await
        .expect("none");
    assert_eq!(none["collections"].as_array().map(Vec::len), Some(0));

    // The originals' hashes and the prompt: what would fetch or remake each image.
    let mut secrets: Vec<String> = images.iter().map(|i| i.sha256.clone()).collect();
    secrets.push(marker.to_string());
    let inputs = Inputs {
        image_id: images[1].id.clone(),
        set_id: images[1].set_id.clone(),
        job_id: images[1].job_id.clone(),
        listing_id: listing["id"].clone(),
        owner_id: ada_id.clone(),
        viewer_id: bob.user_id().expect("bob").to_string(),
        other_image_id: images[2].id.clone(),
        conversation_id: json!("none"),
        text: marker.to_string(),
        collection_ids: vec![collection_id.clone()],
    };
    sweep(
        &app,
        &reads(&inputs),
        &secrets,
        &[&ada, &grace],
        &[&bob, &Caller::Anonymous],
    )
    .await;

    // Its prompt's words find it for those who may read them only.
    for (who, found) in [(&bob, 0), (&grace, 3)] {
        let searched: Value = call(&app, who, "explore.list", json!({ "text": marker }))
            .await
            .expect("search");
        assert_eq!(
            searched["images"].as_array().map(Vec::len),
            Some(found),
            "{searched}"
        );
    }

    // Others see it locked: the cover's thumbnail, the rest blurred, and nothing to remix.
    let seen: pixel_core::ops::collections::CollectionDetail = call(
        &app,
        &bob,
        "collections.get",
        json!({ "collection_id": collection_id }),
    )
    .await
    .expect("visible");
    assert!(!seen.collection.unlocked);
    assert_eq!(seen.images.len(), 3);
    assert!(seen
        .images
        .iter()
        .all(|i| i.locked.is_some() && i.url.is_empty()));
    let covers: Vec<&str> = seen
        .images
        .iter()
        .filter(|i| !i.thumb_sha256.is_empty())
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(covers, [images[0].id.as_str()]);
    let remix = call::<Value>(
        &app,
        &bob,
        "generations.create",
        json!({ "prompt": "mine now", "model": "gpt-image-2", "quality": "low", "remix_of": images[1].id }),
    )
    .await
    .expect_err("locked");
    assert_eq!(remix.code, pixel_core::ErrorCode::PremiumLocked);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}
