//! The `/media/<id>/<variant>` route: the caller resolved from the request, then the one media
//! response of `pixel_infra::serve` (privacy in core, ETag, 304, ranges); and `/media-link/<id>`,
//! an original opened by a signed, short-lived link (for providers that fetch what they animate).

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
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

/// A link's `expires` and `sig`, read leniently: a missing, repeated or malformed part is a link
/// that does not open (404 like any other), never a 400 that tells a prober which part was wrong.
/// Neither part ever needs percent-decoding (digits, hex), so none is done.
fn link_parts(query: Option<&str>) -> Option<(i64, String)> {
    let mut expires = None;
    let mut sig = None;
    for pair in query?.split('&') {
        let (key, value) = pair.split_once('=')?;
        let slot = match key {
            "expires" => &mut expires,
            "sig" => &mut sig,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    Some((expires?.parse().ok()?, sig?.to_string()))
}

/// The original a signed link names: the signature is the permission (no session is asked for),
/// so it is never cached by anything between.
pub async fn serve_link(
    State(http): State<Http>,
    Path(image_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let app = &http.0.app;
    let Some((expires, sig)) = link_parts(query.as_deref()) else {
        return Err(Error::not_found("link").into());
    };
    let image = pixel_core::links::open_link(app, &image_id, expires, &sig).await?;
    let bytes = app
        .blobs
        .get(&image.sha256)
        .await?
        .ok_or_else(|| Error::not_found("image"))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, image.mime),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::link_parts;

    #[test]
    fn a_link_query_opens_only_whole_and_unrepeated() {
        assert_eq!(
            link_parts(Some("expires=12&sig=ab")),
            Some((12, "ab".into()))
        );
        for bad in [
            None,
            Some(""),
            Some("expires=12"),
            Some("expires=x&sig=ab"),
            Some("expires=null&expires=null&sig="),
            Some("expires=12&sig=ab&sig=cd"),
        ] {
            assert_eq!(link_parts(bad), None, "{bad:?}");
        }
    }
}
