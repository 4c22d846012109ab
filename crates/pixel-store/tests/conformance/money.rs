//! The money queries on both dialects: a paid purchase credited once, refunds and disputes taking its
//! credits back in proportion and at most once, what the balance no longer holds owed (spending refused
//! until credits that arrive later pay it), and the ledger summing to every balance throughout.

use super::*;
use pixel_core::credits::{
    CompletedPayment, CreditPack, MoneyBack, PaymentOutcome, PaymentReversal, Purchase,
    PurchaseStatus, ReversalOutcome,
};
use std::collections::HashMap;

/// A paid purchase of `credits` for `amount` cents, its payment named `pi_<id>`.
async fn paid_purchase(s: &SqlStore, user: &str, id: &str, credits: i64, amount: i64) {
    s.insert_purchase(&Purchase {
        id: id.into(),
        user_id: user.into(),
        pack: CreditPack {
            id: format!("pack_{credits}"),
            credits,
            amount,
            currency: "usd".into(),
        },
        session_id: Some(format!("cs_{id}")),
        status: PurchaseStatus::Open,
        created_at: 1,
        paid_at: None,
    })
    .await
    .expect("purchase");
    let outcome = s
        .complete_purchase(
            &CompletedPayment {
                event_id: format!("evt_paid_{id}"),
                kind: "checkout.session.completed".into(),
                session_id: format!("cs_{id}"),
                purchase_id: Some(id.into()),
                paid: true,
                amount_total: Some(amount),
                payment_intent: Some(format!("pi_{id}")),
            },
            2,
        )
        .await
        .expect("complete");
    assert!(
        matches!(outcome, PaymentOutcome::Credited { .. }),
        "{outcome:?}"
    );
}

fn reversal(event: &str, purchase: &str, change: MoneyBack) -> PaymentReversal {
    PaymentReversal {
        event_id: event.into(),
        kind: "charge.refunded".into(),
        payment_intent: format!("pi_{purchase}"),
        change,
    }
}

fn spend(amount: i64, key: &str) -> LedgerMove {
    LedgerMove {
        kind: LedgerKind::Reserve,
        amount: -amount,
        idempotency_key: key.into(),
        memo: "a generation".into(),
    }
}

async fn assert_whole(s: &SqlStore, user: &str) {
    let balance = s.balance(user).await.expect("balance");
    assert!(balance >= 0, "a negative balance: {balance}");
    assert_eq!(
        sum_entries(s, user).await,
        balance,
        "the ledger sums to the balance"
    );
}

pub(crate) async fn refunds_take_credits_back_and_leave_the_rest_owed(db: Db) {
    let s = &db.store;
    user(s, "buyer", 0).await;
    paid_purchase(s, "buyer", "p1", 50, 299).await;
    assert_eq!(s.balance("buyer").await.expect("balance"), 50);
    s.apply_ledger("buyer", &spend(45, "spent"), None)
        .await
        .expect("spend");

    // A refund for a payment no purchase has (yet) records nothing: its redelivery applies.
    let early = s
        .reverse_payment(
            &reversal(
                "evt_early",
                "nobody",
                MoneyBack::Refunded {
                    amount_refunded: 299,
                },
            ),
            3,
        )
        .await
        .expect("reverse");
    assert_eq!(early, ReversalOutcome::NotYetKnown);

    // The whole payment refunded after 45 of its 50 credits were spent: 5 taken, 45 owed.
    let full = reversal(
        "evt_refund",
        "p1",
        MoneyBack::Refunded {
            amount_refunded: 299,
        },
    );
    let outcome = s.reverse_payment(&full, 3).await.expect("reverse");
    assert_eq!(
        outcome,
        ReversalOutcome::Applied {
            user_id: "buyer".into(),
            balance: 0,
            owed: 45
        }
    );
    assert_eq!(
        s.reverse_payment(&full, 4).await.expect("again"),
        ReversalOutcome::AlreadyApplied
    );
    assert_eq!(s.owed("buyer").await.expect("owed"), 45);
    assert_whole(s, "buyer").await;

    // Spending waits while credits are owed, even spending nothing the balance lacks.
    s.apply_ledger("buyer", &grant(10, "gift"), None)
        .await
        .expect("gift");
    assert_eq!(
        (
            s.balance("buyer").await.expect("balance"),
            s.owed("buyer").await.expect("owed")
        ),
        (0, 35),
        "credits that arrive pay what is owed first"
    );
    let free = s
        .apply_ledger("buyer", &spend(0, "free"), None)
        .await
        .map(|e| e.amount);
    assert_eq!(free.ok(), Some(0), "a free generation is not spending");
    s.apply_ledger("buyer", &grant(1, "gift2"), None)
        .await
        .expect("gift");
    let err = s
        .apply_ledger("buyer", &spend(1, "blocked"), None)
        .await
        .expect_err("owed");
    assert_eq!(err.code, ErrorCode::CreditsOwed, "{}", err.message);
    assert!(
        err.message.contains("34 credits are owed"),
        "{}",
        err.message
    );

    // The next purchase pays the rest; spending works again.
    paid_purchase(s, "buyer", "p2", 150, 699).await;
    assert_eq!(
        (
            s.balance("buyer").await.expect("balance"),
            s.owed("buyer").await.expect("owed")
        ),
        (116, 0)
    );
    s.apply_ledger("buyer", &spend(16, "spent2"), None)
        .await
        .expect("spend again");
    assert_whole(s, "buyer").await;
}

