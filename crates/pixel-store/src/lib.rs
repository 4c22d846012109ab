//! Pixel Studio store: every SQL query of the product, written once for SQLite (the embedded default)
//! and PostgreSQL (scale-out) through sqlx's Any driver, with a small dialect seam where SQL differs.

mod account_data;
mod accounts;
mod achievements;
mod admin;
mod analytics;
mod blob_gc;
mod blocks;
mod blog;
mod collections;
mod comments;
mod earnings;
mod explore;
mod follows;
mod images;
mod jobs;
mod ledger;
mod library;
mod likes;
mod market;
mod messages;
mod migrations;
mod moderation;
mod notifications;
mod overview;
mod payouts;
mod prints;
mod provider_alerts;
mod purchases;
mod reports;
mod search;
mod server_keys;
mod sessions;
mod sets;
mod tag_suggestions;
mod tags;
mod tips;
mod tx;
use migrations::migrator;
use search::add_search_terms;
use tx::{
    apply_ledger_tx, balance_in, entry_by_key, fetch_job, hold_balance, hold_balances,
    insert_image, insert_submission, refund_job_tx, take_back_tx,
};

use async_trait::async_trait;
use pixel_core::account::{AccountSettings, AuthRequest, DesktopCode, Session};
use pixel_core::ports::*;
use pixel_core::social::{ProfileDetails, UserSummary};
use pixel_core::{Error, ErrorCode, Result};
use pixel_core::{
    GenerationParams, GenerationRecord, GenerationSet, Image, Job, JobState, LedgerEntry,
    LedgerKind, LedgerLink, Millis, Role, User, Visibility,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row, Transaction};
use std::borrow::Cow;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

pub struct SqlStore {
    pool: AnyPool,
    /// The same database through its concrete driver, for reads of many rows (library pages):
    /// sqlx's Any driver copies every value of every row, which costs 27-33% on a 50-row page on
    /// SQLite (`cargo bench -p pixel-store --bench any_vs_native`, README "How it is built").
    read: ReadPool,
    dialect: Dialect,
    /// SQLite allows one writer: queueing writers here is fairer and faster than SQLite's busy sleeps.
    write_lock: tokio::sync::Mutex<()>,
    /// PostgreSQL: a search expected to match fewer public images than this is read by a bitmap of
    /// its matches and a sort instead of a walk in time order (`explore::search_newest`).
    search_bitmap_below: std::sync::atomic::AtomicU64,
    /// PostgreSQL's expected matches of recent searches, so a repeated search skips the planning
    /// round trip (`explore::search_is_rare`).
    search_estimates: std::sync::Mutex<explore::SearchEstimates>,
}

