//! The account queries: sign-in identities, usernames, settings, sessions, sign-ins in progress and the
//! desktop's one-time codes. The `Store` impl in lib.rs delegates here.

use pixel_core::account::{AccountSettings, AuthRequest, DesktopCode, Session, SessionKind};
use pixel_core::{Error, ErrorCode, Millis, Result, Role, User, Visibility};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{db_err, is_unique_violation, user_from, SqlStore, USER_COLS};

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

impl SqlStore {
    pub(crate) async fn user_by_subject_q(&self, subject: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE subject = $1"))
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from).transpose()
    }

    pub(crate) async fn create_user_for_subject_q(
        &self,
        user: &User,
        subject: &str,
        usernames: &[String],
    ) -> Result<User> {
        let created = {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                for name in usernames {
                    // DO NOTHING on any unique column: a taken username moves on to the next
                    // candidate, a taken subject means a concurrent first sign-in won.
                    let done = sqlx::query(
                        "INSERT INTO users (id, username, email, role, created_at, subject, settings) \
                         VALUES ($1, $2, $3, $4, $5, $6, '{}') ON CONFLICT DO NOTHING",
                    )
                    .bind(&user.id)
                    .bind(name)
                    .bind(user.email.clone())
                    .bind(user.role.as_str())
                    .bind(user.created_at)
                    .bind(subject)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                    if done.rows_affected() == 1 {
                        sqlx::query("INSERT INTO balances (user_id, credits) VALUES ($1, 0)")
                            .bind(&user.id)
                            .execute(&mut **tx)
                            .await
                            .map_err(db_err)?;
                        return Ok(true);
                    }
                    let exists = sqlx::query("SELECT 1 AS one FROM users WHERE subject = $1")
                        .bind(subject)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db_err)?;
                    if exists.is_some() {
                        return Ok(false);
                    }
                }
                Err(Error::new(
                    ErrorCode::Conflict,
                    "no free username for this account; try again",
                ))
            }
            .await;
            w.end(r).await?
        };
        let found = if created {
            self.get_user_q(&user.id).await?
        } else {
            self.user_by_subject_q(subject).await?
        };
        found.ok_or_else(|| Error::internal("the new account vanished"))
    }

    pub(crate) async fn get_user_q(&self, id: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from).transpose()
    }

    pub(crate) async fn set_role_q(&self, user_id: &str, role: Role) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(user_id)
            .execute(&mut *w.tx)
            .await
            .map(|_| ())
            .map_err(db_err);
        w.end(r).await
    }

    pub(crate) async fn account_settings_q(&self, user_id: &str) -> Result<AccountSettings> {
        let row = sqlx::query("SELECT settings FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .ok_or_else(|| Error::not_found("account"))?;
        let json: String = row.try_get("settings").map_err(db_err)?;
        // Settings written by an older version may lack new switches; serde(default) fills them in.
        serde_json::from_str(&json)
            .map_err(|e| Error::internal(format!("stored account settings are unreadable: {e}")))
    }

    pub(crate) async fn update_account_q(
        &self,
        user_id: &str,
        username: Option<&str>,
        settings: Option<&AccountSettings>,
    ) -> Result<()> {
        let settings_json = settings
            .map(serde_json::to_string)
            .transpose()
            .map_err(Error::internal)?;
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            if let Some(name) = username {
                sqlx::query("UPDATE users SET username = $1 WHERE id = $2")
                    .bind(name)
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            Error::new(ErrorCode::Conflict, "that username is taken")
                        } else {
                            db_err(e)
                        }
                    })?;
            }
            if let Some(json) = &settings_json {
                sqlx::query("UPDATE users SET settings = $1 WHERE id = $2")
                    .bind(json)
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
            }
            Ok(())
        }
        .await;
        w.end(r).await
    }

    pub(crate) async fn create_session_q(&self, s: &Session, secret_hash: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = sqlx::query(
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
        .bind(s.expires_at)
        .execute(&mut *w.tx)
        .await
        .map(|_| ())
        .map_err(db_err);
        w.end(r).await
    }

    pub(crate) async fn session_by_secret_q(
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
        };
        Ok(Some((session_from(&r)?, user)))
    }

    pub(crate) async fn touch_session_q(&self, session_id: &str, now: Millis) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(session_id)
            .execute(&mut *w.tx)
            .await
            .map(|_| ())
            .map_err(db_err);
        w.end(r).await
    }

    pub(crate) async fn list_sessions_q(&self, user_id: &str, now: Millis) -> Result<Vec<Session>> {
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

    pub(crate) async fn revoke_session_q(
        &self,
        user_id: &str,
        session_id: &str,
        now: Millis,
    ) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let r = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(session_id)
        .bind(user_id)
        .execute(&mut *w.tx)
        .await
        .map(|done| done.rows_affected() == 1)
        .map_err(db_err);
        w.end(r).await
    }

    pub(crate) async fn revoke_sessions_q(&self, user_id: &str, now: Millis) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let r = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut *w.tx)
        .await
        .map(|done| done.rows_affected())
        .map_err(db_err);
        w.end(r).await
    }

    pub(crate) async fn put_auth_request_q(&self, a: &AuthRequest) -> Result<()> {
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

    pub(crate) async fn take_auth_request_q(
        &self,
        id_hash: &str,
        now: Millis,
    ) -> Result<Option<AuthRequest>> {
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

    pub(crate) async fn put_desktop_code_q(&self, c: &DesktopCode) -> Result<()> {
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

    pub(crate) async fn take_desktop_code_q(
        &self,
        code_hash: &str,
        now: Millis,
    ) -> Result<Option<DesktopCode>> {
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

    pub(crate) async fn set_images_visibility_q(
        &self,
        owner_id: &str,
        ids: &[String],
        visibility: Visibility,
    ) -> Result<Vec<String>> {
        let mut w = self.begin_write().await?;
        let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "UPDATE images SET visibility = $1 WHERE owner_id = $2 AND id IN ({}) RETURNING id",
            list.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(visibility.as_str()).bind(owner_id);
        for id in ids {
            q = q.bind(id);
        }
        let r = q
            .fetch_all(&mut *w.tx)
            .await
            .map_err(db_err)
            .and_then(|rows| {
                rows.iter()
                    .map(|r| r.try_get::<String, _>("id").map_err(db_err))
                    .collect()
            });
        w.end(r).await
    }
}
