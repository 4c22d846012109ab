//! Tips: credits given to another account (1 to 1,000, never to oneself, no fee), with an optional
//! message of up to 500 characters and the image that moved the giver; the receiver is told, and
//! each side's tips are listed for them alone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::blocks::refuse_if_blocked;
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
        "tips.send",
        Write,
        "Give another account 1 to 1,000 of your credits, with an optional message",
        tips_send,
    )
    .rate(RateClass::Money);
    r.add(
        "tips.list",
        Read,
        "The tips the caller received, or sent, newest first",
        tips_list,
    );
}

pub const MIN_TIP: i64 = 1;
pub const MAX_TIP: i64 = 1000;
pub const MAX_TIP_MESSAGE_CHARS: usize = 500;

/// What a tip notification shows its receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct TipNote {
    pub tip_id: String,
    #[ts(type = "number")]
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
}

/// A tip as the store writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTip {
    pub id: String,
    pub from_user: String,
    pub from_username: String,
    pub to_user: String,
    pub to_username: String,
    pub amount: i64,
    pub message: Option<String>,
    pub image_id: Option<String>,
    /// The giver's key for this tip: the same key again is the same tip, never a second one.
    pub request_key: String,
    pub created_at: Millis,
}

/// What writing a tip did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipSent {
    /// The tip's id: the new one, or the one the request key made before.
    pub tip_id: String,
    /// False when the request key had made this tip before (nothing moved this time).
    pub fresh: bool,
    pub from_balance: i64,
    pub to_balance: i64,
}

/// One tip as one side of it sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
pub struct Tip {
    pub id: String,
    /// The other side: the giver of a received tip, the receiver of a sent one.
    pub other: UserSummary,
    #[ts(type = "number")]
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_id: Option<String>,
    #[ts(type = "number")]
    pub created_at: Millis,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendTip {
    /// The account to tip.
    pub user_id: String,
    /// Credits, 1 to 1,000.
    #[ts(type = "number")]
    pub amount: i64,
    /// Up to 500 characters, shown to the receiver alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub message: Option<String>,
    /// The receiver's image the tip is for (one the caller may see).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub image_id: Option<String>,
    /// A key the client makes once per tip (a UUID): a retry with the same key gives nothing twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub request_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct SendTipOutput {
    pub tip_id: String,
    /// The caller's balance after the tip.
    #[ts(type = "number")]
    pub balance: i64,
}

/// Which side of the caller's tips to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TipDirection {
    Received,
    Sent,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TipsQuery {
    pub direction: TipDirection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct TipsOutput {
    pub tips: Vec<Tip>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

/// The message as kept: trimmed, empty read as none, at most 500 characters.
fn tip_message(message: Option<String>) -> Result<Option<String>> {
    let Some(text) = message
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
    else {
        return Ok(None);
    };
    if text.chars().count() > MAX_TIP_MESSAGE_CHARS {
        return Err(Error::invalid(format!(
            "a tip's message is at most {MAX_TIP_MESSAGE_CHARS} characters"
        )));
    }
    Ok(Some(text))
}

pub async fn tips_send(app: &App, caller: &Caller, input: SendTip) -> Result<SendTipOutput> {
    let me = caller.user_id()?;
    if app.config.charging != ChargePolicy::Charge {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "this server does not use credits, so there is nothing to tip",
        ));
    }
    if !(MIN_TIP..=MAX_TIP).contains(&input.amount) {
        return Err(Error::invalid(format!(
            "a tip is {MIN_TIP} to {MAX_TIP} credits"
        )));
    }
    let message = tip_message(input.message)?;
    let request_key = match input.request_key {
        Some(key) if key.is_empty() || key.len() > 100 => {
            return Err(Error::invalid("request_key is 1 to 100 characters"))
        }
        Some(key) => key,
        None => crate::new_id(),
    };
    if input.user_id == me {
        return Err(Error::invalid("you cannot tip yourself"));
    }
    let them = visible_account(app, caller, &input.user_id).await?;
    refuse_if_blocked(app, me, &them.id, "tip this account").await?;
    // A tip for an image names one the giver may see, and the receiver's own.
    if let Some(image_id) = &input.image_id {
        let image = images_get(
            app,
            caller,
            ImageRef {
                image_id: image_id.clone(),
            },
        )
        .await?;
        if image.owner_id != them.id {
            return Err(Error::invalid("that image is not this account's"));
        }
    }
    let giver = app
        .store
        .accounts()
        .get_user(me)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let tip = NewTip {
        id: crate::new_id(),
        from_user: me.to_string(),
        from_username: giver.username,
        to_user: them.id.clone(),
        to_username: them.username,
        amount: input.amount,
        message: message.clone(),
        image_id: input.image_id.clone(),
        request_key,
        created_at: app.clock.now_ms(),
    };
    let sent = app.store.tips().send_tip(&tip).await?;
    if sent.fresh {
        tracing::info!(tip = %sent.tip_id, amount = tip.amount, "a tip was given");
        for (user_id, balance) in [(me, sent.from_balance), (them.id.as_str(), sent.to_balance)] {
            app.events.publish(Envelope {
                audience: Audience::User(user_id.to_string()),
                event: Event::BalanceChanged { balance },
            });
        }
        notify(
            app,
            Notice {
                actor: Some(me),
                image_id: input.image_id.as_deref(),
                tip: Some(TipNote {
                    tip_id: sent.tip_id.clone(),
                    amount: tip.amount,
                    message,
                }),
                key: Some(format!("tip:{}", sent.tip_id)),
                ..Notice::to(&them.id, NotificationKind::TipReceived)
            },
        )
        .await;
    }
    Ok(SendTipOutput {
        tip_id: sent.tip_id,
        balance: sent.from_balance,
    })
}

pub async fn tips_list(app: &App, caller: &Caller, input: TipsQuery) -> Result<TipsOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let tips = app
        .store
        .tips()
        .list_tips(me, input.direction == TipDirection::Received, &page)
        .await?;
    let next = next_cursor(&tips, page.limit, |t| (t.created_at, &t.id));
    Ok(TipsOutput { tips, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(tip_message(None).ok(), Some(None));
        assert_eq!(tip_message(Some("   ".into())).ok(), Some(None));
        assert_eq!(
            tip_message(Some("  thanks!  ".into())).ok(),
            Some(Some("thanks!".into()))
        );
        assert!(
            tip_message(Some("é".repeat(500))).is_ok(),
            "characters, not bytes"
        );
        assert!(tip_message(Some("x".repeat(501))).is_err());
    }
}
