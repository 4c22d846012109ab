//! The social queries on both dialects: follow counts and lists, likes counted once, comment threads
//! with placeholders, notifications per recipient, and explore and the feed reading public work only,
//! one keyset page at a time.

use super::*;
use pixel_core::social::{
    CommentRemoval, CommentRow, ExploreSort, NotificationKind, NotificationRow, TrendPeriod,
};

/// A finished image of `owner`'s made at `at`, public or private; returns its id.
async fn made_image(s: &SqlStore, owner: &str, prompt: &str, at: Millis, public: bool) -> String {
    let jobs = submit(s, owner, prompt, 1, 0, at).await.expect("submit");
    finish_next(s, at, Some(&jobs[0].id), |image| {
        image.record.params.prompt = prompt.to_string();
        if public {
            image.visibility = Visibility::Public;
        }
    })
    .await
}

fn page(limit: u32) -> PageRequest {
    PageRequest {
        before: None,
        limit,
    }
}

pub(crate) async fn follows_count_once_and_list_newest_first(db: Db) {
    let s = &db.store;
    for u in ["ada", "grace", "lin"] {
        user(s, u, 0).await;
    }
    assert!(s.follow("grace", "ada", 10).await.expect("follow"));
    assert!(!s.follow("grace", "ada", 11).await.expect("again"), "once");
    assert!(s.follow("lin", "ada", 12).await.expect("follow"));
    assert!(s.follow("lin", "grace", 13).await.expect("follow"));
    assert_eq!(s.follow_counts("ada").await.expect("counts"), (2, 0));
    assert_eq!(s.follow_counts("lin").await.expect("counts"), (0, 2));
    assert!(s.is_following("lin", "ada").await.expect("is"));
    assert!(!s.is_following("ada", "lin").await.expect("is"));

    let first = s.followers("ada", true, &page(1)).await.expect("followers");
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].0.username.as_str(), first[0].1), ("lin", 12));
    let rest = s
        .followers(
            "ada",
            true,
            &PageRequest {
                before: Some((first[0].1, first[0].0.id.clone())),
                limit: 10,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(
        rest.iter().map(|(u, _)| u.id.as_str()).collect::<Vec<_>>(),
        vec!["grace"]
    );
    let following = s
        .following("lin", true, &page(10))
        .await
        .expect("following");
    assert_eq!(
        following
            .iter()
            .map(|(u, _)| u.id.as_str())
            .collect::<Vec<_>>(),
        vec!["grace", "ada"]
    );

    // A private profile is left out of others' view of a list, and out of search.
    let found = s.search_users("GR", 10).await.expect("search");
    assert_eq!(
        found.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        vec!["grace"]
    );
    assert_eq!(
        s.search_users("a", 10).await.expect("search").len(),
        1,
        "ada"
    );
    let settings = pixel_core::account::AccountSettings {
        profile_private: true,
        ..Default::default()
    };
    s.update_account("lin", None, Some(&settings))
        .await
        .expect("private");
    assert!(s.search_users("li", 10).await.expect("search").is_empty());
    let others_view = s
        .followers("ada", false, &page(10))
        .await
        .expect("followers");
    assert_eq!(
        others_view
            .iter()
            .map(|(u, _)| u.id.as_str())
            .collect::<Vec<_>>(),
        vec!["grace"]
    );
    assert_eq!(
        s.followers("ada", true, &page(10))
            .await
            .expect("own view")
            .len(),
        2
    );

    assert!(s.unfollow("grace", "ada").await.expect("unfollow"));
    assert!(!s.unfollow("grace", "ada").await.expect("again"));
    assert_eq!(s.follow_counts("ada").await.expect("counts"), (1, 0));
    assert_eq!(s.follow_counts("grace").await.expect("counts"), (1, 0));
}

pub(crate) async fn a_search_pages_newest_first_through_every_match(db: Db) {
    let s = &db.store;
    for u in ["ada", "lin"] {
        user(s, u, 0).await;
    }
    let r1 = made_image(s, "ada", "red one", 1_000, true).await;
    let _r2 = made_image(s, "ada", "red two", 2_000, false).await;
    let r3 = made_image(s, "lin", "red three", 3_000, true).await;
    let _blue = made_image(s, "ada", "blue", 4_000, true).await;
    let r4 = made_image(s, "ada", "redder four", 5_000, true).await;
    // On PostgreSQL a page is read by walking time order or by a bitmap of the matches, by their
    // expected number: each way, and the choice, page alike.
    for (bitmap_below, creator, expected) in [0, u64::MAX, 2_000].into_iter().flat_map(|b| {
        [
            (b, None, vec![r4.clone(), r3.clone(), r1.clone()]),
            (b, Some("ada"), vec![r4.clone(), r1.clone()]),
        ]
    }) {
        s.tune_search_bitmap_below(bitmap_below);
        let filter = ImageFilter {
            text: Some("red".into()),
            creator_id: creator.map(str::to_string),
            ..ImageFilter::default()
        };
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let got = s
                .public_images(
                    &filter,
                    ExploreSort::Newest,
                    TrendPeriod::default(),
                    &PageRequest { before, limit: 1 },
                )
                .await
                .expect("search");
            let Some((last, key)) = got.last() else { break };
            before = Some((*key, last.id.clone()));
            seen.extend(got.iter().map(|(i, _)| i.id.clone()));
        }
        assert_eq!(seen, expected, "{creator:?}, bitmap below {bitmap_below}");
    }
}

