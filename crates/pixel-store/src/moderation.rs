//! The moderation queries: reports closed with how they ended, images hidden for good or deleted with
//! their deletion log row, each in one transaction with its line of the admin audit log.

use super::*;
use crate::admin::record;
use crate::reports::{report_from, REPORT_COLS};
use pixel_core::ops::admin::{AdminChange, NewAdminAction};
use pixel_core::ops::moderation::{ClosedReport, Deletion, ReportResolution};
use pixel_core::social::{CommentRow, Report, ReportTarget, UserSummary};

/// Refuses (forbidden) making public any of these images of the owner's that moderators hid.
pub(crate) async fn refuse_hidden(tx: &mut Tx, owner_id: &str, ids: &[String]) -> Result<()> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM images WHERE owner_id = $1 AND moderated_at IS NOT NULL \
         AND id IN ({})",
        placeholders(2, ids.len())
    );
    let mut q = sqlx::query(&sql).bind(owner_id);
    for id in ids {
        q = q.bind(id);
    }
    if q.fetch_one(&mut **tx).await.map_err(db_err)?.int("n")? > 0 {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "an image the moderators hid stays private",
        ));
    }
    Ok(())
}

fn closed_from(rows: &[AnyRow]) -> Result<Vec<ClosedReport>> {
    rows.iter()
        .map(|r| {
            Ok(ClosedReport {
                id: r.text("id")?,
                reporter_id: r.text("reporter_id")?,
            })
        })
        .collect()
}

/// Closes every open report of the target with `outcome`.
async fn close_reports_of(
    tx: &mut Tx,
    target: ReportTarget,
    target_id: &str,
    outcome: ReportResolution,
    now: Millis,
) -> Result<Vec<ClosedReport>> {
    let rows = sqlx::query(
        "UPDATE reports SET resolved_at = $1, outcome = $2 WHERE target_kind = $3 \
         AND target_id = $4 AND resolved_at IS NULL RETURNING id, reporter_id",
    )
    .bind(now)
    .bind(outcome.as_str())
    .bind(target.as_str())
    .bind(target_id)
    .fetch_all(&mut **tx)
    .await
    .map_err(db_err)?;
    closed_from(&rows)
}

