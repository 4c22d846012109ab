//! The blog and "what's new": admins write posts in markdown, keep them as drafts, publish and
//! unpublish them, with a category and tags, each change in the admin audit log; everyone, signed in
//! or not, reads the published ones, rendered to HTML that cannot run anything (`crate::markdown`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::admin::{admin, AdminActionKind, AdminChange, NewAdminAction};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::PageRequest;
use crate::registry::{OpKind::*, Registry};
use crate::social::UserSummary;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "blog.list",
        Read,
        "Published posts, newest first, by category or tag",
        blog_list,
    );
    r.add(
        "blog.get",
        Read,
        "One published post by its address, rendered (admins also read drafts)",
        blog_get,
    );
    r.add(
        "admin.blog.list",
        Read,
        "Every post, drafts included, last changed first (admins)",
        admin_blog_list,
    );
    r.add(
        "admin.blog.save",
        Write,
        "Write a new post or change one, as it stands (admins)",
        admin_blog_save,
    );
    r.add(
        "admin.blog.publish",
        Write,
        "Publish a post, or take it back to draft (admins)",
        admin_blog_publish,
    );
    r.add(
        "admin.blog.preview",
        Read,
        "Markdown rendered as a post would be, before saving (admins)",
        admin_blog_preview,
    );
    r.add(
        "admin.blog.delete",
        Write,
        "Delete a post with a reason (admins)",
        admin_blog_delete,
    );
}

/// The category whose posts make the "what's new" page.
pub const WHATS_NEW: &str = "whats-new";
const MAX_TITLE_CHARS: usize = 200;
const MAX_SUMMARY_CHARS: usize = 300;
const MAX_BODY_CHARS: usize = 100_000;
const MAX_SLUG_CHARS: usize = 80;
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 30;

/// A post as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRecord {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub category: String,
    pub tags: Vec<String>,
    pub author: UserSummary,
    pub published_at: Option<Millis>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A post in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct PostSummary {
    pub id: String,
    /// The post's address: `/blog/<slug>`.
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category: String,
    pub tags: Vec<String>,
    pub author: UserSummary,
    /// None while it is a draft.
    #[ts(type = "number | null")]
    pub published_at: Option<Millis>,
    #[ts(type = "number")]
    pub updated_at: Millis,
}

/// One post whole: its markdown and the HTML it renders to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Post {
    pub post: PostSummary,
    /// The markdown as written.
    pub body: String,
    /// The body rendered: raw HTML shown as text, only http(s), mailto and this site's addresses.
    pub html: String,
}

impl PostRecord {
    fn summary(&self) -> PostSummary {
        PostSummary {
            id: self.id.clone(),
            slug: self.slug.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            category: self.category.clone(),
            tags: self.tags.clone(),
            author: self.author.clone(),
            published_at: self.published_at,
            updated_at: self.updated_at,
        }
    }

    fn whole(&self) -> Post {
        Post {
            post: self.summary(),
            body: self.body.clone(),
            html: crate::markdown::render(&self.body),
        }
    }
}

