//! A reported comment, removed by a moderator, on SQLite and PostgreSQL: with replies it stays as a
//! placeholder (the thread keeps its shape), without it is gone; either way the deletion log keeps it
//! as it was with the reason, every open report of it closes and each reporter is told, and the audit
//! log names the author.

mod common;

use common::{call_as, ok_as as ok, public_image, signed_in_server, token_for, Db};
use serde_json::{json, Value};

async fn moderators_remove_reported_comments(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let bob = token_for(&s, "bob@example.com").await;
    let meadow = public_image(&s, &grace, "a meadow").await;
    let rude = ok(
        &s,
        &ada,
        "comments.create",
        json!({"image_id": meadow, "body": "you are all idiots"}),
    )
    .await;
    let rude_id = rude["id"].as_str().expect("id").to_string();
    ok(
        &s,
        &bob,
        "comments.create",
        json!({"image_id": meadow, "body": "calm down", "parent_id": rude_id}),
    )
    .await;
    let spam = ok(
        &s,
        &ada,
        "comments.create",
        json!({"image_id": meadow, "body": "cheap pills"}),
    )
    .await;
    let spam_id = spam["id"].as_str().expect("id").to_string();
    for (who, id) in [(&grace, &rude_id), (&bob, &rude_id), (&grace, &spam_id)] {
        ok(
            &s,
            who,
            "reports.create",
            json!({"target": "comment", "target_id": id, "reason": "abuse"}),
        )
        .await;
    }
    let queue = ok(&s, &admin, "reports.list", json!({})).await;
    let shown: Vec<&str> = queue["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["body"].as_str())
        .collect();
    assert_eq!(
        shown,
        ["you are all idiots", "cheap pills"],
        "the admin reads what was reported, once per comment"
    );
    let reports = queue["reports"].clone();
    let report_of = |id: &str| {
        reports
            .as_array()
            .expect("reports")
            .iter()
            .find(|r| r["target_id"] == id)
            .and_then(|r| r["id"].as_str())
            .expect("a report")
            .to_string()
    };

    let (status, _) = call_as(
        &s,
        Some(&grace),
        "admin.reports.resolve",
        &json!({"report_id": report_of(&rude_id), "outcome": "delete", "reason": "insults"}),
    )
    .await;
    assert_eq!(status, 403);
    let closed = ok(
        &s,
        &admin,
        "admin.reports.resolve",
        json!({"report_id": report_of(&rude_id), "outcome": "delete", "reason": "insults"}),
    )
    .await;
    assert_eq!(closed["reports_closed"], 2, "both reports of it");
    ok(
        &s,
        &admin,
        "admin.reports.resolve",
        json!({"report_id": report_of(&spam_id), "outcome": "hide", "reason": "spam"}),
    )
    .await;

    let thread = ok(&s, &grace, "comments.list", json!({"image_id": meadow})).await;
    let listed: Vec<&Value> = thread["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter(|c| c["parent_id"].is_null())
        .collect();
    assert_eq!(
        listed.len(),
        1,
        "the spam is gone, the insult a placeholder: {thread}"
    );
    assert_eq!(
        (
            &listed[0]["id"],
            &listed[0]["deleted"],
            &listed[0]["body"],
            &listed[0]["replies"]
        ),
        (&json!(rude_id), &json!(true), &json!(""), &json!(1)),
        "its reply still hangs off it"
    );
    assert!(ok(&s, &admin, "reports.list", json!({})).await["reports"]
        .as_array()
        .expect("reports")
        .is_empty());

    let log = ok(
        &s,
        &admin,
        "admin.deletions.list",
        json!({"query": "insults"}),
    )
    .await;
    let deleted = &log["deletions"][0];
    assert_eq!(
        (&deleted["kind"], &deleted["target_id"]),
        (&json!("comment"), &json!(rude_id))
    );
    let record: Value =
        serde_json::from_str(deleted["record"].as_str().expect("record")).expect("json");
    assert_eq!(record["body"], "you are all idiots");
    let audit = ok(
        &s,
        &admin,
        "admin.audit.list",
        json!({"kind": "comment_remove"}),
    )
    .await;
    let entries = audit["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["target"]["username"], "ada");
    assert_eq!(entries[1]["change"]["comment_id"], rude_id.as_str());

    let told = ok(&s, &bob, "notifications.list", json!({})).await;
    assert!(
        told["notifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .any(|n| n["kind"] == "report_resolved" && n["report_outcome"] == "deleted"),
        "{told}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn moderators_remove_reported_comments_on_sqlite() {
    moderators_remove_reported_comments(Db::Sqlite).await;
}

#[tokio::test]
async fn moderators_remove_reported_comments_on_postgres() {
    moderators_remove_reported_comments(Db::Postgres).await;
}
