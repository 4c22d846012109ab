//! The Stripe fake's refunds, as Stripe's reference documents `POST /v1/refunds`: a refund of a
//! PaymentIntent this fake's Checkout was paid with (the whole amount by default, or `amount` cents),
//! never more than is left of the payment, idempotent by key, answered with the Refund object.

use super::*;

pub(super) async fn create_refund(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (form, key) = match create_request(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = lock(&shared);
    if let Some(earlier) = replayed(&s, key.as_ref(), &s.refunds) {
        return earlier;
    }
    let intent = form.get("payment_intent").cloned().unwrap_or_default();
    let paid = s
        .sessions
        .values()
        .find(|session| {
            session["payment_intent"] == json!(intent) && session["payment_status"] == "paid"
        })
        .and_then(|session| session["amount_total"].as_i64());
    let Some(paid) = paid else {
        return stripe_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            &format!("No such payment_intent: '{intent}'"),
        );
    };
    let refunded: i64 = s
        .refunds
        .values()
        .filter(|r| r["payment_intent"] == json!(intent))
        .filter_map(|r| r["amount"].as_i64())
        .sum();
    let amount = match form.get("amount") {
        Some(a) => match a.parse::<i64>() {
            Ok(a) if a > 0 => a,
            _ => {
                return stripe_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "Invalid positive integer",
                )
            }
        },
        None => paid - refunded,
    };
    if amount > paid - refunded || amount == 0 {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!(
                "Refund amount (${}.{:02}) is greater than unrefunded amount on charge (${}.{:02})",
                amount / 100,
                amount % 100,
                (paid - refunded) / 100,
                (paid - refunded) % 100
            ),
        );
    }
    s.next += 1;
    let id = format!("re_fake{:04}", s.next);
    let refund = json!({
        "id": id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": format!("txn_fake{:04}", s.next),
        "charge": format!("ch_{}", intent.trim_start_matches("pi_")),
        "created": now_seconds(),
        "currency": "usd",
        "metadata": metadata(&form),
        "payment_intent": intent,
        "reason": form.get("reason"),
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": "succeeded",
        "transfer_reversal": null,
    });
    s.refunds.insert(id.clone(), refund.clone());
    if let Some(k) = key {
        s.by_idempotency_key.insert(k, id);
    }
    Json(refund).into_response()
}
