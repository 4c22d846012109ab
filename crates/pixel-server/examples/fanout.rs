//! Live events fanned out to many windows (issue 33): N WebSocket clients on `/api/events` of the
//! release server in its own process (single-owner, embedded defaults), then offline generations run
//! one after another. Per event: the spread between the first and the last client receiving it (p50,
//! p99); the server's resident memory per idle socket; events lost; streams refused.
//!
//! A client receives an event when its bytes arrive in its socket: each socket reports the kernel's
//! arrival time (`SO_TIMESTAMPNS`), since in life every window reads its own socket at once, while
//! here one process on the server's two cores reads 10,000 of them in turn. How late that process
//! reads them is reported beside it (`read p99`), so neither figure hides the other.
//! Run: `bash tests/bench/events.sh` (env FANOUT_CLIENTS=100,1000,10000, FANOUT_JOBS=20,
//! FANOUT_SERVER=path to pixel-studio-server).
#![cfg_attr(not(target_os = "linux"), allow(dead_code, unused_imports))]

use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/env.rs"]
mod env;
use env::env_list;

/// A WebSocket client that reads raw frames with the kernel's arrival time of each read.
#[cfg(target_os = "linux")]
mod client {
    use nix::sys::socket::{recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags};
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    use std::io::{self, IoSliceMut};
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
    use tokio::net::TcpStream;

    /// One text frame a client received.
    pub struct Heard {
        /// The frame's text, hashed: the same event has the same key in every client.
        pub key: u64,
        /// When its bytes arrived in the socket (the kernel's clock, ns).
        pub arrived_ns: i128,
        /// When this client read it (µs since the run's epoch).
        pub read_us: u64,
    }