/// What every moderator's delete ends with, inside its transaction: the deletion log's line (what
/// was deleted, whose, why, and the record as it was), its open reports closed as deleted, and the
/// action recorded with how many it closed.
async fn log_deletion(
    tx: &mut Tx,
    action: &NewAdminAction,
    target: ReportTarget,
    target_id: &str,
    owner_id: &str,
    record: String,
) -> Result<Vec<ClosedReport>> {
    sqlx::query(
        "INSERT INTO deletions (id, admin_id, kind, target_id, owner_id, reason, record, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&action.id)
    .bind(&action.admin_id)
    .bind(target.as_str())
    .bind(target_id)
    .bind(owner_id)
    .bind(&action.reason)
    .bind(record)
    .bind(action.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    let closed = close_reports_of(
        tx,
        target,
        target_id,
        ReportResolution::Deleted,
        action.created_at,
    )
    .await?;
    record_closed(tx, action, closed).await
}

/// Records the action with how many reports it closed.
async fn record_closed(
    tx: &mut Tx,
    action: &NewAdminAction,
    closed: Vec<ClosedReport>,
) -> Result<Vec<ClosedReport>> {
    let change = AdminChange {
        reports_closed: Some(closed.len() as u64),
        ..action.change.clone()
    };
    record(tx, action, &change).await?;
    Ok(closed)
}

fn deletion_from(r: &impl Cols) -> Result<Deletion> {
    let named = |id: String, name: Option<String>| {
        UserSummary::new(id, name.unwrap_or_else(|| "(deleted)".into()))
    };
    Ok(Deletion {
        id: r.text("id")?,
        admin: named(r.text("admin_id")?, r.opt_text("admin_username")?),
        kind: r.text("kind")?,
        target_id: r.text("target_id")?,
        owner: r
            .opt_text("owner_id")?
            .map(|id| Ok::<_, Error>(named(id, r.opt_text("owner_username")?)))
            .transpose()?,
        reason: r.text("reason")?,
        record: r.text("record")?,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl ModerationStore for SqlStore {
    async fn remove_comment(
        &self,
        action: &NewAdminAction,
        comment: &CommentRow,
    ) -> Result<Vec<ClosedReport>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if crate::comments::remove_comment_tx(tx, &comment.id)
                .await?
                .is_none()
            {
                return Err(Error::not_found("comment"));
            }
            let record = serde_json::json!({
                "id": comment.id,
                "image_id": comment.image_id,
                "parent_id": comment.parent_id,
                "author_id": comment.author_id,
                "author_username": comment.author_username,
                "body": comment.body,
                "created_at": comment.created_at,
                "edited_at": comment.edited_at,
            });
            log_deletion(
                tx,
                action,
                ReportTarget::Comment,
                &comment.id,
                &comment.author_id,
                record.to_string(),
            )
            .await
        }
        .await;
        w.end(r).await
    }

    async fn refused_jobs(&self, page: &PageRequest) -> Result<Vec<Job>> {
        let (key, id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLS} FROM jobs WHERE state = 'moderated' \
             AND (created_at < $1 OR (created_at = $1 AND id < $2)) \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        ))
        .bind(key)
        .bind(id)
        .bind(i64::from(page.limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from).collect()
    }

    async fn report(&self, id: &str) -> Result<Option<Report>> {
        let row = sqlx::query(&format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(report_from).transpose()
    }

    async fn dismiss_report(
        &self,
        action: &NewAdminAction,
        report_id: &str,
    ) -> Result<Vec<ClosedReport>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let rows = sqlx::query(
                "UPDATE reports SET resolved_at = $1, outcome = $2 WHERE id = $3 \
                 AND resolved_at IS NULL RETURNING id, reporter_id",
            )
            .bind(action.created_at)
            .bind(ReportResolution::Dismissed.as_str())
            .bind(report_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(db_err)?;
            if rows.is_empty() {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    "this report is already resolved",
                ));
            }
            let closed = closed_from(&rows)?;
            record_closed(tx, action, closed).await
        }
        .await;
        w.end(r).await
    }

    async fn hide_image(
        &self,
        action: &NewAdminAction,
        image_id: &str,
    ) -> Result<Vec<ClosedReport>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let done = sqlx::query(
                "UPDATE images SET visibility = 'private', moderated_at = $1 WHERE id = $2",
            )
            .bind(action.created_at)
            .bind(image_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            if done.rows_affected() == 0 {
                return Err(Error::not_found("image"));
            }
            let closed = close_reports_of(
                tx,
                ReportTarget::Image,
                image_id,
                ReportResolution::Hidden,
                action.created_at,
            )
            .await?;
            record_closed(tx, action, closed).await
        }
        .await;
        w.end(r).await
    }

    async fn delete_image(
        &self,
        action: &NewAdminAction,
        image: &Image,
    ) -> Result<Vec<ClosedReport>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let gone =
                sqlx::query("DELETE FROM images WHERE id = $1 RETURNING sha256, thumb_sha256")
                    .bind(&image.id)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db_err)?;
            let Some(gone) = gone else {
                return Err(Error::not_found("image"));
            };
            let mut keys = vec![gone.text("sha256")?, gone.text("thumb_sha256")?];
            keys.dedup();
            crate::blob_gc::mark_if_orphaned(tx, &keys, action.created_at).await?;
            log_deletion(
                tx,
                action,
                ReportTarget::Image,
                &image.id,
                &image.owner_id,
                to_json(image)?,
            )
            .await
        }
        .await;
        w.end(r).await
    }

    async fn deletions(&self, query: Option<&str>, page: &PageRequest) -> Result<Vec<Deletion>> {
        let (cursor_key, cursor_id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        let search = if query.is_some() {
            " AND (LOWER(o.username) = $4 OR d.target_id = $4 OR d.owner_id = $4 \
             OR LOWER(d.reason) LIKE $5 ESCAPE '\\')"
        } else {
            ""
        };
        let sql = format!(
            "SELECT d.id, d.admin_id, a.username AS admin_username, d.kind, d.target_id, d.owner_id, \
             o.username AS owner_username, d.reason, d.record, d.created_at FROM deletions d \
             LEFT JOIN users a ON a.id = d.admin_id LEFT JOIN users o ON o.id = d.owner_id \
             WHERE (d.created_at < $1 OR (d.created_at = $1 AND d.id < $2)){search} \
             ORDER BY d.created_at DESC, d.id DESC LIMIT $3"
        );
        let mut q = sqlx::query(&sql)
            .bind(cursor_key)
            .bind(cursor_id)
            .bind(i64::from(page.limit));
        if let Some(text) = query {
            q = q.bind(text).bind(like_pattern(text));
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(deletion_from).collect()
    }
}
