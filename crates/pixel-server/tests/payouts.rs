//! Creator payouts through Stripe Connect, against the loopback fake of Stripe's API, on SQLite and
//! PostgreSQL: earned credits become a transfer to the creator's connected account once they pass the
//! minimum; each payout moves requested -> in transit -> paid once, and one that fails or is reversed
//! returns its credits to the ledger.

mod common;

use common::{call_as, token_for, Db, OidcOpts, Opts, TestServer};
use pixel_core::ports::OffsetClock;
use pixel_testkit::stripe_fake::FakeStripe;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn small_payouts(c: &mut pixel_server::Config) {
    c.payout_terms = pixel_core::payouts::PayoutTerms {
        cents_per_credit: 3,
        minimum_credits: 20,
        hold_days: 14,
    };
}

async fn status(s: &TestServer, token: &str) -> Value {
    let (code, out) = call_as(s, Some(token), "payouts.status", &json!({})).await;
    assert_eq!(code, 200, "{out}");
    out
}

async fn balance(s: &TestServer, token: &str) -> i64 {
    let (_, ledger) = call_as(s, Some(token), "ledger.list", &json!({"limit": 200})).await;
    common::assert_ledger_whole(&ledger);
    ledger["balance"].as_i64().expect("balance")
}

async fn earned_credits_are_paid_out_once(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let stripe = FakeStripe::start().await;
    let clock = Arc::new(OffsetClock::default());
    let Some(s) = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 200,
        oidc: Some(oidc),
        stripe_api_base: Some(stripe.base_url.clone()),
        config: Some(small_payouts),
        clock: Some(clock.clone()),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let (_, me) = call_as(&s, Some(&ada), "account.get", &json!({})).await;
    let ada_id = me["user"]["id"].as_str().expect("id").to_string();
    let tip = |amount: i64| {
        let s = &s;
        let grace = &grace;
        let ada_id = &ada_id;
        async move {
            let (code, out) = call_as(
                s,
                Some(grace),
                "tips.send",
                &json!({"user_id": ada_id, "amount": amount}),
            )
            .await;
            assert_eq!(code, 200, "{out}");
        }
    };
    tip(100).await;

    // Earned: 100 in tips, held for 14 days (the card behind them can still be disputed), then payable
    // at 3 cents; the starting credits are not earnings.
    let st = status(&s, &ada).await;
    assert_eq!(
        (st["payable_credits"].as_i64(), st["held_credits"].as_i64()),
        (Some(0), Some(100))
    );
    clock.advance(Duration::from_secs(15 * 86_400));
    let st = status(&s, &ada).await;
    assert_eq!(st["held_credits"], 0);
    assert_eq!(
        (st["available"].as_bool(), st["connected"].as_bool()),
        (Some(true), Some(false))
    );
    assert_eq!(
        (
            st["payable_credits"].as_i64(),
            st["payable_amount"].as_i64()
        ),
        (Some(100), Some(300))
    );
    let (code, _) = call_as(&s, Some(&ada), "payouts.request", &json!({})).await;
    assert_eq!(code, 403, "not set up yet");

    // Set-up: an Express account and Stripe's onboarding page; ready once Stripe says so.
    let (code, onboard) = call_as(&s, Some(&ada), "payouts.onboard", &json!({})).await;
    assert_eq!(code, 200, "{onboard}");
    let url = onboard["url"].as_str().expect("url");
    let account = url.rsplit('/').next().expect("account").to_string();
    assert!(account.starts_with("acct_"), "{url}");
    let (_, again) = call_as(&s, Some(&ada), "payouts.onboard", &json!({})).await;
    assert!(
        again["url"].as_str().is_some_and(|u| u.ends_with(&account)),
        "one account per creator"
    );
    assert_eq!(status(&s, &ada).await["ready"], false);
    let updated = stripe.finish_onboarding("evt_acct_1", &account);
    assert_eq!(common::deliver_stripe(&s, &updated).await.0, 200);
    assert_eq!(status(&s, &ada).await["ready"], true);

    // The payout: 100 credits leave the ledger, $3.00 goes to the account, once.
    let (code, payout) = call_as(&s, Some(&ada), "payouts.request", &json!({})).await;
    assert_eq!(code, 200, "{payout}");
    assert_eq!(
        (
            payout["status"].as_str(),
            payout["credits"].as_i64(),
            payout["amount"].as_i64()
        ),
        (Some("in_transit"), Some(100), Some(300))
    );
    assert_eq!(balance(&s, &ada).await, 200);
    let transfers = stripe.transfers();
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0]["destination"], account.as_str());
    assert_eq!(transfers[0]["amount"], 300);
    assert_eq!(transfers[0]["metadata"]["payout_id"], payout["id"]);
    let (code, err) = call_as(&s, Some(&ada), "payouts.request", &json!({})).await;
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (422, Some("invalid_input")),
        "nothing left"
    );

    // The bank refuses it: still on its way (Stripe holds it until the bank details are fixed), with
    // the bank's reason, and the creator told once however often Stripe says so.
    let refused = stripe.payout_failed_event("evt_po_0", &account, 300);
    assert_eq!(common::deliver_stripe(&s, &refused).await.0, 200);
    assert_eq!(common::deliver_stripe(&s, &refused).await.0, 200);
    let st = status(&s, &ada).await;
    assert_eq!(st["payouts"][0]["status"], "in_transit", "{st}");
    assert!(
        st["payouts"][0]["failure"]
            .as_str()
            .is_some_and(|f| f.contains("The bank account has been closed.")),
        "{st}"
    );
    let told_of = |notes: &Value, kind: &str| {
        notes["notifications"]
            .as_array()
            .map(|n| n.iter().filter(|n| n["kind"] == kind).count())
            .unwrap_or(0)
    };
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    assert_eq!(told_of(&notes, "payout_failed"), 1, "{notes}");

    // The money reaches the bank: paid (the bank's refusal forgotten), told once however often
    // Stripe says so.
    let paid = stripe.payout_paid_event("evt_po_1", &account, 300);
    assert_eq!(common::deliver_stripe(&s, &paid).await.0, 200);
    assert_eq!(common::deliver_stripe(&s, &paid).await.0, 200);
    let st = status(&s, &ada).await;
    assert_eq!(st["payouts"][0]["status"], "paid");
    assert!(st["payouts"][0].get("failure").is_none(), "{st}");
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    assert_eq!(told_of(&notes, "payout_completed"), 1, "{notes}");

    // A transfer Stripe refuses: the payout fails and its credits are back at once.
    tip(30).await;
    let (code, err) = call_as(&s, Some(&ada), "payouts.request", &json!({})).await;
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (422, Some("invalid_input")),
        "still held"
    );
    clock.advance(Duration::from_secs(15 * 86_400));
    stripe.fail_transfers(true);
    let (code, err) = call_as(&s, Some(&ada), "payouts.request", &json!({})).await;
    assert_eq!(
        (code, err["error"]["code"].as_str()),
        (503, Some("unavailable")),
        "{err}"
    );
    assert_eq!(balance(&s, &ada).await, 230);
    let st = status(&s, &ada).await;
    assert_eq!(st["payouts"][0]["status"], "failed");
    assert_eq!(st["payable_credits"], 30);
    stripe.fail_transfers(false);

    // A reversed transfer: the paid payout fails after all, and its 100 credits come back, once.
    let reversed =
        stripe.transfer_reversed_event("evt_rev_1", transfers[0]["id"].as_str().expect("id"));
    assert_eq!(common::deliver_stripe(&s, &reversed).await.0, 200);
    assert_eq!(common::deliver_stripe(&s, &reversed).await.0, 200);
    assert_eq!(balance(&s, &ada).await, 330);
    assert_eq!(status(&s, &ada).await["payable_credits"], 130);
    // Told of each payout that did not arrive once: the refused transfer, and the first payout (its
    // bank refusal and its reversal are one story).
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    assert_eq!(told_of(&notes, "payout_failed"), 2, "{notes}");
    s.shutdown().await;
}

#[tokio::test]
async fn earned_credits_are_paid_out_once_on_sqlite() {
    earned_credits_are_paid_out_once(Db::Sqlite).await;
}

#[tokio::test]
async fn earned_credits_are_paid_out_once_on_postgres() {
    earned_credits_are_paid_out_once(Db::Postgres).await;
}
