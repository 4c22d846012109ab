//! The Stripe fake's Connect side, as Stripe's reference documents it: `POST /v1/accounts` (an Express
//! account, idempotent by key), `POST /v1/account_links` (the hosted onboarding page's address),
//! `POST /v1/transfers` (refused until the destination's `transfers` capability is active, as Stripe
//! refuses it), the hosted onboarding page (`/connect/onboard/{id}`: submitting activates the account,
//! sends the signed `account.updated` event to the webhook and returns to the link's `return_url`), and
//! the events tests deliver themselves (`payout.paid` from a connected account, `transfer.reversed`).

use super::*;

pub(super) async fn create_account(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (form, key) = match create_request(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = lock(&shared);
    if let Some(earlier) = replayed(&s, key.as_ref(), &s.accounts) {
        return earlier;
    }
    let kind = form
        .get("type")
        .cloned()
        .unwrap_or_else(|| "standard".into());
    if !["express", "custom", "standard"].contains(&kind.as_str()) {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Invalid type: must be one of custom, express, or standard",
        );
    }
    s.next += 1;
    let id = format!("acct_fake{:04}", s.next);
    let account = json!({
        "id": id,
        "object": "account",
        "business_type": null,
        "capabilities": {"transfers": "inactive"},
        "charges_enabled": false,
        "country": "US",
        "created": 1_796_000_000,
        "default_currency": "usd",
        "details_submitted": false,
        "email": null,
        "metadata": metadata(&form),
        "payouts_enabled": false,
        "type": kind,
    });
    s.accounts.insert(id.clone(), account.clone());
    if let Some(k) = key {
        s.by_idempotency_key.insert(k, id);
    }
    Json(account).into_response()
}

pub(super) async fn create_account_link(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (form, _) = match create_request(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = lock(&shared);
    let account = form.get("account").cloned().unwrap_or_default();
    if !s.accounts.contains_key(&account) {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!("No such account: '{account}'"),
        );
    }
    let Some(back) = form.get("return_url").cloned() else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Missing required param: return_url.",
        );
    };
    s.onboarding_returns.insert(account.clone(), back);
    Json(json!({
        "object": "account_link",
        "created": now_seconds(),
        "expires_at": now_seconds() + 300,
        "url": format!("{}connect/onboard/{account}", s.base),
    }))
    .into_response()
}

pub(super) async fn create_transfer(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let (form, key) = match create_request(&headers, &body) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut s = lock(&shared);
    if let Some(earlier) = replayed(&s, key.as_ref(), &s.transfers) {
        return earlier;
    }
    let amount = form.get("amount").and_then(|a| a.parse::<i64>().ok());
    let destination = form.get("destination").cloned().unwrap_or_default();
    let Some(amount) = amount.filter(|a| *a > 0) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Invalid positive integer",
        );
    };
    let active = s
        .accounts
        .get(&destination)
        .is_some_and(|a| a["capabilities"]["transfers"] == "active");
    if !active {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        );
    }
    if s.fail_transfers {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "You have insufficient available funds in your Stripe account.",
        );
    }
    s.next += 1;
    let id = format!("tr_fake{:04}", s.next);
    let transfer = json!({
        "id": id,
        "object": "transfer",
        "amount": amount,
        "amount_reversed": 0,
        "balance_transaction": format!("txn_fake{:04}", s.next),
        "created": now_seconds(),
        "currency": form.get("currency").cloned().unwrap_or_else(|| "usd".into()),
        "description": null,
        "destination": destination,
        "destination_payment": format!("py_fake{:04}", s.next),
        "livemode": false,
        "metadata": metadata(&form),
        "reversals": {"object": "list", "data": [], "has_more": false, "total_count": 0,
            "url": format!("/v1/transfers/{id}/reversals")},
        "reversed": false,
        "source_transaction": null,
        "source_type": "card",
        "transfer_group": null,
    });
    s.transfers.insert(id.clone(), transfer.clone());
    if let Some(k) = key {
        s.by_idempotency_key.insert(k, id);
    }
    Json(transfer).into_response()
}

