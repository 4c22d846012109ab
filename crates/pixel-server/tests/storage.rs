//! Media storage on SQLite and PostgreSQL: deleting images frees their media once no image uses it
//! (identical images share one file, so deleting one of two keeps it), only after the grace period,
//! and a blob stored again in that period stays; the library's space used counts what remains.

mod common;

use common::{Db, Opts, TestServer};
use pixel_core::ops::storage::sweep_blobs;
use serde_json::{json, Value};
use std::time::Duration;

fn on_disk(s: &TestServer, key: &Value) -> bool {
    let key = key.as_str().expect("key");
    s.node.blobs.path_of(key).is_some_and(|p| p.exists())
}

async fn media_is_freed_once_no_image_uses_it(db: Db) {
    let Some(s) = TestServer::start(Opts {
        db,
        ..Default::default()
    })
    .await
    else {
        return;
    };
    // The offline renderer draws the same prompt and seed the same: two images, one file.
    let twin = json!({"prompt": "twin harbours", "model": "local-sketch", "seed": 7});
    let first = s.image_of(&s.run_one(twin.clone()).await).await;
    let second = s.image_of(&s.run_one(twin).await).await;
    let other = s
        .image_of(
            &s.run_one(json!({"prompt": "a lone pier", "model": "local-sketch", "seed": 8}))
                .await,
        )
        .await;
    assert_eq!(
        first["sha256"], second["sha256"],
        "identical bytes, one blob"
    );
    let usage = s.ok("storage.usage", json!({})).await;
    let bytes = |i: &Value| i["bytes"].as_i64().expect("bytes");
    assert_eq!(
        (usage["images"].as_i64(), usage["bytes"].as_i64()),
        (
            Some(3),
            Some(bytes(&first) + bytes(&second) + bytes(&other))
        )
    );

    // One of the twins goes: its file stays, the other twin uses it.
    s.ok("images.delete", json!({"image_ids": [first["id"]]}))
        .await;
    let swept = sweep_blobs(&s.node.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(swept.deleted, 0, "{swept:?}");
    assert!(on_disk(&s, &first["sha256"]) && on_disk(&s, &first["thumb_sha256"]));

    // Both twins and the other image go; within the grace period nothing is deleted yet.
    s.ok(
        "images.delete",
        json!({"image_ids": [second["id"], other["id"]]}),
    )
    .await;
    let early = sweep_blobs(&s.node.app, Duration::from_secs(3600))
        .await
        .expect("sweep");
    assert_eq!(early.deleted, 0, "{early:?}");
    assert!(on_disk(&s, &second["sha256"]));
    let swept = sweep_blobs(&s.node.app, Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(
        swept.deleted, 4,
        "two originals and two thumbnails: {swept:?}"
    );
    for image in [&second, &other] {
        assert!(!on_disk(&s, &image["sha256"]) && !on_disk(&s, &image["thumb_sha256"]));
    }
    let usage = s.ok("storage.usage", json!({})).await;
    assert_eq!(
        (usage["images"].as_i64(), usage["bytes"].as_i64()),
        (Some(0), Some(0))
    );
    // Nothing left to sweep; making the twin again stores its file anew.
    assert_eq!(
        sweep_blobs(&s.node.app, Duration::ZERO)
            .await
            .expect("sweep")
            .deleted,
        0
    );
    let again = s
        .image_of(
            &s.run_one(json!({"prompt": "twin harbours", "model": "local-sketch", "seed": 7}))
                .await,
        )
        .await;
    assert_eq!(again["sha256"], first["sha256"]);
    assert!(on_disk(&s, &again["sha256"]));
    let media = s.get(again["url"].as_str().expect("url")).await;
    assert_eq!(media.status(), 200);
    s.shutdown().await;
}

#[tokio::test]
async fn media_is_freed_once_no_image_uses_it_on_sqlite() {
    media_is_freed_once_no_image_uses_it(Db::Sqlite).await;
}

#[tokio::test]
async fn media_is_freed_once_no_image_uses_it_on_postgres() {
    media_is_freed_once_no_image_uses_it(Db::Postgres).await;
}
