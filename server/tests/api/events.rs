//! Status-change events leaving Loupe: signed webhook deliveries with retries, and the SSE
//! stream with resume, against a real server on both databases.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::Api;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use loupe_engine::domain::clock::{Clock, SystemClock};
use loupe_engine::domain::names::FlowDefinitionName;
use loupe_engine::domain::webhooks::{
    self, DeliveryState, NewWebhook, WebhookName, WebhookSecret, WebhookUrl,
};
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// One request a receiver got, with whether the output file it announces existed by then.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: String,
    output_existed: Option<bool>,
}

#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    /// Answer 500 to this many requests first.
    failures_left: Arc<Mutex<u32>>,
    outputs: std::path::PathBuf,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> AxumStatus {
    let payload: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let output_existed = payload["detail"]["humanLoopOutput"]["outputS3Uri"]
        .as_str()
        .map(|uri| {
            receiver
                .outputs
                .join(uri.strip_prefix("s3://").unwrap())
                .exists()
        });
    receiver.got.lock().unwrap().push(Received {
        headers,
        body,
        output_existed,
    });
    let mut failures = receiver.failures_left.lock().unwrap();
    if *failures > 0 {
        *failures -= 1;
        AxumStatus::INTERNAL_SERVER_ERROR
    } else {
        AxumStatus::NO_CONTENT
    }
}

/// A webhook receiver on port 0; returns its URL and what it received.
async fn spawn_receiver(api: &Api, failures: u32) -> (String, Receiver) {
    let receiver = Receiver {
        got: Arc::default(),
        failures_left: Arc::new(Mutex::new(failures)),
        outputs: api.outputs.clone(),
    };
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

async fn add_webhook(api: &Api, name: &str, url: &str, flow: Option<&str>) -> WebhookSecret {
    let name = WebhookName::parse(name).unwrap();
    let secret = WebhookSecret::generate();
    api.store
        .create_webhook(&NewWebhook {
            secret: webhooks::seal_secret(&api.master, &name, &secret),
            name,
            url: WebhookUrl::parse(url).unwrap(),
            flow: flow.map(|f| FlowDefinitionName::parse(f).unwrap()),
            created_at: SystemClock.now(),
        })
        .await
        .unwrap();
    secret
}

async fn wait_for(receiver: &Receiver, count: usize, within: Duration) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = receiver.got.lock().unwrap().clone();
        if got.len() >= count || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn stop(api: &Api, name: &str) {
    let (status, _, body) = api
        .call(
            "POST",
            "/human-loops/stop",
            Some(json!({"HumanLoopName": name})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn webhooks_get_signed_events_and_retries(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (url, receiver) = spawn_receiver(&api, 1).await;
    let secret = add_webhook(&api, "everything", &url, None).await;
    let (other_url, other) = spawn_receiver(&api, 0).await;
    add_webhook(&api, "another-flow", &other_url, Some("not-this-one")).await;

    api.start("w-1", json!({"taskObject": "one"})).await;
    stop(&api, "w-1").await;

    // The first attempt gets a 500; the retry, 2 s later, is delivered.
    let got = wait_for(&receiver, 2, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let event_ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["x-loupe-event-id"].to_str().unwrap())
        .collect();
    assert_eq!(
        event_ids[0], event_ids[1],
        "a retry carries the same event id"
    );
    assert_eq!(got[0].headers["x-loupe-delivery-attempt"], "1");
    assert_eq!(got[1].headers["x-loupe-delivery-attempt"], "2");
    for request in &got {
        assert_eq!(request.headers["content-type"], "application/json");
        let signature = request.headers["x-loupe-signature"].to_str().unwrap();
        let now = SystemClock.now().as_millis() / 1000;
        assert!(
            webhooks::verify(
                &secret,
                signature,
                request.body.as_bytes(),
                now,
                Duration::from_secs(300)
            ),
            "signature {signature} does not verify"
        );
    }
    let event: Value = serde_json::from_str(&got[1].body).unwrap();
    assert_eq!(event["id"], event_ids[0]);
    assert_eq!(
        event["detail-type"],
        "SageMaker A2I HumanLoop Status Change"
    );
    assert_eq!(event["detail"]["humanLoopName"], "w-1");
    assert_eq!(event["detail"]["humanLoopStatus"], "Stopped");

    // The outcome is recorded just after the receiver answers.
    let mut history = api.store.deliveries(None, None, 10).await.unwrap();
    for _ in 0..100 {
        if history
            .first()
            .is_some_and(|d| d.state() == DeliveryState::Delivered)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        history = api.store.deliveries(None, None, 10).await.unwrap();
    }
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].webhook, "everything");
    assert_eq!(history[0].state(), DeliveryState::Delivered);
    assert_eq!(history[0].attempts, 2);
    assert_eq!(history[0].last_status, Some(204));
    // A webhook for another flow got nothing.
    assert!(other.got.lock().unwrap().is_empty());
}

async fn a_completion_is_announced_after_its_output_is_written(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (url, receiver) = spawn_receiver(&api, 0).await;
    add_webhook(&api, "flow-only", &url, Some("review-text")).await;

    api.start("done-1", json!({"taskObject": "finish me"}))
        .await;
    let task = api
        .reviews
        .claim_next(api.worker, None)
        .await
        .unwrap()
        .expect("a task waits");
    api.reviews
        .submit(task.task_id, api.worker, &json!({"ok": true}), None)
        .await
        .unwrap();

    let got = wait_for(&receiver, 1, Duration::from_secs(15)).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let event: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(event["detail"]["humanLoopStatus"], "Completed");
    assert_eq!(
        got[0].output_existed,
        Some(true),
        "the event came before output.json was written: {event}"
    );
}

/// Reads an SSE response until `count` events arrived; returns (id, data) pairs.
async fn read_events(response: &mut reqwest::Response, count: usize) -> Vec<(i64, Value)> {
    let mut buffer = String::new();
    let mut events = Vec::new();
    while events.len() < count {
        let chunk = tokio::time::timeout(Duration::from_secs(15), response.chunk())
            .await
            .expect("an event within 15 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("id:") {
                    id = Some(value.trim().parse::<i64>().unwrap());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str::<Value>(value.trim()).unwrap());
                } else if let Some(value) = line.strip_prefix("event:") {
                    assert_eq!(value.trim(), "HumanLoopStatusChange");
                }
            }
            if let (Some(id), Some(data)) = (id, data) {
                events.push((id, data));
            }
        }
    }
    events
}

