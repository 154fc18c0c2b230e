//! The engine's one error type for its services, and the rule a request breaks.

use crate::domain::validation::RequestError;
use crate::store::{StoreError, TaskRefusal};

/// The engine's errors, in domain words. The API maps them to AWS error types, the UI to
/// messages.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A request that breaks a rule: `ValidationException`.
    #[error("{0}")]
    Validation(Violation),
    /// A malformed or invalid Create request, already in the API's vocabulary.
    #[error("{0}")]
    Request(#[from] RequestError),
    /// `ResourceNotFound`.
    #[error("{0}")]
    NotFound(String),
    /// A name in use, or an operation the resource's state does not allow: `ConflictException`
    /// / `ResourceInUse`.
    #[error("{0}")]
    Conflict(String),
    /// A worker action the task's state does not allow.
    #[error("{0}")]
    Refused(TaskRefusal),
    #[error("{0}")]
    Store(StoreError),
}

/// A rule of Loupe's own that a request breaks (a team that does not exist, input that is not
/// JSON), and the request member it is about when there is one, so that a form can put the
/// message at its field without reading the text. Broken model constraints travel as
/// [`RequestError::Invalid`] instead, each a [`crate::domain::validation::Violation`] with its
/// [`crate::domain::validation::MemberPath`]: those are rendered in AWS's constraint sentence
/// ("Value … at '…' failed to satisfy constraint: …"), which these checks do not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The member in the API's spelling, such as `HumanLoopConfig.WorkteamArn`.
    pub member: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.member {
            Some(member) => write!(f, "{member}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl ReviewError {
    /// `member` breaks a rule.
    pub(crate) fn invalid(member: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(Violation {
            member: Some(member),
            message: message.into(),
        })
    }

    /// The request as a whole breaks a rule.
    pub(crate) fn refused_request(message: impl Into<String>) -> Self {
        Self::Validation(Violation {
            member: None,
            message: message.into(),
        })
    }
}

impl From<StoreError> for ReviewError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::NotFound(message) => Self::NotFound(message),
            StoreError::Refused(refusal) => Self::Refused(refusal),
            other => Self::Store(other),
        }
    }
}
