//! Image files that carry generation records the way other tools write them, built from the formats'
//! published descriptions: EXIF (TIFF 6.0 / EXIF 2.3) in JPEG and WebP files, and text hidden in a PNG's
//! pixels ("stealth" PNG info). For the record readers' tests.

/// A little- or big-endian TIFF with IFD0 pointing at an EXIF IFD holding a UserComment
/// (type UNDEFINED) and, when given, a MakerNote.
pub fn exif_tiff(user_comment: &[u8], maker_note: Option<&[u8]>, little: bool) -> Vec<u8> {
    let u16b = |v: u16| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let u32b = |v: u32| {
        if little {
            v.to_le_bytes()
        } else {
            v.to_be_bytes()
        }
    };
    let mut out = Vec::new();
    out.extend(if little { *b"II*\0" } else { *b"MM\0*" });
    out.extend(u32b(8));
    // IFD0: one entry, the EXIF IFD pointer (LONG).
    out.extend(u16b(1));
    out.extend(u16b(0x8769));
    out.extend(u16b(4));
    out.extend(u32b(1));
    let exif_ifd = 8 + 2 + 12 + 4;
    out.extend(u32b(exif_ifd));
    out.extend(u32b(0));
    let entries: Vec<(u16, &[u8])> = std::iter::once((0x9286, user_comment))
        .chain(maker_note.map(|m| (0x927C, m)))
        .collect();
    let mut data_at = exif_ifd as usize + 2 + entries.len() * 12 + 4;
    let mut data = Vec::new();
    out.extend(u16b(entries.len() as u16));
    for (tag, value) in &entries {
        out.extend(u16b(*tag));
        out.extend(u16b(7));
        out.extend(u32b(value.len() as u32));
        out.extend(u32b(data_at as u32));
        data.extend_from_slice(value);
        data_at += value.len();
    }
    out.extend(u32b(0));
    out.extend(data);
    out
}

/// AUTOMATIC1111's UserComment: `UNICODE\0` and UTF-16 big-endian.
pub fn unicode_comment(text: &str) -> Vec<u8> {
    let mut out = b"UNICODE\0".to_vec();
    out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    out
}

/// A real baseline JPEG (encoded by `image`) with an APP1 EXIF segment and a COM segment added.
pub fn jpeg_with_exif(exif: &[u8], comment: Option<&str>) -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 9, y as u8 * 20, 80]));
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut encoded)
        .encode_image(&img)
        .expect("jpeg");
    let mut segments = Vec::new();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(exif);
    for (marker, body) in
        std::iter::once((0xE1u8, app1)).chain(comment.map(|c| (0xFEu8, c.as_bytes().to_vec())))
    {
        segments.extend([0xFF, marker]);
        segments.extend(((body.len() + 2) as u16).to_be_bytes());
        segments.extend(body);
    }
    let mut out = encoded[..2].to_vec();
    out.extend(segments);
    out.extend_from_slice(&encoded[2..]);
    out
}

/// An extended WebP (VP8X with the EXIF flag, the lossless image, the EXIF chunk).
pub fn webp_with_exif(exif: &[u8]) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(6, 4, |x, y| {
        image::Rgba([x as u8 * 40, y as u8 * 60, 7, 255])
    });
    let mut simple = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut simple)
        .encode(img.as_raw(), 6, 4, image::ExtendedColorType::Rgba8)
        .expect("webp");
    // The encoder's file is RIFF, size, WEBP, then its image chunk(s).
    let image_chunks = &simple[12..];
    let mut body = b"WEBP".to_vec();
    let mut vp8x = vec![0x08, 0, 0, 0];
    vp8x.extend(&5u32.to_le_bytes()[..3]);
    vp8x.extend(&3u32.to_le_bytes()[..3]);
    body.extend(b"VP8X");
    body.extend((vp8x.len() as u32).to_le_bytes());
    body.extend(&vp8x);
    body.extend_from_slice(image_chunks);
    body.extend(b"EXIF");
    body.extend((exif.len() as u32).to_le_bytes());
    body.extend(exif);
    if exif.len() % 2 == 1 {
        body.push(0);
    }
    let mut out = b"RIFF".to_vec();
    out.extend((body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// A gzip member around raw deflate (the CRC is not what readers check, but it is written right).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// An RGBA PNG of `w` x `h` with `text` hidden in the alpha channel's lowest bits.
pub fn png_with_alpha_stealth(w: u32, h: u32, text: &str, compressed: bool) -> Vec<u8> {
    let signature: &[u8] = if compressed {
        b"stealth_pngcomp"
    } else {
        b"stealth_pnginfo"
    };
    let payload = if compressed {
        gzip(text.as_bytes())
    } else {
        text.as_bytes().to_vec()
    };
    let mut bytes = signature.to_vec();
    bytes.extend(((payload.len() * 8) as u32).to_be_bytes());
    bytes.extend(payload);
    let bits: Vec<u8> = bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| (b >> i) & 1))
        .collect();
    assert!(
        bits.len() <= (w * h) as usize,
        "the picture is too small for the text"
    );
    let mut img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 128, 255]));
    for (i, bit) in bits.iter().enumerate() {
        let (x, y) = ((i as u32) / h, (i as u32) % h);
        let px = img.get_pixel_mut(x, y);
        px.0[3] = 254 | bit;
    }
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}
