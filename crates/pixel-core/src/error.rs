//! The one error type of the core, with flat, stable error codes that every transport shows to users.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine-readable error codes. Transports map them to status codes; UIs map them to words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    InvalidPrompt,
    UnknownModel,
    ModelUnavailable,
    InvalidSize,
    InvalidCount,
    InvalidParameter,
    UnsupportedParameter,
    InsufficientCredits,
    NotFound,
    Forbidden,
    /// A state-changing request made with the session cookie lacked its CSRF token (or had a stale one).
    CsrfFailed,
    Unauthenticated,
    Conflict,
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
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::InvalidInput,
        ErrorCode::InvalidPrompt,
        ErrorCode::UnknownModel,
        ErrorCode::ModelUnavailable,
        ErrorCode::InvalidSize,
        ErrorCode::InvalidCount,
        ErrorCode::InvalidParameter,
        ErrorCode::UnsupportedParameter,
        ErrorCode::InsufficientCredits,
        ErrorCode::NotFound,
        ErrorCode::Forbidden,
        ErrorCode::CsrfFailed,
        ErrorCode::Unauthenticated,
        ErrorCode::Conflict,
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
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidPrompt => "invalid_prompt",
            ErrorCode::UnknownModel => "unknown_model",
            ErrorCode::ModelUnavailable => "model_unavailable",
            ErrorCode::InvalidSize => "invalid_size",
            ErrorCode::InvalidCount => "invalid_count",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::UnsupportedParameter => "unsupported_parameter",
            ErrorCode::InsufficientCredits => "insufficient_credits",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Conflict => "conflict",
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
            ErrorCode::InvalidInput
            | ErrorCode::InvalidPrompt
            | ErrorCode::UnknownModel
            | ErrorCode::InvalidSize
            | ErrorCode::InvalidCount
            | ErrorCode::InvalidParameter
            | ErrorCode::UnsupportedParameter
            | ErrorCode::SignInFailed => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::InsufficientCredits => 402,
            ErrorCode::Forbidden | ErrorCode::CsrfFailed => 403,
            ErrorCode::NotFound | ErrorCode::UnknownOperation => 404,
            ErrorCode::Conflict => 409,
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
    /// An internal failure: the detail is logged, the user sees a generic message.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(ErrorCode::Internal, "internal error; see the server log")
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
