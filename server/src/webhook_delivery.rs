//! Posts status-change events to webhooks: the HTTP side of the engine's webhook outbox
//! ([`Reviews::deliver_webhooks`] leases, signs and records; this posts).
//!
//! It runs on every replica beside the scheduler but in its own task, so a slow receiver
//! never delays deadlines or outputs, and the request path never waits on it. A lease keeps
//! other replicas off a delivery while it is in flight; a replica that dies mid-post stops
//! beating its heartbeat, its lease ends about 10 s later (at once when it starts again) and
//! another posts again: at least once, never lost.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::domain::webhooks::{self, AttemptOutcome};
use loupe_engine::services::{Reviews, SignedDelivery, WebhookPoster};

/// How often due deliveries are looked for.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// A receiver has this long to answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a failing receiver's answer is kept for the delivery history.
const ERROR_BODY_CHARS: usize = 200;

/// Posts over HTTP(S), without following redirects.
pub struct HttpPoster {
    client: reqwest::Client,
}

impl Default for HttpPoster {
    fn default() -> Self {
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A receiver that redirects is misconfigured; following would resend the
            // signed body somewhere the operator never named.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Loupe/", env!("CARGO_PKG_VERSION"), " (webhooks)"))
            .build()
            .expect("the HTTP client's settings are valid");
        Self { client }
    }
}

#[async_trait]
impl WebhookPoster for HttpPoster {
    async fn post(&self, delivery: &SignedDelivery<'_>) -> AttemptOutcome {
        let response = self
            .client
            .post(delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(webhooks::SIGNATURE_HEADER, &delivery.signature)
            .header(webhooks::EVENT_ID_HEADER, delivery.event_id)
            .header(webhooks::ATTEMPT_HEADER, delivery.attempt.to_string())
            .body(delivery.payload.to_owned())
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
pub async fn run(
    reviews: Arc<Reviews>,
    master_key: MasterKey,
    poster: HttpPoster,
    interval: Duration,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        loop {
            match reviews.deliver_webhooks(&master_key, &poster).await {
                Ok(round) if round.was_full() => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(%error, "webhook delivery round failed; retrying next tick");
                    break;
                }
            }
        }
    }
}
