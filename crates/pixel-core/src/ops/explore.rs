//! Public work: explore (every public image, filtered), the following feed, and an image's public page
//! (the image, its creator and its engagement). Only public images ever appear here.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{ExploreSort, PublicImage, TrendPeriod};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "explore.list",
        Read,
        "Public images, newest first, with text, model and date filters",
        explore_list,
    );
    r.add(
        "feed.list",
        Read,
        "Public images of the accounts the caller follows, newest first",
        feed_list,
    );
    r.add(
        "explore.creators",
        Read,
        "Trending creators over a period (24h, 48h, 7d or 30d)",
        explore_creators,
    );
    r.add(
        "explore.remixes",
        Read,
        "Public remixes of an image the caller may see, newest first",
        explore_remixes,
    );
    r.add(
        "explore.image",
        Read,
        "One image with its creator, likes and comments counts, as the caller may see it",
        explore_image,
    );
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExploreQuery {
    /// Words of the prompt, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub from: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub to: Option<Millis>,
    /// newest (the default), top (most liked) or trending (time-decayed, over `period`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sort: Option<ExploreSort>,
    /// Trending's window: 24h, 48h (the default), 7d or 30d.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub period: Option<TrendPeriod>,
    /// One creator's public work (a profile page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub creator_id: Option<String>,
    /// Only stills, or only clips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub media: Option<crate::domain::MediaKind>,
    /// The `next` cursor of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    /// 1–200, 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PublicImagesOutput {
    pub images: Vec<PublicImage>,
    /// The cursor of the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

pub async fn explore_list(
    app: &App,
    caller: &Caller,
    input: ExploreQuery,
) -> Result<PublicImagesOutput> {
    let page = page_request(input.before.as_deref(), input.limit)?;
    let mut filter = image_filter(input.text, input.model, input.from, input.to, None)?;
    filter.creator_id = input.creator_id.filter(|c| !c.is_empty());
    filter.media = input.media;
    let images = app
        .store
        .explore()
        .public_images(
            &filter,
            input.sort.unwrap_or_default(),
            input.period.unwrap_or_default(),
            &page,
        )
        .await?;
    let searched = filter.text.is_some();
    let mut out = page_of(app, caller, images, page.limit).await?;
    if searched {
        // A withheld prompt is not found by its words either (the page's cursor stays the store's).
        out.images.retain(|p| p.image.locked.is_none());
    }
    Ok(out)
}

pub async fn feed_list(app: &App, caller: &Caller, input: PageQuery) -> Result<PublicImagesOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let images = app.store.explore().feed(me, &page).await?;
    page_of(app, caller, by_created_at(images), page.limit).await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatorsQuery {
    /// 48h when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub period: Option<TrendPeriod>,
    /// 1–50, 12 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TrendingCreator {
    pub user: crate::social::UserSummary,
    /// followers x 2 + likes on their public work of the period x 3 + its images x 0.5.
    pub score: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CreatorsOutput {
    pub creators: Vec<TrendingCreator>,
}

pub async fn explore_creators(
    app: &App,
    caller: &Caller,
    input: CreatorsQuery,
) -> Result<CreatorsOutput> {
    let ranked = app
        .store
        .explore()
        .trending_creators(
            input.period.unwrap_or_default(),
            input.limit.unwrap_or(12).clamp(1, 50),
        )
        .await?;
    // Nobody is shown an account on the other side of a block.
    let blocked = match caller.user_id() {
        Ok(me) => {
            let ids: Vec<String> = ranked.iter().map(|(u, _)| u.id.clone()).collect();
            app.store.blocks().blocked_among(me, &ids).await?
        }
        Err(_) => Default::default(),
    };
    let creators = ranked
        .into_iter()
        .filter(|(user, _)| !blocked.contains(&user.id))
        .map(|(user, score)| TrendingCreator { user, score })
        .collect();
    Ok(CreatorsOutput { creators })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemixesQuery {
    pub image_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

pub async fn explore_remixes(
    app: &App,
    caller: &Caller,
    input: RemixesQuery,
) -> Result<PublicImagesOutput> {
    let source = images_get(
        app,
        caller,
        ImageRef {
            image_id: input.image_id,
        },
    )
    .await?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let images = app.store.explore().remixes(&source.id, &page).await?;
    page_of(app, caller, by_created_at(images), page.limit).await
}

/// Images keyed by their creation time, the cursor of newest-first pages.
fn by_created_at(images: Vec<Image>) -> Vec<(Image, i64)> {
    images
        .into_iter()
        .map(|i| {
            let at = i.created_at;
            (i, at)
        })
        .collect()
}

pub async fn explore_image(app: &App, caller: &Caller, input: ImageRef) -> Result<PublicImage> {
    let image = images_get(app, caller, input).await?;
    let mut out = with_engagement(app, caller, vec![image]).await?;
    out.pop().ok_or_else(|| Error::not_found("image"))
}

/// A page of images, each with the sort key its cursor is made of.
async fn page_of(
    app: &App,
    caller: &Caller,
    images: Vec<(Image, i64)>,
    limit: u32,
) -> Result<PublicImagesOutput> {
    let next = next_cursor(&images, limit, |(i, key)| (*key, &i.id));
    let images = images.into_iter().map(|(i, _)| i);
    // The store's queries read public images only; checking again here keeps one rule for every path.
    let images = images
        .filter(|i| caller.can_read(&i.owner_id, i.visibility))
        .collect();
    Ok(PublicImagesOutput {
        images: with_engagement(app, caller, images).await?,
        next,
    })
}

/// Joins each image with its creator, counts and the caller's like (one query for the page).
pub(crate) async fn with_engagement(
    app: &App,
    caller: &Caller,
    mut images: Vec<Image>,
) -> Result<Vec<PublicImage>> {
    super::premium::withhold_premium(app, caller, &mut images).await?;
    let ids: Vec<String> = images.iter().map(|i| i.id.clone()).collect();
    let mut by_id: HashMap<String, crate::social::Engagement> = app
        .store
        .explore()
        .engagement(&ids, caller.user_id().ok())
        .await?
        .into_iter()
        .map(|e| (e.image_id.clone(), e))
        .collect();
    Ok(images
        .into_iter()
        .filter_map(|image| {
            let e = by_id.remove(&image.id)?;
            Some(PublicImage {
                image,
                creator: e.creator,
                likes: e.likes,
                comments: e.comments,
                liked: e.liked,
                following: e.following,
            })
        })
        .collect())
}
