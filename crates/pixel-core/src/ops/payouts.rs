//! Payout operations: where the caller stands (their connected account, what is payable, past
//! payouts), setting up the account on the payment provider's page, and asking for a payout.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Empty;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::payouts::{change_payout, no_payouts, Payout, PayoutChange, PayoutStatus};
use crate::registry::{OpKind::*, RateClass, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "payouts.status",
        Read,
        "The caller's payout account, payable earnings and past payouts",
        payouts_status,
    );
    r.add(
        "payouts.onboard",
        Write,
        "The payment provider's page where the caller sets up being paid",
        payouts_onboard,
    )
    .rate(RateClass::Money);
    r.add(
        "payouts.request",
        Write,
        "Pay out everything payable (once it passes the minimum)",
        payouts_request,
    )
    .rate(RateClass::Money);
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PayoutsOutput {
    /// This server pays creators out.
    pub available: bool,
    /// The caller has begun setting up their payout account.
    pub connected: bool,
    /// The payment provider can pay that account.
    pub ready: bool,
    /// Earned credits past the hold, not yet paid out, that the balance still holds.
    #[ts(type = "number")]
    pub payable_credits: i64,
    /// Credits earned within the hold: payable once it passes.
    #[ts(type = "number")]
    pub held_credits: i64,
    #[ts(type = "number")]
    pub hold_days: i64,
    /// What they would be paid, in cents.
    #[ts(type = "number")]
    pub payable_amount: i64,
    #[ts(type = "number")]
    pub cents_per_credit: i64,
    #[ts(type = "number")]
    pub minimum_credits: i64,
    pub payouts: Vec<Payout>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct OnboardOutput {
    /// Send the creator here; they come back to the Earnings page.
    pub url: String,
}

pub async fn payouts_status(app: &App, caller: &Caller, _input: Empty) -> Result<PayoutsOutput> {
    let me = caller.user_id()?;
    let terms = app.config.payout_terms;
    let account = app.store.payouts().payout_account(me).await?;
    let earned = app
        .store
        .payouts()
        .earned(me, terms.held_after(app.clock.now_ms()))
        .await?;
    let balance = app.store.ledger().balance(me).await?;
    let payable_credits = earned.payable(balance);
    Ok(PayoutsOutput {
        available: app.payments().is_some(),
        connected: account.is_some(),
        ready: account.as_ref().is_some_and(|a| a.payouts_enabled),
        payable_credits,
        payable_amount: payable_credits * terms.cents_per_credit,
        held_credits: earned.held,
        hold_days: terms.hold_days,
        cents_per_credit: terms.cents_per_credit,
        minimum_credits: terms.minimum_credits,
        payouts: app.store.payouts().payouts_of(me, 50).await?,
    })
}

pub async fn payouts_onboard(app: &App, caller: &Caller, _input: Empty) -> Result<OnboardOutput> {
    let me = caller.user_id()?;
    let payments = app.payments().ok_or_else(no_payouts)?;
    let account = match app.store.payouts().payout_account(me).await? {
        Some(a) => a,
        None => {
            let id = payments.create_payout_account(me).await?;
            app.store
                .payouts()
                .save_payout_account(me, &id, app.clock.now_ms())
                .await?
        }
    };
    let url = payments.payout_onboarding_link(&account.account_id).await?;
    Ok(OnboardOutput { url })
}

pub async fn payouts_request(app: &App, caller: &Caller, _input: Empty) -> Result<Payout> {
    let me = caller.user_id()?;
    let payments = app.payments().ok_or_else(no_payouts)?;
    let account = app
        .store
        .payouts()
        .payout_account(me)
        .await?
        .filter(|a| a.payouts_enabled)
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Forbidden,
                "finish setting up payouts first (Earnings → Set up payouts)",
            )
        })?;
    let payout = app
        .store
        .payouts()
        .request_payout(
            me,
            &crate::new_id(),
            &app.config.payout_terms,
            app.clock.now_ms(),
        )
        .await?;
    let balance = app.store.ledger().balance(me).await?;
    app.events.publish(Envelope {
        audience: Audience::User(me.to_string()),
        event: Event::BalanceChanged { balance },
    });
    match payments.transfer_payout(&payout, &account.account_id).await {
        Ok(transfer_id) => Ok(change_payout(
            app,
            &PayoutChange {
                payout_id: &payout.id,
                from: &[PayoutStatus::Requested],
                to: PayoutStatus::InTransit,
                transfer_id: Some(&transfer_id),
                failure: None,
                now: app.clock.now_ms(),
            },
        )
        .await?
        .unwrap_or(payout)),
        Err(e) => {
            // Not sent: the credits go back at once, and the creator is told why.
            change_payout(
                app,
                &PayoutChange {
                    payout_id: &payout.id,
                    from: &[PayoutStatus::Requested],
                    to: PayoutStatus::Failed,
                    transfer_id: None,
                    failure: Some(&e.message),
                    now: app.clock.now_ms(),
                },
            )
            .await?;
            Err(Error::new(
                ErrorCode::Unavailable,
                format!(
                    "the payout could not be sent, and your credits are back: {}",
                    e.message
                ),
            ))
        }
    }
}
