//! Likes on images and comments: one per person, only on what the person may see, the owner told.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::achievements::{award, AchievementKind};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::Result;
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Notice, NotificationKind};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add("likes.like_image", Write, "Like an image", likes_like_image);
    r.add(
        "likes.unlike_image",
        Write,
        "Take back a like of an image",
        likes_unlike_image,
    );
    r.add(
        "likes.like_comment",
        Write,
        "Like a comment",
        likes_like_comment,
    );
    r.add(
        "likes.unlike_comment",
        Write,
        "Take back a like of a comment",
        likes_unlike_comment,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct LikeOutput {
    pub liked: bool,
    /// The like count after the change.
    #[ts(type = "number")]
    pub likes: i64,
}

pub async fn likes_like_image(app: &App, caller: &Caller, input: ImageRef) -> Result<LikeOutput> {
    let me = caller.user_id()?;
    let image = images_get(app, caller, input).await?;
    let added = app
        .store
        .likes()
        .like_image(&image.id, me, app.clock.now_ms())
        .await?;
    if added {
        notify(
            app,
            Notice {
                actor: Some(me),
                image_id: Some(&image.id),
                ..Notice::to(&image.owner_id, NotificationKind::Like)
            },
        )
        .await;
        award(app, &image.owner_id, &[AchievementKind::LikesReceived]).await;
    }
    image_likes(app, caller, image.id, true).await
}

pub async fn likes_unlike_image(app: &App, caller: &Caller, input: ImageRef) -> Result<LikeOutput> {
    let me = caller.user_id()?;
    let image = images_get(app, caller, input).await?;
    app.store.likes().unlike_image(&image.id, me).await?;
    image_likes(app, caller, image.id, false).await
}

async fn image_likes(app: &App, caller: &Caller, id: String, liked: bool) -> Result<LikeOutput> {
    let likes = app
        .store
        .explore()
        .engagement(&[id], caller.user_id().ok())
        .await?
        .first()
        .map_or(0, |e| e.likes);
    Ok(LikeOutput { liked, likes })
}

pub async fn likes_like_comment(
    app: &App,
    caller: &Caller,
    input: CommentRef,
) -> Result<LikeOutput> {
    set_comment_like(app, caller, &input.comment_id, true).await
}

pub async fn likes_unlike_comment(
    app: &App,
    caller: &Caller,
    input: CommentRef,
) -> Result<LikeOutput> {
    set_comment_like(app, caller, &input.comment_id, false).await
}

/// Adds or takes back the caller's like of a comment on an image they may see; answers the count after.
async fn set_comment_like(
    app: &App,
    caller: &Caller,
    comment_id: &str,
    like: bool,
) -> Result<LikeOutput> {
    let me = caller.user_id()?;
    let (comment, _) = readable_comment(app, caller, comment_id).await?;
    if like {
        app.store
            .likes()
            .like_comment(&comment.id, me, app.clock.now_ms())
            .await?;
    } else {
        app.store.likes().unlike_comment(&comment.id, me).await?;
    }
    let after = comment_of(app, caller, &comment.id).await?;
    Ok(LikeOutput {
        liked: like,
        likes: after.likes,
    })
}
