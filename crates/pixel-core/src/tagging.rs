//! Tag suggestions: the tagger port (a vision model looking at the image, or the generation record
//! read offline) and the offline tagger itself, which draws tags from the prompt so suggestions work
//! with no key and no network.

use async_trait::async_trait;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Image;
use crate::ports::ProviderError;

/// Where a proposed tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagSource {
    /// A vision model looked at the image.
    Vision,
    /// Drawn from the image's generation record (its prompt), offline.
    Record,
}

impl TagSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TagSource::Vision => "vision",
            TagSource::Record => "record",
        }
    }

    pub fn parse(s: &str) -> Option<TagSource> {
        match s {
            "vision" => Some(TagSource::Vision),
            "record" => Some(TagSource::Record),
            _ => None,
        }
    }
}

/// Proposes tags for an image. Raw words: the operation normalises them and drops what is not a tag.
#[async_trait]
pub trait Tagger: Send + Sync {
    fn source(&self) -> TagSource;
    /// Who tags, in words (a model name, "the generation record"), for the UI.
    fn name(&self) -> String;
    /// Tags for `image`, whose thumbnail (WebP) is `thumbnail`.
    async fn suggest(&self, image: &Image, thumbnail: &[u8]) -> Result<Vec<String>, ProviderError>;
}

/// The offline tagger: the subjects and styles named in the prompt.
pub struct RecordTagger;

#[async_trait]
impl Tagger for RecordTagger {
    fn source(&self) -> TagSource {
        TagSource::Record
    }

    fn name(&self) -> String {
        "the generation record".into()
    }

    async fn suggest(
        &self,
        image: &Image,
        _thumbnail: &[u8],
    ) -> Result<Vec<String>, ProviderError> {
        let mut tags = tags_from_prompt(&image.record.params.prompt);
        if let Some(style) = &image.record.params.style {
            tags.insert(0, style.replace(['_', '-'], " "));
        }
        Ok(tags)
    }
}

/// Words that join a prompt's phrases rather than name anything: a phrase is cut at them.
const JOINING_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "with",
    "and",
    "or",
    "by",
    "for",
    "from",
    "to",
    "into",
    "under",
    "over",
    "above",
    "below",
    "behind",
    "beside",
    "near",
    "through",
    "while",
    "is",
    "are",
    "its",
    "his",
    "her",
    "their",
    "very",
    "some",
    "this",
    "that",
    "as",
    "made",
    "style",
    "highly",
    "detailed",
    "quality",
    "best",
    "masterpiece",
    "8k",
    "4k",
    "hd",
    "uhd",
    "trending",
    "artstation",
];

/// The most tags one suggestion offers.
pub const MAX_SUGGESTED: usize = 8;

/// Tags named in a prompt, in the order they appear: its comma-separated phrases, each cut at joining
/// words into runs of one to three words. Prompt syntax is dropped: `(word:1.2)` weights, `[ ]`/`{ }`
/// emphasis and `<lora:...>` references.
pub fn tags_from_prompt(prompt: &str) -> Vec<String> {
    let mut without_refs = String::with_capacity(prompt.len());
    let mut in_ref = false;
    for c in prompt.chars() {
        match c {
            '<' => in_ref = true,
            '>' => in_ref = false,
            _ if !in_ref => without_refs.push(c),
            _ => {}
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for phrase in without_refs.split([',', '.', ';', '|', '\n']) {
        let cleaned: String = phrase
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '\'' || c == ':' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let mut run: Vec<String> = Vec::new();
        let words = cleaned.split_whitespace().map(|w| {
            // A `word:1.2` weight keeps its word.
            let word = w.split(':').next().unwrap_or_default();
            word.trim_matches(['-', '\'']).to_lowercase()
        });
        for word in words.chain(std::iter::once(String::new())) {
            let joins = word.is_empty()
                || JOINING_WORDS.contains(&word.as_str())
                || word.chars().all(|c| c.is_ascii_digit());
            if !joins && run.len() < 3 {
                run.push(word);
                continue;
            }
            if !run.is_empty() {
                let tag = run.join(" ");
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
                run.clear();
            }
            if !joins {
                run.push(word);
            }
        }
    }
    tags.truncate(MAX_SUGGESTED);
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_gives_its_phrases_as_tags() {
        assert_eq!(
            tags_from_prompt("a red fox sitting in the snow at dusk, watercolor, (soft light:1.3)"),
            vec![
                "red fox sitting",
                "snow",
                "dusk",
                "watercolor",
                "soft light"
            ]
        );
    }

    #[test]
    fn prompt_syntax_and_filler_are_not_tags() {
        assert_eq!(
            tags_from_prompt(
                "masterpiece, best quality, <lora:detail:0.8> [castle], {{misty}} mountains, 8k"
            ),
            vec!["castle", "misty mountains"]
        );
    }

    #[test]
    fn long_runs_are_cut_and_repeats_dropped() {
        assert_eq!(
            tags_from_prompt("old wooden sailing ship, ship, Ship"),
            vec!["old wooden sailing", "ship"]
        );
    }

    #[test]
    fn suggestions_are_bounded_and_an_empty_prompt_has_none() {
        let many = (0..30).map(|i| format!("thing{i}")).collect::<Vec<_>>();
        assert_eq!(tags_from_prompt(&many.join(", ")).len(), MAX_SUGGESTED);
        assert!(tags_from_prompt(" , ;").is_empty());
    }
}
