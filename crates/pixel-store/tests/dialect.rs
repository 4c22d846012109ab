//! What the coming search areas need from each dialect, through the pools this store holds: FTS5 on
//! SQLite and tsvector with a GIN index on PostgreSQL, with the query text bound as a parameter.
//! This is the evidence behind keeping the Any driver for such SQL (README "How it is built").

use sqlx::{AnyPool, Executor, Row};

async fn matches(pool: &AnyPool, sql: &str, words: &str) -> Vec<String> {
    sqlx::query(sql)
        .bind(words)
        .fetch_all(pool)
        .await
        .expect("search")
        .iter()
        .map(|r| r.get::<String, _>("id"))
        .collect()
}

#[tokio::test]
async fn sqlite_full_text_search_runs_through_the_any_driver() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = pixel_store::SqlStore::connect(&pixel_store::testing::sqlite_url(dir.path()))
        .await
        .expect("store");
    let pool = store.pool();
    pool.execute("CREATE VIRTUAL TABLE prompt_search USING fts5(id UNINDEXED, prompt)")
        .await
        .expect("FTS5 is compiled in");
    for (id, prompt) in [
        ("a", "A quiet harbour at dawn"),
        ("b", "Neon city in the rain"),
    ] {
        sqlx::query("INSERT INTO prompt_search (id, prompt) VALUES ($1, $2)")
            .bind(id)
            .bind(prompt)
            .execute(pool)
            .await
            .expect("insert");
    }
    let sql = "SELECT id FROM prompt_search WHERE prompt_search MATCH $1 ORDER BY rank";
    assert_eq!(matches(pool, sql, "harbour").await, vec!["a"]);
    assert_eq!(matches(pool, sql, "rain OR dawn").await.len(), 2);
}

#[tokio::test]
async fn postgres_full_text_search_runs_through_the_any_driver() {
    let Some(url) = pixel_store::testing::fresh_postgres_database().await else {
        return;
    };
    let store = pixel_store::SqlStore::connect(&url).await.expect("store");
    let pool = store.pool();
    pool.execute(
        "CREATE TABLE prompt_search (id TEXT PRIMARY KEY, prompt TEXT NOT NULL, \
         search tsvector GENERATED ALWAYS AS (to_tsvector('english', prompt)) STORED)",
    )
    .await
    .expect("table");
    pool.execute("CREATE INDEX prompt_search_gin ON prompt_search USING GIN (search)")
        .await
        .expect("GIN index");
    for (id, prompt) in [
        ("a", "A quiet harbour at dawn"),
        ("b", "Neon city in the rain"),
    ] {
        sqlx::query("INSERT INTO prompt_search (id, prompt) VALUES ($1, $2)")
            .bind(id)
            .bind(prompt)
            .execute(pool)
            .await
            .expect("insert");
    }
    let sql = "SELECT id FROM prompt_search WHERE search @@ websearch_to_tsquery('english', $1) \
               ORDER BY ts_rank(search, websearch_to_tsquery('english', $1)) DESC";
    assert_eq!(matches(pool, sql, "harbours").await, vec!["a"], "stemmed");
    assert_eq!(matches(pool, sql, "rain or dawn").await.len(), 2);
}
