//! The offline renderer's animation: a gradient sky that turns slowly and soft lights drifting on
//! Lissajous paths, every colour, size and path taken from a hash of prompt and seed, so the same
//! prompt and seed draw the same frames on every machine (integer and f32 arithmetic only, no
//! randomness), another seed or prompt another clip.

use sha2::{Digest, Sha256};

use crate::ClipSpec;

const LIGHTS: usize = 5;

#[derive(Debug, Clone, Copy)]
struct Light {
    colour: [f32; 3],
    /// Radius as a share of the shorter side.
    radius: f32,
    /// Turns of each axis over the clip, and where each starts.
    freq: [f32; 2],
    phase: [f32; 2],
}

/// One clip's look; `draw` paints any of its frames.
#[derive(Debug, Clone)]
pub struct Animation {
    spec: ClipSpec,
    sky: [[f32; 3]; 2],
    lights: [Light; LIGHTS],
}

/// A value in 0..1 from one byte of the hash.
fn unit(b: u8) -> f32 {
    f32::from(b) / 255.0
}

/// A saturated colour from a hue in 0..1 (HSV with full value), lightened by `pale` in 0..1.
fn hue(h: f32, pale: f32) -> [f32; 3] {
    let k = |n: f32| {
        let k = (n + h * 6.0) % 6.0;
        1.0 - (k.min(4.0 - k).clamp(0.0, 1.0))
    };
    let rgb = [k(5.0), k(3.0), k(1.0)];
    rgb.map(|c| c + (1.0 - c) * pale)
}

impl Animation {
    pub fn new(prompt: &str, seed: u64, spec: ClipSpec) -> Animation {
        let mut hasher = Sha256::new();
        hasher.update(prompt.trim().as_bytes());
        hasher.update(seed.to_le_bytes());
        let a: [u8; 32] = hasher.finalize().into();
        // A second block of bytes for the lights, from the first.
        let b: [u8; 32] = Sha256::digest(a).into();
        let base = unit(a[0]);
        let sky = [
            hue(base, 0.05).map(|c| c * 0.35),
            hue((base + 0.3 + unit(a[1]) * 0.4) % 1.0, 0.1).map(|c| c * 0.8),
        ];
        let lights = std::array::from_fn(|i| {
            let byte = |k: usize| b[(i * 6 + k) % 32];
            Light {
                colour: hue((base + unit(byte(0)) * 0.5) % 1.0, 0.35),
                radius: 0.12 + unit(byte(1)) * 0.22,
                freq: [1.0 + f32::from(byte(2) % 3), 1.0 + f32::from(byte(3) % 3)],
                phase: [unit(byte(4)), unit(byte(5))],
            }
        });
        Animation { spec, sky, lights }
    }

    /// Paints frame `index` into `rgb` (width x height x 3 bytes, rows top to bottom).
    pub fn draw(&self, index: u32, rgb: &mut [u8]) {
        let (w, h) = (self.spec.width as usize, self.spec.height as usize);
        // The clip loops: its last frame leads back to its first.
        let t = index as f32 / self.spec.frames.max(1) as f32;
        let tau = std::f32::consts::TAU;
        let short = w.min(h) as f32;
        let centres: Vec<([f32; 2], f32, [f32; 3])> = self
            .lights
            .iter()
            .map(|l| {
                let x = 0.5 + 0.38 * (tau * (l.freq[0] * t + l.phase[0])).sin();
                let y = 0.5 + 0.38 * (tau * (l.freq[1] * t + l.phase[1])).cos();
                ([x * w as f32, y * h as f32], l.radius * short, l.colour)
            })
            .collect();
        let (turn_sin, turn_cos) = (tau * t).sin_cos();
        for (y, row) in rgb.chunks_exact_mut(w * 3).take(h).enumerate() {
            let fy = y as f32 / h as f32 - 0.5;
            for (x, px) in row.chunks_exact_mut(3).enumerate() {
                let fx = x as f32 / w as f32 - 0.5;
                let g = ((fx * turn_cos + fy * turn_sin) * 1.2 + 0.5).clamp(0.0, 1.0);
                let mut c = [0.0f32; 3];
                for (k, ck) in c.iter_mut().enumerate() {
                    *ck = self.sky[0][k] + (self.sky[1][k] - self.sky[0][k]) * g;
                }
                for (centre, radius, colour) in &centres {
                    let dx = x as f32 - centre[0];
                    let dy = y as f32 - centre[1];
                    let d2 = (dx * dx + dy * dy) / (radius * radius);
                    if d2 < 1.0 {
                        // A soft edge: full at the centre, nothing at the radius.
                        let a = (1.0 - d2) * (1.0 - d2) * 0.85;
                        for (k, ck) in c.iter_mut().enumerate() {
                            *ck += (colour[k] - *ck) * a;
                        }
                    }
                }
                for (k, out) in px.iter_mut().enumerate() {
                    *out = (c[k].clamp(0.0, 1.0) * 255.0 + 0.5) as u8;
                }
            }
        }
    }
}
