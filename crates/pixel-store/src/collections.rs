//! The collection queries: collections with the counts and covers each viewer needs, their images in
//! the owner's order, changes made under the collection's own row lock, the sale of a premium one as
//! one transaction of three ledger entries, and which images a premium collection withholds.

use super::*;
use crate::market::{pay_for_sale, SalePayment};
use pixel_core::ops::collections::{CollectionChange, CollectionRow, NewCollection};
use pixel_core::ops::market::{platform_fee, SaleOutcome, PLATFORM_ACCOUNT};
use pixel_core::ops::premium::{CollectionSale, PremiumLockRow, MIN_PREMIUM_IMAGES};
use pixel_core::PremiumLock;

/// The cover others see of collection `c`: the chosen one while it is public, else the first
/// public image in order.
const PUBLIC_COVER_OF_C: &str = "COALESCE(\
     (SELECT i.id FROM images i WHERE i.id = c.cover_image_id AND i.visibility = 'public'), \
     (SELECT ci.image_id FROM collection_images ci JOIN images i ON i.id = ci.image_id \
      WHERE ci.collection_id = c.id AND i.visibility = 'public' ORDER BY ci.position LIMIT 1))";

fn collection_cols() -> String {
    format!(
        "c.id, c.owner_id, u.username AS owner_username, {PICTURE_OF_U} AS owner_picture, c.title, \
         c.description, c.visibility, c.cover_image_id, c.price, c.sales, c.created_at, c.updated_at, \
         (SELECT COUNT(*) FROM collection_images ci WHERE ci.collection_id = c.id) AS image_count, \
         (SELECT COUNT(*) FROM collection_images ci JOIN images i ON i.id = ci.image_id \
          WHERE ci.collection_id = c.id AND i.visibility = 'public') AS public_count, \
         (SELECT ci.image_id FROM collection_images ci WHERE ci.collection_id = c.id \
          ORDER BY ci.position LIMIT 1) AS first_image_id, \
         {PUBLIC_COVER_OF_C} AS public_cover_id"
    )
}

fn collection_from(r: &impl Cols) -> Result<CollectionRow> {
    Ok(CollectionRow {
        id: r.text("id")?,
        owner: UserSummary::new(r.text("owner_id")?, r.text("owner_username")?)
            .with_picture(r.opt_text("owner_picture")?),
        title: r.text("title")?,
        description: r.text("description")?,
        visibility: Visibility::parse(&r.text("visibility")?),
        cover_image_id: r.opt_text("cover_image_id")?,
        public_cover_id: r.opt_text("public_cover_id")?,
        first_image_id: r.opt_text("first_image_id")?,
        image_count: r.int("image_count")?,
        public_count: r.int("public_count")?,
        price: r.int("price")?,
        sales: r.int("sales")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
    })
}

/// Locks the collection's row for the rest of `tx` (changes to one collection queue), answering
/// (next position, price, sales, chosen cover).
async fn hold_collection(
    tx: &mut Tx,
    id: &str,
    now: Millis,
) -> Result<(i64, i64, i64, Option<String>)> {
    let row = sqlx::query(
        "UPDATE collections SET updated_at = $1 WHERE id = $2 \
         RETURNING next_position, price, sales, cover_image_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?
    .ok_or_else(|| Error::not_found("collection"))?;
    Ok((
        row.int("next_position")?,
        row.int("price")?,
        row.int("sales")?,
        row.opt_text("cover_image_id")?,
    ))
}

async fn public_count_in(tx: &mut Tx, id: &str) -> Result<i64> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM collection_images ci JOIN images i ON i.id = ci.image_id \
         WHERE ci.collection_id = $1 AND i.visibility = 'public'",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await
    .map_err(db_err)?
    .int("n")
}

/// Appends `image_ids` at `from` on; answers the next free position.
async fn append_images(
    tx: &mut Tx,
    id: &str,
    image_ids: &[String],
    from: i64,
    now: Millis,
) -> Result<i64> {
    let mut position = from;
    for image_id in image_ids {
        sqlx::query(
            "INSERT INTO collection_images (collection_id, image_id, position, added_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(image_id)
        .bind(position)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
        position += 1;
    }
    sqlx::query("UPDATE collections SET next_position = $1 WHERE id = $2")
        .bind(position)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(position)
}

async fn contained_in(tx: &mut Tx, id: &str, image_ids: &[String]) -> Result<Vec<String>> {
    if image_ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT image_id FROM collection_images WHERE collection_id = $1 AND image_id IN ({})",
        placeholders(2, image_ids.len())
    );
    let mut q = sqlx::query(&sql).bind(id);
    for image_id in image_ids {
        q = q.bind(image_id);
    }
    q.fetch_all(&mut **tx)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| r.text("image_id"))
        .collect()
}

