//! The gateway against a loopback server that answers `POST /v1/checkout/sessions` as Stripe's API
//! documents it (form-encoded parameters, a Checkout Session object back), and webhook deliveries
//! signed as Stripe signs them: accepted when right, refused when forged, stale or unreadable.

use pixel_stripe::{
    verify_at, CheckoutRequest, StripeConfig, StripeGateway, WebhookEvent, WebhookRefusal,
};
use pixel_testkit::stripe_fake::{event_json as event, sign, FakeStripe, FAKE_SECRET_KEY};
use serde_json::{json, Value};

const SECRET: &str = "whsec_test_pixel";

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
        "payment_intent": format!("pi_{}", id.trim_start_matches("cs_")),
        "payment_status": payment_status,
        "shipping_options": [],
        "status": if payment_status == "paid" { "complete" } else { "open" },
        "success_url": "http://127.0.0.1/credits?paid=1",
        "url": format!("https://checkout.stripe.com/c/pay/{id}")
    })
}

#[tokio::test]
async fn a_checkout_session_is_created_with_the_servers_price_and_reference() {
    let stripe = FakeStripe::start().await;
    let gateway = StripeGateway::new(&StripeConfig {
        secret_key: FAKE_SECRET_KEY.into(),
        api_base: stripe.base_url.clone(),
        webhook_secret: SECRET.into(),
    })
    .unwrap();
    let request = CheckoutRequest {
        checkout_id: "chk_1",
        user_id: "u_1",
        item: "pack_50",
        name: "50 credits",
        amount: 299,
        success_url: "http://127.0.0.1/credits?paid=1",
        cancel_url: "http://127.0.0.1/credits",
    };
    let created = gateway.create_checkout(&request).await.unwrap();
    let session = stripe.session(&created.session_id).expect("the session");
    assert_eq!(session["url"], created.url.as_str());
    assert_eq!(session["client_reference_id"], "chk_1");
    assert_eq!(session["amount_total"], 299);
    assert_eq!(session["currency"], "usd");
    assert_eq!(session["metadata"]["item"], "pack_50");
    assert_eq!(session["metadata"]["user_id"], "u_1");
    assert_eq!(session["success_url"], "http://127.0.0.1/credits?paid=1");
    // A retry of the same purchase (the idempotency key is the purchase's) is the same session.
    let again = gateway.create_checkout(&request).await.unwrap();
    assert_eq!(again, created);
    assert_eq!(stripe.sessions(), 1);

    // Stripe's refusal (a wrong key) is an error with Stripe's message, not a panic or a session.
    let wrong_key = StripeGateway::new(&StripeConfig {
        secret_key: "sk_test_wrong".into(),
        api_base: stripe.base_url.clone(),
        webhook_secret: SECRET.into(),
    })
    .unwrap();
    let err = wrong_key.create_checkout(&request).await.unwrap_err();
    assert!(err.to_string().contains("Invalid API Key"), "{err}");

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
            payment_intent: Some("pi_test_1".into()),
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

/// A Charge as Stripe sends it in `charge.refunded` (API 2024+: no embedded refunds list).
fn refunded_charge(payment_intent: Value, amount: i64, amount_refunded: i64) -> Value {
    json!({
        "id": "ch_test_1",
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "captured": true,
        "currency": "usd",
        "livemode": false,
        "paid": true,
        "payment_intent": payment_intent,
        "refunded": amount_refunded == amount,
        "status": "succeeded"
    })
}

fn dispute(status: &str, amount: i64) -> Value {
    json!({
        "id": "dp_test_1",
        "object": "dispute",
        "amount": amount,
        "charge": "ch_test_1",
        "created": 1_796_000_000,
        "currency": "usd",
        "is_charge_refundable": false,
        "livemode": false,
        "metadata": {},
        "payment_intent": "pi_test_1",
        "reason": "fraudulent",
        "status": status
    })
}

#[test]
fn refunds_and_disputes_name_the_payment_and_the_amounts() {
    let now = 1_796_000_200;
    let verify = |payload: &str| verify_at(payload, Some(&sign(payload, SECRET, now)), SECRET, now);
    let partial = event(
        "evt_r1",
        "charge.refunded",
        refunded_charge(json!("pi_test_1"), 299, 100),
    );
    assert_eq!(
        verify(&partial),
        Ok(WebhookEvent::Refunded {
            event_id: "evt_r1".into(),
            kind: "charge.refunded".into(),
            payment_intent: "pi_test_1".into(),
            amount_refunded: 100,
        })
    );
    // An expanded PaymentIntent names the same payment.
    let expanded = event(
        "evt_r2",
        "charge.refunded",
        refunded_charge(
            json!({"id": "pi_test_1", "object": "payment_intent"}),
            299,
            299,
        ),
    );
    assert!(matches!(
        verify(&expanded),
        Ok(WebhookEvent::Refunded { ref payment_intent, amount_refunded: 299, .. }) if payment_intent == "pi_test_1"
    ));
    // A charge made without a PaymentIntent was not made by Checkout: acknowledged, not acted on.
    let legacy = event(
        "evt_r3",
        "charge.refunded",
        refunded_charge(Value::Null, 299, 299),
    );
    assert!(matches!(verify(&legacy), Ok(WebhookEvent::Other { .. })));

    let opened = event(
        "evt_d1",
        "charge.dispute.created",
        dispute("needs_response", 299),
    );
    assert_eq!(
        verify(&opened),
        Ok(WebhookEvent::Disputed {
            event_id: "evt_d1".into(),
            kind: "charge.dispute.created".into(),
            payment_intent: "pi_test_1".into(),
            amount: 299,
            closed: None,
        })
    );
    let won = event("evt_d2", "charge.dispute.closed", dispute("won", 299));
    assert!(matches!(
        verify(&won),
        Ok(WebhookEvent::Disputed {
            closed: Some(true),
            ..
        })
    ));
    let lost = event("evt_d3", "charge.dispute.closed", dispute("lost", 299));
    assert!(matches!(
        verify(&lost),
        Ok(WebhookEvent::Disputed {
            closed: Some(false),
            ..
        })
    ));
    // An inquiry withdraws no funds: nothing to take back.
    let inquiry = event(
        "evt_d4",
        "charge.dispute.created",
        dispute("warning_needs_response", 299),
    );
    assert!(matches!(verify(&inquiry), Ok(WebhookEvent::Other { .. })));
}
