//! Administration of accounts: find a user and see their account whole, adjust their credits through
//! the ledger, suspend and restore, grant or take back the admin role, sign them out everywhere — each
//! action admins only, with a reason, and written to the audit log in the same transaction as the
//! change it records.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::account::SessionInfo;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::{LedgerMove, PageRequest};
use crate::registry::{OpKind::*, RateClass, Registry};
use crate::social::UserSummary;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.users.search",
        Read,
        "Accounts by username or email, newest first (admins)",
        admin_users_search,
    );
    r.add(
        "admin.users.get",
        Read,
        "One account whole: balance, images, sessions, ledger and the admin actions on it (admins)",
        admin_users_get,
    );
    r.add(
        "admin.credits.adjust",
        Write,
        "Add or take away credits with a reason, through the ledger, never below zero (admins)",
        admin_credits_adjust,
    )
    .rate(RateClass::Money);
    r.add(
        "admin.users.suspend",
        Write,
        "Suspend an account: its sessions and tokens end and sign-in is refused (admins)",
        admin_users_suspend,
    );
    r.add(
        "admin.users.restore",
        Write,
        "Restore a suspended account (admins)",
        admin_users_restore,
    );
    r.add(
        "admin.users.set_admin",
        Write,
        "Grant or take back the admin role, kept across sign-ins (admins)",
        admin_users_set_admin,
    );
    r.add(
        "admin.users.sign_out",
        Write,
        "End every session and token of an account (admins)",
        admin_users_sign_out,
    );
    r.add(
        "admin.audit.list",
        Read,
        "The admin audit log, newest first, by action or account (admins)",
        admin_audit_list,
    );
}

/// Largest credit adjustment either way.
pub const MAX_ADJUSTMENT: i64 = 1_000_000;
/// Longest reason, in characters.
const MAX_REASON_CHARS: usize = 500;
/// Longest search text, in characters.
const MAX_QUERY_CHARS: usize = 100;
/// Entries of each kind `admin.users.get` shows.
const DETAIL_ENTRIES: u32 = 20;

/// The kinds of admin action the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdminActionKind {
    CreditsAdjust,
    UserSuspend,
    UserRestore,
    AdminGrant,
    AdminRevoke,
    UserSignOut,
    ReportDismiss,
    ImageHide,
    ImageDelete,
    ModelChange,
    PostSave,
    PostPublish,
    PostUnpublish,
    PostDelete,
    CommentRemove,
    ProviderAlertSet,
    UserWarn,
}

