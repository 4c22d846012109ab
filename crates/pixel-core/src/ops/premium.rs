//! Premium collections: a public collection priced 1-500 credits (at least 3 public images) whose
//! images are withheld — original, prompt and seed — from everyone but its owner, its buyers and
//! admins on every read path (lists, detail, share pages, media); others see its cover and blurred
//! placeholders. A purchase moves the price to the owner less the platform's 10% fee in one ledger
//! transaction, once per buyer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use ts_rs::TS;

use super::collections::{
    one_shown, own_collection, visible_collection, Collection, CollectionRef,
};
use super::market::{announce_sale, credits_in_use, SaleOutcome};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, RateClass, Registry};
use crate::social::NotificationKind;

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "collections.set_price",
        Write,
        "Sell one of your collections for 1 to 500 credits (0 makes it free again)",
        collections_set_price,
    );
    r.add(
        "collections.buy",
        Write,
        "Unlock a premium collection: its price to the owner, less the platform fee",
        collections_buy,
    )
    .rate(RateClass::Money);
}

pub const MAX_COLLECTION_PRICE: i64 = 500;
/// Public images a collection needs before it can be sold.
pub const MIN_PREMIUM_IMAGES: i64 = 3;

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionPrice {
    pub collection_id: String,
    /// Credits, 1 to 500; 0 stops selling it.
    #[ts(type = "number")]
    pub price: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct BuyCollectionOutput {
    pub collection: Collection,
    /// The buyer's balance afterwards.
    #[ts(type = "number")]
    pub balance: i64,
}

/// One purchase of a premium collection, as the store records it.
#[derive(Debug, Clone)]
pub struct CollectionSale {
    pub id: String,
    pub collection_id: String,
    pub buyer_id: String,
    pub buyer_username: String,
    /// The price the buyer was shown: a sale at any other price is refused.
    pub price: i64,
    pub created_at: Millis,
}

/// An image withheld by a premium collection, as the store finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PremiumLockRow {
    pub image_id: String,
    pub lock: PremiumLock,
}

/// Withholds, from `caller`, every image of `images` that is in a public premium collection they did
/// not buy (none of theirs, and nothing from an admin). Every read path that hands out another
/// person's images passes them through here.
pub(crate) async fn withhold_premium(
    app: &App,
    caller: &Caller,
    images: &mut Vec<Image>,
) -> Result<()> {
    if caller.is_admin() {
        return Ok(());
    }
    let me = caller.user_id().ok();
    let ids: Vec<String> = images
        .iter()
        .filter(|i| me != Some(i.owner_id.as_str()) && i.locked.is_none())
        .map(|i| i.id.clone())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let mut locks: HashMap<String, PremiumLock> = HashMap::new();
    for row in app.store.collections().premium_locks(&ids, me).await? {
        // An image that is the cover of one of its collections shows its thumbnail.
        let keep = locks
            .get(&row.image_id)
            .is_some_and(|l| l.cover || !row.lock.cover);
        if !keep {
            locks.insert(row.image_id, row.lock);
        }
    }
    if locks.is_empty() {
        return Ok(());
    }
    *images = std::mem::take(images)
        .into_iter()
        .map(|i| match locks.remove(&i.id) {
            Some(lock) => i.withheld(lock),
            None => i,
        })
        .collect();
    Ok(())
}

/// `image` as `caller` may see it (see `withhold_premium`).
pub(crate) async fn withhold_one(app: &App, caller: &Caller, image: Image) -> Result<Image> {
    let mut one = vec![image];
    withhold_premium(app, caller, &mut one).await?;
    one.pop()
        .ok_or_else(|| Error::internal("an image vanished while it was withheld"))
}

/// The refusal for using an image `caller` has not unlocked as if it were theirs to see.
pub fn locked_error(lock: &PremiumLock) -> Error {
    Error::new(
        ErrorCode::PremiumLocked,
        format!(
            "this image is in the premium collection “{}”: unlock it for {} credits to use it",
            lock.title, lock.price
        ),
    )
}

pub async fn collections_set_price(
    app: &App,
    caller: &Caller,
    input: CollectionPrice,
) -> Result<Collection> {
    credits_in_use(app)?;
    let row = own_collection(app, caller, &input.collection_id).await?;
    if !(0..=MAX_COLLECTION_PRICE).contains(&input.price) {
        return Err(Error::invalid(format!(
            "a collection's price is 1 to {MAX_COLLECTION_PRICE} credits (0 to make it free)"
        )));
    }
    app.store
        .collections()
        .set_collection_price(&row.id, input.price, MIN_PREMIUM_IMAGES, app.clock.now_ms())
        .await?;
    let row = visible_collection(app, caller, &row.id).await?;
    one_shown(app, caller, row).await
}

pub async fn collections_buy(
    app: &App,
    caller: &Caller,
    input: CollectionRef,
) -> Result<BuyCollectionOutput> {
    let me = caller.user_id()?;
    credits_in_use(app)?;
    let row = visible_collection(app, caller, &input.collection_id).await?;
    if row.owner.id == me {
        return Err(Error::invalid("this collection is yours already"));
    }
    if row.price == 0 {
        return Err(Error::invalid("this collection is free: nothing to buy"));
    }
    super::blocks::refuse_if_blocked(app, me, &row.owner.id, "buy from this creator").await?;
    let buyer = super::follows::visible_account(app, caller, me).await?;
    let sale = CollectionSale {
        id: crate::new_id(),
        collection_id: row.id.clone(),
        buyer_id: me.to_string(),
        buyer_username: buyer.username,
        price: row.price,
        created_at: app.clock.now_ms(),
    };
    let outcome = app.store.collections().buy_collection(&sale).await?;
    if let SaleOutcome::Sold { price, .. } = &outcome {
        tracing::info!(collection = %row.id, price, "a premium collection was sold");
    }
    announce_sale(
        app,
        me,
        &outcome,
        NotificationKind::CollectionPurchased,
        format!("collection_sale:{}", sale.id),
    )
    .await;
    let balance = app.store.ledger().balance(me).await?;
    let row = visible_collection(app, caller, &row.id).await?;
    Ok(BuyCollectionOutput {
        collection: one_shown(app, caller, row).await?,
        balance,
    })
}
