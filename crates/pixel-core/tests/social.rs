//! Social rules through the core alone, on a real SQLite store: follows and the feed, explore, likes,
//! threaded comments with mentions, and notifications (preferences, privacy, read marks, live push).
//! Private work never shows in anyone else's list, count, notification or event.

mod common;

use common::{call, made_image, sign_in, test_app, ScriptedProvider};
use pixel_core::ops::{
    CommentDeleted, CommentsOutput, FollowListOutput, FollowOutput, LikeOutput,
    NotificationsChanged, NotificationsOutput, Profile, PublicImagesOutput,
};
use pixel_core::runner::Runner;
use pixel_core::social::{Comment, NotificationKind, PublicImage};
use pixel_core::{App, Audience, Caller, Envelope, ErrorCode, Event};
use serde_json::{json, Value};

/// The core on SQLite with its workers running, and the folder it keeps its files in.
async fn world() -> (tempfile::TempDir, App, Runner) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let runner = Runner::start(&app).await.expect("runner");
    (dir, app, runner)
}

fn user_id(caller: &Caller) -> String {
    caller.user_id().expect("signed in").to_string()
}

async fn notifications(app: &App, caller: &Caller) -> NotificationsOutput {
    call(app, caller, "notifications.list", json!({}))
        .await
        .expect("notifications")
}

/// Turns off "your images are ready", so a test of social notices counts only those.
async fn quiet_generations(app: &App, callers: &[&Caller]) {
    for caller in callers {
        let _: Value = call(
            app,
            caller,
            "account.update",
            json!({ "settings": { "notifications": { "generation_completed": false } } }),
        )
        .await
        .expect("settings");
    }
}

fn ids(images: &[PublicImage]) -> Vec<&str> {
    images.iter().map(|p| p.image.id.as_str()).collect()
}

