//! The built-in offline renderer (`local-sketch`): abstract compositions drawn from the prompt's words.
//! Deterministic from prompt, negative prompt, seed and size; needs no key and no network. It is labelled
//! as an offline renderer, not an AI model: it paints palettes and shapes the words suggest.

use async_trait::async_trait;
use image::{codecs::png, ImageEncoder, RgbImage};
use pixel_core::ports::{
    JobContext, Provider, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};
use pixel_core::GenerationParams;

pub const RENDERER_VERSION: &str = "local-sketch/1";

pub struct OfflineRenderer;

/// FNV-1a, stable across platforms and releases (the output must not change under users' feet).
fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64: small, fast and good enough for composition choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

type Rgb = [f32; 3];

fn hsl(h: f32, s: f32, l: f32) -> Rgb {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = (h.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [r + m, g + m, b + m]
}

/// Colours users name in prompts, as hue/saturation/lightness.
fn named_colour(word: &str) -> Option<Rgb> {
    let (h, s, l) = match word {
        "red" | "crimson" | "scarlet" | "blood" | "ruby" => (355.0, 0.75, 0.45),
        "orange" | "amber" | "autumn" | "fox" => (25.0, 0.85, 0.55),
        "yellow" | "gold" | "golden" | "sun" | "sunny" | "lemon" => (48.0, 0.9, 0.58),
        "green" | "forest" | "grass" | "jungle" | "moss" | "emerald" => (130.0, 0.5, 0.38),
        "teal" | "turquoise" | "cyan" | "lagoon" => (180.0, 0.6, 0.45),
        "blue" | "ocean" | "sea" | "sky" | "water" | "azure" | "sapphire" => (210.0, 0.7, 0.5),
        "purple" | "violet" | "lavender" | "galaxy" | "amethyst" => (275.0, 0.55, 0.5),
        "pink" | "rose" | "blossom" | "sakura" | "flamingo" => (335.0, 0.7, 0.72),
        "brown" | "wood" | "earth" | "desert" | "sand" | "coffee" => (30.0, 0.45, 0.4),
        "white" | "snow" | "ice" | "cloud" | "winter" | "pearl" => (210.0, 0.2, 0.92),
        "black" | "night" | "dark" | "shadow" | "midnight" | "space" => (230.0, 0.35, 0.1),
        "grey" | "gray" | "fog" | "mist" | "stone" | "silver" => (220.0, 0.08, 0.6),
        "fire" | "lava" | "flame" | "volcano" => (12.0, 0.9, 0.5),
        "neon" | "cyberpunk" => (300.0, 1.0, 0.55),
        "sunset" | "dusk" => (18.0, 0.85, 0.58),
        "dawn" | "peach" => (28.0, 0.8, 0.75),
        _ => return None,
    };
    Some(hsl(h, s, l))
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1)
        .map(str::to_lowercase)
        .collect()
}

/// What the words ask the composition to contain.
#[derive(Default)]
struct Motifs {
    ridges: bool,
    water: bool,
    stars: bool,
    disc: bool,
    city: bool,
}

fn motifs(words: &[String]) -> Motifs {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    Motifs {
        ridges: has(&[
            "mountain",
            "mountains",
            "hill",
            "hills",
            "landscape",
            "valley",
            "forest",
            "dunes",
            "desert",
            "alps",
        ]),
        water: has(&[
            "ocean", "sea", "lake", "river", "water", "waves", "beach", "lagoon", "harbor",
            "harbour",
        ]),
        stars: has(&[
            "night", "space", "star", "stars", "galaxy", "cosmos", "midnight", "nebula",
        ]),
        disc: has(&[
            "sun", "moon", "planet", "sunset", "sunrise", "dawn", "dusk", "eclipse", "orb",
        ]),
        city: has(&[
            "city",
            "skyline",
            "tower",
            "towers",
            "building",
            "buildings",
            "street",
            "cyberpunk",
            "metropolis",
        ]),
    }
}

