//! Ledger operations: the caller's credit movements and balance.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::Result;
use crate::ports::LedgerPage;
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "ledger.list",
        Read,
        "The caller's credit ledger and balance",
        ledger_list,
    );
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct LedgerOutput {
    pub entries: Vec<LedgerEntry>,
    #[ts(type = "number")]
    pub balance: i64,
    /// Credits a refunded or disputed purchase left owed: spending waits until they are paid.
    #[ts(type = "number")]
    pub owed: i64,
    /// The cursor of the next (older) page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

pub async fn ledger_list(app: &App, caller: &Caller, input: LedgerQuery) -> Result<LedgerOutput> {
    let owner = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    // One snapshot: read apart, a job settling in between showed entries that did not add up to
    // the balance beside them.
    let LedgerPage {
        entries,
        balance,
        owed,
    } = app.store.ledger().ledger_page(owner, &page).await?;
    let next = next_cursor(&entries, limit, |e| (e.created_at, &e.id));
    Ok(LedgerOutput {
        entries,
        balance,
        owed,
        next,
    })
}
