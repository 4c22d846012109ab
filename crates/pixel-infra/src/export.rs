//! The library export as a zip: each image as it was stored, a PNG carrying its record as
//! AUTOMATIC1111 infotext (so other tools, and this app's own import, read it back), and beside it the
//! full record as JSON. Written a page of images at a time into a stream of chunks, so an export of any
//! size holds one image in memory besides the zip's directory.

use bytes::Bytes;
use pixel_core::domain::Image;
use pixel_core::ops::exports::ExportPlan;
use pixel_core::{App, Error, ErrorCode, Result};
use rawzip::{time::UtcDateTime, ZipArchiveWriter};
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::mpsc;

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// The PNG text keyword AUTOMATIC1111 writes its infotext under, and every reader of it looks for.
pub const INFOTEXT_KEYWORD: &str = "parameters";

/// A record as AUTOMATIC1111 writes it: the prompt, `Negative prompt:`, and one line of settings
/// (`Steps: 28, CFG scale: 7, Seed: 42, Size: 1024x1024, Model: flux-dev`), with Pixel Studio's own
/// provider and image id after the ones other tools know.
pub fn infotext(image: &Image) -> String {
    let record = &image.record;
    let params = &record.params;
    let mut text = params.prompt.trim().to_string();
    if let Some(negative) = params.negative_prompt.as_deref().map(str::trim) {
        if !negative.is_empty() {
            text.push_str("\nNegative prompt: ");
            text.push_str(negative);
        }
    }
    let mut settings = vec![];
    if let Some(steps) = params.steps {
        settings.push(format!("Steps: {steps}"));
    }
    if let Some(cfg) = params.cfg {
        settings.push(format!("CFG scale: {cfg}"));
    }
    settings.push(format!("Seed: {}", record.seed));
    settings.push(format!("Size: {}x{}", params.width, params.height));
    settings.push(format!("Model: {}", quoted(&record.model)));
    settings.push(format!("Provider: {}", quoted(&record.provider)));
    settings.push(format!("Pixel Studio image: {}", image.id));
    text.push('\n');
    text.push_str(&settings.join(", "));
    text
}

/// A value as infotext quotes one that holds its separators.
fn quoted(value: &str) -> String {
    if value.contains([',', ':', '"', '\n']) {
        serde_json::Value::String(value.to_string()).to_string()
    } else {
        value.to_string()
    }
}

fn bad_png(msg: &str) -> Error {
    Error::new(
        ErrorCode::Internal,
        format!("a stored PNG is malformed: {msg}"),
    )
}

/// `png` with `text` under `keyword` as its first text chunk (right after the header), replacing any
/// chunk that had the keyword: Latin-1 text as tEXt, anything else as uncompressed UTF-8 iTXt.
pub fn png_with_text(png: &[u8], keyword: &str, text: &str) -> Result<Vec<u8>> {
    let mut rest = png
        .strip_prefix(PNG_SIGNATURE)
        .ok_or_else(|| bad_png("no PNG signature"))?;
    let mut out = Vec::with_capacity(png.len() + text.len() + 64);
    out.extend_from_slice(PNG_SIGNATURE);
    let mut first = true;
    while !rest.is_empty() {
        let header: [u8; 8] = rest
            .get(..8)
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| bad_png("a chunk header is cut short"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let whole = rest
            .get(..12 + len)
            .ok_or_else(|| bad_png("a chunk runs past the end of the file"))?;
        let kind = &header[4..8];
        let data = &whole[8..8 + len];
        rest = &rest[12 + len..];
        let replaced = matches!(kind, b"tEXt" | b"zTXt" | b"iTXt")
            && data
                .strip_prefix(keyword.as_bytes())
                .is_some_and(|r| r.first() == Some(&0));
        if !replaced {
            out.extend_from_slice(whole);
        }
        if first {
            if kind != b"IHDR" {
                return Err(bad_png("the first chunk is not IHDR"));
            }
            write_text_chunk(&mut out, keyword, text);
            first = false;
        }
        if kind == b"IEND" {
            break;
        }
    }
    Ok(out)
}

fn write_text_chunk(out: &mut Vec<u8>, keyword: &str, text: &str) {
    let mut body = keyword.as_bytes().to_vec();
    body.push(0);
    let latin1: Option<Vec<u8>> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect();
    let kind: &[u8; 4] = match latin1 {
        Some(bytes) => {
            body.extend_from_slice(&bytes);
            b"tEXt"
        }
        None => {
            // Not compressed, no language tag, no translated keyword.
            body.extend_from_slice(&[0, 0, 0, 0]);
            body.extend_from_slice(text.as_bytes());
            b"iTXt"
        }
    };
    let mut crc = rawzip::Crc32::new();
    crc.update(kind);
    crc.update(&body);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc.checksum().to_be_bytes());
}

