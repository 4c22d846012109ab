//! Closed-loop HTTP load against a running server on a seeded data set: each client signs its requests
//! with a seeded bearer token (a new user after each scroll), and every latency is kept for exact
//! percentiles.

use anyhow::{bail, Result};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::seed::{image_id, is_public, token_secret, word, Scale, SET_SIZE};

/// What one request asks, as the web UI's pages ask it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
pub enum Scenario {
    /// Explore, newest first.
    ExploreNewest,
    /// Explore by likes.
    ExploreTop,
    /// Trending images over 7 days.
    Trending,
    /// Trending creators over 48 hours.
    TrendingCreators,
    /// Full-text search for one or two prompt words, newest first.
    Search,
    /// The signed-in client's following feed.
    Feed,
    /// One public image's detail.
    Detail,
}

impl Scenario {
    pub const ALL: [Scenario; 7] = [
        Scenario::ExploreNewest,
        Scenario::ExploreTop,
        Scenario::Trending,
        Scenario::TrendingCreators,
        Scenario::Search,
        Scenario::Feed,
        Scenario::Detail,
    ];

    /// The operation and its input; `cursor` continues a scroll.
    fn request(
        self,
        rng: &mut fastrand::Rng,
        scale: &Scale,
        cursor: Option<&str>,
    ) -> (&'static str, Value) {
        let mut input = match self {
            Scenario::ExploreNewest => ("explore.list", json!({"sort": "newest"})),
            Scenario::ExploreTop => ("explore.list", json!({"sort": "top"})),
            Scenario::Trending => ("explore.list", json!({"sort": "trending", "period": "7d"})),
            Scenario::TrendingCreators => ("explore.creators", json!({"period": "48h"})),
            Scenario::Search => {
                let text = if rng.bool() {
                    word(rng).to_string()
                } else {
                    format!("{} {}", word(rng), word(rng))
                };
                ("explore.list", json!({"text": text, "sort": "newest"}))
            }
            Scenario::Feed => ("feed.list", json!({})),
            Scenario::Detail => {
                let images = (scale.images / SET_SIZE) * SET_SIZE;
                let mut i = rng.u64(..images);
                while !is_public(i) {
                    i = rng.u64(..images);
                }
                ("explore.image", json!({"image_id": image_id(i)}))
            }
        };
        if let (Some(c), Some(obj)) = (cursor, input.1.as_object_mut()) {
            obj.insert("before".into(), json!(c));
        }
        input
    }

    fn scrolls(self) -> bool {
        matches!(
            self,
            Scenario::ExploreNewest | Scenario::ExploreTop | Scenario::Trending | Scenario::Feed
        )
    }
}

/// The parts of an answer the client reads; the rest is skipped unparsed.
#[derive(serde::Deserialize)]
struct Answer {
    #[serde(default)]
    images: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    creators: Vec<serde::de::IgnoredAny>,
    /// An image detail's image.
    #[serde(default)]
    image: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    next: Option<String>,
}

/// One scenario's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadResult {
    pub scenario: Scenario,
    pub clients: usize,
    pub seconds: f64,
    pub requests: u64,
    pub errors: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Images (or creators) per answer, on average: an empty page would be a fast, useless answer.
    pub items_per_answer: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

/// How a run is driven.
#[derive(Debug, Clone)]
pub struct Drive {
    pub clients: usize,
    pub duration: Duration,
    /// Pages each client reads of a list before starting over as another user (1: first pages only,
    /// which is what pgbench's scripts run).
    pub pages: u32,
}

/// Runs closed-loop clients against `base` (after a short warm-up).
pub async fn run(
    base: &str,
    scale: &Scale,
    scenario: Scenario,
    drive: &Drive,
) -> Result<LoadResult> {
    let (clients, duration, max_pages) = (drive.clients, drive.duration, drive.pages.max(1));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients * 2)
        .build()?;
    let tokens = scale.tokens.min(scale.users).max(1);
    let warmup = Duration::from_secs(2).min(duration / 4);
    let stop_at = Instant::now() + warmup + duration;
    let measure_from = Instant::now() + warmup;
    let latencies = Arc::new(Mutex::new(Vec::<f64>::new()));
    let totals = Arc::new(Mutex::new((0u64, 0u64, 0u64))); // errors, answers, items
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, base, scale) = (http.clone(), base.to_string(), scale.clone());
        let (latencies, totals) = (latencies.clone(), totals.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(scale.seed ^ ((c as u64 + 1) * 0x9e37_79b9));
            let mut mine = Vec::new();
            let (mut errors, mut answers, mut items) = (0u64, 0u64, 0u64);
            let mut cursor: Option<String> = None;
            let mut pages = 0;
            let mut token = token_secret(rng.u64(..tokens));
            while Instant::now() < stop_at {
                if cursor.is_none() {
                    token = token_secret(rng.u64(..tokens));
                    pages = 0;
                }
                let (op, input) = scenario.request(&mut rng, &scale, cursor.as_deref());
                let started = Instant::now();
                let answer = http
                    .post(format!("{base}/api/ops/{op}"))
                    .bearer_auth(&token)
                    .json(&input)
                    .send()
                    .await;
                // Only what the client needs is decoded (the count and the cursor): building every
                // image as a JSON tree cost the load clients CPU the server then lacked.
                let body: Option<Answer> = match answer {
                    Ok(r) if r.status().is_success() => r.json().await.ok(),
                    _ => None,
                };
                let took = started.elapsed().as_secs_f64() * 1000.0;
                let counted = started >= measure_from;
                let Some(body) = body else {
                    errors += u64::from(counted);
                    cursor = None;
                    continue;
                };
                if counted {
                    mine.push(took);
                    answers += 1;
                    items += (body.images.len() + body.creators.len()) as u64
                        + u64::from(body.image.is_some());
                }
                pages += 1;
                cursor = body
                    .next
                    .filter(|_| scenario.scrolls() && pages < max_pages);
            }
            latencies
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend(mine);
            let mut t = totals.lock().unwrap_or_else(|p| p.into_inner());
            t.0 += errors;
            t.1 += answers;
            t.2 += items;
        }));
    }
    for t in tasks {
        t.await?;
    }
    let mut all = std::mem::take(&mut *latencies.lock().unwrap_or_else(|p| p.into_inner()));
    let (errors, answers, items) = *totals.lock().unwrap_or_else(|p| p.into_inner());
    if all.is_empty() {
        bail!("{scenario:?}: no request succeeded ({errors} failed): is the server up on this data set?");
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let secs = duration.as_secs_f64();
    Ok(LoadResult {
        scenario,
        clients,
        seconds: secs,
        requests: all.len() as u64,
        errors,
        requests_per_second: all.len() as f64 / secs,
        p50_ms: percentile(&all, 0.50),
        p99_ms: percentile(&all, 0.99),
        max_ms: all.last().copied().unwrap_or(f64::NAN),
        items_per_answer: items as f64 / answers.max(1) as f64,
    })
}
