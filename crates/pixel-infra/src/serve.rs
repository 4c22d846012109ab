//! The one media response every transport answers with (the server's `/media` route and the
//! desktop's `pixel://` scheme): the image by id as the caller may see it, with its content type,
//! an ETag and 304, immutable private caching, and single byte ranges streamed from the blob store
//! (a range of a large file is never read whole).

use futures_util::StreamExt;
use http::{header, HeaderMap, Response, StatusCode};
use pixel_core::ops::premium::locked_error;
use pixel_core::ops::{images_get, ImageRef};
use pixel_core::ports::ByteStream;
use pixel_core::{App, Caller, Error, ErrorCode};

use crate::range::parse_range;

/// Which file of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumb,
}

impl Variant {
    /// The variant a URL names (`original`, `thumb`); None for anything else.
    pub fn parse(name: &str) -> Option<Variant> {
        match name {
            "original" => Some(Variant::Original),
            "thumb" => Some(Variant::Thumb),
            _ => None,
        }
    }
}

/// A media response's body: nothing, a few bytes made here, or a range streamed from storage.
pub enum MediaBody {
    Empty,
    Bytes(Vec<u8>),
    Stream(ByteStream),
}

impl MediaBody {
    /// The whole body in memory (the desktop's protocol answers with bytes).
    pub async fn collect(self) -> Result<Vec<u8>, Error> {
        match self {
            MediaBody::Empty => Ok(Vec::new()),
            MediaBody::Bytes(bytes) => Ok(bytes),
            MediaBody::Stream(mut stream) => {
                let mut out = Vec::new();
                while let Some(chunk) = stream.next().await {
                    out.extend_from_slice(&chunk?);
                }
                Ok(out)
            }
        }
    }
}

/// Answers a GET (or, with `head`, a HEAD) of one image's file. Privacy is the core's: an image
/// the caller may not read is the same `not_found` as a missing one.
pub async fn media_response(
    app: &App,
    caller: &Caller,
    image_id: &str,
    variant: Variant,
    head: bool,
    headers: &HeaderMap,
) -> Result<Response<MediaBody>, Error> {
    let image = images_get(
        app,
        caller,
        ImageRef {
            image_id: image_id.to_string(),
        },
    )
    .await?;
    if let Some(lock) = &image.locked {
        match variant {
            Variant::Original => return Err(locked_error(lock)),
            Variant::Thumb if image.thumb_sha256.is_empty() => {
                return placeholder_response(&image.id, &image.placeholder, head);
            }
            Variant::Thumb => {}
        }
    }
    let (key, mime) = match variant {
        Variant::Original => (image.sha256, image.mime),
        Variant::Thumb => (image.thumb_sha256, "image/webp".to_string()),
    };
    let etag = format!("\"{key}\"");
    let base = Response::builder()
        .header(header::ETAG, &etag)
        // Content under a key never changes; private so a shared cache never hands one user's
        // image to another.
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_TYPE, &mime)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let header_str = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if header_str(header::IF_NONE_MATCH)
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return base
            .status(StatusCode::NOT_MODIFIED)
            .body(MediaBody::Empty)
            .map_err(Error::internal);
    }
    let missing = || {
        Error::new(
            ErrorCode::NotFound,
            "the media file is missing from storage",
        )
    };
    let len = app.blobs.size(&key).await?.ok_or_else(missing)?;
    // A range for another version of the file is ignored, as RFC 9110 says for If-Range mismatches.
    let if_range_ok = header_str(header::IF_RANGE).is_none_or(|v| v.trim() == etag);
    let range = header_str(header::RANGE).filter(|_| if_range_ok);
    let (status, span, base) = match range {
        None => (StatusCode::OK, (len > 0).then(|| (0, len - 1)), base),
        Some(r) => match parse_range(r, len) {
            Some((start, end)) => (
                StatusCode::PARTIAL_CONTENT,
                Some((start, end)),
                base.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
            ),
            None => (
                StatusCode::RANGE_NOT_SATISFIABLE,
                None,
                base.header(header::CONTENT_RANGE, format!("bytes */{len}")),
            ),
        },
    };
    let length = span.map_or(0, |(start, end)| end - start + 1);
    let body = match span {
        Some((start, end)) if !head => MediaBody::Stream(
            app.blobs
                .read_range(&key, start, end)
                .await?
                .ok_or_else(missing)?,
        ),
        _ => MediaBody::Empty,
    };
    base.status(status)
        .header(header::CONTENT_LENGTH, length)
        .body(body)
        .map_err(Error::internal)
}

/// A withheld image's thumbnail: its blurred placeholder, never cached as the real one (the
/// thumbnail shows once the viewer unlocks it).
fn placeholder_response(
    image_id: &str,
    placeholder: &str,
    head: bool,
) -> Result<Response<MediaBody>, Error> {
    use base64::Engine as _;
    let (mime, data) = placeholder
        .strip_prefix("data:")
        .and_then(|p| p.split_once(";base64,"))
        .ok_or_else(|| Error::internal("an image's placeholder is not a base64 data URI"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(Error::internal)?;
    Response::builder()
        .status(StatusCode::OK)
        .header(header::ETAG, format!("\"withheld-{image_id}\""))
        .header(header::CACHE_CONTROL, "private, no-cache")
        .header(header::CONTENT_TYPE, mime)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CONTENT_LENGTH, bytes.len())
        .body(if head {
            MediaBody::Empty
        } else {
            MediaBody::Bytes(bytes)
        })
        .map_err(Error::internal)
}
