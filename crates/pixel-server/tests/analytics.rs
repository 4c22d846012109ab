//! Personal analytics through the API on SQLite and PostgreSQL: a person's generations of today by
//! state (a refusal counted as failed and its refund taken off what was spent), credits spent and
//! earned through a tip, the models and prompts used most, the success rate and the week's totals,
//! for the caller alone; a window out of range is refused.

mod common;

use common::{
    call_as, ok_as as ok, public_image, settled, token_for, Db, OidcOpts, Opts, TestServer,
};
use serde_json::{json, Value};

async fn analytics_count_the_callers_own_activity(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let fake = pixel_testkit::FakeOpenAi::start().await;
    let Some(s) = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 40,
        oidc: Some(oidc),
        openai_base_url: Some(fake.base_url.clone()),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let grace_id = ok(&s, &grace, "account.get", json!({})).await["user"]["id"].clone();

    public_image(&s, &ada, "a harbour at dawn").await;
    public_image(&s, &ada, "a harbour at dawn").await;
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

    let a = ok(&s, &ada, "analytics.personal", json!({})).await;
    assert_eq!(a["days"], 30);
    let daily = a["daily"].as_array().expect("daily");
    assert_eq!(daily.len(), 30, "every day of the window, zeros included");
    let today = &daily[29];
    assert_eq!(
        (&today["generations"], &today["succeeded"], &today["failed"]),
        (&json!(3), &json!(2), &json!(1)),
        "{a}"
    );
    assert_eq!(
        today["credits_spent"], 5,
        "the tip; the refused image's reservation came back: {a}"
    );
    assert_eq!(a["totals"]["generations"], 3);
    let rate = a["success_rate"].as_f64().expect("rate");
    assert!((rate - 2.0 / 3.0).abs() < 1e-9, "{rate}");
    assert_eq!(
        a["models"],
        json!([{"name": "local-sketch", "count": 2}, {"name": "gpt-image-2", "count": 1}])
    );
    assert_eq!(
        a["top_prompts"],
        json!([{"name": "a harbour at dawn", "count": 2}])
    );
    assert_eq!(
        (
            &a["this_week"]["generations"],
            &a["last_week"]["generations"]
        ),
        (&json!(3), &json!(0))
    );

    // Grace's are hers: the tip earned, nothing made.
    let g = ok(&s, &grace, "analytics.personal", json!({"days": 7})).await;
    assert_eq!(g["daily"].as_array().map(Vec::len), Some(7));
    assert_eq!(
        (&g["totals"]["credits_earned"], &g["totals"]["generations"]),
        (&json!(5), &json!(0))
    );
    assert_eq!(g["success_rate"], Value::Null);
    assert_eq!(g["models"], json!([]));

    for days in [3, 366] {
        let (status, err) =
            call_as(&s, Some(&ada), "analytics.personal", &json!({"days": days})).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (422, Some("invalid_input")),
            "{days}"
        );
    }
    s.shutdown().await;
}

#[tokio::test]
async fn analytics_count_the_callers_own_activity_on_sqlite() {
    analytics_count_the_callers_own_activity(Db::Sqlite).await;
}

#[tokio::test]
async fn analytics_count_the_callers_own_activity_on_postgres() {
    analytics_count_the_callers_own_activity(Db::Postgres).await;
}
