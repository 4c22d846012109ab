//! The prompt marketplace: sellers list a prompt with sample images (their own, public), a price and
//! up to 10 tags; anyone browses, searches and sorts the listings; a purchase moves the price from
//! buyer to seller less the platform's 10% fee (rounded up) in one ledger transaction; the prompt's
//! text is shown only to its buyers, its seller and admins, never in a list or an event; buyers review
//! (1-5 stars, one each, editable); unpublishing stops new sales while buyers keep what they bought.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

use super::follows::visible_account;
use super::images::{images_get, ImageRef};
use super::*;
use crate::app::{App, ChargePolicy};
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, RateClass, Registry};
use crate::social::{notify, Notice, NotificationKind, UserSummary};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "market.publish",
        Write,
        "List a prompt for sale with sample images of your own",
        market_publish,
    );
    r.add(
        "market.list",
        Read,
        "Listed prompts: search, filter by tag or seller, sort (never the prompt text)",
        market_list,
    );
    r.add(
        "market.get",
        Read,
        "One listing; its prompt text only for its buyers, its seller and admins",
        market_get,
    );
    r.add(
        "market.buy",
        Write,
        "Buy a listed prompt: its price to the seller, less the platform fee",
        market_buy,
    )
    .rate(RateClass::Money);
    r.add(
        "market.unpublish",
        Write,
        "Stop selling a prompt (its buyers keep it)",
        market_unpublish,
    );
    r.add(
        "market.review",
        Write,
        "Rate a prompt you bought, 1 to 5 stars (again to change it)",
        market_review,
    );
    r.add(
        "market.reviews",
        Read,
        "A listing's reviews, newest first",
        market_reviews,
    );
}

/// The account that receives platform fees (created by the marketplace migration, private, never
/// signed in to).
pub const PLATFORM_ACCOUNT: &str = "platform";
pub const MIN_PRICE: i64 = 1;
pub const MAX_PRICE: i64 = 1000;
pub const MAX_TAGS: usize = 10;
pub const MAX_SAMPLES: usize = 8;

/// The platform's 10% of a sale, rounded up to a whole credit.
pub fn platform_fee(price: i64) -> i64 {
    (price * 10 + 99) / 100
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarketSort {
    #[default]
    Newest,
    /// Most sold first.
    Popular,
    /// Highest average rating first.
    TopRated,
    PriceAsc,
    PriceDesc,
}

/// A listing as stored, its prompt included: only `Listing::shown` decides who sees the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRow {
    pub id: String,
    pub seller: UserSummary,
    pub title: String,
    pub description: String,
    pub prompt: String,
    pub negative_prompt: Option<String>,
    pub model: Option<String>,
    pub price: i64,
    pub tags: Vec<String>,
    pub listed: bool,
    pub sales: i64,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub created_at: Millis,
    /// The value the page was sorted by (its cursor's key).
    pub sort_key: i64,
}

/// A new listing, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewListing {
    pub id: String,
    pub seller_id: String,
    pub title: String,
    pub description: String,
    pub prompt: String,
    pub negative_prompt: Option<String>,
    pub model: Option<String>,
    pub price: i64,
    pub tags: Vec<String>,
    pub sample_ids: Vec<String>,
    pub created_at: Millis,
}

/// What a listings page may show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketFilter {
    /// Words in the title, description or tags (never the prompt).
    pub text: Option<String>,
    pub tag: Option<String>,
    pub seller_id: Option<String>,
    /// This account's own unpublished listings are shown to it too.
    pub viewer: Option<String>,
}

/// One sale, as the store writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptSale {
    pub id: String,
    pub listing_id: String,
    pub buyer_id: String,
    pub buyer_username: String,
    pub created_at: Millis,
}

/// What a purchase did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaleOutcome {
    Sold {
        seller_id: String,
        price: i64,
        buyer_balance: i64,
        seller_balance: i64,
    },
    /// The buyer had bought it before: nothing moved.
    AlreadyOwned,
}

/// A review as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Review {
    pub buyer: UserSummary,
    pub stars: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub body: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
    #[ts(type = "number")]
    pub updated_at: Millis,
}

