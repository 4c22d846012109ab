//! The core inside the desktop app: the library (SQLite + content-addressed media in the app data
//! dir) wired like the server's single-owner mode, and the bodies of every desktop command as plain
//! async functions, so they are tested without a window.

use pixel_app::{wire, Wiring};
use pixel_core::app::ChargePolicy;
use pixel_core::events::{Received, Subscription, Viewer};
use pixel_core::ops::exports::{ExportPlan, ExportQuery};
use pixel_core::ops::{images_get, ImageRef};
use pixel_core::registry::Registry;
use pixel_core::runner::Runner;
use pixel_core::{App, Caller, Error, ErrorCode, Event};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::keys::{self, SecretStore};
use crate::types::{ExportedZip, KeyStatus, SavedFile};

/// The database file inside the app data dir.
pub const DB_FILE: &str = "library.db";

pub struct DesktopCore {
    pub app: App,
    registry: Registry,
    owner: Caller,
    owner_id: String,
    data_dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    /// The keys applied to the providers now (provider id -> key). Memory only: the keychain is
    /// the store, the database and logs never see them.
    keys: tokio::sync::Mutex<HashMap<String, String>>,
    /// Files saved through the save dialog in this session: the only paths `reveal_path` shows.
    saved: Mutex<HashSet<PathBuf>>,
    runner: tokio::sync::Mutex<Option<Runner>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs a keychain call on a blocking thread (D-Bus or OS calls may wait on the user).
async fn keychain<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, keys::SecretError> + Send + 'static,
) -> Result<T, keys::SecretError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| keys::SecretError::Failed(e.to_string()))?
}

/// The database URL of a file path. The path is percent-encoded (sqlx decodes it) and has no `//`
/// authority, so spaces (`Application Support` on macOS), `#`, `?` and Windows drive letters survive
/// the URL parsing of sqlx's Any driver. `mode=rwc` creates the file on first start.
pub fn sqlite_url(path: &Path) -> String {
    let mut path = path.to_string_lossy().into_owned();
    if cfg!(windows) {
        path = path.replace('\\', "/");
    }
    let mut url = String::from("sqlite:");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    url
}

