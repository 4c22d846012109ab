//! Tags: the owner's own words on their images (lowercase, 1–32 characters, at most 20 an image),
//! added to and removed from many images in one all-or-nothing request, listed with their counts,
//! and used as a filter of the library (`images.list` with `tag`). Tags are private to the owner.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "tags.add",
        Write,
        "Gives the caller's images these tags (all of them or, if one image is not theirs, none)",
        tags_add,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "tags.remove",
        Write,
        "Takes these tags off the caller's images",
        tags_remove,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "tags.list",
        Read,
        "The caller's tags with how many images have each, most used first",
        tags_list,
    );
    r.add(
        "tags.of_image",
        Read,
        "The tags the caller gave one of their images",
        tags_of_image,
    );
}

pub const MAX_TAG_CHARS: usize = 32;
pub const MAX_TAGS_PER_IMAGE: usize = 20;
const MAX_TAGS_PER_REQUEST: usize = 10;

/// A tag as kept: trimmed, lowercase, inner spaces single; letters, digits, spaces, `-` and `_`.
pub fn normalize_tag(raw: &str) -> Result<String> {
    let tag = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let count = tag.chars().count();
    if count == 0 || count > MAX_TAG_CHARS {
        return Err(Error::invalid(format!(
            "a tag is 1 to {MAX_TAG_CHARS} characters"
        )));
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
    {
        return Err(Error::invalid(
            "a tag is letters, digits, spaces, '-' and '_'",
        ));
    }
    Ok(tag)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagImages {
    /// 1 to 10,000 of the caller's images.
    pub image_ids: Vec<String>,
    /// 1 to 10 tags.
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TagsChanged {
    /// Image-tag pairs added or removed (ones already so are not counted).
    #[ts(type = "number")]
    pub changed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TagCount {
    pub tag: String,
    #[ts(type = "number")]
    pub images: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TagsOutput {
    pub tags: Vec<TagCount>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImageTags {
    pub image_id: String,
    pub tags: Vec<String>,
    /// Tags a tagger proposed that the owner has not yet accepted or rejected.
    pub proposed: Vec<super::tag_suggestions::TagSuggestion>,
}

/// Tags as kept (`normalize_tag`), each once, in order; an error names the first malformed one.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>> {
    let mut tags = raw
        .iter()
        .map(|t| normalize_tag(t))
        .collect::<Result<Vec<_>>>()?;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

/// The request's images and tags, checked: the caller's own images, well-formed tags.
fn checked(input: TagImages) -> Result<(Vec<String>, Vec<String>)> {
    let ids = super::bulk::bulk_ids(input.image_ids)?;
    let tags = normalize_tags(&input.tags)?;
    if tags.is_empty() || tags.len() > MAX_TAGS_PER_REQUEST {
        return Err(Error::invalid(format!(
            "give 1 to {MAX_TAGS_PER_REQUEST} tags"
        )));
    }
    Ok((ids, tags))
}

pub async fn tags_add(app: &App, caller: &Caller, input: TagImages) -> Result<TagsChanged> {
    let me = caller.user_id()?;
    let (ids, tags) = checked(input)?;
    let changed = app
        .store
        .tags()
        .add_tags(me, &ids, &tags, MAX_TAGS_PER_IMAGE, app.clock.now_ms())
        .await?;
    Ok(TagsChanged { changed })
}

pub async fn tags_remove(app: &App, caller: &Caller, input: TagImages) -> Result<TagsChanged> {
    let me = caller.user_id()?;
    let (ids, tags) = checked(input)?;
    let changed = app.store.tags().remove_tags(me, &ids, &tags).await?;
    Ok(TagsChanged { changed })
}

pub async fn tags_list(app: &App, caller: &Caller, _input: Empty) -> Result<TagsOutput> {
    let me = caller.user_id()?;
    Ok(TagsOutput {
        tags: app.store.tags().tag_counts(me).await?,
    })
}

pub async fn tags_of_image(app: &App, caller: &Caller, input: ImageRef) -> Result<ImageTags> {
    let me = caller.user_id()?;
    let tags = app
        .store
        .tags()
        .tags_of_image(me, &input.image_id)
        .await?
        .ok_or_else(|| Error::new(ErrorCode::NotFound, "no such image of yours"))?;
    let proposed = app
        .store
        .tag_suggestions()
        .proposed_tags(me, &input.image_id)
        .await?;
    Ok(ImageTags {
        image_id: input.image_id,
        tags,
        proposed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalized_and_bounded() {
        assert_eq!(
            normalize_tag("  Golden   Hour ").ok().as_deref(),
            Some("golden hour")
        );
        assert_eq!(normalize_tag("été_2026").ok().as_deref(), Some("été_2026"));
        assert!(normalize_tag("   ").is_err());
        assert!(normalize_tag(&"x".repeat(33)).is_err());
        assert!(normalize_tag("<script>").is_err());
    }
}
