//! Prints through the API, Stripe's and Printful's loopback fakes, on SQLite and PostgreSQL: a quote,
//! an order paid on Stripe's page (at the quoted price only), sent to Printful once however often the
//! payment is delivered, Printful downloading the original through the order's secret address, and
//! Printful's reports (read back from its API, never trusted alone) moving the order to production and
//! to shipped with tracking, when the creator's royalty is paid once; a cancelled order (before the lab
//! starts it) or a failed one refunded once. The variant made is read from Printful's catalogue, a
//! paid order Printful missed while down is sent again, and one Printful refuses is failed and refunded.

mod common;

use common::{
    call_as, public_image, token_for, Db, OidcOpts, Opts, TestServer, PRINTFUL_WEBHOOK_TOKEN,
};
use pixel_testkit::printful_fake::FakePrintful;
use pixel_testkit::stripe_fake::FakeStripe;
use serde_json::{json, Value};

/// Delivers one Printful webhook with `token`; returns the status.
async fn deliver_printful(s: &TestServer, token: &str, event: &Value) -> u16 {
    s.client
        .post(format!("{}/api/prints/printful?token={token}", s.base))
        .json(event)
        .send()
        .await
        .expect("webhook")
        .status()
        .as_u16()
}

async fn balance(s: &TestServer, token: &str) -> i64 {
    let (_, ledger) = call_as(s, Some(token), "ledger.list", &json!({"limit": 200})).await;
    common::assert_ledger_whole(&ledger);
    ledger["balance"].as_i64().expect("balance")
}

/// A server that sells prints through the Stripe and Printful fakes (None without a sign-in provider).
async fn print_server(db: Db) -> Option<(TestServer, FakeStripe, FakePrintful)> {
    print_server_with(db, None).await
}

/// `print_server` with a last change to its configuration.
async fn print_server_with(
    db: Db,
    config: Option<fn(&mut pixel_server::Config)>,
) -> Option<(TestServer, FakeStripe, FakePrintful)> {
    let oidc = OidcOpts::from_env()?;
    let stripe = FakeStripe::start().await;
    let printful = FakePrintful::start().await;
    let s = TestServer::start(Opts {
        db,
        charging: true,
        starting_credits: 10,
        oidc: Some(oidc),
        stripe_api_base: Some(stripe.base_url.clone()),
        printful_base_url: Some(printful.base_url.clone()),
        config,
        ..Default::default()
    })
    .await?;
    Some((s, stripe, printful))
}

fn address() -> Value {
    json!({"name": "Grace Hopper", "address1": "1 Navy Way", "city": "Arlington", "state_code": "va",
        "country_code": "us", "zip": "22202", "email": "grace@example.com"})
}

