//! Steps that run inside a write transaction: ledger moves (idempotent, never negative), refunds,
//! and inserting submissions and images.

use super::*;

/// Applies a ledger move inside `tx`. Idempotent on the key; never lets the balance go negative.
pub(crate) async fn apply_ledger_tx(
    tx: &mut Tx,
    user_id: &str,
    mv: &LedgerMove,
    job_id: Option<&str>,
    now: Millis,
) -> Result<LedgerEntry> {
    if let Some(entry) = entry_by_key(tx, &mv.idempotency_key).await? {
        return Ok(entry);
    }
    // Spending waits while credits are owed; a reversal is what takes owed credits, so it may not.
    let spending = mv.amount < 0 && mv.kind != LedgerKind::Reversal;
    let updated = sqlx::query(
        "UPDATE balances SET credits = credits + $1 WHERE user_id = $2 AND credits + $1 >= 0 \
         AND (debt = 0 OR NOT $3) RETURNING credits, debt",
    )
    .bind(mv.amount)
    .bind(user_id)
    .bind(spending)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let Some(row) = updated else {
        return Err(refusal(tx, user_id, mv).await);
    };
    let balance_after: i64 = row.try_get("credits").map_err(db_err)?;
    let debt: i64 = row.try_get("debt").map_err(db_err)?;
    let entry = insert_entry(tx, user_id, mv, job_id, balance_after, now).await?;
    if mv.amount > 0 && debt > 0 {
        settle_debt(tx, user_id, &entry, debt, now).await?;
    }
    Ok(entry)
}

/// The ledger entry written under `key`, if one was.
pub(crate) async fn entry_by_key(tx: &mut Tx, key: &str) -> Result<Option<LedgerEntry>> {
    let row = sqlx::query(&format!(
        "SELECT {LEDGER_COLS} FROM ledger_entries WHERE idempotency_key = $1"
    ))
    .bind(key)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    row.as_ref().map(ledger_from).transpose()
}

/// Why a move could not be applied: no account, credits owed, or too few credits.
async fn refusal(tx: &mut Tx, user_id: &str, mv: &LedgerMove) -> Error {
    let row = match sqlx::query("SELECT credits, debt FROM balances WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
    {
        Ok(row) => row,
        Err(e) => return db_err(e),
    };
    let Some(row) = row else {
        return Error::not_found("account");
    };
    let (have, owed): (i64, i64) = match (row.try_get("credits"), row.try_get("debt")) {
        (Ok(have), Ok(owed)) => (have, owed),
        (Err(e), _) | (_, Err(e)) => return db_err(e),
    };
    if owed > 0 {
        return Error::new(
            ErrorCode::CreditsOwed,
            format!(
                "{owed} credits are owed from a refunded or disputed purchase: buy credits to pay them before spending"
            ),
        );
    }
    Error::new(
        ErrorCode::InsufficientCredits,
        format!("this needs {} credits; you have {have}", -mv.amount),
    )
}

/// Credits that arrive while some are owed pay the debt first, as their own entry, so the ledger
/// still sums to the balance and shows where the credits went.
async fn settle_debt(
    tx: &mut Tx,
    user_id: &str,
    arrived: &LedgerEntry,
    debt: i64,
    now: Millis,
) -> Result<()> {
    let pay = debt.min(arrived.balance_after);
    if pay <= 0 {
        return Ok(());
    }
    sqlx::query("UPDATE balances SET credits = credits - $1, debt = debt - $1 WHERE user_id = $2")
        .bind(pay)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    let mv = LedgerMove {
        kind: LedgerKind::Reversal,
        amount: -pay,
        idempotency_key: format!("debt-paid:{}", arrived.id),
        memo: format!("Paid {pay} credits owed from a refunded or disputed purchase"),
    };
    insert_entry(tx, user_id, &mv, None, arrived.balance_after - pay, now)
        .await
        .map(|_| ())
}

async fn insert_entry(
    tx: &mut Tx,
    user_id: &str,
    mv: &LedgerMove,
    job_id: Option<&str>,
    balance_after: i64,
    now: Millis,
) -> Result<LedgerEntry> {
    let entry = LedgerEntry {
        id: pixel_core::new_id(),
        user_id: user_id.to_string(),
        kind: mv.kind,
        amount: mv.amount,
        balance_after,
        idempotency_key: mv.idempotency_key.clone(),
        job_id: job_id.map(str::to_string),
        memo: mv.memo.clone(),
        created_at: now,
        link: None,
    };
    sqlx::query(&format!(
        "INSERT INTO ledger_entries ({LEDGER_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(&entry.id)
    .bind(&entry.user_id)
    .bind(entry.kind.as_str())
    .bind(entry.amount)
    .bind(entry.balance_after)
    .bind(&entry.idempotency_key)
    .bind(entry.job_id.clone())
    .bind(&entry.memo)
    .bind(entry.created_at)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::new(
                ErrorCode::Conflict,
                "this ledger entry was applied concurrently",
            )
        } else {
            db_err(e)
        }
    })?;
    Ok(entry)
}

