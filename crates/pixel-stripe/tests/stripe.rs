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
        pack_id: "pack_50",
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
    assert_eq!(session["metadata"]["pack_id"], "pack_50");
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
