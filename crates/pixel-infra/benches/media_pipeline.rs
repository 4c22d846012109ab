//! Criterion benchmark of the media pipeline on a 1024x1024 PNG (decode, 512 px WebP thumbnail, placeholder).

use criterion::{criterion_group, criterion_main, Criterion};
use pixel_core::ports::MediaProcessor;
use pixel_infra::ImagePipeline;

/// An illustration-like test image: smooth gradients with hard-edged shapes (what generators make).
pub fn sample_png() -> Vec<u8> {
    let path = std::env::var("PIXEL_BENCH_IMAGE").ok();
    if let Some(p) = path {
        if let Ok(bytes) = std::fs::read(p) {
            return bytes;
        }
    }
    let img = image::RgbImage::from_fn(1024, 1024, |x, y| {
        let dx = x as f32 - 512.0;
        let dy = y as f32 - 400.0;
        let inside = dx * dx + dy * dy < 200.0 * 200.0;
        if inside {
            image::Rgb([240, (180 + y / 16) as u8, 60])
        } else {
            image::Rgb([(20 + x / 8) as u8, (40 + y / 8) as u8, 160])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode");
    out.into_inner()
}

fn bench(c: &mut Criterion) {
    let png = sample_png();
    c.bench_function("media_pipeline_1024_png", |b| {
        b.iter(|| ImagePipeline.process(&png).expect("process"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
