//! Buying credit packs through Stripe Checkout, against the loopback fake of Stripe's API, on SQLite
//! and PostgreSQL: the server prices the purchase (the client names a pack, nothing more), and a
//! purchase is credited only by a webhook event signed as Stripe signs it, once, however often it is
//! delivered; forged, stale and unpaid events, and payments that do not match the price, credit nothing.

mod common;

use common::{call_as, token_for, Db, OidcOpts, Opts, TestServer};
use pixel_testkit::stripe_fake::{FakeStripe, FAKE_WEBHOOK_SECRET};
use serde_json::{json, Value};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Delivers one webhook as Stripe does; returns (status, body).
async fn deliver(s: &TestServer, payload: &str, signature: Option<String>) -> (u16, Value) {
    let mut req = s
        .client
        .post(format!("{}/api/payments/stripe", s.base))
        .header("content-type", "application/json")
        .body(payload.to_string());
    if let Some(sig) = signature {
        req = req.header("stripe-signature", sig);
    }
    let resp = req.send().await.expect("webhook");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn signed(payload: &str) -> Option<String> {
    Some(pixel_testkit::stripe_fake::sign(
        payload,
        FAKE_WEBHOOK_SECRET,
        now(),
    ))
}

async fn balance(s: &TestServer, token: &str) -> i64 {
    let (status, account) = call_as(s, Some(token), "account.get", &json!({})).await;
    assert_eq!(status, 200, "{account}");
    account["balance"].as_i64().expect("balance")
}

/// Begins buying `pack_id`; returns (purchase id, Stripe session id).
async fn buy(s: &TestServer, token: &str, pack_id: &str) -> (String, String) {
    let (status, out) = call_as(
        s,
        Some(token),
        "credits.buy",
        &json!({ "pack_id": pack_id }),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    let url = out["checkout_url"].as_str().expect("checkout url");
    let session = url.rsplit('/').next().expect("session id").to_string();
    (
        out["purchase_id"].as_str().expect("purchase").to_string(),
        session,
    )
}

/// A server that charges and sells packs through the Stripe fake, with sign-in; None where the OIDC
/// provider (or PostgreSQL) is not running.
async fn selling_server(db: Db) -> Option<(FakeStripe, TestServer)> {
    let oidc = OidcOpts::from_env()?;
    let stripe = FakeStripe::start().await;
    let s = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 5,
        oidc: Some(oidc),
        stripe_api_base: Some(stripe.base_url.clone()),
        ..Default::default()
    })
    .await?;
    Some((stripe, s))
}

