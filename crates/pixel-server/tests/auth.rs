//! Sign-in against the real OpenID Connect provider from scripts/services/oidc.sh: the full flow,
//! every refusal (state, nonce, replays, tampered/expired/foreign ID tokens), sessions that expire and
//! revoke, CSRF, bearer tokens, the desktop's one-time code exchange and the sign-in rate limit.

mod common;

use common::browser::{param, with_param, Browser};
use common::{Db, OidcOpts, Opts, TestServer};
use pixel_core::ports::OffsetClock;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

async fn server(db: Db, tweak: impl FnOnce(&mut OidcOpts)) -> Option<TestServer> {
    let mut oidc = OidcOpts::from_env()?;
    tweak(&mut oidc);
    TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 7,
        oidc: Some(oidc),
        ..Opts::default()
    })
    .await
}

async fn signed_in(s: &TestServer, email: &str) -> (Browser, String) {
    let b = Browser::new(&s.base);
    let resp = b.sign_in(email).await;
    assert_eq!(
        resp.status().as_u16(),
        303,
        "sign-in of {email} did not redirect"
    );
    let (status, me) = b.me().await;
    assert_eq!(status, 200, "{me}");
    let csrf = me["csrf_token"].as_str().expect("csrf token").to_string();
    (b, csrf)
}

