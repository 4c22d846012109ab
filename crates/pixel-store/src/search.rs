//! Full-text search text: user words into each dialect's query (no query syntax from user text), and
//! the vocabulary of indexed words that lets a search's last word, typed as a prefix, be asked as the
//! few whole words it starts.

use super::*;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// At most this many whole words stand in for a prefix; a prefix starting more (one or two letters)
/// is asked as a prefix, which matches so much that the newest-first walk fills a page at once.
const PREFIX_TERMS_MAX: usize = 16;

/// At most this many words of a search are used.
const SEARCH_WORDS_MAX: usize = 10;

/// The runs of letters and digits in `text`, which is all of it a search or the vocabulary uses.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The words of a search: letters and digits only, lower case, so nothing of the query syntax
/// (quotes, operators, column filters) reaches the database from user text.
fn search_words(text: &str) -> Vec<String> {
    words_of(text)
        .take(SEARCH_WORDS_MAX)
        .map(str::to_lowercase)
        .collect()
}

/// A word as SQLite's FTS5 index holds it (`unicode61 remove_diacritics 2`): lower case, accents off.
fn fold_sqlite(word: &str) -> String {
    word.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The first string after every string that starts with `prefix` (in byte order, which is code point
/// order for UTF-8), so `term >= prefix AND term < end` is exactly the terms starting with `prefix`.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The words SQLite's indexes will hold for `text` (a prompt, or tags), for the vocabulary
/// (PostgreSQL keeps its own by trigger, from its own lexemes).
pub(crate) async fn add_search_terms(tx: &mut Tx, dialect: Dialect, text: &str) -> Result<()> {
    if dialect != Dialect::Sqlite {
        return Ok(());
    }
    let mut terms: Vec<String> = words_of(text).map(fold_sqlite).collect();
    terms.sort_unstable();
    terms.dedup();
    if terms.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (1..=terms.len()).map(|i| format!("(${i})")).collect();
    let sql = format!(
        "INSERT OR IGNORE INTO search_terms (term) VALUES {}",
        values.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for t in &terms {
        q = q.bind(t);
    }
    q.execute(&mut **tx).await.map_err(db_err)?;
    Ok(())
}

/// How the last word of a search is matched.
enum LastWord {
    /// These whole words (the prefix starts them all).
    Terms(Vec<String>),
    /// Every word the prefix starts.
    Prefix(String),
}

impl SqlStore {
    /// The dialect's full-text query for `text`: every word required, the last one as a prefix (so
    /// "red ligh" finds "red lighthouse" while it is typed), the others whole. The prefix is asked as
    /// the whole words it starts when the vocabulary has between 1 and 16 of them: a prefix made
    /// GIN's partial match cost 20-40 ms where the same whole words cost 2-10 ms (1M images), and
    /// FTS5 read a common prefix's whole doclist (22 ms) where a whole word took 0.1 ms. None when no
    /// word is left.
    pub(crate) async fn text_query(&self, text: &str) -> Result<Option<String>> {
        let mut words = search_words(text);
        let Some(last) = words.pop() else {
            return Ok(None);
        };
        let fold = |w: &str| match self.dialect {
            Dialect::Sqlite => fold_sqlite(w),
            Dialect::Postgres => w.to_string(),
        };
        // A word twice, or a prefix of a word already required, asks nothing more, and PostgreSQL
        // estimates such a query as far rarer than it is (a 44,000-match word asked twice was planned
        // for 2,400 and took 211 ms).
        let mut seen = std::collections::HashSet::new();
        words.retain(|w| seen.insert(fold(w)));
        let last = fold(&last);
        if seen.iter().any(|w| w.starts_with(&last)) {
            return Ok(Some(query_text(self.dialect, &words, None)));
        }
        let terms = self.terms_starting(&last).await?;
        let last = if (1..=PREFIX_TERMS_MAX).contains(&terms.len()) {
            LastWord::Terms(terms)
        } else {
            LastWord::Prefix(last)
        };
        Ok(Some(query_text(self.dialect, &words, Some(&last))))
    }

    /// Up to one more than [`PREFIX_TERMS_MAX`] indexed words starting with `prefix`.
    async fn terms_starting(&self, prefix: &str) -> Result<Vec<String>> {
        let limit = PREFIX_TERMS_MAX as i64 + 1;
        on_read_pool!(self, pool => {
            let rows = match prefix_end(prefix) {
                Some(end) => {
                    sqlx::query_scalar::<_, String>(
                        "SELECT term FROM search_terms WHERE term >= $1 AND term < $2 ORDER BY term LIMIT $3",
                    )
                    .bind(prefix)
                    .bind(end)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
                }
                None => {
                    sqlx::query_scalar::<_, String>(
                        "SELECT term FROM search_terms WHERE term >= $1 ORDER BY term LIMIT $2",
                    )
                    .bind(prefix)
                    .bind(limit)
                    .fetch_all(pool)
                    .await
                }
            };
            rows.map_err(db_err)
        })
    }
}

/// The query text: FTS5's query syntax with every word a quoted string, or PostgreSQL's `tsquery`
/// input with every lexeme quoted (so it is taken as written, never parsed again).
fn query_text(dialect: Dialect, whole: &[String], last: Option<&LastWord>) -> String {
    let quote = |w: &str| match dialect {
        Dialect::Sqlite => format!("\"{}\"", w.replace('"', "\"\"")),
        Dialect::Postgres => format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''")),
    };
    let (and, or, prefix) = match dialect {
        Dialect::Sqlite => (" AND ", " OR ", "*"),
        Dialect::Postgres => (" & ", " | ", ":*"),
    };
    let mut parts: Vec<String> = whole.iter().map(|w| quote(w)).collect();
    match last {
        Some(LastWord::Terms(terms)) => {
            let alternatives: Vec<String> = terms.iter().map(|t| quote(t)).collect();
            parts.push(format!("({})", alternatives.join(or)));
        }
        Some(LastWord::Prefix(p)) => parts.push(format!("{}{prefix}", quote(p))),
        None => {}
    }
    parts.join(and)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> (Vec<String>, String) {
        let mut w = search_words(text);
        let last = w.pop().unwrap_or_default();
        (w, last)
    }

    #[test]
    fn search_text_becomes_quoted_words_and_never_query_syntax() {
        let (whole, last) = words(r#"Red "fox" OR prompt:* NEAR(a)"#);
        assert_eq!(
            query_text(Dialect::Sqlite, &whole, Some(&LastWord::Prefix(last))),
            r#""red" AND "fox" AND "or" AND "prompt" AND "near" AND "a"*"#
        );
        let (whole, last) = words("light-house & !x");
        assert_eq!(
            query_text(Dialect::Postgres, &whole, Some(&LastWord::Prefix(last))),
            "'light' & 'house' & 'x':*"
        );
        assert!(search_words("%% ** !!").is_empty());
        assert_eq!(fold_sqlite("Émile"), "emile");
    }

    #[test]
    fn a_prefix_becomes_its_whole_words_quoted() {
        let terms = LastWord::Terms(vec!["tiger".into(), "o'neil\\".into()]);
        assert_eq!(
            query_text(Dialect::Postgres, &["koi".into()], Some(&terms)),
            r"'koi' & ('tiger' | 'o''neil\\')"
        );
        let terms = LastWord::Terms(vec!["tiger".into(), "a\"b".into()]);
        assert_eq!(
            query_text(Dialect::Sqlite, &[], Some(&terms)),
            r#"("tiger" OR "a""b")"#
        );
    }

    #[test]
    fn a_prefix_range_ends_after_every_word_it_starts() {
        assert_eq!(prefix_end("tig").as_deref(), Some("tih"));
        assert_eq!(prefix_end("a\u{d7ff}").as_deref(), Some("a\u{e000}"));
        assert_eq!(prefix_end("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10ffff}"), None);
    }
}
