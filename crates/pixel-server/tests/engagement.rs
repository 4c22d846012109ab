//! Login streaks and achievements through the API on SQLite and PostgreSQL: a UTC day claimed once
//! however many tabs claim it at once, +1 credit a day, the 7-day milestone's bonus and notification,
//! a missed day resetting the streak; achievements unlocked on every path that earns them (the
//! asynchronous generation, follows, likes, comments, collections, the streak), each exactly once
//! with its credits even when many actions earn it at the same moment, and shown with progress.

mod common;

use common::{
    call_as, notes_of_kind, ok_as as ok, public_image, token_for, Db, OidcOpts, Opts, TestServer,
};
use pixel_core::ports::OffsetClock;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(86_400);

async fn ledger(s: &TestServer, token: &str) -> Value {
    let (status, ledger) = call_as(s, Some(token), "ledger.list", &json!({"limit": 200})).await;
    assert_eq!(status, 200, "{ledger}");
    common::assert_ledger_whole(&ledger);
    ledger
}

/// How many of the caller's ledger entries carry this memo.
async fn entries_with_memo(s: &TestServer, token: &str, memo: &str) -> usize {
    ledger(s, token).await["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["memo"] == memo)
        .count()
}

/// Moves the clock to the next noon, UTC, so a test's days never straddle a midnight it did not mean.
fn to_noon(clock: &OffsetClock) {
    let now = pixel_core::now_ms();
    let day = 86_400_000;
    let to_noon = (day / 2 - now.rem_euclid(day)).rem_euclid(day);
    clock.advance(Duration::from_millis(to_noon as u64));
}

fn with_engagement(c: &mut pixel_server::Config) {
    c.engagement = true;
}

async fn charging_server_on(db: Db, clock: Option<Arc<OffsetClock>>) -> Option<TestServer> {
    let oidc = OidcOpts::from_env()?;
    TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 5,
        oidc: Some(oidc),
        clock,
        config: Some(with_engagement),
        ..Default::default()
    })
    .await
}

