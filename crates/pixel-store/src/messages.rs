//! The direct-message queries: one conversation per pair (user_a < user_b) carrying its last message
//! and both unread counts, so the inbox is one indexed read; messages newest first by keyset.

use super::*;
use pixel_core::social::{Conversation, Message};

const MESSAGE_COLS: &str = "id, conversation_id, sender_id, body, created_at";

fn message_from(r: &impl Cols) -> Result<Message> {
    Ok(Message {
        id: r.text("id")?,
        conversation_id: r.text("conversation_id")?,
        sender_id: r.text("sender_id")?,
        body: r.text("body")?,
        created_at: r.int("created_at")?,
    })
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn send_message(&self, to: &str, m: &Message) -> Result<Message> {
        let (a, b) = if m.sender_id.as_str() < to {
            (m.sender_id.as_str(), to)
        } else {
            (to, m.sender_id.as_str())
        };
        // The recipient's side gains an unread message; writing means the sender has read theirs.
        let (a_add, b_add, on_conflict) = if to == a {
            (
                1_i64,
                0_i64,
                "a_unread = conversations.a_unread + 1, b_unread = 0",
            )
        } else {
            (0, 1, "a_unread = 0, b_unread = conversations.b_unread + 1")
        };
        let mut w = self.begin_write().await?;
        let tx = &mut w.tx;
        let r = async {
            let row = sqlx::query(&format!(
                "INSERT INTO conversations (id, user_a, user_b, a_unread, b_unread, last_body, \
                 last_sender_id, last_message_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                 ON CONFLICT (user_a, user_b) DO UPDATE SET {on_conflict}, \
                 last_body = $6, last_sender_id = $7, last_message_at = $8 RETURNING id"
            ))
            .bind(pixel_core::new_id())
            .bind(a)
            .bind(b)
            .bind(a_add)
            .bind(b_add)
            .bind(&m.body)
            .bind(&m.sender_id)
            .bind(m.created_at)
            .fetch_one(&mut **tx)
            .await
            .map_err(db_err)?;
            let conversation_id = row.text("id")?;
            let message = Message {
                conversation_id,
                ..m.clone()
            };
            sqlx::query(&format!(
                "INSERT INTO messages ({MESSAGE_COLS}) VALUES ($1, $2, $3, $4, $5)"
            ))
            .bind(&message.id)
            .bind(&message.conversation_id)
            .bind(&message.sender_id)
            .bind(&message.body)
            .bind(message.created_at)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
            Ok(message)
        }
        .await;
        w.end(r).await
    }

    async fn participants(&self, conversation_id: &str) -> Result<Option<(String, String)>> {
        let row = sqlx::query("SELECT user_a, user_b FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| Ok((r.text("user_a")?, r.text("user_b")?)))
            .transpose()
    }

    async fn conversations(&self, user_id: &str, page: &PageRequest) -> Result<Vec<Conversation>> {
        // Each side reads its own index; the two halves are merged by the outer ORDER BY.
        let side = |me: &str, other: &str, unread: &str| {
            format!(
                "SELECT c.id, c.last_body, c.last_sender_id, c.last_message_at, c.{unread} AS unread, \
                 u.id AS with_id, u.username AS with_username, {PICTURE_OF_U} AS with_picture \
                 FROM conversations c \
                 JOIN users u ON u.id = c.{other} WHERE c.{me} = $1 \
                 AND (c.last_message_at < $2 OR (c.last_message_at = $2 AND c.id < $3))"
            )
        };
        let sql = format!(
            "SELECT * FROM ({} UNION ALL {}) x ORDER BY last_message_at DESC, id DESC LIMIT $4",
            side("user_a", "user_b", "a_unread"),
            side("user_b", "user_a", "b_unread")
        );
        let me = user_id.to_string();
        scoped_page!(self, &sql, user_id, page, |r| {
            Ok(Conversation {
                id: r.text("id")?,
                with: UserSummary::new(r.text("with_id")?, r.text("with_username")?)
                    .with_picture(r.opt_text("with_picture")?),
                last_body: r.text("last_body")?,
                last_from_me: r.text("last_sender_id")? == me,
                last_message_at: r.int("last_message_at")?,
                unread: r.int("unread")?,
            })
        })
    }

    async fn messages(&self, conversation_id: &str, page: &PageRequest) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLS} FROM messages WHERE conversation_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, conversation_id, page, message_from)
    }

    async fn get_message(&self, id: &str) -> Result<Option<Message>> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLS} FROM messages WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(message_from).transpose()
    }

    async fn mark_conversation_read(&self, conversation_id: &str, user_id: &str) -> Result<()> {
        self.write_statement(
            sqlx::query(
                "UPDATE conversations SET \
             a_unread = CASE WHEN user_a = $2 THEN 0 ELSE a_unread END, \
             b_unread = CASE WHEN user_b = $2 THEN 0 ELSE b_unread END \
             WHERE id = $1",
            )
            .bind(conversation_id)
            .bind(user_id),
        )
        .await
        .map(drop)
    }

    async fn unread_messages(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query(
            // PostgreSQL sums BIGINTs as NUMERIC: cast back.
            "SELECT CAST(COALESCE(SUM(CASE WHEN user_a = $1 THEN a_unread ELSE b_unread END), 0) AS BIGINT) AS n \
             FROM conversations WHERE user_a = $1 OR user_b = $1",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.int("n")
    }
}
