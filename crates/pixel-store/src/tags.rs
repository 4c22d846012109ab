//! The tag queries: tags added to and removed from many of an owner's images in one transaction
//! (refused whole if one image is not theirs or would pass its tag limit), counted, and read per image.

use super::*;
use pixel_core::ops::tags::TagCount;

pub(crate) async fn owned_count(tx: &mut Tx, owner_id: &str, ids: &[String]) -> Result<usize> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM images WHERE owner_id = $1 AND id IN ({})",
        placeholders(2, ids.len())
    );
    let mut q = sqlx::query(&sql).bind(owner_id);
    for id in ids {
        q = q.bind(id);
    }
    let row = q.fetch_one(&mut **tx).await.map_err(db_err)?;
    Ok(usize::try_from(row.int("n")?).unwrap_or(0))
}

/// Inside `tx`: every tag on every image (pairs already there are kept), refused (invalid) if an image
/// would pass `max_per_image`. Pairs added. `tags` is not empty.
pub(crate) async fn add_tags_tx(
    tx: &mut Tx,
    dialect: Dialect,
    image_ids: &[String],
    tags: &[String],
    max_per_image: usize,
    now: Millis,
) -> Result<u64> {
    // One statement per image (its tags as rows), not one per pair: a request's 10 tags on 10,000
    // images are 10,000 statements, not 100,000.
    let mut added = 0;
    let now_at = 2 + tags.len();
    let rows: Vec<String> = (0..tags.len())
        .map(|i| format!("($1, ${}, ${now_at})", i + 2))
        .collect();
    let sql = format!(
        "INSERT INTO image_tags (image_id, tag, added_at) VALUES {} \
         ON CONFLICT (image_id, tag) DO NOTHING",
        rows.join(", ")
    );
    for id in image_ids {
        let mut q = sqlx::query(&sql).bind(id);
        for tag in tags {
            q = q.bind(tag);
        }
        added += q
            .bind(now)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?
            .rows_affected();
    }
    let sql = format!(
        "SELECT COUNT(*) AS n FROM (SELECT image_id FROM image_tags WHERE image_id IN ({}) \
         GROUP BY image_id HAVING COUNT(*) > {max_per_image}) over_limit",
        placeholders(1, image_ids.len())
    );
    let mut q = sqlx::query(&sql);
    for id in image_ids {
        q = q.bind(id);
    }
    if q.fetch_one(&mut **tx).await.map_err(db_err)?.int("n")? > 0 {
        return Err(Error::invalid(format!(
            "an image has at most {max_per_image} tags"
        )));
    }
    // Tags are search words: a typed prefix of one expands to it.
    add_search_terms(tx, dialect, &tags.join(" ")).await?;
    Ok(added)
}

#[async_trait]
impl TagStore for SqlStore {
    async fn add_tags(
        &self,
        owner_id: &str,
        image_ids: &[String],
        tags: &[String],
        max_per_image: usize,
        now: Millis,
    ) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if owned_count(tx, owner_id, image_ids).await? != image_ids.len() {
                return Err(Error::not_found("image"));
            }
            add_tags_tx(tx, self.dialect, image_ids, tags, max_per_image, now).await
        }
        .await;
        w.end(r).await
    }

    async fn remove_tags(
        &self,
        owner_id: &str,
        image_ids: &[String],
        tags: &[String],
    ) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if owned_count(tx, owner_id, image_ids).await? != image_ids.len() {
                return Err(Error::not_found("image"));
            }
            let sql = format!(
                "DELETE FROM image_tags WHERE image_id IN ({}) AND tag IN ({})",
                placeholders(1, image_ids.len()),
                placeholders(1 + image_ids.len(), tags.len())
            );
            let mut q = sqlx::query(&sql);
            for v in image_ids.iter().chain(tags) {
                q = q.bind(v);
            }
            Ok(q.execute(&mut **tx).await.map_err(db_err)?.rows_affected())
        }
        .await;
        w.end(r).await
    }

    async fn tag_counts(&self, owner_id: &str) -> Result<Vec<TagCount>> {
        on_read_pool!(self, pool => {
            sqlx::query(
                "SELECT t.tag, COUNT(*) AS n FROM image_tags t JOIN images i ON i.id = t.image_id \
                 WHERE i.owner_id = $1 GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT 500",
            )
            .bind(owner_id)
            .fetch_all(pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| Ok(TagCount { tag: r.text("tag")?, images: r.int("n")? }))
            .collect()
        })
    }

    async fn tags_of_image(&self, owner_id: &str, image_id: &str) -> Result<Option<Vec<String>>> {
        on_read_pool!(self, pool => {
            let owned = sqlx::query("SELECT 1 AS one FROM images WHERE id = $1 AND owner_id = $2")
                .bind(image_id)
                .bind(owner_id)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            if owned.is_none() {
                return Ok(None);
            }
            let tags = sqlx::query("SELECT tag FROM image_tags WHERE image_id = $1 ORDER BY tag")
                .bind(image_id)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| r.text("tag"))
                .collect::<Result<Vec<_>>>()?;
            Ok(Some(tags))
        })
    }
}
