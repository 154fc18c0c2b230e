//! The A2I runtime (rest-json, spec 1.2 and 3.1): StartHumanLoop, DescribeHumanLoop,
//! ListHumanLoops, StopHumanLoop and DeleteHumanLoop, each one authenticated call into the
//! engine. Timestamps are ISO-8601 with milliseconds.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use loupe_engine::domain::validation::RequestError;
use loupe_engine::requests::human_loops::{self, ListRequest};
use loupe_engine::services::ReviewError;
use loupe_engine::services::{LoopDescription, LoopQuery};
use serde_json::{Map, Value, json};

use super::authn::Signed;
use super::error::{AwsError, ErrorKind, Protocol};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/human-loops", post(start).get(list))
        // A loop may be named "stop": GET and DELETE on this path are Describe and Delete.
        .route(
            "/human-loops/stop",
            post(stop).get(describe_stop).delete(delete_stop),
        )
        .route("/human-loops/{name}", get(describe).delete(delete))
        // Loupe's own: what StartHumanLoop would decide, without starting anything.
        .route("/flow-definitions/{name}/dry-run", post(dry_run))
}

fn request_error(error: RequestError) -> AwsError {
    AwsError::from_request(error, Protocol::RestJson)
}

fn review_error(error: ReviewError) -> AwsError {
    AwsError::from_review(error, Protocol::RestJson)
}

fn json_body(body: &[u8]) -> Result<Value, AwsError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| {
        AwsError::new(
            ErrorKind::Serialization,
            format!("The request body is not valid JSON: {e}"),
        )
    })
}

fn ok(body: Value) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn start(State(state): State<AppState>, signed: Signed) -> Result<Response, AwsError> {
    let request = human_loops::parse_start(&json_body(&signed.body)?, state.reviews.account())
        .map_err(request_error)?;
    let started = state
        .reviews
        .start_human_loop(request)
        .await
        .map_err(review_error)?;
    let mut response = Map::new();
    if let Some(arn) = &started.human_loop_arn {
        response.insert("HumanLoopArn".into(), arn.to_string().into());
    }
    // Not in the model, so SDKs ignore it; curl users see why a loop was (not) started.
    if let Some(activation) = &started.activation {
        response.insert(
            "HumanLoopActivationOutput".into(),
            serde_json::to_value(activation).expect("activation outputs serialize"),
        );
    }
    Ok(ok(Value::Object(response)))
}

fn describe_body(state: &AppState, description: &LoopDescription) -> Value {
    let human_loop = &description.human_loop;
    let account = state.reviews.account();
    let mut body = Map::new();
    body.insert(
        "CreationTime".into(),
        human_loop.created_at.to_rfc3339().into(),
    );
    if let Some(reason) = &human_loop.failure_reason {
        body.insert("FailureReason".into(), reason.clone().into());
    }
    if let Some(code) = human_loop.failure_code {
        body.insert("FailureCode".into(), code.as_str().into());
    }
    body.insert("HumanLoopStatus".into(), human_loop.status.as_str().into());
    body.insert("HumanLoopName".into(), human_loop.name.as_str().into());
    body.insert(
        "HumanLoopArn".into(),
        account.human_loop_arn(&human_loop.name).to_string().into(),
    );
    body.insert(
        "FlowDefinitionArn".into(),
        account
            .flow_definition_arn(&human_loop.flow_name)
            .to_string()
            .into(),
    );
    if let Some(uri) = &description.output_uri {
        body.insert("HumanLoopOutput".into(), json!({"OutputS3Uri": uri}));
    }
    Value::Object(body)
}

async fn describe_named(state: AppState, name: &str) -> Result<Response, AwsError> {
    let name = human_loops::parse_loop_name(name).map_err(request_error)?;
    let description = state
        .reviews
        .describe_human_loop(&name)
        .await
        .map_err(review_error)?;
    Ok(ok(describe_body(&state, &description)))
}

async fn describe(
    State(state): State<AppState>,
    Path(name): Path<String>,
    _signed: Signed,
) -> Result<Response, AwsError> {
    describe_named(state, &name).await
}

async fn describe_stop(
    State(state): State<AppState>,
    _signed: Signed,
) -> Result<Response, AwsError> {
    describe_named(state, "stop").await
}