async fn full_flow(db: Db) {
    let Some(s) = server(db, |_| {}).await else {
        return;
    };
    let b = Browser::new(&s.base);
    let (status, body) = b.me().await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthenticated");

    let authorize = b
        .start("/auth/google?return_to=/library&login_hint=alice.smith@example.com")
        .await;
    // PKCE, state and nonce go to the provider; the state is bound to this browser by a cookie.
    assert_eq!(
        param(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(param(&authorize, "nonce").is_some() && param(&authorize, "state").is_some());
    assert!(b.cookie("ps_auth").is_some());
    let callback = b.authorize(&authorize).await;
    let done = b.get(&callback).await;
    assert_eq!(done.status().as_u16(), 303);
    assert_eq!(done.headers()["location"], "/library");
    let session_cookie = b
        .set_cookies
        .lock()
        .unwrap()
        .iter()
        .find(|c| c.starts_with("ps_session="))
        .cloned()
        .expect("session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"));
    assert!(
        b.cookie("ps_auth").is_none(),
        "the sign-in cookie is single-use"
    );

    let (status, me) = b.me().await;
    assert_eq!(status, 200, "{me}");
    let (_, sessions) = b.op("sessions.list", json!({}), None).await;
    assert_eq!(
        sessions["sessions"][0]["label"], "Web browser",
        "labelled from the User-Agent"
    );
    assert_eq!(me["username"], "alice_smith");
    assert_eq!(me["email"], "alice.smith@example.com");
    assert_eq!(me["role"], "user");
    assert_eq!(me["credits"], 7, "starting credits through the ledger");
    assert_eq!(me["auth_mode"], "oidc");
    let csrf = me["csrf_token"].as_str().expect("csrf").to_string();

    // Cookie-authenticated mutations need the CSRF token; reads do not.
    let (status, body) = b
        .op("account.update", json!({"username": "alice_art"}), None)
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "csrf_failed");
    let (status, _) = b
        .op(
            "account.update",
            json!({"username": "alice_art"}),
            Some("wrong"),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = b
        .op(
            "account.update",
            json!({"username": "alice_art"}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["username"], "alice_art");
    let (status, ledger) = b.op("ledger.list", json!({}), None).await;
    assert_eq!(status, 200);
    assert_eq!(ledger["entries"].as_array().unwrap().len(), 1);

    // Signing in again finds the same account and grants nothing twice.
    let again = Browser::new(&s.base);
    assert_eq!(
        again
            .sign_in("alice.smith@example.com")
            .await
            .status()
            .as_u16(),
        303
    );
    let (_, me2) = again.me().await;
    assert_eq!(me2["id"], me["id"]);
    assert_eq!(me2["credits"], 7);

    // Sign out needs the CSRF token too, then the cookie is dead.
    let logout = format!("{}/auth/logout", s.base);
    let r = b.request(reqwest::Method::POST, &logout, &[], None).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = b
        .request(
            reqwest::Method::POST,
            &logout,
            &[("x-csrf-token", &csrf)],
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(b.me().await.0, 401);
    assert_eq!(again.me().await.0, 200, "other sessions stay signed in");
}

#[tokio::test]
async fn sign_in_flow_sqlite() {
    full_flow(Db::Sqlite).await;
}

#[tokio::test]
async fn sign_in_flow_postgres() {
    full_flow(Db::Postgres).await;
}

#[tokio::test]
async fn usernames_are_unique_and_admins_come_from_the_list() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let (a, _) = signed_in(&s, "sam@example.com").await;
    let (b, _) = signed_in(&s, "sam@other.org").await;
    let (admin, _) = signed_in(&s, "admin@example.com").await;
    assert_eq!(a.me().await.1["username"], "sam");
    assert_eq!(b.me().await.1["username"], "sam_2");
    let me = admin.me().await.1;
    assert_eq!(me["role"], "admin");
    assert_eq!(
        me["username"], "admin_1",
        "reserved words are not usernames"
    );
    // Taking someone's username is refused with a clear code.
    let csrf = b.me().await.1["csrf_token"].as_str().unwrap().to_string();
    let (status, body) = b
        .op("account.update", json!({"username": "sam"}), Some(&csrf))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    let (status, body) = b
        .op(
            "account.update",
            json!({"username": "Bad Name"}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn state_mismatch_is_refused() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let b = Browser::new(&s.base);
    let authorize = b.start("/auth/google?login_hint=mallory@example.com").await;
    let callback = b.authorize(&authorize).await;
    let forged = with_param(&callback, "state", "not-the-state");
    let r = b.get(&forged).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("state does not match"));
    assert_eq!(b.me().await.0, 401);
    // The refused attempt used the sign-in up: the genuine callback no longer works either.
    assert_eq!(b.get(&callback).await.status().as_u16(), 400);
    assert_eq!(b.me().await.0, 401);
}

#[tokio::test]
async fn a_callback_replayed_in_another_browser_signs_nobody_in() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let victim = Browser::new(&s.base);
    let authorize = victim
        .start("/auth/google?login_hint=victim@example.com")
        .await;
    let callback = victim.authorize(&authorize).await;

    let attacker = Browser::new(&s.base);
    let r = attacker.get(&callback).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("did not start this sign-in"));
    assert_eq!(attacker.me().await.0, 401);
    // A cookie value guessed or stolen from elsewhere does not help either.
    attacker.set_cookie("ps_auth", "guessed");
    assert_eq!(attacker.get(&callback).await.status().as_u16(), 400);
    assert_eq!(attacker.me().await.0, 401);

    // The browser that started it completes it.
    assert_eq!(victim.get(&callback).await.status().as_u16(), 303);
    assert_eq!(victim.me().await.1["email"], "victim@example.com");
    // And the same callback again is a replay: refused.
    assert_eq!(victim.get(&callback).await.status().as_u16(), 400);
}

#[tokio::test]
async fn nonce_mismatch_is_refused() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let b = Browser::new(&s.base);
    let authorize = b.start("/auth/google?login_hint=eve@example.com").await;
    // The provider signs whatever nonce it is given: one that is not ours must be caught.
    let tampered = with_param(&authorize, "nonce", "someone-elses-nonce");
    let callback = b.authorize(&tampered).await;
    let r = b.get(&callback).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("nonce"));
    assert_eq!(b.me().await.0, 401);
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let b = Browser::new(&s.base);
    let first = b
        .authorize(&b.start("/auth/google?login_hint=ray@example.com").await)
        .await;
    assert_eq!(b.get(&first).await.status().as_u16(), 303);
    // A fresh sign-in in the same browser, fed the old (spent) code with the new state.
    let second_authorize = b.start("/auth/google?login_hint=ray@example.com").await;
    let state = param(&second_authorize, "state").unwrap();
    let replay = with_param(&first, "state", &state);
    let r = b.get(&replay).await;
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("refused the sign-in code"));
}

/// ID tokens straight from the provider's token endpoint (password grant), checked by the verifier.
async fn provider_id_token(oidc: &OidcOpts, client_id: &str, email: &str) -> String {
    let resp: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/token", oidc.issuer))
        .form(&[
            ("grant_type", "password"),
            ("username", email),
            ("password", "x"),
            ("client_id", client_id),
            ("client_secret", "x"),
            ("scope", "openid email"),
        ])
        .send()
        .await
        .expect("token endpoint")
        .json()
        .await
        .expect("token json");
    resp["id_token"].as_str().expect("id_token").to_string()
}

