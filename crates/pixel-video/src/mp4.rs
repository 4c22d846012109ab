//! Writing a clip: RGB frames converted to yuv420p by swscale, encoded by libx264 (High profile,
//! CRF 23, `veryfast`) and muxed into an MP4 with its index (`moov`) first, so a browser can start
//! playing and seek before it has the whole file.

use ffmpeg_next::{codec, encoder, format, frame, software::scaling, Dictionary, Packet, Rational};

use crate::{ffmpeg, init, io, ClipSpec, Result, VideoError};

/// A clip being written, one frame at a time.
pub struct Mp4Writer {
    spec: ClipSpec,
    dir: tempfile::TempDir,
    output: format::context::Output,
    encoder: encoder::Video,
    scaler: scaling::Context,
    rgb: frame::Video,
    yuv: frame::Video,
    frame_rate: Rational,
    stream_time_base: Rational,
    next_pts: i64,
}

const FILE: &str = "clip.mp4";

/// A frame whose every byte, row padding included, is set: FFmpeg leaves the padding as the
/// allocator found it, and what reaches the encoder must depend on the clip alone.
fn zeroed(pixel: format::Pixel, spec: ClipSpec) -> frame::Video {
    let mut frame = frame::Video::new(pixel, spec.width, spec.height);
    for plane in 0..frame.planes() {
        frame.data_mut(plane).fill(0);
    }
    frame
}

impl Mp4Writer {
    pub fn create(spec: ClipSpec) -> Result<Mp4Writer> {
        spec.check()?;
        init()?;
        let dir = tempfile::tempdir().map_err(io("making a folder for the clip"))?;
        let mut output =
            format::output(&dir.path().join(FILE)).map_err(ffmpeg("opening the MP4 muxer"))?;
        let x264 = encoder::find_by_name("libx264").ok_or(VideoError::Missing("libx264"))?;
        let frame_rate = Rational(spec.fps as i32, 1);
        let mut video = codec::context::Context::new_with_codec(x264)
            .encoder()
            .video()
            .map_err(ffmpeg("making the H.264 encoder"))?;
        video.set_width(spec.width);
        video.set_height(spec.height);
        video.set_format(format::Pixel::YUV420P);
        video.set_time_base(frame_rate.invert());
        video.set_frame_rate(Some(frame_rate));
        if output
            .format()
            .flags()
            .contains(format::flag::Flags::GLOBAL_HEADER)
        {
            video.set_flags(codec::flag::Flags::GLOBAL_HEADER);
        }
        let mut options = Dictionary::new();
        options.set("preset", "veryfast");
        options.set("crf", "23");
        options.set("profile", "high");
        let encoder = video
            .open_with(options)
            .map_err(ffmpeg("opening the H.264 encoder"))?;
        let mut stream = output
            .add_stream(x264)
            .map_err(ffmpeg("adding the video stream"))?;
        stream.set_parameters(&encoder);
        stream.set_time_base(frame_rate.invert());
        let mut muxer = Dictionary::new();
        muxer.set("movflags", "+faststart");
        output
            .write_header_with(muxer)
            .map_err(ffmpeg("writing the MP4 header"))?;
        let stream_time_base = output
            .stream(0)
            .map(|s| s.time_base())
            .ok_or(VideoError::Missing("video stream after the header"))?;
        let scaler = scaling::Context::get(
            format::Pixel::RGB24,
            spec.width,
            spec.height,
            format::Pixel::YUV420P,
            spec.width,
            spec.height,
            scaling::flag::Flags::BILINEAR,
        )
        .map_err(ffmpeg("making the colour converter"))?;
        Ok(Mp4Writer {
            spec,
            dir,
            output,
            encoder,
            scaler,
            rgb: zeroed(format::Pixel::RGB24, spec),
            yuv: zeroed(format::Pixel::YUV420P, spec),
            frame_rate,
            stream_time_base,
            next_pts: 0,
        })
    }

    /// Adds one frame: `rgb` is width x height x 3 bytes, rows top to bottom.
    pub fn push(&mut self, rgb: &[u8]) -> Result<()> {
        let row = self.spec.width as usize * 3;
        if rgb.len() != row * self.spec.height as usize {
            return Err(VideoError::Invalid(format!(
                "a frame of {} bytes for {}x{} RGB",
                rgb.len(),
                self.spec.width,
                self.spec.height
            )));
        }
        if self.next_pts >= i64::from(self.spec.frames) {
            return Err(VideoError::Invalid(format!(
                "more than the {} frames the clip has",
                self.spec.frames
            )));
        }
        // FFmpeg pads each row to its own stride.
        let stride = self.rgb.stride(0);
        let plane = self.rgb.data_mut(0);
        for (src, dst) in rgb.chunks_exact(row).zip(plane.chunks_mut(stride)) {
            dst[..row].copy_from_slice(src);
        }
        self.scaler
            .run(&self.rgb, &mut self.yuv)
            .map_err(ffmpeg("converting a frame to yuv420p"))?;
        self.yuv.set_pts(Some(self.next_pts));
        self.next_pts += 1;
        self.encoder
            .send_frame(&self.yuv)
            .map_err(ffmpeg("encoding a frame"))?;
        self.write_packets()
    }

    fn write_packets(&mut self) -> Result<()> {
        let mut packet = Packet::empty();
        while self.encoder.receive_packet(&mut packet).is_ok() {
            packet.set_stream(0);
            // Each frame lasts one frame time: without it the muxer ends the track at the last
            // frame's start, and a 2 s clip reads (and players show it) as 1.96 s.
            if packet.duration() == 0 {
                packet.set_duration(1);
            }
            packet.rescale_ts(self.frame_rate.invert(), self.stream_time_base);
            packet
                .write_interleaved(&mut self.output)
                .map_err(ffmpeg("writing a packet"))?;
        }
        Ok(())
    }

    /// Ends the clip (every frame pushed): the MP4's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        if self.next_pts != i64::from(self.spec.frames) {
            return Err(VideoError::Invalid(format!(
                "{} of the clip's {} frames were given",
                self.next_pts, self.spec.frames
            )));
        }
        self.encoder
            .send_eof()
            .map_err(ffmpeg("ending the encoder"))?;
        self.write_packets()?;
        self.output
            .write_trailer()
            .map_err(ffmpeg("writing the MP4 index"))?;
        let path = self.dir.path().join(FILE);
        // The muxer's file is closed when the output context is dropped.
        drop(self.output);
        std::fs::read(path).map_err(io("reading the clip back"))
    }
}
