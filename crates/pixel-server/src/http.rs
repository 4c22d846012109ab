//! The HTTP transport: operations at `POST /api/ops/{method}`, live events over a WebSocket, media,
//! the API description, health, metrics and the web UI, with graceful shutdown.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::SinkExt;
use pixel_core::events::{frame, Received, Subscription, Viewer};
use pixel_core::{Caller, Error, ErrorCode, Event, JobState};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::Node;

#[derive(Clone)]
pub struct Http(pub Arc<Node>);

/// An error as JSON `{ "error": { "code", "message" } }` with the code's status.
pub struct ApiError(pub Error);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(serde_json::json!({ "error": self.0 }))).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl Http {
    /// Who is calling and how they authenticated. In single-owner mode every request is the local
    /// owner, which is why the server refuses non-loopback addresses in that mode (see `serve`).
    pub async fn resolve(&self, headers: &HeaderMap) -> Result<crate::auth::Resolved, Error> {
        self.0
            .auth
            .resolve(&self.0.app, &self.0.owner, headers)
            .await
    }

    pub async fn caller(&self, headers: &HeaderMap) -> Result<Caller, Error> {
        Ok(self.resolve(headers).await?.caller)
    }
}

pub fn router(node: Arc<Node>) -> Router {
    let ui_dir = node.config.ui_dir.clone();
    let index = ui_dir.join("index.html");
    let ui = tower_http::services::ServeDir::new(&ui_dir)
        .precompressed_gzip()
        .fallback(tower_http::services::ServeFile::new(index.clone()));
    let state = Http(node);
    let router = Router::new()
        // `call_op` reads the body itself, with the operation's own limit, once the caller is known.
        .route(
            "/api/ops/{method}",
            post(call_op).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/api/me", get(crate::auth::get_me))
        .route(
            "/api/payments/stripe",
            post(crate::payments::stripe_webhook).layer(axum::extract::DefaultBodyLimit::max(
                crate::payments::MAX_WEBHOOK_BYTES,
            )),
        )
        .route(
            "/api/prints/printful",
            post(crate::printful::printful_webhook).layer(axum::extract::DefaultBodyLimit::max(
                crate::printful::MAX_WEBHOOK_BYTES,
            )),
        )
        .route(
            "/api/prints/{order_id}/file",
            get(crate::printful::print_file),
        )
        .route("/auth/google", get(crate::auth::start))
        .route("/auth/google/callback", get(crate::auth::callback))
        .route("/auth/desktop", get(crate::auth::desktop_start))
        .route("/auth/desktop/token", post(crate::auth::desktop_token))
        .route("/auth/logout", post(crate::auth::logout))
        .route("/api/events", get(events))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/media/{image_id}/{variant}",
            get(crate::media::serve_media),
        )
        .route("/p/{image_id}", get(crate::share::share_page))
        .with_state(state.clone());
    let router = if index.exists() {
        router.fallback_service(ui)
    } else {
        router.fallback(get(ui_missing))
    };
    router.layer(axum::middleware::from_fn_with_state(
        state,
        crate::guard::check,
    ))
}

async fn ui_missing() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Pixel Studio</title><body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\">\
         <h1>Pixel Studio server is running</h1><p>The web UI has not been built. Run <code>npm ci &amp;&amp; npm run build</code> \
         in <code>ui/</code>, or use the README's start command, which does it for you. The API is at \
         <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body>",
    )
}

async fn call_op(
    State(http): State<Http>,
    Path(method): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, Response> {
    let resolved = http.resolve(&headers).await.map_err(api_error)?;
    let node = &http.0;
    let op = node.registry.get(&method);
    if op.is_some_and(|op| op.kind == pixel_core::registry::OpKind::Write) {
        resolved.check_csrf(&headers).map_err(api_error)?;
    }
    let caller = resolved.caller;
    // Counted before the body is read: a caller over the limit costs the server nothing more.
    if let (Some(limits), Some(op)) = (&node.limits, op) {
        let address = node.auth.client_ip(&peer, &headers);
        limits
            .check(op.rate, &caller, address)
            .map_err(IntoResponse::into_response)?;
    }
    // Large inputs (images) only for the operations that take them, and only from signed-in callers:
    // nothing is buffered in bulk for a stranger.
    let limit = match op {
        Some(op) if caller.user_id().is_ok() => op.max_input_bytes,
        _ => pixel_core::registry::DEFAULT_MAX_INPUT_BYTES,
    };
    let body = axum::body::to_bytes(body, limit).await.map_err(|_| {
        api_error(Error::new(
            ErrorCode::PayloadTooLarge,
            format!("the body is over this operation's limit of {limit} bytes"),
        ))
    })?;
    let input: serde_json::Value = if body.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            api_error(Error::new(
                ErrorCode::InvalidBody,
                format!("the body is not valid JSON: {e}"),
            ))
        })?
    };
    let out = node
        .registry
        .call_json(&node.app, &caller, &method, input)
        .await
        .map_err(api_error)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

fn api_error(e: Error) -> Response {
    ApiError(e).into_response()
}

