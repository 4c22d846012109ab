//! Provider moderation outcomes in the admins' view, on SQLite and PostgreSQL: a generation the
//! provider refused is listed with who asked, the model, the prompt and the provider's words, newest
//! first and a page at a time; a generation that succeeded is not; plain users may not look.

mod common;

use common::{
    call_as, ok_as as ok, public_image, settled, token_for, Db, OidcOpts, Opts, TestServer,
};
use serde_json::json;

async fn refusals_reach_the_admins(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let openai = pixel_testkit::FakeOpenAi::start().await;
    let Some(s) = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 40,
        oidc: Some(oidc),
        openai_base_url: Some(openai.base_url.clone()),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    public_image(&s, &ada, "a quiet harbour").await;
    for prompt in ["[moderated] first try", "[moderated] second try"] {
        let refused = ok(
            &s,
            &ada,
            "generations.create",
            json!({"prompt": prompt, "model": "gpt-image-2"}),
        )
        .await;
        settled(&s, &ada, &refused).await;
    }

    let (status, _) = call_as(&s, Some(&ada), "admin.refusals.list", &json!({})).await;
    assert_eq!(status, 403);
    let first = ok(&s, &admin, "admin.refusals.list", json!({"limit": 1})).await;
    let refusal = &first["refusals"][0];
    assert_eq!(refusal["prompt"], "[moderated] second try", "{first}");
    assert_eq!(
        (
            &refusal["owner"]["username"],
            &refusal["provider"],
            &refusal["model"]
        ),
        (&json!("ada"), &json!("openai"), &json!("gpt-image-2"))
    );
    assert!(
        refusal["message"].as_str().is_some_and(|m| !m.is_empty()),
        "the provider's words: {refusal}"
    );
    let next = ok(
        &s,
        &admin,
        "admin.refusals.list",
        json!({"limit": 1, "before": first["next"]}),
    )
    .await;
    assert_eq!(next["refusals"][0]["prompt"], "[moderated] first try");
    let all = ok(&s, &admin, "admin.refusals.list", json!({})).await;
    assert_eq!(
        all["refusals"].as_array().map(Vec::len),
        Some(2),
        "the image made is not a refusal"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn refusals_reach_the_admins_on_sqlite() {
    refusals_reach_the_admins(Db::Sqlite).await;
}

#[tokio::test]
async fn refusals_reach_the_admins_on_postgres() {
    refusals_reach_the_admins(Db::Postgres).await;
}
