//! The store conformance suite: every test runs on SQLite and on a real PostgreSQL
//! (`PIXEL_TEST_POSTGRES_URL`, started by scripts/services/postgres.sh; required in CI).

use pixel_core::ports::*;
use pixel_core::*;
use pixel_store::SqlStore;
use std::sync::Arc;

#[path = "conformance/social.rs"]
mod social;
use social::*;

#[path = "conformance/money.rs"]
mod money;
use money::*;

#[path = "conformance/collections.rs"]
mod collections;
use collections::*;

#[path = "conformance/queue.rs"]
mod queue;
use queue::*;

struct Db {
    store: Arc<SqlStore>,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Db {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqlStore::connect(&pixel_store::testing::sqlite_url(dir.path()))
        .await
        .expect("sqlite");
    Db {
        store: Arc::new(store),
        _dir: Some(dir),
    }
}

async fn postgres() -> Option<Db> {
    let url = pixel_store::testing::fresh_postgres_database().await?;
    let store = SqlStore::connect(&url).await.expect("postgres");
    Some(Db {
        store: Arc::new(store),
        _dir: None,
    })
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite { $( #[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() { super::$name(super::sqlite().await).await } )* }
        mod on_postgres { $( #[tokio::test(flavor = "multi_thread", worker_threads = 4)] async fn $name() {
            match super::postgres().await { Some(db) => super::$name(db).await, None => eprintln!("skipped: PIXEL_TEST_POSTGRES_URL not set") }
        } )* }
    };
}

conformance!(
    accounts_sessions_and_one_time_codes,
    ledger_is_idempotent_and_never_negative,
    retried_errors_and_remote_handles_are_kept,
    a_job_ends_once_and_is_refunded_once,
    cancel_refunds_queued_and_flags_running,
    images_filter_paginate_and_delete_only_own,
    submissions_commit_all_or_none,
    an_idempotency_key_admits_one_submission,
    sets_list_newest_first_with_their_jobs_in_order,
    a_set_is_made_public_or_private_as_a_whole,
    profile_details_are_kept_per_account,
    follows_count_once_and_list_newest_first,
    explore_and_the_feed_read_public_work_one_page_at_a_time,
    the_feed_pages_alike_for_few_and_for_many_followees,
    a_search_pages_newest_first_through_every_match,
    a_search_prefix_finds_every_word_it_starts,
    comment_threads_keep_placeholders_and_counts,
    notifications_belong_to_their_recipient,
    blocks_end_follows_and_reports_are_filed_once,
    trending_ranks_every_candidate_by_decayed_score,
    conversations_keep_their_last_message_and_unread_counts,
    refunds_take_credits_back_and_leave_the_rest_owed,
    partial_refunds_and_disputes_reverse_in_any_order,
    spends_racing_a_refund_never_go_negative,
    a_thousand_purchases_tips_and_sales_keep_every_credit,
    collections_keep_their_order_cover_and_counts,
    a_premium_collection_sells_once_and_withholds_until_bought,
    the_job_queue_keeps_its_contract,
    the_job_queue_releases_skips_and_shares_fairly,
);

async fn user(store: &SqlStore, id: &str, credits: i64) {
    store
        .upsert_user(&User {
            id: id.into(),
            username: id.into(),
            email: None,
            role: Role::User,
            created_at: 1,
            admin_granted: false,
            suspended_at: None,
        })
        .await
        .expect("user");
    if credits > 0 {
        store
            .apply_ledger(id, &grant(credits, &format!("grant:{id}")), None)
            .await
            .expect("grant");
    }
}

fn grant(amount: i64, key: &str) -> LedgerMove {
    LedgerMove {
        kind: LedgerKind::Grant,
        amount,
        idempotency_key: key.into(),
        memo: "test".into(),
    }
}

fn params(prompt: &str, model: &str) -> GenerationParams {
    GenerationParams {
        prompt: prompt.into(),
        model: model.into(),
        width: 64,
        height: 64,
        negative_prompt: None,
        steps: None,
        cfg: None,
        quality: None,
        style: None,
        duration: None,
        source_image: None,
    }
}

/// Submits a set of `n` jobs costing `cost` each, created at `at`.
async fn submit(
    store: &SqlStore,
    owner: &str,
    prompt: &str,
    n: u32,
    cost: i64,
    at: Millis,
) -> Result<Vec<Job>> {
    let set = GenerationSet {
        id: new_id(),
        owner_id: owner.into(),
        params: params(prompt, "local-sketch"),
        n,
        cost: cost * i64::from(n),
        remix_of: None,
        comparison_id: None,
        created_at: at,
        visibility: None,
    };
    let jobs: Vec<Job> = (0..n)
        .map(|i| Job {
            id: new_id(),
            set_id: set.id.clone(),
            owner_id: owner.into(),
            index: i,
            state: JobState::Queued,
            provider: "local".into(),
            params: set.params.clone(),
            seed: i,
            cost,
            attempts: 0,
            max_attempts: 3,
            progress: 0.0,
            error: None,
            refunded: false,
            image_id: None,
            remix_of: None,
            created_at: at,
            started_at: None,
            finished_at: None,
        })
        .collect();
    let reserve = (cost > 0).then(|| LedgerMove {
        kind: LedgerKind::Reserve,
        amount: -cost * i64::from(n),
        idempotency_key: format!("reserve:{}", set.id),
        memo: "test".into(),
    });
    store
        .submit(&[NewSubmission {
            set,
            jobs: jobs.clone(),
            reserve,
            idempotency_key: None,
        }])
        .await?;
    Ok(jobs)
}

/// Claims the next queued job (it must be `expected` when given) and finishes it at `at` with an image
/// `edit` shapes; returns the image's id.
async fn finish_next(
    s: &SqlStore,
    at: Millis,
    expected: Option<&str>,
    edit: impl FnOnce(&mut Image),
) -> String {
    let job = s
        .claim_job("w", at, at + 60_000, &[])
        .await
        .expect("claim")
        .expect("a queued job");
    if let Some(expected) = expected {
        assert_eq!(job.id, expected);
    }
    let mut image = image_for(&job, at);
    edit(&mut image);
    let id = image.id.clone();
    s.finish_job(
        &job.id,
        Some("w"),
        &JobOutcome::Succeeded {
            image: Box::new(image),
        },
        at,
    )
    .await
    .expect("finish");
    id
}

fn image_for(job: &Job, at: Millis) -> Image {
    let id = new_id();
    let (url, thumb_url) = media_urls(&id);
    Image {
        id,
        owner_id: job.owner_id.clone(),
        set_id: job.set_id.clone(),
        job_id: job.id.clone(),
        visibility: Visibility::Private,
        mime: "image/png".into(),
        width: 64,
        height: 64,
        bytes: 10,
        sha256: "a".repeat(64),
        thumb_sha256: "b".repeat(64),
        placeholder: "data:,".into(),
        url,
        thumb_url,
        record: GenerationRecord {
            provider: "local".into(),
            model: job.params.model.clone(),
            provider_model: None,
            params: job.params.clone(),
            seed: job.seed,
            cost: job.cost,
            attempts: 1,
            timings: Timings::default(),
            provider_request_id: None,
            revised_prompt: None,
            remix_of: None,
            retried_errors: vec![],
            set_id: job.set_id.clone(),
            job_id: job.id.clone(),
            index: job.index,
            video: None,
        },
        created_at: at,
        locked: None,
    }
}

async fn sum_entries(store: &SqlStore, user: &str) -> i64 {
    store
        .ledger_entries(
            user,
            &PageRequest {
                before: None,
                limit: 1000,
            },
        )
        .await
        .expect("entries")
        .iter()
        .map(|e| e.amount)
        .sum()
}

async fn ledger_is_idempotent_and_never_negative(db: Db) {
    let s = &db.store;
    user(s, "u1", 10).await;
    let again = s
        .apply_ledger("u1", &grant(10, "grant:u1"), None)
        .await
        .expect("repeat");
    assert_eq!(
        again.balance_after, 10,
        "a repeated key returns the original entry"
    );
    assert_eq!(s.balance("u1").await.expect("balance"), 10);
    let spend = LedgerMove {
        kind: LedgerKind::Reserve,
        amount: -11,
        idempotency_key: "spend".into(),
        memo: "x".into(),
    };
    let err = s
        .apply_ledger("u1", &spend, None)
        .await
        .expect_err("overdraft");
    assert_eq!(err.code, ErrorCode::InsufficientCredits);
    assert_eq!(s.balance("u1").await.expect("balance"), 10);
    let err = submit(s, "u1", "too dear", 3, 4, 5)
        .await
        .expect_err("overdraft submit");
    assert_eq!(err.code, ErrorCode::InsufficientCredits);
    assert!(
        s.list_sets(
            "u1",
            &PageRequest {
                before: None,
                limit: 10
            }
        )
        .await
        .expect("sets")
        .is_empty(),
        "nothing half-written"
    );
    // Concurrent twins with one key apply once.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let s = s.clone();
        tasks.spawn(async move { s.apply_ledger("u1", &grant(5, "bonus"), None).await });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("task").expect("apply");
    }
    assert_eq!(s.balance("u1").await.expect("balance"), 15);
    assert_eq!(sum_entries(s, "u1").await, 15);
}

