//! Storage: what a person's library takes (images and the bytes of their originals), and the sweep
//! that deletes media once no image or print order uses it and it has stayed unused for a grace
//! period (content-addressed media is shared by identical images, so an image's deletion only marks it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::Result;
use crate::ports::BlobDeletion;
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "storage.usage",
        Read,
        "How many images the caller keeps and the space their originals take",
        storage_usage,
    );
}

/// Keys looked at per sweep round: a long backlog is worked through a bounded batch at a time.
const SWEEP_BATCH: u32 = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StorageUsage {
    #[ts(type = "number")]
    pub images: i64,
    /// Bytes of the originals (thumbnails are small and not counted).
    #[ts(type = "number")]
    pub bytes: i64,
}

pub async fn storage_usage(app: &App, caller: &Caller, _input: Empty) -> Result<StorageUsage> {
    let me = caller.user_id()?;
    let (images, bytes) = app.store.storage().library_usage(me).await?;
    Ok(StorageUsage { images, bytes })
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub deleted: u32,
    /// Used again since marked (an identical image made meanwhile): kept and unmarked.
    pub reused: u32,
    /// Stored again within the grace period: left for a later sweep.
    pub busy: u32,
}

/// Deletes the media marked unreferenced more than `grace` ago that nothing references now and that
/// was not stored again within `grace` (the periodic sweep; tests call it directly).
pub async fn sweep_blobs(app: &App, grace: std::time::Duration) -> Result<SweepReport> {
    let grace_ms = Millis::try_from(grace.as_millis()).unwrap_or(Millis::MAX);
    let cutoff = app
        .clock
        .now_ms()
        .saturating_sub(grace_ms)
        .saturating_add(1);
    let mut report = SweepReport::default();
    for key in app
        .store
        .storage()
        .blob_orphans_before(cutoff, SWEEP_BATCH)
        .await?
    {
        if app.store.storage().blob_referenced(&key).await? {
            app.store.storage().forget_blob_orphan(&key).await?;
            report.reused += 1;
            continue;
        }
        match app.blobs.delete_idle(&key, grace).await? {
            BlobDeletion::Busy => {
                report.busy += 1;
                continue;
            }
            BlobDeletion::Deleted => report.deleted += 1,
            BlobDeletion::Missing => {}
        }
        app.store.storage().forget_blob_orphan(&key).await?;
    }
    if report != SweepReport::default() {
        tracing::info!(
            deleted = report.deleted,
            reused = report.reused,
            busy = report.busy,
            "swept unused media"
        );
    }
    Ok(report)
}
