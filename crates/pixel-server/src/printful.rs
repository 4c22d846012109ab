//! Prints made by Printful: the print lab port over Printful's orders API (`POST /orders?confirm=true`
//! named by our order id as `external_id`, `GET /orders/@<id>`), the file address Printful downloads
//! an order's original from (`GET /api/prints/<order>/file?token=…`, while the order is being made),
//! a paid checkout sent on to Printful, and Printful's webhook (`POST /api/prints/printful?token=…`).
//! Printful does not sign its webhooks, so a delivery is only a hint: the order's state is read back
//! from Printful's API before anything changes.

use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pixel_core::prints::{
    apply_lab_order, apply_print_payment, LabOrder, PrintLab, PrintOrder, PrintPayment,
    PrintStatus, Tracking,
};
use pixel_core::{Error, ErrorCode, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

use crate::http::Http;

pub const PRINTFUL_API_BASE: &str = "https://api.printful.com";
/// The largest webhook body taken (Printful's events are a few kB).
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// Printful's API with a private token.
pub struct Printful {
    http: reqwest::Client,
    base: String,
    api_key: String,
    /// The secret Printful's webhook address carries (`?token=`): without it, no webhook is taken.
    webhook_secret: Option<String>,
}

impl Printful {
    pub fn new(base: &str, api_key: &str, webhook_secret: Option<String>) -> anyhow::Result<Self> {
        Ok(Printful {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            base: base.trim_end_matches('/').to_string(),
            api_key: api_key.to_string(),
            webhook_secret,
        })
    }

    /// One call: Printful's `result` on success, its message as the error otherwise.
    async fn call(
        &self,
        req: reqwest::RequestBuilder,
    ) -> std::result::Result<Value, (u16, String)> {
        let resp = req
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(|e| (0, format!("Printful could not be reached: {e}")))?;
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.map_err(|e| {
            (
                status,
                format!("Printful answered something unreadable: {e}"),
            )
        })?;
        if (200..300).contains(&status) {
            return Ok(body["result"].clone());
        }
        let message = body["error"]["message"]
            .as_str()
            .or_else(|| body["result"].as_str())
            .unwrap_or("no reason given")
            .to_string();
        Err((status, message))
    }

    fn failed(what: &str, (status, message): (u16, String)) -> Error {
        tracing::warn!(status, %message, "Printful: {what} failed");
        let code = if status == 400 {
            ErrorCode::ProviderRejected
        } else {
            ErrorCode::Unavailable
        };
        Error::new(code, format!("the print lab refused {what}: {message}"))
    }
}

/// Printful's order as the lab port needs it.
fn lab_order(result: &Value) -> Result<LabOrder> {
    let id = result["id"]
        .as_i64()
        .map(|i| i.to_string())
        .or_else(|| result["id"].as_str().map(str::to_string))
        .ok_or_else(|| Error::new(ErrorCode::ProviderError, "Printful's order has no id"))?;
    let status = result["status"]
        .as_str()
        .ok_or_else(|| Error::new(ErrorCode::ProviderError, "Printful's order has no status"))?
        .to_string();
    let tracking = result["shipments"]
        .as_array()
        .and_then(|s| s.first())
        .and_then(|s| {
            Some(Tracking {
                carrier: s["carrier"].as_str().unwrap_or_default().to_string(),
                number: s["tracking_number"].as_str()?.to_string(),
                url: s["tracking_url"].as_str().unwrap_or_default().to_string(),
            })
        });
    Ok(LabOrder {
        lab_order_id: id,
        status,
        tracking,
    })
}

/// The id Printful knows an order by: ours without its prefix (Printful takes at most 32 characters).
fn external_id(order_id: &str) -> &str {
    order_id.strip_prefix("print_").unwrap_or(order_id)
}

/// Cents as Printful writes money ("29.99").
fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[async_trait]
impl PrintLab for Printful {
    async fn submit(&self, order: &PrintOrder, file_url: &str) -> Result<LabOrder> {
        let q = &order.quote;
        let r = &order.recipient;
        let body = json!({
            "external_id": external_id(&order.id),
            "shipping": "STANDARD",
            "recipient": {
                "name": r.name,
                "address1": r.address1,
                "address2": r.address2,
                "city": r.city,
                "state_code": r.state_code,
                "country_code": r.country_code,
                "zip": r.zip,
                "email": r.email,
            },
            "items": [{
                "variant_id": q.variant_id,
                "quantity": q.quantity,
                "retail_price": money(q.unit_price),
                "files": [{"type": "default", "url": file_url}],
            }],
            "retail_costs": {
                "currency": q.currency.to_uppercase(),
                "subtotal": money(q.items),
                "shipping": money(q.shipping),
                "total": money(q.total),
            },
        });
        let sent = self
            .call(
                self.http
                    .post(format!("{}/orders", self.base))
                    .query(&[("confirm", "true")])
                    .json(&body),
            )
            .await;
        match sent {
            Ok(result) => lab_order(&result),
            // Sent before (a retried delivery): the order the first one made.
            Err((400, message)) if message.to_lowercase().contains("external id") => {
                self.order(&order.id).await
            }
            Err(e) => Err(Self::failed("the order", e)),
        }
    }

    async fn order(&self, order_id: &str) -> Result<LabOrder> {
        let result = self
            .call(
                self.http
                    .get(format!("{}/orders/@{}", self.base, external_id(order_id))),
            )
            .await
            .map_err(|e| Self::failed("reading the order", e))?;
        lab_order(&result)
    }

    async fn cancel(&self, order_id: &str) -> Result<LabOrder> {
        let result = self
            .call(self.http.delete(format!(
                "{}/orders/@{}",
                self.base,
                external_id(order_id)
            )))
            .await
            .map_err(|e| match e {
                (400, message) => Error::new(
                    ErrorCode::Conflict,
                    format!("the print lab has started making this order, so it can no longer be cancelled ({message})"),
                ),
                other => Self::failed("cancelling the order", other),
            })?;
        lab_order(&result)
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// A print order's checkout, paid: recorded, then sent to Printful. A failure answers 500 so Stripe
/// delivers the event again, and the order is sent then.
pub async fn print_paid(node: &crate::Node, event_id: &str, paid: &PrintPayment) -> Response {
    let Some(lab) = &node.printful else {
        tracing::warn!(event = %event_id, "a print order was paid on a server without a print lab");
        return answer(
            StatusCode::OK,
            json!({"received": true, "outcome": "ignored"}),
        );
    };
    match apply_print_payment(&node.app, lab.as_ref(), &node.auth.public_origin, paid).await {
        Ok(outcome) => {
            tracing::info!(event = %event_id, order = %paid.order_id, outcome, "a print order's payment");
            answer(
                StatusCode::OK,
                json!({"received": true, "outcome": outcome}),
            )
        }
        Err(e) if e.code == ErrorCode::NotFound => answer(
            StatusCode::OK,
            json!({"received": true, "outcome": "refused"}),
        ),
        Err(e) => crate::http::ApiError(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// `GET /api/prints/<order>/file?token=…`: the original Printful prints, while the order is being made.
pub async fn print_file(
    State(http): State<Http>,
    Path(order_id): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let node = &http.0;
    let not_found = || StatusCode::NOT_FOUND.into_response();
    let Ok(Some(order)) = node.app.store.prints().print_order(&order_id).await else {
        return not_found();
    };
    let making = matches!(order.status, PrintStatus::Paid | PrintStatus::InProduction);
    if !making || !same_secret(&q.token, &order.file_token) {
        return not_found();
    }
    match node.app.blobs.get(&order.file_sha256).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, order.file_mime.clone()),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            bytes,
        )
            .into_response(),
        _ => not_found(),
    }
}

/// `POST /api/prints/printful?token=…`: Printful says an order changed. Its own API says how.
pub async fn printful_webhook(
    State(http): State<Http>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> Response {
    let node = &http.0;
    let Some(lab) = &node.printful else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let secret_ok = lab
        .webhook_secret
        .as_deref()
        .is_some_and(|s| same_secret(&q.token, s));
    if !secret_ok {
        tracing::warn!("refused a Printful webhook delivery without the right token");
        return answer(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"code": "unauthenticated", "message": "the webhook token is wrong"}}),
        );
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": "invalid_body", "message": "the body is not JSON"}}),
        );
    };
    let kind = event["type"].as_str().unwrap_or_default();
    let Some(order_id) = event["data"]["order"]["external_id"]
        .as_str()
        .map(|id| format!("print_{id}"))
    else {
        tracing::debug!(%kind, "a Printful event about no order of ours");
        return answer(
            StatusCode::OK,
            json!({"received": true, "outcome": "ignored"}),
        );
    };
    let order = match node.app.store.prints().print_order(&order_id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            return answer(
                StatusCode::OK,
                json!({"received": true, "outcome": "ignored"}),
            )
        }
        Err(e) => return crate::http::ApiError(e).into_response(),
    };
    let now = match lab.order(&order_id).await {
        Ok(now) => now,
        // Printful cannot be asked now: 500, so it delivers the event again.
        Err(e) => return crate::http::ApiError(e).into_response(),
    };
    tracing::info!(order = %order_id, %kind, status = %now.status, "Printful reported a print order");
    match apply_lab_order(&node.app, &order, &now).await {
        Ok(()) => answer(
            StatusCode::OK,
            json!({"received": true, "outcome": "applied"}),
        ),
        Err(e) => crate::http::ApiError(e).into_response(),
    }
}
