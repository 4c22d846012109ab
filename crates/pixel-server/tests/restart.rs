//! Restart recovery with the real binary: kill -9 the server with jobs queued and running; after a restart
//! every job ends in a final state and the ledger balances. Also: a graceful stop loses no job.

mod common;

use common::assert_ledger_whole;
use pixel_testkit::FakeOpenAi;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Proc {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

async fn start(data: &std::path::Path, fake: &FakeOpenAi, port: u16) -> Proc {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.join("server.log"))
        .expect("log");
    let child = Command::new(env!("CARGO_BIN_EXE_pixel-studio-server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PIXEL_DATA_DIR", data)
        .env("PIXEL_BIND", format!("127.0.0.1:{port}"))
        .env("PIXEL_CHARGING", "on")
        .env("PIXEL_STARTING_CREDITS", "100")
        // The balance is checked against the jobs alone: no achievement credits.
        .env("PIXEL_ENGAGEMENT", "off")
        .env("PIXEL_WORKERS", "2")
        .env("PIXEL_LEASE_SECS", "2")
        .env("PIXEL_RETRY_BASE_MS", "100")
        .env("PIXEL_PROVIDER_TIMEOUT_SECS", "20")
        .env("PIXEL_UI_DIR", data.join("no-ui"))
        .env("OPENAI_API_KEY", pixel_testkit::openai_fake::FAKE_KEY)
        .env("OPENAI_BASE_URL", &fake.base_url)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("spawn server");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "server did not start: {}",
            std::fs::read_to_string(data.join("server.log")).unwrap_or_default()
        );
        // Polls a separate server process (real I/O) until it gets there.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Proc { child, base }
}

async fn op(base: &str, method: &str, input: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/ops/{method}"))
        .json(&input)
        .send()
        .await
        .expect("call");
    assert!(resp.status().is_success(), "{method}: {}", resp.status());
    resp.json().await.expect("json")
}

