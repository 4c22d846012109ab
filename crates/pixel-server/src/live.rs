//! Live events over a WebSocket (`/api/events`): who may open a stream, the budget of open streams, and
//! the pump that writes each viewer's events to its socket in as few writes as keep windows current.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt;
use pixel_core::events::{frame, Received, Subscription, Viewer};
use pixel_core::{Caller, Error, ErrorCode, Event};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::time::Instant;

use crate::http::{ApiError, Http};
use crate::Node;

/// The node's live streams: their budget, their metrics and the clock they flush on.
#[derive(Default)]
pub struct LiveStats {
    /// Streams open now, against the budget the open-files limit leaves them.
    pub streams: AtomicUsize,
    /// Event frames sent, over every stream.
    pub frames: AtomicU64,
    /// Socket writes those frames took (several frames gathered per write).
    pub writes: AtomicU64,
    clock: Arc<PassClock>,
    clock_started: OnceLock<()>,
}

impl LiveStats {
    /// Passes over the streams with something to send, so far.
    pub fn passes(&self) -> u64 {
        self.clock.state().pass
    }

    /// Microseconds those passes took, summed.
    pub fn pass_micros(&self) -> u64 {
        self.clock.pass_micros.load(Ordering::Relaxed)
    }

    /// The clock, its pacing task started on first use (inside the server's runtime).
    fn clock(&self) -> &Arc<PassClock> {
        self.clock_started.get_or_init(|| {
            tokio::spawn(pace(Arc::downgrade(&self.clock)));
        });
        &self.clock
    }
}

/// Writes to every stream go in passes, one at a time: a stream with frames waiting joins the next
/// pass, and a pass starts on the next tick once the previous one has finished (or run past
/// `PASS_MAX`). Under load, passes run back to back and each carries everything that gathered
/// meanwhile, so a burst of events costs each socket one write, and an event reaches the first and
/// the last window within one pass rather than the first windows being written again and again
/// while the last still wait for it.
struct PassClock {
    state: std::sync::Mutex<PassState>,
    /// The pass that may write now: its number and when it began.
    started: tokio::sync::watch::Sender<(u64, std::time::Instant)>,
    /// A stream joined the next pass.
    joined: tokio::sync::Notify,
    /// The last stream of the current pass finished writing.
    finished: tokio::sync::Notify,
    /// Microseconds passes took, from start to their last write (or `PASS_MAX`), summed.
    pass_micros: AtomicU64,
}

#[derive(Default)]
struct PassState {
    pass: u64,
    /// Streams waiting for the next pass.
    joined: usize,
    /// Streams of the current pass still writing.
    writing: usize,
}

/// How long a pass may hold the next one back: a client that stops reading must not stop the others.
const PASS_MAX: Duration = Duration::from_millis(100);

impl Default for PassClock {
    fn default() -> Self {
        PassClock {
            state: Default::default(),
            started: tokio::sync::watch::Sender::new((0, std::time::Instant::now())),
            joined: Default::default(),
            finished: Default::default(),
            pass_micros: Default::default(),
        }
    }
}

impl PassClock {
    fn state(&self) -> std::sync::MutexGuard<'_, PassState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Joins the next pass and waits for it to start; returns its number and when it began.
    async fn join(&self) -> (u64, std::time::Instant) {
        let mut started = self.started.subscribe();
        let pass = {
            let mut state = self.state();
            state.joined += 1;
            state.pass + 1
        };
        self.joined.notify_one();
        // The sender lives as long as the clock, which outlives every stream.
        let began = match started.wait_for(|(now, _)| *now >= pass).await {
            Ok(now) => now.1,
            Err(_) => std::time::Instant::now(),
        };
        (pass, began)
    }

    /// This stream has written its part of `pass`.
    fn done(&self, pass: u64) {
        let mut state = self.state();
        if state.pass == pass && state.writing > 0 {
            state.writing -= 1;
            if state.writing == 0 {
                self.finished.notify_one();
            }
        }
    }
}