struct Orb {
    x: f32,
    y: f32,
    r: f32,
    colour: Rgb,
    alpha: f32,
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn shade(c: Rgb, f: f32) -> Rgb {
    [c[0] * f, c[1] * f, c[2] * f]
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Renders the image; `progress` is called with fractions as bands of rows finish.
pub fn render(params: &GenerationParams, seed: u32, mut progress: impl FnMut(f32)) -> RgbImage {
    let (w, h) = (params.width.max(1), params.height.max(1));
    let negative: Vec<String> = params
        .negative_prompt
        .as_deref()
        .map(words)
        .unwrap_or_default();
    let prompt_words: Vec<String> = words(&params.prompt)
        .into_iter()
        .filter(|w| !negative.contains(w))
        .collect();
    let mut rng = Rng(hash(params.prompt.as_bytes())
        ^ (u64::from(seed) << 17)
        ^ hash(params.negative_prompt.as_deref().unwrap_or("").as_bytes()));

    let mut palette: Vec<Rgb> = prompt_words
        .iter()
        .filter_map(|w| named_colour(w))
        .collect();
    for word in &prompt_words {
        if palette.len() >= 6 {
            break;
        }
        if named_colour(word).is_none() {
            let hw = hash(word.as_bytes()) ^ u64::from(seed);
            palette.push(hsl(
                (hw % 360) as f32,
                0.45 + (hw >> 12 & 0xff) as f32 / 640.0,
                0.35 + (hw >> 24 & 0xff) as f32 / 700.0,
            ));
        }
    }
    while palette.len() < 3 {
        palette.push(hsl(
            rng.range(0.0, 360.0),
            rng.range(0.4, 0.8),
            rng.range(0.3, 0.7),
        ));
    }
    let m = motifs(&prompt_words);
    let night = m.stars;
    let sky_top = if night {
        shade(palette[0], 0.25)
    } else {
        mix(palette[0], [1.0, 1.0, 1.0], 0.15)
    };
    let sky_bottom = if night {
        shade(palette[1], 0.6)
    } else {
        mix(palette[1], [1.0, 0.95, 0.9], 0.3)
    };

    let wf = w as f32;
    let hf = h as f32;
    let horizon = rng.range(0.55, 0.72);
    let disc = m.disc.then(|| Orb {
        x: rng.range(0.2, 0.8) * wf,
        y: rng.range(0.2, horizon - 0.1) * hf,
        r: rng.range(0.07, 0.14) * wf.min(hf),
        colour: mix(
            named_colour("sun").unwrap_or([1.0, 0.9, 0.5]),
            palette[2 % palette.len()],
            0.25,
        ),
        alpha: 1.0,
    });
    let orb_count = if m.ridges || m.water || m.city {
        2
    } else {
        4 + (rng.next() % 5) as usize
    };
    let orbs: Vec<Orb> = (0..orb_count)
        .map(|i| Orb {
            x: rng.range(-0.1, 1.1) * wf,
            y: rng.range(-0.1, if m.ridges || m.water { horizon } else { 1.1 }) * hf,
            r: rng.range(0.08, 0.38) * wf.min(hf),
            colour: palette[(i + 2) % palette.len()],
            alpha: rng.range(0.25, 0.7),
        })
        .collect();
    // Ridge layers: each a sum of sines; nearer layers are lower and darker.
    let layers = if m.ridges {
        3
    } else if !m.water && !m.city && rng.unit() < 0.5 {
        2
    } else {
        0
    };
    let ridge_heights: Vec<Vec<f32>> = (0..layers)
        .map(|l| {
            let base = horizon + 0.08 * l as f32;
            let amp = rng.range(0.05, 0.16) / (1.0 + l as f32 * 0.6);
            let (f1, f2, f3) = (
                rng.range(1.0, 3.0),
                rng.range(3.0, 7.0),
                rng.range(9.0, 17.0),
            );
            let (p1, p2, p3) = (
                rng.range(0.0, std::f32::consts::TAU),
                rng.range(0.0, std::f32::consts::TAU),
                rng.range(0.0, std::f32::consts::TAU),
            );
            (0..w)
                .map(|x| {
                    let t = x as f32 / wf * std::f32::consts::TAU;
                    let v = (t * f1 + p1).sin() * 0.6
                        + (t * f2 + p2).sin() * 0.3
                        + (t * f3 + p3).sin() * 0.1;
                    (base - amp * v.abs().powf(0.8) * 1.4) * hf
                })
                .collect()
        })
        .collect();
    let ridge_colours: Vec<Rgb> = (0..layers)
        .map(|l| shade(palette[(l + 1) % palette.len()], 0.55 - 0.14 * l as f32))
        .collect();
    // City: blocks of varying height along the horizon.
    let buildings: Vec<(f32, f32, f32)> = if m.city {
        let mut x = 0.0;
        let mut v = vec![];
        while x < wf {
            let bw = rng.range(0.03, 0.09) * wf;
            v.push((x, x + bw, (horizon - rng.range(0.05, 0.35)) * hf));
            x += bw + rng.range(0.0, 0.01) * wf;
        }
        v
    } else {
        vec![]
    };
    let city_colour = shade(palette[2 % palette.len()], 0.3);
    let water_colour = shade(
        mix(
            palette[0],
            named_colour("ocean").unwrap_or([0.2, 0.4, 0.7]),
            0.6,
        ),
        0.8,
    );
    let grain_seed = rng.next();

    let mut img = RgbImage::new(w, h);
    let band = (h / 16).max(1);
    for y in 0..h {
        let yf = y as f32;
        let ty = yf / hf;
        for x in 0..w {
            let xf = x as f32;
            let mut c = mix(sky_top, sky_bottom, ty);
            if let Some(d) = &disc {
                let dist = ((xf - d.x).powi(2) + (yf - d.y).powi(2)).sqrt();
                let glow = (1.0 - dist / (d.r * 3.0)).max(0.0).powi(2) * 0.5;
                c = mix(c, d.colour, glow);
                c = mix(c, d.colour, 1.0 - smoothstep(d.r - 1.5, d.r + 1.5, dist));
            }
            if m.stars {
                let hs = hash(
                    &[
                        (x as u64 ^ grain_seed).to_le_bytes(),
                        (y as u64).to_le_bytes(),
                    ]
                    .concat(),
                );
                if hs.is_multiple_of(900) && ty < horizon {
                    c = mix(c, [1.0, 1.0, 0.95], 0.5 + (hs >> 20 & 0xff) as f32 / 512.0);
                }
            }
            for o in &orbs {
                let dist = ((xf - o.x).powi(2) + (yf - o.y).powi(2)).sqrt();
                let a = (1.0 - smoothstep(o.r * 0.6, o.r, dist)) * o.alpha;
                if a > 0.0 {
                    c = mix(c, o.colour, a);
                }
            }
            for (x0, x1, top) in &buildings {
                if xf >= *x0 && xf < *x1 && yf >= *top {
                    c = city_colour;
                    let lit = hash(
                        &[
                            ((xf / 6.0) as u64).to_le_bytes(),
                            ((yf / 9.0) as u64).to_le_bytes(),
                        ]
                        .concat(),
                    );
                    if lit.is_multiple_of(5) && (xf as u32 % 6) > 1 && (yf as u32 % 9) > 2 {
                        c = mix(c, [1.0, 0.85, 0.5], 0.8);
                    }
                }
            }
            for (l, heights) in ridge_heights.iter().enumerate() {
                if yf >= heights[x as usize] {
                    let depth = ((yf - heights[x as usize]) / hf).min(0.3) / 0.3;
                    c = shade(ridge_colours[l], 1.0 - 0.3 * depth);
                }
            }
            if m.water && ty > horizon {
                let wave = ((xf / wf * 40.0 + ty * 90.0).sin() * 0.5 + 0.5) * 0.12;
                let depth = (ty - horizon) / (1.0 - horizon);
                c = mix(shade(water_colour, 1.0 - 0.4 * depth + wave), c, 0.15);
            }
            let g = (hash(
                &[
                    (x as u64).to_le_bytes(),
                    (y as u64 ^ grain_seed).to_le_bytes(),
                ]
                .concat(),
            ) & 0xff) as f32;
            let grain = (g / 255.0 - 0.5) * 0.035;
            let px = [c[0] + grain, c[1] + grain, c[2] + grain];
            img.put_pixel(
                x,
                y,
                image::Rgb(px.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8)),
            );
        }
        if (y + 1).is_multiple_of(band) {
            progress((y + 1) as f32 / hf);
        }
    }
    img
}

/// Renders and encodes to PNG (what the pipeline stores).
pub fn render_png(params: &GenerationParams, seed: u32, progress: impl FnMut(f32)) -> Vec<u8> {
    let img = render(params, seed, progress);
    let mut out = Vec::with_capacity((img.width() * img.height()) as usize);
    let encoder = png::PngEncoder::new_with_quality(
        &mut out,
        png::CompressionType::Fast,
        png::FilterType::Adaptive,
    );
    // Encoding an in-memory RGB buffer of the right length cannot fail.
    let _ = encoder.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    );
    out
}

