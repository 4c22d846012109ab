//! Session rules through the core alone, on a real SQLite store: API tokens, the list of places an
//! account is signed in, signing out here, one place or everywhere, and that each is announced so
//! the event streams of revoked sessions close.

mod common;

use common::{call, sign_in, test_app, ScriptedProvider};
use pixel_core::account::{hash_secret, SessionKind};
use pixel_core::ops::{open_session, sign_out, RevokeOutput, SessionsOutput, TokenOutput};
use pixel_core::{App, Caller, Envelope, ErrorCode, Event, Role};
use serde_json::json;

/// The account of `caller` signed in from a browser: the secret its cookie holds, and the caller
/// its requests then are.
async fn browser(app: &App, caller: &Caller) -> (String, Caller) {
    let user_id = caller.user_id().expect("signed in").to_string();
    let (secret, session) = open_session(app, &user_id, SessionKind::Browser, "Firefox on Linux")
        .await
        .expect("session");
    let caller = Caller::User {
        id: user_id,
        role: Role::User,
        session: Some(session.id),
    };
    (secret, caller)
}

async fn live(app: &App, secret: &str) -> bool {
    app.store
        .sessions()
        .session_by_secret(&hash_secret(secret), app.clock.now_ms())
        .await
        .expect("lookup")
        .is_some()
}

fn revoked(events: &mut tokio::sync::broadcast::Receiver<Envelope>) -> Vec<(Vec<String>, bool)> {
    let mut seen = Vec::new();
    while let Ok(envelope) = events.try_recv() {
        if let Event::SessionsRevoked { session_ids, all } = envelope.event {
            seen.push((session_ids, all));
        }
    }
    seen
}

#[tokio::test]
async fn a_token_is_shown_once_listed_with_the_sessions_and_signed_out_on_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 5, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let (cookie, here) = browser(&app, &ada).await;
    let token: TokenOutput = call(&app, &here, "tokens.create", json!({ "label": "CI" }))
        .await
        .expect("token");
    assert!(token.token.starts_with("pst_"), "a token says what it is");
    assert!(live(&app, &token.token).await);

    let list: SessionsOutput = call(&app, &here, "sessions.list", json!({}))
        .await
        .expect("sessions");
    let mut seen: Vec<(SessionKind, &str, bool)> = list
        .sessions
        .iter()
        .map(|s| (s.kind, s.label.as_str(), s.current))
        .collect();
    seen.sort_by_key(|s| s.1.to_string());
    assert_eq!(
        seen,
        vec![
            (SessionKind::Token, "CI", false),
            (SessionKind::Browser, "Firefox on Linux", true)
        ]
    );

    let mut events = app.events.observe_all();
    let out: RevokeOutput = call(
        &app,
        &here,
        "sessions.revoke",
        json!({ "session_id": token.session.id }),
    )
    .await
    .expect("revoked");
    assert_eq!(out.revoked, 1);
    assert!(
        !live(&app, &token.token).await,
        "the token no longer signs in"
    );
    assert!(live(&app, &cookie).await, "the browser stays signed in");
    assert_eq!(revoked(&mut events), vec![(vec![token.session.id], false)]);

    for label in ["", "   ", &"x".repeat(81)] {
        let err = call::<TokenOutput>(&app, &here, "tokens.create", json!({ "label": label }))
            .await
            .expect_err("a label of 1-80 characters");
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
}

#[tokio::test]
async fn nobody_signs_out_a_session_of_another_account() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 5, ScriptedProvider::new()).await;
    let (ada_cookie, ada) = browser(&app, &sign_in(&app, "ada").await).await;
    let (_, grace) = browser(&app, &sign_in(&app, "grace").await).await;
    let err = call::<RevokeOutput>(
        &app,
        &grace,
        "sessions.revoke",
        json!({ "session_id": ada.session_id().expect("session") }),
    )
    .await
    .expect_err("not grace's");
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(live(&app, &ada_cookie).await);
    let err = call::<SessionsOutput>(&app, &Caller::Anonymous, "sessions.list", json!({}))
        .await
        .expect_err("signed out");
    assert_eq!(err.code, ErrorCode::Unauthenticated);
}

#[tokio::test]
async fn signing_out_ends_this_session_and_signing_out_everywhere_ends_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 5, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let (laptop_cookie, laptop) = browser(&app, &ada).await;
    let (phone_cookie, phone) = browser(&app, &ada).await;
    let token: TokenOutput = call(&app, &laptop, "tokens.create", json!({ "label": "CI" }))
        .await
        .expect("token");

    let mut events = app.events.observe_all();
    sign_out(&app, &laptop).await.expect("signed out");
    assert!(!live(&app, &laptop_cookie).await);
    assert!(live(&app, &phone_cookie).await, "only this session ends");
    assert_eq!(
        revoked(&mut events),
        vec![(vec![laptop.session_id().expect("id").to_string()], false)]
    );
    // The local owner and a stranger have no session: signing them out is nothing, not an error.
    sign_out(&app, &ada).await.expect("no session to end");
    sign_out(&app, &Caller::Anonymous).await.expect("nothing");

    let out: RevokeOutput = call(&app, &phone, "sessions.revoke_all", json!({}))
        .await
        .expect("everywhere");
    assert_eq!(out.revoked, 2, "the phone and the token");
    assert!(!live(&app, &phone_cookie).await);
    assert!(!live(&app, &token.token).await);
    assert_eq!(revoked(&mut events), vec![(vec![], true)]);
}
