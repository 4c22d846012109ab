//! Build script: reads the top-level `tauri.conf.json` (the product's layout keeps it beside the
//! workspace manifest), and generates the access control lists: the capabilities in
//! `capabilities/` and one `allow-<command>` permission per app command, so the webview can call
//! only the commands a capability grants.

// Keep in sync with `commands::COMMANDS` (a unit test checks it).
const COMMANDS: &[&str] = &[
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

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
