//! Sending a library image to a provider the way its API wants it: inline as a data URI within the
//! API's size limit, re-encoded smaller when the stored original is over it. The image comes from
//! the job (read from the library by the runner), never from a URL a user typed.

use base64::Engine;
use pixel_core::ports::{ProviderError, SourceImage};
use std::io::Cursor;

/// The longest edge an image is scaled to when it must be made smaller to fit.
const FIT_LONG_EDGE: u32 = 2048;

fn rejected(message: String) -> ProviderError {
    ProviderError::Rejected { message }
}

fn encode(mime: &str, bytes: &[u8]) -> String {
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The image as a `data:` URI of at most `max_chars` characters, in one of `accepted` types. An
/// original of another type, or too large, is re-encoded as JPEG (scaled down if need be).
pub fn data_uri(
    provider: &str,
    image: &SourceImage,
    accepted: &[&str],
    max_chars: usize,
) -> Result<String, ProviderError> {
    if accepted.contains(&image.mime.as_str()) {
        let uri = encode(&image.mime, &image.bytes);
        if uri.len() <= max_chars {
            return Ok(uri);
        }
    }
    let decoded = image::load_from_memory(&image.bytes)
        .map_err(|e| rejected(format!("the image to animate could not be read: {e}")))?;
    let fitted = if decoded.width().max(decoded.height()) > FIT_LONG_EDGE {
        decoded.resize(
            FIT_LONG_EDGE,
            FIT_LONG_EDGE,
            image::imageops::FilterType::Lanczos3,
        )
    } else {
        decoded
    };
    // JPEG has no alpha: a transparent image is flattened onto black, as a video frame would be.
    let rgb = image::DynamicImage::ImageRgb8(fitted.to_rgb8());
    for quality in [90u8, 75, 60] {
        let mut jpeg = Vec::new();
        let encoder =
            image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), quality);
        rgb.write_with_encoder(encoder)
            .map_err(|e| rejected(format!("the image to animate could not be encoded: {e}")))?;
        let uri = encode("image/jpeg", &jpeg);
        if uri.len() <= max_chars {
            return Ok(uri);
        }
    }
    Err(rejected(format!(
        "the image to animate is too large for {provider} even when made smaller"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> SourceImage {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            // Noise-like content, so PNG cannot compress it away.
            let v = x
                .wrapping_mul(2_654_435_761)
                .wrapping_add(y.wrapping_mul(40_503))
                >> 7;
            image::Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
        });
        let mut bytes = Vec::new();
        img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .expect("png");
        SourceImage {
            bytes,
            mime: "image/png".into(),
            width,
            height,
            link: None,
        }
    }

    fn decoded(uri: &str) -> image::DynamicImage {
        let (_, b64) = uri.split_once(";base64,").expect("a base64 data URI");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64");
        image::load_from_memory(&bytes).expect("an image")
    }

    #[test]
    fn a_small_accepted_image_goes_as_it_is_and_a_large_one_is_made_to_fit() {
        let small = png(64, 48);
        let uri = data_uri("Runway", &small, &["image/png"], 5_242_880).expect("fits");
        assert!(uri.starts_with("data:image/png;base64,"));
        assert_eq!(decoded(&uri).width(), 64);

        // Over the limit and over the longest edge: scaled down and re-encoded as JPEG.
        let large = png(2400, 1800);
        let limit = large.bytes.len() / 2;
        let uri = data_uri("Runway", &large, &["image/png"], limit).expect("made to fit");
        assert!(uri.starts_with("data:image/jpeg;base64,") && uri.len() <= limit);
        let back = decoded(&uri);
        assert_eq!((back.width(), back.height()), (2048, 1536));

        // A type the API does not take is re-encoded even when small.
        let mut webp = png(32, 32);
        webp.mime = "image/webp".into();
        let uri = data_uri("Runway", &webp, &["image/png", "image/jpeg"], 5_242_880).expect("ok");
        assert!(uri.starts_with("data:image/jpeg;base64,"));

        let e = data_uri("Runway", &large, &["image/png"], 100).expect_err("cannot fit");
        assert!(matches!(e, ProviderError::Rejected { .. }));
    }
}
