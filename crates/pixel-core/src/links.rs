//! Short-lived signed links to a library original, for a provider that fetches its input by URL
//! (Luma's keyframes). The link is the permission: it names one image, ends within minutes, and is
//! signed with a key kept in the database, so any node opens a link any node made.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::app::App;
use crate::domain::Image;
use crate::error::{Error, Result};

/// How long a provider has to fetch the image.
pub const LINK_TTL_MS: i64 = 15 * 60 * 1000;
/// The path links are served under, before the image id.
pub const LINK_PATH: &str = "/media-link/";
const KEY_NAME: &str = "source_links";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

async fn key(app: &App) -> Result<Vec<u8>> {
    app.link_key
        .get_or_try_init(|| async {
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh).map_err(Error::internal)?;
            let stored = app
                .store
                .server_keys()
                .key(KEY_NAME, &hex(&fresh), app.clock.now_ms())
                .await?;
            unhex(&stored).ok_or_else(|| Error::internal("the stored link key is not hex"))
        })
        .await
        .cloned()
}

fn mac(key: &[u8], image_id: &str, expires: i64) -> Result<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(Error::internal)?;
    mac.update(image_id.as_bytes());
    mac.update(b"\n");
    mac.update(expires.to_string().as_bytes());
    Ok(mac)
}

/// A link a provider can fetch `image_id`'s original through, or None where this server has no
/// public address (the desktop, a server without `PIXEL_PUBLIC_URL`): nothing outside could reach it.
pub async fn source_link(app: &App, image_id: &str) -> Result<Option<String>> {
    let Some(base) = app.config.public_url.as_deref() else {
        return Ok(None);
    };
    let key = key(app).await?;
    let expires = app.clock.now_ms() + LINK_TTL_MS;
    let sig = hex(&mac(&key, image_id, expires)?.finalize().into_bytes());
    Ok(Some(format!(
        "{}{LINK_PATH}{image_id}?expires={expires}&sig={sig}",
        base.trim_end_matches('/')
    )))
}

/// The image a link names, while its signature holds and it has not expired; any other link is
/// not found (never saying which part was wrong).
pub async fn open_link(app: &App, image_id: &str, expires: i64, sig: &str) -> Result<Image> {
    let not_found = || Error::not_found("link");
    if expires < app.clock.now_ms() {
        return Err(not_found());
    }
    let given = unhex(sig).ok_or_else(not_found)?;
    let key = key(app).await?;
    // Compared in constant time: a forger learns nothing from how long a refusal takes.
    mac(&key, image_id, expires)?
        .verify_slice(&given)
        .map_err(|_| not_found())?;
    app.store
        .images()
        .get_image(image_id)
        .await?
        .ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(unhex(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        for bad in ["abc", "zz", "é1"] {
            assert_eq!(unhex(bad), None, "{bad}");
        }
    }
}
