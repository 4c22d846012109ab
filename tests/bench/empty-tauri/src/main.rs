//! The empty Tauri 2 app of the desktop benchmark: one window, a static page, nothing else.

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("empty-tauri: {e}");
        std::process::exit(1);
    }
}
