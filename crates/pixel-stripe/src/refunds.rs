//! Refunds: the money of one payment given back, idempotent by what it refunds (a print order).

use std::collections::HashMap;
use std::str::FromStr;

use stripe::{CreateRefund, PaymentIntentId, Refund, RequestStrategy};

use crate::{failure, StripeFailure, StripeGateway};

impl StripeGateway {
    /// Refunds `amount` cents of the payment `payment_intent`, for `for_id` (our id of what is
    /// refunded): a retry for the same id refunds nothing twice. Returns Stripe's refund id.
    pub async fn refund(
        &self,
        for_id: &str,
        payment_intent: &str,
        amount: i64,
    ) -> Result<String, StripeFailure> {
        let intent = PaymentIntentId::from_str(payment_intent).map_err(|_| {
            StripeFailure::Refused(format!("'{payment_intent}' is not a PaymentIntent id"))
        })?;
        let mut params = CreateRefund::new();
        params.payment_intent = Some(intent);
        params.amount = Some(amount);
        params.metadata = Some(HashMap::from([(
            "refund_for".to_string(),
            for_id.to_string(),
        )]));
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!("refund-{for_id}")));
        let refund = Refund::create(&client, params).await.map_err(failure)?;
        Ok(refund.id.to_string())
    }
}
