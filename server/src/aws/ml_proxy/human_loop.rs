//! What Textract and Rekognition did with `HumanLoopConfig`, done by the engine: the flow
//! definition's activation conditions evaluated on the service's answer and, when they hold, the
//! loop started, all through `Reviews::start_human_loop` with the input A2I gave such loops,
//! `{"aiServiceRequest": …, "aiServiceResponse": …}`.
//!
//! [`check`] runs before the upstream call, so a `HumanLoopConfig` that can never start a loop
//! (malformed members, a flow definition that does not exist or is of another task type) costs
//! no call to the AI service. What needs the answer (the conditions, a loop name already used
//! with other input, the flow's state) is decided by [`start`], after it.

use loupe_engine::domain::loops::FlowDefinition;
use loupe_engine::domain::validation::RequestError;
use loupe_engine::requests::human_loops::{StartRequest, parse_start};
use loupe_engine::services::ReviewError;
use serde_json::{Map, Value, json};

use super::{AiService, error, stored_input};
use crate::AppState;
use crate::aws::error::{AwsError, ErrorKind};

/// A `HumanLoopConfig` that passed the checks that need no answer from the service.
pub struct LoopRequest {
    /// As the caller sent it; it goes back into `aiServiceRequest`.
    config: Map<String, Value>,
    flow: FlowDefinition,
}

/// The members of `HumanLoopConfig` as a StartHumanLoop body with `input_content`, so the
/// engine's reading of StartHumanLoop checks them.
fn start_body(config: &Map<String, Value>, input_content: &str) -> Value {
    let mut body = Map::new();
    for member in ["HumanLoopName", "FlowDefinitionArn", "DataAttributes"] {
        if let Some(value) = config.get(member) {
            body.insert(member.into(), value.clone());
        }
    }
    body.insert(
        "HumanLoopInput".into(),
        json!({ "InputContent": input_content }),
    );
    Value::Object(body)
}

fn parse(
    state: &AppState,
    service: &AiService,
    config: &Map<String, Value>,
    input_content: &str,
) -> Result<StartRequest, AwsError> {
    parse_start(&start_body(config, input_content), state.reviews.account())
        .map_err(|e| loop_error(service, ReviewError::Request(e)))
}

/// The checks that need no answer: the members' constraints, and that the flow definition
/// exists and is for this service's task type.
pub async fn check(
    state: &AppState,
    service: &AiService,
    config: &Value,
) -> Result<LoopRequest, AwsError> {
    let Value::Object(config) = config else {
        return Err(error(
            ErrorKind::InvalidParameter,
            "HumanLoopConfig must be a structure",
        ));
    };
    let request = parse(state, service, config, "{}")?;
    let flow = state
        .reviews
        .find_flow_definition(&request.flow)
        .await
        .map_err(|e| loop_error(service, e))?;
    let source = flow
        .spec
        .human_loop_request_source
        .as_ref()
        .map(|s| s.aws_managed_human_loop_request_source);
    if source != Some(service.source) {
        let has = source.map_or_else(
            || "none (a custom task type)".to_owned(),
            |s| s.as_str().to_owned(),
        );
        return Err(error(
            ErrorKind::InvalidParameter,
            format!(
                "HumanLoopConfig.FlowDefinitionArn: flow definition {} is not for {}: its \
                 HumanLoopRequestSource is {has}",
                flow.name(),
                service.source
            ),
        ));
    }
    Ok(LoopRequest {
        config: config.clone(),
        flow,
    })
}

/// Evaluates the flow's conditions on the service's `response` to `request` (the call as
/// forwarded) and starts the loop when they hold. Returns `HumanLoopActivationOutput`.
pub async fn start(
    state: &AppState,
    service: &AiService,
    loop_request: LoopRequest,
    mut request: Map<String, Value>,
    response: &Map<String, Value>,
) -> Result<Value, AwsError> {
    let LoopRequest { config, flow } = loop_request;
    let stored = stored_input::take_bytes(
        &mut request,
        service.input_member,
        &flow.spec.output_config.s3_output_path,
        flow.name(),
    )
    .map_err(|message| error(ErrorKind::InvalidParameter, message))?;
    request.insert("HumanLoopConfig".into(), Value::Object(config.clone()));
    let input = json!({
        "aiServiceRequest": request,
        "aiServiceResponse": response,
    })
    .to_string();
    if let Some(stored) = stored {
        // Kept only for a loop that will be started: no copy of a document nobody reviews.
        let decision = state
            .reviews
            .dry_run_start(flow.name(), &input)
            .await
            .map_err(|e| loop_error(service, e))?;
        if decision.starts_loop {
            state
                .outputs
                .put(&stored.uri, stored.bytes, stored.content_type)
                .await
                .map_err(|e| {
                    tracing::error!(uri = %stored.uri, error = %e, "storing a loop's input failed");
                    error(
                        ErrorKind::AiServiceInternal,
                        "The document could not be stored for human review; try again later.",
                    )
                })?;
        }
    }
    let started = state
        .reviews
        .start_human_loop(parse(state, service, &config, &input)?)
        .await
        .map_err(|e| loop_error(service, e))?;
    let mut output = match started.activation {
        Some(activation) => serde_json::to_value(activation).expect("activation outputs serialize"),
        None => json!({}),
    };
    if let (Some(arn), Value::Object(members)) = (&started.human_loop_arn, &mut output) {
        members.insert("HumanLoopArn".into(), arn.to_string().into());
    }
    Ok(output)
}

/// An engine error as Textract and Rekognition name it: a flow definition that does not exist
/// is the service's not-found error, anything else about the loop `InvalidParameterException`.
fn loop_error(service: &AiService, error: ReviewError) -> AwsError {
    let (kind, message) = match error {
        ReviewError::NotFound(message) => (service.unknown_flow, message),
        ReviewError::Request(RequestError::UnknownReference(reference)) => {
            (service.unknown_flow, reference.to_string())
        }
        ReviewError::Request(request) => (
            ErrorKind::InvalidParameter,
            format!("HumanLoopConfig: {request}"),
        ),
        ReviewError::Conflict(message) => (
            ErrorKind::InvalidParameter,
            format!("HumanLoopConfig.HumanLoopName: {message}, started by another request"),
        ),
        ReviewError::Store(store) => {
            tracing::error!(error = %store, "storage failed under an AI service call");
            (
                ErrorKind::AiServiceInternal,
                "The human loop could not be started because of an issue with the server. Try \
                 again later."
                    .to_owned(),
            )
        }
        other => (ErrorKind::InvalidParameter, other.to_string()),
    };
    super::error(kind, message)
}
