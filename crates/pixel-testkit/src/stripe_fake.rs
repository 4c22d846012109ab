//! A loopback fake of Stripe's Checkout Sessions API as its reference documents it: `POST
//! /v1/checkout/sessions` with form-encoded parameters (bearer secret key, `Idempotency-Key` honoured:
//! the same key answers the same session), `GET /v1/checkout/sessions/{id}`, Stripe's error object for
//! a request it cannot take; the hosted payment page (`/c/pay/{id}`: Pay marks the session paid, sends
//! the signed `checkout.session.completed` event to the webhook set with `POST /_fake/webhook`, and
//! returns the buyer to the session's success URL, as Stripe does); and the events themselves for tests
//! that deliver them (`event`, signed with `sign` exactly as Stripe signs); Connect and refunds are in
//! their own modules.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[path = "stripe_connect_fake.rs"]
mod connect;
#[path = "stripe_refunds_fake.rs"]
mod refunds;

pub const FAKE_SECRET_KEY: &str = "sk_test_pixel_fake";
pub const FAKE_WEBHOOK_SECRET: &str = "whsec_pixel_fake";

#[derive(Default)]
struct Shared {
    sessions: HashMap<String, Value>,
    by_idempotency_key: HashMap<String, String>,
    next: u32,
    base: String,
    /// Where paid sessions' events go (the server's webhook), if set.
    webhook: Option<String>,
    /// Connect: accounts and transfers by id, where each account's onboarding returns to.
    accounts: HashMap<String, Value>,
    transfers: HashMap<String, Value>,
    onboarding_returns: HashMap<String, String>,
    fail_transfers: bool,
    /// Refunds by id.
    refunds: HashMap<String, Value>,
}

/// The `Stripe-Signature` header Stripe sends with `payload` at `t` (seconds): HMAC-SHA256 of
/// `<t>.<payload>` with the endpoint's secret, hex, as `t=<t>,v1=<hex>`.
pub fn sign(payload: &str, secret: &str, t: i64) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("{t}.{payload}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[derive(Clone)]
pub struct FakeStripe {
    /// The base URL to configure as `STRIPE_API_BASE`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeStripe {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn stripe_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"type": kind, "message": message}})),
    )
        .into_response()
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// The `Authorization` header is the fake's secret key, or Stripe's 401.
fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (auth != format!("Bearer {FAKE_SECRET_KEY}")).then(|| {
        stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided",
        )
    })
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A create request as the handlers read it: its form fields and its idempotency key.
type CreateRequest = (HashMap<String, String>, Option<String>);

/// A create request's form fields and idempotency key, or Stripe's 401 for a wrong secret key.
fn create_request(headers: &HeaderMap, body: &str) -> Result<CreateRequest, Box<Response>> {
    if let Some(refused) = unauthorized(headers) {
        return Err(Box::new(refused));
    }
    Ok((
        form_pairs(body).into_iter().collect(),
        idempotency_key(headers),
    ))
}

/// The object an earlier request with the same idempotency key made, answered again as Stripe does.
fn replayed(
    s: &Shared,
    key: Option<&String>,
    objects: &HashMap<String, Value>,
) -> Option<Response> {
    let id = s.by_idempotency_key.get(key?)?;
    objects.get(id).map(|o| Json(o.clone()).into_response())
}

fn metadata(form: &HashMap<String, String>) -> serde_json::Map<String, Value> {
    form.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_string(), json!(v)))
        })
        .collect()
}

async fn create(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (form, key) = match create_request(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = lock(&shared);
    if let Some(earlier) = replayed(&s, key.as_ref(), &s.sessions) {
        return earlier;
    }
    if form.get("mode").map(String::as_str) != Some("payment") {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Missing required param: mode.",
        );
    }
    let (Some(unit), Some(success)) = (
        form.get("line_items[0][price_data][unit_amount]")
            .and_then(|v| v.parse::<i64>().ok()),
        form.get("success_url"),
    ) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Missing required param: line_items[0][price_data][unit_amount].",
        );
    };
    let quantity = form
        .get("line_items[0][quantity]")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(1);
    s.next += 1;
    let id = format!("cs_test_fake{:04}", s.next);
    let metadata = metadata(&form);
    let session = json!({
        "id": id,
        "object": "checkout.session",
        "amount_subtotal": unit * quantity,
        "amount_total": unit * quantity,
        "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "cancel_url": form.get("cancel_url"),
        "client_reference_id": form.get("client_reference_id"),
        "created": 1_796_000_000,
        "currency": form.get("line_items[0][price_data][currency]").cloned().unwrap_or_else(|| "usd".into()),
        "custom_fields": [],
        "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "expires_at": 1_796_086_400,
        "livemode": false,
        "metadata": metadata,
        "mode": "payment",
        "payment_intent": null,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "shipping_options": [],
        "status": "open",
        "success_url": success,
        "url": format!("{}c/pay/{id}", s.base),
    });
    s.sessions.insert(id.clone(), session.clone());
    if let Some(k) = key {
        s.by_idempotency_key.insert(k, id);
    }
    Json(session).into_response()
}

