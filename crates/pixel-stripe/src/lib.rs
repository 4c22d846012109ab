//! Stripe for Pixel Studio's money: Checkout Sessions that sell credit packs, and webhook events
//! verified exactly as Stripe signs them (HMAC-SHA256 over `<t>.<payload>`, five minutes of clock
//! tolerance). async-stripe lives here alone; the rest of the tree sees plain types.

mod connect;
mod refunds;

use std::collections::HashMap;

use stripe::{
    CheckoutSession, CheckoutSessionMode, Client, CreateCheckoutSession,
    CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionLineItemsPriceDataProductData, Currency, RequestStrategy, Webhook,
    WebhookError,
};

/// How Stripe is reached: the secret key, where its API is (a loopback fake in tests), and the secret
/// that signs the webhook events sent to this server.
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub api_base: String,
    pub webhook_secret: String,
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

/// Stripe's own API address.
pub const STRIPE_API_BASE: &str = "https://api.stripe.com/";

#[derive(Debug, thiserror::Error)]
pub enum StripeFailure {
    #[error("the Stripe API address '{0}' is not a web address")]
    BadApiBase(String),
    #[error("Stripe refused the request: {0}")]
    Refused(String),
    #[error("Stripe could not be reached: {0}")]
    Unreachable(String),
    #[error("Stripe's answer lacks {0}")]
    Incomplete(&'static str),
}

/// Why a webhook delivery was not taken: logged with the delivery, answered with 400 so Stripe shows it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("no Stripe-Signature header")]
    MissingSignature,
    #[error("the signature does not match the payload (forged, or signed with another secret)")]
    BadSignature,
    #[error("the signature is {0} s away from now: older than Stripe's five minutes (a replay?)")]
    Stale(i64),
    #[error("the payload is not a Stripe event: {0}")]
    Unreadable(String),
}

/// One sale (a credit pack, a print order), as this server priced it: nothing here comes from the
/// buyer's browser.
#[derive(Debug, Clone)]
pub struct CheckoutRequest<'a> {
    /// This server's id of the purchase, sent as the session's `client_reference_id` and metadata.
    pub checkout_id: &'a str,
    pub user_id: &'a str,
    /// What is sold, as this server names it (a pack's id, `print`), in the session's metadata.
    pub item: &'a str,
    /// What the buyer sees on Stripe's page ("150 credits").
    pub name: &'a str,
    /// In the currency's smallest unit (cents).
    pub amount: i64,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCheckout {
    pub session_id: String,
    /// Stripe's payment page for the buyer.
    pub url: String,
}

/// A verified event, reduced to what the money code acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// `checkout.session.completed` or `checkout.session.async_payment_succeeded`.
    CheckoutCompleted {
        event_id: String,
        /// `checkout.session.completed` or `checkout.session.async_payment_succeeded`.
        kind: String,
        session_id: String,
        /// This server's purchase id (`client_reference_id`), if the session was made here.
        checkout_id: Option<String>,
        /// Stripe's `payment_status` is `paid` (a delayed method completes unpaid and pays later).
        paid: bool,
        amount_total: Option<i64>,
        /// The session's PaymentIntent, by which refunds and disputes name the payment later.
        payment_intent: Option<String>,
        /// When Stripe created the event (seconds), to tell a late duplicate from news.
        created: i64,
    },
    /// `charge.refunded`: Stripe's running total refunded of one payment.
    Refunded {
        event_id: String,
        kind: String,
        payment_intent: String,
        /// Cents refunded so far, all refunds of the charge together.
        amount_refunded: i64,
    },
    /// `charge.dispute.created` (`closed: None`) or `charge.dispute.closed` (`Some(won)`).
    Disputed {
        event_id: String,
        kind: String,
        payment_intent: String,
        /// The disputed cents.
        amount: i64,
        /// None while the dispute is open; whether it was won once closed.
        closed: Option<bool>,
    },
    /// `account.updated`: whether a creator's connected account can now be paid.
    AccountUpdated {
        event_id: String,
        account_id: String,
        payouts_enabled: bool,
    },
    /// `transfer.reversed`: a payout's transfer was taken back.
    TransferReversed {
        event_id: String,
        transfer_id: String,
    },
    /// `payout.paid` from a connected account: its balance reached the creator's bank.
    ConnectedPayoutPaid {
        event_id: String,
        account_id: String,
    },
    /// `payout.failed` from a connected account: the creator's bank refused the money.
    ConnectedPayoutFailed {
        event_id: String,
        account_id: String,
        /// Stripe's `failure_message` (or its `failure_code`).
        reason: String,
    },
    /// Anything else Stripe sends: acknowledged and ignored.
    Other { event_id: String, kind: String },
}