/// The file extension for an image type.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => "img",
    }
}

/// The file name of an image in the export (the name a single download gets too), and of its record
/// beside it.
pub fn entry_names(image: &Image) -> (String, String) {
    (
        format!("pixel-{}.{}", image.id, extension(&image.mime)),
        format!("pixel-{}.json", image.id),
    )
}

/// What the zip writer writes to: taken out after each image and sent on as one chunk.
#[derive(Clone, Default)]
struct Pending(Arc<Mutex<Vec<u8>>>);

impl Pending {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn zip_err(e: rawzip::Error) -> Error {
    Error::new(ErrorCode::Internal, format!("writing the export: {e}"))
}

fn add_file<W: Write>(
    zip: &mut ZipArchiveWriter<W>,
    name: &str,
    modified: UtcDateTime,
    bytes: &[u8],
) -> Result<()> {
    let (mut entry, config) = zip
        .new_file(name)
        .last_modified(modified)
        .unix_permissions(0o644)
        .start()
        .map_err(zip_err)?;
    let mut writer = config.wrap(&mut entry);
    writer
        .write_all(bytes)
        .map_err(|e| Error::new(ErrorCode::Internal, format!("writing the export: {e}")))?;
    let (_, descriptor) = writer.finish().map_err(zip_err)?;
    entry.finish(descriptor).map_err(zip_err)?;
    Ok(())
}

/// How an export went: images written, and those whose stored file was missing (their record is
/// still in the zip).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ExportSummary {
    pub images: u64,
    pub missing_files: u64,
}

/// Writes the plan's documents and images as a zip, sending it on as chunks (one document or image
/// each, then the zip's directory) and telling `on_image` how many images are in it so far. Stops early, without an error,
/// when the receiver is gone (the download was cancelled); an error on the way is sent as the last
/// chunk, so the download fails instead of ending in a zip that looks whole.
pub async fn stream_export(
    app: &App,
    mut plan: ExportPlan,
    chunks: mpsc::Sender<std::io::Result<Bytes>>,
    mut on_image: impl FnMut(u64) + Send,
) -> ExportSummary {
    let pending = Pending::default();
    let mut zip = ZipArchiveWriter::new(pending.clone());
    let mut summary = ExportSummary::default();
    let outcome: Result<bool> = async {
        let written = UtcDateTime::from_unix(app.clock.now_ms().div_euclid(1000));
        for document in plan.take_documents() {
            add_file(&mut zip, document.name, written, &document.bytes)?;
            if chunks.send(Ok(Bytes::from(pending.take()))).await.is_err() {
                return Ok(false);
            }
        }
        loop {
            let page = plan.next_page(app).await?;
            if page.is_empty() {
                break;
            }
            for image in page {
                let missing = write_image(app, &mut zip, &image).await?;
                summary.images += 1;
                summary.missing_files += u64::from(missing);
                let chunk = pending.take();
                if chunks.send(Ok(Bytes::from(chunk))).await.is_err() {
                    return Ok(false);
                }
                on_image(summary.images);
            }
        }
        zip.finish().map_err(zip_err)?;
        Ok(chunks.send(Ok(Bytes::from(pending.take()))).await.is_ok())
    }
    .await;
    match outcome {
        Ok(true) => tracing::info!(
            images = summary.images,
            missing = summary.missing_files,
            "export written"
        ),
        Ok(false) => tracing::info!(images = summary.images, "export cancelled by the client"),
        Err(e) => {
            tracing::warn!(error = %e, images = summary.images, "export failed");
            let _ = chunks
                .send(Err(std::io::Error::other(e.message.clone())))
                .await;
        }
    }
    summary
}

