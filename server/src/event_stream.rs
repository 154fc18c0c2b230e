//! The status-change events as a Server-Sent Events stream, for dashboards and scripts.
//!
//! One [`EventHub`] per replica reads the event log a few times a second (through a
//! `SeqTracker`, so events committed out of order are neither lost nor repeated) and fans new
//! events out to every open stream. Events written by any replica reach every replica's
//! streams. A client that reconnects with `Last-Event-ID` first gets what it missed, from the
//! database, then the live feed; one too slow to keep up is disconnected and does the same.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures::Stream;
use loupe_engine::domain::clock::Clock;
use loupe_engine::services::event_feed::SeqTracker;
use loupe_engine::services::{Reviews, StoredEvent};
use serde_json::Value;
use tokio::sync::broadcast;

use crate::AppState;
use crate::aws::authn::Signed;
use crate::aws::error::{AwsError, ErrorKind};

/// How often the hub reads the event log.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Events read per query.
const PAGE: u32 = 500;
/// Events a stream may fall behind before it is cut off (it then resumes from the database).
const BUFFER: usize = 4096;
/// The SSE event name of a status change.
pub const EVENT_NAME: &str = "HumanLoopStatusChange";

/// Fans the event log out to open streams.
#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<StoredEvent>>,
}

impl EventHub {
    /// Starts reading after the newest event stored now.
    pub async fn spawn(reviews: Arc<Reviews>, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let (sender, _) = broadcast::channel(BUFFER);
        let tracker = SeqTracker::after(reviews.last_event_seq().await?);
        tokio::spawn(poll(reviews, clock, tracker, sender.clone()));
        Ok(Self { sender })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.sender.subscribe()
    }
}

async fn poll(
    reviews: Arc<Reviews>,
    clock: Arc<dyn Clock>,
    mut tracker: SeqTracker,
    sender: broadcast::Sender<Arc<StoredEvent>>,
) {
    let mut ticks = tokio::time::interval(POLL_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        loop {
            match reviews.events_after(tracker.floor(), PAGE).await {
                Ok(events) => {
                    let full = events.len() == PAGE as usize;
                    let before = tracker.floor();
                    for event in tracker.observe(events, clock.now()) {
                        // No open stream is fine: the log keeps everything.
                        let _ = sender.send(Arc::new(event));
                    }
                    // Read on at once while pages come back full and the floor moves.
                    if !(full && tracker.floor() > before) {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "reading the event log failed; retrying");
                    break;
                }
            }
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(stream))
}

/// Which events a stream carries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Filter {
    flow: Option<String>,
    status: Option<String>,
}

impl Filter {
    fn matches(&self, event: &StoredEvent) -> bool {
        if self.status.as_ref().is_some_and(|s| *s != event.status) {
            return false;
        }
        let Some(flow) = &self.flow else { return true };
        serde_json::from_str::<Value>(&event.payload)
            .ok()
            .and_then(|payload| {
                payload["detail"]["flowDefinitionArn"]
                    .as_str()
                    .map(|arn| arn.rsplit('/').next() == Some(flow.as_str()))
            })
            .unwrap_or(false)
    }
}

/// The stream's query: `flow`, `status`, and `after` (an event id, as `Last-Event-ID`).
fn parse_query(query: Option<&str>) -> Result<(Filter, Option<i64>), AwsError> {
    let mut filter = Filter::default();
    let mut after = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match &*key {
            "flow" => filter.flow = Some(value.into_owned()),
            "status" => {
                if !matches!(&*value, "Completed" | "Failed" | "Stopped") {
                    return Err(AwsError::new(
                        ErrorKind::Validation,
                        format!(
                            "status {value:?}: events are sent for Completed, Failed and Stopped"
                        ),
                    ));
                }
                filter.status = Some(value.into_owned());
            }
            "after" => after = Some(parse_event_id(&value)?),
            other => {
                return Err(AwsError::new(
                    ErrorKind::Validation,
                    format!("unknown parameter {other:?}: use flow, status or after"),
                ));
            }
        }
    }
    Ok((filter, after))
}