async fn a_print_is_paid_made_and_shipped_once(db: Db) {
    let Some((s, stripe, printful)) = print_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let image = public_image(&s, &ada, "a lighthouse for the wall").await;

    let (status, products) = call_as(&s, None, "prints.products", &json!({})).await;
    assert_eq!(status, 200, "{products}");
    assert_eq!(products["available"], true);
    // Metal prints are not sold until PRINTFUL_PRODUCTS names the catalogue product that makes them.
    let kinds: Vec<&str> = products["products"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["product"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["poster", "canvas", "framed"], "{products}");
    let (status, quote) = call_as(
        &s,
        Some(&grace),
        "prints.quote",
        &json!({"image_id": image, "product": "canvas", "size": "12x16", "quantity": 2}),
    )
    .await;
    assert_eq!(status, 200, "{quote}");
    assert_eq!(
        (&quote["items"], &quote["shipping"], &quote["total"]),
        (&json!(5998), &json!(999), &json!(6997))
    );
    for (bad, want) in [
        (
            json!({"image_id": image, "product": "canvas", "size": "1x1", "quantity": 1}),
            422,
        ),
        (
            json!({"image_id": image, "product": "canvas", "size": "12x16", "quantity": 11}),
            422,
        ),
        (
            json!({"image_id": "nope", "product": "canvas", "size": "12x16", "quantity": 1}),
            404,
        ),
    ] {
        let (status, out) = call_as(&s, Some(&grace), "prints.quote", &bad).await;
        assert_eq!(status, want, "{bad}: {out}");
    }
    for (why, bad) in [
        (
            "a US address needs its state",
            json!({"image_id": image, "product": "canvas", "size": "12x16", "quantity": 2,
                "recipient": {"name": "Grace", "address1": "1 Navy Way", "city": "Arlington", "country_code": "US", "zip": "22202"}}),
        ),
        (
            "no lab product makes metal prints here",
            json!({"image_id": image, "product": "metal", "size": "12x12", "quantity": 1, "recipient": address()}),
        ),
    ] {
        let (status, out) = call_as(&s, Some(&grace), "prints.order", &bad).await;
        assert_eq!(status, 422, "{why}: {out}");
    }
    assert!(printful.orders().is_empty());

    let (status, ordered) = call_as(
        &s,
        Some(&grace),
        "prints.order",
        &json!({"image_id": image, "product": "canvas", "size": "12x16", "quantity": 2, "recipient": address()}),
    )
    .await;
    assert_eq!(status, 200, "{ordered}");
    let order_id = ordered["order"]["id"].as_str().expect("id").to_string();
    assert_eq!(ordered["order"]["status"], "awaiting_payment");
    assert_eq!(ordered["order"]["recipient"]["state_code"], "VA");
    // 10% of $59.98 at 3 cents a credit.
    assert_eq!(ordered["order"]["royalty"], 199);
    assert!(
        ordered["order"].get("file_token").is_none(),
        "the file secret stays on the server"
    );
    let session = ordered["checkout_url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("a payment page")
        .to_string();

    // Before paying, the file is nobody's to fetch.
    let order_row = s
        .node
        .app
        .store
        .prints()
        .print_order(&order_id)
        .await
        .expect("read")
        .expect("stored");
    let file = format!(
        "{}/api/prints/{order_id}/file?token={}",
        s.base, order_row.file_token
    );
    assert_eq!(
        s.client.get(&file).send().await.expect("file").status(),
        404
    );

    // Paid, delivered three times: one Printful order, confirmed, with the original as its file.
    let paid = stripe.event(
        "evt_print_paid",
        "checkout.session.completed",
        &session,
        true,
    );
    for _ in 0..3 {
        let (status, out) = common::deliver_stripe(&s, &paid).await;
        assert_eq!(status, 200, "{out}");
    }
    let made = printful.orders();
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["status"], "pending");
    assert_eq!(
        made[0]["items"][0]["variant_id"], 821,
        "the catalogue's 12″×16″ canvas"
    );
    assert_eq!(made[0]["items"][0]["quantity"], 2);
    assert_eq!(made[0]["recipient"]["state_code"], "VA");
    assert_eq!(made[0]["retail_costs"]["total"], "69.97");
    let external = made[0]["external_id"]
        .as_str()
        .expect("external id")
        .to_string();
    assert!(external.len() <= 32);
    let (_, mine) = call_as(&s, Some(&grace), "prints.list", &json!({})).await;
    assert_eq!(mine["orders"][0]["status"], "in_production", "{mine}");
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    let told: Vec<&Value> = notes["notifications"]
        .as_array()
        .map(|n| n.iter().filter(|n| n["kind"] == "print_ordered").collect())
        .unwrap_or_default();
    assert_eq!(told.len(), 1, "the creator is told once: {notes}");
    assert_eq!(told[0]["image_id"], image.as_str());
    let fetched = s.client.get(&file).send().await.expect("file");
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    let wrong = format!("{}/api/prints/{order_id}/file?token=guess", s.base);
    assert_eq!(
        s.client.get(&wrong).send().await.expect("file").status(),
        404
    );

    // Printful's webhook: refused without the token; with it, read back from Printful's API.
    let shipped = printful.ship(&external);
    assert_eq!(deliver_printful(&s, "wrong", &shipped).await, 401);
    let (_, still) = call_as(&s, Some(&grace), "prints.list", &json!({})).await;
    assert_eq!(still["orders"][0]["status"], "in_production");
    let ada_before = balance(&s, &ada).await;
    for _ in 0..3 {
        assert_eq!(
            deliver_printful(&s, PRINTFUL_WEBHOOK_TOKEN, &shipped).await,
            200
        );
    }
    let (_, mine) = call_as(&s, Some(&grace), "prints.list", &json!({})).await;
    let order = &mine["orders"][0];
    assert_eq!(order["status"], "shipped", "{mine}");
    assert_eq!(order["tracking"]["carrier"], "USPS");
    assert!(order["tracking"]["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    assert_eq!(
        balance(&s, &ada).await,
        ada_before + 199,
        "the royalty, once"
    );
    let (_, earned) = call_as(&s, Some(&ada), "earnings.summary", &json!({})).await;
    assert_eq!(earned["net"], 199, "{earned}");
    // Shipped: the file is no longer served.
    assert_eq!(
        s.client.get(&file).send().await.expect("file").status(),
        404
    );
    // Another person's orders are theirs alone.
    let (_, adas) = call_as(&s, Some(&ada), "prints.list", &json!({})).await;
    assert_eq!(adas["orders"].as_array().map(Vec::len), Some(0));
    s.shutdown().await;
}

/// Orders one poster of `image` for `token` and pays it when `pay`; returns the order id, the id
/// Printful knows it by (None when not paid) and its Checkout Session.
async fn paid_poster(
    s: &TestServer,
    stripe: &FakeStripe,
    printful: &FakePrintful,
    token: &str,
    image: &str,
    and_pay: bool,
) -> (String, Option<String>, String) {
    let (order_id, session) = order_print(
        s,
        token,
        json!({"image_id": image, "product": "poster", "size": "12x18", "quantity": 1, "recipient": address()}),
    )
    .await;
    if !and_pay {
        return (order_id, None, session);
    }
    assert_eq!(paid(s, stripe, &order_id, &session).await, 200);
    let external = order_id.trim_start_matches("print_").to_string();
    assert!(printful
        .orders()
        .iter()
        .any(|o| o["external_id"] == json!(external)));
    (order_id, Some(external), session)
}

async fn order_of(s: &TestServer, token: &str, id: &str) -> Value {
    let (_, mine) = call_as(s, Some(token), "prints.list", &json!({})).await;
    mine["orders"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["id"] == json!(id)))
        .cloned()
        .unwrap_or(Value::Null)
}

async fn a_print_cancelled_or_failed_is_refunded_once(db: Db) {
    let Some((s, stripe, printful)) = print_server(db).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let image = public_image(&s, &ada, "a harbour for the hall").await;
    let ada_before = balance(&s, &ada).await;

    // Not paid yet: cancelled at once, nothing to refund.
    let (unpaid, _, _) = paid_poster(&s, &stripe, &printful, &grace, &image, false).await;
    let (status, out) = call_as(
        &s,
        Some(&grace),
        "prints.cancel",
        &json!({"order_id": unpaid}),
    )
    .await;
    assert_eq!(
        (status, out["status"].as_str()),
        (200, Some("canceled")),
        "{out}"
    );
    assert!(out.get("refunded_at").is_none());

    // Paid and waiting at Printful: Printful cancels it and the whole payment comes back, once.
    let (pending, external, session) =
        paid_poster(&s, &stripe, &printful, &grace, &image, true).await;
    let (status, out) = call_as(
        &s,
        Some(&ada),
        "prints.cancel",
        &json!({"order_id": pending}),
    )
    .await;
    assert_eq!(status, 404, "another person's order: {out}");
    let (status, out) = call_as(
        &s,
        Some(&grace),
        "prints.cancel",
        &json!({"order_id": pending}),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["status"], "canceled");
    assert!(out["refunded_at"].is_i64(), "{out}");
    let external = external.expect("sent to Printful");
    let at_printful = printful.orders();
    assert!(at_printful
        .iter()
        .any(|o| o["external_id"] == json!(external) && o["status"] == "canceled"));
    let (status, _) = call_as(
        &s,
        Some(&grace),
        "prints.cancel",
        &json!({"order_id": pending}),
    )
    .await;
    assert_eq!(status, 409);
    let refunds = stripe.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["amount"], 1499 + 499);
    // Stripe then tells of the refund: a print's payment, acknowledged, no credits touched.
    let told = stripe.refund_event("evt_print_refunded", &session, 1499 + 499);
    let (status, out) = common::deliver_stripe(&s, &told).await;
    assert_eq!(
        (status, out["outcome"].as_str()),
        (200, Some("print_payment")),
        "{out}"
    );

    // In production: too late to cancel; when Printful fails it, the payment comes back once.
    let (making, external, _) = paid_poster(&s, &stripe, &printful, &grace, &image, true).await;
    let external = external.expect("sent to Printful");
    let started = printful.start_production(&external);
    assert_eq!(
        deliver_printful(&s, PRINTFUL_WEBHOOK_TOKEN, &started).await,
        200
    );
    assert_eq!(
        order_of(&s, &grace, &making).await["status"],
        "in_production"
    );
    let (status, out) = call_as(
        &s,
        Some(&grace),
        "prints.cancel",
        &json!({"order_id": making}),
    )
    .await;
    assert_eq!(status, 409, "{out}");
    let failed = printful.fail(&external);
    for _ in 0..3 {
        assert_eq!(
            deliver_printful(&s, PRINTFUL_WEBHOOK_TOKEN, &failed).await,
            200
        );
    }
    let order = order_of(&s, &grace, &making).await;
    assert_eq!(order["status"], "failed", "{order}");
    assert!(order["refunded_at"].is_i64());
    assert_eq!(stripe.refunds().len(), 2, "one refund per order");
    // Nothing shipped: no royalty.
    assert_eq!(balance(&s, &ada).await, ada_before);
    s.shutdown().await;
}

