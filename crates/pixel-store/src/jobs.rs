//! The job queries: submitting sets, claiming and renewing leases, progress, requeues, finishing
//! with the ledger's capture or refund, cancels and the queue's counts.

use super::*;

#[async_trait]
impl JobStore for SqlStore {
    async fn submit(&self, subs: &[NewSubmission]) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            for sub in subs {
                insert_submission(&mut w.tx, sub).await?;
            }
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn insert_finished(&self, sub: &NewSubmission, image: &Image) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            insert_submission(&mut w.tx, sub).await?;
            insert_image(&mut w.tx, self.dialect, image).await?;
            sqlx::query(
                "UPDATE jobs SET state = $1, finished_at = $2, image_id = $3, progress = 1.0 WHERE id = $4",
            )
            .bind(JobState::Succeeded.as_str())
            .bind(image.created_at)
            .bind(&image.id)
            .bind(&image.job_id)
            .execute(&mut *w.tx)
            .await
            .map_err(db_err)?;
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn claim_job(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        exclude_providers: &[String],
    ) -> Result<Option<Job>> {
        let excluded = if exclude_providers.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = (0..exclude_providers.len())
                .map(|i| format!("${}", i + 4))
                .collect();
            format!(" AND provider NOT IN ({})", list.join(", "))
        };
        let lock = match self.dialect {
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
            Dialect::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, \
             started_at = COALESCE(started_at, $3), error_code = NULL, error_message = NULL \
             WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND run_after <= $3{excluded} \
                         ORDER BY run_after, created_at, idx LIMIT 1{lock}) AND state = 'queued' \
             RETURNING {JOB_COLS}"
        );
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let mut q = sqlx::query(&sql).bind(worker).bind(lease_until).bind(now);
                for p in exclude_providers {
                    q = q.bind(p);
                }
                let row = q.fetch_optional(&mut **tx).await.map_err(db_err)?;
                row.as_ref().map(job_from).transpose()
            }
            .await;
            w.end(r).await
        }
    }

    async fn renew_lease(
        &self,
        job_id: &str,
        worker: &str,
        lease_until: Millis,
    ) -> Result<LeaseStatus> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let row = sqlx::query(
                    "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running' RETURNING cancel_requested",
                )
                .bind(lease_until)
                .bind(job_id)
                .bind(worker)
                .fetch_optional(&mut **tx)
                .await
                .map_err(db_err)?;
                Ok(match row {
                    Some(r) => LeaseStatus::Held { cancel_requested: r.try_get::<i64, _>("cancel_requested").map_err(db_err)? != 0 },
                    None => LeaseStatus::Lost,
                })
            }
            .await;
            w.end(r).await
        }
    }

    async fn set_remote_handle(&self, job_id: &str, worker: &str, handle: &str) -> Result<()> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                sqlx::query(
                    "UPDATE jobs SET remote_handle = $1 WHERE id = $2 AND lease_owner = $3",
                )
                .bind(handle)
                .bind(job_id)
                .bind(worker)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                Ok(())
            }
            .await;
            w.end(r).await
        }
    }

    async fn remote_handle(&self, job_id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT remote_handle FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(match row {
            Some(r) => r.try_get("remote_handle").map_err(db_err)?,
            None => None,
        })
    }

    async fn set_progress(&self, job_id: &str, progress: f32) -> Result<()> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                sqlx::query("UPDATE jobs SET progress = $1 WHERE id = $2 AND state = 'running'")
                    .bind(f64::from(progress))
                    .bind(job_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
            .await;
            w.end(r).await
        }
    }

    async fn requeue_job(
        &self,
        job_id: &str,
        worker: &str,
        run_after: Millis,
        error: &Error,
    ) -> Result<bool> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let row = sqlx::query("SELECT retried_errors FROM jobs WHERE id = $1 AND lease_owner = $2 AND state = 'running'")
                    .bind(job_id)
                    .bind(worker)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
                let Some(row) = row else { return Ok(false) };
                let mut errors: Vec<Error> = json_col(&row, "retried_errors")?;
                errors.push(error.clone());
                // Guarded like the read: on PostgreSQL another node may have reaped the lease (and refunded
                // the job) between the two statements; then this worker must not put it back.
                let changed = sqlx::query(
                    "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, run_after = $1, \
                     progress = 0, error_code = $2, error_message = $3, retried_errors = $4 \
                     WHERE id = $5 AND lease_owner = $6 AND state = 'running'",
                )
                .bind(run_after)
                .bind(error.code.as_str())
                .bind(&error.message)
                .bind(to_json(&errors)?)
                .bind(job_id)
                .bind(worker)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?
                .rows_affected();
                Ok(changed == 1)
            }
            .await;
            w.end(r).await
        }
    }

    async fn finish_job(
        &self,
        job_id: &str,
        worker: Option<&str>,
        outcome: &JobOutcome,
        now: Millis,
    ) -> Result<Option<Job>> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let (state, error, image_id, progress) = match outcome {
                    JobOutcome::Succeeded { image } => (JobState::Succeeded, None, Some(image.id.clone()), 1.0f64),
                    JobOutcome::Ended { state, error } => (*state, Some(error.clone()), None, 0.0f64),
                };
                let guard = match worker {
                    Some(_) => "state = 'running' AND lease_owner = $7",
                    None => "state IN ('queued', 'running') AND $7 = $7",
                };
                let res = sqlx::query(&format!(
                    "UPDATE jobs SET state = $1, finished_at = $2, lease_owner = NULL, lease_until = NULL, \
                     error_code = $3, error_message = $4, image_id = $5, \
                     progress = CASE WHEN $8 = 1 THEN 1.0 ELSE progress END WHERE id = $6 AND {guard}"
                ))
                .bind(state.as_str())
                .bind(now)
                .bind(error.as_ref().map(|e| e.code.as_str().to_string()))
                .bind(error.as_ref().map(|e| e.message.clone()))
                .bind(image_id)
                .bind(job_id)
                .bind(worker.unwrap_or(""))
                .bind(i64::from(progress >= 1.0))
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                if res.rows_affected() == 0 {
                    return Ok(None);
                }
                let job = fetch_job(tx, job_id).await?.ok_or_else(|| Error::not_found("job"))?;
                match outcome {
                    JobOutcome::Succeeded { image } => {
                        insert_image(tx, self.dialect, image).await?;
                        if job.cost > 0 {
                            let mv = LedgerMove {
                                kind: LedgerKind::Capture,
                                amount: 0,
                                idempotency_key: format!("settle:{}", job.id),
                                memo: format!("{} image delivered", job.params.model),
                            };
                            apply_ledger_tx(tx, &job.owner_id, &mv, Some(&job.id), now).await?;
                        }
                    }
                    JobOutcome::Ended { .. } => refund_job_tx(tx, &job, now).await?,
                }
                fetch_job(tx, job_id).await
            }
            .await;
            w.end(r).await
        }
    }

    async fn request_cancel(&self, job_id: &str, now: Millis) -> Result<Option<Job>> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let res = sqlx::query(
                    "UPDATE jobs SET state = 'cancelled', finished_at = $1, error_code = 'cancelled', \
                     error_message = 'cancelled before it started' WHERE id = $2 AND state = 'queued'",
                )
                .bind(now)
                .bind(job_id)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                if res.rows_affected() == 1 {
                    let job = fetch_job(tx, job_id).await?.ok_or_else(|| Error::not_found("job"))?;
                    refund_job_tx(tx, &job, now).await?;
                } else {
                    sqlx::query("UPDATE jobs SET cancel_requested = 1 WHERE id = $1 AND state = 'running'")
                        .bind(job_id)
                        .execute(&mut **tx)
                        .await
                        .map_err(db_err)?;
                }
                fetch_job(tx, job_id).await
            }
            .await;
            w.end(r).await
        }
    }

    async fn expired_jobs(&self, now: Millis, all: bool) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLS} FROM jobs WHERE state = 'running' AND (lease_until < $1 OR $2 = 1) ORDER BY created_at"
        ))
        .bind(now)
        .bind(i64::from(all))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from).collect()
    }

    async fn steal_lease(
        &self,
        job_id: &str,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        all: bool,
    ) -> Result<bool> {
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let res = sqlx::query(
                    "UPDATE jobs SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND state = 'running' AND (lease_until < $4 OR $5 = 1)",
                )
                .bind(worker)
                .bind(lease_until)
                .bind(job_id)
                .bind(now)
                .bind(i64::from(all))
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                Ok(res.rows_affected() == 1)
            }
            .await;
            w.end(r).await
        }
    }

    async fn release_node_jobs(&self, worker_prefix: &str) -> Result<u64> {
        let pattern = format!(
            "{}%",
            worker_prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                let res = sqlx::query(
                    "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, progress = 0, \
                     attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END \
                     WHERE state = 'running' AND lease_owner LIKE $1 ESCAPE '\\'",
                )
                .bind(pattern)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
                Ok(res.rows_affected())
            }
            .await;
            w.end(r).await
        }
    }

    async fn retried_errors(&self, job_id: &str) -> Result<Vec<Error>> {
        let row = sqlx::query("SELECT retried_errors FROM jobs WHERE id = $1")
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match row {
            Some(r) => json_col(&r, "retried_errors"),
            None => Ok(vec![]),
        }
    }

    async fn get_job(&self, id: &str) -> Result<Option<Job>> {
        let row = sqlx::query(&format!("SELECT {JOB_COLS} FROM jobs WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(job_from).transpose()
    }

    async fn list_jobs(&self, owner_id: &str, states: &[JobState], limit: u32) -> Result<Vec<Job>> {
        let mut sql = format!("SELECT {JOB_COLS} FROM jobs WHERE owner_id = $1");
        if !states.is_empty() {
            let list: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 3)).collect();
            sql.push_str(&format!(" AND state IN ({})", list.join(", ")));
        }
        sql.push_str(" ORDER BY created_at DESC, idx ASC LIMIT $2");
        let mut q = sqlx::query(&sql).bind(owner_id).bind(i64::from(limit));
        for s in states {
            q = q.bind(s.as_str());
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(job_from).collect()
    }

    async fn count_jobs(&self, state: JobState) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE state = $1")
            .bind(state.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        row.try_get("n").map_err(db_err)
    }
}
