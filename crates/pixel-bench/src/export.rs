//! The library export's memory: one seeded user's whole library (every image pointing at one real PNG in
//! the content-addressed store, so the zip carries full-size files) written through the product's own
//! export into a sink that counts bytes, with the process's peak resident memory read before and after.

use anyhow::{Context, Result};
use pixel_core::ops::exports::{ExportPlan, ExportQuery};
use pixel_core::ports::BlobStore;
use pixel_core::{Caller, Role};
use sqlx::Connection;
use std::path::Path;
use std::time::Instant;

/// What one export took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportReport {
    pub images: u64,
    pub zip_bytes: u64,
    pub seconds: f64,
    pub mib_per_second: f64,
    /// Resident memory once the library is open and the PNG stored, before the export starts (KiB).
    pub rss_before_kib: u64,
    /// The process's peak resident memory after the export (KiB): what the export added is the
    /// difference from `rss_before_kib`.
    pub peak_rss_kib: u64,
}

/// A line of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); 0 where the system has none.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Exports the library of `owner` from the seeded database at `url`, every image's file being `png`.
pub async fn run(url: &str, media_dir: &Path, png: &Path, owner: &str) -> Result<ExportReport> {
    let wired = pixel_app::wire(pixel_app::Wiring::new(url, media_dir))
        .await
        .map_err(|e| anyhow::anyhow!("open {url}: {}", e.message))?;
    let app = wired.app;
    let bytes = std::fs::read(png).with_context(|| format!("read {}", png.display()))?;
    let key = wired
        .blobs
        .put(&bytes)
        .await
        .map_err(|e| anyhow::anyhow!("store the PNG: {}", e.message))?;
    drop(bytes);
    let mut db = sqlx::SqliteConnection::connect(url).await?;
    sqlx::query("UPDATE images SET sha256 = $1, mime = 'image/png' WHERE owner_id = $2")
        .bind(&key)
        .bind(owner)
        .execute(&mut db)
        .await?;
    db.close().await?;

    let caller = Caller::User {
        id: owner.to_string(),
        role: Role::User,
        session: None,
    };
    let rss_before_kib = status_kib("VmRSS:");
    let started = Instant::now();
    let plan = ExportPlan::new(&app, &caller, ExportQuery::default())
        .await
        .map_err(|e| anyhow::anyhow!("plan: {}", e.message))?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let writer = {
        let app = app.clone();
        tokio::spawn(
            async move { pixel_infra::export::stream_export(&app, plan, tx, |_| {}).await },
        )
    };
    let mut zip_bytes = 0u64;
    while let Some(chunk) = rx.recv().await {
        zip_bytes += chunk.context("the export failed")?.len() as u64;
    }
    let summary = writer.await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(ExportReport {
        images: summary.images,
        zip_bytes,
        seconds,
        mib_per_second: zip_bytes as f64 / 1_048_576.0 / seconds.max(1e-9),
        rss_before_kib,
        peak_rss_kib: status_kib("VmHWM:"),
    })
}
