//! Warnings, on SQLite and PostgreSQL: admins are told once when a provider's balance falls under the
//! threshold they set (by the schedule, or when they look), again only after it recovered and fell
//! again; an admin warns an account in their own words, which reach it whatever its settings, with
//! the same words in the audit log.

mod common;

use common::{call_as, notes_of_kind, ok_as as ok, token_for, Db, OidcOpts, Opts, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

/// Waits (up to 10 s) until the account holds `count` notifications of `kind`.
async fn until_notes(s: &TestServer, token: &str, kind: &str, count: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let notes = notes_of_kind(s, token, kind).await;
        if notes.len() >= count || tokio::time::Instant::now() > deadline {
            return notes;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn provider<'a>(health: &'a Value, id: &str) -> &'a Value {
    health["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .find(|p| p["id"] == id)
        .expect("provider")
}

async fn admins_hear_of_low_balances(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let bfl = pixel_testkit::FakeBfl::start().await;
    let stability = pixel_testkit::FakeStability::start().await;
    let Some(s) = TestServer::start(Opts {
        db,
        oidc: Some(oidc),
        bfl_base_url: Some(bfl.base_url.clone()),
        stability_base_url: Some(stability.base_url.clone()),
        config: Some(|c| c.balance_check_every = Duration::from_millis(100)),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;

    for (input, status) in [
        (json!({"provider_id": "bfl", "low_credits": 0}), 422),
        (json!({"provider_id": "bfl", "low_credits": -5}), 422),
        (
            json!({"provider_id": "bfl", "low_credits": 100_000_001_i64}),
            422,
        ),
        (json!({"provider_id": "nobody", "low_credits": 5}), 404),
    ] {
        let (got, body) = call_as(&s, Some(&admin), "admin.providers.alert", &input).await;
        assert_eq!(got, status, "{input} -> {body}");
    }
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "admin.providers.alert",
        &json!({"provider_id": "bfl", "low_credits": 100}),
    )
    .await;
    assert_eq!(status, 403);

    ok(
        &s,
        &admin,
        "admin.providers.alert",
        json!({"provider_id": "bfl", "low_credits": 100}),
    )
    .await;
    let health = ok(&s, &admin, "providers.health", json!({})).await;
    let b = provider(&health, "bfl");
    assert_eq!(
        (&b["health"]["credits"], &b["low_credits"], &b["low"]),
        (&json!(1000.0), &json!(100), &json!(false)),
        "{b}"
    );

    // The schedule finds the fall with nobody looking, and tells the admin once.
    bfl.set_credits(40.5);
    let told = until_notes(&s, &admin, "provider_low_balance", 1).await;
    assert_eq!(told.len(), 1, "{told:?}");
    let message = told[0]["message"].as_str().expect("message");
    assert!(
        message.contains("Black Forest Labs") && message.contains("40.50"),
        "{message}"
    );
    assert!(told[0]["actor"].is_null());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let health = ok(&s, &admin, "providers.health", json!({})).await;
    assert_eq!(provider(&health, "bfl")["low"], true);
    assert_eq!(
        notes_of_kind(&s, &admin, "provider_low_balance")
            .await
            .len(),
        1,
        "a balance that stays low is told of once"
    );
    assert!(notes_of_kind(&s, &ada, "provider_low_balance")
        .await
        .is_empty());

    // Topped up, then down again: a second fall, a second warning.
    bfl.set_credits(500.0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while ok(&s, &admin, "providers.health", json!({})).await["providers"]
        .as_array()
        .is_some_and(|ps| ps.iter().any(|p| p["id"] == "bfl" && p["low"] == true))
    {
        assert!(tokio::time::Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    bfl.set_credits(12.0);
    let told = until_notes(&s, &admin, "provider_low_balance", 2).await;
    assert_eq!(told.len(), 2, "{told:?}");

    // Looking at provider health tells too (Stability reports 42.50 credits).
    ok(
        &s,
        &admin,
        "admin.providers.alert",
        json!({"provider_id": "stability", "low_credits": 50}),
    )
    .await;
    let health = ok(&s, &admin, "providers.health", json!({})).await;
    assert_eq!(provider(&health, "stability")["low"], true);
    let told = until_notes(&s, &admin, "provider_low_balance", 3).await;
    assert!(
        told.iter().any(|n| n["message"]
            .as_str()
            .is_some_and(|m| m.contains("Stability AI"))),
        "{told:?}"
    );

    // Turned off: no threshold, never low.
    ok(
        &s,
        &admin,
        "admin.providers.alert",
        json!({"provider_id": "stability"}),
    )
    .await;
    let health = ok(&s, &admin, "providers.health", json!({})).await;
    let st = provider(&health, "stability");
    assert!(
        st.get("low_credits").is_none() && st["low"] == false,
        "{st}"
    );
    let audit = ok(
        &s,
        &admin,
        "admin.audit.list",
        json!({"kind": "provider_alert_set"}),
    )
    .await;
    let entries = audit["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3, "{audit}");
    assert_eq!(entries[0]["change"]["provider_id"], "stability");
    assert!(entries[0]["change"].get("low_credits").is_none());
    assert_eq!(entries[2]["change"]["low_credits"], 100);
    s.shutdown().await;
}

#[tokio::test]
async fn admins_hear_of_low_balances_on_sqlite() {
    admins_hear_of_low_balances(Db::Sqlite).await;
}

#[tokio::test]
async fn admins_hear_of_low_balances_on_postgres() {
    admins_hear_of_low_balances(Db::Postgres).await;
}

async fn admins_warn_accounts(db: Db) {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let Some(s) = TestServer::start(Opts {
        db,
        oidc: Some(oidc),
        ..Default::default()
    })
    .await
    else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let ada_id = ok(&s, &ada, "account.get", json!({})).await["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let admin_id = ok(&s, &admin, "account.get", json!({})).await["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    for (input, status) in [
        (json!({"user_id": ada_id, "message": "no"}), 422),
        (json!({"user_id": ada_id, "message": "x".repeat(501)}), 422),
        (json!({"user_id": "nobody", "message": "be kind"}), 404),
        (json!({"user_id": admin_id, "message": "be kind"}), 403),
    ] {
        let (got, body) = call_as(&s, Some(&admin), "admin.users.warn", &input).await;
        assert_eq!(got, status, "{input} -> {body}");
    }
    assert!(notes_of_kind(&s, &ada, "account_warned").await.is_empty());
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "admin.users.warn",
        &json!({"user_id": admin_id, "message": "be kind"}),
    )
    .await;
    assert_eq!(status, 403);

    let words = "Please keep comments about the work, not the person.";
    let out = ok(
        &s,
        &admin,
        "admin.users.warn",
        json!({"user_id": ada_id, "message": format!("  {words} ")}),
    )
    .await;
    let told = notes_of_kind(&s, &ada, "account_warned").await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["id"], out["notification_id"]);
    assert_eq!(told[0]["message"], words);
    assert!(told[0]["actor"].is_null(), "no admin is named: {told:?}");

    let audit = ok(&s, &admin, "admin.audit.list", json!({"kind": "user_warn"})).await;
    let entry = &audit["entries"][0];
    assert_eq!(
        (&entry["reason"], &entry["target"]["username"]),
        (&json!(words), &json!("ada")),
        "{audit}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn admins_warn_accounts_on_sqlite() {
    admins_warn_accounts(Db::Sqlite).await;
}

#[tokio::test]
async fn admins_warn_accounts_on_postgres() {
    admins_warn_accounts(Db::Postgres).await;
}
