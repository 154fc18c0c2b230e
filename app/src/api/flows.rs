//! Flow definitions for the admin area: the list, one flow's full definition with a boto3
//! snippet that starts a loop on it against this Loupe, and delete.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowRow {
    pub name: String,
    pub status: String,
    pub task_type: String,
    pub team: String,
    pub task_count: u8,
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowInfo {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub failure_reason: Option<String>,
    pub created: String,
    pub task_type: String,
    pub team_arn: String,
    pub ui_arn: String,
    pub ui_name: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub task_count: u8,
    pub availability_lifetime: String,
    pub time_limit: String,
    pub price: Option<String>,
    pub output_path: String,
    pub role_arn: String,
    /// Pretty-printed activation conditions, for built-in task types.
    pub conditions: Option<String>,
    /// The whole definition as CreateFlowDefinition takes it.
    pub definition: String,
    /// Python that starts a loop on this flow against this server.
    pub boto3_snippet: String,
}

#[cfg(feature = "ssr")]
fn task_type(flow: &loupe_engine::domain::loops::FlowDefinition) -> String {
    flow.spec
        .human_loop_request_source
        .map(|s| s.aws_managed_human_loop_request_source.to_string())
        .unwrap_or_else(|| "Custom".to_owned())
}

#[server(prefix = "/api", endpoint = "admin/flows")]
pub async fn list_flows() -> Result<Vec<FlowRow>, ServerFnError> {
    use super::{engine_error, services};
    crate::session::require_admin()?;
    let mut flows = services()?
        .reviews
        .list_flows()
        .await
        .map_err(engine_error)?;
    flows.sort_by(|a, b| a.name().as_str().cmp(b.name().as_str()));
    Ok(flows
        .iter()
        .map(|f| FlowRow {
            name: f.name().to_string(),
            status: f.status.as_str().to_owned(),
            task_type: task_type(f),
            team: f.spec.human_loop_config.workteam_arn.to_string(),
            task_count: f.spec.human_loop_config.task_count.get(),
            created: f.created_at.to_minute_utc(),
        })
        .collect())
}

/// "1 h 30 min (5400 s)".
#[cfg(feature = "ssr")]
fn seconds(total: u32) -> String {
    format!(
        "{} ({total} s)",
        loupe_engine::domain::dashboard::humane(std::time::Duration::from_secs(u64::from(total)))
    )
}

#[server(prefix = "/api", endpoint = "admin/flow")]
pub async fn flow_detail(name: String) -> Result<Option<FlowInfo>, ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::FlowDefinitionName;
    use loupe_engine::services::ReviewError;
    crate::session::require_admin()?;
    let Ok(name) = FlowDefinitionName::parse(&name) else {
        return Ok(None);
    };
    let services = services()?;
    let flow = match services.reviews.find_flow_definition(&name).await {
        Ok(flow) => flow,
        Err(ReviewError::NotFound(_)) => return Ok(None),
        Err(error) => return Err(ServerFnError::new(error.to_string())),
    };
    let account = services.reviews.account();
    let arn = account.flow_definition_arn(&name).to_string();
    let config = &flow.spec.human_loop_config;
    let conditions = flow.spec.activation_conditions().map(|text| {
        serde_json::from_str::<serde_json::Value>(text)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| text.to_owned())
    });
    let sample = if flow.spec.human_loop_request_source.is_some() {
        r#"{"aiServiceRequest": request, "aiServiceResponse": response}"#
    } else {
        r#"{"taskObject": "the item to review"}"#
    };
    let origin = super::people::request_origin();
    let boto3_snippet = format!(
        "import json\nimport boto3\n\n\
         a2i = boto3.client(\n    \"sagemaker-a2i-runtime\",\n    endpoint_url=\"{origin}\",\n    \
         region_name=\"{region}\",\n    aws_access_key_id=\"LKIA...\",  # from API keys\n    \
         aws_secret_access_key=\"...\",\n)\n\
         started = a2i.start_human_loop(\n    HumanLoopName=\"item-1\",\n    \
         FlowDefinitionArn=\"{arn}\",\n    HumanLoopInput={{\"InputContent\": json.dumps({sample})}},\n)\n\
         print(started.get(\"HumanLoopArn\"))\n",
        region = account.region(),
    );
    Ok(Some(FlowInfo {
        name: name.to_string(),
        arn,
        status: flow.status.as_str().to_owned(),
        failure_reason: flow.failure_reason.clone(),
        created: flow.created_at.to_minute_utc(),
        task_type: task_type(&flow),
        team_arn: config.workteam_arn.to_string(),
        ui_arn: config.human_task_ui_arn.to_string(),
        ui_name: config.human_task_ui_arn.name().to_string(),
        title: config.task_title.clone(),
        description: config.task_description.clone(),
        keywords: config.task_keywords.clone().unwrap_or_default(),
        task_count: config.task_count.get(),
        availability_lifetime: seconds(config.task_availability_lifetime_in_seconds),
        time_limit: seconds(config.task_time_limit_in_seconds),
        price: config
            .public_workforce_task_price
            .map(|p| format!("${}", p.to_milli_usd())),
        output_path: flow.spec.output_config.s3_output_path.clone(),
        role_arn: flow.spec.role_arn.as_str().to_owned(),
        conditions,
        definition: serde_json::to_string_pretty(&flow.spec).unwrap_or_default(),
        boto3_snippet,
    }))
}

#[server(prefix = "/api", endpoint = "admin/flow-delete")]
pub async fn delete_flow(name: String) -> Result<(), ServerFnError> {
    use super::services;
    use loupe_engine::domain::names::FlowDefinitionName;
    crate::session::require_admin()?;
    let name = FlowDefinitionName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .reviews
        .delete_flow_definition(&name)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    leptos_axum::redirect("/admin/flows");
    Ok(())
}
