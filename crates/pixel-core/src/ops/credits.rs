//! Buying credits: the packs for sale, and beginning a purchase (the payment page's address). The
//! credits themselves arrive when the payment provider reports the payment (`credits::apply_completed_payment`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Empty;
use crate::app::App;
use crate::credits::{not_for_sale, CreditPack, Purchase, PurchaseStatus};
use crate::domain::*;
use crate::error::{Error, Result};
use crate::registry::{OpKind::*, RateClass, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "credits.packs",
        Read,
        "The credit packs this server sells, and whether it sells them",
        credits_packs,
    );
    r.add(
        "credits.buy",
        Write,
        "Begin buying a credit pack: the payment page to send the buyer to",
        credits_buy,
    )
    .rate(RateClass::Money);
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PacksOutput {
    pub packs: Vec<CreditPack>,
    /// Whether credits can be bought here (charging on, payments set up).
    pub for_sale: bool,
}

pub async fn credits_packs(app: &App, _caller: &Caller, _input: Empty) -> Result<PacksOutput> {
    Ok(PacksOutput {
        packs: app.config.credit_packs.clone(),
        for_sale: app.payments().is_some(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyCredits {
    /// One of `credits.packs`' ids. The credits and the price are the server's, never the client's.
    pub pack_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct BuyOutput {
    pub purchase_id: String,
    /// The payment page to send the buyer to.
    pub checkout_url: String,
}

pub async fn credits_buy(app: &App, caller: &Caller, input: BuyCredits) -> Result<BuyOutput> {
    let user_id = caller.user_id()?;
    let payments = app.payments().ok_or_else(not_for_sale)?;
    let pack = app
        .config
        .credit_packs
        .iter()
        .find(|p| p.id == input.pack_id)
        .cloned()
        .ok_or_else(|| Error::invalid(format!("'{}' is not a credit pack here", input.pack_id)))?;
    let purchase = Purchase {
        id: crate::new_id(),
        user_id: user_id.to_string(),
        pack,
        session_id: None,
        status: PurchaseStatus::Open,
        created_at: app.clock.now_ms(),
        paid_at: None,
    };
    // Stored before the provider hears of it: a payment can only ever be matched to a purchase we made.
    app.store.purchases().insert_purchase(&purchase).await?;
    let started = payments.start_checkout(&purchase).await?;
    app.store
        .purchases()
        .set_purchase_session(&purchase.id, &started.session_id)
        .await?;
    Ok(BuyOutput {
        purchase_id: purchase.id,
        checkout_url: started.url,
    })
}
