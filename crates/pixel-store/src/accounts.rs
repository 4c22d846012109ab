//! The account queries: users, sign-in identities, usernames, roles and settings.

use super::*;

#[async_trait]
impl AccountStore for SqlStore {
    async fn upsert_user(&self, user: &User) -> Result<User> {
        let user = user.clone();
        {
            let mut w = self.begin_write().await?;
            let tx = &mut w.tx;
            let r = async {
                sqlx::query("INSERT INTO users (id, username, email, role, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                    .bind(&user.id)
                    .bind(&user.username)
                    .bind(user.email.clone())
                    .bind(user.role.as_str())
                    .bind(user.created_at)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                sqlx::query("INSERT INTO balances (user_id, credits) VALUES ($1, 0) ON CONFLICT (user_id) DO NOTHING")
                    .bind(&user.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
            .await;
            w.end(r).await
        }?;
        self.get_user(&user.id)
            .await?
            .ok_or_else(|| Error::internal("user vanished after upsert"))
    }

    async fn get_user(&self, id: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn admin_ids(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT id FROM users WHERE (role = 'admin' OR admin_granted = 1) \
             AND suspended_at IS NULL ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| r.text("id")).collect()
    }

    async fn users_by_usernames(&self, usernames: &[String]) -> Result<Vec<UserSummary>> {
        if usernames.is_empty() {
            return Ok(vec![]);
        }
        let list: Vec<String> = (0..usernames.len())
            .map(|i| format!("${}", i + 1))
            .collect();
        let sql = format!(
            "SELECT id, username FROM users WHERE LOWER(username) IN ({})",
            list.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for name in usernames {
            q = q.bind(name.to_lowercase());
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter()
            .map(|r| Ok(UserSummary::new(r.text("id")?, r.text("username")?)))
            .collect()
    }

    async fn search_users(&self, prefix: &str, limit: u32) -> Result<Vec<UserSummary>> {
        // A range on the username index: usernames are lowercase, so the prefix is too.
        let from = prefix.to_lowercase();
        let to = format!("{from}\u{10FFFF}");
        let rows = sqlx::query(concat!(
            "SELECT u.id, u.username, ",
            picture_of_u!(),
            " AS picture FROM users u WHERE u.username >= $1 AND u.username < $2 \
                 AND u.profile_private = 0 ORDER BY u.username LIMIT $3"
        ))
        .bind(&from)
        .bind(&to)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(UserSummary::new(r.text("id")?, r.text("username")?)
                    .with_picture(r.opt_text("picture")?))
            })
            .collect()
    }

    async fn user_by_subject(&self, subject: &str) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLS} FROM users WHERE subject = $1"))
            .bind(subject)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn create_user_for_subject(
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
            self.get_user(&user.id).await?
        } else {
            self.user_by_subject(subject).await?
        };
        found.ok_or_else(|| Error::internal("the new account vanished"))
    }

    async fn set_role(&self, user_id: &str, role: Role) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
                .bind(role.as_str())
                .bind(user_id),
        )
        .await
        .map(drop)
    }

    async fn account_settings(&self, user_id: &str) -> Result<AccountSettings> {
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

    async fn profile_details(&self, user_id: &str) -> Result<ProfileDetails> {
        let row = sqlx::query("SELECT bio, avatar_image_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map_or(Ok(ProfileDetails::default()), |r| {
            Ok(ProfileDetails {
                bio: r.text("bio")?,
                avatar_image_id: r.opt_text("avatar_image_id")?,
            })
        })
    }

    async fn set_profile_details(&self, user_id: &str, details: &ProfileDetails) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE users SET bio = $1, avatar_image_id = $2 WHERE id = $3")
                .bind(&details.bio)
                .bind(details.avatar_image_id.clone())
                .bind(user_id),
        )
        .await
        .map(drop)
    }

    async fn update_account(
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
            if let (Some(json), Some(settings)) = (&settings_json, settings) {
                sqlx::query("UPDATE users SET settings = $1, profile_private = $2 WHERE id = $3")
                    .bind(json)
                    .bind(i64::from(settings.profile_private))
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
}
