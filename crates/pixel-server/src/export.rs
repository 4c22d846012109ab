//! `GET /api/export/images.zip`: the caller's chosen images (`ids=a,b,c`), or every image of their
//! library a filter matches (`text`, `model`, `from`, `to`, `set_id`, `tag`, `collection_id`); and
//! `GET /api/export/account.zip`: the whole account (its data as JSON documents, then every image).
//! Each is a zip streamed while it is written (`pixel_infra::export`), so a browser downloads it with
//! its own progress and the server holds one image at a time.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pixel_core::ops::exports::{ExportPlan, ExportQuery};
use pixel_core::registry::RateClass;
use pixel_core::Error;
use tokio::sync::mpsc;

use crate::http::{ApiError, Http};

/// Chunks (about one image each) written ahead of what the client has read.
const CHUNKS_AHEAD: usize = 4;

/// The query's fields as an export, or a clear error for anything else.
fn export_query(params: HashMap<String, String>) -> Result<ExportQuery, Error> {
    let mut query = ExportQuery::default();
    for (key, value) in params {
        let slot = match key.as_str() {
            "ids" => {
                query.image_ids = Some(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|id| !id.is_empty())
                        .map(str::to_string)
                        .collect(),
                );
                continue;
            }
            "from" | "to" => {
                let at = value.parse().map_err(|_| {
                    Error::invalid(format!("'{key}' is a time in milliseconds, not '{value}'"))
                })?;
                if key == "from" {
                    query.from = Some(at);
                } else {
                    query.to = Some(at);
                }
                continue;
            }
            "text" => &mut query.text,
            "model" => &mut query.model,
            "set_id" => &mut query.set_id,
            "tag" => &mut query.tag,
            "collection_id" => &mut query.collection_id,
            other => {
                return Err(Error::invalid(format!(
                    "unknown export parameter '{other}' (ids, text, model, from, to, set_id, tag or collection_id)"
                )))
            }
        };
        *slot = Some(value);
    }
    Ok(query)
}

pub async fn export_images(
    State(http): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    let (node, caller) = reader(&http, &peer, &headers).await?;
    let query = export_query(params).map_err(to_response)?;
    // Every check happens here, before the first byte: a refused export is an error, never a zip.
    let plan = ExportPlan::new(&node.app, &caller, query)
        .await
        .map_err(to_response)?;
    Ok(zip_response(&node.app, plan, "export"))
}

pub async fn export_account(
    State(http): State<Http>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    let (node, caller) = reader(&http, &peer, &headers).await?;
    if let Some(other) = params.keys().next() {
        return Err(to_response(Error::invalid(format!(
            "the account export takes no parameters ('{other}')"
        ))));
    }
    let whole = ExportQuery {
        whole_account: Some(true),
        ..Default::default()
    };
    let plan = ExportPlan::new(&node.app, &caller, whole)
        .await
        .map_err(to_response)?;
    Ok(zip_response(&node.app, plan, "account"))
}

/// The node and the caller of an export, counted as a read (exports are reads, and rate-limited so).
async fn reader(
    http: &Http,
    peer: &SocketAddr,
    headers: &HeaderMap,
) -> Result<(std::sync::Arc<crate::Node>, pixel_core::Caller), Response> {
    let node = http.0.clone();
    let caller = http.caller(headers).await.map_err(to_response)?;
    if let Some(limits) = &node.limits {
        let address = node.auth.client_ip(peer, headers);
        limits
            .check(RateClass::Read, &caller, address)
            .map_err(IntoResponse::into_response)?;
    }
    Ok((node, caller))
}

/// The plan written as a streamed zip download named `pixel-studio-<kind>-<date>.zip`.
fn zip_response(app: &pixel_core::App, plan: ExportPlan, kind: &str) -> Response {
    let count = plan.chosen_count();
    let stamp = pixel_core::ops::exports::export_stamp(app.clock.now_ms());
    let (tx, rx) = mpsc::channel(CHUNKS_AHEAD);
    let app = app.clone();
    tokio::spawn(async move {
        pixel_infra::export::stream_export(&app, plan, tx, |_| {}).await;
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let name = format!("attachment; filename=\"pixel-studio-{kind}-{stamp}.zip\"");
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = count {
        h.insert("x-export-images", HeaderValue::from(n));
    }
    response
}

fn to_response(e: Error) -> Response {
    ApiError(e).into_response()
}
