//! The desktop shell's own command payloads (beside the core's operation types), with their TypeScript
//! declarations generated into `ui/src/api/desktop-types.ts`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the UI needs to know about the shell it runs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DesktopInfo {
    /// Origin of the media protocol: prefix `/media/<id>/<variant>` with it
    /// (`pixel://localhost` on Linux and macOS, `http://pixel.localhost` on Windows).
    pub media_base: String,
    /// The app's version.
    pub version: String,
    /// Where the library (database and media files) lives.
    pub data_dir: String,
}

/// Whether a provider's API key is in the OS keychain. The key itself never leaves the shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyStatus {
    /// Provider id as in the catalogue (`openai`, `stability`, ...).
    pub provider: String,
    /// The provider's display name.
    pub name: String,
    pub stored: bool,
}

/// A library export the user saved as a zip through the native save dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportedZip {
    pub path: String,
    /// Images in it.
    #[ts(type = "number")]
    pub images: u64,
}

/// A file the user saved through the native save dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SavedFile {
    pub path: String,
}

/// A `pixelstudio://` link the app was opened with (also sent for app-menu navigation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeepLink {
    /// The link without its query (a sign-in code never reaches the webview).
    pub url: String,
    /// The UI route to open, or null when the link needs no navigation (sign-in callback).
    pub route: Option<String>,
}

/// The whole generated TypeScript file.
pub fn desktop_types() -> String {
    let decls = [
        DesktopInfo::decl(),
        KeyStatus::decl(),
        SavedFile::decl(),
        ExportedZip::decl(),
        DeepLink::decl(),
        crate::remote::ServerStatus::decl(),
        crate::remote::Published::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/src/types.rs by\n\
         // `UPDATE_TYPES=1 cargo test -p pixel-desktop desktop_types_are_fresh`.\n\
         // Do not edit by hand: a test fails when this file is stale.\n\n\
         import type { Me } from \"./types\";\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn desktop_types_are_fresh() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api/desktop-types.ts");
        let generated = super::desktop_types();
        if std::env::var("UPDATE_TYPES").is_ok() {
            std::fs::write(&path, &generated).expect("write desktop types");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "ui/src/api/desktop-types.ts is stale: run \
             `UPDATE_TYPES=1 cargo test -p pixel-desktop desktop_types_are_fresh`"
        );
    }
}