async fn packs_are_bought_and_credited_once(db: Db) {
    let Some((stripe, s)) = selling_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;

    let (status, packs) = call_as(&s, None, "credits.packs", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(packs["for_sale"], true);
    let ids: Vec<&str> = packs["packs"]
        .as_array()
        .expect("packs")
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(ids, ["pack_50", "pack_150", "pack_400"]);

    // The client names a pack and nothing else: no price, no credit count of its own.
    let (status, err) = call_as(
        &s,
        Some(&ada),
        "credits.buy",
        &json!({"pack_id": "pack_9999"}),
    )
    .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("invalid_input"))
    );
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "credits.buy",
        &json!({"pack_id": "pack_50", "credits": 100000}),
    )
    .await;
    assert!((400..500).contains(&status), "unknown fields are refused");
    let (status, _) = call_as(&s, None, "credits.buy", &json!({"pack_id": "pack_50"})).await;
    assert_eq!(status, 401);

    let (purchase, session) = buy(&s, &ada, "pack_150").await;
    let created = stripe.session(&session).expect("the session Stripe made");
    assert_eq!(created["amount_total"], 699, "the server's price");
    assert_eq!(created["client_reference_id"], purchase.as_str());
    assert_eq!(created["metadata"]["item"], "pack_150");
    assert!(created["success_url"]
        .as_str()
        .is_some_and(|u| u.starts_with(&s.base)));
    assert_eq!(
        balance(&s, &ada).await,
        5,
        "nothing credited before payment"
    );

    // Refused: no signature, another secret, a stale signature; nothing credited.
    let paid = stripe.event("evt_paid_1", "checkout.session.completed", &session, true);
    let (status, _) = deliver(&s, &paid, None).await;
    assert_eq!(status, 400);
    let forged = pixel_testkit::stripe_fake::sign(&paid, "whsec_not_ours", now());
    assert_eq!(deliver(&s, &paid, Some(forged)).await.0, 400);
    let stale = pixel_testkit::stripe_fake::sign(&paid, FAKE_WEBHOOK_SECRET, now() - 400);
    assert_eq!(deliver(&s, &paid, Some(stale)).await.0, 400);
    assert_eq!(balance(&s, &ada).await, 5);

    // The paid event delivered 100 times at once: credited once.
    let sig = signed(&paid);
    let deliveries = (0..100).map(|_| deliver(&s, &paid, sig.clone()));
    let answers = futures_util::future::join_all(deliveries).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let credited = answers
        .iter()
        .filter(|(_, body)| body["outcome"] == "credited")
        .count();
    assert_eq!(credited, 1, "{answers:?}");
    assert_eq!(balance(&s, &ada).await, 155);
    // The same purchase's other event (a late async success) changes nothing either.
    let late = stripe.event(
        "evt_paid_2",
        "checkout.session.async_payment_succeeded",
        &session,
        true,
    );
    let (_, body) = deliver(&s, &late, signed(&late)).await;
    assert_eq!(body["outcome"], "already_applied");
    assert_eq!(balance(&s, &ada).await, 155);

    // A delayed payment method: complete but unpaid credits nothing; its success credits the pack.
    let (_, delayed) = buy(&s, &ada, "pack_50").await;
    let pending = stripe.event(
        "evt_delayed_1",
        "checkout.session.completed",
        &delayed,
        false,
    );
    let (status, body) = deliver(&s, &pending, signed(&pending)).await;
    assert_eq!(
        (status, body["outcome"].as_str()),
        (200, Some("not_paid_yet"))
    );
    assert_eq!(balance(&s, &ada).await, 155);
    let settled = stripe.event(
        "evt_delayed_2",
        "checkout.session.async_payment_succeeded",
        &delayed,
        true,
    );
    let (_, body) = deliver(&s, &settled, signed(&settled)).await;
    assert_eq!(body["outcome"], "credited");
    assert_eq!(balance(&s, &ada).await, 205);

    // A signed event whose amount is not the price we set, and one for a session that is not ours:
    // acknowledged (Stripe must stop retrying) and credited nothing.
    let (_, odd) = buy(&s, &ada, "pack_400").await;
    let cheap = stripe
        .event("evt_odd", "checkout.session.completed", &odd, true)
        .replace("\"amount_total\":1499", "\"amount_total\":1");
    let (status, body) = deliver(&s, &cheap, signed(&cheap)).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("refused")));
    let stranger = stripe
        .event("evt_stranger", "checkout.session.completed", &odd, true)
        .replace(&odd, "cs_not_ours");
    let (status, body) = deliver(&s, &stranger, signed(&stranger)).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("refused")));
    let other =
        json!({"id": "evt_other", "object": "event", "type": "customer.created", "created": 1,
        "data": {"object": {"id": "cus_1", "object": "customer"}}})
        .to_string();
    let (status, body) = deliver(&s, &other, signed(&other)).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("ignored")));
    assert_eq!(balance(&s, &ada).await, 205);

    // The ledger: the two packs, each one grant, summing to the balance.
    let (_, ledger) = call_as(&s, Some(&ada), "ledger.list", &json!({})).await;
    common::assert_ledger_whole(&ledger);
    let bought: Vec<i64> = ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| {
            e["idempotency_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("purchase:"))
        })
        .filter_map(|e| e["amount"].as_i64())
        .collect();
    assert_eq!(bought, [50, 150]);
    // The history a page at a time, newest first: each page follows the last.
    let (_, first) = call_as(&s, Some(&ada), "ledger.list", &json!({"limit": 1})).await;
    let next = first["next"].as_str().expect("a next page");
    let (_, second) = call_as(
        &s,
        Some(&ada),
        "ledger.list",
        &json!({"limit": 1, "before": next}),
    )
    .await;
    assert_eq!(first["entries"][0]["amount"], 50, "the newest first");
    assert_eq!(second["entries"][0]["amount"], 150);
    s.shutdown().await;
}

