//! Account operations: the caller's profile, settings and balance.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::account::{validate_username, AccountSettings};
use crate::app::{App, ChargePolicy};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "account.get",
        Read,
        "The caller's account and credit balance",
        account_get,
    );
    r.add(
        "account.update",
        Write,
        "Change the caller's username and settings",
        account_update,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountOutput {
    pub user: User,
    #[ts(type = "number")]
    pub balance: i64,
    pub charging: bool,
    /// Whether this server keeps daily login streaks and achievements.
    pub engagement: bool,
    pub settings: AccountSettings,
}

/// Changes to the caller's account; fields left out stay as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub settings: Option<AccountSettings>,
}

/// The account with the role this request runs with: the stored role follows the configuration as of
/// the last sign-in, while the caller's own is what the server grants now (a grant in the admin UI, or
/// an email taken off `PIXEL_ADMIN_EMAILS` since).
fn with_callers_role(user: User, caller: &Caller) -> User {
    let role = if caller.is_admin() {
        Role::Admin
    } else {
        Role::User
    };
    User { role, ..user }
}

pub async fn account_get(app: &App, caller: &Caller, _input: Empty) -> Result<AccountOutput> {
    let id = caller.user_id()?;
    let user = app
        .store
        .accounts()
        .get_user(id)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let user = with_callers_role(user, caller);
    let balance = app.store.ledger().balance(id).await?;
    let settings = app.store.accounts().account_settings(id).await?;
    Ok(AccountOutput {
        user,
        balance,
        charging: app.config.charging == ChargePolicy::Charge,
        engagement: app.config.engagement,
        settings,
    })
}

pub async fn account_update(
    app: &App,
    caller: &Caller,
    input: UpdateAccount,
) -> Result<AccountOutput> {
    let id = caller.user_id()?;
    let username = input.username.as_deref().map(str::trim);
    if let Some(name) = username {
        validate_username(name)?;
    }
    if username.is_some() || input.settings.is_some() {
        app.store
            .accounts()
            .update_account(id, username, input.settings.as_ref())
            .await?;
    }
    account_get(app, caller, Empty {}).await
}
