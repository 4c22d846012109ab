//! The payout queries: each creator's connected account, what they may be paid, a payout requested in
//! the same transaction as its ledger debit, and each status change once (a failure returning the
//! credits with it).

use super::*;
use crate::earnings::SALES;
use pixel_core::payouts::{Earned, Payout, PayoutAccount, PayoutChange, PayoutStatus, PayoutTerms};

const PAYOUT_COLS: &str =
    "id, user_id, credits, amount, currency, status, failure, created_at, updated_at";

fn payout_from(r: &impl Cols) -> Result<Payout> {
    let status = r.text("status")?;
    Ok(Payout {
        id: r.text("id")?,
        user_id: r.text("user_id")?,
        credits: r.int("credits")?,
        amount: r.int("amount")?,
        currency: r.text("currency")?,
        status: PayoutStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("unknown payout status {status}")))?,
        failure: r.opt_text("failure")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
    })
}

fn account_from(r: &impl Cols) -> Result<PayoutAccount> {
    Ok(PayoutAccount {
        user_id: r.text("user_id")?,
        account_id: r.text("account_id")?,
        payouts_enabled: r.int("payouts_enabled")? != 0,
    })
}

/// Earned inside `tx` (sales after fees and tips received, before `cleared_before` and since) and
/// committed (payouts that did not fail).
async fn earned_in(tx: &mut Tx, user_id: &str, cleared_before: Millis) -> Result<Earned> {
    let earned = |when: &str| {
        format!(
            "CAST((SELECT COALESCE(SUM(price - fee), 0) FROM {SALES} WHERE seller_id = $1 AND created_at {when} $2) \
             + (SELECT COALESCE(SUM(amount), 0) FROM tips WHERE to_user = $1 AND created_at {when} $2) AS BIGINT)"
        )
    };
    let row = sqlx::query(&format!(
        "SELECT {} AS cleared, {} AS held, \
         CAST((SELECT COALESCE(SUM(credits), 0) FROM payouts WHERE user_id = $1 AND status <> 'failed') \
         AS BIGINT) AS committed",
        earned("<"),
        earned(">=")
    ))
    .bind(user_id)
    .bind(cleared_before)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(Earned {
        cleared: row.int("cleared")?,
        held: row.int("held")?,
        committed: row.int("committed")?,
    })
}

