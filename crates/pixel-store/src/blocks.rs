//! The block queries: blocking ends any follow between the two accounts in the same transaction.

use super::*;

#[async_trait]
impl BlockStore for SqlStore {
    async fn block(&self, blocker: &str, blocked: &str, now: Millis) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            let added = sqlx::query(
                "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
            )
            .bind(blocker)
            .bind(blocked)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected()
                == 1;
            for (follower, followee) in [(blocker, blocked), (blocked, blocker)] {
                follows::remove_follow(tx, follower, followee).await?;
            }
            Ok(added)
        }
        .await;
        w.end(r).await
    }

    async fn unblock(&self, blocker: &str, blocked: &str) -> Result<bool> {
        self.write_statement(
            sqlx::query("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(blocker)
                .bind(blocked),
        )
        .await
        .map(|n| n == 1)
    }

    async fn is_blocking(&self, blocker: &str, blocked: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT 1 AS one FROM blocks WHERE blocker_id = $1 AND blocked_id = $2")
                .bind(blocker)
                .bind(blocked)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(row.is_some())
    }

    async fn blocked_between(&self, a: &str, b: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) \
             OR (blocker_id = $2 AND blocked_id = $1)",
        )
        .bind(a)
        .bind(b)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.is_some())
    }

    async fn blocked_among(
        &self,
        user: &str,
        others: &[String],
    ) -> Result<std::collections::HashSet<String>> {
        if others.is_empty() {
            return Ok(Default::default());
        }
        let list: Vec<String> = (0..others.len()).map(|i| format!("${}", i + 2)).collect();
        let list = list.join(", ");
        let sql = format!(
            "SELECT blocked_id AS other FROM blocks WHERE blocker_id = $1 AND blocked_id IN ({list}) \
             UNION SELECT blocker_id AS other FROM blocks WHERE blocked_id = $1 AND blocker_id IN ({list})"
        );
        let mut q = sqlx::query(&sql).bind(user);
        for other in others {
            q = q.bind(other);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(db_err)?;
        rows.iter().map(|r| r.text("other")).collect()
    }

    async fn blocked_by(
        &self,
        blocker: &str,
        page: &PageRequest,
    ) -> Result<Vec<(UserSummary, Millis)>> {
        let sql = concat!(
            "SELECT u.id, u.username, ",
            picture_of_u!(),
            " AS picture, b.created_at FROM blocks b JOIN users u ON u.id = b.blocked_id \
             WHERE b.blocker_id = $1 AND (b.created_at < $2 OR (b.created_at = $2 AND b.blocked_id < $3)) \
             ORDER BY b.created_at DESC, b.blocked_id DESC LIMIT $4"
        );
        scoped_page!(self, sql, blocker, page, follows::user_since)
    }
}