async fn streaks_count_each_utc_day_once(db: Db) {
    let clock = Arc::new(OffsetClock::default());
    to_noon(&clock);
    let Some(s) = charging_server_on(db, Some(clock.clone())).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;

    let before = ok(&s, &ada, "streaks.get", json!({})).await;
    assert_eq!(
        (&before["current_days"], &before["claimed_today"]),
        (&json!(0), &json!(false))
    );
    let first = ok(&s, &ada, "streaks.claim", json!({})).await;
    assert_eq!(first["claimed"], true, "{first}");
    assert_eq!(
        (&first["credits"], &first["streak"]["current_days"]),
        (&json!(1), &json!(1))
    );
    // Another tab the same day: nothing more.
    let again = ok(&s, &ada, "streaks.claim", json!({})).await;
    assert_eq!(
        (&again["claimed"], &again["credits"]),
        (&json!(false), &json!(0))
    );
    assert_eq!(ledger(&s, &ada).await["balance"], 6);

    // The next day, sixteen tabs and devices claim at once: one of them counts it.
    clock.advance(DAY);
    let claims =
        (0..16).map(|_| async { call_as(&s, Some(&ada), "streaks.claim", &json!({})).await });
    let answers = futures_util::future::join_all(claims).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let fresh = answers.iter().filter(|(_, a)| a["claimed"] == true).count();
    assert_eq!(fresh, 1, "one claim a day: {answers:?}");
    assert!(answers
        .iter()
        .all(|(_, a)| a["streak"]["current_days"] == 2));
    assert_eq!(ledger(&s, &ada).await["balance"], 7);

    // Days 3 to 7: the seventh reaches the first milestone (+2) and the one-week achievement (+2).
    for day in 3..=7 {
        clock.advance(DAY);
        let claim = ok(&s, &ada, "streaks.claim", json!({})).await;
        assert_eq!(claim["streak"]["current_days"], day, "{claim}");
        let milestone = if day == 7 { json!(7) } else { Value::Null };
        assert_eq!(claim["milestone"], milestone, "{claim}");
    }
    assert_eq!(
        ledger(&s, &ada).await["balance"],
        5 + 7 + 2 + 2,
        "seven days, the milestone bonus and the One week achievement"
    );
    assert_eq!(
        entries_with_memo(&s, &ada, "7-day login streak bonus").await,
        1
    );
    assert_eq!(
        entries_with_memo(&s, &ada, "Achievement: One week").await,
        1
    );
    let milestones = notes_of_kind(&s, &ada, "streak_milestone").await;
    assert_eq!(milestones.len(), 1, "{milestones:?}");
    assert_eq!(milestones[0]["award"]["title"], "7-day login streak");
    let unlocked = notes_of_kind(&s, &ada, "achievement_unlocked").await;
    assert_eq!(unlocked.len(), 1, "{unlocked:?}");
    assert_eq!(unlocked[0]["award"]["id"], "streak_7");

    // A missed day breaks the streak; the longest is kept.
    clock.advance(DAY * 2);
    let broken = ok(&s, &ada, "streaks.get", json!({})).await;
    assert_eq!(
        (&broken["current_days"], &broken["longest_days"]),
        (&json!(0), &json!(7))
    );
    let restart = ok(&s, &ada, "streaks.claim", json!({})).await;
    assert_eq!(
        (
            &restart["streak"]["current_days"],
            &restart["streak"]["longest_days"],
            &restart["credits"]
        ),
        (&json!(1), &json!(7), &json!(1))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn streaks_count_each_utc_day_once_on_sqlite() {
    streaks_count_each_utc_day_once(Db::Sqlite).await;
}

#[tokio::test]
async fn streaks_count_each_utc_day_once_on_postgres() {
    streaks_count_each_utc_day_once(Db::Postgres).await;
}

/// Waits until `achievement` shows unlocked for the holder of `token` (a generation's is unlocked
/// by the worker after the job is seen to end).
async fn wait_unlocked(s: &TestServer, token: &str, achievement: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let list = ok(s, token, "achievements.list", json!({})).await;
        let found = list["achievements"]
            .as_array()
            .expect("achievements")
            .iter()
            .any(|a| a["id"] == achievement && a["unlocked_at"].is_i64());
        if found {
            return list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{achievement}: {list}"
        );
        // Polls over HTTP while the worker finishes the job it just reported.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every holder of `tokens` calls `method` with `input` at the same moment.
async fn all_at_once(
    s: &TestServer,
    tokens: &[String],
    method: &str,
    input: Value,
) -> Vec<(u16, Value)> {
    let input = &input;
    futures_util::future::join_all(
        tokens
            .iter()
            .map(|t| async move { call_as(s, Some(t), method, input).await }),
    )
    .await
}

async fn achievements_unlock_once_on_every_path(db: Db) {
    let Some(s) = charging_server_on(db, None).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let me = ok(&s, &ada, "account.get", json!({})).await;
    let ada_id = me["user"]["id"].as_str().expect("id").to_string();

    // The asynchronous path: a generation finished by a worker.
    let image_id = public_image(&s, &ada, "a lighthouse at dusk").await;
    wait_unlocked(&s, &ada, "generations_1").await;

    // Ten people follow and like at the same moment: First follower, Rising and Liked, once each.
    let mut fans = vec![];
    for n in 0..10 {
        fans.push(token_for(&s, &format!("fan{n}@example.com")).await);
    }
    let (follows, likes) = futures_util::future::join(
        all_at_once(&s, &fans, "follows.follow", json!({"user_id": ada_id})),
        all_at_once(&s, &fans, "likes.like_image", json!({"image_id": image_id})),
    )
    .await;
    assert!(follows
        .iter()
        .chain(&likes)
        .all(|(status, _)| *status == 200));

    // Ten comments at once, then a collection.
    let (server, ada_ref, image_id) = (&s, &ada, &image_id);
    let comments = (0..10).map(|n| async move {
        call_as(
            server,
            Some(ada_ref),
            "comments.create",
            &json!({"image_id": image_id, "body": format!("note {n}")}),
        )
        .await
    });
    let comments = futures_util::future::join_all(comments).await;
    assert!(
        comments.iter().all(|(status, _)| *status == 200),
        "{comments:?}"
    );
    ok(&s, &ada, "collections.create", json!({"title": "Harbours"})).await;

    let list = ok(&s, &ada, "achievements.list", json!({})).await;
    let unlocked: Vec<&str> = list["achievements"]
        .as_array()
        .expect("achievements")
        .iter()
        .filter(|a| a["unlocked_at"].is_i64())
        .filter_map(|a| a["id"].as_str())
        .collect();
    let expected = [
        "generations_1",
        "followers_1",
        "followers_10",
        "likes_10",
        "comments_10",
        "collections_1",
    ];
    let mut sorted = unlocked.clone();
    sorted.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(sorted, want, "{list}");
    assert_eq!(list["unlocked"], 6);
    assert_eq!(list["credit_rewards"], true);
    // Bronze 10 XP each, Rising (3 credits) silver 50.
    assert_eq!(list["xp"], 10 * 5 + 50, "{list}");
    let next = list["achievements"]
        .as_array()
        .expect("achievements")
        .iter()
        .find(|a| a["id"] == "generations_10")
        .cloned()
        .expect("generations_10");
    assert_eq!(
        (&next["progress"], &next["threshold"]),
        (&json!(1), &json!(10))
    );

    // Each rewarded once, with the catalogue's credits, and told once.
    for (title, credits) in [
        ("First light", 1),
        ("First follower", 1),
        ("Rising", 3),
        ("Liked", 1),
        ("Conversationalist", 1),
        ("Curator", 1),
    ] {
        let memo = format!("Achievement: {title}");
        let entries: Vec<Value> = ledger(&s, &ada).await["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["memo"] == memo.as_str())
            .cloned()
            .collect();
        assert_eq!(entries.len(), 1, "{memo}: {entries:?}");
        assert_eq!(entries[0]["amount"], credits, "{memo}");
    }
    let told = notes_of_kind(&s, &ada, "achievement_unlocked").await;
    assert_eq!(told.len(), 6, "{told:?}");
    assert!(told.iter().any(|n| n["award"]["title"] == "Rising"));

    // A follower's own list is theirs: nothing of Ada's shows there.
    let theirs = ok(&s, &fans[0], "achievements.list", json!({})).await;
    assert_eq!(theirs["unlocked"], 0, "{theirs}");
    s.shutdown().await;
}

#[tokio::test]
async fn achievements_unlock_once_on_every_path_on_sqlite() {
    achievements_unlock_once_on_every_path(Db::Sqlite).await;
}

#[tokio::test]
async fn achievements_unlock_once_on_every_path_on_postgres() {
    achievements_unlock_once_on_every_path(Db::Postgres).await;
}

#[tokio::test]
async fn a_server_without_credits_keeps_streaks_and_achievements_without_money() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let Some(s) = TestServer::start(Opts {
        oidc: Some(oidc),
        config: Some(with_engagement),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    ok(&s, &ada, "collections.create", json!({"title": "Sketches"})).await;
    let claim = ok(&s, &ada, "streaks.claim", json!({})).await;
    assert_eq!(
        (
            &claim["claimed"],
            &claim["credits"],
            &claim["streak"]["daily_credits"]
        ),
        (&json!(true), &json!(0), &json!(0))
    );
    let list = ok(&s, &ada, "achievements.list", json!({})).await;
    assert_eq!(list["credit_rewards"], false);
    assert_eq!(list["unlocked"], 1, "{list}");
    let ledger = ledger(&s, &ada).await;
    assert!(
        ledger["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .all(|e| !e["memo"].as_str().unwrap_or("").starts_with("Achievement")),
        "{ledger}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_server_can_turn_streaks_and_achievements_off() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let Some(s) = TestServer::start(Opts {
        oidc: Some(oidc),
        charging: true,
        config: Some(|c| c.engagement = false),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    ok(&s, &ada, "collections.create", json!({"title": "Sketches"})).await;
    for method in ["streaks.claim", "streaks.get", "achievements.list"] {
        let (status, err) = call_as(&s, Some(&ada), method, &json!({})).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{method}: {err}"
        );
    }
    assert!(
        notes_of_kind(&s, &ada, "achievement_unlocked")
            .await
            .is_empty(),
        "nothing unlocked"
    );
    s.shutdown().await;
}
