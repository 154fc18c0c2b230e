//! Binding a database to one master key: the first process to open it with a key records that
//! key's fingerprint, and every later one must bring the same key (see
//! [`crate::domain::key_custody`]).

use crate::domain::clock::Timestamp;
use crate::domain::key_custody::{self, KeyFingerprint, KeyRecord, Verdict};
use crate::domain::keys::MasterKey;
use crate::store::{Store, StoreError};

/// How a key was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adopted {
    /// Its fingerprint was recorded already.
    Matched,
    /// Its fingerprint is recorded now (a new database, or one from before fingerprints).
    Recorded,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyRefusal {
    #[error(
        "the database's secrets are sealed with the master key of fingerprint {expected}; \
         this key's fingerprint is {offered}"
    )]
    Mismatch {
        expected: KeyFingerprint,
        offered: KeyFingerprint,
    },
    #[error(
        "the database records no master key fingerprint yet, and this key (fingerprint \
         {offered}) does not open the secret of its {owner}"
    )]
    OpensNothing {
        owner: String,
        offered: KeyFingerprint,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the database records about its key: whether a new key may be made for it.
pub async fn key_record(store: &dyn Store) -> Result<KeyRecord, StoreError> {
    store.master_key_record().await
}

/// Checks `key` against the database, and records its fingerprint when none is recorded yet and
/// the key opens the oldest sealed secret (or there is none).
pub async fn adopt(
    store: &dyn Store,
    key: &MasterKey,
    now: Timestamp,
) -> Result<Adopted, KeyRefusal> {
    let offered = KeyFingerprint::of(key);
    match key_custody::judge(&store.master_key_record().await?, key) {
        Verdict::Matches => Ok(Adopted::Matched),
        Verdict::Mismatch { expected } => Err(KeyRefusal::Mismatch { expected, offered }),
        Verdict::OpensNothing { owner } => Err(KeyRefusal::OpensNothing { owner, offered }),
        Verdict::Record => {
            // Another process may have recorded its own key in the meantime.
            let recorded = store.record_master_key(&offered, now).await?;
            if recorded == offered {
                Ok(Adopted::Recorded)
            } else {
                Err(KeyRefusal::Mismatch {
                    expected: recorded,
                    offered,
                })
            }
        }
    }
}
