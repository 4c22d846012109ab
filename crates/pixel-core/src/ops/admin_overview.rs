//! The admin overview: the whole server's sign-ups, active accounts, images made and credits moved per
//! UTC day, each provider's and model's success rate and time per image, and the storage used —
//! admins only, counted from the store so every node shows the same figures.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::admin;
use super::streaks::{utc_day, DAY_MS};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "admin.overview",
        Read,
        "The server's sign-ups, active accounts, images, credits, providers and storage over the last days (admins)",
        admin_overview,
    );
}

/// What the store counts for a window, each row keyed by UTC day (days since 1970-01-01).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverviewRows {
    /// (day, accounts created).
    pub signups: Vec<(i64, i64)>,
    /// (day, accounts active).
    pub active: Vec<(i64, i64)>,
    /// (day, job state, jobs).
    pub jobs: Vec<(i64, String, i64)>,
    /// (day, bucket, credits): buckets `bought`, `spent` (negative), `refunded`, `earned`.
    pub credits: Vec<(i64, String, i64)>,
    /// Every job of the window by provider, model and state, with the milliseconds the timed ones
    /// took in all and how many were timed.
    pub outcomes: Vec<JobOutcomes>,
    pub accounts: AccountCounts,
    pub storage: StorageUsed,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobOutcomes {
    pub provider: String,
    pub model: String,
    pub state: String,
    pub jobs: i64,
    pub timed_ms: i64,
    pub timed: i64,
}

/// Accounts now, and the active ones of the last day, 7 and 30 days (today included).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountCounts {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub suspended: i64,
    #[ts(type = "number")]
    pub active_today: i64,
    #[ts(type = "number")]
    pub active_week: i64,
    #[ts(type = "number")]
    pub active_month: i64,
}

/// The stored images and the bytes of their originals (thumbnails are a small fraction more).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct StorageUsed {
    #[ts(type = "number")]
    pub images: i64,
    #[ts(type = "number")]
    pub bytes: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverviewQuery {
    /// Days back from today, 7 to 365 (30 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<u32>,
}

/// One UTC day of the whole server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct OverviewDay {
    /// The day's start (UTC midnight).
    #[ts(type = "number")]
    pub day: Millis,
    #[ts(type = "number")]
    pub signups: i64,
    /// Accounts that signed in or used a session that day.
    #[ts(type = "number")]
    pub active: i64,
    /// Images asked for that day that were made, and that failed or were refused by moderation.
    #[ts(type = "number")]
    pub images_made: i64,
    #[ts(type = "number")]
    pub images_failed: i64,
    #[ts(type = "number")]
    pub credits_bought: i64,
    /// Reserved for generations (before refunds).
    #[ts(type = "number")]
    pub credits_spent: i64,
    #[ts(type = "number")]
    pub credits_refunded: i64,
    /// Received by creators from tips and sales (the platform's fees not counted).
    #[ts(type = "number")]
    pub credits_earned: i64,
}

/// How a provider or one model did in the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Outcomes {
    /// The provider's id, or the model's.
    pub name: String,
    /// The provider of a model's row (the provider's own row repeats its id).
    pub provider: String,
    /// Jobs asked for in the window, in whatever state they are now.
    #[ts(type = "number")]
    pub jobs: i64,
    #[ts(type = "number")]
    pub succeeded: i64,
    /// Failed, including refused by the provider's moderation.
    #[ts(type = "number")]
    pub failed: i64,
    #[ts(type = "number")]
    pub moderated: i64,
    /// Succeeded out of those that ended (cancelled ones are the person's choice); None before any did.
    pub success_rate: Option<f64>,
    /// Mean seconds from a job's start to its end, over the ones that ran; None before any did.
    pub mean_seconds: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AdminOverview {
    pub days: u32,
    /// Every day of the window, oldest first, today last (days without activity are zeros).
    pub daily: Vec<OverviewDay>,
    /// The window's totals (its `day` is the first day's).
    pub totals: OverviewDay,
    pub accounts: AccountCounts,
    pub storage: StorageUsed,
    /// Each provider used in the window, the most jobs first.
    pub providers: Vec<Outcomes>,
    /// Each model used in the window, the most jobs first.
    pub models: Vec<Outcomes>,
}

