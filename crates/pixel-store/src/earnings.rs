//! The earnings queries: a creator's sales (prompts and premium collections) and tips received, in total and summed per UTC day.

use super::*;
use pixel_core::ops::earnings::EarningsRows;

/// Every sale of a creator's work — prompts, premium collections, and royalties on shipped prints
/// (no fee) — as one table of (seller_id, price, fee, created_at): what earnings and payouts count.
pub(crate) const SALES: &str = "(SELECT seller_id, price, fee, created_at FROM prompt_sales \
     UNION ALL SELECT seller_id, price, fee, created_at FROM collection_sales \
     UNION ALL SELECT creator_id, royalty, 0, shipped_at FROM print_orders \
     WHERE status = 'shipped' AND royalty > 0) AS sales";

impl SqlStore {
    /// (day, sum) pairs of one per-day query binding $1 = the user, $2 = since.
    async fn per_day(&self, sql: &str, user_id: &str, since: Millis) -> Result<Vec<(i64, i64)>> {
        on_read_pool!(self, pool => {
            sqlx::query(sql)
                .bind(user_id)
                .bind(since)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| Ok((r.int("day")?, r.int("total")?)))
                .collect()
        })
    }
}

#[async_trait]
impl EarningsStore for SqlStore {
    async fn earnings(&self, user_id: &str, since: Millis) -> Result<EarningsRows> {
        // PostgreSQL sums BIGINTs as NUMERIC: cast back so both dialects answer integers.
        let totals = sqlx::query(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS sales, CAST(COALESCE(SUM(price), 0) AS BIGINT) AS gross, \
             CAST(COALESCE(SUM(fee), 0) AS BIGINT) AS fees FROM {SALES} WHERE seller_id = $1"
        ))
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let tips = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS tips FROM tips WHERE to_user = $1",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        let sales_by_day = self
            .per_day(
                &format!(
                    "SELECT created_at / 86400000 AS day, CAST(SUM(price - fee) AS BIGINT) AS total \
                     FROM {SALES} WHERE seller_id = $1 AND created_at >= $2 GROUP BY created_at / 86400000"
                ),
                user_id,
                since,
            )
            .await?;
        let tips_by_day = self
            .per_day(
                "SELECT created_at / 86400000 AS day, CAST(SUM(amount) AS BIGINT) AS total \
                 FROM tips WHERE to_user = $1 AND created_at >= $2 GROUP BY created_at / 86400000",
                user_id,
                since,
            )
            .await?;
        Ok(EarningsRows {
            sales: totals.int("sales")?,
            gross: totals.int("gross")?,
            fees: totals.int("fees")?,
            tips: tips.int("tips")?,
            sales_by_day,
            tips_by_day,
        })
    }
}
