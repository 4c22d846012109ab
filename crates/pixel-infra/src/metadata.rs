//! Generation records embedded in image files by other tools: PNG text chunks (AUTOMATIC1111's
//! infotext, ComfyUI's API-format graph, InvokeAI's three formats, Fooocus, NovelAI), the EXIF of
//! JPEG and WebP files, and records hidden in a PNG's pixels; which one a file holds is found here.

use pixel_core::ops::ImportedRecord;
use pixel_core::{Error, ErrorCode, Result};
use serde_json::Value;

/// Text chunks bigger than this are not metadata anyone wrote by hand; refuse to inflate them.
const MAX_TEXT_BYTES: usize = 1024 * 1024;

fn bad(msg: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::InvalidInput,
        format!("could not read the file: {msg}"),
    )
}

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Every text chunk (tEXt, zTXt, iTXt) of a PNG, before and after the image data, read by walking the
/// chunks: the pixels are never decoded, so a small file that claims a huge size costs nothing.
pub fn png_text_chunks(bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let mut rest = bytes
        .strip_prefix(PNG_SIGNATURE)
        .ok_or_else(|| bad("not a PNG file"))?;
    let mut out = vec![];
    let mut inflated_total = 0usize;
    while rest.len() >= 12 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let kind = &rest[4..8];
        let data = rest
            .get(8..8 + len)
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        rest = rest.get(12 + len..).unwrap_or(&[]);
        let text = match kind {
            b"tEXt" => split_keyword(data).map(|(k, t)| (k, latin1(t))),
            b"zTXt" => match split_keyword(data) {
                Some((k, [0, compressed @ ..])) => Some((k, latin1(&inflate(compressed)?))),
                _ => None,
            },
            b"iTXt" => read_itxt(data)?,
            b"IEND" => break,
            _ => None,
        };
        if let Some((keyword, text)) = text {
            inflated_total += text.len();
            if inflated_total > 4 * MAX_TEXT_BYTES {
                return Err(bad("too much text metadata"));
            }
            out.push((keyword, text));
        }
    }
    Ok(out)
}

/// `keyword \0 rest`, with the keyword as Latin-1 (1–79 bytes by the PNG spec).
fn split_keyword(data: &[u8]) -> Option<(String, &[u8])> {
    let nul = data.iter().position(|&b| b == 0)?;
    (1..=79)
        .contains(&nul)
        .then(|| (latin1(&data[..nul]), &data[nul + 1..]))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn inflate(compressed: &[u8]) -> Result<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_TEXT_BYTES)
        .map_err(|_| bad("a compressed text chunk is corrupt or over 1 MB"))
}

/// iTXt: keyword \0 compressed-flag method language \0 translated-keyword \0 text (UTF-8).
fn read_itxt(data: &[u8]) -> Result<Option<(String, String)>> {
    let Some((keyword, rest)) = split_keyword(data) else {
        return Ok(None);
    };
    let [flag, method, rest @ ..] = rest else {
        return Ok(None);
    };
    let mut parts = rest.splitn(3, |&b| b == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let text = match (flag, method) {
        (0, _) => text.to_vec(),
        (1, 0) => inflate(text)?,
        _ => return Ok(None),
    };
    Ok(String::from_utf8(text).ok().map(|t| (keyword, t)))
}

/// Splits `Key: value, Key: "quoted, value"` pairs of an infotext parameter line.
fn infotext_pairs(line: &str) -> Vec<(String, String)> {
    let mut pairs = vec![];
    let mut rest = line.trim();
    while !rest.is_empty() {
        let Some(colon) = rest.find(':') else { break };
        let key = rest[..colon].trim().to_string();
        let after = rest[colon + 1..].trim_start();
        let (value, next) = if let Some(stripped) = after.strip_prefix('"') {
            match stripped.find('"') {
                Some(end) => (stripped[..end].to_string(), &stripped[end + 1..]),
                None => (stripped.to_string(), ""),
            }
        } else {
            match after.find(", ") {
                Some(end) => (after[..end].to_string(), &after[end..]),
                None => (after.to_string(), ""),
            }
        };
        pairs.push((key, value.trim().to_string()));
        rest = next.trim_start_matches(',').trim_start();
    }
    pairs
}

/// The settings line of an infotext: AUTOMATIC1111 starts it with `Steps:`; a record from a service
/// that has no steps (this app's own export of one) starts with the CFG scale or the seed, and names
/// the size further on.
fn is_settings_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("Steps:")
        || (["CFG scale: ", "Seed: "]
            .iter()
            .any(|key| line.starts_with(key))
            && line.contains("Size: "))
}

