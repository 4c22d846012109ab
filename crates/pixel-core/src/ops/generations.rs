//! Generation operations: submitting a set (validate, reserve, enqueue), and reading, cancelling and retrying jobs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::{App, ChargePolicy};
use crate::catalogue::{validate, GenerationRequest};
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::{LedgerMove, NewSubmission};
use crate::registry::{OpKind::*, RateClass, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "generations.create",
        Write,
        "Validate, reserve credits and queue a set of images",
        generations_create,
    )
    .rate(RateClass::Generation);
    r.add(
        "generations.get",
        Read,
        "One job with its state and progress",
        generations_get,
    );
    r.add(
        "generations.list",
        Read,
        "The caller's recent jobs",
        generations_list,
    );
    r.add(
        "generations.cancel",
        Write,
        "Cancel a queued or running job (refunded)",
        generations_cancel,
    );
    r.add(
        "generations.retry",
        Write,
        "Run a failed job's request again",
        generations_retry,
    )
    .rate(RateClass::Generation);
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SubmitOutput {
    pub set: GenerationSet,
    pub jobs: Vec<Job>,
    #[ts(type = "number")]
    pub cost: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobRef {
    pub job_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub states: Option<Vec<JobState>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct JobsOutput {
    pub jobs: Vec<Job>,
}

/// Validates, reserves credits and enqueues one job per image, all in one transaction.
pub async fn generations_create(
    app: &App,
    caller: &Caller,
    input: GenerationRequest,
) -> Result<SubmitOutput> {
    let key = match input.idempotency_key.as_deref().map(str::trim) {
        Some(k) if k.is_empty() || k.chars().count() > 100 => {
            return Err(Error::invalid("an idempotency key has 1–100 characters"))
        }
        other => other.map(str::to_string),
    };
    if let Some(key) = &key {
        if let Some(earlier) = earlier_submission(app, caller, key, &input).await? {
            return Ok(earlier);
        }
    }
    let mut sub = prepare_submission(app, caller, &input, None).await?;
    sub.idempotency_key = key.clone();
    match commit_submissions(app, vec![sub]).await {
        Ok(mut out) => out
            .pop()
            .ok_or_else(|| Error::internal("a submission vanished")),
        // The same key raced in from a second connection: answer with the one that won.
        Err(e) if e.code == ErrorCode::Conflict => match &key {
            Some(key) => earlier_submission(app, caller, key, &input).await?.ok_or(e),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// The set an earlier request with this idempotency key made, as that request was answered; a
/// different request under the same key is refused rather than silently answered with the old set.
async fn earlier_submission(
    app: &App,
    caller: &Caller,
    key: &str,
    input: &GenerationRequest,
) -> Result<Option<SubmitOutput>> {
    let owner = caller.user_id()?;
    let Some(set) = app.store.sets().set_by_idempotency_key(owner, key).await? else {
        return Ok(None);
    };
    if set.params.prompt.trim() != input.prompt.trim() || set.params.model != input.model {
        return Err(Error::new(
            ErrorCode::Conflict,
            "this idempotency key was used for a different request",
        ));
    }
    let jobs = app.store.sets().set_jobs(&set.id).await?;
    Ok(Some(SubmitOutput {
        cost: set.cost,
        set,
        jobs,
    }))
}

/// Validates a request and builds its set, jobs and reservation, writing nothing yet.
pub(super) async fn prepare_submission(
    app: &App,
    caller: &Caller,
    input: &GenerationRequest,
    comparison_id: Option<&str>,
) -> Result<NewSubmission> {
    let owner = caller.user_id()?.to_string();
    let valid = validate(&app.catalogue(), input)?;
    let provider = app.provider(&valid.provider).ok_or_else(|| {
        Error::new(
            ErrorCode::ModelUnavailable,
            format!("{} is not available in this build", valid.params.model),
        )
    })?;
    if !provider.configured() {
        return Err(Error::new(
            ErrorCode::ModelUnavailable,
            format!(
                "{} is not configured: add its API key in the settings",
                provider.name()
            ),
        ));
    }
    if let Some(source) = &input.remix_of {
        let image = app
            .store
            .images()
            .get_image(source)
            .await?
            .ok_or_else(|| Error::not_found("remixed image"))?;
        if !caller.can_read(&image.owner_id, image.visibility) {
            return Err(Error::not_found("remixed image"));
        }
        if let Some(lock) = super::premium::withhold_one(app, caller, image)
            .await?
            .locked
        {
            return Err(super::premium::locked_error(&lock));
        }
    }
    if let Some(source) = &valid.params.source_image {
        // Only the caller's own still images are animated: anything else reads as not there, so a
        // request cannot probe another account's library.
        let image = app
            .store
            .images()
            .get_image(source)
            .await?
            .filter(|i| i.owner_id == owner)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::NotFound,
                    "there is no such image in your library to animate",
                )
            })?;
        if !image.mime.starts_with("image/") {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                "a video cannot be animated: choose an image",
            ));
        }
    }
    // An animated image is the clip's lineage, as a remix's source is.
    let remix_of = input
        .remix_of
        .clone()
        .or_else(|| valid.params.source_image.clone());
    let now = app.clock.now_ms();
    let charged = app.config.charging == ChargePolicy::Charge;
    let cost_per_image = if charged { valid.cost_per_image } else { 0 };
    let total = cost_per_image * i64::from(valid.n);
    let base_seed = valid.seed.unwrap_or_else(random_seed);
    let set = GenerationSet {
        id: crate::new_id(),
        owner_id: owner.clone(),
        params: valid.params.clone(),
        n: valid.n,
        cost: total,
        remix_of: remix_of.clone(),
        comparison_id: comparison_id.map(str::to_string),
        created_at: now,
        visibility: None,
    };
    let jobs: Vec<Job> = (0..valid.n)
        .map(|i| Job {
            id: crate::new_id(),
            set_id: set.id.clone(),
            owner_id: owner.clone(),
            index: i,
            state: JobState::Queued,
            provider: valid.provider.clone(),
            params: valid.params.clone(),
            seed: base_seed.wrapping_add(i),
            cost: cost_per_image,
            attempts: 0,
            max_attempts: app.config.max_attempts,
            progress: 0.0,
            error: None,
            refunded: false,
            image_id: None,
            remix_of: remix_of.clone(),
            created_at: now,
            started_at: None,
            finished_at: None,
        })
        .collect();
    let reserve = (total > 0).then(|| LedgerMove {
        kind: LedgerKind::Reserve,
        amount: -total,
        idempotency_key: format!("reserve:{}", set.id),
        memo: format!("{} x {}", valid.n, valid.params.model),
    });
    Ok(NewSubmission {
        set,
        jobs,
        reserve,
        idempotency_key: None,
    })
}