/// Starts passes while the node lives: on the next tick after a stream joins, and never while the
/// previous pass is still writing (up to `PASS_MAX`).
async fn pace(clock: std::sync::Weak<PassClock>) {
    loop {
        let Some(c) = clock.upgrade() else { return };
        // Wait (re-checking now and then that the node still lives) until a stream has joined.
        let joined = c.joined.notified();
        if c.state().joined == 0 {
            let _ = tokio::time::timeout(Duration::from_secs(1), joined).await;
            continue;
        }
        drop(joined);
        tokio::time::sleep_until(next_tick(Instant::now())).await;
        let finished = c.finished.notified();
        tokio::pin!(finished);
        finished.as_mut().enable();
        let pass = {
            let mut state = c.state();
            state.pass += 1;
            state.writing = std::mem::take(&mut state.joined);
            state.pass
        };
        let began = std::time::Instant::now();
        c.started.send_replace((pass, began));
        let _ = tokio::time::timeout(PASS_MAX, finished).await;
        c.pass_micros.fetch_add(
            u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

const STREAM_READ_BUFFER: usize = 4 * 1024;
const STREAM_WRITE_BUFFER: usize = 16 * 1024;
const STREAM_MAX_WRITE_BUFFER: usize = 1024 * 1024;
/// How long one write may wait on a client that stopped reading before its stream is closed.
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The most frames gathered into one write.
const STREAM_BATCH: usize = 256;
/// A job's events come in bursts (queued, started, a progress step every few milliseconds, completed):
/// an idle node starts a pass on the next tick of this clock, so a burst gathers into one write. A person
/// sees a tick as no delay at all.
const STREAM_TICK: Duration = Duration::from_millis(10);

/// The next tick of the clock every stream of this process flushes on.
fn next_tick(now: Instant) -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    let epoch = *EPOCH.get_or_init(Instant::now);
    let tick = STREAM_TICK.as_nanos();
    let ticks = now.saturating_duration_since(epoch).as_nanos() / tick + 1;
    epoch + Duration::from_nanos(u64::try_from(ticks * tick).unwrap_or(u64::MAX))
}

pub(crate) async fn events(
    State(http): State<Http>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let resolved = match http.resolve(&headers).await {
        Ok(r) => r,
        Err(e) => return ApiError(e).into_response(),
    };
    // Browsers send cookies (and reach loopback) on cross-site WebSocket handshakes: `guard::check`
    // refused every handshake whose Origin is not this server before it got here.
    let caller = resolved.caller;
    let Some(viewer) = Viewer::of(&caller) else {
        return ApiError(Error::new(
            ErrorCode::Unauthenticated,
            "sign in to receive events",
        ))
        .into_response();
    };
    let session = match &caller {
        Caller::User { session, .. } => session.clone(),
        _ => None,
    };
    let node = http.0.clone();
    // Past its budget a stream is refused out loud, so the descriptors left keep plain requests
    // (and /healthz) answering; the client retries with backoff.
    let Some(slot) = StreamSlot::take(&node) else {
        tracing::warn!(
            open = node.live.streams.load(Ordering::Relaxed),
            "refused a live event stream: the open-files budget for streams is spent"
        );
        return ApiError(Error::new(
            ErrorCode::Unavailable,
            "this server has as many live connections as it can hold; try again shortly",
        ))
        .into_response();
    };
    // Subscribed before the upgrade answers, so nothing published from then on is missed.
    let subscription = node.app.events.subscribe(viewer);
    // Clients send nothing but pings and closes: a small read buffer (the default is 128 KiB a
    // socket), and frames written as they are flushed.
    ws.read_buffer_size(STREAM_READ_BUFFER)
        .write_buffer_size(STREAM_WRITE_BUFFER)
        .max_write_buffer_size(STREAM_MAX_WRITE_BUFFER)
        .on_upgrade(move |socket| async move {
            pump_events(node, subscription, session, socket).await;
            drop(slot);
        })
}

/// One live event stream counted against the node's budget while it lives.
struct StreamSlot(Arc<Node>);

impl StreamSlot {
    fn take(node: &Arc<Node>) -> Option<StreamSlot> {
        let budget = crate::open_files::stream_budget(crate::open_files::raise_limit())
            .min(node.config.max_event_streams.unwrap_or(usize::MAX));
        node.live
            .streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < budget).then_some(n + 1)
            })
            .ok()
            .map(|_| StreamSlot(node.clone()))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.live.streams.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A frame for the socket and whether it ends the stream (its session was signed out).
fn outgoing(received: Received, session: Option<&str>) -> Option<(Arc<str>, bool)> {
    match received {
        Received::Event(delivery) => {
            let ends = session.is_some_and(|s| delivery.event().ends_session(s));
            Some((delivery.json(), ends))
        }
        Received::Missed(missed) => {
            tracing::warn!(
                missed,
                "a slow WebSocket client missed events: told to resync"
            );
            Some((frame(&Event::Resync { missed }), false))
        }
        Received::Closed => None,
    }
}

/// Writes `frames` as one flush, within the write timeout; false when the client is gone or stuck.
async fn write_frames(stats: &LiveStats, socket: &mut WebSocket, frames: Vec<Arc<str>>) -> bool {
    let count = frames.len() as u64;
    let write = async {
        for text in frames {
            let text: &str = &text;
            socket.feed(Message::Text(text.into())).await?;
        }
        socket.flush().await
    };
    let written = matches!(
        tokio::time::timeout(STREAM_WRITE_TIMEOUT, write).await,
        Ok(Ok(()))
    );
    if written {
        stats.frames.fetch_add(count, Ordering::Relaxed);
        stats.writes.fetch_add(1, Ordering::Relaxed);
    }
    written
}

/// Sends the events the core's audience rule lets this viewer receive, until either side closes or
/// the session that opened the stream is signed out. A client that fell behind is told to resync.
async fn pump_events(
    node: Arc<Node>,
    mut subscription: Subscription,
    session: Option<String>,
    mut socket: WebSocket,
) {
    let mut stopping = node.stopping.subscribe();
    // An event published after a pass began waits for the next pass, the one every window gets it in.
    let mut held: Option<Received> = None;
    loop {
        let first = match held.take() {
            Some(received) => received,
            None => tokio::select! {
                _ = stopping.changed() => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                received = subscription.recv() => received,
                msg = socket.recv() => match msg {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                },
            },
        };
        let clock = node.live.clock();
        let (pass, began) = clock.join().await;
        // Everything published before the pass began goes out in one write.
        let mut frames = Vec::new();
        let mut ends = false;
        let mut next = Some(first);
        while let Some(received) = next.take() {
            if !frames.is_empty() && published_after(&received, began) {
                held = Some(received);
                break;
            }
            let Some((text, ending)) = outgoing(received, session.as_deref()) else {
                clock.done(pass);
                return;
            };
            frames.push(text);
            ends |= ending;
            if !ends && frames.len() < STREAM_BATCH {
                next = subscription.try_recv();
            }
        }
        let written = write_frames(&node.live, &mut socket, frames).await;
        clock.done(pass);
        if !written {
            tracing::debug!("a live event stream's client is gone or stopped reading");
            return;
        }
        if ends {
            let _ = socket.send(Message::Close(None)).await;
            return;
        }
    }
}

fn published_after(received: &Received, began: std::time::Instant) -> bool {
    matches!(received, Received::Event(d) if d.published_at > began)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pass_starts_once_every_stream_of_the_previous_one_has_written() {
        let clock = Arc::new(PassClock::default());
        tokio::spawn(pace(Arc::downgrade(&clock)));
        let ((a, first_began), (b, _)) = tokio::join!(clock.join(), clock.join());
        assert_eq!(a, b, "streams that joined together write in the same pass");
        let late = tokio::spawn({
            let clock = clock.clone();
            async move { clock.join().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        let all_written = std::time::Instant::now();
        clock.done(a);
        clock.done(b);
        let (next, next_began) = late.await.expect("joined");
        assert_eq!(next, a + 1);
        assert!(
            next_began >= all_written || next_began >= first_began + PASS_MAX,
            "the next pass began before this one had written"
        );
    }

    #[tokio::test]
    async fn a_stream_that_stops_writing_holds_the_next_pass_back_at_most_pass_max() {
        let clock = Arc::new(PassClock::default());
        tokio::spawn(pace(Arc::downgrade(&clock)));
        let (stuck, began) = clock.join().await;
        let (next, next_began) = clock.join().await;
        assert_eq!(next, stuck + 1);
        assert!(next_began >= began + PASS_MAX);
        // Its write, when it comes, does not count against the pass that followed.
        clock.done(stuck);
        assert_eq!(clock.state().writing, 1);
    }

    #[test]
    fn every_stream_flushes_on_the_same_ticks() {
        // The clock starts at its first use.
        next_tick(Instant::now());
        let now = Instant::now();
        let a = next_tick(now);
        let b = next_tick(now + Duration::from_millis(3));
        assert!(a > now && a <= now + STREAM_TICK);
        assert!(b >= a && b <= a + STREAM_TICK);
        // Two moments within one tick share the instant they flush at.
        assert_eq!(next_tick(a - Duration::from_micros(1)), a);
        assert_eq!(next_tick(a), a + STREAM_TICK);
    }
}
