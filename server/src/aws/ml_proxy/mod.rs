//! Textract `AnalyzeDocument` and Rekognition `DetectModerationLabels` with `HumanLoopConfig`,
//! served as a proxy: the call goes on, without its `HumanLoopConfig`, to the real service (or
//! any endpoint that speaks its protocol), and Loupe does what A2I did with the answer: evaluate
//! the flow definition's activation conditions on it and start the human loop.
//!
//! * [`textract`] and [`rekognition`]: what differs between the two operations.
//! * [`config`]: the `--textract-upstream`/`--rekognition-upstream` flags and credentials.
//! * [`forward`]: the client that signs and sends the call upstream.
//! * [`human_loop`]: `HumanLoopConfig` checked, the loop started through the engine, and
//!   `HumanLoopActivationOutput` added to the answer.
//! * [`stored_input`]: where an image or document sent as `Bytes` is kept for the workers.
//!
//! Both arrive as AWS JSON 1.1, `POST /` with their own `X-Amz-Target`, signed for their own
//! service name; `control_plane` hands them here.

pub mod config;
pub mod forward;
pub mod human_loop;
pub mod rekognition;
pub mod stored_input;
pub mod textract;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use loupe_engine::conditions::RequestSource;
use serde_json::{Map, Value};

pub use config::UpstreamArgs;
pub use forward::Upstreams;

use super::authn::Signed;
use super::error::{AwsError, ErrorKind, Protocol};
use crate::AppState;
use forward::UpstreamAnswer;

/// One proxied operation of an AI service.
#[derive(Debug, PartialEq, Eq)]
pub struct AiService {
    /// `X-Amz-Target` of the operation.
    pub target: &'static str,
    /// The service name its SigV4 credential scopes carry.
    pub signing_service: &'static str,
    /// The built-in task type of the flow definitions it starts loops for.
    pub source: RequestSource,
    /// The request member holding the image or document (`{"S3Object"|"Bytes": …}`).
    pub input_member: &'static str,
    /// The error type the service answers for a flow definition that does not exist.
    pub unknown_flow: ErrorKind,
    /// The `loupe serve` flag naming its upstream, for messages.
    pub upstream_flag: &'static str,
}

impl AiService {
    pub const ALL: [&'static Self; 2] = [
        &textract::ANALYZE_DOCUMENT,
        &rekognition::DETECT_MODERATION_LABELS,
    ];

    pub fn of_target(target: &str) -> Option<&'static Self> {
        Self::ALL
            .into_iter()
            .find(|service| service.target == target)
    }
}

/// An error in the AI services' protocol (AWS JSON 1.1).
pub(crate) fn error(kind: ErrorKind, message: impl Into<String>) -> AwsError {
    AwsError::new(kind, message).in_protocol(Protocol::Json11)
}

/// Serves one proxied call: forwards it without `HumanLoopConfig` and, when the call had one
/// and the upstream answered with success, starts the human loop its conditions ask for.
pub async fn serve(state: &AppState, service: &'static AiService, signed: Signed) -> Response {
    match answer(state, service, &signed).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn answer(
    state: &AppState,
    service: &'static AiService,
    signed: &Signed,
) -> Result<Response, AwsError> {
    let Some(upstream) = state.ai_services.upstream(service) else {
        return Err(error(
            ErrorKind::UnknownOperation,
            format!(
                "Loupe serves {} only as a proxy, and this server has no upstream for it: start \
                 it with {} URL (and the LOUPE_UPSTREAM_AWS_* credentials)",
                service.target, service.upstream_flag
            ),
        ));
    };
    let mut request = match serde_json::from_slice::<Value>(&signed.body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            return Err(error(
                ErrorKind::Serialization,
                "The request body must be a JSON object",
            ));
        }
        Err(e) => {
            return Err(error(
                ErrorKind::Serialization,
                format!("The request body is not valid JSON: {e}"),
            ));
        }
    };
    let config = request.remove("HumanLoopConfig");
    // Without HumanLoopConfig the body goes on as it came; with one (even `null`), without it.
    let body = match config {
        None => signed.body.to_vec(),
        Some(_) => Value::Object(request.clone()).to_string().into_bytes(),
    };
    let loop_request = match config {
        None | Some(Value::Null) => None,
        Some(config) => Some(human_loop::check(state, service, &config).await?),
    };
    let answer = state
        .ai_services
        .forward(upstream, service, body)
        .await
        .map_err(|e| {
            tracing::warn!(target = service.target, error = %e, "the upstream did not answer");
            error(
                ErrorKind::AiServiceInternal,
                format!("The upstream for {} did not answer: {e}", service.target),
            )
        })?;
    let Some(loop_request) = loop_request.filter(|_| answer.is_success()) else {
        return Ok(pass_through(answer));
    };
    let mut response = match serde_json::from_slice::<Value>(&answer.body) {
        Ok(Value::Object(map)) => map,
        _ => {
            return Err(error(
                ErrorKind::AiServiceInternal,
                format!(
                    "The upstream for {} answered with success but not with a JSON object",
                    service.target
                ),
            ));
        }
    };
    let activation = human_loop::start(state, service, loop_request, request, &response).await?;
    response.insert("HumanLoopActivationOutput".into(), activation);
    Ok(reply(answer, response))
}

/// The upstream's answer as it came: status, body, and the headers an SDK reads.
fn pass_through(answer: UpstreamAnswer) -> Response {
    let mut response = (answer.status, answer.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in answer.headers {
        headers.insert(name, value);
    }
    response
}

/// A successful upstream answer with Loupe's additions.
fn reply(answer: UpstreamAnswer, body: Map<String, Value>) -> Response {
    let mut response = (StatusCode::OK, Value::Object(body).to_string()).into_response();
    let headers = response.headers_mut();
    for (name, value) in answer.headers {
        headers.insert(name, value);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_target_names_its_service_and_task_type() {
        let textract = AiService::of_target("Textract.AnalyzeDocument").unwrap();
        assert_eq!(textract.signing_service, "textract");
        assert_eq!(textract.source, RequestSource::TextractForms);
        let rekognition =
            AiService::of_target("RekognitionService.DetectModerationLabels").unwrap();
        assert_eq!(rekognition.signing_service, "rekognition");
        assert_eq!(rekognition.source, RequestSource::RekognitionModeration);
        assert_eq!(AiService::of_target("Textract.DetectDocumentText"), None);
        assert_eq!(AiService::of_target("SageMaker.AnalyzeDocument"), None);
    }
}
