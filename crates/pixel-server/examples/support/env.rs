//! Bench settings read from the environment, shared by the examples that include this file.

/// A comma-separated list of counts from `key` (e.g. `FANOUT_CLIENTS=100,1000`), or `default`'s.
pub fn env_list(key: &str, default: &str) -> Vec<usize> {
    std::env::var(key)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}
