//! Markdown to HTML that cannot run anything: what admins write for the blog becomes headings,
//! paragraphs, lists, quotes, code, tables, links and images, and nothing else. Raw HTML is shown as
//! text, and a link or image whose address is not http(s), mailto (links only) or on this site is
//! kept as its text alone — so `<script>`, event handlers, `javascript:` and `data:` addresses all
//! render inert, whatever the browser would have made of them.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Whether `url` may be a link's (`image` false) or an image's address.
fn safe_url(url: &str, image: bool) -> bool {
    // Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:"), so
    // the scheme is read the same way.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    let scheme = match (scheme_end, path_start) {
        (Some(colon), Some(path)) if colon < path => Some(&cleaned[..colon]),
        (Some(colon), None) => Some(&cleaned[..colon]),
        _ => None,
    };
    match scheme {
        // No scheme: a path on this site, or an anchor.
        None => !cleaned.is_empty(),
        Some("http" | "https") => true,
        Some("mailto") => !image,
        Some(_) => false,
    }
}

/// Renders `source` to safe HTML.
pub fn render(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // For each open link or image: whether it was kept (its end tag is dropped with it otherwise).
    let mut kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = safe_url(&dest_url, false);
            kept.push(keep);
            keep.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let keep = safe_url(&dest_url, true);
            kept.push(keep);
            keep.then_some(Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
            kept.pop().unwrap_or(false).then_some(Event::End(end))
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The text of `source` without its markup, for summaries and search (at most `max` characters).
pub fn plain_text(source: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(source) {
        let piece: Option<CowStr> = match event {
            Event::Text(t) | Event::Code(t) => Some(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => Some(" ".into()),
            _ => None,
        };
        if let Some(p) = piece {
            text.push_str(&p);
        }
        if text.chars().count() > max {
            break;
        }
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let cut: String = words.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known ways to smuggle script through markdown; none may leave an element or attribute that
    /// runs anything.
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle r=1></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<body onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](java\tscript:alert(1))",
        "[click](jav&#x61;script:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click]( javascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![x](javascript:alert(1))",
        "![x](\"onerror=\"alert(1))",
        "[x](https://example.com \"\\\" onmouseover=alert(1) \\\"\")",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "<a href='x' onclick='alert(1)'>x</a>",
        "`<script>` in code is text",
        "```html\n<script>alert(1)</script>\n```",
        "<div>\n<script>alert(1)</script>\n</div>",
        "<!-- <script>alert(1)</script> -->",
        "x<scr<script>ipt>alert(1)</script>",
    ];

    /// The elements markdown may produce; anything else in the output is a failure.
    const ALLOWED: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "br",
        "input",
    ];

    /// What would make rendered HTML active: an element markdown does not make, an `on…`
    /// attribute, or an address that is not http(s), mailto or on this site. Reads real tags only
    /// (text is escaped, so a tag starts with `<`).
    fn active(html: &str) -> Option<String> {
        let lower = html.to_ascii_lowercase();
        let mut rest = lower.as_str();
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>').unwrap_or(after.len());
            let tag = after[..end].trim_start_matches('/');
            rest = &after[end..];
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !ALLOWED.contains(&name.as_str()) {
                return Some(format!("<{name}>"));
            }
            let mut attrs = &tag[name.len()..];
            loop {
                attrs = attrs.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
                if attrs.is_empty() {
                    break;
                }
                let attr: String = attrs
                    .chars()
                    .take_while(|c| !c.is_ascii_whitespace() && *c != '=' && *c != '/')
                    .collect();
                attrs = &attrs[attr.len()..];
                let mut value = "";
                if let Some(v) = attrs.strip_prefix('=') {
                    let Some(v) = v.strip_prefix('"') else {
                        return Some(format!("an unquoted {attr}"));
                    };
                    let close = v.find('"').unwrap_or(v.len());
                    value = &v[..close];
                    attrs = v.get(close + 1..).unwrap_or("");
                }
                if attr.starts_with("on") {
                    return Some(format!("the attribute {attr}"));
                }
                let local =
                    value.starts_with('/') || value.starts_with('#') || !value.contains(':');
                let web = value.starts_with("http://") || value.starts_with("https://");
                if (attr == "href" && !(local || web || value.starts_with("mailto:")))
                    || (attr == "src" && !(local || web))
                {
                    return Some(format!("{attr}={value}"));
                }
            }
        }
        None
    }

    #[test]
    fn known_xss_payloads_render_inert() {
        for payload in PAYLOADS {
            let html = render(payload);
            assert_eq!(active(&html), None, "{payload:?} rendered as {html:?}");
        }
    }

    #[test]
    fn the_checker_catches_what_it_looks_for() {
        // The test above is only as good as `active`: it must flag the raw payloads.
        for raw in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<img src=\"data:image/svg+xml;base64,AAAA\">",
        ] {
            assert!(active(raw).is_some(), "{raw}");
        }
    }

    #[test]
    fn markdown_renders_as_markdown() {
        let html = render(
            "# Release 2\n\nNew **video** models, see [the docs](https://example.com/docs) and \
             [settings](/settings).\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
             ![shot](/media/abc/thumb)\n\n<b>raw</b>",
        );
        assert!(html.contains("<h1>Release 2</h1>"), "{html}");
        assert!(html.contains("<strong>video</strong>"));
        assert!(html.contains("<a href=\"https://example.com/docs\">the docs</a>"));
        assert!(html.contains("<a href=\"/settings\">settings</a>"));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains("<table>"));
        assert!(html.contains("<img src=\"/media/abc/thumb\" alt=\"shot\""));
        assert!(
            html.contains("&lt;b&gt;raw&lt;/b&gt;"),
            "raw HTML is shown as text: {html}"
        );
        // An unsafe link keeps its words, without the link.
        assert_eq!(render("[click](javascript:alert(1))"), "<p>click</p>\n");
        assert_eq!(
            render("[write](mailto:team@example.com)"),
            "<p><a href=\"mailto:team@example.com\">write</a></p>\n"
        );
        assert_eq!(render("![x](mailto:a@b.c)"), "<p>x</p>\n");
    }

    #[test]
    fn plain_text_strips_markup_and_shortens() {
        assert_eq!(
            plain_text("# Hi\n\nSome **bold** `code`.", 100),
            "Hi Some bold code."
        );
        assert_eq!(plain_text("one two three four", 9), "one two…");
    }
}
