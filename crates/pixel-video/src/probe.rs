//! Reading a video as a player would: FFmpeg's demuxer finds the video stream, its decoder decodes
//! every frame. What it reports (size, frames decoded, duration, codec, the first frame) is what the
//! library stores and shows, never what the file or a provider claims.

use ffmpeg_next::{codec, format, frame, media, software::scaling};

use crate::{ffmpeg, init, io, Result, VideoError};

/// A video as decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoInfo {
    /// The container, as FFmpeg names it (`mov,mp4,m4a,3gp,3g2,mj2` for MP4).
    pub container: String,
    /// The video codec (`h264`, `vp9`, `av1` ...).
    pub codec: String,
    pub width: u32,
    pub height: u32,
    /// Frames the decoder gave back.
    pub frames: u64,
    /// The container's duration, in milliseconds.
    pub duration_ms: u64,
    /// The first frame as RGB (width x height x 3), for a poster.
    pub first_frame: Vec<u8>,
}

/// Decodes the whole video in `bytes`.
pub fn probe(bytes: &[u8]) -> Result<VideoInfo> {
    init()?;
    let dir = tempfile::tempdir().map_err(io("making a folder to read the video"))?;
    let path = dir.path().join("video");
    std::fs::write(&path, bytes).map_err(io("writing the video to read it"))?;
    let mut input = format::input(&path).map_err(ffmpeg("reading the container"))?;
    let stream = input
        .streams()
        .best(media::Type::Video)
        .ok_or_else(|| VideoError::Invalid("no video stream".into()))?;
    let index = stream.index();
    let mut decoder = codec::context::Context::from_parameters(stream.parameters())
        .map_err(ffmpeg("reading the stream's parameters"))?
        .decoder()
        .video()
        .map_err(ffmpeg("opening the decoder"))?;
    let codec = decoder
        .codec()
        .map(|c| c.name().to_string())
        .unwrap_or_default();
    let container = input.format().name().to_string();
    let duration_ms = u64::try_from(input.duration())
        .map(|us| us / 1000)
        .unwrap_or(0);
    let (width, height) = (decoder.width(), decoder.height());
    let mut frames = 0u64;
    let mut first_frame = Vec::new();
    let mut decoded = frame::Video::empty();
    let mut take = |decoder: &mut ffmpeg_next::decoder::Video| -> Result<()> {
        while decoder.receive_frame(&mut decoded).is_ok() {
            if frames == 0 {
                first_frame = to_rgb(&decoded)?;
            }
            frames += 1;
        }
        Ok(())
    };
    for (s, packet) in input.packets() {
        if s.index() == index {
            decoder
                .send_packet(&packet)
                .map_err(ffmpeg("decoding a packet"))?;
            take(&mut decoder)?;
        }
    }
    decoder.send_eof().map_err(ffmpeg("ending the decoder"))?;
    take(&mut decoder)?;
    if frames == 0 {
        return Err(VideoError::Invalid("no frame decoded".into()));
    }
    Ok(VideoInfo {
        container,
        codec,
        width,
        height,
        frames,
        duration_ms,
        first_frame,
    })
}

/// A decoded frame as tightly packed RGB.
fn to_rgb(decoded: &frame::Video) -> Result<Vec<u8>> {
    let (w, h) = (decoded.width(), decoded.height());
    let mut scaler = scaling::Context::get(
        decoded.format(),
        w,
        h,
        format::Pixel::RGB24,
        w,
        h,
        scaling::flag::Flags::BILINEAR,
    )
    .map_err(ffmpeg("making the colour converter"))?;
    let mut rgb = frame::Video::empty();
    scaler
        .run(decoded, &mut rgb)
        .map_err(ffmpeg("converting a frame to RGB"))?;
    let row = w as usize * 3;
    let stride = rgb.stride(0);
    Ok(rgb
        .data(0)
        .chunks(stride)
        .take(h as usize)
        .flat_map(|r| r[..row].iter().copied())
        .collect())
}
