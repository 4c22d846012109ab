//! The ledger under concurrency: 100 simultaneous submits against a balance that covers 50 (6 credits each).

mod common;

use common::*;
use pixel_testkit::FakeOpenAi;
use serde_json::json;
use std::time::Duration;

async fn concurrent_submits(db: Db) {
    let fake = FakeOpenAi::start().await;
    let Some(server) = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 300,
        openai_base_url: Some(fake.base_url.clone()),
        provider_timeout: Duration::from_secs(10),
        ..Opts::default()
    })
    .await
    else {
        eprintln!("skipped: no PostgreSQL configured (PIXEL_TEST_POSTGRES_URL)");
        return;
    };
    let server = std::sync::Arc::new(server);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..100 {
        let s = server.clone();
        tasks.spawn(async move {
            s.call(
                "generations.create",
                json!({ "prompt": format!("[slow:50] racer {i}"), "model": "gpt-image-2" }),
            )
            .await
        });
    }
    let (mut accepted, mut refused) = (vec![], 0);
    while let Some(res) = tasks.join_next().await {
        let (status, body) = res.expect("task");
        match status {
            200 => accepted.push(body["jobs"][0]["id"].as_str().expect("id").to_string()),
            402 => {
                assert_eq!(body["error"]["code"], "insufficient_credits");
                refused += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((accepted.len(), refused), (50, 50));
    assert_eq!(server.balance().await, 0);
    server.assert_ledger_balances().await;
    for id in &accepted {
        let job = server.wait_final(id, Duration::from_secs(60)).await;
        assert_eq!(job["state"], "succeeded");
    }
    assert_eq!(server.balance().await, 0);
    let ledger = server.assert_ledger_balances().await;
    let kinds: Vec<&str> = ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "reserve").count(), 50);
    assert_eq!(kinds.iter().filter(|k| **k == "capture").count(), 50);
    assert_eq!(kinds.iter().filter(|k| **k == "grant").count(), 1);
    match std::sync::Arc::try_unwrap(server) {
        Ok(s) => s.shutdown().await,
        Err(_) => panic!("server still shared"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_submits_sqlite() {
    concurrent_submits(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_submits_postgres() {
    concurrent_submits(Db::Postgres).await;
}
