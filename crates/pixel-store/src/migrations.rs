//! The schema's migrations, per dialect (SQLite and PostgreSQL), applied in order at connect.

use super::*;

/// Every migration of each dialect, in order: (version, description, SQL).
pub(crate) fn migration_sources(dialect: Dialect) -> [(i64, &'static str, &'static str); 15] {
    match dialect {
        Dialect::Sqlite => [
            (
                1,
                "init",
                include_str!("../../../migrations/sqlite/0001_init.sql"),
            ),
            (
                2,
                "comparisons",
                include_str!("../../../migrations/sqlite/0002_comparisons.sql"),
            ),
            (
                3,
                "accounts",
                include_str!("../../../migrations/sqlite/0003_accounts.sql"),
            ),
            (
                4,
                "idempotency",
                include_str!("../../../migrations/sqlite/0004_idempotency.sql"),
            ),
            (
                5,
                "social",
                include_str!("../../../migrations/sqlite/0005_social.sql"),
            ),
            (
                6,
                "blocks_reports",
                include_str!("../../../migrations/sqlite/0006_blocks_reports.sql"),
            ),
            (
                7,
                "trending",
                include_str!("../../../migrations/sqlite/0007_trending.sql"),
            ),
            (
                8,
                "search",
                include_str!("../../../migrations/sqlite/0008_search.sql"),
            ),
            (
                9,
                "messages",
                include_str!("../../../migrations/sqlite/0009_messages.sql"),
            ),
            (
                10,
                "remixes",
                include_str!("../../../migrations/sqlite/0010_remixes.sql"),
            ),
            (
                11,
                "profile_privacy",
                include_str!("../../../migrations/sqlite/0011_profile_privacy.sql"),
            ),
            (
                12,
                "trending_creators",
                include_str!("../../../migrations/sqlite/0012_trending_creators.sql"),
            ),
            (
                13,
                "feed",
                include_str!("../../../migrations/sqlite/0013_feed.sql"),
            ),
            (
                14,
                "search_terms",
                include_str!("../../../migrations/sqlite/0014_search_terms.sql"),
            ),
            (
                15,
                "set_visibility",
                include_str!("../../../migrations/sqlite/0015_set_visibility.sql"),
            ),
        ],
        Dialect::Postgres => [
            (
                1,
                "init",
                include_str!("../../../migrations/postgres/0001_init.sql"),
            ),
            (
                2,
                "comparisons",
                include_str!("../../../migrations/postgres/0002_comparisons.sql"),
            ),
            (
                3,
                "accounts",
                include_str!("../../../migrations/postgres/0003_accounts.sql"),
            ),
            (
                4,
                "idempotency",
                include_str!("../../../migrations/postgres/0004_idempotency.sql"),
            ),
            (
                5,
                "social",
                include_str!("../../../migrations/postgres/0005_social.sql"),
            ),
            (
                6,
                "blocks_reports",
                include_str!("../../../migrations/postgres/0006_blocks_reports.sql"),
            ),
            (
                7,
                "trending",
                include_str!("../../../migrations/postgres/0007_trending.sql"),
            ),
            (
                8,
                "search",
                include_str!("../../../migrations/postgres/0008_search.sql"),
            ),
            (
                9,
                "messages",
                include_str!("../../../migrations/postgres/0009_messages.sql"),
            ),
            (
                10,
                "remixes",
                include_str!("../../../migrations/postgres/0010_remixes.sql"),
            ),
            (
                11,
                "profile_privacy",
                include_str!("../../../migrations/postgres/0011_profile_privacy.sql"),
            ),
            (
                12,
                "trending_creators",
                include_str!("../../../migrations/postgres/0012_trending_creators.sql"),
            ),
            (
                13,
                "feed",
                include_str!("../../../migrations/postgres/0013_feed.sql"),
            ),
            (
                14,
                "search_terms",
                include_str!("../../../migrations/postgres/0014_search_terms.sql"),
            ),
            (
                15,
                "set_visibility",
                include_str!("../../../migrations/postgres/0015_set_visibility.sql"),
            ),
        ],
    }
}

pub(crate) fn migrator(dialect: Dialect) -> Migrator {
    let migrations = migration_sources(dialect)
        .into_iter()
        .map(|(version, desc, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(desc),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}
