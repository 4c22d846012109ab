//! Collections: a person's own images gathered under a title and description, in the order they
//! choose, with a cover, public or private; an image can be in many. Others see a public collection's
//! public images only; a private collection is its owner's (and admins') alone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

use super::market::text_within;
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::UserSummary;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "collections.create",
        Write,
        "Make a collection of your own images (private unless chosen public)",
        collections_create,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "collections.update",
        Write,
        "Rename, describe, change the privacy or the cover of one of your collections",
        collections_update,
    );
    r.add(
        "collections.delete",
        Write,
        "Delete one of your collections (its images stay in your library)",
        collections_delete,
    );
    r.add(
        "collections.add_images",
        Write,
        "Add images of your own to one of your collections, at its end",
        collections_add_images,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "collections.remove_images",
        Write,
        "Take images out of one of your collections (they stay in your library)",
        collections_remove_images,
    )
    .max_input(super::bulk::BULK_INPUT_BYTES);
    r.add(
        "collections.move_image",
        Write,
        "Move an image of one of your collections to another place in its order",
        collections_move_image,
    );
    r.add(
        "collections.list",
        Read,
        "Your collections, or another person's public ones, newest first",
        collections_list,
    );
    r.add(
        "collections.unlocked",
        Read,
        "The premium collections you bought, the latest first",
        collections_unlocked,
    );
    r.add(
        "collections.explore",
        Read,
        "Everyone's public collections (premium ones only, if asked), newest first",
        collections_explore,
    );
    r.add(
        "collections.get",
        Read,
        "A collection and a page of its images in order, as the caller may see them",
        collections_get,
    );
}

pub const MAX_TITLE_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// Images one request may add or remove.
pub const MAX_IMAGES_PER_CHANGE: usize = super::bulk::MAX_BULK_IMAGES;
/// Images one collection may hold.
pub const MAX_COLLECTION_IMAGES: i64 = 10_000;

/// A collection as its viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Collection {
    pub id: String,
    pub owner: UserSummary,
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    /// The image shown for it: the chosen cover while the viewer may see it, else the first image
    /// the viewer may see; absent for an empty collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cover_image_id: Option<String>,
    /// The images the viewer may see (all of them for its owner, its public ones for others).
    #[ts(type = "number")]
    pub image_count: i64,
    /// Credits to unlock it; 0 for a free collection.
    #[ts(type = "number")]
    pub price: i64,
    #[ts(type = "number")]
    pub sales: i64,
    pub mine: bool,
    /// Whether the viewer sees its images whole: free, or theirs, bought, or an admin's view.
    pub unlocked: bool,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub updated_at: Millis,
}