/// Pays `order_id`'s Checkout Session `session`; returns the webhook's status.
async fn paid(s: &TestServer, stripe: &FakeStripe, order_id: &str, session: &str) -> u16 {
    let paid = stripe.event(
        &format!("evt_{order_id}"),
        "checkout.session.completed",
        session,
        true,
    );
    common::deliver_stripe(s, &paid).await.0
}

/// Orders one print for `token`; returns the order id and its Checkout Session.
async fn order_print(s: &TestServer, token: &str, choice: Value) -> (String, String) {
    let (status, ordered) = call_as(s, Some(token), "prints.order", &choice).await;
    assert_eq!(status, 200, "{ordered}");
    let session = ordered["checkout_url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("a payment page")
        .to_string();
    (
        ordered["order"]["id"].as_str().expect("id").to_string(),
        session,
    )
}

async fn a_paid_print_reaches_the_lab_or_is_refunded(db: Db) {
    let Some((s, stripe, printful)) = print_server_with(
        db,
        Some(|c| c.print_retry_every = std::time::Duration::from_millis(300)),
    )
    .await
    else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let image = public_image(&s, &ada, "a lantern for the study").await;

    // A framed print is made in the black frame of the size ordered.
    let (framed, session) = order_print(
        &s,
        &grace,
        json!({"image_id": image, "product": "framed", "size": "18x24", "quantity": 1, "recipient": address()}),
    )
    .await;
    // Printful is down when the payment arrives: the webhook asks Stripe to deliver it again...
    printful.set_down(true);
    assert_eq!(paid(&s, &stripe, &framed, &session).await, 503);
    assert_eq!(order_of(&s, &grace, &framed).await["status"], "paid");
    // ...but Stripe may give up: once Printful is back, the server sends the order itself.
    printful.set_down(false);
    let mut waited = 0;
    while order_of(&s, &grace, &framed).await["status"] == "paid" && waited < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    assert_eq!(
        order_of(&s, &grace, &framed).await["status"],
        "in_production"
    );
    let made = printful.orders();
    assert_eq!(made.len(), 1, "sent once: {made:?}");
    assert_eq!(
        made[0]["items"][0]["variant_id"], 4660,
        "the catalogue's black 18″×24″ frame"
    );
    // The late delivery Stripe still makes changes nothing.
    assert_eq!(paid(&s, &stripe, &framed, &session).await, 200);
    assert_eq!(printful.orders().len(), 1);

    // Printful refuses an order it will never make: failed with its reason, the payment refunded once.
    let (refused, session) = order_print(
        &s,
        &grace,
        json!({"image_id": image, "product": "poster", "size": "18x24", "quantity": 1,
            "recipient": {"name": "Grace", "address1": "1 Vali Asr", "city": "Tehran", "country_code": "IR", "zip": "1234567890"}}),
    )
    .await;
    for _ in 0..2 {
        assert_eq!(paid(&s, &stripe, &refused, &session).await, 200);
    }
    let order = order_of(&s, &grace, &refused).await;
    assert_eq!(order["status"], "failed", "{order}");
    assert!(
        order["failure"]
            .as_str()
            .is_some_and(|f| f.contains("not available")),
        "the lab's reason: {order}"
    );
    assert!(order["refunded_at"].is_i64());
    let refunds = stripe.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["amount"], 2499 + 499);
    assert_eq!(printful.orders().len(), 1);
    s.shutdown().await;
}

#[tokio::test]
async fn a_paid_print_reaches_the_lab_or_is_refunded_on_sqlite() {
    a_paid_print_reaches_the_lab_or_is_refunded(Db::Sqlite).await;
}

#[tokio::test]
async fn a_paid_print_reaches_the_lab_or_is_refunded_on_postgres() {
    a_paid_print_reaches_the_lab_or_is_refunded(Db::Postgres).await;
}

#[tokio::test]
async fn a_print_cancelled_or_failed_is_refunded_once_on_sqlite() {
    a_print_cancelled_or_failed_is_refunded_once(Db::Sqlite).await;
}

#[tokio::test]
async fn a_print_cancelled_or_failed_is_refunded_once_on_postgres() {
    a_print_cancelled_or_failed_is_refunded_once(Db::Postgres).await;
}

#[tokio::test]
async fn a_print_is_paid_made_and_shipped_once_on_sqlite() {
    a_print_is_paid_made_and_shipped_once(Db::Sqlite).await;
}

#[tokio::test]
async fn a_print_is_paid_made_and_shipped_once_on_postgres() {
    a_print_is_paid_made_and_shipped_once(Db::Postgres).await;
}
