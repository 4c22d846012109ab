//! A creator's style fingerprint: the dominant colours of their work (from the pixels of each image's
//! placeholder), the models they prefer, the styles they ask for and their subjects — for their own
//! library from all of it (and their tags), for anyone else from their public work only.

use std::collections::HashMap;

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::ports::{ImageFilter, PageRequest};
use crate::registry::{OpKind::*, Registry};
use crate::social::{ExploreSort, TrendPeriod};

/// The newest images a fingerprint is drawn from.
const SAMPLE: u32 = 200;
const COLOURS: usize = 5;
const TOP: usize = 5;
const SUBJECTS: usize = 8;
/// Colours nearer than this (RGB distance) count as one.
const DISTINCT: i32 = 56;

pub(crate) fn register(r: &mut Registry) {
    r.add(
        "profiles.style",
        Read,
        "A creator's style fingerprint: dominant colours, preferred models, styles and subjects \
         (the caller's own from all their images; anyone else's from their public work)",
        profiles_style,
    );
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StyleQuery {
    /// Whose; the caller's own when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_id: Option<String>,
}

/// A colour and the share of the pixels nearest it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Swatch {
    /// `#rrggbb`.
    pub hex: String,
    /// 0 to 1.
    pub share: f64,
}

/// Something counted across the images (a model, a style, a subject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Share {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub images: i64,
    /// Of the images drawn on, 0 to 1.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StyleFingerprint {
    pub user_id: String,
    /// How many images it was drawn from (the newest, up to 200).
    #[ts(type = "number")]
    pub images: i64,
    pub colours: Vec<Swatch>,
    pub models: Vec<Share>,
    pub styles: Vec<Share>,
    pub subjects: Vec<Share>,
}

/// The dominant colours of `pixels`: the fullest of 4,096 colour bins, each at least `DISTINCT` from
/// those chosen before, then every pixel counted to its nearest — shares that sum to 1.
pub fn palette(pixels: &[[u8; 3]], n: usize) -> Vec<Swatch> {
    let mut bins = vec![(0u64, [0u64; 3]); 4096];
    for p in pixels {
        let i =
            (usize::from(p[0] >> 4) << 8) | (usize::from(p[1] >> 4) << 4) | usize::from(p[2] >> 4);
        bins[i].0 += 1;
        for (sum, channel) in bins[i].1.iter_mut().zip(p) {
            *sum += u64::from(*channel);
        }
    }
    let mean = |(count, sum): &(u64, [u64; 3])| sum.map(|s| (s / (*count).max(1)) as i32);
    let mut full: Vec<&(u64, [u64; 3])> = bins.iter().filter(|b| b.0 > 0).collect();
    full.sort_by_key(|b| std::cmp::Reverse(b.0));
    let distance = |a: [i32; 3], b: [i32; 3]| {
        let d: i32 = (0..3).map(|c| (a[c] - b[c]).pow(2)).sum();
        f64::from(d).sqrt()
    };
    let mut chosen: Vec<[i32; 3]> = Vec::new();
    for bin in &full {
        let colour = mean(bin);
        if chosen
            .iter()
            .all(|c| distance(*c, colour) >= f64::from(DISTINCT))
        {
            chosen.push(colour);
            if chosen.len() == n {
                break;
            }
        }
    }
    let mut counts = vec![0u64; chosen.len()];
    for bin in &full {
        let colour = mean(bin);
        let nearest = (0..chosen.len())
            .min_by(|&a, &b| distance(chosen[a], colour).total_cmp(&distance(chosen[b], colour)));
        if let Some(i) = nearest {
            counts[i] += bin.0;
        }
    }
    let total = counts.iter().sum::<u64>().max(1) as f64;
    let mut swatches: Vec<Swatch> = chosen
        .iter()
        .zip(counts)
        .map(|(c, count)| Swatch {
            hex: format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]),
            share: count as f64 / total,
        })
        .collect();
    swatches.sort_by(|a, b| b.share.total_cmp(&a.share));
    swatches
}