/// Which posts a list reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFilter {
    /// Published ones only (everyone's view) or drafts too (admins').
    pub published_only: bool,
    pub category: Option<String>,
    pub tag: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlogListQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct BlogListOutput {
    pub posts: Vec<PostSummary>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlogGetQuery {
    pub slug: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SavePost {
    /// The post to change; absent for a new one (a draft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Lower-case letters, digits and dashes, up to 80.
    pub slug: String,
    pub title: String,
    /// Shown in lists; the body's first words when empty.
    #[serde(default)]
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// Lower-case letters, digits and dashes; `whats-new` puts it on the "what's new" page.
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishPost {
    pub id: String,
    /// True to publish, false to take it back to draft.
    pub published: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewPost {
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PreviewOutput {
    pub html: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeletePost {
    pub id: String,
    pub reason: String,
}

/// Whether `s` is lower-case letters, digits and single dashes inside.
fn slug_like(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn checked_slug(what: &str, s: &str, max: usize) -> Result<String> {
    let s = s.trim();
    if !slug_like(s) || s.chars().count() > max {
        return Err(Error::invalid(format!(
            "{what} is lower-case letters, digits and dashes, up to {max} (like `new-video-models`)"
        )));
    }
    Ok(s.to_string())
}

/// Tags as written, made lower case with dashes for spaces, without repeats.
fn checked_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag
            .trim()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let tag = checked_slug("a tag", &tag, MAX_TAG_CHARS)?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::invalid(format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

fn bounded(what: &str, s: &str, min: usize, max: usize) -> Result<String> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min || n > max {
        return Err(Error::invalid(format!(
            "{what} is {min} to {max} characters"
        )));
    }
    Ok(s.to_string())
}

/// The audit log's reason for a post's change: its title.
fn post_reason(title: &str) -> String {
    let short: String = title.chars().take(480).collect();
    format!("Post “{short}”")
}

fn post_action(
    admin_id: &str,
    kind: AdminActionKind,
    post_id: &str,
    reason: String,
    now: Millis,
) -> NewAdminAction {
    NewAdminAction {
        id: crate::new_id(),
        admin_id: admin_id.to_string(),
        kind,
        target_user_id: String::new(),
        reason,
        change: AdminChange {
            post_id: Some(post_id.to_string()),
            ..AdminChange::default()
        },
        created_at: now,
    }
}

fn list_filter(input: &BlogListQuery) -> Result<PostFilter> {
    let category = input
        .category
        .as_deref()
        .map(|c| checked_slug("category", c, MAX_TAG_CHARS))
        .transpose()?;
    let tag = input
        .tag
        .as_deref()
        .map(|t| checked_slug("tag", t, MAX_TAG_CHARS))
        .transpose()?;
    Ok(PostFilter {
        published_only: true,
        category,
        tag,
    })
}

async fn page_of(app: &App, filter: &PostFilter, page: &PageRequest) -> Result<BlogListOutput> {
    let posts = app.store.blog().posts(filter, page).await?;
    let list: Vec<PostSummary> = posts.iter().map(PostRecord::summary).collect();
    let next = next_cursor(&posts, page.limit, |p| {
        (
            if filter.published_only {
                p.published_at.unwrap_or(p.updated_at)
            } else {
                p.updated_at
            },
            &p.id,
        )
    });
    Ok(BlogListOutput { posts: list, next })
}

pub async fn blog_list(
    app: &App,
    _caller: &Caller,
    input: BlogListQuery,
) -> Result<BlogListOutput> {
    let filter = list_filter(&input)?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    page_of(app, &filter, &page).await
}

pub async fn blog_get(app: &App, caller: &Caller, input: BlogGetQuery) -> Result<Post> {
    let post = app
        .store
        .blog()
        .post_by_slug(input.slug.trim())
        .await?
        .filter(|p| p.published_at.is_some() || caller.is_admin())
        .ok_or_else(|| Error::not_found("post"))?;
    Ok(post.whole())
}

pub async fn admin_blog_list(
    app: &App,
    caller: &Caller,
    input: BlogListQuery,
) -> Result<BlogListOutput> {
    admin(caller)?;
    let filter = PostFilter {
        published_only: false,
        ..list_filter(&input)?
    };
    let page = page_request(input.before.as_deref(), input.limit)?;
    page_of(app, &filter, &page).await
}

pub async fn admin_blog_save(app: &App, caller: &Caller, input: SavePost) -> Result<Post> {
    let admin_id = admin(caller)?;
    let slug = checked_slug("the address", &input.slug, MAX_SLUG_CHARS)?;
    let title = bounded("the title", &input.title, 1, MAX_TITLE_CHARS)?;
    let body = input.body.trim().to_string();
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(Error::invalid(format!(
            "the body is at most {MAX_BODY_CHARS} characters"
        )));
    }
    let summary = match input.summary.trim() {
        "" => crate::markdown::plain_text(&body, MAX_SUMMARY_CHARS),
        written => bounded("the summary", written, 1, MAX_SUMMARY_CHARS)?,
    };
    let category = checked_slug("the category", &input.category, MAX_TAG_CHARS)?;
    let tags = checked_tags(&input.tags)?;
    let now = app.clock.now_ms();
    let blog = app.store.blog();
    let existing = match &input.id {
        Some(id) => Some(
            blog.post(id)
                .await?
                .ok_or_else(|| Error::not_found("post"))?,
        ),
        None => None,
    };
    let author = match &existing {
        Some(p) => p.author.clone(),
        None => UserSummary::new(admin_id.to_string(), String::new()),
    };
    let record = PostRecord {
        id: existing
            .as_ref()
            .map_or_else(crate::new_id, |p| p.id.clone()),
        slug,
        title,
        summary,
        body,
        category,
        tags,
        author,
        published_at: existing.as_ref().and_then(|p| p.published_at),
        created_at: existing.as_ref().map_or(now, |p| p.created_at),
        updated_at: now,
    };
    let action = post_action(
        admin_id,
        AdminActionKind::PostSave,
        &record.id,
        post_reason(&record.title),
        now,
    );
    blog.save_post(&action, &record).await?;
    let saved = blog
        .post(&record.id)
        .await?
        .ok_or_else(|| Error::internal("the post saved is not there"))?;
    Ok(saved.whole())
}

pub async fn admin_blog_publish(app: &App, caller: &Caller, input: PublishPost) -> Result<Post> {
    let admin_id = admin(caller)?;
    let blog = app.store.blog();
    let post = blog
        .post(&input.id)
        .await?
        .ok_or_else(|| Error::not_found("post"))?;
    if post.published_at.is_some() == input.published {
        return Err(Error::new(
            ErrorCode::Conflict,
            if input.published {
                "this post is already published"
            } else {
                "this post is already a draft"
            },
        ));
    }
    if input.published && post.body.trim().is_empty() {
        return Err(Error::invalid("write the post before publishing it"));
    }
    let now = app.clock.now_ms();
    let kind = if input.published {
        AdminActionKind::PostPublish
    } else {
        AdminActionKind::PostUnpublish
    };
    let action = post_action(admin_id, kind, &post.id, post_reason(&post.title), now);
    blog.set_published(&action, &post.id, input.published.then_some(now))
        .await?;
    let changed = blog
        .post(&post.id)
        .await?
        .ok_or_else(|| Error::not_found("post"))?;
    Ok(changed.whole())
}

pub async fn admin_blog_preview(
    _app: &App,
    caller: &Caller,
    input: PreviewPost,
) -> Result<PreviewOutput> {
    admin(caller)?;
    if input.body.chars().count() > MAX_BODY_CHARS {
        return Err(Error::invalid(format!(
            "the body is at most {MAX_BODY_CHARS} characters"
        )));
    }
    Ok(PreviewOutput {
        html: crate::markdown::render(&input.body),
    })
}

pub async fn admin_blog_delete(app: &App, caller: &Caller, input: DeletePost) -> Result<Empty> {
    let admin_id = admin(caller)?;
    let reason = super::admin::reason_of(&input.reason)?;
    let blog = app.store.blog();
    let post = blog
        .post(&input.id)
        .await?
        .ok_or_else(|| Error::not_found("post"))?;
    let action = post_action(
        admin_id,
        AdminActionKind::PostDelete,
        &post.id,
        reason,
        app.clock.now_ms(),
    );
    blog.delete_post(&action, &post.id).await?;
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_tags_are_checked() {
        assert!(slug_like("new-video-models-2"));
        for bad in ["", "-a", "a-", "a--b", "Caps", "spa ce", "ünï", "a/b"] {
            assert!(!slug_like(bad), "{bad}");
        }
        assert_eq!(
            checked_tags(&[
                "Video Models".into(),
                "video-models".into(),
                " news ".into()
            ])
            .ok(),
            Some(vec!["video-models".to_string(), "news".to_string()])
        );
        assert!(checked_tags(&["<script>".into()]).is_err());
        let many: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(checked_tags(&many).is_err());
    }
}