async fn the_event_stream_follows_and_resumes(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let secret = api.secret.expose().to_owned();
    for name in ["s-1", "s-2", "s-3"] {
        api.start(name, json!({"taskObject": name})).await;
    }
    let mut stream = api
        .request("GET", "/events?flow=review-text", None, None, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    stop(&api, "s-1").await;
    let first = read_events(&mut stream, 1).await;
    assert_eq!(first[0].1["detail"]["humanLoopName"], "s-1");
    drop(stream);

    // Missed while away: replayed from the database after Last-Event-ID, then live again.
    stop(&api, "s-2").await;
    let mut resumed = api
        .request("GET", "/events", None, None, Some(&secret))
        .header("last-event-id", first[0].0.to_string())
        .send()
        .await
        .unwrap();
    let replayed = read_events(&mut resumed, 1).await;
    assert_eq!(replayed[0].1["detail"]["humanLoopName"], "s-2");
    assert!(replayed[0].0 > first[0].0);
    stop(&api, "s-3").await;
    let live = read_events(&mut resumed, 1).await;
    assert_eq!(live[0].1["detail"]["humanLoopName"], "s-3");

    // Bad filters and unsigned calls are refused.
    let (status, error_type, _) = api.call("GET", "/events?status=InProgress", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type.as_deref(), Some("ValidationException"));
    let (status, _, _) = api.call_as("GET", "/events", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

test_on_both_backends!(
    webhooks_get_signed_events_and_retries,
    a_completion_is_announced_after_its_output_is_written,
    the_event_stream_follows_and_resumes,
);
