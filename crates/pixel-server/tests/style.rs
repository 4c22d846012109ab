//! Style fingerprints through the API on SQLite and PostgreSQL: the owner's drawn from all their
//! images and their tags (colours from the pixels, models, styles, subjects); anyone else's from public
//! work only — a private image's words never show — and none at all of a private profile.

mod common;

use common::{call_as, ok_as as ok, public_image, signed_in_server, token_for, Db};
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["name"].as_str().map(String::from))
        .collect()
}

async fn a_creators_style_is_drawn_from_their_work(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let ada_id = ok(&s, &ada, "account.get", json!({})).await["user"]["id"].clone();
    let fox = public_image(&s, &ada, "a red fox in the snow").await;
    public_image(&s, &ada, "a red fox at dusk").await;
    let hidden = public_image(&s, &ada, "a secret garden").await;
    ok(
        &s,
        &ada,
        "images.set_visibility",
        json!({"image_ids": [hidden], "visibility": "private"}),
    )
    .await;
    ok(
        &s,
        &ada,
        "tags.add",
        json!({"image_ids": [fox], "tags": ["wildlife"]}),
    )
    .await;

    let own = ok(&s, &ada, "profiles.style", json!({})).await;
    assert_eq!(own["images"], 3);
    assert_eq!(own["models"][0]["id"], "local-sketch");
    assert_eq!(own["models"][0]["share"], 1.0);
    let subjects = names(&own["subjects"]);
    assert_eq!(subjects[0], "red fox", "{subjects:?}");
    assert!(
        subjects.contains(&"wildlife".to_string())
            && subjects.contains(&"secret garden".to_string())
    );
    let colours = own["colours"].as_array().expect("colours");
    assert!(!colours.is_empty() && colours.len() <= 5, "{colours:?}");
    let total: f64 = colours.iter().filter_map(|c| c["share"].as_f64()).sum();
    assert!((total - 1.0).abs() < 1e-6, "{total}");
    assert!(colours.iter().all(|c| c["hex"]
        .as_str()
        .is_some_and(|h| h.len() == 7 && h.starts_with('#'))));

    // Seen by someone else: the public work only, without the owner's private tags.
    let seen = ok(&s, &grace, "profiles.style", json!({"user_id": ada_id})).await;
    assert_eq!(seen["images"], 2);
    let subjects = names(&seen["subjects"]);
    assert!(
        !subjects
            .iter()
            .any(|s| s.contains("secret") || s == "wildlife"),
        "{subjects:?}"
    );
    let (status, _) = call_as(&s, None, "profiles.style", &json!({"user_id": ada_id})).await;
    assert_eq!(status, 200, "a public profile's style is public");

    let mut settings = ok(&s, &ada, "account.get", json!({})).await["settings"].clone();
    settings["profile_private"] = json!(true);
    ok(&s, &ada, "account.update", json!({ "settings": settings })).await;
    let (status, _) = call_as(
        &s,
        Some(&grace),
        "profiles.style",
        &json!({"user_id": ada_id}),
    )
    .await;
    assert_eq!(status, 404, "a private profile has no public style");
    s.shutdown().await;
}

#[tokio::test]
async fn a_creators_style_is_drawn_from_their_work_on_sqlite() {
    a_creators_style_is_drawn_from_their_work(Db::Sqlite).await;
}

#[tokio::test]
async fn a_creators_style_is_drawn_from_their_work_on_postgres() {
    a_creators_style_is_drawn_from_their_work(Db::Postgres).await;
}
