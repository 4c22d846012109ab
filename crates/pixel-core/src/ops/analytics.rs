//! Personal analytics: a person's generations per UTC day (made, succeeded, failed), credits spent,
//! earned and rewarded per day, the models they use and the prompts they return to, their success
//! rate, and this week against the last — for the caller alone, on the server and the desktop.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::streaks::{utc_day, DAY_MS};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "analytics.personal",
        Read,
        "The caller's generations, credits, models and prompts over the last days, and week over week",
        analytics_personal,
    );
}

pub const DEFAULT_DAYS: u32 = 30;
pub const MAX_DAYS: u32 = 365;
/// Week over week needs the two weeks before today, whatever window is shown.
const WEEKS_DAYS: u32 = 14;
const TOP_MODELS: u32 = 8;
const TOP_PROMPTS: u32 = 5;

/// What the store counts for a window: (day, state, jobs), (day, bucket, credits), and the top models
/// and prompts with their counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityRows {
    pub jobs: Vec<(i64, String, i64)>,
    /// Buckets: `spent` (generations and purchases, less refunds), `earned` (tips and sales),
    /// `rewards` (achievements and streaks).
    pub credits: Vec<(i64, String, i64)>,
    pub models: Vec<(String, i64)>,
    pub prompts: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyticsQuery {
    /// Days back from today, 7 to 365 (30 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<u32>,
}

