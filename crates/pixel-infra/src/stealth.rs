//! "Stealth" PNG info: a record hidden in the lowest bits of the pixels, which survives tools that
//! strip text chunks (NovelAI writes it; the AUTOMATIC1111 stealth-pnginfo extension reads and writes
//! it). Bits run down each column, left to right: first a 15-byte signature — `stealth_pnginfo` or
//! `stealth_pngcomp` in the alpha channel's lowest bit, `stealth_rgbinfo` or `stealth_rgbcomp` in the
//! red, green and blue ones — then the payload's length in bits (32 bits, big-endian), then the
//! payload: UTF-8 text, gzip-compressed for the `comp` signatures.

use image::ImageDecoder;

/// Pictures larger than this are not decoded for a hidden record (a decode bomb's claimed size).
const MAX_PIXELS: u64 = 16_000_000;
/// A hidden record larger than this is not a generation record.
const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;

/// The hidden text of a PNG, if it carries one.
pub fn read_stealth(png: &[u8]) -> Option<String> {
    let decoder = image::codecs::png::PngDecoder::new(std::io::Cursor::new(png)).ok()?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return None;
    }
    let has_alpha = decoder.color_type().has_alpha();
    let img = image::DynamicImage::from_decoder(decoder).ok()?.to_rgba8();
    let (w, h) = (img.width(), img.height());
    // Column by column, top to bottom: the order the writers use.
    let pixels = (0..w).flat_map(|x| (0..h).map(move |y| (x, y)));
    if has_alpha {
        let bits = pixels.clone().map(|(x, y)| img.get_pixel(x, y).0[3] & 1);
        if let Some(text) = decode(bits, b"stealth_png") {
            return Some(text);
        }
    }
    let bits = pixels.flat_map(|(x, y)| {
        let [r, g, b, _] = img.get_pixel(x, y).0;
        [r & 1, g & 1, b & 1]
    });
    decode(bits, b"stealth_rgb")
}

/// Reads signature, length and payload from a stream of bits; `family` is the signature's first 11
/// bytes, which `info` or `comp` complete.
fn decode(bits: impl Iterator<Item = u8>, family: &[u8; 11]) -> Option<String> {
    let mut bytes = BitBytes { bits };
    let mut signature = [0u8; 15];
    for b in &mut signature {
        *b = bytes.next_byte()?;
    }
    let compressed = match signature.split_at(11) {
        (start, b"info") if start == family => false,
        (start, b"comp") if start == family => true,
        _ => return None,
    };
    let mut len_bits = 0u32;
    for _ in 0..4 {
        len_bits = (len_bits << 8) | u32::from(bytes.next_byte()?);
    }
    let len = (len_bits / 8) as usize;
    if len > MAX_PAYLOAD_BYTES {
        return None;
    }
    let mut payload = Vec::with_capacity(len);
    for _ in 0..len {
        payload.push(bytes.next_byte()?);
    }
    let text = if compressed {
        gunzip(&payload)?
    } else {
        payload
    };
    String::from_utf8(text).ok()
}

struct BitBytes<I> {
    bits: I,
}

impl<I: Iterator<Item = u8>> BitBytes<I> {
    /// Eight bits, most significant first.
    fn next_byte(&mut self) -> Option<u8> {
        let mut byte = 0u8;
        for _ in 0..8 {
            byte = (byte << 1) | self.bits.next()?;
        }
        Some(byte)
    }
}

/// A gzip member (RFC 1952): its header, then raw deflate.
fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    let [0x1f, 0x8b, 8, flags, _, _, _, _, _, _, rest @ ..] = data else {
        return None;
    };
    let mut rest = rest;
    if flags & 0x04 != 0 {
        let [a, b, tail @ ..] = rest else { return None };
        rest = tail.get(usize::from(u16::from_le_bytes([*a, *b]))..)?;
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            let nul = rest.iter().position(|&b| b == 0)?;
            rest = &rest[nul + 1..];
        }
    }
    if flags & 0x02 != 0 {
        rest = rest.get(2..)?;
    }
    miniz_oxide::inflate::decompress_to_vec_with_limit(rest, MAX_PAYLOAD_BYTES).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_testkit::record_files::*;

    #[test]
    fn reads_text_hidden_in_the_alpha_channel_plain_and_gzipped() {
        let text = "a moonlit bay\nSteps: 20, Seed: 7, Size: 64x64";
        for compressed in [false, true] {
            let png = png_with_alpha_stealth(64, 64, text, compressed);
            assert_eq!(
                read_stealth(&png).as_deref(),
                Some(text),
                "compressed: {compressed}"
            );
        }
    }

    #[test]
    fn an_ordinary_picture_hides_nothing() {
        let img = image::RgbaImage::from_fn(32, 32, |x, y| image::Rgba([x as u8, y as u8, 9, 255]));
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        assert_eq!(read_stealth(&png), None);
        // A picture too small for its claimed text, or cut short, reads as nothing.
        let long = png_with_alpha_stealth(64, 64, "x", false);
        assert_eq!(read_stealth(&long[..long.len() / 2]), None);
        assert_eq!(gunzip(b"\x1f\x8b\x08\x00"), None);
    }
}
