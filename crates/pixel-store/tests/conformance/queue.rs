//! The job queue port's contract, asked of the queue through its trait (the database queue here; a
//! Kafka queue answers the same): claims exclusive and after `run_after` only, the heartbeat held by
//! its worker alone, an expired lease reaped by exactly one node, a requeue only by the lease holder
//! counting the attempt, a graceful release not counting it, saturated providers skipped, and many
//! claimers taking each job once.

use super::*;

fn queue_of(db: &Db) -> Arc<dyn JobQueue> {
    Arc::new(StoreJobQueue::new(db.store.clone()))
}

pub(crate) async fn the_job_queue_keeps_its_contract(db: Db) {
    let (s, q) = (&db.store, queue_of(&db));
    user(s, "u1", 0).await;
    let jobs = submit(s, "u1", "queued", 1, 0, 100).await.expect("submit");
    assert!(
        q.claim("w1", 50, 1000, &[]).await.expect("claim").is_none(),
        "not runnable before it was made"
    );
    let job = q
        .claim("w1", 200, 1000, &[])
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(
        (job.id.as_str(), job.state, job.attempts),
        (jobs[0].id.as_str(), JobState::Running, 1)
    );
    assert!(q
        .claim("w2", 200, 1000, &[])
        .await
        .expect("claim")
        .is_none());

    // The heartbeat is the holder's alone.
    assert_eq!(
        q.heartbeat(&job.id, "w2", 2000).await.expect("heartbeat"),
        LeaseStatus::Lost
    );
    assert_eq!(
        q.heartbeat(&job.id, "w1", 2000).await.expect("heartbeat"),
        LeaseStatus::Held {
            cancel_requested: false
        }
    );

    // Reaped once its lease ran out, by exactly one node.
    assert!(q
        .reap("w2", 1500, 5000, false)
        .await
        .expect("reap")
        .is_empty());
    let reaped = q.reap("w2", 2500, 5000, false).await.expect("reap");
    assert_eq!(reaped.iter().map(|j| &j.id).collect::<Vec<_>>(), [&job.id]);
    assert!(q
        .reap("w3", 2500, 5000, false)
        .await
        .expect("reap")
        .is_empty());

    // Put back only by whoever holds it now; the next claim counts the attempt.
    let err = Error::new(ErrorCode::Timeout, "the worker running this job stopped");
    assert!(!q.requeue(&job.id, "w1", 3000, &err).await.expect("requeue"));
    assert!(q.requeue(&job.id, "w2", 3000, &err).await.expect("requeue"));
    assert!(
        q.claim("w2", 2999, 9000, &[])
            .await
            .expect("claim")
            .is_none(),
        "not before its run_after"
    );
    let again = q
        .claim("w2", 3000, 9000, &[])
        .await
        .expect("claim")
        .expect("requeued job");
    assert_eq!((again.id.as_str(), again.attempts), (job.id.as_str(), 2));
}

pub(crate) async fn the_job_queue_releases_skips_and_shares_fairly(db: Db) {
    let (s, q) = (&db.store, queue_of(&db));
    user(s, "u1", 0).await;
    submit(s, "u1", "release", 2, 0, 1).await.expect("submit");
    q.claim("node-a-w0", 10, 1000, &[])
        .await
        .expect("claim")
        .expect("job");
    q.claim("node-b-w0", 10, 1000, &[])
        .await
        .expect("claim")
        .expect("job");
    assert_eq!(q.release("node-a").await.expect("release"), 1);
    assert_eq!(
        q.release("node_").await.expect("release"),
        0,
        "_ is no wildcard"
    );
    let released = q
        .claim("node-c-w0", 20, 1000, &[])
        .await
        .expect("claim")
        .expect("the released job");
    assert_eq!(
        released.attempts, 1,
        "the interrupted attempt is not counted"
    );

    submit(s, "u1", "saturated", 1, 0, 30)
        .await
        .expect("submit");
    let busy = vec!["local".to_string()];
    assert!(q
        .claim("w", 40, 1000, &busy)
        .await
        .expect("claim")
        .is_none());

    submit(s, "u1", "many", 19, 0, 30).await.expect("submit");
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..8 {
        let q = q.clone();
        tasks.spawn(async move {
            let mut mine = vec![];
            while let Some(job) = q
                .claim(&format!("w{w}"), 40, 1000, &[])
                .await
                .expect("claim")
            {
                mine.push(job.id);
            }
            mine
        });
    }
    let mut all = vec![];
    while let Some(r) = tasks.join_next().await {
        all.extend(r.expect("task"));
    }
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (20, 20), "each job taken once");
}
