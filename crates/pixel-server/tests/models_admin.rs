//! The catalogue run by admins, through the API on SQLite and PostgreSQL: a model's price and limit
//! changed reach validation and charging at once; turned off, it leaves everyone's catalogue and its
//! submits are refused; every open client is told (`catalogue.changed`); the change is in the audit log;
//! a change that would turn every model off, or a price out of range, is refused; only admins may.

mod common;

use common::{call_as, charging_server, ok_as as ok, token_for, Db, TestServer};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn code(s: &TestServer, token: &str, method: &str, input: Value) -> (u16, String) {
    let (status, out) = call_as(s, Some(token), method, &input).await;
    (
        status,
        out["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

fn offered(catalogue: &Value) -> Vec<String> {
    catalogue["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|m| m["id"].as_str().map(String::from))
        .collect()
}

async fn wait_job(s: &TestServer, token: &str, job_id: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let job = ok(s, token, "generations.get", json!({"job_id": job_id})).await;
        if !["queued", "running"].contains(&job["state"].as_str().unwrap_or("")) {
            return job;
        }
        assert!(tokio::time::Instant::now() < deadline, "job still running");
        // Polls over HTTP (real I/O) until a worker ends the job.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn admins_run_the_catalogue(db: Db) {
    let Some(s) = charging_server(db, 50).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;

    let listed = ok(&s, &admin, "admin.models.list", json!({})).await;
    let sketch = listed["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == "local-sketch")
        .expect("local-sketch")
        .clone();
    assert_eq!(sketch["enabled"], true);
    let default_max = sketch["default_max_images"].as_u64().expect("max");
    assert!(default_max >= 2);
    assert_eq!(
        code(&s, &ada, "admin.models.list", json!({})).await,
        (403, "forbidden".into())
    );

    // Ada's window is open: it hears each change.
    let mut request = format!("{}/api/events", s.base.replacen("http", "ws", 1))
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {ada}").parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket");

    // A price and a limit: charged and validated at once.
    let priced = json!({"model_id": "local-sketch", "enabled": true, "credits": 3, "max_images": 2, "reason": "the offline renderer costs upkeep"});
    let changed = ok(&s, &admin, "admin.models.update", priced).await;
    assert_eq!(
        (changed["credits"].clone(), changed["max_images"].clone()),
        (json!(3), json!(2))
    );
    let heard = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(msg)) = ws.next().await {
            if let Ok(text) = msg.into_text() {
                let event: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                if event["type"] == "catalogue.changed" {
                    return true;
                }
            }
        }
        false
    })
    .await;
    assert_eq!(heard, Ok(true), "catalogue.changed reached ada's window");
    let catalogue = ok(&s, &ada, "catalogue.list", json!({})).await;
    let model = catalogue["models"]
        .as_array()
        .expect("models")
        .iter()
        .find(|m| m["id"] == "local-sketch")
        .expect("still offered")
        .clone();
    assert_eq!(
        (model["credits"].clone(), model["max_images"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(
        code(
            &s,
            &ada,
            "generations.create",
            json!({"prompt": "three at once", "model": "local-sketch", "n": 3})
        )
        .await
        .0,
        422
    );
    let made = ok(
        &s,
        &ada,
        "generations.create",
        json!({"prompt": "a paid sketch", "model": "local-sketch"}),
    )
    .await;
    let job = wait_job(&s, &ada, made["jobs"][0]["id"].as_str().expect("job")).await;
    assert_eq!(job["state"], "succeeded");
    assert_eq!(ok(&s, &ada, "account.get", json!({})).await["balance"], 47);

    // Off: gone from everyone's catalogue, its submits refused.
    let off = json!({"model_id": "local-sketch", "enabled": false, "credits": 3, "max_images": 2, "reason": "maintenance"});
    assert_eq!(
        ok(&s, &admin, "admin.models.update", off).await["enabled"],
        false
    );
    assert!(!offered(&ok(&s, &ada, "catalogue.list", json!({})).await)
        .contains(&"local-sketch".to_string()));
    assert_eq!(
        code(
            &s,
            &ada,
            "generations.create",
            json!({"prompt": "refused", "model": "local-sketch"})
        )
        .await,
        (503, "model_unavailable".into())
    );
    let listed = ok(&s, &admin, "admin.models.list", json!({})).await;
    assert!(
        listed["models"]
            .as_array()
            .expect("models")
            .iter()
            .any(|m| m["id"] == "local-sketch" && m["enabled"] == false),
        "admins still see it, turned off"
    );

    // Refused whole: a price out of range, a limit above the model's, an unknown model, every model off.
    for (input, want) in [
        (
            json!({"model_id": "local-sketch", "enabled": true, "credits": 10_001, "max_images": 1, "reason": "too dear"}),
            (422, "invalid_input"),
        ),
        (
            json!({"model_id": "local-sketch", "enabled": true, "credits": 1, "max_images": default_max + 1, "reason": "too many"}),
            (422, "invalid_input"),
        ),
        (
            json!({"model_id": "no-such-model", "enabled": true, "credits": 1, "max_images": 1, "reason": "ghost"}),
            (404, "not_found"),
        ),
    ] {
        let got = code(&s, &admin, "admin.models.update", input.clone()).await;
        assert_eq!(got, (want.0, want.1.to_string()), "{input}");
    }
    for m in listed["models"].as_array().expect("models") {
        if m["id"] == "local-sketch" || m["enabled"] == false {
            continue;
        }
        let off = json!({"model_id": m["id"], "enabled": false, "credits": m["credits"], "max_images": m["max_images"], "reason": "winding down"});
        let (status, out) = call_as(&s, Some(&admin), "admin.models.update", &off).await;
        if status != 200 {
            assert_eq!(status, 422, "{out}");
            assert!(
                out["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("every model"),
                "{out}"
            );
            break;
        }
    }
    assert!(
        !offered(&ok(&s, &ada, "catalogue.list", json!({})).await).is_empty(),
        "one model stays on"
    );

    let changes = ok(
        &s,
        &admin,
        "admin.audit.list",
        json!({"kind": "model_change"}),
    )
    .await;
    let entries = changes["entries"].as_array().expect("entries");
    let sketch_changes: Vec<&Value> = entries
        .iter()
        .filter(|e| e["change"]["model_id"] == "local-sketch")
        .collect();
    assert_eq!(sketch_changes.len(), 2);
    assert_eq!(sketch_changes[0]["reason"], "maintenance");
    assert_eq!(sketch_changes[1]["change"]["credits"], 3);
    assert!(sketch_changes[1]["target"].is_null(), "about no account");
    s.shutdown().await;
}

#[tokio::test]
async fn admins_run_the_catalogue_on_sqlite() {
    admins_run_the_catalogue(Db::Sqlite).await;
}

#[tokio::test]
async fn admins_run_the_catalogue_on_postgres() {
    admins_run_the_catalogue(Db::Postgres).await;
}