/// Holds an account's balance row for the rest of `tx` with an update that changes nothing (a move
/// racing this transaction waits for it); the balance as held.
pub(crate) async fn hold_balance(tx: &mut Tx, user_id: &str) -> Result<i64> {
    sqlx::query("UPDATE balances SET credits = credits WHERE user_id = $1 RETURNING credits")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| Error::not_found("account"))?
        .int("credits")
}

/// Holds several accounts' balance rows in one order (by id) before any moves: transactions moving
/// credits between the same accounts in opposite directions queue instead of deadlocking.
pub(crate) async fn hold_balances(tx: &mut Tx, user_ids: &[&str]) -> Result<()> {
    let mut ordered = user_ids.to_vec();
    ordered.sort_unstable();
    ordered.dedup();
    for user_id in ordered {
        hold_balance(tx, user_id).await?;
    }
    Ok(())
}

/// An account's balance as `tx` sees it.
pub(crate) async fn balance_in(tx: &mut Tx, user_id: &str) -> Result<i64> {
    sqlx::query("SELECT credits FROM balances WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?
        .int("credits")
}

/// Takes `credits` back from an account after its payment was refunded or disputed: what the
/// balance holds is taken as a reversal entry, the rest is owed. Returns (balance, owed) after.
pub(crate) async fn take_back_tx(
    tx: &mut Tx,
    user_id: &str,
    credits: i64,
    key: &str,
    memo: &str,
    now: Millis,
) -> Result<(i64, i64)> {
    // Held: a spend racing this one waits for it.
    let have = hold_balance(tx, user_id).await?;
    let taken = credits.min(have);
    if taken > 0 {
        apply_ledger_tx(
            tx,
            user_id,
            &LedgerMove {
                kind: LedgerKind::Reversal,
                amount: -taken,
                idempotency_key: key.to_string(),
                memo: memo.to_string(),
            },
            None,
            now,
        )
        .await?;
    }
    let row = sqlx::query(
        "UPDATE balances SET debt = debt + $1 WHERE user_id = $2 RETURNING credits, debt",
    )
    .bind(credits - taken)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok((
        row.try_get("credits").map_err(db_err)?,
        row.try_get("debt").map_err(db_err)?,
    ))
}

pub(crate) async fn fetch_job(tx: &mut Tx, id: &str) -> Result<Option<Job>> {
    let row = sqlx::query(&format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    row.as_ref().map(job_from).transpose()
}

/// Returns a job's reservation exactly once (the `settle:` key is shared with capture).
pub(crate) async fn refund_job_tx(tx: &mut Tx, job: &Job, now: Millis) -> Result<()> {
    if job.cost <= 0 {
        return Ok(());
    }
    let mv = LedgerMove {
        kind: LedgerKind::Refund,
        amount: job.cost,
        idempotency_key: format!("settle:{}", job.id),
        memo: format!("refund: {} {}", job.params.model, job.state.as_str()),
    };
    let entry = apply_ledger_tx(tx, &job.owner_id, &mv, Some(&job.id), now).await?;
    if entry.kind == LedgerKind::Refund {
        sqlx::query("UPDATE jobs SET refunded = 1 WHERE id = $1")
            .bind(&job.id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// Writes a set, its jobs and its reservation (if any).
pub(crate) async fn insert_submission(tx: &mut Tx, sub: &NewSubmission) -> Result<()> {
    let set = &sub.set;
    if let Some(mv) = &sub.reserve {
        apply_ledger_tx(tx, &set.owner_id, mv, None, set.created_at).await?;
    }
    sqlx::query(&format!("INSERT INTO generation_sets ({SET_COLS}, model, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
                    .bind(&set.id)
                    .bind(&set.owner_id)
                    .bind(to_json(&set.params)?)
                    .bind(i64::from(set.n))
                    .bind(set.cost)
                    .bind(set.remix_of.clone())
                    .bind(set.created_at)
                    .bind(set.comparison_id.clone())
                    .bind(set.visibility.map(Visibility::as_str))
                    .bind(&set.params.model)
                    .bind(sub.idempotency_key.clone())
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| {
                        // Set ids are fresh: only the idempotency key can collide.
                        if is_unique_violation(&e) {
                            Error::new(ErrorCode::Conflict, "this idempotency key was used by another request")
                        } else {
                            db_err(e)
                        }
                    })?;
    for job in &sub.jobs {
        sqlx::query(
                        "INSERT INTO jobs (id, set_id, owner_id, idx, state, provider, params, seed, cost, attempts, \
                         max_attempts, progress, remix_of, run_after, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, 0, $11, $12, $13)",
                    )
                    .bind(&job.id)
                    .bind(&job.set_id)
                    .bind(&job.owner_id)
                    .bind(i64::from(job.index))
                    .bind(job.state.as_str())
                    .bind(&job.provider)
                    .bind(to_json(&job.params)?)
                    .bind(i64::from(job.seed))
                    .bind(job.cost)
                    .bind(i64::from(job.max_attempts))
                    .bind(job.remix_of.clone())
                    .bind(job.created_at)
                    .bind(job.created_at)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
    }
    Ok(())
}

pub(crate) async fn insert_image(tx: &mut Tx, dialect: Dialect, image: &Image) -> Result<()> {
    // A set made public or private as a whole decides its images' visibility. On PostgreSQL the
    // set's row is held until this commits, so `set_visibility_of_set` either waits for this image
    // and changes it too, or has committed and is read here: never a private set with a public image.
    let set_choice: Option<String> = sqlx::query_scalar(match dialect {
        Dialect::Postgres => "SELECT visibility FROM generation_sets WHERE id = $1 FOR SHARE",
        Dialect::Sqlite => "SELECT visibility FROM generation_sets WHERE id = $1",
    })
    .bind(&image.set_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?
    .flatten();
    let visibility = set_choice
        .as_deref()
        .map_or(image.visibility, Visibility::parse);
    sqlx::query(&format!(
        "INSERT INTO images ({IMAGE_COLS}, model, prompt, remix_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ))
    .bind(&image.id)
    .bind(&image.owner_id)
    .bind(&image.set_id)
    .bind(&image.job_id)
    .bind(visibility.as_str())
    .bind(&image.mime)
    .bind(i64::from(image.width))
    .bind(i64::from(image.height))
    .bind(image.bytes)
    .bind(&image.sha256)
    .bind(&image.thumb_sha256)
    .bind(&image.placeholder)
    .bind(to_json(&image.record)?)
    .bind(image.created_at)
    .bind(&image.record.params.model)
    .bind(&image.record.params.prompt)
    .bind(image.record.remix_of.clone())
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    add_search_terms(tx, dialect, &image.record.params.prompt).await
}
