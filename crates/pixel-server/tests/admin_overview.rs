//! The admin overview through the API on SQLite and PostgreSQL: today's sign-ups and active accounts,
//! images made and refused, credits bought (a paid Stripe checkout), spent, refunded and earned (a tip),
//! each provider's and model's success rate and time per image, suspended accounts and storage —
//! counted from what really happened, for admins alone.

mod common;

use common::{
    call_as, ok_as as ok, public_image, settled, token_for, Db, OidcOpts, Opts, TestServer,
};
use pixel_testkit::stripe_fake::{FakeStripe, FAKE_WEBHOOK_SECRET};
use serde_json::{json, Value};

/// Buys a pack and delivers Stripe's paid event for it.
async fn buy_pack(s: &TestServer, stripe: &FakeStripe, token: &str, pack: &str) {
    let out = ok(s, token, "credits.buy", json!({ "pack_id": pack })).await;
    let url = out["checkout_url"].as_str().expect("checkout url");
    let session = url.rsplit('/').next().expect("session id");
    let paid = stripe.event("evt_overview", "checkout.session.completed", session, true);
    let signature =
        pixel_testkit::stripe_fake::sign(&paid, FAKE_WEBHOOK_SECRET, common::now_seconds());
    let resp = s
        .client
        .post(format!("{}/api/payments/stripe", s.base))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(paid)
        .send()
        .await
        .expect("webhook");
    assert_eq!(resp.status().as_u16(), 200);
}

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|o| o["name"] == name))
        .unwrap_or_else(|| panic!("{name} in {list}"))
}

async fn the_overview_counts_the_whole_server(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let openai = pixel_testkit::FakeOpenAi::start().await;
    let stripe = FakeStripe::start().await;
    let Some(s) = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 40,
        oidc: Some(oidc),
        openai_base_url: Some(openai.base_url.clone()),
        stripe_api_base: Some(stripe.base_url.clone()),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let grace_id = ok(&s, &grace, "account.get", json!({})).await["user"]["id"].clone();

    let before = ok(&s, &admin, "admin.overview", json!({"days": 7})).await;
    assert_eq!(before["daily"].as_array().map(Vec::len), Some(7));
    assert_eq!(before["storage"]["images"], 0);

    public_image(&s, &ada, "a harbour at dawn").await;
    public_image(&s, &ada, "a lighthouse at dusk").await;
    let refused = ok(
        &s,
        &ada,
        "generations.create",
        json!({"prompt": "[moderated] a harbour", "model": "gpt-image-2"}),
    )
    .await;
    settled(&s, &ada, &refused).await;
    ok(
        &s,
        &ada,
        "tips.send",
        json!({"user_id": grace_id, "amount": 5}),
    )
    .await;
    buy_pack(&s, &stripe, &grace, "pack_50").await;
    ok(
        &s,
        &admin,
        "admin.users.suspend",
        json!({"user_id": grace_id, "reason": "spam in comments"}),
    )
    .await;

    let o = ok(&s, &admin, "admin.overview", json!({})).await;
    assert_eq!(o["days"], 30);
    let daily = o["daily"].as_array().expect("daily");
    assert_eq!(daily.len(), 30, "every day of the window, zeros included");
    let today = &daily[29];
    assert_eq!(
        (&today["signups"], &today["active"]),
        (&json!(3), &json!(3)),
        "admin, ada and grace signed up and signed in today (the platform's account is not a person): {o}"
    );
    assert_eq!(
        (&today["images_made"], &today["images_failed"]),
        (&json!(2), &json!(1)),
        "{o}"
    );
    assert_eq!(today["credits_bought"], 50, "{o}");
    assert_eq!(today["credits_earned"], 5, "the tip: {o}");
    let spent = today["credits_spent"].as_i64().expect("spent");
    let refunded = today["credits_refunded"].as_i64().expect("refunded");
    assert!(
        refunded > 0,
        "the refused image's reservation came back: {o}"
    );
    assert_eq!(
        spent, refunded,
        "the offline renderer is free; the refused image's reservation was all that was spent, and it came back: {o}"
    );
    assert_eq!(o["totals"]["images_made"], 2);
    assert_eq!(
        o["accounts"],
        json!({"total": 3, "suspended": 1, "active_today": 3, "active_week": 3, "active_month": 3}),
        "{o}"
    );
    assert_eq!(o["storage"]["images"], 2);
    assert!(o["storage"]["bytes"].as_i64().is_some_and(|b| b > 0), "{o}");

    let sketch = named(&o["models"], "local-sketch");
    assert_eq!(
        (&sketch["jobs"], &sketch["succeeded"]),
        (&json!(2), &json!(2))
    );
    assert_eq!(sketch["success_rate"], 1.0);
    assert!(
        sketch["mean_seconds"].as_f64().is_some_and(|t| t >= 0.0),
        "{sketch}"
    );
    let refusing = named(&o["models"], "gpt-image-2");
    assert_eq!(
        (
            &refusing["provider"],
            &refusing["moderated"],
            &refusing["success_rate"]
        ),
        (&json!("openai"), &json!(1), &json!(0.0)),
        "{refusing}"
    );
    assert_eq!(
        refusing["mean_seconds"],
        Value::Null,
        "nothing made, no time per image"
    );
    let openai_row = named(&o["providers"], "openai");
    assert_eq!(
        (&openai_row["jobs"], &openai_row["failed"]),
        (&json!(1), &json!(1))
    );

    // Admins only, and a window in range.
    let (status, _) = call_as(&s, Some(&ada), "admin.overview", &json!({})).await;
    assert_eq!(status, 403);
    for days in [3, 366] {
        let (status, err) =
            call_as(&s, Some(&admin), "admin.overview", &json!({"days": days})).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (422, Some("invalid_input")),
            "{days}"
        );
    }
    s.shutdown().await;
}

#[tokio::test]
async fn the_overview_counts_the_whole_server_sqlite() {
    the_overview_counts_the_whole_server(Db::Sqlite).await;
}

#[tokio::test]
async fn the_overview_counts_the_whole_server_postgres() {
    the_overview_counts_the_whole_server(Db::Postgres).await;
}
