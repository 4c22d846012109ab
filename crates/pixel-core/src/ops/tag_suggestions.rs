//! Tag suggestions: the tagger (a vision model, or the generation record offline) proposes tags for
//! one of the owner's images; the owner accepts them (they become the image's tags) or rejects them
//! (never proposed for that image again). Proposals are private to the owner, like tags.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::images::ImageRef;
use super::tags::{normalize_tag, normalize_tags, ImageTags, MAX_TAGS_PER_IMAGE};
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::ProviderError;
use crate::registry::{OpKind::*, Registry};
use crate::tagging::{TagSource, MAX_SUGGESTED};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "tags.suggest",
        Write,
        "Asks the tagger for tags for one of the caller's images and keeps them as proposals",
        tags_suggest,
    );
    r.add(
        "tags.review",
        Write,
        "Accepts proposed tags (they become the image's tags) and rejects others (never proposed \
         again), all or nothing",
        tags_review,
    );
}

/// A tag proposed for an image, waiting for the owner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TagSuggestion {
    pub tag: String,
    pub source: TagSource,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SuggestedTags {
    pub image_id: String,
    /// Who proposed them, in words.
    pub tagger: String,
    /// Every proposal waiting on the image (this one's and earlier ones').
    pub proposed: Vec<TagSuggestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagReview {
    pub image_id: String,
    /// Tags to give the image (proposed or not).
    #[serde(default)]
    pub accept: Vec<String>,
    /// Proposals to drop and never propose again for this image.
    #[serde(default)]
    pub reject: Vec<String>,
}

/// How a tagger's failure reads to the caller.
fn tagger_error(err: ProviderError) -> Error {
    let code = match &err {
        ProviderError::Timeout { .. } => ErrorCode::Timeout,
        ProviderError::Rejected { .. } => ErrorCode::ProviderRejected,
        ProviderError::Moderated { .. } => ErrorCode::Moderated,
        ProviderError::NotConfigured { .. } => ErrorCode::ModelUnavailable,
        ProviderError::Retryable { .. } | ProviderError::Cancelled => ErrorCode::ProviderError,
    };
    Error::new(code, format!("the tagger could not tag this image: {err}"))
}

/// A tagger's words as tags: the well-formed ones, once each, at most `MAX_SUGGESTED`.
pub fn usable_tags(raw: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.iter().filter_map(|t| normalize_tag(t).ok()) {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.truncate(MAX_SUGGESTED);
    tags
}

fn not_yours() -> Error {
    Error::new(ErrorCode::NotFound, "no such image of yours")
}

pub async fn tags_suggest(app: &App, caller: &Caller, input: ImageRef) -> Result<SuggestedTags> {
    let me = caller.user_id()?;
    let image = app
        .store
        .images()
        .get_image(&input.image_id)
        .await?
        .filter(|image| image.owner_id == me)
        .ok_or_else(not_yours)?;
    let thumbnail = app
        .blobs
        .get(&image.thumb_sha256)
        .await?
        .unwrap_or_default();
    let tagger = app.tagger();
    let raw = tagger
        .suggest(&image, &thumbnail)
        .await
        .map_err(tagger_error)?;
    let tags = usable_tags(&raw);
    tracing::info!(image = %image.id, tagger = %tagger.name(), proposed = tags.len(), "tags suggested");
    let proposed = app
        .store
        .tag_suggestions()
        .propose_tags(me, &image.id, &tags, tagger.source(), app.clock.now_ms())
        .await?
        .ok_or_else(not_yours)?;
    Ok(SuggestedTags {
        image_id: image.id,
        tagger: tagger.name(),
        proposed,
    })
}

pub async fn tags_review(app: &App, caller: &Caller, input: TagReview) -> Result<ImageTags> {
    let me = caller.user_id()?;
    let accept = normalize_tags(&input.accept)?;
    let reject = normalize_tags(&input.reject)?;
    if accept.is_empty() && reject.is_empty() {
        return Err(Error::invalid("accept or reject at least one tag"));
    }
    if accept.len() + reject.len() > MAX_TAGS_PER_IMAGE * 2 {
        return Err(Error::invalid(format!(
            "review at most {} tags at once",
            MAX_TAGS_PER_IMAGE * 2
        )));
    }
    if let Some(both) = accept.iter().find(|t| reject.contains(t)) {
        return Err(Error::invalid(format!(
            "'{both}' is both accepted and rejected"
        )));
    }
    app.store
        .tag_suggestions()
        .review_tags(
            me,
            &input.image_id,
            &accept,
            &reject,
            MAX_TAGS_PER_IMAGE,
            app.clock.now_ms(),
        )
        .await?
        .ok_or_else(not_yours)?;
    super::tags::tags_of_image(
        app,
        caller,
        ImageRef {
            image_id: input.image_id,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taggers_words_become_tags_once_and_malformed_ones_are_dropped() {
        let raw = ["Red Fox", "red  fox", "<b>", "", "Snow", "a-b_c"].map(String::from);
        assert_eq!(usable_tags(&raw), vec!["red fox", "snow", "a-b_c"]);
        let many = (0..20).map(|i| format!("t{i}")).collect::<Vec<_>>();
        assert_eq!(usable_tags(&many).len(), MAX_SUGGESTED);
    }
}
