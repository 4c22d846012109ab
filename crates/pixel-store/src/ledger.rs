//! The ledger queries: the balance, idempotent moves that never go below zero, and the entries.

use super::*;

#[async_trait]
impl LedgerStore for SqlStore {
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

    async fn owed(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query("SELECT debt FROM balances WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match row {
            Some(r) => r.try_get("debt").map_err(db_err),
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

    async fn ledger_entries(&self, user_id: &str, page: &PageRequest) -> Result<Vec<LedgerEntry>> {
        let sql = format!(
            "SELECT {LEDGER_COLS} FROM ledger_entries WHERE user_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, user_id, page, ledger_from)
    }
}

impl SqlStore {
    /// One ledger move in its own write transaction.
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
