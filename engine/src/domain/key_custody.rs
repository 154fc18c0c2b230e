//! Which master key a database's secrets are sealed with.
//!
//! The master key never enters the database, but its fingerprint does, so a server or command
//! started with another key (a fresh key file made in another working directory, say) is
//! refused at once instead of sealing secrets nothing else can open, or failing every signed
//! call. The fingerprint is an HMAC of a fixed label under the key: it identifies the key
//! without revealing anything about it.
//!
//! A database from before fingerprints were kept has none; its key is checked by opening its
//! oldest sealed secret, and the fingerprint recorded once that succeeds.

use std::fmt;

use crate::domain::digest::hex;
use crate::domain::keys::{AccessKeyId, MasterKey, SealedSecret};
use crate::domain::webhooks;

/// The purpose under which the fingerprint is derived; no other key is derived under it.
const FINGERPRINT_PURPOSE: &str = "master key fingerprint";

/// Lower-case hex of HMAC-SHA256 under the master key: 64 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFingerprint(String);

impl KeyFingerprint {
    pub fn of(key: &MasterKey) -> Self {
        Self(hex(&key.derive(FINGERPRINT_PURPOSE)))
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One sealed secret of the database, to try a key on.
#[derive(Debug, Clone)]
pub enum SealedSample {
    AccessKey {
        id: AccessKeyId,
        sealed: SealedSecret,
    },
    Webhook {
        name: String,
        sealed: SealedSecret,
    },
}

impl SealedSample {
    pub fn opens_with(&self, key: &MasterKey) -> bool {
        match self {
            Self::AccessKey { id, sealed } => key.open(id, sealed).is_ok(),
            Self::Webhook { name, sealed } => webhooks::open_secret(key, name, sealed).is_ok(),
        }
    }

    /// What the secret belongs to, for messages.
    pub fn owner(&self) -> String {
        match self {
            Self::AccessKey { id, .. } => format!("access key {id}"),
            Self::Webhook { name, .. } => format!("webhook {name}"),
        }
    }
}

/// What a database says about its master key.
#[derive(Debug, Clone, Default)]
pub struct KeyRecord {
    /// The recorded fingerprint, if one is.
    pub fingerprint: Option<KeyFingerprint>,
    /// Its oldest sealed secret (an access key's before a webhook's), if it holds any.
    pub oldest_secret: Option<SealedSample>,
}

impl KeyRecord {
    /// The database is bound to a key already: a new key must not be made for it.
    pub fn expects_a_key(&self) -> bool {
        self.fingerprint.is_some() || self.oldest_secret.is_some()
    }
}

/// What to do with the key a process was started with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The recorded fingerprint is this key's.
    Matches,
    /// No fingerprint yet, and nothing contradicts this key: record its fingerprint.
    Record,
    /// Another key's fingerprint is recorded.
    Mismatch { expected: KeyFingerprint },
    /// No fingerprint yet, and the key does not open the oldest sealed secret.
    OpensNothing { owner: String },
}

pub fn judge(record: &KeyRecord, key: &MasterKey) -> Verdict {
    match (&record.fingerprint, &record.oldest_secret) {
        (Some(expected), _) if *expected == KeyFingerprint::of(key) => Verdict::Matches,
        (Some(expected), _) => Verdict::Mismatch {
            expected: expected.clone(),
        },
        (None, Some(sample)) if sample.opens_with(key) => Verdict::Record,
        (None, Some(sample)) => Verdict::OpensNothing {
            owner: sample.owner(),
        },
        (None, None) => Verdict::Record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keys::SecretAccessKey;
    use crate::domain::webhooks::{WebhookName, WebhookSecret, seal_secret};

    #[test]
    fn a_fingerprint_names_one_key_and_reveals_none_of_it() {
        let key = MasterKey::generate();
        let fingerprint = KeyFingerprint::of(&key);
        assert_eq!(fingerprint, KeyFingerprint::of(&key));
        assert_ne!(fingerprint, KeyFingerprint::of(&MasterKey::generate()));
        assert_eq!(fingerprint.as_str().len(), 64);
        assert!(fingerprint.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        // Neither the key nor another purpose's derived key (the link signer's) shows.
        assert!(
            !fingerprint
                .as_str()
                .contains(&hex(&key.derive("grant_read_access links")))
        );
        assert_ne!(fingerprint.as_str(), key.to_base64());
    }

    #[test]
    fn a_fresh_database_takes_any_key() {
        let record = KeyRecord::default();
        assert!(!record.expects_a_key());
        assert_eq!(judge(&record, &MasterKey::generate()), Verdict::Record);
    }

    #[test]
    fn a_recorded_fingerprint_admits_its_key_only() {
        let key = MasterKey::generate();
        let record = KeyRecord {
            fingerprint: Some(KeyFingerprint::of(&key)),
            oldest_secret: None,
        };
        assert!(record.expects_a_key());
        assert_eq!(judge(&record, &key), Verdict::Matches);
        assert_eq!(
            judge(&record, &MasterKey::generate()),
            Verdict::Mismatch {
                expected: KeyFingerprint::of(&key)
            }
        );
    }

    #[test]
    fn without_a_fingerprint_the_oldest_secret_decides() {
        let key = MasterKey::generate();
        let id = AccessKeyId::generate();
        let record = KeyRecord {
            fingerprint: None,
            oldest_secret: Some(SealedSample::AccessKey {
                sealed: key.seal(&id, &SecretAccessKey::generate()),
                id: id.clone(),
            }),
        };
        assert!(record.expects_a_key());
        assert_eq!(judge(&record, &key), Verdict::Record);
        assert_eq!(
            judge(&record, &MasterKey::generate()),
            Verdict::OpensNothing {
                owner: format!("access key {id}")
            }
        );

        let name = WebhookName::parse("ops").unwrap();
        let secret = WebhookSecret::parse("a-secret-of-my-own-choosing").unwrap();
        let webhook = SealedSample::Webhook {
            name: name.to_string(),
            sealed: seal_secret(&key, &name, &secret),
        };
        assert!(webhook.opens_with(&key));
        assert!(!webhook.opens_with(&MasterKey::generate()));
    }
}
