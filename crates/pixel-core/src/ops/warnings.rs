//! Warnings: an admin tells an account, in their own words, that its conduct must change — the step
//! short of suspending it. The warning reaches the account as a notification it cannot turn off,
//! written in the same transaction as its line of the audit log.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::{account_action, admin, AdminActionKind};
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{NotificationKind, NotificationRow};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.users.warn",
        Write,
        "Warn an account in your words: it is told at once, and the audit log keeps the words (admins)",
        admin_users_warn,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarnUser {
    pub user_id: String,
    /// What the account is told, 3–500 characters; the audit log keeps the same words.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct WarnOutput {
    /// The notification the account received.
    pub notification_id: String,
}

/// Longest warning, in characters (the audit log's reason holds it).
const MAX_WARNING_CHARS: usize = 500;

pub async fn admin_users_warn(app: &App, caller: &Caller, input: WarnUser) -> Result<WarnOutput> {
    admin(caller)?;
    if !(3..=MAX_WARNING_CHARS).contains(&input.message.trim().chars().count()) {
        return Err(Error::invalid(format!(
            "write a warning of 3 to {MAX_WARNING_CHARS} characters"
        )));
    }
    let (user, action) = account_action(
        app,
        caller,
        &input.user_id,
        &input.message,
        AdminActionKind::UserWarn,
        Some("warn"),
    )
    .await?;
    // The warning comes from the moderators, not a named admin: nobody is singled out for a reply.
    let row = NotificationRow {
        id: crate::new_id(),
        user_id: user.id.clone(),
        kind: NotificationKind::AccountWarned,
        actor: None,
        image_id: None,
        comment_id: None,
        tip: None,
        award: None,
        report_outcome: None,
        message: Some(action.reason.clone()),
        read_at: None,
        created_at: action.created_at,
    };
    app.store.admin().warn(&action, &row).await?;
    tracing::info!(admin = %action.admin_id, user = %user.id, "account warned");
    let notification_id = row.id.clone();
    app.events.publish(Envelope {
        audience: Audience::User(user.id),
        event: Event::NotificationCreated {
            notification: row.into_view(false),
        },
    });
    Ok(WarnOutput { notification_id })
}
