//! The achievement and login-streak queries: a day's streak claim and an achievement's unlock, each written once
//! with its ledger grants in the same transaction, and the bounded counts achievements are earned by.

use super::*;
use pixel_core::ops::achievements::AchievementKind;
use pixel_core::ops::streaks::{StreakClaim, StreakRewards, StreakRow};

fn streak_from(r: &impl Cols) -> Result<StreakRow> {
    Ok(StreakRow {
        current_days: r.int("current_days")?,
        longest_days: r.int("longest_days")?,
        last_day: r.int("last_day")?,
    })
}

/// One count per ladder, each reading at most `$2` rows so a person with 100,000 images costs what
/// one with 500 does.
fn count_sql(kind: AchievementKind) -> &'static str {
    match kind {
        AchievementKind::Generations => {
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM jobs \
             WHERE owner_id = $1 AND state = 'succeeded' LIMIT $2) x"
        }
        AchievementKind::Followers => {
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM follows WHERE followee_id = $1 LIMIT $2) x"
        }
        // Every image read has at least one like, so $2 of them reach any threshold up to $2.
        AchievementKind::LikesReceived => {
            "SELECT CAST(COALESCE(SUM(like_count), 0) AS BIGINT) AS n FROM (SELECT like_count \
             FROM images WHERE owner_id = $1 AND like_count > 0 LIMIT $2) x"
        }
        AchievementKind::Comments => {
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM comments \
             WHERE author_id = $1 AND deleted = 0 LIMIT $2) x"
        }
        AchievementKind::Collections => {
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM collections WHERE owner_id = $1 LIMIT $2) x"
        }
        AchievementKind::LongestStreak => {
            "SELECT COALESCE(MAX(longest_days), 0) AS n FROM (SELECT longest_days \
             FROM login_streaks WHERE user_id = $1 LIMIT $2) x"
        }
    }
}

#[async_trait]
impl AchievementStore for SqlStore {
    async fn streak(&self, user_id: &str) -> Result<Option<StreakRow>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT current_days, longest_days, last_day FROM login_streaks WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
            .as_ref()
            .map(streak_from)
            .transpose()
        })
    }

    async fn claim_streak(
        &self,
        user_id: &str,
        today: i64,
        rewards: StreakRewards,
        now: Millis,
    ) -> Result<StreakClaim> {
        let mut w = self.begin_write().await?;
        let r = claim_streak_tx(&mut w.tx, user_id, today, rewards, now).await;
        w.end(r).await
    }

    async fn unlocked_achievements(&self, user_id: &str) -> Result<Vec<(String, Millis)>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT achievement_id, unlocked_at FROM achievements WHERE user_id = $1 \
                 ORDER BY unlocked_at, achievement_id",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| Ok((r.text("achievement_id")?, r.int("unlocked_at")?)))
            .collect()
        })
    }

    async fn achievement_count(
        &self,
        user_id: &str,
        kind: AchievementKind,
        cap: i64,
    ) -> Result<i64> {
        on_read_pool!(self, pool => {
            sqlx::query(count_sql(kind))
                .bind(user_id)
                .bind(cap.max(0))
                .fetch_one(pool)
                .await
                .map_err(db_err)?
                .int("n")
        })
    }

    async fn unlock_achievement(
        &self,
        user_id: &str,
        achievement_id: &str,
        credits: i64,
        title: &str,
        now: Millis,
    ) -> Result<Option<i64>> {
        let mut w = self.begin_write().await?;
        let r = unlock_tx(&mut w.tx, user_id, achievement_id, credits, title, now).await;
        w.end(r).await
    }
}

async fn claim_streak_tx(
    tx: &mut Tx,
    user_id: &str,
    today: i64,
    rewards: StreakRewards,
    now: Millis,
) -> Result<StreakClaim> {
    // One statement decides the day: a second claim of it (another tab, another node) finds
    // last_day = today and changes nothing, and on PostgreSQL waits for the first to commit to see so.
    let claimed = sqlx::query(
        "INSERT INTO login_streaks (user_id, current_days, longest_days, last_day, updated_at) \
         VALUES ($1, 1, 1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET \
         current_days = CASE WHEN login_streaks.last_day = $2 - 1 \
           THEN login_streaks.current_days + 1 ELSE 1 END, \
         longest_days = CASE WHEN login_streaks.last_day = $2 - 1 \
           AND login_streaks.current_days + 1 > login_streaks.longest_days \
           THEN login_streaks.current_days + 1 ELSE login_streaks.longest_days END, \
         last_day = $2, updated_at = $3 \
         WHERE login_streaks.last_day < $2 \
         RETURNING current_days, longest_days, last_day",
    )
    .bind(user_id)
    .bind(today)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    let Some(row) = claimed else {
        let row = sqlx::query(
            "SELECT current_days, longest_days, last_day FROM login_streaks WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await
        .map_err(db_err)?;
        return Ok(StreakClaim {
            streak: streak_from(&row)?,
            fresh: false,
            credits: 0,
            balance: balance_in(tx, user_id).await?,
        });
    };
    let streak = streak_from(&row)?;
    let days = streak.current_days;
    let grants = [
        (
            rewards.daily,
            format!("streak:{user_id}:{today}"),
            format!("Daily login, day {days}"),
        ),
        (
            rewards.bonus(days),
            format!("streak-bonus:{user_id}:{today}"),
            format!("{days}-day login streak bonus"),
        ),
    ];
    let mut credits = 0;
    for (amount, idempotency_key, memo) in grants {
        if amount <= 0 {
            continue;
        }
        apply_ledger_tx(
            tx,
            user_id,
            &LedgerMove {
                kind: LedgerKind::Grant,
                amount,
                idempotency_key,
                memo,
            },
            None,
            now,
        )
        .await?;
        credits += amount;
    }
    Ok(StreakClaim {
        streak,
        fresh: true,
        credits,
        balance: balance_in(tx, user_id).await?,
    })
}

async fn unlock_tx(
    tx: &mut Tx,
    user_id: &str,
    achievement_id: &str,
    credits: i64,
    title: &str,
    now: Millis,
) -> Result<Option<i64>> {
    let inserted = sqlx::query(
        "INSERT INTO achievements (user_id, achievement_id, credits, unlocked_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, achievement_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(achievement_id)
    .bind(credits)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(None);
    }
    if credits > 0 {
        apply_ledger_tx(
            tx,
            user_id,
            &LedgerMove {
                kind: LedgerKind::Grant,
                amount: credits,
                idempotency_key: format!("achievement:{user_id}:{achievement_id}"),
                memo: format!("Achievement: {title}"),
            },
            None,
            now,
        )
        .await?;
    }
    Ok(Some(balance_in(tx, user_id).await?))
}
