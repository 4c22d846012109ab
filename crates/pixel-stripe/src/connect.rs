//! Stripe Connect for creator payouts: an Express account per creator, the onboarding link Stripe hosts,
//! and a transfer of a payout's amount to the creator's account, idempotent by the payout's id.

use std::collections::HashMap;
use std::str::FromStr;

use stripe::{
    Account, AccountId, AccountLink, AccountLinkType, AccountType, CreateAccount,
    CreateAccountCapabilities, CreateAccountCapabilitiesTransfers, CreateAccountLink,
    CreateTransfer, Currency, RequestStrategy, Transfer,
};

use crate::{failure, StripeFailure, StripeGateway};

impl StripeGateway {
    /// Creates the Express account of one creator; a retry for the same creator gets the same account.
    pub async fn create_connected_account(&self, user_id: &str) -> Result<String, StripeFailure> {
        let mut params = CreateAccount::new();
        params.type_ = Some(AccountType::Express);
        params.metadata = Some(HashMap::from([(
            "user_id".to_string(),
            user_id.to_string(),
        )]));
        params.capabilities = Some(CreateAccountCapabilities {
            transfers: Some(CreateAccountCapabilitiesTransfers {
                requested: Some(true),
            }),
            ..Default::default()
        });
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!("account-{user_id}")));
        let account = Account::create(&client, params).await.map_err(failure)?;
        Ok(account.id.to_string())
    }

    /// The page where the creator gives Stripe their details and bank account (valid for minutes).
    pub async fn onboarding_link(
        &self,
        account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<String, StripeFailure> {
        let account = AccountId::from_str(account_id)
            .map_err(|_| StripeFailure::Refused(format!("'{account_id}' is not an account id")))?;
        let mut params = CreateAccountLink::new(account, AccountLinkType::AccountOnboarding);
        params.refresh_url = Some(refresh_url);
        params.return_url = Some(return_url);
        let link = AccountLink::create(&self.client, params)
            .await
            .map_err(failure)?;
        Ok(link.url)
    }

    /// Sends `amount` cents to the creator's account for one payout; a retry sends nothing twice.
    pub async fn transfer(
        &self,
        payout_id: &str,
        account_id: &str,
        amount: i64,
    ) -> Result<String, StripeFailure> {
        let mut params = CreateTransfer::new(Currency::USD, account_id.to_string());
        params.amount = Some(amount);
        params.metadata = Some(HashMap::from([(
            "payout_id".to_string(),
            payout_id.to_string(),
        )]));
        let client = self
            .client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(format!("payout-{payout_id}")));
        let transfer = Transfer::create(&client, params).await.map_err(failure)?;
        Ok(transfer.id.to_string())
    }
}
