//! The marketplace queries: listings with their tags and samples, one keyset page in each sort
//! order, a sale as one transaction of three ledger entries that sum to zero, and reviews with the
//! listing's rating totals kept beside them.

use super::*;
use crate::explore::{Bind, Clauses};
use pixel_core::ops::market::{
    platform_fee, ListingRow, MarketFilter, MarketSort, NewListing, PromptSale, Review,
    SaleOutcome, PLATFORM_ACCOUNT,
};
use std::collections::HashMap;

const LISTING_COLS: &str = "l.id, l.seller_id, u.username AS seller_username, \
     l.title, l.description, l.prompt, l.negative_prompt, l.model, l.price, l.listed, l.sales, \
     l.rating_sum, l.rating_count, l.created_at";

/// Each sort's key as an integer (the cursor's), its order, and whether it pages upward.
fn sort_key(sort: MarketSort) -> (&'static str, bool) {
    match sort {
        MarketSort::Newest => ("l.created_at", false),
        MarketSort::Popular => ("l.sales", false),
        // Hundredths of a star: integer division in both dialects.
        MarketSort::TopRated => (
            "(CASE WHEN l.rating_count = 0 THEN 0 ELSE l.rating_sum * 100 / l.rating_count END)",
            false,
        ),
        MarketSort::PriceAsc => ("l.price", true),
        MarketSort::PriceDesc => ("l.price", false),
    }
}

fn listing_from(r: &impl Cols, tags: Vec<String>) -> Result<ListingRow> {
    Ok(ListingRow {
        id: r.text("id")?,
        seller: UserSummary::new(r.text("seller_id")?, r.text("seller_username")?)
            .with_picture(r.opt_text("seller_picture")?),
        title: r.text("title")?,
        description: r.text("description")?,
        prompt: r.text("prompt")?,
        negative_prompt: r.opt_text("negative_prompt")?,
        model: r.opt_text("model")?,
        price: r.int("price")?,
        tags,
        listed: r.int("listed")? != 0,
        sales: r.int("sales")?,
        rating_sum: r.int("rating_sum")?,
        rating_count: r.int("rating_count")?,
        created_at: r.int("created_at")?,
        sort_key: r.int("sort_key")?,
    })
}

impl SqlStore {
    /// The tags of each listing, in one query.
    async fn tags_of(&self, ids: &[String]) -> Result<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let sql = format!(
            "SELECT listing_id, tag FROM prompt_listing_tags WHERE listing_id IN ({}) ORDER BY tag",
            placeholders(1, ids.len())
        );
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql);
            for id in ids {
                q = q.bind(id);
            }
            for r in q.fetch_all(pool).await.map_err(db_err)? {
                out.entry(r.text("listing_id")?).or_default().push(r.text("tag")?);
            }
        });
        Ok(out)
    }

    async fn listing_rows(&self, q: &Clauses) -> Result<Vec<ListingRow>> {
        let rows: Vec<(ListingRow, String)> = on_read_pool!(self, pool => {
            let mut query = sqlx::query(&q.sql);
            for b in &q.binds {
                query = match b {
                    Bind::Text(t) => query.bind(t),
                    Bind::Int(i) => query.bind(*i),
                };
            }
            let rows = query.fetch_all(pool).await.map_err(db_err)?;
            rows.iter()
                .map(|r| Ok((listing_from(r, Vec::new())?, r.text("id")?)))
                .collect::<Result<Vec<_>>>()?
        });
        let ids: Vec<String> = rows.iter().map(|(_, id)| id.clone()).collect();
        let mut tags = self.tags_of(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|(mut row, id)| {
                row.tags = tags.remove(&id).unwrap_or_default();
                row
            })
            .collect())
    }
}

