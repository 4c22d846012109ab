//! The session queries: browser sessions and API tokens, sign-ins in progress and the desktop's
//! one-time codes.

use super::*;
use pixel_core::account::SessionKind;

const SESSION_COLS: &str =
    "s.id, s.user_id, s.kind, s.label, s.csrf_token, s.created_at, s.last_used_at, s.expires_at";

fn session_from(r: &AnyRow) -> Result<Session> {
    let kind: String = r.try_get("kind").map_err(db_err)?;
    Ok(Session {
        id: r.try_get("id").map_err(db_err)?,
        user_id: r.try_get("user_id").map_err(db_err)?,
        kind: SessionKind::parse(&kind),
        label: r.try_get("label").map_err(db_err)?,
        csrf_token: r.try_get("csrf_token").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        last_used_at: r.try_get("last_used_at").map_err(db_err)?,
        expires_at: r.try_get("expires_at").map_err(db_err)?,
    })
}

fn auth_request_from(r: &AnyRow) -> Result<AuthRequest> {
    Ok(AuthRequest {
        id_hash: r.try_get("id_hash").map_err(db_err)?,
        state: r.try_get("state").map_err(db_err)?,
        nonce: r.try_get("nonce").map_err(db_err)?,
        pkce_verifier: r.try_get("pkce_verifier").map_err(db_err)?,
        return_to: r.try_get("return_to").map_err(db_err)?,
        desktop_challenge: r.try_get("desktop_challenge").map_err(db_err)?,
        created_at: r.try_get("created_at").map_err(db_err)?,
        expires_at: r.try_get("expires_at").map_err(db_err)?,
    })
}

/// The statement that ends every open session and token of `user_id` (signing out everywhere, and an
/// admin's suspension or sign-out inside its own transaction).
pub(crate) fn revoke_all(
    user_id: &str,
    now: Millis,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(&self, s: &Session, secret_hash: &str) -> Result<()> {
        let statement = sqlx::query(
            "INSERT INTO sessions (id, secret_hash, user_id, kind, label, csrf_token, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&s.id)
        .bind(secret_hash)
        .bind(&s.user_id)
        .bind(s.kind.as_str())
        .bind(&s.label)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.last_used_at)
        .bind(s.expires_at);
        self.write_statement(statement).await.map(drop)
    }

    async fn session_by_secret(
        &self,
        secret_hash: &str,
        now: Millis,
    ) -> Result<Option<(Session, User)>> {
        let user_cols: Vec<String> = USER_COLS
            .split(", ")
            .map(|c| format!("u.{c} AS u_{c}"))
            .collect();
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLS}, {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.secret_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
            user_cols.join(", ")
        ))
        .bind(secret_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(r) = row else { return Ok(None) };
        let role: String = r.try_get("u_role").map_err(db_err)?;
        let user = User {
            id: r.try_get("u_id").map_err(db_err)?,
            username: r.try_get("u_username").map_err(db_err)?,
            email: r.try_get("u_email").map_err(db_err)?,
            role: Role::parse(&role),
            created_at: r.try_get("u_created_at").map_err(db_err)?,
            admin_granted: r.int("u_admin_granted")? != 0,
            suspended_at: r.opt_int("u_suspended_at")?,
        };
        Ok(Some((session_from(&r)?, user)))
    }

    async fn touch_session(&self, session_id: &str, now: Millis) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(session_id),
        )
        .await
        .map(drop)
    }

    async fn list_sessions(&self, user_id: &str, now: Millis) -> Result<Vec<Session>> {
        let rows = sqlx::query(&format!(
            "SELECT {SESSION_COLS} FROM sessions s WHERE s.user_id = $1 AND s.revoked_at IS NULL \
             AND s.expires_at > $2 ORDER BY s.created_at DESC, s.id DESC LIMIT 200"
        ))
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(session_from).collect()
    }

    async fn revoke_session(&self, user_id: &str, session_id: &str, now: Millis) -> Result<bool> {
        let statement = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(session_id)
        .bind(user_id);
        self.write_statement(statement).await.map(|n| n == 1)
    }

    async fn revoke_sessions(&self, user_id: &str, now: Millis) -> Result<u64> {
        self.write_statement(revoke_all(user_id, now)).await
    }

    async fn put_auth_request(&self, a: &AuthRequest) -> Result<()> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            // Abandoned sign-ins are swept here rather than by a timer: each new one clears the dead.
            sqlx::query("DELETE FROM auth_requests WHERE expires_at <= $1")
                .bind(a.created_at)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO auth_requests (id_hash, state, nonce, pkce_verifier, return_to, desktop_challenge, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&a.id_hash)
            .bind(&a.state)
            .bind(&a.nonce)
            .bind(&a.pkce_verifier)
            .bind(&a.return_to)
            .bind(a.desktop_challenge.clone())
            .bind(a.created_at)
            .bind(a.expires_at)
            .execute(&mut **tx)
            .await
            .map(|_| ())
            .map_err(db_err)
        }
        .await;
        w.end(r).await
    }

    async fn take_auth_request(&self, id_hash: &str, now: Millis) -> Result<Option<AuthRequest>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let row = sqlx::query(
                "DELETE FROM auth_requests WHERE id_hash = $1 RETURNING id_hash, state, nonce, pkce_verifier, return_to, desktop_challenge, created_at, expires_at",
            )
            .bind(id_hash)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(db_err)?;
            let request = row.as_ref().map(auth_request_from).transpose()?;
            Ok(request.filter(|a| a.expires_at > now))
        }
        .await;
        w.end(r).await
    }

    async fn put_desktop_code(&self, c: &DesktopCode) -> Result<()> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            sqlx::query("DELETE FROM desktop_codes WHERE expires_at <= $1")
                .bind(c.created_at)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO desktop_codes (code_hash, user_id, challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&c.code_hash)
            .bind(&c.user_id)
            .bind(&c.challenge)
            .bind(c.created_at)
            .bind(c.expires_at)
            .execute(&mut **tx)
            .await
            .map(|_| ())
            .map_err(db_err)
        }
        .await;
        w.end(r).await
    }

    async fn take_desktop_code(&self, code_hash: &str, now: Millis) -> Result<Option<DesktopCode>> {
        let mut w = self.begin_write().await?;
        // Marking used in the same statement that checks makes a replay lose even when it races.
        let r = sqlx::query(
            "UPDATE desktop_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING code_hash, user_id, challenge, created_at, expires_at",
        )
        .bind(now)
        .bind(code_hash)
        .fetch_optional(&mut *w.tx)
        .await
        .map_err(db_err)
        .and_then(|row| {
            row.map(|r| -> Result<DesktopCode> {
                Ok(DesktopCode {
                    code_hash: r.try_get("code_hash").map_err(db_err)?,
                    user_id: r.try_get("user_id").map_err(db_err)?,
                    challenge: r.try_get("challenge").map_err(db_err)?,
                    created_at: r.try_get("created_at").map_err(db_err)?,
                    expires_at: r.try_get("expires_at").map_err(db_err)?,
                })
            })
            .transpose()
        });
        w.end(r).await
    }
}
