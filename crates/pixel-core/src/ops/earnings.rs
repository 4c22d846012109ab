//! A creator's earnings: what their prompt sales brought in (the price less the platform's fee) and
//! the tips they received, in total and day by day for a chart.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "earnings.summary",
        Read,
        "The caller's earnings from prompt sales and tips, in total and per day",
        earnings_summary,
    );
}

const DAY_MS: Millis = 86_400_000;

/// Earnings totals and per-day sums as the store reads them (days are UTC day numbers since the epoch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EarningsRows {
    pub sales: i64,
    pub gross: i64,
    pub fees: i64,
    pub tips: i64,
    /// (day number, credits earned from sales that day).
    pub sales_by_day: Vec<(i64, i64)>,
    /// (day number, credits received in tips that day).
    pub tips_by_day: Vec<(i64, i64)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarningsQuery {
    /// How many days the series covers, 7 to 365 (30 when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct EarningsDay {
    /// The start of the UTC day.
    #[ts(type = "number")]
    pub day: Millis,
    /// Credits from sales that day, after the fee.
    #[ts(type = "number")]
    pub sales: i64,
    #[ts(type = "number")]
    pub tips: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct EarningsOutput {
    /// Prompts sold, all time.
    #[ts(type = "number")]
    pub sales: i64,
    /// What buyers paid.
    #[ts(type = "number")]
    pub gross: i64,
    /// The platform's share of that.
    #[ts(type = "number")]
    pub fees: i64,
    /// What the sales earned: gross less fees.
    #[ts(type = "number")]
    pub net: i64,
    /// Tips received, all time (no fee).
    #[ts(type = "number")]
    pub tips: i64,
    /// One entry per day, oldest first, days with nothing included.
    pub days: Vec<EarningsDay>,
}

/// Every day of the last `days` up to `today` (day numbers), with the sums that fell on it.
pub fn day_series(rows: &EarningsRows, today: i64, days: i64) -> Vec<EarningsDay> {
    let sales: HashMap<i64, i64> = rows.sales_by_day.iter().copied().collect();
    let tips: HashMap<i64, i64> = rows.tips_by_day.iter().copied().collect();
    (today - days + 1..=today)
        .map(|d| EarningsDay {
            day: d * DAY_MS,
            sales: sales.get(&d).copied().unwrap_or(0),
            tips: tips.get(&d).copied().unwrap_or(0),
        })
        .collect()
}

pub async fn earnings_summary(
    app: &App,
    caller: &Caller,
    input: EarningsQuery,
) -> Result<EarningsOutput> {
    let me = caller.user_id()?;
    let days = i64::from(input.days.unwrap_or(30));
    if !(7..=365).contains(&days) {
        return Err(Error::invalid("the series covers 7 to 365 days"));
    }
    let today = app.clock.now_ms().div_euclid(DAY_MS);
    let rows = app
        .store
        .earnings()
        .earnings(me, (today - days + 1) * DAY_MS)
        .await?;
    Ok(EarningsOutput {
        days: day_series(&rows, today, days),
        sales: rows.sales,
        gross: rows.gross,
        fees: rows.fees,
        net: rows.gross - rows.fees,
        tips: rows.tips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_is_in_the_series_oldest_first() {
        let rows = EarningsRows {
            sales_by_day: vec![(100, 9), (98, 4)],
            tips_by_day: vec![(100, 2), (90, 50)],
            ..Default::default()
        };
        let days = day_series(&rows, 100, 7);
        assert_eq!(days.len(), 7);
        assert_eq!(days[0].day, 94 * DAY_MS);
        assert_eq!((days[4].sales, days[4].tips), (4, 0));
        assert_eq!((days[6].sales, days[6].tips), (9, 2));
        assert_eq!(
            days.iter().map(|d| d.tips).sum::<i64>(),
            2,
            "day 90 is outside"
        );
    }
}
