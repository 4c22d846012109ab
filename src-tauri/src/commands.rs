//! The Tauri commands: thin wrappers that wait for the core and call [`DesktopCore`]'s methods, plus
//! the native dialog and file manager parts. The names and shapes are the UI's contract
//! (`ui/src/api/tauri.ts`); each needs an explicit allow in `capabilities/`.

use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{AppHandle, State, Webview, Window};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::remote::{Published, RemoteAccount, ServerStatus};
use crate::shell::Shell;
use crate::types::{DeepLink, DesktopInfo, ExportedZip, KeyStatus, SavedFile};
use pixel_core::Error;

/// Every command, for the build script's permission manifest and the invoke handler.
pub const COMMANDS: &[&str] = &[
    "op",
    "events",
    "desktop_info",
    "keys_list",
    "keys_set",
    "keys_delete",
    "save_image",
    "export_images",
    "reveal_path",
    "take_pending_deep_link",
    "server_status",
    "server_sign_in",
    "server_sign_out",
    "server_publish",
    "server_call",
];

/// One operation of the core's registry, as the local owner.
#[tauri::command]
pub async fn op(
    shell: State<'_, Shell>,
    method: String,
    input: Option<Value>,
) -> Result<Value, Error> {
    shell
        .core()
        .await?
        .op(&method, input.unwrap_or(Value::Null))
        .await
}

/// Streams the owner's events into `channel` until the page goes away.
#[tauri::command]
pub async fn events(
    shell: State<'_, Shell>,
    webview: Webview,
    channel: Channel<Value>,
) -> Result<(), Error> {
    let core = shell.core().await?;
    let rx = core.subscribe();
    let task = tauri::async_runtime::spawn(async move {
        core.forward_events(rx, |event| channel.send(event).is_ok())
            .await
    });
    shell.track_forwarder(webview.label(), task);
    Ok(())
}

#[tauri::command]
pub async fn desktop_info(app: AppHandle, shell: State<'_, Shell>) -> Result<DesktopInfo, Error> {
    Ok(DesktopInfo {
        media_base: crate::media::media_base().to_string(),
        version: app.package_info().version.to_string(),
        data_dir: shell.data_dir().display().to_string(),
    })
}

#[tauri::command]
pub async fn keys_list(shell: State<'_, Shell>) -> Result<Vec<KeyStatus>, Error> {
    Ok(shell.core().await?.keys_list().await)
}

#[tauri::command]
pub async fn keys_set(shell: State<'_, Shell>, provider: String, key: String) -> Result<(), Error> {
    shell.core().await?.keys_set(&provider, &key).await
}

#[tauri::command]
pub async fn keys_delete(shell: State<'_, Shell>, provider: String) -> Result<(), Error> {
    shell.core().await?.keys_delete(&provider).await
}

/// Asks where to save an image with the native dialog (from Rust: the webview has no dialog or file
/// permission) and writes the original there. None when the user cancels.
#[tauri::command]
pub async fn save_image(
    app: AppHandle,
    window: Window,
    shell: State<'_, Shell>,
    image_id: String,
) -> Result<Option<SavedFile>, Error> {
    let core = shell.core().await?;
    let file_name = core.suggested_file_name(&image_id).await?;
    let extension = file_name.rsplit('.').next().unwrap_or("png").to_string();
    let target = SaveTarget {
        title: "Save image",
        file_name,
        kind: "Image",
        extension,
    };
    let Some(path) = pick_save_path(&app, &window, target).await? else {
        return Ok(None);
    };
    core.export_image(&image_id, &path).await.map(Some)
}

/// Asks where to save a library export (native dialog) and writes the zip there, sending how many
/// images are in it so far to `progress`. None when the user cancels.
#[tauri::command]
pub async fn export_images(
    app: AppHandle,
    window: Window,
    shell: State<'_, Shell>,
    query: pixel_core::ops::exports::ExportQuery,
    progress: Channel<u64>,
) -> Result<Option<ExportedZip>, Error> {
    let core = shell.core().await?;
    let stamp = pixel_core::ops::exports::export_stamp(core.app.clock.now_ms());
    let (title, kind) = if query.whole_account == Some(true) {
        ("Export your data", "account")
    } else {
        ("Export images", "export")
    };
    let target = SaveTarget {
        title,
        file_name: format!("pixel-studio-{kind}-{stamp}.zip"),
        kind: "Zip archive",
        extension: "zip".into(),
    };
    let Some(path) = pick_save_path(&app, &window, target).await? else {
        return Ok(None);
    };
    core.export_zip(query, &path, move |images| {
        let _ = progress.send(images);
    })
    .await
    .map(Some)
}