pub(crate) async fn partial_refunds_and_disputes_reverse_in_any_order(db: Db) {
    let s = &db.store;
    user(s, "b", 0).await;
    paid_purchase(s, "b", "q", 150, 699).await;
    let apply = |event: &'static str, change: MoneyBack| {
        let s = s.clone();
        async move {
            s.reverse_payment(&reversal(event, "q", change), 5)
                .await
                .expect("reverse")
        }
    };
    // $1 of $6.99: 21.5 credits, 22 taken back.
    apply(
        "r1",
        MoneyBack::Refunded {
            amount_refunded: 100,
        },
    )
    .await;
    assert_eq!(s.balance("b").await.expect("balance"), 128);
    // Running totals: a late smaller one changes nothing; a larger one takes only the difference.
    assert_eq!(
        apply(
            "r0",
            MoneyBack::Refunded {
                amount_refunded: 50
            }
        )
        .await,
        ReversalOutcome::AlreadyApplied
    );
    apply(
        "r2",
        MoneyBack::Refunded {
            amount_refunded: 200,
        },
    )
    .await;
    assert_eq!(s.balance("b").await.expect("balance"), 107, "43 in all");
    // A dispute of the rest withdraws it; won, it comes back; a late opening does not reopen it.
    apply("d1", MoneyBack::DisputeOpened { amount: 499 }).await;
    assert_eq!(s.balance("b").await.expect("balance"), 0);
    apply(
        "d2",
        MoneyBack::DisputeClosed {
            amount: 499,
            won: true,
        },
    )
    .await;
    assert_eq!(s.balance("b").await.expect("balance"), 107);
    assert_eq!(
        apply("d1-late", MoneyBack::DisputeOpened { amount: 499 }).await,
        ReversalOutcome::AlreadyApplied
    );
    assert_eq!(s.balance("b").await.expect("balance"), 107);
    assert_whole(s, "b").await;

    // Closed as lost before its opening arrived: taken back once.
    paid_purchase(s, "b", "z", 50, 299).await;
    let lost = |event: &'static str, change: MoneyBack| {
        let s = s.clone();
        async move {
            s.reverse_payment(&reversal(event, "z", change), 6)
                .await
                .expect("reverse")
        }
    };
    lost(
        "z2",
        MoneyBack::DisputeClosed {
            amount: 299,
            won: false,
        },
    )
    .await;
    lost("z1", MoneyBack::DisputeOpened { amount: 299 }).await;
    assert_eq!(s.balance("b").await.expect("balance"), 107);
    assert_whole(s, "b").await;
}

pub(crate) async fn spends_racing_a_refund_never_go_negative(db: Db) {
    let s = &db.store;
    user(s, "r", 0).await;
    paid_purchase(s, "r", "race", 400, 1499).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..40 {
        let s = s.clone();
        tasks.spawn(async move {
            s.apply_ledger("r", &spend(15, &format!("race-spend-{i}")), None)
                .await
                .is_ok()
        });
    }
    {
        let s = s.clone();
        tasks.spawn(async move {
            s.reverse_payment(
                &reversal(
                    "race-refund",
                    "race",
                    MoneyBack::Refunded {
                        amount_refunded: 1499,
                    },
                ),
                7,
            )
            .await
            .expect("refund");
            false
        });
    }
    let mut spent = 0;
    while let Some(done) = tasks.join_next().await {
        if done.expect("task") {
            spent += 15;
        }
    }
    let balance = s.balance("r").await.expect("balance");
    let owed = s.owed("r").await.expect("owed");
    // Every credit accounted for: what was bought, less what was spent, is what the balance holds
    // after the whole pack was taken back, or what is still owed.
    assert_eq!(balance, 0);
    assert_eq!(owed, spent, "spent {spent}, owed {owed}");
    assert_whole(s, "r").await;
}

