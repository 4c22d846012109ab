//! The prompt marketplace through the API on SQLite and PostgreSQL: listing with one's own public
//! samples, browsing that never shows a prompt, a sale that pays the seller less the 10% fee (rounded
//! up) once per buyer, reviews by buyers only, and unpublishing that stops sales while buyers keep
//! what they bought.

mod common;

use common::{call_as, public_image, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn balance(s: &TestServer, token: &str) -> i64 {
    let (status, ledger) = call_as(s, Some(token), "ledger.list", &json!({"limit": 200})).await;
    assert_eq!(status, 200, "{ledger}");
    common::assert_ledger_whole(&ledger);
    ledger["balance"].as_i64().expect("balance")
}

fn ids(listings: &Value) -> Vec<String> {
    listings["listings"]
        .as_array()
        .expect("listings")
        .iter()
        .filter_map(|l| l["id"].as_str().map(str::to_string))
        .collect()
}

async fn prompts_sell_once_and_stay_secret_until_bought(db: Db) {
    let Some(s) = common::charging_server(db, 50).await else {
        return;
    };
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;
    let carol = token_for(&s, "carol@example.com").await;
    let sample = public_image(&s, &ada, "a lighthouse").await;
    let graces = public_image(&s, &grace, "a meadow").await;
    let secret = "a lighthouse in zanzibarian fog, volumetric";

    let listing = |over: Value| {
        let mut base = json!({"title": "Lighthouse fog", "description": "Moody coastal light",
            "prompt": secret, "price": 25, "tags": ["Coast", "#fog"], "model": "local-sketch",
            "sample_image_ids": [sample]});
        for (k, v) in over.as_object().expect("object") {
            base[k] = v.clone();
        }
        base
    };
    for (over, status, code) in [
        (json!({"price": 0}), 422, "invalid_input"),
        (json!({"price": 1001}), 422, "invalid_input"),
        (json!({"title": "  "}), 422, "invalid_input"),
        (json!({"prompt": ""}), 422, "invalid_input"),
        (
            json!({"tags": (0..11).map(|i| format!("t{i}")).collect::<Vec<_>>()}),
            422,
            "invalid_input",
        ),
        (json!({"tags": ["two words"]}), 422, "invalid_input"),
        (json!({"sample_image_ids": []}), 422, "invalid_input"),
        (json!({"sample_image_ids": [graces]}), 422, "invalid_input"),
        (json!({"model": "no-such-model"}), 422, "unknown_model"),
    ] {
        let (got, body) = call_as(&s, Some(&ada), "market.publish", &listing(over.clone())).await;
        assert_eq!(
            (got, body["error"]["code"].as_str()),
            (status, Some(code)),
            "{over}: {body}"
        );
    }
    let (status, listed) = call_as(&s, Some(&ada), "market.publish", &listing(json!({}))).await;
    assert_eq!(status, 200, "{listed}");
    let id = listed["id"].as_str().expect("id").to_string();
    assert_eq!(
        listed["prompt"], secret,
        "the seller reads their own prompt"
    );
    assert_eq!(listed["tags"], json!(["coast", "fog"]));
    let (_, cheap) = call_as(
        &s,
        Some(&ada),
        "market.publish",
        &listing(json!({"title": "Quick sketch", "description": "Loose lines", "price": 3, "tags": ["sketch"]})),
    )
    .await;
    let cheap_id = cheap["id"].as_str().expect("id").to_string();

    // Browsing shows listings, never a prompt; searching never reads prompts.
    let (status, all) = call_as(&s, None, "market.list", &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&all), [cheap_id.clone(), id.clone()], "newest first");
    assert!(!all.to_string().contains("zanzibarian"), "{all}");
    let (_, by_price) = call_as(&s, None, "market.list", &json!({"sort": "price_asc"})).await;
    assert_eq!(ids(&by_price), [cheap_id.clone(), id.clone()]);
    let (_, by_price) = call_as(
        &s,
        None,
        "market.list",
        &json!({"sort": "price_desc", "limit": 1}),
    )
    .await;
    assert_eq!(ids(&by_price), std::slice::from_ref(&id));
    let next = by_price["next"].as_str().expect("a next page").to_string();
    let (_, page2) = call_as(
        &s,
        None,
        "market.list",
        &json!({"sort": "price_desc", "limit": 1, "before": next}),
    )
    .await;
    assert_eq!(ids(&page2), std::slice::from_ref(&cheap_id));
    let (_, found) = call_as(&s, None, "market.list", &json!({"text": "coastal"})).await;
    assert_eq!(ids(&found), std::slice::from_ref(&id));
    let (_, found) = call_as(&s, None, "market.list", &json!({"text": "zanzibarian"})).await;
    assert_eq!(
        ids(&found),
        Vec::<String>::new(),
        "the prompt is not searched"
    );
    let (_, found) = call_as(&s, None, "market.list", &json!({"tag": "#FOG"})).await;
    assert_eq!(ids(&found).len(), 1);
    let (_, found) = call_as(&s, None, "market.list", &json!({"text": "100%_"})).await;
    assert_eq!(ids(&found), Vec::<String>::new(), "wildcards are literal");
    let (_, seen) = call_as(&s, Some(&grace), "market.get", &json!({"listing_id": id})).await;
    assert_eq!(
        (seen["prompt"].is_null(), seen["owned"].as_bool()),
        (true, Some(false))
    );
    assert_eq!(seen["samples"], json!([sample]));

    // A sale: 25 from grace; 22 to ada; the fee of 3 (10% rounded up) to the platform.
    let (status, err) = call_as(&s, Some(&ada), "market.buy", &json!({"listing_id": id})).await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (422, Some("invalid_input"))
    );
    let (status, bought) =
        call_as(&s, Some(&grace), "market.buy", &json!({"listing_id": id})).await;
    assert_eq!(status, 200, "{bought}");
    assert_eq!(bought["balance"], 25);
    assert_eq!(bought["listing"]["prompt"], secret);
    assert_eq!(bought["listing"]["owned"], true);
    assert_eq!(bought["listing"]["sales"], 1);
    assert_eq!(balance(&s, &ada).await, 72);
    // Both sides' history links the sale to the prompt.
    for token in [&ada, &grace] {
        let (_, ledger) = call_as(&s, Some(token), "ledger.list", &json!({})).await;
        assert_eq!(
            ledger["entries"][0]["link"],
            json!({"to": "listing", "listing_id": id}),
            "{ledger}"
        );
    }
    // Bought already: nothing moves again.
    let (status, again) = call_as(&s, Some(&grace), "market.buy", &json!({"listing_id": id})).await;
    assert_eq!((status, again["balance"].as_i64()), (200, Some(25)));
    assert_eq!(balance(&s, &ada).await, 72);
    let (_, notes) = call_as(&s, Some(&ada), "notifications.list", &json!({})).await;
    assert_eq!(notes["notifications"][0]["kind"], "prompt_purchased");

    // Reviews: buyers only, 1-5 stars, one each, editable.
    let (status, _) = call_as(
        &s,
        Some(&carol),
        "market.review",
        &json!({"listing_id": id, "stars": 5}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call_as(
        &s,
        Some(&grace),
        "market.review",
        &json!({"listing_id": id, "stars": 6}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, review) = call_as(
        &s,
        Some(&grace),
        "market.review",
        &json!({"listing_id": id, "stars": 4, "body": "Great fog"}),
    )
    .await;
    assert_eq!(
        (status, review["stars"].as_i64()),
        (200, Some(4)),
        "{review}"
    );
    call_as(
        &s,
        Some(&grace),
        "market.review",
        &json!({"listing_id": id, "stars": 2}),
    )
    .await;
    let (_, seen) = call_as(&s, None, "market.get", &json!({"listing_id": id})).await;
    assert_eq!(
        (seen["rating"].as_f64(), seen["reviews"].as_i64()),
        (Some(2.0), Some(1))
    );
    let (_, reviews) = call_as(&s, None, "market.reviews", &json!({"listing_id": id})).await;
    assert_eq!(reviews["reviews"].as_array().map(Vec::len), Some(1));
    let (_, rated) = call_as(&s, None, "market.list", &json!({"sort": "top_rated"})).await;
    assert_eq!(ids(&rated)[0], id);

    // Unpublished: no new sales, gone from browsing; the buyer keeps it.
    let (status, _) = call_as(
        &s,
        Some(&grace),
        "market.unpublish",
        &json!({"listing_id": id}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call_as(
        &s,
        Some(&ada),
        "market.unpublish",
        &json!({"listing_id": id}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, all) = call_as(&s, None, "market.list", &json!({})).await;
    assert_eq!(ids(&all), std::slice::from_ref(&cheap_id));
    let (_, own) = call_as(
        &s,
        Some(&ada),
        "market.list",
        &json!({"seller_id": listed["seller"]["id"]}),
    )
    .await;
    assert_eq!(ids(&own).len(), 2, "the seller still sees their own");
    let (_, kept) = call_as(&s, Some(&grace), "market.get", &json!({"listing_id": id})).await;
    assert_eq!(kept["prompt"], secret);
    let (status, _) = call_as(&s, Some(&carol), "market.get", &json!({"listing_id": id})).await;
    assert_eq!(status, 404);
    let (status, _) = call_as(&s, Some(&carol), "market.buy", &json!({"listing_id": id})).await;
    assert_eq!(status, 404);
    assert_eq!(balance(&s, &carol).await, 50);

    // Many buyers at once: each pays once, the seller is paid for each sale.
    let mut buyers = Vec::new();
    for i in 0..8 {
        buyers.push(token_for(&s, &format!("buyer{i}@example.com")).await);
    }
    let sales = buyers.iter().flat_map(|b| {
        let s = &s;
        let cheap_id = &cheap_id;
        [0, 1].map(move |_| async move {
            call_as(s, Some(b), "market.buy", &json!({"listing_id": cheap_id})).await
        })
    });
    let answers = futures_util::future::join_all(sales).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    for b in &buyers {
        assert_eq!(balance(&s, b).await, 47, "3 paid once");
    }
    // 3 credits less a fee of 1: 2 each.
    assert_eq!(balance(&s, &ada).await, 72 + 8 * 2);
    let (_, cheap_now) = call_as(&s, None, "market.get", &json!({"listing_id": cheap_id})).await;
    assert_eq!(cheap_now["sales"], 8);

    // The seller's earnings: 9 sales, 49 paid, 11 in fees, 38 earned, all of it today.
    let (status, earned) = call_as(&s, Some(&ada), "earnings.summary", &json!({"days": 7})).await;
    assert_eq!(status, 200, "{earned}");
    assert_eq!(
        [
            &earned["sales"],
            &earned["gross"],
            &earned["fees"],
            &earned["net"]
        ],
        [&json!(9), &json!(49), &json!(11), &json!(38)]
    );
    let days = earned["days"].as_array().expect("days");
    assert_eq!(days.len(), 7);
    assert_eq!(days[6]["sales"], 38, "today is last");
    let (_, none) = call_as(&s, Some(&carol), "earnings.summary", &json!({})).await;
    assert_eq!(
        (none["net"].as_i64(), none["days"].as_array().map(Vec::len)),
        (Some(0), Some(30))
    );
    let (status, _) = call_as(&s, Some(&ada), "earnings.summary", &json!({"days": 400})).await;
    assert_eq!(status, 422);
    s.shutdown().await;
}

#[tokio::test]
async fn prompts_sell_once_and_stay_secret_until_bought_on_sqlite() {
    prompts_sell_once_and_stay_secret_until_bought(Db::Sqlite).await;
}

#[tokio::test]
async fn prompts_sell_once_and_stay_secret_until_bought_on_postgres() {
    prompts_sell_once_and_stay_secret_until_bought(Db::Postgres).await;
}
