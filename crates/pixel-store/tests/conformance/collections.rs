//! The collection queries on both dialects: order, covers and counts as images come, move and go;
//! a premium collection sold once per buyer in one transaction of three entries summing to zero, and
//! withholding its images from exactly those who did not buy it.

use super::*;
use pixel_core::ops::collections::{CollectionChange, NewCollection};
use pixel_core::ops::market::{SaleOutcome, PLATFORM_ACCOUNT};
use pixel_core::ops::premium::CollectionSale;

pub(crate) async fn image_of(s: &SqlStore, owner: &str, at: Millis, public: bool) -> String {
    let jobs = submit(s, owner, "a lighthouse", 1, 0, at)
        .await
        .expect("submit");
    finish_next(s, at, Some(&jobs[0].id), |image| {
        if public {
            image.visibility = Visibility::Public;
        }
    })
    .await
}

fn first(limit: u32) -> PageRequest {
    PageRequest {
        before: None,
        limit,
    }
}

async fn order_of(s: &SqlStore, id: &str, public_only: bool) -> Vec<String> {
    s.collection_images(id, public_only, &first(100))
        .await
        .expect("images")
        .into_iter()
        .map(|(i, _)| i.id)
        .collect()
}

fn new_collection(id: &str, owner: &str, image_ids: &[String], public: bool) -> NewCollection {
    NewCollection {
        id: id.into(),
        owner_id: owner.into(),
        title: format!("collection {id}"),
        description: String::new(),
        visibility: if public {
            Visibility::Public
        } else {
            Visibility::Private
        },
        image_ids: image_ids.to_vec(),
        created_at: 10,
    }
}

pub(crate) async fn collections_keep_their_order_cover_and_counts(db: Db) {
    let s = &db.store;
    user(s, "ada", 0).await;
    let mut img = Vec::new();
    for k in 0..5 {
        // 0, 2 and 4 public; 1 and 3 private.
        img.push(image_of(s, "ada", 1 + k, k % 2 == 0).await);
    }
    s.insert_collection(&new_collection("c1", "ada", &img[1..3], true))
        .await
        .expect("insert");
    let row = s.collection("c1").await.expect("read").expect("there");
    assert_eq!((row.image_count, row.public_count), (2, 1));
    assert_eq!(row.first_image_id.as_deref(), Some(img[1].as_str()));
    assert_eq!(
        row.public_cover_id.as_deref(),
        Some(img[2].as_str()),
        "others see the first public image"
    );

    // Adding again what is there already appends only what is new, in the order given.
    s.add_to_collection(
        "c1",
        &[img[2].clone(), img[4].clone(), img[0].clone()],
        10,
        20,
    )
    .await
    .expect("add");
    assert_eq!(
        order_of(s, "c1", false).await,
        [
            img[1].clone(),
            img[2].clone(),
            img[4].clone(),
            img[0].clone()
        ]
    );
    assert_eq!(
        order_of(s, "c1", true).await,
        [img[2].clone(), img[4].clone(), img[0].clone()],
        "others read public images only"
    );
    let err = s
        .add_to_collection("c1", &[img[3].clone()], 4, 21)
        .await
        .expect_err("over the limit");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(order_of(s, "c1", false).await.len(), 4, "nothing added");

    // Pages follow the order.
    let page1 = s
        .collection_images("c1", false, &first(2))
        .await
        .expect("page 1");
    let after = page1.last().map(|(i, p)| (*p, i.id.clone()));
    let page2 = s
        .collection_images(
            "c1",
            false,
            &PageRequest {
                before: after,
                limit: 2,
            },
        )
        .await
        .expect("page 2");
    let paged: Vec<String> = page1.into_iter().chain(page2).map(|(i, _)| i.id).collect();
    assert_eq!(paged, order_of(s, "c1", false).await);

    // Moves: the last to the front, then the front to past the end.
    assert!(s
        .move_in_collection("c1", &img[0], 0, 22)
        .await
        .expect("move"));
    assert_eq!(
        order_of(s, "c1", false).await,
        [
            img[0].clone(),
            img[1].clone(),
            img[2].clone(),
            img[4].clone()
        ]
    );
    assert!(s
        .move_in_collection("c1", &img[0], 99, 23)
        .await
        .expect("move"));
    assert_eq!(
        order_of(s, "c1", false).await,
        [
            img[1].clone(),
            img[2].clone(),
            img[4].clone(),
            img[0].clone()
        ]
    );
    assert!(!s
        .move_in_collection("c1", &img[3], 0, 24)
        .await
        .expect("not in it"));

    // A cover must be in the collection; removing it goes back to the first image.
    let err = s
        .update_collection(
            "c1",
            &CollectionChange {
                cover_image_id: Some(Some(img[3].clone())),
                updated_at: 25,
                ..Default::default()
            },
        )
        .await
        .expect_err("not in it");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    s.update_collection(
        "c1",
        &CollectionChange {
            title: Some("Harbours".into()),
            cover_image_id: Some(Some(img[4].clone())),
            visibility: Some(Visibility::Private),
            updated_at: 26,
            ..Default::default()
        },
    )
    .await
    .expect("update");
    let row = s.collection("c1").await.expect("read").expect("there");
    assert_eq!(row.title, "Harbours");
    assert_eq!(row.visibility, Visibility::Private);
    assert_eq!(row.cover_image_id.as_deref(), Some(img[4].as_str()));
    assert_eq!(row.public_cover_id.as_deref(), Some(img[4].as_str()));
    assert_eq!(row.updated_at, 26);
    s.remove_from_collection("c1", &[img[4].clone()], 27)
        .await
        .expect("remove");
    let row = s.collection("c1").await.expect("read").expect("there");
    assert_eq!(row.cover_image_id, None, "its cover left with it");
    assert_eq!(row.image_count, 3);

    // Deleting an image takes it out of every collection.
    s.delete_images("ada", std::slice::from_ref(&img[2]))
        .await
        .expect("delete image");
    assert_eq!(
        order_of(s, "c1", false).await,
        [img[1].clone(), img[0].clone()]
    );

    // A person's list: private ones only for them, newest first.
    s.insert_collection(&NewCollection {
        created_at: 30,
        ..new_collection("c2", "ada", &[], true)
    })
    .await
    .expect("insert");
    let all: Vec<String> = s
        .collections_of("ada", true, &first(10))
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(all, ["c2", "c1"]);
    let public: Vec<String> = s
        .collections_of("ada", false, &first(10))
        .await
        .expect("list")
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(public, ["c2"]);
    assert!(s.delete_collection("c1").await.expect("delete"));
    assert!(s.collection("c1").await.expect("read").is_none());
}