#[tokio::test]
async fn the_feed_and_explore_show_followed_public_work_only() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let lin = sign_in(&app, "lin").await;
    quiet_generations(&app, &[&ada, &lin]).await;
    let public = made_image(&app, &ada, "a lighthouse in fog", true).await;
    let private = made_image(&app, &ada, "a secret garden", false).await;
    let others = made_image(&app, &lin, "a red kite", true).await;

    let mut ada_events = app.events.observe_all();
    let followed: FollowOutput = call(
        &app,
        &grace,
        "follows.follow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("follow");
    assert!(followed.following);
    assert_eq!(followed.followers, 1);
    let again: FollowOutput = call(
        &app,
        &grace,
        "follows.follow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("following twice is no error");
    assert_eq!(again.followers, 1, "a follow counts once");
    let err = call::<FollowOutput>(
        &app,
        &ada,
        "follows.follow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect_err("not oneself");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    // Ada is told at once, over her event stream, and once.
    let pushed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if let Ok(Envelope {
                audience: Audience::User(to),
                event: Event::NotificationCreated { notification },
            }) = ada_events.recv().await
            {
                return (to, notification);
            }
        }
    })
    .await
    .expect("pushed live");
    assert_eq!(pushed.0, user_id(&ada));
    assert_eq!(pushed.1.kind, NotificationKind::NewFollower);
    assert_eq!(
        pushed.1.actor.as_ref().map(|a| a.username.as_str()),
        Some("grace")
    );
    let told = notifications(&app, &ada).await;
    assert_eq!(told.notifications.len(), 1, "{:?}", told.notifications);
    assert_eq!(told.unread, 1);

    let feed: PublicImagesOutput = call(&app, &grace, "feed.list", json!({}))
        .await
        .expect("feed");
    assert_eq!(
        ids(&feed.images),
        vec![public.id.as_str()],
        "only the followee's public work"
    );
    assert_eq!(feed.images[0].creator.username, "ada");
    assert!(feed.images[0].following);

    for viewer in [&grace, &Caller::Anonymous, &lin] {
        let all: PublicImagesOutput = call(&app, viewer, "explore.list", json!({}))
            .await
            .expect("explore");
        assert_eq!(
            ids(&all.images),
            vec![others.id.as_str(), public.id.as_str()],
            "newest first, public only"
        );
        let found: PublicImagesOutput = call(
            &app,
            viewer,
            "explore.list",
            json!({ "text": "LIGHTHOUSE" }),
        )
        .await
        .expect("search");
        assert_eq!(ids(&found.images), vec![public.id.as_str()]);
        let secret: PublicImagesOutput =
            call(&app, viewer, "explore.list", json!({ "text": "secret" }))
                .await
                .expect("search");
        assert!(secret.images.is_empty(), "a private prompt is never found");
    }
    let err = call::<PublicImagesOutput>(&app, &Caller::Anonymous, "feed.list", json!({}))
        .await
        .expect_err("a feed is someone's");
    assert_eq!(err.code, ErrorCode::Unauthenticated);

    // Keyset pages: one image a page, then the next, then the end.
    let first: PublicImagesOutput = call(&app, &grace, "explore.list", json!({ "limit": 1 }))
        .await
        .expect("page");
    let second: PublicImagesOutput = call(
        &app,
        &grace,
        "explore.list",
        json!({ "limit": 1, "before": first.next }),
    )
    .await
    .expect("page");
    assert_eq!(ids(&first.images), vec![others.id.as_str()]);
    assert_eq!(ids(&second.images), vec![public.id.as_str()]);

    let detail: PublicImage = call(
        &app,
        &Caller::Anonymous,
        "explore.image",
        json!({ "image_id": public.id }),
    )
    .await
    .expect("a public image's page");
    assert_eq!(detail.creator.username, "ada");
    let err = call::<PublicImage>(
        &app,
        &grace,
        "explore.image",
        json!({ "image_id": private.id }),
    )
    .await
    .expect_err("private");
    assert_eq!(err.code, ErrorCode::NotFound);

    let profile: Profile = call(&app, &grace, "profiles.get", json!({ "username": "ada" }))
        .await
        .expect("profile");
    assert_eq!(
        (profile.followers, profile.following, profile.followed),
        (1, 0, true)
    );
    let followers: FollowListOutput = call(
        &app,
        &lin,
        "follows.followers",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("followers");
    assert_eq!(followers.users.len(), 1);
    assert_eq!(followers.users[0].user.username, "grace");

    // A private profile is nobody else's to find or follow.
    let _: Value = call(
        &app,
        &lin,
        "account.update",
        json!({ "settings": { "profile_private": true } }),
    )
    .await
    .expect("settings");
    for (name, input) in [
        ("profiles.get", json!({ "username": "lin" })),
        ("follows.follow", json!({ "user_id": user_id(&lin) })),
        ("follows.followers", json!({ "user_id": user_id(&lin) })),
    ] {
        let err = call::<Value>(&app, &grace, name, input)
            .await
            .expect_err("private profile");
        assert_eq!(err.code, ErrorCode::NotFound, "{name}");
    }
    let search = |text: &'static str| {
        let app = app.clone();
        let grace = grace.clone();
        async move {
            let out: pixel_core::ops::ProfileSearchOutput =
                call(&app, &grace, "profiles.search", json!({ "text": text }))
                    .await
                    .expect("search");
            out.users
                .into_iter()
                .map(|u| u.username)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("@AD").await, vec!["ada"]);
    assert!(
        search("lin").await.is_empty(),
        "a private profile is never found"
    );
    let err = call::<Value>(&app, &grace, "profiles.search", json!({ "text": "  " }))
        .await
        .expect_err("nothing to search for");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let left: FollowOutput = call(
        &app,
        &grace,
        "follows.unfollow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("unfollow");
    assert_eq!((left.following, left.followers), (false, 0));
    let feed: PublicImagesOutput = call(&app, &grace, "feed.list", json!({}))
        .await
        .expect("feed");
    assert!(feed.images.is_empty());
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn likes_count_once_and_only_on_what_the_liker_may_see() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    quiet_generations(&app, &[&ada]).await;
    let public = made_image(&app, &ada, "a paper boat", true).await;
    let private = made_image(&app, &ada, "a locked diary", false).await;

    for _ in 0..2 {
        let liked: LikeOutput = call(
            &app,
            &grace,
            "likes.like_image",
            json!({ "image_id": public.id }),
        )
        .await
        .expect("like");
        assert_eq!((liked.liked, liked.likes), (true, 1), "one like per person");
    }
    let own: LikeOutput = call(
        &app,
        &ada,
        "likes.like_image",
        json!({ "image_id": public.id }),
    )
    .await
    .expect("liking one's own");
    assert_eq!(own.likes, 2);
    let told = notifications(&app, &ada).await;
    assert_eq!(
        told.notifications.len(),
        1,
        "grace's like told once; ada's own not at all"
    );
    assert_eq!(told.notifications[0].kind, NotificationKind::Like);
    assert_eq!(
        told.notifications[0].image_id.as_deref(),
        Some(public.id.as_str())
    );

    let err = call::<LikeOutput>(
        &app,
        &grace,
        "likes.like_image",
        json!({ "image_id": private.id }),
    )
    .await
    .expect_err("private");
    assert_eq!(
        err.code,
        ErrorCode::NotFound,
        "the answer a missing image gets"
    );
    let err = call::<LikeOutput>(
        &app,
        &Caller::Anonymous,
        "likes.like_image",
        json!({ "image_id": public.id }),
    )
    .await
    .expect_err("anonymous");
    assert_eq!(err.code, ErrorCode::Unauthenticated);

    let seen: PublicImagesOutput = call(&app, &grace, "explore.list", json!({}))
        .await
        .expect("explore");
    assert_eq!((seen.images[0].likes, seen.images[0].liked), (2, true));
    let unliked: LikeOutput = call(
        &app,
        &grace,
        "likes.unlike_image",
        json!({ "image_id": public.id }),
    )
    .await
    .expect("unlike");
    assert_eq!((unliked.liked, unliked.likes), (false, 1));
    let seen: PublicImagesOutput = call(&app, &grace, "explore.list", json!({}))
        .await
        .expect("explore");
    assert_eq!((seen.images[0].likes, seen.images[0].liked), (1, false));

    // Preferences are honoured: with likes turned off, ada hears of no more.
    let _: Value = call(
        &app,
        &ada,
        "account.update",
        json!({ "settings": { "notifications": { "like": false } } }),
    )
    .await
    .expect("settings");
    let _: LikeOutput = call(
        &app,
        &grace,
        "likes.like_image",
        json!({ "image_id": public.id }),
    )
    .await
    .expect("like again");
    assert_eq!(notifications(&app, &ada).await.notifications.len(), 1);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn comments_thread_mention_and_leave_placeholders() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let lin = sign_in(&app, "lin").await;
    quiet_generations(&app, &[&ada]).await;
    let image = made_image(&app, &ada, "a tide pool", true).await;
    let private = made_image(&app, &ada, "a diary page", false).await;

    let top: Comment = call(
        &app,
        &grace,
        "comments.create",
        json!({ "image_id": image.id, "body": "  lovely light  " }),
    )
    .await
    .expect("comment");
    assert_eq!(top.body, "lovely light", "trimmed");
    let reply: Comment = call(
        &app,
        &ada,
        "comments.create",
        json!({ "image_id": image.id, "body": "thanks! @lin what do you think?", "parent_id": top.id }),
    )
    .await
    .expect("reply");
    let deeper: Comment = call(
        &app,
        &lin,
        "comments.create",
        json!({ "image_id": image.id, "body": "agreed", "parent_id": reply.id }),
    )
    .await
    .expect("a reply to a reply");
    assert_eq!(deeper.parent_id.as_deref(), Some(reply.id.as_str()));

    let kinds =
        |n: &NotificationsOutput| n.notifications.iter().map(|n| n.kind).collect::<Vec<_>>();
    // Ada: grace's comment and lin's reply on her image. Grace: ada's reply to her. Lin: the mention.
    assert_eq!(
        kinds(&notifications(&app, &ada).await),
        vec![NotificationKind::Comment, NotificationKind::Comment]
    );
    assert_eq!(
        kinds(&notifications(&app, &grace).await),
        vec![NotificationKind::Comment]
    );
    let on_own = |n: &NotificationsOutput| {
        n.notifications
            .iter()
            .map(|n| n.on_own_image)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        on_own(&notifications(&app, &ada).await),
        vec![true, true],
        "on her image"
    );
    assert_eq!(
        on_own(&notifications(&app, &grace).await),
        vec![false],
        "a reply to grace's comment on ada's image"
    );
    assert_eq!(
        kinds(&notifications(&app, &lin).await),
        vec![NotificationKind::Mention]
    );

    for (body, why) in [
        ("", "empty"),
        ("   ", "blank"),
        (&"x".repeat(501) as &str, "over 500"),
    ] {
        let err = call::<Comment>(
            &app,
            &grace,
            "comments.create",
            json!({ "image_id": image.id, "body": body }),
        )
        .await
        .expect_err(why);
        assert_eq!(err.code, ErrorCode::InvalidInput, "{why}");
    }
    let ok: Comment = call(
        &app,
        &grace,
        "comments.create",
        json!({ "image_id": image.id, "body": "é".repeat(500) }),
    )
    .await
    .expect("500 characters, however many bytes");
    let err = call::<Comment>(
        &app,
        &grace,
        "comments.create",
        json!({ "image_id": private.id, "body": "hi" }),
    )
    .await
    .expect_err("private");
    assert_eq!(err.code, ErrorCode::NotFound);

    let err = call::<Comment>(
        &app,
        &lin,
        "comments.edit",
        json!({ "comment_id": top.id, "body": "mine now" }),
    )
    .await
    .expect_err("not the author");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let edited: Comment = call(
        &app,
        &grace,
        "comments.edit",
        json!({ "comment_id": top.id, "body": "lovely light!" }),
    )
    .await
    .expect("edit");
    assert!(edited.edited_at.is_some());
    let err = call::<CommentDeleted>(
        &app,
        &lin,
        "comments.delete",
        json!({ "comment_id": top.id }),
    )
    .await
    .expect_err("neither author nor owner");
    assert_eq!(err.code, ErrorCode::Forbidden);

    // The image's owner deletes grace's comment: its replies keep it as a placeholder.
    let gone: CommentDeleted = call(
        &app,
        &ada,
        "comments.delete",
        json!({ "comment_id": top.id }),
    )
    .await
    .expect("owner deletes");
    assert!(gone.placeholder);
    let thread: CommentsOutput = call(
        &app,
        &Caller::Anonymous,
        "comments.list",
        json!({ "image_id": image.id }),
    )
    .await
    .expect("anyone reads a public image's comments");
    let listed: Vec<(&str, bool, &str)> = thread
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.deleted, c.body.as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![
            (top.id.as_str(), true, ""),
            (reply.id.as_str(), false, reply.body.as_str()),
            (deeper.id.as_str(), false, "agreed"),
            (ok.id.as_str(), false, ok.body.as_str())
        ]
    );
    assert!(
        thread.comments[0].author.is_none(),
        "a placeholder names nobody"
    );
    let counted: PublicImage = call(
        &app,
        &grace,
        "explore.image",
        json!({ "image_id": image.id }),
    )
    .await
    .expect("detail");
    assert_eq!(counted.comments, 3, "the placeholder is not counted");

    // Deleting the rest of the thread takes the placeholder with it.
    let _: CommentDeleted = call(
        &app,
        &lin,
        "comments.delete",
        json!({ "comment_id": deeper.id }),
    )
    .await
    .expect("author deletes");
    let last: CommentDeleted = call(
        &app,
        &ada,
        "comments.delete",
        json!({ "comment_id": reply.id }),
    )
    .await
    .expect("author deletes");
    assert!(!last.placeholder);
    let thread: CommentsOutput = call(
        &app,
        &grace,
        "comments.list",
        json!({ "image_id": image.id }),
    )
    .await
    .expect("list");
    assert_eq!(
        thread
            .comments
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        vec![ok.id.as_str()]
    );
    let err = call::<CommentDeleted>(
        &app,
        &grace,
        "comments.delete",
        json!({ "comment_id": top.id }),
    )
    .await
    .expect_err("gone");
    assert_eq!(err.code, ErrorCode::NotFound);

    // Comment likes: one per person.
    for _ in 0..2 {
        let liked: LikeOutput = call(
            &app,
            &lin,
            "likes.like_comment",
            json!({ "comment_id": ok.id }),
        )
        .await
        .expect("like");
        assert_eq!(liked.likes, 1);
    }
    // Made private, the image's comments are its owner's alone.
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [image.id], "visibility": "private" }),
    )
    .await
    .expect("private");
    let err = call::<CommentsOutput>(
        &app,
        &grace,
        "comments.list",
        json!({ "image_id": image.id }),
    )
    .await
    .expect_err("private now");
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = call::<LikeOutput>(
        &app,
        &lin,
        "likes.like_comment",
        json!({ "comment_id": ok.id }),
    )
    .await
    .expect_err("private now");
    assert_eq!(err.code, ErrorCode::NotFound);
    // ... and lin's mention no longer names it.
    let lins = notifications(&app, &lin).await;
    assert_eq!(lins.notifications[0].kind, NotificationKind::Mention);
    assert_eq!(
        lins.notifications[0].image_id, None,
        "the image is private now"
    );
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn notifications_are_read_and_deleted_by_their_recipient_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let lin = sign_in(&app, "lin").await;
    for follower in [&grace, &lin] {
        let _: FollowOutput = call(
            &app,
            follower,
            "follows.follow",
            json!({ "user_id": user_id(&ada) }),
        )
        .await
        .expect("follow");
    }
    let all = notifications(&app, &ada).await;
    assert_eq!((all.notifications.len(), all.unread), (2, 2));
    let newest = all.notifications[0].id.clone();
    let oldest = all.notifications[1].id.clone();

    let theirs: NotificationsChanged = call(
        &app,
        &grace,
        "notifications.mark_read",
        json!({ "ids": [newest] }),
    )
    .await
    .expect("no error, no change");
    assert_eq!(theirs.changed, 0, "another's notification is untouched");
    let gone: NotificationsChanged = call(
        &app,
        &grace,
        "notifications.delete",
        json!({ "ids": [newest] }),
    )
    .await
    .expect("no error, no change");
    assert_eq!(gone.changed, 0);

    let one: NotificationsChanged = call(
        &app,
        &ada,
        "notifications.mark_read",
        json!({ "ids": [newest] }),
    )
    .await
    .expect("mark one");
    assert_eq!((one.changed, one.unread), (1, 1));
    let unread: NotificationsOutput = call(
        &app,
        &ada,
        "notifications.list",
        json!({ "unread_only": true }),
    )
    .await
    .expect("unread");
    assert_eq!(
        unread
            .notifications
            .iter()
            .map(|n| n.id.as_str())
            .collect::<Vec<_>>(),
        vec![oldest.as_str()]
    );
    let rest: NotificationsChanged = call(&app, &ada, "notifications.mark_read", json!({}))
        .await
        .expect("all read");
    assert_eq!((rest.changed, rest.unread), (1, 0));
    let paged: NotificationsOutput = call(&app, &ada, "notifications.list", json!({ "limit": 1 }))
        .await
        .expect("page");
    let next: NotificationsOutput = call(
        &app,
        &ada,
        "notifications.list",
        json!({ "limit": 1, "before": paged.next }),
    )
    .await
    .expect("page 2");
    assert_eq!(paged.notifications[0].id, newest);
    assert_eq!(next.notifications[0].id, oldest);
    let deleted: NotificationsChanged = call(
        &app,
        &ada,
        "notifications.delete",
        json!({ "ids": [newest] }),
    )
    .await
    .expect("delete");
    assert_eq!(deleted.changed, 1);
    assert_eq!(notifications(&app, &ada).await.notifications.len(), 1);
    for input in [json!({ "ids": [] }), json!({ "ids": vec!["x"; 501] })] {
        let err = call::<NotificationsChanged>(&app, &ada, "notifications.delete", input)
            .await
            .expect_err("1–500 ids");
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
}

