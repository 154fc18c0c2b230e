//! Request bodies: a cap per route, a deadline for the whole body, and a budget of body bytes
//! held in memory at once across all requests.
//!
//! A body announced over its route's cap is refused before a byte of it is read (413, in the
//! AWS error shape on API routes). Every body is wrapped so that it can never grow past the cap
//! (chunked bodies included) nor take longer than the deadline to arrive. Bytes are taken from
//! the budget before a body is read: by the signed-API extractor once the key, its secret and
//! the signature's date are known (so an anonymous API client never holds memory), and here for
//! everything else. A request that cannot get its bytes within [`QUEUE_WAIT`] gets a 503 with
//! `Retry-After`.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::aws::error::{AwsError, ErrorKind, Protocol};

/// A2I's limit on `InputContent`: 3 MiB (Loupe counts its UTF-8 bytes).
pub const MAX_INPUT_CONTENT: usize = loupe_engine::domain::loops::MAX_INPUT_CONTENT_BYTES;
/// StartHumanLoop (and Loupe's dry run of it): `InputContent` at its limit even when every
/// byte of it arrives JSON-escaped as `\uXXXX` (6 bytes for a control character or a
/// two-byte character; boto3 escapes all non-ASCII text so), plus the other members.
pub const START_BODY_CAP: usize = 6 * MAX_INPUT_CONTENT + 64 * 1024;
/// The SageMaker control plane (AWS JSON 1.1): a 128,000-character template and a task input
/// of the same size for RenderUiTemplate, each escaped at worst.
pub const CONTROL_PLANE_BODY_CAP: usize = 2 * 1024 * 1024;
/// Textract AnalyzeDocument and Rekognition DetectModerationLabels (proxied): Textract's
/// largest `Bytes` document (10 MiB) in base64, plus the other members.
pub const AI_SERVICE_BODY_CAP: usize = 10 * 1024 * 1024 / 3 * 4 + 4 + 64 * 1024;
/// Other API routes take no body worth the name.
pub const SMALL_API_BODY_CAP: usize = 64 * 1024;
/// The sign-in form.
pub const SIGN_IN_BODY_CAP: usize = 16 * 1024;
/// Pages' forms and server functions (templates, flow definitions, a preview's sample input).
pub const UI_BODY_CAP: usize = 4 * 1024 * 1024;
/// How long a request may wait for room in the budget.
pub const QUEUE_WAIT: Duration = Duration::from_secs(5);
/// The budget counts in KiB, so a semaphore's permit count never overflows.
const UNIT: usize = 1024;

/// The body budget and deadline, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct BodyLimits {
    budget: Arc<Semaphore>,
    units: usize,
    pub deadline: Duration,
    queue_wait: Duration,
}

impl std::fmt::Debug for BodyLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyLimits")
            .field("budget_bytes", &(self.units * UNIT))
            .field("deadline", &self.deadline)
            .finish()
    }
}

/// No room in the budget within [`QUEUE_WAIT`].
#[derive(Debug)]
pub struct Busy;

impl BodyLimits {
    pub fn new(in_flight_bytes: usize, deadline: Duration) -> Self {
        let units = (in_flight_bytes / UNIT).max(1);
        Self {
            budget: Arc::new(Semaphore::new(units)),
            units,
            deadline,
            queue_wait: QUEUE_WAIT,
        }
    }

    /// How long a body may wait for room ([`QUEUE_WAIT`] unless set).
    pub fn with_queue_wait(mut self, wait: Duration) -> Self {
        self.queue_wait = wait;
        self
    }

    /// Holds `bytes` of the budget until the permit is dropped. A body larger than the whole
    /// budget takes all of it, so it still gets through, alone.
    pub async fn reserve(&self, bytes: usize) -> Result<OwnedSemaphorePermit, Busy> {
        let units = bytes.div_ceil(UNIT).clamp(1, self.units);
        let units = u32::try_from(units).unwrap_or(u32::MAX);
        tokio::time::timeout(
            self.queue_wait,
            self.budget.clone().acquire_many_owned(units),
        )
        .await
        .map_err(|_| Busy)?
        .map_err(|_| Busy)
    }

    /// Bytes of budget free now (for tests and logs).
    pub fn available_bytes(&self) -> usize {
        self.budget.available_permits() * UNIT
    }
}

/// Which part of Loupe a request is for, as far as its body is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRoute {
    /// Signed API routes; the extractor takes budget after checking the key.
    Api { cap: usize, protocol: Protocol },
    /// Pages, forms, server functions, the worker API.
    Ui { cap: usize },
}

impl BodyRoute {
    /// [`Self::of`], with the larger cap of the AI-service operations that share `POST /`
    /// (picked by their `X-Amz-Target`; the signature, checked before the body is read,
    /// covers it).
    pub fn of_request(method: &Method, path: &str, headers: &axum::http::HeaderMap) -> Self {
        let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
        if *method == Method::POST
            && path == "/"
            && target.is_some_and(|t| crate::aws::ml_proxy::AiService::of_target(t).is_some())
        {
            return Self::Api {
                cap: AI_SERVICE_BODY_CAP,
                protocol: Protocol::Json11,
            };
        }
        Self::of(method, path)
    }