#[async_trait]
impl PayoutStore for SqlStore {
    async fn payout_account(&self, user_id: &str) -> Result<Option<PayoutAccount>> {
        sqlx::query(
            "SELECT user_id, account_id, payouts_enabled FROM payout_accounts WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(account_from)
        .transpose()
    }

    async fn save_payout_account(
        &self,
        user_id: &str,
        account_id: &str,
        now: Millis,
    ) -> Result<PayoutAccount> {
        self.write_statement(
            sqlx::query(
                "INSERT INTO payout_accounts (user_id, account_id, payouts_enabled, created_at) \
                 VALUES ($1, $2, 0, $3) ON CONFLICT (user_id) DO NOTHING",
            )
            .bind(user_id)
            .bind(account_id)
            .bind(now),
        )
        .await?;
        self.payout_account(user_id)
            .await?
            .ok_or_else(|| Error::internal("a payout account vanished as it was saved"))
    }

    async fn set_payouts_enabled(&self, account_id: &str, enabled: bool) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE payout_accounts SET payouts_enabled = $1 WHERE account_id = $2")
                .bind(i64::from(enabled))
                .bind(account_id),
        )
        .await
        .map(|_| ())
    }

    async fn earned(&self, user_id: &str, cleared_before: Millis) -> Result<Earned> {
        // A read: no write lock, nothing to commit.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let r = earned_in(&mut tx, user_id, cleared_before).await;
        let _ = tx.rollback().await;
        r
    }

    async fn request_payout(
        &self,
        user_id: &str,
        payout_id: &str,
        terms: &PayoutTerms,
        now: Millis,
    ) -> Result<Payout> {
        let mut w = self.begin_write().await?;
        let r = async {
            // Held first: two requests at once pay out once.
            let balance = hold_balance(&mut w.tx, user_id).await?;
            let earned = earned_in(&mut w.tx, user_id, terms.held_after(now)).await?;
            let credits = earned.payable(balance);
            if credits < terms.minimum_credits {
                return Err(Error::invalid(format!(
                    "{credits} earned credits are payable; payouts start at {}",
                    terms.minimum_credits
                )));
            }
            let payout = Payout {
                id: payout_id.to_string(),
                user_id: user_id.to_string(),
                credits,
                amount: credits * terms.cents_per_credit,
                currency: "usd".into(),
                status: PayoutStatus::Requested,
                failure: None,
                created_at: now,
                updated_at: now,
            };
            sqlx::query(&format!(
                "INSERT INTO payouts ({PAYOUT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ))
            .bind(&payout.id)
            .bind(&payout.user_id)
            .bind(payout.credits)
            .bind(payout.amount)
            .bind(&payout.currency)
            .bind(payout.status.as_str())
            .bind(&payout.failure)
            .bind(payout.created_at)
            .bind(payout.updated_at)
            .execute(&mut *w.tx)
            .await
            .map_err(db_err)?;
            apply_ledger_tx(
                &mut w.tx,
                user_id,
                &LedgerMove {
                    kind: LedgerKind::Payout,
                    amount: -credits,
                    idempotency_key: format!("payout:{}", payout.id),
                    memo: format!(
                        "Paid out {credits} credits as ${}.{:02}",
                        payout.amount / 100,
                        payout.amount % 100
                    ),
                },
                None,
                now,
            )
            .await?;
            Ok(payout)
        }
        .await;
        w.end(r).await
    }

    async fn change_payout(&self, change: &PayoutChange<'_>) -> Result<Option<Payout>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let from = change
                .from
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            // The statuses are our own words, never input.
            let row = sqlx::query(&format!(
                "UPDATE payouts SET status = $1, transfer_id = COALESCE($2, transfer_id), \
                 failure = CASE WHEN $1 = 'paid' THEN NULL ELSE COALESCE($3, failure) END, updated_at = $4 \
                 WHERE id = $5 AND status IN ({from}) \
                 RETURNING {PAYOUT_COLS}"
            ))
            .bind(change.to.as_str())
            .bind(change.transfer_id)
            .bind(change.failure)
            .bind(change.now)
            .bind(change.payout_id)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(db_err)?;
            let Some(payout) = row.as_ref().map(payout_from).transpose()? else {
                return Ok(None);
            };
            if payout.status == PayoutStatus::Failed {
                apply_ledger_tx(
                    &mut w.tx,
                    &payout.user_id,
                    &LedgerMove {
                        kind: LedgerKind::Payout,
                        amount: payout.credits,
                        idempotency_key: format!("payout-returned:{}", payout.id),
                        memo: format!("{} credits back: the payout did not go through", payout.credits),
                    },
                    None,
                    change.now,
                )
                .await?;
            }
            Ok(Some(payout))
        }
        .await;
        w.end(r).await
    }

    async fn payout_by_transfer(&self, transfer_id: &str) -> Result<Option<Payout>> {
        sqlx::query(&format!(
            "SELECT {PAYOUT_COLS} FROM payouts WHERE transfer_id = $1"
        ))
        .bind(transfer_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(payout_from)
        .transpose()
    }

    async fn in_transit_of_account(&self, account_id: &str) -> Result<Vec<Payout>> {
        sqlx::query(&format!(
            "SELECT {PAYOUT_COLS} FROM payouts WHERE status = 'in_transit' AND user_id = \
             (SELECT user_id FROM payout_accounts WHERE account_id = $1) ORDER BY created_at"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(payout_from)
        .collect()
    }

    async fn payouts_of(&self, user_id: &str, limit: u32) -> Result<Vec<Payout>> {
        sqlx::query(&format!(
            "SELECT {PAYOUT_COLS} FROM payouts WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(payout_from)
        .collect()
    }
}
