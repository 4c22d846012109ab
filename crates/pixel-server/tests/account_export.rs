//! The whole-account export through the API on SQLite and PostgreSQL: one zip with the account's data
//! as JSON documents (account and profile, ledger, collections in order, tags, comments written,
//! likes given, follows both ways) and every image of the library beside its record — and nothing of
//! anyone else's; anonymous callers and parameters are refused.

mod common;

use std::collections::BTreeMap;

use common::zip::read_zip;
use common::{ok_as as ok, public_image, signed_in_server, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn account_zip(s: &TestServer, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut req = s
        .client
        .get(format!("{}/api/export/account.zip{query}", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("export request")
}

async fn exported(s: &TestServer, token: &str) -> BTreeMap<String, Vec<u8>> {
    let resp = account_zip(s, Some(token), "").await;
    assert_eq!(resp.status().as_u16(), 200);
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"pixel-studio-account-"),
        "{disposition}"
    );
    read_zip(&resp.bytes().await.expect("body"))
}

fn doc(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Value {
    serde_json::from_slice(
        files
            .get(name)
            .unwrap_or_else(|| panic!("{name} in the zip")),
    )
    .expect("JSON")
}

async fn the_whole_account_exports_as_one_zip(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let ada_id = ok(&s, &ada, "account.get", json!({})).await["user"]["id"].clone();
    let grace_id = ok(&s, &grace, "account.get", json!({})).await["user"]["id"].clone();
    let a1 = public_image(&s, &ada, "a harbour at dawn").await;
    let a2 = public_image(&s, &ada, "a harbour at dusk").await;
    let g1 = public_image(&s, &grace, "grace's field").await;

    let kept = ok(
        &s,
        &ada,
        "collections.create",
        json!({"title": "Harbours", "image_ids": [a2, a1]}),
    )
    .await;
    ok(
        &s,
        &ada,
        "tags.add",
        json!({"image_ids": [a1], "tags": ["harbour", "dawn"]}),
    )
    .await;
    ok(
        &s,
        &ada,
        "comments.create",
        json!({"image_id": g1, "body": "lovely field"}),
    )
    .await;
    ok(
        &s,
        &grace,
        "comments.create",
        json!({"image_id": a1, "body": "grace's words stay hers"}),
    )
    .await;
    ok(&s, &ada, "likes.like_image", json!({"image_id": g1})).await;
    ok(&s, &ada, "follows.follow", json!({"user_id": grace_id})).await;
    ok(&s, &grace, "follows.follow", json!({"user_id": ada_id})).await;

    let files = exported(&s, &ada).await;
    let mut want: Vec<String> = [
        "account.json",
        "collections.json",
        "comments.json",
        "follows.json",
        "ledger.json",
        "likes.json",
        "tags.json",
    ]
    .map(String::from)
    .into();
    for id in [&a1, &a2] {
        want.push(format!("pixel-{id}.json"));
        want.push(format!("pixel-{id}.png"));
    }
    want.sort();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), want);

    let account = doc(&files, "account.json");
    assert_eq!(account["user"]["id"], ada_id);
    assert_eq!(account["user"]["email"], "ada@example.com");
    assert!(account["balance"].is_i64() && account["settings"].is_object());
    assert!(doc(&files, "ledger.json").is_array());
    let collections = doc(&files, "collections.json");
    assert_eq!(collections[0]["id"], kept["id"]);
    assert_eq!(collections[0]["title"], "Harbours");
    assert_eq!(collections[0]["image_ids"], json!([a2, a1]), "in order");
    assert_eq!(
        doc(&files, "tags.json"),
        json!([{"image_id": a1, "tags": ["dawn", "harbour"]}])
    );
    let comments = doc(&files, "comments.json");
    assert_eq!(comments.as_array().map(Vec::len), Some(1), "{comments}");
    assert_eq!(
        (&comments[0]["image_id"], &comments[0]["body"]),
        (&json!(g1), &json!("lovely field"))
    );
    let likes = doc(&files, "likes.json");
    assert_eq!(likes.as_array().map(Vec::len), Some(1));
    assert_eq!(likes[0]["image_id"], g1.as_str());
    let follows = doc(&files, "follows.json");
    let mut edges: Vec<(String, String)> = follows
        .as_array()
        .expect("follows")
        .iter()
        .map(|f| {
            (
                f["direction"].as_str().unwrap_or_default().to_string(),
                f["user_id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    edges.sort();
    let grace_id = grace_id.as_str().expect("id").to_string();
    assert_eq!(
        edges,
        vec![
            ("follower".to_string(), grace_id.clone()),
            ("following".to_string(), grace_id)
        ]
    );
    assert_eq!(
        follows[0]["username"].as_str().map(str::is_empty),
        Some(false)
    );

    // Grace's export holds her image and her comment, nothing of Ada's.
    let theirs = exported(&s, &grace).await;
    assert!(theirs.contains_key(&format!("pixel-{g1}.png")));
    assert!(!theirs.keys().any(|k| k.contains(&a1) || k.contains(&a2)));
    assert_eq!(
        doc(&theirs, "comments.json")[0]["body"],
        "grace's words stay hers"
    );
    assert_eq!(doc(&theirs, "collections.json"), json!([]));
    assert_eq!(doc(&theirs, "tags.json"), json!([]));

    assert_eq!(account_zip(&s, None, "").await.status().as_u16(), 401);
    assert_eq!(
        account_zip(&s, Some(&ada), "?ids=x")
            .await
            .status()
            .as_u16(),
        422
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_whole_account_exports_as_one_zip_on_sqlite() {
    the_whole_account_exports_as_one_zip(Db::Sqlite).await;
}

#[tokio::test]
async fn the_whole_account_exports_as_one_zip_on_postgres() {
    the_whole_account_exports_as_one_zip(Db::Postgres).await;
}
