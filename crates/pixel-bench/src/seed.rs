//! The social data set for benchmarks: users, follows and likes with heavy tails, sets of images with
//! searchable prompts, bearer tokens for load clients; written with COPY on PostgreSQL and batched
//! multi-row inserts on SQLite, into the schema the product's own migrations made.

use anyhow::{bail, Context, Result};
use pixel_core::ports::Store;
use pixel_core::social::TrendPeriod;
use sqlx::{Connection, Executor};
use std::collections::HashSet;
use std::time::Instant;

/// How big a data set to build. `images` is rounded down to whole sets of [`SET_SIZE`].
#[derive(Debug, Clone)]
pub struct Scale {
    pub users: u64,
    pub images: u64,
    /// Likes aimed at (the heavy tail makes the count land near it, not on it).
    pub likes: u64,
    /// Users given a bearer token ([`token_secret`]) for load clients.
    pub tokens: u64,
    /// Images spread over this many days back from now, so every trending period has candidates.
    pub days: u64,
    /// The same seed builds the same data set.
    pub seed: u64,
}

impl Scale {
    /// The issue's benchmark size: 1,000,000 images, 100,000 users, 10,000,000 likes.
    pub fn full() -> Scale {
        Scale {
            users: 100_000,
            images: 1_000_000,
            likes: 10_000_000,
            tokens: 1_000,
            days: 60,
            seed: 7,
        }
    }
}

/// What was written, and how long each part took.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct SeedReport {
    pub users: u64,
    pub follows: u64,
    pub sets: u64,
    pub images: u64,
    pub public_images: u64,
    pub likes: u64,
    pub tokens: u64,
    /// (part, seconds), in the order written.
    pub seconds: Vec<(String, f64)>,
    pub total_seconds: f64,
}

/// Images per generation set (the product's default batch).
pub const SET_SIZE: u64 = 4;
/// The largest following list one seeded user gets.
const MAX_FOLLOWING: u64 = 5_000;
/// Rows per COPY or per SQLite transaction.
const CHUNK: usize = 50_000;

pub fn user_id(i: u64) -> String {
    format!("bench-u{i:07}")
}

pub fn image_id(i: u64) -> String {
    format!("bench-i{i:08}")
}

/// The bearer token of the `n`-th token holder (see [`token_holder`]).
pub fn token_secret(n: u64) -> String {
    format!("psb_bench_{n:08}")
}

/// The user who holds the `n`-th token: spread over all users, so load clients have every kind of
/// following list, from none to thousands.
pub fn token_holder(n: u64, scale: &Scale) -> u64 {
    (n * scale.users / scale.tokens.max(1)).min(scale.users.saturating_sub(1))
}

/// Whether image `i` is public: 85% are, decided by the index alone so load clients can pick public
/// images without asking.
pub fn is_public(i: u64) -> bool {
    (i.wrapping_mul(2_654_435_761) >> 7) % 100 >= 15
}

/// Words prompts are made of; earlier words are far more common (a Zipf-like draw), so searches range
/// from words in a third of all prompts to words in a few hundred.
pub const VOCAB: &[&str] = &[
    "portrait",
    "landscape",
    "cinematic",
    "light",
    "city",
    "night",
    "forest",
    "ocean",
    "mountain",
    "neon",
    "sunset",
    "dragon",
    "castle",
    "robot",
    "cat",
    "flowers",
    "river",
    "desert",
    "winter",
    "watercolor",
    "oil",
    "painting",
    "photograph",
    "studio",
    "golden",
    "hour",
    "misty",
    "ancient",
    "temple",
    "street",
    "market",
    "rain",
    "reflections",
    "glass",
    "crystal",
    "cyberpunk",
    "steampunk",
    "baroque",
    "minimal",
    "abstract",
    "geometric",
    "surreal",
    "dreamy",
    "moody",
    "vibrant",
    "pastel",
    "monochrome",
    "sketch",
    "charcoal",
    "ink",
    "woodcut",
    "mosaic",
    "stained",
    "lighthouse",
    "harbor",
    "boat",
    "island",
    "volcano",
    "glacier",
    "aurora",
    "galaxy",
    "nebula",
    "astronaut",
    "spaceship",
    "orbit",
    "moon",
    "owl",
    "fox",
    "wolf",
    "bear",
    "whale",
    "jellyfish",
    "coral",
    "reef",
    "garden",
    "greenhouse",
    "library",
    "bookshop",
    "cafe",
    "kitchen",
    "bakery",
    "bicycle",
    "train",
    "station",
    "bridge",
    "tower",
    "skyline",
    "rooftop",
    "alley",
    "lantern",
    "festival",
    "carnival",
    "mask",
    "dancer",
    "violin",
    "piano",
    "samurai",
    "knight",
    "wizard",
    "witch",
    "fairy",
    "mushroom",
    "moss",
    "fern",
    "canyon",
    "waterfall",
    "meadow",
    "orchard",
    "vineyard",
    "lavender",
    "tulips",
    "poppies",
    "cherry",
    "blossom",
    "bamboo",
    "pagoda",
    "koi",
    "pond",
    "heron",
    "flamingo",
    "peacock",
    "zebra",
    "elephant",
    "giraffe",
    "tiger",
    "leopard",
    "parrot",
    "hummingbird",
    "butterfly",
    "beetle",
];

