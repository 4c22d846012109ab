//! Profile details: what a person says of themselves (a bio) and the picture they show, chosen from
//! their own public work and shown only while that image is theirs and public.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::ProfileDetails;

/// The longest bio, in characters.
pub const BIO_MAX_CHARS: usize = 280;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "profiles.update",
        Write,
        "Change the caller's bio or profile picture (one of their own public images)",
        profiles_update,
    );
}

/// The picture a profile shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AvatarChoice {
    /// One of the caller's own public images.
    Image { image_id: String },
    /// No picture: the initial of the username.
    None,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfile {
    /// At most 280 characters; leading and trailing space is dropped. Absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bio: Option<String>,
    /// Absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar: Option<AvatarChoice>,
}

/// A profile's bio and picture as others see them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct ProfileShown {
    pub bio: String,
    /// The picture's thumbnail, while its image is still the owner's and public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub avatar_url: Option<String>,
}

pub async fn profiles_update(
    app: &App,
    caller: &Caller,
    input: UpdateProfile,
) -> Result<ProfileShown> {
    let me = caller.user_id()?;
    let mut details = app.store.accounts().profile_details(me).await?;
    if let Some(bio) = input.bio {
        let bio = bio.trim();
        if bio.chars().count() > BIO_MAX_CHARS {
            return Err(Error::invalid(format!(
                "a bio is at most {BIO_MAX_CHARS} characters"
            )));
        }
        if bio.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Error::invalid("a bio is text: no control characters"));
        }
        details.bio = bio.to_string();
    }
    match input.avatar {
        Some(AvatarChoice::Image { image_id }) => {
            if picture_url(app, me, &image_id).await?.is_none() {
                return Err(Error::invalid(
                    "a profile picture is one of your own public images",
                ));
            }
            details.avatar_image_id = Some(image_id);
        }
        Some(AvatarChoice::None) => details.avatar_image_id = None,
        None => {}
    }
    app.store
        .accounts()
        .set_profile_details(me, &details)
        .await?;
    shown_of(app, me, details).await
}

/// The bio and picture of `user_id` as anyone may see them.
pub(crate) async fn shown(app: &App, user_id: &str) -> Result<ProfileShown> {
    let details = app.store.accounts().profile_details(user_id).await?;
    shown_of(app, user_id, details).await
}

async fn shown_of(app: &App, user_id: &str, details: ProfileDetails) -> Result<ProfileShown> {
    let avatar_url = match &details.avatar_image_id {
        Some(id) => picture_url(app, user_id, id).await?,
        None => None,
    };
    Ok(ProfileShown {
        bio: details.bio,
        avatar_url,
    })
}

/// The image id of `user_id`'s picture while it can be shown (the rule of [`picture_url`]).
pub(crate) async fn picture_id(app: &App, user_id: &str) -> Result<Option<String>> {
    let details = app.store.accounts().profile_details(user_id).await?;
    Ok(match details.avatar_image_id {
        Some(id) => picture_url(app, user_id, &id).await?.map(|_| id),
        None => None,
    })
}

/// The thumbnail of `image_id` if it can be `user_id`'s picture: their own image, and public. Checked
/// on every read, so a picture whose image has since gone private, been deleted or changed hands is
/// not shown.
async fn picture_url(app: &App, user_id: &str, image_id: &str) -> Result<Option<String>> {
    Ok(app
        .store
        .images()
        .get_image(image_id)
        .await?
        .filter(|i| i.owner_id == user_id && i.visibility == Visibility::Public)
        .map(|i| crate::media_urls(&i.id).1))
}
