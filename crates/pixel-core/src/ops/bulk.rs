//! Bulk selection: the ids every image of the caller's library that a filter matches (a library's
//! "select all matching", beyond the pages loaded), and the bound every bulk action shares — up to
//! 10,000 images in one all-or-nothing request.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::images::ImagesQuery;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};

/// The most images one bulk action (tag, privacy, delete, add to a collection) or selection holds.
pub const MAX_BULK_IMAGES: usize = 10_000;

/// A bulk action's input limit: its ids (up to 48 bytes each, quoted) and the rest of the request.
pub const BULK_INPUT_BYTES: usize = MAX_BULK_IMAGES * 48 + 16 * 1024;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "images.ids",
        Read,
        "The ids of the caller's images a library filter matches, newest first (up to 10,000)",
        images_ids,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImageIds {
    pub ids: Vec<String>,
    /// More images match than the 10,000 given.
    pub truncated: bool,
}

/// `ids` checked as a bulk action's: 1 to `MAX_BULK_IMAGES` of them, each once.
pub fn bulk_ids(mut ids: Vec<String>) -> Result<Vec<String>> {
    ids.sort();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_BULK_IMAGES {
        return Err(Error::invalid(format!(
            "give 1 to {MAX_BULK_IMAGES} image ids"
        )));
    }
    Ok(ids)
}

pub async fn images_ids(app: &App, caller: &Caller, input: ImagesQuery) -> Result<ImageIds> {
    let owner = caller.user_id()?;
    if input.before.is_some() || input.limit.is_some() {
        return Err(Error::invalid(
            "images.ids takes a library filter, not a page: leave out before and limit",
        ));
    }
    let filter = input.filter()?;
    let limit = u32::try_from(MAX_BULK_IMAGES + 1).unwrap_or(u32::MAX);
    let mut ids = app
        .store
        .images()
        .list_image_ids(owner, &filter, limit)
        .await?;
    let truncated = ids.len() > MAX_BULK_IMAGES;
    ids.truncate(MAX_BULK_IMAGES);
    Ok(ImageIds { ids, truncated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_ids_are_unique_and_bounded() {
        let ids = ["b", "a", "b"].map(String::from).to_vec();
        assert_eq!(bulk_ids(ids).ok(), Some(vec!["a".into(), "b".into()]));
        assert!(bulk_ids(vec![]).is_err());
        let many: Vec<String> = (0..=MAX_BULK_IMAGES).map(|i| format!("i{i}")).collect();
        assert!(bulk_ids(many).is_err());
        let most: Vec<String> = (0..MAX_BULK_IMAGES).map(|i| format!("i{i}")).collect();
        assert_eq!(bulk_ids(most).map(|v| v.len()).ok(), Some(MAX_BULK_IMAGES));
    }
}
