//! Set operations: a batch of images from one request, with its jobs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::ops::images::SetVisibilityOutput;
use crate::ports::{ImageFilter, PageRequest};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add("sets.get", Read, "A set with its jobs and images", sets_get);
    r.add(
        "sets.list",
        Read,
        "The caller's sets, newest first",
        sets_list,
    );
    r.add(
        "sets.set_visibility",
        Write,
        "Make one of the caller's sets public or private as a whole, images still being made included",
        sets_set_visibility,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetVisibilityChoice {
    pub set_id: String,
    pub visibility: Visibility,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRef {
    pub set_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetDetail {
    pub set: GenerationSet,
    /// Who made it (a public set's page names its creator); always there in `sets.get`'s answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub owner: Option<crate::social::UserSummary>,
    pub jobs: Vec<Job>,
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SetsOutput {
    pub sets: Vec<GenerationSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// A set: all of it to its owner and admins; to anyone else, signed in or not, a set made public shows
/// its public images and their jobs (an image made private on its own stays out), and any other set
/// is the same answer as a missing one.
pub async fn sets_get(app: &App, caller: &Caller, input: SetRef) -> Result<SetDetail> {
    let set = app
        .store
        .sets()
        .get_set(&input.set_id)
        .await?
        .ok_or_else(|| Error::not_found("set"))?;
    let whole = caller.can_read(&set.owner_id, Visibility::Private);
    if !whole && set.visibility != Some(Visibility::Public) {
        return Err(Error::not_found("set"));
    }
    let mut jobs = app.store.sets().set_jobs(&set.id).await?;
    let filter = ImageFilter {
        set_id: Some(set.id.clone()),
        ..Default::default()
    };
    let mut images = app
        .store
        .images()
        .list_images(
            &set.owner_id,
            &filter,
            &PageRequest {
                before: None,
                limit: MAX_PAGE,
            },
        )
        .await?;
    images.sort_by_key(|i| i.record.index);
    let mut set = set;
    if !whole {
        images.retain(|i| i.visibility == Visibility::Public);
        super::premium::withhold_premium(app, caller, &mut images).await?;
        // A job names its prompt and seed: only those of images the caller sees whole stay.
        jobs.retain(|j| {
            images
                .iter()
                .any(|i| i.job_id == j.id && i.locked.is_none())
        });
        if images.iter().any(|i| i.locked.is_some()) {
            set.params.prompt = String::new();
            set.params.negative_prompt = None;
        }
    }
    let owner = match app.store.accounts().get_user(&set.owner_id).await? {
        Some(u) => {
            let picture = super::profiles::picture_id(app, &u.id).await?;
            Some(crate::social::UserSummary::new(u.id, u.username).with_picture(picture))
        }
        None => None,
    };
    Ok(SetDetail {
        set,
        owner,
        jobs,
        images,
    })
}

pub async fn sets_set_visibility(
    app: &App,
    caller: &Caller,
    input: SetVisibilityChoice,
) -> Result<SetVisibilityOutput> {
    let owner = caller.user_id()?;
    let changed = app
        .store
        .sets()
        .set_visibility_of_set(owner, &input.set_id, input.visibility)
        .await?
        .ok_or_else(|| Error::not_found("set"))?;
    Ok(SetVisibilityOutput { changed })
}

pub async fn sets_list(app: &App, caller: &Caller, input: PageQuery) -> Result<SetsOutput> {
    let owner = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let sets = app.store.sets().list_sets(owner, &page).await?;
    let next = next_cursor(&sets, limit, |s| (s.created_at, &s.id));
    Ok(SetsOutput { sets, next })
}
