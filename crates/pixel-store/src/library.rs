//! The owner's library as one query per page: its filters, its full-text search (SQLite's
//! `library_fts`, PostgreSQL's `library_search`, both scoped to the owner and holding prompt and tags)
//! and its keyset pages, newest first.

use super::*;

/// The single token that stands for `owner_id` in SQLite's library index: `o` and the id's bytes in
/// hex (the migration's `'o' || hex(owner_id)`), so no id is split into words or mistaken for another.
fn owner_token(owner_id: &str) -> String {
    let mut token = String::with_capacity(1 + 2 * owner_id.len());
    token.push('o');
    for b in owner_id.bytes() {
        token.push_str(&format!("{b:02X}"));
    }
    token
}

/// The `LIKE` pattern of every clip's type: a clip is stored as `video/...`, a still as `image/...`.
pub(crate) const VIDEO_MIME: &str = "video/%";

/// The condition keeping only `media`, around the placeholder bound to [`VIDEO_MIME`].
pub(crate) fn media_condition(media: pixel_core::MediaKind, placeholder: usize) -> String {
    match media {
        pixel_core::MediaKind::Video => format!("mime LIKE ${placeholder}"),
        pixel_core::MediaKind::Image => format!("mime NOT LIKE ${placeholder}"),
    }
}

/// How a page is read.
#[derive(PartialEq)]
enum Shape {
    /// The owner's images newest first by time (no search text; or SQLite's search within a set,
    /// collection or tag, each image of which is asked of the index).
    Images,
    /// SQLite's search: the owner's matches walked in the index newest-stored first.
    SqliteWalk,
    /// PostgreSQL's search: the page chosen in the narrow `library_search`, only its rows read.
    PostgresNarrow,
}

/// A library query ready to run: its SQL, its text binds (numbered first) and integer binds (after
/// them), and whether the statement may be kept prepared.
pub(crate) struct LibraryQuery {
    pub(crate) sql: String,
    pub(crate) texts: Vec<String>,
    pub(crate) ints: Vec<i64>,
    /// False for a search: PostgreSQL plans a kept statement once for any words after a few runs,
    /// and that generic plan walked the whole library for a rare word (61 ms where the word's own
    /// plan takes 6); planned each time, each word gets the plan its frequency calls for.
    pub(crate) persistent: bool,
}

impl SqlStore {
    /// What a library filter's text asks of the full-text index: `Some(None)` when there is no text,
    /// `Some(Some(query))` for the dialect's query scoped to the owner, `None` when the text has no
    /// word left (only punctuation), which nothing matches.
    pub(crate) async fn library_text(
        &self,
        owner_id: &str,
        filter: &ImageFilter,
    ) -> Result<Option<Option<String>>> {
        let Some(text) = &filter.text else {
            return Ok(Some(None));
        };
        let Some(words) = self.text_query(text).await? else {
            return Ok(None);
        };
        Ok(Some(Some(match self.dialect {
            Dialect::Sqlite => format!(
                "owner : \"{}\" AND words : ({words})",
                owner_token(owner_id)
            ),
            Dialect::Postgres => words,
        })))
    }

