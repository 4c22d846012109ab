//! Credit packs sold through Stripe Checkout: the payment port's Stripe side (a session per purchase,
//! back to this server's own pages), and the webhook (`POST /api/payments/stripe`) that credits a
//! purchase once Stripe's signed event says it is paid, and takes the credits back when the payment is
//! refunded or disputed. A refused delivery is answered 400 with the reason logged; one acted on, or
//! knowingly ignored, 200 (Stripe stops retrying it); a refund that arrives before the payment it
//! refunds, 409 (Stripe delivers it again later, by when the payment has arrived).

use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pixel_core::credits::{
    apply_completed_payment, apply_payment_reversal, CompletedPayment, MoneyBack, PaymentReversal,
    Payments, Purchase, ReversalOutcome, StartedCheckout,
};
use pixel_core::payouts::{self, Payout};
use pixel_core::prints::{PrintOrder, PrintPayment};
use pixel_core::{Error, ErrorCode, Result};
use pixel_stripe::{CheckoutRequest, StripeConfig, StripeGateway, WebhookEvent};
use std::sync::Arc;

use crate::http::Http;
use crate::Config;

/// The largest webhook body taken (Stripe's events are a few kB).
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// Stripe Checkout as the core's payment port.
pub struct StripePayments {
    gateway: StripeGateway,
    /// Where Stripe sends the buyer back: this server's Credits page.
    origin: String,
}

/// The Stripe side of a server with `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET`; None without them.
pub fn stripe(config: &Config, public_origin: &str) -> anyhow::Result<Option<Arc<StripePayments>>> {
    let (Some(secret_key), Some(webhook_secret)) =
        (&config.stripe_secret_key, &config.stripe_webhook_secret)
    else {
        return Ok(None);
    };
    let gateway = StripeGateway::new(&StripeConfig {
        secret_key: secret_key.clone(),
        api_base: config
            .stripe_api_base
            .clone()
            .unwrap_or_else(|| pixel_stripe::STRIPE_API_BASE.into()),
        webhook_secret: webhook_secret.clone(),
    })
    .map_err(|e| anyhow::anyhow!("STRIPE_API_BASE: {e}"))?;
    Ok(Some(Arc::new(StripePayments {
        gateway,
        origin: public_origin.trim_end_matches('/').to_string(),
    })))
}

#[async_trait]
impl Payments for StripePayments {
    async fn start_checkout(&self, purchase: &Purchase) -> Result<StartedCheckout> {
        let success = format!("{}/credits?purchase={}", self.origin, purchase.id);
        let cancel = format!("{}/credits", self.origin);
        let name = format!("{} Pixel Studio credits", purchase.pack.credits);
        let created = self
            .gateway
            .create_checkout(&CheckoutRequest {
                checkout_id: &purchase.id,
                user_id: &purchase.user_id,
                item: &purchase.pack.id,
                name: &name,
                amount: purchase.pack.amount,
                success_url: &success,
                cancel_url: &cancel,
            })
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, purchase = %purchase.id, "Stripe Checkout failed");
                Error::new(
                    ErrorCode::Unavailable,
                    format!("the payment page could not be opened: {e}"),
                )
            })?;
        Ok(StartedCheckout {
            session_id: created.session_id,
            url: created.url,
        })
    }

    async fn start_print_checkout(&self, order: &PrintOrder) -> Result<StartedCheckout> {
        let back = format!("{}/prints?order={}", self.origin, order.id);
        let q = &order.quote;
        let name = format!(
            "{} × {} {} print, shipping included",
            q.quantity,
            q.product.name(),
            q.size
        );
        let created = self
            .gateway
            .create_checkout(&CheckoutRequest {
                checkout_id: &order.id,
                user_id: &order.buyer_id,
                item: "print",
                name: &name,
                amount: q.total,
                success_url: &back,
                cancel_url: &format!("{}/images/{}", self.origin, order.image_id),
            })
            .await
            .map_err(|e| Self::failed("opening the payment page", e))?;
        Ok(StartedCheckout {
            session_id: created.session_id,
            url: created.url,
        })
    }

    async fn refund_payment(
        &self,
        for_id: &str,
        payment_intent: &str,
        amount: i64,
    ) -> Result<String> {
        self.gateway
            .refund(for_id, payment_intent, amount)
            .await
            .map_err(|e| Self::failed("the refund", e))
    }

    async fn create_payout_account(&self, user_id: &str) -> Result<String> {
        self.gateway
            .create_connected_account(user_id)
            .await
            .map_err(|e| Self::failed("setting up payouts", e))
    }

    async fn payout_onboarding_link(&self, account_id: &str) -> Result<String> {
        let back = format!("{}/earnings", self.origin);
        self.gateway
            .onboarding_link(account_id, &back, &format!("{back}?payouts=done"))
            .await
            .map_err(|e| Self::failed("opening the payout set-up page", e))
    }

    async fn transfer_payout(&self, payout: &Payout, account_id: &str) -> Result<String> {
        self.gateway
            .transfer(&payout.id, account_id, payout.amount)
            .await
            .map_err(|e| Self::failed("the transfer", e))
    }
}

impl StripePayments {
    /// A Stripe failure as the core's error: logged, and named to the person who asked.
    fn failed(what: &str, e: pixel_stripe::StripeFailure) -> Error {
        tracing::warn!(error = %e, "Stripe: {what} failed");
        Error::new(ErrorCode::Unavailable, format!("{what} failed: {e}"))
    }

