//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the blocking
//! thread pool and never stalls the async runtime.
//!
//! Each hash takes 19 MiB while it runs, and sign-ins need no account, so hashes run through one
//! pool per process: at most [`configure`]'s number at once (one per core by default), the rest
//! wait in line. A sign-in that cannot start within [`QUEUE_WAIT`] is refused as [`Busy`]
//! instead of piling up memory.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash as ParsedHash};

/// A PHC-format argon2id hash string, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane), which match OWASP's advice.
fn hasher() -> Argon2<'static> {
    Argon2::default()
}

/// How long a sign-in waits for a turn to hash.
pub const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// Too many hashes waiting: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many sign-ins at once; try again in a few seconds")]
pub struct Busy;

static POOL: OnceLock<Semaphore> = OnceLock::new();

/// Sets how many hashes may run at once. Takes effect only before the first hash (the pool is
/// the process's); returns whether it did.
pub fn configure(at_once: usize) -> bool {
    POOL.set(Semaphore::new(at_once.max(1))).is_ok()
}

fn pool() -> &'static Semaphore {
    POOL.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    })
}

/// Runs `work` on the blocking pool once a turn is free, waiting at most `wait` for it.
async fn in_turn<T: Send + 'static>(
    wait: Option<Duration>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Busy> {
    let turn = match wait {
        Some(wait) => tokio::time::timeout(wait, pool().acquire())
            .await
            .map_err(|_| Busy)?,
        None => pool().acquire().await,
    }
    .map_err(|_| Busy)?;
    let done = tokio::task::spawn_blocking(work).await;
    drop(turn);
    Ok(done.expect("password hashing task panicked"))
}

/// Hashes a new password. Waits for its turn however long it takes: only admins, the command
/// line and holders of an invitation set passwords.
pub async fn hash(password: String) -> PasswordHash {
    in_turn(None, move || hash_blocking(&password))
        .await
        .expect("waiting without a limit cannot time out")
}

pub fn hash_blocking(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    let phc = hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string();
    PasswordHash(phc)
}

/// Checks a sign-in's password, or says the pool is too busy to try.
pub async fn verify(password: String, hash: PasswordHash) -> Result<bool, Busy> {
    in_turn(Some(QUEUE_WAIT), move || verify_blocking(&password, &hash)).await
}

fn verify_blocking(password: &str, hash: &PasswordHash) -> bool {
    match ParsedHash::new(hash.as_str()) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        // An account with no password yet (an open invitation) takes as long to refuse as any
        // other, so timing does not tell which emails were invited.
        Err(_) => {
            let _ = verify_blocking(password, dummy_hash());
            false
        }
    }
}

fn dummy_hash() -> &'static PasswordHash {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("loupe-dummy-password-for-timing"))
}

/// Spends as long as a real verification, for sign-ins with an unknown email, in the same line
/// (so a busy server answers both alike).
pub async fn burn_equal_time(password: String) -> Result<(), Busy> {
    in_turn(Some(QUEUE_WAIT), move || {
        verify_blocking(&password, dummy_hash());
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_refuses_after_the_wait() {
        // Hold every turn, as a flood of sign-ins would.
        let all = u32::try_from(pool().available_permits()).unwrap();
        let held = pool().acquire_many(all).await.unwrap();
        let waited = in_turn(Some(Duration::from_millis(50)), || ()).await;
        assert_eq!(waited, Err(Busy));
        drop(held);
        assert_eq!(in_turn(Some(Duration::from_millis(50)), || 7).await, Ok(7));
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash("correct horse battery".into()).await;
        assert!(hash.as_str().starts_with("$argon2id$"));
        assert_eq!(
            verify("correct horse battery".into(), hash.clone()).await,
            Ok(true)
        );
        assert_eq!(verify("wrong horse battery".into(), hash).await, Ok(false));
    }

    #[tokio::test]
    async fn a_corrupt_hash_never_verifies() {
        assert_eq!(
            verify("x".into(), PasswordHash::from_stored("not a hash".into())).await,
            Ok(false)
        );
    }
}
