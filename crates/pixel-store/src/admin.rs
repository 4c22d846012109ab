//! The administration queries: accounts found by username or email, and every admin change written
//! in one transaction with its line of the audit log (`admin_actions`).

use super::*;
use pixel_core::catalogue::ModelOverride;
use pixel_core::ops::admin::{
    AdminActionKind, AdminChange, AdminUser, AuditEntry, AuditFilter, NewAdminAction,
};
use pixel_core::social::{NotificationRow, UserSummary};

/// Records `action` inside `tx`, with what it changed.
pub(crate) async fn record(
    tx: &mut Tx,
    action: &NewAdminAction,
    change: &AdminChange,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO admin_actions (id, admin_id, action, target_user_id, reason, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&action.id)
    .bind(&action.admin_id)
    .bind(action.kind.as_str())
    .bind(Some(&action.target_user_id).filter(|t| !t.is_empty()))
    .bind(&action.reason)
    .bind(to_json(change)?)
    .bind(action.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Ends every open session and token of `user_id` inside `tx`; how many.
async fn end_sessions(tx: &mut Tx, user_id: &str, now: Millis) -> Result<u64> {
    let done = crate::sessions::revoke_all(user_id, now)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(done.rows_affected())
}

/// Runs one `UPDATE users ... WHERE id = $n` that must change the row, else `refusal`.
async fn change_user<'q>(
    tx: &mut Tx,
    statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    refusal: &str,
) -> Result<()> {
    let done = statement.execute(&mut **tx).await.map_err(db_err)?;
    if done.rows_affected() == 0 {
        return Err(Error::new(ErrorCode::Conflict, refusal));
    }
    Ok(())
}

fn audit_from(r: &impl Cols) -> Result<AuditEntry> {
    let kind = r.text("action")?;
    let admin_name = r.opt_text("admin_username")?;
    let target = match (
        r.opt_text("target_user_id")?,
        r.opt_text("target_username")?,
    ) {
        (Some(id), name) => Some(UserSummary::new(
            id,
            name.unwrap_or_else(|| "(deleted)".into()),
        )),
        (None, _) => None,
    };
    Ok(AuditEntry {
        id: r.text("id")?,
        admin: UserSummary::new(
            r.text("admin_id")?,
            admin_name.unwrap_or_else(|| "(deleted)".into()),
        ),
        kind: AdminActionKind::parse(&kind)
            .ok_or_else(|| Error::internal(format!("unknown admin action {kind}")))?,
        target,
        reason: r.text("reason")?,
        change: serde_json::from_str(&r.text("detail")?).map_err(Error::internal)?,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl AdminStore for SqlStore {
    async fn find_users(&self, query: &str, limit: u32) -> Result<Vec<AdminUser>> {
        let cols = "u.id, u.username, u.email, u.role, u.created_at, u.admin_granted, \
                    u.suspended_at, COALESCE(b.credits, 0) AS balance";
        let from = "FROM users u LEFT JOIN balances b ON b.user_id = u.id";
        let order = "ORDER BY u.created_at DESC, u.id DESC";
        let rows = if query.is_empty() {
            sqlx::query(&format!("SELECT {cols} {from} {order} LIMIT $1"))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await
        } else {
            let escaped = like_pattern(query);
            // like_pattern wraps in %...%; a username matches from its start.
            let prefix = format!("{}%", &escaped[1..escaped.len() - 1]);
            sqlx::query(&format!(
                "SELECT {cols} {from} WHERE u.id = $1 OR LOWER(u.username) LIKE $2 ESCAPE '\\' \
                 OR LOWER(u.email) LIKE $3 ESCAPE '\\' {order} LIMIT $4"
            ))
            .bind(query)
            .bind(prefix)
            .bind(escaped)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
        }
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(AdminUser {
                    user: user_from(r)?,
                    balance: r.int("balance")?,
                })
            })
            .collect()
    }

    async fn adjust_credits(
        &self,
        action: &NewAdminAction,
        mv: &LedgerMove,
    ) -> Result<LedgerEntry> {
        let user_id = action.target_user_id.as_str();
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            // A repeated key: the first entry, and nothing recorded again.
            if let Some(entry) = entry_by_key(tx, &mv.idempotency_key).await? {
                return Ok(entry);
            }
            let entry = apply_ledger_tx(tx, user_id, mv, None, action.created_at).await?;
            let change = AdminChange {
                amount: Some(entry.amount),
                balance_after: Some(entry.balance_after),
                ledger_entry_id: Some(entry.id.clone()),
                ..AdminChange::default()
            };
            record(tx, action, &change).await?;
            Ok(entry)
        }
        .await;
        match w.end(r).await {
            // A concurrent twin with the same key won the race: answer with its entry.
            Err(e) if e.code == ErrorCode::Conflict => {
                let row = sqlx::query(&format!(
                    "SELECT {LEDGER_COLS} FROM ledger_entries WHERE idempotency_key = $1"
                ))
                .bind(&mv.idempotency_key)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
                row.as_ref().map(ledger_from).transpose()?.ok_or(e)
            }
            other => other,
        }
    }

    async fn suspend(&self, action: &NewAdminAction) -> Result<u64> {
        let user_id = action.target_user_id.as_str();
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            change_user(
                tx,
                sqlx::query(
                    "UPDATE users SET suspended_at = $1 WHERE id = $2 AND suspended_at IS NULL",
                )
                .bind(action.created_at)
                .bind(user_id),
                "this account is already suspended",
            )
            .await?;
            let ended = end_sessions(tx, user_id, action.created_at).await?;
            // Their public work goes private while they are suspended; the mark brings exactly it back.
            let hidden = sqlx::query(
                "UPDATE images SET visibility = 'private', hidden_by_suspension = 1 \
                 WHERE owner_id = $1 AND visibility = 'public'",
            )
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            let change = AdminChange {
                sessions_ended: Some(ended),
                images_hidden: Some(hidden),
                ..AdminChange::default()
            };
            record(tx, action, &change).await?;
            Ok(ended)
        }
        .await;
        w.end(r).await
    }

    async fn restore(&self, action: &NewAdminAction) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            change_user(
                tx,
                sqlx::query(
                    "UPDATE users SET suspended_at = NULL WHERE id = $1 AND suspended_at IS NOT NULL",
                )
                .bind(&action.target_user_id),
                "this account is not suspended",
            )
            .await?;
            // What the suspension hid is public again, except what moderators hid meanwhile.
            let shown = sqlx::query(
                "UPDATE images SET visibility = CASE WHEN moderated_at IS NULL THEN 'public' ELSE visibility END, \
                 hidden_by_suspension = 0 WHERE owner_id = $1 AND hidden_by_suspension = 1",
            )
            .bind(&action.target_user_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            let change = AdminChange {
                images_hidden: Some(shown),
                ..AdminChange::default()
            };
            record(tx, action, &change).await
        }
        .await;
        w.end(r).await
    }

    async fn set_admin_granted(&self, action: &NewAdminAction, granted: bool) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            change_user(
                tx,
                sqlx::query(
                    "UPDATE users SET admin_granted = $1 WHERE id = $2 AND admin_granted <> $1",
                )
                .bind(i64::from(granted))
                .bind(&action.target_user_id),
                if granted {
                    "this account was already made an admin here"
                } else {
                    "this account was not made an admin here"
                },
            )
            .await?;
            record(tx, action, &AdminChange::default()).await
        }
        .await;
        w.end(r).await
    }

    async fn sign_out(&self, action: &NewAdminAction) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            let ended = end_sessions(tx, &action.target_user_id, action.created_at).await?;
            let change = AdminChange {
                sessions_ended: Some(ended),
                ..AdminChange::default()
            };
            record(tx, action, &change).await?;
            Ok(ended)
        }
        .await;
        w.end(r).await
    }

    async fn warn(&self, action: &NewAdminAction, notification: &NotificationRow) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            crate::notifications::insert_statement(notification)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }

    async fn model_settings(&self) -> Result<Vec<(String, ModelOverride)>> {
        let rows = sqlx::query(
            "SELECT model_id, enabled, credits, max_images FROM model_settings ORDER BY model_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                let max_images = r
                    .opt_int("max_images")?
                    .map(|n| u32::try_from(n).map_err(Error::internal))
                    .transpose()?;
                Ok((
                    r.text("model_id")?,
                    ModelOverride {
                        enabled: Some(r.int("enabled")? != 0),
                        credits: r.opt_int("credits")?,
                        max_images,
                        ..ModelOverride::default()
                    },
                ))
            })
            .collect()
    }

    async fn set_model_settings(
        &self,
        action: &NewAdminAction,
        model_id: &str,
        settings: &ModelOverride,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            sqlx::query(
                "INSERT INTO model_settings (model_id, enabled, credits, max_images, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (model_id) DO UPDATE SET \
                 enabled = EXCLUDED.enabled, credits = EXCLUDED.credits, max_images = EXCLUDED.max_images, \
                 updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at",
            )
            .bind(model_id)
            .bind(i64::from(settings.enabled != Some(false)))
            .bind(settings.credits)
            .bind(settings.max_images.map(i64::from))
            .bind(&action.admin_id)
            .bind(action.created_at)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            record(tx, action, &action.change).await
        }
        .await;
        w.end(r).await
    }

    async fn audit_log(&self, filter: &AuditFilter, page: &PageRequest) -> Result<Vec<AuditEntry>> {
        let (cursor_key, cursor_id) = page.before.clone().unwrap_or((Millis::MAX, String::new()));
        let mut texts: Vec<String> = vec![cursor_id];
        let mut conds = String::new();
        if let Some(kind) = filter.kind {
            texts.push(kind.as_str().to_string());
            conds.push_str(&format!(" AND a.action = ${}", texts.len()));
        }
        if let Some(user) = &filter.target_user_id {
            texts.push(user.clone());
            conds.push_str(&format!(" AND a.target_user_id = ${}", texts.len()));
        }
        let key = texts.len() + 1;
        let limit = texts.len() + 2;
        let sql = format!(
            "SELECT a.id, a.admin_id, ad.username AS admin_username, a.action, a.target_user_id, \
             t.username AS target_username, a.reason, a.detail, a.created_at \
             FROM admin_actions a LEFT JOIN users ad ON ad.id = a.admin_id \
             LEFT JOIN users t ON t.id = a.target_user_id \
             WHERE (a.created_at < ${key} OR (a.created_at = ${key} AND a.id < $1)){conds} \
             ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit}"
        );
        let mut q = sqlx::query(&sql);
        for t in &texts {
            q = q.bind(t);
        }
        let rows = q
            .bind(cursor_key)
            .bind(i64::from(page.limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(audit_from).collect()
    }
}