async fn retried_errors_and_remote_handles_are_kept(db: Db) {
    let s = &db.store;
    user(s, "u1", 0).await;
    submit(s, "u1", "one", 1, 0, 100).await.expect("submit");
    let job = s
        .claim_job("w1", 200, 1000, &[])
        .await
        .expect("claim")
        .expect("a job");
    let err = Error::new(ErrorCode::Timeout, "worker stopped");
    assert!(s
        .requeue_job(&job.id, "w1", 300, &err)
        .await
        .expect("requeue"));
    s.claim_job("w2", 300, 9000, &[])
        .await
        .expect("claim")
        .expect("requeued job");
    assert_eq!(s.retried_errors(&job.id).await.expect("errors"), vec![err]);
    s.set_remote_handle(&job.id, "w2", "remote-1")
        .await
        .expect("handle");
    assert_eq!(
        s.remote_handle(&job.id).await.expect("handle").as_deref(),
        Some("remote-1")
    );
}

async fn a_job_ends_once_and_is_refunded_once(db: Db) {
    let s = &db.store;
    user(s, "u1", 10).await;
    let jobs = submit(s, "u1", "pair", 2, 3, 1).await.expect("submit");
    assert_eq!(s.balance("u1").await.expect("balance"), 4);
    let a = s
        .claim_job("w", 10, 1000, &[])
        .await
        .expect("claim")
        .expect("job");
    let b = s
        .claim_job("w", 10, 1000, &[])
        .await
        .expect("claim")
        .expect("job");
    let failed = JobOutcome::Ended {
        state: JobState::Failed,
        error: Error::new(ErrorCode::ProviderError, "boom"),
    };
    let done = s
        .finish_job(&a.id, Some("w"), &failed, 20)
        .await
        .expect("finish")
        .expect("ended");
    assert_eq!((done.state, done.refunded), (JobState::Failed, true));
    assert!(
        s.finish_job(&a.id, Some("w"), &failed, 21)
            .await
            .expect("finish")
            .is_none(),
        "ends once"
    );
    assert!(s
        .finish_job(&a.id, None, &failed, 21)
        .await
        .expect("finish")
        .is_none());
    let ok = JobOutcome::Succeeded {
        image: Box::new(image_for(&b, 30)),
    };
    assert!(
        s.finish_job(&b.id, Some("other"), &ok, 30)
            .await
            .expect("finish")
            .is_none(),
        "only the lease holder"
    );
    let done = s
        .finish_job(&b.id, Some("w"), &ok, 30)
        .await
        .expect("finish")
        .expect("ended");
    assert_eq!(
        (done.state, done.refunded, done.progress),
        (JobState::Succeeded, false, 1.0)
    );
    assert!(done.image_id.is_some());
    assert_eq!(s.balance("u1").await.expect("balance"), 7);
    assert_eq!(sum_entries(s, "u1").await, 7);
    let entries = s
        .ledger_entries(
            "u1",
            &PageRequest {
                before: None,
                limit: 100,
            },
        )
        .await
        .expect("entries");
    let kinds: Vec<LedgerKind> = entries
        .iter()
        .filter(|e| e.job_id.is_some())
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&LedgerKind::Refund) && kinds.contains(&LedgerKind::Capture));
    let set_jobs = s.set_jobs(&jobs[0].set_id).await.expect("set jobs");
    assert_eq!(
        set_jobs.iter().map(|j| j.index).collect::<Vec<_>>(),
        vec![0, 1]
    );
}

