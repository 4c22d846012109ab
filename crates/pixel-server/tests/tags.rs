//! Tags through the API on SQLite and PostgreSQL: the owner's tags added to many images at once
//! (normalized, counted once), all-or-nothing when an image is not theirs or passes its 20 tags,
//! removed, counted, filtering the library and found by its search, private to the owner, and gone
//! with their image; the library filtered by collection.

mod common;

use common::{call_as, ok_as as ok, public_image, signed_in_server, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn code(s: &TestServer, token: &str, method: &str, input: Value) -> (u16, String) {
    let (status, out) = call_as(s, Some(token), method, &input).await;
    (
        status,
        out["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

async fn tags_of(s: &TestServer, token: &str, image: &str) -> Value {
    ok(s, token, "tags.of_image", json!({"image_id": image})).await["tags"].clone()
}

async fn tags_organise_the_owners_library(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let a1 = public_image(&s, &ada, "a harbour at dawn").await;
    let a2 = public_image(&s, &ada, "a harbour at dusk").await;
    let a3 = public_image(&s, &ada, "a mountain").await;
    let g1 = public_image(&s, &grace, "grace's field").await;

    let both = json!({"image_ids": [a1, a2], "tags": ["Harbour", "  golden   hour "]});
    assert_eq!(ok(&s, &ada, "tags.add", both.clone()).await["changed"], 4);
    assert_eq!(
        ok(&s, &ada, "tags.add", both).await["changed"],
        0,
        "counted once"
    );
    assert_eq!(
        tags_of(&s, &ada, &a1).await,
        json!(["golden hour", "harbour"])
    );

    // One image that is not hers: nothing is written.
    let mixed = json!({"image_ids": [a3, g1], "tags": ["mine"]});
    assert_eq!(
        code(&s, &ada, "tags.add", mixed).await,
        (404, "not_found".into())
    );
    assert_eq!(tags_of(&s, &ada, &a3).await, json!([]));
    assert_eq!(
        code(
            &s,
            &ada,
            "tags.add",
            json!({"image_ids": [a3], "tags": ["<b>"]})
        )
        .await,
        (422, "invalid_input".into())
    );

    // Twenty tags an image at most: the twenty-first request is refused whole.
    let many =
        |from: usize| -> Vec<String> { (from..from + 10).map(|i| format!("t{i:02}")).collect() };
    for from in [0, 10] {
        ok(
            &s,
            &ada,
            "tags.add",
            json!({"image_ids": [a3], "tags": many(from)}),
        )
        .await;
    }
    let over = json!({"image_ids": [a3, a1], "tags": ["one more"]});
    assert_eq!(
        code(&s, &ada, "tags.add", over).await,
        (422, "invalid_input".into())
    );
    assert_eq!(
        tags_of(&s, &ada, &a1).await,
        json!(["golden hour", "harbour"]),
        "a1 untouched"
    );

    // Counted, and a filter of the library (whatever the case typed).
    let list = ok(&s, &ada, "tags.list", json!({})).await;
    assert_eq!(list["tags"][0], json!({"tag": "golden hour", "images": 2}));
    assert_eq!(list["tags"][1], json!({"tag": "harbour", "images": 2}));
    let filtered = ok(&s, &ada, "images.list", json!({"tag": "HARBOUR"})).await;
    let mut ids: Vec<&str> = filtered["images"]
        .as_array()
        .expect("images")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    ids.sort();
    let mut want = vec![a1.as_str(), a2.as_str()];
    want.sort();
    assert_eq!(ids, want);

    // The library's search finds tags as well as prompts; a collection is a filter too.
    let found = ok(&s, &ada, "images.list", json!({"text": "GOLDEN"})).await;
    assert_eq!(found["images"].as_array().map(Vec::len), Some(2), "{found}");
    let kept = ok(
        &s,
        &ada,
        "collections.create",
        json!({"title": "Peaks", "image_ids": [a3]}),
    )
    .await;
    let inside = ok(
        &s,
        &ada,
        "images.list",
        json!({"collection_id": kept["id"]}),
    )
    .await;
    assert_eq!(inside["images"][0]["id"], a3.as_str());
    assert_eq!(inside["images"].as_array().map(Vec::len), Some(1));

    // Private to their owner.
    assert_eq!(
        code(&s, &grace, "tags.of_image", json!({"image_id": a1})).await,
        (404, "not_found".into())
    );
    assert_eq!(
        ok(&s, &grace, "tags.list", json!({})).await["tags"],
        json!([])
    );
    let theirs = ok(&s, &grace, "images.list", json!({"tag": "harbour"})).await;
    assert_eq!(theirs["images"], json!([]));

    // Removed; and an image's tags go with it.
    let removed = ok(
        &s,
        &ada,
        "tags.remove",
        json!({"image_ids": [a1], "tags": ["harbour"]}),
    )
    .await;
    assert_eq!(removed["changed"], 1);
    ok(&s, &ada, "images.delete", json!({"image_ids": [a2]})).await;
    let list = ok(&s, &ada, "tags.list", json!({})).await;
    let count_of = |tag: &str| {
        list["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .find(|t| t["tag"] == tag)
            .map(|t| t["images"].clone())
    };
    assert_eq!(count_of("golden hour"), Some(json!(1)));
    assert_eq!(count_of("harbour"), None);
    s.shutdown().await;
}

#[tokio::test]
async fn tags_organise_the_owners_library_on_sqlite() {
    tags_organise_the_owners_library(Db::Sqlite).await;
}

#[tokio::test]
async fn tags_organise_the_owners_library_on_postgres() {
    tags_organise_the_owners_library(Db::Postgres).await;
}
