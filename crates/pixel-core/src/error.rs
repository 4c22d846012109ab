//! The one error type of the core, with flat, stable error codes that every transport shows to users.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine-readable error codes. Transports map them to status codes; UIs map them to words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not what the API document says (not a JSON object, a wrong type, a missing or
    /// unknown field): answered 400. The other input codes are for bodies the document allows that
    /// this server cannot do (422).
    InvalidBody,
    InvalidInput,
    InvalidPrompt,
    UnknownModel,
    ModelUnavailable,
    InvalidSize,
    InvalidCount,
    InvalidParameter,
    UnsupportedParameter,
    InsufficientCredits,
    /// A refunded or disputed purchase left credits owed: spending waits until they are paid.
    CreditsOwed,
    /// The image is in a premium collection the caller has not bought: its original is not served.
    PremiumLocked,
    NotFound,
    Forbidden,
    /// A state-changing request made with the session cookie lacked its CSRF token (or had a stale one).
    CsrfFailed,
    Unauthenticated,
    Conflict,
    /// The request body is over the operation's limit.
    PayloadTooLarge,
    /// The request body is not of a type the endpoint takes (operations take JSON only).
    UnsupportedMediaType,
    /// An image's pixel size is over what this node decodes (a small file can claim a huge size).
    ImageTooLarge,
    /// Too many attempts from one client; retry after the time the transport gives.
    RateLimited,
    /// A sign-in could not be completed (state, nonce, ID token or one-time code refused).
    SignInFailed,
    /// A service this one depends on (an identity provider, say) cannot be reached.
    Unavailable,
    UnknownOperation,
    ProviderError,
    ProviderRejected,
    Moderated,
    Timeout,
    Cancelled,
    Internal,
}

impl ErrorCode {
    /// Every code (the generated TypeScript map of statuses fails to type-check when one is missing).
    pub const ALL: [ErrorCode; 30] = [
        ErrorCode::InvalidBody,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidPrompt,
        ErrorCode::UnknownModel,
        ErrorCode::ModelUnavailable,
        ErrorCode::InvalidSize,
        ErrorCode::InvalidCount,
        ErrorCode::InvalidParameter,
        ErrorCode::UnsupportedParameter,
        ErrorCode::InsufficientCredits,
        ErrorCode::CreditsOwed,
        ErrorCode::PremiumLocked,
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::CsrfFailed,
        ErrorCode::Unauthenticated,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::ImageTooLarge,
        ErrorCode::RateLimited,
        ErrorCode::SignInFailed,
        ErrorCode::Unavailable,
        ErrorCode::UnknownOperation,
        ErrorCode::ProviderError,
        ErrorCode::ProviderRejected,
        ErrorCode::Moderated,
        ErrorCode::Timeout,
        ErrorCode::Cancelled,
        ErrorCode::Internal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidPrompt => "invalid_prompt",
            ErrorCode::UnknownModel => "unknown_model",
            ErrorCode::ModelUnavailable => "model_unavailable",
            ErrorCode::InvalidSize => "invalid_size",
            ErrorCode::InvalidCount => "invalid_count",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::UnsupportedParameter => "unsupported_parameter",
            ErrorCode::InsufficientCredits => "insufficient_credits",
            ErrorCode::CreditsOwed => "credits_owed",
            ErrorCode::PremiumLocked => "premium_locked",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::ImageTooLarge => "image_too_large",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::SignInFailed => "sign_in_failed",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::UnknownOperation => "unknown_operation",
            ErrorCode::ProviderError => "provider_error",
            ErrorCode::ProviderRejected => "provider_rejected",
            ErrorCode::Moderated => "moderated",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status a transport should answer with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidBody | ErrorCode::SignInFailed => 400,
            // Well-formed by the document, refused by the rules the document cannot state (a model
            // that takes no seed, a size out of a model's range, a username that is taken).
            ErrorCode::InvalidInput
            | ErrorCode::InvalidPrompt
            | ErrorCode::UnknownModel
            | ErrorCode::InvalidSize
            | ErrorCode::InvalidCount
            | ErrorCode::InvalidParameter
            | ErrorCode::UnsupportedParameter => 422,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::InsufficientCredits | ErrorCode::CreditsOwed | ErrorCode::PremiumLocked => {
                402
            }
            ErrorCode::Forbidden | ErrorCode::CsrfFailed => 403,
            ErrorCode::NotFound | ErrorCode::UnknownOperation => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge | ErrorCode::ImageTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::ModelUnavailable | ErrorCode::Unavailable => 503,
            ErrorCode::ProviderError
            | ErrorCode::ProviderRejected
            | ErrorCode::Moderated
            | ErrorCode::Timeout
            | ErrorCode::Cancelled => 502,
            ErrorCode::Internal => 500,
        }
    }
}

/// An error with a code and a message a user can read. Internal details go to logs, never here.
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, TS, schemars::JsonSchema,
)]
#[error("{}: {message}", code.as_str())]
#[ts(rename = "ErrorBody")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }
    /// An internal failure: the detail is logged under a fresh reference, the user sees a generic
    /// message carrying that reference, so a report can be matched to its log line without the
    /// database's words (table names, paths, connection strings) ever reaching a client.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string();
        let reference = &reference[..12];
        tracing::error!(%detail, error_ref = reference, "internal error");
        Self::new(
            ErrorCode::Internal,
            format!("internal error (reference {reference}); the server log has the details"),
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_show_a_reference_and_never_the_detail() {
        let a = Error::internal("database: no such table: users_secret at /srv/data/pixel.db");
        let b = Error::internal("database: no such table: users_secret at /srv/data/pixel.db");
        assert_eq!(a.code, ErrorCode::Internal);
        assert!(!a.message.contains("users_secret"), "{}", a.message);
        assert!(!a.message.contains("/srv"), "{}", a.message);
        assert!(a.message.contains("reference "), "{}", a.message);
        assert_ne!(a.message, b.message, "each failure has its own reference");
    }
}