/// A search's last word, typed as a prefix, finds every word it starts, whether the store asks it as
/// the few whole words the vocabulary holds (kept as images are written) or, past 16, as a prefix;
/// on SQLite through the same accent folding as the index.
pub(crate) async fn a_search_prefix_finds_every_word_it_starts(db: Db) {
    let s = &db.store;
    user(s, "ada", 0).await;
    let mut at = 1_000;
    let mut image = |prompt: &'static str| {
        at += 1_000;
        made_image(s, "ada", prompt, at, true)
    };
    let tiger = image("koi tiger").await;
    let tigers = image("Koi tigers").await;
    let lily = image("koi Tigerlily").await;
    let tig = image("koi tig").await;
    let no_koi = image("tiger alone").await;
    let _lion = image("koi lion").await;
    let emile = image("koi Émile").await;
    let emily = image("koi emily").await;
    let mut zs = Vec::new();
    for word in [
        "zaa", "zab", "zac", "zad", "zae", "zaf", "zag", "zah", "zai", "zaj", "zak", "zal", "zam",
        "zan", "zao", "zap", "zaq", "zar",
    ] {
        let prompt: &'static str = Box::leak(format!("koi {word}").into_boxed_str());
        zs.push(image(prompt).await);
    }
    let terms: Vec<String> = sqlx::query_scalar(
        "SELECT term FROM search_terms WHERE term >= 'tig' AND term < 'tih' ORDER BY term",
    )
    .fetch_all(s.pool())
    .await
    .expect("terms");
    assert_eq!(
        terms,
        ["tig", "tiger", "tigerlily", "tigers"],
        "kept as images are written"
    );

    let search = |text: &'static str, sort: ExploreSort| async move {
        let filter = ImageFilter {
            text: Some(text.into()),
            ..ImageFilter::default()
        };
        let mut got: Vec<String> = s
            .public_images(&filter, sort, TrendPeriod::default(), &page(100))
            .await
            .expect("search")
            .into_iter()
            .map(|(i, _)| i.id)
            .collect();
        got.sort();
        got
    };
    let mut expected = vec![tiger.clone(), tigers.clone(), lily.clone(), tig.clone()];
    expected.sort();
    for sort in [ExploreSort::Newest, ExploreSort::Top] {
        assert_eq!(search("KOI tig", sort).await, expected, "{sort:?}");
        assert_eq!(search("koi tigers", sort).await, vec![tigers.clone()]);
        // SQLite's index folds accents (so does its query); PostgreSQL's 'simple' keeps them.
        let mut accented = vec![emile.clone()];
        if s.dialect() == "sqlite" {
            accented.push(emily.clone());
            accented.sort();
        }
        assert_eq!(search("koi émi", sort).await, accented, "{sort:?}");
        zs.sort();
        assert_eq!(
            search("koi z", sort).await,
            zs,
            "more words than stand in for a prefix"
        );
        assert!(search("koi tigerz", sort).await.is_empty());
        assert_eq!(search("koi KOI tig", sort).await, expected, "a word twice");
        let mut tigers_only = vec![tiger.clone(), no_koi.clone()];
        tigers_only.sort();
        assert_eq!(
            search("tiger tig", sort).await,
            tigers_only,
            "a prefix of a word asked"
        );
    }

    // Made private, an image leaves search at once (PostgreSQL keeps a narrow copy of public work
    // for search: it must follow); public again, it returns; deleted, it is gone.
    let public_rows = |id: String| async move {
        if s.dialect() == "sqlite" {
            return None;
        }
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM public_search WHERE image_id = $1")
            .bind(id)
            .fetch_one(s.pool())
            .await
            .expect("count");
        Some(n)
    };
    let without = |gone: &str| {
        let mut ids = expected.clone();
        ids.retain(|i| i != gone);
        ids
    };
    let one = [tiger.clone()];
    s.set_images_visibility("ada", &one, Visibility::Private)
        .await
        .expect("private");
    assert_eq!(
        search("koi tig", ExploreSort::Newest).await,
        without(&tiger)
    );
    assert_eq!(search("koi tig", ExploreSort::Top).await, without(&tiger));
    assert!(matches!(public_rows(tiger.clone()).await, None | Some(0)));
    s.set_images_visibility("ada", &one, Visibility::Public)
        .await
        .expect("public");
    assert_eq!(search("koi tig", ExploreSort::Newest).await, expected);
    assert!(matches!(public_rows(tiger.clone()).await, None | Some(1)));
    s.delete_images("ada", &one).await.expect("delete");
    assert_eq!(
        search("koi tig", ExploreSort::Newest).await,
        without(&tiger)
    );
    assert!(matches!(public_rows(tiger.clone()).await, None | Some(0)));
}

