//! Pieces every fake shares: prompt markers that pick a scenario, a store of result files served at
//! `/files/{name}` (so URL results and URLs that 404 can be tested), and a small multipart reader.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The number in a `[name:N]` marker, if the prompt has one.
pub fn marker_num(prompt: &str, name: &str) -> Option<u64> {
    prompt
        .split(&format!("[{name}:"))
        .nth(1)
        .and_then(|r| r.split(']').next())
        .and_then(|v| v.parse().ok())
}

/// Sleeps for `[slow:MS]`, and practically forever for `[timeout]` (the client gives up first).
pub async fn delay(prompt: &str) {
    if let Some(ms) = marker_num(prompt, "slow") {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if prompt.contains("[timeout]") {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// A stored file: its content type and bytes.
type Stored = (&'static str, Vec<u8>);

/// Result files the fake serves, with their content type; a name never stored answers 404.
#[derive(Clone, Default)]
pub struct Files(Arc<Mutex<HashMap<String, Stored>>>);

impl Files {
    /// Stores a PNG.
    pub fn put(&self, name: &str, bytes: Vec<u8>) {
        self.put_typed(name, "image/png", bytes);
    }

    pub fn put_typed(&self, name: &str, content_type: &'static str, bytes: Vec<u8>) {
        self.0
            .lock()
            .expect("fake files")
            .insert(name.to_string(), (content_type, bytes));
    }
}

pub async fn serve_file(State(files): State<Files>, Path(name): Path<String>) -> Response {
    match files.0.lock().expect("fake files").get(&name) {
        Some((content_type, bytes)) => {
            ([("content-type", *content_type)], bytes.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

/// Reads the text fields of a `multipart/form-data` body; None when it is not well-formed multipart.
pub fn multipart_fields(content_type: &str, body: &[u8]) -> Option<Vec<(String, String)>> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    let text = std::str::from_utf8(body).ok()?;
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    let mut parts = text.split(delimiter.as_str());
    // Before the first delimiter is the (empty) preamble.
    parts.next()?;
    for part in parts {
        if part.starts_with("--") {
            return Some(fields);
        }
        let part = part.strip_prefix("\r\n")?;
        let (head, value) = part.split_once("\r\n\r\n")?;
        let name = head
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name="))?
            .split("\r\n")
            .next()?
            .trim_matches('"')
            .to_string();
        fields.push((name, value.strip_suffix("\r\n")?.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_markers_and_multipart() {
        assert_eq!(marker_num("x [polls:3] y", "polls"), Some(3));
        assert_eq!(marker_num("x", "polls"), None);
        let body = "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na fox\r\n--b\r\nContent-Disposition: form-data; name=\"seed\"\r\n\r\n7\r\n--b--\r\n";
        assert_eq!(
            multipart_fields("multipart/form-data; boundary=b", body.as_bytes()),
            Some(vec![
                ("prompt".into(), "a fox".into()),
                ("seed".into(), "7".into())
            ])
        );
        assert_eq!(
            multipart_fields("multipart/form-data; boundary=b", b"junk"),
            None
        );
    }
}
