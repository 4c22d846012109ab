//! The job queue: which runnable job a worker takes next and under what lease, the lease's heartbeat,
//! putting a job back, reaping jobs whose worker stopped, and releasing a stopping node's jobs. A port
//! apart from the store, so a log (Kafka) can carry the queue while the database keeps each job's
//! record and its money; the database queue is the first implementation.

use async_trait::async_trait;
use std::sync::Arc;

use super::{LeaseStatus, Store};
use crate::domain::*;
use crate::error::Result;

#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Takes the next runnable job under a lease until `lease_until`, skipping the providers in
    /// `saturated` (at their concurrency limit on this node); None when nothing is runnable.
    async fn claim(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        saturated: &[String],
    ) -> Result<Option<Job>>;
    /// Extends a lease `worker` holds (the heartbeat): whether it still holds it, and whether the
    /// job's owner asked to cancel it.
    async fn heartbeat(
        &self,
        job_id: &str,
        worker: &str,
        lease_until: Millis,
    ) -> Result<LeaseStatus>;
    /// Puts a job `worker` holds back in the queue to run after `run_after`, keeping its error;
    /// false when the lease was lost meanwhile.
    async fn requeue(
        &self,
        job_id: &str,
        worker: &str,
        run_after: Millis,
        error: &crate::Error,
    ) -> Result<bool>;
    /// The jobs whose lease ran out (every running one when `all`: a single node restarting), each
    /// taken over by `worker` until `lease_until`, so exactly one node recovers each.
    async fn reap(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        all: bool,
    ) -> Result<Vec<Job>>;
    /// Puts back every job held by workers whose id starts with `worker_prefix` (a graceful stop),
    /// without counting the interrupted attempt; answers how many.
    async fn release(&self, worker_prefix: &str) -> Result<u64>;
}

/// The queue kept in the database beside each job's record (the default on one machine and on
/// PostgreSQL): leases are columns of the job's row.
pub struct StoreJobQueue {
    store: Arc<dyn Store>,
}

impl StoreJobQueue {
    pub fn new(store: Arc<dyn Store>) -> StoreJobQueue {
        StoreJobQueue { store }
    }
}

#[async_trait]
impl JobQueue for StoreJobQueue {
    async fn claim(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        saturated: &[String],
    ) -> Result<Option<Job>> {
        self.store
            .jobs()
            .claim_job(worker, now, lease_until, saturated)
            .await
    }

    async fn heartbeat(
        &self,
        job_id: &str,
        worker: &str,
        lease_until: Millis,
    ) -> Result<LeaseStatus> {
        self.store
            .jobs()
            .renew_lease(job_id, worker, lease_until)
            .await
    }

    async fn requeue(
        &self,
        job_id: &str,
        worker: &str,
        run_after: Millis,
        error: &crate::Error,
    ) -> Result<bool> {
        self.store
            .jobs()
            .requeue_job(job_id, worker, run_after, error)
            .await
    }

    async fn reap(
        &self,
        worker: &str,
        now: Millis,
        lease_until: Millis,
        all: bool,
    ) -> Result<Vec<Job>> {
        let mut taken = Vec::new();
        for job in self.store.jobs().expired_jobs(now, all).await? {
            if self
                .store
                .jobs()
                .steal_lease(&job.id, worker, now, lease_until, all)
                .await?
            {
                taken.push(job);
            }
        }
        Ok(taken)
    }

    async fn release(&self, worker_prefix: &str) -> Result<u64> {
        self.store.jobs().release_node_jobs(worker_prefix).await
    }
}