impl AdminActionKind {
    pub const ALL: [AdminActionKind; 17] = [
        AdminActionKind::CreditsAdjust,
        AdminActionKind::UserSuspend,
        AdminActionKind::UserRestore,
        AdminActionKind::AdminGrant,
        AdminActionKind::AdminRevoke,
        AdminActionKind::UserSignOut,
        AdminActionKind::ReportDismiss,
        AdminActionKind::ImageHide,
        AdminActionKind::ImageDelete,
        AdminActionKind::ModelChange,
        AdminActionKind::PostSave,
        AdminActionKind::PostPublish,
        AdminActionKind::PostUnpublish,
        AdminActionKind::PostDelete,
        AdminActionKind::CommentRemove,
        AdminActionKind::ProviderAlertSet,
        AdminActionKind::UserWarn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AdminActionKind::CreditsAdjust => "credits_adjust",
            AdminActionKind::UserSuspend => "user_suspend",
            AdminActionKind::UserRestore => "user_restore",
            AdminActionKind::AdminGrant => "admin_grant",
            AdminActionKind::AdminRevoke => "admin_revoke",
            AdminActionKind::UserSignOut => "user_sign_out",
            AdminActionKind::ReportDismiss => "report_dismiss",
            AdminActionKind::ImageHide => "image_hide",
            AdminActionKind::ImageDelete => "image_delete",
            AdminActionKind::ModelChange => "model_change",
            AdminActionKind::PostSave => "post_save",
            AdminActionKind::PostPublish => "post_publish",
            AdminActionKind::PostUnpublish => "post_unpublish",
            AdminActionKind::PostDelete => "post_delete",
            AdminActionKind::CommentRemove => "comment_remove",
            AdminActionKind::ProviderAlertSet => "provider_alert_set",
            AdminActionKind::UserWarn => "user_warn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What an admin action changed, beside its kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminChange {
    /// Credits added (positive) or taken away (negative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub balance_after: Option<i64>,
    /// The ledger entry an adjustment wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ledger_entry_id: Option<String>,
    /// Sessions and tokens the action ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub sessions_ended: Option<u64>,
    /// The report a moderation action resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub report_id: Option<String>,
    /// The image a moderation action hid or deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_id: Option<String>,
    /// Public images a suspension hid, or a restore published again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub images_hidden: Option<u64>,
    /// The comment a moderator removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub comment_id: Option<String>,
    /// The blog post written, published, taken back or deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub post_id: Option<String>,
    /// Open reports the action closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub reports_closed: Option<u64>,
    /// The catalogue model an action changed, and its settings after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub credits: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub max_images: Option<u32>,
    /// The provider whose low-balance warning an action set (or turned off: no `low_credits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub low_credits: Option<i64>,
}

/// An admin action to record, written by the store with the change it describes.
#[derive(Debug, Clone)]
pub struct NewAdminAction {
    pub id: String,
    pub admin_id: String,
    pub kind: AdminActionKind,
    /// The account the action is about; empty when it is about none (a catalogue model).
    pub target_user_id: String,
    pub reason: String,
    pub change: AdminChange,
    pub created_at: Millis,
}

/// One line of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuditEntry {
    pub id: String,
    pub admin: UserSummary,
    pub kind: AdminActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target: Option<UserSummary>,
    pub reason: String,
    pub change: AdminChange,
    #[ts(type = "number")]
    pub created_at: Millis,
}