/// The concrete pool of the store's database.
enum ReadPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs one expression against the concrete read pool, whichever dialect it is: the same SQL text
/// serves both (`$n` placeholders work in SQLite too).
macro_rules! on_read_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.read {
            ReadPool::Sqlite($pool) => $body,
            ReadPool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_read_pool;

/// Reads one page, newest first, of rows in one scope (an owner, a follower, a conversation ...) on the
/// concrete read pool. `$sql` binds $1 = the scope, $2 = the cursor's key, $3 = its id and
/// $4 = the limit, and pages with `(key < $2 OR (key = $2 AND id < $3))`; no cursor starts above
/// every key. `$map` turns a row into an item (it is expanded once for each driver's row type).
macro_rules! scoped_page {
    ($store:expr, $sql:expr, $scope:expr, $page:expr, $map:expr) => {{
        let (cursor_key, cursor_id) = $page
            .before
            .clone()
            .unwrap_or((Millis::MAX, String::new()));
        on_read_pool!($store, pool => {
            let rows = sqlx::query($sql)
                .bind($scope)
                .bind(cursor_key)
                .bind(&cursor_id)
                .bind(i64::from($page.limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.iter().map($map).collect()
        })
    }};
}
pub(crate) use scoped_page;

/// Reads typed columns from a row of any driver this store uses, so each row mapper is written once.
trait Cols {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn float(&self, col: &str) -> Result<f64>;
}

macro_rules! impl_cols {
    ($($row:ty),*) => {$(
        impl Cols for $row {
            fn text(&self, col: &str) -> Result<String> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>> {
                self.try_get(col).map_err(db_err)
            }
            fn int(&self, col: &str) -> Result<i64> {
                self.try_get(col).map_err(db_err)
            }
            fn opt_int(&self, col: &str) -> Result<Option<i64>> {
                self.try_get(col).map_err(db_err)
            }
            fn float(&self, col: &str) -> Result<f64> {
                self.try_get(col).map_err(db_err)
            }
        }
    )*};
}
impl_cols!(AnyRow, sqlx::sqlite::SqliteRow, sqlx::postgres::PgRow);

const USER_COLS: &str = "id, username, email, role, created_at, admin_granted, suspended_at";

/// The profile picture (an image id) of the user a query calls `u`: only while that image is still
/// theirs and public, the rule `profiles.get` applies, so no list shows a picture the profile would not.
/// A literal, so constant queries can `concat!` it.
macro_rules! picture_of_u {
    () => {
        "(SELECT a.id FROM images a WHERE a.id = u.avatar_image_id AND a.owner_id = u.id \
         AND a.visibility = 'public')"
    };
}
pub(crate) use picture_of_u;
/// [`picture_of_u!`] for `format!` queries.
const PICTURE_OF_U: &str = picture_of_u!();

fn user_from(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get("role").map_err(db_err)?;
    Ok(User {
        id: r.try_get("id").map_err(db_err)?,
        username: r.try_get("username").map_err(db_err)?,
        email: r.try_get("email").map_err(db_err)?,
        role: Role::parse(&role),
        created_at: r.try_get("created_at").map_err(db_err)?,
        admin_granted: r.int("admin_granted")? != 0,
        suspended_at: r.opt_int("suspended_at")?,
    })
}

fn db_err(e: sqlx::Error) -> Error {
    Error::internal(format!("database: {e}"))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            d.code()
                .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || d.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

const JOB_COLS: &str = "id, set_id, owner_id, idx, state, provider, params, seed, cost, attempts, max_attempts, \
    progress, error_code, error_message, refunded, image_id, remix_of, created_at, started_at, finished_at";
const IMAGE_COLS: &str =
    "id, owner_id, set_id, job_id, visibility, mime, width, height, bytes, sha256, \
    thumb_sha256, placeholder, record, created_at";
const SET_COLS: &str =
    "id, owner_id, params, n, cost, remix_of, created_at, comparison_id, visibility";
const LEDGER_COLS: &str =
    "id, user_id, kind, amount, balance_after, idempotency_key, job_id, memo, created_at";

fn json_col<T: serde::de::DeserializeOwned>(row: &impl Cols, col: &str) -> Result<T> {
    let text = row.text(col)?;
    serde_json::from_str(&text).map_err(|e| Error::internal(format!("corrupt {col} column: {e}")))
}

fn job_from(row: &impl Cols) -> Result<Job> {
    let state = row.text("state")?;
    let error = match (row.opt_text("error_code")?, row.opt_text("error_message")?) {
        (Some(code), Some(message)) => {
            let code: ErrorCode = serde_json::from_value(serde_json::Value::String(code))
                .unwrap_or(ErrorCode::Internal);
            Some(Error { code, message })
        }
        _ => None,
    };
    Ok(Job {
        id: row.text("id")?,
        set_id: row.text("set_id")?,
        owner_id: row.text("owner_id")?,
        index: row.int("idx")? as u32,
        state: JobState::parse(&state)
            .ok_or_else(|| Error::internal(format!("unknown job state {state}")))?,
        provider: row.text("provider")?,
        params: json_col::<GenerationParams>(row, "params")?,
        seed: row.int("seed")? as u32,
        cost: row.int("cost")?,
        attempts: row.int("attempts")? as u32,
        max_attempts: row.int("max_attempts")? as u32,
        progress: row.float("progress")? as f32,
        error,
        refunded: row.int("refunded")? != 0,
        image_id: row.opt_text("image_id")?,
        remix_of: row.opt_text("remix_of")?,
        created_at: row.int("created_at")?,
        started_at: row.opt_int("started_at")?,
        finished_at: row.opt_int("finished_at")?,
    })
}

fn image_from(row: &impl Cols) -> Result<Image> {
    let id = row.text("id")?;
    let (url, thumb_url) = pixel_core::media_urls(&id);
    Ok(Image {
        owner_id: row.text("owner_id")?,
        set_id: row.text("set_id")?,
        job_id: row.text("job_id")?,
        visibility: Visibility::parse(&row.text("visibility")?),
        mime: row.text("mime")?,
        width: row.int("width")? as u32,
        height: row.int("height")? as u32,
        bytes: row.int("bytes")?,
        sha256: row.text("sha256")?,
        thumb_sha256: row.text("thumb_sha256")?,
        placeholder: row.text("placeholder")?,
        record: json_col::<GenerationRecord>(row, "record")?,
        created_at: row.int("created_at")?,
        locked: None,
        url,
        thumb_url,
        id,
    })
}

fn set_from(row: &impl Cols) -> Result<GenerationSet> {
    Ok(GenerationSet {
        id: row.text("id")?,
        owner_id: row.text("owner_id")?,
        params: json_col(row, "params")?,
        n: row.int("n")? as u32,
        cost: row.int("cost")?,
        remix_of: row.opt_text("remix_of")?,
        comparison_id: row.opt_text("comparison_id")?,
        created_at: row.int("created_at")?,
        visibility: row
            .opt_text("visibility")?
            .as_deref()
            .map(Visibility::parse),
    })
}

fn ledger_from(row: &impl Cols) -> Result<LedgerEntry> {
    let kind = row.text("kind")?;
    Ok(LedgerEntry {
        id: row.text("id")?,
        user_id: row.text("user_id")?,
        kind: LedgerKind::parse(&kind)
            .ok_or_else(|| Error::internal(format!("unknown ledger kind {kind}")))?,
        amount: row.int("amount")?,
        balance_after: row.int("balance_after")?,
        idempotency_key: row.text("idempotency_key")?,
        job_id: row.opt_text("job_id")?,
        memo: row.text("memo")?,
        created_at: row.int("created_at")?,
        link: None,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(Error::internal)
}

/// `$first, $first+1, ...` for a list of `n` binds.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `%` and `_` in user text match literally.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

type Tx = Transaction<'static, sqlx::Any>;

struct WriteTx<'a> {
    tx: Tx,
    _guard: Option<tokio::sync::MutexGuard<'a, ()>>,
}

impl WriteTx<'_> {
    /// Commits on success, rolls back on error: nothing is ever half-written.
    async fn end<T>(self, result: Result<T>) -> Result<T> {
        match result {
            Ok(v) => {
                self.tx.commit().await.map_err(db_err)?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.tx.rollback().await;
                Err(e)
            }
        }
    }
}

impl SqlStore {
    /// Connects (creating the SQLite file if needed), applies pragmas and runs migrations.
    pub async fn connect(url: &str) -> Result<SqlStore> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Dialect::Postgres
        } else if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            return Err(Error::invalid(format!(
                "unsupported DATABASE_URL scheme in '{}'",
                redact(url)
            )));
        };
        let pool = match dialect {
            Dialect::Sqlite => {
                let url = if url.contains('?') { url.to_string() } else { format!("{url}?mode=rwc") };
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
            }
            Dialect::Postgres => {
                AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(30)).connect(url).await
            }
        }
        .map_err(|e| Error::internal(format!("cannot open the database {}: {e}", redact(url))))?;
        let read = match dialect {
            Dialect::Sqlite => {
                let url = if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            use sqlx::Executor;
                            conn.execute("PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .map(ReadPool::Sqlite)
            }
            Dialect::Postgres => sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await
                .map(ReadPool::Postgres),
        }
        .map_err(|e| Error::internal(format!("cannot open the database {}: {e}", redact(url))))?;
        let store = SqlStore {
            pool,
            read,
            dialect,
            write_lock: tokio::sync::Mutex::new(()),
            search_bitmap_below: std::sync::atomic::AtomicU64::new(explore::SEARCH_BITMAP_BELOW),
            search_estimates: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<()> {
        migrator(self.dialect)
            .run(&self.pool)
            .await
            .map_err(|e| Error::internal(format!("migration failed: {e}")))
    }

    /// Sets below how many expected matches a PostgreSQL search reads its matches by bitmap (0: never,
    /// `u64::MAX`: always); both ways give the same pages, so tests run each.
    pub fn tune_search_bitmap_below(&self, matches: u64) {
        self.search_bitmap_below
            .store(matches, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs one statement as a write transaction of its own; the rows it changed.
    async fn write_statement<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let r = statement
            .execute(&mut *w.tx)
            .await
            .map(|done| done.rows_affected())
            .map_err(db_err);
        w.end(r).await
    }

    /// Opens a write transaction; on SQLite writers queue in-process and take the lock up front,
    /// so a transaction that reads before it writes never fails on a stale snapshot.
    async fn begin_write(&self) -> Result<WriteTx<'_>> {
        let guard = match self.dialect {
            Dialect::Sqlite => Some(self.write_lock.lock().await),
            Dialect::Postgres => None,
        };
        let tx = match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Dialect::Postgres => self.pool.begin().await,
        }
        .map_err(db_err)?;
        Ok(WriteTx { tx, _guard: guard })
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

impl Store for SqlStore {
    fn dialect(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    fn single_node(&self) -> bool {
        self.dialect == Dialect::Sqlite
    }

    fn accounts(&self) -> &dyn AccountStore {
        self
    }

    fn sessions(&self) -> &dyn SessionStore {
        self
    }

    fn ledger(&self) -> &dyn LedgerStore {
        self
    }

    fn jobs(&self) -> &dyn JobStore {
        self
    }

    fn sets(&self) -> &dyn SetStore {
        self
    }

    fn images(&self) -> &dyn ImageStore {
        self
    }

    fn follows(&self) -> &dyn FollowStore {
        self
    }

    fn likes(&self) -> &dyn LikeStore {
        self
    }

    fn comments(&self) -> &dyn CommentStore {
        self
    }

    fn notifications(&self) -> &dyn NotificationStore {
        self
    }

    fn explore(&self) -> &dyn ExploreStore {
        self
    }

    fn blocks(&self) -> &dyn BlockStore {
        self
    }

    fn reports(&self) -> &dyn ReportStore {
        self
    }

    fn messages(&self) -> &dyn MessageStore {
        self
    }

    fn purchases(&self) -> &dyn PurchaseStore {
        self
    }

    fn tips(&self) -> &dyn TipStore {
        self
    }

    fn market(&self) -> &dyn MarketStore {
        self
    }

    fn earnings(&self) -> &dyn EarningsStore {
        self
    }

    fn payouts(&self) -> &dyn PayoutStore {
        self
    }

    fn collections(&self) -> &dyn CollectionStore {
        self
    }

    fn prints(&self) -> &dyn PrintStore {
        self
    }

    fn achievements(&self) -> &dyn AchievementStore {
        self
    }

    fn analytics(&self) -> &dyn AnalyticsStore {
        self
    }

    fn storage(&self) -> &dyn StorageStore {
        self
    }

    fn tags(&self) -> &dyn TagStore {
        self
    }
    fn tag_suggestions(&self) -> &dyn TagSuggestionStore {
        self
    }
    fn account_data(&self) -> &dyn AccountDataStore {
        self
    }
    fn admin(&self) -> &dyn AdminStore {
        self
    }
    fn moderation(&self) -> &dyn ModerationStore {
        self
    }
    fn overview(&self) -> &dyn OverviewStore {
        self
    }
    fn blog(&self) -> &dyn BlogStore {
        self
    }
    fn provider_alerts(&self) -> &dyn ProviderAlertStore {
        self
    }
    fn server_keys(&self) -> &dyn ServerKeyStore {
        self
    }
}

/// Helpers for tests that need a real database of each dialect.
pub mod testing {
    use sqlx::Executor;

    /// The PostgreSQL server tests run against (`PIXEL_TEST_POSTGRES_URL`). In CI it must be set:
    /// a conformance suite that silently skips PostgreSQL would prove nothing.
    pub fn postgres_url() -> Option<String> {
        let url = std::env::var("PIXEL_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty());
        if url.is_none() && std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") {
            panic!(
                "PIXEL_TEST_POSTGRES_URL must be set in CI (start scripts/services/postgres.sh)"
            );
        }
        url
    }

    /// Creates an empty database on the test server and returns its URL.
    pub async fn fresh_postgres_database() -> Option<String> {
        let admin = postgres_url()?;
        sqlx::any::install_default_drivers();
        let name = format!("pixel_test_{}", pixel_core::new_id());
        let pool = sqlx::AnyPool::connect(&admin)
            .await
            .expect("connect to the test PostgreSQL");
        pool.execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("create test database");
        pool.close().await;
        let (base, query) = match admin.split_once('?') {
            Some((b, q)) => (b.to_string(), format!("?{q}")),
            None => (admin.clone(), String::new()),
        };
        let base = match base.rfind('/') {
            Some(i) if i > base.find("://").map_or(0, |s| s + 2) => base[..i].to_string(),
            _ => base,
        };
        Some(format!("{base}/{name}{query}"))
    }

    /// A fresh SQLite database file in `dir`.
    pub fn sqlite_url(dir: &std::path::Path) -> String {
        format!("sqlite://{}", dir.join("pixel.db").display())
    }
}
