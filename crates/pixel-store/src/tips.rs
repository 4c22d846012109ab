//! The tip queries: a tip written with the giver's debit and the receiver's credit in one
//! transaction (a retried request key moves nothing twice), and each side's tips a page at a time.

use super::*;
use pixel_core::ops::tips::{NewTip, Tip, TipSent};

fn tip_from(r: &impl Cols) -> Result<Tip> {
    Ok(Tip {
        id: r.text("id")?,
        other: UserSummary::new(r.text("other_id")?, r.text("other_username")?)
            .with_picture(r.opt_text("other_picture")?),
        amount: r.int("amount")?,
        message: r.opt_text("message")?,
        image_id: r.opt_text("image_id")?,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl TipStore for SqlStore {
    async fn send_tip(&self, tip: &NewTip) -> Result<TipSent> {
        let mut w = self.begin_write().await?;
        let r = send_tip_tx(&mut w.tx, tip).await;
        w.end(r).await
    }

    async fn list_tips(
        &self,
        user_id: &str,
        received: bool,
        page: &PageRequest,
    ) -> Result<Vec<Tip>> {
        let (mine, theirs) = if received {
            ("to_user", "from_user")
        } else {
            ("from_user", "to_user")
        };
        let sql = format!(
            "SELECT t.id, t.amount, t.message, t.image_id, t.created_at, u.id AS other_id, \
             u.username AS other_username, {PICTURE_OF_U} AS other_picture \
             FROM tips t JOIN users u ON u.id = t.{theirs} WHERE t.{mine} = $1 \
             AND (t.created_at < $2 OR (t.created_at = $2 AND t.id < $3)) \
             ORDER BY t.created_at DESC, t.id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, user_id, page, tip_from)
    }
}

async fn send_tip_tx(tx: &mut Tx, tip: &NewTip) -> Result<TipSent> {
    // Two people tipping each other at once queue instead of deadlocking.
    hold_balances(tx, &[&tip.from_user, &tip.to_user]).await?;
    let inserted = sqlx::query(
        "INSERT INTO tips (id, from_user, to_user, amount, message, image_id, request_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (from_user, request_key) DO NOTHING",
    )
    .bind(&tip.id)
    .bind(&tip.from_user)
    .bind(&tip.to_user)
    .bind(tip.amount)
    .bind(&tip.message)
    .bind(&tip.image_id)
    .bind(&tip.request_key)
    .bind(tip.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !inserted {
        let row = sqlx::query(
            "SELECT id, to_user, amount FROM tips WHERE from_user = $1 AND request_key = $2",
        )
        .bind(&tip.from_user)
        .bind(&tip.request_key)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
        if row.text("to_user")? != tip.to_user || row.int("amount")? != tip.amount {
            return Err(Error::new(
                ErrorCode::Conflict,
                "this request key was used for another tip",
            ));
        }
        return Ok(TipSent {
            tip_id: row.text("id")?,
            fresh: false,
            from_balance: balance_in(tx, &tip.from_user).await?,
            to_balance: balance_in(tx, &tip.to_user).await?,
        });
    }
    let moves = [
        (
            &tip.from_user,
            -tip.amount,
            "sent",
            format!("Tip to @{}", tip.to_username),
        ),
        (
            &tip.to_user,
            tip.amount,
            "received",
            format!("Tip from @{}", tip.from_username),
        ),
    ];
    for (user_id, amount, side, memo) in moves {
        apply_ledger_tx(
            tx,
            user_id,
            &LedgerMove {
                kind: LedgerKind::Transfer,
                amount,
                idempotency_key: format!("tip:{}:{side}", tip.id),
                memo,
            },
            None,
            tip.created_at,
        )
        .await?;
    }
    Ok(TipSent {
        tip_id: tip.id.clone(),
        fresh: true,
        from_balance: balance_in(tx, &tip.from_user).await?,
        to_balance: balance_in(tx, &tip.to_user).await?,
    })
}
