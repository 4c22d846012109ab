//! The print order queries: an order as made, paid once, and moved forward as the lab reports it,
//! the royalty credited to the creator in the same transaction as the order ships.

use super::*;
use pixel_core::prints::{PrintOrder, PrintProduct, PrintQuote, PrintStatus, Tracking};

const ORDER_COLS: &str = "id, buyer_id, image_id, creator_id, product, size, quantity, unit_price, \
     items, shipping, total, currency, variant_id, recipient, status, lab_order_id, tracking, royalty, \
     failure, file_token, file_sha256, file_mime, payment_intent, refunded_at, created_at, updated_at";

fn order_from(r: &impl Cols) -> Result<PrintOrder> {
    let product = r.text("product")?;
    let status = r.text("status")?;
    Ok(PrintOrder {
        id: r.text("id")?,
        buyer_id: r.text("buyer_id")?,
        image_id: r.text("image_id")?,
        creator_id: r.text("creator_id")?,
        quote: PrintQuote {
            product: PrintProduct::parse(&product)
                .ok_or_else(|| Error::internal(format!("a stored print product '{product}'")))?,
            size: r.text("size")?,
            quantity: r.int("quantity")? as u32,
            unit_price: r.int("unit_price")?,
            items: r.int("items")?,
            shipping: r.int("shipping")?,
            total: r.int("total")?,
            currency: r.text("currency")?,
            variant_id: r.int("variant_id")?,
        },
        recipient: serde_json::from_str(&r.text("recipient")?).map_err(Error::internal)?,
        status: PrintStatus::parse(&status)
            .ok_or_else(|| Error::internal(format!("a stored print status '{status}'")))?,
        tracking: r
            .opt_text("tracking")?
            .map(|t| serde_json::from_str::<Tracking>(&t))
            .transpose()
            .map_err(Error::internal)?,
        royalty: r.int("royalty")?,
        failure: r.opt_text("failure")?,
        created_at: r.int("created_at")?,
        updated_at: r.int("updated_at")?,
        file_token: r.text("file_token")?,
        lab_order_id: r.opt_text("lab_order_id")?,
        file_sha256: r.text("file_sha256")?,
        file_mime: r.text("file_mime")?,
        payment_intent: r.opt_text("payment_intent")?,
        refunded_at: r.opt_int("refunded_at")?,
    })
}

/// The states an order may move to `to` from (it only ever moves forward).
fn from_states(to: PrintStatus) -> &'static [&'static str] {
    match to {
        PrintStatus::InProduction => &["paid"],
        PrintStatus::Shipped | PrintStatus::Failed => &["paid", "in_production"],
        PrintStatus::Canceled => &["awaiting_payment", "paid", "in_production"],
        PrintStatus::AwaitingPayment | PrintStatus::Paid => &[],
    }
}

impl SqlStore {
    /// The order whose `column` (a unique one) is `value`.
    async fn order_where(&self, column: &str, value: &str) -> Result<Option<PrintOrder>> {
        let sql = format!("SELECT {ORDER_COLS} FROM print_orders WHERE {column} = $1");
        on_read_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(value)
                .fetch_optional(pool)
                .await
                .map_err(db_err)?
                .as_ref()
                .map(order_from)
                .transpose()
        })
    }
}

#[async_trait]
impl PrintStore for SqlStore {
    async fn insert_print_order(&self, o: &PrintOrder) -> Result<()> {
        let recipient = serde_json::to_string(&o.recipient).map_err(Error::internal)?;
        self.write_statement(
            sqlx::query(
                "INSERT INTO print_orders (id, buyer_id, image_id, creator_id, product, size, quantity, \
                 unit_price, items, shipping, total, currency, variant_id, recipient, status, royalty, \
                 file_token, file_sha256, file_mime, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)",
            )
            .bind(&o.id)
            .bind(&o.buyer_id)
            .bind(&o.image_id)
            .bind(&o.creator_id)
            .bind(o.quote.product.as_str())
            .bind(&o.quote.size)
            .bind(i64::from(o.quote.quantity))
            .bind(o.quote.unit_price)
            .bind(o.quote.items)
            .bind(o.quote.shipping)
            .bind(o.quote.total)
            .bind(&o.quote.currency)
            .bind(o.quote.variant_id)
            .bind(recipient)
            .bind(o.status.as_str())
            .bind(o.royalty)
            .bind(&o.file_token)
            .bind(&o.file_sha256)
            .bind(&o.file_mime)
            .bind(o.created_at),
        )
        .await
        .map(|_| ())
    }