const MODELS: &[(&str, &str)] = &[
    ("gpt-image-2", "openai"),
    ("flux-pro-1.1", "bfl"),
    ("sd3.5-large", "stability"),
    ("ideogram-v3", "ideogram"),
    ("local-sketch", "offline"),
];

/// A word from [`VOCAB`], common ones far more often.
pub fn word(rng: &mut fastrand::Rng) -> &'static str {
    let u = rng.f64();
    VOCAB[((u * u * u) * VOCAB.len() as f64) as usize % VOCAB.len()]
}

/// A draw from a Pareto distribution with minimum 1 and shape `alpha` (a heavy tail for small alpha).
fn pareto(rng: &mut fastrand::Rng, alpha: f64) -> f64 {
    (1.0 - rng.f64()).max(1e-12).powf(-1.0 / alpha)
}

/// An index in `0..n` where small indices are far more likely (popular creators are low ids).
fn skewed(rng: &mut fastrand::Rng, n: u64, power: f64) -> u64 {
    ((rng.f64().powf(power) * n as f64) as u64).min(n.saturating_sub(1))
}

/// A value for one column of one row.
enum V {
    T(String),
    I(i64),
    N,
}

enum Db {
    Postgres(sqlx::PgConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl Db {
    async fn execute(&mut self, sql: &str) -> Result<()> {
        match self {
            Db::Postgres(c) => c.execute(sql).await.map(drop),
            Db::Sqlite(c) => c.execute(sql).await.map(drop),
        }
        .with_context(|| sql.to_string())
    }

    async fn write(&mut self, table: &str, cols: &[&str], rows: &[Vec<V>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Db::Postgres(conn) => {
                let mut text = String::with_capacity(rows.len() * 64);
                for row in rows {
                    for (i, v) in row.iter().enumerate() {
                        if i > 0 {
                            text.push('\t');
                        }
                        match v {
                            V::T(s) => copy_escape(&mut text, s),
                            V::I(n) => text.push_str(&n.to_string()),
                            V::N => text.push_str("\\N"),
                        }
                    }
                    text.push('\n');
                }
                let mut copy = conn
                    .copy_in_raw(&format!("COPY {table} ({}) FROM STDIN", cols.join(", ")))
                    .await
                    .with_context(|| format!("COPY into {table}"))?;
                copy.send(text.as_bytes()).await?;
                copy.finish()
                    .await
                    .with_context(|| format!("COPY into {table}"))?;
            }
            Db::Sqlite(conn) => {
                // SQLite takes at most 32766 parameters in one statement.
                let per_statement = (30_000 / cols.len()).max(1);
                let mut tx = conn.begin().await?;
                for part in rows.chunks(per_statement) {
                    let one = format!("({})", vec!["?"; cols.len()].join(", "));
                    let sql = format!(
                        "INSERT INTO {table} ({}) VALUES {}",
                        cols.join(", "),
                        vec![one.as_str(); part.len()].join(", ")
                    );
                    let mut q = sqlx::query(&sql);
                    for row in part {
                        for v in row {
                            q = match v {
                                V::T(s) => q.bind(s.as_str()),
                                V::I(n) => q.bind(*n),
                                V::N => q.bind(None::<String>),
                            };
                        }
                    }
                    q.execute(&mut *tx)
                        .await
                        .with_context(|| format!("insert into {table}"))?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

/// PostgreSQL's COPY text format: backslash, tab, newline and carriage return escaped.
fn copy_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Times each part of the seeding.
struct Clock {
    start: Instant,
    part: Instant,
    report: SeedReport,
    progress: Box<dyn Fn(&str) + Send>,
}

impl Clock {
    fn done(&mut self, part: &str) {
        let secs = self.part.elapsed().as_secs_f64();
        (self.progress)(&format!("{part}: {secs:.1} s"));
        self.report.seconds.push((part.to_string(), secs));
        self.part = Instant::now();
    }
}

/// Builds the data set in an empty database at `url` (migrating it first), then ranks trending.
pub async fn seed(
    url: &str,
    scale: &Scale,
    progress: impl Fn(&str) + Send + 'static,
) -> Result<SeedReport> {
    if scale.users < 2 || scale.images < SET_SIZE {
        bail!("seed at least 2 users and {SET_SIZE} images");
    }
    let store = pixel_store::SqlStore::connect(url)
        .await
        .map_err(|e| anyhow::anyhow!("open {url}: {}", e.message))?;
    let mut db = if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await?;
        // Bulk load: a crash mid-seed means seeding again, so no need to wait for each commit's flush.
        c.execute("SET synchronous_commit = off").await?;
        Db::Postgres(c)
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        c.execute("PRAGMA synchronous = OFF").await?;
        c.execute("PRAGMA journal_mode = WAL").await?;
        // The likes' user index takes its rows in random order: with SQLite's default 2 MB page
        // cache nearly every insert reads a page from disk.
        c.execute("PRAGMA cache_size = -2000000").await?;
        Db::Sqlite(c)
    };
    // The platform's fee account comes with the schema; any other account means the data set is not
    // the seed's alone.
    let others = format!(
        "SELECT COUNT(*) FROM users WHERE id <> '{}'",
        pixel_core::ops::market::PLATFORM_ACCOUNT
    );
    let existing: i64 = match &mut db {
        Db::Postgres(c) => sqlx::query_scalar(&others).fetch_one(c).await?,
        Db::Sqlite(c) => sqlx::query_scalar(&others).fetch_one(c).await?,
    };
    if existing > 0 {
        bail!("{url} already has {existing} users: seed an empty database");
    }
    let mut clock = Clock {
        start: Instant::now(),
        part: Instant::now(),
        report: SeedReport::default(),
        progress: Box::new(progress),
    };
    let mut rng = fastrand::Rng::with_seed(scale.seed);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let span = (scale.days.max(1) * 86_400_000) as i64;
    let start = now - span;

    // Follows first, in memory: each user's row carries its counts.
    let mut follows: Vec<(u32, u32)> = Vec::new();
    let mut followers = vec![0u32; scale.users as usize];
    let mut following = vec![0u32; scale.users as usize];
    let cap = MAX_FOLLOWING.min(scale.users - 1);
    for f in 0..scale.users {
        let want = ((7.0 * pareto(&mut rng, 1.5)) as u64).min(cap);
        let mut seen = HashSet::with_capacity(want as usize);
        let mut tries = 0;
        while (seen.len() as u64) < want && tries < want * 4 {
            tries += 1;
            let e = skewed(&mut rng, scale.users, 3.0);
            if e != f && seen.insert(e) {
                follows.push((f as u32, e as u32));
                followers[e as usize] += 1;
                following[f as usize] += 1;
            }
        }
    }
    clock.done("follows drawn");

    let mut rows = Vec::with_capacity(CHUNK);
    for i in 0..scale.users {
        let private = rng.u8(..100) == 0;
        rows.push(vec![
            V::T(user_id(i)),
            V::T(format!("user{i}")),
            V::T(format!("user{i}@bench.example")),
            V::T("user".into()),
            V::I(start - 86_400_000 + rng.i64(0..86_400_000)),
            V::T(format!("bench|{i}")),
            V::T(if private {
                r#"{"profile_private":true}"#.into()
            } else {
                "{}".into()
            }),
            V::I(i64::from(followers[i as usize])),
            V::I(i64::from(following[i as usize])),
            V::I(i64::from(private)),
        ]);
        if rows.len() == CHUNK || i + 1 == scale.users {
            db.write(
                "users",
                &[
                    "id",
                    "username",
                    "email",
                    "role",
                    "created_at",
                    "subject",
                    "settings",
                    "follower_count",
                    "following_count",
                    "profile_private",
                ],
                &rows,
            )
            .await?;
            rows.clear();
        }
    }
    clock.report.users = scale.users;
    clock.done("users");

    for (n, chunk) in follows.chunks(CHUNK).enumerate() {
        let rows: Vec<Vec<V>> = chunk
            .iter()
            .enumerate()
            .map(|(k, (f, e))| {
                vec![
                    V::T(user_id(u64::from(*f))),
                    V::T(user_id(u64::from(*e))),
                    V::I(start + ((n * CHUNK + k) as i64 * 7919) % span),
                ]
            })
            .collect();
        db.write(
            "follows",
            &["follower_id", "followee_id", "created_at"],
            &rows,
        )
        .await?;
    }
    clock.report.follows = follows.len() as u64;
    drop(follows);
    clock.done("follows");

    // Sets and their images, oldest first; a set's images share owner, prompt and model.
    let sets = scale.images / SET_SIZE;
    let images = sets * SET_SIZE;
    let step = (span / sets as i64).max(1);
    let mut weights: Vec<f32> = Vec::with_capacity(images as usize);
    let mut set_rows = Vec::with_capacity(CHUNK);
    let mut image_rows = Vec::with_capacity(CHUNK);
    let mut public_images = 0u64;
    for s in 0..sets {
        let owner = skewed(&mut rng, scale.users, 2.5);
        let (model, provider) = MODELS[rng.usize(..MODELS.len())];
        let words = 4 + rng.usize(..7);
        let prompt = (0..words)
            .map(|_| word(&mut rng))
            .collect::<Vec<_>>()
            .join(" ");
        let created = start + s as i64 * step;
        let set_id = format!("bench-s{s:08}");
        let remix_of = (s > 10 && rng.u8(..50) == 0)
            .then(|| image_id(rng.u64(..s * SET_SIZE)))
            .filter(|id| {
                id.trim_start_matches("bench-i")
                    .parse()
                    .is_ok_and(is_public)
            });
        let params = serde_json::json!({
            "prompt": prompt, "model": model, "width": 1024, "height": 1024,
        });
        set_rows.push(vec![
            V::T(set_id.clone()),
            V::T(user_id(owner)),
            V::T(model.into()),
            V::T(params.to_string()),
            V::I(SET_SIZE as i64),
            V::I(0),
            remix_of.clone().map_or(V::N, V::T),
            V::I(created),
        ]);
        for idx in 0..SET_SIZE {
            let i = s * SET_SIZE + idx;
            let id = image_id(i);
            let public = is_public(i);
            public_images += u64::from(public);
            weights.push(if public {
                pareto(&mut rng, 1.2) as f32
            } else {
                0.0
            });
            let job_id = format!("bench-j{i:08}");
            let record = serde_json::json!({
                "provider": provider, "model": model, "params": params, "seed": rng.u32(..),
                "cost": 0, "attempts": 1,
                "timings": { "queued_at": created - 900, "started_at": created - 800,
                    "finished_at": created, "provider_ms": 700, "processing_ms": 60 },
                "remix_of": remix_of, "retried_errors": [], "set_id": set_id, "job_id": job_id,
                "index": idx,
            });
            image_rows.push(vec![
                V::T(id),
                V::T(user_id(owner)),
                V::T(set_id.clone()),
                V::T(job_id),
                V::T(if public { "public" } else { "private" }.into()),
                V::T("image/png".into()),
                V::I(1024),
                V::I(1024),
                V::I(1_400_000 + rng.i64(0..400_000)),
                V::T(format!("{:064x}", (u128::from(rng.u64(..)) << 64) | u128::from(i))),
                V::T(format!("{:064x}", (u128::from(rng.u64(..)) << 64) | u128::from(i) | 1)),
                V::T("data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAQAcJaQAA3AA/v3AgAA=".into()),
                V::T(model.into()),
                V::T(prompt.clone()),
                V::T(record.to_string()),
                remix_of.clone().map_or(V::N, V::T),
                V::I(created + idx as i64),
                V::I(0),
                V::I(0),
            ]);
        }
        if image_rows.len() >= CHUNK || s + 1 == sets {
            db.write(
                "generation_sets",
                &[
                    "id",
                    "owner_id",
                    "model",
                    "params",
                    "n",
                    "cost",
                    "remix_of",
                    "created_at",
                ],
                &set_rows,
            )
            .await?;
            db.write(
                "images",
                &[
                    "id",
                    "owner_id",
                    "set_id",
                    "job_id",
                    "visibility",
                    "mime",
                    "width",
                    "height",
                    "bytes",
                    "sha256",
                    "thumb_sha256",
                    "placeholder",
                    "model",
                    "prompt",
                    "record",
                    "remix_of",
                    "created_at",
                    "like_count",
                    "comment_count",
                ],
                &image_rows,
            )
            .await?;
            set_rows.clear();
            image_rows.clear();
        }
    }
    clock.report.sets = sets;
    clock.report.images = images;
    clock.report.public_images = public_images;
    clock.done("sets and images");

    // Likes: each public image gets a heavy-tailed share of the total, from distinct users.
    let total_weight: f64 = weights.iter().map(|w| f64::from(*w)).sum();
    let per_weight = scale.likes as f64 / total_weight.max(1.0);
    let most = scale.users / 2;
    let mut like_rows = Vec::with_capacity(CHUNK);
    let mut counts: Vec<(u64, u64)> = Vec::new();
    let mut likes = 0u64;
    for (i, w) in weights.iter().enumerate() {
        if *w == 0.0 {
            continue;
        }
        let exact = f64::from(*w) * per_weight;
        // Rounded up with the fraction's probability, so the total lands near the aim.
        let k = ((exact.floor() as u64) + u64::from(rng.f64() < exact.fract())).min(most);
        if k == 0 {
            continue;
        }
        let created = start + (i as u64 / SET_SIZE) as i64 * step;
        let mut seen = HashSet::with_capacity(k as usize);
        while (seen.len() as u64) < k {
            let u = rng.u64(..scale.users);
            if seen.insert(u) {
                like_rows.push(vec![
                    V::T(image_id(i as u64)),
                    V::T(user_id(u)),
                    V::I(created + rng.i64(0..(now - created).max(1))),
                ]);
            }
        }
        counts.push((i as u64, k));
        likes += k;
        if like_rows.len() >= CHUNK {
            db.write(
                "image_likes",
                &["image_id", "user_id", "created_at"],
                &like_rows,
            )
            .await?;
            like_rows.clear();
        }
    }
    db.write(
        "image_likes",
        &["image_id", "user_id", "created_at"],
        &like_rows,
    )
    .await?;
    clock.report.likes = likes;
    clock.done("likes");

    // The kept counts, set in bulk from a staging table rather than one UPDATE per image.
    let count_rows: Vec<Vec<V>> = counts
        .iter()
        .map(|(i, k)| vec![V::T(image_id(*i)), V::I(*k as i64)])
        .collect();
    let staging =
        "CREATE TEMPORARY TABLE bench_like_counts (image_id TEXT PRIMARY KEY, n BIGINT NOT NULL)";
    db.execute(staging).await?;
    for chunk in count_rows.chunks(CHUNK) {
        db.write("bench_like_counts", &["image_id", "n"], chunk)
            .await?;
    }
    let update = match &db {
        Db::Postgres(_) => {
            "UPDATE images SET like_count = b.n FROM bench_like_counts b WHERE images.id = b.image_id"
        }
        Db::Sqlite(_) => {
            "UPDATE images SET like_count = (SELECT n FROM bench_like_counts b WHERE b.image_id = images.id) \
             WHERE id IN (SELECT image_id FROM bench_like_counts)"
        }
    };
    db.execute(update).await?;
    db.execute("DROP TABLE bench_like_counts").await?;
    clock.done("like counts");

    let token_rows: Vec<Vec<V>> = (0..scale.tokens.min(scale.users))
        .map(|n| {
            vec![
                V::T(format!("bench-t{n:08}")),
                V::T(pixel_core::account::hash_secret(&token_secret(n))),
                V::T(user_id(token_holder(n, scale))),
                V::T("token".into()),
                V::T("bench".into()),
                V::T(format!("bench-csrf-{n}")),
                V::I(now),
                V::I(now),
                V::I(now + 365 * 86_400_000),
            ]
        })
        .collect();
    db.write(
        "sessions",
        &[
            "id",
            "secret_hash",
            "user_id",
            "kind",
            "label",
            "csrf_token",
            "created_at",
            "last_used_at",
            "expires_at",
        ],
        &token_rows,
    )
    .await?;
    clock.report.tokens = token_rows.len() as u64;
    clock.done("tokens");

    if let Db::Sqlite(_) = db {
        // What the store adds image by image (PostgreSQL's trigger fills it during COPY).
        db.execute(
            "CREATE VIRTUAL TABLE temp.bench_terms USING fts5vocab(main, images_fts, 'row'); \
             INSERT OR IGNORE INTO search_terms (term) SELECT term FROM temp.bench_terms; \
             DROP TABLE temp.bench_terms",
        )
        .await?;
        clock.done("search terms");
    }
    db.execute("ANALYZE").await?;
    clock.done("analyze");
    for period in [
        TrendPeriod::Day,
        TrendPeriod::TwoDays,
        TrendPeriod::Week,
        TrendPeriod::Month,
    ] {
        store
            .explore()
            .rank_trending(period, now)
            .await
            .map_err(|e| anyhow::anyhow!("rank trending: {}", e.message))?;
    }
    clock.done("trending ranked");
    clock.report.total_seconds = clock.start.elapsed().as_secs_f64();
    Ok(clock.report)
}