impl DesktopCore {
    /// Opens (creating and migrating) the library in `data_dir` and wires the core for its owner.
    /// Providers start without keys; [`DesktopCore::load_keys`] applies the keychain's.
    pub async fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Self, Error> {
        // Internal, but with the folder in the message: the desktop user is the one who can fix it.
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!(
                    "cannot create the library folder {}: {e}",
                    data_dir.display()
                ),
            )
        })?;
        let mut wiring = Wiring::new(sqlite_url(&data_dir.join(DB_FILE)), data_dir.join("media"));
        // The owner pays their providers directly: no credits on the desktop.
        wiring.config.charging = ChargePolicy::Free;
        wiring.event_capacity = 1024;
        // Providers start without keys; the keychain's are applied by `load_keys`.
        wiring.providers = keys::providers_config(&HashMap::new());
        let app = wire(wiring).await?.app;
        let owner = app.ensure_local_owner().await?;
        let owner_id = owner.user_id()?.to_string();
        Ok(Self {
            app,
            registry: Registry::standard(),
            owner,
            owner_id,
            data_dir: data_dir.to_path_buf(),
            secrets,
            keys: tokio::sync::Mutex::new(HashMap::new()),
            saved: Mutex::new(HashSet::new()),
            runner: tokio::sync::Mutex::new(None),
        })
    }

    pub fn owner(&self) -> &Caller {
        &self.owner
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Starts the job runner (recovering jobs a previous run left behind).
    pub async fn start_runner(&self) -> Result<(), Error> {
        let runner = Runner::start(&self.app).await?;
        *self.runner.lock().await = Some(runner);
        Ok(())
    }

    /// Stops the runner, handing running jobs back to the queue for the next start.
    pub async fn shutdown(&self, grace: Duration) {
        if let Some(runner) = self.runner.lock().await.take() {
            runner.shutdown(grace).await;
        }
    }

    /// `op`: one operation of the registry, as the owner.
    pub async fn op(
        &self,
        method: &str,
        input: serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        // The UI's invoke sends no argument for operations that take none; over HTTP the API
        // document requires the body, so only this in-process path reads nothing as `{}`.
        let input = if input.is_null() {
            serde_json::json!({})
        } else {
            input
        };
        self.registry
            .call(&self.app, &self.owner, method, input)
            .await
    }

    /// Subscribes to the event bus; [`DesktopCore::forward_events`] drains the subscription. Split
    /// so the subscription exists before the `events` command returns and nothing falls in between.
    pub fn subscribe(&self) -> Subscription {
        let viewer = Viewer::of(&self.owner).unwrap_or_else(|| Viewer {
            user_id: self.owner_id.clone(),
            admin: false,
        });
        self.app.events.subscribe(viewer)
    }

    /// `events`: sends the events the core's audience rule lets the owner receive, as the server's
    /// WebSocket frames, until `send` fails; a UI that fell behind is told to resync.
    pub async fn forward_events(
        &self,
        mut subscription: Subscription,
        mut send: impl FnMut(serde_json::Value) -> bool,
    ) {
        loop {
            let event = match subscription.recv().await {
                Received::Event(delivery) => serde_json::to_value(delivery.event()),
                Received::Missed(missed) => {
                    tracing::warn!(
                        missed,
                        "the UI fell behind the event stream: told to resync"
                    );
                    serde_json::to_value(Event::Resync { missed })
                }
                Received::Closed => return,
            };
            let json = match event {
                Ok(json) => json,
                Err(e) => {
                    tracing::error!(error = %e, "cannot serialize an event");
                    continue;
                }
            };
            if !send(json) {
                tracing::debug!("event channel closed");
                return;
            }
        }
    }

    /// Reads every provider key from the keychain and applies them. Without a keychain the app runs
    /// on, with the offline renderer and local engines.
    pub async fn load_keys(&self) {
        let secrets = self.secrets.clone();
        let found = keychain(move || {
            let mut found = HashMap::new();
            for provider in keys::KEY_PROVIDERS {
                if let Some(key) = secrets.get(provider)? {
                    found.insert(provider.to_string(), key);
                }
            }
            Ok(found)
        })
        .await;
        match found {
            Ok(found) => {
                let mut keys = self.keys.lock().await;
                tracing::info!(
                    providers = found.len(),
                    "provider keys loaded from the keychain"
                );
                *keys = found;
                self.apply_keys(&keys);
            }
            Err(e) => tracing::warn!(
                error = %e,
                "provider keys could not be read; providers that need a key stay off"
            ),
        }
    }

    fn apply_keys(&self, keys: &HashMap<String, String>) {
        let config = keys::providers_config(keys);
        self.app.replace_providers(pixel_providers::build(&config));
        // An OpenAI key also lets its vision model propose tags; without one they come from prompts.
        self.app.set_tagger(pixel_providers::tagger(&config));
    }

    /// `keys_list`: which providers take a key and whether the keychain holds one.
    pub async fn keys_list(&self) -> Vec<KeyStatus> {
        let secrets = self.secrets.clone();
        let stored = keychain(move || {
            keys::KEY_PROVIDERS
                .iter()
                .map(|p| secrets.get(p).map(|k| k.is_some()))
                .collect::<Result<Vec<bool>, _>>()
        })
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read the keychain");
            vec![false; keys::KEY_PROVIDERS.len()]
        });
        keys::KEY_PROVIDERS
            .iter()
            .zip(stored)
            .map(|(id, stored)| KeyStatus {
                provider: id.to_string(),
                name: self
                    .app
                    .provider(id)
                    .map(|p| p.name().to_string())
                    .unwrap_or_else(|| id.to_string()),
                stored,
            })
            .collect()
    }

    /// `keys_set`: stores the key in the keychain, then applies it to new jobs at once.
    pub async fn keys_set(&self, provider: &str, key: &str) -> Result<(), Error> {
        let provider = keys::key_provider(provider)?;
        let key = keys::clean_key(key)?;
        let mut keys = self.keys.lock().await;
        let (secrets, secret) = (self.secrets.clone(), key.clone());
        keychain(move || secrets.set(provider, &secret)).await?;
        keys.insert(provider.to_string(), key);
        self.apply_keys(&keys);
        tracing::info!(provider, "provider key stored in the keychain");
        Ok(())
    }

    /// `keys_delete`: removes the key from the keychain and turns the provider off.
    pub async fn keys_delete(&self, provider: &str) -> Result<(), Error> {
        let provider = keys::key_provider(provider)?;
        let mut keys = self.keys.lock().await;
        let secrets = self.secrets.clone();
        keychain(move || secrets.delete(provider)).await?;
        keys.remove(provider);
        self.apply_keys(&keys);
        tracing::info!(provider, "provider key removed from the keychain");
        Ok(())
    }

    /// The file name the save dialog suggests for an image (checks the image exists first).
    pub async fn suggested_file_name(&self, image_id: &str) -> Result<String, Error> {
        let image = self.image(image_id).await?;
        Ok(pixel_infra::export::entry_names(&image).0)
    }

    async fn image(&self, image_id: &str) -> Result<pixel_core::Image, Error> {
        images_get(
            &self.app,
            &self.owner,
            ImageRef {
                image_id: image_id.to_string(),
            },
        )
        .await
    }

    /// An image of the library with its original bytes (publishing it to a server).
    pub async fn original(&self, image_id: &str) -> Result<(pixel_core::Image, Vec<u8>), Error> {
        let image = self.image(image_id).await?;
        let bytes = self
            .app
            .blobs
            .get(&image.sha256)
            .await?
            .ok_or_else(|| Error::new(ErrorCode::NotFound, "the image's file is missing"))?;
        Ok((image, bytes))
    }

    /// Writes an image's original bytes to `dest` (a path the user picked) and remembers it for
    /// `reveal_path`.
    pub async fn export_image(&self, image_id: &str, dest: &Path) -> Result<SavedFile, Error> {
        let image = self.image(image_id).await?;
        let bytes = self.app.blobs.get(&image.sha256).await?.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "the image file is missing from the library",
            )
        })?;
        tokio::fs::write(dest, &bytes).await.map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("cannot write {}: {e}", dest.display()),
            )
        })?;
        let saved = std::fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf());
        lock(&self.saved).insert(saved.clone());
        tracing::info!(image = %image.id, path = %saved.display(), "image saved");
        Ok(SavedFile {
            path: saved.display().to_string(),
        })
    }

    /// Writes the owner's export (chosen images, or every image a library filter matches) as a zip at
    /// `dest`, a path the user picked, telling `progress` how many images are in it so far. A failed
    /// export leaves no file behind.
    pub async fn export_zip(
        &self,
        query: ExportQuery,
        dest: &Path,
        progress: impl FnMut(u64) + Send + 'static,
    ) -> Result<ExportedZip, Error> {
        let plan = ExportPlan::new(&self.app, &self.owner, query).await?;
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let app = self.app.clone();
        let writer = tokio::spawn(async move {
            pixel_infra::export::stream_export(&app, plan, tx, progress).await
        });
        let written = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::File::create(dest).await?;
            while let Some(chunk) = rx.recv().await {
                file.write_all(&chunk?).await?;
            }
            file.sync_all().await
        }
        .await;
        // Closed before waiting on the writer: after a failed write nobody reads, and a writer with a
        // full channel would wait on its next send for ever; closed, it stops at that send.
        drop(rx);
        let summary = writer.await.map_err(Error::internal)?;
        if let Err(e) = written {
            let _ = tokio::fs::remove_file(dest).await;
            return Err(Error::new(
                ErrorCode::Internal,
                format!("cannot write {}: {e}", dest.display()),
            ));
        }
        let saved = std::fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf());
        lock(&self.saved).insert(saved.clone());
        tracing::info!(images = summary.images, path = %saved.display(), "library exported");
        Ok(ExportedZip {
            path: saved.display().to_string(),
            images: summary.images,
        })
    }

    /// The path to reveal, if this session saved it; `invalid_input` otherwise (the webview cannot
    /// make the app open arbitrary folders).
    pub fn revealable(&self, path: &str) -> Result<PathBuf, Error> {
        let path = Path::new(path);
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if lock(&self.saved).contains(&canonical) {
            Ok(canonical)
        } else {
            Err(Error::invalid(
                "only files saved from Pixel Studio in this session can be revealed",
            ))
        }
    }
}
