//! Pixel Studio store: every SQL query of the product, written once for SQLite (the embedded default)
//! and PostgreSQL (scale-out) through sqlx's Any driver, with a small dialect seam where SQL differs.

mod accounts;
mod jobs;
mod migrations;
mod tx;
use migrations::migrator;
use tx::{apply_ledger_tx, fetch_job, insert_image, insert_submission, refund_job_tx};

use async_trait::async_trait;
use pixel_core::account::{AccountSettings, AuthRequest, DesktopCode, Session};
use pixel_core::ports::*;
use pixel_core::{Error, ErrorCode, Result};
use pixel_core::{
    GenerationParams, GenerationRecord, GenerationSet, Image, Job, JobState, LedgerEntry,
    LedgerKind, Millis, Role, User, Visibility,
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
    dialect: Dialect,
    /// SQLite allows one writer: queueing writers here is fairer and faster than SQLite's busy sleeps.
    write_lock: tokio::sync::Mutex<()>,
}

const USER_COLS: &str = "id, username, email, role, created_at";

fn user_from(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get("role").map_err(db_err)?;
    Ok(User {
        id: r.try_get("id").map_err(db_err)?,
        username: r.try_get("username").map_err(db_err)?,
        email: r.try_get("email").map_err(db_err)?,
        role: Role::parse(&role),
        created_at: r.try_get("created_at").map_err(db_err)?,
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
const SET_COLS: &str = "id, owner_id, params, n, cost, remix_of, created_at, comparison_id";
const LEDGER_COLS: &str =
    "id, user_id, kind, amount, balance_after, idempotency_key, job_id, memo, created_at";

fn json_col<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T> {
    let text: String = row.try_get(col).map_err(db_err)?;
    serde_json::from_str(&text).map_err(|e| Error::internal(format!("corrupt {col} column: {e}")))
}

fn job_from(row: &AnyRow) -> Result<Job> {
    let g = |c: &str| -> Result<i64> { row.try_get::<i64, _>(c).map_err(db_err) };
    let state: String = row.try_get("state").map_err(db_err)?;
    let error_code: Option<String> = row.try_get("error_code").map_err(db_err)?;
    let error_message: Option<String> = row.try_get("error_message").map_err(db_err)?;
    let error = match (error_code, error_message) {
        (Some(code), Some(message)) => {
            let code: ErrorCode = serde_json::from_value(serde_json::Value::String(code))
                .unwrap_or(ErrorCode::Internal);
            Some(Error { code, message })
        }
        _ => None,
    };
    Ok(Job {
        id: row.try_get("id").map_err(db_err)?,
        set_id: row.try_get("set_id").map_err(db_err)?,
        owner_id: row.try_get("owner_id").map_err(db_err)?,
        index: g("idx")? as u32,
        state: JobState::parse(&state)
            .ok_or_else(|| Error::internal(format!("unknown job state {state}")))?,
        provider: row.try_get("provider").map_err(db_err)?,
        params: json_col::<GenerationParams>(row, "params")?,
        seed: g("seed")? as u32,
        cost: g("cost")?,
        attempts: g("attempts")? as u32,
        max_attempts: g("max_attempts")? as u32,
        progress: row.try_get::<f64, _>("progress").map_err(db_err)? as f32,
        error,
        refunded: g("refunded")? != 0,
        image_id: row.try_get("image_id").map_err(db_err)?,
        remix_of: row.try_get("remix_of").map_err(db_err)?,
        created_at: g("created_at")?,
        started_at: row.try_get("started_at").map_err(db_err)?,
        finished_at: row.try_get("finished_at").map_err(db_err)?,
    })
}

fn image_from(row: &AnyRow) -> Result<Image> {
    let id: String = row.try_get("id").map_err(db_err)?;
    let (url, thumb_url) = pixel_core::media_urls(&id);
    let vis: String = row.try_get("visibility").map_err(db_err)?;
    Ok(Image {
        owner_id: row.try_get("owner_id").map_err(db_err)?,
        set_id: row.try_get("set_id").map_err(db_err)?,
        job_id: row.try_get("job_id").map_err(db_err)?,
        visibility: Visibility::parse(&vis),
        mime: row.try_get("mime").map_err(db_err)?,
        width: row.try_get::<i64, _>("width").map_err(db_err)? as u32,
        height: row.try_get::<i64, _>("height").map_err(db_err)? as u32,
        bytes: row.try_get("bytes").map_err(db_err)?,
        sha256: row.try_get("sha256").map_err(db_err)?,
        thumb_sha256: row.try_get("thumb_sha256").map_err(db_err)?,
        placeholder: row.try_get("placeholder").map_err(db_err)?,
        record: json_col::<GenerationRecord>(row, "record")?,
        created_at: row.try_get("created_at").map_err(db_err)?,
        url,
        thumb_url,
        id,
    })
}

fn set_from(row: &AnyRow) -> Result<GenerationSet> {
    Ok(GenerationSet {
        id: row.try_get("id").map_err(db_err)?,
        owner_id: row.try_get("owner_id").map_err(db_err)?,
        params: json_col(row, "params")?,
        n: row.try_get::<i64, _>("n").map_err(db_err)? as u32,
        cost: row.try_get("cost").map_err(db_err)?,
        remix_of: row.try_get("remix_of").map_err(db_err)?,
        comparison_id: row.try_get("comparison_id").map_err(db_err)?,
        created_at: row.try_get("created_at").map_err(db_err)?,
    })
}

fn ledger_from(row: &AnyRow) -> Result<LedgerEntry> {
    let kind: String = row.try_get("kind").map_err(db_err)?;
    Ok(LedgerEntry {
        id: row.try_get("id").map_err(db_err)?,
        user_id: row.try_get("user_id").map_err(db_err)?,
        kind: LedgerKind::parse(&kind)
            .ok_or_else(|| Error::internal(format!("unknown ledger kind {kind}")))?,
        amount: row.try_get("amount").map_err(db_err)?,
        balance_after: row.try_get("balance_after").map_err(db_err)?,
        idempotency_key: row.try_get("idempotency_key").map_err(db_err)?,
        job_id: row.try_get("job_id").map_err(db_err)?,
        memo: row.try_get("memo").map_err(db_err)?,
        created_at: row.try_get("created_at").map_err(db_err)?,
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(Error::internal)
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
        let store = SqlStore {
            pool,
            dialect,
            write_lock: tokio::sync::Mutex::new(()),
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

    pub fn pool(&self) -> &AnyPool {
        &self.pool
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

    async fn write_one(
        &self,
        user_id: &str,
        mv: &LedgerMove,
        job_id: Option<&str>,
        now: Millis,
    ) -> Result<LedgerEntry> {
        let mut w = self.begin_write().await?;
        let r = apply_ledger_tx(&mut w.tx, user_id, mv, job_id, now).await;
        w.end(r).await
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

#[async_trait]
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

    async fn upsert_user(&self, user: &User) -> Result<User> {
        let user = user.clone();
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                sqlx::query("INSERT INTO users (id, username, email, role, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                    .bind(&user.id)
                    .bind(&user.username)
                    .bind(user.email.clone())
                    .bind(user.role.as_str())
                    .bind(user.created_at)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                sqlx::query("INSERT INTO balances (user_id, credits) VALUES ($1, 0) ON CONFLICT (user_id) DO NOTHING")
                    .bind(&user.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
            .await;
            w.end(r).await
        }?;
        self.get_user(&user.id)
            .await?
            .ok_or_else(|| Error::internal("user vanished after upsert"))
    }

    async fn get_user(&self, id: &str) -> Result<Option<User>> {
        self.get_user_q(id).await
    }

    async fn user_by_subject(&self, subject: &str) -> Result<Option<User>> {
        self.user_by_subject_q(subject).await
    }

    async fn create_user_for_subject(
        &self,
        user: &User,
        subject: &str,
        usernames: &[String],
    ) -> Result<User> {
        self.create_user_for_subject_q(user, subject, usernames)
            .await
    }

    async fn set_role(&self, user_id: &str, role: Role) -> Result<()> {
        self.set_role_q(user_id, role).await
    }

    async fn account_settings(&self, user_id: &str) -> Result<AccountSettings> {
        self.account_settings_q(user_id).await
    }

    async fn update_account(
        &self,
        user_id: &str,
        username: Option<&str>,
        settings: Option<&AccountSettings>,
    ) -> Result<()> {
        self.update_account_q(user_id, username, settings).await
    }

    async fn create_session(&self, session: &Session, secret_hash: &str) -> Result<()> {
        self.create_session_q(session, secret_hash).await
    }

    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: Millis,
    ) -> Result<Option<(Session, User)>> {
        self.session_by_secret_q(secret_hash, now).await
    }

    async fn touch_session(&self, session_id: &str, now: Millis) -> Result<()> {
        self.touch_session_q(session_id, now).await
    }

    async fn list_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<Session>> {
        self.list_sessions_q(user_id, now).await
    }

    async fn revoke_session(&self, user_id: &str, session_id: &str, now: Millis) -> Result<bool> {
        self.revoke_session_q(user_id, session_id, now).await
    }

    async fn revoke_sessions(&self, user_id: &str, now: Millis) -> Result<u64> {
        self.revoke_sessions_q(user_id, now).await
    }

    async fn put_auth_request(&self, request: &AuthRequest) -> Result<()> {
        self.put_auth_request_q(request).await
    }

    async fn take_auth_request(&self, id_hash: &str, now: Millis) -> Result<Option<AuthRequest>> {
        self.take_auth_request_q(id_hash, now).await
    }

    async fn put_desktop_code(&self, code: &DesktopCode) -> Result<()> {
        self.put_desktop_code_q(code).await
    }

    async fn take_desktop_code(&self, code_hash: &str, now: Millis) -> Result<Option<DesktopCode>> {
        self.take_desktop_code_q(code_hash, now).await
    }

    async fn set_images_visibility(
        &self,
        owner_id: &str,
        ids: &[String],
        visibility: Visibility,
    ) -> Result<Vec<String>> {
        self.set_images_visibility_q(owner_id, ids, visibility)
            .await
    }

    async fn balance(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query("SELECT credits FROM balances WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match row {
            Some(r) => r.try_get("credits").map_err(db_err),
            None => Ok(0),
        }
    }

    async fn apply_ledger(
        &self,
        user_id: &str,
        mv: &LedgerMove,
        job_id: Option<&str>,
    ) -> Result<LedgerEntry> {
        let now = pixel_core::now_ms();
        let attempt = self.write_one(user_id, mv, job_id, now).await;
        match attempt {
            // A concurrent twin with the same key won the race: answer with its entry.
            Err(e) if e.code == ErrorCode::Conflict => {
                let row = sqlx::query(&format!(
                    "SELECT {LEDGER_COLS} FROM ledger_entries WHERE idempotency_key = $1"
                ))
                .bind(&mv.idempotency_key)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
                ledger_from(&row)
            }
            other => other,
        }
    }

    async fn ledger_entries(&self, user_id: &str, limit: u32) -> Result<Vec<LedgerEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {LEDGER_COLS} FROM ledger_entries WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(ledger_from).collect()
    }

    async fn submit(&self, subs: &[NewSubmission]) -> Result<()> {
        self.submit_q(subs).await
    }

    async fn insert_finished(&self, sub: &NewSubmission, image: &Image) -> Result<()> {
        self.insert_finished_q(sub, image).await
    }

    async fn claim_job(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        exclude_providers: &[String],
    ) -> Result<Option<Job>> {
        self.claim_job_q(worker, now, lease_until, exclude_providers)
            .await
    }

    async fn renew_lease(
        &self,
        job_id: &str,
        worker: &str,
        lease_until: Millis,
    ) -> Result<LeaseStatus> {
        self.renew_lease_q(job_id, worker, lease_until).await
    }

    async fn set_remote_handle(&self, job_id: &str, worker: &str, handle: &str) -> Result<()> {
        self.set_remote_handle_q(job_id, worker, handle).await
    }

    async fn remote_handle(&self, job_id: &str) -> Result<Option<String>> {
        self.remote_handle_q(job_id).await
    }

    async fn set_progress(&self, job_id: &str, progress: f32) -> Result<()> {
        self.set_progress_q(job_id, progress).await
    }

    async fn requeue_job(
        &self,
        job_id: &str,
        worker: &str,
        run_after: Millis,
        error: &Error,
    ) -> Result<bool> {
        self.requeue_job_q(job_id, worker, run_after, error).await
    }

    async fn finish_job(
        &self,
        job_id: &str,
        worker: Option<&str>,
        outcome: &JobOutcome,
        now: Millis,
    ) -> Result<Option<Job>> {
        self.finish_job_q(job_id, worker, outcome, now).await
    }

    async fn request_cancel(&self, job_id: &str, now: Millis) -> Result<Option<Job>> {
        self.request_cancel_q(job_id, now).await
    }

    async fn expired_jobs(&self, now: Millis, all: bool) -> Result<Vec<Job>> {
        self.expired_jobs_q(now, all).await
    }

    async fn steal_lease(
        &self,
        job_id: &str,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        all: bool,
    ) -> Result<bool> {
        self.steal_lease_q(job_id, worker, now, lease_until, all)
            .await
    }

    async fn release_node_jobs(&self, worker_prefix: &str) -> Result<u64> {
        self.release_node_jobs_q(worker_prefix).await
    }

    async fn retried_errors(&self, job_id: &str) -> Result<Vec<Error>> {
        self.retried_errors_q(job_id).await
    }

    async fn get_job(&self, id: &str) -> Result<Option<Job>> {
        self.get_job_q(id).await
    }

    async fn list_jobs(&self, owner_id: &str, states: &[JobState], limit: u32) -> Result<Vec<Job>> {
        self.list_jobs_q(owner_id, states, limit).await
    }

    async fn count_jobs(&self, state: JobState) -> Result<i64> {
        self.count_jobs_q(state).await
    }

    async fn get_set(&self, id: &str) -> Result<Option<GenerationSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(set_from).transpose()
    }

    async fn set_by_idempotency_key(
        &self,
        owner_id: &str,
        key: &str,
    ) -> Result<Option<GenerationSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE owner_id = $1 AND idempotency_key = $2"
        ))
        .bind(owner_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(set_from).transpose()
    }

    async fn comparison_sets(
        &self,
        owner_id: Option<&str>,
        comparison_id: &str,
    ) -> Result<Vec<GenerationSet>> {
        let rows = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE comparison_id = $1 AND ($2 = 1 OR owner_id = $3) ORDER BY created_at, id"
        ))
        .bind(comparison_id)
        .bind(i64::from(owner_id.is_none()))
        .bind(owner_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(set_from).collect()
    }

    async fn list_sets(&self, owner_id: &str, page: &PageRequest) -> Result<Vec<GenerationSet>> {
        let (ts, id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        let rows = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE owner_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3) OR $4 = 0) \
             ORDER BY created_at DESC, id DESC LIMIT $5"
        ))
        .bind(owner_id)
        .bind(ts)
        .bind(id)
        .bind(i64::from(page.before.is_some()))
        .bind(i64::from(page.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(set_from).collect()
    }

    async fn set_jobs(&self, set_id: &str) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLS} FROM jobs WHERE set_id = $1 ORDER BY idx"
        ))
        .bind(set_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from).collect()
    }

    async fn get_image(&self, id: &str) -> Result<Option<Image>> {
        let row = sqlx::query(&format!("SELECT {IMAGE_COLS} FROM images WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(image_from).transpose()
    }

    async fn list_images(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
        page: &PageRequest,
    ) -> Result<Vec<Image>> {
        let mut sql = format!("SELECT {IMAGE_COLS} FROM images WHERE owner_id = $1");
        let mut texts: Vec<String> = vec![owner_id.to_string()];
        let mut ints: Vec<i64> = vec![];
        // Text binds come first ($1..), integer binds after them; placeholders are numbered to match.
        let mut text_clauses: Vec<String> = vec![];
        if let Some(model) = &filter.model {
            texts.push(model.clone());
            text_clauses.push(format!("model = ${}", texts.len()));
        }
        if let Some(set_id) = &filter.set_id {
            texts.push(set_id.clone());
            text_clauses.push(format!("set_id = ${}", texts.len()));
        }
        if let Some(text) = &filter.text {
            texts.push(like_pattern(text));
            let op = match self.dialect {
                Dialect::Postgres => "ILIKE",
                Dialect::Sqlite => "LIKE",
            };
            text_clauses.push(format!("prompt {op} ${} ESCAPE '\\'", texts.len()));
        }
        let mut cursor_id = None;
        if let Some((_, id)) = &page.before {
            texts.push(id.clone());
            cursor_id = Some(texts.len());
        }
        for c in text_clauses {
            sql.push_str(" AND ");
            sql.push_str(&c);
        }
        let base = texts.len();
        let next = |v: i64, ints: &mut Vec<i64>| {
            ints.push(v);
            format!("${}", base + ints.len())
        };
        if let Some(from) = filter.from {
            let p = next(from, &mut ints);
            sql.push_str(&format!(" AND created_at >= {p}"));
        }
        if let Some(to) = filter.to {
            let p = next(to, &mut ints);
            sql.push_str(&format!(" AND created_at <= {p}"));
        }
        if let (Some((ts, _)), Some(idp)) = (&page.before, cursor_id) {
            let p = next(*ts, &mut ints);
            sql.push_str(&format!(
                " AND (created_at < {p} OR (created_at = {p} AND id < ${idp}))"
            ));
        }
        let p = next(i64::from(page.limit), &mut ints);
        sql.push_str(&format!(" ORDER BY created_at DESC, id DESC LIMIT {p}"));
        let mut q = sqlx::query(&sql);
        for t in texts {
            q = q.bind(t);
        }
        for i in ints {
            q = q.bind(i);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(image_from).collect()
    }

    async fn delete_images(&self, owner_id: &str, ids: &[String]) -> Result<Vec<String>> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                let sql = format!(
                    "DELETE FROM images WHERE owner_id = $1 AND id IN ({}) RETURNING id",
                    list.join(", ")
                );
                let mut q = sqlx::query(&sql).bind(owner_id);
                for id in ids {
                    q = q.bind(id);
                }
                let rows = q.fetch_all(&mut **tx).await.map_err(db_err)?;
                rows.iter()
                    .map(|r| r.try_get::<String, _>("id").map_err(db_err))
                    .collect()
            }
            .await;
            w.end(r).await
        }
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