    /// Opens `/api/events` (single-owner: no credentials) and turns on arrival times.
    pub async fn connect(addr: std::net::SocketAddr) -> io::Result<TcpStream> {
        let mut stream = TcpStream::connect(addr).await?;
        setsockopt(&stream, sockopt::ReceiveTimestampns, &true).map_err(io::Error::from)?;
        let request = format!(
            "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        // The server sends nothing after its answer until an event: read the answer a byte at a time
        // so no frame is taken with it.
        let mut answer = Vec::new();
        while !answer.ends_with(b"\r\n\r\n") {
            let byte = stream.read_u8().await?;
            answer.push(byte);
            if answer.len() > 4096 {
                return Err(io::Error::other("an answer without an end"));
            }
        }
        if !answer.starts_with(b"HTTP/1.1 101") {
            return Err(io::Error::other(
                String::from_utf8_lossy(&answer).into_owned(),
            ));
        }
        Ok(stream)
    }

    /// Reads frames until `stop`, counting completions in `done`.
    pub async fn listen(
        stream: TcpStream,
        epoch: Instant,
        done: Arc<AtomicUsize>,
        mut stop: tokio::sync::watch::Receiver<bool>,
        expected: usize,
    ) -> Vec<Heard> {
        let mut heard = Vec::with_capacity(expected);
        let mut pending: Vec<u8> = Vec::with_capacity(4096);
        let mut buf = vec![0u8; 64 * 1024];
        let mut cmsg = nix::cmsg_space!(nix::sys::time::TimeSpec);
        loop {
            tokio::select! {
                _ = stop.changed() => return heard,
                ready = stream.readable() => {
                    if ready.is_err() {
                        return heard;
                    }
                }
            }
            let fd = stream.as_raw_fd();
            let read = stream.try_io(Interest::READABLE, || {
                let mut iov = [IoSliceMut::new(&mut buf)];
                let msg = recvmsg::<()>(fd, &mut iov, Some(&mut cmsg), MsgFlags::empty())
                    .map_err(io::Error::from)?;
                let mut arrived_ns = None;
                for c in msg.cmsgs().map_err(io::Error::from)? {
                    if let ControlMessageOwned::ScmTimestampns(ts) = c {
                        arrived_ns = Some(
                            i128::from(ts.tv_sec()) * 1_000_000_000 + i128::from(ts.tv_nsec()),
                        );
                    }
                }
                Ok((msg.bytes, arrived_ns))
            });
            let (n, arrived_ns) = match read {
                Ok((0, _)) => return heard,
                Ok(got) => got,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(_) => return heard,
            };
            let read_us = epoch.elapsed().as_micros() as u64;
            pending.extend_from_slice(&buf[..n]);
            let arrived_ns = arrived_ns.unwrap_or(-1);
            // Server frames are unmasked: FIN+opcode, a length (7 bits, or 16 or 64 more), the payload.
            while let Some((opcode, start, len)) = frame_header(&pending) {
                if pending.len() < start + len {
                    break;
                }
                let payload = &pending[start..start + len];
                match opcode {
                    1 => {
                        let mut h = DefaultHasher::new();
                        payload.hash(&mut h);
                        heard.push(Heard {
                            key: h.finish(),
                            arrived_ns,
                            read_us,
                        });
                        if payload
                            .windows(22)
                            .any(|w| w == b"\"generation.completed\"")
                        {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    8 => return heard,
                    _ => {}
                }
                pending.drain(..start + len);
            }
        }
    }

    /// A frame's opcode, where its payload starts and how long it is, once its header has arrived.
    fn frame_header(b: &[u8]) -> Option<(u8, usize, usize)> {
        let (&first, &second) = (b.first()?, b.get(1)?);
        let opcode = first & 0x0f;
        match second & 0x7f {
            126 => Some((
                opcode,
                4,
                usize::from(u16::from_be_bytes([*b.get(2)?, *b.get(3)?])),
            )),
            127 => {
                let bytes: [u8; 8] = b.get(2..10)?.try_into().ok()?;
                Some((opcode, 10, usize::try_from(u64::from_be_bytes(bytes)).ok()?))
            }
            n => Some((opcode, 2, usize::from(n))),
        }
    }
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
    read_spread_p99_ms: f64,
    events: usize,
    lost: usize,
    kib_per_socket: f64,
    frames_per_write: f64,
    pass_ms: f64,
    jobs_secs: f64,
    server_cpu_secs: f64,
}

#[cfg(target_os = "linux")]
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
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    let mut readers = tokio::task::JoinSet::new();
    let mut refused = 0;
    for batch in (0..clients).collect::<Vec<_>>().chunks(250) {
        let mut connecting = tokio::task::JoinSet::new();
        for _ in batch {
            connecting.spawn(client::connect(addr));
        }
        while let Some(connected) = connecting.join_next().await {
            let Ok(Ok(stream)) = connected else {
                refused += 1;
                continue;
            };
            readers.spawn(client::listen(
                stream,
                epoch,
                done.clone(),
                stop_rx.clone(),
                jobs * 24,
            ));
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
    let _ = stop_tx.send(true);
    // Per event: the first and last arrival in a client's socket (kernel time, ns), and the first and
    // last read by this bench's clients (µs since `epoch`).
    let mut by_event: HashMap<u64, [i128; 4]> = HashMap::new();
    let mut received = 0;
    while let Some(heard) = readers.join_next().await {
        for h in heard.unwrap_or_default() {
            received += 1;
            let read = i128::from(h.read_us);
            let e = by_event
                .entry(h.key)
                .or_insert([h.arrived_ns, h.arrived_ns, read, read]);
            e[0] = e[0].min(h.arrived_ns);
            e[1] = e[1].max(h.arrived_ns);
            e[2] = e[2].min(read);
            e[3] = e[3].max(read);
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
        .map(|e| (e[1] - e[0]) as f64 / 1e6)
        .collect();
    spreads.sort_by(|a, b| a.total_cmp(b));
    let mut read_spreads: Vec<f64> = by_event
        .values()
        .map(|e| (e[3] - e[2]) as f64 / 1e3)
        .collect();
    read_spreads.sort_by(|a, b| a.total_cmp(b));
    Ok(Run {
        clients,
        connected,
        refused,
        spread_p50_ms: pct(&spreads, 0.50),
        spread_p99_ms: pct(&spreads, 0.99),
        read_spread_p99_ms: pct(&read_spreads, 0.99),
        events: by_event.len(),
        lost: (by_event.len() * connected).saturating_sub(received),
        kib_per_socket: rss_idle.saturating_sub(rss_before) as f64 / connected.max(1) as f64,
        frames_per_write,
        pass_ms,
        jobs_secs,
        server_cpu_secs,
    })
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("the fanout bench reads kernel arrival times (SO_TIMESTAMPNS): Linux only");
}

#[cfg(target_os = "linux")]
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
    println!("| clients | connected | refused | events | spread p50 | spread p99 | read p99 | lost | server KiB per idle socket | frames per write | pass | jobs took | server CPU |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for clients in env_list("FANOUT_CLIENTS", "100,1000,10000") {
        let r = run(&server, clients, jobs).await?;
        println!(
            "| {} | {} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {} | {:.1} | {:.1} | {:.1} ms | {:.1} s | {:.1} s |",
            r.clients,
            r.connected,
            r.refused,
            r.events,
            r.spread_p50_ms,
            r.spread_p99_ms,
            r.read_spread_p99_ms,
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
