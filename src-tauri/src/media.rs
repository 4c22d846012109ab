//! The `pixel` URI scheme: originals and thumbnails to the webview by image id
//! (`pixel://localhost/media/<id>/original|thumb`, `http://pixel.localhost/...` on Windows), read
//! through the core as the owner, with Content-Type, ETag, immutable caching and single ranges.
//! Bytes go straight to the webview's network stack, never through IPC.

use pixel_core::ops::{images_get, ImageRef};
use pixel_core::{Error, ErrorCode};
use pixel_infra::range::parse_range;
use tauri::http::{header, Method, Request, Response, StatusCode};

use crate::core::DesktopCore;
use crate::deeplink::valid_id;

/// The scheme's name, as registered with the webview.
pub const SCHEME: &str = "pixel";

/// The origin media URLs start with on this platform (Windows' WebView2 serves custom schemes as
/// `http://<scheme>.localhost`).
pub fn media_base() -> &'static str {
    if cfg!(any(windows, target_os = "android")) {
        "http://pixel.localhost"
    } else {
        "pixel://localhost"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumb,
}

/// `/media/<id>/<variant>` -> (id, variant); None for anything else.
pub fn parse_media_path(path: &str) -> Option<(&str, Variant)> {
    let rest = path.strip_prefix("/media/")?;
    let (id, variant) = rest.split_once('/')?;
    let variant = match variant {
        "original" => Variant::Original,
        "thumb" => Variant::Thumb,
        _ => return None,
    };
    valid_id(id).then_some((id, variant))
}

pub fn error_response(error: &Error) -> Response<Vec<u8>> {
    let status =
        StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({ "error": error })
        .to_string()
        .into_bytes();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .unwrap_or_else(|_| Response::new(Vec::new()))
}

/// Answers one request of the webview.
pub async fn respond(core: &DesktopCore, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    match try_respond(core, request).await {
        Ok(response) => response,
        Err(e) => error_response(&e),
    }
}

async fn try_respond(
    core: &DesktopCore,
    request: &Request<Vec<u8>>,
) -> Result<Response<Vec<u8>>, Error> {
    let head = match *request.method() {
        Method::GET => false,
        Method::HEAD => true,
        _ => {
            return Err(Error::new(
                ErrorCode::InvalidBody,
                "media is read with GET or HEAD",
            ))
        }
    };
    let (image_id, variant) =
        parse_media_path(request.uri().path()).ok_or_else(|| Error::not_found("media"))?;
    let image = images_get(
        &core.app,
        core.owner(),
        ImageRef {
            image_id: image_id.to_string(),
        },
    )
    .await?;
    let (key, mime) = match variant {
        Variant::Original => (image.sha256, image.mime),
        Variant::Thumb => (image.thumb_sha256, "image/webp".to_string()),
    };
    let etag = format!("\"{key}\"");
    let headers = request.headers();
    let base = Response::builder()
        .header(header::ETAG, &etag)
        // The content under an id never changes (content-addressed), so the webview may keep it.
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, &mime)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let matches_etag = |v: &str| v.split(',').any(|t| t.trim() == etag || t.trim() == "*");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(matches_etag)
    {
        return base
            .status(StatusCode::NOT_MODIFIED)
            .body(Vec::new())
            .map_err(Error::internal);
    }
    let bytes = core.app.blobs.get(&key).await?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            "the media file is missing from the library",
        )
    })?;
    let len = bytes.len() as u64;
    // A range for another version of the file is ignored, as RFC 9110 says for If-Range mismatches.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.trim() == etag);
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok);
    let (status, body, base) = match range {
        None => (StatusCode::OK, bytes, base),
        Some(r) => match parse_range(r, len) {
            Some((start, end)) => (
                StatusCode::PARTIAL_CONTENT,
                bytes[start as usize..=end as usize].to_vec(),
                base.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
            ),
            None => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                Vec::new(),
                base.header(header::CONTENT_RANGE, format!("bytes */{len}")),
            ),
        },
    };
    base.status(status)
        .header(header::CONTENT_LENGTH, body.len())
        .body(if head { Vec::new() } else { body })
        .map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            parse_media_path("/media/abc_1-2/thumb"),
            Some(("abc_1-2", Variant::Thumb))
        );
        assert_eq!(
            parse_media_path("/media/abc/original"),
            Some(("abc", Variant::Original))
        );
        for bad in [
            "/media/abc/big",
            "/media/abc",
            "/media//thumb",
            "/media/a.b/thumb",
            "/media/abc/thumb/x",
            "/other/abc/thumb",
            "/media/%2e%2e/thumb",
        ] {
            assert_eq!(parse_media_path(bad), None, "{bad}");
        }
    }
}
