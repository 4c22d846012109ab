//! Achievements: the catalogue (generations, followers, likes received, comments, collections and the
//! longest login streak, each a ladder of thresholds with a tier, XP and a credit reward), unlocking on
//! every path that can earn one (each exactly once, the reward through the ledger in the same
//! transaction), and the list with each one's progress.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::{App, ChargePolicy};
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "achievements.list",
        Read,
        "Every achievement with the caller's progress toward it, unlocked ones with when, and XP",
        achievements_list,
    );
}

/// What an achievement counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AchievementKind {
    /// Images the person generated (jobs that succeeded).
    Generations,
    /// People following them.
    Followers,
    /// Likes on their images.
    LikesReceived,
    /// Comments they wrote (and did not delete).
    Comments,
    /// Collections they made.
    Collections,
    /// Their longest daily login streak.
    LongestStreak,
}

impl AchievementKind {
    pub const ALL: [AchievementKind; 6] = [
        AchievementKind::Generations,
        AchievementKind::Followers,
        AchievementKind::LikesReceived,
        AchievementKind::Comments,
        AchievementKind::Collections,
        AchievementKind::LongestStreak,
    ];
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Bronze,
    Silver,
    Gold,
    Platinum,
}

impl Tier {
    /// A bigger reward is a rarer achievement: its tier follows from the credits it gives.
    const fn for_reward(credits: i64) -> Tier {
        match credits {
            ..=1 => Tier::Bronze,
            2..=3 => Tier::Silver,
            4..=7 => Tier::Gold,
            _ => Tier::Platinum,
        }
    }

    pub const fn xp(self) -> i64 {
        match self {
            Tier::Bronze => 10,
            Tier::Silver => 50,
            Tier::Gold => 150,
            Tier::Platinum => 300,
        }
    }
}

/// One rung of a ladder in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AchievementDef {
    pub id: &'static str,
    pub kind: AchievementKind,
    pub threshold: i64,
    pub credits: i64,
    pub title: &'static str,
}

impl AchievementDef {
    pub const fn tier(&self) -> Tier {
        Tier::for_reward(self.credits)
    }
}

const fn def(
    id: &'static str,
    kind: AchievementKind,
    threshold: i64,
    credits: i64,
    title: &'static str,
) -> AchievementDef {
    AchievementDef {
        id,
        kind,
        threshold,
        credits,
        title,
    }
}

use AchievementKind as K;

/// The original's ladders and rewards (ORIGINAL.md, Engagement).
pub const CATALOGUE: [AchievementDef; 20] = [
    def("generations_1", K::Generations, 1, 1, "First light"),
    def("generations_10", K::Generations, 10, 2, "Getting going"),
    def("generations_50", K::Generations, 50, 3, "Prolific"),
    def("generations_100", K::Generations, 100, 5, "Centurion"),
    def("generations_500", K::Generations, 500, 10, "Image factory"),
    def("followers_1", K::Followers, 1, 1, "First follower"),
    def("followers_10", K::Followers, 10, 3, "Rising"),
    def("followers_50", K::Followers, 50, 5, "Popular"),
    def("followers_100", K::Followers, 100, 10, "Influencer"),
    def("streak_7", K::LongestStreak, 7, 2, "One week"),
    def("streak_14", K::LongestStreak, 14, 3, "Two weeks"),
    def("streak_30", K::LongestStreak, 30, 5, "A month"),
    def("streak_100", K::LongestStreak, 100, 15, "Hundred days"),
    def("likes_10", K::LikesReceived, 10, 1, "Liked"),
    def("likes_50", K::LikesReceived, 50, 3, "Well liked"),
    def("likes_100", K::LikesReceived, 100, 5, "Crowd favourite"),
    def("comments_10", K::Comments, 10, 1, "Conversationalist"),
    def("comments_50", K::Comments, 50, 2, "Regular"),
    def("collections_1", K::Collections, 1, 1, "Curator"),
    def("collections_5", K::Collections, 5, 2, "Archivist"),
];

pub fn achievement(id: &str) -> Option<&'static AchievementDef> {
    CATALOGUE.iter().find(|d| d.id == id)
}

