//! Buying credits: the packs a server sells, a purchase priced by the server when it begins, the
//! payment port (Stripe Checkout on a server; nothing on the desktop), and a completed payment credited
//! through the ledger exactly once, however often and in whatever order Stripe reports it; refunds and
//! disputes take the credits back, and what the balance no longer holds is owed.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::{Audience, Envelope, Event, Millis};
use crate::error::{Error, ErrorCode, Result};

/// One credit pack for sale. Amounts are integers in the currency's smallest unit (cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct CreditPack {
    pub id: String,
    #[ts(type = "number")]
    pub credits: i64,
    /// The price in the currency's smallest unit (299 is $2.99).
    #[ts(type = "number")]
    pub amount: i64,
    /// ISO 4217, lower case (`usd`).
    pub currency: String,
}

/// The packs of ORIGINAL.md: 50 for $2.99, 150 for $6.99, 400 for $14.99.
pub fn default_packs() -> Vec<CreditPack> {
    [(50, 299), (150, 699), (400, 1499)]
        .into_iter()
        .map(|(credits, amount)| CreditPack {
            id: format!("pack_{credits}"),
            credits,
            amount,
            currency: "usd".into(),
        })
        .collect()
}

/// Packs from `credits:cents` pairs (`50:299,150:699`): the operator's own prices.
pub fn parse_packs(text: &str) -> Result<Vec<CreditPack>> {
    let mut packs: Vec<CreditPack> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let parsed = part.split_once(':').and_then(|(c, a)| {
            Some((c.trim().parse::<i64>().ok()?, a.trim().parse::<i64>().ok()?))
        });
        match parsed {
            Some((credits, amount))
                if (1..=1_000_000).contains(&credits) && (50..=10_000_000).contains(&amount) =>
            {
                let id = format!("pack_{credits}");
                if packs.iter().any(|p| p.id == id) {
                    return Err(Error::invalid(format!("two packs of {credits} credits")));
                }
                packs.push(CreditPack {
                    id,
                    credits,
                    amount,
                    currency: "usd".into(),
                });
            }
            _ => {
                return Err(Error::invalid(format!(
                    "'{part}' is not a pack: write credits:cents (50:299), 1 to 1,000,000 credits for 50 cents or more"
                )))
            }
        }
    }
    if packs.is_empty() {
        return Err(Error::invalid(
            "no packs: write credits:cents pairs (50:299,150:699)",
        ));
    }
    Ok(packs)
}

/// Where a purchase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    /// Begun: the buyer is on (or left) the payment page.
    Open,
    /// Paid and credited.
    Paid,
}

impl PurchaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Open => "open",
            PurchaseStatus::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(PurchaseStatus::Open),
            "paid" => Some(PurchaseStatus::Paid),
            _ => None,
        }
    }
}

/// A purchase as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub id: String,
    pub user_id: String,
    pub pack: CreditPack,
    pub session_id: Option<String>,
    pub status: PurchaseStatus,
    pub created_at: Millis,
    pub paid_at: Option<Millis>,
}

/// What the payment provider answers when a purchase begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedCheckout {
    pub session_id: String,
    /// The provider's payment page.
    pub url: String,
}

/// The payment provider (Stripe Checkout on a server).
#[async_trait]
pub trait Payments: Send + Sync {
    /// Opens the provider's payment page for one purchase; idempotent by the purchase's id.
    async fn start_checkout(&self, purchase: &Purchase) -> Result<StartedCheckout>;
    /// Opens the provider's payment page for one print order; idempotent by the order's id.
    async fn start_print_checkout(
        &self,
        order: &crate::prints::PrintOrder,
    ) -> Result<StartedCheckout>;
    /// Gives back `amount` cents of the payment `payment_intent`, for `for_id` (our id of what is
    /// refunded; a retry refunds nothing twice). Returns the provider's refund id.
    async fn refund_payment(
        &self,
        for_id: &str,
        payment_intent: &str,
        amount: i64,
    ) -> Result<String>;
    /// Creates the account a creator is paid into (Stripe Connect); idempotent by the user.
    async fn create_payout_account(&self, user_id: &str) -> Result<String>;
    /// The provider's page where the creator finishes setting up that account.
    async fn payout_onboarding_link(&self, account_id: &str) -> Result<String>;
    /// Sends a payout's amount to the creator's account; idempotent by the payout's id. Returns the
    /// provider's transfer id.
    async fn transfer_payout(
        &self,
        payout: &crate::payouts::Payout,
        account_id: &str,
    ) -> Result<String>;
}