async fn cancel_refunds_queued_and_flags_running(db: Db) {
    let s = &db.store;
    user(s, "u1", 10).await;
    let jobs = submit(s, "u1", "cancel me", 2, 2, 1).await.expect("submit");
    let running = s
        .claim_job("w", 10, 1000, &[])
        .await
        .expect("claim")
        .expect("job");
    let queued = jobs.iter().find(|j| j.id != running.id).expect("other");
    let after = s
        .request_cancel(&queued.id, 11)
        .await
        .expect("cancel")
        .expect("job");
    assert_eq!((after.state, after.refunded), (JobState::Cancelled, true));
    let again = s
        .request_cancel(&queued.id, 12)
        .await
        .expect("cancel")
        .expect("job");
    assert_eq!(again.state, JobState::Cancelled);
    assert_eq!(s.balance("u1").await.expect("balance"), 8, "refunded once");
    let flagged = s
        .request_cancel(&running.id, 13)
        .await
        .expect("cancel")
        .expect("job");
    assert_eq!(flagged.state, JobState::Running);
    assert_eq!(
        s.renew_lease(&running.id, "w", 2000).await.expect("renew"),
        LeaseStatus::Held {
            cancel_requested: true
        }
    );
    assert_eq!(s.count_jobs(JobState::Running).await.expect("count"), 1);
}