#[async_trait]
impl CollectionStore for SqlStore {
    async fn insert_collection(&self, c: &NewCollection) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            sqlx::query(
                "INSERT INTO collections (id, owner_id, title, description, visibility, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(&c.id)
            .bind(&c.owner_id)
            .bind(&c.title)
            .bind(&c.description)
            .bind(c.visibility.as_str())
            .bind(c.created_at)
            .execute(&mut *w.tx)
            .await
            .map_err(db_err)?;
            append_images(&mut w.tx, &c.id, &c.image_ids, 0, c.created_at).await?;
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn collection(&self, id: &str) -> Result<Option<CollectionRow>> {
        let sql = format!(
            "SELECT {} FROM collections c JOIN users u ON u.id = c.owner_id WHERE c.id = $1",
            collection_cols()
        );
        on_read_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(collection_from)
                .transpose()
        })
    }

    async fn collections_of(
        &self,
        owner_id: &str,
        with_private: bool,
        page: &PageRequest,
    ) -> Result<Vec<CollectionRow>> {
        let only_public = if with_private {
            ""
        } else {
            "AND c.visibility = 'public'"
        };
        let sql = format!(
            "SELECT {} FROM collections c JOIN users u ON u.id = c.owner_id \
             WHERE c.owner_id = $1 {only_public} \
             AND (c.created_at < $2 OR (c.created_at = $2 AND c.id < $3)) \
             ORDER BY c.created_at DESC, c.id DESC LIMIT $4",
            collection_cols()
        );
        scoped_page!(self, &sql, owner_id, page, collection_from)
    }

    async fn public_collections(
        &self,
        min_price: i64,
        page: &PageRequest,
    ) -> Result<Vec<CollectionRow>> {
        let sql = format!(
            "SELECT {} FROM collections c JOIN users u ON u.id = c.owner_id \
             WHERE c.price >= $1 AND c.visibility = 'public' AND u.profile_private = 0 \
             AND u.suspended_at IS NULL \
             AND EXISTS (SELECT 1 FROM collection_images ci JOIN images i ON i.id = ci.image_id \
                         WHERE ci.collection_id = c.id AND i.visibility = 'public') \
             AND (c.created_at < $2 OR (c.created_at = $2 AND c.id < $3)) \
             ORDER BY c.created_at DESC, c.id DESC LIMIT $4",
            collection_cols()
        );
        scoped_page!(self, &sql, min_price, page, collection_from)
    }

    async fn unlocked_collections(
        &self,
        buyer_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<(CollectionRow, Millis)>> {
        let sql = format!(
            "SELECT {}, s.created_at AS bought_at FROM collection_sales s \
             JOIN collections c ON c.id = s.collection_id JOIN users u ON u.id = c.owner_id \
             WHERE s.buyer_id = $1 \
             AND (s.created_at < $2 OR (s.created_at = $2 AND c.id < $3)) \
             ORDER BY s.created_at DESC, c.id DESC LIMIT $4",
            collection_cols()
        );
        scoped_page!(self, &sql, buyer_id, page, |r| Ok((
            collection_from(r)?,
            r.int("bought_at")?
        )))
    }

    async fn update_collection(&self, id: &str, change: &CollectionChange) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let (_, _, _, cover) = hold_collection(&mut w.tx, id, change.updated_at).await?;
            let cover = match &change.cover_image_id {
                Some(Some(chosen)) => {
                    if contained_in(&mut w.tx, id, std::slice::from_ref(chosen))
                        .await?
                        .is_empty()
                    {
                        return Err(Error::invalid(
                            "the cover must be an image of the collection",
                        ));
                    }
                    Some(chosen.clone())
                }
                Some(None) => None,
                None => cover,
            };
            let current =
                sqlx::query("SELECT title, description, visibility FROM collections WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
            let visibility = match change.visibility {
                Some(v) => v.as_str().to_string(),
                None => current.text("visibility")?,
            };
            sqlx::query(
                "UPDATE collections SET title = $1, description = $2, visibility = $3, \
                 cover_image_id = $4 WHERE id = $5",
            )
            .bind(
                change
                    .title
                    .clone()
                    .map_or_else(|| current.text("title"), Ok)?,
            )
            .bind(
                change
                    .description
                    .clone()
                    .map_or_else(|| current.text("description"), Ok)?,
            )
            .bind(visibility)
            .bind(cover)
            .bind(id)
            .execute(&mut *w.tx)
            .await
            .map_err(db_err)?;
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn delete_collection(&self, id: &str) -> Result<bool> {
        self.write_statement(
            sqlx::query("DELETE FROM collections WHERE id = $1 AND sales = 0").bind(id),
        )
        .await
        .map(|n| n == 1)
    }

    async fn add_to_collection(
        &self,
        id: &str,
        image_ids: &[String],
        max_images: i64,
        now: Millis,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let (next, _, _, _) = hold_collection(&mut w.tx, id, now).await?;
            let already = contained_in(&mut w.tx, id, image_ids).await?;
            let new: Vec<String> = image_ids
                .iter()
                .filter(|i| !already.contains(i))
                .cloned()
                .collect();
            let held =
                sqlx::query("SELECT COUNT(*) AS n FROM collection_images WHERE collection_id = $1")
                    .bind(id)
                    .fetch_one(&mut *w.tx)
                    .await
                    .map_err(db_err)?
                    .int("n")?;
            if held + new.len() as i64 > max_images {
                return Err(Error::invalid(format!(
                    "a collection holds at most {max_images} images (this one has {held})"
                )));
            }
            append_images(&mut w.tx, id, &new, next, now).await?;
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn remove_from_collection(
        &self,
        id: &str,
        image_ids: &[String],
        now: Millis,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            let (_, price, sales, cover) = hold_collection(&mut w.tx, id, now).await?;
            if sales > 0 {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    "people bought this collection with these images in it, so they stay: add new ones instead",
                ));
            }
            let sql = format!(
                "DELETE FROM collection_images WHERE collection_id = $1 AND image_id IN ({})",
                placeholders(2, image_ids.len())
            );
            let mut q = sqlx::query(&sql).bind(id);
            for image_id in image_ids {
                q = q.bind(image_id);
            }
            q.execute(&mut *w.tx).await.map_err(db_err)?;
            if price > 0 && public_count_in(&mut w.tx, id).await? < MIN_PREMIUM_IMAGES {
                return Err(Error::invalid(format!(
                    "a premium collection keeps at least {MIN_PREMIUM_IMAGES} public images: make it free first"
                )));
            }
            if cover.is_some_and(|c| image_ids.contains(&c)) {
                sqlx::query("UPDATE collections SET cover_image_id = NULL WHERE id = $1")
                    .bind(id)
                    .execute(&mut *w.tx)
                    .await
                    .map_err(db_err)?;
            }
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn move_in_collection(
        &self,
        id: &str,
        image_id: &str,
        to_index: u32,
        now: Millis,
    ) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let r = async {
            hold_collection(&mut w.tx, id, now).await?;
            let rows = sqlx::query(
                "SELECT image_id, position FROM collection_images WHERE collection_id = $1 \
                 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *w.tx)
            .await
            .map_err(db_err)?;
            let mut order = Vec::with_capacity(rows.len());
            let mut positions = Vec::with_capacity(rows.len());
            for row in &rows {
                order.push(row.text("image_id")?);
                positions.push(row.int("position")?);
            }
            let Some(from) = order.iter().position(|i| i == image_id) else {
                return Ok(false);
            };
            let to = (to_index as usize).min(order.len() - 1);
            let moved = order.remove(from);
            order.insert(to, moved);
            // Only the span between the two places changes; it keeps the positions it had.
            for k in from.min(to)..=from.max(to) {
                sqlx::query(
                    "UPDATE collection_images SET position = $1 WHERE collection_id = $2 AND image_id = $3",
                )
                .bind(positions[k])
                .bind(id)
                .bind(&order[k])
                .execute(&mut *w.tx)
                .await
                .map_err(db_err)?;
            }
            Ok(true)
        }
        .await;
        w.end(r).await
    }

    async fn collection_images(
        &self,
        id: &str,
        public_only: bool,
        page: &PageRequest,
    ) -> Result<Vec<(Image, i64)>> {
        let only_public = if public_only {
            "AND visibility = 'public'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {IMAGE_COLS}, ci.position FROM images \
             JOIN collection_images ci ON ci.image_id = images.id \
             WHERE ci.collection_id = $1 {only_public} AND ci.position > $2 \
             ORDER BY ci.position LIMIT $3"
        );
        let after = page.before.as_ref().map_or(-1, |(position, _)| *position);
        on_read_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(id)
                .bind(after)
                .bind(i64::from(page.limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| Ok((image_from(r)?, r.int("position")?)))
                .collect()
        })
    }

    async fn set_collection_price(
        &self,
        id: &str,
        price: i64,
        min_public_images: i64,
        now: Millis,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let r = async {
            hold_collection(&mut w.tx, id, now).await?;
            if price > 0 {
                let public = public_count_in(&mut w.tx, id).await?;
                if public < min_public_images {
                    return Err(Error::invalid(format!(
                        "a premium collection needs at least {min_public_images} public images (this one has {public})"
                    )));
                }
            }
            sqlx::query("UPDATE collections SET price = $1 WHERE id = $2")
                .bind(price)
                .bind(id)
                .execute(&mut *w.tx)
                .await
                .map_err(db_err)?;
            Ok(())
        }
        .await;
        w.end(r).await
    }

    async fn bought_collections(&self, buyer_id: &str, ids: &[String]) -> Result<Vec<String>> {
        self.bought_of("collection_sales", "collection_id", buyer_id, ids)
            .await
    }

    async fn buy_collection(&self, sale: &CollectionSale) -> Result<SaleOutcome> {
        let mut w = self.begin_write().await?;
        let r = buy_tx(&mut w.tx, sale).await;
        w.end(r).await
    }

    async fn premium_locks(
        &self,
        image_ids: &[String],
        viewer: Option<&str>,
    ) -> Result<Vec<PremiumLockRow>> {
        if image_ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT ci.image_id, c.id AS collection_id, c.title, c.price, \
             CAST(CASE WHEN {PUBLIC_COVER_OF_C} = ci.image_id THEN 1 ELSE 0 END AS BIGINT) AS cover \
             FROM collection_images ci JOIN collections c ON c.id = ci.collection_id \
             WHERE ci.image_id IN ({}) AND c.price > 0 AND c.visibility = 'public' \
             AND NOT EXISTS (SELECT 1 FROM collection_sales s JOIN collection_images cj \
             ON cj.collection_id = s.collection_id WHERE s.buyer_id = $1 AND cj.image_id = ci.image_id)",
            placeholders(2, image_ids.len())
        );
        on_read_pool!(self, pool => {
            // Nobody's id is empty: a stranger bought nothing.
            let mut q = sqlx::query(&sql).bind(viewer.unwrap_or(""));
            for id in image_ids {
                q = q.bind(id);
            }
            q.fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| {
                    Ok(PremiumLockRow {
                        image_id: r.text("image_id")?,
                        lock: PremiumLock {
                            collection_id: r.text("collection_id")?,
                            title: r.text("title")?,
                            price: r.int("price")?,
                            cover: r.int("cover")? == 1,
                        },
                    })
                })
                .collect()
        })
    }
}

