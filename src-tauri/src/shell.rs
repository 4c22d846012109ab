//! The shell's managed state: the core (opened in the background so the window paints at once),
//! the deep-link inbox, and the event forwarders of each page.

use pixel_core::{Error, ErrorCode};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::async_runtime::JoinHandle;
use tokio::sync::watch;

use crate::core::DesktopCore;
use crate::deeplink::LinkInbox;

type CoreSlot = Option<Result<Arc<DesktopCore>, Error>>;

pub struct Shell {
    data_dir: PathBuf,
    core: watch::Receiver<CoreSlot>,
    inbox: LinkInbox,
    /// Event forwarders by webview label: a page that reloads gets a new channel, so the old
    /// forwarder (whose channel the webview forgot) is stopped.
    forwarders: Mutex<Vec<(String, JoinHandle<()>)>>,
}

/// Fills the shell's core slot once the core is open (or failed to open).
pub struct CoreSetter(watch::Sender<CoreSlot>);

impl CoreSetter {
    pub fn set(self, core: Result<Arc<DesktopCore>, Error>) {
        let _ = self.0.send(Some(core));
    }
}

impl Shell {
    pub fn new(data_dir: PathBuf) -> (Shell, CoreSetter) {
        let (tx, rx) = watch::channel(None);
        let shell = Shell {
            data_dir,
            core: rx,
            inbox: LinkInbox::default(),
            forwarders: Mutex::new(Vec::new()),
        };
        (shell, CoreSetter(tx))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The core, waiting while it opens; the opening error if it could not.
    pub async fn core(&self) -> Result<Arc<DesktopCore>, Error> {
        let mut rx = self.core.clone();
        let slot = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| Error::new(ErrorCode::Internal, "the library was closed"))?;
        match &*slot {
            Some(result) => result.clone(),
            None => Err(Error::new(ErrorCode::Internal, "the library is not open")),
        }
    }

    /// The core if it is open now (for shutdown).
    pub fn core_now(&self) -> Option<Arc<DesktopCore>> {
        match &*self.core.borrow() {
            Some(Ok(core)) => Some(core.clone()),
            _ => None,
        }
    }

    pub fn inbox(&self) -> &LinkInbox {
        &self.inbox
    }

    pub fn track_forwarder(&self, webview: &str, task: JoinHandle<()>) {
        let mut forwarders = self.forwarders.lock().unwrap_or_else(|p| p.into_inner());
        forwarders.push((webview.to_string(), task));
    }

    /// A page starts loading in `webview`: its old page's event channels are gone.
    pub fn page_loading(&self, webview: &str) {
        self.inbox.page_loading();
        let mut forwarders = self.forwarders.lock().unwrap_or_else(|p| p.into_inner());
        forwarders.retain(|(label, task)| {
            if label == webview {
                task.abort();
                false
            } else {
                true
            }
        });
    }
}
