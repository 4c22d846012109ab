//! The credit purchase queries: a purchase stored as the server priced it, and a completed payment
//! applied once per event and once per purchase, its credits granted in the same transaction.

use super::*;
use pixel_core::credits::{CompletedPayment, CreditPack, PaymentOutcome, Purchase, PurchaseStatus};

const PURCHASE_COLS: &str =
    "id, user_id, pack_id, credits, amount, currency, session_id, status, created_at, paid_at";

fn purchase_from(r: &impl Cols) -> Result<Purchase> {
    let status = r.text("status")?;
    Ok(Purchase {
        id: r.text("id")?,
        user_id: r.text("user_id")?,
        pack: CreditPack {
            id: r.text("pack_id")?,
            credits: r.int("credits")?,
            amount: r.int("amount")?,
            currency: r.text("currency")?,
        },
        session_id: r.opt_text("session_id")?,
        status: PurchaseStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("unknown purchase status {status}")))?,
        created_at: r.int("created_at")?,
        paid_at: r.opt_int("paid_at")?,
    })
}

#[async_trait]
impl PurchaseStore for SqlStore {
    async fn insert_purchase(&self, p: &Purchase) -> Result<()> {
        self.write_statement(
            sqlx::query(&format!(
                "INSERT INTO credit_purchases ({PURCHASE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .bind(&p.id)
            .bind(&p.user_id)
            .bind(&p.pack.id)
            .bind(p.pack.credits)
            .bind(p.pack.amount)
            .bind(&p.pack.currency)
            .bind(&p.session_id)
            .bind(p.status.as_str())
            .bind(p.created_at)
            .bind(p.paid_at),
        )
        .await
        .map(|_| ())
    }

    async fn set_purchase_session(&self, purchase_id: &str, session_id: &str) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE credit_purchases SET session_id = $1 WHERE id = $2")
                .bind(session_id)
                .bind(purchase_id),
        )
        .await
        .map(|_| ())
    }

    async fn get_purchase(&self, purchase_id: &str) -> Result<Option<Purchase>> {
        let row = sqlx::query(&format!(
            "SELECT {PURCHASE_COLS} FROM credit_purchases WHERE id = $1"
        ))
        .bind(purchase_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(purchase_from).transpose()
    }

    async fn complete_purchase(
        &self,
        done: &CompletedPayment,
        now: Millis,
    ) -> Result<PaymentOutcome> {
        let mut w = self.begin_write().await?;
        let r = complete_tx(&mut w.tx, done, now).await;
        w.end(r).await
    }
}

async fn complete_tx(tx: &mut Tx, done: &CompletedPayment, now: Millis) -> Result<PaymentOutcome> {
    // Concurrent deliveries of one event queue on its key here; all but the first find it taken.
    let first = sqlx::query(
        "INSERT INTO payment_events (id, kind, outcome, received_at) VALUES ($1, $2, 'pending', $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&done.event_id)
    .bind(&done.kind)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !first {
        return Ok(PaymentOutcome::AlreadyApplied);
    }
    let outcome = decide(tx, done, now).await?;
    sqlx::query("UPDATE payment_events SET outcome = $1 WHERE id = $2")
        .bind(outcome.as_str())
        .bind(&done.event_id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(outcome)
}

async fn decide(tx: &mut Tx, done: &CompletedPayment, now: Millis) -> Result<PaymentOutcome> {
    // Our id when the session carries it; else the session, which we stored when the purchase began.
    let (column, key) = match &done.purchase_id {
        Some(id) => ("id", id),
        None => ("session_id", &done.session_id),
    };
    let row = sqlx::query(&format!(
        "SELECT {PURCHASE_COLS} FROM credit_purchases WHERE {column} = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let Some(purchase) = row.as_ref().map(purchase_from).transpose()? else {
        return Ok(PaymentOutcome::Refused("no purchase of ours".into()));
    };
    if purchase.session_id.as_deref() != Some(done.session_id.as_str()) {
        return Ok(PaymentOutcome::Refused(format!(
            "session {} is not purchase {}'s",
            done.session_id, purchase.id
        )));
    }
    if done.amount_total != Some(purchase.pack.amount) {
        return Ok(PaymentOutcome::Refused(format!(
            "paid {:?}, priced {}",
            done.amount_total, purchase.pack.amount
        )));
    }
    if purchase.status == PurchaseStatus::Paid {
        return Ok(PaymentOutcome::AlreadyApplied);
    }
    if !done.paid {
        return Ok(PaymentOutcome::NotPaidYet);
    }
    // Open -> paid once: a second event for the same purchase (completed, then async success) finds
    // nothing to change.
    let changed = sqlx::query(
        "UPDATE credit_purchases SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'open'",
    )
    .bind(now)
    .bind(&purchase.id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected();
    if changed == 0 {
        return Ok(PaymentOutcome::AlreadyApplied);
    }
    let entry = apply_ledger_tx(
        tx,
        &purchase.user_id,
        &LedgerMove {
            kind: LedgerKind::Grant,
            amount: purchase.pack.credits,
            idempotency_key: format!("purchase:{}", purchase.id),
            memo: format!("Bought {} credits", purchase.pack.credits),
        },
        None,
        now,
    )
    .await?;
    Ok(PaymentOutcome::Credited {
        user_id: purchase.user_id,
        balance: entry.balance_after,
    })
}
