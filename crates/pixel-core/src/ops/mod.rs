//! Operations: every verb of the product, written once, called by every transport through the registry.
//! Each area is one module holding its DTOs, its operations and a `register` that lists them; a new area
//! is a new module and one line in `register_all`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Millis;
use crate::error::{Error, Result};
use crate::registry::Registry;

pub mod account;
pub mod account_export;
pub mod achievements;
pub mod admin;
pub mod admin_overview;
pub mod analytics;
pub mod blocks;
pub mod blog;
pub mod bulk;
pub mod catalogue;
pub mod collections;
pub mod comments;
pub mod compare;
pub mod credits;
pub mod earnings;
pub mod explore;
pub mod exports;
pub mod follows;
pub mod generations;
pub mod images;
pub mod ledger;
pub mod likes;
pub mod market;
pub mod messages;
pub mod models_admin;
pub mod moderation;
pub mod notifications;
pub mod payouts;
pub mod premium;
pub mod prints;
pub mod profiles;
pub mod provider_alerts;
pub mod providers;
pub mod records;
pub mod refusals;
pub mod reports;
pub mod sessions;
pub mod sets;
pub mod storage;
pub mod streaks;
pub mod style;
pub mod tag_suggestions;
pub mod tags;
pub mod tips;
pub mod warnings;

pub use account::*;
pub use blocks::*;
pub use catalogue::*;
pub use comments::*;
pub use compare::*;
pub use credits::*;
pub use explore::*;
pub use follows::*;
pub use generations::*;
pub use images::*;
pub use ledger::*;
pub use likes::*;
pub use messages::*;
pub use notifications::*;
pub use profiles::*;
pub use providers::*;
pub use records::*;
pub use reports::*;
pub use sessions::*;
pub use sets::*;

/// Registers the operations of every area.
pub(crate) fn register_all(r: &mut Registry) {
    catalogue::register(r);
    providers::register(r);
    account::register(r);
    sessions::register(r);
    generations::register(r);
    compare::register(r);
    credits::register(r);
    tips::register(r);
    market::register(r);
    earnings::register(r);
    payouts::register(r);
    sets::register(r);
    collections::register(r);
    premium::register(r);
    prints::register(r);
    images::register(r);
    records::register(r);
    ledger::register(r);
    explore::register(r);
    follows::register(r);
    profiles::register(r);
    likes::register(r);
    comments::register(r);
    notifications::register(r);
    blocks::register(r);
    reports::register(r);
    messages::register(r);
    streaks::register(r);
    achievements::register(r);
    analytics::register(r);
    storage::register(r);
    tags::register(r);
    bulk::register(r);
    style::register(r);
    tag_suggestions::register(r);
    admin::register(r);
    moderation::register(r);
    models_admin::register(r);
    admin_overview::register(r);
    blog::register(r);
    refusals::register(r);
    provider_alerts::register(r);
    warnings::register(r);
}

pub(crate) const DEFAULT_PAGE: u32 = 50;
pub(crate) const MAX_PAGE: u32 = 200;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
pub struct Empty {}

pub(crate) fn page_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

/// The page a list operation's `before` cursor and `limit` ask for (the limit clamped).
pub(crate) fn page_request(
    before: Option<&str>,
    limit: Option<u32>,
) -> Result<crate::ports::PageRequest> {
    Ok(crate::ports::PageRequest {
        before: parse_cursor(before)?,
        limit: page_limit(limit),
    })
}

/// Cursors are `<created_at>.<id>`: stable under inserts, no deep offsets.
pub(crate) fn parse_cursor(cursor: Option<&str>) -> Result<Option<(Millis, String)>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let (ts, id) = c
        .split_once('.')
        .ok_or_else(|| Error::invalid("malformed cursor"))?;
    let ts: Millis = ts.parse().map_err(|_| Error::invalid("malformed cursor"))?;
    Ok(Some((ts, id.to_string())))
}

pub(crate) fn cursor_of(created_at: Millis, id: &str) -> String {
    format!("{created_at}.{id}")
}

/// The cursor of the page after `rows` when the page is full (there may be more), from the last
/// row's (created_at, id).
pub(crate) fn next_cursor<T>(
    rows: &[T],
    limit: u32,
    key: impl Fn(&T) -> (Millis, &str),
) -> Option<String> {
    if rows.len() as u32 != limit {
        return None;
    }
    rows.last().map(|r| {
        let (at, id) = key(r);
        cursor_of(at, id)
    })
}

/// The library's and explore's filters, checked: search text trimmed and at most 200 characters,
/// empty strings read as no filter.
pub(crate) fn image_filter(
    text: Option<String>,
    model: Option<String>,
    from: Option<Millis>,
    to: Option<Millis>,
    set_id: Option<String>,
) -> Result<crate::ports::ImageFilter> {
    let text = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(Error::invalid("the search text is over 200 characters"));
    }
    Ok(crate::ports::ImageFilter {
        model: model.filter(|m| !m.is_empty()),
        text,
        from,
        to,
        set_id,
        creator_id: None,
        tag: None,
        collection_id: None,
        media: None,
    })
}
