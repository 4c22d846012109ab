//! Provider operations: which providers are configured, and whether each answers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "providers.list",
        Read,
        "Providers and whether each is configured",
        providers_list,
    );
    r.add(
        "providers.health",
        Read,
        "Whether each configured provider answers, and its balance where the API offers it",
        providers_health,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProviderStatus {
    pub id: String,
    pub name: String,
    pub configured: bool,
    pub offline: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProvidersOutput {
    pub providers: Vec<ProviderStatus>,
}

pub async fn providers_list(app: &App, _caller: &Caller, _input: Empty) -> Result<ProvidersOutput> {
    let mut providers: Vec<ProviderStatus> = app
        .providers()
        .iter()
        .map(|p| ProviderStatus {
            id: p.id().to_string(),
            name: p.name().to_string(),
            configured: p.configured(),
            offline: crate::catalogue::is_offline_provider(p.id()),
        })
        .collect();
    providers.sort_by(|a, b| b.offline.cmp(&a.offline).then(a.name.cmp(&b.name)));
    Ok(ProvidersOutput { providers })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProviderHealthStatus {
    pub id: String,
    pub name: String,
    pub configured: bool,
    pub offline: bool,
    pub health: crate::ports::ProviderHealth,
    /// The credits under which admins are told it runs low, where they set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub low_credits: Option<i64>,
    /// Its balance is under that threshold now.
    pub low: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProvidersHealthOutput {
    pub providers: Vec<ProviderHealthStatus>,
}

/// How long one provider's health check may take before it counts as unreachable.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Checks every configured provider at once: reachable or not, and its balance where its API tells.
pub async fn providers_health(
    app: &App,
    caller: &Caller,
    _input: Empty,
) -> Result<ProvidersHealthOutput> {
    // Balances and the reachability of a team's internal engines are the operators' business.
    caller.user_id()?;
    if !caller.is_admin() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "provider health is for administrators",
        ));
    }
    let checks = app.providers().into_iter().map(check);
    let mut providers = futures_util::future::join_all(checks).await;
    providers.sort_by(|a, b| b.offline.cmp(&a.offline).then(a.name.cmp(&b.name)));
    // Whoever looks first after a fall tells every admin; the schedule does when nobody looks.
    super::provider_alerts::judge(app, &mut providers).await?;
    Ok(ProvidersHealthOutput { providers })
}

/// One provider's health, checked when it is configured (an unconfigured one is not reached for).
pub(crate) async fn check(p: std::sync::Arc<dyn crate::ports::Provider>) -> ProviderHealthStatus {
    let health = if p.configured() {
        crate::ports::health_within(p.as_ref(), HEALTH_TIMEOUT).await
    } else {
        crate::ports::ProviderHealth::default()
    };
    ProviderHealthStatus {
        id: p.id().to_string(),
        name: p.name().to_string(),
        configured: p.configured(),
        offline: crate::catalogue::is_offline_provider(p.id()),
        health,
        low_credits: None,
        low: false,
    }
}