/// A payment the provider reports complete, verified by the caller (the webhook's signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPayment {
    /// The provider's event id: each is applied once.
    pub event_id: String,
    pub kind: String,
    pub session_id: String,
    /// Our purchase id, as the session carries it.
    pub purchase_id: Option<String>,
    /// The provider says the money arrived (a delayed method completes unpaid and pays later).
    pub paid: bool,
    pub amount_total: Option<i64>,
    /// Stripe's PaymentIntent of the session: how its refunds and disputes name it later.
    pub payment_intent: Option<String>,
}

/// What a completed payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The pack's credits were added; the buyer's balance after.
    Credited { user_id: String, balance: i64 },
    /// This event, or another for the same purchase, was applied before.
    AlreadyApplied,
    /// Complete but not paid yet: the credits wait for the payment's own event.
    NotPaidYet,
    /// No purchase of ours has this id and session, or the amount differs from the price we set.
    Refused(String),
}

impl PaymentOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            PaymentOutcome::Credited { .. } => "credited",
            PaymentOutcome::AlreadyApplied => "already_applied",
            PaymentOutcome::NotPaidYet => "not_paid_yet",
            PaymentOutcome::Refused(_) => "refused",
        }
    }
}

/// Applies one verified completed payment: in one transaction, the event is recorded, the purchase
/// checked against what the server priced, marked paid, and its credits granted through the ledger
/// (idempotency key `purchase:<id>`). The buyer hears of the new balance at once.
pub async fn apply_completed_payment(app: &App, done: &CompletedPayment) -> Result<PaymentOutcome> {
    let outcome = app
        .store
        .purchases()
        .complete_purchase(done, app.clock.now_ms())
        .await?;
    match &outcome {
        PaymentOutcome::Credited { user_id, balance } => {
            tracing::info!(event = %done.event_id, user = %user_id, "credits bought");
            app.events.publish(Envelope {
                audience: Audience::User(user_id.clone()),
                event: Event::BalanceChanged { balance: *balance },
            });
        }
        PaymentOutcome::Refused(reason) => {
            tracing::warn!(event = %done.event_id, session = %done.session_id, %reason, "a payment was not credited");
        }
        other => {
            tracing::info!(event = %done.event_id, outcome = other.as_str(), "payment event");
        }
    }
    Ok(outcome)
}

/// What happened to a paid purchase's money after it was credited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyBack {
    /// Refunded, in part or whole: Stripe's running total refunded so far (cents).
    Refunded { amount_refunded: i64 },
    /// A dispute was opened for `amount` cents: the funds are withdrawn while it lasts.
    DisputeOpened { amount: i64 },
    /// A dispute ended: `won` gives the funds back; lost keeps them withdrawn.
    DisputeClosed { amount: i64, won: bool },
}

/// A verified refund or dispute event for one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReversal {
    pub event_id: String,
    pub kind: String,
    /// The PaymentIntent the refund or dispute is about.
    pub payment_intent: String,
    pub change: MoneyBack,
}

/// What a refund or dispute event did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReversalOutcome {
    /// The purchase's credits were taken back (or given back when a dispute was won): the balance
    /// and what is still owed after.
    Applied {
        user_id: String,
        balance: i64,
        owed: i64,
    },
    /// This event was applied before, or it changes nothing (a smaller running total arriving late).
    AlreadyApplied,
    /// No paid purchase has this payment yet (its completion has not arrived): Stripe is asked to
    /// deliver it again later, and nothing was recorded.
    NotYetKnown,
    /// The payment is a print order's, not credits: nothing to take back (its refunds are this
    /// server's own; a dispute is the operator's to answer in Stripe).
    PrintPayment,
}