#[async_trait]
impl MarketStore for SqlStore {
    async fn insert_listing(&self, l: &NewListing) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            sqlx::query(
                "INSERT INTO prompt_listings (id, seller_id, title, description, prompt, negative_prompt, \
                 model, price, listed, sales, rating_sum, rating_count, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 0, 0, 0, $9)",
            )
            .bind(&l.id)
            .bind(&l.seller_id)
            .bind(&l.title)
            .bind(&l.description)
            .bind(&l.prompt)
            .bind(&l.negative_prompt)
            .bind(&l.model)
            .bind(l.price)
            .bind(l.created_at)
            .execute(&mut *w.tx)
            .await
            .map_err(db_err)?;
            for tag in &l.tags {
                sqlx::query("INSERT INTO prompt_listing_tags (listing_id, tag) VALUES ($1, $2)")
                    .bind(&l.id)
                    .bind(tag)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
            }
            for (position, image) in l.sample_ids.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO prompt_listing_samples (listing_id, image_id, position) VALUES ($1, $2, $3)",
                )
                .bind(&l.id)
                .bind(image)
                .bind(position as i64)
                .execute(&mut *w.tx)
                .await
                .map_err(db_err)?;
            }
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn listings(
        &self,
        filter: &MarketFilter,
        sort: MarketSort,
        page: &PageRequest,
    ) -> Result<Vec<ListingRow>> {
        let (key, ascending) = sort_key(sort);
        let start = if ascending { i64::MIN } else { i64::MAX };
        let (cursor, id) = page.before.clone().unwrap_or((start, String::new()));
        let (keyset, order) = if ascending {
            (
                format!("({key} > $1 OR ({key} = $1 AND l.id > $2))"),
                format!("{key} ASC, l.id ASC"),
            )
        } else {
            (
                format!("({key} < $1 OR ({key} = $1 AND l.id < $2))"),
                format!("{key} DESC, l.id DESC"),
            )
        };
        let mut q = Clauses::new(
            format!(
                "SELECT {LISTING_COLS}, {PICTURE_OF_U} AS seller_picture, {key} AS sort_key \
                 FROM prompt_listings l JOIN users u ON u.id = l.seller_id WHERE {keyset}"
            ),
            vec![Bind::Int(cursor), Bind::Text(id)],
        );
        match &filter.viewer {
            // The viewer's own unpublished listings are theirs to see; a suspended seller's are
            // nobody's (the seller cannot sign in meanwhile).
            Some(viewer) => q.and(
                |p| format!("((l.listed = 1 AND u.suspended_at IS NULL) OR l.seller_id = ${p})"),
                Bind::Text(viewer.clone()),
            ),
            None => q.and(
                |p| format!("l.listed = ${p} AND u.suspended_at IS NULL"),
                Bind::Int(1),
            ),
        }
        if let Some(seller) = &filter.seller_id {
            q.and(
                |p| format!("l.seller_id = ${p}"),
                Bind::Text(seller.clone()),
            );
        }
        if let Some(tag) = &filter.tag {
            q.and(
                |p| {
                    format!(
                        "EXISTS (SELECT 1 FROM prompt_listing_tags g WHERE g.listing_id = l.id AND g.tag = ${p})"
                    )
                },
                Bind::Text(tag.clone()),
            );
        }
        if let Some(text) = &filter.text {
            // Title, description and tags: never the prompt, which would tell a searcher what it says.
            q.and(
                |p| {
                    format!(
                        "(LOWER(l.title) LIKE ${p} ESCAPE '\\' OR LOWER(l.description) LIKE ${p} ESCAPE '\\' \
                         OR EXISTS (SELECT 1 FROM prompt_listing_tags g WHERE g.listing_id = l.id AND g.tag LIKE ${p} ESCAPE '\\'))"
                    )
                },
                Bind::Text(like_pattern(text)),
            );
        }
        q.order_and_limit(&order, page.limit);
        self.listing_rows(&q).await
    }

    async fn listing(&self, id: &str) -> Result<Option<ListingRow>> {
        let q = Clauses::new(
            format!(
                "SELECT {LISTING_COLS}, {PICTURE_OF_U} AS seller_picture, l.created_at AS sort_key \
                 FROM prompt_listings l JOIN users u ON u.id = l.seller_id WHERE l.id = $1"
            ),
            vec![Bind::Text(id.to_string())],
        );
        Ok(self.listing_rows(&q).await?.pop())
    }

    async fn listing_samples(&self, listing_ids: &[String]) -> Result<Vec<(String, String)>> {
        if listing_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT s.listing_id, s.image_id FROM prompt_listing_samples s \
             JOIN images i ON i.id = s.image_id AND i.visibility = 'public' \
             WHERE s.listing_id IN ({}) ORDER BY s.listing_id, s.position",
            placeholders(1, listing_ids.len())
        );
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql);
            for id in listing_ids {
                q = q.bind(id);
            }
            q.fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| Ok((r.text("listing_id")?, r.text("image_id")?)))
                .collect()
        })
    }

    async fn bought(&self, buyer_id: &str, listing_ids: &[String]) -> Result<Vec<String>> {
        self.bought_of("prompt_sales", "listing_id", buyer_id, listing_ids)
            .await
    }

    async fn buy_listing(&self, sale: &PromptSale) -> Result<SaleOutcome> {
        let mut w = self.begin_write().await?;
        let r = buy_tx(&mut w.tx, sale).await;
        w.end(r).await
    }

    async fn set_listed(&self, id: &str, listed: bool) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE prompt_listings SET listed = $1 WHERE id = $2")
                .bind(i64::from(listed))
                .bind(id),
        )
        .await
        .map(|_| ())
    }

    async fn upsert_review(
        &self,
        listing_id: &str,
        buyer_id: &str,
        stars: u8,
        body: Option<&str>,
        now: Millis,
    ) -> Result<Review> {
        let mut w = self.begin_write().await?;
        let r = async {
            let before = sqlx::query(
                "SELECT stars, created_at FROM prompt_reviews WHERE listing_id = $1 AND buyer_id = $2",
            )
            .bind(listing_id)
            .bind(buyer_id)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(db_err)?;
            let stars = i64::from(stars);
            let created_at = match &before {
                Some(row) => {
                    let was = row.int("stars")?;
                    sqlx::query(
                        "UPDATE prompt_reviews SET stars = $1, body = $2, updated_at = $3 \
                         WHERE listing_id = $4 AND buyer_id = $5",
                    )
                    .bind(stars)
                    .bind(body)
                    .bind(now)
                    .bind(listing_id)
                    .bind(buyer_id)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
                    sqlx::query("UPDATE prompt_listings SET rating_sum = rating_sum + $1 WHERE id = $2")
                        .bind(stars - was)
                        .bind(listing_id)
                        .execute(&mut *w.tx)
                        .await
                        .map_err(db_err)?;
                    row.int("created_at")?
                }
                None => {
                    sqlx::query(
                        "INSERT INTO prompt_reviews (listing_id, buyer_id, stars, body, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(listing_id)
                    .bind(buyer_id)
                    .bind(stars)
                    .bind(body)
                    .bind(now)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
                    sqlx::query(
                        "UPDATE prompt_listings SET rating_sum = rating_sum + $1, rating_count = rating_count + 1 WHERE id = $2",
                    )
                    .bind(stars)
                    .bind(listing_id)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
                    now
                }
            };
            let buyer = sqlx::query("SELECT username FROM users WHERE id = $1")
                .bind(buyer_id)
                .fetch_one(&mut *w.tx)
                .await
                .map_err(db_err)?;
            Ok(Review {
                buyer: UserSummary::new(buyer_id.to_string(), buyer.text("username")?),
                stars: stars as u8,
                body: body.map(str::to_string),
                created_at,
                updated_at: now,
            })
        }
        .await;
        w.end(r).await
    }

    async fn reviews(&self, listing_id: &str, page: &PageRequest) -> Result<Vec<Review>> {
        let sql = format!(
            "SELECT r.stars, r.body, r.created_at, r.updated_at, u.id AS buyer_id, u.username, \
             {PICTURE_OF_U} AS picture FROM prompt_reviews r JOIN users u ON u.id = r.buyer_id \
             WHERE r.listing_id = $1 AND (r.updated_at < $2 OR (r.updated_at = $2 AND r.buyer_id < $3)) \
             ORDER BY r.updated_at DESC, r.buyer_id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, listing_id, page, |r| -> Result<Review> {
            Ok(Review {
                buyer: UserSummary::new(r.text("buyer_id")?, r.text("username")?)
                    .with_picture(r.opt_text("picture")?),
                stars: u8::try_from(r.int("stars")?).unwrap_or(0),
                body: r.opt_text("body")?,
                created_at: r.int("created_at")?,
                updated_at: r.int("updated_at")?,
            })
        })
    }
}

