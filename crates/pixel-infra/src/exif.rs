//! Text that JPEG and WebP files carry for other tools: the EXIF UserComment (where AUTOMATIC1111 and
//! Fooocus write their records), the EXIF MakerNote (Fooocus's scheme name) and JPEG comment segments,
//! read by walking the file's segments or chunks without decoding a pixel.

/// At most this much text per field: records are kilobytes, never megabytes.
const MAX_FIELD_BYTES: usize = 1024 * 1024;

/// EXIF tags that hold the records.
const TAG_EXIF_IFD: u16 = 0x8769;
const TAG_USER_COMMENT: u16 = 0x9286;
const TAG_MAKER_NOTE: u16 = 0x927C;

/// The text fields of a JPEG: `UserComment`, `MakerNote` (from APP1 EXIF) and `comment` (COM).
pub fn jpeg_texts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut at = 2; // after SOI
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            break;
        }
        let marker = bytes[at + 1];
        // Fill bytes and markers without a length (RSTn, TEM).
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if (0xD0..=0xD8).contains(&marker) || marker == 0x01 {
            at += 2;
            continue;
        }
        // Start of scan or end of image: no metadata segment follows that a writer of records uses.
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let Some(body) = len
            .checked_sub(2)
            .and_then(|n| bytes.get(at + 4..at + 4 + n))
        else {
            break;
        };
        match marker {
            0xE1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                    out.extend(tiff_texts(tiff));
                }
            }
            0xFE => {
                if let Some(text) = decode_text(body) {
                    out.push(("comment".to_string(), text));
                }
            }
            _ => {}
        }
        at += 2 + len;
    }
    out
}

/// The text fields of a WebP's `EXIF` chunk (with or without the `Exif\0\0` prefix some writers add).
pub fn webp_texts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = vec![];
    let Some(mut rest) = bytes.get(12..) else {
        return out;
    };
    while rest.len() >= 8 {
        let kind = &rest[..4];
        let len = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(body) = rest.get(8..8 + len) else {
            break;
        };
        if kind == b"EXIF" {
            out.extend(tiff_texts(body.strip_prefix(b"Exif\0\0").unwrap_or(body)));
        }
        // Chunks are padded to an even size.
        rest = rest.get(8 + len + (len & 1)..).unwrap_or(&[]);
    }
    out
}