/// Writes prepared submissions in one transaction (all or none), then announces and wakes workers.
pub(super) async fn commit_submissions(
    app: &App,
    subs: Vec<NewSubmission>,
) -> Result<Vec<SubmitOutput>> {
    app.store.jobs().submit(&subs).await?;
    let mut outputs = Vec::with_capacity(subs.len());
    let mut charged_owner = None;
    for sub in subs {
        let owner = sub.set.owner_id.clone();
        app.metrics.submitted(sub.jobs.len());
        for job in &sub.jobs {
            app.events.publish(Envelope {
                audience: Audience::User(owner.clone()),
                event: Event::GenerationQueued { job: job.clone() },
            });
            app.job_ready.notify_one();
        }
        if sub.set.cost > 0 {
            charged_owner = Some(owner);
        }
        outputs.push(SubmitOutput {
            cost: sub.set.cost,
            set: sub.set,
            jobs: sub.jobs,
        });
    }
    if let Some(owner) = charged_owner {
        let balance = app.store.ledger().balance(&owner).await?;
        app.events.publish(Envelope {
            audience: Audience::User(owner),
            event: Event::BalanceChanged { balance },
        });
    }
    Ok(outputs)
}

fn random_seed() -> u32 {
    let (hi, _) = uuid::Uuid::new_v4().as_u64_pair();
    (hi >> 32) as u32
}