/// Every ledger entry of `user`.
async fn entries_of(s: &SqlStore, user: &str) -> Vec<LedgerEntry> {
    s.ledger_entries(
        user,
        &PageRequest {
            before: None,
            limit: 100_000,
        },
    )
    .await
    .expect("entries")
}

pub(crate) async fn a_thousand_purchases_tips_and_sales_keep_every_credit(db: Db) {
    use pixel_core::ops::collections::NewCollection;
    use pixel_core::ops::market::{NewListing, PromptSale, SaleOutcome, PLATFORM_ACCOUNT};
    use pixel_core::ops::premium::CollectionSale;
    use pixel_core::ops::tips::NewTip;
    let s = &db.store;
    let people: Vec<String> = (0..5).map(|i| format!("p{i}")).collect();
    for p in &people {
        user(s, p, 100).await;
    }
    // Ten prompts each, at 7 credits (a fee of 1).
    for (i, seller) in people.iter().enumerate() {
        for j in 0..10 {
            s.insert_listing(&NewListing {
                id: format!("l{i}-{j}"),
                seller_id: seller.clone(),
                title: format!("prompt {i}-{j}"),
                description: String::new(),
                prompt: "secret".into(),
                negative_prompt: None,
                model: None,
                price: 7,
                tags: vec![],
                sample_ids: vec![],
                created_at: 1,
            })
            .await
            .expect("listing");
        }
    }
    // And a premium collection each, of three public images, also at 7.
    for (i, seller) in people.iter().enumerate() {
        let mut images = Vec::new();
        for k in 0..3 {
            images.push(super::collections::image_of(s, seller, 1 + k, true).await);
        }
        s.insert_collection(&NewCollection {
            id: format!("c{i}"),
            owner_id: seller.clone(),
            title: format!("collection {i}"),
            description: String::new(),
            visibility: Visibility::Public,
            image_ids: images,
            created_at: 1,
        })
        .await
        .expect("collection");
        s.set_collection_price(&format!("c{i}"), 7, 3, 1)
            .await
            .expect("priced");
    }
    for i in 0..200 {
        s.insert_purchase(&Purchase {
            id: format!("buy{i}"),
            user_id: people[i % 5].clone(),
            pack: CreditPack {
                id: "pack_50".into(),
                credits: 50,
                amount: 299,
                currency: "usd".into(),
            },
            session_id: Some(format!("cs_buy{i}")),
            status: PurchaseStatus::Open,
            created_at: 1,
            paid_at: None,
        })
        .await
        .expect("purchase");
    }
    // 1000 at once: 200 purchases paid, 400 tips, 400 sales of prompts and collections (each pair of
    // buyer and item tried twice).
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000usize {
        let s = s.clone();
        let people = people.clone();
        tasks.spawn(async move {
            match i % 5 {
                0 => {
                    let n = i / 5;
                    let out = s
                        .complete_purchase(
                            &CompletedPayment {
                                event_id: format!("evt_buy{n}"),
                                kind: "checkout.session.completed".into(),
                                session_id: format!("cs_buy{n}"),
                                purchase_id: Some(format!("buy{n}")),
                                paid: true,
                                amount_total: Some(299),
                                payment_intent: Some(format!("pi_buy{n}")),
                            },
                            2,
                        )
                        .await
                        .expect("paid");
                    ("purchase", matches!(out, PaymentOutcome::Credited { .. }))
                }
                1 | 2 => {
                    let from = &people[i % 5];
                    let to = &people[(i / 5 + 1 + i % 5) % 5];
                    if from == to {
                        return ("tip", false);
                    }
                    let sent = s
                        .send_tip(&NewTip {
                            id: format!("tip{i}"),
                            from_user: from.clone(),
                            from_username: from.clone(),
                            to_user: to.clone(),
                            to_username: to.clone(),
                            amount: 1 + (i as i64 % 30),
                            message: None,
                            image_id: None,
                            request_key: format!("tip{i}"),
                            created_at: 3,
                        })
                        .await;
                    match sent {
                        Ok(_) => ("tip", true),
                        Err(e) if e.code == ErrorCode::InsufficientCredits => ("tip", false),
                        Err(e) => panic!("tip {i}: {}", e.message),
                    }
                }
                _ => {
                    // 400 sales over 200 (buyer, prompt) pairs: each pair twice.
                    let n = (i / 5) * 2 + (i % 5) - 3;
                    let pair = n % 200;
                    let buyer = &people[pair % 5];
                    let seller = (pair % 5 + 1 + (pair / 5) % 4) % 5;
                    // Every tenth pair buys the seller's premium collection instead of a prompt.
                    let sold = if pair % 10 == 0 {
                        s.buy_collection(&CollectionSale {
                            id: format!("sale{i}"),
                            collection_id: format!("c{seller}"),
                            buyer_id: buyer.clone(),
                            buyer_username: buyer.clone(),
                            price: 7,
                            created_at: 4,
                        })
                        .await
                    } else {
                        s.buy_listing(&PromptSale {
                            id: format!("sale{i}"),
                            listing_id: format!("l{seller}-{}", (pair / 20) % 10),
                            buyer_id: buyer.clone(),
                            buyer_username: buyer.clone(),
                            created_at: 4,
                        })
                        .await
                    };
                    match sold {
                        Ok(SaleOutcome::Sold { .. }) => ("sale", true),
                        Ok(SaleOutcome::AlreadyOwned) => ("sale", false),
                        Err(e) if e.code == ErrorCode::InsufficientCredits => ("sale", false),
                        Err(e) => panic!("sale {i}: {}", e.message),
                    }
                }
            }
        });
    }
    let mut done: HashMap<&str, usize> = HashMap::new();
    while let Some(r) = tasks.join_next().await {
        let (what, happened) = r.expect("task");
        if happened {
            *done.entry(what).or_default() += 1;
        }
    }
    assert_eq!(
        done.get("purchase"),
        Some(&200),
        "every purchase credited once"
    );
    assert!(done.get("tip").copied().unwrap_or(0) > 0, "{done:?}");
    assert!(done.get("sale").copied().unwrap_or(0) > 0, "{done:?}");

    // Every balance is its entries' sum and never negative; no credit was made or lost.
    let mut accounts = people.clone();
    accounts.push(PLATFORM_ACCOUNT.to_string());
    let mut total = 0;
    let mut entries = Vec::new();
    for a in &accounts {
        assert_whole(s, a).await;
        total += s.balance(a).await.expect("balance");
        entries.extend(entries_of(s, a).await);
    }
    assert_eq!(total, 5 * 100 + 200 * 50, "credits in = credits held");
    // Each sale: the buyer's 7 out, 6 to the seller and 1 to the platform, summing to zero.
    let mut sales: HashMap<String, Vec<i64>> = HashMap::new();
    for e in &entries {
        let sale = e
            .idempotency_key
            .strip_prefix("sale:")
            .or_else(|| e.idempotency_key.strip_prefix("collection_sale:"));
        if let Some(rest) = sale {
            let (sale, _) = rest.rsplit_once(':').expect("side");
            sales.entry(sale.to_string()).or_default().push(e.amount);
        }
    }
    assert!(
        entries
            .iter()
            .any(|e| e.idempotency_key.starts_with("collection_sale:")),
        "collections sold too"
    );
    assert_eq!(sales.len(), done["sale"]);
    // Earnings plus fees are what buyers paid, prompts and collections alike.
    let (mut gross, mut fees_earned) = (0, 0);
    for p in &people {
        let e = EarningsStore::earnings(&**s, p, 0).await.expect("earnings");
        gross += e.gross;
        fees_earned += e.fees;
    }
    assert_eq!(gross, 7 * done["sale"] as i64);
    assert_eq!(fees_earned, done["sale"] as i64);
    for (sale, mut amounts) in sales {
        amounts.sort_unstable();
        assert_eq!(amounts, [-7, 1, 6], "{sale}");
    }
    let fees: i64 = entries_of(s, PLATFORM_ACCOUNT)
        .await
        .iter()
        .map(|e| e.amount)
        .sum();
    assert_eq!(fees, done["sale"] as i64, "a fee of 1 on each sale");
}