/// A follower of a few accounts and one of many (past the point where the feed walks all public
/// work instead of reading followee by followee) page through the same feed the same way.
pub(crate) async fn the_feed_pages_alike_for_few_and_for_many_followees(db: Db) {
    let s = &db.store;
    for u in ["few", "many", "ada", "lin", "quiet"] {
        user(s, u, 0).await;
    }
    let a1 = made_image(s, "ada", "one", 1_000, true).await;
    let _secret = made_image(s, "ada", "secret", 1_500, false).await;
    let l1 = made_image(s, "lin", "two", 2_000, true).await;
    let a2 = made_image(s, "ada", "three", 3_000, true).await;
    let q1 = made_image(s, "quiet", "four", 500, true).await;
    let _stranger = made_image(s, "few", "not followed", 2_500, true).await;
    for followee in ["ada", "lin", "quiet"] {
        s.follow("few", followee, 10).await.expect("follow");
        s.follow("many", followee, 10).await.expect("follow");
    }
    for n in 0..520 {
        let id = format!("idle{n}");
        user(s, &id, 0).await;
        s.follow("many", &id, 20).await.expect("follow");
    }
    assert_eq!(s.follow_counts("many").await.expect("counts").1, 523);
    let expected = vec![a2.clone(), l1.clone(), a1.clone(), q1.clone()];
    for follower in ["few", "many"] {
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let got = s
                .feed(follower, &PageRequest { before, limit: 3 })
                .await
                .expect("feed");
            let Some(last) = got.last() else { break };
            before = Some((last.created_at, last.id.clone()));
            seen.extend(got.iter().map(|i| i.id.clone()));
        }
        assert_eq!(
            seen, expected,
            "{follower}: newest first, public, followees only"
        );
    }
}