/// One image and its record into the zip; true when its stored file was missing.
async fn write_image<W: Write>(
    app: &App,
    zip: &mut ZipArchiveWriter<W>,
    image: &Image,
) -> Result<bool> {
    let (file_name, record_name) = entry_names(image);
    let modified = UtcDateTime::from_unix(image.created_at.div_euclid(1000));
    let stored = app.blobs.get(&image.sha256).await?;
    let missing = stored.is_none();
    match stored {
        Some(bytes) => {
            let bytes = if image.mime == "image/png" {
                png_with_text(&bytes, INFOTEXT_KEYWORD, &infotext(image))?
            } else {
                bytes
            };
            add_file(zip, &file_name, modified, &bytes)?;
        }
        None => {
            tracing::warn!(image = %image.id, "export: the image's file is missing; its record is exported alone")
        }
    }
    let record = serde_json::to_vec_pretty(image)
        .map_err(|e| Error::new(ErrorCode::Internal, format!("writing a record: {e}")))?;
    add_file(zip, &record_name, modified, &record)?;
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{parse_a1111, png_text_chunks};

    fn image(prompt: &str, negative: Option<&str>, steps: Option<u32>) -> Image {
        let mut image: Image = serde_json::from_value(serde_json::json!({
            "id": "img_1", "owner_id": "u", "set_id": "s", "job_id": "j", "visibility": "private",
            "mime": "image/png", "width": 768, "height": 512, "bytes": 10, "sha256": "ab",
            "thumb_sha256": "cd", "placeholder": "", "url": "/media/img_1/original",
            "thumb_url": "/media/img_1/thumb", "created_at": 1_700_000_000_000i64,
            "record": {
                "provider": "local", "model": "local-sketch",
                "params": { "prompt": "", "model": "local-sketch", "width": 768, "height": 512 },
                "seed": 4242, "cost": 0, "attempts": 1,
                "timings": { "queued_at": 1, "started_at": 2, "finished_at": 3, "provider_ms": 1, "processing_ms": 1 },
                "retried_errors": [], "set_id": "s", "job_id": "j", "index": 0
            }
        }))
        .expect("a valid image");
        image.record.params.prompt = prompt.into();
        image.record.params.negative_prompt = negative.map(Into::into);
        image.record.params.steps = steps;
        image.record.params.cfg = steps.map(|_| 6.5);
        image
    }

    #[test]
    fn infotext_reads_back_as_the_same_record() {
        let img = image(
            "a lighthouse, at dusk\nsecond line",
            Some("blurry, dark"),
            Some(28),
        );
        let read = parse_a1111(&infotext(&img)).expect("infotext parses");
        assert_eq!(read.prompt, "a lighthouse, at dusk\nsecond line");
        assert_eq!(read.negative_prompt.as_deref(), Some("blurry, dark"));
        assert_eq!(read.steps, Some(28));
        assert_eq!(read.cfg, Some(6.5));
        assert_eq!(read.seed, Some(4242));
        assert_eq!((read.width, read.height), (Some(768), Some(512)));
        assert_eq!(read.model.as_deref(), Some("local-sketch"));
    }

    #[test]
    fn infotext_without_steps_still_reads_back() {
        let img = image("a fox", None, None);
        let text = infotext(&img);
        assert!(!text.contains("Steps:"), "{text}");
        let read = parse_a1111(&text).expect("infotext parses");
        assert_eq!(read.prompt, "a fox");
        assert_eq!(read.seed, Some(4242));
        assert_eq!(read.steps, None);
    }

    fn tiny_png() -> Vec<u8> {
        let mut out = vec![];
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgb);
        enc.add_text_chunk(INFOTEXT_KEYWORD.into(), "old text".into())
            .expect("text chunk");
        let mut w = enc.write_header().expect("header");
        w.write_image_data(&[0u8; 12]).expect("data");
        w.finish().expect("finish");
        out
    }

    #[test]
    fn the_png_carries_the_new_text_once_and_still_decodes() {
        for text in ["a lighthouse\nSeed: 1", "海の灯台 — ünïcode\nSeed: 2"] {
            let png = png_with_text(&tiny_png(), INFOTEXT_KEYWORD, text).expect("embeds");
            let chunks = png_text_chunks(&png).expect("reads");
            let found: Vec<_> = chunks
                .iter()
                .filter(|(k, _)| k == INFOTEXT_KEYWORD)
                .collect();
            assert_eq!(found.len(), 1, "{chunks:?}");
            assert_eq!(found[0].1, text);
            let decoder = png::Decoder::new(std::io::Cursor::new(png));
            let mut reader = decoder.read_info().expect("a valid PNG (CRCs checked)");
            let mut buf = vec![0; reader.output_buffer_size().expect("size")];
            reader.next_frame(&mut buf).expect("pixels decode");
        }
    }

    #[test]
    fn a_file_that_is_not_a_png_is_refused() {
        assert!(png_with_text(b"GIF89a", INFOTEXT_KEYWORD, "x").is_err());
        let cut = &tiny_png()[..20];
        assert!(png_with_text(cut, INFOTEXT_KEYWORD, "x").is_err());
    }
}
