//! The offline video's speed (issue 15's benchmark): a 5 s 720p clip at 24 fps rendered and encoded,
//! frames per second, beside the H.264 encoder alone on the same frames in the same run (the floor),
//! and the renderer alone. `cargo run --release -p pixel-video --example offline_video_bench`
//! (env `VIDEO_RUNS`, default 3; `VIDEO_SIZE`, default 1280x720).

use pixel_video::{probe, Animation, ClipSpec, Mp4Writer};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::var("VIDEO_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let (width, height) = std::env::var("VIDEO_SIZE")
        .ok()
        .and_then(|v| {
            let (w, h) = v.split_once('x')?;
            Some((w.parse().ok()?, h.parse().ok()?))
        })
        .unwrap_or((1280, 720));
    let spec = ClipSpec::seconds(width, height, 24, 5);
    let animation = Animation::new("a lighthouse at dusk", 7, spec);
    let frame_bytes = width as usize * height as usize * 3;
    let per_second = |seconds: f64| f64::from(spec.frames) / seconds;
    println!(
        "offline clip {}x{} at {} fps, {} frames, best of {runs} runs",
        width, height, spec.fps, spec.frames
    );

    let mut render = f64::MAX;
    let mut frames = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        frames = (0..spec.frames)
            .map(|i| {
                let mut rgb = vec![0u8; frame_bytes];
                animation.draw(i, &mut rgb);
                rgb
            })
            .collect::<Vec<_>>();
        render = render.min(start.elapsed().as_secs_f64());
    }

    let mut encode_alone = f64::MAX;
    let mut clip = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let mut writer = Mp4Writer::create(spec)?;
        for rgb in &frames {
            writer.push(rgb)?;
        }
        clip = writer.finish()?;
        encode_alone = encode_alone.min(start.elapsed().as_secs_f64());
    }

    let mut both = f64::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let mut writer = Mp4Writer::create(spec)?;
        let mut rgb = vec![0u8; frame_bytes];
        for i in 0..spec.frames {
            animation.draw(i, &mut rgb);
            writer.push(&rgb)?;
        }
        clip = writer.finish()?;
        both = both.min(start.elapsed().as_secs_f64());
    }
    let info = probe(&clip)?;
    println!(
        "rendered and encoded: {:7.1} frames/s ({:.2} s for the clip)",
        per_second(both),
        both
    );
    println!(
        "encoder alone:        {:7.1} frames/s ({:.2} s) -- the floor: render+encode is {:.2}x its time",
        per_second(encode_alone),
        encode_alone,
        both / encode_alone
    );
    println!(
        "renderer alone:       {:7.1} frames/s ({:.2} s)",
        per_second(render),
        render
    );
    println!(
        "clip: {} bytes, {} {}x{}, {} frames decoded, {} ms",
        clip.len(),
        info.codec,
        info.width,
        info.height,
        info.frames,
        info.duration_ms
    );
    Ok(())
}
