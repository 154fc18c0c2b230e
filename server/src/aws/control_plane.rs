//! The SageMaker control plane (AWS JSON 1.1, spec 1.1): `POST /` with
//! `X-Amz-Target: SageMaker.<Operation>`. Served: the human task UI (with RenderUiTemplate),
//! flow definition and work team operations. Timestamps are epoch seconds (a JSON number with milliseconds).

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::domain::names::{FlowDefinitionName, HumanTaskUiName, NameError};
use loupe_engine::domain::validation::RequestError;
use loupe_engine::domain::validation::{MemberPath, Members, Rule, Shown, Violations};
use loupe_engine::services::ReviewError;
use serde_json::{Map, Value, json};

use super::authn::Signed;
use super::error::{AwsError, ErrorKind, Protocol};
use crate::AppState;

const DEFAULT_MAX_RESULTS: usize = 100;

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

/// `scheme://host` as the caller reached Loupe, for absolute URLs in answers.
fn origin(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
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
            let name = name_member(&request, "HumanTaskUiName", HumanTaskUiName::parse)?;
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
            let page = ListPage::parse(&request, "ListHumanTaskUis", false)?;
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
            page.respond("HumanTaskUiSummaries", items)
        }
        "DeleteHumanTaskUi" => {
            let name = name_member(&request, "HumanTaskUiName", HumanTaskUiName::parse)?;
            reviews.delete_task_ui(&name).await.map_err(review_error)?;
            Ok(reply(json!({})))
        }
        "RenderUiTemplate" => {
            let grants = std::sync::Arc::new(loupe_engine::templates::blob_links::SignedLinks {
                signer: crate::blobs::signer(&state.master_key),
                base: origin(&state, &headers),
                clock: state.clock.clone(),
            });
            let rendered = reviews
                .render_ui_template(&request, grants)
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
            let name = name_member(&request, "FlowDefinitionName", FlowDefinitionName::parse)?;
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
            let page = ListPage::parse(&request, "ListFlowDefinitions", false)?;
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
            page.respond("FlowDefinitionSummaries", items)
        }
        "DeleteFlowDefinition" => {
            let name = name_member(&request, "FlowDefinitionName", FlowDefinitionName::parse)?;
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
            let name = workteam_name(&request)?;
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
            let name = workteam_name(&request)?;
            state
                .reviews
                .delete_team(&name)
                .await
                .map_err(review_error)?;
            Ok(reply(json!({"Success": true})))
        }
        "ListWorkteams" => {
            let root = Members::of_request(&request).map_err(|e| request_error(e.into()))?;
            let mut v = Violations::default();
            let by_name = match root.string("SortBy").map_err(|e| request_error(e.into()))? {
                None | Some("CreateDate") => false,
                Some("Name") => true,
                Some(other) => {
                    v.push(
                        root.path_of("SortBy"),
                        Shown::text(other),
                        Rule::EnumValueSet(vec!["Name", "CreateDate"]),
                    );
                    false
                }
            };
            let contains = root
                .string("NameContains")
                .map_err(|e| request_error(e.into()))?;
            if let Some(part) = contains
                && loupe_engine::domain::teams::WorkteamName::parse(part).is_err()
            {
                v.push(
                    root.path_of("NameContains"),
                    Shown::text(part),
                    Rule::Pattern("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"),
                );
            }
            v.finish().map_err(|e| request_error(e.into()))?;
            let page = ListPage::parse(
                &request,
                &format!("ListWorkteams|{by_name}|{contains:?}"),
                true,
            )?;
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
            page.respond("Workteams", items)
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

/// `WorkteamName` (letters of either case, digits, hyphens).
fn workteam_name(request: &Value) -> Result<loupe_engine::domain::teams::WorkteamName, AwsError> {
    let root = Members::of_request(request).map_err(|e| request_error(e.into()))?;
    let mut v = Violations::default();
    let path = root.path_of("WorkteamName");
    let raw = v.required(
        &path,
        root.string("WorkteamName")
            .map_err(|e| request_error(e.into()))?,
    );
    let name = raw.and_then(
        |raw| match loupe_engine::domain::teams::WorkteamName::parse(raw) {
            Ok(name) => Some(name),
            Err(_) => {
                v.push(
                    path.clone(),
                    Shown::text(raw),
                    Rule::Pattern("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"),
                );
                None
            }
        },
    );
    v.finish().map_err(|e| request_error(e.into()))?;
    Ok(name.expect("recorded when absent or invalid"))
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
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
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
        "SubDomain": host,
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

/// A required name member (`FlowDefinitionName`, `HumanTaskUiName`).
fn name_member<T>(
    request: &Value,
    member: &str,
    parse: fn(&str) -> Result<T, NameError>,
) -> Result<T, AwsError> {
    let root = Members::of_request(request).map_err(|e| request_error(e.into()))?;
    let mut violations = Violations::default();
    let path = root.path_of(member);
    let raw = root.string(member).map_err(|e| request_error(e.into()))?;
    let name = violations
        .required(&path, raw)
        .and_then(|raw| violations.name(&path, parse(raw)));
    violations.finish().map_err(|e| request_error(e.into()))?;
    Ok(name.expect("recorded when absent or invalid"))
}

/// The common members of the SageMaker List operations: time filters (epoch seconds), sort
/// order (Loupe's default: newest first), page size (default 100) and a token bound to them.
struct ListPage {
    after: Option<f64>,
    before: Option<f64>,
    ascending: bool,
    max_results: usize,
    filters: String,
    /// The (creation ms, name) the previous page ended with.
    resume: Option<(i64, String)>,
}

impl ListPage {
    fn parse(request: &Value, operation: &str, default_ascending: bool) -> Result<Self, AwsError> {
        let root = Members::of_request(request).map_err(|e| request_error(e.into()))?;
        let mut v = Violations::default();
        let number = |member: &str, v: &mut Violations| -> Option<f64> {
            match request.get(member) {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s
                    .parse::<f64>()
                    .ok()
                    .or_else(|| {
                        time::OffsetDateTime::parse(
                            s,
                            &time::format_description::well_known::Rfc3339,
                        )
                        .ok()
                        .map(|t| t.unix_timestamp_nanos() as f64 / 1e9)
                    })
                    .or_else(|| {
                        v.push(
                            root.path_of(member),
                            Shown::text(s.clone()),
                            Rule::Other("Member must be a timestamp".to_owned()),
                        );
                        None
                    }),
                Some(_) => {
                    v.push(
                        root.path_of(member),
                        Shown::Hidden,
                        Rule::Other("Member must be a timestamp".to_owned()),
                    );
                    None
                }
            }
        };
        let after = number("CreationTimeAfter", &mut v);
        let before = number("CreationTimeBefore", &mut v);
        let ascending = match root
            .string("SortOrder")
            .map_err(|e| request_error(e.into()))?
        {
            None => default_ascending,
            Some("Descending") => false,
            Some("Ascending") => true,
            Some(other) => {
                v.push(
                    root.path_of("SortOrder"),
                    Shown::text(other),
                    Rule::EnumValueSet(vec!["Ascending", "Descending"]),
                );
                false
            }
        };
        let max_results = root
            .optional_integer("MaxResults", Some(1), Some(100), &mut v)
            .map_err(|e| request_error(e.into()))?
            .map_or(DEFAULT_MAX_RESULTS, |n| n as usize);
        let token = root
            .string("NextToken")
            .map_err(|e| request_error(e.into()))?;
        v.finish().map_err(|e| request_error(e.into()))?;
        let filters = {
            let text = format!("{operation}|{after:?}|{before:?}|{ascending}");
            loupe_engine::domain::digest::sha256_hex(text.as_bytes(), 12)
        };
        let mut page = Self {
            after,
            before,
            ascending,
            max_results,
            filters,
            resume: None,
        };
        if let Some(token) = token {
            page.resume = Some(page.read_token(token)?);
        }
        Ok(page)
    }

    fn read_token(&self, raw: &str) -> Result<(i64, String), AwsError> {
        let invalid = || {
            let mut v = Violations::default();
            v.push(
                MemberPath::root().member("NextToken"),
                Shown::Hidden,
                Rule::Other(
                    "Member must be a token from an earlier call with the same filters".to_owned(),
                ),
            );
            request_error(v.finish().expect_err("one violation").into())
        };
        let bytes = B64.decode(raw).map_err(|_| invalid())?;
        let token: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if token["f"] != self.filters.as_str() {
            return Err(invalid());
        }
        match (token["c"].as_i64(), token["n"].as_str()) {
            (Some(created), Some(name)) => Ok((created, name.to_owned())),
            _ => Err(invalid()),
        }
    }

    /// Filters, sorts (creation time, then name), pages and writes the list response.
    fn respond(
        &self,
        member: &str,
        mut items: Vec<(Timestamp, String, Value)>,
    ) -> Result<Response, AwsError> {
        let after_ms = self.after.map(|s| (s * 1000.0).round() as i64);
        let before_ms = self.before.map(|s| (s * 1000.0).round() as i64);
        items.retain(|(at, _, _)| {
            after_ms.is_none_or(|a| at.as_millis() >= a)
                && before_ms.is_none_or(|b| at.as_millis() < b)
        });
        items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        if !self.ascending {
            items.reverse();
        }
        if let Some((created, name)) = &self.resume {
            let key = (Timestamp::from_millis(*created), name.clone());
            items.retain(|(at, n, _)| {
                let here = (*at, n.clone());
                if self.ascending {
                    here > key
                } else {
                    here < key
                }
            });
        }
        let more = items.len() > self.max_results;
        items.truncate(self.max_results);
        let mut body = Map::new();
        let list: Vec<Value> = items.iter().map(|(_, _, value)| value.clone()).collect();
        body.insert(member.into(), Value::Array(list));
        if more && let Some((at, name, _)) = items.last() {
            let token = json!({"f": self.filters, "c": at.as_millis(), "n": name});
            body.insert("NextToken".into(), B64.encode(token.to_string()).into());
        }
        Ok(reply(Value::Object(body)))
    }
}
