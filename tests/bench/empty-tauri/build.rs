//! Build script of the empty benchmark app: the standard Tauri build.
fn main() {
    tauri_build::build();
}