pub(crate) async fn explore_and_the_feed_read_public_work_one_page_at_a_time(db: Db) {
    let s = &db.store;
    for u in ["ada", "grace", "lin"] {
        user(s, u, 0).await;
    }
    let a1 = made_image(s, "ada", "Red fox at dusk", 1_000, true).await;
    let _private = made_image(s, "ada", "red secret", 2_000, false).await;
    let l1 = made_image(s, "lin", "a red kite", 3_000, true).await;
    let a2 = made_image(s, "ada", "blue whale", 4_000, true).await;
    s.follow("grace", "ada", 5_000).await.expect("follow");

    let newest = |f: ImageFilter, p: PageRequest| async move {
        s.public_images(&f, ExploreSort::Newest, TrendPeriod::default(), &p)
            .await
            .expect("explore")
            .into_iter()
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    let explore = newest(ImageFilter::default(), page(10)).await;
    let ids: Vec<&str> = explore.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, vec![a2.as_str(), l1.as_str(), a1.as_str()]);
    let red = newest(
        ImageFilter {
            text: Some("RED".into()),
            ..ImageFilter::default()
        },
        page(10),
    )
    .await;
    assert_eq!(
        red.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![l1.as_str(), a1.as_str()],
        "case-insensitive, private never"
    );
    let search = |text: &'static str| {
        newest(
            ImageFilter {
                text: Some(text.into()),
                ..ImageFilter::default()
            },
            page(10),
        )
    };
    let found = search("fox RED").await;
    assert_eq!(
        found.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![a1.as_str()],
        "every word, in any order"
    );
    assert_eq!(
        search("red fo")
            .await
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        vec![a1.as_str()],
        "the last word as it is typed"
    );
    assert!(
        search("re fox").await.is_empty(),
        "earlier words are whole words"
    );
    let prefix = search("wha").await;
    assert_eq!(
        prefix.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![a2.as_str()],
        "a word's start finds it"
    );
    assert!(
        search("\"* OR NEAR(").await.is_empty(),
        "query syntax is not words"
    );
    assert!(
        search("secret").await.is_empty(),
        "a private prompt is never found"
    );
    let lins = newest(
        ImageFilter {
            creator_id: Some("lin".into()),
            ..ImageFilter::default()
        },
        page(10),
    )
    .await;
    assert_eq!(
        lins.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![l1.as_str()]
    );
    let first = newest(ImageFilter::default(), page(2)).await;
    let last = first.last().expect("two");
    let second = newest(
        ImageFilter::default(),
        PageRequest {
            before: Some((last.created_at, last.id.clone())),
            limit: 2,
        },
    )
    .await;
    assert_eq!(
        second.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![a1.as_str()]
    );

    let feed = s.feed("grace", &page(10)).await.expect("feed");
    assert_eq!(
        feed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        vec![a2.as_str(), a1.as_str()],
        "the followee's public work only"
    );
    assert!(s.feed("lin", &page(10)).await.expect("feed").is_empty());

    assert!(s.like_image(&a1, "grace", 6_000).await.expect("like"));
    assert!(!s.like_image(&a1, "grace", 6_001).await.expect("again"));
    assert!(s.like_image(&a1, "lin", 6_002).await.expect("like"));
    let e = s
        .engagement(&[a1.clone(), a2.clone()], Some("grace"))
        .await
        .expect("engagement");
    let of = |id: &str| e.iter().find(|x| x.image_id == id).expect("row").clone();
    assert_eq!((of(&a1).likes, of(&a1).liked), (2, true));
    assert_eq!((of(&a2).likes, of(&a2).liked), (0, false));
    assert_eq!(of(&a1).creator.username, "ada");
    assert!(of(&a1).following, "grace follows ada");
    let by_lin = s
        .engagement(std::slice::from_ref(&a1), Some("lin"))
        .await
        .expect("engagement");
    assert!(!by_lin[0].following);
    assert!(s.unlike_image(&a1, "grace").await.expect("unlike"));
    assert!(!s.unlike_image(&a1, "grace").await.expect("again"));
    let e = s
        .engagement(std::slice::from_ref(&a1), None)
        .await
        .expect("engagement");
    assert_eq!((e[0].likes, e[0].liked), (1, false));
    // Deleting an image takes its likes with it.
    s.delete_images("ada", std::slice::from_ref(&a1))
        .await
        .expect("delete");
    assert!(s
        .engagement(&[a1], None)
        .await
        .expect("engagement")
        .is_empty());
}

fn comment(id: &str, image: &str, author: &str, parent: Option<&str>, at: Millis) -> CommentRow {
    CommentRow {
        id: id.into(),
        image_id: image.into(),
        parent_id: parent.map(str::to_string),
        author_id: author.into(),
        author_username: author.into(),
        author_picture: None,
        body: format!("comment {id}"),
        deleted: false,
        likes: 0,
        replies: 0,
        liked: false,
        created_at: at,
        edited_at: None,
    }
}