/// Reads 16- and 32-bit numbers in the TIFF's own byte order.
struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, at: usize) -> Option<u16> {
        let b = self.bytes.get(at..at + 2)?;
        Some(if self.little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b = self.bytes.get(at..at + 4)?;
        Some(if self.little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }

    /// The IFD at `offset`: (tag, type, count, where the value is) for each entry.
    fn entries(&self, offset: usize) -> Vec<(u16, u16, usize, usize)> {
        let Some(count) = self.u16_at(offset) else {
            return vec![];
        };
        (0..usize::from(count))
            .filter_map(|i| {
                let at = offset + 2 + i * 12;
                let tag = self.u16_at(at)?;
                let kind = self.u16_at(at + 2)?;
                let n = self.u32_at(at + 4)? as usize;
                // Values of more than 4 bytes sit at an offset; smaller ones in the entry itself.
                let size = n.checked_mul(type_size(kind))?;
                let value_at = if size <= 4 {
                    at + 8
                } else {
                    self.u32_at(at + 8)? as usize
                };
                Some((tag, kind, size, value_at))
            })
            .collect()
    }
}

fn type_size(kind: u16) -> usize {
    match kind {
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// The UserComment and MakerNote of a TIFF structure (IFD0 and its EXIF sub-IFD).
fn tiff_texts(tiff: &[u8]) -> Vec<(String, String)> {
    let little = match tiff.get(..4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return vec![],
    };
    let t = Tiff {
        bytes: tiff,
        little,
    };
    let Some(ifd0) = t.u32_at(4) else {
        return vec![];
    };
    let mut entries = t.entries(ifd0 as usize);
    if let Some(&(_, _, _, at)) = entries.iter().find(|e| e.0 == TAG_EXIF_IFD) {
        if let Some(sub) = t.u32_at(at) {
            entries.extend(t.entries(sub as usize));
        }
    }
    let mut out = vec![];
    for (tag, name) in [
        (TAG_USER_COMMENT, "UserComment"),
        (TAG_MAKER_NOTE, "MakerNote"),
    ] {
        let Some(&(_, kind, size, at)) = entries.iter().find(|e| e.0 == tag) else {
            continue;
        };
        let Some(value) = tiff.get(at..at.saturating_add(size.min(MAX_FIELD_BYTES))) else {
            continue;
        };
        let text = if tag == TAG_USER_COMMENT && kind == 7 {
            user_comment(value)
        } else {
            decode_text(value)
        };
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            out.push((name.to_string(), text));
        }
    }
    out
}

/// A UserComment: an 8-byte character code, then the text. `UNICODE` is UTF-16 in either byte order
/// (AUTOMATIC1111 writes big-endian, other writers little-endian); files written without the code
/// (Fooocus through Pillow) start with the text itself.
fn user_comment(value: &[u8]) -> Option<String> {
    match value.split_at_checked(8) {
        Some((b"UNICODE\0", text)) => Some(utf16(text)),
        Some((b"ASCII\0\0\0", text)) | Some((b"\0\0\0\0\0\0\0\0", text)) => decode_text(text),
        _ => decode_text(value),
    }
}

/// UTF-16 whose byte order is read from a byte-order mark, or else from where the zero bytes of
/// ASCII characters fall.
fn utf16(bytes: &[u8]) -> String {
    let (bytes, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => {
            let zeros_first = bytes.chunks(2).filter(|p| p.first() == Some(&0)).count();
            let zeros_second = bytes.chunks(2).filter(|p| p.get(1) == Some(&0)).count();
            (bytes, zeros_second > zeros_first)
        }
    };
    let units = bytes.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .trim_end_matches('\0')
        .to_string()
}

/// UTF-8 text, or Latin-1 when it is not UTF-8; trailing NULs dropped.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = &bytes[..bytes.len().min(MAX_FIELD_BYTES)];
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    };
    let text = text.trim_end_matches('\0').to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_testkit::record_files::*;

    #[test]
    fn reads_a_user_comment_in_either_byte_order_and_encoding() {
        for little in [true, false] {
            let tiff = exif_tiff(&unicode_comment("a harbour, Steps: 20"), None, little);
            assert_eq!(
                tiff_texts(&tiff),
                [(
                    "UserComment".to_string(),
                    "a harbour, Steps: 20".to_string()
                )]
            );
        }
        let mut le = b"UNICODE\0".to_vec();
        le.extend("héron".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(user_comment(&le).as_deref(), Some("héron"));
        assert_eq!(user_comment(b"ASCII\0\0\0plain").as_deref(), Some("plain"));
        assert_eq!(
            user_comment(b"{\"prompt\":\"x\"}").as_deref(),
            Some("{\"prompt\":\"x\"}")
        );
    }

    #[test]
    fn finds_the_exif_of_real_jpeg_and_webp_files() {
        let tiff = exif_tiff(&unicode_comment("a lighthouse"), Some(b"fooocus"), false);
        let jpeg = jpeg_with_exif(&tiff, Some("made by hand"));
        assert!(image::load_from_memory(&jpeg).is_ok(), "still a valid JPEG");
        let texts = jpeg_texts(&jpeg);
        assert!(texts.contains(&("UserComment".into(), "a lighthouse".into())));
        assert!(texts.contains(&("MakerNote".into(), "fooocus".into())));
        assert!(texts.contains(&("comment".into(), "made by hand".into())));

        let webp = webp_with_exif(&tiff);
        assert!(image::load_from_memory(&webp).is_ok(), "still a valid WebP");
        assert!(webp_texts(&webp).contains(&("UserComment".into(), "a lighthouse".into())));
    }

    #[test]
    fn malformed_files_read_as_nothing_without_a_panic() {
        let tiff = exif_tiff(&unicode_comment("a lighthouse"), None, true);
        let jpeg = jpeg_with_exif(&tiff, None);
        let webp = webp_with_exif(&tiff);
        for cut in 0..jpeg.len().min(400) {
            let _ = jpeg_texts(&jpeg[..cut]);
        }
        for cut in 0..webp.len() {
            let _ = webp_texts(&webp[..cut]);
        }
        // Offsets and counts that point anywhere.
        let mut wild = tiff.clone();
        for i in 8..wild.len().min(60) {
            wild[i] = 0xFF;
            let _ = tiff_texts(&wild);
        }
    }
}
