//! Cancelling a provider's remote task when the user cancels the job, even though the runner drops the
//! provider's future the moment the cancel arrives (its own select on `ctx.cancelled()` may win the
//! race, so an awaited cancel call inside the provider would usually never run).

use pixel_core::ports::JobContext;
use std::task::{Context, Poll, Waker};

/// Sends a prepared cancel request when dropped while armed, if (and only if) the job was cancelled.
/// A timeout or a lost lease drops the provider's future too; then the remote task is left running so
/// that the retry can resume it by its saved handle.
pub struct CancelOnDrop<'a> {
    ctx: &'a dyn JobContext,
    provider: &'static str,
    /// Sent in order (for example: take it off the queue, then interrupt it if it already runs).
    requests: Vec<reqwest::RequestBuilder>,
}

impl<'a> CancelOnDrop<'a> {
    pub fn new(
        ctx: &'a dyn JobContext,
        provider: &'static str,
        requests: Vec<reqwest::RequestBuilder>,
    ) -> Self {
        Self {
            ctx,
            provider,
            requests,
        }
    }

    /// The remote task finished: there is nothing left to cancel.
    pub fn disarm(&mut self) {
        self.requests.clear();
    }

    fn job_cancelled(&self) -> bool {
        // `cancelled()` resolves at once when the cancel flag is already set; polling it once with a
        // no-op waker asks "is it set now?" without blocking in a destructor.
        let mut fut = self.ctx.cancelled();
        let mut cx = Context::from_waker(Waker::noop());
        matches!(fut.as_mut().poll(&mut cx), Poll::Ready(()))
    }
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        let requests = std::mem::take(&mut self.requests);
        if requests.is_empty() || !self.job_cancelled() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let provider = self.provider;
        // Detached: the job is already over for the user; the call only stops the provider's work
        // (and its bill). Failures are logged, never surfaced.
        runtime.spawn(async move {
            for request in requests {
                match request.send().await {
                    Ok(resp) if resp.status().is_success() => {
                        tracing::info!(provider, "cancelled the remote task")
                    }
                    Ok(resp) => {
                        tracing::warn!(provider, status = %resp.status(), "the remote task was not cancelled")
                    }
                    Err(e) => {
                        tracing::warn!(provider, error = %crate::http::transport_error(provider, e), "could not cancel the remote task")
                    }
                }
            }
        });
    }
}

/// The last percentage of a tqdm progress bar in diffusion logs (`" 40%|████      | 10/25 ..."`).
pub fn tqdm_fraction(logs: &str) -> Option<f32> {
    logs.rmatch_indices("%|").find_map(|(at, _)| {
        let digits: String = logs[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits
            .parse::<u32>()
            .ok()
            .filter(|p| *p <= 100)
            .map(|p| p as f32 / 100.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_last_progress_bar() {
        let logs = "Using seed: 1\n  0%|          | 0/25 [00:00<?, ?it/s]\n 40%|████      | 10/25 [00:01<00:02]\n";
        assert_eq!(tqdm_fraction(logs), Some(0.4));
        assert_eq!(
            tqdm_fraction("100%|██████████| 25/25 [00:03<00:00]"),
            Some(1.0)
        );
        assert_eq!(tqdm_fraction("no bar here"), None);
        assert_eq!(tqdm_fraction(""), None);
    }
}
