//! The library export through the API on SQLite and PostgreSQL: chosen images, a tag of the library,
//! or the whole of it as a zip whose every entry checks out (CRC and size), each image beside its
//! record as JSON and, in the PNG, as AUTOMATIC1111 infotext that `records.import` reads back to the
//! same prompt and seed; another person's image (public or not) is refused whole before any byte, and
//! never in their export; anonymous callers and unknown parameters are refused.

mod common;

use std::collections::BTreeMap;

use base64::Engine;
use common::zip::read_zip;
use common::{ok_as as ok, public_image, signed_in_server, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn export(s: &TestServer, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut req = s
        .client
        .get(format!("{}/api/export/images.zip{query}", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("export request")
}

async fn zip_of(s: &TestServer, token: &str, query: &str) -> BTreeMap<String, Vec<u8>> {
    let resp = export(s, Some(token), query).await;
    assert_eq!(resp.status().as_u16(), 200, "{query}");
    assert_eq!(resp.headers()["content-type"], "application/zip");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"pixel-studio-export-"),
        "{disposition}"
    );
    read_zip(&resp.bytes().await.expect("the whole zip"))
}

async fn refused(s: &TestServer, token: Option<&str>, query: &str) -> (u16, String) {
    let resp = export(s, token, query).await;
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (status, body["error"]["code"].as_str().unwrap_or("").into())
}

fn names(files: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    files.keys().map(String::as_str).collect()
}

async fn the_library_exports_as_a_zip(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let a1 = public_image(&s, &ada, "a harbour at dawn, golden light").await;
    let a2 = public_image(&s, &ada, "a harbour at dusk").await;
    let a3 = public_image(&s, &ada, "a mountain lake").await;
    let g1 = public_image(&s, &grace, "grace's field").await;
    ok(
        &s,
        &ada,
        "images.set_visibility",
        json!({"image_ids": [a3], "visibility": "private"}),
    )
    .await;
    ok(
        &s,
        &ada,
        "tags.add",
        json!({"image_ids": [a1, a2], "tags": ["harbour"]}),
    )
    .await;

    // Two chosen images: each file beside its record, and the record inside the PNG.
    let files = zip_of(&s, &ada, &format!("?ids={a1},{a3}")).await;
    let mut want = vec![
        format!("pixel-{a1}.json"),
        format!("pixel-{a1}.png"),
        format!("pixel-{a3}.json"),
        format!("pixel-{a3}.png"),
    ];
    want.sort();
    assert_eq!(names(&files), want);
    for id in [&a1, &a3] {
        let image = ok(&s, &ada, "images.get", json!({"image_id": id})).await;
        let record: Value =
            serde_json::from_slice(&files[&format!("pixel-{id}.json")]).expect("JSON record");
        assert_eq!(record["id"], image["id"]);
        assert_eq!(record["record"], image["record"], "the full record");
        let png = &files[&format!("pixel-{id}.png")];
        assert!(
            image::load_from_memory(png).is_ok(),
            "the exported PNG decodes"
        );
        // Read back by the import every other tool's files go through.
        let b64 = base64::engine::general_purpose::STANDARD.encode(png);
        let imported = ok(&s, &ada, "records.import", json!({"file_base64": b64})).await;
        let got = &imported["record"];
        assert_eq!(got["source"], "a1111");
        assert_eq!(got["prompt"], image["record"]["params"]["prompt"]);
        assert_eq!(got["seed"], image["record"]["seed"]);
        assert_eq!(got["width"], image["record"]["params"]["width"]);
        assert_eq!(got["model"], image["record"]["model"]);
    }
    let chosen = export(&s, Some(&ada), &format!("?ids={a1},{a3}")).await;
    assert_eq!(chosen.headers()["x-export-images"], "2");

    // A tag of the library, then the whole library (private images included: they are hers).
    let tagged = zip_of(&s, &ada, "?tag=Harbour").await;
    assert_eq!(tagged.len(), 4);
    assert!(tagged.contains_key(&format!("pixel-{a1}.png")));
    assert!(tagged.contains_key(&format!("pixel-{a2}.png")));
    let whole = zip_of(&s, &ada, "").await;
    assert_eq!(whole.len(), 6);
    assert!(
        !whole.keys().any(|k| k.contains(&g1)),
        "only her own images"
    );

    // Someone else's image, public or private, refuses the whole export before any byte.
    for query in [format!("?ids={g1}"), format!("?ids={a1},{g1}")] {
        assert_eq!(
            refused(&s, Some(&ada), &query).await,
            (404, "not_found".into())
        );
    }
    assert_eq!(
        refused(&s, Some(&grace), &format!("?ids={a3}")).await,
        (404, "not_found".into())
    );
    let graces = zip_of(&s, &grace, "").await;
    assert_eq!(
        names(&graces),
        vec![format!("pixel-{g1}.json"), format!("pixel-{g1}.png")]
    );
    assert_eq!(refused(&s, None, "").await, (401, "unauthenticated".into()));
    assert_eq!(
        refused(&s, Some(&ada), "?bogus=1").await,
        (422, "invalid_input".into())
    );
    assert_eq!(
        refused(&s, Some(&ada), "?ids=,").await,
        (422, "invalid_input".into())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_library_exports_as_a_zip_on_sqlite() {
    the_library_exports_as_a_zip(Db::Sqlite).await;
}

#[tokio::test]
async fn the_library_exports_as_a_zip_on_postgres() {
    the_library_exports_as_a_zip(Db::Postgres).await;
}
