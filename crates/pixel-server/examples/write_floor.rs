//! The machine's floor for fanning one event out (issue 33): the time to write one small frame to
//! each of N loopback TCP sockets with plain blocking writes, no runtime and no WebSocket layer, on one
//! thread and on two. The readers are in a second process (as in `fanout`) that never reads, so the
//! figure is the writes alone: what any server on this machine pays per pass before doing anything else.
//! Run: `cargo run --release -p pixel-server --example write_floor` (env FLOOR_CLIENTS=100,1000,10000,
//! FLOOR_ROUNDS=9).

use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Failure = Box<dyn std::error::Error>;

/// About the size of one progress event's WebSocket frame.
const FRAME: [u8; 120] = [b'x'; 120];

#[path = "support/env.rs"]
mod env;
use env::env_list;

/// The child: opens `count` connections to `addr`, says so on stdout, and holds them until stdin closes.
fn hold_connections(addr: &str, count: usize) -> Result<(), Failure> {
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        held.push(TcpStream::connect(addr)?);
    }
    println!("connected");
    std::io::stdout().flush()?;
    let mut rest = Vec::new();
    std::io::stdin().read_to_end(&mut rest)?;
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// One round: every socket gets one frame, split over `threads` writers.
fn write_round(sockets: &mut [TcpStream], threads: usize) -> Result<Duration, Failure> {
    let chunk = sockets.len().div_ceil(threads).max(1);
    let started = Instant::now();
    let outcome: Result<(), std::io::Error> = std::thread::scope(|scope| {
        let writers: Vec<_> = sockets
            .chunks_mut(chunk)
            .map(|part| scope.spawn(move || part.iter_mut().try_for_each(|s| s.write_all(&FRAME))))
            .collect();
        writers.into_iter().try_for_each(|w| {
            w.join()
                .unwrap_or_else(|_| Err(std::io::Error::other("writer panicked")))
        })
    });
    outcome?;
    Ok(started.elapsed())
}

fn measure(count: usize, rounds: usize) -> Result<(), Failure> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?.to_string();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["hold", &addr, &count.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut sockets = Vec::with_capacity(count);
    for _ in 0..count {
        let (socket, _) = listener.accept()?;
        socket.set_nodelay(true)?;
        sockets.push(socket);
    }
    let mut line = String::new();
    if let Some(out) = child.stdout.as_mut() {
        std::io::BufReader::new(out).read_line(&mut line)?;
    }
    for threads in [1, 2] {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            times.push(write_round(&mut sockets, threads)?);
            // A pass comes every few milliseconds at most; let softirq work from the last one drain.
            std::thread::sleep(Duration::from_millis(20));
        }
        times.sort();
        println!(
            "| {count} | {threads} | {:.1} ms | {:.1} ms | {:.2} µs |",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 1.0).as_secs_f64() * 1e3,
            percentile(&times, 0.5).as_secs_f64() * 1e6 / count as f64 * threads as f64,
        );
    }
    drop(child.stdin.take());
    child.wait()?;
    Ok(())
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("hold") {
        let addr = args.get(2).ok_or("hold needs an address")?;
        let count = args.get(3).ok_or("hold needs a count")?.parse()?;
        return hold_connections(addr, count);
    }
    let rounds = env_list("FLOOR_ROUNDS", "9")
        .first()
        .copied()
        .unwrap_or(9)
        .max(1);
    println!(
        "| sockets | writer threads | one frame to every socket, p50 | worst | CPU per write |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for count in env_list("FLOOR_CLIENTS", "100,1000,10000") {
        measure(count, rounds)?;
    }
    Ok(())
}