pub(super) async fn own_job(app: &App, caller: &Caller, job_id: &str) -> Result<Job> {
    // Jobs are never public: without an account the answer is "sign in", not "not found".
    caller.user_id()?;
    let job = app
        .store
        .jobs()
        .get_job(job_id)
        .await?
        .ok_or_else(|| Error::not_found("job"))?;
    if !caller.can_read(&job.owner_id, Visibility::Private) {
        return Err(Error::not_found("job"));
    }
    Ok(job)
}

pub async fn generations_get(app: &App, caller: &Caller, input: JobRef) -> Result<Job> {
    own_job(app, caller, &input.job_id).await
}

pub async fn generations_list(app: &App, caller: &Caller, input: JobsQuery) -> Result<JobsOutput> {
    let owner = caller.user_id()?;
    let mut states = input.states.unwrap_or_default();
    if states.len() > JobState::ALL.len() {
        return Err(Error::invalid(format!(
            "states lists at most the {} job states",
            JobState::ALL.len()
        )));
    }
    states.sort_by_key(|s| s.as_str());
    states.dedup();
    let jobs = app
        .store
        .jobs()
        .list_jobs(owner, &states, page_limit(input.limit))
        .await?;
    Ok(JobsOutput { jobs })
}

/// Cancels a queued job at once, or asks the worker running it to stop; either way it is refunded once.
pub async fn generations_cancel(app: &App, caller: &Caller, input: JobRef) -> Result<Job> {
    let job = own_job(app, caller, &input.job_id).await?;
    if job.state.is_final() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("the job already ended ({})", job.state.as_str()),
        ));
    }
    let now = app.clock.now_ms();
    let after = app
        .store
        .jobs()
        .request_cancel(&job.id, now)
        .await?
        .ok_or_else(|| Error::not_found("job"))?;
    if after.state == JobState::Cancelled {
        crate::runner::announce_end(app, &after).await;
    } else if let Ok(running) = app.running.lock() {
        if let Some(tx) = running.get(&job.id) {
            let _ = tx.send(true);
        }
    }
    Ok(after)
}

/// Runs a failed, cancelled or moderated job's request again as a new set.
pub async fn generations_retry(app: &App, caller: &Caller, input: JobRef) -> Result<SubmitOutput> {
    let job = own_job(app, caller, &input.job_id).await?;
    // A retry is charged to and filed under the caller, so only the job's owner may ask for one.
    if caller.user_id()? != job.owner_id {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only the job's owner can retry it",
        ));
    }
    if !job.state.is_final() || job.state == JobState::Succeeded {
        return Err(Error::new(
            ErrorCode::Conflict,
            "only a failed, cancelled or moderated job can be retried",
        ));
    }
    let reuse_seed = app
        .catalogue()
        .get(&job.params.model)
        .is_some_and(|m| m.seed);
    let p = job.params;
    let req = GenerationRequest {
        prompt: p.prompt,
        model: p.model,
        n: Some(1),
        width: Some(p.width),
        height: Some(p.height),
        seed: reuse_seed.then_some(i64::from(job.seed)),
        negative_prompt: p.negative_prompt,
        steps: p.steps.map(i64::from),
        cfg: p.cfg,
        quality: p.quality,
        style: p.style,
        duration: p.duration,
        source_image: p.source_image,
        remix_of: job.remix_of,
        // A retry is a new submission by intent: it must not collapse into the one that failed.
        idempotency_key: None,
    };
    generations_create(app, caller, req).await
}
