//! Accounts from verified identities: who is admitted, who administers, and the account a first
//! sign-in creates (a free username, starting credits through the ledger). Transports verify the
//! identity (OpenID Connect on the server) and call this; the rules live here, once.

use crate::app::App;
use crate::domain::{Role, User};
use crate::error::{Error, ErrorCode, Result};

use super::{username_base, username_candidates};

/// Who an identity provider says signed in, after its ID token was verified.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedIdentity {
    pub issuer: String,
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
}

impl VerifiedIdentity {
    /// The email, lowercased, only when the provider verified it: an unverified address proves nothing.
    pub fn verified_email(&self) -> Option<String> {
        self.email
            .as_ref()
            .filter(|_| self.email_verified)
            .map(|e| e.to_ascii_lowercase())
    }

    /// The stable key of this identity across sign-ins: issuer and subject.
    fn key(&self) -> String {
        format!("{}|{}", self.issuer.trim_end_matches('/'), self.subject)
    }
}

/// Who may have an account and who administers, from the operator's configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdmissionPolicy {
    /// Emails, and `@domain` for a whole domain; empty admits every verified identity.
    pub allowed_emails: Vec<String>,
    /// Lowercased emails whose accounts are administrators.
    pub admin_emails: Vec<String>,
}

impl AdmissionPolicy {
    pub fn admits(&self, verified_email: Option<&str>) -> bool {
        if self.allowed_emails.is_empty() {
            return true;
        }
        let Some(email) = verified_email else {
            return false;
        };
        let domain = email.rsplit_once('@').map(|(_, d)| d);
        self.allowed_emails
            .iter()
            .any(|allowed| match allowed.strip_prefix('@') {
                Some(d) => domain == Some(d),
                None => allowed == email,
            })
    }

    /// The role configuration gives a verified email: re-read at every sign-in and request, so
    /// removing an email from the list takes the role away.
    pub fn role_of(&self, verified_email: Option<&str>) -> Role {
        match verified_email {
            Some(e) if self.admin_emails.iter().any(|a| a == e) => Role::Admin,
            _ => Role::User,
        }
    }
}

/// The account of a verified identity: found by issuer and subject, or created on the first sign-in
/// with a free username from the name or email and the starting credits as a ledger grant. The role
/// follows the configuration every time.
pub async fn provision_account(
    app: &App,
    identity: &VerifiedIdentity,
    policy: &AdmissionPolicy,
) -> Result<User> {
    let verified_email = identity.verified_email();
    if !policy.admits(verified_email.as_deref()) {
        return Err(Error::new(
            ErrorCode::Forbidden,
            "this server admits only the accounts its operator invited; ask them to add your email",
        ));
    }
    let role = policy.role_of(verified_email.as_deref());
    let key = identity.key();
    let user = match app.store.accounts().user_by_subject(&key).await? {
        Some(user) => user,
        None => {
            let base = username_base(identity.name.as_deref(), identity.email.as_deref());
            let candidates = username_candidates(&base)?;
            let new_user = User {
                id: crate::new_id(),
                username: base,
                email: identity.email.clone(),
                role,
                created_at: app.clock.now_ms(),
                admin_granted: false,
                suspended_at: None,
            };
            let user = app
                .store
                .accounts()
                .create_user_for_subject(&new_user, &key, &candidates)
                .await?;
            app.grant_starting_credits(&user.id).await?;
            tracing::info!(user = %user.id, username = %user.username, "new account");
            user
        }
    };
    if user.suspended_at.is_some() {
        return Err(super::suspended());
    }
    if user.role != role {
        app.store.accounts().set_role(&user.id, role).await?;
    }
    // The role column follows the configuration; a grant in the admin UI is kept beside it.
    let role = if user.admin_granted {
        Role::Admin
    } else {
        role
    };
    Ok(User { role, ..user })
}
