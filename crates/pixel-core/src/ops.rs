//! Operations: every verb of the product, written once, called by every transport through the registry.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::{
    hash_secret, new_secret, validate_username, AccountSettings, Session, SessionInfo, SessionKind,
};
use crate::app::{App, ChargePolicy};
use crate::catalogue::{validate, GenerationRequest, Model};
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::{ImageFilter, LedgerMove, NewSubmission, PageRequest};

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 200;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct Empty {}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CatalogueOutput {
    pub models: Vec<Model>,
    pub default_model: String,
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

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountOutput {
    pub user: User,
    #[ts(type = "number")]
    pub balance: i64,
    pub charging: bool,
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

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SessionsOutput {
    pub sessions: Vec<SessionInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub session_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct RevokeOutput {
    #[ts(type = "number")]
    pub revoked: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, shown in the list of sessions ("CI", "my laptop").
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TokenOutput {
    /// The bearer token. It is shown this once; only its hash is kept.
    pub token: String,
    pub session: SessionInfo,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetVisibility {
    pub image_ids: Vec<String>,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetVisibilityOutput {
    pub changed: Vec<String>,
}

/// An image made elsewhere (the desktop's local library) published to this server with its record.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishImage {
    /// The original file (PNG, JPEG or WebP), base64-encoded; at most 20 MB decoded.
    pub image_base64: String,
    /// The generation record it was made with; ids are replaced by this server's.
    pub record: GenerationRecord,
    /// Defaults to the account's default visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub visibility: Option<Visibility>,
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

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRef {
    pub set_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetDetail {
    pub set: GenerationSet,
    pub jobs: Vec<Job>,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetsOutput {
    pub sets: Vec<GenerationSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    pub image_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImagesQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub from: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub to: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub set_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImagesOutput {
    pub images: Vec<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteImages {
    pub image_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeleteOutput {
    pub deleted: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct LedgerOutput {
    pub entries: Vec<LedgerEntry>,
    #[ts(type = "number")]
    pub balance: i64,
}

fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

/// Cursors are `<created_at>.<id>`: stable under inserts, no deep offsets.
fn parse_cursor(cursor: Option<&str>) -> Result<Option<(Millis, String)>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let (ts, id) = c
        .split_once('.')
        .ok_or_else(|| Error::invalid("malformed cursor"))?;
    let ts: Millis = ts.parse().map_err(|_| Error::invalid("malformed cursor"))?;
    Ok(Some((ts, id.to_string())))
}

fn cursor_of(created_at: Millis, id: &str) -> String {
    format!("{created_at}.{id}")
}

pub async fn catalogue_list(app: &App, _caller: &Caller, _input: Empty) -> Result<CatalogueOutput> {
    Ok(CatalogueOutput {
        models: app.catalogue.models().to_vec(),
        default_model: app.default_model(),
    })
}

pub async fn providers_list(app: &App, _caller: &Caller, _input: Empty) -> Result<ProvidersOutput> {
    let mut providers: Vec<ProviderStatus> = app
        .providers()
        .iter()
        .map(|p| ProviderStatus {
            id: p.id().to_string(),
            name: p.name().to_string(),
            configured: p.configured(),
            offline: p.id() == "local",
        })
        .collect();
    providers.sort_by(|a, b| b.offline.cmp(&a.offline).then(a.name.cmp(&b.name)));
    Ok(ProvidersOutput { providers })
}

pub async fn account_get(app: &App, caller: &Caller, _input: Empty) -> Result<AccountOutput> {
    let id = caller.user_id()?;
    let user = app
        .store
        .get_user(id)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let balance = app.store.balance(id).await?;
    let settings = app.store.account_settings(id).await?;
    Ok(AccountOutput {
        user,
        balance,
        charging: app.config.charging == ChargePolicy::Charge,
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
            .update_account(id, username, input.settings.as_ref())
            .await?;
    }
    account_get(app, caller, Empty {}).await
}

pub async fn sessions_list(app: &App, caller: &Caller, _input: Empty) -> Result<SessionsOutput> {
    let id = caller.user_id()?;
    let now = app.clock.now_ms();
    let sessions = app.store.list_sessions(id, now).await?;
    Ok(SessionsOutput {
        sessions: sessions
            .iter()
            .map(|s| s.info(caller.session_id()))
            .collect(),
    })
}

pub async fn sessions_revoke(
    app: &App,
    caller: &Caller,
    input: SessionRef,
) -> Result<RevokeOutput> {
    let id = caller.user_id()?;
    let now = app.clock.now_ms();
    if !app.store.revoke_session(id, &input.session_id, now).await? {
        return Err(Error::not_found("session"));
    }
    Ok(RevokeOutput { revoked: 1 })
}

/// Signs the account out everywhere: every browser session and every token, this one included.
pub async fn sessions_revoke_all(
    app: &App,
    caller: &Caller,
    _input: Empty,
) -> Result<RevokeOutput> {
    let id = caller.user_id()?;
    let revoked = app.store.revoke_sessions(id, app.clock.now_ms()).await?;
    Ok(RevokeOutput { revoked })
}

/// Mints a session of the caller's account. Browser sign-in and the desktop exchange use it too.
pub async fn open_session(
    app: &App,
    user_id: &str,
    kind: SessionKind,
    label: &str,
) -> Result<(String, Session)> {
    let now = app.clock.now_ms();
    let ttl = match kind {
        SessionKind::Browser => app.config.session_ttl,
        SessionKind::Token => app.config.token_ttl,
    };
    let secret = new_secret(match kind {
        SessionKind::Browser => "pss_",
        SessionKind::Token => "pst_",
    })?;
    let session = Session {
        id: crate::new_id(),
        user_id: user_id.to_string(),
        kind,
        label: label.chars().take(80).collect(),
        csrf_token: new_secret("")?,
        created_at: now,
        last_used_at: now,
        expires_at: now.saturating_add(ttl.as_millis() as i64),
    };
    app.store
        .create_session(&session, &hash_secret(&secret))
        .await?;
    Ok((secret, session))
}

pub async fn tokens_create(app: &App, caller: &Caller, input: NewToken) -> Result<TokenOutput> {
    let id = caller.user_id()?;
    let label = input.label.trim();
    if label.is_empty() || label.chars().count() > 80 {
        return Err(Error::invalid("a token needs a label of 1–80 characters"));
    }
    let (token, session) = open_session(app, id, SessionKind::Token, label).await?;
    Ok(TokenOutput {
        token,
        session: session.info(caller.session_id()),
    })
}

pub async fn images_set_visibility(
    app: &App,
    caller: &Caller,
    input: SetVisibility,
) -> Result<SetVisibilityOutput> {
    let owner = caller.user_id()?;
    if input.image_ids.is_empty() || input.image_ids.len() > 500 {
        return Err(Error::invalid("give 1–500 image ids"));
    }
    let changed = app
        .store
        .set_images_visibility(owner, &input.image_ids, input.visibility)
        .await?;
    Ok(SetVisibilityOutput { changed })
}

/// Validates, reserves credits and enqueues one job per image, all in one transaction.
pub async fn generations_create(
    app: &App,
    caller: &Caller,
    input: GenerationRequest,
) -> Result<SubmitOutput> {
    let sub = prepare_submission(app, caller, &input, None).await?;
    let mut out = commit_submissions(app, vec![sub]).await?;
    out.pop()
        .ok_or_else(|| Error::internal("a submission vanished"))
}

/// Validates a request and builds its set, jobs and reservation, writing nothing yet.
async fn prepare_submission(
    app: &App,
    caller: &Caller,
    input: &GenerationRequest,
    comparison_id: Option<&str>,
) -> Result<NewSubmission> {
    let owner = caller.user_id()?.to_string();
    let valid = validate(&app.catalogue, input)?;
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
            .get_image(source)
            .await?
            .ok_or_else(|| Error::not_found("remixed image"))?;
        if !caller.can_read(&image.owner_id, image.visibility) {
            return Err(Error::not_found("remixed image"));
        }
    }
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
        remix_of: input.remix_of.clone(),
        comparison_id: comparison_id.map(str::to_string),
        created_at: now,
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
            remix_of: input.remix_of.clone(),
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
    Ok(NewSubmission { set, jobs, reserve })
}

/// Writes prepared submissions in one transaction (all or none), then announces and wakes workers.
async fn commit_submissions(app: &App, subs: Vec<NewSubmission>) -> Result<Vec<SubmitOutput>> {
    app.store.submit(&subs).await?;
    let mut outputs = Vec::with_capacity(subs.len());
    let mut charged_owner = None;
    for sub in subs {
        let owner = sub.set.owner_id.clone();
        app.metrics.submitted(sub.jobs.len());
        for job in &sub.jobs {
            app.events.publish(Envelope {
                user_id: owner.clone(),
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
        let balance = app.store.balance(&owner).await?;
        app.events.publish(Envelope {
            user_id: owner,
            event: Event::BalanceChanged { balance },
        });
    }
    Ok(outputs)
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
                .filter(|_| app.catalogue.get(model).is_some_and(|m| m.seed)),
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

fn random_seed() -> u32 {
    let (hi, _) = uuid::Uuid::new_v4().as_u64_pair();
    (hi >> 32) as u32
}

async fn own_job(app: &App, caller: &Caller, job_id: &str) -> Result<Job> {
    // Jobs are never public: without an account the answer is "sign in", not "not found".
    caller.user_id()?;
    let job = app
        .store
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
    let states = input.states.unwrap_or_default();
    let jobs = app
        .store
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
    let reuse_seed = app.catalogue.get(&job.params.model).is_some_and(|m| m.seed);
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
        remix_of: job.remix_of,
    };
    generations_create(app, caller, req).await
}

pub async fn sets_get(app: &App, caller: &Caller, input: SetRef) -> Result<SetDetail> {
    caller.user_id()?;
    let set = app
        .store
        .get_set(&input.set_id)
        .await?
        .ok_or_else(|| Error::not_found("set"))?;
    if !caller.can_read(&set.owner_id, Visibility::Private) {
        return Err(Error::not_found("set"));
    }
    let jobs = app.store.set_jobs(&set.id).await?;
    let filter = ImageFilter {
        set_id: Some(set.id.clone()),
        ..Default::default()
    };
    let mut images = app
        .store
        .list_images(
            &set.owner_id,
            &filter,
            &PageRequest {
                before: None,
                limit: MAX_PAGE,
            },
        )
        .await?;
    images.sort_by_key(|i| i.record.index);
    Ok(SetDetail { set, jobs, images })
}

pub async fn sets_list(app: &App, caller: &Caller, input: PageQuery) -> Result<SetsOutput> {
    let owner = caller.user_id()?;
    let limit = page_limit(input.limit);
    let page = PageRequest {
        before: parse_cursor(input.before.as_deref())?,
        limit,
    };
    let sets = app.store.list_sets(owner, &page).await?;
    let next = (sets.len() as u32 == limit)
        .then(|| sets.last().map(|s| cursor_of(s.created_at, &s.id)))
        .flatten();
    Ok(SetsOutput { sets, next })
}

pub async fn images_get(app: &App, caller: &Caller, input: ImageRef) -> Result<Image> {
    let image = app
        .store
        .get_image(&input.image_id)
        .await?
        .ok_or_else(|| Error::not_found("image"))?;
    if !caller.can_read(&image.owner_id, image.visibility) {
        return Err(Error::not_found("image"));
    }
    Ok(image)
}

pub async fn images_list(app: &App, caller: &Caller, input: ImagesQuery) -> Result<ImagesOutput> {
    let owner = caller.user_id()?;
    let limit = page_limit(input.limit);
    let page = PageRequest {
        before: parse_cursor(input.before.as_deref())?,
        limit,
    };
    let text = input
        .text
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(Error::invalid("the search text is over 200 characters"));
    }
    let filter = ImageFilter {
        model: input.model,
        text,
        from: input.from,
        to: input.to,
        set_id: input.set_id,
    };
    let images = app.store.list_images(owner, &filter, &page).await?;
    let next = (images.len() as u32 == limit)
        .then(|| images.last().map(|i| cursor_of(i.created_at, &i.id)))
        .flatten();
    Ok(ImagesOutput { images, next })
}

pub async fn images_delete(
    app: &App,
    caller: &Caller,
    input: DeleteImages,
) -> Result<DeleteOutput> {
    let owner = caller.user_id()?;
    if input.image_ids.is_empty() || input.image_ids.len() > 500 {
        return Err(Error::invalid("give 1–500 image ids"));
    }
    let deleted = app.store.delete_images(owner, &input.image_ids).await?;
    Ok(DeleteOutput { deleted })
}

pub async fn ledger_list(app: &App, caller: &Caller, input: LedgerQuery) -> Result<LedgerOutput> {
    let owner = caller.user_id()?;
    let entries = app
        .store
        .ledger_entries(owner, page_limit(input.limit))
        .await?;
    let balance = app.store.balance(owner).await?;
    Ok(LedgerOutput { entries, balance })
}

/// A PNG made by another tool, to read its generation record from.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The PNG file, base64-encoded.
    pub png_base64: String,
}

/// A generation record found in a PNG (AUTOMATIC1111, ComfyUI or InvokeAI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportedRecord {
    /// `a1111`, `comfyui` or `invokeai`.
    pub source: String,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub seed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub steps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cfg: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sampler: Option<String>,
    /// The checkpoint or model name the other tool used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImportOutput {
    pub record: ImportedRecord,
    /// A request that generates again with this record, on a model this installation can run.
    pub request: GenerationRequest,
    /// Parts of the record the chosen model cannot use, in words (nothing is dropped silently).
    pub dropped: Vec<String>,
}

/// Largest PNG accepted for import (base64 characters).
const MAX_IMPORT_B64: usize = 40 * 1024 * 1024;

/// Reads the generation record embedded in a PNG and maps it onto a model this installation runs.
pub async fn records_import(
    app: &App,
    caller: &Caller,
    input: ImportRequest,
) -> Result<ImportOutput> {
    caller.user_id()?;
    if input.png_base64.len() > MAX_IMPORT_B64 {
        return Err(Error::invalid("the PNG is larger than 30 MB"));
    }
    use base64::Engine;
    let b64 = input
        .png_base64
        .split_once("base64,")
        .map_or(input.png_base64.as_str(), |(_, b)| b);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| Error::invalid("the file is not valid base64"))?;
    let media = app.media.clone();
    let record = tokio::task::spawn_blocking(move || media.read_record(&bytes))
        .await
        .map_err(Error::internal)??
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "this PNG carries no generation record from AUTOMATIC1111, ComfyUI or InvokeAI",
            )
        })?;
    let engine = app
        .catalogue
        .get(&record.source)
        .filter(|m| app.provider(&m.provider).is_some_and(|p| p.configured()));
    let model_id = engine
        .map(|m| m.id.clone())
        .unwrap_or_else(|| app.default_model());
    let mut dropped = vec![];
    let mut request = GenerationRequest {
        prompt: record.prompt.clone(),
        model: model_id,
        ..Default::default()
    };
    // Each part is kept only if the chosen model accepts it; what it cannot use is named.
    let mut try_part =
        |request: &mut GenerationRequest, apply: &dyn Fn(&mut GenerationRequest), what: String| {
            let mut candidate = request.clone();
            apply(&mut candidate);
            if validate(&app.catalogue, &candidate).is_ok() {
                *request = candidate;
            } else {
                dropped.push(what);
            }
        };
    if let Some(np) = record.negative_prompt.clone() {
        try_part(
            &mut request,
            &move |r| r.negative_prompt = Some(np.clone()),
            "negative prompt".into(),
        );
    }
    if let (Some(w), Some(h)) = (record.width, record.height) {
        try_part(
            &mut request,
            &move |r| {
                r.width = Some(w);
                r.height = Some(h);
            },
            format!("size {w}x{h}"),
        );
    }
    if let Some(seed) = record.seed {
        try_part(
            &mut request,
            &move |r| r.seed = Some(seed),
            format!("seed {seed}"),
        );
    }
    if let Some(steps) = record.steps {
        try_part(
            &mut request,
            &move |r| r.steps = Some(i64::from(steps)),
            format!("{steps} steps"),
        );
    }
    if let Some(cfg) = record.cfg {
        try_part(
            &mut request,
            &move |r| r.cfg = Some(cfg),
            format!("CFG scale {cfg}"),
        );
    }
    if let Some(sampler) = &record.sampler {
        dropped.push(format!("sampler {sampler}"));
    }
    if let Some(model) = &record.model {
        dropped.push(format!("checkpoint {model}"));
    }
    validate(&app.catalogue, &request)?;
    Ok(ImportOutput {
        record,
        request,
        dropped,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProviderHealthStatus {
    pub id: String,
    pub name: String,
    pub configured: bool,
    pub offline: bool,
    pub health: crate::ports::ProviderHealth,
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
    let checks = app.providers().into_iter().map(|p| async move {
        let health = if p.configured() {
            tokio::time::timeout(HEALTH_TIMEOUT, p.health())
                .await
                .unwrap_or_else(|_| crate::ports::ProviderHealth {
                    reachable: Some(false),
                    balance: None,
                    message: Some(format!("no answer within {} s", HEALTH_TIMEOUT.as_secs())),
                })
        } else {
            crate::ports::ProviderHealth::default()
        };
        ProviderHealthStatus {
            id: p.id().to_string(),
            name: p.name().to_string(),
            configured: p.configured(),
            offline: p.id() == "local",
            health,
        }
    });
    let mut providers = futures_util::future::join_all(checks).await;
    providers.sort_by(|a, b| b.offline.cmp(&a.offline).then(a.name.cmp(&b.name)));
    Ok(ProvidersHealthOutput { providers })
}

/// Largest image `images.publish` accepts.
pub const MAX_PUBLISH_BYTES: usize = 20 * 1024 * 1024;

/// Publishes an image generated elsewhere (the desktop) as a finished one-image set of the caller's,
/// keeping its record. Nothing is charged: it was made with the publisher's own means.
pub async fn images_publish(app: &App, caller: &Caller, input: PublishImage) -> Result<Image> {
    use base64::Engine;
    let owner = caller.user_id()?.to_string();
    if input.image_base64.len() > MAX_PUBLISH_BYTES / 3 * 4 + 4 {
        return Err(Error::invalid("the image is over 20 MB"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.image_base64.trim())
        .map_err(|_| Error::invalid("image_base64 is not valid base64"))?;
    let record = input.record;
    let prompt_chars = record.params.prompt.chars().count();
    if prompt_chars == 0 || prompt_chars > 4000 {
        return Err(Error::new(
            ErrorCode::InvalidPrompt,
            "a published image's record needs a prompt of 1–4000 characters",
        ));
    }
    if record.model.trim().is_empty() || record.model.len() > 100 {
        return Err(Error::invalid(
            "the record needs a model id of at most 100 characters",
        ));
    }
    let crate::runner::StoredMedia {
        processed,
        bytes,
        sha256,
        thumb_key,
    } = crate::runner::store_media(app, bytes, |e| {
        Error::invalid(format!(
            "the file is not an image this server can read: {}",
            e.message
        ))
    })
    .await?;
    let visibility = match input.visibility {
        Some(v) => v,
        None => app.store.account_settings(&owner).await?.default_visibility,
    };
    let now = app.clock.now_ms();
    let set = GenerationSet {
        id: crate::new_id(),
        owner_id: owner.clone(),
        params: record.params.clone(),
        n: 1,
        cost: 0,
        remix_of: None,
        comparison_id: None,
        created_at: now,
    };
    let job = Job {
        id: crate::new_id(),
        set_id: set.id.clone(),
        owner_id: owner.clone(),
        index: 0,
        state: JobState::Queued,
        provider: record.provider.clone(),
        params: record.params.clone(),
        seed: record.seed,
        cost: 0,
        attempts: 1,
        max_attempts: 1,
        progress: 1.0,
        error: None,
        refunded: false,
        image_id: None,
        remix_of: None,
        created_at: now,
        started_at: Some(now),
        finished_at: Some(now),
    };
    let id = crate::new_id();
    let (url, thumb_url) = crate::media_urls(&id);
    let image = Image {
        id,
        owner_id: owner,
        set_id: set.id.clone(),
        job_id: job.id.clone(),
        visibility,
        mime: processed.mime,
        width: processed.width,
        height: processed.height,
        bytes: bytes.len() as i64,
        sha256,
        thumb_sha256: thumb_key,
        placeholder: processed.placeholder,
        url,
        thumb_url,
        record: GenerationRecord {
            cost: 0,
            remix_of: None,
            set_id: set.id.clone(),
            job_id: job.id.clone(),
            index: 0,
            ..record
        },
        created_at: now,
    };
    app.store
        .insert_finished(
            &NewSubmission {
                set,
                jobs: vec![job],
                reserve: None,
            },
            &image,
        )
        .await?;
    Ok(image)
}