/// The highest threshold of a ladder: counting further never changes an answer.
pub fn ladder_top(kind: AchievementKind) -> i64 {
    CATALOGUE
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.threshold)
        .max()
        .unwrap_or(0)
}

fn describe(d: &AchievementDef) -> String {
    let n = d.threshold;
    let plural = |one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    match d.kind {
        K::Generations => format!("Generate {n} {}", plural("image", "images")),
        K::Followers => format!("Have {n} {}", plural("follower", "followers")),
        K::LikesReceived => format!("Get {n} likes on your images"),
        K::Comments => format!("Write {n} comments"),
        K::Collections => format!("Make {n} {}", plural("collection", "collections")),
        K::LongestStreak => format!("{n} days in a row"),
    }
}

/// What an achievement or streak-milestone notification names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AwardNote {
    /// An achievement's id, or `streak_day_<n>` for a streak milestone.
    pub id: String,
    pub title: String,
}

impl AwardNote {
    /// The note for a stored award id; None for one the catalogue no longer has.
    pub fn of(id: &str) -> Option<AwardNote> {
        if let Some(days) = id.strip_prefix(STREAK_DAY_PREFIX) {
            let days: i64 = days.parse().ok()?;
            return Some(AwardNote {
                id: id.to_string(),
                title: format!("{days}-day login streak"),
            });
        }
        achievement(id).map(|d| AwardNote {
            id: d.id.to_string(),
            title: d.title.to_string(),
        })
    }
}

/// The award id of a streak milestone: `streak_day_<days>`.
pub const STREAK_DAY_PREFIX: &str = "streak_day_";

/// One achievement as the caller sees it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AchievementView {
    pub id: String,
    pub kind: AchievementKind,
    pub title: String,
    pub description: String,
    pub tier: Tier,
    #[ts(type = "number")]
    pub xp: i64,
    /// Credits it gives (on a server that uses credits).
    #[ts(type = "number")]
    pub credits: i64,
    #[ts(type = "number")]
    pub threshold: i64,
    /// How far the caller has come, at most the threshold.
    #[ts(type = "number")]
    pub progress: i64,
    #[ts(type = "number | null")]
    pub unlocked_at: Option<Millis>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AchievementsOutput {
    /// The catalogue in ladder order.
    pub achievements: Vec<AchievementView>,
    /// The XP of every unlocked achievement.
    #[ts(type = "number")]
    pub xp: i64,
    pub unlocked: u32,
    /// Whether rewards are paid in credits here (a server that charges), or only XP.
    pub credit_rewards: bool,
}

/// Refuses where the operator turned streaks and achievements off (`PIXEL_ENGAGEMENT=off`).
pub(crate) fn require_engagement(app: &App) -> Result<()> {
    if app.config.engagement {
        return Ok(());
    }
    Err(crate::error::Error::new(
        crate::error::ErrorCode::Forbidden,
        "this server does not keep login streaks or achievements",
    ))
}

pub async fn achievements_list(
    app: &App,
    caller: &Caller,
    _input: Empty,
) -> Result<AchievementsOutput> {
    let me = caller.user_id()?;
    require_engagement(app)?;
    let unlocked = app.store.achievements().unlocked_achievements(me).await?;
    let mut counts = std::collections::HashMap::new();
    for kind in AchievementKind::ALL {
        let count = app
            .store
            .achievements()
            .achievement_count(me, kind, ladder_top(kind))
            .await?;
        counts.insert(kind, count);
    }
    let credit_rewards = app.config.charging == ChargePolicy::Charge;
    let achievements: Vec<AchievementView> = CATALOGUE
        .iter()
        .map(|d| {
            let unlocked_at = unlocked
                .iter()
                .find(|(id, _)| id == d.id)
                .map(|(_, at)| *at);
            let progress = counts.get(&d.kind).copied().unwrap_or(0);
            AchievementView {
                id: d.id.to_string(),
                kind: d.kind,
                title: d.title.to_string(),
                description: describe(d),
                tier: d.tier(),
                xp: d.tier().xp(),
                credits: d.credits,
                threshold: d.threshold,
                // Unlocked stays full even if the count fell since (an image deleted, a follower gone).
                progress: if unlocked_at.is_some() {
                    d.threshold
                } else {
                    progress.min(d.threshold)
                },
                unlocked_at,
            }
        })
        .collect();
    let xp = achievements
        .iter()
        .filter(|a| a.unlocked_at.is_some())
        .map(|a| a.xp)
        .sum();
    let unlocked = achievements
        .iter()
        .filter(|a| a.unlocked_at.is_some())
        .count() as u32;
    Ok(AchievementsOutput {
        achievements,
        xp,
        unlocked,
        credit_rewards,
    })
}

