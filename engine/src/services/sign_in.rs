//! Signing in: an email and password checked against the store, under the lock-out policy.

use std::time::Duration;

use crate::domain::accounts::{Email, User};
use crate::domain::clock::{Clock, Timestamp};
use crate::domain::passwords;
use crate::store::{SignInFailure, Store, StoreError};

/// How hard Loupe makes guessing passwords.
///
/// Failures are counted per account *and client address*, and a lock holds only for the
/// address that earned it. Someone guessing from elsewhere can therefore never lock a person
/// out: the right password from any other address gets in at once. (Growing delays per
/// account were the alternative; they let an attacker keep the delay at its maximum for
/// everyone, which is a lock by another name.) Guessing across many accounts from one
/// address is bounded by the server's per-address limit on failures.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failed attempts from one address, within `lockout`, after which sign-ins to the
    /// account from that address are locked.
    pub max_failures: u32,
    /// How long a lock lasts, and how long a failure is remembered.
    pub lockout: Duration,
    /// Added to every failed attempt before the answer goes out.
    pub failure_delay: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
            failure_delay: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error("too many failed sign-ins: this account is locked until {}", until.to_rfc3339())]
    Locked { until: Timestamp },
    /// Said only after the right password, so it tells nothing to someone guessing.
    #[error("this account has been deactivated; ask an admin to reactivate it")]
    Deactivated,
    /// Too many sign-ins are being checked at once; nothing was checked.
    #[error(transparent)]
    Busy(#[from] passwords::Busy),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks an email and password from `client` (the caller's address) against the store,
/// applying the lock-out policy.
///
/// Every failure costs `policy.failure_delay`, and an unknown email costs as much hashing as a
/// known one, so neither timing nor messages tell an attacker which accounts exist... except a
/// locked account, which says so, because a real user needs to know why the right password fails.
pub(crate) async fn log_in(
    store: &dyn Store,
    clock: &dyn Clock,
    policy: &LoginPolicy,
    email: &str,
    password: &str,
    client: &str,
) -> Result<User, LoginError> {
    let record = match Email::parse(email) {
        Ok(email) => store.find_login(&email).await?,
        Err(_) => None,
    };
    let Some(record) = record else {
        passwords::burn_equal_time(password.to_owned()).await?;
        tokio::time::sleep(policy.failure_delay).await;
        return Err(LoginError::InvalidCredentials);
    };
    let now = clock.now();
    if let Some(until) = store.sign_in_lock(record.user.id, client, now).await? {
        tokio::time::sleep(policy.failure_delay).await;
        return Err(LoginError::Locked { until });
    }
    if passwords::verify(password.to_owned(), record.password_hash.clone()).await? {
        if !record.user.is_active() {
            return Err(LoginError::Deactivated);
        }
        store
            .record_login_success(record.user.id, client, now)
            .await?;
        let mut user = record.user;
        user.last_login_at = Some(now);
        return Ok(user);
    }
    let locked = store
        .record_login_failure(&SignInFailure {
            user: record.user.id,
            client,
            at: now,
            forget_before: now.minus(policy.lockout),
            max_failures: policy.max_failures,
            lock_until: now.plus(policy.lockout),
        })
        .await?;
    tokio::time::sleep(policy.failure_delay).await;
    match locked.filter(|until| *until > now) {
        Some(until) => Err(LoginError::Locked { until }),
        None => Err(LoginError::InvalidCredentials),
    }
}
