//! API access keys for the AWS-compatible endpoints.
//!
//! SigV4 signatures are HMACs keyed by the secret, so the server must be able to recover the
//! secret itself; a one-way hash would not do. Secrets are therefore sealed with
//! XChaCha20-Poly1305 under a master key that never enters the database, with the access key id as
//! associated data so a sealed secret cannot be moved to another key's row.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::{Rng, RngCore};
use serde::{Deserialize, Serialize};

use crate::domain::clock::Timestamp;
use crate::domain::macros::text_newtype;

/// `LKIA` followed by 16 characters of base32, 20 in all like an AWS access key id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
// Read back only through the parser, so a stored or sent value is as valid as a new one.
#[serde(try_from = "String", into = "String")]
pub struct AccessKeyId(String);

impl AccessKeyId {
    const PREFIX: &'static str = "LKIA";
    const ALPHABET: &'static [u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    pub fn generate() -> Self {
        let mut rng = rand::thread_rng();
        let tail: String = (0..16)
            .map(|_| char::from(Self::ALPHABET[rng.gen_range(0..Self::ALPHABET.len())]))
            .collect();
        Self(format!("{}{tail}", Self::PREFIX))
    }

    pub fn parse(raw: &str) -> Result<Self, KeyError> {
        let ok = raw.len() == 20
            && raw.starts_with(Self::PREFIX)
            && raw.bytes().skip(4).all(|b| Self::ALPHABET.contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(KeyError::InvalidId(raw.to_owned()))
        }
    }
}

text_newtype!(AccessKeyId, parsed by KeyError);

/// 40 characters of base64, like an AWS secret access key. Never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretAccessKey(String);

impl SecretAccessKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 30];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(B64.encode(bytes))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretAccessKey(..)")
    }
}

/// The 32-byte key that seals access key secrets at rest.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl MasterKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_base64(raw: &str) -> Result<Self, KeyError> {
        let bytes = B64
            .decode(raw.trim())
            .map_err(|_| KeyError::InvalidMasterKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::InvalidMasterKey)?;
        Ok(Self(bytes))
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    pub fn seal(&self, id: &AccessKeyId, secret: &SecretAccessKey) -> SealedSecret {
        self.seal_text(id.as_str(), secret.expose())
    }

    pub fn open(
        &self,
        id: &AccessKeyId,
        sealed: &SealedSecret,
    ) -> Result<SecretAccessKey, KeyError> {
        self.open_text(id.as_str(), sealed).map(SecretAccessKey)
    }

    /// A key for one purpose (signing links, say), derived so that it reveals nothing about
    /// the master key or the keys of other purposes.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0)
            .expect("HMAC takes keys of any length");
        mac.update(b"loupe key derivation\n");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Seals any secret text, bound to `context` (the owner's id or name): a sealed value
    /// copied to another owner's row does not open.
    pub fn seal_text(&self, context: &str, plain: &str) -> SealedSecret {
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new((&self.0).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption cannot fail for short inputs");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        SealedSecret(format!("v1:{}", B64.encode(blob)))
    }

    pub fn open_text(&self, context: &str, sealed: &SealedSecret) -> Result<String, KeyError> {
        let blob = sealed
            .0
            .strip_prefix("v1:")
            .and_then(|b64| B64.decode(b64).ok())
            .filter(|blob| blob.len() > 24)
            .ok_or(KeyError::CannotOpen)?;
        let (nonce, ciphertext) = blob.split_at(24);
        let plain = XChaCha20Poly1305::new((&self.0).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::CannotOpen)?;
        String::from_utf8(plain).map_err(|_| KeyError::CannotOpen)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

/// A secret as stored: `v1:` + base64(nonce || ciphertext || tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSecret(String);

impl SealedSecret {
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    pub fn from_stored(raw: &str) -> Self {
        if raw == "Active" {
            Self::Active
        } else {
            Self::Inactive
        }
    }
}

/// An access key as listed: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: AccessKeyId,
    pub name: String,
    pub status: KeyStatus,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A key's display name: 1-64 printable characters.
/// A new active key named `name`: the record to store, its sealed secret, and the secret to
/// show once. The CLI and the admin UI both make keys this way.
pub fn issue(
    master: &MasterKey,
    name: &str,
    now: Timestamp,
) -> Result<(AccessKey, SealedSecret, SecretAccessKey), KeyError> {
    let key = AccessKey {
        id: AccessKeyId::generate(),
        name: parse_key_name(name)?,
        status: KeyStatus::Active,
        created_at: now,
        revoked_at: None,
    };
    let secret = SecretAccessKey::generate();
    let sealed = master.seal(&key.id, &secret);
    Ok((key, sealed, secret))
}

pub fn parse_key_name(raw: &str) -> Result<String, KeyError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(KeyError::InvalidName(raw.to_owned()));
    }
    Ok(name.to_owned())
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0:?} is not a Loupe access key id (LKIA followed by 16 characters)")]
    InvalidId(String),
    #[error("invalid key name {0:?}: use 1-64 printable characters")]
    InvalidName(String),
    #[error("the master key must be 32 bytes, base64-encoded")]
    InvalidMasterKey,
    #[error("the stored secret cannot be opened with this master key")]
    CannotOpen,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_secrets_have_aws_shapes() {
        let id = AccessKeyId::generate();
        assert_eq!(id.as_str().len(), 20);
        assert!(AccessKeyId::parse(id.as_str()).is_ok());
        assert_eq!(SecretAccessKey::generate().expose().len(), 40);
        assert!(AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").is_err());
    }

    #[test]
    fn seal_and_open_round_trip() {
        let key = MasterKey::generate();
        let id = AccessKeyId::generate();
        let secret = SecretAccessKey::generate();
        let sealed = key.seal(&id, &secret);
        assert!(!sealed.as_str().contains(secret.expose()));
        assert_eq!(key.open(&id, &sealed).unwrap(), secret);
    }

    #[test]
    fn a_sealed_secret_is_bound_to_its_key_id_and_master_key() {
        let key = MasterKey::generate();
        let id = AccessKeyId::generate();
        let sealed = key.seal(&id, &SecretAccessKey::generate());
        assert!(key.open(&AccessKeyId::generate(), &sealed).is_err());
        assert!(MasterKey::generate().open(&id, &sealed).is_err());
    }

    #[test]
    fn master_key_round_trips_through_base64() {
        let key = MasterKey::generate();
        assert_eq!(MasterKey::from_base64(&key.to_base64()).unwrap().0, key.0);
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }

    #[test]
    fn key_ids_read_back_only_through_the_parser() {
        let id = AccessKeyId::generate();
        let text = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<AccessKeyId>(&text).unwrap(), id);
        assert!(serde_json::from_str::<AccessKeyId>("\"AKIAEXAMPLE\"").is_err());
    }
}