/// A listing as one viewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Listing {
    pub id: String,
    pub seller: UserSummary,
    pub title: String,
    pub description: String,
    #[ts(type = "number")]
    pub price: i64,
    pub tags: Vec<String>,
    /// Sample images, public ones only (a sample made private since is no longer shown).
    pub samples: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
    #[ts(type = "number")]
    pub sales: i64,
    /// The average of its reviews, none before the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rating: Option<f64>,
    #[ts(type = "number")]
    pub reviews: i64,
    /// Still for sale.
    pub listed: bool,
    /// The viewer bought it.
    pub owned: bool,
    /// The viewer sells it.
    pub mine: bool,
    /// The prompt itself: for its buyers, its seller and admins, and only on `market.get`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishListing {
    /// 1 to 100 characters.
    pub title: String,
    /// Up to 1,000 characters.
    #[serde(default)]
    pub description: String,
    /// The prompt for sale, 1 to 4,000 characters.
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub negative_prompt: Option<String>,
    /// The catalogue model the prompt is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub model: Option<String>,
    /// 1 to 1,000 credits.
    #[ts(type = "number")]
    pub price: i64,
    /// Up to 10, each 1 to 30 letters, digits or dashes.
    #[serde(default)]
    pub tags: Vec<String>,
    /// 1 to 8 of the seller's own public images.
    pub sample_image_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub seller_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sort: Option<MarketSort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ListingsOutput {
    pub listings: Vec<Listing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingRef {
    pub listing_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct BuyListingOutput {
    pub listing: Listing,
    /// The buyer's balance after.
    #[ts(type = "number")]
    pub balance: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewListing {
    pub listing_id: String,
    /// 1 to 5.
    pub stars: u8,
    /// Up to 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewsQuery {
    pub listing_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ReviewsOutput {
    pub reviews: Vec<Review>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// Text trimmed and within `1..=max` characters (`0..=max` when `may_be_empty`).
pub(crate) fn text_within(
    what: &str,
    text: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<String> {
    let text = text.trim().to_string();
    let n = text.chars().count();
    if (n == 0 && !may_be_empty) || n > max {
        let least = if may_be_empty { 0 } else { 1 };
        return Err(Error::invalid(format!(
            "{what} is {least} to {max} characters"
        )));
    }
    Ok(text)
}

/// Tags lower-cased, deduplicated, at most 10, each 1-30 letters, digits or dashes.
pub fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#').to_lowercase();
        let ok = (1..=30).contains(&tag.chars().count())
            && tag.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return Err(Error::invalid(format!(
                "'{tag}' is not a tag: 1 to 30 letters, digits or dashes"
            )));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::invalid(format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

pub(crate) fn credits_in_use(app: &App) -> Result<()> {
    if app.config.charging != ChargePolicy::Charge {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "this server does not use credits, so nothing is sold here",
        ));
    }
    Ok(())
}

/// Turns stored rows into what `caller` may see: samples that are public, whether the caller owns
/// or sells each, and the prompt only where `reveal` and the caller may read it.
async fn shown(
    app: &App,
    caller: &Caller,
    rows: Vec<ListingRow>,
    reveal: bool,
) -> Result<Vec<Listing>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut samples: HashMap<String, Vec<String>> = HashMap::new();
    for (listing, image) in app.store.market().listing_samples(&ids).await? {
        samples.entry(listing).or_default().push(image);
    }
    let me = caller.user_id().ok();
    let owned: HashSet<String> = match me {
        Some(me) => app
            .store
            .market()
            .bought(me, &ids)
            .await?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = me == Some(r.seller.id.as_str());
            let owned = owned.contains(&r.id);
            let may_read = mine || owned || caller.is_admin();
            let (prompt, negative_prompt) = if reveal && may_read {
                (Some(r.prompt), r.negative_prompt)
            } else {
                (None, None)
            };
            Listing {
                samples: samples.remove(&r.id).unwrap_or_default(),
                rating: (r.rating_count > 0)
                    .then(|| (r.rating_sum as f64 / r.rating_count as f64 * 10.0).round() / 10.0),
                reviews: r.rating_count,
                id: r.id,
                seller: r.seller,
                title: r.title,
                description: r.description,
                price: r.price,
                tags: r.tags,
                model: r.model,
                sales: r.sales,
                listed: r.listed,
                owned,
                mine,
                prompt,
                negative_prompt,
                created_at: r.created_at,
            }
        })
        .collect())
}

/// The listing if `caller` may see it: a listed one anyone may (unless its seller is suspended); an
/// unpublished one, or a suspended seller's, its seller, its buyers and admins only (others are told
/// it does not exist).
async fn visible_listing(app: &App, caller: &Caller, id: &str) -> Result<ListingRow> {
    let row = app
        .store
        .market()
        .listing(id)
        .await?
        .ok_or_else(|| Error::not_found("listing"))?;
    if caller.is_admin()
        || (row.listed && !super::follows::is_suspended(app, &row.seller.id).await?)
    {
        return Ok(row);
    }
    let me = caller.user_id().ok();
    if me == Some(row.seller.id.as_str()) {
        return Ok(row);
    }
    if let Some(me) = me {
        if !app
            .store
            .market()
            .bought(me, std::slice::from_ref(&row.id))
            .await?
            .is_empty()
        {
            return Ok(row);
        }
    }
    Err(Error::not_found("listing"))
}

async fn one_shown(app: &App, caller: &Caller, row: ListingRow) -> Result<Listing> {
    shown(app, caller, vec![row], true)
        .await?
        .pop()
        .ok_or_else(|| Error::internal("a listing vanished while it was shown"))
}

pub async fn market_publish(app: &App, caller: &Caller, input: PublishListing) -> Result<Listing> {
    let me = caller.user_id()?;
    credits_in_use(app)?;
    let title = text_within("a title", &input.title, 100, false)?;
    let description = text_within("a description", &input.description, 1000, true)?;
    let prompt = text_within("the prompt", &input.prompt, 4000, false)?;
    let negative_prompt = match input.negative_prompt.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => Some(text_within("the negative prompt", n, 2000, false)?),
        _ => None,
    };
    if !(MIN_PRICE..=MAX_PRICE).contains(&input.price) {
        return Err(Error::invalid(format!(
            "a prompt sells for {MIN_PRICE} to {MAX_PRICE} credits"
        )));
    }
    let tags = clean_tags(&input.tags)?;
    let model = match input.model.filter(|m| !m.trim().is_empty()) {
        Some(m) if app.catalogue().get(&m).is_none() => {
            return Err(Error::new(
                ErrorCode::UnknownModel,
                format!("'{m}' is not a model here"),
            ))
        }
        other => other,
    };
    let mut sample_ids: Vec<String> = Vec::new();
    for id in &input.sample_image_ids {
        if !sample_ids.contains(id) {
            sample_ids.push(id.clone());
        }
    }
    if sample_ids.is_empty() || sample_ids.len() > MAX_SAMPLES {
        return Err(Error::invalid(format!(
            "a listing shows 1 to {MAX_SAMPLES} sample images"
        )));
    }
    // Samples are the seller's own public images: nobody sells with another's work, and nothing
    // private is shown through a listing.
    for id in &sample_ids {
        let image = images_get(
            app,
            caller,
            ImageRef {
                image_id: id.clone(),
            },
        )
        .await?;
        if image.owner_id != me {
            return Err(Error::invalid("sample images must be your own"));
        }
        if image.visibility != Visibility::Public {
            return Err(Error::invalid(
                "sample images must be public: publish them first",
            ));
        }
    }
    let listing = NewListing {
        id: crate::new_id(),
        seller_id: me.to_string(),
        title,
        description,
        prompt,
        negative_prompt,
        model,
        price: input.price,
        tags,
        sample_ids,
        created_at: app.clock.now_ms(),
    };
    app.store.market().insert_listing(&listing).await?;
    let row = visible_listing(app, caller, &listing.id).await?;
    one_shown(app, caller, row).await
}

pub async fn market_list(app: &App, caller: &Caller, input: MarketQuery) -> Result<ListingsOutput> {
    let filter = MarketFilter {
        text: input
            .text
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(200).collect()),
        tag: match input.tag.filter(|t| !t.trim().is_empty()) {
            Some(t) => clean_tags(&[t])?.pop(),
            None => None,
        },
        seller_id: input.seller_id,
        viewer: caller.user_id().ok().map(str::to_string),
    };
    let page = page_request(input.before.as_deref(), input.limit)?;
    let rows = app
        .store
        .market()
        .listings(&filter, input.sort.unwrap_or_default(), &page)
        .await?;
    let next = next_cursor(&rows, page.limit, |r| (r.sort_key, &r.id));
    Ok(ListingsOutput {
        listings: shown(app, caller, rows, false).await?,
        next,
    })
}

