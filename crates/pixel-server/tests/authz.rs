//! The authorization matrix: every operation of the registry called as anonymous, another user, the
//! owner of the data and an admin, each answer checked. A new operation fails this test until it is
//! given its row, so nothing ships without a decision about who may call it.

mod common;

use common::{call_as, token_for, Db, OidcOpts, Opts, TestServer};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;

/// A caller with a bearer token (no cookie, so no CSRF token involved).
struct Who {
    name: &'static str,
    token: Option<String>,
}

fn small_png() -> String {
    use base64::Engine;
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    base64::engine::general_purpose::STANDARD.encode(out.into_inner())
}

async fn call(s: &TestServer, who: &Who, method: &str, input: &Value) -> (u16, Value) {
    call_as(s, who.token.as_deref(), method, input).await
}

async fn wait_done(s: &TestServer, owner: &Who, job_id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, job) = call(s, owner, "generations.get", &json!({"job_id": job_id})).await;
        let state = job["state"].as_str().unwrap_or("");
        if !["queued", "running"].contains(&state) {
            return job;
        }
        assert!(tokio::time::Instant::now() < deadline, "job still {state}");
        // Polls the job over HTTP (real I/O) until a worker ends it.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_operation_checks_its_caller() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let fake = pixel_testkit::openai_fake::FakeOpenAi::start().await;
    let s = TestServer::start(Opts {
        db: Db::Sqlite,
        charging: true,
        starting_credits: 20,
        openai_base_url: Some(fake.base_url.clone()),
        oidc: Some(oidc),
        // Every operation is reachable, streaks and achievements included.
        config: Some(|c| c.engagement = true),
        ..Opts::default()
    })
    .await
    .expect("server");
    let anon = Who {
        name: "anonymous",
        token: None,
    };
    let other = Who {
        name: "other",
        token: Some(token_for(&s, "other@example.com").await),
    };
    let owner = Who {
        name: "owner",
        token: Some(token_for(&s, "owner@example.com").await),
    };
    let admin = Who {
        name: "admin",
        token: Some(token_for(&s, "admin@example.com").await),
    };

    // The owner's data: one finished set, a comparison, an image (private by default).
    let (status, created) = call(
        &s,
        &owner,
        "generations.create",
        &json!({"prompt": "a quiet harbour", "model": "local-sketch"}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let job_id = created["jobs"][0]["id"].as_str().unwrap().to_string();
    let set_id = created["set"]["id"].as_str().unwrap().to_string();
    let job = wait_done(&s, &owner, &job_id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let (_, images) = call(&s, &owner, "images.list", &json!({})).await;
    let image_id = images["images"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(images["images"][0]["visibility"], "private");
    let (status, cmp) = call(
        &s,
        &owner,
        "generations.compare",
        &json!({"prompt": "side by side", "models": ["local-sketch", "gpt-image-2"]}),
    )
    .await;
    assert_eq!(status, 200, "{cmp}");
    let comparison_id = cmp["comparison_id"].as_str().unwrap().to_string();
    let (_, owner_sessions) = call(&s, &owner, "sessions.list", &json!({})).await;
    let owner_session = owner_sessions["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (_, me) = call(&s, &owner, "account.get", &json!({})).await;
    let owner_id = me["user"]["id"].as_str().expect("id").to_string();
    let owner_name = me["user"]["username"]
        .as_str()
        .expect("username")
        .to_string();
    // An account the admin rows act on (suspended, restored, made an admin, signed out).
    let bystander = token_for(&s, "bystander@example.com").await;
    let (_, them) = call_as(&s, Some(&bystander), "account.get", &json!({})).await;
    let bystander_id = them["user"]["id"].as_str().expect("id").to_string();
    // Comments of the owner's on the owner's private image: one to edit and like, one to delete.
    let mut comment_ids = vec![];
    for body in ["a note to self", "another note"] {
        let (status, c) = call(
            &s,
            &owner,
            "comments.create",
            &json!({"image_id": image_id, "body": body}),
        )
        .await;
        assert_eq!(status, 200, "{c}");
        comment_ids.push(c["id"].as_str().expect("comment id").to_string());
    }
    let (comment_id, doomed_comment) = (comment_ids[0].clone(), comment_ids[1].clone());
    // A private collection of the owner's, holding the private image.
    let (status, collection) = call(
        &s,
        &owner,
        "collections.create",
        &json!({"title": "Harbours", "image_ids": [image_id]}),
    )
    .await;
    assert_eq!(status, 200, "{collection}");
    let collection_id = collection["id"]
        .as_str()
        .expect("collection id")
        .to_string();

    let png = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b"not a png")
    };
    let mut own_record = images["images"][0]["record"].clone();
    own_record["params"]["prompt"] = json!("my own upload");
    let publish = json!({
        "image_base64": small_png(),
        "record": own_record,
        "visibility": "private",
    });
    // method, input, expected status for [anonymous, other, owner, admin].
    let rows: Vec<(&str, Value, [u16; 4])> = vec![
        ("catalogue.list", json!({}), [200, 200, 200, 200]),
        ("providers.list", json!({}), [200, 200, 200, 200]),
        ("providers.health", json!({}), [401, 403, 403, 200]),
        ("account.get", json!({}), [401, 200, 200, 200]),
        (
            "account.update",
            json!({"settings": {"theme": "dark"}}),
            [401, 200, 200, 200],
        ),
        ("sessions.list", json!({}), [401, 200, 200, 200]),
        (
            "sessions.revoke",
            json!({"session_id": owner_session}),
            [401, 404, 0, 404],
        ),
        ("tokens.create", json!({"label": "x"}), [401, 200, 200, 200]),
        (
            "generations.create",
            json!({"prompt": "a lighthouse", "model": "local-sketch"}),
            [401, 200, 200, 200],
        ),
        (
            "generations.get",
            json!({"job_id": job_id}),
            [401, 404, 200, 200],
        ),
        ("generations.list", json!({}), [401, 200, 200, 200]),
        (
            "generations.cancel",
            json!({"job_id": job_id}),
            [401, 404, 409, 409],
        ),
        (
            "generations.retry",
            json!({"job_id": job_id}),
            [401, 404, 409, 403],
        ),
        (
            "generations.compare",
            json!({"prompt": "p", "models": ["local-sketch", "gpt-image-2"]}),
            [401, 200, 200, 200],
        ),
        (
            "comparisons.get",
            json!({"comparison_id": comparison_id}),
            [401, 404, 200, 200],
        ),
        // A set nobody made public is the same answer as a missing one, signed in or not.
        ("sets.get", json!({"set_id": set_id}), [404, 404, 200, 200]),
        (
            "sets.set_visibility",
            json!({"set_id": set_id, "visibility": "private"}),
            [401, 404, 200, 404],
        ),
        ("sets.list", json!({}), [401, 200, 200, 200]),
        (
            "images.get",
            json!({"image_id": image_id}),
            [404, 404, 200, 200],
        ),
        ("images.list", json!({}), [401, 200, 200, 200]),
        ("images.ids", json!({}), [401, 200, 200, 200]),
        ("images.publish", publish, [401, 200, 200, 200]),
        (
            "images.set_visibility",
            json!({"image_ids": [image_id], "visibility": "private"}),
            [401, 200, 200, 200],
        ),
        (
            "images.delete",
            json!({"image_ids": ["not-anyones"]}),
            [401, 200, 200, 200],
        ),
        ("ledger.list", json!({}), [401, 200, 200, 200]),
        ("credits.packs", json!({}), [200, 200, 200, 200]),
        // This server sells nothing (no Stripe): signed in or not, nobody can begin a purchase.
        (
            "credits.buy",
            json!({"pack_id": "pack_50"}),
            [401, 403, 403, 403],
        ),
        (
            "records.import",
            json!({"png_base64": png}),
            [401, 422, 422, 422],
        ),
        ("explore.list", json!({}), [200, 200, 200, 200]),
        ("feed.list", json!({}), [401, 200, 200, 200]),
        (
            "explore.image",
            json!({"image_id": image_id}),
            [404, 404, 200, 200],
        ),
        ("explore.creators", json!({}), [200, 200, 200, 200]),
        (
            "explore.remixes",
            json!({"image_id": image_id}),
            [404, 404, 200, 200],
        ),
        (
            "profiles.search",
            json!({"text": owner_name}),
            [200, 200, 200, 200],
        ),
        // Each signed-in person changes their own profile only: there is no one else's to name.
        (
            "profiles.update",
            json!({"bio": "hello"}),
            [401, 200, 200, 200],
        ),
        (
            "profiles.get",
            json!({"username": owner_name}),
            [200, 200, 200, 200],
        ),
        // A style fingerprint of public work, anyone's to read; one's own with no id.
        (
            "profiles.style",
            json!({"user_id": owner_id}),
            [200, 200, 200, 200],
        ),
        ("profiles.style", json!({}), [401, 200, 200, 200]),
        (
            "follows.follow",
            json!({"user_id": owner_id}),
            [401, 200, 422, 200],
        ),
        (
            "follows.followers",
            json!({"user_id": owner_id}),
            [200, 200, 200, 200],
        ),
        (
            "follows.following",
            json!({"user_id": owner_id}),
            [200, 200, 200, 200],
        ),
        (
            "follows.unfollow",
            json!({"user_id": owner_id}),
            [401, 200, 200, 200],
        ),
        (
            "likes.like_image",
            json!({"image_id": image_id}),
            [401, 404, 200, 200],
        ),
        (
            "likes.unlike_image",
            json!({"image_id": image_id}),
            [401, 404, 200, 200],
        ),
        (
            "likes.like_comment",
            json!({"comment_id": comment_id}),
            [401, 404, 200, 200],
        ),
        (
            "likes.unlike_comment",
            json!({"comment_id": comment_id}),
            [401, 404, 200, 200],
        ),
        (
            "comments.list",
            json!({"image_id": image_id}),
            [404, 404, 200, 200],
        ),
        (
            "comments.create",
            json!({"image_id": image_id, "body": "hello"}),
            [401, 404, 200, 200],
        ),
        (
            "comments.edit",
            json!({"comment_id": comment_id, "body": "changed"}),
            [401, 404, 200, 403],
        ),
        (
            "comments.delete",
            json!({"comment_id": doomed_comment}),
            [401, 404, 200, 404],
        ),
        (
            "reports.create",
            json!({"target": "image", "target_id": image_id, "reason": "spam"}),
            [401, 404, 200, 200],
        ),
        ("reports.list", json!({}), [401, 403, 403, 200]),
        ("blocks.list", json!({}), [401, 200, 200, 200]),
        (
            "blocks.unblock",
            json!({"user_id": owner_id}),
            [401, 200, 200, 200],
        ),
        (
            "messages.send",
            json!({"to_user_id": owner_id, "body": "hello"}),
            [401, 200, 422, 200],
        ),
        ("messages.conversations", json!({}), [401, 200, 200, 200]),
        (
            "messages.list",
            json!({"conversation_id": "not-anyones"}),
            [401, 404, 404, 404],
        ),
        (
            "messages.mark_read",
            json!({"conversation_id": "not-anyones"}),
            [401, 404, 404, 404],
        ),
        ("notifications.list", json!({}), [401, 200, 200, 200]),
        ("notifications.mark_read", json!({}), [401, 200, 200, 200]),
        (
            "notifications.delete",
            json!({"ids": ["not-anyones"]}),
            [401, 200, 200, 200],
        ),
        (
            "tips.send",
            json!({"user_id": owner_id, "amount": 1, "message": "thanks"}),
            [401, 200, 422, 200],
        ),
        (
            "tips.list",
            json!({"direction": "received"}),
            [401, 200, 200, 200],
        ),
        // Each signed-in person's own streak and achievements; nothing of anyone else's to name.
        ("streaks.get", json!({}), [401, 200, 200, 200]),
        ("streaks.claim", json!({}), [401, 200, 200, 200]),
        ("achievements.list", json!({}), [401, 200, 200, 200]),
        ("analytics.personal", json!({}), [401, 200, 200, 200]),
        ("storage.usage", json!({}), [401, 200, 200, 200]),
        // The owner's tags: another person (and an admin) cannot tag or read the owner's image.
        (
            "tags.add",
            json!({"image_ids": [image_id], "tags": ["harbour"]}),
            [401, 404, 200, 404],
        ),
        ("tags.list", json!({}), [401, 200, 200, 200]),
        (
            "tags.of_image",
            json!({"image_id": image_id}),
            [401, 404, 200, 404],
        ),
        (
            "tags.remove",
            json!({"image_ids": [image_id], "tags": ["harbour"]}),
            [401, 404, 200, 404],
        ),
        (
            "tags.suggest",
            json!({"image_id": image_id}),
            [401, 404, 200, 404],
        ),
        (
            "tags.review",
            json!({"image_id": image_id, "reject": ["harbour"]}),
            [401, 404, 200, 404],
        ),
        // The owner's image is private: no listing may show it, even to its owner.
        (
            "market.publish",
            json!({"title": "Harbour", "prompt": "a quiet harbour", "price": 5, "sample_image_ids": [image_id]}),
            [401, 404, 422, 422],
        ),
        ("market.list", json!({}), [200, 200, 200, 200]),
        ("earnings.summary", json!({}), [401, 200, 200, 200]),
        ("payouts.status", json!({}), [401, 200, 200, 200]),
        // This server has no Stripe: nobody is paid out.
        ("payouts.onboard", json!({}), [401, 403, 403, 403]),
        ("payouts.request", json!({}), [401, 403, 403, 403]),
        (
            "market.get",
            json!({"listing_id": "not-a-listing"}),
            [404, 404, 404, 404],
        ),
        (
            "market.buy",
            json!({"listing_id": "not-a-listing"}),
            [401, 404, 404, 404],
        ),
        (
            "market.unpublish",
            json!({"listing_id": "not-a-listing"}),
            [401, 404, 404, 404],
        ),
        (
            "market.review",
            json!({"listing_id": "not-a-listing", "stars": 5}),
            [401, 404, 404, 404],
        ),
        (
            "market.reviews",
            json!({"listing_id": "not-a-listing"}),
            [404, 404, 404, 404],
        ),
        // Only its owner changes a collection; a private one is nobody else's to see, admins aside.
        (
            "collections.create",
            json!({"title": "Mine", "image_ids": [image_id]}),
            [401, 404, 200, 404],
        ),
        (
            "collections.update",
            json!({"collection_id": collection_id, "title": "Quiet harbours"}),
            [401, 404, 200, 403],
        ),
        (
            "collections.add_images",
            json!({"collection_id": collection_id, "image_ids": [image_id]}),
            [401, 404, 200, 403],
        ),
        (
            "collections.move_image",
            json!({"collection_id": collection_id, "image_id": image_id, "to_index": 0}),
            [401, 404, 200, 403],
        ),
        ("collections.list", json!({}), [401, 200, 200, 200]),
        ("collections.explore", json!({}), [200, 200, 200, 200]),
        ("collections.unlocked", json!({}), [401, 200, 200, 200]),
        (
            "collections.get",
            json!({"collection_id": collection_id}),
            [404, 404, 200, 200],
        ),
        // Its only image is private: not enough to sell.
        (
            "collections.set_price",
            json!({"collection_id": collection_id, "price": 5}),
            [401, 404, 422, 403],
        ),
        // Free, and the owner's own: nothing to buy.
        (
            "collections.buy",
            json!({"collection_id": collection_id}),
            [401, 404, 422, 422],
        ),
        (
            "collections.remove_images",
            json!({"collection_id": collection_id, "image_ids": [image_id]}),
            [401, 404, 200, 403],
        ),
        (
            "collections.delete",
            json!({"collection_id": collection_id}),
            [401, 404, 200, 404],
        ),
        ("prints.products", json!({}), [200, 200, 200, 200]),
        (
            "prints.quote",
            json!({"image_id": image_id, "product": "poster", "size": "12x18", "quantity": 1}),
            [404, 404, 200, 200],
        ),
        // This server has no Stripe and no print lab: nothing is ordered.
        (
            "prints.order",
            json!({"image_id": image_id, "product": "poster", "size": "12x18", "quantity": 1,
                "recipient": {"name": "A", "address1": "1 Main St", "city": "Berlin", "country_code": "DE", "zip": "10115"}}),
            [401, 403, 403, 403],
        ),
        ("prints.list", json!({}), [401, 200, 200, 200]),
        (
            "prints.cancel",
            json!({"order_id": "print_not-anyones"}),
            [401, 404, 404, 404],
        ),
        // Administration: admins only, whatever account it is about.
        (
            "admin.users.search",
            json!({"query": "owner"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.get",
            json!({"user_id": owner_id}),
            [401, 403, 403, 200],
        ),
        (
            "admin.credits.adjust",
            json!({"user_id": bystander_id, "amount": 5, "reason": "goodwill"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.suspend",
            json!({"user_id": bystander_id, "reason": "spam run"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.restore",
            json!({"user_id": bystander_id, "reason": "appeal upheld"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.set_admin",
            json!({"user_id": bystander_id, "admin": true, "reason": "new moderator"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.sign_out",
            json!({"user_id": bystander_id, "reason": "lost laptop"}),
            [401, 403, 403, 200],
        ),
        ("admin.audit.list", json!({}), [401, 403, 403, 200]),
        ("admin.overview", json!({"days": 7}), [401, 403, 403, 200]),
        ("admin.refusals.list", json!({}), [401, 403, 403, 200]),
        (
            "admin.providers.alert",
            json!({"provider_id": "local", "low_credits": 10}),
            [401, 403, 403, 200],
        ),
        (
            "admin.users.warn",
            json!({"user_id": bystander_id, "message": "keep the comments civil"}),
            [401, 403, 403, 200],
        ),
        ("blog.list", json!({}), [200, 200, 200, 200]),
        (
            "blog.get",
            json!({"slug": "no-such-post"}),
            [404, 404, 404, 404],
        ),
        ("admin.blog.list", json!({}), [401, 403, 403, 200]),
        (
            "admin.blog.preview",
            json!({"body": "# Hello"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.blog.save",
            json!({"slug": "authz-post", "title": "Authz", "body": "Hello", "category": "news"}),
            [401, 403, 403, 200],
        ),
        (
            "admin.blog.publish",
            json!({"id": "no-such-post", "published": true}),
            [401, 403, 403, 404],
        ),
        (
            "admin.blog.delete",
            json!({"id": "no-such-post", "reason": "nothing here"}),
            [401, 403, 403, 404],
        ),
        (
            "admin.reports.resolve",
            json!({"report_id": "not-a-report", "outcome": "dismiss", "reason": "nothing here"}),
            [401, 403, 403, 404],
        ),
        ("admin.deletions.list", json!({}), [401, 403, 403, 200]),
        ("admin.models.list", json!({}), [401, 403, 403, 200]),
        (
            "admin.models.update",
            json!({"model_id": "no-such-model", "enabled": true, "credits": 1, "max_images": 1, "reason": "nothing here"}),
            [401, 403, 403, 404],
        ),
        // Blocks the owner (the owner cannot block itself): after every row that needs the owner.
        (
            "blocks.block",
            json!({"user_id": owner_id}),
            [401, 200, 422, 200],
        ),
        // Last: signs each caller out everywhere.
        ("sessions.revoke_all", json!({}), [401, 200, 200, 200]),
    ];

    let registry = pixel_core::registry::Registry::standard();
    let covered: BTreeSet<&str> = rows.iter().map(|r| r.0).collect();
    let all: BTreeSet<&str> = registry.ops().map(|o| o.name).collect();
    assert_eq!(covered, all, "every operation needs a row in this matrix");

    let callers = [&anon, &other, &owner, &admin];
    // Every change an admin makes through an admin operation is in the audit log.
    let audited: BTreeSet<&str> = registry
        .ops()
        .filter(|o| o.name.starts_with("admin.") && o.kind == pixel_core::registry::OpKind::Write)
        .map(|o| o.name)
        .collect();
    let newest_audit = || async {
        let (_, log) = call(&s, &admin, "admin.audit.list", &json!({"limit": 1})).await;
        log["entries"][0]["id"].clone()
    };
    let mut failures = Vec::new();
    for (method, input, expected) in &rows {
        for (who, want) in callers.iter().zip(expected) {
            if *want == 0 {
                continue;
            }
            let before = if who.name == "admin" && audited.contains(method) {
                Some(newest_audit().await)
            } else {
                None
            };
            let (status, body) = call(&s, who, method, input).await;
            if status != *want {
                failures.push(format!(
                    "{method} as {}: {status} (want {want}) {body}",
                    who.name
                ));
            }
            if let Some(before) = before.filter(|_| status == 200) {
                if newest_audit().await == before {
                    failures.push(format!("{method} as admin: no line in the audit log"));
                }
            }
            // Whatever the answer, nothing of the owner's leaks to the others.
            if ["other", "anonymous"].contains(&who.name) {
                let text = body.to_string();
                assert!(
                    !text.contains("a quiet harbour") && !text.contains(&image_id),
                    "{method} as {} leaked the owner's data: {text}",
                    who.name
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn private_content_stays_private_and_public_content_is_shared() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        db: Db::Sqlite,
        oidc: Some(oidc),
        ..Opts::default()
    })
    .await
    .expect("server");
    let owner = Who {
        name: "owner",
        token: Some(token_for(&s, "pat@example.com").await),
    };
    let other = Who {
        name: "other",
        token: Some(token_for(&s, "quinn@example.com").await),
    };
    let anon = Who {
        name: "anonymous",
        token: None,
    };
    let (_, created) = call(
        &s,
        &owner,
        "generations.create",
        &json!({"prompt": "a secret garden", "model": "local-sketch"}),
    )
    .await;
    let job_id = created["jobs"][0]["id"].as_str().unwrap().to_string();
    wait_done(&s, &owner, &job_id).await;
    let (_, images) = call(&s, &owner, "images.list", &json!({})).await;
    let image_id = images["images"][0]["id"].as_str().unwrap().to_string();

    let media = |who: &Who| {
        let mut req = s.client.get(format!("{}/media/{image_id}/thumb", s.base));
        if let Some(t) = &who.token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.expect("media").status().as_u16() }
    };
    assert_eq!(media(&owner).await, 200);
    assert_eq!(
        media(&other).await,
        404,
        "a private image is invisible to others"
    );
    assert_eq!(media(&anon).await, 404);
    let (_, other_list) = call(&s, &other, "images.list", &json!({})).await;
    assert_eq!(other_list["images"].as_array().unwrap().len(), 0);

    // Others cannot publish it; its owner can.
    let (_, out) = call(
        &s,
        &other,
        "images.set_visibility",
        &json!({"image_ids": [image_id], "visibility": "public"}),
    )
    .await;
    assert_eq!(out["changed"].as_array().unwrap().len(), 0);
    assert_eq!(media(&other).await, 404);
    let (_, out) = call(
        &s,
        &owner,
        "images.set_visibility",
        &json!({"image_ids": [image_id], "visibility": "public"}),
    )
    .await;
    assert_eq!(out["changed"][0], image_id.as_str());
    assert_eq!(media(&other).await, 200);
    assert_eq!(media(&anon).await, 200);
    assert_eq!(
        call(&s, &anon, "images.get", &json!({"image_id": image_id}))
            .await
            .0,
        200
    );
    // Public images still cannot be deleted by others.
    let (_, out) = call(
        &s,
        &other,
        "images.delete",
        &json!({"image_ids": [image_id]}),
    )
    .await;
    assert_eq!(out["deleted"].as_array().unwrap().len(), 0);

    // The default visibility of new images follows the owner's setting.
    call(
        &s,
        &owner,
        "account.update",
        &json!({"settings": {"default_visibility": "public"}}),
    )
    .await;
    let (_, created) = call(
        &s,
        &owner,
        "generations.create",
        &json!({"prompt": "an open field", "model": "local-sketch"}),
    )
    .await;
    let job_id = created["jobs"][0]["id"].as_str().unwrap().to_string();
    wait_done(&s, &owner, &job_id).await;
    let (_, images) = call(&s, &owner, "images.list", &json!({})).await;
    assert_eq!(images["images"][0]["visibility"], "public");

    // The event stream needs a caller.
    let ws = tokio_tungstenite::connect_async(format!(
        "{}/api/events",
        s.base.replace("http://", "ws://")
    ))
    .await;
    assert!(ws.is_err(), "anonymous callers get no event stream");
}

#[tokio::test]
async fn the_desktop_publishes_local_images_with_their_record() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        db: Db::Sqlite,
        charging: true,
        starting_credits: 5,
        oidc: Some(oidc),
        ..Opts::default()
    })
    .await
    .expect("server");
    let me = Who {
        name: "publisher",
        token: Some(token_for(&s, "pub@example.com").await),
    };
    let record = json!({
        "provider": "comfyui", "model": "comfyui", "provider_model": "sdxl_base.safetensors",
        "params": {"prompt": "a lantern in fog", "model": "comfyui", "width": 64, "height": 48, "steps": 20},
        "seed": 1234, "cost": 0, "attempts": 1,
        "timings": {"queued_at": 1, "started_at": 2, "finished_at": 3, "provider_ms": 1, "processing_ms": 1},
        "retried_errors": [], "set_id": "local-set", "job_id": "local-job", "index": 2
    });
    let (status, image) = call(
        &s,
        &me,
        "images.publish",
        &json!({"image_base64": small_png(), "record": record, "visibility": "public"}),
    )
    .await;
    assert_eq!(status, 200, "{image}");
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(64), Some(48))
    );
    assert_eq!(image["visibility"], "public");
    assert_eq!(image["record"]["seed"], 1234);
    assert_eq!(image["record"]["provider_model"], "sdxl_base.safetensors");
    assert_ne!(
        image["record"]["set_id"], "local-set",
        "server ids replace the desktop's"
    );
    let set_id = image["set_id"].as_str().unwrap();
    let (_, set) = call(&s, &me, "sets.get", &json!({"set_id": set_id})).await;
    assert_eq!(set["jobs"][0]["state"], "succeeded");
    assert_eq!(set["images"][0]["id"], image["id"]);
    let thumb = s
        .get(&format!("/media/{}/thumb", image["id"].as_str().unwrap()))
        .await;
    assert_eq!(thumb.status().as_u16(), 200, "public: anyone can see it");
    // Publishing is free: the ledger has only the starting credits.
    let (_, ledger) = call(&s, &me, "ledger.list", &json!({})).await;
    assert_eq!(ledger["balance"], 5);
    assert_eq!(ledger["entries"].as_array().unwrap().len(), 1);

    // Not an image, not base64, no prompt: clear errors and nothing written.
    use base64::Engine;
    let junk = base64::engine::general_purpose::STANDARD.encode(b"GIF89a nonsense");
    for (input, code) in [
        (
            json!({"image_base64": junk, "record": record}),
            "invalid_input",
        ),
        (
            json!({"image_base64": "***", "record": record}),
            "invalid_input",
        ),
    ] {
        let (status, body) = call(&s, &me, "images.publish", &input).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some(code)),
            "{body}"
        );
    }
    let mut no_prompt = record.clone();
    no_prompt["params"]["prompt"] = json!("");
    let (status, body) = call(
        &s,
        &me,
        "images.publish",
        &json!({"image_base64": small_png(), "record": no_prompt}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_prompt"))
    );
    let (_, sets) = call(&s, &me, "sets.list", &json!({})).await;
    assert_eq!(
        sets["sets"].as_array().unwrap().len(),
        1,
        "refused publishes leave nothing"
    );
}