async fn buy_tx(tx: &mut Tx, sale: &CollectionSale) -> Result<SaleOutcome> {
    let collection = sqlx::query("SELECT owner_id, title FROM collections WHERE id = $1")
        .bind(&sale.collection_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| Error::not_found("collection"))?;
    let seller_id = collection.text("owner_id")?;
    let title = collection.text("title")?;
    // Sales between the same people in both directions at once queue instead of deadlocking.
    hold_balances(tx, &[&sale.buyer_id, &seller_id, PLATFORM_ACCOUNT]).await?;
    let inserted = sqlx::query(
        "INSERT INTO collection_sales (id, collection_id, buyer_id, seller_id, price, fee, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (collection_id, buyer_id) DO NOTHING",
    )
    .bind(&sale.id)
    .bind(&sale.collection_id)
    .bind(&sale.buyer_id)
    .bind(&seller_id)
    .bind(sale.price)
    .bind(platform_fee(sale.price))
    .bind(sale.created_at)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !inserted {
        return Ok(SaleOutcome::AlreadyOwned);
    }
    // Under the collection's own row lock: a price change or a privacy change that committed
    // first stops this sale at the price the buyer saw.
    let on_sale = sqlx::query(
        "UPDATE collections SET sales = sales + 1 \
         WHERE id = $1 AND price = $2 AND price > 0 AND visibility = 'public'",
    )
    .bind(&sale.collection_id)
    .bind(sale.price)
    .execute(&mut **tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    if !on_sale {
        return Err(Error::new(
            ErrorCode::Conflict,
            "this collection is no longer for sale at that price: look at it again",
        ));
    }
    let (buyer_balance, seller_balance) = pay_for_sale(
        tx,
        &SalePayment {
            key: &format!("collection_sale:{}:{}", sale.collection_id, sale.buyer_id),
            buyer_id: &sale.buyer_id,
            seller_id: &seller_id,
            price: sale.price,
            memos: [
                format!("Unlocked the collection “{title}”"),
                format!("Sold the collection “{title}” to @{}", sale.buyer_username),
                format!("Fee on the collection “{title}”"),
            ],
            now: sale.created_at,
        },
    )
    .await?;
    Ok(SaleOutcome::Sold {
        seller_id,
        price: sale.price,
        buyer_balance,
        seller_balance,
    })
}
