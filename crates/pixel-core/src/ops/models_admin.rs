//! The catalogue as admins run it: every model of the configuration's catalogue with its settings, and
//! a change to one (on or off, its price, its most images a request) that reaches validation, charging
//! and every open client at once — persisted, in the audit log, announced as `catalogue.changed`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::{admin, reason_of, AdminActionKind, AdminChange, NewAdminAction};
use super::Empty;
use crate::app::App;
use crate::catalogue::ModelOverride;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.models.list",
        Read,
        "Every catalogue model with its settings, those turned off included (admins)",
        admin_models_list,
    );
    r.add(
        "admin.models.update",
        Write,
        "Turn a model on or off, set its price and its most images a request, with a reason (admins)",
        admin_models_update,
    );
}

/// A catalogue model as admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminModel {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub offline: bool,
    pub enabled: bool,
    /// Credits per image now.
    #[ts(type = "number")]
    pub credits: i64,
    /// The most images a request now.
    pub max_images: u32,
    /// What the configuration says, before any admin's setting.
    #[ts(type = "number")]
    pub default_credits: i64,
    pub default_max_images: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminModelsOutput {
    pub models: Vec<AdminModel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModel {
    pub model_id: String,
    pub enabled: bool,
    /// Credits per image, 0–10,000.
    #[ts(type = "number")]
    pub credits: i64,
    /// 1 up to what the model allows.
    pub max_images: u32,
    /// Why, 3–500 characters: kept in the audit log.
    pub reason: String,
}

/// Every model of the configuration's catalogue with `settings` applied.
fn admin_models(app: &App, settings: &[(String, ModelOverride)]) -> Vec<AdminModel> {
    app.base_catalogue()
        .models()
        .iter()
        .map(|m| {
            let set = settings.iter().find(|(id, _)| *id == m.id).map(|(_, s)| s);
            AdminModel {
                id: m.id.clone(),
                name: m.name.clone(),
                provider: m.provider.clone(),
                offline: m.offline,
                enabled: set.and_then(|s| s.enabled) != Some(false),
                credits: set.and_then(|s| s.credits).unwrap_or(m.credits),
                max_images: set.and_then(|s| s.max_images).unwrap_or(m.max_images),
                default_credits: m.credits,
                default_max_images: m.max_images,
            }
        })
        .collect()
}

pub async fn admin_models_list(
    app: &App,
    caller: &Caller,
    _input: Empty,
) -> Result<AdminModelsOutput> {
    admin(caller)?;
    let settings = app.store.admin().model_settings().await?;
    Ok(AdminModelsOutput {
        models: admin_models(app, &settings),
    })
}

pub async fn admin_models_update(
    app: &App,
    caller: &Caller,
    input: UpdateModel,
) -> Result<AdminModel> {
    let admin_id = admin(caller)?.to_string();
    let reason = reason_of(&input.reason)?;
    let base = app
        .base_catalogue()
        .get(&input.model_id)
        .cloned()
        .ok_or_else(|| Error::not_found("model"))?;
    // Only what differs from the configuration is kept, so a later configuration change still shows.
    let setting = ModelOverride {
        enabled: Some(input.enabled),
        credits: (input.credits != base.credits).then_some(input.credits),
        max_images: (input.max_images != base.max_images).then_some(input.max_images),
        ..ModelOverride::default()
    };
    let mut settings = app.store.admin().model_settings().await?;
    settings.retain(|(id, _)| *id != base.id);
    settings.push((base.id.clone(), setting.clone()));
    // Refused as the configuration's overrides are: a price or limit out of range, every model off.
    app.catalogue_with(&settings)?;
    let action = NewAdminAction {
        id: crate::new_id(),
        admin_id,
        kind: AdminActionKind::ModelChange,
        target_user_id: String::new(),
        reason,
        change: AdminChange {
            model_id: Some(base.id.clone()),
            enabled: Some(input.enabled),
            credits: Some(input.credits),
            max_images: Some(input.max_images),
            ..AdminChange::default()
        },
        created_at: app.clock.now_ms(),
    };
    app.store
        .admin()
        .set_model_settings(&action, &base.id, &setting)
        .await?;
    app.reload_catalogue().await?;
    tracing::info!(admin = %action.admin_id, model = %base.id, enabled = input.enabled, credits = input.credits, "model changed");
    app.events.publish(Envelope {
        audience: Audience::Everyone,
        event: Event::CatalogueChanged {},
    });
    admin_models(app, &settings)
        .into_iter()
        .find(|m| m.id == base.id)
        .ok_or_else(|| Error::internal("the changed model left the catalogue"))
}
