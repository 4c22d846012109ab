//! Moderation through the API on SQLite and PostgreSQL: reports of a public image are resolved by
//! hiding it (gone at once from explore, search and its share link; its owner keeps it but cannot
//! publish it again; every open report of it closed), another image is deleted (no row left, its media
//! gone, the deletion log keeps it as it was and is searchable), a report of an account is dismissed;
//! each action in the audit log, and only admins may take them.

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

/// The ids of the public images explore shows for `text` (all of them without).
async fn explored(s: &TestServer, token: &str, text: Option<&str>) -> Vec<String> {
    let input = text.map_or(json!({}), |t| json!({"text": t}));
    ok(s, token, "explore.list", input).await["images"]
        .as_array()
        .expect("images")
        .iter()
        .filter_map(|i| {
            i["image"]["id"]
                .as_str()
                .or(i["id"].as_str())
                .map(String::from)
        })
        .collect()
}

/// The id of the open report `reporter` filed about `target_id`.
async fn report_of(s: &TestServer, admin: &str, target_id: &str) -> Vec<String> {
    ok(s, admin, "reports.list", json!({})).await["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .filter(|r| r["target_id"] == target_id)
        .filter_map(|r| r["id"].as_str().map(String::from))
        .collect()
}

async fn moderators_hide_and_delete_reported_images(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let bob = token_for(&s, "bob@example.com").await;
    let dawn = public_image(&s, &ada, "a lighthouse at dawn").await;
    let dusk = public_image(&s, &ada, "a lighthouse at dusk").await;
    let ada_id = ok(&s, &ada, "account.get", json!({})).await["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    for (who, target, id) in [
        (&grace, "image", &dawn),
        (&bob, "image", &dawn),
        (&grace, "image", &dusk),
        (&grace, "user", &ada_id),
    ] {
        ok(
            &s,
            who,
            "reports.create",
            json!({"target": target, "target_id": id, "reason": "not ok"}),
        )
        .await;
    }
    assert!(explored(&s, &grace, None).await.contains(&dawn));

    let dawn_reports = report_of(&s, &admin, &dawn).await;
    assert_eq!(dawn_reports.len(), 2);
    let hide =
        json!({"report_id": dawn_reports[0], "outcome": "hide", "reason": "graphic content"});
    assert_eq!(
        code(&s, &ada, "admin.reports.resolve", hide.clone()).await,
        (403, "forbidden".into())
    );
    assert_eq!(
        ok(&s, &admin, "admin.reports.resolve", hide).await["reports_closed"],
        2
    );

    // Hidden: gone from explore, search and its share link at once; its owner keeps it, private.
    assert!(!explored(&s, &grace, None).await.contains(&dawn));
    assert!(!explored(&s, &grace, Some("lighthouse"))
        .await
        .contains(&dawn));
    assert!(explored(&s, &grace, Some("lighthouse"))
        .await
        .contains(&dusk));
    assert_eq!(
        code(&s, &grace, "explore.image", json!({"image_id": dawn}))
            .await
            .0,
        404
    );
    assert_eq!(
        code(&s, &grace, "images.get", json!({"image_id": dawn}))
            .await
            .0,
        404
    );
    let own = ok(&s, &ada, "images.get", json!({"image_id": dawn})).await;
    assert_eq!(own["visibility"], "private");
    assert_eq!(
        code(
            &s,
            &ada,
            "images.set_visibility",
            json!({"image_ids": [dawn, dusk], "visibility": "public"})
        )
        .await,
        (403, "forbidden".into()),
        "the owner cannot publish it again, and nothing of the request is applied"
    );
    assert_eq!(
        code(&s, &admin, "admin.reports.resolve", json!({"report_id": dawn_reports[1], "outcome": "dismiss", "reason": "closed by the hide"})).await,
        (409, "conflict".into())
    );

    // Deleted: no row, no media; the deletion log keeps it as it was.
    let dusk_report = report_of(&s, &admin, &dusk).await;
    let delete =
        json!({"report_id": dusk_report[0], "outcome": "delete", "reason": "Copyright claim"});
    assert_eq!(
        ok(&s, &admin, "admin.reports.resolve", delete).await["reports_closed"],
        1
    );
    assert_eq!(
        code(&s, &ada, "images.get", json!({"image_id": dusk}))
            .await
            .0,
        404
    );
    let media = s
        .client
        .get(format!("{}/media/{dusk}/original", s.base))
        .bearer_auth(&ada)
        .send()
        .await
        .expect("media");
    assert_eq!(media.status().as_u16(), 404);
    for (query, found) in [
        (json!({"query": "ADA"}), 1),
        (json!({"query": "copyright"}), 1),
        (json!({"query": dusk}), 1),
        (json!({"query": "nothing like it"}), 0),
        (json!({}), 1),
    ] {
        let log = ok(&s, &admin, "admin.deletions.list", query.clone()).await;
        assert_eq!(
            log["deletions"].as_array().map(Vec::len),
            Some(found),
            "{query}: {log}"
        );
    }
    let log = ok(&s, &admin, "admin.deletions.list", json!({})).await;
    let deleted = &log["deletions"][0];
    assert_eq!(deleted["target_id"], dusk.as_str());
    assert_eq!(deleted["owner"]["id"], ada_id.as_str());
    let record: Value =
        serde_json::from_str(deleted["record"].as_str().expect("record")).expect("json");
    assert_eq!(record["record"]["params"]["prompt"], "a lighthouse at dusk");
    assert_eq!(
        code(&s, &grace, "admin.deletions.list", json!({})).await.0,
        403
    );

    // An account's report: only dismissed here (suspending is on the account's page).
    let user_report = report_of(&s, &admin, &ada_id).await;
    assert_eq!(
        code(
            &s,
            &admin,
            "admin.reports.resolve",
            json!({"report_id": user_report[0], "outcome": "hide", "reason": "wrong kind"})
        )
        .await,
        (422, "invalid_input".into())
    );
    ok(
        &s,
        &admin,
        "admin.reports.resolve",
        json!({"report_id": user_report[0], "outcome": "dismiss", "reason": "no violation"}),
    )
    .await;
    assert!(ok(&s, &admin, "reports.list", json!({})).await["reports"]
        .as_array()
        .expect("reports")
        .is_empty());

    let kinds: Vec<Value> = ok(&s, &admin, "admin.audit.list", json!({})).await["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(kinds, ["report_dismiss", "image_delete", "image_hide"]);

    // Each reporter is told how each report ended (once, without naming an image gone from view);
    // the person reported is not told who reported them.
    let outcomes = |token: String| {
        let s = &s;
        async move {
            ok(s, &token, "notifications.list", json!({})).await["notifications"]
                .as_array()
                .expect("notifications")
                .iter()
                .filter(|n| n["kind"] == "report_resolved")
                .map(|n| {
                    assert_eq!(n["image_id"], Value::Null, "{n}");
                    assert_eq!(n["actor"], Value::Null, "{n}");
                    n["report_outcome"].as_str().unwrap_or("").to_string()
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        outcomes(grace.clone()).await,
        ["dismissed", "deleted", "hidden"]
    );
    assert_eq!(outcomes(bob.clone()).await, ["hidden"]);
    assert!(outcomes(ada.clone()).await.is_empty());
    s.shutdown().await;
}

#[tokio::test]
async fn moderators_hide_and_delete_reported_images_on_sqlite() {
    moderators_hide_and_delete_reported_images(Db::Sqlite).await;
}

#[tokio::test]
async fn moderators_hide_and_delete_reported_images_on_postgres() {
    moderators_hide_and_delete_reported_images(Db::Postgres).await;
}
