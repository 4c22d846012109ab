//! What sqlx's Any driver costs against the concrete pools, on the query shapes the library and the
//! coming social pages run most: a keyset page of 50 library rows (14 columns, a 1 KB JSON record
//! each) out of 20,000, and a lookup by primary key. SQLite always; PostgreSQL too when
//! `PIXEL_TEST_POSTGRES_URL` is set. `cargo bench -p pixel-store --bench any_vs_native`.

use criterion::{criterion_group, criterion_main, Criterion};
use sqlx::{AnyPool, Executor, PgPool, Row, SqlitePool};

const ROWS: i64 = 20_000;
const OWNERS: i64 = 10;

const CREATE: &str = "CREATE TABLE bench_images (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, \
    set_id TEXT NOT NULL, job_id TEXT NOT NULL, visibility TEXT NOT NULL, mime TEXT NOT NULL, \
    width BIGINT NOT NULL, height BIGINT NOT NULL, bytes BIGINT NOT NULL, sha256 TEXT NOT NULL, \
    thumb_sha256 TEXT NOT NULL, placeholder TEXT NOT NULL, record TEXT NOT NULL, \
    created_at BIGINT NOT NULL)";
const INDEX: &str =
    "CREATE INDEX bench_images_page ON bench_images (owner_id, created_at DESC, id DESC)";
const PAGE: &str = "SELECT * FROM bench_images WHERE owner_id = $1 AND (created_at < $2 OR \
    (created_at = $2 AND id < $3)) ORDER BY created_at DESC, id DESC LIMIT 50";
const BY_ID: &str = "SELECT * FROM bench_images WHERE id = $1";

/// Reads every column the way the store does, so decoding is part of the cost.
fn decode<R: Row>(row: &R) -> (String, i64, usize)
where
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let mut text = 0;
    for col in [0usize, 1, 2, 3, 4, 5, 9, 10, 11, 12] {
        text += row.get::<String, _>(col).len();
    }
    let mut sum = 0;
    for col in [6usize, 7, 8, 13] {
        sum += row.get::<i64, _>(col);
    }
    (row.get::<String, _>(0), sum, text)
}

async fn fill(pool: &AnyPool) {
    pool.execute("DROP TABLE IF EXISTS bench_images")
        .await
        .expect("drop");
    pool.execute(CREATE).await.expect("create");
    pool.execute(INDEX).await.expect("index");
    let record = format!(
        "{{\"prompt\":\"{}\"}}",
        "a quiet harbour at dawn ".repeat(40)
    );
    let mut tx = pool.begin().await.expect("begin");
    for i in 0..ROWS {
        sqlx::query("INSERT INTO bench_images VALUES ($1, $2, $3, $4, 'private', 'image/png', 1024, 1024, 1500000, $5, $6, 'data:image/webp;base64,AAAA', $7, $8)")
            .bind(format!("img-{i:08}"))
            .bind(format!("owner-{}", i % OWNERS))
            .bind(format!("set-{}", i / 4))
            .bind(format!("job-{i}"))
            .bind(format!("{i:064x}"))
            .bind(format!("{:064x}", i + 1))
            .bind(record.clone())
            .bind(1_790_000_000_000 + i)
            .execute(&mut *tx)
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
}

fn compare(c: &mut Criterion, dialect: &str, any: AnyPool, native: NativePool) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let cursor = (1_790_000_000_000 + ROWS / 2, format!("img-{:08}", ROWS / 2));
    let mut group = c.benchmark_group(format!("{dialect}: keyset page of 50"));
    group.bench_function("Any", |b| {
        b.iter(|| {
            rt.block_on(async {
                let rows = sqlx::query(PAGE)
                    .bind("owner-3")
                    .bind(cursor.0)
                    .bind(&cursor.1)
                    .fetch_all(&any)
                    .await
                    .expect("page");
                assert_eq!(rows.len(), 50);
                rows.iter().map(decode).count()
            })
        })
    });
    group.bench_function("native", |b| b.iter(|| rt.block_on(native.page(&cursor))));
    group.finish();
    let mut group = c.benchmark_group(format!("{dialect}: row by id"));
    group.bench_function("Any", |b| {
        b.iter(|| {
            rt.block_on(async {
                let row = sqlx::query(BY_ID)
                    .bind("img-00012345")
                    .fetch_one(&any)
                    .await
                    .expect("row");
                decode(&row)
            })
        })
    });
    group.bench_function("native", |b| b.iter(|| rt.block_on(native.by_id())));
    group.finish();
}

enum NativePool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl NativePool {
    async fn page(&self, cursor: &(i64, String)) -> usize {
        macro_rules! page {
            ($pool:expr) => {{
                let rows = sqlx::query(PAGE)
                    .bind("owner-3")
                    .bind(cursor.0)
                    .bind(&cursor.1)
                    .fetch_all($pool)
                    .await
                    .expect("page");
                assert_eq!(rows.len(), 50);
                rows.iter().map(decode).count()
            }};
        }
        match self {
            NativePool::Sqlite(p) => page!(p),
            NativePool::Postgres(p) => page!(p),
        }
    }

    async fn by_id(&self) -> (String, i64, usize) {
        macro_rules! by_id {
            ($pool:expr) => {{
                let row = sqlx::query(BY_ID)
                    .bind("img-00012345")
                    .fetch_one($pool)
                    .await
                    .expect("row");
                decode(&row)
            }};
        }
        match self {
            NativePool::Sqlite(p) => by_id!(p),
            NativePool::Postgres(p) => by_id!(p),
        }
    }
}

fn bench(c: &mut Criterion) {
    sqlx::any::install_default_drivers();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let (any, native) = rt.block_on(async {
        let any = AnyPool::connect(&url).await.expect("any sqlite");
        fill(&any).await;
        let native = SqlitePool::connect(&url).await.expect("native sqlite");
        (any, native)
    });
    compare(c, "sqlite", any, NativePool::Sqlite(native));
    if let Ok(url) = std::env::var("PIXEL_TEST_POSTGRES_URL") {
        let (any, native) = rt.block_on(async {
            let any = AnyPool::connect(&url).await.expect("any postgres");
            fill(&any).await;
            let native = PgPool::connect(&url).await.expect("native postgres");
            (any, native)
        });
        compare(c, "postgres", any, NativePool::Postgres(native));
        rt.block_on(async {
            let _ = any_drop(&url).await;
        });
    }
}

async fn any_drop(url: &str) -> Result<(), sqlx::Error> {
    let pool = AnyPool::connect(url).await?;
    pool.execute("DROP TABLE IF EXISTS bench_images").await?;
    Ok(())
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
