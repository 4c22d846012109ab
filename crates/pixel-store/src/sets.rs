//! The set queries: a set, its jobs, the sets of a comparison, idempotency keys and the owner's pages.

use super::*;

#[async_trait]
impl SetStore for SqlStore {
    async fn get_set(&self, id: &str) -> Result<Option<GenerationSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(set_from).transpose()
    }

    async fn set_by_idempotency_key(
        &self,
        owner_id: &str,
        key: &str,
    ) -> Result<Option<GenerationSet>> {
        let row = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE owner_id = $1 AND idempotency_key = $2"
        ))
        .bind(owner_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(set_from).transpose()
    }

    async fn comparison_sets(
        &self,
        owner_id: Option<&str>,
        comparison_id: &str,
    ) -> Result<Vec<GenerationSet>> {
        let rows = sqlx::query(&format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE comparison_id = $1 AND ($2 = 1 OR owner_id = $3) ORDER BY created_at, id"
        ))
        .bind(comparison_id)
        .bind(i64::from(owner_id.is_none()))
        .bind(owner_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(set_from).collect()
    }

    async fn list_sets(&self, owner_id: &str, page: &PageRequest) -> Result<Vec<GenerationSet>> {
        let sql = format!(
            "SELECT {SET_COLS} FROM generation_sets WHERE owner_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, owner_id, page, set_from)
    }

    async fn set_jobs(&self, set_id: &str) -> Result<Vec<Job>> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLS} FROM jobs WHERE set_id = $1 ORDER BY idx"
        ))
        .bind(set_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from).collect()
    }

    async fn set_visibility_of_set(
        &self,
        owner_id: &str,
        set_id: &str,
        visibility: Visibility,
    ) -> Result<Option<Vec<String>>> {
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            let set = sqlx::query(
                "UPDATE generation_sets SET visibility = $1 WHERE id = $2 AND owner_id = $3",
            )
            .bind(visibility.as_str())
            .bind(set_id)
            .bind(owner_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            if set.rows_affected() == 0 {
                return Ok(None);
            }
            // An image moderators hid stays private whatever its set becomes.
            let ids = sqlx::query_scalar::<_, String>(
                "UPDATE images SET visibility = $1 WHERE set_id = $2 AND owner_id = $3 \
                 AND (moderated_at IS NULL OR $1 <> 'public') RETURNING id",
            )
            .bind(visibility.as_str())
            .bind(set_id)
            .bind(owner_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(Some(ids))
        }
        .await;
        w.end(r).await
    }
}