/// What the save dialog offers: its title, the suggested name, and the one file type.
struct SaveTarget {
    title: &'static str,
    file_name: String,
    kind: &'static str,
    extension: String,
}

/// Answers every save dialog with this folder and the suggested name, for automated runs: WebDriver
/// drives the webview but cannot reach a native dialog (the desktop suite sets it).
const SAVE_DIR_ENV: &str = "PIXEL_STUDIO_SAVE_DIR";

/// The path the user picks in the native save dialog (opening in their Pictures folder), or None when
/// they cancel.
async fn pick_save_path(
    app: &AppHandle,
    window: &Window,
    target: SaveTarget,
) -> Result<Option<std::path::PathBuf>, Error> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|d| !d.is_empty()) {
        let path = std::path::Path::new(&dir).join(&target.file_name);
        tracing::warn!(path = %path.display(), "{SAVE_DIR_ENV} is set: saving there without asking");
        return Ok(Some(path));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title(target.title)
        .set_file_name(&target.file_name)
        .add_filter(target.kind, &[target.extension.as_str()]);
    if let Some(pictures) = dirs_pictures(app) {
        dialog = dialog.set_directory(pictures);
    }
    dialog.set_parent(window).save_file(move |picked| {
        let _ = tx.send(picked);
    });
    let Some(picked) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    picked
        .into_path()
        .map(Some)
        .map_err(|e| Error::invalid(format!("cannot save there: {e}")))
}

fn dirs_pictures(app: &AppHandle) -> Option<std::path::PathBuf> {
    use tauri::Manager;
    app.path().picture_dir().ok().filter(|d| d.is_dir())
}

/// Shows a file saved in this session in the system file manager.
#[tauri::command]
pub async fn reveal_path(
    app: AppHandle,
    shell: State<'_, Shell>,
    path: String,
) -> Result<(), Error> {
    let path = shell.core().await?.revealable(&path)?;
    app.opener().reveal_item_in_dir(&path).map_err(|e| {
        Error::new(
            pixel_core::ErrorCode::Internal,
            format!("cannot show {} in the file manager: {e}", path.display()),
        )
    })
}

/// The link that opened the app before the UI listened, if any; from now on links arrive as events.
#[tauri::command]
pub async fn take_pending_deep_link(shell: State<'_, Shell>) -> Result<Option<DeepLink>, Error> {
    Ok(shell.inbox().take())
}

/// Where the desktop's server account stands. Never fails: problems are part of the status.
#[tauri::command]
pub async fn server_status(remote: State<'_, RemoteAccount>) -> Result<ServerStatus, Error> {
    Ok(remote.status().await)
}

/// Opens the system browser at the server's desktop sign-in; the outcome arrives as the
/// `server-status` event once the `pixelstudio://auth/callback` link comes back.
#[tauri::command]
pub async fn server_sign_in(
    app: AppHandle,
    remote: State<'_, RemoteAccount>,
    server: String,
) -> Result<(), Error> {
    let url = remote.begin(&server)?;
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| Error::internal(format!("cannot open the browser: {e}")))
}

#[tauri::command]
pub async fn server_sign_out(remote: State<'_, RemoteAccount>) -> Result<ServerStatus, Error> {
    remote.sign_out().await
}

#[tauri::command]
pub async fn server_publish(
    shell: State<'_, Shell>,
    remote: State<'_, RemoteAccount>,
    image_id: String,
    visibility: Option<pixel_core::Visibility>,
) -> Result<Published, Error> {
    let core = shell.core().await?;
    remote.publish(&core, &image_id, visibility).await
}

/// One operation of the team server, as the signed-in account (the social pages on the desktop).
#[tauri::command]
pub async fn server_call(
    remote: State<'_, RemoteAccount>,
    method: String,
    input: Option<Value>,
) -> Result<Value, Error> {
    remote.call(&method, input.unwrap_or(Value::Null)).await
}
