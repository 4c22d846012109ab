//! Threaded comments on images: 1–500 characters, replies to any depth, edited by their author,
//! deleted by their author, the image's owner or an admin (a comment with replies leaves a
//! placeholder), `@mentions` that notify. Only on images the caller may see.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{notify, Comment, CommentRemoval, CommentRow, Notice, NotificationKind};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "comments.create",
        Write,
        "Comment on an image, or reply to a comment",
        comments_create,
    );
    r.add(
        "comments.list",
        Read,
        "The comments of an image, oldest first (threads are built from parent ids)",
        comments_list,
    );
    r.add(
        "comments.edit",
        Write,
        "Change the words of one's own comment",
        comments_edit,
    );
    r.add(
        "comments.delete",
        Write,
        "Delete a comment (its author, the image's owner or an admin)",
        comments_delete,
    );
}

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// Most people one comment can mention (and so notify).
const MAX_MENTIONS: usize = 10;

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRef {
    pub comment_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub image_id: String,
    /// 1–500 characters.
    pub body: String,
    /// The comment this replies to, on the same image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentsQuery {
    pub image_id: String,
    /// The `next` cursor of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after: Option<String>,
    /// 1–500, 200 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CommentsOutput {
    pub comments: Vec<Comment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditComment {
    pub comment_id: String,
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CommentDeleted {
    /// True when replies keep the comment as a placeholder.
    pub placeholder: bool,
}

fn comment_body(body: &str) -> Result<String> {
    let body = body.trim();
    let chars = body.chars().count();
    if chars == 0 || chars > MAX_COMMENT_CHARS {
        return Err(Error::invalid(format!(
            "a comment is 1–{MAX_COMMENT_CHARS} characters (this one has {chars})"
        )));
    }
    Ok(body.to_string())
}

/// The `@names` in a comment: 3–30 letters, digits, `_` or `-`, after the start or a character that
/// cannot be part of a name (so `a@b.c` mentions nobody). Distinct, lower-cased, at most ten.
pub fn mentions(body: &str) -> Vec<String> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let chars: Vec<char> = body.chars().collect();
    let mut out: Vec<String> = vec![];
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' && (i == 0 || !(is_name(chars[i - 1]) || chars[i - 1] == '@')) {
            let name: String = chars[i + 1..].iter().take_while(|c| is_name(**c)).collect();
            let len = name.chars().count();
            if (3..=30).contains(&len) {
                let name = name.to_lowercase();
                if !out.contains(&name) && out.len() < MAX_MENTIONS {
                    out.push(name);
                }
            }
            i += len + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// A comment as the caller reads it (whether they like it), without looking at its image: for callers
/// that have already checked the image.
pub(crate) async fn comment_of(app: &App, caller: &Caller, comment_id: &str) -> Result<CommentRow> {
    app.store
        .comments()
        .get_comment(comment_id, caller.user_id().ok())
        .await?
        .ok_or_else(|| Error::not_found("comment"))
}

/// A comment on an image the caller may see, with that image; otherwise the answer a missing comment
/// gets.
pub(crate) async fn readable_comment(
    app: &App,
    caller: &Caller,
    comment_id: &str,
) -> Result<(CommentRow, Image)> {
    let comment = comment_of(app, caller, comment_id).await?;
    let image = images_get(
        app,
        caller,
        ImageRef {
            image_id: comment.image_id.clone(),
        },
    )
    .await
    .map_err(|e| match e.code {
        ErrorCode::NotFound => Error::not_found("comment"),
        _ => e,
    })?;
    Ok((comment, image))
}

pub async fn comments_create(app: &App, caller: &Caller, input: NewComment) -> Result<Comment> {
    let me = caller.user_id()?;
    let body = comment_body(&input.body)?;
    let image = images_get(
        app,
        caller,
        ImageRef {
            image_id: input.image_id,
        },
    )
    .await?;
    let parent = match input.parent_id.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => {
            // The image is readable already; only a parent on another image needs its own check,
            // which decides between "no such comment" and "not this image's".
            let parent = comment_of(app, caller, p).await?;
            if parent.image_id != image.id {
                readable_comment(app, caller, p).await?;
                return Err(Error::invalid(
                    "a reply is on the same image as its comment",
                ));
            }
            if parent.deleted {
                return Err(Error::not_found("comment"));
            }
            Some(parent)
        }
        None => None,
    };
    refuse_if_blocked(app, me, &image.owner_id, "comment on this image").await?;
    if let Some(p) = &parent {
        refuse_if_blocked(app, me, &p.author_id, "reply to this comment").await?;
    }
    let author = app
        .store
        .accounts()
        .get_user(me)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let row = CommentRow {
        id: crate::new_id(),
        image_id: image.id.clone(),
        parent_id: parent.as_ref().map(|p| p.id.clone()),
        author_id: author.id.clone(),
        author_username: author.username.clone(),
        author_picture: super::profiles::picture_id(app, me).await?,
        body,
        deleted: false,
        likes: 0,
        replies: 0,
        liked: false,
        created_at: app.clock.now_ms(),
        edited_at: None,
    };
    app.store.comments().insert_comment(&row).await?;

    // The image's owner, the author of the comment answered, and everyone mentioned, each told once.
    let mut told: Vec<String> = vec![me.to_string()];
    let mut tell = |recipient: String, kind: NotificationKind| {
        if told.contains(&recipient) {
            None
        } else {
            told.push(recipient.clone());
            Some((recipient, kind))
        }
    };
    let mut notices = vec![];
    notices.extend(tell(image.owner_id.clone(), NotificationKind::Comment));
    if let Some(p) = &parent {
        notices.extend(tell(p.author_id.clone(), NotificationKind::Comment));
    }
    let named = mentions(&row.body);
    for user in app.store.accounts().users_by_usernames(&named).await? {
        notices.extend(tell(user.id, NotificationKind::Mention));
    }
    for (recipient, kind) in notices {
        notify(
            app,
            Notice {
                actor: Some(me),
                image_id: Some(&image.id),
                comment_id: Some(&row.id),
                ..Notice::to(&recipient, kind)
            },
        )
        .await;
    }
    super::achievements::award(app, me, &[super::achievements::AchievementKind::Comments]).await;
    Ok(row.view())
}

pub async fn comments_list(
    app: &App,
    caller: &Caller,
    input: CommentsQuery,
) -> Result<CommentsOutput> {
    let image = images_get(
        app,
        caller,
        ImageRef {
            image_id: input.image_id,
        },
    )
    .await?;
    let after = parse_cursor(input.after.as_deref())?;
    let limit = input.limit.unwrap_or(200).clamp(1, 500);
    let rows = app
        .store
        .comments()
        .list_comments(&image.id, caller.user_id().ok(), after.as_ref(), limit)
        .await?;
    let next = next_cursor(&rows, limit, |c| (c.created_at, &c.id));
    Ok(CommentsOutput {
        comments: rows.into_iter().map(CommentRow::view).collect(),
        next,
    })
}

pub async fn comments_edit(app: &App, caller: &Caller, input: EditComment) -> Result<Comment> {
    let me = caller.user_id()?;
    let body = comment_body(&input.body)?;
    let (comment, _) = readable_comment(app, caller, &input.comment_id).await?;
    if comment.deleted {
        return Err(Error::not_found("comment"));
    }
    if comment.author_id != me {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only its author can change a comment",
        ));
    }
    if !app
        .store
        .comments()
        .edit_comment(&comment.id, &body, app.clock.now_ms())
        .await?
    {
        return Err(Error::not_found("comment"));
    }
    Ok(comment_of(app, caller, &comment.id).await?.view())
}

