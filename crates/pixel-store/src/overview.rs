//! The admin overview queries: the whole server's sign-ups, active accounts, jobs and credits grouped
//! by UTC day, jobs by provider, model and state, and the accounts and storage there are now.

use super::*;
use pixel_core::ops::admin_overview::{AccountCounts, JobOutcomes, OverviewRows, StorageUsed};
use pixel_core::ops::market::PLATFORM_ACCOUNT;
use pixel_core::ops::streaks::DAY_MS;

/// $1 and $2 bound the window in milliseconds, from its first day's start to the day after its last.
/// `created_at / 86400000` is integer division on both databases: the UTC day.
const SIGNUPS_BY_DAY: &str = "SELECT created_at / 86400000 AS day, COUNT(*) AS n FROM users \
     WHERE created_at >= $1 AND created_at < $2 AND id <> $3 GROUP BY created_at / 86400000";

/// $1 and $2 are the first and last day.
const ACTIVE_BY_DAY: &str = "SELECT day, COUNT(*) AS n FROM active_days \
     WHERE day >= $1 AND day <= $2 GROUP BY day";

const ACTIVE_SINCE: &str =
    "SELECT COUNT(DISTINCT user_id) AS n FROM active_days WHERE day >= $1 AND day <= $2";

const JOBS_BY_DAY: &str = "SELECT created_at / 86400000 AS day, state, COUNT(*) AS n FROM jobs \
     WHERE created_at >= $1 AND created_at < $2 GROUP BY created_at / 86400000, state";

/// Bought is what purchases granted; spent is what generations reserved and refunded what they gave
/// back; earned is what creators received from tips and sales (the platform's fee is not earnings).
const CREDITS_BY_DAY: &str = "SELECT day, bucket, CAST(SUM(amount) AS BIGINT) AS total FROM ( \
     SELECT created_at / 86400000 AS day, amount, CASE \
       WHEN kind = 'grant' AND idempotency_key LIKE 'purchase:%' THEN 'bought' \
       WHEN kind = 'reserve' THEN 'spent' \
       WHEN kind = 'refund' THEN 'refunded' \
       WHEN kind = 'transfer' AND amount > 0 AND user_id <> $3 THEN 'earned' \
       ELSE 'other' END AS bucket \
     FROM ledger_entries WHERE created_at >= $1 AND created_at < $2) e \
     WHERE bucket <> 'other' GROUP BY day, bucket";

/// Time is counted for the images made: how long an image takes, not how long a failure took.
const OUTCOMES: &str = "SELECT j.provider, s.model, j.state, COUNT(*) AS n, \
     CAST(COALESCE(SUM(CASE WHEN j.state = 'succeeded' AND j.started_at IS NOT NULL \
       AND j.finished_at IS NOT NULL THEN j.finished_at - j.started_at END), 0) AS BIGINT) AS timed_ms, \
     COUNT(CASE WHEN j.state = 'succeeded' AND j.started_at IS NOT NULL \
       AND j.finished_at IS NOT NULL THEN 1 END) AS timed \
     FROM jobs j JOIN generation_sets s ON s.id = j.set_id \
     WHERE j.created_at >= $1 AND j.created_at < $2 GROUP BY j.provider, s.model, j.state";

const ACCOUNTS: &str =
    "SELECT COUNT(*) AS total, COUNT(suspended_at) AS suspended FROM users WHERE id <> $1";

const STORAGE: &str =
    "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS bytes FROM images";

/// (day, n) rows.
fn day_counts(rows: &[impl Cols]) -> Result<Vec<(i64, i64)>> {
    rows.iter()
        .map(|r| Ok((r.int("day")?, r.int("n")?)))
        .collect()
}

/// (day, label, value) rows.
fn day_buckets(rows: &[impl Cols], label: &str, value: &str) -> Result<Vec<(i64, String, i64)>> {
    rows.iter()
        .map(|r| Ok((r.int("day")?, r.text(label)?, r.int(value)?)))
        .collect()
}

#[async_trait]
impl OverviewStore for SqlStore {
    async fn overview(&self, first_day: i64, last_day: i64) -> Result<OverviewRows> {
        let (from, until) = (first_day * DAY_MS, (last_day + 1) * DAY_MS);
        on_read_pool!(self, pool => {
            // A statement bound to the two bounds of the window.
            let fetch = |sql: &'static str, from: i64, until: i64| async move {
                sqlx::query(sql).bind(from).bind(until).fetch_all(pool).await.map_err(db_err)
            };
            // The same, leaving the platform's own account out ($3).
            let fetch_people = |sql: &'static str| async move {
                sqlx::query(sql)
                    .bind(from)
                    .bind(until)
                    .bind(PLATFORM_ACCOUNT)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)
            };
            let signups = day_counts(&fetch_people(SIGNUPS_BY_DAY).await?)?;
            let active = day_counts(&fetch(ACTIVE_BY_DAY, first_day, last_day).await?)?;
            let jobs = day_buckets(&fetch(JOBS_BY_DAY, from, until).await?, "state", "n")?;
            let credits = day_buckets(&fetch_people(CREDITS_BY_DAY).await?, "bucket", "total")?;
            let active_since = |days: i64| async move {
                let r = sqlx::query(ACTIVE_SINCE)
                    .bind(last_day - days + 1)
                    .bind(last_day)
                    .fetch_one(pool)
                    .await
                    .map_err(db_err)?;
                r.int("n")
            };
            let outcomes = fetch(OUTCOMES, from, until)
                .await?
                .iter()
                .map(|r| {
                    Ok(JobOutcomes {
                        provider: r.text("provider")?,
                        model: r.text("model")?,
                        state: r.text("state")?,
                        jobs: r.int("n")?,
                        timed_ms: r.int("timed_ms")?,
                        timed: r.int("timed")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let accounts = sqlx::query(ACCOUNTS)
                .bind(PLATFORM_ACCOUNT)
                .fetch_one(pool)
                .await
                .map_err(db_err)?;
            let storage = sqlx::query(STORAGE).fetch_one(pool).await.map_err(db_err)?;
            Ok(OverviewRows {
                signups,
                active,
                jobs,
                credits,
                outcomes,
                accounts: AccountCounts {
                    total: accounts.int("total")?,
                    suspended: accounts.int("suspended")?,
                    active_today: active_since(1).await?,
                    active_week: active_since(7).await?,
                    active_month: active_since(30).await?,
                },
                storage: StorageUsed {
                    images: storage.int("n")?,
                    bytes: storage.int("bytes")?,
                },
            })
        })
    }
}
