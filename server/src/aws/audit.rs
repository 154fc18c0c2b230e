//! The audit log: every call to the AWS-compatible API, with the key it named, the operation,
//! the time, the status and the AWS error type. Lines are handed to a background writer that
//! stores them in batches, so auditing never holds up a caller; if the database cannot keep up
//! (10,000 lines waiting), lines are dropped with a warning rather than blocking the API.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use loupe_engine::domain::audit::ApiCall;
use loupe_engine::services::Reviews;
use tokio::sync::mpsc;

use super::sigv4::Authorization;
use crate::AppState;

const QUEUE: usize = 10_000;
const BATCH: usize = 256;

/// Handle to the background audit writer. Cloning shares it.
#[derive(Clone)]
pub struct AuditLog {
    lines: mpsc::Sender<ApiCall>,
}

impl AuditLog {
    /// Spawns the writer on the current Tokio runtime.
    pub fn spawn(reviews: Arc<Reviews>) -> Self {
        let (lines, mut receiver) = mpsc::channel::<ApiCall>(QUEUE);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            while receiver.recv_many(&mut batch, BATCH).await > 0 {
                if let Err(error) = reviews.record_api_calls(&batch).await {
                    tracing::warn!(%error, lines = batch.len(), "could not store audit lines");
                }
                batch.clear();
            }
        });
        Self { lines }
    }

    fn record(&self, call: ApiCall) {
        if self.lines.try_send(call).is_err() {
            tracing::warn!("the audit log is falling behind; an API call was not recorded");
        }
    }
}

/// Middleware around the API routes: one audit line per request.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let at = state.clock.now();
    let operation = operation(
        request.method(),
        request.uri().path(),
        request
            .headers()
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok()),
    );
    let access_key_id = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Authorization::parse(v).ok())
        .map(|a| a.credential.access_key_id);
    let response = next.run(request).await;
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state.audit.record(ApiCall {
        id: 0,
        at,
        access_key_id,
        operation,
        status: response.status().as_u16(),
        error_type,
        duration_us: i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX),
    });
    response
}

/// The operation a request asks for, named as AWS names it.
pub fn operation(method: &Method, path: &str, target: Option<&str>) -> String {
    let runtime = match (method.as_str(), path) {
        ("POST", "/") => {
            // The proxied AI-service operations keep their service's prefix.
            if let Some(service) = target.and_then(super::ml_proxy::AiService::of_target) {
                return service.target.to_owned();
            }
            return target
                .and_then(|t| t.strip_prefix("SageMaker."))
                .filter(|op| !op.is_empty())
                .unwrap_or("(no X-Amz-Target)")
                .to_owned();
        }
        ("POST", "/human-loops") => "StartHumanLoop",
        ("GET", "/human-loops") => "ListHumanLoops",
        ("POST", "/human-loops/stop") => "StopHumanLoop",
        ("GET", p) if p.starts_with("/human-loops/") => "DescribeHumanLoop",
        ("DELETE", p) if p.starts_with("/human-loops/") => "DeleteHumanLoop",
        ("GET", p) if p.starts_with("/human-task-uis/") => "GetHumanTaskUiTemplate",
        ("POST", p) if p.starts_with("/flow-definitions/") => "DryRunHumanLoop",
        ("GET", "/events") => "StreamEvents",
        _ => return format!("{method} {path}"),
    };
    runtime.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_as_aws_names_them() {
        assert_eq!(
            operation(&Method::POST, "/", Some("SageMaker.CreateFlowDefinition")),
            "CreateFlowDefinition"
        );
        assert_eq!(operation(&Method::POST, "/", None), "(no X-Amz-Target)");
        assert_eq!(
            operation(&Method::POST, "/", Some("Textract.AnalyzeDocument")),
            "Textract.AnalyzeDocument"
        );
        assert_eq!(
            operation(&Method::GET, "/human-loops/a", None),
            "DescribeHumanLoop"
        );
        assert_eq!(
            operation(&Method::GET, "/human-loops/stop", None),
            "DescribeHumanLoop"
        );
        assert_eq!(
            operation(&Method::POST, "/human-loops/stop", None),
            "StopHumanLoop"
        );
        assert_eq!(
            operation(&Method::DELETE, "/human-loops/a", None),
            "DeleteHumanLoop"
        );
        assert_eq!(
            operation(&Method::PUT, "/human-loops", None),
            "PUT /human-loops"
        );
    }
}
