//! Pixel Studio test kit: loopback fakes of external APIs (following their documented shapes, errors and
//! moderation) and fixtures. A dev-dependency only: nothing here ships.

pub mod a1111_fake;
pub mod bfl_fake;
pub mod comfyui_fake;
pub mod fal_fake;
pub mod huggingface_fake;
pub mod ideogram_fake;
pub mod luma_fake;
pub mod openai_compat_fake;
pub mod openai_fake;
pub mod printful_fake;
pub mod record_files;
pub mod replicate_fake;
pub mod runway_fake;
pub mod scenario;
pub mod stability_fake;
pub mod stripe_fake;
pub mod together_fake;
pub mod vision_fake;

pub use a1111_fake::FakeA1111;
pub use bfl_fake::FakeBfl;
pub use comfyui_fake::FakeComfyUi;
pub use fal_fake::FakeFal;
pub use huggingface_fake::FakeHuggingFace;
pub use ideogram_fake::FakeIdeogram;
pub use luma_fake::FakeLuma;
pub use openai_compat_fake::FakeOpenAiCompat;
pub use openai_fake::FakeOpenAi;
pub use replicate_fake::FakeReplicate;
pub use runway_fake::FakeRunway;
pub use stability_fake::FakeStability;
pub use together_fake::FakeTogether;
pub use vision_fake::FakeVision;

/// A real H.264 MP4 clip of the given size and length at 24 frames a second, as a video provider
/// answers one. Rendered once per size and length: the clips are seconds of work each.
pub fn mp4(width: u32, height: u32, seconds: u32) -> Vec<u8> {
    type Clip = ((u32, u32, u32), Vec<u8>);
    static CLIPS: std::sync::Mutex<Vec<Clip>> = std::sync::Mutex::new(Vec::new());
    let key = (width, height, seconds);
    let mut clips = CLIPS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, bytes)) = clips.iter().find(|(k, _)| *k == key) {
        return bytes.clone();
    }
    let spec = pixel_video::ClipSpec::seconds(width, height, 24, seconds);
    let bytes = pixel_video::render_clip("a fake provider's clip", 7, spec).expect("render a clip");
    clips.push((key, bytes.clone()));
    bytes
}

/// A PNG of the given size with a recognisable gradient.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            90,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Writing to memory cannot fail for a valid RGB image.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// A PNG whose header claims `w` x `h` RGBA pixels, with the given text chunks and no pixel data: what
/// a decompression bomb looks like to a reader (a few hundred bytes that would decode to gigabytes).
pub fn png_claiming(w: u32, h: u32, chunks: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgba);
    for (k, v) in chunks {
        let _ = enc.add_itxt_chunk(k.to_string(), v.to_string());
    }
    // The start of a deflate stream stands in for the data: readers find the header's size at the
    // first IDAT chunk, and only a decoder would notice the rows are missing.
    if let Ok(mut w) = enc.write_header() {
        let _ = w.write_chunk(png::chunk::IDAT, &[0x78, 0x9c]);
    }
    out
}

/// A small PNG carrying the given text chunks (keyword, text), as other tools embed generation records.
pub fn png_with_text(chunks: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 8, 8);
        enc.set_color(png::ColorType::Rgb);
        for (k, v) in chunks {
            // Fixtures are written to memory and cannot fail on valid keywords.
            let _ = enc.add_itxt_chunk(k.to_string(), v.to_string());
        }
        if let Ok(mut w) = enc.write_header() {
            let _ = w.write_image_data(&[120u8; 8 * 8 * 3]);
        }
    }
    out
}
