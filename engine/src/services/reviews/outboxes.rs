//! The two outboxes, drained from here: output.json files waiting to be written, and
//! status-change events waiting to be posted to webhooks. A round leases what is due (so replicas
//! share the work, and a replica that dies mid-write loses its leases with its heartbeat), does
//! the writing or posting, and records how each went: at least once, never lost.

use std::time::Duration;

use async_trait::async_trait;

use super::{ReviewError, Reviews};
use crate::domain::keys::MasterKey;
use crate::domain::webhooks::{self, AttemptOutcome, PendingDelivery};
use crate::output::writer::OutputStore;

/// How long a leased output write may take before another runner retries it, while its
/// instance lives (a gone instance's leases end at once).
const OUTPUT_LEASE: Duration = Duration::from_secs(60);
/// Output files written per round.
const OUTPUT_BATCH: u32 = 64;
/// How long a leased delivery is kept from other replicas while its replica lives; longer than
/// any attempt.
const DELIVERY_LEASE: Duration = Duration::from_secs(60);
/// Deliveries posted at once by one replica.
const DELIVERY_BATCH: u32 = 32;

/// 1 s, 2 s, 4 s … capped at 5 minutes: a store that is down for a while is not hammered, and
/// one that comes back is used within minutes.
pub fn retry_delay(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(2u64.saturating_pow(exponent).min(300))
}

/// Posts one signed event to a webhook's receiver: the HTTP side of a delivery, which the server
/// provides.
#[async_trait]
pub trait WebhookPoster: Send + Sync {
    async fn post(&self, delivery: &SignedDelivery<'_>) -> AttemptOutcome;
}

/// A delivery as it goes out: where, the body, and the headers that let the receiver check it.
#[derive(Debug)]
pub struct SignedDelivery<'a> {
    pub url: &'a str,
    pub payload: &'a str,
    /// The value of [`webhooks::SIGNATURE_HEADER`].
    pub signature: String,
    pub event_id: &'a str,
    /// This attempt's number, from 1.
    pub attempt: i64,
}

/// What one round of webhook deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub delivered: u64,
    pub failed: u64,
}

impl DeliveryRound {
    /// A full round means more may be due at once.
    pub fn was_full(self) -> bool {
        self.delivered + self.failed >= u64::from(DELIVERY_BATCH)
    }
}

impl Reviews {
    /// Writes the output files due now (up to one batch): how many were written and how many
    /// failed (those are retried later, backing off).
    pub async fn drain_outputs(&self, outputs: &OutputStore) -> Result<(u64, u64), ReviewError> {
        let now = self.now();
        let leased = self
            .store
            .lease_outputs(
                now,
                now.plus(OUTPUT_LEASE),
                OUTPUT_BATCH,
                self.instance.as_ref(),
            )
            .await?;
        let (mut written, mut failed) = (0, 0);
        for output in leased {
            let body = bytes::Bytes::from(output.body.into_bytes());
            match outputs.put(&output.uri, body, "application/json").await {
                Ok(()) => {
                    self.store.output_written(output.id, self.now()).await?;
                    written += 1;
                }
                Err(error) => {
                    tracing::warn!(uri = %output.uri, attempts = output.attempts, %error,
                        "writing output.json failed; will retry");
                    let retry_at = self.now().plus(retry_delay(output.attempts));
                    self.store
                        .output_failed(output.id, &error.to_string(), retry_at)
                        .await?;
                    failed += 1;
                }
            }
        }
        Ok((written, failed))
    }

    /// Posts every webhook delivery due now (up to one batch), signed with the secrets `master`
    /// opens, concurrently, and records how each attempt ended.
    pub async fn deliver_webhooks(
        &self,
        master: &MasterKey,
        poster: &dyn WebhookPoster,
    ) -> Result<DeliveryRound, ReviewError> {
        let now = self.now();
        let due = self
            .store
            .lease_deliveries(
                now,
                now.plus(DELIVERY_LEASE),
                DELIVERY_BATCH,
                self.instance.as_ref(),
            )
            .await?;
        let outcomes = futures::future::join_all(
            due.iter()
                .map(|delivery| self.attempt_delivery(master, poster, delivery)),
        )
        .await;
        let mut round = DeliveryRound::default();
        for (delivery, outcome) in due.iter().zip(outcomes) {
            let finished = self.now();
            let retry_at = match &outcome {
                AttemptOutcome::Delivered { .. } => {
                    round.delivered += 1;
                    None
                }
                AttemptOutcome::Failed { status, error } => {
                    round.failed += 1;
                    let retry_at =
                        webhooks::next_attempt(delivery.attempt, delivery.created_at, finished);
                    match retry_at {
                        Some(at) => tracing::warn!(
                            webhook = %delivery.webhook, event = %delivery.event_id,
                            attempt = delivery.attempt, ?status, %error, retry_at = %at.to_rfc3339(),
                            "webhook delivery failed; will retry"
                        ),
                        None => tracing::error!(
                            webhook = %delivery.webhook, event = %delivery.event_id,
                            attempt = delivery.attempt, ?status, %error,
                            "webhook delivery failed for a day; giving up"
                        ),
                    }
                    retry_at
                }
            };
            self.store
                .record_delivery_attempt(delivery.id, &outcome, finished, retry_at)
                .await?;
        }
        Ok(round)
    }

    async fn attempt_delivery(
        &self,
        master: &MasterKey,
        poster: &dyn WebhookPoster,
        delivery: &PendingDelivery,
    ) -> AttemptOutcome {
        let Ok(secret) = webhooks::open_secret(master, &delivery.webhook, &delivery.secret) else {
            return AttemptOutcome::Failed {
                status: None,
                error: "the webhook's secret does not open with this master key; re-create the \
                    webhook or start Loupe with the key it was made under"
                    .to_owned(),
            };
        };
        let sent_at = self.now().as_millis().div_euclid(1000);
        poster
            .post(&SignedDelivery {
                url: &delivery.url,
                payload: &delivery.payload,
                signature: webhooks::sign(&secret, sent_at, delivery.payload.as_bytes()),
                event_id: &delivery.event_id,
                attempt: delivery.attempt,
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn output_retries_back_off_to_five_minutes() {
        assert_eq!(retry_delay(1), Duration::from_secs(1));
        assert_eq!(retry_delay(2), Duration::from_secs(2));
        assert_eq!(retry_delay(5), Duration::from_secs(16));
        assert_eq!(retry_delay(40), Duration::from_secs(300));
    }
}
