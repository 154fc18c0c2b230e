//! Webhooks (`webhooks`) and their delivery history.

use async_trait::async_trait;

use crate::domain::webhooks::{DeliveryRecord, NewWebhook, Webhook, WebhookName};

use super::StoreError;

#[async_trait]
pub trait WebhookStore {
    /// Adds a webhook; `Conflict` when the name is taken. Only events after this get to it.
    async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook, StoreError>;
    /// Every webhook, by name.
    async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError>;
    /// Removes a webhook and its delivery history; false when there was none by that name.
    async fn delete_webhook(&self, name: &WebhookName) -> Result<bool, StoreError>;
    /// Delivery history, newest first, of one webhook or all, older than `before` (an id).
    async fn deliveries(
        &self,
        webhook: Option<&WebhookName>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
}

/// Implements [`WebhookStore`] for a backend's store; see [`super::dialect`].
macro_rules! webhooks_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::WebhookStore for $store {
            async fn create_webhook(
                &self,
                webhook: &$crate::domain::webhooks::NewWebhook,
            ) -> Result<$crate::domain::webhooks::Webhook, $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO webhooks (name, url, secret, flow_name, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(webhook.name.as_str())
                .bind(webhook.url.as_str())
                .bind(webhook.secret.as_str())
                .bind(webhook.flow.as_ref().map(|f| f.as_str()))
                .bind(webhook.created_at.as_millis())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::conflict_on(
                    $crate::store::UniqueKey::WebhookName,
                    || format!("a webhook named {} already exists", webhook.name),
                ))?;
                Ok($crate::domain::webhooks::Webhook {
                    id,
                    name: webhook.name.as_str().to_owned(),
                    url: webhook.url.as_str().to_owned(),
                    flow: webhook.flow.as_ref().map(|f| f.as_str().to_owned()),
                    created_at: webhook.created_at,
                })
            }

            async fn webhooks(
                &self,
            ) -> Result<Vec<$crate::domain::webhooks::Webhook>, $crate::store::StoreError> {
                let rows: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
                    "SELECT id, name, url, flow_name, created_at FROM webhooks ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(
                        |(id, name, url, flow, created_at)| $crate::domain::webhooks::Webhook {
                            id,
                            name,
                            url,
                            flow,
                            created_at: $crate::domain::clock::Timestamp::from_millis(created_at),
                        },
                    )
                    .collect())
            }

            async fn delete_webhook(
                &self,
                name: &$crate::domain::webhooks::WebhookName,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                // Deliveries go with the webhook (no cascade needs foreign keys switched on).
                sqlx::query(
                    "DELETE FROM webhook_deliveries WHERE webhook_id IN \
                     (SELECT id FROM webhooks WHERE name = $1)",
                )
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?;
                let deleted = sqlx::query("DELETE FROM webhooks WHERE name = $1")
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(deleted > 0)
            }

            async fn deliveries(
                &self,
                webhook: Option<&$crate::domain::webhooks::WebhookName>,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<$crate::domain::webhooks::DeliveryRecord>, $crate::store::StoreError>
            {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT d.id, w.name, d.event_id, d.attempts, d.last_status, d.last_error, \
                     d.created_at, d.next_attempt_at, d.delivered_at, d.gave_up_at \
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                     WHERE ($1 IS NULL OR w.name = $1) AND ($2 IS NULL OR d.id < $2) \
                     ORDER BY d.id DESC LIMIT $3",
                )
                .bind(webhook.map(|w| w.as_str()))
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let at =
                    |millis: Option<i64>| millis.map($crate::domain::clock::Timestamp::from_millis);
                rows.iter()
                    .map(|row| {
                        Ok($crate::domain::webhooks::DeliveryRecord {
                            id: row.try_get("id")?,
                            webhook: row.try_get("name")?,
                            event_id: row.try_get("event_id")?,
                            attempts: row.try_get("attempts")?,
                            last_status: row.try_get("last_status")?,
                            last_error: row.try_get("last_error")?,
                            created_at: $crate::domain::clock::Timestamp::from_millis(
                                row.try_get("created_at")?,
                            ),
                            next_attempt_at: $crate::domain::clock::Timestamp::from_millis(
                                row.try_get("next_attempt_at")?,
                            ),
                            delivered_at: at(row.try_get("delivered_at")?),
                            gave_up_at: at(row.try_get("gave_up_at")?),
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use webhooks_sql;
