//! The gateway against a loopback server that answers `POST /v1/checkout/sessions` as Stripe's API
//! documents it (form-encoded parameters, a Checkout Session object back), and webhook deliveries
//! signed as Stripe signs them: accepted when right, refused when forged, stale or unreadable.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use pixel_stripe::{
    sign, verify_at, CheckoutRequest, StripeConfig, StripeGateway, WebhookEvent, WebhookRefusal,
};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const SECRET: &str = "whsec_test_pixel";

#[derive(Default)]
struct Seen {
    form: Vec<(String, String)>,
    auth: String,
    idempotency_key: String,
}

async fn create_session(
    State(seen): State<Arc<Mutex<Seen>>>,
    headers: HeaderMap,
    body: String,
) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap_or_default();
    let field = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if field("mode").as_deref() != Some("payment") {
        // Stripe's answer to a request it cannot take.
        return Err((
            StatusCode::BAD_REQUEST,
            Json(
                json!({"error": {"type": "invalid_request_error", "message": "Missing required param: mode."}}),
            ),
        ));
    }
    let reference = field("client_reference_id");
    let mut s = seen.lock().unwrap();
    s.auth = header("authorization");
    s.idempotency_key = header("idempotency-key");
    s.form = form;
    Ok(Json(checkout_session(
        "cs_test_1",
        reference.as_deref(),
        "unpaid",
        Some(299),
    )))
}

/// A Checkout Session object as Stripe's API reference shows it.
fn checkout_session(
    id: &str,
    reference: Option<&str>,
    payment_status: &str,
    amount: Option<i64>,
) -> Value {
    json!({
        "id": id,
        "object": "checkout.session",
        "amount_total": amount,
        "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "cancel_url": "http://127.0.0.1/credits",
        "client_reference_id": reference,
        "created": 1_796_000_000,
        "currency": "usd",
        "custom_fields": [],
        "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "expires_at": 1_796_086_400,
        "livemode": false,
        "metadata": {},
        "mode": "payment",
        "payment_method_types": ["card"],
        "payment_status": payment_status,
        "shipping_options": [],
        "status": if payment_status == "paid" { "complete" } else { "open" },
        "success_url": "http://127.0.0.1/credits?paid=1",
        "url": format!("https://checkout.stripe.com/c/pay/{id}")
    })
}

fn event(id: &str, kind: &str, object: Value) -> String {
    json!({
        "id": id,
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

#[tokio::test]
async fn a_checkout_session_is_created_with_the_servers_price_and_reference() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let gateway = StripeGateway::new(&StripeConfig {
        secret_key: "sk_test_pixel".into(),
        api_base: base,
        webhook_secret: SECRET.into(),
    })
    .unwrap();
    let created = gateway
        .create_checkout(&CheckoutRequest {
            checkout_id: "chk_1",
            user_id: "u_1",
            pack_id: "pack_50",
            name: "50 credits",
            amount: 299,
            success_url: "http://127.0.0.1/credits?paid=1",
            cancel_url: "http://127.0.0.1/credits",
        })
        .await
        .unwrap();
    assert_eq!(created.session_id, "cs_test_1");
    assert_eq!(created.url, "https://checkout.stripe.com/c/pay/cs_test_1");

    let seen = seen.lock().unwrap();
    assert_eq!(seen.auth, "Bearer sk_test_pixel");
    assert_eq!(
        seen.idempotency_key, "checkout-chk_1",
        "a retry gets the same session"
    );
    let field = |k: &str| {
        seen.form
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("client_reference_id"), Some("chk_1"));
    assert_eq!(field("line_items[0][price_data][unit_amount]"), Some("299"));
    assert_eq!(field("line_items[0][price_data][currency]"), Some("usd"));
    assert_eq!(
        field("line_items[0][price_data][product_data][name]"),
        Some("50 credits")
    );
    assert_eq!(field("line_items[0][quantity]"), Some("1"));
    assert_eq!(field("metadata[pack_id]"), Some("pack_50"));
    assert_eq!(field("metadata[user_id]"), Some("u_1"));

    // A Stripe API address that is not one is refused up front, not a panic inside async-stripe.
    assert!(StripeGateway::new(&StripeConfig {
        secret_key: "sk".into(),
        api_base: "not a url".into(),
        webhook_secret: SECRET.into(),
    })
    .is_err());
}

#[test]
fn webhook_deliveries_are_taken_only_when_signed_recently_with_our_secret() {
    let now = 1_796_000_200;
    let paid = event(
        "evt_1",
        "checkout.session.completed",
        checkout_session("cs_test_1", Some("chk_1"), "paid", Some(299)),
    );
    let header = sign(&paid, SECRET, now - 10);
    assert_eq!(
        verify_at(&paid, Some(&header), SECRET, now),
        Ok(WebhookEvent::CheckoutCompleted {
            event_id: "evt_1".into(),
            kind: "checkout.session.completed".into(),
            session_id: "cs_test_1".into(),
            checkout_id: Some("chk_1".into()),
            paid: true,
            amount_total: Some(299),
            created: 1_796_000_100,
        })
    );
    // A delayed payment method completes the session unpaid: news, but nothing to credit yet.
    let unpaid = event(
        "evt_2",
        "checkout.session.completed",
        checkout_session("cs_test_2", Some("chk_2"), "unpaid", Some(299)),
    );
    let got = verify_at(&unpaid, Some(&sign(&unpaid, SECRET, now)), SECRET, now).unwrap();
    assert!(matches!(
        got,
        WebhookEvent::CheckoutCompleted { paid: false, .. }
    ));

    // Refused: no header, another secret, a changed payload, a replay past five minutes, a header
    // that is not Stripe's, and a signed payload that is not an event.
    assert_eq!(
        verify_at(&paid, None, SECRET, now),
        Err(WebhookRefusal::MissingSignature)
    );
    let forged = sign(&paid, "whsec_someone_else", now);
    assert_eq!(
        verify_at(&paid, Some(&forged), SECRET, now),
        Err(WebhookRefusal::BadSignature)
    );
    let changed = paid.replace("299", "29900");
    assert_eq!(
        verify_at(&changed, Some(&header), SECRET, now),
        Err(WebhookRefusal::BadSignature)
    );
    let old = sign(&paid, SECRET, now - 301);
    assert_eq!(
        verify_at(&paid, Some(&old), SECRET, now),
        Err(WebhookRefusal::Stale(301))
    );
    assert_eq!(
        verify_at(&paid, Some("v1=abc"), SECRET, now),
        Err(WebhookRefusal::BadSignature)
    );
    let garbage = "{\"hello\": 1}";
    assert!(matches!(
        verify_at(garbage, Some(&sign(garbage, SECRET, now)), SECRET, now),
        Err(WebhookRefusal::Unreadable(_))
    ));

    // Other events are acknowledged as what they are.
    let other = event(
        "evt_3",
        "customer.created",
        json!({"id": "cus_1", "object": "customer", "created": 1, "livemode": false}),
    );
    assert!(matches!(
        verify_at(&other, Some(&sign(&other, SECRET, now)), SECRET, now),
        Ok(WebhookEvent::Other { ref kind, .. }) if kind == "customer.created"
    ));
}
