//! The SageMaker control plane (AWS JSON 1.1, spec 1.1): `POST /` with
//! `X-Amz-Target: SageMaker.<Operation>`. Served: the human task UI (with RenderUiTemplate),
//! flow definition and work team operations, and compilation jobs (in [`super::compilation`]).
//! Timestamps are epoch seconds (a JSON number with milliseconds).

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::names::{FlowDefinitionName, HumanTaskUiName};
use loupe_engine::domain::validation::RequestError;
use loupe_engine::requests::control_plane::{
    ListPage, WorkteamFilter, name_member, workteam_filter, workteam_name,
};
use loupe_engine::services::ReviewError;
use serde_json::{Map, Value, json};

use super::authn::Signed;
use super::error::{AwsError, ErrorKind, Protocol};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", post(dispatch))
        .route("/human-task-uis/{name}/template", get(template))
}

/// `UiTemplate.Url` of DescribeHumanTaskUi: the template text, for callers of the API. Sent as
/// plain text, so a browser never runs it on Loupe's origin.
async fn template(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
    _signed: Signed,
) -> Result<Response, AwsError> {
    let name = HumanTaskUiName::parse(&name)
        .map_err(|e| AwsError::new(ErrorKind::Validation, e.to_string()))?;
    let ui = state.reviews.find_task_ui(&name).await.map_err(|_| {
        AwsError::new(
            ErrorKind::ResourceNotFound,
            format!("Human task UI {name} does not exist"),
        )
    })?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        ui.spec.ui_template.content,
    )
        .into_response())
}

/// `scheme://host` for absolute URLs in answers: the public URL, or as the caller reached Loupe.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    state.origins.origin(request_host(headers))
}

fn request_host(headers: &HeaderMap) -> Option<&str> {
    headers.get("host").and_then(|v| v.to_str().ok())
}

fn err(kind: ErrorKind, message: impl Into<String>) -> AwsError {
    AwsError::new(kind, message).in_protocol(Protocol::Json11)
}

fn request_error(error: RequestError) -> AwsError {
    AwsError::from_request(error, Protocol::Json11)
}

fn review_error(error: ReviewError) -> AwsError {
    AwsError::from_review(error, Protocol::Json11)
}

fn reply(body: Value) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/x-amz-json-1.1",
        )],
        body.to_string(),
    )
        .into_response()
}

/// Epoch seconds with milliseconds, as the JSON protocol writes timestamps.
fn epoch(at: Timestamp) -> Value {
    serde_json::Number::from_f64(at.as_millis() as f64 / 1000.0).map_or(Value::Null, Value::Number)
}

