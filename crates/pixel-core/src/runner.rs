//! The job runner: a pool of in-process workers over the durable jobs table, with leases, heartbeats,
//! retries with backoff, cancel, crash recovery and graceful shutdown.

use async_trait::async_trait;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode};
use crate::ports::{
    JobContext, JobOutcome, LeaseStatus, ProviderError, ProviderOutput, ProviderRequest,
};

/// Counters for the metrics endpoint.
#[derive(Default)]
pub struct Metrics {
    pub jobs_submitted: AtomicU64,
    pub jobs_started: AtomicU64,
    pub jobs_retried: AtomicU64,
    pub jobs_succeeded: AtomicU64,
    pub jobs_failed: AtomicU64,
    pub jobs_cancelled: AtomicU64,
    pub jobs_moderated: AtomicU64,
    pub jobs_recovered: AtomicU64,
    /// Sum of submit-to-finish milliseconds of succeeded jobs.
    pub job_ms_sum: AtomicU64,
}

impl Metrics {
    pub fn submitted(&self, n: usize) {
        self.jobs_submitted.fetch_add(n as u64, Ordering::Relaxed);
    }
    fn ended(&self, job: &Job) {
        let counter = match job.state {
            JobState::Succeeded => &self.jobs_succeeded,
            JobState::Failed => &self.jobs_failed,
            JobState::Cancelled => &self.jobs_cancelled,
            JobState::Moderated => &self.jobs_moderated,
            JobState::Queued | JobState::Running => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let (JobState::Succeeded, Some(done)) = (job.state, job.finished_at) {
            self.job_ms_sum
                .fetch_add((done - job.created_at).max(0) as u64, Ordering::Relaxed);
        }
    }
}

/// A running pool; dropping it does not stop the workers, `shutdown` does.
pub struct Runner {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
    app: App,
    worker_prefix: String,
}

impl Runner {
    /// Recovers jobs a previous process left running, then starts the workers and the lease reaper.
    pub async fn start(app: &App) -> crate::Result<Runner> {
        let worker_prefix = format!("node-{}", crate::new_id());
        recover_expired(app, &worker_prefix, app.store.single_node()).await?;
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for i in 0..app.config.workers.max(1) {
            let worker = format!("{worker_prefix}-w{i}");
            tasks.spawn(worker_loop(app.clone(), worker, stop_rx.clone()));
        }
        tasks.spawn(reaper_loop(
            app.clone(),
            format!("{worker_prefix}-reaper"),
            stop_rx.clone(),
        ));
        tasks.spawn(trending_loop(app.clone(), stop_rx.clone()));
        tasks.spawn(catalogue_refresh_loop(app.clone(), stop_rx.clone()));
        tasks.spawn(blob_sweep_loop(app.clone(), stop_rx.clone()));
        tasks.spawn(balance_check_loop(app.clone(), stop_rx));
        Ok(Runner {
            stop,
            tasks,
            app: app.clone(),
            worker_prefix,
        })
    }

    /// Stops claiming work, lets running jobs finish within `grace`, and puts any still running back
    /// in the queue so the next start runs them: no job is lost.
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::sleep(grace);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                next = self.tasks.join_next() => if next.is_none() { break },
                _ = &mut deadline => {
                    tracing::warn!("shutdown grace period over; releasing running jobs");
                    self.tasks.abort_all();
                    while self.tasks.join_next().await.is_some() {}
                    break;
                }
            }
        }
        match self.app.queue.release(&self.worker_prefix).await {
            Ok(n) if n > 0 => {
                tracing::info!(released = n, "released running jobs back to the queue")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "could not release running jobs"),
        }
    }
}

/// Ranks trending again every `trending_every` (each node does; a ranking replaces the last in one
/// transaction, so two nodes ranking at once leave one whole ranking).
async fn trending_loop(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = crate::social::refresh_trending(&app).await {
            tracing::warn!(error = %e.message, "could not rank trending images");
        }
        tokio::select! {
            _ = tokio::time::sleep(app.config.trending_every) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Reads the admins' model settings again every `catalogue_refresh_every`, so a change made on another
/// node sharing the database reaches this one too.
async fn catalogue_refresh_loop(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(app.config.catalogue_refresh_every) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = app.reload_catalogue().await {
            tracing::warn!(error = %e.message, "could not read the model settings again");
        }
    }
}

/// Deletes media nobody uses any more every `blob_sweep_every` (see `ops::storage::sweep_blobs`).
async fn blob_sweep_loop(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(app.config.blob_sweep_every) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = crate::ops::storage::sweep_blobs(&app, app.config.blob_grace).await {
            tracing::warn!(error = %e.message, "could not sweep unused media");
        }
    }
}

