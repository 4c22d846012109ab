//! Administration through the API on SQLite and PostgreSQL: an admin finds an account, adjusts its
//! credits through the ledger (counted once per key, never below zero), suspends it (its tokens stop
//! working, sign-in is refused) and restores it, grants the admin role so that a new sign-in keeps it,
//! takes it back, signs an account out everywhere — each action in the audit log with who, whom and
//! why, and nothing recorded for what was refused.

mod common;

use common::browser::Browser;
use common::{call_as, charging_server, ok_as as ok, public_image, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn code(s: &TestServer, token: Option<&str>, method: &str, input: Value) -> (u16, String) {
    let (status, out) = call_as(s, token, method, &input).await;
    (
        status,
        out["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

async fn audit(s: &TestServer, admin: &str, input: Value) -> Vec<Value> {
    ok(s, admin, "admin.audit.list", input).await["entries"]
        .as_array()
        .expect("entries")
        .clone()
}

async fn admins_run_accounts(db: Db) {
    let Some(s) = charging_server(db, 10).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;

    // Nobody else may look.
    assert_eq!(code(&s, None, "admin.users.search", json!({})).await.0, 401);
    assert_eq!(
        code(&s, Some(&ada), "admin.users.search", json!({})).await,
        (403, "forbidden".into())
    );

    // Found by the start of the username or part of the email, with the balance.
    let found = ok(
        &s,
        &admin,
        "admin.users.search",
        json!({"query": "ADA@EXAMPLE"}),
    )
    .await;
    let users = found["users"].as_array().expect("users");
    assert_eq!(users.len(), 1, "{found}");
    assert_eq!(users[0]["balance"], 10);
    let ada_id = users[0]["user"]["id"].as_str().expect("id").to_string();
    let grace_id = ok(&s, &grace, "account.get", json!({})).await["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    // Newest first, everyone (the platform's own account, which keeps the market's fees, included).
    let all = ok(&s, &admin, "admin.users.search", json!({})).await;
    let names: Vec<&str> = all["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["user"]["username"].as_str())
        .collect();
    assert_eq!(names[..3], ["grace", "ada", "admin_1"], "{names:?}");

    // Adjust: relative, with a reason, counted once per key.
    let add = json!({"user_id": ada_id, "amount": 25, "reason": "Welcome bonus", "idempotency_key": "k1"});
    let first = ok(&s, &admin, "admin.credits.adjust", add.clone()).await;
    assert_eq!(first["balance"], 35);
    assert_eq!(first["entry"]["kind"], "adjustment");
    assert_eq!(first["entry"]["memo"], "Welcome bonus");
    let again = ok(&s, &admin, "admin.credits.adjust", add).await;
    assert_eq!(
        again["entry"]["id"], first["entry"]["id"],
        "one key, one entry"
    );
    assert_eq!(ok(&s, &ada, "account.get", json!({})).await["balance"], 35);
    // Never below zero, never zero, always a reason: refused, and nothing recorded.
    for (input, want) in [
        (
            json!({"user_id": ada_id, "amount": -36, "reason": "clawback"}),
            (402, "insufficient_credits"),
        ),
        (
            json!({"user_id": ada_id, "amount": 0, "reason": "nothing"}),
            (422, "invalid_input"),
        ),
        (
            json!({"user_id": ada_id, "amount": 5, "reason": "  "}),
            (422, "invalid_input"),
        ),
        (
            json!({"user_id": ada_id, "amount": 1_000_001, "reason": "too much"}),
            (422, "invalid_input"),
        ),
        (
            json!({"user_id": "nobody", "amount": 5, "reason": "ghost"}),
            (404, "not_found"),
        ),
        (
            json!({"user_id": ada_id, "amount": i64::MIN, "reason": "overflow"}),
            (422, "invalid_input"),
        ),
    ] {
        let got = code(&s, Some(&admin), "admin.credits.adjust", input.clone()).await;
        assert_eq!(got, (want.0, want.1.to_string()), "{input}");
    }
    let taken = json!({"user_id": ada_id, "amount": -35, "reason": "duplicate account"});
    assert_eq!(
        ok(&s, &admin, "admin.credits.adjust", taken).await["balance"],
        0
    );
    let adjustments = audit(&s, &admin, json!({"kind": "credits_adjust"})).await;
    assert_eq!(adjustments.len(), 2, "{adjustments:?}");
    assert_eq!(adjustments[0]["change"]["amount"], -35);
    assert_eq!(adjustments[0]["change"]["balance_after"], 0);
    assert_eq!(adjustments[1]["change"]["amount"], 25);
    assert_eq!(adjustments[1]["reason"], "Welcome bonus");
    assert_eq!(adjustments[1]["admin"]["username"], "admin_1");
    assert_eq!(adjustments[1]["target"]["id"], ada_id.as_str());
    let detail = ok(&s, &admin, "admin.users.get", json!({"user_id": ada_id})).await;
    assert_eq!(detail["balance"], 0);
    assert_eq!(detail["ledger"][0]["kind"], "adjustment");
    assert_eq!(detail["actions"].as_array().map(Vec::len), Some(2));
    assert!(!detail["sessions"].as_array().expect("sessions").is_empty());

    // Suspend: the token stops working at once, sign-in is refused, their public work and profile
    // leave everyone's view; restore brings all of it back.
    let quay = public_image(&s, &ada, "a quay at noon").await;
    let explore_has = |token: String, id: String| {
        let s = &s;
        async move {
            ok(s, &token, "explore.list", json!({})).await["images"]
                .as_array()
                .expect("images")
                .iter()
                .any(|i| i["image"]["id"] == id.as_str() || i["id"] == id.as_str())
        }
    };
    assert!(explore_has(grace.clone(), quay.clone()).await);
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.users.suspend",
            json!({"user_id": ada_id, "reason": "x"})
        )
        .await,
        (422, "invalid_input".into()),
        "a reason of three characters at least"
    );
    let suspended = ok(
        &s,
        &admin,
        "admin.users.suspend",
        json!({"user_id": ada_id, "reason": "spam run"}),
    )
    .await;
    assert!(suspended["sessions_ended"].as_u64().expect("ended") >= 1);
    assert!(suspended["user"]["suspended_at"].is_number());
    assert_eq!(code(&s, Some(&ada), "account.get", json!({})).await.0, 401);
    let browser = Browser::new(&s.base);
    assert_ne!(
        browser.sign_in("ada@example.com").await.status().as_u16(),
        303,
        "sign-in refused"
    );
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.users.suspend",
            json!({"user_id": ada_id, "reason": "again"})
        )
        .await,
        (409, "conflict".into())
    );
    let admin_id = ok(&s, &admin, "account.get", json!({})).await["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.users.suspend",
            json!({"user_id": admin_id, "reason": "oops"})
        )
        .await,
        (403, "forbidden".into()),
        "not yourself"
    );
    assert!(
        !explore_has(grace.clone(), quay.clone()).await,
        "public work hidden"
    );
    assert_eq!(
        code(&s, Some(&grace), "profiles.get", json!({"username": "ada"})).await,
        (404, "not_found".into())
    );
    assert_eq!(
        code(&s, Some(&grace), "images.get", json!({"image_id": quay}))
            .await
            .0,
        404
    );
    let restored = ok(
        &s,
        &admin,
        "admin.users.restore",
        json!({"user_id": ada_id, "reason": "appeal upheld"}),
    )
    .await;
    assert!(
        explore_has(grace.clone(), quay.clone()).await,
        "shown again"
    );
    ok(&s, &grace, "profiles.get", json!({"username": "ada"})).await;
    assert!(restored["user"]["suspended_at"].is_null());
    let ada = token_for(&s, "ada@example.com").await;
    assert_eq!(
        ok(&s, &ada, "account.get", json!({})).await["user"]["id"],
        ada_id.as_str()
    );

    // The admin role granted here outlives a new sign-in, until taken back.
    let grant = json!({"user_id": grace_id, "admin": true, "reason": "new moderator"});
    ok(&s, &admin, "admin.users.set_admin", grant.clone()).await;
    ok(&s, &grace, "admin.users.search", json!({})).await;
    let grace = token_for(&s, "grace@example.com").await;
    assert_eq!(
        ok(&s, &grace, "account.get", json!({})).await["user"]["role"],
        "admin"
    );
    ok(&s, &grace, "admin.users.search", json!({})).await;
    assert_eq!(
        code(&s, Some(&admin), "admin.users.set_admin", grant).await,
        (409, "conflict".into())
    );
    assert_eq!(
        code(
            &s,
            Some(&grace),
            "admin.users.set_admin",
            json!({"user_id": grace_id, "admin": false, "reason": "stepping down"})
        )
        .await,
        (403, "forbidden".into()),
        "another admin must"
    );
    ok(
        &s,
        &admin,
        "admin.users.set_admin",
        json!({"user_id": grace_id, "admin": false, "reason": "term ended"}),
    )
    .await;
    assert_eq!(
        code(&s, Some(&grace), "admin.users.search", json!({})).await,
        (403, "forbidden".into())
    );

    // Signed out everywhere: every token of theirs ends.
    let out = ok(
        &s,
        &admin,
        "admin.users.sign_out",
        json!({"user_id": grace_id, "reason": "lost laptop"}),
    )
    .await;
    assert!(out["sessions_ended"].as_u64().expect("ended") >= 2);
    assert_eq!(
        code(&s, Some(&grace), "account.get", json!({})).await.0,
        401
    );

    // Every action, newest first; by account too.
    let kinds: Vec<Value> = audit(&s, &admin, json!({}))
        .await
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            "user_sign_out",
            "admin_revoke",
            "admin_grant",
            "user_restore",
            "user_suspend",
            "credits_adjust",
            "credits_adjust"
        ]
    );
    let about_grace = audit(&s, &admin, json!({"user_id": grace_id, "limit": 2})).await;
    assert_eq!(about_grace.len(), 2);
    assert_eq!(
        about_grace[0]["change"]["sessions_ended"],
        out["sessions_ended"]
    );
    s.shutdown().await;
}

#[tokio::test]
async fn admins_run_accounts_on_sqlite() {
    admins_run_accounts(Db::Sqlite).await;
}

#[tokio::test]
async fn admins_run_accounts_on_postgres() {
    admins_run_accounts(Db::Postgres).await;
}
