//! The library's reads at scale: one seeded user's library (about 100,000 images) read through the
//! product's own operations — the newest page, search by one common, one rare and two words, a model, a
//! week of dates, and "select all matching" (`images.ids`) — each timed over many calls (p50, p99).

use anyhow::Result;
use pixel_core::ops::images::ImagesQuery;
use pixel_core::{Caller, Role};
use std::time::Instant;

use crate::seed::VOCAB;

/// How one kind of read went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReadTiming {
    pub read: String,
    /// Images (or ids) the read answered with, the last time.
    pub answered: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LibraryReport {
    pub library_images: usize,
    pub reads: Vec<ReadTiming>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(0.0)
}

/// Times `calls` runs of `read` (after three to warm the cache).
async fn time<F, Fut>(name: &str, calls: usize, mut read: F) -> Result<ReadTiming>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    let mut answered = 0;
    for _ in 0..3 {
        answered = read().await?;
    }
    let mut took = Vec::with_capacity(calls);
    for _ in 0..calls {
        let start = Instant::now();
        answered = read().await?;
        took.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    took.sort_by(f64::total_cmp);
    Ok(ReadTiming {
        read: name.to_string(),
        answered,
        p50_ms: percentile(&took, 0.5),
        p99_ms: percentile(&took, 0.99),
    })
}

/// Reads the library of `owner` in the seeded database at `url`, each read `calls` times.
pub async fn run(
    url: &str,
    media_dir: &std::path::Path,
    owner: &str,
    calls: usize,
) -> Result<LibraryReport> {
    let wired = pixel_app::wire(pixel_app::Wiring::new(url, media_dir))
        .await
        .map_err(|e| anyhow::anyhow!("open {url}: {}", e.message))?;
    let app = wired.app;
    let caller = Caller::User {
        id: owner.to_string(),
        role: Role::User,
        session: None,
    };
    let usage = pixel_core::ops::storage::storage_usage(&app, &caller, Default::default())
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let newest_model = pixel_core::ops::images::images_list(
        &app,
        &caller,
        ImagesQuery {
            limit: Some(1),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.message))?
    .images
    .first()
    .map(|i| i.record.model.clone())
    .unwrap_or_default();
    let now = pixel_core::now_ms();
    let rare = VOCAB[VOCAB.len() - 1];
    let reads: Vec<(String, ImagesQuery)> = vec![
        ("newest page".into(), ImagesQuery::default()),
        (
            format!("search '{}' (common)", VOCAB[0]),
            ImagesQuery {
                text: Some(VOCAB[0].into()),
                ..Default::default()
            },
        ),
        (
            format!("search '{rare}' (rare)"),
            ImagesQuery {
                text: Some(rare.into()),
                ..Default::default()
            },
        ),
        (
            format!("search '{} {}'", VOCAB[3], VOCAB[4]),
            ImagesQuery {
                text: Some(format!("{} {}", VOCAB[3], VOCAB[4])),
                ..Default::default()
            },
        ),
        (
            format!("model {newest_model}"),
            ImagesQuery {
                model: Some(newest_model.clone()),
                ..Default::default()
            },
        ),
        (
            "the last 7 days".into(),
            ImagesQuery {
                from: Some(now - 7 * 24 * 3_600_000),
                to: Some(now),
                ..Default::default()
            },
        ),
    ];
    let mut timings = Vec::new();
    for (name, query) in reads {
        let page = ImagesQuery {
            limit: Some(60),
            ..query.clone()
        };
        timings.push(
            time(&format!("page of 60: {name}"), calls, || async {
                pixel_core::ops::images::images_list(&app, &caller, page.clone())
                    .await
                    .map(|out| out.images.len())
                    .map_err(|e| anyhow::anyhow!("{}", e.message))
            })
            .await?,
        );
        timings.push(
            time(
                &format!("select all matching: {name}"),
                calls / 5 + 1,
                || async {
                    pixel_core::ops::bulk::images_ids(&app, &caller, query.clone())
                        .await
                        .map(|out| out.ids.len())
                        .map_err(|e| anyhow::anyhow!("{}", e.message))
                },
            )
            .await?,
        );
    }
    Ok(LibraryReport {
        library_images: usize::try_from(usage.images)?,
        reads: timings,
    })
}
