//! The low-balance warning queries: each provider's threshold, set with its line of the admin audit
//! log, and the mark that its admins were told of the current fall.

use super::*;
use crate::admin::record;
use pixel_core::ops::admin::NewAdminAction;
use pixel_core::ops::provider_alerts::ProviderAlert;

#[async_trait]
impl ProviderAlertStore for SqlStore {
    async fn alerts(&self) -> Result<Vec<ProviderAlert>> {
        let rows = sqlx::query(
            "SELECT provider_id, low_credits, warned_at FROM provider_alerts ORDER BY provider_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ProviderAlert {
                    provider_id: r.text("provider_id")?,
                    low_credits: r.int("low_credits")?,
                    warned_at: r.opt_int("warned_at")?,
                })
            })
            .collect()
    }

    async fn set_alert(
        &self,
        action: &NewAdminAction,
        provider_id: &str,
        low_credits: Option<i64>,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let statement = match low_credits {
                Some(low) => sqlx::query(
                    "INSERT INTO provider_alerts (provider_id, low_credits, warned_at, updated_by, \
                     updated_at) VALUES ($1, $2, NULL, $3, $4) ON CONFLICT (provider_id) DO UPDATE \
                     SET low_credits = EXCLUDED.low_credits, warned_at = NULL, \
                     updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at",
                )
                .bind(provider_id)
                .bind(low)
                .bind(&action.admin_id)
                .bind(action.created_at),
                None => sqlx::query("DELETE FROM provider_alerts WHERE provider_id = $1")
                    .bind(provider_id),
            };
            statement.execute(&mut **tx).await.map_err(db_err)?;
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }

    async fn mark_warned(&self, provider_id: &str, now: Millis) -> Result<bool> {
        let marked = self
            .write_statement(
                sqlx::query(
                    "UPDATE provider_alerts SET warned_at = $1 \
                     WHERE provider_id = $2 AND warned_at IS NULL",
                )
                .bind(now)
                .bind(provider_id),
            )
            .await?;
        Ok(marked == 1)
    }

    async fn clear_warned(&self, provider_id: &str) -> Result<()> {
        self.write_statement(
            sqlx::query(
                "UPDATE provider_alerts SET warned_at = NULL \
                 WHERE provider_id = $1 AND warned_at IS NOT NULL",
            )
            .bind(provider_id),
        )
        .await
        .map(|_| ())
    }
}