async fn list(State(state): State<AppState>, signed: Signed) -> Result<Response, AwsError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(signed.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let request = ListRequest::parse(&pairs, state.reviews.account()).map_err(request_error)?;
    let flow = state
        .reviews
        .find_flow_definition(&request.flow)
        .await
        .map_err(review_error)?;
    let query = LoopQuery {
        flow: Some(flow.id),
        status: None,
        created_after: request.created_after,
        created_before: request.created_before,
        ascending: request.ascending,
        after: request.after,
        name_prefix: None,
        // One more than asked tells whether another page exists.
        limit: request.max_results + 1,
    };
    let mut loops = state
        .reviews
        .list_loops(&query)
        .await
        .map_err(review_error)?;
    let more = loops.len() > request.max_results as usize;
    loops.truncate(request.max_results as usize);
    let account = state.reviews.account();
    let summaries: Vec<Value> = loops
        .iter()
        .map(|l| {
            let mut summary = Map::new();
            summary.insert("HumanLoopName".into(), l.name.as_str().into());
            summary.insert("HumanLoopStatus".into(), l.status.as_str().into());
            summary.insert("CreationTime".into(), l.created_at.to_rfc3339().into());
            if let Some(reason) = &l.failure_reason {
                summary.insert("FailureReason".into(), reason.clone().into());
            }
            summary.insert(
                "FlowDefinitionArn".into(),
                account.flow_definition_arn(&l.flow_name).to_string().into(),
            );
            Value::Object(summary)
        })
        .collect();
    let mut body = Map::new();
    body.insert("HumanLoopSummaries".into(), Value::Array(summaries));
    if more && let Some(last) = loops.last() {
        body.insert(
            "NextToken".into(),
            request.token_after(last.created_at, last.id).into(),
        );
    }
    Ok(ok(Value::Object(body)))
}

/// `POST /flow-definitions/{name}/dry-run` with `{"InputContent": "…"}` (the `HumanLoopInput` of
/// StartHumanLoop): whether a loop would start, and the activation report of built-in task types.
async fn dry_run(
    State(state): State<AppState>,
    Path(name): Path<String>,
    signed: Signed,
) -> Result<Response, AwsError> {
    let flow = loupe_engine::domain::names::FlowDefinitionName::parse(&name)
        .map_err(|e| AwsError::new(ErrorKind::Validation, e.to_string()))?;
    let body = json_body(&signed.body)?;
    let input = body
        .get("InputContent")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            AwsError::new(
                ErrorKind::Validation,
                "Value null at 'inputContent' failed to satisfy constraint: Member must not be \
                 null",
            )
        })?;
    let decision = state
        .reviews
        .dry_run_start(&flow, input)
        .await
        .map_err(review_error)?;
    let mut response = Map::new();
    response.insert("WouldStartHumanLoop".into(), decision.starts_loop.into());
    if let Some(report) = &decision.report {
        response.insert(
            "HumanLoopActivationOutput".into(),
            serde_json::to_value(report.activation_output(None))
                .expect("activation outputs serialize"),
        );
        response.insert(
            "ActivationReport".into(),
            serde_json::to_value(report).expect("reports serialize"),
        );
    }
    Ok(ok(Value::Object(response)))
}

async fn stop(State(state): State<AppState>, signed: Signed) -> Result<Response, AwsError> {
    let name = human_loops::parse_stop(&json_body(&signed.body)?).map_err(request_error)?;
    state
        .reviews
        .stop_human_loop(&name)
        .await
        .map_err(review_error)?;
    Ok(ok(json!({})))
}

async fn delete_named(state: AppState, name: &str) -> Result<Response, AwsError> {
    let name = human_loops::parse_loop_name(name).map_err(request_error)?;
    match state.reviews.delete_human_loop(&name).await {
        Ok(()) => Ok(ok(json!({}))),
        // Spec 3.1.5 [IMPL]: a loop still running is a validation error, as the DG words it.
        Err(ReviewError::Conflict(_)) => Err(AwsError::new(
            ErrorKind::Validation,
            format!(
                "Human loop {name} is still in progress; stop it (StopHumanLoop) and wait until \
                 it is Stopped before deleting it"
            ),
        )),
        Err(error) => Err(review_error(error)),
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(name): Path<String>,
    _signed: Signed,
) -> Result<Response, AwsError> {
    delete_named(state, &name).await
}

async fn delete_stop(State(state): State<AppState>, _signed: Signed) -> Result<Response, AwsError> {
    delete_named(state, "stop").await
}
