//! Provider moderation outcomes for admins: every generation a provider's moderation refused, newest
//! first, with who asked, the model, the prompt and the provider's words — beside the report queue, so
//! an admin can see a pattern and act on the account (suspend it from its page).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::admin;
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};
use crate::social::UserSummary;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.refusals.list",
        Read,
        "Generations the providers' moderation refused, newest first: who, what and why (admins)",
        admin_refusals_list,
    );
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// One generation a provider refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Refusal {
    pub job_id: String,
    pub owner: UserSummary,
    pub provider: String,
    pub model: String,
    pub prompt: String,
    /// What the provider said, as the person was told.
    pub message: String,
    #[ts(type = "number")]
    pub at: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct RefusalsOutput {
    pub refusals: Vec<Refusal>,
    pub next: Option<String>,
}

pub async fn admin_refusals_list(
    app: &App,
    caller: &Caller,
    input: RefusalsQuery,
) -> Result<RefusalsOutput> {
    admin(caller)?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let jobs = app.store.moderation().refused_jobs(&page).await?;
    let next = next_cursor(&jobs, page.limit, |j| (j.created_at, &j.id));
    let mut names: Vec<(String, String)> = Vec::new();
    let mut refusals = Vec::with_capacity(jobs.len());
    for job in jobs {
        let username = match names.iter().find(|(id, _)| *id == job.owner_id) {
            Some((_, name)) => name.clone(),
            None => {
                let name = app
                    .store
                    .accounts()
                    .get_user(&job.owner_id)
                    .await?
                    .map(|u| u.username)
                    .unwrap_or_default();
                names.push((job.owner_id.clone(), name.clone()));
                name
            }
        };
        refusals.push(Refusal {
            owner: UserSummary::new(job.owner_id, username),
            provider: job.provider,
            model: job.params.model,
            prompt: job.params.prompt,
            message: job.error.map(|e| e.message).unwrap_or_default(),
            at: job.finished_at.unwrap_or(job.created_at),
            job_id: job.id,
        });
    }
    Ok(RefusalsOutput { refusals, next })
}