/// AUTOMATIC1111 infotext: the prompt, an optional `Negative prompt:` section, and a last line of
/// `Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x768, Model: name, ...`.
pub fn parse_a1111(text: &str) -> Option<ImportedRecord> {
    let lines: Vec<&str> = text.lines().collect();
    let params_idx = lines.iter().rposition(|l| is_settings_line(l))?;
    let body = &lines[..params_idx];
    let neg_idx = body.iter().position(|l| l.starts_with("Negative prompt:"));
    let (prompt_lines, negative) = match neg_idx {
        Some(i) => {
            let mut neg = body[i]
                .trim_start_matches("Negative prompt:")
                .trim()
                .to_string();
            for l in &body[i + 1..] {
                neg.push('\n');
                neg.push_str(l);
            }
            (
                &body[..i],
                Some(neg.trim().to_string()).filter(|n| !n.is_empty()),
            )
        }
        None => (body, None),
    };
    let pairs = infotext_pairs(lines[params_idx]);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let (width, height) = get("Size")
        .and_then(|s| {
            s.split_once('x')
                .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)))
        })
        .unzip();
    Some(ImportedRecord {
        source: "a1111".into(),
        prompt: prompt_lines.join("\n").trim().to_string(),
        negative_prompt: negative,
        width,
        height,
        seed: get("Seed").and_then(|s| s.parse().ok()),
        steps: get("Steps").and_then(|s| s.parse().ok()),
        cfg: get("CFG scale").and_then(|s| s.parse().ok()),
        sampler: get("Sampler"),
        model: get("Model").or_else(|| get("Model hash")),
        notes: vec![],
    })
}

fn node<'a>(graph: &'a Value, link: &Value) -> Option<&'a Value> {
    let id = match link {
        Value::Array(a) => a.first()?,
        other => other,
    };
    let key = match id {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    graph.get(key)
}

/// Follows a conditioning link to the text of the CLIPTextEncode node behind it.
fn text_behind(graph: &Value, link: &Value, depth: usize) -> Option<String> {
    let n = node(graph, link)?;
    let inputs = n.get("inputs")?;
    if let Some(text) = inputs.get("text").and_then(Value::as_str) {
        return Some(text.to_string());
    }
    if depth == 0 {
        return None;
    }
    ["conditioning", "conditioning_1", "positive", "clip"]
        .iter()
        .filter_map(|k| inputs.get(*k))
        .find_map(|l| text_behind(graph, l, depth - 1))
}

fn class_of(node: &Value) -> &str {
    node.get("class_type").and_then(Value::as_str).unwrap_or("")
}

fn is_sampler(node: &Value) -> bool {
    let class = class_of(node);
    class.starts_with("KSampler") || class.starts_with("SamplerCustom")
}