#[tokio::test]
async fn tampered_expired_and_foreign_id_tokens_are_refused() {
    let Some(oidc) = OidcOpts::from_env() else {
        return;
    };
    let verifier = pixel_server::auth::Oidc::new(
        &oidc.issuer,
        &oidc.client_id,
        &oidc.client_secret,
        "http://x/cb",
    );
    let now = pixel_core::now_ms() / 1000;
    let good = provider_id_token(&oidc, &oidc.client_id, "tina@example.com").await;
    let claims = verifier
        .verify(&good, None, now)
        .await
        .expect("a genuine token verifies");
    assert_eq!(claims.email.as_deref(), Some("tina@example.com"));

    // Tampered: the payload says someone else, the signature no longer matches.
    let parts: Vec<&str> = good.split('.').collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged_payload = payload.replace("tina@example.com", "admin@example.com");
    let tampered = format!("{}.{}.{}", parts[0], b64.encode(forged_payload), parts[2]);
    let e = verifier.verify(&tampered, None, now).await.unwrap_err();
    assert_eq!(e.code.as_str(), "sign_in_failed");
    assert!(e.message.contains("signature"), "{e}");

    // An unsigned token ("alg": "none") and a symmetric one are refused outright.
    let none_header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{none_header}.{}.", parts[1]);
    assert!(verifier.verify(&unsigned, None, now).await.is_err());
    let hs_header = b64.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let hs = format!("{hs_header}.{}.{}", parts[1], parts[2]);
    assert!(verifier.verify(&hs, None, now).await.is_err());

    // Expired: the same genuine token, an hour and more later.
    let exp = claims.exp;
    let e = verifier.verify(&good, None, exp + 120).await.unwrap_err();
    assert!(e.message.contains("expired"), "{e}");

    // Issued to another application.
    let foreign = provider_id_token(&oidc, "someone-elses-app", "tina@example.com").await;
    let e = verifier.verify(&foreign, None, now).await.unwrap_err();
    assert!(e.message.contains("another application"), "{e}");

    // From another issuer (a verifier configured for a different one).
    let elsewhere = pixel_server::auth::Oidc::new(
        &oidc.issuer.replace("127.0.0.1", "localhost"),
        &oidc.client_id,
        "x",
        "http://x/cb",
    );
    assert!(elsewhere.verify(&good, None, now).await.is_err());

    // A nonce is required to match when one is expected.
    let e = verifier
        .verify(&good, Some("expected"), now)
        .await
        .unwrap_err();
    assert!(e.message.contains("nonce"), "{e}");
}

#[tokio::test]
async fn sessions_expire() {
    let Some(mut oidc) = OidcOpts::from_env() else {
        return;
    };
    oidc.session_ttl = Duration::from_secs(3600);
    let clock = Arc::new(OffsetClock::default());
    let s = TestServer::start(Opts {
        oidc: Some(oidc),
        clock: Some(clock.clone()),
        ..Opts::default()
    })
    .await
    .expect("server");
    let (b, _) = signed_in(&s, "short@example.com").await;
    clock.advance(Duration::from_secs(3500));
    assert_eq!(b.me().await.0, 200, "a session lives its whole time");
    clock.advance(Duration::from_secs(200));
    assert_eq!(b.me().await.0, 401, "an expired session signs nobody in");
}

