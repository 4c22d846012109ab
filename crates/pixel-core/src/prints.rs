//! Print on demand: the products and sizes sold (prices in cents, from the product design), the quote
//! (items plus shipping), the order's states, the print lab it is made by (Printful's API, a port
//! here), and what a paid, shipped or failed order does: submitted to the lab once, the creator's 10%
//! royalty credited once when it ships.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};

/// What a print is made as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintProduct {
    Poster,
    Canvas,
    Framed,
    Metal,
}

impl PrintProduct {
    pub const ALL: [PrintProduct; 4] = [
        PrintProduct::Poster,
        PrintProduct::Canvas,
        PrintProduct::Framed,
        PrintProduct::Metal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrintProduct::Poster => "poster",
            PrintProduct::Canvas => "canvas",
            PrintProduct::Framed => "framed",
            PrintProduct::Metal => "metal",
        }
    }

    pub fn parse(s: &str) -> Option<PrintProduct> {
        PrintProduct::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            PrintProduct::Poster => "Poster",
            PrintProduct::Canvas => "Canvas",
            PrintProduct::Framed => "Framed print",
            PrintProduct::Metal => "Metal print",
        }
    }

    /// Shipping of the first item, in cents; each further item adds `EXTRA_ITEM_SHIPPING`.
    pub fn shipping(self) -> i64 {
        match self {
            PrintProduct::Poster => 499,
            PrintProduct::Canvas => 799,
            PrintProduct::Framed => 899,
            PrintProduct::Metal => 999,
        }
    }
}

/// One size of a product and its price in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintSize {
    /// Inches, width x height ("12x16").
    pub size: String,
    #[ts(type = "number")]
    pub price: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintOffer {
    pub product: PrintProduct,
    pub name: String,
    /// Cents for the first item; each further one adds `extra_item_shipping`.
    #[ts(type = "number")]
    pub shipping: i64,
    #[ts(type = "number")]
    pub extra_item_shipping: i64,
    pub sizes: Vec<PrintSize>,
}

pub const EXTRA_ITEM_SHIPPING: i64 = 200;
pub const MAX_QUANTITY: u32 = 10;
/// The creator's share of what a print's items sold for.
pub const ROYALTY_PERCENT: i64 = 10;
pub const CURRENCY: &str = "usd";

/// The sizes of a product: (inches, cents). Which of the lab's catalogue variants makes each is the
/// lab's to say (`PrintLab::variant`): catalogues change, prices here do not.
fn sizes(product: PrintProduct) -> [(&'static str, i64); 3] {
    match product {
        PrintProduct::Poster => [("12x18", 1499), ("18x24", 2499), ("24x36", 3499)],
        PrintProduct::Canvas => [("12x16", 2999), ("18x24", 5999), ("24x36", 9999)],
        PrintProduct::Framed => [("12x16", 3999), ("18x24", 5999), ("24x36", 8999)],
        PrintProduct::Metal => [("12x12", 4999), ("16x20", 8999), ("24x36", 14999)],
    }
}

/// Everything for sale that `made` says the lab makes, in the order the UI shows it.
pub fn offers(made: impl Fn(PrintProduct) -> bool) -> Vec<PrintOffer> {
    PrintProduct::ALL
        .into_iter()
        .filter(|p| made(*p))
        .map(|product| PrintOffer {
            product,
            name: product.name().to_string(),
            shipping: product.shipping(),
            extra_item_shipping: EXTRA_ITEM_SHIPPING,
            sizes: sizes(product)
                .into_iter()
                .map(|(size, price)| PrintSize {
                    size: size.to_string(),
                    price,
                })
                .collect(),
        })
        .collect()
}

/// What an order of `quantity` of one size costs, in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintQuote {
    pub product: PrintProduct,
    pub size: String,
    pub quantity: u32,
    #[ts(type = "number")]
    pub unit_price: i64,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub shipping: i64,
    #[ts(type = "number")]
    pub total: i64,
    pub currency: String,
    /// The lab's catalogue variant that makes it: 0 in a quote, the lab's answer once ordered.
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub variant_id: i64,
}

/// Prices an order; an unknown size or a quantity outside 1-10 is refused.
pub fn quote(product: PrintProduct, size: &str, quantity: u32) -> Result<PrintQuote> {
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return Err(Error::invalid(format!(
            "order 1 to {MAX_QUANTITY} prints at a time"
        )));
    }
    let (size, unit_price) = sizes(product)
        .into_iter()
        .find(|(s, _)| *s == size)
        .ok_or_else(|| {
            let known: Vec<&str> = sizes(product).iter().map(|(s, _)| *s).collect();
            Error::invalid(format!(
                "a {} comes in {}",
                product.name().to_lowercase(),
                known.join(", ")
            ))
        })?;
    let items = unit_price * i64::from(quantity);
    let shipping = product.shipping() + EXTRA_ITEM_SHIPPING * i64::from(quantity - 1);
    Ok(PrintQuote {
        product,
        size: size.to_string(),
        quantity,
        unit_price,
        items,
        shipping,
        total: items + shipping,
        currency: CURRENCY.to_string(),
        variant_id: 0,
    })
}

