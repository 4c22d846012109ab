//! The one polling loop of the asynchronous providers (Black Forest Labs, FAL, Replicate, ComfyUI):
//! a wait that grows by half up to a maximum, a deadline per attempt, and the job's cancel honoured
//! while waiting. Each provider keeps only what its API says about a task's state.

use pixel_core::ports::{JobContext, ProviderError};
use std::time::Duration;
use tokio::time::Instant;

/// How often and how long a task is polled.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// Delay before the first poll; it grows by half each poll up to `max_interval`.
    pub interval: Duration,
    pub max_interval: Duration,
    /// The longest one attempt polls before giving up with a timeout.
    pub deadline: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        Self {
            interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
            deadline: Duration::from_secs(600),
        }
    }
}

/// The state of one attempt's polling.
pub struct Poller {
    polling: Polling,
    started: Instant,
    wait: Duration,
}

impl Poller {
    /// `started` is when the attempt began (its submit counts against the deadline).
    pub fn new(polling: Polling, started: Instant) -> Self {
        Self {
            polling,
            started,
            wait: polling.interval,
        }
    }

    /// Waits until the next poll of `what` (e.g. "FAL request 42"): `Timeout` once the deadline
    /// passed, `Cancelled` when the job is cancelled while waiting (a provider's cancel guard then
    /// cancels the remote task as its future is dropped).
    pub async fn next(&mut self, ctx: &dyn JobContext, what: &str) -> Result<(), ProviderError> {
        if self.started.elapsed() >= self.polling.deadline {
            return Err(ProviderError::Timeout {
                message: format!(
                    "{what} was not done after {} s",
                    self.polling.deadline.as_secs()
                ),
            });
        }
        tokio::select! {
            _ = tokio::time::sleep(self.wait) => {}
            _ = ctx.cancelled() => return Err(ProviderError::Cancelled),
        }
        self.wait = (self.wait + self.wait / 2).min(self.polling.max_interval);
        Ok(())
    }

    /// Starts the backoff over, for a task submitted afresh.
    pub fn restart(&mut self) {
        self.wait = self.polling.interval;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job whose cancel is already asked for, or never.
    struct Job(bool);

    #[async_trait::async_trait]
    impl JobContext for Job {
        async fn progress(&self, _fraction: f32) {}
        async fn remote_handle(&self, _handle: &str) {}
        async fn cancelled(&self) {
            if !self.0 {
                std::future::pending::<()>().await
            }
        }
    }

    fn polling(interval_ms: u64, max_ms: u64, deadline_ms: u64) -> Polling {
        Polling {
            interval: Duration::from_millis(interval_ms),
            max_interval: Duration::from_millis(max_ms),
            deadline: Duration::from_millis(deadline_ms),
        }
    }

    #[tokio::test]
    async fn the_wait_grows_by_half_up_to_the_maximum_and_restarts() {
        let mut poller = Poller::new(polling(4, 7, 60_000), Instant::now());
        poller.next(&Job(false), "task").await.expect("polled");
        assert_eq!(poller.wait, Duration::from_millis(6));
        poller.next(&Job(false), "task").await.expect("polled");
        assert_eq!(poller.wait, Duration::from_millis(7));
        poller.restart();
        assert_eq!(poller.wait, Duration::from_millis(4));
    }

    #[tokio::test]
    async fn past_the_deadline_is_a_timeout_and_a_cancel_ends_the_wait() {
        let mut late = Poller::new(polling(1, 1, 0), Instant::now());
        let err = late
            .next(&Job(false), "FAL request 7")
            .await
            .expect_err("late");
        assert!(
            matches!(&err, ProviderError::Timeout { message } if message.starts_with("FAL request 7 was not done")),
            "{err:?}"
        );
        let mut waiting = Poller::new(polling(60_000, 60_000, 120_000), Instant::now());
        let err = waiting
            .next(&Job(true), "task")
            .await
            .expect_err("cancelled");
        assert_eq!(err, ProviderError::Cancelled);
    }
}