async fn buy_tx(tx: &mut Tx, sale: &PromptSale) -> Result<SaleOutcome> {
    let listing = sqlx::query("SELECT seller_id, title, price FROM prompt_listings WHERE id = $1")
        .bind(&sale.listing_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| Error::not_found("listing"))?;
    let seller_id = listing.text("seller_id")?;
    let title = listing.text("title")?;
    let price = listing.int("price")?;
    // Sales between the same people in both directions at once queue instead of deadlocking.
    hold_balances(tx, &[&sale.buyer_id, &seller_id, PLATFORM_ACCOUNT]).await?;
    let fee = platform_fee(price);
    let inserted = sqlx::query(
        "INSERT INTO prompt_sales (id, listing_id, buyer_id, seller_id, price, fee, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (listing_id, buyer_id) DO NOTHING",
    )
    .bind(&sale.id)
    .bind(&sale.listing_id)
    .bind(&sale.buyer_id)
    .bind(&seller_id)
    .bind(price)
    .bind(fee)
    .bind(sale.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(SaleOutcome::AlreadyOwned);
    }
    // Read under the listing's own row lock: an unpublish that committed first stops this sale.
    let listed =
        sqlx::query("UPDATE prompt_listings SET sales = sales + 1 WHERE id = $1 AND listed = 1")
            .bind(&sale.listing_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            == 1;
    if !listed {
        return Err(Error::not_found("listing"));
    }
    let (buyer_balance, seller_balance) = pay_for_sale(
        tx,
        &SalePayment {
            // One sale per buyer and listing, so the key names both: the history links it.
            key: &format!("sale:{}:{}", sale.listing_id, sale.buyer_id),
            buyer_id: &sale.buyer_id,
            seller_id: &seller_id,
            price,
            memos: [
                format!("Bought the prompt “{title}”"),
                format!("Sold the prompt “{title}” to @{}", sale.buyer_username),
                format!("Fee on the prompt “{title}”"),
            ],
            now: sale.created_at,
        },
    )
    .await?;
    Ok(SaleOutcome::Sold {
        seller_id,
        price,
        buyer_balance,
        seller_balance,
    })
}

/// One sale's money, inside the sale's transaction (whose caller already holds the three
/// balances): the buyer's debit, the seller's credit less the fee and the platform's fee, which sum
/// to zero; keyed `<key>:buyer|seller|fee`.
pub(crate) struct SalePayment<'a> {
    pub key: &'a str,
    pub buyer_id: &'a str,
    pub seller_id: &'a str,
    pub price: i64,
    /// What the buyer's, the seller's and the platform's entries say.
    pub memos: [String; 3],
    pub now: Millis,
}

