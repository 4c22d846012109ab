//! Public pages as link previews and search engines see them: a published post and a public profile
//! carry Open Graph tags (their text escaped), a draft and a private profile are a bare 404; the
//! sitemap lists the front pages, published posts, public images and public profiles, and nothing
//! private, and robots.txt points to it — on SQLite and PostgreSQL.

mod common;

use common::{ok_as as ok, public_image, settled, signed_in_server, token_for, Db, TestServer};
use serde_json::json;

async fn page(s: &TestServer, path: &str) -> (u16, String) {
    let resp = s.get(path).await;
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap_or_default())
}

async fn public_pages_are_tagged_and_mapped(db: Db) {
    let Some(s) = signed_in_server(db).await else {
        return;
    };
    let admin = token_for(&s, "admin@example.com").await;
    let ada = token_for(&s, "ada@example.com").await;
    let grace = token_for(&s, "grace@example.com").await;

    let post = ok(
        &s,
        &admin,
        "admin.blog.save",
        json!({"slug": "video-is-here", "title": "Video \"is\" <here>", "summary": "Clips & more", "body": "Hello", "category": "whats-new", "tags": ["video"]}),
    )
    .await;
    let draft = ok(
        &s,
        &admin,
        "admin.blog.save",
        json!({"slug": "secret-plans", "title": "Secret plans", "body": "Not yet", "category": "news"}),
    )
    .await;
    assert_eq!(draft["post"]["published_at"], serde_json::Value::Null);
    ok(
        &s,
        &admin,
        "admin.blog.publish",
        json!({"id": post["post"]["id"], "published": true}),
    )
    .await;
    let shown = public_image(&s, &ada, "a lighthouse at dawn").await;
    let hidden = ok(
        &s,
        &ada,
        "generations.create",
        json!({"prompt": "a private sketch", "model": "local-sketch"}),
    )
    .await;
    settled(&s, &ada, &hidden).await;
    let hidden_image = ok(
        &s,
        &ada,
        "generations.get",
        json!({"job_id": hidden["jobs"][0]["id"]}),
    )
    .await["image_id"]
        .as_str()
        .expect("the private image")
        .to_string();
    let mut settings = ok(&s, &grace, "account.get", json!({})).await["settings"].clone();
    settings["profile_private"] = json!(true);
    ok(
        &s,
        &grace,
        "account.update",
        json!({ "settings": settings }),
    )
    .await;
    public_image(&s, &grace, "grace's public work").await;

    // A published post: its tags, its text escaped.
    let (status, html) = page(&s, "/blog/video-is-here").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<meta property=\"og:title\" content=\"Video &quot;is&quot; &lt;here&gt;\">"),
        "{html}"
    );
    assert!(html.contains("<meta property=\"og:description\" content=\"Clips &amp; more\">"));
    assert!(html.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(html.contains("/blog/video-is-here\">"));
    assert!(html.contains("<meta property=\"article:tag\" content=\"video\">"));
    // A draft and a missing post: the same bare 404.
    for path in ["/blog/secret-plans", "/blog/no-such-post"] {
        let (status, html) = page(&s, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !html.contains("og:title") && !html.contains("Secret"),
            "{path}: {html}"
        );
    }
    // A public profile is tagged; a private one is a bare 404.
    let (status, html) = page(&s, "/u/ada").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<meta property=\"og:title\" content=\"@ada on Pixel Studio\">"),
        "{html}"
    );
    let (status, html) = page(&s, "/u/grace").await;
    assert_eq!((status, html.contains("og:title")), (404, false));
    let (status, html) = page(&s, "/whats-new").await;
    assert_eq!(status, 200);
    assert!(html.contains("og:title"), "{html}");

    let resp = s.get("/sitemap.xml").await;
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/xml")));
    let xml = resp.text().await.unwrap_or_default();
    assert!(xml.starts_with("<?xml"), "{xml}");
    for present in [
        "/explore</loc>",
        "/blog/video-is-here</loc>",
        &format!("/p/{shown}</loc>"),
        "/u/ada</loc>",
    ] {
        assert!(xml.contains(present), "{present} in {xml}");
    }
    for absent in ["secret-plans", "/u/grace", &hidden_image] {
        assert!(!xml.contains(absent), "{absent} in {xml}");
    }
    assert!(xml.contains("<lastmod>"), "{xml}");
    let (status, robots) = page(&s, "/robots.txt").await;
    assert_eq!(status, 200);
    assert!(
        robots.contains("Disallow: /api/") && robots.contains("/sitemap.xml\n"),
        "{robots}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn public_pages_are_tagged_and_mapped_on_sqlite() {
    public_pages_are_tagged_and_mapped(Db::Sqlite).await;
}

#[tokio::test]
async fn public_pages_are_tagged_and_mapped_on_postgres() {
    public_pages_are_tagged_and_mapped(Db::Postgres).await;
}
