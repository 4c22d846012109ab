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
    let existing = sqlx::query(&format!(
        "SELECT {LEDGER_COLS} FROM ledger_entries WHERE idempotency_key = $1"
    ))
    .bind(&mv.idempotency_key)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    if let Some(row) = existing {
        return ledger_from(&row);
    }
    let updated = sqlx::query("UPDATE balances SET credits = credits + $1 WHERE user_id = $2 AND credits + $1 >= 0 RETURNING credits")
        .bind(mv.amount)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?;
    let Some(row) = updated else {
        let has_account = sqlx::query("SELECT credits FROM balances WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_err)?;
        return Err(match has_account {
            None => Error::not_found("account"),
            Some(r) => {
                let have: i64 = r.try_get("credits").map_err(db_err)?;
                Error::new(
                    ErrorCode::InsufficientCredits,
                    format!("this needs {} credits; you have {have}", -mv.amount),
                )
            }
        });
    };
    let balance_after: i64 = row.try_get("credits").map_err(db_err)?;
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
    add_prompt_terms(tx, dialect, &image.record.params.prompt).await
}
