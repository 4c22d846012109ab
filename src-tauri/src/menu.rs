//! The app menu: File (Create, Library, Settings, Quit), Edit (the standard items, which also give
//! WebKitGTK its clipboard shortcuts), View (Reload), Help (About). Navigation items emit the
//! `navigate` event with a UI route, which the UI handles like a deep link.

use serde::Serialize;
use tauri::menu::{
    AboutMetadataBuilder, Menu, MenuBuilder, MenuEvent, MenuItemBuilder, SubmenuBuilder,
};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::MAIN_WINDOW;

const NAV_PREFIX: &str = "nav:";
const RELOAD: &str = "reload";

#[derive(Clone, Serialize)]
struct Navigate<'a> {
    route: &'a str,
}

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let nav = |route: &str, text: &str, accelerator: &str| {
        MenuItemBuilder::with_id(format!("{NAV_PREFIX}{route}"), text)
            .accelerator(accelerator)
            .build(app)
    };
    let file = SubmenuBuilder::new(app, "File")
        .item(&nav("/", "Create", "CmdOrCtrl+N")?)
        .item(&nav("/library", "Library", "CmdOrCtrl+L")?)
        .item(&nav("/settings", "Settings", "CmdOrCtrl+,")?)
        .separator()
        .quit()
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .select_all()
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(
            &MenuItemBuilder::with_id(RELOAD, "Reload")
                .accelerator("CmdOrCtrl+R")
                .build(app)?,
        )
        .fullscreen()
        .build()?;
    let info = app.package_info();
    let about = AboutMetadataBuilder::new()
        .name(Some(info.name.clone()))
        .version(Some(info.version.to_string()))
        .comments(Some(
            "AI image generation on your own machine, with a built-in offline renderer.",
        ))
        .license(Some("MIT"))
        .build();
    let help = SubmenuBuilder::new(app, "Help")
        .about(Some(about))
        .build()?;
    MenuBuilder::new(app)
        .items(&[&file, &edit, &view, &help])
        .build()
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if let Some(route) = id.strip_prefix(NAV_PREFIX) {
        if let Err(e) = app.emit_to(MAIN_WINDOW, "navigate", Navigate { route }) {
            tracing::warn!(error = %e, "cannot send a menu navigation to the window");
        }
    } else if id == RELOAD {
        if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
            if let Err(e) = window.reload() {
                tracing::warn!(error = %e, "cannot reload the window");
            }
        }
    }
}
