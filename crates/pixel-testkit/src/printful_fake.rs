//! A loopback fake of Printful's orders API (v1) as its reference documents it: `POST /orders` with
//! `?confirm=true` (bearer private token; the recipient's required fields, the state code where
//! Printful needs one, a known variant, each print file downloaded from its `url` and checked to be an
//! image; an `external_id` used before refused), `GET /orders/{id}` and `/orders/@{external_id}`,
//! `DELETE` of the same (only before production starts), the catalogue's `GET /products/{id}` (its
//! variants with Printful's size spelling, "18″×24″", and a framed poster's frame colours),
//! answers wrapped as `{code, result}` and errors as `{code, result, error: {reason, message}}`. Tests
//! move an order on (`ship`, `fail`) and get the webhook body Printful would send, or take the fake
//! down (every call 503) and up again; a browser test sets
//! the webhook (`POST /_fake/webhook`) and ships every order in the making (`POST /_fake/ship_all`),
//! each event sent as Printful sends it.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const FAKE_PRINTFUL_KEY: &str = "pf_test_pixel_fake";

#[derive(Default)]
struct Shared {
    /// Orders by Printful id.
    orders: HashMap<i64, Value>,
    next: i64,
    /// Where events go (the server's webhook address, token included), if set.
    webhook: Option<String>,
    /// Every call answers 503 while true (Printful down).
    down: bool,
}

/// One catalogue variant: (variant id, size, frame colour).
type FakeVariant = (i64, &'static str, Option<&'static str>);

/// The catalogue products the fake has: (product id, title, variants). Variant ids 1 and 2 (the
/// 18″×24″ and 24″×36″ matte posters) are Printful's own; the rest are the fake's.
fn catalog() -> Vec<(i64, &'static str, Vec<FakeVariant>)> {
    let sized = |first: i64, sizes: &[&'static str]| -> Vec<FakeVariant> {
        sizes
            .iter()
            .enumerate()
            .map(|(n, size)| (first + n as i64, *size, None))
            .collect()
    };
    let mut poster = vec![(1, "18″×24″", None), (2, "24″×36″", None)];
    poster.extend(sized(
        3874,
        &[
            "8″×10″",
            "10″×10″",
            "12″×12″",
            "12″×16″",
            "12″×18″",
            "16″×20″",
        ],
    ));
    let mut framed = Vec::new();
    for (n, size) in ["12″×16″", "12″×18″", "16″×20″", "18″×24″", "24″×36″"]
        .into_iter()
        .enumerate()
    {
        for (c, colour) in ["White", "Black", "Red Oak"].into_iter().enumerate() {
            framed.push((4650 + 3 * n as i64 + c as i64, size, Some(colour)));
        }
    }
    vec![
        (1, "Enhanced Matte Paper Poster (in)", poster),
        (2, "Enhanced Matte Paper Framed Poster (in)", framed),
        (
            3,
            "Canvas (in)",
            sized(
                820,
                &[
                    "12″×12″",
                    "12″×16″",
                    "16″×16″",
                    "16″×20″",
                    "18″×24″",
                    "24″×36″",
                ],
            ),
        ),
    ]
}

fn known_variant(id: i64) -> bool {
    catalog()
        .iter()
        .any(|(_, _, variants)| variants.iter().any(|(v, _, _)| *v == id))
}

/// `GET /products/{id}`: a catalogue product and its variants.
async fn product(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Some(refused) = unauthorized(&headers).or_else(|| is_down(&shared)) {
        return refused;
    }
    let Some((id, title, variants)) = catalog().into_iter().find(|(p, _, _)| *p == id) else {
        return refuse(StatusCode::NOT_FOUND, "NotFound", "Not found");
    };
    let short = title.replace(" (in)", "");
    let variants: Vec<Value> = variants
        .into_iter()
        .map(|(variant, size, colour)| {
            let name = match colour {
                Some(c) => format!("{short} ({c} / {size})"),
                None => format!("{short} {size}"),
            };
            json!({
                "id": variant, "product_id": id, "name": name, "size": size, "color": colour,
                "color_code": colour.map(|_| "#000000"), "color_code2": null,
                "image": format!("https://files.cdn.printful.com/products/{id}/{variant}.jpg"),
                "price": "12.50", "in_stock": true,
                "availability_regions": {"US": "United States", "EU": "Europe"},
                "availability_status": [{"region": "US", "status": "in_stock"}],
            })
        })
        .collect();
    ok(json!({
        "product": {
            "id": id, "type": "POSTER", "type_name": title, "title": title, "brand": null,
            "model": title, "variant_count": variants.len(), "currency": "USD",
            "files": [{"id": "default", "type": "default", "title": "Print file"}],
            "options": [], "is_discontinued": false,
        },
        "variants": variants,
    }))
}

/// Printful's answer while it is down.
fn is_down(shared: &Mutex<Shared>) -> Option<Response> {
    lock(shared).down.then(|| {
        refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "Service temporarily unavailable",
        )
    })
}