    fn verify(
        &self,
        payload: &str,
        signature: Option<&str>,
    ) -> std::result::Result<WebhookEvent, String> {
        self.gateway
            .verify(payload, signature)
            .map_err(|e| e.to_string())
    }
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// `POST /api/payments/stripe`: one webhook delivery.
pub async fn stripe_webhook(State(http): State<Http>, headers: HeaderMap, body: Bytes) -> Response {
    let node = &http.0;
    let Some(stripe) = &node.stripe else {
        return answer(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": {"code": "not_found", "message": "this server takes no payments"}}),
        );
    };
    let refuse = |reason: String| {
        tracing::warn!(%reason, "refused a Stripe webhook delivery");
        answer(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": {"code": "invalid_input", "message": reason}}),
        )
    };
    let Ok(payload) = std::str::from_utf8(&body) else {
        return refuse("the body is not UTF-8".into());
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let event = match stripe.verify(payload, signature) {
        Ok(event) => event,
        Err(reason) => return refuse(reason),
    };
    match event {
        WebhookEvent::CheckoutCompleted {
            event_id,
            kind,
            session_id,
            checkout_id,
            paid,
            amount_total,
            payment_intent,
            ..
        } => {
            if let Some(order_id) = checkout_id.as_deref().filter(|id| id.starts_with("print_")) {
                let paid = PrintPayment {
                    order_id: order_id.to_string(),
                    session_id,
                    paid,
                    amount_total,
                    payment_intent,
                };
                return crate::printful::print_paid(node, &event_id, &paid).await;
            }
            let done = CompletedPayment {
                event_id,
                kind,
                session_id,
                purchase_id: checkout_id,
                paid,
                amount_total,
                payment_intent,
            };
            match apply_completed_payment(&node.app, &done).await {
                Ok(outcome) => answer(
                    StatusCode::OK,
                    serde_json::json!({"received": true, "outcome": outcome.as_str()}),
                ),
                // The database failed: 500, so Stripe delivers it again later.
                Err(e) => crate::http::ApiError(e).into_response(),
            }
        }
        WebhookEvent::Refunded {
            event_id,
            kind,
            payment_intent,
            amount_refunded,
        } => {
            reverse(
                node,
                PaymentReversal {
                    event_id,
                    kind,
                    payment_intent,
                    change: MoneyBack::Refunded { amount_refunded },
                },
            )
            .await
        }
        WebhookEvent::Disputed {
            event_id,
            kind,
            payment_intent,
            amount,
            closed,
        } => {
            let change = match closed {
                None => MoneyBack::DisputeOpened { amount },
                Some(won) => MoneyBack::DisputeClosed { amount, won },
            };
            reverse(
                node,
                PaymentReversal {
                    event_id,
                    kind,
                    payment_intent,
                    change,
                },
            )
            .await
        }
        WebhookEvent::AccountUpdated {
            event_id,
            account_id,
            payouts_enabled,
        } => {
            tracing::info!(event = %event_id, account = %account_id, payouts_enabled, "a payout account changed");
            acted(payouts::account_updated(&node.app, &account_id, payouts_enabled).await)
        }
        WebhookEvent::TransferReversed {
            event_id,
            transfer_id,
        } => {
            tracing::info!(event = %event_id, transfer = %transfer_id, "a payout's transfer was reversed");
            acted(payouts::transfer_reversed(&node.app, &transfer_id).await)
        }
        WebhookEvent::ConnectedPayoutPaid {
            event_id,
            account_id,
        } => {
            tracing::info!(event = %event_id, account = %account_id, "a creator's payout reached their bank");
            acted(payouts::connected_payout_paid(&node.app, &account_id).await)
        }
        WebhookEvent::ConnectedPayoutFailed {
            event_id,
            account_id,
            reason,
        } => {
            tracing::warn!(event = %event_id, account = %account_id, %reason, "a creator's bank refused a payout");
            acted(payouts::connected_payout_failed(&node.app, &account_id, &reason).await)
        }
        WebhookEvent::Other { event_id, kind } => {
            tracing::debug!(event = %event_id, %kind, "a Stripe event this server does not act on");
            answer(
                StatusCode::OK,
                serde_json::json!({"received": true, "outcome": "ignored"}),
            )
        }
    }
}

async fn reverse(node: &crate::Node, change: PaymentReversal) -> Response {
    match apply_payment_reversal(&node.app, &change).await {
        Ok(ReversalOutcome::NotYetKnown) => answer(
            StatusCode::CONFLICT,
            serde_json::json!({"error": {"code": "conflict",
                "message": "no paid purchase has this payment yet: deliver it again later"}}),
        ),
        Ok(outcome) => answer(
            StatusCode::OK,
            serde_json::json!({"received": true, "outcome": outcome.as_str()}),
        ),
        Err(e) => crate::http::ApiError(e).into_response(),
    }
}

/// The answer to an event acted on: 200, or 500 when the database failed (Stripe delivers it again).
fn acted(result: Result<()>) -> Response {
    match result {
        Ok(()) => answer(
            StatusCode::OK,
            serde_json::json!({"received": true, "outcome": "applied"}),
        ),
        Err(e) => crate::http::ApiError(e).into_response(),
    }
}
