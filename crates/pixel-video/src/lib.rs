//! Video for Pixel Studio: the offline renderer's short clips (a deterministic animation from prompt and
//! seed), encoded H.264 (High, yuv420p) in an MP4 with its index first, which every browser and the
//! desktop webviews play and seek; and reading any video back with FFmpeg's demuxer and decoder
//! (size, frame count, duration, codec), so what is stored is described by what a player will see.

mod animation;
mod mp4;
mod probe;
mod provider;

pub use animation::Animation;
pub use mp4::Mp4Writer;
pub use probe::{probe, VideoInfo};
pub use provider::{FfmpegVideo, OfflineClips};

/// Why a video could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// The clip asked for is outside what the encoder takes (odd or zero sizes, no frames ...).
    #[error("invalid clip: {0}")]
    Invalid(String),
    /// FFmpeg refused: its words, and what was being done.
    #[error("{doing}: {source}")]
    Ffmpeg {
        doing: &'static str,
        #[source]
        source: ffmpeg_next::Error,
    },
    /// The system's FFmpeg was built without an encoder or decoder this needs.
    #[error("this FFmpeg has no {0}")]
    Missing(&'static str),
    /// The caller asked to stop before the clip was done.
    #[error("stopped")]
    Stopped,
    #[error("{doing}: {source}")]
    Io {
        doing: &'static str,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, VideoError>;

/// A clip's shape: frames of `width` x `height` at `fps`, `frames` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClipSpec {
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub frames: u32,
}

impl ClipSpec {
    /// `seconds` of video at `fps`.
    pub fn seconds(width: u32, height: u32, fps: u32, seconds: u32) -> ClipSpec {
        ClipSpec {
            width,
            height,
            fps,
            frames: fps.saturating_mul(seconds),
        }
    }

    /// H.264 in yuv420p halves the colour planes: both sides must be even, and within what the
    /// renderer offers (up to 1920 x 1920, 1–60 fps, at most 60 s).
    pub fn check(&self) -> Result<()> {
        let side = |v: u32| (16..=1920).contains(&v) && v.is_multiple_of(2);
        if !side(self.width) || !side(self.height) {
            return Err(VideoError::Invalid(format!(
                "{}x{}: each side must be even, 16 to 1920",
                self.width, self.height
            )));
        }
        if !(1..=60).contains(&self.fps) {
            return Err(VideoError::Invalid(format!(
                "{} fps: 1 to 60 frames a second",
                self.fps
            )));
        }
        if self.frames == 0 || self.frames > self.fps * 60 {
            return Err(VideoError::Invalid(format!(
                "{} frames: at least one, at most 60 seconds",
                self.frames
            )));
        }
        Ok(())
    }
}

/// Renders and encodes the offline clip of `prompt` and `seed`: the MP4's bytes.
pub fn render_clip(prompt: &str, seed: u64, spec: ClipSpec) -> Result<Vec<u8>> {
    render_clip_with(prompt, seed, spec, |_| true)
}

/// As [`render_clip`], telling `frame_done` each frame encoded (1 to `frames`); it answers whether
/// to go on, and a `false` ends the clip with [`VideoError::Stopped`].
pub fn render_clip_with(
    prompt: &str,
    seed: u64,
    spec: ClipSpec,
    mut frame_done: impl FnMut(u32) -> bool,
) -> Result<Vec<u8>> {
    spec.check()?;
    let animation = Animation::new(prompt, seed, spec);
    let mut writer = Mp4Writer::create(spec)?;
    let mut frame = vec![0u8; spec.width as usize * spec.height as usize * 3];
    for index in 0..spec.frames {
        animation.draw(index, &mut frame);
        writer.push(&frame)?;
        if !frame_done(index + 1) {
            return Err(VideoError::Stopped);
        }
    }
    writer.finish()
}

pub(crate) fn ffmpeg(doing: &'static str) -> impl FnOnce(ffmpeg_next::Error) -> VideoError {
    move |source| VideoError::Ffmpeg { doing, source }
}

pub(crate) fn io(doing: &'static str) -> impl FnOnce(std::io::Error) -> VideoError {
    move |source| VideoError::Io { doing, source }
}

/// FFmpeg's global set-up, once per process; only its errors are logged (to stderr by FFmpeg).
pub(crate) fn init() -> Result<()> {
    static INIT: std::sync::OnceLock<std::result::Result<(), ffmpeg_next::Error>> =
        std::sync::OnceLock::new();
    let done = INIT.get_or_init(|| {
        ffmpeg_next::init()?;
        ffmpeg_next::util::log::set_level(ffmpeg_next::util::log::Level::Error);
        Ok(())
    });
    done.map_err(ffmpeg("starting FFmpeg"))
}