#[tokio::test]
async fn a_finished_set_is_told_once_with_its_first_image() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let mut events = app.events.observe_all();
    let out: pixel_core::ops::SubmitOutput = call(
        &app,
        &ada,
        "generations.create",
        json!({ "prompt": "three tide pools", "model": "gpt-image-2", "quality": "low", "n": 3 }),
    )
    .await
    .expect("submitted");
    let pushed = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            if let Ok(Envelope {
                event: Event::NotificationCreated { notification },
                ..
            }) = events.recv().await
            {
                return notification;
            }
        }
    })
    .await
    .expect("told when the set is done");
    assert_eq!(pushed.kind, NotificationKind::GenerationCompleted);
    assert!(pushed.actor.is_none(), "the system's own news");
    let set: Value = call(&app, &ada, "sets.get", json!({ "set_id": out.set.id }))
        .await
        .expect("set");
    let jobs = set["jobs"].as_array().expect("jobs");
    assert!(jobs.iter().all(|j| j["state"] == "succeeded"), "{set}");
    let first = jobs
        .iter()
        .find(|j| j["index"] == 0)
        .and_then(|j| j["image_id"].as_str())
        .expect("first image");
    assert_eq!(pushed.image_id.as_deref(), Some(first));
    let told = notifications(&app, &ada).await;
    assert_eq!(
        told.notifications.len(),
        1,
        "once for the set, not once an image"
    );

    // Turned off, it is not written at all.
    quiet_generations(&app, &[&ada]).await;
    let _ = made_image(&app, &ada, "one more", false).await;
    assert_eq!(notifications(&app, &ada).await.notifications.len(), 1);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_blocked_account_cannot_follow_comment_or_notify() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let troll = sign_in(&app, "troll").await;
    quiet_generations(&app, &[&ada]).await;
    let image = made_image(&app, &ada, "a quiet cove", true).await;
    let _: FollowOutput = call(
        &app,
        &troll,
        "follows.follow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("follow before the block");
    let before: Comment = call(
        &app,
        &ada,
        "comments.create",
        json!({ "image_id": image.id, "body": "welcome" }),
    )
    .await
    .expect("ada's own comment");

    let _: Value = call(
        &app,
        &ada,
        "blocks.block",
        json!({ "user_id": user_id(&troll) }),
    )
    .await
    .expect("block");
    let profile: Profile = call(&app, &ada, "profiles.get", json!({ "username": "ada" }))
        .await
        .expect("own profile");
    assert_eq!(profile.followers, 0, "blocking ends the follow");
    let seen_before = notifications(&app, &ada).await.notifications.len();
    let theirs: Profile = call(&app, &ada, "profiles.get", json!({ "username": "troll" }))
        .await
        .expect("profile");
    assert!(theirs.blocked);
    let mine: Profile = call(&app, &troll, "profiles.get", json!({ "username": "ada" }))
        .await
        .expect("profile");
    assert!(!mine.blocked, "a block is the blocker's to see");

    for (name, input) in [
        ("follows.follow", json!({ "user_id": user_id(&ada) })),
        (
            "comments.create",
            json!({ "image_id": image.id, "body": "hello again" }),
        ),
        (
            "comments.create",
            json!({ "image_id": image.id, "body": "hi", "parent_id": before.id }),
        ),
    ] {
        let err = call::<Value>(&app, &troll, name, input)
            .await
            .expect_err("blocked");
        assert_eq!(err.code, ErrorCode::Forbidden, "{name}");
    }
    // A like still counts (it is public work), but it tells ada nothing.
    let _: LikeOutput = call(
        &app,
        &troll,
        "likes.like_image",
        json!({ "image_id": image.id }),
    )
    .await
    .expect("like");
    assert_eq!(
        notifications(&app, &ada).await.notifications.len(),
        seen_before
    );
    let err = call::<Value>(
        &app,
        &ada,
        "blocks.block",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect_err("not oneself");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let blocked: FollowListOutput = call(&app, &ada, "blocks.list", json!({}))
        .await
        .expect("list");
    assert_eq!(
        blocked
            .users
            .iter()
            .map(|u| u.user.username.as_str())
            .collect::<Vec<_>>(),
        vec!["troll"]
    );

    for (who, name) in [(&troll, "ada"), (&ada, "troll")] {
        let found: pixel_core::ops::ProfileSearchOutput =
            call(&app, who, "profiles.search", json!({ "text": name }))
                .await
                .expect("search");
        assert!(
            found.users.is_empty(),
            "a block hides {name} from search both ways"
        );
    }
    let _: Value = call(
        &app,
        &ada,
        "blocks.unblock",
        json!({ "user_id": user_id(&troll) }),
    )
    .await
    .expect("unblock");
    let _: FollowOutput = call(
        &app,
        &troll,
        "follows.follow",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("follow after the unblock");
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn reports_reach_admins_only_and_only_for_what_the_reporter_can_see() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    quiet_generations(&app, &[&ada]).await;
    let public = made_image(&app, &ada, "a market at noon", true).await;
    let private = made_image(&app, &ada, "a private sketch", false).await;
    let admin = Caller::User {
        id: user_id(&grace),
        role: pixel_core::Role::Admin,
        session: None,
    };

    let filed: pixel_core::ops::ReportOutput = call(
        &app,
        &grace,
        "reports.create",
        json!({ "target": "image", "target_id": public.id, "reason": "  not theirs  " }),
    )
    .await
    .expect("report");
    assert!(filed.filed);
    let again: pixel_core::ops::ReportOutput = call(
        &app,
        &grace,
        "reports.create",
        json!({ "target": "image", "target_id": public.id, "reason": "again" }),
    )
    .await
    .expect("a second report is no error");
    assert!(!again.filed, "and no louder");
    let err = call::<Value>(
        &app,
        &grace,
        "reports.create",
        json!({ "target": "image", "target_id": private.id, "reason": "x" }),
    )
    .await
    .expect_err("cannot see it");
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = call::<Value>(
        &app,
        &grace,
        "reports.create",
        json!({ "target": "user", "target_id": user_id(&ada), "reason": " " }),
    )
    .await
    .expect_err("no reason");
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let err = call::<Value>(&app, &grace, "reports.list", json!({}))
        .await
        .expect_err("not an admin");
    assert_eq!(err.code, ErrorCode::Forbidden);
    let queue: pixel_core::ops::ReportsOutput = call(&app, &admin, "reports.list", json!({}))
        .await
        .expect("queue");
    assert_eq!(queue.reports.len(), 1);
    assert_eq!(
        (
            queue.reports[0].target_id.as_str(),
            queue.reports[0].reason.as_str()
        ),
        (public.id.as_str(), "not theirs")
    );
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn explore_sorts_by_top_and_by_trending_once_ranked() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let fans = [sign_in(&app, "grace").await, sign_in(&app, "lin").await];
    quiet_generations(&app, &[&ada]).await;
    let quiet = made_image(&app, &ada, "a quiet one", true).await;
    let liked = made_image(&app, &ada, "a liked one", true).await;
    let newest = made_image(&app, &ada, "the newest one", true).await;
    for fan in &fans {
        let _: LikeOutput = call(
            &app,
            fan,
            "likes.like_image",
            json!({ "image_id": liked.id }),
        )
        .await
        .expect("like");
    }
    let _: Comment = call(
        &app,
        &fans[0],
        "comments.create",
        json!({ "image_id": quiet.id, "body": "nice" }),
    )
    .await
    .expect("comment");
    let order = |out: &PublicImagesOutput| {
        out.images
            .iter()
            .map(|p| p.image.id.clone())
            .collect::<Vec<_>>()
    };

    let top: PublicImagesOutput = call(
        &app,
        &Caller::Anonymous,
        "explore.list",
        json!({ "sort": "top", "limit": 1 }),
    )
    .await
    .expect("top");
    assert_eq!(order(&top), vec![liked.id.clone()]);
    let top_rest: PublicImagesOutput = call(
        &app,
        &Caller::Anonymous,
        "explore.list",
        json!({ "sort": "top", "before": top.next }),
    )
    .await
    .expect("top page 2");
    assert_eq!(order(&top_rest).len(), 2, "the rest, each once");
    assert!(!order(&top_rest).contains(&liked.id));

    pixel_core::social::refresh_trending(&app)
        .await
        .expect("ranked");
    let trending: PublicImagesOutput = call(
        &app,
        &Caller::Anonymous,
        "explore.list",
        json!({ "sort": "trending", "period": "7d" }),
    )
    .await
    .expect("trending");
    // likes x 3 beat a comment x 2; with no engagement, the ranking keeps a stable order.
    assert_eq!(order(&trending)[..2], [liked.id.clone(), quiet.id.clone()]);
    assert_eq!(order(&trending).len(), 3);
    let creators: pixel_core::ops::CreatorsOutput = call(
        &app,
        &Caller::Anonymous,
        "explore.creators",
        json!({ "period": "7d" }),
    )
    .await
    .expect("creators");
    assert_eq!(creators.creators.len(), 1);
    assert_eq!(creators.creators[0].user.username, "ada");
    // 2 likes x 3 + 3 images x 0.5 (comments count for images, not creators).
    assert_eq!(creators.creators[0].score, 7.5);
    assert!(order(&trending).contains(&newest.id));
    let err = call::<PublicImagesOutput>(
        &app,
        &Caller::Anonymous,
        "explore.list",
        json!({ "sort": "loudest" }),
    )
    .await
    .expect_err("no such sort");
    assert_eq!(err.code, ErrorCode::InvalidBody);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}

#[tokio::test]
async fn direct_messages_reach_both_people_live_and_nobody_else() {
    use pixel_core::ops::{ConversationsOutput, MessagesOutput};
    use pixel_core::social::Message;
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path(), 50, ScriptedProvider::new()).await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    let lin = sign_in(&app, "lin").await;
    let viewer = |c: &Caller| pixel_core::events::Viewer::of(c).expect("signed in");
    let mut windows = [
        app.events.subscribe(viewer(&ada)),
        app.events.subscribe(viewer(&grace)),
        app.events.subscribe(viewer(&lin)),
    ];

    let first: Message = call(
        &app,
        &ada,
        "messages.send",
        json!({ "to_user_id": user_id(&grace), "body": " hello grace " }),
    )
    .await
    .expect("send");
    assert_eq!(first.body, "hello grace");
    // Published before the call answered: each window has it now, or never will.
    let heard: Vec<bool> = windows
        .iter_mut()
        .map(|w| {
            std::iter::from_fn(|| w.try_recv()).any(|r| {
                matches!(r, pixel_core::events::Received::Event(d)
                    if matches!(d.event(), Event::MessageCreated { message } if message.id == first.id))
            })
        })
        .collect();
    assert_eq!(
        heard,
        [true, true, false],
        "to the two of them, and only them"
    );

    let reply: Message = call(
        &app,
        &grace,
        "messages.send",
        json!({ "to_user_id": user_id(&ada), "body": "hi ada" }),
    )
    .await
    .expect("reply");
    assert_eq!(
        reply.conversation_id, first.conversation_id,
        "one conversation per pair"
    );
    let _: Message = call(
        &app,
        &grace,
        "messages.send",
        json!({ "to_user_id": user_id(&ada), "body": "are you there?" }),
    )
    .await
    .expect("again");

    let inbox: ConversationsOutput = call(&app, &ada, "messages.conversations", json!({}))
        .await
        .expect("inbox");
    assert_eq!(inbox.unread, 2);
    assert_eq!(inbox.conversations.len(), 1);
    let c = &inbox.conversations[0];
    assert_eq!(
        (
            c.with.username.as_str(),
            c.last_body.as_str(),
            c.last_from_me,
            c.unread
        ),
        ("grace", "are you there?", false, 2)
    );
    let theirs: ConversationsOutput = call(&app, &grace, "messages.conversations", json!({}))
        .await
        .expect("inbox");
    assert_eq!(
        (theirs.unread, theirs.conversations[0].last_from_me),
        (0, true)
    );

    let thread: MessagesOutput = call(
        &app,
        &ada,
        "messages.list",
        json!({ "conversation_id": first.conversation_id, "limit": 2 }),
    )
    .await
    .expect("thread");
    assert_eq!(
        thread
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        vec!["are you there?", "hi ada"]
    );
    let older: MessagesOutput = call(
        &app,
        &ada,
        "messages.list",
        json!({ "conversation_id": first.conversation_id, "before": thread.next }),
    )
    .await
    .expect("older");
    assert_eq!(
        older
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        vec!["hello grace"]
    );
    let read: ConversationsOutput = call(
        &app,
        &ada,
        "messages.mark_read",
        json!({ "conversation_id": first.conversation_id }),
    )
    .await
    .expect("read");
    assert_eq!(read.unread, 0);

    // Nobody else reads, marks or reports it.
    for (name, input) in [
        (
            "messages.list",
            json!({ "conversation_id": first.conversation_id }),
        ),
        (
            "messages.mark_read",
            json!({ "conversation_id": first.conversation_id }),
        ),
        (
            "reports.create",
            json!({ "target": "message", "target_id": first.id, "reason": "spam" }),
        ),
    ] {
        let err = call::<Value>(&app, &lin, name, input)
            .await
            .expect_err("not theirs");
        assert_eq!(err.code, ErrorCode::NotFound, "{name}");
    }
    let _: Value = call(
        &app,
        &grace,
        "reports.create",
        json!({ "target": "message", "target_id": first.id, "reason": "spam" }),
    )
    .await
    .expect("a participant reports it");

    for (body, why) in [("", "empty"), (&"x".repeat(2001) as &str, "over 2000")] {
        let err = call::<Message>(
            &app,
            &ada,
            "messages.send",
            json!({ "to_user_id": user_id(&grace), "body": body }),
        )
        .await
        .expect_err(why);
        assert_eq!(err.code, ErrorCode::InvalidInput, "{why}");
    }
    let err = call::<Message>(
        &app,
        &ada,
        "messages.send",
        json!({ "to_user_id": user_id(&ada), "body": "me" }),
    )
    .await
    .expect_err("not oneself");
    assert_eq!(err.code, ErrorCode::InvalidInput);
    // A block stops messages both ways.
    let _: Value = call(
        &app,
        &grace,
        "blocks.block",
        json!({ "user_id": user_id(&ada) }),
    )
    .await
    .expect("block");
    for (from, to) in [(&ada, &grace), (&grace, &ada)] {
        let err = call::<Message>(
            &app,
            from,
            "messages.send",
            json!({ "to_user_id": user_id(to), "body": "hey" }),
        )
        .await
        .expect_err("blocked");
        assert_eq!(err.code, ErrorCode::Forbidden);
    }
}

#[tokio::test]
async fn an_image_page_lists_its_public_remixes() {
    let (_dir, app, runner) = world().await;
    let ada = sign_in(&app, "ada").await;
    let grace = sign_in(&app, "grace").await;
    quiet_generations(&app, &[&ada, &grace]).await;
    let source = made_image(&app, &ada, "a paper lantern", true).await;
    let mut made = vec![];
    for (prompt, public) in [
        ("a paper lantern, blue", true),
        ("a paper lantern, secret", false),
    ] {
        let mut events = app.events.observe_all();
        let out: pixel_core::ops::SubmitOutput = call(
            &app,
            &grace,
            "generations.create",
            json!({ "prompt": prompt, "model": "gpt-image-2", "quality": "low", "remix_of": source.id }),
        )
        .await
        .expect("remix");
        let job = common::job_end(&mut events, &out.jobs[0].id).await;
        let id = job.image_id.expect("image");
        if public {
            let _: Value = call(
                &app,
                &grace,
                "images.set_visibility",
                json!({ "image_ids": [id], "visibility": "public" }),
            )
            .await
            .expect("public");
        }
        made.push(id);
    }
    let remixes: PublicImagesOutput = call(
        &app,
        &Caller::Anonymous,
        "explore.remixes",
        json!({ "image_id": source.id }),
    )
    .await
    .expect("remixes");
    assert_eq!(
        ids(&remixes.images),
        vec![made[0].as_str()],
        "the public remix only"
    );
    assert_eq!(
        remixes.images[0].image.record.remix_of.as_deref(),
        Some(source.id.as_str())
    );
    let _: Value = call(
        &app,
        &ada,
        "images.set_visibility",
        json!({ "image_ids": [source.id], "visibility": "private" }),
    )
    .await
    .expect("private");
    let err = call::<PublicImagesOutput>(
        &app,
        &grace,
        "explore.remixes",
        json!({ "image_id": source.id }),
    )
    .await
    .expect_err("the source is private now");
    assert_eq!(err.code, ErrorCode::NotFound);
    runner.shutdown(std::time::Duration::from_secs(5)).await;
}
