//! Premium collections through the API and the media route on SQLite and PostgreSQL: before buying,
//! the original is refused (402), a thumbnail is the blurred placeholder (the cover's excepted) and
//! the share page names no prompt; a purchase pays the owner less the 10% fee once, and then every
//! file is served.

mod common;

use common::{call_as, public_image, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn media(s: &TestServer, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut req = s.client.get(format!("{}{path}", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("media")
}

async fn balance(s: &TestServer, token: &str) -> i64 {
    let (status, ledger) = call_as(s, Some(token), "ledger.list", &json!({})).await;
    assert_eq!(status, 200, "{ledger}");
    common::assert_ledger_whole(&ledger);
    ledger["balance"].as_i64().expect("balance")
}

async fn premium_images_unlock_only_when_bought(db: Db) {
    let Some(s) = common::charging_server(db, 50).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let mut images = Vec::new();
    for k in 0..3 {
        images.push(public_image(&s, &ada, &format!("a walrus-secret lighthouse {k}")).await);
    }
    let (status, collection) = call_as(
        &s,
        Some(&ada),
        "collections.create",
        &json!({"title": "Lighthouses", "description": "Three nights", "visibility": "public", "image_ids": images}),
    )
    .await;
    assert_eq!(status, 200, "{collection}");
    let id = collection["id"].as_str().expect("id").to_string();
    assert_eq!(collection["image_count"], 3);
    assert_eq!(collection["cover_image_id"], images[0].as_str());
    for (price, want) in [(501, 422), (-1, 422), (12, 200)] {
        let (status, out) = call_as(
            &s,
            Some(&ada),
            "collections.set_price",
            &json!({"collection_id": id, "price": price}),
        )
        .await;
        assert_eq!(status, want, "{price}: {out}");
    }

    // Before buying: a premium collection, withheld.
    let (status, seen) = call_as(
        &s,
        Some(&grace),
        "collections.get",
        &json!({"collection_id": id}),
    )
    .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["collection"]["unlocked"], false);
    assert_eq!(seen["collection"]["price"], 12);
    assert!(!seen.to_string().contains("walrus-secret"), "{seen}");
    for token in [Some(grace.as_str()), None] {
        let original = media(&s, token, &format!("/media/{}/original", images[1])).await;
        assert_eq!(original.status().as_u16(), 402);
        let body: Value = original.json().await.expect("error body");
        assert_eq!(body["error"]["code"], "premium_locked");
        let blurred = media(&s, token, &format!("/media/{}/thumb", images[1])).await;
        assert_eq!(blurred.status().as_u16(), 200);
        assert_eq!(blurred.headers()["cache-control"], "private, no-cache");
        let bytes = blurred.bytes().await.expect("placeholder");
        let tiny = image::load_from_memory(&bytes).expect("the placeholder decodes");
        assert!(tiny.width() <= 16, "a placeholder, not the thumbnail");
        let cover = media(&s, token, &format!("/media/{}/thumb", images[0])).await;
        assert_eq!(cover.status().as_u16(), 200);
        let cover = image::load_from_memory(&cover.bytes().await.expect("cover")).expect("decodes");
        assert!(cover.width() > 16, "the cover's own thumbnail");
    }
    let share = media(&s, None, &format!("/p/{}", images[1])).await;
    assert_eq!(share.status().as_u16(), 200);
    let page = share.text().await.expect("share page");
    assert!(
        !page.contains("walrus-secret") && page.contains("Lighthouses"),
        "{page}"
    );
    let (status, remix) = call_as(
        &s,
        Some(&grace),
        "generations.create",
        &json!({"prompt": "mine", "model": "local-sketch", "remix_of": images[1]}),
    )
    .await;
    assert_eq!(
        (status, remix["error"]["code"].as_str()),
        (402, Some("premium_locked"))
    );

    // Bought twice: charged once, 12 to ada less a fee of 2.
    for _ in 0..2 {
        let (status, bought) = call_as(
            &s,
            Some(&grace),
            "collections.buy",
            &json!({"collection_id": id}),
        )
        .await;
        assert_eq!(status, 200, "{bought}");
        assert_eq!(bought["collection"]["unlocked"], true);
        assert_eq!(bought["balance"], 38);
    }
    assert_eq!(balance(&s, &grace).await, 38);
    assert_eq!(balance(&s, &ada).await, 50 + 10);
    let (_, ledger) = call_as(&s, Some(&grace), "ledger.list", &json!({})).await;
    assert_eq!(
        ledger["entries"][0]["link"],
        json!({"to": "collection", "collection_id": id}),
        "{ledger}"
    );
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    assert_eq!(
        notes["notifications"][0]["kind"], "collection_purchased",
        "{notes}"
    );
    let (_, earned) = call_as(&s, Some(&ada), "earnings.summary", &json!({})).await;
    assert_eq!(
        (&earned["gross"], &earned["fees"]),
        (&json!(12), &json!(2)),
        "{earned}"
    );

    // Unlocked: every file, and the prompt.
    let original = media(&s, Some(&grace), &format!("/media/{}/original", images[1])).await;
    assert_eq!(original.status().as_u16(), 200);
    assert_eq!(original.headers()["content-type"], "image/png");
    let (_, seen) = call_as(
        &s,
        Some(&grace),
        "collections.get",
        &json!({"collection_id": id}),
    )
    .await;
    assert!(seen.to_string().contains("walrus-secret"));
    // Still locked for a stranger.
    let original = media(&s, None, &format!("/media/{}/original", images[1])).await;
    assert_eq!(original.status().as_u16(), 402);

    // Bought, it keeps its images and cannot be deleted.
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "collections.remove_images",
        &json!({"collection_id": id, "image_ids": [images[2]]}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "collections.delete",
        &json!({"collection_id": id}),
    )
    .await;
    assert_eq!(status, 409);
    s.shutdown().await;
}

#[tokio::test]
async fn premium_images_unlock_only_when_bought_on_sqlite() {
    premium_images_unlock_only_when_bought(Db::Sqlite).await;
}

#[tokio::test]
async fn premium_images_unlock_only_when_bought_on_postgres() {
    premium_images_unlock_only_when_bought(Db::Postgres).await;
}
