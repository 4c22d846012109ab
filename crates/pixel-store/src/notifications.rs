//! The notification queries: each recipient's own, newest first, unread counts, read marks, deletion.

use super::*;
use pixel_core::ops::moderation::ReportResolution;
use pixel_core::ops::tips::TipNote;
use pixel_core::social::{NotificationKind, NotificationRow};

fn notification_from(r: &impl Cols) -> Result<NotificationRow> {
    let kind = r.text("kind")?;
    let actor = match (r.opt_text("actor_id")?, r.opt_text("actor_username")?) {
        (Some(id), Some(username)) => {
            Some(UserSummary::new(id, username).with_picture(r.opt_text("actor_picture")?))
        }
        _ => None,
    };
    Ok(NotificationRow {
        id: r.text("id")?,
        user_id: r.text("user_id")?,
        kind: NotificationKind::parse(&kind)
            .ok_or_else(|| Error::internal(format!("unknown notification kind {kind}")))?,
        actor,
        image_id: r.opt_text("image_id")?,
        comment_id: r.opt_text("comment_id")?,
        tip: match (r.opt_text("tip_id")?, r.opt_int("tip_amount")?) {
            (Some(tip_id), Some(amount)) => Some(TipNote {
                tip_id,
                amount,
                message: r.opt_text("tip_message")?,
            }),
            _ => None,
        },
        award: r.opt_text("award")?,
        report_outcome: r
            .opt_text("report_outcome")?
            .as_deref()
            .and_then(ReportResolution::parse),
        message: r.opt_text("message")?,
        read_at: r.opt_int("read_at")?,
        created_at: r.int("created_at")?,
    })
}

/// Writes one notification, unless one with its id exists (an idempotent notice told again).
pub(crate) fn insert_statement(
    n: &NotificationRow,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(
        "INSERT INTO notifications (id, user_id, kind, actor_id, image_id, comment_id, tip_id, \
         award, report_outcome, message, read_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&n.id)
    .bind(&n.user_id)
    .bind(n.kind.as_str())
    .bind(n.actor.as_ref().map(|a| a.id.clone()))
    .bind(n.image_id.clone())
    .bind(n.comment_id.clone())
    .bind(n.tip.as_ref().map(|t| t.tip_id.clone()))
    .bind(n.award.clone())
    .bind(n.report_outcome.map(ReportResolution::as_str))
    .bind(n.message.clone())
    .bind(n.read_at)
    .bind(n.created_at)
}

#[async_trait]
impl NotificationStore for SqlStore {
    async fn insert_notification(&self, n: &NotificationRow) -> Result<bool> {
        self.write_statement(insert_statement(n))
            .await
            .map(|inserted| inserted == 1)
    }

    async fn list_notifications(
        &self,
        user_id: &str,
        unread_only: bool,
        page: &PageRequest,
    ) -> Result<Vec<NotificationRow>> {
        let unread = if unread_only {
            " AND n.read_at IS NULL"
        } else {
            ""
        };
        let sql = format!(
            "SELECT n.id, n.user_id, n.kind, n.actor_id, u.username AS actor_username, \
             {PICTURE_OF_U} AS actor_picture, n.image_id, \
             n.comment_id, n.tip_id, t.amount AS tip_amount, t.message AS tip_message, \
             n.award, n.report_outcome, n.message, n.read_at, n.created_at FROM notifications n \
             LEFT JOIN users u ON u.id = n.actor_id LEFT JOIN tips t ON t.id = n.tip_id \
             WHERE n.user_id = $1{unread} \
             AND (n.created_at < $2 OR (n.created_at = $2 AND n.id < $3)) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, user_id, page, notification_from)
    }

    async fn unread_count(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS unread FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.int("unread")
    }

    async fn mark_read(&self, user_id: &str, ids: Option<&[String]>, now: Millis) -> Result<u64> {
        let mut sql = String::from(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        );
        if let Some(ids) = ids {
            sql.push_str(&format!(" AND id IN ({})", placeholders(3, ids.len())));
        }
        let mut w = self.begin_write().await?;
        let mut q = sqlx::query(&sql).bind(now).bind(user_id);
        for id in ids.unwrap_or_default() {
            q = q.bind(id);
        }
        let r = q
            .execute(&mut *w.tx)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err);
        w.end(r).await
    }

    async fn delete_notifications(&self, user_id: &str, ids: &[String]) -> Result<u64> {
        let sql = format!(
            "DELETE FROM notifications WHERE user_id = $1 AND id IN ({})",
            placeholders(2, ids.len())
        );
        let mut w = self.begin_write().await?;
        let mut q = sqlx::query(&sql).bind(user_id);
        for id in ids {
            q = q.bind(id);
        }
        let r = q
            .execute(&mut *w.tx)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err);
        w.end(r).await
    }
}
