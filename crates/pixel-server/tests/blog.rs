//! The blog through the API on SQLite and PostgreSQL: an admin writes a draft nobody else can read,
//! publishes it (everyone, signed in or not, reads it, its markdown rendered with the script in it
//! inert), lists by category ("what's new") and tag, takes it back to draft and deletes it — each
//! change in the audit log; addresses are unique and checked, and plain users may do none of it.

mod common;

use common::{call_as, ok_as as ok, signed_in_server, token_for, Db, TestServer};
use serde_json::{json, Value};

async fn code(s: &TestServer, token: Option<&str>, method: &str, input: Value) -> (u16, String) {
    let (status, out) = call_as(s, token, method, &input).await;
    (
        status,
        out["error"]["code"].as_str().unwrap_or("").to_string(),
    )
}

async fn slugs(s: &TestServer, token: Option<&str>, method: &str, input: Value) -> Vec<String> {
    let (status, out) = call_as(s, token, method, &input).await;
    assert_eq!(status, 200, "{out}");
    out["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .filter_map(|p| p["slug"].as_str().map(str::to_string))
        .collect()
}

const BODY: &str = "# Video is here\n\nMake **clips** with [Runway](https://runwayml.com).\n\n\
    <script>alert(1)</script>\n\n[click me](javascript:alert(1))\n\n<img src=x onerror=alert(1)>";

async fn admins_write_and_everyone_reads(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;

    let post = json!({
        "slug": "video-is-here",
        "title": "Video is here",
        "body": BODY,
        "category": "whats-new",
        "tags": ["Video", "release notes"],
    });
    assert_eq!(
        code(&s, Some(&ada), "admin.blog.save", post.clone()).await,
        (403, "forbidden".into())
    );
    let draft = ok(&s, &admin, "admin.blog.save", post.clone()).await;
    let id = draft["post"]["id"].as_str().expect("id").to_string();
    assert_eq!(draft["post"]["published_at"], Value::Null);
    assert_eq!(draft["post"]["tags"], json!(["video", "release-notes"]));
    assert_eq!(
        draft["post"]["summary"], "Video is here Make clips with Runway. click me",
        "the summary is the body's words, raw HTML left out"
    );

    // A draft is the admins' alone.
    for token in [None, Some(ada.as_str())] {
        assert_eq!(
            code(&s, token, "blog.get", json!({"slug": "video-is-here"}))
                .await
                .0,
            404
        );
        assert!(slugs(&s, token, "blog.list", json!({})).await.is_empty());
    }
    assert_eq!(
        slugs(&s, Some(&admin), "admin.blog.list", json!({})).await,
        ["video-is-here"]
    );

    // Published: everyone reads it, rendered inert.
    let published = ok(
        &s,
        &admin,
        "admin.blog.publish",
        json!({"id": id, "published": true}),
    )
    .await;
    assert!(published["post"]["published_at"].as_i64().is_some());
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.blog.publish",
            json!({"id": id, "published": true})
        )
        .await,
        (409, "conflict".into())
    );
    let read = ok(&s, &ada, "blog.get", json!({"slug": "video-is-here"})).await;
    let (status, anonymous) =
        call_as(&s, None, "blog.get", &json!({"slug": "video-is-here"})).await;
    assert_eq!(status, 200);
    assert_eq!(anonymous["html"], read["html"]);
    let html = read["html"].as_str().expect("html");
    assert!(html.contains("<h1>Video is here</h1>"), "{html}");
    assert!(
        html.contains("<a href=\"https://runwayml.com\">Runway</a>"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;"),
        "raw HTML is shown as text: {html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("javascript:"),
        "{html}"
    );
    assert_eq!(read["body"], BODY);

    // By category and tag.
    let other = json!({"slug": "tips-for-prompts", "title": "Tips for prompts", "body": "Be specific.", "category": "guides", "tags": ["prompts"]});
    let other_id = ok(&s, &admin, "admin.blog.save", other).await["post"]["id"].clone();
    ok(
        &s,
        &admin,
        "admin.blog.publish",
        json!({"id": other_id, "published": true}),
    )
    .await;
    assert_eq!(
        slugs(&s, None, "blog.list", json!({})).await,
        ["tips-for-prompts", "video-is-here"]
    );
    assert_eq!(
        slugs(&s, None, "blog.list", json!({"category": "whats-new"})).await,
        ["video-is-here"]
    );
    assert_eq!(
        slugs(&s, None, "blog.list", json!({"tag": "release-notes"})).await,
        ["video-is-here"]
    );
    let first = ok(&s, &ada, "blog.list", json!({"limit": 1})).await;
    let next = first["next"].as_str().expect("a next page");
    assert_eq!(
        slugs(&s, None, "blog.list", json!({"limit": 1, "before": next})).await,
        ["video-is-here"]
    );

    // Addresses are unique and checked; the text is changed in place.
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.blog.save",
            json!({"slug": "video-is-here", "title": "Again", "body": "x", "category": "news"})
        )
        .await,
        (409, "conflict".into())
    );
    for bad in ["Video Is Here", "../etc", "", "a--b"] {
        assert_eq!(
            code(
                &s,
                Some(&admin),
                "admin.blog.save",
                json!({"slug": bad, "title": "T", "body": "x", "category": "news"})
            )
            .await,
            (422, "invalid_input".into()),
            "{bad}"
        );
    }
    let edited = ok(
        &s,
        &admin,
        "admin.blog.save",
        json!({"id": id, "slug": "video-is-here", "title": "Video is here!", "summary": "Clips, at last.", "body": "Short now.", "category": "whats-new", "tags": []}),
    )
    .await;
    assert_eq!(edited["post"]["summary"], "Clips, at last.");
    assert_eq!(edited["post"]["tags"], json!([]));
    assert!(
        edited["post"]["published_at"].as_i64().is_some(),
        "still published"
    );
    assert!(
        slugs(&s, None, "blog.list", json!({"tag": "release-notes"}))
            .await
            .is_empty()
    );

    // Back to draft, then deleted with a reason.
    ok(
        &s,
        &admin,
        "admin.blog.publish",
        json!({"id": id, "published": false}),
    )
    .await;
    assert_eq!(
        code(&s, None, "blog.get", json!({"slug": "video-is-here"}))
            .await
            .0,
        404
    );
    assert_eq!(
        code(
            &s,
            Some(&admin),
            "admin.blog.delete",
            json!({"id": id, "reason": ""})
        )
        .await,
        (422, "invalid_input".into())
    );
    ok(
        &s,
        &admin,
        "admin.blog.delete",
        json!({"id": id, "reason": "Superseded by the launch post"}),
    )
    .await;
    assert_eq!(
        slugs(&s, Some(&admin), "admin.blog.list", json!({})).await,
        ["tips-for-prompts"]
    );

    let log = ok(&s, &admin, "admin.audit.list", json!({})).await;
    let kinds: Vec<&str> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["change"]["post_id"] == id.as_str())
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "post_delete",
            "post_unpublish",
            "post_save",
            "post_publish",
            "post_save"
        ]
    );
    s.shutdown().await;
}

#[tokio::test]
async fn admins_write_and_everyone_reads_on_sqlite() {
    admins_write_and_everyone_reads(Db::Sqlite).await;
}

#[tokio::test]
async fn admins_write_and_everyone_reads_on_postgres() {
    admins_write_and_everyone_reads(Db::Postgres).await;
}