/// An account as admins see it in a list.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminUser {
    pub user: User,
    #[ts(type = "number")]
    pub balance: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUsersQuery {
    /// The start of a username, or part of an email; empty for the newest accounts.
    #[serde(default)]
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminUsersOutput {
    pub users: Vec<AdminUser>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUserRef {
    pub user_id: String,
}

/// One account whole, for the admin's user page.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminUserDetail {
    pub user: User,
    #[ts(type = "number")]
    pub balance: i64,
    /// Credits owed after a reversed purchase.
    #[ts(type = "number")]
    pub owed: i64,
    #[ts(type = "number")]
    pub images: i64,
    #[ts(type = "number")]
    pub image_bytes: i64,
    /// Open sessions and tokens.
    pub sessions: Vec<SessionInfo>,
    /// The newest ledger entries.
    pub ledger: Vec<LedgerEntry>,
    /// The newest admin actions on this account.
    pub actions: Vec<AuditEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditAdjustment {
    pub user_id: String,
    /// Credits to add (positive) or take away (negative): never zero, at most 1,000,000 either way.
    #[ts(type = "number")]
    pub amount: i64,
    /// Why, 3–500 characters: kept in the ledger's memo and the audit log.
    pub reason: String,
    /// The same key twice adjusts once (a retried click); one is made when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CreditAdjustmentOutput {
    pub entry: LedgerEntry,
    #[ts(type = "number")]
    pub balance: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminUserAction {
    pub user_id: String,
    /// Why, 3–500 characters: kept in the audit log.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAdmin {
    pub user_id: String,
    pub admin: bool,
    /// Why, 3–500 characters: kept in the audit log.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminUserChanged {
    pub user: User,
    /// Sessions and tokens the action ended.
    #[ts(type = "number")]
    pub sessions_ended: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub kind: Option<AdminActionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// What the audit log is read by.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<AdminActionKind>,
    pub target_user_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AuditOutput {
    pub entries: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// The admin calling, or `forbidden`.
pub(crate) fn admin(caller: &Caller) -> Result<&str> {
    let id = caller.user_id()?;
    if !caller.is_admin() {
        return Err(Error::new(ErrorCode::Forbidden, "only admins may do this"));
    }
    Ok(id)
}

/// The reason, trimmed: 3–500 characters.
pub(crate) fn reason_of(reason: &str) -> Result<String> {
    let reason = reason.trim();
    let chars = reason.chars().count();
    if !(3..=MAX_REASON_CHARS).contains(&chars) {
        return Err(Error::invalid(format!(
            "give a reason of 3 to {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(reason.to_string())
}

/// What every action on an account starts with: an admin calling (on another account than their own
/// where `not_on_self` names what they may not do to themselves), a reason, an account that exists.
/// The account, and the action to record.
pub(crate) async fn account_action(
    app: &App,
    caller: &Caller,
    user_id: &str,
    reason: &str,
    kind: AdminActionKind,
    not_on_self: Option<&str>,
) -> Result<(User, NewAdminAction)> {
    let admin_id = admin(caller)?;
    if let Some(what) = not_on_self {
        not_self(admin_id, user_id, what)?;
    }
    let reason = reason_of(reason)?;
    let user = account(app, user_id).await?;
    let action = NewAdminAction {
        id: crate::new_id(),
        admin_id: admin_id.to_string(),
        kind,
        target_user_id: user.id.clone(),
        reason,
        change: AdminChange::default(),
        created_at: app.clock.now_ms(),
    };
    Ok((user, action))
}

/// The answer to an action on an account: the account as it is now.
async fn changed(
    app: &App,
    action: &NewAdminAction,
    sessions_ended: u64,
) -> Result<AdminUserChanged> {
    tracing::info!(
        admin = %action.admin_id,
        user = %action.target_user_id,
        action = action.kind.as_str(),
        sessions_ended,
        "admin action"
    );
    Ok(AdminUserChanged {
        user: account(app, &action.target_user_id).await?,
        sessions_ended,
    })
}

/// The account, or `not_found`.
async fn account(app: &App, user_id: &str) -> Result<User> {
    app.store
        .accounts()
        .get_user(user_id)
        .await?
        .ok_or_else(|| Error::not_found("account"))
}

/// Refuses an action an admin may not take on their own account (they would lock themselves out).
fn not_self(admin_id: &str, user_id: &str, what: &str) -> Result<()> {
    if admin_id == user_id {
        return Err(Error::new(
            ErrorCode::Forbidden,
            format!("you cannot {what} your own account: another admin must"),
        ));
    }
    Ok(())
}

pub async fn admin_users_search(
    app: &App,
    caller: &Caller,
    input: AdminUsersQuery,
) -> Result<AdminUsersOutput> {
    admin(caller)?;
    let query = input.query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(format!(
            "search with at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let users = app
        .store
        .admin()
        .find_users(&query.to_lowercase(), page_limit(input.limit))
        .await?;
    Ok(AdminUsersOutput { users })
}

pub async fn admin_users_get(
    app: &App,
    caller: &Caller,
    input: AdminUserRef,
) -> Result<AdminUserDetail> {
    admin(caller)?;
    let user = account(app, &input.user_id).await?;
    let now = app.clock.now_ms();
    let page = PageRequest {
        before: None,
        limit: DETAIL_ENTRIES,
    };
    let ledger = app.store.ledger().ledger_page(&user.id, &page).await?;
    let (images, image_bytes) = app.store.storage().library_usage(&user.id).await?;
    let sessions = app.store.sessions().list_sessions(&user.id, now).await?;
    let filter = AuditFilter {
        kind: None,
        target_user_id: Some(user.id.clone()),
    };
    let actions = app.store.admin().audit_log(&filter, &page).await?;
    Ok(AdminUserDetail {
        user,
        balance: ledger.balance,
        owed: ledger.owed,
        images,
        image_bytes,
        sessions: sessions.iter().map(|s| s.info(None)).collect(),
        ledger: ledger.entries,
        actions,
    })
}

pub async fn admin_credits_adjust(
    app: &App,
    caller: &Caller,
    input: CreditAdjustment,
) -> Result<CreditAdjustmentOutput> {
    admin(caller)?;
    // unsigned_abs: the most negative amount has no positive twin, and abs() would overflow on it.
    if input.amount == 0 || input.amount.unsigned_abs() > MAX_ADJUSTMENT.unsigned_abs() {
        return Err(Error::invalid(format!(
            "adjust by 1 to {MAX_ADJUSTMENT} credits, added or taken away"
        )));
    }
    let key = match input.idempotency_key.as_deref().map(str::trim) {
        Some(k) if !k.is_empty() && k.len() <= 100 => k.to_string(),
        Some(_) => return Err(Error::invalid("an idempotency key is 1 to 100 characters")),
        None => crate::new_id(),
    };
    let (user, act) = account_action(
        app,
        caller,
        &input.user_id,
        &input.reason,
        AdminActionKind::CreditsAdjust,
        None,
    )
    .await?;
    let mv = LedgerMove {
        kind: LedgerKind::Adjustment,
        amount: input.amount,
        idempotency_key: format!("admin-adjust:{}:{key}", act.admin_id),
        memo: act.reason.clone(),
    };
    let entry = app.store.admin().adjust_credits(&act, &mv).await?;
    tracing::info!(admin = %act.admin_id, user = %user.id, amount = input.amount, "credits adjusted");
    app.events.publish(Envelope {
        audience: Audience::User(user.id.clone()),
        event: Event::BalanceChanged {
            balance: entry.balance_after,
        },
    });
    Ok(CreditAdjustmentOutput {
        balance: entry.balance_after,
        entry,
    })
}

pub async fn admin_users_suspend(
    app: &App,
    caller: &Caller,
    input: AdminUserAction,
) -> Result<AdminUserChanged> {
    let (_, act) = account_action(
        app,
        caller,
        &input.user_id,
        &input.reason,
        AdminActionKind::UserSuspend,
        Some("suspend"),
    )
    .await?;
    let sessions_ended = app.store.admin().suspend(&act).await?;
    changed(app, &act, sessions_ended).await
}

pub async fn admin_users_restore(
    app: &App,
    caller: &Caller,
    input: AdminUserAction,
) -> Result<AdminUserChanged> {
    let (_, act) = account_action(
        app,
        caller,
        &input.user_id,
        &input.reason,
        AdminActionKind::UserRestore,
        None,
    )
    .await?;
    app.store.admin().restore(&act).await?;
    changed(app, &act, 0).await
}

pub async fn admin_users_set_admin(
    app: &App,
    caller: &Caller,
    input: SetAdmin,
) -> Result<AdminUserChanged> {
    let kind = if input.admin {
        AdminActionKind::AdminGrant
    } else {
        AdminActionKind::AdminRevoke
    };
    let (_, act) = account_action(
        app,
        caller,
        &input.user_id,
        &input.reason,
        kind,
        Some("change the role of"),
    )
    .await?;
    app.store
        .admin()
        .set_admin_granted(&act, input.admin)
        .await?;
    changed(app, &act, 0).await
}

pub async fn admin_users_sign_out(
    app: &App,
    caller: &Caller,
    input: AdminUserAction,
) -> Result<AdminUserChanged> {
    let (_, act) = account_action(
        app,
        caller,
        &input.user_id,
        &input.reason,
        AdminActionKind::UserSignOut,
        None,
    )
    .await?;
    let sessions_ended = app.store.admin().sign_out(&act).await?;
    changed(app, &act, sessions_ended).await
}

pub async fn admin_audit_list(
    app: &App,
    caller: &Caller,
    input: AuditQuery,
) -> Result<AuditOutput> {
    admin(caller)?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let filter = AuditFilter {
        kind: input.kind,
        target_user_id: input.user_id,
    };
    let entries = app.store.admin().audit_log(&filter, &page).await?;
    let next = next_cursor(&entries, limit, |e| (e.created_at, &e.id));
    Ok(AuditOutput { entries, next })
}
