//! The credit purchase queries: a purchase stored as the server priced it, and a completed payment
//! applied once per event and once per purchase, its credits granted in the same transaction; a
//! refund or dispute taking them back (or owed), once per event.

use super::*;
use pixel_core::credits::{
    credits_to_reverse, CompletedPayment, CreditPack, MoneyBack, PaymentOutcome, PaymentReversal,
    Purchase, PurchaseStatus, ReversalOutcome,
};

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

    async fn reverse_payment(
        &self,
        change: &PaymentReversal,
        now: Millis,
    ) -> Result<ReversalOutcome> {
        let mut w = self.begin_write().await?;
        let r = reverse_tx(&mut w.tx, change, now).await;
        w.end(r).await
    }
}

/// Records the event once; false when it was recorded before (a redelivery, or its concurrent twin,
/// which waits on the key here).
async fn first_delivery(tx: &mut Tx, event_id: &str, kind: &str, now: Millis) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO payment_events (id, kind, outcome, received_at) VALUES ($1, $2, 'pending', $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(event_id)
    .bind(kind)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1)
}

async fn record_outcome(tx: &mut Tx, event_id: &str, outcome: &str) -> Result<()> {
    sqlx::query("UPDATE payment_events SET outcome = $1 WHERE id = $2")
        .bind(outcome)
        .bind(event_id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)
        .map(|_| ())
}

async fn reverse_tx(tx: &mut Tx, change: &PaymentReversal, now: Millis) -> Result<ReversalOutcome> {
    // An update that changes nothing holds the purchase: two refunds of one payment apply in turn.
    let row = sqlx::query(
        "UPDATE credit_purchases SET status = status WHERE payment_intent = $1 AND status = 'paid' \
         RETURNING id, user_id, credits, amount, refunded_amount, disputed_amount, dispute_status, credits_reversed",
    )
    .bind(&change.payment_intent)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let Some(row) = row else {
        // Nothing is recorded, so the redelivery Stripe makes later applies it.
        return Ok(ReversalOutcome::NotYetKnown);
    };
    if !first_delivery(tx, &change.event_id, &change.kind, now).await? {
        return Ok(ReversalOutcome::AlreadyApplied);
    }
    let purchase_id = row.text("id")?;
    let user_id = row.text("user_id")?;
    let credits = row.int("credits")?;
    let amount = row.int("amount")?;
    let was = (
        row.int("refunded_amount")?,
        row.int("disputed_amount")?,
        row.opt_text("dispute_status")?,
    );
    let reversed_before = row.int("credits_reversed")?;
    let (mut refunded, mut disputed, mut dispute) = was.clone();
    match &change.change {
        // Stripe's running total: a late, smaller one changes nothing.
        MoneyBack::Refunded { amount_refunded } => refunded = refunded.max(*amount_refunded),
        // A dispute already closed (its closing event came first) is not reopened by a late opening.
        MoneyBack::DisputeOpened { amount } => {
            if dispute.is_none() {
                dispute = Some("open".into());
                disputed = *amount;
            }
        }
        MoneyBack::DisputeClosed { amount, won } => {
            dispute = Some(if *won { "won" } else { "lost" }.into());
            disputed = if *won { 0 } else { *amount };
        }
    }
    let target = credits_to_reverse(credits, amount, refunded + disputed);
    let delta = target - reversed_before;
    if (refunded, disputed, dispute.clone()) == was && delta == 0 {
        record_outcome(tx, &change.event_id, "already_applied").await?;
        return Ok(ReversalOutcome::AlreadyApplied);
    }
    let why = match &change.change {
        MoneyBack::Refunded { .. } => "refunded",
        MoneyBack::DisputeOpened { .. } => "disputed",
        MoneyBack::DisputeClosed { won: true, .. } => "won back in a dispute",
        MoneyBack::DisputeClosed { won: false, .. } => "lost in a dispute",
    };
    if delta > 0 {
        take_back_tx(
            tx,
            &user_id,
            delta,
            &format!("reversal:{}", change.event_id),
            &format!("{delta} bought credits taken back: the payment was {why}"),
            now,
        )
        .await?;
    } else if delta < 0 {
        apply_ledger_tx(
            tx,
            &user_id,
            &LedgerMove {
                kind: LedgerKind::Grant,
                amount: -delta,
                idempotency_key: format!("reinstated:{}", change.event_id),
                memo: format!("{} credits given back: the payment was {why}", -delta),
            },
            None,
            now,
        )
        .await?;
    }
    sqlx::query(
        "UPDATE credit_purchases SET refunded_amount = $1, disputed_amount = $2, dispute_status = $3, \
         credits_reversed = $4 WHERE id = $5",
    )
    .bind(refunded)
    .bind(disputed)
    .bind(&dispute)
    .bind(target)
    .bind(&purchase_id)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    record_outcome(tx, &change.event_id, "reversed").await?;
    let row = sqlx::query("SELECT credits, debt FROM balances WHERE user_id = $1")
        .bind(&user_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(ReversalOutcome::Applied {
        user_id,
        balance: row.int("credits")?,
        owed: row.int("debt")?,
    })
}

async fn complete_tx(tx: &mut Tx, done: &CompletedPayment, now: Millis) -> Result<PaymentOutcome> {
    if !first_delivery(tx, &done.event_id, &done.kind, now).await? {
        return Ok(PaymentOutcome::AlreadyApplied);
    }
    let outcome = decide(tx, done, now).await?;
    record_outcome(tx, &done.event_id, outcome.as_str()).await?;
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
        "UPDATE credit_purchases SET status = 'paid', paid_at = $1, payment_intent = $2 \
         WHERE id = $3 AND status = 'open'",
    )
    .bind(now)
    .bind(&done.payment_intent)
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
    // The balance as it now stands: credits that arrive while some are owed pay those first.
    let balance = balance_in(tx, &purchase.user_id).await?;
    debug_assert!(balance <= entry.balance_after);
    Ok(PaymentOutcome::Credited {
        user_id: purchase.user_id,
        balance,
    })
}