async fn comment_count(s: &SqlStore, image: &str) -> i64 {
    s.engagement(&[image.to_string()], None)
        .await
        .expect("engagement")[0]
        .comments
}

pub(crate) async fn comment_threads_keep_placeholders_and_counts(db: Db) {
    let s = &db.store;
    for u in ["ada", "grace"] {
        user(s, u, 0).await;
    }
    let image = made_image(s, "ada", "a tide pool", 1_000, true).await;
    s.insert_comment(&comment("c1", &image, "grace", None, 10))
        .await
        .expect("c1");
    s.insert_comment(&comment("c2", &image, "ada", Some("c1"), 11))
        .await
        .expect("c2");
    s.insert_comment(&comment("c3", &image, "grace", Some("c2"), 12))
        .await
        .expect("c3");
    s.insert_comment(&comment("c4", &image, "grace", None, 13))
        .await
        .expect("c4");

    assert_eq!(comment_count(s, &image).await, 4);
    let c1 = s.get_comment("c1", None).await.expect("get").expect("c1");
    assert_eq!(c1.replies, 1);

    assert!(s.like_comment("c4", "ada", 20).await.expect("like"));
    assert!(!s.like_comment("c4", "ada", 21).await.expect("again"));
    let c4 = s
        .get_comment("c4", Some("ada"))
        .await
        .expect("get")
        .expect("c4");
    assert_eq!((c4.likes, c4.liked), (1, true));
    assert!(s.edit_comment("c4", "edited", 30).await.expect("edit"));
    let c4 = s.get_comment("c4", None).await.expect("get").expect("c4");
    assert_eq!(
        (c4.body.as_str(), c4.edited_at, c4.liked),
        ("edited", Some(30), false)
    );

    assert_eq!(
        s.delete_comment("c1").await.expect("delete"),
        Some(CommentRemoval::Placeholder)
    );
    assert_eq!(s.delete_comment("c1").await.expect("again"), None);
    assert!(
        !s.edit_comment("c1", "back", 31).await.expect("edit"),
        "a placeholder stays empty"
    );
    assert_eq!(comment_count(s, &image).await, 3);
    let first = s.list_comments(&image, None, None, 2).await.expect("list");
    assert_eq!(
        first
            .iter()
            .map(|c| (c.id.as_str(), c.deleted))
            .collect::<Vec<_>>(),
        vec![("c1", true), ("c2", false)]
    );
    let after = (first[1].created_at, first[1].id.clone());
    let rest = s
        .list_comments(&image, None, Some(&after), 10)
        .await
        .expect("page 2");
    assert_eq!(
        rest.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        vec!["c3", "c4"]
    );
    // The last reply under the placeholder goes, and the placeholders above it with it.
    assert_eq!(
        s.delete_comment("c3").await.expect("delete"),
        Some(CommentRemoval::Removed)
    );
    assert_eq!(
        s.delete_comment("c2").await.expect("delete"),
        Some(CommentRemoval::Removed)
    );
    let left = s.list_comments(&image, None, None, 10).await.expect("list");
    assert_eq!(
        left.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        vec!["c4"]
    );
    assert_eq!(comment_count(s, &image).await, 1);
    s.delete_images("ada", std::slice::from_ref(&image))
        .await
        .expect("an image with comments and comment likes can be deleted");
    assert!(s.get_comment("c4", None).await.expect("get").is_none());
}

fn notice(id: &str, to: &str, at: Millis) -> NotificationRow {
    NotificationRow {
        id: id.into(),
        user_id: to.into(),
        kind: NotificationKind::NewFollower,
        actor: Some(pixel_core::social::UserSummary::new("grace", "grace")),
        image_id: None,
        comment_id: None,
        tip: None,
        award: None,
        report_outcome: None,
        message: None,
        read_at: None,
        created_at: at,
    }
}