#[tokio::test]
async fn packs_are_bought_and_credited_once_on_sqlite() {
    packs_are_bought_and_credited_once(Db::Sqlite).await;
}

#[tokio::test]
async fn packs_are_bought_and_credited_once_on_postgres() {
    packs_are_bought_and_credited_once(Db::Postgres).await;
}

async fn ledger_of(s: &TestServer, token: &str) -> Value {
    let (status, ledger) = call_as(s, Some(token), "ledger.list", &json!({})).await;
    assert_eq!(status, 200, "{ledger}");
    common::assert_ledger_whole(&ledger);
    ledger
}

/// Refunds and disputes reach the server as Stripe's signed `charge.refunded` and
/// `charge.dispute.*` events, naming the payment by its PaymentIntent.
async fn refunds_and_disputes_take_bought_credits_back(db: Db) {
    let Some((stripe, s)) = selling_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let deliver_signed = |payload: String| {
        let s = &s;
        async move { deliver(s, &payload, signed(&payload)).await }
    };

    // The refund arrives before the payment it refunds: refused for now (Stripe delivers it again),
    // and applied once the payment has been credited.
    let (_, early) = buy(&s, &ada, "pack_50").await;
    let paid = stripe.event("evt_p50", "checkout.session.completed", &early, true);
    let refund = stripe.refund_event("evt_refund_50", &early, 299);
    let (status, body) = deliver_signed(refund.clone()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("conflict")),
        "{body}"
    );
    assert_eq!(deliver_signed(paid).await.1["outcome"], "credited");
    assert_eq!(balance(&s, &ada).await, 55);
    let (status, body) = deliver_signed(refund.clone()).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("reversed")));
    assert_eq!(
        balance(&s, &ada).await,
        5,
        "the 50 bought credits taken back"
    );
    // The same refund delivered again, many times at once: taken back once.
    let sig = signed(&refund);
    let answers =
        futures_util::future::join_all((0..20).map(|_| deliver(&s, &refund, sig.clone()))).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    assert_eq!(balance(&s, &ada).await, 5);

    // A partial refund takes back its share, rounded up; the next refund only the difference.
    let (_, pack) = buy(&s, &ada, "pack_150").await;
    let paid = stripe.event("evt_p150", "checkout.session.completed", &pack, true);
    assert_eq!(deliver_signed(paid).await.1["outcome"], "credited");
    assert_eq!(balance(&s, &ada).await, 155);
    deliver_signed(stripe.refund_event("evt_part_1", &pack, 100)).await;
    assert_eq!(balance(&s, &ada).await, 133, "22 of 150 for $1 of $6.99");
    deliver_signed(stripe.refund_event("evt_part_2", &pack, 200)).await;
    assert_eq!(balance(&s, &ada).await, 112, "43 in all for $2");

    // A dispute withdraws the rest while it is open; won, the credits come back.
    let (_, body) = deliver_signed(stripe.dispute_event(
        "evt_dispute_open",
        "charge.dispute.created",
        &pack,
        "needs_response",
    ))
    .await;
    assert_eq!(body["outcome"], "reversed");
    assert_eq!(balance(&s, &ada).await, 5);
    deliver_signed(stripe.dispute_event("evt_dispute_won", "charge.dispute.closed", &pack, "won"))
        .await;
    assert_eq!(balance(&s, &ada).await, 112);

    // A forged refund changes nothing.
    let forged_refund = stripe.refund_event("evt_forged", &pack, 699);
    let forged = pixel_testkit::stripe_fake::sign(&forged_refund, "whsec_not_ours", now());
    assert_eq!(deliver(&s, &forged_refund, Some(forged)).await.0, 400);
    assert_eq!(balance(&s, &ada).await, 112);

    let ledger = ledger_of(&s, &ada).await;
    assert_eq!(ledger["owed"], 0);
    let kinds: Vec<&str> = ledger["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "reversal").count(),
        4,
        "{kinds:?}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn refunds_and_disputes_take_bought_credits_back_on_sqlite() {
    refunds_and_disputes_take_bought_credits_back(Db::Sqlite).await;
}

#[tokio::test]
async fn refunds_and_disputes_take_bought_credits_back_on_postgres() {
    refunds_and_disputes_take_bought_credits_back(Db::Postgres).await;
}