/// Unlocks whatever of `kinds` `user_id` has earned and not yet unlocked: each once (the store's
/// unique row and the ledger key make a second try a no-op, even from another node at the same
/// moment), its credits granted in the same transaction, the person told. Called after every action
/// that can earn one; a failure is logged, never failing the action that earned it.
pub async fn award(app: &App, user_id: &str, kinds: &[AchievementKind]) {
    if let Err(e) = try_award(app, user_id, kinds).await {
        tracing::warn!(user = %user_id, error = %e.message, "achievements not checked");
    }
}

async fn try_award(app: &App, user_id: &str, kinds: &[AchievementKind]) -> Result<()> {
    if !app.config.engagement {
        return Ok(());
    }
    let unlocked = app
        .store
        .achievements()
        .unlocked_achievements(user_id)
        .await?;
    let charging = app.config.charging == ChargePolicy::Charge;
    for &kind in kinds {
        let pending: Vec<&AchievementDef> = CATALOGUE
            .iter()
            .filter(|d| d.kind == kind && !unlocked.iter().any(|(id, _)| id == d.id))
            .collect();
        if pending.is_empty() {
            continue;
        }
        let count = app
            .store
            .achievements()
            .achievement_count(user_id, kind, ladder_top(kind))
            .await?;
        for d in pending.into_iter().filter(|d| count >= d.threshold) {
            let credits = if charging { d.credits } else { 0 };
            let now = app.clock.now_ms();
            let Some(balance) = app
                .store
                .achievements()
                .unlock_achievement(user_id, d.id, credits, d.title, now)
                .await?
            else {
                continue;
            };
            tracing::info!(user = %user_id, achievement = d.id, credits, "achievement unlocked");
            if credits > 0 {
                app.events.publish(Envelope {
                    audience: Audience::User(user_id.to_string()),
                    event: Event::BalanceChanged { balance },
                });
            }
            notify(
                app,
                Notice {
                    award: Some(d.id.to_string()),
                    key: Some(format!("achievement:{user_id}:{}", d.id)),
                    ..Notice::to(user_id, NotificationKind::AchievementUnlocked)
                },
            )
            .await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_the_originals() {
        let ladder = |kind| {
            CATALOGUE
                .iter()
                .filter(|d| d.kind == kind)
                .map(|d| (d.threshold, d.credits))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ladder(K::Generations),
            [(1, 1), (10, 2), (50, 3), (100, 5), (500, 10)]
        );
        assert_eq!(ladder(K::Followers), [(1, 1), (10, 3), (50, 5), (100, 10)]);
        assert_eq!(
            ladder(K::LongestStreak),
            [(7, 2), (14, 3), (30, 5), (100, 15)]
        );
        assert_eq!(ladder(K::LikesReceived), [(10, 1), (50, 3), (100, 5)]);
        assert_eq!(ladder(K::Comments), [(10, 1), (50, 2)]);
        assert_eq!(ladder(K::Collections), [(1, 1), (5, 2)]);
        let mut ids: Vec<_> = CATALOGUE.iter().map(|d| d.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len(), "ids are unique");
        assert!(CATALOGUE
            .iter()
            .all(|d| (10..=300).contains(&d.tier().xp())));
        assert_eq!(ladder_top(K::Generations), 500);
    }

    #[test]
    fn award_notes_name_achievements_and_streak_days() {
        assert_eq!(
            AwardNote::of("followers_10").map(|n| n.title),
            Some("Rising".to_string())
        );
        assert_eq!(
            AwardNote::of("streak_day_30").map(|n| n.title),
            Some("30-day login streak".to_string())
        );
        assert_eq!(AwardNote::of("streak_day_x"), None);
        assert_eq!(AwardNote::of("gone"), None);
    }
}
