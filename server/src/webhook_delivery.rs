//! Posts status-change events to webhooks. Each round leases the due deliveries from the
//! database, posts them concurrently, signed, and records how each attempt ended.
//!
//! It runs on every replica beside the scheduler but in its own task, so a slow receiver
//! never delays deadlines or outputs, and the request path never waits on it. A lease keeps
//! other replicas off a delivery while it is in flight; a replica that dies mid-post stops
//! beating its heartbeat, its lease ends about 10 s later (at once when it starts again) and
//! another posts again: at least once, never lost.

use std::sync::Arc;
use std::time::Duration;

use loupe_engine::domain::clock::Clock;
use loupe_engine::domain::instances::InstanceId;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::domain::webhooks::{self, AttemptOutcome, PendingDelivery};
use loupe_engine::store::{Store, StoreError};

/// How often due deliveries are looked for.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// A receiver has this long to answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a leased delivery is kept from other replicas while its replica lives; longer than
/// any attempt.
const LEASE: Duration = Duration::from_secs(60);
/// Deliveries posted at once by one replica.
const BATCH: u32 = 32;
/// How much of a failing receiver's answer is kept for the delivery history.
const ERROR_BODY_CHARS: usize = 200;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: u64,
    pub failed: u64,
}

impl Round {
    fn attempted(self) -> u64 {
        self.delivered + self.failed
    }
}

pub struct Deliverer {
    store: Arc<dyn Store>,
    master_key: MasterKey,
    clock: Arc<dyn Clock>,
    client: reqwest::Client,
    /// Named on the deliveries this process leases.
    instance: InstanceId,
}

impl Deliverer {
    pub fn new(
        store: Arc<dyn Store>,
        master_key: MasterKey,
        clock: Arc<dyn Clock>,
        instance: InstanceId,
    ) -> Self {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A receiver that redirects is misconfigured; following would resend the
            // signed body somewhere the operator never named.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Loupe/", env!("CARGO_PKG_VERSION"), " (webhooks)"))
            .build()
            .expect("the HTTP client's settings are valid");
        Self {
            store,
            master_key,
            clock,
            client,
            instance,
        }
    }

    /// Posts every delivery due now (up to one batch) and records the outcomes.
    pub async fn deliver_due(&self) -> Result<Round, StoreError> {
        let now = self.clock.now();
        let due = self
            .store
            .lease_deliveries(now, now.plus(LEASE), BATCH, Some(&self.instance))
            .await?;
        let outcomes =
            futures::future::join_all(due.iter().map(|delivery| self.attempt(delivery))).await;
        let mut round = Round::default();
        for (delivery, outcome) in due.iter().zip(outcomes) {
            let finished = self.clock.now();
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

    async fn attempt(&self, delivery: &PendingDelivery) -> AttemptOutcome {
        let secret =
            match webhooks::open_secret(&self.master_key, &delivery.webhook, &delivery.secret) {
                Ok(secret) => secret,
                Err(_) => {
                    return AttemptOutcome::Failed {
                        status: None,
                        error: "the webhook's secret does not open with this master key; \
                            re-create the webhook or start Loupe with the key it was made under"
                            .to_owned(),
                    };
                }
            };
        let sent_at = self.clock.now().as_millis().div_euclid(1000);
        let signature = webhooks::sign(&secret, sent_at, delivery.payload.as_bytes());
        let response = self
            .client
            .post(&delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(webhooks::SIGNATURE_HEADER, signature)
            .header(webhooks::EVENT_ID_HEADER, &delivery.event_id)
            .header(webhooks::ATTEMPT_HEADER, delivery.attempt.to_string())
            .body(delivery.payload.clone())
            .send()
            .await;
        match response {
            Ok(response) if response.status().is_success() => AttemptOutcome::Delivered {
                status: response.status().as_u16(),
            },
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                let excerpt: String = body.chars().take(ERROR_BODY_CHARS).collect();
                AttemptOutcome::Failed {
                    status: Some(status.as_u16()),
                    error: format!("the receiver answered {status}: {}", excerpt.trim()),
                }
            }
            Err(error) => AttemptOutcome::Failed {
                status: None,
                error: describe(&error),
            },
        }
    }
}

/// reqwest's top-level message hides the cause ("error sending request"); keep the chain.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Delivers forever: a round every `interval`, and at once again while rounds come back full.
pub async fn run(deliverer: Arc<Deliverer>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        loop {
            match deliverer.deliver_due().await {
                Ok(round) if round.attempted() >= u64::from(BATCH) => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "webhook delivery round failed; retrying next tick");
                    break;
                }
            }
        }
    }
}