pub(super) async fn onboard_page(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(id): Path<String>,
) -> Response {
    if !lock(&shared).accounts.contains_key(&id) {
        return (StatusCode::NOT_FOUND, "No such account").into_response();
    }
    let html = format!(
        "<!doctype html><html><head><title>Set up payouts (test)</title><meta name=viewport content='width=device-width'>\
         <style>body{{font-family:system-ui,sans-serif;background:#f6f9fc;display:grid;place-items:center;min-height:90vh}}\
         main{{background:#fff;padding:32px 40px;border-radius:12px;box-shadow:0 4px 24px #0001;min-width:320px}}\
         button{{width:100%;padding:12px;border:0;border-radius:8px;background:#635bff;color:#fff;font-size:16px}}</style></head>\
         <body><main><p>Stripe test mode</p><h1>Get paid by Pixel Studio</h1><p>Test bank account 000123456789</p>\
         <form method=post action='/connect/onboard/{}'><button type=submit>Agree and submit</button></form></main></body></html>",
        escape(&id)
    );
    axum::response::Html(html).into_response()
}

/// The creator finished: the account can be paid; `account.updated` goes to the webhook.
pub(super) async fn onboard(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(id): Path<String>,
) -> Response {
    let (payload, webhook, back) = {
        let mut s = lock(&shared);
        s.next += 1;
        let event_id = format!("evt_fake{:04}", s.next);
        let Some(account) = activate(&mut s, &id) else {
            return (StatusCode::NOT_FOUND, "No such account").into_response();
        };
        (
            event_json(&event_id, "account.updated", account),
            s.webhook.clone(),
            s.onboarding_returns
                .get(&id)
                .cloned()
                .unwrap_or_else(|| "/".into()),
        )
    };
    if let Some(url) = webhook {
        let signature = sign(&payload, FAKE_WEBHOOK_SECRET, now_seconds());
        if let Err(e) = post_json(&url, &payload, &signature).await {
            eprintln!("fake Stripe: the webhook to {url} failed: {e}");
        }
    }
    axum::response::Redirect::to(&back).into_response()
}

fn activate(s: &mut Shared, id: &str) -> Option<Value> {
    let account = s.accounts.get_mut(id)?;
    account["details_submitted"] = json!(true);
    account["payouts_enabled"] = json!(true);
    account["capabilities"]["transfers"] = json!("active");
    Some(account.clone())
}

impl FakeStripe {
    /// The creator submitted the onboarding form: the account is active; the `account.updated` event
    /// Stripe sends for it, to sign and deliver.
    pub fn finish_onboarding(&self, event_id: &str, account_id: &str) -> String {
        let account = activate(&mut lock(&self.shared), account_id).unwrap_or(Value::Null);
        event_json(event_id, "account.updated", account)
    }

    /// Transfers made, in order of id.
    pub fn transfers(&self) -> Vec<Value> {
        let s = lock(&self.shared);
        let mut out: Vec<Value> = s.transfers.values().cloned().collect();
        out.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        out
    }

    /// From now on transfers fail as Stripe's do when the platform's balance cannot cover them.
    pub fn fail_transfers(&self, fail: bool) {
        lock(&self.shared).fail_transfers = fail;
    }

    /// `payout.paid` from a connected account: its balance reached the creator's bank.
    pub fn payout_paid_event(&self, event_id: &str, account_id: &str, amount: i64) -> String {
        let mut event: Value = serde_json::from_str(&event_json(
            event_id,
            "payout.paid",
            json!({"id": format!("po_{event_id}"), "object": "payout", "amount": amount,
                "arrival_date": now_seconds(), "currency": "usd", "status": "paid", "type": "bank_account"}),
        ))
        .unwrap_or(Value::Null);
        event["account"] = json!(account_id);
        event.to_string()
    }

    /// `payout.failed` from a connected account: its bank refused the money (`account_closed`).
    pub fn payout_failed_event(&self, event_id: &str, account_id: &str, amount: i64) -> String {
        let mut event: Value = serde_json::from_str(&event_json(
            event_id,
            "payout.failed",
            json!({"id": format!("po_{event_id}"), "object": "payout", "amount": amount,
                "arrival_date": now_seconds(), "currency": "usd", "status": "failed", "type": "bank_account",
                "failure_code": "account_closed", "failure_message": "The bank account has been closed."}),
        ))
        .unwrap_or(Value::Null);
        event["account"] = json!(account_id);
        event.to_string()
    }

    /// `transfer.reversed`: the transfer taken back in full.
    pub fn transfer_reversed_event(&self, event_id: &str, transfer_id: &str) -> String {
        let mut transfer = lock(&self.shared)
            .transfers
            .get(transfer_id)
            .cloned()
            .unwrap_or(Value::Null);
        transfer["reversed"] = json!(true);
        transfer["amount_reversed"] = transfer["amount"].clone();
        event_json(event_id, "transfer.reversed", transfer)
    }
}