#[derive(Clone)]
pub struct FakePrintful {
    /// The base URL to configure as `PRINTFUL_BASE_URL`.
    pub base_url: String,
    shared: Arc<Mutex<Shared>>,
    task: Arc<tokio::task::JoinHandle<()>>,
}

impl Drop for FakePrintful {
    fn drop(&mut self) {
        if Arc::strong_count(&self.task) == 1 {
            self.task.abort();
        }
    }
}

fn lock(shared: &Mutex<Shared>) -> std::sync::MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

fn refuse(status: StatusCode, reason: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"code": status.as_u16(), "result": message, "error": {"reason": reason, "message": message}})),
    )
        .into_response()
}

fn ok(result: Value) -> Response {
    Json(json!({"code": 200, "result": result})).into_response()
}

fn unauthorized(headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (auth != format!("Bearer {FAKE_PRINTFUL_KEY}")).then(|| {
        refuse(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Malformed Authorization header.",
        )
    })
}

/// Printful's checks of a recipient: its first problem, as Printful words it.
fn recipient_problem(r: &Value) -> Option<String> {
    for field in ["name", "address1", "city", "country_code", "zip"] {
        if r[field].as_str().is_none_or(|v| v.trim().is_empty()) {
            return Some(format!("Recipient: {field} is required"));
        }
    }
    let country = r["country_code"].as_str().unwrap_or_default();
    // Printful does not ship to embargoed countries.
    if ["CU", "IR", "KP", "SY"].contains(&country) {
        return Some(format!(
            "Recipient: Shipping to country {country} is not available"
        ));
    }
    if ["US", "CA", "AU"].contains(&country) && r["state_code"].as_str().is_none_or(str::is_empty) {
        return Some(format!(
            "Recipient: State code is missing for country {country}"
        ));
    }
    None
}

async fn create(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    if let Some(refused) = unauthorized(&headers).or_else(|| is_down(&shared)) {
        return refused;
    }
    let Ok(order) = serde_json::from_str::<Value>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "BadRequest", "Invalid JSON");
    };
    if let Some(problem) = recipient_problem(&order["recipient"]) {
        return refuse(StatusCode::BAD_REQUEST, "BadRequest", &problem);
    }
    let external_id = order["external_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if external_id.len() > 32 {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "External ID must be at most 32 characters",
        );
    }
    let Some(items) = order["items"].as_array().filter(|i| !i.is_empty()) else {
        return refuse(StatusCode::BAD_REQUEST, "BadRequest", "Items are required");
    };
    for (n, item) in items.iter().enumerate() {
        let n = n + 1;
        if item["variant_id"].as_i64().is_none_or(|v| v <= 0)
            || item["quantity"].as_i64().is_none_or(|q| q < 1)
        {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Item {n}: a variant and a quantity are required"),
            );
        }
        if !item["variant_id"].as_i64().is_some_and(known_variant) {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Item {n}: Variant not found"),
            );
        }
        let Some(url) = item["files"][0]["url"].as_str() else {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Item {n}: Print file is missing"),
            );
        };
        // Printful downloads each file to print it: one it cannot fetch, or that is no image, fails.
        let fetched = match reqwest::get(url).await {
            Ok(r) if r.status().is_success() => r.bytes().await.ok(),
            _ => None,
        };
        if fetched.is_none_or(|b| image::load_from_memory(&b).is_err()) {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                &format!("Item {n}: Could not download the print file from {url}"),
            );
        }
    }
    let mut s = lock(&shared);
    if !external_id.is_empty()
        && s.orders
            .values()
            .any(|o| o["external_id"] == json!(external_id))
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Order with this External ID already exists",
        );
    }
    s.next += 1;
    let id = 70_000_000 + s.next;
    let confirmed = q.get("confirm").is_some_and(|c| c == "true" || c == "1");
    let stored = json!({
        "id": id,
        "external_id": if external_id.is_empty() { Value::Null } else { json!(external_id) },
        "status": if confirmed { "pending" } else { "draft" },
        "shipping": order["shipping"].as_str().unwrap_or("STANDARD"),
        "created": 1_796_000_000,
        "updated": 1_796_000_000,
        "recipient": order["recipient"],
        "items": items,
        "retail_costs": order["retail_costs"],
        "shipments": [],
    });
    s.orders.insert(id, stored.clone());
    ok(stored)
}

fn find(s: &Shared, id: &str) -> Option<i64> {
    match id.strip_prefix('@') {
        Some(external) => s
            .orders
            .iter()
            .find(|(_, o)| o["external_id"] == json!(external))
            .map(|(id, _)| *id),
        None => id.parse().ok().filter(|id| s.orders.contains_key(id)),
    }
}

async fn retrieve(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = unauthorized(&headers).or_else(|| is_down(&shared)) {
        return refused;
    }
    let s = lock(&shared);
    match find(&s, &id).and_then(|id| s.orders.get(&id)) {
        Some(order) => ok(order.clone()),
        None => refuse(StatusCode::NOT_FOUND, "NotFound", "Not found"),
    }
}