impl ReversalOutcome {
    pub fn as_str(&self) -> &'static str {
        match self {
            ReversalOutcome::Applied { .. } => "reversed",
            ReversalOutcome::AlreadyApplied => "already_applied",
            ReversalOutcome::NotYetKnown => "not_yet_known",
            ReversalOutcome::PrintPayment => "print_payment",
        }
    }
}

/// Credits to take back for a purchase of `credits` paid `amount` cents, of which `reversed` cents
/// are refunded or disputed: in proportion, rounded up (so many small refunds cannot keep a
/// fraction each), never more than the pack.
pub fn credits_to_reverse(credits: i64, amount: i64, reversed: i64) -> i64 {
    if amount <= 0 {
        return 0;
    }
    let reversed = reversed.clamp(0, amount);
    // i128: credits x cents of a large pack would not overflow i64, but nothing here needs to care.
    let owed =
        (i128::from(credits) * i128::from(reversed) + i128::from(amount) - 1) / i128::from(amount);
    i64::try_from(owed).unwrap_or(credits).min(credits)
}

/// Applies one verified refund or dispute event: the purchase's credits are taken back through the
/// ledger (what the balance lacks is owed, and spending waits until it is paid), once per event,
/// and in proportion to Stripe's running totals so events in any order end in the same place.
pub async fn apply_payment_reversal(
    app: &App,
    change: &PaymentReversal,
) -> Result<ReversalOutcome> {
    let mut outcome = app
        .store
        .purchases()
        .reverse_payment(change, app.clock.now_ms())
        .await?;
    if outcome == ReversalOutcome::NotYetKnown
        && app
            .store
            .prints()
            .print_order_by_payment(&change.payment_intent)
            .await?
            .is_some()
    {
        outcome = ReversalOutcome::PrintPayment;
    }
    match &outcome {
        ReversalOutcome::Applied {
            user_id,
            balance,
            owed,
        } => {
            tracing::info!(event = %change.event_id, user = %user_id, owed, "a refund or dispute changed a balance");
            app.events.publish(Envelope {
                audience: Audience::User(user_id.clone()),
                event: Event::BalanceChanged { balance: *balance },
            });
        }
        ReversalOutcome::NotYetKnown => {
            tracing::warn!(event = %change.event_id, payment = %change.payment_intent, "a refund or dispute for a payment not credited yet: Stripe will deliver it again");
        }
        ReversalOutcome::AlreadyApplied => {
            tracing::info!(event = %change.event_id, "a refund or dispute already applied");
        }
        ReversalOutcome::PrintPayment => {
            tracing::info!(event = %change.event_id, kind = %change.kind, "a refund or dispute of a print order's payment");
        }
    }
    Ok(outcome)
}

/// The refusal when this node sells nothing.
pub fn not_for_sale() -> Error {
    Error::new(
        ErrorCode::Forbidden,
        "this server does not sell credits (charging is off, or payments are not set up)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_are_read_as_the_operator_writes_them() {
        let packs = parse_packs(" 50:299, 150:699 ,400:1499").expect("packs");
        assert_eq!(packs, default_packs());
        for bad in [
            "",
            "50",
            "0:299",
            "50:10",
            "50:299,50:399",
            "x:y",
            "50:-299",
        ] {
            assert!(parse_packs(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reversals_take_back_in_proportion_rounded_up() {
        assert_eq!(credits_to_reverse(50, 299, 299), 50);
        assert_eq!(credits_to_reverse(50, 299, 0), 0);
        // $1 of $2.99 is 16.7 credits: 17 go back.
        assert_eq!(credits_to_reverse(50, 299, 100), 17);
        assert_eq!(credits_to_reverse(50, 299, 1), 1);
        // More than was paid (a refund and a dispute of the same charge) takes the pack, no more.
        assert_eq!(credits_to_reverse(50, 299, 598), 50);
        assert_eq!(credits_to_reverse(50, 0, 100), 0);
    }
}
