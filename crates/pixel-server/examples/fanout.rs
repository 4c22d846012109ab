//! Live events fanned out to many windows (issue 33): N WebSocket clients on `/api/events` of the
//! release server in its own process (single-owner, embedded defaults), then offline generations run
//! one after another. Per event: the spread between the first and the last client receiving it (p50,
//! p99); the server's resident memory per idle socket; events lost; streams refused.
//! Run: `bash tests/bench/events.sh` (env FANOUT_CLIENTS=100,1000,10000, FANOUT_JOBS=20,
//! FANOUT_SERVER=path to pixel-studio-server).

use futures_util::StreamExt;
use serde_json::json;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_list(key: &str, default: &str) -> Vec<usize> {
    std::env::var(key)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// The server's resident memory, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The CPU time a process has used so far (user + system), in seconds.
fn cpu_secs(pid: u32) -> f64 {
    // Fields 14 and 15 of /proc/<pid>/stat, after the command name in parentheses; clock ticks of 1/100 s.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let user: f64 = fields.get(11)?.parse().ok()?;
            let system: f64 = fields.get(12)?.parse().ok()?;
            Some((user + system) / 100.0)
        })
        .unwrap_or(f64::NAN)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Run {
    clients: usize,
    connected: usize,
    refused: usize,
    spread_p50_ms: f64,
    spread_p99_ms: f64,
    events: usize,
    lost: usize,
    kib_per_socket: f64,
    frames_per_write: f64,
    pass_ms: f64,
    jobs_secs: f64,
    server_cpu_secs: f64,
}

async fn run(server: &str, clients: usize, jobs: usize) -> anyhow::Result<Run> {
    let dir = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = std::process::Command::new(server)
        .env("PIXEL_BIND", format!("127.0.0.1:{port}"))
        .env("PIXEL_DATA_DIR", dir.path())
        .env("PIXEL_UI_DIR", dir.path().join("no-ui"))
        .env("PIXEL_WORKERS", "1")
        .env("PIXEL_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let http = reqwest::Client::new();
    let ready = Instant::now();
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        anyhow::ensure!(
            ready.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_before = rss_kib(child.id());

    // Every client keeps (event, when) for each frame; `done` counts completions seen, all clients.
    let epoch = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(tokio::sync::Notify::new());
    let url = format!("ws://127.0.0.1:{port}/api/events");
    let mut readers = tokio::task::JoinSet::new();
    let mut refused = 0;
    for batch in (0..clients).collect::<Vec<_>>().chunks(250) {
        let mut connecting = tokio::task::JoinSet::new();
        for _ in batch {
            let url = url.clone();
            connecting.spawn(async move { tokio_tungstenite::connect_async(url.as_str()).await });
        }
        while let Some(connected) = connecting.join_next().await {
            let Ok(Ok((ws, _))) = connected else {
                refused += 1;
                continue;
            };
            let (done, stop) = (done.clone(), stop.clone());
            readers.spawn(async move {
                let (_write, mut read) = ws.split();
                let mut heard: Vec<(u64, u64)> = Vec::with_capacity(jobs * 24);
                loop {
                    tokio::select! {
                        _ = stop.notified() => return heard,
                        msg = read.next() => match msg {
                            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(t))) => {
                                let at = epoch.elapsed().as_micros() as u64;
                                let mut h = DefaultHasher::new();
                                t.as_str().hash(&mut h);
                                heard.push((h.finish(), at));
                                if t.as_str().contains("\"generation.completed\"") {
                                    done.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                            Some(Ok(_)) => {}
                            _ => return heard,
                        },
                    }
                }
            });
        }
    }
    let connected = readers.len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_idle = rss_kib(child.id());

    let (jobs_started, server_cpu_before) = (Instant::now(), cpu_secs(child.id()));
    for i in 0..jobs {
        let submitted = http
            .post(format!("{base}/api/ops/generations.create"))
            .json(&json!({"prompt": format!("a lighthouse study {i}"), "model": "local-sketch", "width": 256, "height": 256, "seed": i}))
            .send()
            .await?;
        anyhow::ensure!(
            submitted.status().is_success(),
            "submit: {}",
            submitted.status()
        );
        let want = connected * (i + 1);
        let waiting = Instant::now();
        while done.load(Ordering::Relaxed) < want && waiting.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    let jobs_secs = jobs_started.elapsed().as_secs_f64();
    let server_cpu_secs = cpu_secs(child.id()) - server_cpu_before;
    // Frames still on their way arrive before the clients stop listening.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.notify_waiters();
    let mut by_event: HashMap<u64, (u64, u64, usize)> = HashMap::new();
    let mut received = 0;
    while let Some(heard) = readers.join_next().await {
        for (key, at) in heard.unwrap_or_default() {
            received += 1;
            let e = by_event.entry(key).or_insert((at, at, 0));
            e.0 = e.0.min(at);
            e.1 = e.1.max(at);
            e.2 += 1;
        }
    }
    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    let counter = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or(f64::NAN)
    };
    let frames_per_write =
        counter("pixel_event_frames_total ") / counter("pixel_event_writes_total ");
    let pass_ms =
        counter("pixel_event_pass_us_sum ") / counter("pixel_event_passes_total ") / 1000.0;
    let _ = child.kill();
    let _ = child.wait();
    let mut spreads: Vec<f64> = by_event
        .values()
        .map(|(first, last, _)| (last - first) as f64 / 1000.0)
        .collect();
    spreads.sort_by(|a, b| a.total_cmp(b));
    Ok(Run {
        clients,
        connected,
        refused,
        spread_p50_ms: pct(&spreads, 0.50),
        spread_p99_ms: pct(&spreads, 0.99),
        events: by_event.len(),
        lost: (by_event.len() * connected).saturating_sub(received),
        kib_per_socket: rss_idle.saturating_sub(rss_before) as f64 / connected.max(1) as f64,
        frames_per_write,
        pass_ms,
        jobs_secs,
        server_cpu_secs,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let limit = pixel_server::open_files::raise_limit();
    let server = std::env::var("FANOUT_SERVER").unwrap_or_else(|_| {
        let exe = std::env::current_exe().unwrap_or_default();
        let release = exe
            .parent()
            .and_then(|p| p.parent())
            .map(|p| p.to_path_buf());
        release
            .unwrap_or_default()
            .join("pixel-studio-server")
            .display()
            .to_string()
    });
    let jobs = env_list("FANOUT_JOBS", "20").first().copied().unwrap_or(20);
    println!(
        "fanout: {jobs} offline generations one after another, to every client; open-files limit {limit}; {} cores",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    println!("| clients | connected | refused | events | spread p50 | spread p99 | lost | server KiB per idle socket | frames per write | pass | jobs took | server CPU |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for clients in env_list("FANOUT_CLIENTS", "100,1000,10000") {
        let r = run(&server, clients, jobs).await?;
        println!(
            "| {} | {} | {} | {} | {:.1} ms | {:.1} ms | {} | {:.1} | {:.1} | {:.1} ms | {:.1} s | {:.1} s |",
            r.clients,
            r.connected,
            r.refused,
            r.events,
            r.spread_p50_ms,
            r.spread_p99_ms,
            r.lost,
            r.kib_per_socket,
            r.frames_per_write,
            r.pass_ms,
            r.jobs_secs,
            r.server_cpu_secs
        );
    }
    println!("aims at 10,000 clients: spread p99 <= 25 ms, <= 20 KiB per idle socket, nothing lost, nothing refused");
    Ok(())
}
