//! The tag-suggestion queries: a tagger's proposals kept per image (never one the image has, never one
//! the owner rejected), and the owner's review — accepted ones moved into the image's tags, rejected
//! ones remembered — in one transaction.

use super::*;
use pixel_core::ops::tag_suggestions::TagSuggestion;
use pixel_core::tagging::TagSource;

/// An image's waiting proposals when `$2` owns it: not rejected, and not a tag the image has (the
/// owner may have typed it since).
const PROPOSED: &str = "SELECT tag, source FROM tag_suggestions s \
     JOIN images i ON i.id = s.image_id AND i.owner_id = $2 WHERE s.image_id = $1 \
     AND s.state = 'proposed' AND NOT EXISTS \
     (SELECT 1 FROM image_tags t WHERE t.image_id = s.image_id AND t.tag = s.tag) \
     ORDER BY s.proposed_at, s.rank";

fn suggestion(tag: String, source: &str) -> Result<TagSuggestion> {
    let source = TagSource::parse(source)
        .ok_or_else(|| Error::internal(format!("unknown tag source '{source}'")))?;
    Ok(TagSuggestion { tag, source })
}

async fn owns(tx: &mut Tx, owner_id: &str, image_id: &str) -> Result<bool> {
    Ok(crate::tags::owned_count(tx, owner_id, &[image_id.to_string()]).await? == 1)
}

#[async_trait]
impl TagSuggestionStore for SqlStore {
    async fn propose_tags(
        &self,
        owner_id: &str,
        image_id: &str,
        tags: &[String],
        source: TagSource,
        now: Millis,
    ) -> Result<Option<Vec<TagSuggestion>>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if !owns(tx, owner_id, image_id).await? {
                return Ok(None);
            }
            for (rank, tag) in (0i64..).zip(tags) {
                sqlx::query(
                    "INSERT INTO tag_suggestions (image_id, tag, source, state, proposed_at, rank) \
                     SELECT $1, $2, $3, 'proposed', $4, $5 WHERE NOT EXISTS \
                     (SELECT 1 FROM image_tags WHERE image_id = $1 AND tag = $2) \
                     ON CONFLICT (image_id, tag) DO NOTHING",
                )
                .bind(image_id)
                .bind(tag)
                .bind(source.as_str())
                .bind(now)
                .bind(rank)
                .execute(&mut **tx)
                .await
                .map_err(db_err)?;
            }
            let rows = sqlx::query(PROPOSED)
                .bind(image_id)
                .bind(owner_id)
                .fetch_all(&mut **tx)
                .await
                .map_err(db_err)?;
            rows.iter()
                .map(|r| suggestion(r.text("tag")?, &r.text("source")?))
                .collect::<Result<Vec<_>>>()
                .map(Some)
        }
        .await;
        w.end(r).await
    }

    async fn proposed_tags(&self, owner_id: &str, image_id: &str) -> Result<Vec<TagSuggestion>> {
        on_read_pool!(self, pool => {
            sqlx::query(PROPOSED)
                .bind(image_id)
                .bind(owner_id)
                .fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| suggestion(r.text("tag")?, &r.text("source")?))
                .collect()
        })
    }

    async fn review_tags(
        &self,
        owner_id: &str,
        image_id: &str,
        accept: &[String],
        reject: &[String],
        max_per_image: usize,
        now: Millis,
    ) -> Result<Option<()>> {
        let mut w = self.begin_write().await?;
        let r = async {
            let tx = &mut w.tx;
            if !owns(tx, owner_id, image_id).await? {
                return Ok(None);
            }
            if !accept.is_empty() {
                let image = [image_id.to_string()];
                crate::tags::add_tags_tx(tx, self.dialect, &image, accept, max_per_image, now)
                    .await?;
                let sql = format!(
                    "DELETE FROM tag_suggestions WHERE image_id = $1 AND tag IN ({})",
                    placeholders(2, accept.len())
                );
                let mut q = sqlx::query(&sql).bind(image_id);
                for tag in accept {
                    q = q.bind(tag);
                }
                q.execute(&mut **tx).await.map_err(db_err)?;
            }
            if !reject.is_empty() {
                let sql = format!(
                    "UPDATE tag_suggestions SET state = 'rejected' WHERE image_id = $1 \
                     AND tag IN ({})",
                    placeholders(2, reject.len())
                );
                let mut q = sqlx::query(&sql).bind(image_id);
                for tag in reject {
                    q = q.bind(tag);
                }
                q.execute(&mut **tx).await.map_err(db_err)?;
            }
            Ok(Some(()))
        }
        .await;
        w.end(r).await
    }
}
