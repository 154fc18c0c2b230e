//! The people who sign in, as the admin pages manage them: the list, invitations and their
//! links, deactivation (which returns the person's tasks at once) and reactivation. The rules
//! are in [`crate::services::people`]; this is their door, on the engine's clock.

use super::{ReviewError, Reviews};
use crate::domain::accounts::{Email, NewPassword, Role, User, UserId};
use crate::domain::clock::Timestamp;
use crate::domain::passwords;
use crate::domain::teams::WorkteamName;
use crate::services::people::{self, InvitationToken, Invited, PeopleError};
use crate::services::sign_in::{self, LoginError, LoginPolicy};
use crate::store::NewUser;

impl Reviews {
    /// Checks an email and password under `policy`; `client` is where the attempt came from.
    pub async fn log_in(
        &self,
        policy: &LoginPolicy,
        email: &str,
        password: &str,
        client: &str,
    ) -> Result<User, LoginError> {
        sign_in::log_in(&*self.store, &*self.clock, policy, email, password, client).await
    }

    /// An account that signs in with `password` at once (the operator's command line and the
    /// first admin; people invited from the browser choose their own).
    pub async fn add_user(
        &self,
        email: Email,
        role: Role,
        teams: Vec<WorkteamName>,
        password: NewPassword,
    ) -> Result<User, ReviewError> {
        let password_hash = passwords::hash(password.expose().to_owned()).await;
        Ok(self
            .store
            .create_user(NewUser {
                email,
                password_hash,
                role,
                teams,
                created_at: self.now(),
            })
            .await?)
    }

    pub async fn count_admins(&self) -> Result<i64, ReviewError> {
        Ok(self.store.count_admins().await?)
    }

    /// Everyone who signs in, by email.
    pub async fn list_users(&self) -> Result<Vec<User>, ReviewError> {
        Ok(self.store.list_users().await?)
    }

    pub async fn find_user(&self, id: UserId) -> Result<Option<User>, ReviewError> {
        Ok(self.store.find_user(id).await?)
    }

    /// The teams `id` is in, directly or through a worker group, by name.
    pub async fn team_names_of(&self, id: UserId) -> Result<Vec<WorkteamName>, ReviewError> {
        Ok(self.store.team_names_of(id).await?)
    }

    /// The people whose invitation link still works now, with when it stops.
    pub async fn open_invitations(&self) -> Result<Vec<(UserId, Timestamp)>, ReviewError> {
        Ok(self.store.open_invitations(self.now()).await?)
    }

    /// An account that cannot sign in until the invitation it comes with is accepted.
    pub async fn invite(
        &self,
        email: Email,
        role: Role,
        teams: Vec<WorkteamName>,
    ) -> Result<Invited, PeopleError> {
        people::invite(&*self.store, self.now(), email, role, teams).await
    }

    /// A fresh link for an existing account; earlier open links stop working.
    pub async fn reinvite(&self, id: UserId) -> Result<Invited, PeopleError> {
        people::reinvite(&*self.store, self.now(), id).await
    }

    /// The account an open invitation is for, and when the link stops working.
    pub async fn invitation(
        &self,
        token: &InvitationToken,
    ) -> Result<(User, Timestamp), PeopleError> {
        people::invitation(&*self.store, self.now(), token).await
    }

    /// Sets the account's password and uses the link up.
    pub async fn accept_invitation(
        &self,
        token: &InvitationToken,
        password: NewPassword,
    ) -> Result<User, PeopleError> {
        people::accept(&*self.store, self.now(), token, password).await
    }

    /// Stops `id` signing in (`by` may not be `id`) and returns their tasks to the pool: how
    /// many went back.
    pub async fn deactivate(&self, id: UserId, by: UserId) -> Result<u64, PeopleError> {
        people::deactivate(&*self.store, self.now(), id, by, &self.finisher).await
    }

    pub async fn reactivate(&self, id: UserId) -> Result<(), PeopleError> {
        people::reactivate(&*self.store, id).await
    }
}
