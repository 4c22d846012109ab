//! The media pipeline: decode an image, make a 512 px WebP thumbnail and a 16 px blurred placeholder.
//! fast_image_resize (SIMD, reused resizer) and libwebp keep it well under sharp's time per image.

use base64::Engine;
use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use pixel_core::ports::{MediaProcessor, ProcessedMedia};
use pixel_core::{Error, ErrorCode, Result};
use std::cell::RefCell;

pub const THUMB_MAX: u32 = 512;
pub const PLACEHOLDER_MAX: u32 = 16;
pub const THUMB_QUALITY: f32 = 80.0;
/// Refuse decoding anything larger: a provider must not make us allocate gigabytes.
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;

thread_local! {
    static RESIZER: RefCell<Resizer> = RefCell::new(Resizer::new());
}

#[derive(Debug, Default, Clone, Copy)]
pub struct ImagePipeline;

fn bad_image(msg: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!("not a usable image: {msg}"),
    )
}

fn too_large(w: u32, h: u32) -> Error {
    Error::new(
        ErrorCode::ImageTooLarge,
        format!(
            "the image is {w}x{h} pixels; at most {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        ),
    )
}

/// Refuses sizes over [`MAX_PIXELS`] with `image_too_large`.
pub fn check_pixels(w: u32, h: u32) -> Result<()> {
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large(w, h));
    }
    Ok(())
}

/// Fits (w, h) inside a `max` square, never enlarging.
pub fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w <= max && h <= max {
        return (w.max(1), h.max(1));
    }
    if w >= h {
        (
            max,
            ((u64::from(h) * u64::from(max) / u64::from(w)) as u32).max(1),
        )
    } else {
        (
            ((u64::from(w) * u64::from(max) / u64::from(h)) as u32).max(1),
            max,
        )
    }
}

