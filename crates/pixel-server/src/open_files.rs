//! How many files (sockets included) this process may hold open: the soft limit raised to the hard
//! one at start, and the share of it live event streams may take so that plain requests (`/healthz`,
//! the API) always find a descriptor left.

use std::sync::OnceLock;

/// Descriptors kept for everything that is not a live event stream: requests, the database, blobs.
const RESERVED: u64 = 256;
/// Where the limit cannot be read: the usual soft limit.
const FALLBACK: u64 = 1024;

/// Raises the soft limit on open files to the hard limit and answers the limit now in force. Once per
/// process; a refusal is logged and the limit as it was answered.
pub fn raise_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(raise_once)
}

#[cfg(unix)]
fn raise_once() -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    let soft = now.current.unwrap_or(u64::MAX);
    if now.current.is_none() || now.current == now.maximum {
        return soft;
    }
    let raised = Rlimit {
        current: now.maximum,
        maximum: now.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => {
            let limit = now.maximum.unwrap_or(u64::MAX);
            tracing::info!(from = soft, to = limit, "raised the open-files limit");
            limit
        }
        Err(e) => {
            tracing::warn!(error = %e, limit = soft, "could not raise the open-files limit");
            soft
        }
    }
}

#[cfg(not(unix))]
fn raise_once() -> u64 {
    // Windows has no per-process descriptor limit of this kind; sockets are bounded by memory.
    u64::MAX
}

/// How many live event streams may be open at once under `limit` open files.
pub fn stream_budget(limit: u64) -> usize {
    let limit = if limit == 0 { FALLBACK } else { limit };
    usize::try_from(limit.saturating_sub(RESERVED).max(RESERVED / 4)).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_leave_room_for_requests() {
        assert_eq!(stream_budget(1024), 768);
        assert_eq!(
            stream_budget(100),
            64,
            "a tiny limit still serves a few windows"
        );
        assert_eq!(stream_budget(0), 768);
        assert!(raise_limit() >= 64);
    }
}
