//! People as admins manage them from the browser: invitations instead of passwords sent around,
//! and deactivation that takes effect at once.
//!
//! An invitation is a one-time link holding a random 256-bit token; only its SHA-256 is stored,
//! so a copy of the database cannot be turned into working links. The link lives for
//! [`INVITATION_LIFETIME`]; accepting it sets the password and uses it up. A new link for the
//! same account replaces any that are still open, which also makes it a password-reset link.

use std::time::Duration;

use base64::Engine as _;
use rand::RngCore as _;

use crate::domain::accounts::{Email, NewPassword, Role, User, UserId};
use crate::domain::clock::Timestamp;
use crate::domain::passwords::{self, PasswordHash};
use crate::domain::teams::WorkteamName;
use crate::lifecycle::Finisher;
use crate::store::{Invitation, NewUser, Store, StoreError};

/// How long an invitation link works: a week, long enough to survive a weekend.
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

/// Stored for invited accounts until they choose a password: not a PHC string, so no password
/// ever verifies against it.
const NO_PASSWORD_YET: &str = "!invited";

/// The secret part of an invitation link.
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationToken(String);

impl InvitationToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as it arrives in a link; anything else is refused before the database is asked.
    pub fn parse(raw: &str) -> Result<Self, PeopleError> {
        let ok = raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(PeopleError::UnknownInvitation)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database keeps.
    pub fn hash(&self) -> String {
        crate::domain::digest::sha256_hex(self.0.as_bytes(), 32)
    }
}

impl std::fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationToken(..)")
    }
}

#[derive(Debug)]
pub struct Invited {
    pub user: User,
    pub token: InvitationToken,
    pub expires_at: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("this invitation link is not valid; ask an admin for a new one")]
    UnknownInvitation,
    #[error("this invitation link has already been used; sign in, or ask an admin for a new one")]
    InvitationUsed,
    #[error("this invitation link ran out at {}; ask an admin for a new one", .0.to_minute_utc())]
    InvitationExpired(Timestamp),
    #[error("no such person")]
    UnknownPerson,
    #[error("you cannot deactivate your own account")]
    SelfDeactivation,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for PeopleError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(message) => Self::Conflict(message),
            other => Self::Store(other),
        }
    }
}

/// Makes an account that cannot sign in until its invitation is accepted, and the invitation.
pub(crate) async fn invite(
    store: &dyn Store,
    now: Timestamp,
    email: Email,
    role: Role,
    teams: Vec<WorkteamName>,
) -> Result<Invited, PeopleError> {
    let user = store
        .create_user(NewUser {
            email,
            password_hash: PasswordHash::from_stored(NO_PASSWORD_YET.to_owned()),
            role,
            teams,
            created_at: now,
        })
        .await?;
    issue(store, now, user).await
}

/// A fresh link for an existing account (first sign-in or a forgotten password); earlier open
/// links stop working.
pub(crate) async fn reinvite(
    store: &dyn Store,
    now: Timestamp,
    id: UserId,
) -> Result<Invited, PeopleError> {
    let user = store
        .find_user(id)
        .await?
        .ok_or(PeopleError::UnknownPerson)?;
    issue(store, now, user).await
}

async fn issue(store: &dyn Store, now: Timestamp, user: User) -> Result<Invited, PeopleError> {
    let token = InvitationToken::generate();
    let expires_at = now.plus(INVITATION_LIFETIME);
    store
        .create_invitation(&Invitation {
            token_hash: token.hash(),
            user: user.id,
            created_at: now,
            expires_at,
            accepted_at: None,
        })
        .await?;
    Ok(Invited {
        user,
        token,
        expires_at,
    })
}

/// The account an open invitation is for, or why the link does not work.
pub(crate) async fn invitation(
    store: &dyn Store,
    now: Timestamp,
    token: &InvitationToken,
) -> Result<(User, Timestamp), PeopleError> {
    let (invitation, user) = store
        .find_invitation(&token.hash())
        .await?
        .ok_or(PeopleError::UnknownInvitation)?;
    if invitation.accepted_at.is_some() {
        return Err(PeopleError::InvitationUsed);
    }
    if invitation.expires_at <= now {
        return Err(PeopleError::InvitationExpired(invitation.expires_at));
    }
    Ok((user, invitation.expires_at))
}

/// Sets the account's password and uses the link up. Two tabs racing with one link: one wins,
/// the other is told the link was used.
pub(crate) async fn accept(
    store: &dyn Store,
    now: Timestamp,
    token: &InvitationToken,
    password: NewPassword,
) -> Result<User, PeopleError> {
    invitation(store, now, token).await?;
    let hash = passwords::hash(password.expose().to_owned()).await;
    match store.accept_invitation(&token.hash(), &hash, now).await? {
        Some(user) => Ok(user),
        None => Err(invitation(store, now, token)
            .await
            .err()
            .unwrap_or(PeopleError::InvitationUsed)),
    }
}

/// Stops an account from signing in (its open sessions stop working on their next request) and
/// returns every task it holds to the pool at once. Returns how many tasks went back.
pub(crate) async fn deactivate(
    store: &dyn Store,
    now: Timestamp,
    id: UserId,
    by: UserId,
    finisher: &dyn Finisher,
) -> Result<u64, PeopleError> {
    if id == by {
        return Err(PeopleError::SelfDeactivation);
    }
    if !store.set_deactivated(id, Some(now)).await? {
        return Err(PeopleError::UnknownPerson);
    }
    // After the flag: claims check it in their own statement, so a claim that was already under
    // way either committed before this sweep (and is returned by it) or finds the account
    // deactivated.
    Ok(store.release_worker_tasks(id, now, finisher).await?)
}

pub(crate) async fn reactivate(store: &dyn Store, id: UserId) -> Result<(), PeopleError> {
    if store.set_deactivated(id, None).await? {
        Ok(())
    } else {
        Err(PeopleError::UnknownPerson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_hash_to_hex() {
        let token = InvitationToken::generate();
        assert_eq!(token.expose().len(), 43);
        assert_eq!(InvitationToken::parse(token.expose()).unwrap(), token);
        assert_eq!(token.hash().len(), 64);
        assert_ne!(token.hash(), InvitationToken::generate().hash());
        assert!(InvitationToken::parse("short").is_err());
        assert!(InvitationToken::parse(&"a/".repeat(22)[..43]).is_err());
        assert_eq!(format!("{token:?}"), "InvitationToken(..)");
    }
}
