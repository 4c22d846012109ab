//! The server's public pages as link previews and search engines see them: Open Graph tags on a blog
//! post (`/blog/<slug>`), a profile (`/u/<name>`), the blog and what's new, `/sitemap.xml` listing
//! every public page, and `/robots.txt` pointing to it. Each is decided by calling the operations as
//! an anonymous visitor, so a draft, a private profile or a private image is exactly as absent here
//! as it is in the API.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use pixel_core::ops::blog::{blog_get, blog_list, BlogGetQuery, BlogListQuery};
use pixel_core::ops::explore::{explore_list, ExploreQuery};
use pixel_core::ops::exports::export_stamp;
use pixel_core::ops::follows::{profiles_get, ProfileQuery};
use pixel_core::Caller;

use crate::http::Http;
use crate::share::{base_url, escape, index_html, not_found_page, tagged_page, truncate};

/// Pages of 200 read for the sitemap: at most 10,000 posts and 10,000 images, well inside the
/// sitemap protocol's 50,000 addresses a file.
const SITEMAP_PAGES: usize = 50;
const SITEMAP_PAGE: u32 = 200;
/// Profiles listed: the creators of the newest public images, each checked as a stranger sees it.
const SITEMAP_PROFILES: usize = 1_000;

fn site_tags(
    kind: &str,
    title: &str,
    description: &str,
    url: String,
) -> Vec<(&'static str, String)> {
    vec![
        ("og:type", kind.to_string()),
        ("og:site_name", "Pixel Studio".to_string()),
        ("og:title", truncate(title, 90)),
        ("og:description", description.to_string()),
        ("og:url", url),
        ("twitter:card", "summary".to_string()),
    ]
}

pub async fn post_page(
    State(http): State<Http>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let index = index_html(&http).await;
    let Ok(post) = blog_get(&http.0.app, &Caller::Anonymous, BlogGetQuery { slug }).await else {
        return not_found_page(index);
    };
    let p = post.post;
    let base = base_url(&http, &headers);
    let description = truncate(&p.summary, 300);
    let mut tags = site_tags(
        "article",
        &p.title,
        &description,
        format!("{base}/blog/{}", p.slug),
    );
    if let Some(at) = p.published_at.and_then(iso_time) {
        tags.push(("article:published_time", at));
    }
    for tag in &p.tags {
        tags.push(("article:tag", tag.clone()));
    }
    tagged_page(&index, &tags, &description)
}

pub async fn profile_page(
    State(http): State<Http>,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> Response {
    let index = index_html(&http).await;
    let Ok(profile) =
        profiles_get(&http.0.app, &Caller::Anonymous, ProfileQuery { username }).await
    else {
        return not_found_page(index);
    };
    let base = base_url(&http, &headers);
    let name = &profile.user.username;
    let description = match profile.shown.bio.trim() {
        "" => format!("@{name} makes images with Pixel Studio"),
        bio => truncate(bio, 300),
    };
    let mut tags = site_tags(
        "profile",
        &format!("@{name} on Pixel Studio"),
        &description,
        format!("{base}/u/{name}"),
    );
    tags.push(("profile:username", name.clone()));
    if let Some(picture) = &profile.shown.avatar_url {
        tags.push(("og:image", format!("{base}{picture}")));
    }
    tagged_page(&index, &tags, &description)
}

/// `/blog` and `/whats-new`: the page's own title and description.
/// A front page of the site (the blog, "what's new"): the app's page tagged with its title and
/// description.
async fn front_page(
    http: &Http,
    headers: &HeaderMap,
    path: &str,
    title: &str,
    description: &str,
) -> Response {
    let index = index_html(http).await;
    let base = base_url(http, headers);
    tagged_page(
        &index,
        &site_tags("website", title, description, format!("{base}{path}")),
        description,
    )
}

pub async fn blog_index_page(State(http): State<Http>, headers: HeaderMap) -> Response {
    front_page(
        &http,
        &headers,
        "/blog",
        "Blog · Pixel Studio",
        "News, guides and release notes from the people who run this Pixel Studio",
    )
    .await
}

pub async fn whats_new_page(State(http): State<Http>, headers: HeaderMap) -> Response {
    front_page(
        &http,
        &headers,
        "/whats-new",
        "What’s new · Pixel Studio",
        "What changed in Pixel Studio, newest first",
    )
    .await
}

/// Milliseconds since 1970 as `2026-12-07T18:49:03Z` (the sitemap's and Open Graph's form), for
/// times from 1970 to the year 9999.
fn iso_time(ms: i64) -> Option<String> {
    const YEAR_10000_MS: i64 = 253_402_300_800_000;
    (0..YEAR_10000_MS).contains(&ms).then(|| {
        let in_day = ms / 1000 % 86_400;
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            export_stamp(ms),
            in_day / 3600,
            in_day % 3600 / 60,
            in_day % 60
        )
    })
}