#[async_trait]
impl Provider for OfflineRenderer {
    async fn health(&self) -> pixel_core::ports::ProviderHealth {
        pixel_core::ports::ProviderHealth {
            reachable: Some(true),
            ..Default::default()
        }
    }

    fn id(&self) -> &'static str {
        "local"
    }
    fn name(&self) -> &'static str {
        "Offline renderer"
    }
    fn configured(&self) -> bool {
        true
    }
    /// CPU-bound: one render per core, plus one so a core never idles while another job of the
    /// renderer stores its image and records its end.
    fn max_concurrency(&self) -> usize {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            + 1
    }

    async fn generate(
        &self,
        req: &ProviderRequest,
        ctx: &dyn JobContext,
    ) -> Result<ProviderOutput, ProviderError> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<f32>();
        let params = req.params.clone();
        let seed = req.seed;
        let work = tokio::task::spawn_blocking(move || {
            render_png(&params, seed, |p| {
                let _ = tx.send(p);
            })
        });
        while let Some(p) = rx.recv().await {
            ctx.progress(p).await;
        }
        let bytes = work.await.map_err(|e| ProviderError::Retryable {
            message: format!("renderer crashed: {e}"),
            retry_after: None,
        })?;
        Ok(ProviderOutput {
            image: ProviderImage {
                bytes,
                seed: Some(seed),
                revised_prompt: None,
            },
            provider_model: Some(RENDERER_VERSION.into()),
            request_id: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(prompt: &str, w: u32, h: u32) -> GenerationParams {
        GenerationParams {
            prompt: prompt.into(),
            model: "local-sketch".into(),
            width: w,
            height: h,
            negative_prompt: None,
            steps: None,
            cfg: None,
            quality: None,
            style: None,
            duration: None,
            source_image: None,
        }
    }

    fn mean_colour(img: &RgbImage) -> [f64; 3] {
        let mut s = [0f64; 3];
        for p in img.pixels() {
            for (acc, v) in s.iter_mut().zip(p.0) {
                *acc += f64::from(v);
            }
        }
        let n = f64::from(img.width() * img.height());
        s.map(|v| v / n)
    }

    #[test]
    fn deterministic_for_prompt_seed_and_size() {
        let p = params("a red fox in a snowy forest", 256, 192);
        assert_eq!(render_png(&p, 7, |_| {}), render_png(&p, 7, |_| {}));
        let img = render(&p, 7, |_| {});
        assert_eq!((img.width(), img.height()), (256, 192));
    }

    #[test]
    fn different_prompts_and_seeds_differ_visibly() {
        let a = render(&params("deep blue ocean at night", 128, 128), 1, |_| {});
        let b = render(&params("orange desert sunset", 128, 128), 1, |_| {});
        let (ma, mb) = (mean_colour(&a), mean_colour(&b));
        let dist: f64 = ma
            .iter()
            .zip(mb.iter())
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(dist > 30.0, "mean colours too close: {ma:?} vs {mb:?}");
        let c = render(&params("deep blue ocean at night", 128, 128), 2, |_| {});
        let changed = a.pixels().zip(c.pixels()).filter(|(p, q)| p != q).count();
        assert!(
            changed > 128 * 128 / 4,
            "another seed changed only {changed} pixels"
        );
    }

    #[test]
    fn negative_prompt_removes_words_from_the_palette() {
        let mut p = params("red blue", 64, 64);
        let with = render(&p, 3, |_| {});
        p.negative_prompt = Some("red".into());
        let without = render(&p, 3, |_| {});
        assert!(mean_colour(&with)[0] > mean_colour(&without)[0]);
    }

    #[test]
    fn reports_progress_up_to_one() {
        let mut seen = vec![];
        render(&params("progress", 64, 64), 0, |p| seen.push(p));
        assert!(seen.len() >= 8);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(seen.last().copied(), Some(1.0));
    }
}