    /// One page of an owner's library under a filter, newest first: whole images, or only their ids
    /// (`ids_only`, a column named `id`). `text` is the filter's text as [`Self::library_text`] made
    /// it. Every word is in the prompt or the image's tags, in any order (one document per image).
    pub(crate) fn library_query(
        &self,
        ids_only: bool,
        owner_id: &str,
        filter: &ImageFilter,
        text: Option<&str>,
        page: &PageRequest,
    ) -> LibraryQuery {
        let cols = if ids_only { "id" } else { IMAGE_COLS };
        let mut texts: Vec<String> = vec![owner_id.to_string()];
        let mut push = |t: &str| {
            texts.push(t.to_string());
            texts.len()
        };
        // Conditions on the images' own columns (none of them named in the search tables).
        let mut conds: Vec<String> = vec![];
        if let Some(model) = &filter.model {
            conds.push(format!("model = ${}", push(model)));
        }
        if let Some(set_id) = &filter.set_id {
            conds.push(format!("set_id = ${}", push(set_id)));
        }
        if let Some(media) = filter.media {
            conds.push(media_condition(media, push(VIDEO_MIME)));
        }
        if let Some(collection_id) = &filter.collection_id {
            conds.push(format!(
                "id IN (SELECT image_id FROM collection_images WHERE collection_id = ${})",
                push(collection_id)
            ));
        }
        if let Some(tag) = &filter.tag {
            conds.push(format!(
                "id IN (SELECT image_id FROM image_tags WHERE tag = ${})",
                push(tag)
            ));
        }
        let narrowed = !conds.is_empty();
        // SQLite: walking the owner's matches newest-stored first stops at the page (0.8 ms for a word
        // in half of 100,000 images, where reading every match's row first took 225 ms). Stored order
        // is time order (an image is stamped as it is stored), so the cursor's image stands for its
        // position. A set, collection or tag is narrower than any word: each of its images is asked of
        // the index instead.
        let shape = match (self.dialect, text) {
            (_, None) => Shape::Images,
            (Dialect::Sqlite, Some(_))
                if filter.set_id.is_some()
                    || filter.collection_id.is_some()
                    || filter.tag.is_some() =>
            {
                Shape::Images
            }
            (Dialect::Sqlite, Some(_)) => Shape::SqliteWalk,
            (Dialect::Postgres, Some(_)) => Shape::PostgresNarrow,
        };
        if let Some(text) = text {
            let n = push(text);
            conds.push(match shape {
                Shape::SqliteWalk => format!("library_fts MATCH ${n}"),
                Shape::PostgresNarrow => format!("s.words @@ CAST(${n} AS tsquery)"),
                Shape::Images => format!(
                    "EXISTS (SELECT 1 FROM library_fts WHERE library_fts MATCH ${n} \
                     AND library_fts.rowid = images.rowid)"
                ),
            });
        }
        let cursor_id = page.before.as_ref().map(|(_, id)| push(id));
        // Integer binds are numbered after every text bind.
        let base = texts.len();
        let mut ints: Vec<i64> = vec![];
        let mut int = |v: i64| {
            ints.push(v);
            format!("${}", base + ints.len())
        };
        let (time, id) = match shape {
            Shape::PostgresNarrow => ("s.made_at", "s.image_id"),
            _ => ("created_at", "id"),
        };
        if let Some(from) = filter.from {
            conds.push(format!("{time} >= {}", int(from)));
        }
        if let Some(to) = filter.to {
            conds.push(format!("{time} <= {}", int(to)));
        }
        if let (Some((ts, _)), Some(idp)) = (&page.before, cursor_id) {
            let ts = int(*ts);
            conds.push(match shape {
                // The cursor's image, or when it was deleted meanwhile, the first stored at its time.
                Shape::SqliteWalk => format!(
                    "library_fts.rowid < COALESCE((SELECT rowid FROM images WHERE id = ${idp}), \
                     (SELECT MIN(rowid) FROM images WHERE owner_id = $1 AND created_at >= {ts}))"
                ),
                _ => format!("({time} < {ts} OR ({time} = {ts} AND {id} < ${idp}))"),
            });
        }
        let limit = int(i64::from(page.limit));
        let conds: String = conds.iter().map(|c| format!(" AND {c}")).collect();
        let sql = match shape {
            Shape::Images => format!(
                "SELECT {cols} FROM images WHERE owner_id = $1{conds} \
                 ORDER BY created_at DESC, id DESC LIMIT {limit}"
            ),
            Shape::SqliteWalk => format!(
                "SELECT {cols} FROM library_fts JOIN images ON images.rowid = library_fts.rowid \
                 WHERE owner_id = $1{conds} ORDER BY library_fts.rowid DESC LIMIT {limit}"
            ),
            // The images are joined in only to filter by their columns: reading every match's wide
            // row to sort it is what the narrow table avoids (ids alone never read them: 10,000 ids
            // fetched back by id read the whole images table, 112 ms).
            Shape::PostgresNarrow => {
                let join = if narrowed {
                    " JOIN images ON images.id = s.image_id"
                } else {
                    ""
                };
                let page = format!(
                    "FROM library_search s{join} WHERE s.owner_id = $1{conds} \
                     ORDER BY s.made_at DESC, s.image_id DESC LIMIT {limit}"
                );
                if ids_only {
                    format!("SELECT s.image_id AS id {page}")
                } else {
                    format!(
                        "SELECT {cols} FROM images WHERE id IN (SELECT s.image_id {page}) \
                         ORDER BY created_at DESC, id DESC"
                    )
                }
            }
        };
        LibraryQuery {
            sql,
            texts,
            ints,
            persistent: text.is_none(),
        }
    }
}
