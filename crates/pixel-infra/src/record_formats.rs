//! The record formats beyond AUTOMATIC1111's infotext and ComfyUI's graph: Fooocus's JSON scheme,
//! NovelAI's `Comment` JSON, and InvokeAI's two older ones (the 1.x `Dream` command line and the 2.x
//! `sd-metadata` JSON), each read as its writer lays it out.

use pixel_core::ops::ImportedRecord;
use serde_json::Value;

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "None")
        .map(str::to_string)
}

/// A number written as a number or as a string of one (Fooocus writes its seed as text).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A seed: exact, and up to 64 bits, from a number or a string.
fn seed(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn whole(v: Option<&Value>) -> Option<u32> {
    number(v)
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX))
        .map(|n| n as u32)
}

/// The size, seed, steps, sampler and guidance (under `cfg_key`) of a JSON record that names them
/// `width`, `height`, `seed`, `steps` and `sampler`, as NovelAI and InvokeAI 2.x do.
fn sampling_from(r: &mut ImportedRecord, m: &Value, cfg_key: &str) {
    r.width = whole(m.get("width"));
    r.height = whole(m.get("height"));
    r.seed = seed(m.get("seed"));
    r.steps = whole(m.get("steps"));
    r.cfg = number(m.get(cfg_key)).map(|v| v as f32);
    r.sampler = text(m.get("sampler"));
}

fn record(source: &str, prompt: String) -> ImportedRecord {
    ImportedRecord {
        source: source.into(),
        prompt,
        negative_prompt: None,
        width: None,
        height: None,
        seed: None,
        steps: None,
        cfg: None,
        sampler: None,
        model: None,
        notes: vec![],
    }
}

/// Fooocus's `fooocus` scheme: the `parameters` chunk (or the EXIF UserComment) as a JSON object,
/// `resolution` written as the text `(width, height)`, the seed as text, the checkpoint's stem.
pub fn parse_fooocus(json: &str) -> Option<ImportedRecord> {
    let m: Value = serde_json::from_str(json).ok()?;
    let m = m.as_object()?;
    // What sets Fooocus apart from other JSON: its own names for these.
    if !["guidance_scale", "base_model", "performance", "sharpness"]
        .iter()
        .any(|k| m.contains_key(*k))
    {
        return None;
    }
    let mut r = record("fooocus", text(m.get("prompt")).unwrap_or_default());
    r.negative_prompt = text(m.get("negative_prompt"));
    if let Some(res) = m.get("resolution").and_then(Value::as_str) {
        let digits: Vec<u32> = res
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|d| d.parse().ok())
            .collect();
        if let [w, h] = digits[..] {
            (r.width, r.height) = (Some(w), Some(h));
        }
    }
    r.seed = seed(m.get("seed"));
    r.steps = whole(m.get("steps"));
    r.cfg = number(m.get("guidance_scale")).map(|v| v as f32);
    r.sampler = text(m.get("sampler"));
    r.model = text(m.get("base_model"));
    Some(r)
}

