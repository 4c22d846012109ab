//! A loopback fake of Stripe's Checkout Sessions API as its reference documents it: `POST
//! /v1/checkout/sessions` with form-encoded parameters (bearer secret key, `Idempotency-Key` honoured:
//! the same key answers the same session), `GET /v1/checkout/sessions/{id}`, Stripe's error object for
//! a request it cannot take; and the `checkout.session.*` events Stripe would send once the buyer pays
//! (signing them is the caller's: `pixel_stripe::sign`, exactly as Stripe signs).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const FAKE_SECRET_KEY: &str = "sk_test_pixel_fake";
pub const FAKE_WEBHOOK_SECRET: &str = "whsec_pixel_fake";

#[derive(Default)]
struct Shared {
    sessions: HashMap<String, Value>,
    by_idempotency_key: HashMap<String, String>,
    next: u32,
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

async fn create(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {FAKE_SECRET_KEY}") {
        return stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided",
        );
    }
    let form: HashMap<String, String> = form_pairs(&body).into_iter().collect();
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut s = lock(&shared);
    if let Some(id) = key.as_ref().and_then(|k| s.by_idempotency_key.get(k)) {
        if let Some(session) = s.sessions.get(id) {
            return Json(session.clone()).into_response();
        }
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
    let metadata: serde_json::Map<String, Value> = form
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("metadata[")
                .and_then(|k| k.strip_suffix(']'))
                .map(|k| (k.to_string(), json!(v)))
        })
        .collect();
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
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "shipping_options": [],
        "status": "open",
        "success_url": success,
        "url": format!("https://checkout.stripe.com/c/pay/{id}"),
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
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Stripe fake");
        let base_url = format!("http://{}/", listener.local_addr().expect("addr"));
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

    /// How many sessions were created.
    pub fn sessions(&self) -> usize {
        lock(&self.shared).sessions.len()
    }

    /// The buyer finished on Stripe's page: the session as it now stands (`payment_status` paid, or
    /// unpaid for a delayed method), and the event Stripe sends for it, as JSON text to sign.
    pub fn event(&self, event_id: &str, kind: &str, session_id: &str, paid: bool) -> String {
        let mut s = lock(&self.shared);
        let session = s.sessions.get_mut(session_id).map(|session| {
            session["status"] = json!("complete");
            session["payment_status"] = json!(if paid { "paid" } else { "unpaid" });
            session.clone()
        });
        json!({
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "created": 1_796_000_100,
            "data": {"object": session.unwrap_or(Value::Null)},
            "livemode": false,
            "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null},
            "type": kind
        })
        .to_string()
    }
}
