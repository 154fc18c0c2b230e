//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the blocking
//! thread pool and never stalls the async runtime.

use std::sync::OnceLock;

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

pub async fn hash(password: String) -> PasswordHash {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("password hashing task panicked")
}

pub fn hash_blocking(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    let phc = hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string();
    PasswordHash(phc)
}

pub async fn verify(password: String, hash: PasswordHash) -> bool {
    tokio::task::spawn_blocking(move || verify_blocking(&password, &hash))
        .await
        .unwrap_or(false)
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

/// Spends as long as a real verification, for sign-ins with an unknown email.
pub async fn burn_equal_time(password: String) {
    let _ = tokio::task::spawn_blocking(move || verify_blocking(&password, dummy_hash())).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hash = hash("correct horse battery".into()).await;
        assert!(hash.as_str().starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), hash.clone()).await);
        assert!(!verify("wrong horse battery".into(), hash).await);
    }

    #[tokio::test]
    async fn a_corrupt_hash_never_verifies() {
        assert!(!verify("x".into(), PasswordHash::from_stored("not a hash".into())).await);
    }
}
