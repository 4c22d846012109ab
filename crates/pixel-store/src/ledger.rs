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
        let cols = LEDGER_COLS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, j.set_id AS job_set_id FROM ledger_entries e \
             LEFT JOIN jobs j ON j.id = e.job_id WHERE e.user_id = $1 \
             AND (e.created_at < $2 OR (e.created_at = $2 AND e.id < $3)) \
             ORDER BY e.created_at DESC, e.id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, user_id, page, |r| -> Result<LedgerEntry> {
            let mut entry = ledger_from(r)?;
            entry.link = link_of(&entry.idempotency_key, r.opt_text("job_set_id")?);
            Ok(entry)
        })
    }

    async fn ledger_page(&self, user_id: &str, page: &PageRequest) -> Result<LedgerPage> {
        let cols = LEDGER_COLS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        // The balance rides on every row of the one statement, so both come from its snapshot.
        let sql = format!(
            "SELECT {cols}, j.set_id AS job_set_id, b.credits AS now_credits, b.debt AS now_debt \
             FROM ledger_entries e LEFT JOIN jobs j ON j.id = e.job_id \
             LEFT JOIN balances b ON b.user_id = e.user_id WHERE e.user_id = $1 \
             AND (e.created_at < $2 OR (e.created_at = $2 AND e.id < $3)) \
             ORDER BY e.created_at DESC, e.id DESC LIMIT $4"
        );
        let rows: Result<Vec<(LedgerEntry, i64, i64)>> =
            scoped_page!(self, &sql, user_id, page, |r| -> Result<(
                LedgerEntry,
                i64,
                i64
            )> {
                let mut entry = ledger_from(r)?;
                entry.link = link_of(&entry.idempotency_key, r.opt_text("job_set_id")?);
                Ok((
                    entry,
                    r.opt_int("now_credits")?.unwrap_or(0),
                    r.opt_int("now_debt")?.unwrap_or(0),
                ))
            });
        let rows = rows?;
        let Some(&(_, balance, owed)) = rows.first() else {
            // No entries on this page: nothing for the balance to disagree with.
            return Ok(LedgerPage {
                entries: vec![],
                balance: self.balance(user_id).await?,
                owed: self.owed(user_id).await?,
            });
        };
        Ok(LedgerPage {
            entries: rows.into_iter().map(|(entry, _, _)| entry).collect(),
            balance,
            owed,
        })
    }
}

/// The page an entry paid for: its job's set, the set a reservation held credits for, or the
/// prompt or the collection of a sale (whose key names it).
fn link_of(key: &str, job_set: Option<String>) -> Option<LedgerLink> {
    if let Some(set_id) = job_set {
        return Some(LedgerLink::Set { set_id });
    }
    if let Some(set_id) = key.strip_prefix("reserve:") {
        return Some(LedgerLink::Set {
            set_id: set_id.to_string(),
        });
    }
    if let Some(sale) = key.strip_prefix("collection_sale:") {
        return Some(LedgerLink::Collection {
            collection_id: sale.split(':').next()?.to_string(),
        });
    }
    let listing = key.strip_prefix("sale:")?.split(':').next()?;
    Some(LedgerLink::Listing {
        listing_id: listing.to_string(),
    })
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
