//! The personal analytics queries: a person's jobs and credits grouped by UTC day, and the models and
//! prompts they use most, each one grouped statement over their own rows.

use super::*;
use pixel_core::ops::analytics::ActivityRows;

/// `created_at / 86400000` is integer division on both databases: the UTC day.
const JOBS_BY_DAY: &str = "SELECT created_at / 86400000 AS day, state, COUNT(*) AS n FROM jobs \
     WHERE owner_id = $1 AND created_at >= $2 GROUP BY created_at / 86400000, state";

/// Spending is generation reservations and their refunds and credits sent (tips, purchases);
/// earnings are credits received from others; rewards are what achievements and streaks gave.
/// Bought credits and payouts are neither: the Credits page shows those.
const CREDITS_BY_DAY: &str = "SELECT day, bucket, CAST(SUM(amount) AS BIGINT) AS total FROM ( \
     SELECT created_at / 86400000 AS day, amount, CASE \
       WHEN kind IN ('reserve', 'refund') THEN 'spent' \
       WHEN kind = 'transfer' AND amount < 0 THEN 'spent' \
       WHEN kind = 'transfer' THEN 'earned' \
       WHEN idempotency_key LIKE 'achievement:%' OR idempotency_key LIKE 'streak%' THEN 'rewards' \
       ELSE 'other' END AS bucket \
     FROM ledger_entries WHERE user_id = $1 AND created_at >= $2) e \
     GROUP BY day, bucket";

const TOP_MODELS: &str = "SELECT s.model AS name, COUNT(*) AS n FROM jobs j \
     JOIN generation_sets s ON s.id = j.set_id WHERE j.owner_id = $1 AND j.created_at >= $2 \
     GROUP BY s.model ORDER BY n DESC, s.model LIMIT $3";

const TOP_PROMPTS: &str = "SELECT prompt AS name, COUNT(*) AS n FROM images \
     WHERE owner_id = $1 AND created_at >= $2 GROUP BY prompt ORDER BY n DESC, prompt LIMIT $3";

#[async_trait]
impl AnalyticsStore for SqlStore {
    async fn personal_activity(
        &self,
        user_id: &str,
        since: Millis,
        shown_from: Millis,
        top_models: u32,
        top_prompts: u32,
    ) -> Result<ActivityRows> {
        on_read_pool!(self, pool => {
            let by_day = |sql: &'static str, label: &'static str, value: &'static str| async move {
                sqlx::query(sql)
                    .bind(user_id)
                    .bind(since)
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|r| Ok((r.int("day")?, r.text(label)?, r.int(value)?)))
                    .collect::<Result<Vec<_>>>()
            };
            let top = |sql: &'static str, limit: u32| async move {
                sqlx::query(sql)
                    .bind(user_id)
                    .bind(shown_from)
                    .bind(i64::from(limit))
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?
                    .iter()
                    .map(|r| Ok((r.text("name")?, r.int("n")?)))
                    .collect::<Result<Vec<_>>>()
            };
            Ok(ActivityRows {
                jobs: by_day(JOBS_BY_DAY, "state", "n").await?,
                credits: by_day(CREDITS_BY_DAY, "bucket", "total").await?,
                models: top(TOP_MODELS, top_models).await?,
                prompts: top(TOP_PROMPTS, top_prompts).await?,
            })
        })
    }
}
