//! The whole-account data export: everything an account holds besides its image files, as JSON
//! documents that go first in the account's zip (its images and records follow, as the library
//! export writes them) — the account and profile, balance and ledger, collections with their images,
//! tags, and on a server the comments written, likes given and follows both ways.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::account::AccountSettings;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::ports::PageRequest;
use crate::social::ProfileDetails;

/// Rows read per page while the documents are gathered.
const PAGE: u32 = 200;

/// A named JSON file of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDocument {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct AccountDocument {
    pub user: User,
    pub profile: ProfileDetails,
    pub settings: AccountSettings,
    #[ts(type = "number")]
    pub balance: i64,
    /// Credits owed after a refunded or disputed purchase.
    #[ts(type = "number")]
    pub owed: i64,
    #[ts(type = "number")]
    pub exported_at: Millis,
}

/// A collection of the account's, with its images in order.
#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ExportedCollection {
    pub id: String,
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cover_image_id: Option<String>,
    #[ts(type = "number")]
    pub price: i64,
    #[ts(type = "number")]
    pub created_at: Millis,
    pub image_ids: Vec<String>,
}

/// One image in one collection, at its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionItem {
    pub collection_id: String,
    pub image_id: String,
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct ImageTagsRow {
    pub image_id: String,
    pub tags: Vec<String>,
}

/// A comment the account wrote (deleted ones are not kept, so not exported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct WrittenComment {
    pub id: String,
    pub image_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub parent_id: Option<String>,
    pub body: String,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub edited_at: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct GivenLike {
    pub image_id: String,
    #[ts(type = "number")]
    pub liked_at: Millis,
}

/// Who the account follows, and who follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct FollowEdge {
    pub user_id: String,
    pub username: String,
    /// `following`: the account follows them; `follower`: they follow the account.
    pub direction: String,
    #[ts(type = "number")]
    pub since: Millis,
}

fn json(name: &'static str, value: &impl Serialize) -> Result<ExportDocument> {
    let bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::new(ErrorCode::Internal, format!("writing {name}: {e}")))?;
    Ok(ExportDocument { name, bytes })
}

/// Every page of a newest-first listing keyed by (created_at, id).
async fn all_pages<T, F, Fut>(mut read: F, key: impl Fn(&T) -> (Millis, String)) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>>>,
{
    let mut all = Vec::new();
    let mut before = None;
    loop {
        let page = read(PageRequest {
            before: before.clone(),
            limit: PAGE,
        })
        .await?;
        let full = page.len() == PAGE as usize;
        before = page.last().map(&key);
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}

/// The account's documents, in the order they go into the zip.
pub async fn account_documents(app: &App, caller: &Caller) -> Result<Vec<ExportDocument>> {
    let me = caller.user_id()?;
    let store = &app.store;
    let user = store
        .accounts()
        .get_user(me)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let account = AccountDocument {
        profile: store.accounts().profile_details(me).await?,
        settings: store.accounts().account_settings(me).await?,
        balance: store.ledger().balance(me).await?,
        owed: store.ledger().owed(me).await?,
        exported_at: app.clock.now_ms(),
        user,
    };
    let ledger = all_pages(
        |page| async move { store.ledger().ledger_entries(me, &page).await },
        |e: &LedgerEntry| (e.created_at, e.id.clone()),
    )
    .await?;
    let rows = all_pages(
        |page| async move { store.collections().collections_of(me, true, &page).await },
        |c: &super::collections::CollectionRow| (c.created_at, c.id.clone()),
    )
    .await?;
    let data = store.account_data();
    let items = data.collection_items(me).await?;
    let collections: Vec<ExportedCollection> = rows
        .into_iter()
        .map(|c| {
            let mut inside: Vec<&CollectionItem> =
                items.iter().filter(|i| i.collection_id == c.id).collect();
            inside.sort_by_key(|i| i.position);
            ExportedCollection {
                image_ids: inside.iter().map(|i| i.image_id.clone()).collect(),
                id: c.id,
                title: c.title,
                description: c.description,
                visibility: c.visibility,
                cover_image_id: c.cover_image_id,
                price: c.price,
                created_at: c.created_at,
            }
        })
        .collect();
    Ok(vec![
        json("account.json", &account)?,
        json("ledger.json", &ledger)?,
        json("collections.json", &collections)?,
        json("tags.json", &data.image_tags(me).await?)?,
        json("comments.json", &data.comments_written(me).await?)?,
        json("likes.json", &data.likes_given(me).await?)?,
        json("follows.json", &data.follow_edges(me).await?)?,
    ])
}