    pub fn of(method: &Method, path: &str) -> Self {
        if *method == Method::POST && path == "/" {
            return Self::Api {
                cap: CONTROL_PLANE_BODY_CAP,
                protocol: Protocol::Json11,
            };
        }
        let rest_json = |cap| Self::Api {
            cap,
            protocol: Protocol::RestJson,
        };
        if path == "/human-loops" && *method == Method::POST {
            return rest_json(START_BODY_CAP);
        }
        if path.starts_with("/flow-definitions/") && path.ends_with("/dry-run") {
            return rest_json(START_BODY_CAP);
        }
        if path.starts_with("/human-loops") || path.starts_with("/human-task-uis/") {
            return rest_json(SMALL_API_BODY_CAP);
        }
        if path == "/auth/login" {
            return Self::Ui {
                cap: SIGN_IN_BODY_CAP,
            };
        }
        if path.starts_with(crate::template_assets::UPLOAD_PREFIX) {
            return Self::Ui {
                cap: crate::template_assets::UPLOAD_BODY_CAP,
            };
        }
        Self::Ui { cap: UI_BODY_CAP }
    }

    pub fn cap(self) -> usize {
        match self {
            Self::Api { cap, .. } | Self::Ui { cap } => cap,
        }
    }
}

/// The middleware: refuses announced bodies over the cap, guards every body, and takes budget
/// for bodies outside the signed API.
pub async fn limit(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let route = BodyRoute::of_request(request.method(), request.uri().path(), request.headers());
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|length| length > route.cap() as u64) {
        return too_large(route);
    }
    let has_body = announced.is_some_and(|length| length > 0)
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    // Most requests (GETs) have no body: nothing to guard, and no timer to arm per request.
    if !has_body {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(
        Deadline::new(body, limits.deadline),
        route.cap(),
    ));
    let request = Request::from_parts(parts, body);
    let permit = match route {
        BodyRoute::Ui { cap } => {
            match limits.reserve(announced.map_or(cap, |n| n as usize)).await {
                Ok(permit) => Some(permit),
                Err(Busy) => return busy(route),
            }
        }
        _ => None,
    };
    let response = next.run(request).await;
    drop(permit);
    response
}

/// The answer for a body over its route's cap.
pub fn too_large(route: BodyRoute) -> Response {
    match route {
        BodyRoute::Api { cap, protocol } => {
            too_large_error(cap).in_protocol(protocol).into_response()
        }
        BodyRoute::Ui { cap } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than this page accepts ({cap} bytes).\n"),
        )
            .into_response(),
    }
}

pub fn too_large_error(cap: usize) -> AwsError {
    AwsError::new(
        ErrorKind::RequestEntityTooLarge,
        format!(
            "The request body is larger than this operation accepts ({cap} bytes). \
             StartHumanLoop takes an InputContent of up to {MAX_INPUT_CONTENT} bytes."
        ),
    )
}

/// The answer when the budget has no room.
pub fn busy(route: BodyRoute) -> Response {
    let mut response = match route {
        BodyRoute::Api { protocol, .. } => busy_error().in_protocol(protocol).into_response(),
        BodyRoute::Ui { .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Loupe is receiving too much at once; retry in a moment.\n",
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

pub fn busy_error() -> AwsError {
    AwsError::new(
        ErrorKind::ServiceUnavailable,
        "The server is receiving too many request bodies at once; retry with back-off.",
    )
}

/// A body that fails once its deadline has passed.
struct Deadline {
    inner: Body,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Deadline {
    fn new(inner: Body, deadline: Duration) -> Self {
        Self {
            inner,
            timer: Box::pin(tokio::time::sleep(deadline)),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match this.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_get_their_caps() {
        assert_eq!(
            BodyRoute::of(&Method::POST, "/human-loops").cap(),
            START_BODY_CAP
        );
        assert_eq!(
            BodyRoute::of(&Method::POST, "/").cap(),
            CONTROL_PLANE_BODY_CAP
        );
        let mut headers = axum::http::HeaderMap::new();
        headers.insert("x-amz-target", "Textract.AnalyzeDocument".parse().unwrap());
        assert_eq!(
            BodyRoute::of_request(&Method::POST, "/", &headers).cap(),
            AI_SERVICE_BODY_CAP
        );
        assert_eq!(
            BodyRoute::of_request(&Method::POST, "/human-loops", &headers).cap(),
            START_BODY_CAP
        );
        headers.insert(
            "x-amz-target",
            "SageMaker.CreateHumanTaskUi".parse().unwrap(),
        );
        assert_eq!(
            BodyRoute::of_request(&Method::POST, "/", &headers).cap(),
            CONTROL_PLANE_BODY_CAP
        );
        assert_eq!(
            BodyRoute::of(&Method::POST, "/human-loops/stop").cap(),
            SMALL_API_BODY_CAP
        );
        assert_eq!(
            BodyRoute::of(&Method::POST, "/auth/login").cap(),
            SIGN_IN_BODY_CAP
        );
        assert_eq!(
            BodyRoute::of(&Method::POST, "/api/create_template").cap(),
            UI_BODY_CAP
        );
    }

    #[tokio::test]
    async fn the_budget_is_shared_and_waits_are_bounded() {
        let limits = BodyLimits::new(4 * UNIT, Duration::from_secs(1))
            .with_queue_wait(Duration::from_millis(50));
        let held = limits.reserve(3 * UNIT).await.unwrap();
        assert_eq!(limits.available_bytes(), UNIT);
        let waiting = limits.reserve(2 * UNIT);
        assert!(waiting.await.is_err(), "no room within the wait");
        drop(held);
        assert!(
            limits.reserve(100 * UNIT).await.is_ok(),
            "a big body gets all of it"
        );
    }
}