struct Entry {
    path: String,
    modified: Option<i64>,
}

/// Every public page: the front pages, each published post, the newest public images and the public
/// profiles of their creators.
pub async fn sitemap(State(http): State<Http>, headers: HeaderMap) -> Response {
    let app = &http.0.app;
    let anonymous = Caller::Anonymous;
    let mut entries: Vec<Entry> = ["/", "/explore", "/market", "/blog", "/whats-new"]
        .into_iter()
        .map(|path| Entry {
            path: path.to_string(),
            modified: None,
        })
        .collect();
    let mut before: Option<String> = None;
    for _ in 0..SITEMAP_PAGES {
        let query = BlogListQuery {
            before: before.take(),
            limit: Some(SITEMAP_PAGE),
            ..BlogListQuery::default()
        };
        let Ok(page) = blog_list(app, &anonymous, query).await else {
            break;
        };
        entries.extend(page.posts.iter().map(|p| Entry {
            path: format!("/blog/{}", p.slug),
            modified: Some(p.updated_at),
        }));
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    let mut creators: Vec<String> = Vec::new();
    for _ in 0..SITEMAP_PAGES {
        let query = ExploreQuery {
            before: before.take(),
            limit: Some(SITEMAP_PAGE),
            ..ExploreQuery::default()
        };
        let Ok(page) = explore_list(app, &anonymous, query).await else {
            break;
        };
        for shown in &page.images {
            entries.push(Entry {
                path: format!("/p/{}", shown.image.id),
                modified: Some(shown.image.created_at),
            });
            if creators.len() < SITEMAP_PROFILES && !creators.contains(&shown.creator.username) {
                creators.push(shown.creator.username.clone());
            }
        }
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    for username in creators {
        // A private or suspended account's profile is not a public page, whatever its images are.
        if profiles_get(
            app,
            &anonymous,
            ProfileQuery {
                username: username.clone(),
            },
        )
        .await
        .is_ok()
        {
            entries.push(Entry {
                path: format!("/u/{username}"),
                modified: None,
            });
        }
    }
    let base = base_url(&http, &headers);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in &entries {
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape(&format!("{base}{}", e.path))
        ));
        if let Some(at) = e.modified.and_then(iso_time) {
            xml.push_str(&format!("<lastmod>{at}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            // Search engines come back daily at most; an hour's staleness costs nothing.
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        xml,
    )
        .into_response()
}

/// Where crawlers may go, and where the sitemap is; accounts' own pages and the API are not for them.
pub async fn robots(State(http): State<Http>, headers: HeaderMap) -> Response {
    let base = base_url(&http, &headers);
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "User-agent: *\nDisallow: /api/\nDisallow: /auth/\nDisallow: /admin\nDisallow: /settings\n\
             Disallow: /library\nDisallow: /credits\nDisallow: /messages\nDisallow: /notifications\n\
             Sitemap: {base}/sitemap.xml\n"
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_iso_utc() {
        assert_eq!(iso_time(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(
            iso_time(1_796_669_343_000).as_deref(),
            Some("2026-12-07T18:49:03Z")
        );
        assert_eq!(
            iso_time(951_782_400_000).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(iso_time(i64::MAX), None);
        assert_eq!(iso_time(-1), None);
    }
}