pub(crate) async fn notifications_belong_to_their_recipient(db: Db) {
    let s = &db.store;
    for u in ["ada", "grace"] {
        user(s, u, 0).await;
    }
    for (id, at) in [("n1", 1), ("n2", 2), ("n3", 3)] {
        s.insert_notification(&notice(id, "ada", at))
            .await
            .expect("insert");
    }
    s.insert_notification(&notice("g1", "grace", 4))
        .await
        .expect("insert");
    let list = s
        .list_notifications("ada", false, &page(2))
        .await
        .expect("list");
    assert_eq!(
        list.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        vec!["n3", "n2"]
    );
    assert_eq!(
        list[0].actor.as_ref().map(|a| a.username.as_str()),
        Some("grace")
    );
    assert_eq!(s.unread_count("ada").await.expect("count"), 3);
    let theirs = ["g1".to_string()];
    assert_eq!(s.mark_read("ada", Some(&theirs), 9).await.expect("mark"), 0);
    assert_eq!(
        s.delete_notifications("ada", &theirs)
            .await
            .expect("delete"),
        0
    );
    let one = ["n2".to_string()];
    assert_eq!(s.mark_read("ada", Some(&one), 9).await.expect("mark"), 1);
    let unread = s
        .list_notifications("ada", true, &page(10))
        .await
        .expect("unread");
    assert_eq!(
        unread.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(),
        vec!["n3", "n1"]
    );
    assert_eq!(s.mark_read("ada", None, 10).await.expect("all"), 2);
    assert_eq!(s.unread_count("ada").await.expect("count"), 0);
    assert_eq!(s.unread_count("grace").await.expect("count"), 1);
    assert_eq!(
        s.delete_notifications("ada", &one).await.expect("delete"),
        1
    );
    let names = s
        .users_by_usernames(&["ADA".to_string(), "nobody".to_string()])
        .await
        .expect("by name");
    assert_eq!(names.len(), 1);
    assert_eq!(names[0].id, "ada");
}

pub(crate) async fn blocks_end_follows_and_reports_are_filed_once(db: Db) {
    use pixel_core::social::{Report, ReportTarget};
    let s = &db.store;
    for u in ["ada", "troll", "grace"] {
        user(s, u, 0).await;
    }
    s.follow("troll", "ada", 1).await.expect("follow");
    s.follow("ada", "troll", 2).await.expect("follow");
    assert!(s.block("ada", "troll", 3).await.expect("block"));
    assert!(!s.block("ada", "troll", 4).await.expect("again"));
    assert_eq!(s.follow_counts("ada").await.expect("counts"), (0, 0));
    assert_eq!(s.follow_counts("troll").await.expect("counts"), (0, 0));
    assert!(s.blocked_between("troll", "ada").await.expect("either way"));
    assert!(s.is_blocking("ada", "troll").await.expect("one way"));
    assert!(!s.is_blocking("troll", "ada").await.expect("not the other"));
    assert!(!s.blocked_between("grace", "ada").await.expect("others"));
    let among = s
        .blocked_among("troll", &["ada".to_string(), "grace".to_string()])
        .await
        .expect("among");
    assert_eq!(
        among.into_iter().collect::<Vec<_>>(),
        vec!["ada".to_string()],
        "either way"
    );
    let among = s
        .blocked_among("ada", &["troll".to_string(), "grace".to_string()])
        .await
        .expect("among");
    assert_eq!(
        among.into_iter().collect::<Vec<_>>(),
        vec!["troll".to_string()]
    );
    assert!(s.blocked_among("ada", &[]).await.expect("none").is_empty());
    let list = s.blocked_by("ada", &page(10)).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].0.username, "troll");
    assert!(s.unblock("ada", "troll").await.expect("unblock"));
    assert!(!s.blocked_between("ada", "troll").await.expect("gone"));

    let report = |id: &str, by: &str, at: Millis| Report {
        id: id.into(),
        reporter_id: by.into(),
        target: ReportTarget::User,
        target_id: "troll".into(),
        reason: "spam".into(),
        created_at: at,
        resolved_at: None,
    };
    assert!(s.file_report(&report("r1", "ada", 10)).await.expect("file"));
    assert!(
        !s.file_report(&report("r2", "ada", 11))
            .await
            .expect("again"),
        "once a person"
    );
    assert!(s
        .file_report(&report("r3", "grace", 12))
        .await
        .expect("file"));
    assert_eq!(
        s.report_count(&ReportTarget::User, "troll")
            .await
            .expect("count"),
        2
    );
    let first = s.open_reports(None, 1).await.expect("queue");
    assert_eq!(first[0].id, "r1", "oldest first");
    let rest = s
        .open_reports(Some(&(first[0].created_at, first[0].id.clone())), 10)
        .await
        .expect("page 2");
    assert_eq!(
        rest.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["r3"]
    );
}

