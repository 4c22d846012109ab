//! Pixel Studio's side of video: the offline clip renderer as a provider (`local-video`, with
//! progress per frame and cancel between frames), and the reader the runner stores every video
//! with (size, frames, duration and a poster, from FFmpeg's demuxer and decoder).

use async_trait::async_trait;
use pixel_core::catalogue::{OFFLINE_CLIP_FPS, OFFLINE_CLIP_PROVIDER};
use pixel_core::ports::{
    DescribedVideo, JobContext, Provider, ProviderError, ProviderImage, ProviderOutput,
    ProviderRequest, VideoProcessor,
};
use pixel_core::{Error, ErrorCode};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::{probe, render_clip_with, ClipSpec, VideoError};

/// The offline clip renderer: no key, no network.
pub struct OfflineClips;

/// Stops the renderer when the job's future is dropped (a timeout, a node shutting down), so a clip
/// nobody waits for does not go on using the machine.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// How often a running clip reports how far it got.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

#[async_trait]
impl Provider for OfflineClips {
    fn id(&self) -> &'static str {
        OFFLINE_CLIP_PROVIDER
    }
    fn name(&self) -> &'static str {
        "Offline clips"
    }
    fn configured(&self) -> bool {
        true
    }
    /// The encoder already spreads one clip over the machine's cores.
    fn max_concurrency(&self) -> usize {
        1
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let params = &req.params;
        let seconds = params.duration.ok_or_else(|| ProviderError::Rejected {
            message: "a clip needs a duration".into(),
        })?;
        let spec = ClipSpec::seconds(params.width, params.height, OFFLINE_CLIP_FPS, seconds);
        let done = Arc::new(AtomicU32::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let prompt = params.prompt.clone();
        let seed = req.seed;
        let task = tokio::task::spawn_blocking({
            let (done, stop) = (done.clone(), stop.clone());
            move || {
                render_clip_with(&prompt, u64::from(seed), spec, |frames| {
                    done.store(frames, Ordering::Relaxed);
                    !stop.load(Ordering::Relaxed)
                })
            }
        });
        let _stop_on_drop = StopOnDrop(stop.clone());
        tokio::pin!(task);
        let rendered = loop {
            tokio::select! {
                joined = &mut task => break joined,
                _ = ctx.cancelled() => {
                    stop.store(true, Ordering::Relaxed);
                    let _ = (&mut task).await;
                    return Err(ProviderError::Cancelled);
                }
                _ = tokio::time::sleep(PROGRESS_EVERY) => {
                    let frames = done.load(Ordering::Relaxed);
                    ctx.progress(frames as f32 / spec.frames.max(1) as f32).await;
                }
            }
        };
        let bytes = match rendered {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(VideoError::Invalid(message))) => {
                return Err(ProviderError::Rejected { message })
            }
            Ok(Err(e)) => {
                return Err(ProviderError::Rejected {
                    message: format!("the clip could not be made: {e}"),
                })
            }
            Err(e) => {
                return Err(ProviderError::Rejected {
                    message: format!("the clip renderer stopped: {e}"),
                })
            }
        };
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: Some(seed),
                revised_prompt: None,
            },
            provider_model: None,
            request_id: None,
        })
    }
}

/// Reads videos with FFmpeg.
pub struct FfmpegVideo;

impl VideoProcessor for FfmpegVideo {
    fn describe(&self, bytes: &[u8]) -> pixel_core::Result<DescribedVideo> {
        let info = probe(bytes).map_err(|e| {
            Error::new(
                ErrorCode::UnsupportedMediaType,
                format!("not a playable video: {e}"),
            )
        })?;
        let mime = if info.container.contains("mp4") {
            "video/mp4"
        } else if info.container.contains("webm") || info.container.contains("matroska") {
            "video/webm"
        } else {
            return Err(Error::new(
                ErrorCode::UnsupportedMediaType,
                format!("a {} video, not MP4 or WebM", info.container),
            ));
        };
        let mut poster_png = Vec::new();
        let mut encoder = png::Encoder::new(&mut poster_png, info.width, info.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut w| w.write_image_data(&info.first_frame))
            .map_err(|e| Error::internal(format!("the poster could not be written: {e}")))?;
        Ok(DescribedVideo {
            mime: mime.into(),
            codec: info.codec.clone(),
            width: info.width,
            height: info.height,
            frames: info.frames,
            duration_ms: info.duration_ms,
            poster_png,
        })
    }
}