fn parse_event_id(raw: &str) -> Result<i64, AwsError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|seq| *seq >= 0)
        .ok_or_else(|| {
            AwsError::new(
                ErrorKind::Validation,
                format!("event id {raw:?}: an event id is a whole number"),
            )
        })
}

fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, AwsError> {
    headers
        .get("last-event-id")
        .map(|value| parse_event_id(value.to_str().unwrap_or("")))
        .transpose()
}

async fn stream(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AwsError> {
    let (filter, after) = parse_query(signed.uri.query())?;
    // The browser's reconnect header wins over the URL it reconnects to.
    let after = last_event_id(&signed.headers)?.or(after);
    // Subscribe before replaying, so nothing committed meanwhile falls between the two.
    let live = state.events.subscribe();
    let feed = Feed {
        reviews: state.reviews.clone(),
        live,
        filter,
        replay_after: after,
        replayed: HashSet::new(),
        queued: VecDeque::new(),
    };
    Ok(Sse::new(futures::stream::unfold(feed, Feed::next)).keep_alive(KeepAlive::default()))
}

struct Feed {
    reviews: Arc<Reviews>,
    live: broadcast::Receiver<Arc<StoredEvent>>,
    filter: Filter,
    /// Still replaying from the database, after this number.
    replay_after: Option<i64>,
    /// Numbers already sent by the replay, not to be sent again live.
    replayed: HashSet<i64>,
    queued: VecDeque<Arc<StoredEvent>>,
}

impl Feed {
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Self)> {
        loop {
            if let Some(event) = self.queued.pop_front() {
                if self.filter.matches(&event) {
                    return Some((Ok(sse_event(&event)), self));
                }
                continue;
            }
            if let Some(after) = self.replay_after {
                match self.reviews.events_after(after, PAGE).await {
                    Ok(page) if page.is_empty() => self.replay_after = None,
                    Ok(page) => {
                        self.replay_after = page.last().map(|e| e.seq);
                        self.replayed.extend(page.iter().map(|e| e.seq));
                        self.queued.extend(page.into_iter().map(Arc::new));
                    }
                    Err(error) => {
                        tracing::warn!(%error, "replaying events failed; closing the stream");
                        return None;
                    }
                }
                continue;
            }
            match self.live.recv().await {
                Ok(event) if self.replayed.contains(&event.seq) => {}
                Ok(event) => self.queued.push_back(event),
                // Too slow: close; the client resumes with Last-Event-ID from the database.
                Err(broadcast::error::RecvError::Lagged(_)) => return None,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

fn sse_event(event: &StoredEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event(EVENT_NAME)
        .data(&event.payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use loupe_engine::domain::clock::Timestamp;

    fn event(flow: &str, status: &str) -> StoredEvent {
        StoredEvent {
            seq: 1,
            event_id: "e".into(),
            loop_name: "l".into(),
            status: status.into(),
            payload: format!(
                r#"{{"detail":{{"flowDefinitionArn":"arn:aws:sagemaker:us-east-1:123456789012:flow-definition/{flow}"}}}}"#
            ),
            output_id: None,
            created_at: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn filters_by_flow_and_status() {
        let (filter, after) = parse_query(Some("flow=review-text&status=Completed")).unwrap();
        assert_eq!(after, None);
        assert!(filter.matches(&event("review-text", "Completed")));
        assert!(!filter.matches(&event("review-text-2", "Completed")));
        assert!(!filter.matches(&event("review-text", "Stopped")));
        assert!(Filter::default().matches(&event("x", "Failed")));
    }

    #[test]
    fn bad_parameters_are_named() {
        let error = parse_query(Some("status=InProgress")).unwrap_err();
        assert!(error.message.contains("InProgress"), "{}", error.message);
        assert!(parse_query(Some("colour=red")).is_err());
        assert!(parse_query(Some("after=-1")).is_err());
        assert_eq!(parse_query(Some("after=42")).unwrap().1, Some(42));
    }
}
