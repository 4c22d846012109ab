//! Prices that depend on what is asked for: token-billed models (GPT Image 2) cost more at a higher
//! quality and a larger size, so their credits follow the quality and the image's area.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Catalogue, Model, SizeRule};

/// The area the quality prices are given for: 1024×1024.
const REFERENCE_PIXELS: u64 = 1024 * 1024;

/// Credits per image for one quality at one size, so clients show the price before submitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PriceEntry {
    pub quality: String,
    pub width: u32,
    pub height: u32,
    #[ts(type = "number")]
    pub credits: i64,
}

impl Model {
    /// Credits per image at this quality (None: the model's default, its first) and size. Without quality
    /// prices a model costs `credits` whatever is asked; with them the quality's price at 1024×1024
    /// grows with the area, rounded up, as the provider bills output tokens.
    pub fn credits_for(&self, quality: Option<&str>, width: u32, height: u32) -> i64 {
        if self.quality_credits.is_empty() {
            return self.credits;
        }
        // No quality asked: the provider's default, the first the model lists.
        let quality = quality.or(self.qualities.first().map(String::as_str));
        let base = quality
            .and_then(|q| self.quality_credits.iter().find(|(name, _)| name == q))
            .map_or(self.credits, |(_, credits)| *credits);
        let pixels = u64::from(width) * u64::from(height);
        let scaled = u64::try_from(base.max(0))
            .unwrap_or(0)
            .saturating_mul(pixels)
            .div_ceil(REFERENCE_PIXELS);
        i64::try_from(scaled).unwrap_or(i64::MAX)
    }

    /// Sets the default price and moves the quality prices in proportion, rounded up, so an
    /// operator's price change keeps low quality cheaper than high.
    pub(super) fn reprice(&mut self, credits: i64) {
        let old = self.credits;
        for (_, price) in &mut self.quality_credits {
            *price = if old <= 0 || credits == 0 {
                credits
            } else {
                (*price * credits + old - 1) / old
            };
        }
        self.credits = credits;
    }

    fn price_table(&self) -> Vec<PriceEntry> {
        let SizeRule::Fixed { sizes } = &self.sizes else {
            return vec![];
        };
        self.quality_credits
            .iter()
            .flat_map(|(quality, _)| {
                sizes.iter().map(move |s| PriceEntry {
                    quality: quality.clone(),
                    width: s.width,
                    height: s.height,
                    credits: self.credits_for(Some(quality), s.width, s.height),
                })
            })
            .collect()
    }
}

impl Catalogue {
    /// Recomputes the price tables clients read, after the built-in list or the settings changed.
    pub(super) fn fill_price_tables(&mut self) {
        for model in &mut self.models {
            model.prices = model.price_table();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::{validate, Catalogue, GenerationRequest};

    #[test]
    fn gpt_image_2_costs_follow_quality_and_size() {
        let c = Catalogue::builtin();
        let m = c.get("gpt-image-2").expect("model");
        let at = |q: Option<&str>, w, h| m.credits_for(q, w, h);
        assert_eq!(
            [
                at(Some("low"), 1024, 1024),
                at(Some("medium"), 1024, 1024),
                at(Some("high"), 1024, 1024),
                at(Some("auto"), 1024, 1024),
                at(None, 1024, 1024),
            ],
            [1, 2, 6, 6, 6]
        );
        // 1.5 times the pixels, rounded up; four times at 2048×2048.
        assert_eq!(at(Some("high"), 1536, 1024), 9);
        assert_eq!(at(Some("low"), 1536, 1024), 2);
        assert_eq!(at(Some("high"), 2048, 2048), 24);
        // What a submit reserves is the same number.
        let valid = validate(
            &c,
            &GenerationRequest {
                prompt: "a fox".into(),
                model: "gpt-image-2".into(),
                quality: Some("low".into()),
                width: Some(1536),
                height: Some(1024),
                ..Default::default()
            },
        )
        .expect("valid");
        assert_eq!(valid.cost_per_image, 2);
        // The table clients read holds every quality at every preset.
        assert_eq!(m.prices.len(), m.qualities.len() * 6);
        assert!(m.prices.iter().any(
            |p| (p.quality.as_str(), p.width, p.height, p.credits) == ("high", 2048, 2048, 24)
        ));
    }

    #[test]
    fn flat_models_cost_the_same_whatever_is_asked() {
        let c = Catalogue::builtin();
        let m = c.get("flux-pro-1.1").expect("model");
        assert_eq!(m.credits_for(None, 1440, 1440), m.credits);
        assert!(m.prices.is_empty());
    }

    #[test]
    fn an_operators_price_moves_every_quality_in_proportion() {
        let mut m = Catalogue::builtin()
            .get("gpt-image-2")
            .expect("model")
            .clone();
        m.reprice(9);
        assert_eq!(m.credits_for(Some("low"), 1024, 1024), 2);
        assert_eq!(m.credits_for(Some("medium"), 1024, 1024), 3);
        assert_eq!(m.credits_for(Some("high"), 1024, 1024), 9);
        m.reprice(0);
        assert_eq!(m.credits_for(Some("high"), 2048, 2048), 0);
    }
}
