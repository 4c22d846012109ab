//! The offline clip, read back by FFmpeg's own demuxer and decoder: H.264 in MP4 of the size, frame
//! count and duration asked for, its index first, the same bytes for the same prompt and seed, another
//! clip for another; bad clips and broken files refused with an error, never a panic.

use pixel_video::{probe, render_clip, Animation, ClipSpec, Mp4Writer, VideoError};

const PROMPT: &str = "a lighthouse at dusk";

fn small() -> ClipSpec {
    ClipSpec::seconds(160, 96, 12, 2)
}

#[test]
fn the_clip_decodes_to_what_was_asked() {
    let clip = render_clip(PROMPT, 7, small()).expect("clip");
    let info = probe(&clip).expect("decodes");
    assert_eq!(info.codec, "h264");
    assert!(info.container.contains("mp4"), "{}", info.container);
    assert_eq!((info.width, info.height), (160, 96));
    assert_eq!(info.frames, 24);
    // To the millisecond: the last frame lasts its frame time too, so players show 0:02, not 0:01.
    assert_eq!(info.duration_ms, 2000);
    let moov = clip.windows(4).position(|w| w == b"moov").expect("moov");
    let mdat = clip.windows(4).position(|w| w == b"mdat").expect("mdat");
    assert!(
        moov < mdat,
        "the index comes first, so players start at once"
    );

    // The decoded first frame is the drawn one, within what yuv420p and the encoder lose.
    let mut drawn = vec![0u8; 160 * 96 * 3];
    Animation::new(PROMPT, 7, small()).draw(0, &mut drawn);
    let error = mean_error(&drawn, &info.first_frame);
    assert!(error < 8.0, "mean error {error}");
}

/// Mean absolute difference of two RGB frames, 0 to 255.
fn mean_error(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(x.abs_diff(*y)))
        .sum::<f64>()
        / a.len() as f64
}

#[test]
fn the_same_prompt_and_seed_make_the_same_clip() {
    // The animation is exact: the same frames every time.
    let draw = |prompt: &str, seed: u64, index: u32| {
        let mut rgb = vec![0u8; 160 * 96 * 3];
        Animation::new(prompt, seed, small()).draw(index, &mut rgb);
        rgb
    };
    assert_eq!(draw(PROMPT, 7, 5), draw(PROMPT, 7, 5));
    assert_ne!(draw(PROMPT, 7, 0), draw(PROMPT, 7, 6), "it moves");
    // Encoded, it looks the same (x264's bits may differ run to run; what a viewer sees does not),
    // and another seed or prompt is another picture.
    let first = |prompt: &str, seed: u64| {
        probe(&render_clip(prompt, seed, small()).expect("clip"))
            .expect("decodes")
            .first_frame
    };
    let one = first(PROMPT, 7);
    assert!(mean_error(&one, &first(PROMPT, 7)) < 1.0);
    assert!(mean_error(&one, &first(PROMPT, 8)) > 10.0, "another seed");
    assert!(
        mean_error(&one, &first("a storm over the sea", 7)) > 10.0,
        "another prompt"
    );
}

#[test]
fn bad_clips_and_broken_files_are_refused() {
    for spec in [
        ClipSpec::seconds(161, 96, 12, 2),
        ClipSpec::seconds(160, 0, 12, 2),
        ClipSpec::seconds(4000, 96, 12, 2),
        ClipSpec::seconds(160, 96, 0, 2),
        ClipSpec::seconds(160, 96, 12, 0),
        ClipSpec::seconds(160, 96, 12, 61),
    ] {
        assert!(
            matches!(render_clip(PROMPT, 1, spec), Err(VideoError::Invalid(_))),
            "{spec:?}"
        );
    }
    let spec = ClipSpec {
        frames: 2,
        ..small()
    };
    let mut writer = Mp4Writer::create(spec).expect("writer");
    assert!(matches!(
        writer.push(&[0u8; 10]),
        Err(VideoError::Invalid(_))
    ));
    writer.push(&vec![0u8; 160 * 96 * 3]).expect("a frame");
    assert!(
        matches!(writer.finish(), Err(VideoError::Invalid(_))),
        "one of two frames"
    );

    let clip = render_clip(PROMPT, 7, small()).expect("clip");
    for broken in [&b"not a video at all"[..], &clip[..clip.len() / 3], &[][..]] {
        assert!(probe(broken).is_err(), "{} bytes", broken.len());
    }
}
