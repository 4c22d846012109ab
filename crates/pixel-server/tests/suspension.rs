//! A suspended account's public presence beyond its images, on SQLite and PostgreSQL: its comments
//! read as removed (the thread keeps its place), its market listings and public collections leave
//! every list and their pages answer as missing — to everyone but admins — and restoring the
//! account brings all of it back as it was.

mod common;

use common::{call_as, charging_server, ok_as as ok, public_image, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn status(s: &TestServer, token: Option<&str>, method: &str, input: Value) -> u16 {
    call_as(s, token, method, &input).await.0
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|x| x["id"].as_str().map(str::to_string))
        .collect()
}

async fn suspended_presence_leaves_view(db: Db) {
    let Some(s) = charging_server(db, 50).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let ada_id = ok(&s, &ada, "account.get", json!({})).await["user"]["id"].clone();

    let meadow = public_image(&s, &grace, "a meadow").await;
    let comment = ok(
        &s,
        &ada,
        "comments.create",
        json!({"image_id": meadow, "body": "buy followers at example.com"}),
    )
    .await;
    let sample = public_image(&s, &ada, "a lighthouse").await;
    let listing = ok(
        &s,
        &ada,
        "market.publish",
        json!({"title": "Lighthouse fog", "description": "Moody coastal light", "prompt": "a lighthouse in fog",
               "price": 5, "tags": ["coast"], "model": "local-sketch", "sample_image_ids": [sample]}),
    )
    .await;
    let listing_id = listing["id"].as_str().expect("listing").to_string();
    let collection = ok(
        &s,
        &ada,
        "collections.create",
        json!({"title": "Lights", "description": "", "visibility": "public", "image_ids": [sample]}),
    )
    .await;
    let collection_id = collection["id"].as_str().expect("collection").to_string();

    let comments = |token: String| {
        let s = &s;
        let meadow = meadow.clone();
        async move { ok(s, &token, "comments.list", json!({"image_id": meadow})).await }
    };
    let seen = comments(grace.clone()).await;
    assert_eq!(seen["comments"][0]["body"], "buy followers at example.com");
    assert!(ids(&ok(&s, &grace, "market.list", json!({})).await, "listings").contains(&listing_id));
    assert!(ids(
        &ok(&s, &grace, "collections.explore", json!({})).await,
        "collections"
    )
    .contains(&collection_id));

    ok(
        &s,
        &admin,
        "admin.users.suspend",
        json!({"user_id": ada_id, "reason": "spam in comments"}),
    )
    .await;
    for viewer in [Some(grace.as_str()), None] {
        let comments = call_as(&s, viewer, "comments.list", &json!({"image_id": meadow}))
            .await
            .1;
        let shown = &comments["comments"][0];
        assert_eq!(
            shown["id"], comment["id"],
            "the thread keeps its place: {comments}"
        );
        assert_eq!(
            (&shown["body"], &shown["author"], &shown["deleted"]),
            (&json!(""), &Value::Null, &json!(true)),
            "{comments}"
        );
        let market = call_as(&s, viewer, "market.list", &json!({})).await.1;
        assert!(!ids(&market, "listings").contains(&listing_id), "{market}");
        assert_eq!(
            status(&s, viewer, "market.get", json!({"listing_id": listing_id})).await,
            404
        );
        let explore = call_as(&s, viewer, "collections.explore", &json!({}))
            .await
            .1;
        assert!(
            !ids(&explore, "collections").contains(&collection_id),
            "{explore}"
        );
        assert_eq!(
            status(
                &s,
                viewer,
                "collections.get",
                json!({"collection_id": collection_id})
            )
            .await,
            404
        );
    }
    // Nobody buys from a suspended seller.
    assert_eq!(
        status(
            &s,
            Some(&grace),
            "market.buy",
            json!({"listing_id": listing_id})
        )
        .await,
        404
    );
    // Admins still see what they are judging.
    ok(&s, &admin, "market.get", json!({"listing_id": listing_id})).await;
    ok(
        &s,
        &admin,
        "collections.get",
        json!({"collection_id": collection_id}),
    )
    .await;

    ok(
        &s,
        &admin,
        "admin.users.restore",
        json!({"user_id": ada_id, "reason": "appeal upheld"}),
    )
    .await;
    let seen = comments(grace.clone()).await;
    assert_eq!(seen["comments"][0]["body"], "buy followers at example.com");
    assert!(ids(&ok(&s, &grace, "market.list", json!({})).await, "listings").contains(&listing_id));
    ok(
        &s,
        &grace,
        "collections.get",
        json!({"collection_id": collection_id}),
    )
    .await;
    s.shutdown().await;
}

#[tokio::test]
async fn suspended_presence_leaves_view_on_sqlite() {
    suspended_presence_leaves_view(Db::Sqlite).await;
}

#[tokio::test]
async fn suspended_presence_leaves_view_on_postgres() {
    suspended_presence_leaves_view(Db::Postgres).await;
}
