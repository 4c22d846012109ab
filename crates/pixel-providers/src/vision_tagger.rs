//! The vision tagger: any OpenAI-compatible chat endpoint with image input (OpenAI itself, or a local
//! server such as llama.cpp, Ollama or LM Studio) looks at an image's thumbnail and names what it
//! shows. `POST {base}/chat/completions` with the thumbnail as a `data:image/webp;base64,` image part
//! at low detail, asking for `{"tags": [...]}` through `response_format` `json_schema`
//! (https://platform.openai.com/docs/api-reference/chat/create, checked 2026-12). A server without
//! structured output may answer in prose: a comma-separated list is read too.

use async_trait::async_trait;
use base64::Engine;
use pixel_core::ports::ProviderError;
use pixel_core::tagging::{TagSource, Tagger};
use pixel_core::Image;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

use crate::http;
use crate::openai::ErrorBody;

const NAME: &str = "the vision tagger";

/// The model asked when none is configured: OpenAI's small model with image input.
pub const DEFAULT_MODEL: &str = "gpt-5-mini";

const INSTRUCTIONS: &str = "You tag images in a personal library of AI-generated pictures. Name \
what the image shows: its subjects, setting, style, mood and colours, as 3 to 8 short tags of one \
to three lowercase words each. Answer with JSON: {\"tags\": [...]}.";

pub struct VisionTagger {
    base_url: String,
    api_key: Option<String>,
    model: String,
    client: reqwest::Client,
}

impl VisionTagger {
    pub fn new(
        base_url: &str,
        api_key: Option<String>,
        model: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            base_url: base_url.trim().trim_end_matches('/').to_string(),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            model: model
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            client: http::client(timeout),
        }
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct TagsAnswer {
    tags: Vec<String>,
}

fn unreadable() -> ProviderError {
    ProviderError::Retryable {
        message: format!("{NAME} sent an answer that could not be read"),
        retry_after: None,
    }
}

/// Maps an error answer (OpenAI's `{error:{message, code, type}}`).
fn error_for(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> ProviderError {
    let (code, _, message) = ErrorBody::parts(body);
    let message = message.unwrap_or_else(|| format!("{NAME} answered {status}"));
    match status.as_u16() {
        _ if code == "content_policy_violation" => ProviderError::Moderated { message },
        429 if code == "insufficient_quota" => ProviderError::Rejected { message },
        429 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        401 | 403 => ProviderError::Rejected {
            message: format!("the tagger refused the key: {message}"),
        },
        404 => ProviderError::Rejected {
            message: format!(
                "no chat endpoint or model here (check PIXEL_TAGGER_URL and PIXEL_TAGGER_MODEL): {message}"
            ),
        },
        s if s >= 500 => ProviderError::Retryable {
            message,
            retry_after: http::retry_after(headers),
        },
        _ => ProviderError::Rejected { message },
    }
}

/// The tags in a model's answer: the JSON asked for, a bare JSON list, or a comma-separated list
/// (after any "Tags:" lead-in), with a Markdown code fence around any of them.
pub fn tags_in_answer(content: &str) -> Vec<String> {
    let text = content.trim();
    let text = text
        .strip_prefix("```json")
        .or_else(|| text.strip_prefix("```"))
        .map(|t| t.trim_end().trim_end_matches("```"))
        .unwrap_or(text)
        .trim();
    if let Ok(answer) = serde_json::from_str::<TagsAnswer>(text) {
        return answer.tags;
    }
    if let Ok(list) = serde_json::from_str::<Vec<String>>(text) {
        return list;
    }
    let list = text
        .split_once(':')
        .filter(|(lead, _)| lead.split_whitespace().count() <= 2)
        .map(|(_, rest)| rest)
        .unwrap_or(text);
    list.split([',', '\n'])
        .map(|t| {
            t.trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .trim_end_matches('.')
        })
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

#[async_trait]
impl Tagger for VisionTagger {
    fn source(&self) -> TagSource {
        TagSource::Vision
    }

    fn name(&self) -> String {
        self.model.clone()
    }

    async fn suggest(
        &self,
        _image: &Image,
        thumbnail: &[u8],
    ) -> Result<Vec<String>, ProviderError> {
        if thumbnail.is_empty() {
            return Err(ProviderError::Rejected {
                message: "the image's thumbnail is missing".into(),
            });
        }
        let data = base64::engine::general_purpose::STANDARD.encode(thumbnail);
        let body = json!({
            "model": self.model,
            "messages": [
                { "role": "system", "content": INSTRUCTIONS },
                { "role": "user", "content": [
                    { "type": "text", "text": "Tag this image." },
                    { "type": "image_url", "image_url": {
                        "url": format!("data:image/webp;base64,{data}"),
                        "detail": "low"
                    } }
                ] }
            ],
            "response_format": { "type": "json_schema", "json_schema": {
                "name": "image_tags",
                "strict": true,
                "schema": {
                    "type": "object",
                    "properties": { "tags": { "type": "array", "items": { "type": "string" } } },
                    "required": ["tags"],
                    "additionalProperties": false
                }
            } }
        });
        let mut call = self
            .client
            .post(format!("{}/chat/completions", self.base_url))
            .json(&body);
        if let Some(key) = &self.api_key {
            call = call.bearer_auth(key);
        }
        let text = http::call(NAME, call, error_for).await?;
        let completion: Completion = serde_json::from_str(&text).map_err(|_| unreadable())?;
        let choice = completion
            .choices
            .into_iter()
            .next()
            .ok_or_else(unreadable)?;
        if let Some(refusal) = choice.message.refusal.filter(|r| !r.is_empty()) {
            return Err(ProviderError::Moderated { message: refusal });
        }
        if choice.finish_reason.as_deref() == Some("content_filter") {
            return Err(ProviderError::Moderated {
                message: "the tagger's content filter withheld its answer".into(),
            });
        }
        let content = choice.message.content.ok_or_else(unreadable)?;
        Ok(tags_in_answer(&content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_in_every_shape_models_give() {
        let want = vec!["red fox".to_string(), "snow".to_string()];
        assert_eq!(tags_in_answer(r#"{"tags": ["red fox", "snow"]}"#), want);
        assert_eq!(
            tags_in_answer("```json\n{\"tags\": [\"red fox\", \"snow\"]}\n```"),
            want
        );
        assert_eq!(tags_in_answer(r#"["red fox","snow"]"#), want);
        assert_eq!(tags_in_answer("Tags: red fox, snow."), want);
        assert_eq!(tags_in_answer("- red fox\n- snow"), want);
        assert!(tags_in_answer("   ").is_empty());
    }
}
