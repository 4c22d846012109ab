//! The one submit, poll and download flow of the video providers (Runway, Luma): a task is submitted
//! once and its id kept as the job's resume handle (a retried or restarted job polls it instead of
//! paying for a second one), polled with the shared backoff until it ends, cancelled at the provider
//! when the job is cancelled, and its video downloaded under the same rules as any result.

use async_trait::async_trait;
use pixel_core::ports::{
    JobContext, ProviderError, ProviderImage, ProviderOutput, ProviderRequest,
};

use crate::http::{self, ResultKind};
use crate::poll::{Poller, Polling};
use crate::remote::CancelOnDrop;

/// What one poll says about a remote task.
#[derive(Debug, PartialEq)]
pub enum TaskPoll {
    /// Queued or running, with the provider's progress (0..1) where its API reports one.
    Waiting(Option<f32>),
    /// Done: the URL of the result.
    Done(String),
    /// The provider does not know the task (expired, deleted, never existed).
    Gone,
    /// Cancelled at the provider, not by this job (which would have stopped polling).
    CancelledElsewhere,
    /// Ended in a failure a new task may not repeat (the provider's own error), or one it will
    /// (moderation, a bad input): the error says which.
    Failed(ProviderError),
}

/// One provider's task API, bound to one job's request.
#[async_trait]
pub trait RemoteTask: Send + Sync {
    /// The provider's name, for messages.
    fn name(&self) -> &'static str;
    /// The configured API base, whose origin result downloads may reach even when it is private.
    fn base_url(&self) -> &str;
    /// Submits the task; answers its id.
    async fn submit(&self) -> Result<String, ProviderError>;
    async fn poll(&self, id: &str) -> Result<TaskPoll, ProviderError>;
    /// The request that cancels (or deletes) the task.
    fn cancel(&self, id: &str) -> reqwest::RequestBuilder;
}

/// Maps an HTTP error answer of a provider's API.
pub type ErrorFor = fn(reqwest::StatusCode, &reqwest::header::HeaderMap, &str) -> ProviderError;

/// Sends one call of a task API and reads its answer: a success, or 404 (which a poll reads as a
/// task gone); any other status is the provider's error, mapped by `error_for`.
pub async fn send(
    name: &str,
    builder: reqwest::RequestBuilder,
    error_for: ErrorFor,
) -> Result<(u16, String), ProviderError> {
    let resp = builder
        .send()
        .await
        .map_err(|e| http::transport_error(name, e))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp
        .text()
        .await
        .map_err(|e| http::transport_error(name, e))?;
    if status.as_u16() == 404 || status.is_success() {
        return Ok((status.as_u16(), text));
    }
    Err(error_for(status, &headers, &text))
}

/// Runs `task` and answers its video as the provider's output. The video models take no seed, so
/// none is recorded: the clip cannot be made again from one.
pub async fn generate(
    task: &dyn RemoteTask,
    req: &ProviderRequest,
    ctx: &dyn JobContext,
    polling: Polling,
    provider_model: &str,
) -> Result<ProviderOutput, ProviderError> {
    let done = run(task, req, ctx, polling).await?;
    Ok(ProviderOutput {
        image: ProviderImage {
            bytes: done.bytes,
            seed: None,
            revised_prompt: None,
        },
        provider_model: Some(provider_model.to_string()),
        request_id: Some(done.id),
    })
}

/// A finished task: its id and the downloaded video.
pub struct Finished {
    pub id: String,
    pub bytes: Vec<u8>,
}

/// Runs `task` for `req` to its end.
pub async fn run(
    task: &dyn RemoteTask,
    req: &ProviderRequest,
    ctx: &dyn JobContext,
    polling: Polling,
) -> Result<Finished, ProviderError> {
    let name = task.name();
    let started = tokio::time::Instant::now();
    let mut resumed = req.resume_handle.is_some();
    let mut id = match &req.resume_handle {
        Some(handle) => handle.clone(),
        None => {
            let id = task.submit().await?;
            ctx.remote_handle(&id).await;
            id
        }
    };
    let mut guard = CancelOnDrop::new(ctx, name, vec![task.cancel(&id)]);
    ctx.progress(0.05).await;
    let mut poller = Poller::new(polling, started);
    loop {
        poller.next(ctx, &format!("{name} task {id}")).await?;
        match task.poll(&id).await? {
            TaskPoll::Waiting(progress) => {
                if let Some(p) = progress {
                    ctx.progress(0.05 + p.clamp(0.0, 1.0) * 0.85).await;
                }
            }
            // A resumed task that expired, failed or was cancelled elsewhere is submitted afresh:
            // the earlier attempt's task is gone, and this attempt is the retry the runner asked
            // for. Moderation is final either way: the same input would be refused again.
            TaskPoll::Gone
            | TaskPoll::CancelledElsewhere
            | TaskPoll::Failed(ProviderError::Retryable { .. })
                if resumed =>
            {
                resumed = false;
                guard.disarm();
                id = task.submit().await?;
                ctx.remote_handle(&id).await;
                guard = CancelOnDrop::new(ctx, name, vec![task.cancel(&id)]);
                poller.restart();
            }
            TaskPoll::Gone => {
                guard.disarm();
                return Err(ProviderError::Retryable {
                    message: format!("{name} lost task {id}"),
                    retry_after: None,
                });
            }
            TaskPoll::CancelledElsewhere => {
                guard.disarm();
                return Err(ProviderError::Rejected {
                    message: format!("{name} task {id} was cancelled at {name}"),
                });
            }
            TaskPoll::Failed(e) => {
                guard.disarm();
                return Err(e);
            }
            TaskPoll::Done(url) => {
                guard.disarm();
                ctx.progress(0.9).await;
                let bytes =
                    http::download_result(name, &url, task.base_url(), ResultKind::Video).await?;
                return Ok(Finished { id, bytes });
            }
        }
    }
}
