//! Prints made by Printful: the print lab port over Printful's orders API (`POST /orders?confirm=true`
//! named by our order id as `external_id`, `GET /orders/@<id>`) and its catalogue (`GET /products/<id>`:
//! the variant that makes each size, read rather than hard-coded), the file address Printful downloads
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
    PrintProduct, PrintStatus, Tracking,
};
use pixel_core::{Error, ErrorCode, Result};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::Http;

pub const PRINTFUL_API_BASE: &str = "https://api.printful.com";
/// The largest webhook body taken (Printful's events are a few kB).
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

/// How long a product's catalogue variants are trusted before they are read again.
const CATALOG_TTL: Duration = Duration::from_secs(6 * 3600);

/// Printful's catalogue products that make each print by default (in inches): Enhanced Matte Paper
/// Poster (1), Enhanced Matte Paper Framed Poster (2) and Canvas (3). Metal prints are sold once
/// `PRINTFUL_PRODUCTS` names the product that makes them.
pub fn default_catalog() -> Vec<(PrintProduct, i64)> {
    vec![
        (PrintProduct::Poster, 1),
        (PrintProduct::Framed, 2),
        (PrintProduct::Canvas, 3),
    ]
}

/// `poster=1,framed=2,canvas=3`: None for an unknown kind, a repeated one or an id that is not a
/// positive number.
pub fn parse_catalog(v: &str) -> Option<Vec<(PrintProduct, i64)>> {
    let mut catalog: Vec<(PrintProduct, i64)> = Vec::new();
    for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, id) = pair.split_once('=')?;
        let kind = PrintProduct::parse(kind.trim())?;
        let id = id.trim().parse::<i64>().ok().filter(|id| *id > 0)?;
        if catalog.iter().any(|(k, _)| *k == kind) {
            return None;
        }
        catalog.push((kind, id));
    }
    Some(catalog)
}

/// A catalogue variant as the lab port needs it.
#[derive(Debug, Clone)]
struct CatalogVariant {
    id: i64,
    /// Inches as the prices name them ("18x24").
    size: String,
    color: Option<String>,
    in_stock: bool,
}

/// Printful's size ("18″×24″", "18x24") as the prices name it ("18x24").
fn plain_size(size: &str) -> String {
    size.chars()
        .filter_map(|c| match c {
            '0'..='9' | '.' => Some(c),
            'x' | 'X' | '×' => Some('x'),
            _ => None,
        })
        .collect()
}

/// The variant that makes `size`: one in stock first, and of a framed poster's frames, black.
fn pick_variant(variants: &[CatalogVariant], size: &str) -> Option<i64> {
    variants
        .iter()
        .filter(|v| v.size == size)
        .max_by_key(|v| (v.in_stock, v.color.as_deref() == Some("Black")))
        .map(|v| v.id)
}

/// Printful's API with a private token.
pub struct Printful {
    http: reqwest::Client,
    base: String,
    api_key: String,
    /// The secret Printful's webhook address carries (`?token=`): without it, no webhook is taken.
    webhook_secret: Option<String>,
    /// The catalogue product that makes each kind of print.
    catalog: Vec<(PrintProduct, i64)>,
    /// Catalogue variants by product, as last read.
    variants: Mutex<HashMap<i64, (Instant, Vec<CatalogVariant>)>>,
}

impl Printful {
    pub fn new(
        base: &str,
        api_key: &str,
        webhook_secret: Option<String>,
        catalog: Vec<(PrintProduct, i64)>,
    ) -> anyhow::Result<Self> {
        Ok(Printful {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            base: base.trim_end_matches('/').to_string(),
            api_key: api_key.to_string(),
            webhook_secret,
            catalog,
            variants: Mutex::new(HashMap::new()),
        })
    }

    /// A catalogue product's variants, from the cache while it is fresh.
    async fn catalog_variants(&self, product_id: i64) -> Result<Vec<CatalogVariant>> {
        let cached = {
            let cache = self.variants.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .get(&product_id)
                .filter(|(read, _)| read.elapsed() < CATALOG_TTL)
                .map(|(_, v)| v.clone())
        };
        if let Some(variants) = cached {
            return Ok(variants);
        }
        let result = self
            .call(
                self.http
                    .get(format!("{}/products/{product_id}", self.base)),
            )
            .await
            .map_err(|e| Self::failed("reading its catalogue", e))?;
        let variants: Vec<CatalogVariant> = result["variants"]
            .as_array()
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::ProviderError,
                    "Printful's catalogue product has no variants",
                )
            })?
            .iter()
            .filter_map(|v| {
                Some(CatalogVariant {
                    id: v["id"].as_i64()?,
                    size: plain_size(v["size"].as_str()?),
                    color: v["color"].as_str().map(str::to_string),
                    in_stock: v["in_stock"].as_bool().unwrap_or(true),
                })
            })
            .collect();
        self.variants
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(product_id, (Instant::now(), variants.clone()));
        Ok(variants)
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
    fn makes(&self, product: PrintProduct) -> bool {
        self.catalog.iter().any(|(kind, _)| *kind == product)
    }

    async fn variant(&self, product: PrintProduct, size: &str) -> Result<Option<i64>> {
        let Some((_, product_id)) = self.catalog.iter().find(|(kind, _)| *kind == product) else {
            return Ok(None);
        };
        let variants = self.catalog_variants(*product_id).await?;
        Ok(pick_variant(&variants, size))
    }

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

/// Every `print_retry_every`, sends the paid orders Printful has not taken yet to it again; an order
/// paid within the last round is left to its own webhook.
pub async fn retry_loop(node: std::sync::Arc<crate::Node>) {
    let Some(lab) = node.printful.clone() else {
        return;
    };
    let every = node.config.print_retry_every;
    let mut stopping = node.stopping.subscribe();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopping.changed() => return,
        }
        let before = node.app.clock.now_ms() - every.as_millis() as i64;
        let origin = &node.auth.public_origin;
        if let Err(e) =
            pixel_core::prints::resubmit_stalled(&node.app, lab.as_ref(), origin, before).await
        {
            tracing::warn!(error = %e.message, "could not look for stalled print orders");
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_settings_name_each_kind_once() {
        assert_eq!(
            parse_catalog(" poster=1, canvas=3 ,metal=588"),
            Some(vec![
                (PrintProduct::Poster, 1),
                (PrintProduct::Canvas, 3),
                (PrintProduct::Metal, 588)
            ])
        );
        for bad in [
            "poster",
            "poster=0",
            "mug=5",
            "poster=1,poster=2",
            "canvas=x",
        ] {
            assert_eq!(parse_catalog(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_size_is_made_by_a_variant_in_stock_in_a_black_frame() {
        assert_eq!(plain_size("18″×24″"), "18x24");
        assert_eq!(plain_size("12x16"), "12x16");
        let v = |id, size: &str, color: Option<&str>, in_stock| CatalogVariant {
            id,
            size: plain_size(size),
            color: color.map(str::to_string),
            in_stock,
        };
        let framed = [
            v(10, "18″×24″", Some("White"), true),
            v(11, "18″×24″", Some("Black"), false),
            v(12, "18″×24″", Some("Red Oak"), true),
            v(13, "24″×36″", Some("Black"), true),
        ];
        assert_eq!(pick_variant(&framed, "24x36"), Some(13));
        // The black frame is out of stock: another in stock rather than an order that waits.
        assert!(matches!(pick_variant(&framed, "18x24"), Some(10 | 12)));
        assert_eq!(pick_variant(&framed, "12x12"), None);
    }
}
