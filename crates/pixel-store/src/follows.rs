//! The follow queries: follow and unfollow with both accounts' counts moved in the same transaction,
//! and the follower and following lists, one keyset page each.

use super::*;

/// One page of a follow list: `who` is the column of the listed accounts, `by` the column matched.
async fn follow_page(
    store: &SqlStore,
    who: &str,
    by: &str,
    user_id: &str,
    with_private: bool,
    page: &PageRequest,
) -> Result<Vec<(UserSummary, Millis)>> {
    let private = if with_private {
        ""
    } else {
        " AND u.profile_private = 0"
    };
    let sql = format!(
        "SELECT u.id, u.username, {PICTURE_OF_U} AS picture, f.created_at FROM follows f \
         JOIN users u ON u.id = f.{who} \
         WHERE f.{by} = $1{private} AND (f.created_at < $2 OR (f.created_at = $2 AND f.{who} < $3)) \
         ORDER BY f.created_at DESC, f.{who} DESC LIMIT $4"
    );
    scoped_page!(store, &sql, user_id, page, user_since)
}

/// An account in a list (`id`, `username`, `picture`), with when it entered the list.
pub(crate) fn user_since(r: &impl Cols) -> Result<(UserSummary, Millis)> {
    Ok((
        UserSummary::new(r.text("id")?, r.text("username")?).with_picture(r.opt_text("picture")?),
        r.int("created_at")?,
    ))
}

#[async_trait]
impl FollowStore for SqlStore {
    async fn follow(&self, follower: &str, followee: &str, now: Millis) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            let added = sqlx::query(
                "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (follower_id, followee_id) DO NOTHING",
            )
            .bind(follower)
            .bind(followee)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected()
                == 1;
            if added {
                move_follow_counts(tx, follower, followee, 1).await?;
            }
            Ok(added)
        }
        .await;
        w.end(r).await
    }

    async fn unfollow(&self, follower: &str, followee: &str) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let r = remove_follow(&mut w.tx, follower, followee).await;
        w.end(r).await
    }

    async fn is_following(&self, follower: &str, followee: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT 1 AS one FROM follows WHERE follower_id = $1 AND followee_id = $2")
                .bind(follower)
                .bind(followee)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(row.is_some())
    }

    async fn follow_counts(&self, user_id: &str) -> Result<(i64, i64)> {
        let row = sqlx::query("SELECT follower_count, following_count FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match row {
            Some(r) => Ok((r.int("follower_count")?, r.int("following_count")?)),
            None => Ok((0, 0)),
        }
    }

    async fn followers(
        &self,
        user_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>> {
        follow_page(
            self,
            "follower_id",
            "followee_id",
            user_id,
            with_private,
            page,
        )
        .await
    }

    async fn following(
        &self,
        user_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>> {
        follow_page(
            self,
            "followee_id",
            "follower_id",
            user_id,
            with_private,
            page,
        )
        .await
    }
}

/// Ends a follow inside a transaction, moving both counts; false when there was none.
pub(crate) async fn remove_follow(tx: &mut Tx, follower: &str, followee: &str) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
        .bind(follower)
        .bind(followee)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?
        .rows_affected()
        == 1;
    if removed {
        move_follow_counts(tx, follower, followee, -1).await?;
    }
    Ok(removed)
}

async fn move_follow_counts(tx: &mut Tx, follower: &str, followee: &str, by: i64) -> Result<()> {
    sqlx::query("UPDATE users SET following_count = following_count + $1 WHERE id = $2")
        .bind(by)
        .bind(follower)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    sqlx::query("UPDATE users SET follower_count = follower_count + $1 WHERE id = $2")
        .bind(by)
        .bind(followee)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}