/// The `limit` most counted, with their share of `of` images.
fn top(
    counts: HashMap<String, i64>,
    of: usize,
    limit: usize,
    name: impl Fn(&str) -> String,
) -> Vec<Share> {
    let mut list: Vec<(String, i64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.truncate(limit);
    list.into_iter()
        .map(|(id, images)| Share {
            name: name(&id),
            share: images as f64 / of.max(1) as f64,
            images,
            id,
        })
        .collect()
}

/// The newest images the fingerprint draws on: all of the owner's own, or the public ones `caller`
/// may see whole (a premium collection's withhold their prompt from who has not bought it).
async fn sample(app: &App, caller: &Caller, user_id: &str, own: bool) -> Result<Vec<Image>> {
    let page = PageRequest {
        before: None,
        limit: SAMPLE,
    };
    if own {
        return app
            .store
            .images()
            .list_images(user_id, &ImageFilter::default(), &page)
            .await;
    }
    let filter = ImageFilter {
        creator_id: Some(user_id.to_string()),
        ..Default::default()
    };
    let mut images: Vec<Image> = app
        .store
        .explore()
        .public_images(&filter, ExploreSort::Newest, TrendPeriod::default(), &page)
        .await?
        .into_iter()
        .map(|(image, _)| image)
        .collect();
    super::premium::withhold_premium(app, caller, &mut images).await?;
    images.retain(|image| image.locked.is_none());
    Ok(images)
}

pub async fn profiles_style(
    app: &App,
    caller: &Caller,
    input: StyleQuery,
) -> Result<StyleFingerprint> {
    let user_id = match input.user_id {
        Some(id) => id,
        None => caller.user_id()?.to_string(),
    };
    let own = caller.user_id().ok() == Some(user_id.as_str());
    if !own {
        super::follows::visible_account(app, caller, &user_id).await?;
    }
    let images = sample(app, caller, &user_id, own).await?;
    let mut pixels = Vec::new();
    for image in &images {
        let Some(data) = image.placeholder.split_once(";base64,").map(|(_, d)| d) else {
            continue;
        };
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(data) else {
            continue;
        };
        match app.media.small_pixels(&bytes) {
            Ok(p) => pixels.extend(p),
            Err(e) => {
                tracing::debug!(image = %image.id, error = %e, "a placeholder could not be read")
            }
        }
    }
    let mut models: HashMap<String, i64> = HashMap::new();
    let mut styles: HashMap<String, i64> = HashMap::new();
    let mut subjects: HashMap<String, i64> = HashMap::new();
    for image in &images {
        *models.entry(image.record.model.clone()).or_default() += 1;
        if let Some(style) = image
            .record
            .params
            .style
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            *styles.entry(style.to_string()).or_default() += 1;
        }
        for subject in crate::tagging::tags_from_prompt(&image.record.params.prompt) {
            *subjects.entry(subject).or_default() += 1;
        }
    }
    if own {
        // The owner's own words for their images weigh over what a prompt happens to say.
        for tag in app.store.tags().tag_counts(&user_id).await? {
            *subjects.entry(tag.tag).or_default() += tag.images * 2;
        }
    }
    let n = images.len();
    let catalogue = &app.catalogue();
    let fingerprint = StyleFingerprint {
        images: i64::try_from(n).map_err(Error::internal)?,
        colours: palette(&pixels, COLOURS),
        models: top(models, n, TOP, |id| {
            catalogue
                .get(id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| id.to_string())
        }),
        styles: top(styles, n, TOP, |s| s.replace(['_', '-'], " ")),
        subjects: top(subjects, n, SUBJECTS, str::to_string),
        user_id,
    };
    Ok(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_names_the_dominant_colours_with_their_shares() {
        let mut pixels = vec![[200, 30, 30]; 600];
        pixels.extend(vec![[205, 35, 28]; 100]);
        pixels.extend(vec![[20, 40, 200]; 300]);
        let swatches = palette(&pixels, 5);
        assert_eq!(swatches.len(), 2, "{swatches:?}");
        assert_eq!(swatches[0].share, 0.7);
        assert_eq!(swatches[1].hex, "#1428c8");
        assert!((swatches.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(palette(&[], 5).is_empty());
    }

    #[test]
    fn the_most_counted_come_first_with_their_share() {
        let counts = HashMap::from([
            ("a".to_string(), 1),
            ("b".to_string(), 3),
            ("c".to_string(), 3),
        ]);
        let listed = top(counts, 4, 2, |s| s.to_uppercase());
        assert_eq!(
            listed
                .iter()
                .map(|s| (s.name.as_str(), s.share))
                .collect::<Vec<_>>(),
            vec![("B", 0.75), ("C", 0.75)]
        );
    }
}