pub(crate) async fn trending_ranks_every_candidate_by_decayed_score(db: Db) {
    let s = &db.store;
    user(s, "ada", 0).await;
    let fans: Vec<String> = (0..10).map(|i| format!("fan{i}")).collect();
    for f in &fans {
        user(s, f, 0).await;
    }
    let hour = 3_600_000;
    let now = 1_000 * hour;
    // (age in hours, likes): scores (likes x 3) / (days old + 1) are a 8.64, b 6.67, c 8.57.
    let mut ids = vec![];
    for (name, age, likes) in [("a", 1, 3), ("b", 30, 5), ("c", 60, 10)] {
        let id = made_image(s, "ada", name, now - age * hour, true).await;
        for f in fans.iter().take(likes) {
            s.like_image(&id, f, now).await.expect("like");
        }
        ids.push(id);
    }
    let _private = made_image(s, "ada", "hidden", now - hour, false).await;
    let (a, b, c) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    assert_eq!(
        s.rank_trending(TrendPeriod::TwoDays, now)
            .await
            .expect("rank"),
        2
    );
    assert_eq!(
        s.rank_trending(TrendPeriod::Week, now).await.expect("rank"),
        3
    );
    let read = |sort, period, before: Option<(Millis, String)>, limit| async move {
        s.public_images(
            &ImageFilter::default(),
            sort,
            period,
            &PageRequest { before, limit },
        )
        .await
        .expect("page")
    };
    let order = |page: &[(Image, i64)]| page.iter().map(|(i, _)| i.id.clone()).collect::<Vec<_>>();
    let two_days = read(ExploreSort::Trending, TrendPeriod::TwoDays, None, 10).await;
    assert_eq!(
        order(&two_days),
        vec![a.clone(), b.clone()],
        "c is older than 48 hours"
    );
    let week = read(ExploreSort::Trending, TrendPeriod::Week, None, 2).await;
    assert_eq!(
        order(&week),
        vec![a.clone(), c.clone()],
        "decay puts new a over liked c"
    );
    let last = week.last().expect("two");
    let rest = read(
        ExploreSort::Trending,
        TrendPeriod::Week,
        Some((last.1, last.0.id.clone())),
        2,
    )
    .await;
    assert_eq!(order(&rest), vec![b.clone()]);

    let top = read(ExploreSort::Top, TrendPeriod::TwoDays, None, 2).await;
    assert_eq!(order(&top), vec![c.clone(), b.clone()], "most liked first");
    assert_eq!(top[0].1, 10);
    let more = read(
        ExploreSort::Top,
        TrendPeriod::TwoDays,
        Some((top[1].1, top[1].0.id.clone())),
        10,
    )
    .await;
    assert_eq!(order(&more), vec![a.clone()], "the private one never");

    // Creators: followers x 2 + likes on the period's public work x 3 + its images x 0.5.
    let fan_work = made_image(s, "fan0", "a fan's sketch", now - 2 * hour, true).await;
    s.follow("fan1", "fan0", now).await.expect("follow");
    s.rank_trending(TrendPeriod::Week, now).await.expect("rank");
    let creators = s
        .trending_creators(TrendPeriod::Week, 10)
        .await
        .expect("creators");
    let ranked: Vec<(&str, f64)> = creators
        .iter()
        .map(|(u, score)| (u.id.as_str(), *score))
        .collect();
    assert_eq!(ranked, vec![("ada", 18.0 * 3.0 + 1.5), ("fan0", 2.0 + 0.5)]);
    let settings = pixel_core::account::AccountSettings {
        profile_private: true,
        ..Default::default()
    };
    s.update_account("fan0", None, Some(&settings))
        .await
        .expect("private");
    let creators = s
        .trending_creators(TrendPeriod::Week, 10)
        .await
        .expect("creators");
    assert_eq!(
        creators.len(),
        1,
        "a private profile leaves the list at once"
    );
    s.delete_images("fan0", &[fan_work]).await.expect("delete");

    // Made private, an image leaves the ranking's pages at once; the next ranking drops it.
    s.set_images_visibility("ada", std::slice::from_ref(&a), Visibility::Private)
        .await
        .expect("private");
    let now_week = read(ExploreSort::Trending, TrendPeriod::Week, None, 10).await;
    assert_eq!(order(&now_week), vec![c.clone(), b.clone()]);
    assert_eq!(
        s.rank_trending(TrendPeriod::Week, now).await.expect("rank"),
        2
    );
}