/// The creator's royalty on `items` cents, in credits at the payout rate (rounded down).
pub fn royalty_credits(items: i64, cents_per_credit: i64) -> i64 {
    items * ROYALTY_PERCENT / 100 / cents_per_credit.max(1)
}

/// Where a print goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub name: String,
    pub address1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address2: Option<String>,
    pub city: String,
    /// Required for the US, Canada and Australia (two letters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub state_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country_code: String,
    pub zip: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
}

impl Recipient {
    /// Trimmed, each field within bounds, codes upper-cased; a clear error for the first wrong field.
    pub fn checked(self) -> Result<Recipient> {
        let field = |what: &str, v: String, max: usize| -> Result<String> {
            let v = v.trim().to_string();
            if v.is_empty() || v.chars().count() > max {
                return Err(Error::invalid(format!(
                    "the address needs {what} (at most {max} characters)"
                )));
            }
            Ok(v)
        };
        let country = self.country_code.trim().to_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::invalid(
                "the country is a two-letter ISO code, such as US or DE",
            ));
        }
        let state = self
            .state_code
            .map(|s| s.trim().to_uppercase())
            .filter(|s| !s.is_empty());
        if ["US", "CA", "AU"].contains(&country.as_str())
            && !state.as_ref().is_some_and(|s| (2..=3).contains(&s.len()))
        {
            return Err(Error::invalid(format!(
                "an address in {country} needs its state or province code"
            )));
        }
        let email = self
            .email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        if email
            .as_ref()
            .is_some_and(|e| !e.contains('@') || e.len() > 254)
        {
            return Err(Error::invalid("the email address is not valid"));
        }
        Ok(Recipient {
            name: field("a name", self.name, 100)?,
            address1: field("a street address", self.address1, 200)?,
            address2: self
                .address2
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty()),
            city: field("a city", self.city, 100)?,
            state_code: state,
            country_code: country,
            zip: field("a postal code", self.zip, 20)?,
            email,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintStatus {
    /// Made; the buyer has not paid yet.
    AwaitingPayment,
    /// Paid; being sent to the print lab.
    Paid,
    /// The lab has it and is making it.
    InProduction,
    /// On its way, with tracking.
    Shipped,
    /// Cancelled before it was made.
    Canceled,
    /// The lab could not make it.
    Failed,
}

impl PrintStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PrintStatus::AwaitingPayment => "awaiting_payment",
            PrintStatus::Paid => "paid",
            PrintStatus::InProduction => "in_production",
            PrintStatus::Shipped => "shipped",
            PrintStatus::Canceled => "canceled",
            PrintStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<PrintStatus> {
        [
            PrintStatus::AwaitingPayment,
            PrintStatus::Paid,
            PrintStatus::InProduction,
            PrintStatus::Shipped,
            PrintStatus::Canceled,
            PrintStatus::Failed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Tracking {
    pub carrier: String,
    pub number: String,
    pub url: String,
}

/// One print order, as its buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintOrder {
    pub id: String,
    pub buyer_id: String,
    pub image_id: String,
    /// Whose image it is: paid the royalty when it ships.
    pub creator_id: String,
    pub quote: PrintQuote,
    pub recipient: Recipient,
    pub status: PrintStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tracking: Option<Tracking>,
    /// Credits the creator is paid when it ships (0 for a print of one's own image).
    #[ts(type = "number")]
    pub royalty: i64,
    /// Why it failed, in the lab's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub failure: Option<String>,
    /// When its payment was given back (a cancelled or failed order that was paid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub refunded_at: Option<Millis>,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub updated_at: Millis,
    /// The secret in the file address the lab downloads the original from (never shown).
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub file_token: String,
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub lab_order_id: Option<String>,
    /// The original's blob and type as ordered: the lab prints what the buyer saw, even if the
    /// image is deleted meanwhile.
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub file_sha256: String,
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub file_mime: String,
    /// The payment (Stripe's PaymentIntent), by which a refund names it.
    #[serde(skip)]
    #[ts(skip)]
    #[schemars(skip)]
    pub payment_intent: Option<String>,
}

/// The lab's view of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabOrder {
    pub lab_order_id: String,
    /// The lab's own word (Printful: draft, pending, failed, canceled, inprocess, onhold, partial,
    /// fulfilled).
    pub status: String,
    pub tracking: Option<Tracking>,
}

/// The print lab (Printful on a server); every call names the order by our id.
#[async_trait]
pub trait PrintLab: Send + Sync {
    /// Whether the lab is set up to make this product at all.
    fn makes(&self, product: PrintProduct) -> bool;
    /// The lab's catalogue variant that makes `product` at `size` (inches, "18x24"); None when the
    /// lab does not make that size.
    async fn variant(&self, product: PrintProduct, size: &str) -> Result<Option<i64>>;
    /// Sends a paid order to be made, its original fetched from `file_url`; a second call for the
    /// same order answers the order the first one made.
    async fn submit(&self, order: &PrintOrder, file_url: &str) -> Result<LabOrder>;
    /// The order as the lab has it now.
    async fn order(&self, order_id: &str) -> Result<LabOrder>;
    /// Stops an order the lab has not started making; a conflict once it has.
    async fn cancel(&self, order_id: &str) -> Result<LabOrder>;
}

/// A paid checkout of a print order, as the payment provider reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintPayment {
    pub order_id: String,
    pub session_id: String,
    pub paid: bool,
    pub amount_total: Option<i64>,
    pub payment_intent: Option<String>,
}

