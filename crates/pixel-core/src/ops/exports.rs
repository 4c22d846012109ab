//! Library export: which of the caller's images an export holds (chosen ones, or every one a library
//! filter matches), checked before the first byte is written, and read back a page at a time so an
//! export of any size holds one page of images in memory. The zip itself is written in `pixel-infra`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::domain::{Caller, Image, Millis};
use crate::error::{Error, Result};
use crate::ports::{ImageFilter, PageRequest};

use super::images::ImagesQuery;

/// The most images one export may name by id (a library filter has no such bound: it is read a page
/// at a time).
pub const MAX_EXPORT_IDS: usize = 10_000;

/// Images read from the store per page while an export is written.
const EXPORT_PAGE: u32 = 100;

/// What to export: the images named, or (with no ids) every image of the caller's library that the
/// filter matches (none: the whole library).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_ids: Option<Vec<String>>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub set_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub collection_id: Option<String>,
    /// The whole account: its data as JSON documents (account, ledger, collections, tags, comments,
    /// likes, follows), then every image. Nothing else may be asked with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub whole_account: Option<bool>,
}

enum Source {
    /// Named images, checked to be the caller's, newest first; handed out a page at a time.
    Chosen(Vec<Image>),
    /// A library filter, read a page at a time from the newest.
    Filter {
        filter: ImageFilter,
        before: Option<(Millis, String)>,
        done: bool,
    },
}

/// An export that has been checked: every image it will hold is the caller's own.
pub struct ExportPlan {
    owner_id: String,
    source: Source,
    /// JSON documents written before the images (the whole-account export's).
    documents: Vec<super::account_export::ExportDocument>,
}

impl ExportPlan {
    /// The caller's export, or an error before anything is written: not signed in, too many ids, or
    /// an id that is not one of the caller's images (told apart from a missing one by no one).
    pub async fn new(app: &App, caller: &Caller, mut query: ExportQuery) -> Result<ExportPlan> {
        let owner_id = caller.user_id()?.to_string();
        let documents = if query.whole_account.take() == Some(true) {
            let rest = serde_json::to_value(&query).unwrap_or_default();
            if rest.as_object().is_some_and(|fields| !fields.is_empty()) {
                return Err(Error::invalid(
                    "the whole account is exported whole: ask for nothing else with it",
                ));
            }
            super::account_export::account_documents(app, caller).await?
        } else {
            Vec::new()
        };
        let source = match query.image_ids {
            Some(ids) => Source::Chosen(chosen(app, &owner_id, ids).await?),
            None => Source::Filter {
                filter: ImagesQuery {
                    text: query.text,
                    model: query.model,
                    from: query.from,
                    to: query.to,
                    set_id: query.set_id,
                    tag: query.tag,
                    collection_id: query.collection_id,
                    ..Default::default()
                }
                .filter()?,
                before: None,
                done: false,
            },
        };
        Ok(ExportPlan {
            owner_id,
            source,
            documents,
        })
    }

    /// The documents to write before the images (once: they are handed over).
    pub fn take_documents(&mut self) -> Vec<super::account_export::ExportDocument> {
        std::mem::take(&mut self.documents)
    }

    /// How many images the export holds, when it named them (a filter's count is known at the end).
    pub fn chosen_count(&self) -> Option<usize> {
        match &self.source {
            Source::Chosen(images) => Some(images.len()),
            Source::Filter { .. } => None,
        }
    }

    /// The next page of images, newest first; empty when the export has no more.
    pub async fn next_page(&mut self, app: &App) -> Result<Vec<Image>> {
        match &mut self.source {
            Source::Chosen(images) => {
                let rest = images.split_off(images.len().min(EXPORT_PAGE as usize));
                Ok(std::mem::replace(images, rest))
            }
            Source::Filter {
                filter,
                before,
                done,
            } => {
                if *done {
                    return Ok(vec![]);
                }
                let page = PageRequest {
                    before: before.clone(),
                    limit: EXPORT_PAGE,
                };
                let images = app
                    .store
                    .images()
                    .list_images(&self.owner_id, filter, &page)
                    .await?;
                *done = images.len() < EXPORT_PAGE as usize;
                *before = images.last().map(|i| (i.created_at, i.id.clone()));
                Ok(images)
            }
        }
    }
}

/// The caller's images among `ids`, newest first; all of them or an error.
async fn chosen(app: &App, owner_id: &str, mut ids: Vec<String>) -> Result<Vec<Image>> {
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(Error::invalid("choose at least one image to export"));
    }
    if ids.len() > MAX_EXPORT_IDS {
        return Err(Error::invalid(format!(
            "an export names at most {MAX_EXPORT_IDS} images; export a filter of the library instead"
        )));
    }
    let mut images = Vec::with_capacity(ids.len());
    // In slices, so no statement carries more parameters than either database allows.
    for slice in ids.chunks(1_000) {
        let found = app.store.images().images_by_ids(slice).await?;
        images.extend(found.into_iter().filter(|i| i.owner_id == owner_id));
    }
    if images.len() != ids.len() {
        return Err(Error::not_found("image"));
    }
    images.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(images)
}

/// The UTC date of `at` as `YYYY-MM-DD`, for an export's file name (days to the civil calendar,
/// proleptic Gregorian).
pub fn export_stamp(at: Millis) -> String {
    let days = at.div_euclid(super::streaks::DAY_MS);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::export_stamp;

    #[test]
    fn stamps_are_utc_calendar_dates() {
        assert_eq!(export_stamp(0), "1970-01-01");
        assert_eq!(export_stamp(951_782_400_000), "2000-02-29");
        assert_eq!(export_stamp(1_796_601_599_999), "2026-12-06");
        assert_eq!(export_stamp(1_796_601_600_000), "2026-12-07");
        assert_eq!(export_stamp(-1), "1969-12-31");
    }
}