async fn dispatch(State(state): State<AppState>, signed: Signed) -> Result<Response, AwsError> {
    let target = signed
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Textract and Rekognition calls share `POST /` (and were signed for their own service).
    if let Some(service) = super::ml_proxy::AiService::of_target(target) {
        return Ok(super::ml_proxy::serve(&state, service, signed).await);
    }
    let Signed { headers, body, .. } = signed;
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target.strip_prefix("SageMaker.").unwrap_or("");
    let request: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            err(
                ErrorKind::Serialization,
                format!("The request body is not valid JSON: {e}"),
            )
        })?
    };
    if let Some(answer) = super::compilation::serve(&state.compilations, operation, &request).await
    {
        if operation == "CreateCompilationJob" && answer.is_ok() {
            state.compilation_wake.notify_one();
        }
        return answer.map(reply);
    }
    let reviews = &state.reviews;
    let account = reviews.account();
    match operation {
        "CreateHumanTaskUi" => {
            let ui = reviews
                .create_task_ui(&request)
                .await
                .map_err(review_error)?;
            Ok(reply(
                json!({"HumanTaskUiArn": account.human_task_ui_arn(ui.name()).to_string()}),
            ))
        }
        "DescribeHumanTaskUi" => {
            let name = name_member(&request, "HumanTaskUiName", HumanTaskUiName::parse)
                .map_err(request_error)?;
            let ui = reviews.find_task_ui(&name).await.map_err(review_error)?;
            let origin = origin(&state, &headers);
            Ok(reply(json!({
                "HumanTaskUiArn": account.human_task_ui_arn(&name).to_string(),
                "HumanTaskUiName": name.as_str(),
                "HumanTaskUiStatus": ui.status.as_str(),
                "CreationTime": epoch(ui.created_at),
                "UiTemplate": {
                    "Url": format!("{origin}/human-task-uis/{name}/template"),
                    "ContentSha256": ui.spec.ui_template.content_sha256().as_str(),
                }
            })))
        }
        "ListHumanTaskUis" => {
            let page =
                ListPage::parse(&request, "ListHumanTaskUis", false).map_err(request_error)?;
            let uis = state.reviews.list_task_uis().await.map_err(review_error)?;
            let items: Vec<(Timestamp, String, Value)> = uis
                .iter()
                .map(|ui| {
                    (
                        ui.created_at,
                        ui.name().as_str().to_owned(),
                        json!({
                            "HumanTaskUiName": ui.name().as_str(),
                            "HumanTaskUiArn": account.human_task_ui_arn(ui.name()).to_string(),
                            "CreationTime": epoch(ui.created_at),
                        }),
                    )
                })
                .collect();
            Ok(respond(&page, "HumanTaskUiSummaries", items))
        }
        "DeleteHumanTaskUi" => {
            let name = name_member(&request, "HumanTaskUiName", HumanTaskUiName::parse)
                .map_err(request_error)?;
            reviews.delete_task_ui(&name).await.map_err(review_error)?;
            Ok(reply(json!({})))
        }
        "RenderUiTemplate" => {
            let base = origin(&state, &headers);
            let grants = std::sync::Arc::new(loupe_engine::templates::blob_links::SignedLinks {
                signer: crate::blobs::signer(&state.master_key),
                base: base.clone(),
                clock: state.clock.clone(),
            });
            let rendered = reviews
                .render_ui_template(&request, grants, &base)
                .await
                .map_err(review_error)?;
            let errors: Vec<Value> = rendered
                .errors
                .iter()
                .map(|e| json!({"Code": e.kind.code(), "Message": e.to_string()}))
                .collect();
            Ok(reply(json!({
                "RenderedContent": rendered.content,
                "Errors": errors,
            })))
        }
        "CreateFlowDefinition" => {
            let flow = reviews
                .create_flow_definition(&request, None)
                .await
                .map_err(review_error)?;
            Ok(reply(
                json!({"FlowDefinitionArn": account.flow_definition_arn(flow.name()).to_string()}),
            ))
        }
        "DescribeFlowDefinition" => {
            let name = name_member(&request, "FlowDefinitionName", FlowDefinitionName::parse)
                .map_err(request_error)?;
            let flow = reviews
                .find_flow_definition(&name)
                .await
                .map_err(review_error)?;
            let mut body = match serde_json::to_value(&flow.spec) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            // Describe does not return tags (spec 3.2.2).
            body.remove("Tags");
            body.insert(
                "FlowDefinitionArn".into(),
                account.flow_definition_arn(&name).to_string().into(),
            );
            body.insert("FlowDefinitionStatus".into(), flow.status.as_str().into());
            body.insert("CreationTime".into(), epoch(flow.created_at));
            if let Some(reason) = &flow.failure_reason {
                body.insert("FailureReason".into(), reason.clone().into());
            }
            Ok(reply(Value::Object(body)))
        }
        "ListFlowDefinitions" => {
            let page =
                ListPage::parse(&request, "ListFlowDefinitions", false).map_err(request_error)?;
            let flows = state.reviews.list_flows().await.map_err(review_error)?;
            let items: Vec<(Timestamp, String, Value)> = flows
                .iter()
                .map(|flow| {
                    let mut summary = json!({
                        "FlowDefinitionName": flow.name().as_str(),
                        "FlowDefinitionArn": account.flow_definition_arn(flow.name()).to_string(),
                        "FlowDefinitionStatus": flow.status.as_str(),
                        "CreationTime": epoch(flow.created_at),
                    });
                    if let Some(reason) = &flow.failure_reason {
                        summary["FailureReason"] = reason.clone().into();
                    }
                    (flow.created_at, flow.name().as_str().to_owned(), summary)
                })
                .collect();
            Ok(respond(&page, "FlowDefinitionSummaries", items))
        }
        "DeleteFlowDefinition" => {
            let name = name_member(&request, "FlowDefinitionName", FlowDefinitionName::parse)
                .map_err(request_error)?;
            reviews
                .delete_flow_definition(&name)
                .await
                .map_err(review_error)?;
            Ok(reply(json!({})))
        }
        "CreateWorkteam" => {
            let team = reviews
                .create_workteam(&request)
                .await
                .map_err(review_error)?;
            Ok(reply(
                json!({"WorkteamArn": account.workteam_arn(&team.team.name).to_string()}),
            ))
        }
        "DescribeWorkteam" => {
            let name = workteam_name(&request).map_err(request_error)?;
            let team = reviews.workteam(&name).await.map_err(review_error)?;
            Ok(reply(
                json!({"Workteam": workteam_json(&state, &headers, &team)}),
            ))
        }
        "UpdateWorkteam" => {
            let team = reviews
                .update_workteam(&request)
                .await
                .map_err(review_error)?;
            Ok(reply(
                json!({"Workteam": workteam_json(&state, &headers, &team)}),
            ))
        }
        "DeleteWorkteam" => {
            let name = workteam_name(&request).map_err(request_error)?;
            state
                .reviews
                .delete_team(&name)
                .await
                .map_err(review_error)?;
            Ok(reply(json!({"Success": true})))
        }
        "ListWorkteams" => {
            let WorkteamFilter { by_name, contains } =
                workteam_filter(&request).map_err(request_error)?;
            let contains = contains.as_deref();
            let page = ListPage::parse(
                &request,
                &format!("ListWorkteams|{by_name}|{contains:?}"),
                true,
            )
            .map_err(request_error)?;
            let teams = state.reviews.list_teams().await.map_err(review_error)?;
            let mut items = Vec::new();
            for team in teams {
                if contains.is_some_and(|part| !team.name.as_str().contains(part)) {
                    continue;
                }
                let details = reviews.workteam(&team.name).await.map_err(review_error)?;
                let key = if by_name {
                    Timestamp::from_millis(0)
                } else {
                    team.created_at
                };
                items.push((
                    key,
                    team.name.as_str().to_owned(),
                    workteam_json(&state, &headers, &details),
                ));
            }
            Ok(respond(&page, "Workteams", items))
        }
        "" => Err(err(
            ErrorKind::UnknownOperation,
            format!("X-Amz-Target must name an operation as SageMaker.<Operation>, not '{target}'"),
        )),
        other => Err(err(
            ErrorKind::UnknownOperation,
            format!("Loupe does not serve the operation SageMaker.{other}"),
        )),
    }
}

