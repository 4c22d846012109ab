//! Comparison operations: one prompt on 2–4 models side by side.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::catalogue::GenerationRequest;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, RateClass, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "generations.compare",
        Write,
        "Run one prompt on 2-4 models side by side",
        generations_compare,
    )
    .rate(RateClass::Generation);
    r.add(
        "comparisons.get",
        Read,
        "A comparison with each model's set, jobs and images",
        comparisons_get,
    );
}

/// One prompt on 2–4 models side by side.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    pub prompt: String,
    /// 2–4 different model ids.
    pub models: Vec<String>,
    /// Images per model (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub n: Option<u32>,
    /// Used by the models that accept a negative prompt; an error names any model that does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seed: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CompareOutput {
    pub comparison_id: String,
    /// One set per model, in the order asked.
    pub sets: Vec<SubmitOutput>,
    /// The sum of every model's cost.
    #[ts(type = "number")]
    pub cost: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComparisonRef {
    pub comparison_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ComparisonDetail {
    pub comparison_id: String,
    pub sets: Vec<SetDetail>,
}

/// Queues one prompt on 2–4 models at once: all are validated and reserved together (or none is),
/// each at its own size default, and each model's failures are refunded on their own.
pub async fn generations_compare(
    app: &App,
    caller: &Caller,
    input: CompareRequest,
) -> Result<CompareOutput> {
    caller.user_id()?;
    let mut seen = std::collections::HashSet::new();
    if !(2..=4).contains(&input.models.len())
        || !input.models.iter().all(|m| seen.insert(m.as_str()))
    {
        return Err(Error::invalid("compare 2–4 different models"));
    }
    let comparison_id = crate::new_id();
    let mut subs = Vec::with_capacity(input.models.len());
    for model in &input.models {
        let req = GenerationRequest {
            prompt: input.prompt.clone(),
            model: model.clone(),
            n: input.n,
            seed: input
                .seed
                .filter(|_| app.catalogue().get(model).is_some_and(|m| m.seed)),
            negative_prompt: input.negative_prompt.clone(),
            ..Default::default()
        };
        subs.push(prepare_submission(app, caller, &req, Some(&comparison_id)).await?);
    }
    let sets = commit_submissions(app, subs).await?;
    let cost = sets.iter().map(|s| s.cost).sum();
    Ok(CompareOutput {
        comparison_id,
        sets,
        cost,
    })
}

pub async fn comparisons_get(
    app: &App,
    caller: &Caller,
    input: ComparisonRef,
) -> Result<ComparisonDetail> {
    let owner = caller.user_id()?;
    let scope = (!caller.is_admin()).then_some(owner);
    let sets = app
        .store
        .sets()
        .comparison_sets(scope, &input.comparison_id)
        .await?;
    if sets.is_empty() {
        return Err(Error::not_found("comparison"));
    }
    let mut details = Vec::with_capacity(sets.len());
    for set in sets {
        details.push(sets_get(app, caller, SetRef { set_id: set.id }).await?);
    }
    Ok(ComparisonDetail {
        comparison_id: input.comparison_id,
        sets: details,
    })
}
