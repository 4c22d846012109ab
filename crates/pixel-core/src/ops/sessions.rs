//! Session operations: where an account is signed in, signing out, and API tokens.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::account::{hash_secret, new_secret, Session, SessionInfo, SessionKind};
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "sessions.list",
        Read,
        "Where the caller is signed in: browser sessions and API tokens",
        sessions_list,
    );
    r.add(
        "sessions.revoke",
        Write,
        "Sign one session or token out",
        sessions_revoke,
    );
    r.add(
        "sessions.revoke_all",
        Write,
        "Sign out everywhere",
        sessions_revoke_all,
    );
    r.add(
        "tokens.create",
        Write,
        "Create a bearer token for an API client (shown once)",
        tokens_create,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SessionsOutput {
    pub sessions: Vec<SessionInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub session_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct RevokeOutput {
    #[ts(type = "number")]
    pub revoked: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// What the token is for, shown in the list of sessions ("CI", "my laptop").
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TokenOutput {
    /// The bearer token. It is shown this once; only its hash is kept.
    pub token: String,
    pub session: SessionInfo,
}

pub async fn sessions_list(app: &App, caller: &Caller, _input: Empty) -> Result<SessionsOutput> {
    let id = caller.user_id()?;
    let now = app.clock.now_ms();
    let sessions = app.store.sessions().list_sessions(id, now).await?;
    Ok(SessionsOutput {
        sessions: sessions
            .iter()
            .map(|s| s.info(caller.session_id()))
            .collect(),
    })
}

pub async fn sessions_revoke(
    app: &App,
    caller: &Caller,
    input: SessionRef,
) -> Result<RevokeOutput> {
    let id = caller.user_id()?;
    let now = app.clock.now_ms();
    if !app
        .store
        .sessions()
        .revoke_session(id, &input.session_id, now)
        .await?
    {
        return Err(Error::not_found("session"));
    }
    announce_revoked(app, id, vec![input.session_id], false);
    Ok(RevokeOutput { revoked: 1 })
}

/// Signs the account out everywhere: every browser session and every token, this one included.
pub async fn sessions_revoke_all(
    app: &App,
    caller: &Caller,
    _input: Empty,
) -> Result<RevokeOutput> {
    let id = caller.user_id()?;
    let revoked = app
        .store
        .sessions()
        .revoke_sessions(id, app.clock.now_ms())
        .await?;
    announce_revoked(app, id, vec![], true);
    Ok(RevokeOutput { revoked })
}

/// Ends the caller's own session (sign out here); nothing to do for the local owner or a stranger.
pub async fn sign_out(app: &App, caller: &Caller) -> Result<()> {
    if let Caller::User {
        id,
        session: Some(session),
        ..
    } = caller
    {
        app.store
            .sessions()
            .revoke_session(id, session, app.clock.now_ms())
            .await?;
        announce_revoked(app, id, vec![session.clone()], false);
    }
    Ok(())
}

/// Tells the account's clients, so the event streams of revoked sessions close at once.
fn announce_revoked(app: &App, user_id: &str, session_ids: Vec<String>, all: bool) {
    app.events.publish(Envelope {
        audience: Audience::User(user_id.to_string()),
        event: Event::SessionsRevoked { session_ids, all },
    });
}

/// Mints a session of the caller's account. Browser sign-in and the desktop exchange use it too.
pub async fn open_session(
    app: &App,
    user_id: &str,
    kind: SessionKind,
    label: &str,
) -> Result<(String, Session)> {
    let now = app.clock.now_ms();
    let ttl = match kind {
        SessionKind::Browser => app.config.session_ttl,
        SessionKind::Token => app.config.token_ttl,
    };
    let secret = new_secret(match kind {
        SessionKind::Browser => "pss_",
        SessionKind::Token => "pst_",
    })?;
    let session = Session {
        id: crate::new_id(),
        user_id: user_id.to_string(),
        kind,
        label: label.chars().take(80).collect(),
        csrf_token: new_secret("")?,
        created_at: now,
        last_used_at: now,
        expires_at: now.saturating_add(ttl.as_millis() as i64),
    };
    app.store
        .sessions()
        .create_session(&session, &hash_secret(&secret))
        .await?;
    Ok((secret, session))
}

pub async fn tokens_create(app: &App, caller: &Caller, input: NewToken) -> Result<TokenOutput> {
    let id = caller.user_id()?;
    let label = input.label.trim();
    if label.is_empty() || label.chars().count() > 80 {
        return Err(Error::invalid("a token needs a label of 1–80 characters"));
    }
    let (token, session) = open_session(app, id, SessionKind::Token, label).await?;
    Ok(TokenOutput {
        token,
        session: session.info(caller.session_id()),
    })
}
