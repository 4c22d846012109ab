//! Pixel Studio core: domain types, operations, ports, the model catalogue and the job runner.
//! Transports (the HTTP server, the desktop shell) call the same operations through one registry.

pub mod account;
pub mod app;
pub mod catalogue;
pub mod credits;
pub mod domain;
pub mod error;
pub mod events;
pub mod links;
pub mod markdown;
pub mod ops;
pub mod payouts;
pub mod ports;
pub mod prints;
pub mod provider_check;
pub mod registry;
pub mod runner;
pub mod social;
pub mod tagging;
pub mod typescript;

pub use app::{App, AppConfig, AppParts, ChargePolicy, LOCAL_OWNER_ID};
pub use domain::*;
pub use error::{Error, ErrorCode, Result};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// A new time-ordered unique id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// The URLs of an image's original and thumbnail. Both shells serve media under `/media`.
pub fn media_urls(image_id: &str) -> (String, String) {
    (
        format!("/media/{image_id}/original"),
        format!("/media/{image_id}/thumb"),
    )
}
