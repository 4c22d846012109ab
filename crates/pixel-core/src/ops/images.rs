//! Image operations: reading, listing, deleting, visibility, and publishing an image made elsewhere.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::NewSubmission;
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "images.get",
        Read,
        "One image with its generation record",
        images_get,
    );
    r.add(
        "images.list",
        Read,
        "The caller's images with filters, newest first",
        images_list,
    );
    r.add(
        "images.delete",
        Write,
        "Delete the caller's images",
        images_delete,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "images.set_visibility",
        Write,
        "Make the caller's images public or private",
        images_set_visibility,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "images.publish",
        Write,
        "Publish an image made elsewhere (the desktop's library) with its generation record",
        images_publish,
    )
    // The base64 image and its record.
    .max_input(MAX_PUBLISH_BYTES / 3 * 4 + 1024 * 1024);
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetVisibility {
    pub image_ids: Vec<String>,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetVisibilityOutput {
    pub changed: Vec<String>,
}

/// An image made elsewhere (the desktop's local library) published to this server with its record.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishImage {
    /// The original file (PNG, JPEG or WebP), base64-encoded; at most 20 MB decoded.
    pub image_base64: String,
    /// The generation record it was made with; ids are replaced by this server's.
    pub record: GenerationRecord,
    /// Defaults to the account's default visibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub visibility: Option<Visibility>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    pub image_id: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImagesQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub from: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub to: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub set_id: Option<String>,
    /// Only images the caller gave this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tag: Option<String>,
    /// Only the caller's images in this collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub collection_id: Option<String>,
    /// Only stills, or only clips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub media: Option<crate::domain::MediaKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

impl ImagesQuery {
    /// The library filter these fields ask for, checked (the cursor and limit aside).
    pub(crate) fn filter(&self) -> Result<crate::ports::ImageFilter> {
        let mut filter = image_filter(
            self.text.clone(),
            self.model.clone(),
            self.from,
            self.to,
            self.set_id.clone().filter(|s| !s.is_empty()),
        )?;
        filter.tag = self
            .tag
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(super::tags::normalize_tag)
            .transpose()?;
        filter.collection_id = self.collection_id.clone().filter(|c| !c.is_empty());
        filter.media = self.media;
        Ok(filter)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImagesOutput {
    pub images: Vec<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteImages {
    pub image_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct DeleteOutput {
    pub deleted: Vec<String>,
}

pub async fn images_get(app: &App, caller: &Caller, input: ImageRef) -> Result<Image> {
    let image = app
        .store
        .images()
        .get_image(&input.image_id)
        .await?
        .ok_or_else(|| Error::not_found("image"))?;
    if !caller.can_read(&image.owner_id, image.visibility) {
        return Err(Error::not_found("image"));
    }
    super::premium::withhold_one(app, caller, image).await
}

pub async fn images_list(app: &App, caller: &Caller, input: ImagesQuery) -> Result<ImagesOutput> {
    let owner = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let filter = input.filter()?;
    let images = app
        .store
        .images()
        .list_images(owner, &filter, &page)
        .await?;
    let next = next_cursor(&images, limit, |i| (i.created_at, &i.id));
    Ok(ImagesOutput { images, next })
}

pub async fn images_delete(
    app: &App,
    caller: &Caller,
    input: DeleteImages,
) -> Result<DeleteOutput> {
    let owner = caller.user_id()?;
    let ids = super::bulk::bulk_ids(input.image_ids)?;
    let deleted = app.store.images().delete_images(owner, &ids).await?;
    Ok(DeleteOutput { deleted })
}

pub async fn images_set_visibility(
    app: &App,
    caller: &Caller,
    input: SetVisibility,
) -> Result<SetVisibilityOutput> {
    let owner = caller.user_id()?;
    let ids = super::bulk::bulk_ids(input.image_ids)?;
    let changed = app
        .store
        .images()
        .set_images_visibility(owner, &ids, input.visibility)
        .await?;
    Ok(SetVisibilityOutput { changed })
}

/// Largest image `images.publish` accepts.
pub const MAX_PUBLISH_BYTES: usize = 20 * 1024 * 1024;

/// Publishes an image generated elsewhere (the desktop) as a finished one-image set of the caller's,
/// keeping its record. Nothing is charged: it was made with the publisher's own means.
pub async fn images_publish(app: &App, caller: &Caller, input: PublishImage) -> Result<Image> {
    use base64::Engine;
    let owner = caller.user_id()?.to_string();
    if input.image_base64.len() > MAX_PUBLISH_BYTES / 3 * 4 + 4 {
        return Err(Error::invalid("the image is over 20 MB"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(input.image_base64.trim())
        .map_err(|_| Error::invalid("image_base64 is not valid base64"))?;
    let record = input.record;
    let prompt_chars = record.params.prompt.chars().count();
    if prompt_chars == 0 || prompt_chars > 4000 {
        return Err(Error::new(
            ErrorCode::InvalidPrompt,
            "a published image's record needs a prompt of 1–4000 characters",
        ));
    }
    if record.model.trim().is_empty() || record.model.len() > 100 {
        return Err(Error::invalid(
            "the record needs a model id of at most 100 characters",
        ));
    }
    let crate::runner::StoredMedia {
        processed,
        bytes,
        sha256,
        thumb_key,
        ..
    } = crate::runner::store_media(app, bytes, |e| {
        Error::invalid(format!(
            "the file is not an image this server can read: {}",
            e.message
        ))
    })
    .await?;
    let visibility = match input.visibility {
        Some(v) => v,
        None => {
            app.store
                .accounts()
                .account_settings(&owner)
                .await?
                .default_visibility
        }
    };
    let now = app.clock.now_ms();
    let set = GenerationSet {
        id: crate::new_id(),
        owner_id: owner.clone(),
        params: record.params.clone(),
        n: 1,
        cost: 0,
        remix_of: None,
        comparison_id: None,
        created_at: now,
        visibility: None,
    };
    let job = Job {
        id: crate::new_id(),
        set_id: set.id.clone(),
        owner_id: owner.clone(),
        index: 0,
        state: JobState::Queued,
        provider: record.provider.clone(),
        params: record.params.clone(),
        seed: record.seed,
        cost: 0,
        attempts: 1,
        max_attempts: 1,
        progress: 1.0,
        error: None,
        refunded: false,
        image_id: None,
        remix_of: None,
        created_at: now,
        started_at: Some(now),
        finished_at: Some(now),
    };
    let id = crate::new_id();
    let (url, thumb_url) = crate::media_urls(&id);
    let image = Image {
        id,
        owner_id: owner,
        set_id: set.id.clone(),
        job_id: job.id.clone(),
        visibility,
        mime: processed.mime,
        width: processed.width,
        height: processed.height,
        bytes: bytes.len() as i64,
        sha256,
        thumb_sha256: thumb_key,
        placeholder: processed.placeholder,
        url,
        thumb_url,
        record: GenerationRecord {
            cost: 0,
            remix_of: None,
            set_id: set.id.clone(),
            job_id: job.id.clone(),
            index: 0,
            // Only what this server read may describe a video; a published file is an image.
            video: None,
            ..record
        },
        created_at: now,
        locked: None,
    };
    app.store
        .jobs()
        .insert_finished(
            &NewSubmission {
                set,
                jobs: vec![job],
                reserve: None,
                idempotency_key: None,
            },
            &image,
        )
        .await?;
    Ok(image)
}
