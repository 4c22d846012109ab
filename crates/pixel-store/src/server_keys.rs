//! The server's signing keys: made once by whichever node asks first, then read by all.

use super::*;

#[async_trait]
impl ServerKeyStore for SqlStore {
    async fn key(&self, name: &str, fresh_hex: &str, now: Millis) -> Result<String> {
        sqlx::query(
            "INSERT INTO server_keys (name, key_hex, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh_hex)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        let row = sqlx::query("SELECT key_hex FROM server_keys WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        row.text("key_hex")
    }
}
