//! Load generator: end-to-end jobs per second and submit-to-completed latency through the HTTP API with the
//! offline renderer, event latency from the worker to a WebSocket client, and the same renders and encodes
//! done directly in-process as the floor. Run: `cargo run --release -p pixel-server --example loadgen`.
//! Options (env): LOAD_JOBS (default 200), LOAD_CLIENTS (2), LOAD_SIZE (512), LOAD_WORKERS (2).

use futures_util::StreamExt;
use pixel_core::ports::MediaProcessor;
use pixel_server::{build_node, Config};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

fn env_or(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn summary(name: &str, mut v: Vec<f64>, unit: &str) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let (p50, p99) = (pct(&v, 0.50), pct(&v, 0.99));
    println!(
        "{name}: n={} p50={p50:.2}{unit} p99={p99:.2}{unit} max={:.2}{unit}",
        v.len(),
        v.last().copied().unwrap_or(f64::NAN)
    );
    (p50, p99)
}

fn prompt(i: usize) -> String {
    const WORDS: [&str; 8] = [
        "ocean", "mountain", "city", "forest", "sunset", "night", "desert", "neon",
    ];
    format!("{} {} study {i}", WORDS[i % 8], WORDS[(i / 8) % 8])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let jobs = env_or("LOAD_JOBS", 200);
    let clients = env_or("LOAD_CLIENTS", 2);
    let size = env_or("LOAD_SIZE", 512) as u32;
    let workers = env_or("LOAD_WORKERS", 2);
    println!("loadgen: {jobs} jobs of {size}x{size} local-sketch, {clients} closed-loop clients, {workers} workers, {} cores",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));

    // Floor: the same renders and media work, directly in-process, on as many threads as the server has workers.
    let floor_started = Instant::now();
    let floor_lat = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..workers)
        .map(|_| {
            let (lat, next) = (floor_lat.clone(), next.clone());
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs {
                    return;
                }
                let t = Instant::now();
                let params = pixel_core::GenerationParams {
                    prompt: prompt(i),
                    model: "local-sketch".into(),
                    width: size,
                    height: size,
                    negative_prompt: None,
                    steps: None,
                    cfg: None,
                    quality: None,
                    style: None,
                    duration: None,
                    source_image: None,
                };
                let png = pixel_providers::offline::render_png(&params, i as u32, |_| {});
                let _ = pixel_infra::ImagePipeline.process(&png).expect("process");
                lat.lock()
                    .expect("lat")
                    .push(t.elapsed().as_secs_f64() * 1000.0);
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let floor_secs = floor_started.elapsed().as_secs_f64();
    let floor_rate = jobs as f64 / floor_secs;
    println!("in-process floor: {floor_rate:.1} jobs/s");
    let floor_lat = floor_lat.lock().expect("lat").clone();
    summary("in-process per-job time", floor_lat, " ms");

    // The real server on loopback, embedded defaults in a temp dir.
    let dir = tempfile::tempdir()?;
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ui_dir: dir.path().join("no-ui"),
        workers,
        log: "warn".into(),
        ..Config::default()
    };
    let node = Arc::new(build_node(&config).await?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(pixel_server::http::serve(node, listener, async move {
        let _ = stopped.await;
    }));

    // One WebSocket client receives every event; waiters are keyed by job id.
    let (ws, _) = tokio_tungstenite::connect_async(
        format!("{}/api/events", base.replacen("http", "ws", 1)).as_str(),
    )
    .await?;
    let waiters: Arc<Mutex<HashMap<String, oneshot::Sender<Instant>>>> = Arc::default();
    let early: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let event_lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let (_, mut read) = ws.split();
    {
        let (waiters, early, event_lat) = (waiters.clone(), early.clone(), event_lat.clone());
        tokio::spawn(async move {
            while let Some(Ok(msg)) = read.next().await {
                let tokio_tungstenite::tungstenite::Message::Text(t) = msg else {
                    continue;
                };
                let received_us = pixel_core::now_us();
                let Ok(ev) = serde_json::from_str::<Value>(t.as_str()) else {
                    continue;
                };
                if let Some(at) = ev["emitted_at_us"].as_i64() {
                    event_lat
                        .lock()
                        .expect("lat")
                        .push((received_us - at) as f64 / 1000.0);
                }
                if ev["type"] == "generation.completed" {
                    let id = ev["job"]["id"].as_str().unwrap_or("").to_string();
                    let now = Instant::now();
                    match waiters.lock().expect("waiters").remove(&id) {
                        Some(tx) => {
                            let _ = tx.send(now);
                        }
                        None => {
                            early.lock().expect("early").insert(id, now);
                        }
                    }
                }
            }
        });
    }

    let http = reqwest::Client::new();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let e2e_lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (http, base, counter, waiters, early, e2e_lat) = (
            http.clone(),
            base.clone(),
            counter.clone(),
            waiters.clone(),
            early.clone(),
            e2e_lat.clone(),
        );
        tasks.spawn(async move {
            loop {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs {
                    return;
                }
                let t = Instant::now();
                let resp: Value = http
                    .post(format!("{base}/api/ops/generations.create"))
                    .json(&json!({ "prompt": prompt(i), "model": "local-sketch", "width": size, "height": size, "seed": i }))
                    .send().await.expect("submit").json().await.expect("json");
                let id = resp["jobs"][0]["id"].as_str().expect("job id").to_string();
                let (tx, rx) = oneshot::channel();
                let done_early = {
                    let mut w = waiters.lock().expect("waiters");
                    match early.lock().expect("early").remove(&id) {
                        Some(at) => Some(at),
                        None => {
                            w.insert(id, tx);
                            None
                        }
                    }
                };
                let done = match done_early {
                    Some(at) => at,
                    None => tokio::time::timeout(Duration::from_secs(60), rx).await.expect("completion in time").expect("completion"),
                };
                e2e_lat.lock().expect("lat").push(done.duration_since(t).as_secs_f64() * 1000.0);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    let secs = started.elapsed().as_secs_f64();
    let rate = jobs as f64 / secs;
    println!("through the HTTP API: {rate:.1} jobs/s");
    let lat = e2e_lat.lock().expect("lat").clone();
    summary("submit-to-completed latency", lat, " ms");
    let ev = event_lat.lock().expect("lat").clone();
    let (_, ev_p99) = summary("event latency worker -> WebSocket client", ev, " ms");
    println!(
        "pipeline overhead: {:.3}x the in-process floor's time (aim <= 1.2x)",
        floor_rate / rate
    );
    println!("event latency p99 {:.2} ms (aim < 10 ms)", ev_p99);
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}
