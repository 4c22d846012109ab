//! Pixel Studio test kit: loopback fakes of external APIs (following their documented shapes, errors and
//! moderation) and fixtures. A dev-dependency only: nothing here ships.

pub mod bfl_fake;
pub mod huggingface_fake;
pub mod ideogram_fake;
pub mod openai_fake;
pub mod scenario;
pub mod stability_fake;
pub mod together_fake;

pub use bfl_fake::FakeBfl;
pub use huggingface_fake::FakeHuggingFace;
pub use ideogram_fake::FakeIdeogram;
pub use openai_fake::FakeOpenAi;
pub use stability_fake::FakeStability;
pub use together_fake::FakeTogether;

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
