//! Who may call the AWS-compatible API and who hears of its events: access keys and webhooks,
//! made, listed and removed. Secrets are sealed with the server's master key, which the caller
//! holds; only a key's or webhook's secret at its making is ever shown.

use super::{ReviewError, Reviews};
use crate::domain::keys::{self, AccessKey, AccessKeyId, MasterKey, SealedSecret, SecretAccessKey};
use crate::domain::webhooks::{self, DeliveryRecord, Webhook, WebhookName, WebhookSecret};

impl Reviews {
    pub async fn list_access_keys(&self) -> Result<Vec<AccessKey>, ReviewError> {
        Ok(self.store.list_access_keys().await?)
    }

    /// A key and its sealed secret, for checking a request's signature.
    pub async fn find_access_key(
        &self,
        id: &AccessKeyId,
    ) -> Result<Option<(AccessKey, SealedSecret)>, ReviewError> {
        Ok(self.store.find_access_key(id).await?)
    }

    /// A new active key named `name`, and its secret (shown once).
    pub async fn issue_access_key(
        &self,
        master: &MasterKey,
        name: &str,
    ) -> Result<(AccessKey, SecretAccessKey), ReviewError> {
        let (key, sealed, secret) = keys::issue(master, name, self.now())
            .map_err(|e| ReviewError::invalid("Name", e.to_string()))?;
        self.store.create_access_key(&key, &sealed).await?;
        Ok((key, secret))
    }

    /// Stops a key working at once; a revoked key stays listed.
    pub async fn revoke_access_key(&self, id: &AccessKeyId) -> Result<AccessKey, ReviewError> {
        Ok(self.store.revoke_access_key(id, self.now()).await?)
    }

    /// Every webhook, by name.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, ReviewError> {
        Ok(self.store.webhooks().await?)
    }

    /// Delivery history, newest first, of one webhook or all, older than `before` (an id).
    pub async fn deliveries(
        &self,
        webhook: Option<&WebhookName>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, ReviewError> {
        Ok(self.store.deliveries(webhook, before, limit).await?)
    }

    /// A webhook for the events of one flow definition (or all), and its signing secret: the
    /// one given, or a new one.
    pub async fn add_webhook(
        &self,
        master: &MasterKey,
        name: &str,
        url: &str,
        flow: Option<&str>,
        secret: Option<&str>,
    ) -> Result<(Webhook, WebhookSecret), ReviewError> {
        let (webhook, secret) = webhooks::prepare(master, name, url, flow, secret, self.now())
            .map_err(|refused| ReviewError::invalid(refused.setting, refused.message))?;
        Ok((self.store.create_webhook(&webhook).await?, secret))
    }

    /// Removes a webhook and its delivery history; false when there was none by that name.
    pub async fn remove_webhook(&self, name: &WebhookName) -> Result<bool, ReviewError> {
        Ok(self.store.delete_webhook(name).await?)
    }
}
