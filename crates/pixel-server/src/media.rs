//! The `/media/<id>/<variant>` route: the caller resolved from the request, then the one media
//! response of `pixel_infra::serve` (privacy in core, ETag, 304, ranges).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use pixel_core::Error;
use pixel_infra::serve::{media_response, MediaBody, Variant};

use crate::http::{ApiError, Http};

pub async fn serve_media(
    State(http): State<Http>,
    Path((image_id, variant)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = http.caller(&headers).await?;
    let variant = Variant::parse(&variant).ok_or_else(|| Error::not_found("media variant"))?;
    let response = media_response(
        &http.0.app,
        &caller,
        &image_id,
        variant,
        method == Method::HEAD,
        &headers,
    )
    .await?;
    Ok(response
        .map(|body| match body {
            MediaBody::Empty => Body::empty(),
            MediaBody::Bytes(bytes) => Body::from(bytes),
            MediaBody::Stream(stream) => Body::from_stream(stream),
        })
        .into_response())
}