/// An order by id, or `not_found`.
async fn stored_order(app: &App, id: &str) -> Result<PrintOrder> {
    app.store
        .prints()
        .print_order(id)
        .await?
        .ok_or_else(|| Error::not_found("print order"))
}

/// The address the lab downloads an order's original from.
pub fn file_url(origin: &str, order: &PrintOrder) -> String {
    format!(
        "{}/api/prints/{}/file?token={}",
        origin.trim_end_matches('/'),
        order.id,
        order.file_token
    )
}

/// Applies a print order's payment: marks it paid (once, at the price quoted) and sends it to the lab.
/// Returns what happened, for the webhook's answer; an error leaves the order to the next delivery.
pub async fn apply_print_payment(
    app: &App,
    lab: &dyn PrintLab,
    origin: &str,
    paid: &PrintPayment,
) -> Result<&'static str> {
    if !paid.paid {
        return Ok("not_paid_yet");
    }
    let order = stored_order(app, &paid.order_id).await?;
    if paid.amount_total != Some(order.quote.total) {
        tracing::warn!(order = %order.id, paid = ?paid.amount_total, "a print order was paid at another price");
        return Ok("refused");
    }
    let first = app
        .store
        .prints()
        .mark_print_paid(
            &order.id,
            &paid.session_id,
            paid.payment_intent.as_deref(),
            app.clock.now_ms(),
        )
        .await?;
    if first && order.creator_id != order.buyer_id {
        crate::social::notify(
            app,
            crate::social::Notice {
                actor: Some(&order.buyer_id),
                image_id: Some(&order.image_id),
                key: Some(format!("print:{}", order.id)),
                ..crate::social::Notice::to(
                    &order.creator_id,
                    crate::social::NotificationKind::PrintOrdered,
                )
            },
        )
        .await;
    }
    submit_paid(app, lab, origin, &order.id).await
}

/// Sends a paid order to the lab and records its answer; idempotent.
pub async fn submit_paid(
    app: &App,
    lab: &dyn PrintLab,
    origin: &str,
    order_id: &str,
) -> Result<&'static str> {
    let order = stored_order(app, order_id).await?;
    if order.status != PrintStatus::Paid {
        return Ok("already_applied");
    }
    let made = match lab.submit(&order, &file_url(origin, &order)).await {
        Ok(made) => made,
        // The lab will never take this order as it stands (its address, its file): the buyer is told
        // why and paid back, rather than the order waiting on a retry that cannot succeed.
        Err(e) if e.code == ErrorCode::ProviderRejected => {
            tracing::warn!(order = %order.id, reason = %e.message, "the print lab refused a paid order");
            app.store
                .prints()
                .advance_print_order(
                    &order.id,
                    "",
                    PrintStatus::Failed,
                    None,
                    Some(&e.message),
                    app.clock.now_ms(),
                )
                .await?;
            refund_if_owed(app, &order.id).await?;
            return Ok("refused_by_lab");
        }
        Err(e) => return Err(e),
    };
    tracing::info!(order = %order.id, lab = %made.lab_order_id, "a print order went to the lab");
    apply_lab_order(app, &order, &made).await?;
    Ok("submitted")
}