#[tokio::test]
async fn sessions_and_tokens_revoke() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let (laptop, csrf) = signed_in(&s, "rev@example.com").await;
    let (phone, _) = signed_in(&s, "rev@example.com").await;
    let (status, token) = laptop
        .op("tokens.create", json!({"label": "CI"}), Some(&csrf))
        .await;
    assert_eq!(status, 200, "{token}");
    let bearer = token["token"].as_str().unwrap().to_string();
    let auth = format!("Bearer {bearer}");
    let api = Browser::new(&s.base);
    async fn me(b: &Browser, base: &str, auth: String) -> u16 {
        let url = format!("{base}/api/me");
        b.request(
            reqwest::Method::GET,
            &url,
            &[("authorization", &auth)],
            None,
        )
        .await
        .status()
        .as_u16()
    }
    assert_eq!(me(&api, &s.base, auth.clone()).await, 200);
    // Bearer calls need no CSRF token (no cookie to ride on).
    let r = api
        .request(
            reqwest::Method::POST,
            &format!("{}/api/ops/account.update", s.base),
            &[("authorization", &auth)],
            Some(json!({"settings": {"default_visibility": "public"}})),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);

    let (_, list) = laptop.op("sessions.list", json!({}), None).await;
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "{list}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let phone_id = {
        let (_, mine) = phone.op("sessions.list", json!({}), None).await;
        mine["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["current"] == true)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (status, _) = laptop
        .op(
            "sessions.revoke",
            json!({"session_id": phone_id}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(phone.me().await.0, 401, "a revoked session is signed out");
    assert_eq!(laptop.me().await.0, 200);

    // Sign out everywhere: the browser and the token die together.
    let (status, out) = laptop
        .op("sessions.revoke_all", json!({}), Some(&csrf))
        .await;
    assert_eq!(status, 200);
    assert_eq!(out["revoked"], 2);
    assert_eq!(laptop.me().await.0, 401);
    assert_eq!(me(&api, &s.base, auth).await, 401);
    assert_eq!(me(&api, &s.base, "Bearer pst_made_up".into()).await, 401);
}

#[tokio::test]
async fn desktop_code_exchange() {
    let Some(s) = server(Db::Sqlite, |_| {}).await else {
        return;
    };
    let b = Browser::new(&s.base);
    let verifier = pixel_core::account::new_secret("").unwrap();
    let challenge = pixel_core::account::pkce_challenge(&verifier);
    let token_url = format!("{}/auth/desktop/token", s.base);
    let exchange = |code: String, verifier: String| {
        let b = &b;
        let url = token_url.clone();
        async move {
            let r = b
                .request(
                    reqwest::Method::POST,
                    &url,
                    &[],
                    Some(json!({"code": code, "code_verifier": verifier})),
                )
                .await;
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let desktop_sign_in = |challenge: String| {
        let b = &b;
        async move {
            let authorize = b
                .start(&format!(
                    "/auth/desktop?challenge={challenge}&login_hint=dana@example.com"
                ))
                .await;
            let callback = b.authorize(&authorize).await;
            let location = b.redirect_from(&callback).await;
            assert!(
                location.starts_with("pixelstudio://auth/callback?code=psd_"),
                "{location}"
            );
            param(&location, "code").unwrap()
        }
    };

    // A malformed challenge never leaves for the provider.
    assert_eq!(
        b.get(&format!("{}/auth/desktop?challenge=short", s.base))
            .await
            .status()
            .as_u16(),
        400
    );

    let code = desktop_sign_in(challenge.clone()).await;
    assert!(
        b.cookie("ps_session").is_none(),
        "a desktop sign-in opens no browser session"
    );
    // The code is checked against the clock when it is taken: past its lifetime it is refused...
    let later = pixel_core::now_ms() + 10 * 60_000;
    let hash = pixel_core::account::hash_secret(&code);
    assert!(s
        .node
        .app
        .store
        .sessions()
        .take_desktop_code(&hash, later)
        .await
        .unwrap()
        .is_none());
    // ...and a wrong verifier (another app holding a stolen code) burns it.
    let (status, body) = exchange(code.clone(), "x".repeat(43)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "sign_in_failed");
    let (status, _) = exchange(code, verifier.clone()).await;
    assert_eq!(status, 400, "a code is tried once");

    let code = desktop_sign_in(challenge).await;
    let (status, body) = exchange(code.clone(), verifier.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "dana@example.com");
    let token = body["token"].as_str().unwrap().to_string();
    let (status, _) = exchange(code, verifier).await;
    assert_eq!(status, 400, "a replayed code is refused");

    let r = b
        .request(
            reqwest::Method::GET,
            &format!("{}/api/me", s.base),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["email"], "dana@example.com");
    assert!(
        me["csrf_token"].is_null(),
        "bearer clients need no CSRF token"
    );
}

#[tokio::test]
async fn sign_in_routes_are_rate_limited() {
    let Some(s) = server(Db::Sqlite, |o| o.auth_rate_limit = 3).await else {
        return;
    };
    let b = Browser::new(&s.base);
    for _ in 0..3 {
        b.start("/auth/google").await;
    }
    let r = b.get(&format!("{}/auth/google", s.base)).await;
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn single_owner_mode_needs_no_sign_in() {
    let s = TestServer::start(Opts::default()).await.unwrap();
    let b = Browser::new(&s.base);
    let (status, me) = b.me().await;
    assert_eq!(status, 200);
    assert_eq!(me["auth_mode"], "single_owner");
    assert_eq!(me["role"], "admin");
    assert!(me["csrf_token"].is_null());
    let r = b.get(&format!("{}/auth/google", s.base)).await;
    assert_eq!(r.status().as_u16(), 404);
}
