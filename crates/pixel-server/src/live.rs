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

/// The node's live streams, for its budget and its metrics.
#[derive(Debug, Default)]
pub struct LiveStats {
    /// Streams open now, against the budget the open-files limit leaves them.
    pub streams: AtomicUsize,
    /// Event frames sent, over every stream.
    pub frames: AtomicU64,
    /// Socket writes those frames took (several frames gathered per write).
    pub writes: AtomicU64,
}

const STREAM_READ_BUFFER: usize = 4 * 1024;
const STREAM_WRITE_BUFFER: usize = 16 * 1024;
const STREAM_MAX_WRITE_BUFFER: usize = 1024 * 1024;
/// How long one write may wait on a client that stopped reading before its stream is closed.
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The most frames gathered into one write.
const STREAM_BATCH: usize = 256;
/// A job's events come in bursts (queued, started, a progress step every few milliseconds, completed).
/// Each stream writes what gathered on the next tick of one clock every stream shares: a burst goes out
/// in a few writes per socket instead of one per event, and one event reaches every window within a
/// single pass over the sockets, instead of the first windows being written again before the last have
/// had it once. A person sees a tick as no delay at all.
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
    loop {
        tokio::select! {
            _ = stopping.changed() => {
                let _ = socket.send(Message::Close(None)).await;
                return;
            }
            received = subscription.recv() => {
                tokio::time::sleep_until(next_tick(Instant::now())).await;
                // Everything that gathered until the tick goes out in the same write.
                let mut frames = Vec::new();
                let mut ends = false;
                let mut next = Some(received);
                while let Some(received) = next.take() {
                    let Some((text, ending)) = outgoing(received, session.as_deref()) else {
                        return;
                    };
                    frames.push(text);
                    ends |= ending;
                    if !ends && frames.len() < STREAM_BATCH {
                        next = subscription.try_recv();
                    }
                }
                if !write_frames(&node.live, &mut socket, frames).await {
                    tracing::debug!("a live event stream's client is gone or stopped reading");
                    return;
                }
                if ends {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