fn add_outcome(into: &mut Outcomes, row: &JobOutcomes, timed: &mut (i64, i64)) {
    into.jobs += row.jobs;
    match row.state.as_str() {
        "succeeded" => into.succeeded += row.jobs,
        "failed" => into.failed += row.jobs,
        "moderated" => {
            into.failed += row.jobs;
            into.moderated += row.jobs;
        }
        _ => {}
    }
    timed.0 += row.timed_ms;
    timed.1 += row.timed;
}

/// Each group's outcomes, the most jobs first (then by name, so the order is stable).
fn outcomes_by(
    rows: &[JobOutcomes],
    key: impl Fn(&JobOutcomes) -> (String, String),
) -> Vec<Outcomes> {
    let mut groups: BTreeMap<String, (Outcomes, (i64, i64))> = BTreeMap::new();
    for row in rows {
        let (name, provider) = key(row);
        let (group, timed) = groups.entry(name.clone()).or_insert_with(|| {
            (
                Outcomes {
                    name,
                    provider,
                    ..Default::default()
                },
                (0, 0),
            )
        });
        add_outcome(group, row, timed);
    }
    let mut list: Vec<Outcomes> = groups
        .into_values()
        .map(|(mut o, (timed_ms, timed))| {
            let ended = o.succeeded + o.failed;
            o.success_rate = (ended > 0).then(|| o.succeeded as f64 / ended as f64);
            o.mean_seconds = (timed > 0).then(|| timed_ms as f64 / timed as f64 / 1000.0);
            o
        })
        .collect();
    list.sort_by(|a, b| b.jobs.cmp(&a.jobs).then_with(|| a.name.cmp(&b.name)));
    list
}

/// Lays the store's rows out day by day, from `first_day` to `today` (days since 1970-01-01).
pub fn assemble(rows: OverviewRows, first_day: i64, today: i64) -> AdminOverview {
    let span = usize::try_from(today - first_day + 1).unwrap_or(0);
    let mut daily: Vec<OverviewDay> = (0..span)
        .map(|i| OverviewDay {
            day: (first_day + i as i64) * DAY_MS,
            ..Default::default()
        })
        .collect();
    let at = |day: i64| usize::try_from(day - first_day).ok().filter(|i| *i < span);
    for (day, n) in &rows.signups {
        if let Some(i) = at(*day) {
            daily[i].signups += n;
        }
    }
    for (day, n) in &rows.active {
        if let Some(i) = at(*day) {
            daily[i].active += n;
        }
    }
    for (day, state, n) in &rows.jobs {
        let Some(i) = at(*day) else { continue };
        match state.as_str() {
            "succeeded" => daily[i].images_made += n,
            "failed" | "moderated" => daily[i].images_failed += n,
            _ => {}
        }
    }
    for (day, bucket, amount) in &rows.credits {
        let Some(i) = at(*day) else { continue };
        let d = &mut daily[i];
        match bucket.as_str() {
            "bought" => d.credits_bought += amount,
            // Reservations are written as negative amounts: shown as a positive cost.
            "spent" => d.credits_spent -= amount,
            "refunded" => d.credits_refunded += amount,
            "earned" => d.credits_earned += amount,
            _ => {}
        }
    }
    let first = daily.first().map_or(0, |d| d.day);
    let totals = daily.iter().fold(
        OverviewDay {
            day: first,
            ..Default::default()
        },
        |t, d| OverviewDay {
            day: t.day,
            signups: t.signups + d.signups,
            // Distinct accounts over the window are `accounts.active_*`; a sum of days would count
            // one person once per day.
            active: t.active.max(d.active),
            images_made: t.images_made + d.images_made,
            images_failed: t.images_failed + d.images_failed,
            credits_bought: t.credits_bought + d.credits_bought,
            credits_spent: t.credits_spent + d.credits_spent,
            credits_refunded: t.credits_refunded + d.credits_refunded,
            credits_earned: t.credits_earned + d.credits_earned,
        },
    );
    AdminOverview {
        days: u32::try_from(span).unwrap_or(0),
        providers: outcomes_by(&rows.outcomes, |r| (r.provider.clone(), r.provider.clone())),
        models: outcomes_by(&rows.outcomes, |r| (r.model.clone(), r.provider.clone())),
        daily,
        totals,
        accounts: rows.accounts,
        storage: rows.storage,
    }
}