/// Checks the balances admins asked to be warned about every `balance_check_every`
/// (see `ops::provider_alerts`).
async fn balance_check_loop(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = crate::ops::provider_alerts::check_balances(&app).await {
            tracing::warn!(error = %e.message, "could not check provider balances");
        }
        tokio::select! {
            _ = tokio::time::sleep(app.config.balance_check_every) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn worker_loop(app: App, worker: String, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        let now = app.clock.now_ms();
        let lease_until = now + app.config.lease.as_millis() as i64;
        // Take a slot of every provider that has one before claiming, and claim only among those:
        // a job is never marked running while its provider is at its limit. The slots not needed are
        // given back right after the claim.
        let mut slots = Vec::new();
        let mut saturated = Vec::new();
        for (id, limit) in &app.limits {
            match limit.clone().try_acquire_owned() {
                Ok(permit) => slots.push((id.clone(), permit)),
                Err(_) => saturated.push(id.clone()),
            }
        }
        match app.queue.claim(&worker, now, lease_until, &saturated).await {
            Ok(Some(job)) => {
                let permit = slots
                    .iter()
                    .position(|(id, _)| *id == job.provider)
                    .map(|i| slots.swap_remove(i).1);
                drop(slots);
                // Slots this worker held briefly may have made another worker skip a provider.
                app.job_ready.notify_one();
                run_job(&app, &worker, job).await;
                drop(permit);
                app.job_ready.notify_one();
            }
            Ok(None) => {
                drop(slots);
                tokio::select! {
                    _ = app.job_ready.notified() => {}
                    _ = tokio::time::sleep(app.config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming a job failed");
                tokio::time::sleep(app.config.poll_interval).await;
            }
        }
    }
}

async fn reaper_loop(app: App, worker: String, mut stop: watch::Receiver<bool>) {
    let every = (app.config.lease / 2).max(Duration::from_millis(200));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = recover_expired(&app, &worker, false).await {
            tracing::error!(error = %e, "lease recovery failed");
        }
    }
}

/// Puts jobs whose worker died back in the queue (or fails and refunds them when out of attempts).
async fn recover_expired(app: &App, worker: &str, all: bool) -> crate::Result<()> {
    let now = app.clock.now_ms();
    let until = now + app.config.lease.as_millis() as i64;
    for job in app.queue.reap(worker, now, until, all).await? {
        app.metrics.jobs_recovered.fetch_add(1, Ordering::Relaxed);
        let error = Error::new(ErrorCode::Timeout, "the worker running this job stopped");
        if job.attempts < job.max_attempts {
            tracing::info!(job = %job.id, "requeueing a job whose worker stopped");
            app.queue.requeue(&job.id, worker, now, &error).await?;
            app.job_ready.notify_one();
        } else {
            let outcome = JobOutcome::Ended {
                state: JobState::Failed,
                error,
            };
            if let Some(done) = app
                .store
                .jobs()
                .finish_job(&job.id, Some(worker), &outcome, now)
                .await?
            {
                announce_end(app, &done).await;
            }
        }
    }
    Ok(())
}

/// Publishes the end of a job (and the balance after a refund) to its owner.
pub async fn announce_end(app: &App, job: &Job) {
    app.metrics.ended(job);
    if job.state != JobState::Succeeded {
        app.events.publish(Envelope {
            audience: Audience::User(job.owner_id.clone()),
            event: Event::GenerationFailed { job: job.clone() },
        });
    }
    if job.refunded && job.cost > 0 {
        if let Ok(balance) = app.store.ledger().balance(&job.owner_id).await {
            app.events.publish(Envelope {
                audience: Audience::User(job.owner_id.clone()),
                event: Event::BalanceChanged { balance },
            });
        }
    }
    tell_set_finished(app, job).await;
}

/// Once every job of a set has ended with at least one image, its owner is told once: the key makes
/// the notice idempotent when two workers end a set's last jobs together.
async fn tell_set_finished(app: &App, job: &Job) {
    let jobs = match app.store.sets().set_jobs(&job.set_id).await {
        Ok(jobs) => jobs,
        Err(e) => {
            tracing::warn!(set = %job.set_id, error = %e.message, "could not read the set's jobs");
            return;
        }
    };
    if !jobs.iter().all(|j| j.state.is_final()) {
        return;
    }
    let Some(first) = jobs.iter().filter_map(|j| j.image_id.as_deref()).next() else {
        return;
    };
    crate::social::notify(
        app,
        crate::social::Notice {
            image_id: Some(first),
            key: Some(format!("generation-completed-{}", job.set_id)),
            ..crate::social::Notice::to(
                &job.owner_id,
                crate::social::NotificationKind::GenerationCompleted,
            )
        },
    )
    .await;
}

struct RunContext {
    app: App,
    job_id: String,
    set_id: String,
    owner: String,
    worker: String,
    cancel: watch::Receiver<bool>,
    last_saved: Mutex<Instant>,
}

#[async_trait]
impl JobContext for RunContext {
    async fn progress(&self, fraction: f32) {
        let fraction = fraction.clamp(0.0, 1.0);
        self.app.events.publish(Envelope {
            audience: Audience::User(self.owner.clone()),
            event: Event::GenerationProgress {
                job_id: self.job_id.clone(),
                set_id: self.set_id.clone(),
                progress: fraction,
                emitted_at_us: crate::now_us(),
            },
        });
        // Progress is for clients that connect late; writing every tick would only load the store.
        let save = match self.last_saved.lock() {
            Ok(mut last) => {
                let due = last.elapsed() >= Duration::from_millis(500);
                if due {
                    *last = Instant::now();
                }
                due
            }
            Err(_) => false,
        };
        if save {
            if let Err(e) = self
                .app
                .store
                .jobs()
                .set_progress(&self.job_id, fraction)
                .await
            {
                tracing::warn!(error = %e, "could not save progress");
            }
        }
    }

    async fn remote_handle(&self, handle: &str) {
        if let Err(e) = self
            .app
            .store
            .jobs()
            .set_remote_handle(&self.job_id, &self.worker, handle)
            .await
        {
            tracing::warn!(error = %e, job = %self.job_id, "could not save the provider handle");
        }
    }

    async fn cancelled(&self) {
        let mut rx = self.cancel.clone();
        while !*rx.borrow_and_update() {
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

enum Attempt {
    Done(Box<ProviderOutput>),
    Failed(ProviderError),
    LeaseLost,
}

async fn run_job(app: &App, worker: &str, job: Job) {
    app.metrics.jobs_started.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let (cancel_tx, cancel_rx) = watch::channel(false);
    if let Ok(mut running) = app.running.lock() {
        running.insert(job.id.clone(), cancel_tx.clone());
    }
    app.events.publish(Envelope {
        audience: Audience::User(job.owner_id.clone()),
        event: Event::GenerationStarted { job: job.clone() },
    });

    let ctx = RunContext {
        app: app.clone(),
        job_id: job.id.clone(),
        set_id: job.set_id.clone(),
        owner: job.owner_id.clone(),
        worker: worker.to_string(),
        cancel: cancel_rx,
        // Short jobs never write progress: the first save waits until the job has run a while.
        last_saved: Mutex::new(Instant::now()),
    };
    let attempt = attempt_job(app, worker, &job, &ctx, &cancel_tx).await;
    let provider_ms = started.elapsed().as_millis() as i64;
    let cancelled = *ctx.cancel.borrow();
    let now = app.clock.now_ms();

    let outcome = match attempt {
        Attempt::LeaseLost => {
            tracing::warn!(job = %job.id, "lost the lease; another node owns this job now");
            None
        }
        _ if cancelled => Some(JobOutcome::Ended {
            state: JobState::Cancelled,
            error: Error::new(ErrorCode::Cancelled, "cancelled"),
        }),
        Attempt::Done(output) => match store_output(app, &job, *output, provider_ms).await {
            Ok(image) => Some(JobOutcome::Succeeded {
                image: Box::new(image),
            }),
            Err(error) => {
                let state = if error.code == ErrorCode::Moderated {
                    JobState::Moderated
                } else {
                    JobState::Failed
                };
                Some(JobOutcome::Ended { state, error })
            }
        },
        Attempt::Failed(err) => decide_failure(app, worker, &job, err, now).await,
    };
    if let Ok(mut running) = app.running.lock() {
        running.remove(&job.id);
    }
    let Some(outcome) = outcome else { return };
    match app
        .store
        .jobs()
        .finish_job(&job.id, Some(worker), &outcome, now)
        .await
    {
        Ok(Some(done)) => {
            if let JobOutcome::Succeeded { image } = &outcome {
                // Before the completion is told, so whoever sees the image sees what it earned.
                crate::ops::achievements::award(
                    app,
                    &done.owner_id,
                    &[crate::ops::achievements::AchievementKind::Generations],
                )
                .await;
                app.events.publish(Envelope {
                    audience: Audience::User(done.owner_id.clone()),
                    event: Event::GenerationCompleted {
                        job: done.clone(),
                        image: image.clone(),
                        emitted_at_us: crate::now_us(),
                    },
                });
            }
            announce_end(app, &done).await;
        }
        Ok(None) => {
            tracing::warn!(job = %job.id, "job ended elsewhere before this worker finished it")
        }
        Err(e) => tracing::error!(job = %job.id, error = %e, "could not record the end of a job"),
    }
}

/// Reads the library image a job animates, if it names one. Deleted since the job was queued, the
/// job cannot run: it fails (and is refunded) saying so.
async fn source_image(
    app: &App,
    job: &Job,
) -> Result<Option<crate::ports::SourceImage>, ProviderError> {
    let Some(id) = &job.params.source_image else {
        return Ok(None);
    };
    let unreadable = |e: Error| ProviderError::Retryable {
        message: format!("the image to animate could not be read: {}", e.message),
        retry_after: None,
    };
    let gone = || ProviderError::Rejected {
        message: "the image to animate was deleted before the clip was made".into(),
    };
    let image = app
        .store
        .images()
        .get_image(id)
        .await
        .map_err(unreadable)?
        .filter(|i| i.owner_id == job.owner_id)
        .ok_or_else(gone)?;
    let bytes = app
        .blobs
        .get(&image.sha256)
        .await
        .map_err(unreadable)?
        .ok_or_else(gone)?;
    let link = crate::links::source_link(app, id)
        .await
        .map_err(unreadable)?;
    Ok(Some(crate::ports::SourceImage {
        bytes,
        mime: image.mime,
        width: image.width,
        height: image.height,
        link,
    }))
}

async fn attempt_job(
    app: &App,
    worker: &str,
    job: &Job,
    ctx: &RunContext,
    cancel_tx: &watch::Sender<bool>,
) -> Attempt {
    let Some(provider) = app.provider(&job.provider) else {
        return Attempt::Failed(ProviderError::NotConfigured {
            message: format!("provider {} is not available", job.provider),
        });
    };
    let source_image = match source_image(app, job).await {
        Ok(source) => source,
        Err(e) => return Attempt::Failed(e),
    };
    let resume_handle = app.store.jobs().remote_handle(&job.id).await.ok().flatten();
    let req = ProviderRequest {
        job_id: job.id.clone(),
        params: job.params.clone(),
        seed: job.seed,
        resume_handle,
        provider_model: app
            .catalogue()
            .get(&job.params.model)
            .and_then(|m| m.provider_model.clone()),
        source_image,
    };
    let heartbeat = heartbeat(app, worker, &job.id, cancel_tx);
    let call = tokio::time::timeout(app.config.provider_timeout, provider.generate(&req, ctx));
    tokio::select! {
        _ = heartbeat => Attempt::LeaseLost,
        result = call => match result {
            Ok(Ok(out)) => Attempt::Done(Box::new(out)),
            Ok(Err(e)) => Attempt::Failed(e),
            Err(_) => Attempt::Failed(ProviderError::Timeout {
                message: format!("no result after {} s", app.config.provider_timeout.as_secs()),
            }),
        },
        _ = ctx.cancelled() => Attempt::Failed(ProviderError::Cancelled),
    }
}

/// Renews the lease until it is lost (then returns); forwards cancel requests made on other nodes.
async fn heartbeat(app: &App, worker: &str, job_id: &str, cancel_tx: &watch::Sender<bool>) {
    let every = (app.config.lease / 3).max(Duration::from_millis(100));
    loop {
        tokio::time::sleep(every).await;
        let until = app.clock.now_ms() + app.config.lease.as_millis() as i64;
        match app.queue.heartbeat(job_id, worker, until).await {
            Ok(LeaseStatus::Held { cancel_requested }) => {
                if cancel_requested {
                    let _ = cancel_tx.send(true);
                }
            }
            Ok(LeaseStatus::Lost) => return,
            Err(e) => tracing::warn!(error = %e, "lease renewal failed"),
        }
    }
}

/// Retries a temporary failure with backoff while attempts remain; otherwise ends the job.
async fn decide_failure(
    app: &App,
    worker: &str,
    job: &Job,
    err: ProviderError,
    now: Millis,
) -> Option<JobOutcome> {
    let (state, code, retry_after) = match &err {
        ProviderError::Retryable { retry_after, .. } => (
            JobState::Failed,
            ErrorCode::ProviderError,
            Some(*retry_after),
        ),
        ProviderError::Timeout { .. } => (JobState::Failed, ErrorCode::Timeout, Some(None)),
        ProviderError::Rejected { .. } => (JobState::Failed, ErrorCode::ProviderRejected, None),
        ProviderError::Moderated { .. } => (JobState::Moderated, ErrorCode::Moderated, None),
        ProviderError::NotConfigured { .. } => {
            (JobState::Failed, ErrorCode::ModelUnavailable, None)
        }
        ProviderError::Cancelled => (JobState::Cancelled, ErrorCode::Cancelled, None),
    };
    let error = Error::new(code, err.to_string());
    if let Some(retry_after) = retry_after {
        if job.attempts < job.max_attempts {
            let backoff = backoff(app, job.attempts, retry_after);
            let run_after = now + backoff.as_millis() as i64;
            tracing::info!(job = %job.id, attempt = job.attempts, ?backoff, error = %error, "retrying");
            match app.queue.requeue(&job.id, worker, run_after, &error).await {
                Ok(true) => {
                    app.metrics.jobs_retried.fetch_add(1, Ordering::Relaxed);
                    let app = app.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(backoff).await;
                        app.job_ready.notify_one();
                    });
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "could not requeue a job"),
            }
            return None;
        }
    }
    Some(JobOutcome::Ended { state, error })
}

/// Exponential backoff from the configured base, never sooner than the provider's Retry-After.
fn backoff(app: &App, attempts: u32, retry_after: Option<Duration>) -> Duration {
    let exp = app
        .config
        .retry_base
        .saturating_mul(1u32 << attempts.saturating_sub(1).min(16));
    let wait = exp.min(app.config.retry_max);
    retry_after.map_or(wait, |ra| ra.max(wait).min(app.config.retry_max.max(ra)))
}

/// An original read by the media pipeline and kept, with its thumbnail, in the blob store.
pub(crate) struct StoredMedia {
    pub processed: crate::ports::ProcessedMedia,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub thumb_key: String,
    /// For a video: what its decoder found.
    pub video: Option<crate::domain::VideoFacts>,
}

/// Reads an original off the async threads (decoding is CPU work) and stores it and its thumbnail;
/// `unreadable` words the error when the bytes are not an image, for whoever supplied them.
pub(crate) async fn store_media(
    app: &App,
    bytes: Vec<u8>,
    unreadable: impl FnOnce(Error) -> Error,
) -> crate::Result<StoredMedia> {
    let media = app.media.clone();
    let permit = app.decodes.acquire().await.map_err(Error::internal)?;
    let (processed, bytes) = tokio::task::spawn_blocking(move || (media.process(&bytes), bytes))
        .await
        .map_err(Error::internal)?;
    drop(permit);
    // A size over the cap keeps its own code: the caller can act on it (resize), unlike garbage.
    let processed = processed.map_err(|e| match e.code {
        ErrorCode::ImageTooLarge => e,
        _ => unreadable(e),
    })?;
    let sha256 = app.blobs.put(&bytes).await?;
    let thumb_key = app.blobs.put(&processed.thumb_webp).await?;
    Ok(StoredMedia {
        processed,
        bytes,
        sha256,
        thumb_key,
        video: None,
    })
}

/// Reads a video off the async threads, makes its thumbnail and placeholder from its first frame,
/// and stores it and the thumbnail.
async fn store_video(app: &App, bytes: Vec<u8>) -> crate::Result<StoredMedia> {
    let video = app
        .video()
        .cloned()
        .ok_or_else(|| Error::new(ErrorCode::ProviderError, "this build cannot store videos"))?;
    let media = app.media.clone();
    let permit = app.decodes.acquire().await.map_err(Error::internal)?;
    let (read, bytes) = tokio::task::spawn_blocking(move || {
        let read = video.describe(&bytes).and_then(|described| {
            let poster = media.process(&described.poster_png)?;
            Ok((described, poster))
        });
        (read, bytes)
    })
    .await
    .map_err(Error::internal)?;
    drop(permit);
    let (described, poster) = read.map_err(|e| {
        Error::new(
            ErrorCode::ProviderError,
            format!("the provider returned an unreadable video: {}", e.message),
        )
    })?;
    let sha256 = app.blobs.put(&bytes).await?;
    let thumb_key = app.blobs.put(&poster.thumb_webp).await?;
    let facts = crate::domain::VideoFacts {
        duration_ms: described.duration_ms,
        frames: described.frames,
        codec: described.codec,
    };
    Ok(StoredMedia {
        video: Some(facts),
        processed: crate::ports::ProcessedMedia {
            mime: described.mime,
            width: described.width,
            height: described.height,
            thumb_webp: poster.thumb_webp,
            placeholder: poster.placeholder,
        },
        bytes,
        sha256,
        thumb_key,
    })
}

/// Stores the original and its thumbnail and builds the image with its full record.
async fn store_output(
    app: &App,
    job: &Job,
    output: ProviderOutput,
    provider_ms: i64,
) -> crate::Result<Image> {
    let processing = Instant::now();
    let is_video = job.params.duration.is_some();
    let StoredMedia {
        processed,
        bytes,
        sha256,
        thumb_key,
        video,
    } = if is_video {
        store_video(app, output.image.bytes).await?
    } else {
        store_media(app, output.image.bytes, |e| {
            Error::new(
                ErrorCode::ProviderError,
                format!("the provider returned an unreadable image: {}", e.message),
            )
        })
        .await?
    };
    let retried_errors = if job.attempts > 1 {
        app.store
            .jobs()
            .retried_errors(&job.id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let now = app.clock.now_ms();
    let id = crate::new_id();
    let record = GenerationRecord {
        provider: job.provider.clone(),
        model: job.params.model.clone(),
        provider_model: output.provider_model,
        params: job.params.clone(),
        seed: output.image.seed.unwrap_or(job.seed),
        cost: job.cost,
        attempts: job.attempts,
        timings: Timings {
            queued_at: job.created_at,
            started_at: job.started_at.unwrap_or(now),
            finished_at: now,
            provider_ms,
            processing_ms: processing.elapsed().as_millis() as i64,
        },
        provider_request_id: output.request_id,
        revised_prompt: output.image.revised_prompt,
        remix_of: job.remix_of.clone(),
        retried_errors,
        set_id: job.set_id.clone(),
        job_id: job.id.clone(),
        index: job.index,
        video,
    };
    let (url, thumb_url) = crate::media_urls(&id);
    // The set's own choice, else the account's default (the store holds to the set's at insert).
    let visibility = match app.store.sets().get_set(&job.set_id).await? {
        Some(GenerationSet {
            visibility: Some(chosen),
            ..
        }) => chosen,
        _ => {
            app.store
                .accounts()
                .account_settings(&job.owner_id)
                .await?
                .default_visibility
        }
    };
    Ok(Image {
        url,
        thumb_url,
        thumb_sha256: thumb_key,
        id,
        owner_id: job.owner_id.clone(),
        set_id: job.set_id.clone(),
        job_id: job.id.clone(),
        visibility,
        mime: processed.mime,
        width: processed.width,
        height: processed.height,
        bytes: bytes.len() as i64,
        sha256,
        placeholder: processed.placeholder,
        record,
        created_at: now,
        locked: None,
    })
}