/// The ids of every page of u1's library under `filter`, `limit` at a time, following the cursor.
async fn every_page(s: &SqlStore, filter: ImageFilter, limit: u32) -> Vec<String> {
    let mut seen = vec![];
    let mut before = None;
    loop {
        let page = s
            .list_images("u1", &filter, &PageRequest { before, limit })
            .await
            .expect("page");
        let Some(last) = page.last() else {
            return seen;
        };
        before = Some((last.created_at, last.id.clone()));
        seen.extend(page.into_iter().map(|i| i.id));
    }
}

async fn images_filter_paginate_and_delete_only_own(db: Db) {
    let s = &db.store;
    user(s, "u1", 0).await;
    user(s, "u2", 0).await;
    let prompts = [
        "Red fox",
        "blue whale",
        "red panda",
        "100% cotton",
        "green frog",
    ];
    let mut ids = vec![];
    for (i, p) in prompts.iter().enumerate() {
        let at = 1000 + i as i64;
        let jobs = submit(s, "u1", p, 1, 0, at).await.expect("submit");
        ids.push(
            finish_next(s, at, Some(&jobs[0].id), |image| {
                image.record.params.prompt = p.to_string();
                // One clip among the stills, for the media filter.
                if *p == "green frog" {
                    image.mime = "video/mp4".into();
                }
            })
            .await,
        );
    }
    let theirs = submit(s, "u2", "red balloon", 1, 0, 2000)
        .await
        .expect("submit");
    let job = s
        .claim_job("w", 9_999_999, 9_999_999, &[])
        .await
        .expect("claim")
        .expect("job");
    assert_eq!(job.id, theirs[0].id);
    s.finish_job(
        &job.id,
        Some("w"),
        &JobOutcome::Succeeded {
            image: Box::new(image_for(&job, 2000)),
        },
        2000,
    )
    .await
    .expect("finish");

    let all = |f: ImageFilter| async move {
        s.list_images(
            "u1",
            &f,
            &PageRequest {
                before: None,
                limit: 50,
            },
        )
        .await
        .expect("list")
    };
    assert_eq!(
        all(ImageFilter::default()).await.len(),
        5,
        "only the owner's images"
    );
    let red = all(ImageFilter {
        text: Some("RED".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        red.iter()
            .map(|i| i.record.params.prompt.as_str())
            .collect::<Vec<_>>(),
        vec!["red panda", "Red fox"]
    );
    let prompts_of = |images: Vec<Image>| {
        images
            .into_iter()
            .map(|i| i.record.params.prompt)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        prompts_of(
            all(ImageFilter {
                media: Some(MediaKind::Video),
                ..Default::default()
            })
            .await
        ),
        vec!["green frog"]
    );
    // With words too: each search shape keeps the filter.
    for (media, words, expected) in [
        (MediaKind::Image, "red", vec!["red panda", "Red fox"]),
        (MediaKind::Video, "frog", vec!["green frog"]),
        (MediaKind::Image, "frog", vec![]),
    ] {
        let found = all(ImageFilter {
            media: Some(media),
            text: Some(words.into()),
            ..Default::default()
        })
        .await;
        assert_eq!(prompts_of(found), expected, "{media:?} {words}");
    }
    assert_eq!(
        all(ImageFilter {
            text: Some("100%".into()),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert_eq!(
        all(ImageFilter {
            text: Some("%".into()),
            ..Default::default()
        })
        .await
        .len(),
        0,
        "punctuation alone is no word, and matches nothing"
    );
    let found = |text: &'static str| async move {
        let mut prompts: Vec<String> = all(ImageFilter {
            text: Some(text.into()),
            ..Default::default()
        })
        .await
        .into_iter()
        .map(|i| i.record.params.prompt)
        .collect();
        prompts.sort();
        prompts
    };
    assert_eq!(
        found("fox re").await,
        ["Red fox"],
        "any order, the last word a prefix"
    );
    assert_eq!(
        found("pan").await,
        ["red panda"],
        "a prefix while it is typed"
    );
    assert!(
        found("pan red").await.is_empty(),
        "words before the last are whole"
    );
    s.add_tags("u1", &[ids[4].clone()], &["Golden hour".into()], 20, 3000)
        .await
        .expect("tag");
    assert_eq!(
        found("frog golden").await,
        ["green frog"],
        "tags are searched with the prompt"
    );
    assert_eq!(found("hou").await, ["green frog"], "a tag's word by prefix");
    assert!(
        found("balloon").await.is_empty(),
        "only the owner's library"
    );
    s.remove_tags("u1", &[ids[4].clone()], &["Golden hour".into()])
        .await
        .expect("untag");
    assert!(
        found("golden").await.is_empty(),
        "a removed tag is no longer found"
    );
    s.add_tags(
        "u1",
        &[ids[2].clone(), ids[4].clone()],
        &["animal".into()],
        20,
        3001,
    )
    .await
    .expect("tag");
    let within = |text: &'static str, model: Option<&'static str>| async move {
        all(ImageFilter {
            text: Some(text.into()),
            tag: Some("animal".into()),
            model: model.map(Into::into),
            ..Default::default()
        })
        .await
        .into_iter()
        .map(|i| i.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        within("red", None).await,
        [ids[2].clone()],
        "a search within a tag"
    );
    assert!(
        within("red", Some("dall-e-2")).await.is_empty(),
        "and a model"
    );
    // A search pages newest first through every match, one at a time.
    let seen = every_page(
        s,
        ImageFilter {
            text: Some("r".into()),
            ..Default::default()
        },
        1,
    )
    .await;
    assert_eq!(
        seen,
        [ids[2].clone(), ids[0].clone()],
        "red panda, then Red fox"
    );
    assert_eq!(
        all(ImageFilter {
            from: Some(1002),
            to: Some(1003),
            ..Default::default()
        })
        .await
        .len(),
        2
    );
    assert_eq!(
        all(ImageFilter {
            model: Some("dall-e-2".into()),
            ..Default::default()
        })
        .await
        .len(),
        0
    );

    let seen = every_page(s, ImageFilter::default(), 2).await;
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(
        seen, newest_first,
        "cursor pages cover everything once, newest first"
    );

    let foreign = all(ImageFilter::default()).await;
    let deleted = s
        .delete_images("u2", &[foreign[0].id.clone()])
        .await
        .expect("delete");
    assert!(deleted.is_empty(), "cannot delete someone else's image");
    let deleted = s
        .delete_images("u1", &[ids[0].clone(), ids[1].clone(), "nope".into()])
        .await
        .expect("delete");
    assert_eq!(deleted.len(), 2);
    assert_eq!(all(ImageFilter::default()).await.len(), 3);
    assert!(s.get_image(&ids[0]).await.expect("get").is_none());
    let red = all(ImageFilter {
        text: Some("red".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        red.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [ids[2].as_str()],
        "a deleted image leaves the search"
    );
}

async fn submissions_commit_all_or_none(db: Db) {
    let s = &db.store;
    user(s, "u1", 5).await;
    let make = |cost: i64, comparison: &str| {
        let set = GenerationSet {
            id: new_id(),
            owner_id: "u1".into(),
            params: params("side by side", "local-sketch"),
            n: 1,
            cost,
            remix_of: None,
            comparison_id: Some(comparison.into()),
            created_at: 10,
            visibility: None,
        };
        let reserve = (cost > 0).then(|| LedgerMove {
            kind: LedgerKind::Reserve,
            amount: -cost,
            idempotency_key: format!("reserve:{}", set.id),
            memo: "test".into(),
        });
        NewSubmission {
            set,
            jobs: vec![],
            reserve,
            idempotency_key: None,
        }
    };
    // 3 + 3 is more than 5: the second reservation fails and the first is undone with it.
    let err = s
        .submit(&[make(3, "c1"), make(3, "c1")])
        .await
        .expect_err("too dear together");
    assert_eq!(err.code, ErrorCode::InsufficientCredits);
    assert_eq!(s.balance("u1").await.expect("balance"), 5);
    assert!(s
        .comparison_sets(Some("u1"), "c1")
        .await
        .expect("sets")
        .is_empty());
    s.submit(&[make(2, "c2"), make(3, "c2")])
        .await
        .expect("fits");
    assert_eq!(s.balance("u1").await.expect("balance"), 0);
    let sets = s.comparison_sets(Some("u1"), "c2").await.expect("sets");
    assert_eq!(sets.len(), 2);
    assert!(sets
        .iter()
        .all(|set| set.comparison_id.as_deref() == Some("c2")));
    assert!(
        s.comparison_sets(Some("someone-else"), "c2")
            .await
            .expect("sets")
            .is_empty(),
        "only the owner's"
    );
    assert_eq!(
        s.comparison_sets(None, "c2").await.expect("sets").len(),
        2,
        "unscoped (an admin) sees any owner's"
    );
}

async fn an_idempotency_key_admits_one_submission(db: Db) {
    let s = &db.store;
    user(s, "u1", 10).await;
    user(s, "u2", 10).await;
    let make = |owner: &str, key: &str| {
        let set = GenerationSet {
            id: new_id(),
            owner_id: owner.into(),
            params: params("once only", "local-sketch"),
            n: 1,
            cost: 2,
            remix_of: None,
            comparison_id: None,
            created_at: 10,
            visibility: None,
        };
        NewSubmission {
            reserve: Some(LedgerMove {
                kind: LedgerKind::Reserve,
                amount: -2,
                idempotency_key: format!("reserve:{}", set.id),
                memo: "test".into(),
            }),
            set,
            jobs: vec![],
            idempotency_key: Some(key.into()),
        }
    };
    let first = make("u1", "retry-1");
    s.submit(std::slice::from_ref(&first)).await.expect("first");
    let err = s
        .submit(&[make("u1", "retry-1")])
        .await
        .expect_err("the same key again");
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(s.balance("u1").await.expect("balance"), 8, "charged once");
    let found = s
        .set_by_idempotency_key("u1", "retry-1")
        .await
        .expect("lookup")
        .expect("the first set");
    assert_eq!(found.id, first.set.id);
    // Keys belong to their owner: another account may use the same string.
    s.submit(&[make("u2", "retry-1")])
        .await
        .expect("u2's own key");
    assert!(s
        .set_by_idempotency_key("u1", "other")
        .await
        .expect("lookup")
        .is_none());
}

async fn accounts_sessions_and_one_time_codes(db: Db) {
    use pixel_core::account::*;
    let s = &db.store;
    let new = |id: &str| User {
        id: id.into(),
        username: "ignored".into(),
        email: Some(format!("{id}@example.com")),
        role: Role::User,
        created_at: 1,
        admin_granted: false,
        suspended_at: None,
    };
    // Taken usernames move on to the next candidate; a known subject returns its account.
    let names = vec!["sam".to_string(), "sam_2".to_string()];
    let a = s
        .create_user_for_subject(&new("a"), "iss|1", &names)
        .await
        .expect("a");
    let b = s
        .create_user_for_subject(&new("b"), "iss|2", &names)
        .await
        .expect("b");
    assert_eq!((a.username.as_str(), b.username.as_str()), ("sam", "sam_2"));
    let again = s
        .create_user_for_subject(&new("c"), "iss|1", &names)
        .await
        .expect("same");
    assert_eq!(
        again.id, "a",
        "a concurrent first sign-in gets the existing account"
    );
    let e = s
        .create_user_for_subject(&new("d"), "iss|3", &names)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(s.user_by_subject("iss|2").await.unwrap().unwrap().id, "b");
    let e = s.update_account("b", Some("sam"), None).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let mut settings = s.account_settings("a").await.unwrap();
    assert_eq!(settings, AccountSettings::default());
    settings.default_visibility = Visibility::Public;
    settings.notifications.like = false;
    s.update_account("a", Some("sammy"), Some(&settings))
        .await
        .unwrap();
    assert_eq!(s.account_settings("a").await.unwrap(), settings);
    assert_eq!(s.get_user("a").await.unwrap().unwrap().username, "sammy");
    s.set_role("a", Role::Admin).await.unwrap();

    // Sessions: found by secret hash while live; expiry and revocation end them.
    let session = |id: &str, user: &str, expires_at: i64| Session {
        id: id.into(),
        user_id: user.into(),
        kind: SessionKind::Browser,
        label: "browser".into(),
        csrf_token: "csrf".into(),
        created_at: 10,
        last_used_at: 10,
        expires_at,
    };
    s.create_session(&session("s1", "a", 1_000), "h1")
        .await
        .unwrap();
    s.create_session(&session("s2", "a", 100), "h2")
        .await
        .unwrap();
    s.create_session(&session("s3", "b", 1_000), "h3")
        .await
        .unwrap();
    let (found, user) = s.session_by_secret("h1", 50).await.unwrap().expect("live");
    assert_eq!((found.id.as_str(), user.role), ("s1", Role::Admin));
    assert!(
        s.session_by_secret("h2", 100).await.unwrap().is_none(),
        "expired"
    );
    assert_eq!(s.list_sessions("a", 50).await.unwrap().len(), 2);
    assert!(
        !s.revoke_session("b", "s1", 50).await.unwrap(),
        "not b's session"
    );
    assert!(s.revoke_session("a", "s1", 50).await.unwrap());
    assert!(
        s.session_by_secret("h1", 60).await.unwrap().is_none(),
        "revoked"
    );
    assert_eq!(s.revoke_sessions("a", 60).await.unwrap(), 1);
    assert!(
        s.session_by_secret("h3", 60).await.unwrap().is_some(),
        "b untouched"
    );

    // Sign-ins in progress are taken once.
    let req = AuthRequest {
        id_hash: "r1".into(),
        state: "st".into(),
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        return_to: "/".into(),
        desktop_challenge: Some("ch".into()),
        created_at: 10,
        expires_at: 100,
    };
    s.put_auth_request(&req).await.unwrap();
    assert_eq!(
        s.take_auth_request("r1", 50).await.unwrap(),
        Some(req.clone())
    );
    assert!(
        s.take_auth_request("r1", 50).await.unwrap().is_none(),
        "single use"
    );
    s.put_auth_request(&AuthRequest {
        id_hash: "r2".into(),
        ..req
    })
    .await
    .unwrap();
    assert!(
        s.take_auth_request("r2", 100).await.unwrap().is_none(),
        "expired"
    );

    // Desktop codes: once, and only before they expire; concurrent takers get it once.
    let code = DesktopCode {
        code_hash: "c1".into(),
        user_id: "a".into(),
        challenge: "ch".into(),
        created_at: 10,
        expires_at: 100,
    };
    s.put_desktop_code(&code).await.unwrap();
    assert!(
        s.take_desktop_code("c1", 100).await.unwrap().is_none(),
        "expired"
    );
    let takers = (0..4).map(|_| {
        let s = s.clone();
        tokio::spawn(async move { s.take_desktop_code("c1", 50).await.unwrap() })
    });
    let mut won = 0;
    for t in takers {
        if t.await.unwrap().is_some() {
            won += 1;
        }
    }
    assert_eq!(won, 1, "a code is used exactly once");
}

async fn sets_list_newest_first_with_their_jobs_in_order(db: Db) {
    let s = &db.store;
    user(s, "u1", 0).await;
    user(s, "u2", 0).await;
    let mut sets = vec![];
    for (i, n) in [2_u32, 1, 3].into_iter().enumerate() {
        let jobs = submit(s, "u1", "a set", n, 0, 100 + i as i64)
            .await
            .expect("submit");
        sets.push(jobs[0].set_id.clone());
    }
    submit(s, "u2", "not theirs", 1, 0, 500)
        .await
        .expect("submit");
    let first = s
        .list_sets(
            "u1",
            &PageRequest {
                before: None,
                limit: 2,
            },
        )
        .await
        .expect("page");
    assert_eq!(
        first.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        vec![sets[2].as_str(), sets[1].as_str()],
        "newest first, the owner's only"
    );
    let last = first.last().expect("two");
    let rest = s
        .list_sets(
            "u1",
            &PageRequest {
                before: Some((last.created_at, last.id.clone())),
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(
        rest.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(),
        vec![sets[0].as_str()]
    );
    let set = s.get_set(&sets[2]).await.expect("get").expect("exists");
    assert_eq!((set.owner_id.as_str(), set.n), ("u1", 3));
    let jobs = s.set_jobs(&sets[2]).await.expect("jobs");
    assert_eq!(
        jobs.iter().map(|j| j.index).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(s.get_set("missing").await.expect("get").is_none());
}

/// A set made public or private as a whole: its images change in one write, an image finished later
/// takes the set's choice whatever it was made with, and only the owner can choose.
async fn a_set_is_made_public_or_private_as_a_whole(db: Db) {
    let s = &db.store;
    user(s, "u1", 0).await;
    user(s, "u2", 0).await;
    let jobs = submit(s, "u1", "three of a kind", 3, 0, 100)
        .await
        .expect("submit");
    let set_id = jobs[0].set_id.clone();
    let finish = |at: Millis, visibility: Visibility| {
        finish_next(s, at, None, move |image| image.visibility = visibility)
    };
    let first = finish(200, Visibility::Private).await;
    assert_eq!(
        s.set_visibility_of_set("u2", &set_id, Visibility::Public)
            .await
            .expect("not theirs"),
        None
    );
    assert_eq!(
        s.set_visibility_of_set("u1", "no-such-set", Visibility::Public)
            .await
            .expect("missing"),
        None
    );
    let changed = s
        .set_visibility_of_set("u1", &set_id, Visibility::Public)
        .await
        .expect("public")
        .expect("the owner's set");
    assert_eq!(changed, vec![first.clone()]);
    let later = finish(300, Visibility::Private).await;
    let visibility = |id: String| async move {
        s.get_image(&id)
            .await
            .expect("get")
            .expect("image")
            .visibility
    };
    assert_eq!(visibility(first.clone()).await, Visibility::Public);
    assert_eq!(
        visibility(later.clone()).await,
        Visibility::Public,
        "made after the choice, it takes the set's"
    );
    let set = s.get_set(&set_id).await.expect("get").expect("set");
    assert_eq!(set.visibility, Some(Visibility::Public));

    let mut changed = s
        .set_visibility_of_set("u1", &set_id, Visibility::Private)
        .await
        .expect("private")
        .expect("the owner's set");
    changed.sort();
    let mut both = vec![first.clone(), later.clone()];
    both.sort();
    assert_eq!(changed, both);
    let last = finish(400, Visibility::Public).await;
    assert_eq!(
        visibility(last).await,
        Visibility::Private,
        "a private set's late image is private, whatever it was made with"
    );
    assert_eq!(visibility(first).await, Visibility::Private);
}

/// A profile's bio and picture are kept per account, read back as written, and empty for a missing one.
async fn profile_details_are_kept_per_account(db: Db) {
    use pixel_core::social::ProfileDetails;
    let s = &db.store;
    user(s, "u1", 0).await;
    user(s, "u2", 0).await;
    assert_eq!(
        s.profile_details("u1").await.expect("read"),
        ProfileDetails::default()
    );
    let details = ProfileDetails {
        bio: "Koi, fog and 'quotes'.\nSecond line".into(),
        avatar_image_id: Some("img-1".into()),
    };
    s.set_profile_details("u1", &details).await.expect("write");
    assert_eq!(s.profile_details("u1").await.expect("read"), details);
    assert_eq!(
        s.profile_details("u2").await.expect("read"),
        ProfileDetails::default(),
        "the other account is untouched"
    );
    assert_eq!(
        s.profile_details("nobody").await.expect("read"),
        ProfileDetails::default()
    );
    let cleared = ProfileDetails {
        bio: String::new(),
        avatar_image_id: None,
    };
    s.set_profile_details("u1", &cleared).await.expect("clear");
    assert_eq!(s.profile_details("u1").await.expect("read"), cleared);
}
