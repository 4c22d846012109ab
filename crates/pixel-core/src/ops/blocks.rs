//! Blocks: a blocked account can neither follow the blocker, comment on the blocker's images or reply
//! to their comments, nor notify them; blocking ends any follow between the two.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, ErrorCode, Result};
use crate::registry::{OpKind::*, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add("blocks.block", Write, "Block an account", blocks_block);
    r.add(
        "blocks.unblock",
        Write,
        "Unblock an account",
        blocks_unblock,
    );
    r.add(
        "blocks.list",
        Read,
        "The accounts the caller blocks, newest first",
        blocks_list,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct BlockOutput {
    pub blocked: bool,
}

pub async fn blocks_block(app: &App, caller: &Caller, input: UserRef) -> Result<BlockOutput> {
    let me = caller.user_id()?;
    if input.user_id == me {
        return Err(Error::invalid("you cannot block yourself"));
    }
    // A private profile can still be blocked: blocking is how one stops someone, seen or not.
    let them = app
        .store
        .accounts()
        .get_user(&input.user_id)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    app.store
        .blocks()
        .block(me, &them.id, app.clock.now_ms())
        .await?;
    Ok(BlockOutput { blocked: true })
}

pub async fn blocks_unblock(app: &App, caller: &Caller, input: UserRef) -> Result<BlockOutput> {
    let me = caller.user_id()?;
    app.store.blocks().unblock(me, &input.user_id).await?;
    Ok(BlockOutput { blocked: false })
}

pub async fn blocks_list(app: &App, caller: &Caller, input: PageQuery) -> Result<FollowListOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let rows = app.store.blocks().blocked_by(me, &page).await?;
    Ok(user_list(rows, page.limit))
}

/// Refuses `what` when either account blocks the other.
pub(crate) async fn refuse_if_blocked(app: &App, me: &str, them: &str, what: &str) -> Result<()> {
    if me != them && app.store.blocks().blocked_between(me, them).await? {
        return Err(Error::new(
            ErrorCode::Forbidden,
            format!("you cannot {what}: one of you blocks the other"),
        ));
    }
    Ok(())
}
