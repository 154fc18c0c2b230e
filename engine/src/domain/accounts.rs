//! People who sign in to Loupe: their identity, role and password rules. Signing in is
//! `services::sign_in`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::clock::Timestamp;
use crate::domain::macros::text_newtype;
use crate::domain::passwords::PasswordHash;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An email address used as a login name: trimmed and lower-cased, so `Ann@X.org` and
/// `ann@x.org` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
// Read back only through the parser, so a stored or sent value is as valid as a new one.
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let value = raw.trim().to_lowercase();
        let invalid = |why: &str| AccountError::InvalidEmail(format!("{value:?} {why}"));
        if value.is_empty() {
            return Err(AccountError::InvalidEmail(
                "an email address is required".into(),
            ));
        }
        if value.len() > Self::MAX_LEN {
            return Err(invalid("is longer than 254 characters"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains whitespace"));
        }
        match value.split_once('@') {
            Some((local, domain))
                if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
            {
                Ok(Self(value))
            }
            _ => Err(invalid("is not of the form name@domain")),
        }
    }
}

text_newtype!(Email, parsed by AccountError);

/// What a user may do. Admins may do everything; workers only see the worker area and the
/// tasks of their own teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Worker,
}

impl Role {
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Self::Admin),
            "worker" => Ok(Self::Worker),
            other => Err(AccountError::InvalidRole(other.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Worker => "worker",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A new password that meets the rules. Existing passwords are only ever compared, never parsed.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(raw: String) -> Result<Self, AccountError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(AccountError::WeakPassword(format!(
                "a password needs at least {} characters (this one has {chars})",
                Self::MIN_CHARS
            )));
        }
        if chars > Self::MAX_CHARS {
            return Err(AccountError::WeakPassword(format!(
                "a password may have at most {} characters",
                Self::MAX_CHARS
            )));
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: Timestamp,
    pub last_login_at: Option<Timestamp>,
    /// Set while the account is deactivated: it cannot sign in and its sessions are ignored.
    pub deactivated_at: Option<Timestamp>,
    /// Sessions that began before this are no longer accepted.
    pub sessions_valid_after: Option<Timestamp>,
}

impl User {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }

    /// Whether a session that began at `signed_in_at` still stands.
    pub fn accepts_session_from(&self, signed_in_at: Timestamp) -> bool {
        self.is_active()
            && self
                .sessions_valid_after
                .is_none_or(|cutoff| signed_in_at >= cutoff)
    }
}

/// What the store knows about an account when someone tries to sign in as it.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub user: User,
    pub password_hash: PasswordHash,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid email: {0}")]
    InvalidEmail(String),
    #[error("unknown role {0:?}: use admin or worker")]
    InvalidRole(String),
    #[error("{0}")]
    WeakPassword(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised() {
        assert_eq!(
            Email::parse("  Ann@Example.ORG ").unwrap().as_str(),
            "ann@example.org"
        );
    }

    #[test]
    fn email_rejects_garbage() {
        for bad in ["", "ann", "@x", "ann@", "a b@x.org", "a@b@c"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn role_parses_both_roles_only() {
        assert_eq!(Role::parse("Admin").unwrap(), Role::Admin);
        assert_eq!(Role::parse("worker").unwrap(), Role::Worker);
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn short_passwords_are_refused_with_the_rule() {
        let err = NewPassword::parse("short".into()).unwrap_err();
        assert!(err.to_string().contains("at least 12"), "{err}");
        assert!(NewPassword::parse("long enough pass".into()).is_ok());
    }

    #[test]
    fn emails_read_back_only_through_the_parser() {
        let email: Email = serde_json::from_str("\"ada@example.com\"").unwrap();
        assert_eq!(email.as_str(), "ada@example.com");
        assert!(serde_json::from_str::<Email>("\"not an email\"").is_err());
    }
}
