//! Buying credits: the packs a server sells, a purchase priced by the server when it begins, the
//! payment port (Stripe Checkout on a server; nothing on the desktop), and a completed payment credited
//! through the ledger exactly once, however often and in whatever order Stripe reports it.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::{Envelope, Event, Millis};
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
                user_id: user_id.clone(),
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
}