pub(crate) async fn conversations_keep_their_last_message_and_unread_counts(db: Db) {
    use pixel_core::social::Message;
    let s = &db.store;
    for u in ["ada", "grace", "lin"] {
        user(s, u, 0).await;
    }
    let msg = |id: &str, from: &str, body: &str, at: Millis| Message {
        id: id.into(),
        conversation_id: String::new(),
        sender_id: from.into(),
        body: body.into(),
        created_at: at,
    };
    let m1 = s
        .send_message("grace", &msg("m1", "ada", "hi", 10))
        .await
        .expect("send");
    let m2 = s
        .send_message("ada", &msg("m2", "grace", "hello", 11))
        .await
        .expect("send");
    let m3 = s
        .send_message("ada", &msg("m3", "grace", "there?", 12))
        .await
        .expect("send");
    let m4 = s
        .send_message("ada", &msg("m4", "lin", "psst", 13))
        .await
        .expect("send");
    assert_eq!(
        m1.conversation_id, m3.conversation_id,
        "one per pair, whoever writes"
    );
    assert_eq!(m2.conversation_id, m1.conversation_id);
    assert_ne!(m1.conversation_id, m4.conversation_id);
    let mut pair = s
        .participants(&m1.conversation_id)
        .await
        .expect("who")
        .expect("exists");
    if pair.0 > pair.1 {
        pair = (pair.1, pair.0);
    }
    assert_eq!(pair, ("ada".to_string(), "grace".to_string()));
    assert_eq!(s.unread_messages("ada").await.expect("unread"), 3);
    assert_eq!(
        s.unread_messages("grace").await.expect("unread"),
        0,
        "writing back reads what came before"
    );

    let inbox = s.conversations("ada", &page(1)).await.expect("inbox");
    assert_eq!(
        (
            inbox[0].with.username.as_str(),
            inbox[0].last_body.as_str(),
            inbox[0].unread
        ),
        ("lin", "psst", 1),
        "most recent first"
    );
    let rest = s
        .conversations(
            "ada",
            &PageRequest {
                before: Some((inbox[0].last_message_at, inbox[0].id.clone())),
                limit: 10,
            },
        )
        .await
        .expect("page 2");
    assert_eq!(rest.len(), 1);
    assert_eq!(
        (
            rest[0].last_body.as_str(),
            rest[0].last_from_me,
            rest[0].unread
        ),
        ("there?", false, 2)
    );

    s.send_message("grace", &msg("m5", "ada", "yes!", 14))
        .await
        .expect("send");
    assert_eq!(
        s.unread_messages("ada").await.expect("unread"),
        1,
        "ada's reply read grace's two; lin's is left"
    );
    let grace_side = s.conversations("grace", &page(10)).await.expect("inbox");
    assert_eq!(
        (
            grace_side[0].last_body.as_str(),
            grace_side[0].last_from_me,
            grace_side[0].unread
        ),
        ("yes!", false, 1)
    );
    s.mark_conversation_read(&m4.conversation_id, "ada")
        .await
        .expect("read");
    assert_eq!(s.unread_messages("ada").await.expect("unread"), 0);
    assert_eq!(
        s.unread_messages("grace").await.expect("unread"),
        1,
        "grace's side untouched"
    );
    let thread = MessageStore::messages(&**s, &m1.conversation_id, &page(2))
        .await
        .expect("thread");
    assert_eq!(
        thread.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        vec!["m5", "m3"]
    );
    assert_eq!(
        s.get_message("m4").await.expect("get").map(|m| m.body),
        Some("psst".into())
    );
}
