//! Tips through the API on SQLite and PostgreSQL: credits move from giver to receiver in one
//! transaction (never below zero, never twice for one request key), the receiver is told with the
//! amount and message, each side lists its own tips, and bad input is refused with nothing written.
//! Many tips at once, both ways between the same two accounts, end with every credit accounted for.

mod common;

use common::{call_as, token_for, Db, OidcOpts, Opts, TestServer};
use serde_json::{json, Value};

async fn ledger(s: &TestServer, token: &str) -> Value {
    let (status, ledger) = call_as(s, Some(token), "ledger.list", &json!({"limit": 200})).await;
    assert_eq!(status, 200, "{ledger}");
    common::assert_ledger_whole(&ledger);
    ledger
}

async fn balance(s: &TestServer, token: &str) -> i64 {
    ledger(s, token).await["balance"].as_i64().expect("balance")
}

async fn user_id(s: &TestServer, token: &str) -> String {
    let (_, me) = call_as(s, Some(token), "account.get", &json!({})).await;
    me["user"]["id"].as_str().expect("id").to_string()
}

async fn tips_move_credits_once_and_tell_the_receiver(db: Db) {
    let Some(s) = common::charging_server(db, 20).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let grace_id = user_id(&s, &grace).await;
    let ada_id = user_id(&s, &ada).await;

    let tip = json!({"user_id": grace_id, "amount": 5, "message": "  lovely work  ", "request_key": "k-1"});
    let (status, sent) = call_as(&s, Some(&ada), "tips.send", &tip).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["balance"], 15);
    assert_eq!(balance(&s, &grace).await, 25);
    // The same request again (a retry after a lost answer): the same tip, nothing moves twice.
    let (status, again) = call_as(&s, Some(&ada), "tips.send", &tip).await;
    assert_eq!((status, &again["tip_id"]), (200, &sent["tip_id"]));
    assert_eq!(
        (balance(&s, &ada).await, balance(&s, &grace).await),
        (15, 25)
    );
    let (status, err) = call_as(
        &s,
        Some(&ada),
        "tips.send",
        &json!({"user_id": grace_id, "amount": 6, "request_key": "k-1"}),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (409, Some("conflict"))
    );

    // The receiver is told: who, how much, the message as trimmed.
    let (_, notes) = call_as(&s, Some(&grace), "notifications.list", &json!({})).await;
    let note = &notes["notifications"][0];
    assert_eq!(note["kind"], "tip_received", "{notes}");
    assert_eq!(note["actor"]["id"], ada_id.as_str());
    assert_eq!(note["tip"]["amount"], 5);
    assert_eq!(note["tip"]["message"], "lovely work");
    assert_eq!(
        notes["notifications"].as_array().map(Vec::len),
        Some(1),
        "told once"
    );

    // Each side lists its own tips, with the other side named.
    let (_, received) = call_as(
        &s,
        Some(&grace),
        "tips.list",
        &json!({"direction": "received"}),
    )
    .await;
    assert_eq!(received["tips"][0]["other"]["id"], ada_id.as_str());
    assert_eq!(received["tips"][0]["message"], "lovely work");
    let (_, sent_list) = call_as(&s, Some(&ada), "tips.list", &json!({"direction": "sent"})).await;
    assert_eq!(sent_list["tips"][0]["other"]["id"], grace_id.as_str());
    let (_, none) = call_as(
        &s,
        Some(&ada),
        "tips.list",
        &json!({"direction": "received"}),
    )
    .await;
    assert_eq!(none["tips"], json!([]));

    // Refused with clear codes, nothing written.
    let long = "x".repeat(501);
    for (input, status, code) in [
        (
            json!({"user_id": grace_id, "amount": 0}),
            422,
            "invalid_input",
        ),
        (
            json!({"user_id": grace_id, "amount": 1001}),
            422,
            "invalid_input",
        ),
        (
            json!({"user_id": grace_id, "amount": -3}),
            422,
            "invalid_input",
        ),
        (
            json!({"user_id": grace_id, "amount": 1, "message": long}),
            422,
            "invalid_input",
        ),
        (
            json!({"user_id": ada_id, "amount": 1}),
            422,
            "invalid_input",
        ),
        (json!({"user_id": "nobody", "amount": 1}), 404, "not_found"),
        (
            json!({"user_id": grace_id, "amount": 16}),
            402,
            "insufficient_credits",
        ),
        (
            json!({"user_id": grace_id, "amount": 1, "image_id": "not-an-image"}),
            404,
            "not_found",
        ),
        (
            json!({"user_id": grace_id, "amount": "5"}),
            400,
            "invalid_body",
        ),
    ] {
        let (got, body) = call_as(&s, Some(&ada), "tips.send", &input).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{input}: {body}"
        );
    }
    assert_eq!(
        (balance(&s, &ada).await, balance(&s, &grace).await),
        (15, 25)
    );
    let (_, sent_list) = call_as(&s, Some(&ada), "tips.list", &json!({"direction": "sent"})).await;
    assert_eq!(sent_list["tips"].as_array().map(Vec::len), Some(1));

    // Many tips at once, both ways: every one that succeeds moves its credit once, none goes below
    // zero, and the two balances still hold all 40 credits.
    let tasks = (0..60).map(|i| {
        let (from, to) = if i % 2 == 0 {
            (&ada, &grace_id)
        } else {
            (&grace, &ada_id)
        };
        let s = &s;
        async move {
            call_as(
                s,
                Some(from),
                "tips.send",
                &json!({"user_id": to, "amount": 1}),
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(tasks).await;
    for (status, body) in &answers {
        assert!(
            *status == 200 || body["error"]["code"] == "insufficient_credits",
            "{status} {body}"
        );
    }
    assert_eq!(
        answers.iter().filter(|(status, _)| *status == 200).count(),
        60,
        "both have enough for 30"
    );
    assert_eq!(
        (balance(&s, &ada).await, balance(&s, &grace).await),
        (15, 25)
    );
    // Grace's tips received: the first 5 and 30 of 1 each, all today.
    let (_, earned) = call_as(&s, Some(&grace), "earnings.summary", &json!({})).await;
    assert_eq!(earned["tips"], 35, "{earned}");
    assert_eq!(earned["days"][29]["tips"], 35);

    // One who blocks the other can be tipped by them no more.
    let (status, _) = call_as(
        &s,
        Some(&grace),
        "blocks.block",
        &json!({"user_id": ada_id}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = call_as(
        &s,
        Some(&ada),
        "tips.send",
        &json!({"user_id": grace_id, "amount": 1}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn tips_move_credits_once_and_tell_the_receiver_on_sqlite() {
    tips_move_credits_once_and_tell_the_receiver(Db::Sqlite).await;
}

#[tokio::test]
async fn tips_move_credits_once_and_tell_the_receiver_on_postgres() {
    tips_move_credits_once_and_tell_the_receiver(Db::Postgres).await;
}

#[tokio::test]
async fn a_server_that_does_not_charge_has_no_tips() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let s = TestServer::start(Opts {
        oidc: Some(oidc),
        ..Default::default()
    })
    .await
    .expect("server");
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let grace_id = user_id(&s, &grace).await;
    let (status, body) = call_as(
        &s,
        Some(&ada),
        "tips.send",
        &json!({"user_id": grace_id, "amount": 1}),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    s.shutdown().await;
}
