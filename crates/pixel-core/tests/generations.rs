//! Generation rules through the core alone, on a real SQLite store: what a submission reserves, that
//! it is all or nothing, idempotency keys, and that every job settles exactly once (capture on success;
//! refund on failure, moderation or cancel), with retries of temporary failures.

mod common;

use common::{call, job_end, sign_in, test_app, ScriptedProvider, PAID_MODEL};
use pixel_core::ops::{LedgerOutput, SetsOutput, SubmitOutput};
use pixel_core::runner::Runner;
use pixel_core::{ErrorCode, Image, Job, JobState, LedgerKind};
use serde_json::json;
use std::time::Duration;

const STARTING: i64 = 40;

fn request(prompt: &str, n: u32) -> serde_json::Value {
    json!({ "prompt": prompt, "model": PAID_MODEL, "n": n, "quality": "medium" })
}

fn sum_of(ledger: &LedgerOutput, kind: LedgerKind) -> i64 {
    ledger
        .entries
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.amount)
        .sum()
}

#[tokio::test]
async fn a_submission_reserves_its_whole_cost_at_once_and_the_ledger_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), STARTING, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let out: SubmitOutput = call(&app, &ada, "generations.create", request("a lighthouse", 3))
        .await
        .expect("submitted");
    assert_eq!(out.jobs.len(), 3);
    assert!(out.cost > 0, "a paid model costs credits");
    assert_eq!(
        out.cost,
        out.jobs.iter().map(|j| j.cost).sum::<i64>(),
        "the set's cost is its jobs' costs"
    );
    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, STARTING - out.cost);
    assert_eq!(sum_of(&ledger, LedgerKind::Reserve), -out.cost);
    assert_eq!(
        ledger.entries[0].balance_after, ledger.balance,
        "the newest entry's balance is the balance"
    );
}

#[tokio::test]
async fn a_submission_beyond_the_balance_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 3, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let err = call::<SubmitOutput>(&app, &ada, "generations.create", request("a lighthouse", 4))
        .await
        .expect_err("more than three credits");
    assert_eq!(err.code, ErrorCode::InsufficientCredits, "{}", err.message);
    let sets: SetsOutput = call(&app, &ada, "sets.list", json!({}))
        .await
        .expect("sets");
    assert!(sets.sets.is_empty(), "no set is left half-written");
    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, 3);
    assert_eq!(ledger.entries.len(), 1, "only the starting grant");
}

#[tokio::test]
async fn a_model_whose_provider_has_no_key_is_refused_before_anything_is_charged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let provider = std::sync::Arc::new(ScriptedProvider {
        configured: false,
        ..ScriptedProvider::default()
    });
    let app = test_app(dir.path(), STARTING, provider).await;
    let ada = sign_in(&app, "ada").await;
    let err = call::<SubmitOutput>(&app, &ada, "generations.create", request("a lighthouse", 1))
        .await
        .expect_err("no key");
    assert_eq!(err.code, ErrorCode::ModelUnavailable);
    assert!(err.message.contains("API key"), "{}", err.message);
    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, STARTING);
}

#[tokio::test]
async fn the_same_idempotency_key_is_charged_once_and_cannot_be_reused_for_another_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), STARTING, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let mut body = request("a lighthouse", 2);
    body["idempotency_key"] = json!("retry-after-timeout-1");
    let first: SubmitOutput = call(&app, &ada, "generations.create", body.clone())
        .await
        .expect("first");
    let again: SubmitOutput = call(&app, &ada, "generations.create", body.clone())
        .await
        .expect("the same request again");
    assert_eq!(again.set.id, first.set.id);
    let ids = |o: &SubmitOutput| o.jobs.iter().map(|j| j.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));
    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, STARTING - first.cost, "charged once");

    body["prompt"] = json!("a different lighthouse");
    let err = call::<SubmitOutput>(&app, &ada, "generations.create", body)
        .await
        .expect_err("another request under the same key");
    assert_eq!(err.code, ErrorCode::Conflict);

    // Keys are per account: another person's identical key is their own submission.
    let grace = sign_in(&app, "grace").await;
    let mut theirs = request("a lighthouse", 2);
    theirs["idempotency_key"] = json!("retry-after-timeout-1");
    let other: SubmitOutput = call(&app, &grace, "generations.create", theirs)
        .await
        .expect("grace's own");
    assert_ne!(other.set.id, first.set.id);
}

