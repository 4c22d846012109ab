//! Provider API keys: which providers take one, where they are kept (the OS keychain behind
//! [`SecretStore`]) and how a set of keys becomes a providers configuration.

use pixel_core::{Error, ErrorCode};
use pixel_providers::ProvidersConfig;
use std::collections::HashMap;

/// The keychain service every key is filed under (the account is the provider id).
pub const KEYCHAIN_SERVICE: &str = "app.pixelstudio.desktop";

/// Providers that take an API key, by their `Provider::id()`.
pub const KEY_PROVIDERS: &[&str] = &[
    "openai",
    "stability",
    "bfl",
    "ideogram",
    "together",
    "huggingface",
    "fal",
    "replicate",
    "runway",
    "luma",
];

/// Longest key accepted: far above any provider's, low enough to refuse pasted documents.
const MAX_KEY_LEN: usize = 4096;

/// Why a keychain call failed. Messages never contain a key.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keychain can be reached (no Secret Service on the session bus, a headless machine...).
    #[error("no system keychain is available: {0}")]
    Unavailable(String),
    #[error("the system keychain failed: {0}")]
    Failed(String),
}

impl From<SecretError> for Error {
    fn from(e: SecretError) -> Self {
        tracing::warn!(error = %e, "keychain call failed");
        match e {
            SecretError::Unavailable(detail) => Error::new(
                ErrorCode::Internal,
                format!(
                    "No system keychain is available ({detail}), so the key was not saved. \
                     Pixel Studio keeps provider keys only in the OS keychain: on Linux start a \
                     Secret Service such as GNOME Keyring or KWallet."
                ),
            ),
            SecretError::Failed(detail) => Error::new(
                ErrorCode::Internal,
                format!("The system keychain refused the request: {detail}"),
            ),
        }
    }
}

/// Where provider keys are kept. Blocking: call it from a blocking thread.
pub trait SecretStore: Send + Sync {
    fn get(&self, provider: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, provider: &str, secret: &str) -> Result<(), SecretError>;
    /// Deleting a key that is not there succeeds.
    fn delete(&self, provider: &str) -> Result<(), SecretError>;
}

/// The OS keychain through the `keyring` crate.
pub struct KeyringStore;

impl KeyringStore {
    fn entry(provider: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(KEYCHAIN_SERVICE, provider).map_err(map_keyring)
    }
}

fn map_keyring(e: keyring::Error) -> SecretError {
    match e {
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(inner.to_string()),
        other => SecretError::Failed(other.to_string()),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, provider: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(provider)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn set(&self, provider: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(provider)?
            .set_password(secret)
            .map_err(map_keyring)
    }

    fn delete(&self, provider: &str) -> Result<(), SecretError> {
        match Self::entry(provider)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

/// An in-memory store for unit tests (a headless machine has no keychain).
#[cfg(test)]
#[derive(Default)]
pub struct MemoryStore {
    pub secrets: std::sync::Mutex<HashMap<String, String>>,
    /// When set, every call fails as if no keychain were running.
    pub unavailable: std::sync::atomic::AtomicBool,
}

#[cfg(test)]
impl MemoryStore {
    fn check(&self) -> Result<(), SecretError> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(SecretError::Unavailable("no session bus".into()));
        }
        Ok(())
    }
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.secrets.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
impl SecretStore for MemoryStore {
    fn get(&self, provider: &str) -> Result<Option<String>, SecretError> {
        self.check()?;
        Ok(self.map().get(provider).cloned())
    }
    fn set(&self, provider: &str, secret: &str) -> Result<(), SecretError> {
        self.check()?;
        self.map().insert(provider.into(), secret.into());
        Ok(())
    }
    fn delete(&self, provider: &str) -> Result<(), SecretError> {
        self.check()?;
        self.map().remove(provider);
        Ok(())
    }
}

/// The provider id if it takes a key, else a clear `invalid_input`.
pub fn key_provider(provider: &str) -> Result<&'static str, Error> {
    KEY_PROVIDERS
        .iter()
        .copied()
        .find(|p| *p == provider)
        .ok_or_else(|| {
            Error::invalid(format!(
                "'{}' is not a provider that takes an API key (one of: {})",
                provider.chars().take(40).collect::<String>(),
                KEY_PROVIDERS.join(", ")
            ))
        })
}

/// Trims a pasted key and refuses what cannot be one. The key is never part of a message.
pub fn clean_key(key: &str) -> Result<String, Error> {
    let key = key.trim();
    if key.is_empty() {
        return Err(Error::invalid("the key is empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(Error::invalid(format!(
            "the key is longer than {MAX_KEY_LEN} characters"
        )));
    }
    if key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            "the key contains spaces or control characters; paste only the key",
        ));
    }
    Ok(key.to_string())
}

/// The providers configuration for a set of keys (provider id -> key); everything else is default.
pub fn providers_config(keys: &HashMap<String, String>) -> ProvidersConfig {
    let key = |id: &str| keys.get(id).cloned();
    ProvidersConfig {
        openai_api_key: key("openai"),
        stability_api_key: key("stability"),
        bfl_api_key: key("bfl"),
        ideogram_api_key: key("ideogram"),
        together_api_key: key("together"),
        huggingface_api_key: key("huggingface"),
        fal_api_key: key("fal"),
        replicate_api_token: key("replicate"),
        runway_api_key: key("runway"),
        luma_api_key: key("luma"),
        ..ProvidersConfig::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_provider_is_a_real_provider_and_gets_its_key() {
        let ids: Vec<&str> = pixel_providers::build(&ProvidersConfig::default())
            .iter()
            .map(|p| p.id())
            .collect();
        let keys: HashMap<String, String> = KEY_PROVIDERS
            .iter()
            .map(|p| (p.to_string(), format!("k-{p}")))
            .collect();
        let configured: Vec<&str> = pixel_providers::build(&providers_config(&keys))
            .iter()
            .filter(|p| p.configured())
            .map(|p| p.id())
            .collect();
        for p in KEY_PROVIDERS {
            assert!(ids.contains(p), "{p} is not a provider id");
            assert!(configured.contains(p), "{p} did not receive its key");
        }
    }

    #[test]
    fn keys_are_cleaned_and_checked() {
        assert_eq!(clean_key("  sk-abc \n").unwrap(), "sk-abc");
        for bad in ["", "   ", "sk abc", "sk\u{7}x"] {
            let e = clean_key(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert!(!e.message.contains("abc"), "message leaks the key");
        }
        assert!(clean_key(&"x".repeat(MAX_KEY_LEN + 1)).is_err());
        assert_eq!(key_provider("openai").unwrap(), "openai");
        assert_eq!(
            key_provider("local").unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
