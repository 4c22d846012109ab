//! Low-balance warnings: per provider, the credits under which admins are told it runs low, and the
//! judgement that tells them, once per fall — on a schedule (`check_balances`) and whenever an admin
//! looks at provider health.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::{admin, AdminActionKind, AdminChange, NewAdminAction};
use super::providers::ProviderHealthStatus;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.providers.alert",
        Write,
        "Warn admins when a provider's balance falls under some credits, or stop (admins)",
        admin_providers_alert,
    );
}

/// The highest threshold: far above any balance a provider reports, small enough to stay exact.
pub const MAX_LOW_CREDITS: i64 = 100_000_000;

/// One provider's threshold as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAlert {
    pub provider_id: String,
    /// Whole credits, in the provider's own unit.
    pub low_credits: i64,
    /// When admins were told of the current fall; None while the balance is over the threshold.
    pub warned_at: Option<Millis>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderAlertInput {
    pub provider_id: String,
    /// Warn under this many credits (1 to 100,000,000); absent to stop warning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub low_credits: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProviderAlertOutput {
    pub provider_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub low_credits: Option<i64>,
}

pub async fn admin_providers_alert(
    app: &App,
    caller: &Caller,
    input: ProviderAlertInput,
) -> Result<ProviderAlertOutput> {
    let admin_id = admin(caller)?.to_string();
    let provider = app
        .providers()
        .into_iter()
        .find(|p| p.id() == input.provider_id)
        .ok_or_else(|| Error::not_found("provider"))?;
    if let Some(low) = input.low_credits {
        if !(1..=MAX_LOW_CREDITS).contains(&low) {
            return Err(Error::invalid(format!(
                "warn under 1 to {MAX_LOW_CREDITS} credits, or leave it empty to stop warning"
            )));
        }
    }
    let provider_id = provider.id().to_string();
    let reason = match input.low_credits {
        Some(low) => format!("Warn when {} has under {low} credits", provider.name()),
        None => format!("No low-balance warning for {}", provider.name()),
    };
    let action = NewAdminAction {
        id: crate::new_id(),
        admin_id,
        kind: AdminActionKind::ProviderAlertSet,
        target_user_id: String::new(),
        reason,
        change: AdminChange {
            provider_id: Some(provider_id.clone()),
            low_credits: input.low_credits,
            ..AdminChange::default()
        },
        created_at: app.clock.now_ms(),
    };
    app.store
        .provider_alerts()
        .set_alert(&action, &provider_id, input.low_credits)
        .await?;
    tracing::info!(admin = %action.admin_id, provider = %provider_id, low_credits = ?input.low_credits, "low-balance warning set");
    Ok(ProviderAlertOutput {
        provider_id,
        low_credits: input.low_credits,
    })
}

/// Checks the providers admins set a threshold for and tells them of any that fell under it.
pub async fn check_balances(app: &App) -> Result<()> {
    let alerts = app.store.provider_alerts().alerts().await?;
    if alerts.is_empty() {
        return Ok(());
    }
    let watched = app
        .providers()
        .into_iter()
        .filter(|p| p.configured() && alerts.iter().any(|a| a.provider_id == p.id()))
        .map(super::providers::check);
    let mut checked = futures_util::future::join_all(watched).await;
    judge(app, &mut checked).await
}

/// Marks each checked provider's threshold and whether it is under it, and tells every admin of a
/// provider that fell under it since they were last told. A balance the provider did not report
/// (unreachable, or no balance API) neither warns nor clears a warning.
pub(crate) async fn judge(app: &App, checked: &mut [ProviderHealthStatus]) -> Result<()> {
    let alerts = app.store.provider_alerts().alerts().await?;
    for status in checked.iter_mut() {
        let Some(alert) = alerts.iter().find(|a| a.provider_id == status.id) else {
            continue;
        };
        status.low_credits = Some(alert.low_credits);
        let Some(credits) = status.health.credits else {
            continue;
        };
        status.low = credits < alert.low_credits as f64;
        if !status.low {
            if alert.warned_at.is_some() {
                app.store.provider_alerts().clear_warned(&status.id).await?;
            }
            continue;
        }
        if app
            .store
            .provider_alerts()
            .mark_warned(&status.id, app.clock.now_ms())
            .await?
        {
            tracing::warn!(provider = %status.id, credits, low_credits = alert.low_credits, "provider balance low");
            let message = format!(
                "{} has {credits:.2} credits left, under the {} you asked to be warned at.",
                status.name, alert.low_credits
            );
            for admin_id in app.store.accounts().admin_ids().await? {
                notify(
                    app,
                    Notice {
                        message: Some(message.clone()),
                        ..Notice::to(&admin_id, NotificationKind::ProviderLowBalance)
                    },
                )
                .await;
            }
        }
    }
    Ok(())
}
