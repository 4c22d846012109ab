//! The `pixel-studio` desktop binary: everything lives in the `pixel_desktop` library.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    pixel_desktop::run();
}