async fn wait_running(base: &str, n: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let jobs = op(base, "generations.list", json!({ "states": ["running"] })).await;
        if jobs["jobs"].as_array().map_or(0, Vec::len) >= n {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "jobs never started");
        // Polls a separate server process (real I/O) until it gets there.
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Waits for every job to be final, then checks the ledger: one settlement per charged job, matching its
/// state, and the balance equal to the sum of the entries.
async fn assert_all_final_and_balanced(base: &str, expected_jobs: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let jobs = loop {
        let jobs = op(base, "generations.list", json!({ "limit": 200 })).await["jobs"]
            .as_array()
            .cloned()
            .expect("jobs");
        if jobs
            .iter()
            .all(|j| !["queued", "running"].contains(&j["state"].as_str().unwrap_or("")))
        {
            break jobs;
        }
        assert!(std::time::Instant::now() < deadline, "jobs stuck: {jobs:?}");
        // Polls a separate server process (real I/O) until it gets there.
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(jobs.len(), expected_jobs);
    let ledger = op(base, "ledger.list", json!({ "limit": 200 })).await;
    assert_ledger_whole(&ledger);
    let entries = ledger["entries"].as_array().expect("entries");
    let mut expected_balance = 100;
    for job in &jobs {
        let settle: Vec<&Value> = entries
            .iter()
            .filter(|e| e["job_id"] == job["id"])
            .collect();
        if job["cost"] == 0 {
            assert!(settle.is_empty(), "a free job moves no credits: {job}");
            continue;
        }
        assert_eq!(settle.len(), 1, "exactly one settlement for {job}");
        let kind = settle[0]["kind"].as_str().unwrap_or("");
        if job["state"] == "succeeded" {
            assert_eq!(kind, "capture");
            expected_balance -= job["cost"].as_i64().expect("cost");
        } else {
            assert_eq!(
                (kind, job["refunded"].as_bool()),
                ("refund", Some(true)),
                "{job}"
            );
        }
    }
    assert_eq!(ledger["balance"].as_i64(), Some(expected_balance));
}

#[tokio::test]
async fn kill_during_work_then_restart_finishes_every_job() {
    let fake = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut first = start(dir.path(), &fake, port).await;
    op(
        &first.base,
        "generations.create",
        json!({ "prompt": "[slow:2500] survives a crash", "model": "gpt-image-2", "n": 5 }),
    )
    .await;
    op(
        &first.base,
        "generations.create",
        json!({ "prompt": "offline while crashing", "model": "local-sketch", "n": 2 }),
    )
    .await;
    wait_running(&first.base, 2).await;
    first.child.kill().expect("kill -9");
    let _ = first.child.wait();

    let mut second = start(dir.path(), &fake, port).await;
    assert_all_final_and_balanced(&second.base, 7).await;
    let jobs = op(&second.base, "generations.list", json!({ "limit": 200 })).await;
    assert!(
        jobs["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["state"] == "succeeded"),
        "all recovered: {jobs}"
    );
    second.child.kill().expect("kill");
    let _ = second.child.wait();
}

#[cfg(unix)]
#[tokio::test]
async fn graceful_stop_loses_no_job() {
    let fake = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut first = start(dir.path(), &fake, port).await;
    op(
        &first.base,
        "generations.create",
        json!({ "prompt": "[slow:800] polite", "model": "gpt-image-2", "n": 4 }),
    )
    .await;
    wait_running(&first.base, 1).await;
    // An open event stream (a browser tab) must not hold the shutdown open.
    let ws_url = format!("{}/api/events", first.base.replacen("http", "ws", 1));
    let (_tab, _) = tokio_tungstenite::connect_async(ws_url.as_str())
        .await
        .expect("websocket");
    let pid = first.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = first.child.try_wait().expect("try_wait") {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not stop within 30 s of SIGTERM"
        );
        // Polls a separate server process (real I/O) until it gets there.
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "graceful stop exits 0: {exit:?}");
    let mut second = start(dir.path(), &fake, port).await;
    assert_all_final_and_balanced(&second.base, 4).await;
    second.child.kill().expect("kill");
    let _ = second.child.wait();
}

/// Issue 31's ledger invariant under crashes: a burst of jobs that succeed, fail for good (refunded) and
/// take their time, submitted at once, with the server killed mid-burst twice. Every job ends once, each
/// charged job is settled exactly once (captured or refunded, never both, never twice) and the balance
/// is the sum of the ledger, never below zero, at every restart.
#[tokio::test]
async fn kills_during_a_burst_keep_the_ledger_whole() {
    let fake = FakeOpenAi::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut server = start(dir.path(), &fake, port).await;
    let mut submitted = 0;
    for round in 0..3 {
        let burst = [
            ("[slow:1500] a slow lighthouse", "gpt-image-2", 2),
            ("[moderated] refused", "gpt-image-2", 1),
            ("[quota] out of quota", "gpt-image-2", 1),
            ("a quick sketch", "local-sketch", 2),
        ];
        let base = server.base.clone();
        futures_util::future::join_all(burst.iter().map(|(prompt, model, n)| {
            op(
                &base,
                "generations.create",
                json!({ "prompt": format!("{prompt} {round}"), "model": model, "n": n }),
            )
        }))
        .await;
        submitted += burst.iter().map(|(_, _, n)| n).sum::<usize>();
        if round == 2 {
            break;
        }
        wait_running(&server.base, 1).await;
        server.child.kill().expect("kill -9");
        let _ = server.child.wait();
        server = start(dir.path(), &fake, port).await;
        let ledger = op(&server.base, "ledger.list", json!({ "limit": 200 })).await;
        // After each crash: the balance is the ledger's sum, and never negative.
        assert_ledger_whole(&ledger);
    }
    assert_all_final_and_balanced(&server.base, submitted).await;
    server.child.kill().expect("kill");
    let _ = server.child.wait();
}