async fn retrieve(State(shared): State<Arc<Mutex<Shared>>>, Path(id): Path<String>) -> Response {
    match lock(&shared).sessions.get(&id) {
        Some(session) => Json(session.clone()).into_response(),
        None => stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such checkout.session: '{id}'"),
        ),
    }
}

/// The event Stripe sends about `object` (a session as it now stands), as JSON text to sign.
pub fn event_json(event_id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_796_000_100,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": kind
    })
    .to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// Stripe's hosted payment page, reduced to what a buyer does: see the amount, pay.
async fn pay_page(State(shared): State<Arc<Mutex<Shared>>>, Path(id): Path<String>) -> Response {
    let Some(session) = lock(&shared).sessions.get(&id).cloned() else {
        return (StatusCode::NOT_FOUND, "No such checkout session").into_response();
    };
    let amount = session["amount_total"].as_i64().unwrap_or(0);
    let html = format!(
        "<!doctype html><html><head><title>Checkout (test)</title><meta name=viewport content='width=device-width'>\
         <style>body{{font-family:system-ui,sans-serif;background:#f6f9fc;display:grid;place-items:center;min-height:90vh}}\
         main{{background:#fff;padding:32px 40px;border-radius:12px;box-shadow:0 4px 24px #0001;min-width:320px}}\
         button{{width:100%;padding:12px;border:0;border-radius:8px;background:#635bff;color:#fff;font-size:16px}}</style></head>\
         <body><main><p>Stripe test mode</p><h1>${}.{:02}</h1><p>{}</p>\
         <form method=post action='/c/pay/{}'><button type=submit>Pay</button></form></main></body></html>",
        amount / 100,
        amount % 100,
        escape(session["metadata"]["item"].as_str().unwrap_or("")),
        escape(&id),
    );
    axum::response::Html(html).into_response()
}

/// The buyer paid: the session is complete and paid, its event goes to the webhook (signed, as Stripe
/// sends it, after the buyer is on the way back), and the buyer returns to the success URL.
async fn pay(State(shared): State<Arc<Mutex<Shared>>>, Path(id): Path<String>) -> Response {
    let (session, webhook, event_id) = {
        let mut s = lock(&shared);
        s.next += 1;
        let event_id = format!("evt_fake{:04}", s.next);
        let webhook = s.webhook.clone();
        let Some(session) = s.sessions.get_mut(&id) else {
            return (StatusCode::NOT_FOUND, "No such checkout session").into_response();
        };
        complete(session, true);
        (session.clone(), webhook, event_id)
    };
    if let Some(url) = webhook {
        let payload = event_json(&event_id, "checkout.session.completed", session.clone());
        tokio::spawn(async move {
            let signature = sign(&payload, FAKE_WEBHOOK_SECRET, now_seconds());
            let sent = post_json(&url, &payload, &signature).await;
            if let Err(e) = sent {
                eprintln!("fake Stripe: the webhook to {url} failed: {e}");
            }
        });
    }
    let back = session["success_url"].as_str().unwrap_or("/").to_string();
    axum::response::Redirect::to(&back).into_response()
}

