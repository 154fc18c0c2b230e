//! The master key's fingerprint (`master_key`, one row) and the oldest sealed secret, which
//! tells a database from before fingerprints which key it was sealed with.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::key_custody::{KeyFingerprint, KeyRecord};

use super::StoreError;

#[async_trait]
pub trait MasterKeyStore {
    /// The recorded fingerprint, and the oldest sealed secret (an access key's, else a
    /// webhook's), if there are.
    async fn master_key_record(&self) -> Result<KeyRecord, StoreError>;
    /// Records `fingerprint` unless one is recorded already, and returns the one recorded: when
    /// two processes record at once, both learn which one won.
    async fn record_master_key(
        &self,
        fingerprint: &KeyFingerprint,
        at: Timestamp,
    ) -> Result<KeyFingerprint, StoreError>;
}

/// Implements [`MasterKeyStore`] for a backend's store; see [`super::dialect`].
macro_rules! master_key_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MasterKeyStore for $store {
            async fn master_key_record(
                &self,
            ) -> Result<$crate::domain::key_custody::KeyRecord, $crate::store::StoreError> {
                use $crate::domain::key_custody::{KeyFingerprint, KeyRecord, SealedSample};
                let fingerprint: Option<String> =
                    sqlx::query_scalar("SELECT fingerprint FROM master_key WHERE id = 1")
                        .fetch_optional(&self.pool)
                        .await?;
                let access_key: Option<(String, String)> = sqlx::query_as(
                    "SELECT id, sealed_secret FROM access_keys ORDER BY created_at, id LIMIT 1",
                )
                .fetch_optional(&self.pool)
                .await?;
                let oldest_secret = match access_key {
                    Some((id, sealed)) => Some(SealedSample::AccessKey {
                        id: $crate::domain::keys::AccessKeyId::parse(&id)
                            .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                        sealed: $crate::domain::keys::SealedSecret::from_stored(sealed),
                    }),
                    None => {
                        let webhook: Option<(String, String)> = sqlx::query_as(
                            "SELECT name, secret FROM webhooks ORDER BY created_at, id LIMIT 1",
                        )
                        .fetch_optional(&self.pool)
                        .await?;
                        webhook.map(|(name, sealed)| SealedSample::Webhook {
                            name,
                            sealed: $crate::domain::keys::SealedSecret::from_stored(sealed),
                        })
                    }
                };
                Ok(KeyRecord {
                    fingerprint: fingerprint.map(KeyFingerprint::from_stored),
                    oldest_secret,
                })
            }

            async fn record_master_key(
                &self,
                fingerprint: &$crate::domain::key_custody::KeyFingerprint,
                at: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::key_custody::KeyFingerprint, $crate::store::StoreError>
            {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO master_key (id, fingerprint, recorded_at) VALUES (1, $1, $2) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(fingerprint.as_str())
                .bind(at.as_millis())
                .execute(&mut *tx)
                .await?;
                let recorded: String =
                    sqlx::query_scalar("SELECT fingerprint FROM master_key WHERE id = 1")
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok($crate::domain::key_custody::KeyFingerprint::from_stored(
                    recorded,
                ))
            }
        }
    };
}

pub(crate) use master_key_sql;