/// Resizes packed pixels (3 or 4 bytes each) with Lanczos3.
fn resize(pixels: Vec<u8>, w: u32, h: u32, channels: u8, to_w: u32, to_h: u32) -> Result<Vec<u8>> {
    if (w, h) == (to_w, to_h) {
        return Ok(pixels);
    }
    let pt = if channels == 4 {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let src = FirImage::from_vec_u8(w, h, pixels, pt).map_err(bad_image)?;
    let mut dst = FirImage::new(to_w, to_h, pt);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    RESIZER
        .with(|r| r.borrow_mut().resize(&src, &mut dst, &opts))
        .map_err(|e| Error::internal(format!("resize: {e}")))?;
    Ok(dst.into_vec())
}

fn encode_webp(pixels: &[u8], w: u32, h: u32, channels: u8, quality: f32) -> Vec<u8> {
    let enc = if channels == 4 {
        webp::Encoder::from_rgba(pixels, w, h)
    } else {
        webp::Encoder::from_rgb(pixels, w, h)
    };
    enc.encode(quality).to_vec()
}

impl MediaProcessor for ImagePipeline {
    fn read_record(&self, bytes: &[u8]) -> Result<Option<pixel_core::ops::ImportedRecord>> {
        crate::metadata::read_record(bytes)
    }

    fn small_pixels(&self, bytes: &[u8]) -> Result<Vec<[u8; 3]>> {
        let format = image::guess_format(bytes).map_err(bad_image)?;
        let (w, h) = image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
            .into_dimensions()
            .map_err(bad_image)?;
        if u64::from(w) * u64::from(h) > u64::from(pixel_core::ports::MAX_SMALL_PIXELS) {
            return Err(too_large(w, h));
        }
        let img = image::load_from_memory_with_format(bytes, format).map_err(bad_image)?;
        Ok(img.into_rgb8().pixels().map(|p| p.0).collect())
    }

    fn process(&self, bytes: &[u8]) -> Result<ProcessedMedia> {
        let format = image::guess_format(bytes).map_err(bad_image)?;
        let mime = format.to_mime_type().to_string();
        // The header's size first: a small file may claim gigapixels, and nothing is allocated for
        // pixels until that claim has been checked.
        let (claimed_w, claimed_h) =
            image::ImageReader::with_format(std::io::Cursor::new(bytes), format)
                .into_dimensions()
                .map_err(bad_image)?;
        check_pixels(claimed_w, claimed_h)?;
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 4);
        limits.max_image_width = Some(claimed_w);
        limits.max_image_height = Some(claimed_h);
        reader.limits(limits);
        let img = reader.decode().map_err(|e| match e {
            image::ImageError::Limits(_) => too_large(claimed_w, claimed_h),
            e => bad_image(e),
        })?;
        let (width, height) = (img.width(), img.height());
        check_pixels(width, height)?;
        let (pixels, channels) = if img.color().has_alpha() {
            (img.into_rgba8().into_raw(), 4u8)
        } else {
            (img.into_rgb8().into_raw(), 3u8)
        };
        let (tw, th) = fit(width, height, THUMB_MAX);
        let thumb = resize(pixels, width, height, channels, tw, th)?;
        let thumb_webp = encode_webp(&thumb, tw, th, channels, THUMB_QUALITY);
        let (pw, ph) = fit(tw, th, PLACEHOLDER_MAX);
        let tiny = resize(thumb, tw, th, channels, pw, ph)?;
        let tiny_webp = encode_webp(&tiny, pw, ph, channels, 50.0);
        let placeholder = format!(
            "data:image/webp;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(tiny_webp)
        );
        Ok(ProcessedMedia {
            mime,
            width,
            height,
            thumb_webp,
            placeholder,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    #[test]
    fn makes_thumbnail_and_placeholder_of_the_right_size() {
        let m = ImagePipeline.process(&png(1024, 768)).expect("process");
        assert_eq!(
            (m.width, m.height, m.mime.as_str()),
            (1024, 768, "image/png")
        );
        let thumb = image::load_from_memory(&m.thumb_webp).expect("thumb decodes");
        assert_eq!((thumb.width(), thumb.height()), (512, 384));
        let b64 = m
            .placeholder
            .strip_prefix("data:image/webp;base64,")
            .expect("data uri");
        let tiny = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("b64");
        let tiny = image::load_from_memory(&tiny).expect("placeholder decodes");
        assert_eq!((tiny.width(), tiny.height()), (16, 12));
        assert!(
            m.placeholder.len() < 400,
            "placeholder is {} bytes",
            m.placeholder.len()
        );
    }

    #[test]
    fn small_images_are_not_enlarged() {
        let m = ImagePipeline.process(&png(200, 100)).expect("process");
        let thumb = image::load_from_memory(&m.thumb_webp).expect("thumb");
        assert_eq!((thumb.width(), thumb.height()), (200, 100));
    }

    #[test]
    fn rejects_garbage() {
        let err = ImagePipeline
            .process(b"<html>not an image</html>")
            .expect_err("garbage");
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let mut truncated = png(64, 64);
        truncated.truncate(60);
        assert!(ImagePipeline.process(&truncated).is_err());
    }

    /// A PNG claiming `w` x `h` with almost no pixel data, as an attacker would send: a few dozen
    /// bytes that would decode to gigabytes.
    fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        let mut w = enc.write_header().expect("header");
        // Readers find the size at the first IDAT; a decoder would find the rows missing.
        w.write_chunk(png::chunk::IDAT, &[0x78, 0x9c])
            .expect("chunk");
        drop(w);
        out
    }

    #[test]
    fn a_huge_claimed_size_is_refused_before_decoding() {
        let bomb = png_claiming(16384, 8192);
        assert!(bomb.len() < 1024);
        let err = ImagePipeline.process(&bomb).expect_err("refused");
        assert_eq!(err.code, ErrorCode::ImageTooLarge, "{}", err.message);
        assert!(err.message.contains("16384x8192"), "{}", err.message);
        // Within the cap the header check passes and the (lying) data is what fails.
        let err = ImagePipeline
            .process(&png_claiming(4000, 4000))
            .expect_err("bad data");
        assert_eq!(err.code, ErrorCode::InvalidInput, "{}", err.message);
    }
}
