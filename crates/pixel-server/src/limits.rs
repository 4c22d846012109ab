//! Rate limits: a sliding window per key, and the per-caller limits on operations (ORIGINAL.md's
//! generation, money, writes and reads per minute), answered as 429 with `Retry-After`.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use pixel_core::registry::RateClass;
use pixel_core::{Caller, Error, ErrorCode};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::ApiError;

/// Keys kept before idle ones are swept, so a flood of new callers cannot grow the map without end.
const SWEEP_ABOVE: usize = 10_000;

/// At most `limit` hits per `window` for each key, counted exactly over the last `window`.
pub struct RateLimiter<K> {
    limit: u32,
    window: Duration,
    hits: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one hit; when over the limit, says how long until the next is allowed (and counts nothing).
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > SWEEP_ABOVE {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let q = hits.entry(key.clone()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if q.len() as u32 >= self.limit {
            let oldest = q.front().copied().unwrap_or(now);
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

/// Per-minute limits for each class of operation; 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub generation: u32,
    pub money: u32,
    pub writes: u32,
    pub reads: u32,
}

impl Default for RateLimits {
    /// The original's numbers, but for reads: the web UI reads what a page shows in several calls (a
    /// set page: the set, the account, the catalogue, unread counts), so the original's 60 a minute
    /// refused a person clicking through their library within the minute. 300 still stops an account
    /// scraping at an order of magnitude below what a script could do.
    fn default() -> Self {
        Self {
            generation: 5,
            money: 10,
            writes: 30,
            reads: 300,
        }
    }
}

impl RateLimits {
    pub const OFF: RateLimits = RateLimits {
        generation: 0,
        money: 0,
        writes: 0,
        reads: 0,
    };

    pub fn per_minute(&self, class: RateClass) -> u32 {
        match class {
            RateClass::Generation => self.generation,
            RateClass::Money => self.money,
            RateClass::Write => self.writes,
            RateClass::Read => self.reads,
        }
    }

    fn slot(&mut self, name: &str) -> Option<&mut u32> {
        match name {
            "generation" => Some(&mut self.generation),
            "money" => Some(&mut self.money),
            "writes" => Some(&mut self.writes),
            "reads" => Some(&mut self.reads),
            _ => None,
        }
    }

    /// Changes the named classes (`generation`, `money`, `writes`, `reads`), keeping the others.
    pub fn set(&mut self, name: &str, per_minute: u32) -> Result<(), String> {
        let slot = self.slot(name.trim()).ok_or_else(|| {
            format!("unknown rate class '{name}' (generation, money, writes or reads)")
        })?;
        *slot = per_minute;
        Ok(())
    }

    /// `off`, or `class=n` pairs separated by commas (`writes=60,reads=300`), over these limits.
    pub fn parse_over(mut self, text: &str) -> Result<RateLimits, String> {
        if text.trim().eq_ignore_ascii_case("off") {
            return Ok(RateLimits::OFF);
        }
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, n) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not class=number"))?;
            let n: u32 = n
                .trim()
                .parse()
                .map_err(|_| format!("'{}' is not a whole number per minute", n.trim()))?;
            self.set(name, n)?;
        }
        Ok(self)
    }
}

/// Who a limit is counted for: the signed-in account (however many devices it uses), or the address
/// of a caller who is not signed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CallerKey {
    Account(String),
    Address(IpAddr),
}

/// The operation limits of one node. Only where people sign in: a single-owner server and the desktop
/// serve one person, who is not limited against themself.
pub struct OperationLimits {
    limiters: HashMap<RateClass, RateLimiter<CallerKey>>,
}

impl OperationLimits {
    pub fn new(limits: RateLimits) -> Self {
        let limiters = RateClass::ALL
            .into_iter()
            .filter_map(|class| {
                let n = limits.per_minute(class);
                (n > 0).then(|| (class, RateLimiter::new(n, Duration::from_secs(60))))
            })
            .collect();
        Self { limiters }
    }

    /// Counts a call of the class for the caller; the error says what was limited and for how long.
    pub fn check(&self, class: RateClass, caller: &Caller, address: IpAddr) -> Result<(), Limited> {
        let Some(limiter) = self.limiters.get(&class) else {
            return Ok(());
        };
        let key = match caller.user_id() {
            Ok(id) => CallerKey::Account(id.to_string()),
            Err(_) => CallerKey::Address(address),
        };
        limiter.check(&key).map_err(|wait| Limited {
            wait,
            what: format!(
                "more than {} {} a minute",
                limiter.limit,
                match class {
                    RateClass::Generation => "generations",
                    RateClass::Money => "payments",
                    RateClass::Write => "changes",
                    RateClass::Read => "reads",
                }
            ),
        })
    }
}

/// A refused call: what limit it passed and how long until the next is allowed.
#[derive(Debug)]
pub struct Limited {
    pub wait: Duration,
    pub what: String,
}

impl Limited {
    /// Whole seconds to wait, never 0 (a client retrying at once would only be refused again).
    pub fn retry_after_secs(&self) -> u64 {
        self.wait.as_secs_f64().ceil().max(1.0) as u64
    }
}

impl IntoResponse for Limited {
    fn into_response(self) -> Response {
        let secs = self.retry_after_secs();
        let mut r = ApiError(Error::new(
            ErrorCode::RateLimited,
            format!("{}; try again in {secs} s", self.what),
        ))
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_per_key() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        assert!(limiter.check(&a).is_ok() && limiter.check(&a).is_ok());
        let wait = limiter.check(&a).expect_err("third is over");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(limiter.check(&b).is_ok(), "another key has its own budget");
    }

    #[test]
    fn limits_parse_over_the_defaults() {
        let d = RateLimits::default();
        assert_eq!(
            d.parse_over("writes=60, reads=300").expect("parse"),
            RateLimits {
                writes: 60,
                reads: 300,
                ..d
            }
        );
        assert_eq!(d.parse_over("OFF").expect("off"), RateLimits::OFF);
        assert!(d.parse_over("likes=3").is_err());
        assert!(d.parse_over("writes").is_err());
        assert!(d.parse_over("writes=-1").is_err());
    }

    #[test]
    fn a_class_at_zero_is_not_limited_and_accounts_are_counted_apart() {
        let limits = OperationLimits::new(RateLimits {
            writes: 1,
            reads: 0,
            ..RateLimits::OFF
        });
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let anon = Caller::Anonymous;
        for _ in 0..100 {
            assert!(limits.check(RateClass::Read, &anon, ip).is_ok());
        }
        assert!(limits.check(RateClass::Write, &anon, ip).is_ok());
        let refused = limits
            .check(RateClass::Write, &anon, ip)
            .expect_err("second write");
        assert!(refused.retry_after_secs() >= 59 && refused.retry_after_secs() <= 60);
        assert!(refused.what.contains("changes a minute"));
    }
}