/// Sets an order's state (by `external_id`), adding `shipment` when given; the webhook body Printful
/// then sends, of `kind`.
fn change(
    shared: &Mutex<Shared>,
    external_id: &str,
    status: &str,
    shipment: Option<Value>,
    kind: &str,
) -> Value {
    let mut s = lock(shared);
    let Some(id) = find(&s, &format!("@{external_id}")) else {
        return json!({});
    };
    let Some(order) = s.orders.get_mut(&id) else {
        return json!({});
    };
    order["status"] = json!(status);
    if let Some(shipment) = &shipment {
        order["shipments"] = json!([shipment]);
    }
    let mut data = json!({"order": order.clone()});
    if let Some(shipment) = shipment {
        data["shipment"] = shipment;
    }
    json!({"type": kind, "created": 1_796_100_000, "retries": 0, "store": 1, "data": data})
}

/// Ships an order with a carrier's tracking: the `package_shipped` event.
fn ship(shared: &Mutex<Shared>, external_id: &str) -> Value {
    let shipment = json!({
        "id": 9001,
        "carrier": "USPS",
        "service": "USPS First Class Package",
        "tracking_number": format!("9400{external_id}").chars().take(22).collect::<String>(),
        "tracking_url": format!("https://tools.usps.com/go/TrackConfirmAction?tLabels={external_id}"),
        "ship_date": "2026-12-08",
        "reshipment": false,
    });
    change(
        shared,
        external_id,
        "fulfilled",
        Some(shipment),
        "package_shipped",
    )
}

/// `DELETE /orders/{id}`: cancels an order Printful has not started making (draft, pending, failed
/// or on hold), as Printful does; anything further along is refused.
async fn cancel(
    State(shared): State<Arc<Mutex<Shared>>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = unauthorized(&headers) {
        return refused;
    }
    let mut s = lock(&shared);
    let Some(order) = find(&s, &id).and_then(|id| s.orders.get_mut(&id)) else {
        return refuse(StatusCode::NOT_FOUND, "NotFound", "Not found");
    };
    if !["draft", "pending", "failed", "onhold"].contains(&order["status"].as_str().unwrap_or("")) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "This order can not be canceled as it is already being fulfilled",
        );
    }
    order["status"] = json!("canceled");
    ok(order.clone())
}

/// `POST /_fake/webhook {"url": ...}`: where Printful's events go from now on.
async fn set_webhook(
    State(shared): State<Arc<Mutex<Shared>>>,
    Json(body): Json<Value>,
) -> StatusCode {
    lock(&shared).webhook = body["url"].as_str().map(str::to_string);
    StatusCode::NO_CONTENT
}

/// `POST /_fake/ship_all`: every order being made ships, and each `package_shipped` event is sent to
/// the webhook as Printful sends it; answers how many shipped.
async fn ship_all(State(shared): State<Arc<Mutex<Shared>>>) -> Response {
    let (pending, webhook): (Vec<String>, Option<String>) = {
        let s = lock(&shared);
        (
            s.orders
                .values()
                .filter(|o| ["pending", "inprocess"].contains(&o["status"].as_str().unwrap_or("")))
                .filter_map(|o| o["external_id"].as_str().map(str::to_string))
                .collect(),
            s.webhook.clone(),
        )
    };
    let client = reqwest::Client::new();
    for external_id in &pending {
        let event = ship(&shared, external_id);
        if let Some(url) = &webhook {
            let _ = client.post(url).json(&event).send().await;
        }
    }
    Json(json!({"shipped": pending.len()})).into_response()
}

impl FakePrintful {
    pub async fn start() -> FakePrintful {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let app = Router::new()
            .route("/orders", post(create))
            .route("/orders/{id}", get(retrieve).delete(cancel))
            .route("/products/{id}", get(product))
            .route("/_fake/webhook", post(set_webhook))
            .route("/_fake/ship_all", post(ship_all))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Printful fake");
        let addr = listener.local_addr().expect("its address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakePrintful {
            base_url: format!("http://{addr}"),
            shared,
            task: Arc::new(task),
        }
    }

    /// Printful is down (every call answers 503) or up again.
    pub fn set_down(&self, down: bool) {
        lock(&self.shared).down = down;
    }

    /// Every order, in no particular order.
    pub fn orders(&self) -> Vec<Value> {
        lock(&self.shared).orders.values().cloned().collect()
    }

    /// Printful made and shipped the order: `package_shipped` with the carrier's tracking.
    pub fn ship(&self, external_id: &str) -> Value {
        ship(&self.shared, external_id)
    }

    /// Printful could not make the order: `order_failed`.
    pub fn fail(&self, external_id: &str) -> Value {
        change(&self.shared, external_id, "failed", None, "order_failed")
    }

    /// Printful put the order into production: `order_updated`.
    pub fn start_production(&self, external_id: &str) -> Value {
        change(
            &self.shared,
            external_id,
            "inprocess",
            None,
            "order_updated",
        )
    }
}
