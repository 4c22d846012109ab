//! Bulk selection through the API on SQLite and PostgreSQL: `images.ids` gives every image of the
//! caller's library a filter matches (never another person's), and a bulk action takes up to 10,000
//! ids in one request — refused whole when one is not the caller's, refused past the bound.

mod common;

use common::{call_as, ok_as as ok, public_image, signed_in_server, token_for, Db};
use serde_json::{json, Value};

fn ids_of(out: &Value) -> Vec<String> {
    let mut ids: Vec<String> = out["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|i| i.as_str().map(String::from))
        .collect();
    ids.sort();
    ids
}

async fn all_matching_is_selected_and_acted_on_at_once(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let a1 = public_image(&s, &ada, "a harbour at dawn").await;
    let a2 = public_image(&s, &ada, "a harbour at dusk").await;
    let a3 = public_image(&s, &ada, "a mountain lake").await;
    let g1 = public_image(&s, &grace, "a harbour in the rain").await;

    let mut harbours = vec![a1.clone(), a2.clone()];
    harbours.sort();
    let found = ok(&s, &ada, "images.ids", json!({"text": "harbour"})).await;
    assert_eq!(
        (ids_of(&found), &found["truncated"]),
        (harbours.clone(), &json!(false))
    );
    let mut all = vec![a1.clone(), a2.clone(), a3.clone()];
    all.sort();
    assert_eq!(ids_of(&ok(&s, &ada, "images.ids", json!({})).await), all);
    assert_eq!(
        ids_of(&ok(&s, &grace, "images.ids", json!({"text": "harbour"})).await),
        vec![g1.clone()]
    );
    // Each word of a search matches on its own, in any order.
    assert_eq!(
        ids_of(&ok(&s, &ada, "images.ids", json!({"text": "Dusk  harbour"})).await),
        vec![a2.clone()]
    );
    let (status, _) = call_as(&s, Some(&ada), "images.ids", &json!({"limit": 10})).await;
    assert_eq!(status, 422);

    // What was selected, acted on in one request: made private, then tagged.
    let out = ok(
        &s,
        &ada,
        "images.set_visibility",
        json!({"image_ids": harbours, "visibility": "private"}),
    )
    .await;
    assert_eq!(out["changed"].as_array().map(Vec::len), Some(2));

    // Ten thousand ids fit one request (past the default body limit); one not hers refuses it whole.
    let mut many: Vec<String> = (0..9_998).map(|i| format!("{i:032x}")).collect();
    many.push(a3.clone());
    many.push(g1.clone());
    let (status, body) = call_as(
        &s,
        Some(&ada),
        "tags.add",
        &json!({"image_ids": many, "tags": ["lake"]}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );
    let tagged = ok(&s, &ada, "tags.of_image", json!({"image_id": a3})).await;
    assert_eq!(tagged["tags"], json!([]), "nothing written");
    many.push("one-too-many".into());
    let (status, body) =
        call_as(&s, Some(&ada), "images.delete", &json!({"image_ids": many})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("invalid_input")),
        "{body}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn all_matching_is_selected_and_acted_on_at_once_on_sqlite() {
    all_matching_is_selected_and_acted_on_at_once(Db::Sqlite).await;
}

#[tokio::test]
async fn all_matching_is_selected_and_acted_on_at_once_on_postgres() {
    all_matching_is_selected_and_acted_on_at_once(Db::Postgres).await;
}
