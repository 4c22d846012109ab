//! Catalogue operations: the models this installation offers, with their parameters and cost.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::catalogue::{Model, RetiredModel};
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "catalogue.list",
        Read,
        "Models with their parameters, limits and credit cost",
        catalogue_list,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CatalogueOutput {
    pub models: Vec<Model>,
    pub default_model: String,
    /// Ids old records carry that their provider retired, with what a remix runs on now.
    pub retired: Vec<RetiredModel>,
}

pub async fn catalogue_list(app: &App, _caller: &Caller, _input: Empty) -> Result<CatalogueOutput> {
    Ok(CatalogueOutput {
        models: app.catalogue().models().to_vec(),
        default_model: app.default_model(),
        retired: app.catalogue().retired_models().to_vec(),
    })
}