/// The sampler whose latent reaches a saved image: from each SaveImage node back through its
/// images, samples and latents (VAEDecode, upscales) to the first sampler on the way.
fn saved_sampler(graph: &Value) -> Option<String> {
    let nodes = graph.as_object()?;
    let mut outputs: Vec<&String> = nodes
        .iter()
        .filter(|(_, n)| class_of(n).starts_with("SaveImage"))
        .map(|(id, _)| id)
        .collect();
    outputs.sort_by_key(|id| id.parse::<u64>().unwrap_or(u64::MAX));
    for out in outputs {
        let mut at = out.clone();
        for _ in 0..16 {
            let node = nodes.get(&at)?;
            if is_sampler(node) {
                return Some(at);
            }
            let inputs = node.get("inputs")?;
            let next = [
                "images",
                "samples",
                "latent_image",
                "latent",
                "image",
                "pixels",
            ]
            .iter()
            .find_map(|k| inputs.get(*k).and_then(|l| l.get(0)))
            .and_then(|id| match id {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
            match next {
                Some(id) => at = id,
                None => break,
            }
        }
    }
    None
}

/// ComfyUI's API-format graph: the sampler that made the saved image (or the first by node id), its
/// prompts, latent size and checkpoint; a graph with several samplers says which was taken.
pub fn parse_comfyui(prompt_json: &str) -> Option<ImportedRecord> {
    let graph: Value = serde_json::from_str(prompt_json).ok()?;
    let nodes = graph.as_object()?;
    let mut samplers: Vec<&String> = nodes
        .iter()
        .filter(|(_, n)| is_sampler(n))
        .map(|(id, _)| id)
        .collect();
    samplers.sort_by_key(|id| (id.parse::<u64>().unwrap_or(u64::MAX), id.to_string()));
    let saved = saved_sampler(&graph);
    let chosen = saved
        .clone()
        .or_else(|| samplers.first().map(|id| id.to_string()))?;
    let sampler = nodes.get(&chosen)?;
    let mut notes = vec![];
    if samplers.len() > 1 {
        let why = if saved.is_some() {
            "the one whose result is saved"
        } else {
            "the first by node id; none leads to a saved image"
        };
        let others: Vec<String> = samplers
            .iter()
            .filter(|id| **id != &chosen)
            .map(|id| format!("node {id} ({})", nodes.get(*id).map_or("", class_of)))
            .collect();
        notes.push(format!(
            "the graph has {} samplers: took node {chosen} ({}), {why}; the others: {}",
            samplers.len(),
            class_of(sampler),
            others.join(", ")
        ));
    }
    let inputs = sampler.get("inputs")?;
    let positive = inputs
        .get("positive")
        .and_then(|l| text_behind(&graph, l, 4))
        .unwrap_or_default();
    let negative = inputs
        .get("negative")
        .and_then(|l| text_behind(&graph, l, 4))
        .filter(|n| !n.is_empty());
    let latent = inputs
        .get("latent_image")
        .and_then(|l| node(&graph, l))
        .and_then(|n| n.get("inputs"));
    let dim = |k: &str| {
        latent
            .and_then(|l| l.get(k))
            .and_then(Value::as_u64)
            .map(|v| v as u32)
    };
    let checkpoint = nodes.values().find_map(|n| {
        n.get("inputs")
            .and_then(|i| i.get("ckpt_name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    Some(ImportedRecord {
        source: "comfyui".into(),
        prompt: positive,
        negative_prompt: negative,
        width: dim("width"),
        height: dim("height"),
        seed: inputs
            .get("seed")
            .or_else(|| inputs.get("noise_seed"))
            .and_then(Value::as_u64),
        steps: inputs
            .get("steps")
            .and_then(Value::as_u64)
            .map(|v| v as u32),
        cfg: inputs.get("cfg").and_then(Value::as_f64).map(|v| v as f32),
        sampler: inputs
            .get("sampler_name")
            .and_then(Value::as_str)
            .map(str::to_string),
        model: checkpoint,
        notes,
    })
}

/// InvokeAI's `invokeai_metadata` (3.x+) JSON.
pub fn parse_invokeai(json: &str) -> Option<ImportedRecord> {
    let m: Value = serde_json::from_str(json).ok()?;
    let prompt = m
        .get("positive_prompt")
        .and_then(Value::as_str)?
        .to_string();
    let model = m.get("model").and_then(|v| {
        v.as_str().map(str::to_string).or_else(|| {
            v.get("name")
                .or_else(|| v.get("model_name"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    });
    Some(ImportedRecord {
        source: "invokeai".into(),
        prompt,
        negative_prompt: m
            .get("negative_prompt")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|s| !s.is_empty()),
        width: m.get("width").and_then(Value::as_u64).map(|v| v as u32),
        height: m.get("height").and_then(Value::as_u64).map(|v| v as u32),
        seed: m.get("seed").and_then(Value::as_u64),
        steps: m.get("steps").and_then(Value::as_u64).map(|v| v as u32),
        cfg: m.get("cfg_scale").and_then(Value::as_f64).map(|v| v as f32),
        sampler: m
            .get("scheduler")
            .and_then(Value::as_str)
            .map(str::to_string),
        model,
        notes: vec![],
    })
}

/// The record in a file's named text fields (PNG chunks, or the EXIF fields of a JPEG or WebP),
/// trying each tool's field and format in turn.
fn record_in(texts: &[(String, String)]) -> Option<ImportedRecord> {
    use crate::record_formats::*;
    let find = |k: &str| {
        texts
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    // AUTOMATIC1111 and Fooocus share `parameters` (and the UserComment): Fooocus's own scheme is JSON.
    let infotext_or_fooocus = |text: &str| parse_fooocus(text).or_else(|| parse_a1111(text));
    find("parameters")
        .and_then(infotext_or_fooocus)
        .or_else(|| find("invokeai_metadata").and_then(parse_invokeai))
        .or_else(|| find("sd-metadata").and_then(parse_invokeai_sd_metadata))
        .or_else(|| find("Dream").and_then(parse_invokeai_dream))
        .or_else(|| find("Comment").and_then(|c| parse_novelai(c, find("Source"))))
        .or_else(|| find("prompt").and_then(parse_comfyui))
        .or_else(|| find("UserComment").and_then(infotext_or_fooocus))
        .or_else(|| find("comment").and_then(parse_a1111))
}

/// The generation record an image file carries (PNG, JPEG or WebP), from whichever tool wrote it.
pub fn read_record(bytes: &[u8]) -> Result<Option<ImportedRecord>> {
    if bytes.starts_with(PNG_SIGNATURE) {
        let chunks = png_text_chunks(bytes)?;
        if let Some(record) = record_in(&chunks) {
            return Ok(Some(record));
        }
        // Nothing in the text chunks: a record may be hidden in the pixels.
        return Ok(crate::stealth::read_stealth(bytes).and_then(|hidden| {
            crate::record_formats::parse_novelai_stealth(&hidden)
                .or_else(|| record_in(&[("parameters".to_string(), hidden)]))
        }));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(record_in(&crate::exif::jpeg_texts(bytes)));
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(record_in(&crate::exif::webp_texts(bytes)));
    }
    Err(bad("not a PNG, JPEG or WebP file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with(chunks: &[(&str, &str, bool)]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 4, 4);
            enc.set_color(png::ColorType::Rgb);
            for (k, v, itxt) in chunks {
                if *itxt {
                    enc.add_itxt_chunk(k.to_string(), v.to_string())
                        .expect("itxt");
                } else {
                    enc.add_text_chunk(k.to_string(), v.to_string())
                        .expect("text");
                }
            }
            let mut w = enc.write_header().expect("header");
            w.write_image_data(&[90u8; 48]).expect("data");
        }
        out
    }

    /// A PNG whose header claims `w` x `h` pixels, with a record and a few bytes standing in for the
    /// image data: what a 0.5 MB upload claiming 16384x8192 looks like to a reader.
    fn png_claiming(w: u32, h: u32, record: &str) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend((data.len() as u32).to_be_bytes());
            out.extend(kind);
            out.extend(data);
            out.extend([0; 4]); // CRCs are not what metadata readers check
        }
        let mut out = PNG_SIGNATURE.to_vec();
        let mut ihdr = vec![];
        ihdr.extend(w.to_be_bytes());
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 6, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x03, 0x00]);
        chunk(
            &mut out,
            b"tEXt",
            format!("parameters\0{record}").as_bytes(),
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn a_huge_claimed_size_is_never_decoded() {
        let r = read_record(&png_claiming(16384, 8192, A1111))
            .expect("read")
            .expect("record after the image data");
        assert_eq!(r.seed, Some(1234567));
    }

    #[test]
    fn reads_compressed_text_chunks() {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, 4, 4);
            enc.set_color(png::ColorType::Rgb);
            enc.add_ztxt_chunk("parameters".into(), A1111.into())
                .expect("ztxt");
            let mut w = enc.write_header().expect("header");
            w.write_image_data(&[90u8; 48]).expect("data");
        }
        let r = read_record(&out).expect("read").expect("record");
        assert_eq!(r.steps, Some(28));
        // Truncated files and non-PNGs are refused with a reason, not a panic.
        assert!(read_record(&out[..20]).is_err());
        assert!(read_record(b"GIF89a").is_err());
    }

    const A1111: &str = "a castle on a hill, (golden hour:1.2)\nwide shot\nNegative prompt: blurry, lowres\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234567, Size: 768x512, Model hash: abc123, Model: dreamshaper_8, Lora hashes: \"x: 1, y: 2\", Version: v1.9.0";

    #[test]
    fn reads_a1111_infotext() {
        let r = read_record(&png_with(&[("parameters", A1111, false)]))
            .expect("read")
            .expect("record");
        assert_eq!(r.source, "a1111");
        assert_eq!(r.prompt, "a castle on a hill, (golden hour:1.2)\nwide shot");
        assert_eq!(r.negative_prompt.as_deref(), Some("blurry, lowres"));
        assert_eq!(
            (r.width, r.height, r.seed, r.steps, r.cfg),
            (Some(768), Some(512), Some(1234567), Some(28), Some(6.5))
        );
        assert_eq!(r.sampler.as_deref(), Some("DPM++ 2M Karras"));
        assert_eq!(r.model.as_deref(), Some("dreamshaper_8"));
    }

    #[test]
    fn reads_comfyui_graph_in_itxt() {
        let graph = r#"{"3":{"class_type":"KSampler","inputs":{"seed":42,"steps":20,"cfg":7.5,"sampler_name":"euler","positive":["6",0],"negative":["7",0],"latent_image":["5",0],"model":["4",0]}},
            "4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"sd_xl_base_1.0.safetensors"}},
            "5":{"class_type":"EmptyLatentImage","inputs":{"width":1024,"height":768,"batch_size":1}},
            "6":{"class_type":"CLIPTextEncode","inputs":{"text":"a red fox","clip":["4",1]}},
            "7":{"class_type":"CLIPTextEncode","inputs":{"text":"text, watermark","clip":["4",1]}}}"#;
        let r = read_record(&png_with(&[
            ("prompt", graph, true),
            ("workflow", "{}", true),
        ]))
        .expect("read")
        .expect("record");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str()),
            ("comfyui", "a red fox")
        );
        assert_eq!(r.negative_prompt.as_deref(), Some("text, watermark"));
        assert_eq!(
            (r.width, r.height, r.seed, r.steps),
            (Some(1024), Some(768), Some(42), Some(20))
        );
        assert_eq!(r.model.as_deref(), Some("sd_xl_base_1.0.safetensors"));
    }

    #[test]
    fn reads_invokeai_metadata() {
        let meta = r#"{"positive_prompt":"misty forest","negative_prompt":"","width":512,"height":512,"seed":99,"steps":30,"cfg_scale":7.0,"scheduler":"euler","model":{"name":"juggernaut","base":"sdxl"}}"#;
        let r = read_record(&png_with(&[("invokeai_metadata", meta, false)]))
            .expect("read")
            .expect("record");
        assert_eq!(
            (
                r.source.as_str(),
                r.prompt.as_str(),
                r.negative_prompt.clone()
            ),
            ("invokeai", "misty forest", None)
        );
        assert_eq!(
            (r.seed, r.steps, r.model.as_deref()),
            (Some(99), Some(30), Some("juggernaut"))
        );
    }

    #[test]
    fn reads_records_in_the_exif_of_jpeg_and_webp_files() {
        use pixel_testkit::record_files::*;
        // AUTOMATIC1111 writes its infotext as a UTF-16 UserComment in both formats.
        let tiff = exif_tiff(&unicode_comment(A1111), None, true);
        for file in [jpeg_with_exif(&tiff, None), webp_with_exif(&tiff)] {
            let r = read_record(&file).expect("read").expect("record");
            assert_eq!((r.source.as_str(), r.seed), ("a1111", Some(1234567)));
            assert_eq!(r.negative_prompt.as_deref(), Some("blurry, lowres"));
        }
        // Fooocus writes its JSON scheme as plain text, and the scheme's name as the MakerNote.
        let fooocus = r#"{"prompt": "a tin robot", "negative_prompt": "rust", "resolution": "(896, 1152)", "guidance_scale": 4.5, "steps": 30, "seed": "12", "base_model": "juggernautXL", "performance": "Speed", "sampler": "dpmpp_2m_sde_gpu"}"#;
        let tiff = exif_tiff(fooocus.as_bytes(), Some(b"fooocus"), false);
        let r = read_record(&jpeg_with_exif(&tiff, None))
            .expect("read")
            .expect("record");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str()),
            ("fooocus", "a tin robot")
        );
        assert_eq!(
            (r.width, r.height, r.seed),
            (Some(896), Some(1152), Some(12))
        );
        // A JPEG with neither: no record, not an error.
        assert_eq!(
            read_record(&jpeg_with_exif(&exif_tiff(b"", None, true), None)).expect("read"),
            None
        );
    }

    #[test]
    fn reads_every_png_format_by_its_chunk() {
        let dream = r#""a quiet lake [boats]" -s 40 -S 77 -W 640 -H 448 -C 8.0 -A k_euler"#;
        let r = read_record(&png_with(&[("Dream", dream, false)]))
            .expect("read")
            .expect("dream");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str(), r.seed),
            ("invokeai", "a quiet lake", Some(77))
        );
        let sd = r#"{"model_weights": "stable-diffusion-1.5", "image": {"prompt": "an old mill", "steps": 25, "cfg_scale": 7.0, "seed": 5, "width": 512, "height": 512, "sampler": "ddim"}}"#;
        let r = read_record(&png_with(&[
            ("sd-metadata", sd, false),
            ("Dream", dream, false),
        ]))
        .expect("read")
        .expect("sd-metadata");
        assert_eq!(
            (r.prompt.as_str(), r.steps),
            ("an old mill", Some(25)),
            "the richer format first"
        );
        let nai = r#"{"prompt": "a snowy owl", "uc": "lowres", "steps": 28, "scale": 5.5, "seed": 1, "sampler": "k_euler", "width": 832, "height": 1216}"#;
        let r = read_record(&png_with(&[
            ("Software", "NovelAI", false),
            ("Source", "NovelAI Diffusion V4.5 4BDE2A90", false),
            ("Comment", nai, false),
        ]))
        .expect("read")
        .expect("novelai");
        assert_eq!(
            (r.source.as_str(), r.model.as_deref()),
            ("novelai", Some("NovelAI Diffusion V4.5 4BDE2A90"))
        );
        let fooocus = r#"{"prompt": "a kite", "guidance_scale": 3, "base_model": "sdxl", "resolution": "(1024, 1024)", "seed": "3"}"#;
        let r = read_record(&png_with(&[
            ("parameters", fooocus, false),
            ("fooocus_scheme", "fooocus", false),
        ]))
        .expect("read")
        .expect("fooocus");
        assert_eq!((r.source.as_str(), r.width), ("fooocus", Some(1024)));
    }

    #[test]
    fn reads_records_hidden_in_the_pixels() {
        use pixel_testkit::record_files::png_with_alpha_stealth;
        let png = png_with_alpha_stealth(96, 96, A1111, true);
        let r = read_record(&png).expect("read").expect("stealth a1111");
        assert_eq!((r.source.as_str(), r.steps), ("a1111", Some(28)));
        let nai = serde_json::json!({
            "Software": "NovelAI",
            "Source": "Stable Diffusion XL C1E1DE52",
            "Comment": r#"{"prompt": "a red panda", "uc": "text", "scale": 5, "seed": 9, "steps": 28}"#,
        })
        .to_string();
        let png = png_with_alpha_stealth(96, 96, &nai, true);
        let r = read_record(&png).expect("read").expect("stealth novelai");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str()),
            ("novelai", "a red panda")
        );
    }

    #[test]
    fn comfyui_takes_the_sampler_that_made_the_saved_image_and_names_the_others() {
        // A base pass, an upscaled second pass (the saved one), and an unused preview sampler;
        // ComfyUI's seeds are 64-bit.
        let graph = r#"{
            "3":{"class_type":"KSampler","inputs":{"seed":1,"steps":20,"cfg":7,"sampler_name":"euler","positive":["6",0],"negative":["7",0],"latent_image":["5",0]}},
            "4":{"class_type":"CheckpointLoaderSimple","inputs":{"ckpt_name":"sdxl.safetensors"}},
            "5":{"class_type":"EmptyLatentImage","inputs":{"width":1024,"height":1024}},
            "6":{"class_type":"CLIPTextEncode","inputs":{"text":"a glass city"}},
            "7":{"class_type":"CLIPTextEncode","inputs":{"text":"fog"}},
            "10":{"class_type":"LatentUpscale","inputs":{"samples":["3",0],"width":1536,"height":1536}},
            "11":{"class_type":"KSamplerAdvanced","inputs":{"noise_seed":18446744073709551557,"steps":12,"cfg":5,"sampler_name":"dpmpp_2m","positive":["6",0],"negative":["7",0],"latent_image":["10",0]}},
            "12":{"class_type":"VAEDecode","inputs":{"samples":["11",0]}},
            "13":{"class_type":"SaveImage","inputs":{"images":["12",0]}},
            "20":{"class_type":"KSampler","inputs":{"seed":2,"steps":4,"cfg":1,"sampler_name":"lcm","positive":["6",0],"negative":["7",0],"latent_image":["5",0]}}
        }"#;
        let r = read_record(&png_with(&[("prompt", graph, true)]))
            .expect("read")
            .expect("record");
        assert_eq!(
            (r.seed, r.steps, r.sampler.as_deref()),
            (Some(18_446_744_073_709_551_557), Some(12), Some("dpmpp_2m"))
        );
        assert_eq!(r.prompt, "a glass city");
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0].contains("took node 11 (KSamplerAdvanced)"),
            "{}",
            r.notes[0]
        );
        assert!(
            r.notes[0].contains("node 3 (KSampler), node 20 (KSampler)"),
            "{}",
            r.notes[0]
        );
    }

    #[test]
    fn truncated_and_corrupt_files_never_panic() {
        use pixel_testkit::record_files::*;
        let files = [
            png_with(&[("parameters", A1111, false)]),
            png_with_alpha_stealth(64, 64, A1111, true),
            jpeg_with_exif(&exif_tiff(&unicode_comment(A1111), None, false), Some("c")),
            webp_with_exif(&exif_tiff(&unicode_comment(A1111), None, true)),
        ];
        for file in &files {
            for cut in (0..file.len()).step_by(7) {
                let _ = read_record(&file[..cut]);
            }
            let mut flipped = file.clone();
            for i in (8..flipped.len()).step_by(13) {
                flipped[i] ^= 0x5A;
                let _ = read_record(&flipped);
            }
        }
    }

    #[test]
    fn no_record_and_garbage() {
        assert_eq!(
            read_record(&png_with(&[("Software", "GIMP", false)])).expect("read"),
            None
        );
        assert!(read_record(b"not a png").is_err());
    }
}