    async fn print_order(&self, id: &str) -> Result<Option<PrintOrder>> {
        self.order_where("id", id).await
    }

    async fn print_order_by_payment(&self, payment_intent: &str) -> Result<Option<PrintOrder>> {
        self.order_where("payment_intent", payment_intent).await
    }

    async fn print_orders_of(&self, buyer_id: &str, page: &PageRequest) -> Result<Vec<PrintOrder>> {
        let sql = format!(
            "SELECT {ORDER_COLS} FROM print_orders WHERE buyer_id = $1 \
             AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
             ORDER BY created_at DESC, id DESC LIMIT $4"
        );
        scoped_page!(self, &sql, buyer_id, page, order_from)
    }

    async fn stalled_print_orders(&self, before: Millis, limit: u32) -> Result<Vec<PrintOrder>> {
        let sql = format!(
            "SELECT {ORDER_COLS} FROM print_orders WHERE status = 'paid' AND lab_order_id IS NULL \
             AND updated_at < $1 ORDER BY updated_at, id LIMIT $2"
        );
        on_read_pool!(self, pool => {
            sqlx::query(&sql)
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(order_from)
                .collect()
        })
    }

    async fn mark_print_paid(
        &self,
        id: &str,
        session_id: &str,
        payment_intent: Option<&str>,
        now: Millis,
    ) -> Result<bool> {
        self.write_statement(
            sqlx::query(
                "UPDATE print_orders SET status = 'paid', session_id = $1, payment_intent = $2, \
                 updated_at = $3 WHERE id = $4 AND status = 'awaiting_payment'",
            )
            .bind(session_id)
            .bind(payment_intent)
            .bind(now)
            .bind(id),
        )
        .await
        .map(|n| n == 1)
    }

    async fn mark_print_refunded(&self, id: &str, refund_id: &str, now: Millis) -> Result<bool> {
        self.write_statement(
            sqlx::query(
                "UPDATE print_orders SET refund_id = $1, refunded_at = $2, updated_at = $2 \
                 WHERE id = $3 AND refunded_at IS NULL",
            )
            .bind(refund_id)
            .bind(now)
            .bind(id),
        )
        .await
        .map(|n| n == 1)
    }

    async fn advance_print_order(
        &self,
        id: &str,
        lab_order_id: &str,
        to: PrintStatus,
        tracking: Option<&Tracking>,
        failure: Option<&str>,
        now: Millis,
    ) -> Result<bool> {
        let from = from_states(to);
        if from.is_empty() {
            return Ok(false);
        }
        let tracking = tracking
            .map(serde_json::to_string)
            .transpose()
            .map_err(Error::internal)?;
        let mut w = self.begin_write().await?;
        let r = async {
            let list: Vec<String> = from.iter().map(|s| format!("'{s}'")).collect();
            let shipped_at = (to == PrintStatus::Shipped).then_some(now);
            let row = sqlx::query(&format!(
                "UPDATE print_orders SET status = $1, lab_order_id = COALESCE(NULLIF($2, ''), lab_order_id), \
                 tracking = COALESCE($3, tracking), shipped_at = COALESCE($4, shipped_at), updated_at = $5, failure = COALESCE($7, failure) \
                 WHERE id = $6 AND status IN ({}) RETURNING creator_id, buyer_id, royalty, product, size",
                list.join(", ")
            ))
            .bind(to.as_str())
            .bind(lab_order_id)
            .bind(tracking)
            .bind(shipped_at)
            .bind(now)
            .bind(id)
            .bind(failure)
            .fetch_optional(&mut *w.tx)
            .await
            .map_err(db_err)?;
            let Some(row) = row else {
                return Ok(false);
            };
            let royalty = row.int("royalty")?;
            if to == PrintStatus::Shipped && royalty > 0 {
                let creator = row.text("creator_id")?;
                apply_ledger_tx(
                    &mut w.tx,
                    &creator,
                    &LedgerMove {
                        kind: LedgerKind::Grant,
                        amount: royalty,
                        idempotency_key: format!("royalty:{id}"),
                        memo: format!(
                            "Royalty on a {} {} print of your image",
                            row.text("size")?,
                            row.text("product")?
                        ),
                    },
                    None,
                    now,
                )
                .await?;
            }
            Ok(true)
        }
        .await;
        w.end(r).await
    }
}
