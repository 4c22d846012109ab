//! Creator payouts: earned credits (prompt sales after the fee, tips received) paid out as money to
//! the creator's Stripe Connect account at the operator's rate once they pass a minimum. A payout moves
//! through requested (credits taken from the ledger) -> in transit (the transfer made) -> paid (the
//! money reached the bank), or -> failed with its credits returned; each change happens once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::{Audience, Envelope, Event, Millis};
use crate::error::{Error, Result};
use crate::social::{notify, Notice, NotificationKind};

/// What the operator pays for earned credits, and the least a payout may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayoutTerms {
    /// Cents paid per earned credit (below what credits sell for, or the platform pays to host).
    pub cents_per_credit: i64,
    /// The fewest credits a payout moves.
    pub minimum_credits: i64,
    /// Days earned credits wait before they can be paid out: a card payment behind a tip or a sale
    /// can still be disputed, and money paid out cannot be taken back.
    pub hold_days: i64,
}

impl PayoutTerms {
    /// Earnings made before this moment are past the hold.
    pub fn held_after(&self, now: Millis) -> Millis {
        now - self.hold_days * 86_400_000
    }
}

/// A creator's earned credits against their payouts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Earned {
    /// Earned before the hold began: may be paid out.
    pub cleared: i64,
    /// Earned within the hold.
    pub held: i64,
    /// In payouts that did not fail.
    pub committed: i64,
}

impl Earned {
    /// What may be paid out: cleared earnings not yet paid out, as far as the balance still holds them.
    pub fn payable(&self, balance: i64) -> i64 {
        (self.cleared - self.committed).min(balance).max(0)
    }
}

impl Default for PayoutTerms {
    /// 3 cents a credit (packs sell at 3.7-6 cents), from 500 credits ($15), after 14 days.
    fn default() -> Self {
        PayoutTerms {
            cents_per_credit: 3,
            minimum_credits: 500,
            hold_days: 14,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayoutStatus {
    /// The credits are taken; the transfer is being made.
    Requested,
    /// The money is on its way to the creator's account.
    InTransit,
    /// The money reached the creator's bank.
    Paid,
    /// It did not go through: the credits are back.
    Failed,
}

impl PayoutStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutStatus::Requested => "requested",
            PayoutStatus::InTransit => "in_transit",
            PayoutStatus::Paid => "paid",
            PayoutStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PayoutStatus::Requested,
            PayoutStatus::InTransit,
            PayoutStatus::Paid,
            PayoutStatus::Failed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// One payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Payout {
    pub id: String,
    pub user_id: String,
    #[ts(type = "number")]
    pub credits: i64,
    /// Cents sent.
    #[ts(type = "number")]
    pub amount: i64,
    pub currency: String,
    pub status: PayoutStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub failure: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub updated_at: Millis,
}

/// A creator's connected account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutAccount {
    pub user_id: String,
    pub account_id: String,
    pub payouts_enabled: bool,
}

/// Moves one payout from one of `from` to `to` (once: a payout already elsewhere is left as it is).
/// Failing returns its credits through the ledger in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutChange<'a> {
    pub payout_id: &'a str,
    pub from: &'a [PayoutStatus],
    pub to: PayoutStatus,
    pub transfer_id: Option<&'a str>,
    pub failure: Option<&'a str>,
    pub now: Millis,
}

/// Applies a change and tells the creator: their balance when credits came back, a notification when
/// the money arrived.
pub async fn change_payout(app: &App, change: &PayoutChange<'_>) -> Result<Option<Payout>> {
    let changed = app.store.payouts().change_payout(change).await?;
    if let Some(p) = &changed {
        tracing::info!(payout = %p.id, status = p.status.as_str(), "a payout moved");
        match p.status {
            PayoutStatus::Failed => {
                let balance = app.store.ledger().balance(&p.user_id).await?;
                app.events.publish(Envelope {
                    audience: Audience::User(p.user_id.clone()),
                    event: Event::BalanceChanged { balance },
                });
                tell(app, p, NotificationKind::PayoutFailed).await;
            }
            PayoutStatus::Paid => tell(app, p, NotificationKind::PayoutCompleted).await,
            _ => {}
        }
    }
    Ok(changed)
}

/// Tells the creator a payout arrived or did not, once per payout and kind.
async fn tell(app: &App, payout: &Payout, kind: NotificationKind) {
    let key = match kind {
        NotificationKind::PayoutCompleted => format!("payout:{}", payout.id),
        _ => format!("{}:{}", kind.as_str(), payout.id),
    };
    notify(
        app,
        Notice {
            key: Some(key),
            ..Notice::to(&payout.user_id, kind)
        },
    )
    .await;
}

/// `payout.failed` from a connected account: the bank refused what Stripe sent on. The money is back
/// in the creator's Stripe balance and Stripe pays it out again once the bank details are fixed, so
/// the payouts stay in transit; they carry the bank's reason and the creator is told.
pub async fn connected_payout_failed(app: &App, account_id: &str, reason: &str) -> Result<()> {
    let failure = format!(
        "your bank refused the payout ({reason}); update your bank details on Stripe and it is sent again"
    );
    for p in app
        .store
        .payouts()
        .in_transit_of_account(account_id)
        .await?
    {
        let noted = change_payout(
            app,
            &PayoutChange {
                payout_id: &p.id,
                from: &[PayoutStatus::InTransit],
                to: PayoutStatus::InTransit,
                transfer_id: None,
                failure: Some(&failure),
                now: app.clock.now_ms(),
            },
        )
        .await?;
        if let Some(p) = noted {
            tell(app, &p, NotificationKind::PayoutFailed).await;
        }
    }
    Ok(())
}

/// `account.updated`: the account can (or can no longer) be paid.
pub async fn account_updated(app: &App, account_id: &str, payouts_enabled: bool) -> Result<()> {
    app.store
        .payouts()
        .set_payouts_enabled(account_id, payouts_enabled)
        .await
}

/// `transfer.reversed`: the payout failed after all; its credits come back.
pub async fn transfer_reversed(app: &App, transfer_id: &str) -> Result<()> {
    let Some(p) = app.store.payouts().payout_by_transfer(transfer_id).await? else {
        tracing::warn!(transfer = %transfer_id, "a reversed transfer that is no payout of ours");
        return Ok(());
    };
    change_payout(
        app,
        &PayoutChange {
            payout_id: &p.id,
            from: &[PayoutStatus::InTransit, PayoutStatus::Paid],
            to: PayoutStatus::Failed,
            transfer_id: None,
            failure: Some("the transfer was reversed"),
            now: app.clock.now_ms(),
        },
    )
    .await
    .map(|_| ())
}

/// `payout.paid` from a connected account: its payouts in transit reached the bank.
pub async fn connected_payout_paid(app: &App, account_id: &str) -> Result<()> {
    for p in app
        .store
        .payouts()
        .in_transit_of_account(account_id)
        .await?
    {
        change_payout(
            app,
            &PayoutChange {
                payout_id: &p.id,
                from: &[PayoutStatus::InTransit],
                to: PayoutStatus::Paid,
                transfer_id: None,
                failure: None,
                now: app.clock.now_ms(),
            },
        )
        .await?;
    }
    Ok(())
}

/// The refusal when this node pays nothing out.
pub fn no_payouts() -> Error {
    Error::new(
        crate::error::ErrorCode::Forbidden,
        "this server makes no payouts (charging is off, or payments are not set up)",
    )
}
