//! Pixel Studio desktop: the Tauri 2 shell that runs the core in-process on a local library and
//! hosts the web UI. Commands -> core (`commands`, `core`), media over the `pixel` scheme (`media`),
//! `pixelstudio://` links (`deeplink`), provider keys in the OS keychain (`keys`), the app menu, and
//! a team server signed in to (`remote`, its social side in `community`).

pub mod commands;
pub mod community;
pub mod core;
pub mod deeplink;
pub mod keys;
pub mod media;
pub mod menu;
pub mod remote;
pub mod shell;
pub mod types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_community;

use std::sync::Arc;
use std::time::Duration;
use tauri::webview::PageLoadEvent;
use tauri::{AppHandle, Emitter, Manager, RunEvent, Url};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::core::DesktopCore;
use crate::remote::RemoteAccount;
use crate::shell::Shell;

/// The label of the app's one window (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";

/// How long running jobs get to hand themselves back to the queue when the app quits.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIXEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn focus_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Routes one incoming `pixelstudio://` link to the UI (or the sign-in hook).
fn deliver_link(app: &AppHandle, url: &Url) {
    if let Ok(deeplink::LinkAction::AuthCallback { code }) = deeplink::parse_link(url) {
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let status = handle.state::<RemoteAccount>().finish_sign_in(&code).await;
            if let Err(e) = handle.emit_to(MAIN_WINDOW, "server-status", status) {
                tracing::warn!(error = %e, "cannot send the sign-in outcome to the window");
            }
        });
    }
    let Some(link) = deeplink::incoming(url) else {
        return;
    };
    let link = app.state::<Shell>().inbox().arrive(link);
    if let Err(e) = app.emit_to(MAIN_WINDOW, "deep-link", link) {
        tracing::warn!(error = %e, "cannot send a deep link to the window");
    }
    focus_main(app);
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    let (shell, core_setter) = Shell::new(data_dir.clone());
    app.manage(shell);
    app.manage(RemoteAccount::new(
        Arc::new(keys::KeyringStore),
        data_dir.clone(),
    ));

    // The library opens in the background: the window paints at once and commands wait for it.
    tauri::async_runtime::spawn(async move {
        let opened = async {
            let core = Arc::new(DesktopCore::open(&data_dir, Arc::new(keys::KeyringStore)).await?);
            core.start_runner().await?;
            Ok::<_, pixel_core::Error>(core)
        }
        .await;
        match &opened {
            Ok(core) => {
                tracing::info!(data_dir = %data_dir.display(), "library open");
                let core = core.clone();
                // The keychain may ask the user to unlock it: never hold the library up for that.
                tauri::async_runtime::spawn(async move { core.load_keys().await });
            }
            Err(e) => {
                tracing::error!(error = %e, data_dir = %data_dir.display(), "cannot open the library")
            }
        }
        core_setter.set(opened);
    });

    // The team server's live events, relayed to the window while signed in.
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        let remote = handle.state::<RemoteAccount>();
        remote
            .relay_forever(|update| {
                let sent = match update {
                    community::RelayUpdate::Event(text) => {
                        handle.emit_to(MAIN_WINDOW, "server-event", text)
                    }
                    community::RelayUpdate::Connected(open) => {
                        handle.emit_to(MAIN_WINDOW, "server-events-open", open)
                    }
                };
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "cannot send a server event to the window");
                }
            })
            .await;
    });

    let handle = app.handle().clone();
    app.deep_link().on_open_url(move |event| {
        for url in event.urls() {
            deliver_link(&handle, &url);
        }
    });
    // A cold start through a link: the link is an argument (Linux, Windows) or came before setup.
    if let Some(urls) = app.deep_link().get_current()? {
        for url in urls {
            deliver_link(app.handle(), &url);
        }
    }
    // Installers register the scheme (.deb desktop file, Windows registry, macOS Info.plist); an
    // AppImage or a development build must register it at run time.
    #[cfg(any(windows, target_os = "linux"))]
    if std::env::var_os("APPIMAGE").is_some()
        || std::env::var_os("PIXEL_REGISTER_DEEP_LINK").is_some()
    {
        if let Err(e) = app.deep_link().register_all() {
            tracing::warn!(error = %e, "cannot register the pixelstudio:// scheme");
        }
    }
    Ok(())
}

/// Starts the desktop app; returns when it quits.
pub fn run() {
    init_logging();
    let app = tauri::Builder::default()
        // First: a second launch hands its arguments (a link) to this instance and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            focus_main(app)
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn(async move {
                let path = request.uri().path();
                let response = if path.starts_with(community::SERVER_MEDIA_PREFIX) {
                    let head = request.method() == tauri::http::Method::HEAD;
                    let tag = request
                        .headers()
                        .get(tauri::http::header::IF_NONE_MATCH)
                        .and_then(|v| v.to_str().ok());
                    match app.state::<RemoteAccount>().media(path, head, tag).await {
                        Ok(response) => response,
                        Err(e) => media::error_response(&e),
                    }
                } else {
                    match app.state::<Shell>().core().await {
                        Ok(core) => media::respond(&core, &request).await,
                        Err(e) => media::error_response(&e),
                    }
                };
                responder.respond(response);
            });
        })
        .on_page_load(|webview, payload| {
            if payload.event() == PageLoadEvent::Started {
                if let Some(shell) = webview.try_state::<Shell>() {
                    shell.page_loading(webview.label());
                }
            }
        })
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::op,
            commands::events,
            commands::desktop_info,
            commands::keys_list,
            commands::keys_set,
            commands::keys_delete,
            commands::save_image,
            commands::export_images,
            commands::reveal_path,
            commands::take_pending_deep_link,
            commands::server_status,
            commands::server_sign_in,
            commands::server_sign_out,
            commands::server_publish,
            commands::server_call,
        ])
        .setup(setup)
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "cannot start Pixel Studio");
            eprintln!("cannot start Pixel Studio: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            if let Some(core) = app.try_state::<Shell>().and_then(|s| s.core_now()) {
                tauri::async_runtime::block_on(core.shutdown(SHUTDOWN_GRACE));
                tracing::info!("library closed");
            }
        }
    });
}
