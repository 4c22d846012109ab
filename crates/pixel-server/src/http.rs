//! The HTTP transport: operations at `POST /api/ops/{method}`, live events over a WebSocket, media,
//! the API description, health, metrics and the web UI, with graceful shutdown.

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pixel_core::{Caller, Error, ErrorCode, JobState};
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
        .route("/api/export/images.zip", get(crate::export::export_images))
        .route(
            "/api/export/account.zip",
            get(crate::export::export_account),
        )
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
        .route("/api/events", get(crate::live::events))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/media/{image_id}/{variant}",
            get(crate::media::serve_media),
        )
        .route("/media-link/{image_id}", get(crate::media::serve_link))
        .route("/p/{image_id}", get(crate::share::share_page))
        .route("/blog", get(crate::public_pages::blog_index_page))
        .route("/blog/{slug}", get(crate::public_pages::post_page))
        .route("/whats-new", get(crate::public_pages::whats_new_page))
        .route("/u/{username}", get(crate::public_pages::profile_page))
        .route("/sitemap.xml", get(crate::public_pages::sitemap))
        .route("/robots.txt", get(crate::public_pages::robots))
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
    let live = &http.0.live;
    for (name, help, value) in [
        (
            "pixel_jobs_submitted_total",
            "Generation jobs accepted.",
            m.jobs_submitted.load(Ordering::Relaxed),
        ),
        (
            "pixel_jobs_started_total",
            "Job attempts started on this node.",
            m.jobs_started.load(Ordering::Relaxed),
        ),
        (
            "pixel_jobs_retried_total",
            "Attempts that failed temporarily and were retried.",
            m.jobs_retried.load(Ordering::Relaxed),
        ),
        (
            "pixel_jobs_recovered_total",
            "Jobs taken over after their worker stopped.",
            m.jobs_recovered.load(Ordering::Relaxed),
        ),
        (
            "pixel_event_frames_total",
            "Live event frames sent over every stream.",
            live.frames.load(Ordering::Relaxed),
        ),
        (
            "pixel_event_writes_total",
            "Socket writes those frames took (frames are gathered per write).",
            live.writes.load(Ordering::Relaxed),
        ),
        (
            "pixel_event_passes_total",
            "Passes over the streams with frames to send (each stream writes at most once a pass).",
            live.passes(),
        ),
        (
            "pixel_event_pass_us_sum",
            "Microseconds those passes took, from start to their last write.",
            live.pass_micros(),
        ),
        (
            "pixel_job_duration_ms_sum",
            "Submit-to-finish milliseconds of succeeded jobs.",
            m.job_ms_sum.load(Ordering::Relaxed),
        ),
    ] {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
        ));
    }
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
    out.push_str(&format!(
        "# HELP pixel_event_streams Live event streams open now.\n# TYPE pixel_event_streams gauge\npixel_event_streams {}\n",
        live.streams.load(Ordering::Relaxed)
    ));
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