/// A collection as stored, before it is shaped for a viewer.
#[derive(Debug, Clone)]
pub struct CollectionRow {
    pub id: String,
    pub owner: UserSummary,
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    pub cover_image_id: Option<String>,
    /// The cover others see: the chosen one while public, else the first public image.
    pub public_cover_id: Option<String>,
    /// The first image of all, the owner's cover when none was chosen.
    pub first_image_id: Option<String>,
    pub image_count: i64,
    pub public_count: i64,
    pub price: i64,
    pub sales: i64,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// A new collection and the images it starts with, in order.
#[derive(Debug, Clone)]
pub struct NewCollection {
    pub id: String,
    pub owner_id: String,
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    pub image_ids: Vec<String>,
    pub created_at: Millis,
}

/// What an update changes; None leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CollectionChange {
    pub title: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<Visibility>,
    /// Some(None) clears the chosen cover.
    pub cover_image_id: Option<Option<String>>,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCollection {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    /// Private unless chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub visibility: Option<Visibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCollection {
    pub collection_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub visibility: Option<Visibility>,
    /// An image of the collection to show for it; an empty string goes back to the first image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cover_image_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionRef {
    pub collection_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionImages {
    pub collection_id: String,
    pub image_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveCollectionImage {
    pub collection_id: String,
    pub image_id: String,
    /// Its place afterwards, counted from 0; past the end means last.
    pub to_index: u32,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionsQuery {
    /// Whose collections: the caller's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExploreCollections {
    /// Only collections for sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub premium: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CollectionsOutput {
    pub collections: Vec<Collection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionQuery {
    pub collection_id: String,
    /// The cursor `next` of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct CollectionDetail {
    pub collection: Collection,
    /// A page of its images in the owner's order; for a viewer who has not bought a premium one,
    /// withheld (see `Image::locked`).
    pub images: Vec<Image>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// The ids of a change: at least one, at most `MAX_IMAGES_PER_CHANGE`, each once, in the order given.
fn change_ids(ids: Vec<String>) -> Result<Vec<String>> {
    if ids.is_empty() || ids.len() > MAX_IMAGES_PER_CHANGE {
        return Err(Error::invalid(format!(
            "name 1 to {MAX_IMAGES_PER_CHANGE} images at a time"
        )));
    }
    let mut seen = HashSet::new();
    Ok(ids
        .into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect())
}

/// Checks that every one of `ids` is an image of `owner`'s: a missing image or someone else's is
/// named the same way, so nobody learns which ids exist.
async fn own_images(app: &App, owner: &str, ids: &[String]) -> Result<()> {
    let found: HashSet<String> = app
        .store
        .images()
        .images_by_ids(ids)
        .await?
        .into_iter()
        .filter(|i| i.owner_id == owner)
        .map(|i| i.id)
        .collect();
    if ids.iter().all(|id| found.contains(id)) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::NotFound,
            "a collection holds your own images only: one of these is not yours",
        ))
    }
}

/// Whether `caller` sees every image of the collection: its owner, an admin, or one who bought it.
pub(crate) async fn sees_whole(app: &App, caller: &Caller, row: &CollectionRow) -> Result<bool> {
    if caller.can_read(&row.owner.id, Visibility::Private) {
        return Ok(true);
    }
    bought(app, caller, &row.id).await
}

async fn bought(app: &App, caller: &Caller, collection_id: &str) -> Result<bool> {
    match caller.user_id() {
        Ok(me) => Ok(!app
            .store
            .collections()
            .bought_collections(me, &[collection_id.to_string()])
            .await?
            .is_empty()),
        Err(_) => Ok(false),
    }
}

/// The collection if `caller` may see it: a public one anyone may (unless its owner is suspended); a
/// private one its owner, admins and those who bought it while it was for sale (others are told it
/// does not exist).
pub(crate) async fn visible_collection(
    app: &App,
    caller: &Caller,
    id: &str,
) -> Result<CollectionRow> {
    let row = app
        .store
        .collections()
        .collection(id)
        .await?
        .ok_or_else(|| Error::not_found("collection"))?;
    let public = row.visibility == Visibility::Public
        && (caller.is_admin() || !super::follows::is_suspended(app, &row.owner.id).await?);
    if public || sees_whole(app, caller, &row).await? {
        return Ok(row);
    }
    Err(Error::not_found("collection"))
}

/// The collection if it is `caller`'s to change: someone else's that they can see is forbidden,
/// one they cannot see does not exist.
pub(crate) async fn own_collection(app: &App, caller: &Caller, id: &str) -> Result<CollectionRow> {
    let me = caller.user_id()?;
    let row = visible_collection(app, caller, id).await?;
    if row.owner.id != me {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only its owner can change a collection",
        ));
    }
    Ok(row)
}

/// Shapes stored rows for `caller`: counts and cover of what they may see, and whether it is whole.
pub(crate) async fn shown(
    app: &App,
    caller: &Caller,
    rows: Vec<CollectionRow>,
) -> Result<Vec<Collection>> {
    let me = caller.user_id().ok();
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let owned: HashSet<String> = match me {
        Some(me) => app
            .store
            .collections()
            .bought_collections(me, &ids)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = me == Some(r.owner.id.as_str());
            let owner_view = caller.can_read(&r.owner.id, Visibility::Private);
            let (cover_image_id, image_count) = if owner_view {
                (r.cover_image_id.or(r.first_image_id), r.image_count)
            } else {
                (r.public_cover_id, r.public_count)
            };
            Collection {
                unlocked: r.price == 0 || owner_view || owned.contains(&r.id),
                id: r.id,
                owner: r.owner,
                title: r.title,
                description: r.description,
                visibility: r.visibility,
                cover_image_id,
                image_count,
                price: r.price,
                sales: r.sales,
                mine,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

pub(crate) async fn one_shown(
    app: &App,
    caller: &Caller,
    row: CollectionRow,
) -> Result<Collection> {
    shown(app, caller, vec![row])
        .await?
        .pop()
        .ok_or_else(|| Error::internal("a collection vanished while it was shown"))
}

async fn reread(app: &App, caller: &Caller, id: &str) -> Result<Collection> {
    let row = visible_collection(app, caller, id).await?;
    one_shown(app, caller, row).await
}

pub async fn collections_create(
    app: &App,
    caller: &Caller,
    input: CreateCollection,
) -> Result<Collection> {
    let me = caller.user_id()?;
    let title = text_within("a title", &input.title, MAX_TITLE_CHARS, false)?;
    let description = text_within(
        "a description",
        input.description.as_deref().unwrap_or(""),
        MAX_DESCRIPTION_CHARS,
        true,
    )?;
    let image_ids = match input.image_ids {
        Some(ids) if !ids.is_empty() => change_ids(ids)?,
        _ => vec![],
    };
    own_images(app, me, &image_ids).await?;
    let collection = NewCollection {
        id: crate::new_id(),
        owner_id: me.to_string(),
        title,
        description,
        visibility: input.visibility.unwrap_or(Visibility::Private),
        image_ids,
        created_at: app.clock.now_ms(),
    };
    app.store
        .collections()
        .insert_collection(&collection)
        .await?;
    super::achievements::award(
        app,
        &collection.owner_id,
        &[super::achievements::AchievementKind::Collections],
    )
    .await;
    reread(app, caller, &collection.id).await
}

pub async fn collections_update(
    app: &App,
    caller: &Caller,
    input: UpdateCollection,
) -> Result<Collection> {
    let row = own_collection(app, caller, &input.collection_id).await?;
    let title = input
        .title
        .map(|t| text_within("a title", &t, MAX_TITLE_CHARS, false))
        .transpose()?;
    let description = input
        .description
        .map(|d| text_within("a description", &d, MAX_DESCRIPTION_CHARS, true))
        .transpose()?;
    let cover_image_id = input
        .cover_image_id
        .map(|id| (!id.is_empty()).then_some(id));
    let change = CollectionChange {
        title,
        description,
        visibility: input.visibility,
        cover_image_id,
        updated_at: app.clock.now_ms(),
    };
    app.store
        .collections()
        .update_collection(&row.id, &change)
        .await?;
    reread(app, caller, &row.id).await
}

pub async fn collections_delete(app: &App, caller: &Caller, input: CollectionRef) -> Result<Empty> {
    let row = own_collection(app, caller, &input.collection_id).await?;
    if !app.store.collections().delete_collection(&row.id).await? {
        return Err(Error::new(
            ErrorCode::Conflict,
            "people bought this collection, so it stays for them: make it private to stop selling it",
        ));
    }
    Ok(Empty {})
}

pub async fn collections_add_images(
    app: &App,
    caller: &Caller,
    input: CollectionImages,
) -> Result<Collection> {
    let row = own_collection(app, caller, &input.collection_id).await?;
    let ids = change_ids(input.image_ids)?;
    own_images(app, &row.owner.id, &ids).await?;
    app.store
        .collections()
        .add_to_collection(&row.id, &ids, MAX_COLLECTION_IMAGES, app.clock.now_ms())
        .await?;
    reread(app, caller, &row.id).await
}

pub async fn collections_remove_images(
    app: &App,
    caller: &Caller,
    input: CollectionImages,
) -> Result<Collection> {
    let row = own_collection(app, caller, &input.collection_id).await?;
    let ids = change_ids(input.image_ids)?;
    app.store
        .collections()
        .remove_from_collection(&row.id, &ids, app.clock.now_ms())
        .await?;
    reread(app, caller, &row.id).await
}

pub async fn collections_move_image(
    app: &App,
    caller: &Caller,
    input: MoveCollectionImage,
) -> Result<Collection> {
    let row = own_collection(app, caller, &input.collection_id).await?;
    if !app
        .store
        .collections()
        .move_in_collection(&row.id, &input.image_id, input.to_index, app.clock.now_ms())
        .await?
    {
        return Err(Error::not_found("image in this collection"));
    }
    reread(app, caller, &row.id).await
}

pub async fn collections_list(
    app: &App,
    caller: &Caller,
    input: CollectionsQuery,
) -> Result<CollectionsOutput> {
    let owner = match input.user_id {
        Some(id) => id,
        None => caller.user_id()?.to_string(),
    };
    let with_private = caller.can_read(&owner, Visibility::Private);
    if !with_private {
        // A person hidden from the caller (blocked, say) has no collections to show them.
        super::follows::visible_account(app, caller, &owner).await?;
    }
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let rows = app
        .store
        .collections()
        .collections_of(&owner, with_private, &page)
        .await?;
    let next = next_cursor(&rows, limit, |r| (r.created_at, &r.id));
    Ok(CollectionsOutput {
        collections: shown(app, caller, rows).await?,
        next,
    })
}

pub async fn collections_unlocked(
    app: &App,
    caller: &Caller,
    input: PageQuery,
) -> Result<CollectionsOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let rows = app
        .store
        .collections()
        .unlocked_collections(me, &page)
        .await?;
    let next = next_cursor(&rows, limit, |(r, bought_at)| (*bought_at, &r.id));
    let rows = rows.into_iter().map(|(r, _)| r).collect();
    Ok(CollectionsOutput {
        collections: shown(app, caller, rows).await?,
        next,
    })
}

pub async fn collections_explore(
    app: &App,
    caller: &Caller,
    input: ExploreCollections,
) -> Result<CollectionsOutput> {
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let min_price = if input.premium.unwrap_or(false) { 1 } else { 0 };
    let mut rows = app
        .store
        .collections()
        .public_collections(min_price, &page)
        .await?;
    let next = next_cursor(&rows, limit, |r| (r.created_at, &r.id));
    // Nobody is shown the work of an account on the other side of a block.
    if let Ok(me) = caller.user_id() {
        let owners: Vec<String> = rows.iter().map(|r| r.owner.id.clone()).collect();
        let blocked = app.store.blocks().blocked_among(me, &owners).await?;
        rows.retain(|r| !blocked.contains(&r.owner.id));
    }
    Ok(CollectionsOutput {
        collections: shown(app, caller, rows).await?,
        next,
    })
}

pub async fn collections_get(
    app: &App,
    caller: &Caller,
    input: CollectionQuery,
) -> Result<CollectionDetail> {
    let row = visible_collection(app, caller, &input.collection_id).await?;
    let owner_view = caller.can_read(&row.owner.id, Visibility::Private);
    let page = page_request(input.after.as_deref(), input.limit)?;
    let limit = page.limit;
    let rows = app
        .store
        .collections()
        .collection_images(&row.id, !owner_view, &page)
        .await?;
    let next = next_cursor(&rows, limit, |(i, position)| (*position, &i.id));
    let mut images: Vec<Image> = rows.into_iter().map(|(i, _)| i).collect();
    // The store read public images only for others; checking again keeps one rule for every path.
    images.retain(|i| caller.can_read(&i.owner_id, i.visibility));
    super::premium::withhold_premium(app, caller, &mut images).await?;
    Ok(CollectionDetail {
        collection: one_shown(app, caller, row).await?,
        images,
        next,
    })
}
