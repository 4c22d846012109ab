//! The seeded data set is one the product reads as its own: counts agree with rows, private images get
//! no likes, and explore, search, trending, feed, detail and bearer tokens work on it, on SQLite and
//! PostgreSQL.

use pixel_bench::seed::{self, is_public, token_holder, token_secret, user_id, Scale};
use pixel_core::registry::Registry;
use pixel_core::{Caller, Role};
use serde_json::{json, Value};
use sqlx::Row;

fn small() -> Scale {
    Scale {
        users: 300,
        images: 2_000,
        likes: 12_000,
        tokens: 20,
        days: 40,
        seed: 11,
    }
}

async fn check(url: &str) {
    let scale = small();
    let report = seed::seed(url, &scale, |_| {}).await.expect("seed");
    assert_eq!(report.users, 300);
    assert_eq!(report.images, 2_000);
    assert!(report.follows > 300, "follows: {}", report.follows);
    // The heavy tail keeps the total near the aim, not on it.
    assert!(
        (8_000..=16_000).contains(&report.likes),
        "likes: {}",
        report.likes
    );
    assert!(
        seed::seed(url, &scale, |_| {}).await.is_err(),
        "seeding twice must be refused"
    );

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.expect("connect");
    let scalar = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(&pool)
                .await
                .expect(sql)
                .try_get::<i64, _>(0)
                .expect("int")
        }
    };
    assert_eq!(
        scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM image_likes").await,
        report.likes as i64
    );
    assert_eq!(
        scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM images i WHERE like_count <> \
             (SELECT COUNT(*) FROM image_likes l WHERE l.image_id = i.id)"
        )
        .await,
        0,
        "every image's kept like count is its rows"
    );
    assert_eq!(
        scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users u WHERE follower_count <> \
             (SELECT COUNT(*) FROM follows f WHERE f.followee_id = u.id) OR following_count <> \
             (SELECT COUNT(*) FROM follows f WHERE f.follower_id = u.id)"
        )
        .await,
        0,
        "every account's kept follow counts are its rows"
    );
    assert_eq!(
        scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM image_likes l JOIN images i ON i.id = l.image_id \
             WHERE i.visibility <> 'public'"
        )
        .await,
        0
    );
    let public =
        scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM images WHERE visibility = 'public'").await;
    assert_eq!(public, (0..2_000).filter(|i| is_public(*i)).count() as i64);
    pool.close().await;

    // The product itself reads it.
    let media = tempfile::tempdir().expect("tempdir");
    let app = pixel_app::wire(pixel_app::Wiring::new(url, media.path()))
        .await
        .expect("wire")
        .app;
    let registry = Registry::standard();
    let holder = user_id(token_holder(3, &scale));
    let viewer = Caller::User {
        id: holder.clone(),
        role: Role::User,
        session: None,
    };
    let call = |op: &'static str, input: Value| {
        let (app, registry, viewer) = (app.clone(), &registry, viewer.clone());
        async move {
            registry
                .call(&app, &viewer, op, input)
                .await
                .unwrap_or_else(|e| panic!("{op}: {}", e.message))
        }
    };
    let top = call("explore.list", json!({"sort": "top", "limit": 50})).await;
    let likes: Vec<i64> = top["images"]
        .as_array()
        .expect("images")
        .iter()
        .map(|i| i["likes"].as_i64().expect("likes"))
        .collect();
    assert_eq!(likes.len(), 50);
    assert!(likes.windows(2).all(|w| w[0] >= w[1]), "{likes:?}");
    assert!(likes[0] > likes[49], "a heavy tail: {likes:?}");

    let found = call(
        "explore.list",
        json!({"text": "portrait", "sort": "newest"}),
    )
    .await;
    let found = found["images"].as_array().expect("images");
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|i| i["image"]["record"]["params"]["prompt"]
            .as_str()
            .is_some_and(|p| p.split(' ').any(|w| w == "portrait"))));

    let trending = call("explore.list", json!({"sort": "trending", "period": "30d"})).await;
    assert!(!trending["images"].as_array().expect("images").is_empty());
    let creators = call("explore.creators", json!({"period": "30d"})).await;
    assert!(!creators["creators"]
        .as_array()
        .expect("creators")
        .is_empty());

    let first = &top["images"][0]["image"]["id"];
    let detail = call("explore.image", json!({"image_id": first})).await;
    assert_eq!(detail["likes"], top["images"][0]["likes"]);

    // A follower of popular creators has a feed of only their public work.
    let feed = call("feed.list", json!({})).await;
    let followees: Vec<String> = {
        let pool = sqlx::AnyPool::connect(url).await.expect("connect");
        let rows = sqlx::query("SELECT followee_id FROM follows WHERE follower_id = $1")
            .bind(&holder)
            .fetch_all(&pool)
            .await
            .expect("followees");
        pool.close().await;
        rows.iter().map(|r| r.get::<String, _>(0)).collect()
    };
    for item in feed["images"].as_array().expect("images") {
        assert!(followees.contains(&item["creator"]["id"].as_str().expect("id").to_string()));
        assert_eq!(item["image"]["visibility"], "public");
    }

    // Load clients' bearer tokens resolve to their holders.
    let (session, user) = app
        .store
        .sessions()
        .session_by_secret(&pixel_core::account::hash_secret(&token_secret(3)), 0)
        .await
        .expect("lookup")
        .expect("token found");
    assert_eq!(user.id, holder);
    assert_eq!(session.user_id, holder);
}

#[tokio::test]
async fn a_small_data_set_on_sqlite_is_one_the_product_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    check(&pixel_store::testing::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn a_small_data_set_on_postgres_is_one_the_product_reads() {
    let Some(url) = pixel_store::testing::fresh_postgres_database().await else {
        return;
    };
    check(&url).await;
}
