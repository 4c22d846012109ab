//! Daily login streaks in UTC days: the first claim of a day extends yesterday's streak (or starts
//! anew after a missed day) and gives +1 credit, with a bonus and a notification at 7, 14, 30, 60 and
//! 100 days; claimed once a day whatever the number of devices and tabs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::achievements::{award, require_engagement, AchievementKind, STREAK_DAY_PREFIX};
use super::*;
use crate::app::{App, ChargePolicy};
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "streaks.get",
        Read,
        "The caller's daily login streak: current and longest days, and whether today is claimed",
        streaks_get,
    );
    r.add(
        "streaks.claim",
        Write,
        "Counts today (UTC) in the caller's login streak, once a day, with its credits",
        streaks_claim,
    );
}

pub const DAY_MS: Millis = 86_400_000;
/// Credits for every claimed day.
pub const DAILY_CREDITS: i64 = 1;
/// Streak lengths that give a bonus on the day they are reached (ORIGINAL.md, Engagement).
pub const MILESTONES: [(i64, i64); 5] = [(7, 2), (14, 3), (30, 5), (60, 7), (100, 10)];

/// The UTC day of a moment: days since 1970-01-01.
pub fn utc_day(at: Millis) -> i64 {
    at.div_euclid(DAY_MS)
}

/// A streak as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakRow {
    pub current_days: i64,
    pub longest_days: i64,
    pub last_day: i64,
}

/// What a claim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakClaim {
    pub streak: StreakRow,
    /// False when today was claimed before (nothing was given this time).
    pub fresh: bool,
    /// Credits this claim gave, the milestone bonus included.
    pub credits: i64,
    pub balance: i64,
}

/// What the daily and milestone credits are on this server (all zero where credits are not used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakRewards {
    pub daily: i64,
    pub milestones: &'static [(i64, i64)],
}

impl StreakRewards {
    pub fn bonus(&self, days: i64) -> i64 {
        self.milestones
            .iter()
            .find(|(at, _)| *at == days)
            .map_or(0, |(_, credits)| *credits)
    }
}

/// The streak as the caller sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct StreakView {
    /// Days in a row up to today or yesterday; 0 once a day was missed.
    #[ts(type = "number")]
    pub current_days: i64,
    #[ts(type = "number")]
    pub longest_days: i64,
    pub claimed_today: bool,
    /// The next milestone's length and bonus, if one is ahead.
    #[ts(type = "number | null")]
    pub next_milestone: Option<i64>,
    #[ts(type = "number")]
    pub next_bonus: i64,
    /// Credits a day's claim gives here (0 on a server without credits).
    #[ts(type = "number")]
    pub daily_credits: i64,
    /// When the next UTC day starts.
    #[ts(type = "number")]
    pub next_day_at: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct StreakClaimOutput {
    pub streak: StreakView,
    /// True for the day's first claim; false when today was claimed already.
    pub claimed: bool,
    /// Credits this claim gave (the milestone bonus included).
    #[ts(type = "number")]
    pub credits: i64,
    /// The milestone this claim reached, if any.
    #[ts(type = "number | null")]
    pub milestone: Option<i64>,
}

fn rewards(app: &App) -> StreakRewards {
    match app.config.charging {
        ChargePolicy::Charge => StreakRewards {
            daily: DAILY_CREDITS,
            milestones: &MILESTONES,
        },
        ChargePolicy::Free => StreakRewards {
            daily: 0,
            milestones: &[],
        },
    }
}

fn view(row: Option<StreakRow>, today: i64, rewards: StreakRewards) -> StreakView {
    let (current, longest, claimed_today) = match row {
        Some(r) if r.last_day >= today - 1 => (r.current_days, r.longest_days, r.last_day == today),
        Some(r) => (0, r.longest_days, false),
        None => (0, 0, false),
    };
    let next = MILESTONES.iter().find(|(at, _)| *at > current);
    StreakView {
        current_days: current,
        longest_days: longest,
        claimed_today,
        next_milestone: next.map(|(at, _)| *at),
        next_bonus: next.map_or(0, |(at, _)| rewards.bonus(*at)),
        daily_credits: rewards.daily,
        next_day_at: (today + 1) * DAY_MS,
    }
}

pub async fn streaks_get(app: &App, caller: &Caller, _input: Empty) -> Result<StreakView> {
    let me = caller.user_id()?;
    require_engagement(app)?;
    let today = utc_day(app.clock.now_ms());
    let row = app.store.achievements().streak(me).await?;
    Ok(view(row, today, rewards(app)))
}

pub async fn streaks_claim(app: &App, caller: &Caller, _input: Empty) -> Result<StreakClaimOutput> {
    let me = caller.user_id()?;
    require_engagement(app)?;
    let now = app.clock.now_ms();
    let today = utc_day(now);
    let rewards = rewards(app);
    let claim = app
        .store
        .achievements()
        .claim_streak(me, today, rewards, now)
        .await?;
    let days = claim.streak.current_days;
    let milestone = MILESTONES
        .iter()
        .map(|(at, _)| *at)
        .find(|at| claim.fresh && *at == days);
    if claim.fresh {
        tracing::info!(user = %me, days, credits = claim.credits, "login streak claimed");
        if claim.credits > 0 {
            app.events.publish(Envelope {
                audience: Audience::User(me.to_string()),
                event: Event::BalanceChanged {
                    balance: claim.balance,
                },
            });
        }
        if let Some(at) = milestone {
            notify(
                app,
                Notice {
                    award: Some(format!("{STREAK_DAY_PREFIX}{at}")),
                    key: Some(format!("streak:{me}:{today}")),
                    ..Notice::to(me, NotificationKind::StreakMilestone)
                },
            )
            .await;
        }
        // The day's first visit also catches up whatever was earned while nobody checked (an
        // account older than achievements, a count reached on another node as it went down).
        award(app, me, &AchievementKind::ALL).await;
    }
    Ok(StreakClaimOutput {
        streak: view(Some(claim.streak), today, rewards),
        claimed: claim.fresh,
        credits: claim.credits,
        milestone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAID: StreakRewards = StreakRewards {
        daily: DAILY_CREDITS,
        milestones: &MILESTONES,
    };

    #[test]
    fn days_are_utc_days() {
        assert_eq!(utc_day(0), 0);
        assert_eq!(utc_day(DAY_MS - 1), 0);
        assert_eq!(utc_day(DAY_MS), 1);
        assert_eq!(utc_day(-1), -1, "before 1970 is the day before, not day 0");
    }

    #[test]
    fn a_missed_day_shows_a_broken_streak_but_keeps_the_longest() {
        let row = StreakRow {
            current_days: 5,
            longest_days: 9,
            last_day: 100,
        };
        let today = view(Some(row), 100, PAID);
        assert_eq!((today.current_days, today.claimed_today), (5, true));
        assert_eq!((today.next_milestone, today.next_bonus), (Some(7), 2));
        let tomorrow = view(Some(row), 101, PAID);
        assert_eq!((tomorrow.current_days, tomorrow.claimed_today), (5, false));
        let missed = view(Some(row), 102, PAID);
        assert_eq!((missed.current_days, missed.longest_days), (0, 9));
        assert_eq!(view(None, 7, PAID).next_day_at, 8 * DAY_MS);
    }

    #[test]
    fn milestones_are_the_originals() {
        let bonuses: Vec<i64> = [7, 14, 30, 60, 100, 8].map(|d| PAID.bonus(d)).to_vec();
        assert_eq!(bonuses, [2, 3, 5, 7, 10, 0]);
    }
}