/// The `Workteam` structure of Describe, Update and List. A team made in Loupe (not through this
/// API) shows its groups as one OIDC definition, or, without groups, its own name as the group
/// that stands for its directly added workers.
fn workteam_json(
    state: &AppState,
    headers: &HeaderMap,
    details: &loupe_engine::domain::teams::TeamDetails,
) -> Value {
    let account = state.reviews.account();
    let team = &details.team;
    let definitions = details
        .member_definitions
        .as_deref()
        .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
        .unwrap_or_else(|| {
            let groups = if details.groups.is_empty() {
                vec![team.name.as_str().to_owned()]
            } else {
                details.groups.clone()
            };
            json!([{"OidcMemberDefinition": {"Groups": groups}}])
        });
    let mut body = json!({
        "WorkteamName": team.name.as_str(),
        "MemberDefinitions": definitions,
        "WorkteamArn": account.workteam_arn(&team.name).to_string(),
        "WorkforceArn": format!(
            "arn:{}:sagemaker:{}:{}:workforce/default",
            account.partition(),
            account.region(),
            account.account_id()
        ),
        "Description": team.description,
        // A2I's is the worker portal's host name; Loupe's portal is its own origin.
        "SubDomain": state.origins.sub_domain(request_host(headers)),
        "CreateDate": epoch(team.created_at),
        "LastUpdatedDate": epoch(details.updated_at.unwrap_or(team.created_at)),
    });
    if let Some(topic) = &details.notification_topic_arn {
        body["NotificationConfiguration"] = json!({"NotificationTopicArn": topic});
    }
    if let Some(access) = details
        .worker_access
        .as_deref()
        .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
    {
        body["WorkerAccessConfiguration"] = access;
    }
    body
}

/// A List operation's response: the page of `items` and, when there is more, the next token.
fn respond(page: &ListPage, member: &str, items: Vec<(Timestamp, String, Value)>) -> Response {
    let (list, next) = page.page(items);
    let mut body = Map::new();
    body.insert(member.into(), Value::Array(list));
    if let Some(token) = next {
        body.insert("NextToken".into(), token.into());
    }
    reply(Value::Object(body))
}