/// Stripe's Checkout Sessions through async-stripe.
#[derive(Clone)]
pub struct StripeGateway {
    pub(crate) client: Client,
    webhook_secret: String,
}

impl StripeGateway {
    pub fn new(config: &StripeConfig) -> Result<Self, StripeFailure> {
        // async-stripe panics on an address it cannot parse: check it first.
        let base = url::Url::parse(&config.api_base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| StripeFailure::BadApiBase(config.api_base.clone()))?;
        Ok(StripeGateway {
            client: Client::from_url(base.as_str(), config.secret_key.clone()),
            webhook_secret: config.webhook_secret.clone(),
        })
    }

    /// Creates the Checkout Session of one purchase. Idempotent by the purchase id: a retried request
    /// gets the same session back from Stripe instead of a second one.
    pub async fn create_checkout(
        &self,
        req: &CheckoutRequest<'_>,
    ) -> Result<CreatedCheckout, StripeFailure> {
        let metadata = HashMap::from([
            ("checkout_id".to_string(), req.checkout_id.to_string()),
            ("user_id".to_string(), req.user_id.to_string()),
            ("item".to_string(), req.item.to_string()),
        ]);
        let mut params = CreateCheckoutSession::new();
        params.mode = Some(CheckoutSessionMode::Payment);
        params.client_reference_id = Some(req.checkout_id);
        params.success_url = Some(req.success_url);
        params.cancel_url = Some(req.cancel_url);
        params.metadata = Some(metadata);
        params.line_items = Some(vec![CreateCheckoutSessionLineItems {
            quantity: Some(1),
            price_data: Some(CreateCheckoutSessionLineItemsPriceData {
                currency: Currency::USD,
                unit_amount: Some(req.amount),
                product_data: Some(CreateCheckoutSessionLineItemsPriceDataProductData {
                    name: req.name.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }]);
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!(
                "checkout-{}",
                req.checkout_id
            )));
        let session = CheckoutSession::create(&client, params)
            .await
            .map_err(failure)?;
        Ok(CreatedCheckout {
            url: session.url.ok_or(StripeFailure::Incomplete("a url"))?,
            session_id: session.id.to_string(),
        })
    }

    /// Verifies one delivery against the webhook secret, now.
    pub fn verify(
        &self,
        payload: &str,
        signature: Option<&str>,
    ) -> Result<WebhookEvent, WebhookRefusal> {
        verify_at(payload, signature, &self.webhook_secret, now_seconds())
    }
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(crate) fn failure(e: stripe::StripeError) -> StripeFailure {
    match e {
        stripe::StripeError::Stripe(r) => StripeFailure::Refused(
            r.message
                .unwrap_or_else(|| format!("HTTP {}", r.http_status)),
        ),
        other => StripeFailure::Unreachable(other.to_string()),
    }
}

/// Verifies a delivery as of `now` (seconds): the signature over `<t>.<payload>` with the secret, a
/// timestamp within five minutes, and a payload that is a Stripe event.
pub fn verify_at(
    payload: &str,
    signature: Option<&str>,
    secret: &str,
    now: i64,
) -> Result<WebhookEvent, WebhookRefusal> {
    let signature = signature.ok_or(WebhookRefusal::MissingSignature)?;
    // async-stripe checks the signature, then parses the event into its model. A parse error comes
    // after a good signature: the event is authentic, only newer than the model (Stripe adds fields
    // and objects). What is acted on is read from the JSON itself, so such an event is still
    // credited, or acknowledged, never left for Stripe to retry for days.
    match Webhook::construct_event_with_timestamp(payload, signature, secret, now) {
        Ok(_) | Err(WebhookError::BadParse(_)) => {}
        Err(WebhookError::BadTimestamp(t)) => return Err(WebhookRefusal::Stale(now - t)),
        Err(WebhookError::BadKey | WebhookError::BadHeader(_) | WebhookError::BadSignature) => {
            return Err(WebhookRefusal::BadSignature)
        }
    }
    let event: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| WebhookRefusal::Unreadable(e.to_string()))?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let (Some(event_id), Some(kind)) = (text(&event["id"]), text(&event["type"])) else {
        return Err(WebhookRefusal::Unreadable(
            "no event id or type".to_string(),
        ));
    };
    if event["object"] != "event" {
        return Err(WebhookRefusal::Unreadable(
            "not an event object".to_string(),
        ));
    }
    let object = &event["data"]["object"];
    // A PaymentIntent is named by its id, or expanded into the object itself.
    let payment_intent =
        text(&object["payment_intent"]).or_else(|| text(&object["payment_intent"]["id"]));
    Ok(
        match (
            kind.as_str(),
            object["object"].as_str(),
            text(&object["id"]),
        ) {
            (
                "checkout.session.completed" | "checkout.session.async_payment_succeeded",
                Some("checkout.session"),
                Some(session_id),
            ) => WebhookEvent::CheckoutCompleted {
                checkout_id: text(&object["client_reference_id"]),
                paid: object["payment_status"] == "paid",
                amount_total: object["amount_total"].as_i64(),
                payment_intent,
                created: event["created"].as_i64().unwrap_or(0),
                event_id,
                kind,
                session_id,
            },
            ("charge.refunded", Some("charge"), _) => {
                match (payment_intent, object["amount_refunded"].as_i64()) {
                    (Some(payment_intent), Some(amount_refunded)) => WebhookEvent::Refunded {
                        event_id,
                        kind,
                        payment_intent,
                        amount_refunded,
                    },
                    // A charge made without a PaymentIntent was not made by this server's Checkout.
                    _ => WebhookEvent::Other { event_id, kind },
                }
            }
            ("charge.dispute.created" | "charge.dispute.closed", Some("dispute"), _) => {
                let status = object["status"].as_str().unwrap_or_default();
                // An inquiry (`warning_*`) withdraws no funds until it becomes a dispute.
                let inquiry = status.starts_with("warning_");
                match (payment_intent, object["amount"].as_i64()) {
                    (Some(payment_intent), Some(amount)) if !inquiry => WebhookEvent::Disputed {
                        closed: (kind == "charge.dispute.closed").then_some(status == "won"),
                        event_id,
                        kind,
                        payment_intent,
                        amount,
                    },
                    _ => WebhookEvent::Other { event_id, kind },
                }
            }
            ("account.updated", Some("account"), Some(account_id)) => {
                WebhookEvent::AccountUpdated {
                    payouts_enabled: object["payouts_enabled"] == true,
                    event_id,
                    account_id,
                }
            }
            ("transfer.reversed", Some("transfer"), Some(transfer_id)) => {
                WebhookEvent::TransferReversed {
                    event_id,
                    transfer_id,
                }
            }
            // A connected account's own events name it at the top of the event.
            ("payout.paid", Some("payout"), _) => match text(&event["account"]) {
                Some(account_id) => WebhookEvent::ConnectedPayoutPaid {
                    event_id,
                    account_id,
                },
                None => WebhookEvent::Other { event_id, kind },
            },
            ("payout.failed", Some("payout"), _) => match text(&event["account"]) {
                Some(account_id) => WebhookEvent::ConnectedPayoutFailed {
                    reason: text(&object["failure_message"])
                        .or_else(|| text(&object["failure_code"]))
                        .unwrap_or_else(|| "no reason given".to_string()),
                    event_id,
                    account_id,
                },
                None => WebhookEvent::Other { event_id, kind },
            },
            _ => WebhookEvent::Other { event_id, kind },
        },
    )
}