#[tokio::test]
async fn every_job_settles_once_captured_on_success_and_refunded_on_failure_or_moderation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let provider = ScriptedProvider::new();
    let app = test_app(dir.path(), STARTING, provider.clone()).await;
    let mut events = app.events.observe_all();
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;

    let mut ended = Vec::new();
    for prompt in [
        "a lighthouse",
        "a lighthouse [reject]",
        "a lighthouse [moderate]",
    ] {
        let out: SubmitOutput = call(&app, &ada, "generations.create", request(prompt, 1))
            .await
            .expect("submitted");
        ended.push((out.cost, job_end(&mut events, &out.jobs[0].id).await));
    }
    let states: Vec<(JobState, bool)> = ended.iter().map(|(_, j)| (j.state, j.refunded)).collect();
    assert_eq!(
        states,
        vec![
            (JobState::Succeeded, false),
            (JobState::Failed, true),
            (JobState::Moderated, true)
        ]
    );
    let rejected = ended[1].1.error.as_ref().expect("the failure is told");
    assert_eq!(rejected.code, ErrorCode::ProviderRejected);
    assert_eq!(ended[1].1.attempts, 1, "a refusal is not retried");
    let moderated = ended[2].1.error.as_ref().expect("the block is told");
    assert_eq!(moderated.code, ErrorCode::Moderated);

    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    let spent = ended[0].0;
    assert_eq!(
        ledger.balance,
        STARTING - spent,
        "only the image made is paid for"
    );
    assert_eq!(
        sum_of(&ledger, LedgerKind::Refund),
        ended[1].0 + ended[2].0,
        "each failed job refunded once"
    );
    let captures = ledger
        .entries
        .iter()
        .filter(|e| e.kind == LedgerKind::Capture)
        .count();
    assert_eq!(captures, 1);

    let made = ended[0].1.image_id.clone().expect("an image");
    let image: Image = call(&app, &ada, "images.get", json!({ "image_id": made }))
        .await
        .expect("the owner sees it");
    assert_eq!(image.record.params.prompt, "a lighthouse");
    assert_eq!(provider.calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_temporary_failure_is_retried_and_paid_for_once_when_it_then_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    let provider = ScriptedProvider::new();
    let app = test_app(dir.path(), STARTING, provider.clone()).await;
    let mut events = app.events.observe_all();
    let runner = Runner::start(&app).await.expect("runner");
    let ada = sign_in(&app, "ada").await;
    let out: SubmitOutput = call(
        &app,
        &ada,
        "generations.create",
        request("a [flaky] harbour", 1),
    )
    .await
    .expect("submitted");
    let job = job_end(&mut events, &out.jobs[0].id).await;
    assert_eq!(
        (job.state, job.attempts, job.refunded),
        (JobState::Succeeded, 2, false)
    );
    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, STARTING - out.cost);
    assert_eq!(sum_of(&ledger, LedgerKind::Refund), 0);
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn cancelling_refunds_once_whether_the_job_waits_or_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), STARTING, ScriptedProvider::new()).await;
    let mut events = app.events.observe_all();
    let ada = sign_in(&app, "ada").await;

    // Queued: no worker runs yet, so it is cancelled on the spot.
    let waiting: SubmitOutput = call(&app, &ada, "generations.create", request("a pier", 1))
        .await
        .expect("submitted");
    let job_ref = json!({ "job_id": waiting.jobs[0].id });
    let cancelled: Job = call(&app, &ada, "generations.cancel", job_ref.clone())
        .await
        .expect("cancelled");
    assert_eq!(
        (cancelled.state, cancelled.refunded),
        (JobState::Cancelled, true)
    );
    let twice = call::<Job>(&app, &ada, "generations.cancel", job_ref)
        .await
        .expect_err("already ended");
    assert_eq!(twice.code, ErrorCode::Conflict);

    // Running: the worker is told, the provider stops, and the job ends cancelled.
    let runner = Runner::start(&app).await.expect("runner");
    let running: SubmitOutput = call(
        &app,
        &ada,
        "generations.create",
        request("a [hang] pier", 1),
    )
    .await
    .expect("submitted");
    let id = running.jobs[0].id.clone();
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            if let pixel_core::Envelope {
                event: pixel_core::Event::GenerationStarted { job },
                ..
            } = events.recv().await.expect("events")
            {
                if job.id == id {
                    break;
                }
            }
        }
    })
    .await
    .expect("the job starts");
    let _: Job = call(&app, &ada, "generations.cancel", json!({ "job_id": id }))
        .await
        .expect("cancel asked");
    let ended = job_end(&mut events, &id).await;
    assert_eq!((ended.state, ended.refunded), (JobState::Cancelled, true));

    let ledger: LedgerOutput = call(&app, &ada, "ledger.list", json!({}))
        .await
        .expect("ledger");
    assert_eq!(ledger.balance, STARTING, "both reservations came back");
    assert_eq!(
        sum_of(&ledger, LedgerKind::Refund),
        waiting.cost + running.cost,
        "and each only once"
    );
    runner.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn only_the_owner_sees_cancels_or_retries_a_job() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), STARTING, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let out: SubmitOutput = call(&app, &ada, "generations.create", request("a pier", 1))
        .await
        .expect("submitted");
    let job_ref = json!({ "job_id": out.jobs[0].id });
    for op in ["generations.get", "generations.cancel", "generations.retry"] {
        let err = call::<serde_json::Value>(&app, &grace, op, job_ref.clone())
            .await
            .expect_err("not grace's");
        assert_eq!(
            err.code,
            ErrorCode::NotFound,
            "{op}: the same answer as a missing job"
        );
        let err =
            call::<serde_json::Value>(&app, &pixel_core::Caller::Anonymous, op, job_ref.clone())
                .await
                .expect_err("signed out");
        assert_eq!(err.code, ErrorCode::Unauthenticated, "{op}");
    }
    let job: Job = call(&app, &ada, "generations.get", job_ref)
        .await
        .expect("ada's");
    assert_eq!(job.state, JobState::Queued);
}