pub async fn market_get(app: &App, caller: &Caller, input: ListingRef) -> Result<Listing> {
    let row = visible_listing(app, caller, &input.listing_id).await?;
    one_shown(app, caller, row).await
}

pub async fn market_buy(app: &App, caller: &Caller, input: ListingRef) -> Result<BuyListingOutput> {
    let me = caller.user_id()?;
    credits_in_use(app)?;
    let row = visible_listing(app, caller, &input.listing_id).await?;
    if row.seller.id == me {
        return Err(Error::invalid("this is your own prompt"));
    }
    super::blocks::refuse_if_blocked(app, me, &row.seller.id, "buy from this seller").await?;
    let buyer = visible_account(app, caller, me).await?;
    let sale = PromptSale {
        id: crate::new_id(),
        listing_id: row.id.clone(),
        buyer_id: me.to_string(),
        buyer_username: buyer.username,
        created_at: app.clock.now_ms(),
    };
    let outcome = app.store.market().buy_listing(&sale).await?;
    if let SaleOutcome::Sold { price, .. } = &outcome {
        tracing::info!(listing = %row.id, price, "a prompt was sold");
    }
    announce_sale(
        app,
        me,
        &outcome,
        NotificationKind::PromptPurchased,
        format!("sale:{}", sale.id),
    )
    .await;
    let balance = app.store.ledger().balance(me).await?;
    // Read again: the sale counts, and the buyer now may read the prompt.
    let row = visible_listing(app, caller, &row.id).await?;
    Ok(BuyListingOutput {
        listing: one_shown(app, caller, row).await?,
        balance,
    })
}

