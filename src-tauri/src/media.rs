//! The `pixel` URI scheme: originals and thumbnails to the webview by image id
//! (`pixel://localhost/media/<id>/original|thumb`, `http://pixel.localhost/...` on Windows), read
//! through the core as the owner, with the server's own media response (`pixel_infra::serve`).
//! Bytes go straight to the webview's network stack, never through IPC.

use pixel_core::{Error, ErrorCode};
use pixel_infra::serve::{media_response, Variant};
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

/// `/media/<id>/<variant>` -> (id, variant); None for anything else.
pub fn parse_media_path(path: &str) -> Option<(&str, Variant)> {
    let rest = path.strip_prefix("/media/")?;
    let (id, variant) = rest.split_once('/')?;
    let variant = Variant::parse(variant)?;
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
    let response = media_response(
        &core.app,
        core.owner(),
        image_id,
        variant,
        head,
        request.headers(),
    )
    .await?;
    // The webview's protocol answers with bytes; a range is still read from the file alone.
    let (parts, body) = response.into_parts();
    Ok(Response::from_parts(parts, body.collect().await?))
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
