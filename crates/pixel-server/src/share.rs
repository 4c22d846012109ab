//! Share links: `/p/<image id>` is the web UI's page of a public image, served with Open Graph and
//! Twitter card tags so a link pasted anywhere shows the picture and its prompt. What the tags say is
//! decided as a stranger would see it: a private image and a missing one get the same 404 page,
//! with no tag and no word of it.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use pixel_core::ops::{images_get, ImageRef};
use pixel_core::Caller;

use crate::http::Http;

/// The longest prompt shown in a card's title; the description carries up to 300 characters.
const TITLE_CHARS: usize = 90;

/// The web UI's page as built (a bare page when the UI is missing), to add tags to.
pub(crate) async fn index_html(http: &Http) -> String {
    tokio::fs::read_to_string(http.0.config.ui_dir.join("index.html"))
        .await
        .unwrap_or_else(|_| {
            "<!doctype html><html><head><title>Pixel Studio</title></head><body></body></html>"
                .into()
        })
}

/// The address this server is reached at: the configured public URL, else the request's host.
pub(crate) fn base_url(http: &Http, headers: &HeaderMap) -> String {
    match &http.0.config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            // The guard has already refused a Host this server does not answer as.
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            format!("http://{host}")
        }
    }
}

/// The UI's page with these Open Graph (`og:`/`twitter:`) tags and description in its head.
pub(crate) fn tagged_page(index: &str, tags: &[(&str, String)], description: &str) -> Response {
    let mut head = String::new();
    for (property, content) in tags {
        head.push_str(&format!(
            "<meta property=\"{property}\" content=\"{}\">",
            escape(content)
        ));
    }
    head.push_str(&format!(
        "<meta name=\"description\" content=\"{}\">",
        escape(description)
    ));
    let page = match index.find("</head>") {
        Some(at) => format!("{}{head}{}", &index[..at], &index[at..]),
        None => format!("{head}{index}"),
    };
    ([(header::CACHE_CONTROL, "no-cache")], Html(page)).into_response()
}

/// The UI's page, untagged, as a 404: what a stranger gets for anything private or missing.
pub(crate) fn not_found_page(index: String) -> Response {
    (StatusCode::NOT_FOUND, Html(index)).into_response()
}

pub async fn share_page(
    State(http): State<Http>,
    Path(image_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let node = &http.0;
    let index = index_html(&http).await;
    let public = images_get(&node.app, &Caller::Anonymous, ImageRef { image_id }).await;
    let Ok(image) = public else {
        return not_found_page(index);
    };
    let creator = node
        .app
        .store
        .accounts()
        .get_user(&image.owner_id)
        .await
        .ok()
        .flatten()
        .map(|u| u.username);
    let base = base_url(&http, &headers);
    // A premium image's prompt is withheld: its page names its collection instead.
    let prompt = match &image.locked {
        Some(lock) => lock.title.as_str(),
        None => image.record.params.prompt.trim(),
    };
    let title = truncate(prompt, TITLE_CHARS);
    let by = creator.map(|c| format!(" by @{c}")).unwrap_or_default();
    let description = format!("{}{by} · made with Pixel Studio", truncate(prompt, 300));
    // A video's preview is its poster; the video itself is named beside it for players that embed.
    let video = image.mime.starts_with("video/") && image.locked.is_none();
    let picture = if image.locked.is_some() || video {
        &image.thumb_url
    } else {
        &image.url
    };
    let mut tags = vec![
        (
            "og:type",
            if video { "video.other" } else { "article" }.to_string(),
        ),
        ("og:site_name", "Pixel Studio".to_string()),
        ("og:title", title.clone()),
        ("og:description", description.clone()),
        ("og:url", format!("{base}/p/{}", image.id)),
        ("og:image", format!("{base}{picture}")),
    ];
    if !video {
        tags.extend([
            ("og:image:width", image.width.to_string()),
            ("og:image:height", image.height.to_string()),
        ]);
    }
    tags.push(("og:image:alt", title.clone()));
    if video {
        tags.extend([
            ("og:video", format!("{base}{}", image.url)),
            ("og:video:type", image.mime.clone()),
            ("og:video:width", image.width.to_string()),
            ("og:video:height", image.height.to_string()),
        ]);
    }
    tags.push(("twitter:card", "summary_large_image".to_string()));
    tagged_page(&index, &tags, &description)
}

pub(crate) fn truncate(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Text as an HTML attribute value (or XML text).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_text_cannot_close_the_tag() {
        assert_eq!(
            escape(r#""><script>alert('x')</script>&"#),
            "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
