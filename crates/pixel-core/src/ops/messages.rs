//! Direct messages: 1:1, 1–2000 characters, between accounts that can see each other and where
//! neither blocks the other; pushed live to both people; unread counts per conversation. A
//! conversation is its two people's alone: to anyone else it does not exist.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, Registry};
use crate::social::{Conversation, Message};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "messages.send",
        Write,
        "Send a direct message to an account",
        messages_send,
    );
    r.add(
        "messages.conversations",
        Read,
        "The caller's conversations, most recent first, with unread counts",
        messages_conversations,
    );
    r.add(
        "messages.list",
        Read,
        "The messages of one of the caller's conversations, newest first",
        messages_list,
    );
    r.add(
        "messages.mark_read",
        Write,
        "Mark one of the caller's conversations read",
        messages_mark_read,
    );
}

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub to_user_id: String,
    /// 1–2000 characters.
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationRef {
    pub conversation_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagesQuery {
    pub conversation_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct ConversationsOutput {
    pub conversations: Vec<Conversation>,
    /// Unread messages across every conversation.
    #[ts(type = "number")]
    pub unread: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct MessagesOutput {
    pub messages: Vec<Message>,
    /// The other person.
    pub with: crate::social::UserSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

pub async fn messages_send(app: &App, caller: &Caller, input: SendMessage) -> Result<Message> {
    let me = caller.user_id()?;
    let body = input.body.trim();
    let chars = body.chars().count();
    if chars == 0 || chars > MAX_MESSAGE_CHARS {
        return Err(Error::invalid(format!(
            "a message is 1–{MAX_MESSAGE_CHARS} characters (this one has {chars})"
        )));
    }
    if input.to_user_id == me {
        return Err(Error::invalid("you cannot message yourself"));
    }
    let them = visible_account(app, caller, &input.to_user_id).await?;
    refuse_if_blocked(app, me, &them.id, "message this account").await?;
    let message = app
        .store
        .messages()
        .send_message(
            &them.id,
            &Message {
                id: crate::new_id(),
                conversation_id: String::new(),
                sender_id: me.to_string(),
                body: body.to_string(),
                created_at: app.clock.now_ms(),
            },
        )
        .await?;
    // One event for both sides of the conversation: serialised once, delivered to each.
    app.events.publish(Envelope {
        audience: Audience::Users(vec![them.id.clone(), me.to_string()]),
        event: Event::MessageCreated {
            message: message.clone(),
        },
    });
    Ok(message)
}

pub async fn messages_conversations(
    app: &App,
    caller: &Caller,
    input: PageQuery,
) -> Result<ConversationsOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let conversations = app.store.messages().conversations(me, &page).await?;
    let next = next_cursor(&conversations, page.limit, |c| (c.last_message_at, &c.id));
    let unread = app.store.messages().unread_messages(me).await?;
    Ok(ConversationsOutput {
        conversations,
        unread,
        next,
    })
}

/// The other person of one of the caller's conversations; anyone else is told it does not exist.
async fn other_party(app: &App, me: &str, conversation_id: &str) -> Result<String> {
    match app.store.messages().participants(conversation_id).await? {
        Some((a, b)) if a == me => Ok(b),
        Some((a, b)) if b == me => Ok(a),
        _ => Err(Error::not_found("conversation")),
    }
}

pub async fn messages_list(
    app: &App,
    caller: &Caller,
    input: MessagesQuery,
) -> Result<MessagesOutput> {
    let me = caller.user_id()?;
    let other = other_party(app, me, &input.conversation_id).await?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let messages = app
        .store
        .messages()
        .messages(&input.conversation_id, &page)
        .await?;
    let next = next_cursor(&messages, page.limit, |m| (m.created_at, &m.id));
    let with = app
        .store
        .accounts()
        .get_user(&other)
        .await?
        .map(|u| crate::social::UserSummary::new(u.id, u.username))
        .ok_or_else(|| Error::not_found("conversation"))?
        .with_picture(super::profiles::picture_id(app, &other).await?);
    Ok(MessagesOutput {
        messages,
        with,
        next,
    })
}

pub async fn messages_mark_read(
    app: &App,
    caller: &Caller,
    input: ConversationRef,
) -> Result<ConversationsOutput> {
    let me = caller.user_id()?;
    other_party(app, me, &input.conversation_id).await?;
    app.store
        .messages()
        .mark_conversation_read(&input.conversation_id, me)
        .await?;
    messages_conversations(app, caller, PageQuery::default()).await
}

/// Whether the caller is one of the two people of the message's conversation (reports need this).
pub(crate) async fn readable_message(app: &App, caller: &Caller, id: &str) -> Result<Message> {
    let me = caller.user_id()?;
    let message = app
        .store
        .messages()
        .get_message(id)
        .await?
        .ok_or_else(|| Error::not_found("message"))?;
    other_party(app, me, &message.conversation_id)
        .await
        .map_err(|_| Error::not_found("message"))?;
    Ok(message)
}
