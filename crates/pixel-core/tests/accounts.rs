//! Account rules through the core alone, on a real SQLite store: provisioning from a verified
//! identity (admission, username, starting credits through the ledger, role from configuration).

mod common;

use pixel_core::account::{provision_account, AdmissionPolicy, VerifiedIdentity};
use pixel_core::{App, ErrorCode, LedgerKind, Role};

const STARTING: i64 = 5;

async fn test_app(dir: &std::path::Path) -> App {
    common::test_app(dir, STARTING, common::ScriptedProvider::new()).await
}

fn grace(subject: &str) -> VerifiedIdentity {
    VerifiedIdentity {
        issuer: "https://accounts.example.com/".into(),
        subject: subject.into(),
        name: Some("Grace Hopper".into()),
        email: Some("Grace@Navy.example".into()),
        email_verified: true,
    }
}

#[tokio::test]
async fn a_first_sign_in_creates_the_account_once_with_its_starting_credits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path()).await;
    let open = AdmissionPolicy::default();
    let user = provision_account(&app, &grace("g-1"), &open)
        .await
        .expect("account");
    assert_eq!((user.username.as_str(), user.role), ("grace", Role::User));
    let again = provision_account(&app, &grace("g-1"), &open)
        .await
        .expect("same account");
    assert_eq!(
        again.id, user.id,
        "the issuer and subject find the account again"
    );
    // Granted once, through the ledger, however often the person signs in.
    assert_eq!(
        app.store.ledger().balance(&user.id).await.expect("balance"),
        STARTING
    );
    let entries = app
        .store
        .ledger()
        .ledger_entries(
            &user.id,
            &pixel_core::ports::PageRequest {
                before: None,
                limit: 10,
            },
        )
        .await
        .expect("ledger");
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].kind, entries[0].amount),
        (LedgerKind::Grant, STARTING)
    );
    // Another person with the same name gets a username of their own.
    let other = provision_account(&app, &grace("g-2"), &open)
        .await
        .expect("second account");
    assert_ne!(other.id, user.id);
    assert_ne!(other.username, user.username);
}

#[tokio::test]
async fn the_role_follows_the_configuration_at_every_sign_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path()).await;
    let admins = AdmissionPolicy {
        admin_emails: vec!["grace@navy.example".into()],
        ..AdmissionPolicy::default()
    };
    let user = provision_account(&app, &grace("g-1"), &admins)
        .await
        .expect("account");
    assert_eq!(
        user.role,
        Role::Admin,
        "the email matches whatever its case"
    );
    let demoted = provision_account(&app, &grace("g-1"), &AdmissionPolicy::default())
        .await
        .expect("account");
    assert_eq!(demoted.role, Role::User);
    let stored = app
        .store
        .accounts()
        .get_user(&user.id)
        .await
        .expect("get")
        .expect("user");
    assert_eq!(stored.role, Role::User, "the demotion is stored");
    // An unverified email is not an administrator's, even when it is listed.
    let unverified = VerifiedIdentity {
        email_verified: false,
        ..grace("g-3")
    };
    let user = provision_account(&app, &unverified, &admins)
        .await
        .expect("account");
    assert_eq!(user.role, Role::User);
}

#[tokio::test]
async fn only_invited_people_get_an_account_when_the_server_has_an_invite_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = test_app(dir.path()).await;
    let invited = AdmissionPolicy {
        allowed_emails: vec!["@navy.example".into(), "ada@example.org".into()],
        ..AdmissionPolicy::default()
    };
    provision_account(&app, &grace("g-1"), &invited)
        .await
        .expect("a whole domain is invited");
    for (subject, email, verified) in [
        ("x-1", "mallory@example.org", true),
        ("x-2", "grace@navy.example", false),
    ] {
        let stranger = VerifiedIdentity {
            email: Some(email.into()),
            email_verified: verified,
            ..grace(subject)
        };
        let err = provision_account(&app, &stranger, &invited)
            .await
            .expect_err("not invited");
        assert_eq!(err.code, ErrorCode::Forbidden, "{email}: {}", err.message);
        let key = format!("https://accounts.example.com|{subject}");
        assert!(
            app.store
                .accounts()
                .user_by_subject(&key)
                .await
                .expect("lookup")
                .is_none(),
            "nothing is created for {email}"
        );
    }
}