/// NovelAI's `Comment` chunk: a JSON object with `prompt`, `uc` (the undesired content), `scale`,
/// `steps`, `seed`, `sampler`, `width`, `height`; V4 models nest the prompts in `v4_prompt` and
/// `v4_negative_prompt` (`caption.base_caption`). The model is named in the `Source` chunk.
pub fn parse_novelai(comment: &str, source: Option<&str>) -> Option<ImportedRecord> {
    let value: Value = serde_json::from_str(comment).ok()?;
    let m = value.as_object()?;
    let caption = |key: &str| {
        m.get(key)
            .and_then(|v| v.pointer("/caption/base_caption"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let prompt = text(m.get("prompt")).or_else(|| caption("v4_prompt"))?;
    // NovelAI's own keys: another tool's `prompt` JSON is not NovelAI's.
    if !m.contains_key("uc") && !m.contains_key("v4_prompt") && !m.contains_key("scale") {
        return None;
    }
    let mut r = record("novelai", prompt);
    r.negative_prompt = text(m.get("uc"))
        .or_else(|| caption("v4_negative_prompt"))
        .filter(|n| !n.is_empty());
    sampling_from(&mut r, &value, "scale");
    r.model = source
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Some(r)
}

/// NovelAI's stealth payload: the same chunks as a JSON object (`Comment` holds the record as text).
pub fn parse_novelai_stealth(payload: &str) -> Option<ImportedRecord> {
    let m: Value = serde_json::from_str(payload).ok()?;
    let comment = m.get("Comment")?;
    let comment = match comment {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    parse_novelai(&comment, m.get("Source").and_then(Value::as_str))
}

/// InvokeAI 2.x `sd-metadata`: `{"model_weights": .., "image": {"prompt": [{"prompt": .., "weight": ..}]
/// or a string, "steps", "cfg_scale", "seed", "width", "height", "sampler"}}`. A negative prompt is
/// written inside the prompt in square brackets.
pub fn parse_invokeai_sd_metadata(json: &str) -> Option<ImportedRecord> {
    let m: Value = serde_json::from_str(json).ok()?;
    let image = m.get("image")?;
    let prompt = match image.get("prompt")? {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("prompt").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => return None,
    };
    let (prompt, negative) = split_brackets(&prompt);
    let mut r = record("invokeai", prompt);
    r.negative_prompt = negative;
    sampling_from(&mut r, image, "cfg_scale");
    r.model = text(m.get("model_weights")).or_else(|| text(m.get("model_id")));
    Some(r)
}

/// InvokeAI 1.x `Dream`: the command line that made the image, `"a prompt [negative]" -s 50 -S 42
/// -W 512 -H 512 -C 7.5 -A k_lms` (a switch's value follows it with or without a space).
pub fn parse_invokeai_dream(line: &str) -> Option<ImportedRecord> {
    let line = line.trim();
    let (quoted, switches) = match line.strip_prefix('"') {
        Some(rest) => {
            let end = rest.find('"')?;
            (&rest[..end], &rest[end + 1..])
        }
        None => {
            let end = line.find(" -").unwrap_or(line.len());
            (&line[..end], &line[end..])
        }
    };
    let (prompt, negative) = split_brackets(quoted);
    let mut r = record("invokeai", prompt);
    r.negative_prompt = negative;
    let mut words = switches.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix('-').and_then(|f| f.chars().next()) else {
            continue;
        };
        let attached = &word[1 + flag.len_utf8()..];
        let value = if attached.is_empty() {
            match words.peek() {
                Some(next) if !next.starts_with('-') => words.next().unwrap_or(""),
                _ => "",
            }
        } else {
            attached
        };
        match flag {
            's' => r.steps = value.parse().ok(),
            'S' => r.seed = value.parse().ok(),
            'W' => r.width = value.parse().ok(),
            'H' => r.height = value.parse().ok(),
            'C' => r.cfg = value.parse().ok(),
            'A' => r.sampler = Some(value.to_string()).filter(|v| !v.is_empty()),
            'm' => r.model = Some(value.to_string()).filter(|v| !v.is_empty()),
            _ => {}
        }
    }
    Some(r)
}

/// InvokeAI's prompt syntax: text in square brackets is what to avoid.
fn split_brackets(prompt: &str) -> (String, Option<String>) {
    let mut keep = String::new();
    let mut avoid = vec![];
    let mut rest = prompt;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        keep.push_str(&rest[..open]);
        avoid.push(rest[open + 1..open + close].trim().to_string());
        rest = &rest[open + close + 1..];
    }
    keep.push_str(rest);
    let keep = keep.split_whitespace().collect::<Vec<_>>().join(" ");
    let avoid = avoid
        .into_iter()
        .filter(|a| !a.is_empty())
        .collect::<Vec<_>>();
    (keep, (!avoid.is_empty()).then(|| avoid.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fooocus_json_as_its_meta_parser_writes_it() {
        let json = r#"{"adm_guidance": "(1.5, 0.8, 0.3)", "base_model": "juggernautXL_v8Rundiffusion", "base_model_hash": "aeb7e9e689", "full_negative_prompt": ["unrealistic"], "full_prompt": ["a paper boat, cinematic"], "guidance_scale": 4, "loras": [], "negative_prompt": "", "performance": "Speed", "prompt": "a paper boat", "resolution": "(1152, 896)", "sampler": "dpmpp_2m_sde_gpu", "scheduler": "karras", "seed": "7396183405962891234", "sharpness": 2, "steps": 30, "styles": "['Fooocus V2']", "vae": "Default (model)", "version": "Fooocus v2.5.5"}"#;
        let r = parse_fooocus(json).expect("fooocus");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str()),
            ("fooocus", "a paper boat")
        );
        assert_eq!(r.negative_prompt, None);
        assert_eq!(
            (r.width, r.height, r.steps),
            (Some(1152), Some(896), Some(30))
        );
        assert_eq!(
            r.seed,
            Some(7_396_183_405_962_891_234),
            "a 64-bit seed kept exactly"
        );
        assert_eq!(r.cfg, Some(4.0));
        assert_eq!(r.model.as_deref(), Some("juggernautXL_v8Rundiffusion"));
        assert_eq!(
            parse_fooocus(r#"{"prompt": "x"}"#),
            None,
            "not Fooocus's keys"
        );
    }

    #[test]
    fn novelai_v3_and_v4_comments() {
        let v3 = r#"{"prompt": "1girl, lighthouse keeper", "steps": 28, "height": 1216, "width": 832, "scale": 5.0, "uncond_scale": 0.0, "cfg_rescale": 0.0, "seed": 3052374590, "n_samples": 1, "noise_schedule": "native", "sampler": "k_euler_ancestral", "uc": "lowres, bad anatomy"}"#;
        let r = parse_novelai(v3, Some("Stable Diffusion XL C1E1DE52")).expect("v3");
        assert_eq!(
            (r.source.as_str(), r.prompt.as_str()),
            ("novelai", "1girl, lighthouse keeper")
        );
        assert_eq!(r.negative_prompt.as_deref(), Some("lowres, bad anatomy"));
        assert_eq!(
            (r.width, r.height, r.seed, r.steps),
            (Some(832), Some(1216), Some(3_052_374_590), Some(28))
        );
        assert_eq!(r.cfg, Some(5.0));
        assert_eq!(r.model.as_deref(), Some("Stable Diffusion XL C1E1DE52"));

        let v4 = r#"{"steps": 23, "height": 1024, "width": 1024, "scale": 6, "seed": 11, "sampler": "k_euler", "v4_prompt": {"caption": {"base_caption": "a fox in snow", "char_captions": []}, "use_coords": false}, "v4_negative_prompt": {"caption": {"base_caption": "blurry", "char_captions": []}}}"#;
        let r = parse_novelai(v4, None).expect("v4");
        assert_eq!(
            (r.prompt.as_str(), r.negative_prompt.as_deref()),
            ("a fox in snow", Some("blurry"))
        );
        let stealth = serde_json::json!({"Software": "NovelAI", "Source": "NovelAI Diffusion V4", "Comment": v4}).to_string();
        assert_eq!(
            parse_novelai_stealth(&stealth)
                .and_then(|r| r.model)
                .as_deref(),
            Some("NovelAI Diffusion V4")
        );
    }

    #[test]
    fn invokeai_dream_and_sd_metadata() {
        let dream = r#""a castle in the clouds [fog, blurry] at dawn" -s 50 -S 3357757885 -W 512 -H 768 -C 7.5 -Ak_lms"#;
        let r = parse_invokeai_dream(dream).expect("dream");
        assert_eq!(r.prompt, "a castle in the clouds at dawn");
        assert_eq!(r.negative_prompt.as_deref(), Some("fog, blurry"));
        assert_eq!(
            (r.steps, r.seed, r.width, r.height),
            (Some(50), Some(3_357_757_885), Some(512), Some(768))
        );
        assert_eq!((r.cfg, r.sampler.as_deref()), (Some(7.5), Some("k_lms")));

        let sd = r#"{"model": "stable diffusion", "model_id": "stable-diffusion-1.5", "model_hash": "cc6cb27103417325ff94f52b7a5d2dde45a7515b25c255d8e396c90014281516", "app_id": "invoke-ai/InvokeAI", "app_version": "2.2.5", "image": {"prompt": [{"prompt": "a koi pond [people]", "weight": 1.0}], "steps": 30, "cfg_scale": 7.5, "threshold": 0, "perlin": 0, "height": 512, "width": 512, "seed": 1421478345, "seamless": false, "hires_fix": false, "type": "txt2img", "postprocessing": null, "sampler": "k_euler_a", "variations": []}}"#;
        let r = parse_invokeai_sd_metadata(sd).expect("sd-metadata");
        assert_eq!(
            (r.prompt.as_str(), r.negative_prompt.as_deref()),
            ("a koi pond", Some("people"))
        );
        assert_eq!(
            (r.seed, r.steps, r.model.as_deref()),
            (Some(1_421_478_345), Some(30), Some("stable-diffusion-1.5"))
        );
    }

    #[test]
    fn malformed_records_are_none() {
        for bad in [
            "",
            "{",
            "[]",
            "null",
            "{\"image\": 3}",
            "\"unclosed",
            "\"x\" -é -",
            "- -",
        ] {
            assert_eq!(parse_fooocus(bad), None);
            assert_eq!(parse_novelai(bad, None), None);
            assert_eq!(parse_invokeai_sd_metadata(bad), None);
            let _ = parse_invokeai_dream(bad);
        }
        assert_eq!(split_brackets("a [b").0, "a [b");
    }
}
