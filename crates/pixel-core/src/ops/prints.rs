//! Print operations: what is for sale, a quote, an order paid through the payment provider's page
//! (of an image the buyer may see whole), and the buyer's orders with their status and tracking.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::images::{images_get, ImageRef};
use super::*;
use crate::app::App;
use crate::domain::*;
use crate::error::{Error, Result};
use crate::prints::{
    offers, prints_not_sold, quote, royalty_credits, PrintOffer, PrintOrder, PrintProduct,
    PrintQuote, PrintStatus, Recipient,
};
use crate::registry::{OpKind::*, RateClass, Registry};

/// The operations of this area.
pub(crate) fn register(r: &mut Registry) {
    r.add(
        "prints.products",
        Read,
        "The print products and sizes for sale, with their prices and shipping",
        prints_products,
    );
    r.add(
        "prints.quote",
        Read,
        "What a print of an image costs: items, shipping and total",
        prints_quote,
    );
    r.add(
        "prints.order",
        Write,
        "Order prints of an image you may see: answers the payment page to pay on",
        prints_order,
    )
    .rate(RateClass::Money);
    r.add(
        "prints.cancel",
        Write,
        "Cancel one of your print orders before the lab starts making it (a paid one is refunded)",
        prints_cancel,
    )
    .rate(RateClass::Money);
    r.add(
        "prints.list",
        Read,
        "Your print orders, newest first, with status and tracking",
        prints_list,
    );
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintProductsOutput {
    pub products: Vec<PrintOffer>,
    /// Whether this server takes print orders (it needs a payment provider and a print lab).
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintChoice {
    pub image_id: String,
    pub product: PrintProduct,
    pub size: String,
    pub quantity: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderPrint {
    pub image_id: String,
    pub product: PrintProduct,
    pub size: String,
    pub quantity: u32,
    pub recipient: Recipient,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct OrderPrintOutput {
    pub order: PrintOrder,
    /// The payment page: the order goes to the lab once it is paid there.
    pub checkout_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
pub struct PrintOrdersOutput {
    pub orders: Vec<PrintOrder>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next: Option<String>,
}

fn sold_here(app: &App) -> bool {
    app.payments().is_some() && app.print_lab().is_some()
}

pub async fn prints_products(
    app: &App,
    _caller: &Caller,
    _input: Empty,
) -> Result<PrintProductsOutput> {
    // Where prints are sold, only what the lab is set up to make; elsewhere the whole range, so the
    // products can still be shown.
    let products = match app.print_lab() {
        Some(lab) => offers(|p| lab.makes(p)),
        None => offers(|_| true),
    };
    Ok(PrintProductsOutput {
        products,
        available: sold_here(app),
    })
}

/// The image a print is made of: one the caller may see whole (a premium one only once unlocked).
async fn printable(app: &App, caller: &Caller, image_id: &str) -> Result<Image> {
    let image = images_get(
        app,
        caller,
        ImageRef {
            image_id: image_id.to_string(),
        },
    )
    .await?;
    if let Some(lock) = &image.locked {
        return Err(super::premium::locked_error(lock));
    }
    Ok(image)
}

pub async fn prints_quote(app: &App, caller: &Caller, input: PrintChoice) -> Result<PrintQuote> {
    printable(app, caller, &input.image_id).await?;
    quote(input.product, &input.size, input.quantity)
}

pub async fn prints_order(
    app: &App,
    caller: &Caller,
    input: OrderPrint,
) -> Result<OrderPrintOutput> {
    let me = caller.user_id()?;
    let (payments, lab) = match (app.payments(), app.print_lab()) {
        (Some(payments), Some(lab)) => (payments, lab),
        _ => return Err(prints_not_sold()),
    };
    let image = printable(app, caller, &input.image_id).await?;
    let mut quote = quote(input.product, &input.size, input.quantity)?;
    let recipient = input.recipient.checked()?;
    // Asked before the buyer pays: a size the lab cannot make is refused here, not refunded later.
    let unmade = || {
        Error::invalid(format!(
            "this server's print lab does not make a {} in {}",
            input.product.name().to_lowercase(),
            input.size
        ))
    };
    if !lab.makes(input.product) {
        return Err(unmade());
    }
    quote.variant_id = lab
        .variant(input.product, &quote.size)
        .await?
        .ok_or_else(unmade)?;
    let royalty = if image.owner_id == me {
        0
    } else {
        royalty_credits(quote.items, app.config.payout_terms.cents_per_credit)
    };
    let now = app.clock.now_ms();
    let order = PrintOrder {
        // The prefix tells the payment webhook a print's checkout from a credit pack's.
        id: format!("print_{}", crate::new_id()),
        buyer_id: me.to_string(),
        image_id: image.id.clone(),
        creator_id: image.owner_id.clone(),
        quote,
        recipient,
        status: PrintStatus::AwaitingPayment,
        tracking: None,
        royalty,
        failure: None,
        created_at: now,
        updated_at: now,
        file_token: crate::new_id() + &crate::new_id(),
        lab_order_id: None,
        file_sha256: image.sha256.clone(),
        file_mime: image.mime.clone(),
        payment_intent: None,
        refunded_at: None,
    };
    app.store.prints().insert_print_order(&order).await?;
    let started = payments.start_print_checkout(&order).await?;
    tracing::info!(order = %order.id, total = order.quote.total, "a print order awaits payment");
    Ok(OrderPrintOutput {
        order,
        checkout_url: started.url,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintOrderRef {
    pub order_id: String,
}

pub async fn prints_cancel(app: &App, caller: &Caller, input: PrintOrderRef) -> Result<PrintOrder> {
    let me = caller.user_id()?;
    crate::prints::cancel_order(app, me, &input.order_id).await
}

pub async fn prints_list(
    app: &App,
    caller: &Caller,
    input: PageQuery,
) -> Result<PrintOrdersOutput> {
    let me = caller.user_id()?;
    let page = page_request(input.before.as_deref(), input.limit)?;
    let limit = page.limit;
    let orders = app.store.prints().print_orders_of(me, &page).await?;
    let next = next_cursor(&orders, limit, |o| (o.created_at, &o.id));
    Ok(PrintOrdersOutput { orders, next })
}

#[cfg(test)]
mod tests {
    use crate::prints::*;

    #[test]
    fn quotes_add_shipping_per_extra_item() {
        let q = quote(PrintProduct::Canvas, "12x16", 3).expect("quote");
        assert_eq!(
            (q.unit_price, q.items, q.shipping, q.total),
            (2999, 8997, 1199, 10196)
        );
        assert!(quote(PrintProduct::Canvas, "5x5", 1).is_err());
        assert!(quote(PrintProduct::Poster, "12x18", 0).is_err());
        assert!(quote(PrintProduct::Poster, "12x18", 11).is_err());
        // 10% of $29.99 at 3 cents a credit: 99 credits.
        assert_eq!(royalty_credits(2999, 3), 99);
    }

    #[test]
    fn addresses_are_checked_and_tidied() {
        let base = Recipient {
            name: " Ada ".into(),
            address1: "1 Main St".into(),
            address2: Some(" ".into()),
            city: "Springfield".into(),
            state_code: Some("il".into()),
            country_code: "us".into(),
            zip: "62701".into(),
            email: None,
        };
        let ok = base.clone().checked().expect("valid");
        assert_eq!((ok.name.as_str(), ok.country_code.as_str()), ("Ada", "US"));
        assert_eq!(ok.state_code.as_deref(), Some("IL"));
        assert_eq!(ok.address2, None);
        let no_state = Recipient {
            state_code: None,
            ..base.clone()
        };
        assert!(no_state.checked().is_err());
        let bad_country = Recipient {
            country_code: "USA".into(),
            ..base
        };
        assert!(bad_country.checked().is_err());
    }
}
