//! The money queries on both dialects: a paid purchase credited once, refunds and disputes taking its
//! credits back in proportion and at most once, what the balance no longer holds owed (spending refused
//! until credits that arrive later pay it), and the ledger summing to every balance throughout.

use super::*;
use pixel_core::credits::{
    CompletedPayment, CreditPack, MoneyBack, PaymentOutcome, PaymentReversal, Purchase,
    PurchaseStatus, ReversalOutcome,
};

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