/// Writes a [`SalePayment`]; answers the buyer's and the seller's balances afterwards.
pub(crate) async fn pay_for_sale(tx: &mut Tx, sale: &SalePayment<'_>) -> Result<(i64, i64)> {
    let fee = platform_fee(sale.price);
    let [buyer_memo, seller_memo, fee_memo] = sale.memos.clone();
    let moves = [
        (sale.buyer_id, -sale.price, "buyer", buyer_memo),
        (sale.seller_id, sale.price - fee, "seller", seller_memo),
        (PLATFORM_ACCOUNT, fee, "fee", fee_memo),
    ];
    for (user_id, amount, side, memo) in moves {
        if amount == 0 {
            continue;
        }
        apply_ledger_tx(
            tx,
            user_id,
            &LedgerMove {
                kind: LedgerKind::Transfer,
                amount,
                idempotency_key: format!("{}:{side}", sale.key),
                memo,
            },
            None,
            sale.now,
        )
        .await?;
    }
    Ok((
        balance_in(tx, sale.buyer_id).await?,
        balance_in(tx, sale.seller_id).await?,
    ))
}

impl SqlStore {
    /// Which of `ids` (the `item` column of the sales `table`) `buyer_id` bought.
    pub(crate) async fn bought_of(
        &self,
        table: &str,
        item: &str,
        buyer_id: &str,
        ids: &[String],
    ) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {item} FROM {table} WHERE buyer_id = $1 AND {item} IN ({})",
            placeholders(2, ids.len())
        );
        on_read_pool!(self, pool => {
            let mut q = sqlx::query(&sql).bind(buyer_id);
            for id in ids {
                q = q.bind(id);
            }
            q.fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| r.text(item))
                .collect()
        })
    }
}
