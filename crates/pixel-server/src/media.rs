//! Media serving: originals and thumbnails by image id, privacy checked in core, with ETag,
//! immutable caching and single-range requests.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pixel_core::ops::{images_get, ImageRef};
use pixel_core::{Error, ErrorCode};
use pixel_infra::range::parse_range;

use crate::http::{ApiError, Http};

pub async fn serve_media(
    State(http): State<Http>,
    Path((image_id, variant)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let node = &http.0;
    let caller = http.caller(&headers).await?;
    let image = images_get(&node.app, &caller, ImageRef { image_id }).await?;
    let (key, mime) = match variant.as_str() {
        "original" => (image.sha256, image.mime),
        "thumb" => (image.thumb_sha256, "image/webp".to_string()),
        _ => return Err(Error::not_found("media variant").into()),
    };
    let etag = format!("\"{key}\"");
    let mut base = HeaderMap::new();
    base.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(Error::internal)?,
    );
    // Private: a shared cache must never hand one user's image to another.
    base.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    base.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    base.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime).map_err(Error::internal)?,
    );
    base.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return Ok((StatusCode::NOT_MODIFIED, base).into_response());
    }
    let bytes = node.app.blobs.get(&key).await?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            "the media file is missing from storage",
        )
    })?;
    let len = bytes.len() as u64;
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    // A range for another version of the file is ignored, as RFC 9110 says for If-Range mismatches.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    match range.filter(|_| if_range_ok) {
        None => {
            base.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            Ok((StatusCode::OK, base, Body::from(bytes)).into_response())
        }
        Some(r) => match parse_range(r, len) {
            Some((start, end)) => {
                let part = bytes[start as usize..=end as usize].to_vec();
                base.insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes {start}-{end}/{len}"))
                        .map_err(Error::internal)?,
                );
                base.insert(header::CONTENT_LENGTH, HeaderValue::from(part.len() as u64));
                Ok((StatusCode::PARTIAL_CONTENT, base, Body::from(part)).into_response())
            }
            None => {
                base.insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{len}")).map_err(Error::internal)?,
                );
                Ok((StatusCode::RANGE_NOT_SATISFIABLE, base).into_response())
            }
        },
    }
}