pub async fn comments_delete(
    app: &App,
    caller: &Caller,
    input: CommentRef,
) -> Result<CommentDeleted> {
    let me = caller.user_id()?;
    let (comment, image) = readable_comment(app, caller, &input.comment_id).await?;
    if comment.deleted {
        return Err(Error::not_found("comment"));
    }
    if comment.author_id != me && image.owner_id != me && !caller.is_admin() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only its author, the image's owner or an admin can delete a comment",
        ));
    }
    match app.store.comments().delete_comment(&comment.id).await? {
        Some(CommentRemoval::Placeholder) => Ok(CommentDeleted { placeholder: true }),
        Some(CommentRemoval::Removed) => Ok(CommentDeleted { placeholder: false }),
        None => Err(Error::not_found("comment")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_names_after_an_at_sign_that_starts_a_word() {
        assert_eq!(
            mentions("@Ada and @grace_h, not me@mail.com nor @al; @ada again @@bob"),
            vec!["ada".to_string(), "grace_h".to_string()]
        );
        assert_eq!(mentions("(@lin-wu) done"), vec!["lin-wu".to_string()]);
        let long = format!("@{}", "x".repeat(31));
        assert!(mentions(&long).is_empty(), "over 30 characters is no name");
        let many: String = (0..20).map(|i| format!("@user{i:02} ")).collect();
        assert_eq!(mentions(&many).len(), 10, "at most ten are told");
    }
}