pub(crate) async fn a_premium_collection_sells_once_and_withholds_until_bought(db: Db) {
    let s = &db.store;
    user(s, "ada", 0).await;
    user(s, "grace", 100).await;
    user(s, "bob", 100).await;
    let mut img = Vec::new();
    for k in 0..4 {
        img.push(image_of(s, "ada", 1 + k, k != 3).await);
    }
    s.insert_collection(&new_collection(
        "p1",
        "ada",
        &[img[0].clone(), img[1].clone(), img[3].clone()],
        true,
    ))
    .await
    .expect("insert");
    let err = s
        .set_collection_price("p1", 9, 3, 5)
        .await
        .expect_err("two public images");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(s
        .premium_locks(&img, Some("grace"))
        .await
        .expect("locks")
        .is_empty());
    s.add_to_collection("p1", &[img[2].clone()], 100, 6)
        .await
        .expect("add");
    s.set_collection_price("p1", 9, 3, 7).await.expect("priced");
    // Discovery: public collections with something public in them, premium ones on their own.
    s.insert_collection(&new_collection("empty", "bob", &[], true))
        .await
        .expect("insert");
    let listed = |rows: Vec<pixel_core::ops::collections::CollectionRow>| -> Vec<String> {
        rows.into_iter().map(|c| c.id).collect()
    };
    assert_eq!(
        listed(s.public_collections(1, &first(10)).await.expect("premium")),
        ["p1"]
    );
    assert_eq!(
        listed(s.public_collections(0, &first(10)).await.expect("all")),
        ["p1"],
        "an empty collection is not shown"
    );

    let locks = s.premium_locks(&img, Some("grace")).await.expect("locks");
    let mut locked: Vec<&str> = locks.iter().map(|l| l.image_id.as_str()).collect();
    locked.sort_unstable();
    let mut expected = vec![
        img[0].as_str(),
        img[1].as_str(),
        img[2].as_str(),
        img[3].as_str(),
    ];
    expected.sort_unstable();
    assert_eq!(locked, expected, "every image of it is withheld");
    let covers: Vec<&str> = locks
        .iter()
        .filter(|l| l.lock.cover)
        .map(|l| l.image_id.as_str())
        .collect();
    assert_eq!(
        covers,
        [img[0].as_str()],
        "the first public image is the cover"
    );
    assert!(locks
        .iter()
        .all(|l| l.lock.price == 9 && l.lock.collection_id == "p1"));

    // A buyer who saw another price is refused, and nothing moves.
    let sale = |id: &str, buyer: &str, price: i64| CollectionSale {
        id: id.into(),
        collection_id: "p1".into(),
        buyer_id: buyer.into(),
        buyer_username: buyer.into(),
        price,
        created_at: 8,
    };
    let err = s
        .buy_collection(&sale("stale", "bob", 5))
        .await
        .expect_err("price changed");
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(s.balance("bob").await.expect("balance"), 100);

    // Twenty purchases at once by one buyer: one sale.
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..20 {
        let s = s.clone();
        let sale = sale(&format!("s{k}"), "grace", 9);
        tasks.spawn(async move { s.buy_collection(&sale).await.expect("buy") });
    }
    let mut sold = 0;
    while let Some(outcome) = tasks.join_next().await {
        if matches!(outcome.expect("task"), SaleOutcome::Sold { .. }) {
            sold += 1;
        }
    }
    assert_eq!(sold, 1);
    assert_eq!(s.balance("grace").await.expect("grace"), 91);
    assert_eq!(s.balance("ada").await.expect("ada"), 8, "9 less a fee of 1");
    assert_eq!(s.balance(PLATFORM_ACCOUNT).await.expect("fee"), 1);
    for who in ["grace", "ada", PLATFORM_ACCOUNT] {
        assert_eq!(sum_entries(s, who).await, s.balance(who).await.expect("b"));
    }
    assert_eq!(
        s.bought_collections("grace", &["p1".into(), "other".into()])
            .await
            .expect("bought"),
        ["p1"]
    );
    assert!(
        s.premium_locks(&img, Some("grace"))
            .await
            .expect("locks")
            .is_empty(),
        "the buyer sees it whole"
    );
    let unlocked = s
        .unlocked_collections("grace", &first(10))
        .await
        .expect("unlocked");
    assert_eq!(
        unlocked
            .iter()
            .map(|(c, _)| c.id.as_str())
            .collect::<Vec<_>>(),
        ["p1"]
    );
    assert!(s
        .unlocked_collections("bob", &first(10))
        .await
        .expect("none")
        .is_empty());
    assert_eq!(
        s.premium_locks(&img, Some("bob"))
            .await
            .expect("locks")
            .len(),
        4
    );
    assert_eq!(s.premium_locks(&img, None).await.expect("locks").len(), 4);
    let earned = EarningsStore::earnings(&**s, "ada", 0)
        .await
        .expect("earnings");
    assert_eq!((earned.sales, earned.gross, earned.fees), (1, 9, 1));

    // Sold: its images stay for the buyer, and it is not deleted.
    let err = s
        .remove_from_collection("p1", &[img[1].clone()], 9)
        .await
        .expect_err("bought with it");
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(!s.delete_collection("p1").await.expect("delete"));
    assert_eq!(
        s.collection("p1").await.expect("read").expect("kept").sales,
        1
    );

    // Made private, it is no longer for sale and withholds nothing.
    s.update_collection(
        "p1",
        &CollectionChange {
            visibility: Some(Visibility::Private),
            updated_at: 10,
            ..Default::default()
        },
    )
    .await
    .expect("private");
    assert!(s
        .premium_locks(&img, Some("bob"))
        .await
        .expect("locks")
        .is_empty());
    assert!(s
        .public_collections(0, &first(10))
        .await
        .expect("all")
        .is_empty());
    let err = s
        .buy_collection(&sale("late", "bob", 9))
        .await
        .expect_err("not for sale");
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(s.balance("bob").await.expect("balance"), 100);
}