/// Tells both sides of a sale that happened: each their new balance, and the seller a notification
/// of `kind` (once, by `key`). A purchase that moved nothing tells nobody.
pub(crate) async fn announce_sale(
    app: &App,
    buyer_id: &str,
    outcome: &SaleOutcome,
    kind: NotificationKind,
    key: String,
) {
    let SaleOutcome::Sold {
        seller_id,
        buyer_balance,
        seller_balance,
        ..
    } = outcome
    else {
        return;
    };
    for (user_id, balance) in [
        (buyer_id, *buyer_balance),
        (seller_id.as_str(), *seller_balance),
    ] {
        app.events.publish(Envelope {
            audience: Audience::User(user_id.to_string()),
            event: Event::BalanceChanged { balance },
        });
    }
    notify(
        app,
        Notice {
            actor: Some(buyer_id),
            key: Some(key),
            ..Notice::to(seller_id, kind)
        },
    )
    .await;
}

pub async fn market_unpublish(app: &App, caller: &Caller, input: ListingRef) -> Result<Listing> {
    let me = caller.user_id()?;
    let row = visible_listing(app, caller, &input.listing_id).await?;
    if row.seller.id != me && !caller.is_admin() {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only its seller can unpublish a prompt",
        ));
    }
    app.store.market().set_listed(&row.id, false).await?;
    let row = visible_listing(app, caller, &row.id).await?;
    one_shown(app, caller, row).await
}

pub async fn market_review(app: &App, caller: &Caller, input: ReviewListing) -> Result<Review> {
    let me = caller.user_id()?;
    let row = visible_listing(app, caller, &input.listing_id).await?;
    if app
        .store
        .market()
        .bought(me, std::slice::from_ref(&row.id))
        .await?
        .is_empty()
    {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "only buyers review a prompt",
        ));
    }
    if !(1..=5).contains(&input.stars) {
        return Err(Error::invalid("a review is 1 to 5 stars"));
    }
    let body = match input.body.as_deref().map(str::trim) {
        Some(b) if !b.is_empty() => Some(text_within("a review", b, 1000, false)?),
        _ => None,
    };
    app.store
        .market()
        .upsert_review(
            &row.id,
            me,
            input.stars,
            body.as_deref(),
            app.clock.now_ms(),
        )
        .await
}

pub async fn market_reviews(
    app: &App,
    caller: &Caller,
    input: ReviewsQuery,
) -> Result<ReviewsOutput> {
    let row = visible_listing(app, caller, &input.listing_id).await?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let reviews = app.store.market().reviews(&row.id, &page).await?;
    let next = next_cursor(&reviews, page.limit, |r| (r.updated_at, &r.buyer.id));
    Ok(ReviewsOutput { reviews, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_is_ten_percent_rounded_up() {
        assert_eq!(platform_fee(1), 1);
        assert_eq!(platform_fee(10), 1);
        assert_eq!(platform_fee(11), 2);
        assert_eq!(platform_fee(99), 10);
        assert_eq!(platform_fee(100), 10);
        assert_eq!(platform_fee(1000), 100);
    }

    #[test]
    fn tags_are_cleaned_and_bounded() {
        let tags = clean_tags(&["#Koi".into(), "koi".into(), " ink-wash ".into()]).expect("tags");
        assert_eq!(tags, ["koi", "ink-wash"]);
        assert!(clean_tags(&["two words".into()]).is_err());
        assert!(clean_tags(&["".into()]).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert!(clean_tags(&eleven).is_err());
    }
}