pub async fn admin_overview(
    app: &App,
    caller: &Caller,
    input: OverviewQuery,
) -> Result<AdminOverview> {
    admin(caller)?;
    let days = super::analytics::window_days(input.days)?;
    let today = utc_day(app.clock.now_ms());
    let first_day = today - i64::from(days) + 1;
    let rows = app.store.overview().overview(first_day, today).await?;
    Ok(assemble(rows, first_day, today))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(provider: &str, model: &str, state: &str, jobs: i64, timed_ms: i64) -> JobOutcomes {
        JobOutcomes {
            provider: provider.into(),
            model: model.into(),
            state: state.into(),
            jobs,
            timed_ms,
            timed: if timed_ms > 0 { jobs } else { 0 },
        }
    }

    #[test]
    fn days_providers_and_models_are_laid_out() {
        let today = 20_000;
        let rows = OverviewRows {
            signups: vec![(today, 2), (today - 40, 9)],
            active: vec![(today, 3), (today - 1, 5)],
            jobs: vec![
                (today, "succeeded".into(), 4),
                (today, "moderated".into(), 1),
                (today, "cancelled".into(), 1),
            ],
            credits: vec![
                (today, "bought".into(), 500),
                (today, "spent".into(), -40),
                (today, "refunded".into(), 8),
                (today - 1, "earned".into(), 9),
            ],
            outcomes: vec![
                outcome("openai", "gpt-image-1", "succeeded", 3, 30_000),
                outcome("openai", "dall-e-3", "failed", 1, 2_000),
                outcome("openai", "dall-e-3", "succeeded", 1, 4_000),
                outcome("local", "local-sketch", "moderated", 1, 0),
                outcome("local", "local-sketch", "cancelled", 1, 0),
            ],
            ..Default::default()
        };
        let o = assemble(rows, today - 6, today);
        assert_eq!((o.days, o.daily.len()), (7, 7));
        let last = o.daily.last().cloned().unwrap_or_default();
        assert_eq!(last.day, today * DAY_MS);
        assert_eq!(
            (
                last.signups,
                last.active,
                last.images_made,
                last.images_failed
            ),
            (2, 3, 4, 1)
        );
        assert_eq!(
            (
                last.credits_bought,
                last.credits_spent,
                last.credits_refunded
            ),
            (500, 40, 8)
        );
        assert_eq!(
            o.totals.signups, 2,
            "the sign-ups before the window are not counted"
        );
        assert_eq!(o.totals.active, 5, "the busiest day, not a sum of days");
        assert_eq!(o.totals.credits_earned, 9);
        assert_eq!(o.providers[0].name, "openai");
        assert_eq!(
            (
                o.providers[0].jobs,
                o.providers[0].succeeded,
                o.providers[0].failed
            ),
            (5, 4, 1)
        );
        assert_eq!(o.providers[0].success_rate, Some(0.8));
        assert_eq!(o.providers[0].mean_seconds, Some(7.2));
        let local = &o.providers[1];
        assert_eq!(
            (
                local.jobs,
                local.moderated,
                local.success_rate,
                local.mean_seconds
            ),
            (2, 1, Some(0.0), None)
        );
        let names: Vec<&str> = o.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["gpt-image-1", "dall-e-3", "local-sketch"]);
        assert_eq!(o.models[1].provider, "openai");
        assert_eq!(o.models[1].success_rate, Some(0.5));
    }
}