/// One UTC day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct DayActivity {
    /// The day's start (UTC midnight).
    #[ts(type = "number")]
    pub day: Millis,
    /// Images asked for that day, in whatever state they are now.
    #[ts(type = "number")]
    pub generations: i64,
    #[ts(type = "number")]
    pub succeeded: i64,
    /// Failed or refused by moderation (cancelled ones are the person's choice, not a failure).
    #[ts(type = "number")]
    pub failed: i64,
    #[ts(type = "number")]
    pub credits_spent: i64,
    #[ts(type = "number")]
    pub credits_earned: i64,
    #[ts(type = "number")]
    pub credits_rewarded: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CountOf {
    pub name: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Totals of a seven-day stretch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct WeekTotals {
    #[ts(type = "number")]
    pub generations: i64,
    #[ts(type = "number")]
    pub succeeded: i64,
    #[ts(type = "number")]
    pub credits_spent: i64,
    #[ts(type = "number")]
    pub credits_earned: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PersonalAnalytics {
    pub days: u32,
    /// Every day of the window, oldest first, today last (days without activity are zeros).
    pub daily: Vec<DayActivity>,
    /// The window's totals.
    pub totals: DayActivity,
    /// Succeeded out of those that ended (succeeded, failed or refused); None before any ended.
    pub success_rate: Option<f64>,
    /// The models used most in the window, most first.
    pub models: Vec<CountOf>,
    /// The prompts of the most images in the window, most first.
    pub top_prompts: Vec<CountOf>,
    /// The last seven days (today included) and the seven before them.
    pub this_week: WeekTotals,
    pub last_week: WeekTotals,
}

fn week(daily: &[DayActivity]) -> WeekTotals {
    daily.iter().fold(WeekTotals::default(), |w, d| WeekTotals {
        generations: w.generations + d.generations,
        succeeded: w.succeeded + d.succeeded,
        credits_spent: w.credits_spent + d.credits_spent,
        credits_earned: w.credits_earned + d.credits_earned,
    })
}

/// Lays the store's rows out day by day, from `first_day` to `today`.
pub fn assemble(rows: &ActivityRows, first_day: i64, today: i64, shown: u32) -> PersonalAnalytics {
    let span = usize::try_from(today - first_day + 1).unwrap_or(0);
    let mut daily: Vec<DayActivity> = (0..span)
        .map(|i| DayActivity {
            day: (first_day + i as i64) * DAY_MS,
            ..Default::default()
        })
        .collect();
    let at = |day: i64| usize::try_from(day - first_day).ok().filter(|i| *i < span);
    for (day, state, n) in &rows.jobs {
        let Some(i) = at(*day) else { continue };
        let d = &mut daily[i];
        d.generations += n;
        match state.as_str() {
            "succeeded" => d.succeeded += n,
            "failed" | "moderated" => d.failed += n,
            _ => {}
        }
    }
    for (day, bucket, amount) in &rows.credits {
        let Some(i) = at(*day) else { continue };
        let d = &mut daily[i];
        match bucket.as_str() {
            // Spending is written as negative amounts (refunds positive): shown as a positive cost.
            "spent" => d.credits_spent -= amount,
            "earned" => d.credits_earned += amount,
            "rewards" => d.credits_rewarded += amount,
            _ => {}
        }
    }
    let this_week = week(&daily[span.saturating_sub(7)..]);
    let last_week = week(&daily[span.saturating_sub(14)..span.saturating_sub(7)]);
    let shown_daily = daily.split_off(span.saturating_sub(shown as usize));
    let totals = shown_daily
        .iter()
        .fold(DayActivity::default(), |t, d| DayActivity {
            day: t.day,
            generations: t.generations + d.generations,
            succeeded: t.succeeded + d.succeeded,
            failed: t.failed + d.failed,
            credits_spent: t.credits_spent + d.credits_spent,
            credits_earned: t.credits_earned + d.credits_earned,
            credits_rewarded: t.credits_rewarded + d.credits_rewarded,
        });
    let totals = DayActivity {
        day: shown_daily.first().map_or(0, |d| d.day),
        ..totals
    };
    let ended = totals.succeeded + totals.failed;
    let success_rate = (ended > 0).then(|| totals.succeeded as f64 / ended as f64);
    let counts = |list: &[(String, i64)]| {
        list.iter()
            .map(|(name, count)| CountOf {
                name: name.clone(),
                count: *count,
            })
            .collect()
    };
    PersonalAnalytics {
        days: shown,
        daily: shown_daily,
        totals,
        success_rate,
        models: counts(&rows.models),
        top_prompts: counts(&rows.prompts),
        this_week,
        last_week,
    }
}

/// The window a figures page asked for: 7 to 365 days, 30 when absent.
pub(crate) fn window_days(asked: Option<u32>) -> Result<u32> {
    let days = asked.unwrap_or(DEFAULT_DAYS);
    if !(7..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid(format!("days is 7 to {MAX_DAYS}")));
    }
    Ok(days)
}

pub async fn analytics_personal(
    app: &App,
    caller: &Caller,
    input: AnalyticsQuery,
) -> Result<PersonalAnalytics> {
    let me = caller.user_id()?;
    let days = window_days(input.days)?;
    let today = utc_day(app.clock.now_ms());
    let first_day = today - i64::from(days.max(WEEKS_DAYS)) + 1;
    // Models and prompts cover the window shown; the daily rows reach back far enough for two weeks.
    let shown_from = (today - i64::from(days) + 1) * DAY_MS;
    let rows = app
        .store
        .analytics()
        .personal_activity(me, first_day * DAY_MS, shown_from, TOP_MODELS, TOP_PROMPTS)
        .await?;
    Ok(assemble(&rows, first_day, today, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_laid_out_with_zeros_and_weeks_compared() {
        let today = 20_000;
        let rows = ActivityRows {
            jobs: vec![
                (today, "succeeded".into(), 3),
                (today, "failed".into(), 1),
                (today, "cancelled".into(), 1),
                (today - 8, "succeeded".into(), 2),
                (today - 40, "succeeded".into(), 9),
            ],
            credits: vec![
                (today, "spent".into(), -12),
                (today, "earned".into(), 5),
                (today - 8, "rewards".into(), 2),
            ],
            models: vec![("local-sketch".into(), 5)],
            prompts: vec![("a harbour".into(), 3)],
        };
        let a = assemble(&rows, today - 13, today, 7);
        assert_eq!(a.daily.len(), 7);
        assert_eq!(a.daily.last().map(|d| d.day), Some(today * DAY_MS));
        let last = a.daily.last().cloned().unwrap_or_default();
        assert_eq!(
            (
                last.generations,
                last.succeeded,
                last.failed,
                last.credits_spent,
                last.credits_earned
            ),
            (5, 3, 1, 12, 5)
        );
        assert_eq!(a.success_rate, Some(0.75), "cancelled is not a failure");
        assert_eq!((a.this_week.generations, a.last_week.generations), (5, 2));
        assert_eq!(
            a.totals.credits_rewarded, 0,
            "the reward came before the window shown"
        );
        assert_eq!(a.models[0].name, "local-sketch");
        // Nothing ended yet: no rate to show.
        let empty = assemble(&ActivityRows::default(), today - 13, today, 14);
        assert_eq!((empty.daily.len(), empty.success_rate), (14, None));
    }
}
