//! The composition root: the one place the core's `App` is built from its adapters (the SQL store,
//! content-addressed local files, the image pipeline, the event bus, the clock and the providers).
//! The server, the desktop and the tests all build their app here, so they run the same wiring.

use pixel_core::app::{AppConfig, AppParts};
use pixel_core::catalogue::Catalogue;
use pixel_core::ports::{Clock, LocalEventBus, SystemClock};
use pixel_core::{App, Result};
use pixel_infra::{ImagePipeline, LocalBlobStore};
use pixel_providers::ProvidersConfig;
use pixel_store::SqlStore;
use std::path::PathBuf;
use std::sync::Arc;

/// What an app is built from. Start from [`Wiring::new`] and change what differs.
pub struct Wiring {
    /// `sqlite:...` (embedded) or `postgres://...`.
    pub database_url: String,
    /// Where image files live (content-addressed).
    pub media_dir: PathBuf,
    pub config: AppConfig,
    pub catalogue: Catalogue,
    pub providers: ProvidersConfig,
    /// Live events buffered per subscriber before a slow one starts missing them.
    pub event_capacity: usize,
    pub clock: Arc<dyn Clock>,
}

impl Wiring {
    /// The defaults: the built-in catalogue, providers without keys, the system clock.
    pub fn new(database_url: impl Into<String>, media_dir: impl Into<PathBuf>) -> Wiring {
        Wiring {
            database_url: database_url.into(),
            media_dir: media_dir.into(),
            config: AppConfig::default(),
            catalogue: Catalogue::builtin(),
            providers: ProvidersConfig::default(),
            event_capacity: 4096,
            clock: Arc::new(SystemClock),
        }
    }
}

/// A built app and the file store it serves media from.
pub struct Wired {
    pub app: App,
    pub blobs: Arc<LocalBlobStore>,
}

/// Opens (creating and migrating) the database and the media folder and wires every port.
pub async fn wire(wiring: Wiring) -> Result<Wired> {
    let store = SqlStore::connect(&wiring.database_url).await?;
    let blobs = Arc::new(LocalBlobStore::new(wiring.media_dir)?);
    let store: Arc<dyn pixel_core::ports::Store> = Arc::new(store);
    let app = App::new(AppParts {
        config: wiring.config,
        queue: Arc::new(pixel_core::ports::StoreJobQueue::new(store.clone())),
        store,
        blobs: blobs.clone(),
        media: Arc::new(ImagePipeline),
        events: Arc::new(LocalEventBus::new(wiring.event_capacity)),
        clock: wiring.clock,
        catalogue: wiring.catalogue,
        providers: {
            let mut providers = pixel_providers::build(&wiring.providers);
            providers.push(Arc::new(pixel_video::OfflineClips));
            providers
        },
    });
    app.set_video(Arc::new(pixel_video::FfmpegVideo));
    app.set_tagger(pixel_providers::tagger(&wiring.providers));
    // The admins' model settings over the configuration's catalogue.
    app.reload_catalogue().await?;
    Ok(Wired { app, blobs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixel_core::ports::OffsetClock;
    use std::time::Duration;

    #[tokio::test]
    async fn the_app_runs_on_the_clock_it_is_given() {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = Arc::new(OffsetClock::default());
        let mut wiring = Wiring::new(
            pixel_store::testing::sqlite_url(dir.path()),
            dir.path().join("media"),
        );
        wiring.clock = clock.clone();
        let wired = wire(wiring).await.expect("wired");
        let before = wired.app.clock.now_ms();
        clock.advance(Duration::from_secs(3600));
        let after = wired.app.clock.now_ms();
        assert!(
            (before + 3_600_000..before + 3_660_000).contains(&after),
            "an hour later by the app's clock: {before} -> {after}"
        );
        assert_eq!(wired.app.store.dialect(), "sqlite");
        assert!(
            wired.app.provider("local").is_some(),
            "the offline renderer is always there"
        );
    }

    #[tokio::test]
    async fn the_admins_model_settings_outlive_a_restart() {
        use pixel_core::catalogue::ModelOverride;
        use pixel_core::ops::admin::{AdminActionKind, AdminChange, NewAdminAction};
        let dir = tempfile::tempdir().expect("tempdir");
        let wiring = || {
            Wiring::new(
                pixel_store::testing::sqlite_url(dir.path()),
                dir.path().join("media"),
            )
        };
        let wired = wire(wiring()).await.expect("wired");
        let default = wired
            .app
            .catalogue()
            .get("local-sketch")
            .expect("model")
            .credits;
        let action = NewAdminAction {
            id: "a1".into(),
            admin_id: "admin".into(),
            kind: AdminActionKind::ModelChange,
            target_user_id: String::new(),
            reason: "upkeep".into(),
            change: AdminChange::default(),
            created_at: 1,
        };
        let priced = ModelOverride {
            enabled: Some(true),
            credits: Some(default + 7),
            ..ModelOverride::default()
        };
        wired
            .app
            .store
            .admin()
            .set_model_settings(&action, "local-sketch", &priced)
            .await
            .expect("set");
        drop(wired);
        let again = wire(wiring()).await.expect("wired again");
        assert_eq!(
            again.app.catalogue().get("local-sketch").map(|m| m.credits),
            Some(default + 7),
            "the catalogue after a restart has the admins' price"
        );
    }
}