/// Sends again the paid orders the lab has not taken whose last change was before `before` (their
/// submission failed: the lab was down, or answered too late for the payment's webhook). Answers how
/// many the lab has now; one that fails again waits for the next round.
pub async fn resubmit_stalled(
    app: &App,
    lab: &dyn PrintLab,
    origin: &str,
    before: Millis,
) -> Result<usize> {
    let stalled = app.store.prints().stalled_print_orders(before, 100).await?;
    let mut sent = 0;
    for order in stalled {
        match submit_paid(app, lab, origin, &order.id).await {
            Ok(outcome) => {
                tracing::info!(order = %order.id, outcome, "a stalled print order was sent again");
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(order = %order.id, error = %e.message, "a paid print order still cannot reach the lab")
            }
        }
    }
    Ok(sent)
}

/// Brings an order to where the lab says it is: in production, shipped (tracking, and the creator's
/// royalty once), or failed. Each change happens once, however often the lab tells it.
pub async fn apply_lab_order(app: &App, order: &PrintOrder, lab: &LabOrder) -> Result<()> {
    let now = app.clock.now_ms();
    let to = match lab.status.as_str() {
        "fulfilled" | "partial" => PrintStatus::Shipped,
        "failed" => PrintStatus::Failed,
        "canceled" => PrintStatus::Canceled,
        _ => PrintStatus::InProduction,
    };
    let changed = app
        .store
        .prints()
        .advance_print_order(
            &order.id,
            &lab.lab_order_id,
            to,
            lab.tracking.as_ref(),
            None,
            now,
        )
        .await?;
    if matches!(to, PrintStatus::Failed | PrintStatus::Canceled) {
        refund_if_owed(app, &order.id).await?;
    }
    if changed && to == PrintStatus::Shipped && order.royalty > 0 {
        tracing::info!(order = %order.id, credits = order.royalty, "a print shipped: royalty paid");
        let balance = app.store.ledger().balance(&order.creator_id).await?;
        app.events.publish(Envelope {
            audience: Audience::User(order.creator_id.clone()),
            event: Event::BalanceChanged { balance },
        });
    }
    Ok(())
}

/// Gives back the payment of an order that ended without being made (cancelled or failed), once: a
/// retry after a failure refunds what is still owed, and Stripe's idempotency keeps it to one refund.
pub async fn refund_if_owed(app: &App, order_id: &str) -> Result<()> {
    let order = stored_order(app, order_id).await?;
    let ended = matches!(order.status, PrintStatus::Canceled | PrintStatus::Failed);
    let (true, None, Some(intent)) = (ended, order.refunded_at, order.payment_intent.as_deref())
    else {
        return Ok(());
    };
    let payments = app.payments().ok_or_else(|| {
        Error::new(
            ErrorCode::Unavailable,
            "no payment provider to refund through",
        )
    })?;
    let refund_id = payments
        .refund_payment(&order.id, intent, order.quote.total)
        .await?;
    if app
        .store
        .prints()
        .mark_print_refunded(&order.id, &refund_id, app.clock.now_ms())
        .await?
    {
        tracing::info!(order = %order.id, refund = %refund_id, total = order.quote.total, "a print order was refunded");
    }
    Ok(())
}

/// Cancels one of the buyer's orders: one not paid yet at once; a paid one if the lab has not started
/// making it, then its payment is refunded.
pub async fn cancel_order(app: &App, buyer_id: &str, order_id: &str) -> Result<PrintOrder> {
    let order = app
        .store
        .prints()
        .print_order(order_id)
        .await?
        .filter(|o| o.buyer_id == buyer_id)
        .ok_or_else(|| Error::not_found("print order"))?;
    let now = app.clock.now_ms();
    match order.status {
        PrintStatus::AwaitingPayment => {
            app.store
                .prints()
                .advance_print_order(&order.id, "", PrintStatus::Canceled, None, None, now)
                .await?;
        }
        PrintStatus::Paid | PrintStatus::InProduction => {
            let lab_id = match (&order.lab_order_id, app.print_lab()) {
                (Some(_), Some(lab)) => lab.cancel(&order.id).await?.lab_order_id,
                (Some(id), None) => {
                    return Err(Error::new(
                        ErrorCode::Unavailable,
                        format!("the print lab cannot be reached to stop order {id}"),
                    ))
                }
                (None, _) => String::new(),
            };
            app.store
                .prints()
                .advance_print_order(&order.id, &lab_id, PrintStatus::Canceled, None, None, now)
                .await?;
            refund_if_owed(app, &order.id).await?;
        }
        PrintStatus::Shipped | PrintStatus::Canceled | PrintStatus::Failed => {
            return Err(Error::new(
                ErrorCode::Conflict,
                "this order can no longer be cancelled",
            ))
        }
    }
    stored_order(app, &order.id).await
}

/// The refusal for ordering where prints are not sold.
pub fn prints_not_sold() -> Error {
    Error::new(
        ErrorCode::Forbidden,
        "this server does not sell prints (it needs Stripe and a print lab)",
    )
}
