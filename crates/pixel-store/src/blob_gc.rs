//! The storage queries: media keys marked when their last image goes (in the deleting transaction),
//! the reference check a sweep makes before deleting a blob, and what a person's library takes.

use super::*;

/// Whether anything uses `$1`: an image (original or thumbnail) or a print order's file.
const REFERENCED: &str = "(EXISTS (SELECT 1 FROM images WHERE sha256 = $1) \
     OR EXISTS (SELECT 1 FROM images WHERE thumb_sha256 = $1) \
     OR EXISTS (SELECT 1 FROM print_orders WHERE file_sha256 = $1))";

/// Marks each of `keys` that nothing references any more, inside the transaction that removed its
/// last reference.
pub(crate) async fn mark_if_orphaned(tx: &mut Tx, keys: &[String], now: Millis) -> Result<()> {
    for key in keys {
        let sql = format!(
            "INSERT INTO blob_orphans (blob_key, marked_at) SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT) \
             WHERE NOT {REFERENCED} ON CONFLICT (blob_key) DO NOTHING"
        );
        sqlx::query(&sql)
            .bind(key)
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

#[async_trait]
impl StorageStore for SqlStore {
    async fn blob_orphans_before(&self, cutoff: Millis, limit: u32) -> Result<Vec<String>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT blob_key FROM blob_orphans WHERE marked_at < $1 \
                 ORDER BY marked_at, blob_key LIMIT $2",
            )
            .bind(cutoff)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| r.text("blob_key"))
            .collect()
        })
    }

    async fn blob_referenced(&self, key: &str) -> Result<bool> {
        let sql = format!("SELECT CASE WHEN {REFERENCED} THEN 1 ELSE 0 END AS used");
        // The write pool: a reference written a moment ago must be seen.
        let row = sqlx::query(&sql)
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.int("used")? == 1)
    }

    async fn forget_blob_orphan(&self, key: &str) -> Result<()> {
        let q = sqlx::query("DELETE FROM blob_orphans WHERE blob_key = $1").bind(key);
        self.write_statement(q).await.map(|_| ())
    }

    async fn library_usage(&self, owner_id: &str) -> Result<(i64, i64)> {
        on_read_pool!(self, pool => {
            let row = sqlx::query(
                "SELECT COUNT(*) AS images, CAST(COALESCE(SUM(bytes), 0) AS BIGINT) AS bytes \
                 FROM images WHERE owner_id = $1",
            )
            .bind(owner_id)
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
            Ok((row.int("images")?, row.int("bytes")?))
        })
    }
}
