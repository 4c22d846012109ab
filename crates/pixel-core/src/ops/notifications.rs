//! Notifications: the caller's own, newest first, the unread count, marking read and deleting. Each
//! names its image only while the caller may still see that image.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::Notification;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "notifications.list",
        Read,
        "The caller's notifications, newest first, with the unread count",
        notifications_list,
    );
    r.add(
        "notifications.mark_read",
        Write,
        "Mark some of the caller's notifications read, or all of them",
        notifications_mark_read,
    );
    r.add(
        "notifications.delete",
        Write,
        "Delete some of the caller's notifications",
        notifications_delete,
    );
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub unread_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationsOutput {
    pub notifications: Vec<Notification>,
    #[ts(type = "number")]
    pub unread: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// 1–500 notification ids; absent marks every one read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationIds {
    /// 1–500 notification ids.
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct NotificationsChanged {
    #[ts(type = "number")]
    pub changed: u64,
    #[ts(type = "number")]
    pub unread: i64,
}

fn id_list(ids: &[String]) -> Result<()> {
    if ids.is_empty() || ids.len() > 500 {
        return Err(Error::invalid("give 1–500 notification ids"));
    }
    Ok(())
}

pub async fn notifications_list(
    app: &App,
    caller: &Caller,
    input: NotificationsQuery,
) -> Result<NotificationsOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let rows = app
        .store
        .notifications()
        .list_notifications(me, input.unread_only.unwrap_or(false), &page)
        .await?;
    let next = next_cursor(&rows, page.limit, |n| (n.created_at, &n.id));
    // An image made private (or deleted) since is no longer named: one query for the page.
    let mut image_ids: Vec<String> = rows.iter().filter_map(|n| n.image_id.clone()).collect();
    image_ids.sort();
    image_ids.dedup();
    // Each readable image with its owner.
    let readable: HashMap<String, String> = app
        .store
        .images()
        .images_by_ids(&image_ids)
        .await?
        .into_iter()
        .filter(|i| caller.can_read(&i.owner_id, i.visibility))
        .map(|i| (i.id, i.owner_id))
        .collect();
    let notifications = rows
        .into_iter()
        .map(|n| {
            let owner = n.image_id.as_ref().and_then(|id| readable.get(id));
            let named = n.image_id.is_some();
            let mut n = n.into_view(owner.is_some_and(|o| o == me));
            if named && owner.is_none() {
                n.image_id = None;
                n.comment_id = None;
            }
            n
        })
        .collect();
    let unread = app.store.notifications().unread_count(me).await?;
    Ok(NotificationsOutput {
        notifications,
        unread,
        next,
    })
}

pub async fn notifications_mark_read(
    app: &App,
    caller: &Caller,
    input: MarkRead,
) -> Result<NotificationsChanged> {
    let me = caller.user_id()?;
    if let Some(ids) = &input.ids {
        id_list(ids)?;
    }
    let changed = app
        .store
        .notifications()
        .mark_read(me, input.ids.as_deref(), app.clock.now_ms())
        .await?;
    let unread = app.store.notifications().unread_count(me).await?;
    Ok(NotificationsChanged { changed, unread })
}

pub async fn notifications_delete(
    app: &App,
    caller: &Caller,
    input: NotificationIds,
) -> Result<NotificationsChanged> {
    let me = caller.user_id()?;
    id_list(&input.ids)?;
    let changed = app
        .store
        .notifications()
        .delete_notifications(me, &input.ids)
        .await?;
    let unread = app.store.notifications().unread_count(me).await?;
    Ok(NotificationsChanged { changed, unread })
}