/// The buyer confirmed on the payment page: the session is complete and has its PaymentIntent
/// (paid now, or pending for a delayed method).
fn complete(session: &mut Value, paid: bool) {
    let id = session["id"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches("cs_")
        .to_string();
    session["status"] = json!("complete");
    session["payment_status"] = json!(if paid { "paid" } else { "unpaid" });
    session["payment_intent"] = json!(format!("pi_{id}"));
}

/// POSTs a JSON body with the signature header over plain HTTP/1.1 (loopback only).
async fn post_json(url: &str, body: &str, signature: &str) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// webhooks"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    let request = format!(
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Stripe-Signature: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct WebhookTarget {
    url: String,
}

/// Test control: where paid sessions' events go.
async fn set_webhook(
    State(shared): State<Arc<Mutex<Shared>>>,
    Json(target): Json<WebhookTarget>,
) -> StatusCode {
    lock(&shared).webhook = Some(target.url);
    StatusCode::NO_CONTENT
}

/// `a=1&b%5Bc%5D=2` -> pairs, percent- and plus-decoded.
fn form_pairs(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

impl FakeStripe {
    pub async fn start() -> FakeStripe {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/v1/checkout/sessions", post(create))
            .route("/v1/checkout/sessions/{id}", get(retrieve))
            .route("/c/pay/{id}", get(pay_page).post(pay))
            .route("/_fake/webhook", post(set_webhook))
            .route("/v1/accounts", post(connect::create_account))
            .route("/v1/account_links", post(connect::create_account_link))
            .route("/v1/transfers", post(connect::create_transfer))
            .route("/v1/refunds", post(refunds::create_refund))
            .route(
                "/connect/onboard/{id}",
                get(connect::onboard_page).post(connect::onboard),
            )
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Stripe fake");
        let base_url = format!("http://{}/", listener.local_addr().expect("addr"));
        lock(&shared).base = base_url.clone();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeStripe {
            base_url,
            shared,
            task: Arc::new(task),
        }
    }

    /// The session as created.
    pub fn session(&self, id: &str) -> Option<Value> {
        lock(&self.shared).sessions.get(id).cloned()
    }

    /// Every refund made, in no particular order.
    pub fn refunds(&self) -> Vec<Value> {
        lock(&self.shared).refunds.values().cloned().collect()
    }

    /// How many sessions were created.
    pub fn sessions(&self) -> usize {
        lock(&self.shared).sessions.len()
    }

    /// The buyer finished on Stripe's page: the session as it now stands (`payment_status` paid, or
    /// unpaid for a delayed method), and the event Stripe sends for it, as JSON text to sign.
    pub fn event(&self, event_id: &str, kind: &str, session_id: &str, paid: bool) -> String {
        let mut s = lock(&self.shared);
        let session = s.sessions.get_mut(session_id).map(|session| {
            complete(session, paid);
            session.clone()
        });
        event_json(event_id, kind, session.unwrap_or(Value::Null))
    }

    /// `charge.refunded` for a completed session's payment: a Charge whose `amount_refunded` is
    /// Stripe's running total (the first partial refund of 100, then a second of 50, sends 100
    /// then 150).
    pub fn refund_event(&self, event_id: &str, session_id: &str, amount_refunded: i64) -> String {
        let s = lock(&self.shared);
        let session = s.sessions.get(session_id).cloned().unwrap_or(Value::Null);
        let amount = session["amount_total"].as_i64().unwrap_or(0);
        let charge = json!({
            "id": format!("ch_{}", session_id.trim_start_matches("cs_")),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": amount_refunded,
            "balance_transaction": null,
            "captured": true,
            "created": 1_796_000_000,
            "currency": session["currency"],
            "disputed": false,
            "livemode": false,
            "metadata": {},
            "paid": true,
            "payment_intent": session["payment_intent"],
            "refunded": amount_refunded >= amount,
            "status": "succeeded"
        });
        event_json(event_id, "charge.refunded", charge)
    }

    /// `charge.dispute.created` (status `needs_response`) or `charge.dispute.closed` (`won` or
    /// `lost`) for the whole of a completed session's payment.
    pub fn dispute_event(
        &self,
        event_id: &str,
        kind: &str,
        session_id: &str,
        status: &str,
    ) -> String {
        let s = lock(&self.shared);
        let session = s.sessions.get(session_id).cloned().unwrap_or(Value::Null);
        let dispute = json!({
            "id": format!("dp_{}", session_id.trim_start_matches("cs_")),
            "object": "dispute",
            "amount": session["amount_total"],
            "balance_transactions": [],
            "charge": format!("ch_{}", session_id.trim_start_matches("cs_")),
            "created": 1_796_000_000,
            "currency": session["currency"],
            "is_charge_refundable": false,
            "livemode": false,
            "metadata": {},
            "payment_intent": session["payment_intent"],
            "reason": "fraudulent",
            "status": status
        });
        event_json(event_id, kind, dispute)
    }
}