async fn events(State(http): State<Http>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
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
            open = node.live_streams.load(Ordering::Relaxed),
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

const STREAM_READ_BUFFER: usize = 4 * 1024;
const STREAM_WRITE_BUFFER: usize = 16 * 1024;
const STREAM_MAX_WRITE_BUFFER: usize = 1024 * 1024;
/// How long one write may wait on a client that stopped reading before its stream is closed.
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The most frames gathered into one write.
const STREAM_BATCH: usize = 64;

/// One live event stream counted against the node's budget while it lives.
struct StreamSlot(Arc<Node>);

impl StreamSlot {
    fn take(node: &Arc<Node>) -> Option<StreamSlot> {
        let budget = crate::open_files::stream_budget(crate::open_files::raise_limit())
            .min(node.config.max_event_streams.unwrap_or(usize::MAX));
        node.live_streams
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < budget).then_some(n + 1)
            })
            .ok()
            .map(|_| StreamSlot(node.clone()))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.live_streams.fetch_sub(1, Ordering::AcqRel);
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
async fn write_frames(socket: &mut WebSocket, frames: Vec<Arc<str>>) -> bool {
    let write = async {
        for text in frames {
            let text: &str = &text;
            socket.feed(Message::Text(text.into())).await?;
        }
        socket.flush().await
    };
    matches!(
        tokio::time::timeout(STREAM_WRITE_TIMEOUT, write).await,
        Ok(Ok(()))
    )
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
                // What else is already waiting goes out in the same write.
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
                if !write_frames(&mut socket, frames).await {
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

async fn openapi(State(http): State<Http>) -> Json<serde_json::Value> {
    Json(crate::openapi::document(&http.0.registry))
}

async fn healthz(State(http): State<Http>) -> Response {
    match http.0.app.store.jobs().count_jobs(JobState::Queued).await {
        Ok(_) => (
            StatusCode::OK,
            Json(serde_json::json!({"status": "ok", "database": http.0.app.store.dialect()})),
        )
            .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "unavailable", "error": e.message})),
        )
            .into_response(),
    }
}

/// Whether a client may read `/metrics`: with `PIXEL_METRICS_TOKEN` set, whoever presents it; without,
/// loopback clients only (a scraper on the same machine, or behind the trusted proxy's own rules).
fn metrics_allowed(node: &Node, peer: &SocketAddr, headers: &HeaderMap) -> bool {
    match &node.config.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                pixel_core::account::hash_secret(given.trim())
                    == pixel_core::account::hash_secret(token)
            }),
        None => node.auth.client_ip(peer, headers).is_loopback(),
    }
}

async fn metrics(
    State(http): State<Http>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if !metrics_allowed(&http.0, &peer, &headers) {
        return ApiError(Error::new(
            ErrorCode::Forbidden,
            "metrics are for this machine or for holders of PIXEL_METRICS_TOKEN",
        ))
        .into_response();
    }
    let app = &http.0.app;
    let m = &app.metrics;
    let mut out = String::new();
    let mut counter = |name: &str, help: &str, v: u64| {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}\n"
        ));
    };
    counter(
        "pixel_jobs_submitted_total",
        "Generation jobs accepted.",
        m.jobs_submitted.load(Ordering::Relaxed),
    );
    counter(
        "pixel_jobs_started_total",
        "Job attempts started on this node.",
        m.jobs_started.load(Ordering::Relaxed),
    );
    counter(
        "pixel_jobs_retried_total",
        "Attempts that failed temporarily and were retried.",
        m.jobs_retried.load(Ordering::Relaxed),
    );
    counter(
        "pixel_jobs_recovered_total",
        "Jobs taken over after their worker stopped.",
        m.jobs_recovered.load(Ordering::Relaxed),
    );
    counter(
        "pixel_job_duration_ms_sum",
        "Submit-to-finish milliseconds of succeeded jobs.",
        m.job_ms_sum.load(Ordering::Relaxed),
    );
    out.push_str("# HELP pixel_jobs_finished_total Jobs that reached a final state.\n# TYPE pixel_jobs_finished_total counter\n");
    for (state, c) in [
        ("succeeded", &m.jobs_succeeded),
        ("failed", &m.jobs_failed),
        ("cancelled", &m.jobs_cancelled),
        ("moderated", &m.jobs_moderated),
    ] {
        out.push_str(&format!(
            "pixel_jobs_finished_total{{state=\"{state}\"}} {}\n",
            c.load(Ordering::Relaxed)
        ));
    }
    out.push_str("# HELP pixel_jobs Jobs in the store by state.\n# TYPE pixel_jobs gauge\n");
    for state in [JobState::Queued, JobState::Running] {
        let n = app.store.jobs().count_jobs(state).await.unwrap_or(-1);
        out.push_str(&format!("pixel_jobs{{state=\"{}\"}} {n}\n", state.as_str()));
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

/// Whether serving single-owner mode on `addr` would expose the owner's library to a network.
pub fn exposes_owner(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Serves until `shutdown` resolves, then drains requests and hands running jobs back to the queue.
pub async fn serve(
    node: Arc<Node>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let single_owner = node.auth.mode == pixel_core::account::AuthMode::SingleOwner;
    if single_owner && exposes_owner(&addr) && !node.config.allow_public_owner {
        anyhow::bail!(
            "refusing to serve {addr}: without sign-in every visitor would be the owner. Bind to 127.0.0.1 \
             or set PIXEL_ALLOW_PUBLIC_OWNER=true if this network is trusted"
        );
    }
    // Thousands of live event streams need thousands of descriptors; accept errors (such as running
    // out of them) are logged by axum's own tracing.
    let open_files = crate::open_files::raise_limit();
    let runner = pixel_core::runner::Runner::start(&node.app).await?;
    let print_retries = tokio::spawn(crate::printful::retry_loop(node.clone()));
    tracing::info!(%addr, database = node.app.store.dialect(), sign_in = !single_owner, open_files, "Pixel Studio is listening on http://{addr}");
    let stopping = node.stopping.clone();
    let shutdown = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    axum::serve(
        listener,
        router(node.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    print_retries.abort();
    tracing::info!("stopping: finishing running jobs");
    runner.shutdown(Duration::from_secs(20)).await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
