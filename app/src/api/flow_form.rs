//! Creating a flow definition in the browser, and the conditions lab that tries activation
//! conditions against a model output. The form builds the same `CreateFlowDefinition` request
//! boto3 would send and hands it to the engine, so the browser and the API accept and refuse
//! exactly the same definitions.

// `create_flow` takes one argument per form field, as `ActionForm` posts them; the browser-side
// stub the `server` macro generates for it cannot carry an `allow` of its own.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::form_errors::FieldError;
#[cfg(feature = "ssr")]
use super::form_errors::FormFields;

/// An option of a `<select>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A bundled model output for the lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabSample {
    pub id: String,
    /// The request source it belongs to.
    pub source: String,
    pub title: String,
    pub description: String,
    pub ml_output: String,
}

/// What the lab starts from: the bundled samples and a conditions document per request source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabSetup {
    pub samples: Vec<LabSample>,
    /// `(request source, document)`.
    pub starting_conditions: Vec<(String, String)>,
}

impl LabSetup {
    pub fn starting_conditions(&self, source: &str) -> String {
        self.starting_conditions
            .iter()
            .find(|(s, _)| s == source)
            .map(|(_, text)| text.clone())
            .unwrap_or_default()
    }

    pub fn samples_of(&self, source: &str) -> Vec<LabSample> {
        self.samples
            .iter()
            .filter(|s| s.source == source)
            .cloned()
            .collect()
    }
}

/// Everything the form offers: teams, templates, the price lists per task type, the limits and
/// a starting conditions document per request source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowFormOptions {
    pub teams: Vec<Choice>,
    pub templates: Vec<Choice>,
    /// `(request source or "" for custom, allowed prices as "0.012")`.
    pub prices: Vec<(String, Vec<String>)>,
    pub sources: Vec<Choice>,
    pub lab: LabSetup,
    pub default_time_limit: u32,
    pub max_time_limit: u32,
    pub default_private_lifetime: u32,
    pub max_private_lifetime: u32,
    pub role_arn: String,
}

/// One node of the evaluated conditions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabNodeView {
    pub path: String,
    pub kind: String,
    pub parameters: Option<String>,
    pub result: bool,
    pub why: String,
    pub json_logic: Option<String>,
    pub tests: Vec<LabTestView>,
    pub children: Vec<LabNodeView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabTestView {
    pub at: String,
    pub name: Option<String>,
    pub data: String,
    pub result: bool,
}

/// The lab's answer: the evaluation, or the first problem with the document or the sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabView {
    pub error: Option<String>,
    pub activated: bool,
    pub tree: Vec<LabNodeView>,
    pub sent_to_reviewers: Vec<String>,
    pub warnings: Vec<(String, String)>,
    pub selected: Option<String>,
    pub condition_results: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateFlowOutcome {
    pub created: Option<String>,
    pub errors: Vec<FieldError>,
}

#[server(prefix = "/api", endpoint = "admin/flow-form")]
pub async fn new_flow_form() -> Result<FlowFormOptions, ServerFnError> {
    use super::{engine_error, services};
    use loupe_engine::conditions::RequestSource;
    use loupe_engine::domain::flows::TaskType;
    use loupe_engine::domain::pricing::allowed_prices;
    use loupe_engine::domain::task_uis::HumanTaskUiStatus;
    crate::session::require_admin()?;
    let services = services()?;
    let account = services.reviews.account();
    let mut teams: Vec<Choice> = services
        .reviews
        .list_teams()
        .await
        .map_err(engine_error)?
        .into_iter()
        .map(|team| Choice {
            value: account.workteam_arn(&team.name).to_string(),
            label: format!(
                "{} ({} member{})",
                team.name,
                team.member_count,
                if team.member_count == 1 { "" } else { "s" }
            ),
        })
        .collect();
    teams.sort_by(|a, b| a.label.cmp(&b.label));
    teams.push(Choice {
        value: account.public_crowd_arn().to_string(),
        label: "Public crowd (paid per task)".to_owned(),
    });
    let mut templates: Vec<Choice> = services
        .reviews
        .list_task_uis()
        .await
        .map_err(engine_error)?
        .into_iter()
        .filter(|ui| ui.status == HumanTaskUiStatus::Active)
        .map(|ui| Choice {
            value: account.human_task_ui_arn(ui.name()).to_string(),
            label: ui.name().to_string(),
        })
        .collect();
    templates.sort_by(|a, b| a.label.cmp(&b.label));
    let source_value =
        |source: Option<RequestSource>| source.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let prices = TaskType::ALL
        .iter()
        .map(|&task_type| {
            (
                source_value(task_type.request_source()),
                allowed_prices(task_type)
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            )
        })
        .collect();
    let sources = std::iter::once(Choice {
        value: String::new(),
        label: "Custom: every StartHumanLoop creates a loop".to_owned(),
    })
    .chain(RequestSource::ALL.iter().map(|&source| Choice {
        value: source.as_str().to_owned(),
        label: match source {
            RequestSource::RekognitionModeration => {
                "Amazon Rekognition: image moderation (DetectModerationLabels)".to_owned()
            }
            RequestSource::TextractForms => {
                "Amazon Textract: key-value pairs (AnalyzeDocument, FORMS)".to_owned()
            }
        },
    }))
    .collect();
    let limits = services.reviews.limits();
    Ok(FlowFormOptions {
        teams,
        templates,
        prices,
        sources,
        lab: lab_setup(),
        default_time_limit: limits.default_time_limit,
        max_time_limit: limits.max_time_limit,
        default_private_lifetime: limits.default_private_lifetime,
        max_private_lifetime: limits.max_private_lifetime,
        role_arn: format!(
            "arn:aws:iam::{}:role/loupe-human-review",
            account.account_id()
        ),
    })
}

#[cfg(feature = "ssr")]
fn lab_setup() -> LabSetup {
    use loupe_engine::conditions::RequestSource;
    use loupe_engine::conditions::lab;
    let samples = RequestSource::ALL
        .iter()
        .flat_map(|&source| {
            lab::samples(source).iter().map(move |sample| LabSample {
                id: sample.id.to_owned(),
                source: source.as_str().to_owned(),
                title: sample.title.to_owned(),
                description: sample.description.to_owned(),
                ml_output: sample.ml_output.trim_end().to_owned(),
            })
        })
        .collect();
    LabSetup {
        samples,
        starting_conditions: RequestSource::ALL
            .iter()
            .map(|&s| {
                (
                    s.as_str().to_owned(),
                    lab::starting_conditions(s).to_owned(),
                )
            })
            .collect(),
    }
}

/// The bundled samples and starting documents, for the standalone lab.
#[server(prefix = "/api", endpoint = "admin/lab-setup")]
pub async fn conditions_lab_setup() -> Result<LabSetup, ServerFnError> {
    crate::session::require_admin()?;
    Ok(lab_setup())
}

/// Evaluates `conditions` for `source` against `ml_output`, storing nothing.
#[server(prefix = "/api", endpoint = "admin/conditions-lab")]
pub async fn try_conditions(
    source: String,
    conditions: String,
    ml_output: String,
) -> Result<LabView, ServerFnError> {
    use loupe_engine::conditions::{RequestSource, lab};
    crate::session::require_admin()?;
    let failed = |error: String| LabView {
        error: Some(error),
        activated: false,
        tree: Vec::new(),
        sent_to_reviewers: Vec::new(),
        warnings: Vec::new(),
        selected: None,
        condition_results: None,
    };
    let Ok(source) = RequestSource::parse(&source) else {
        return Ok(failed(
            "Choose Rekognition or Textract: custom flows have no activation conditions".into(),
        ));
    };
    let pretty =
        |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap_or_default();
    Ok(match lab::try_conditions(source, &conditions, &ml_output) {
        Ok(report) => LabView {
            error: None,
            activated: report.activated,
            tree: report.tree.into_iter().map(node_view).collect(),
            sent_to_reviewers: report.sent_to_reviewers,
            warnings: report
                .warnings
                .into_iter()
                .map(|w| (w.path, w.message))
                .collect(),
            selected: report.selected.as_ref().map(pretty),
            condition_results: report.condition_results.as_ref().map(pretty),
        },
        Err(error) => failed(error.to_string()),
    })
}

#[cfg(feature = "ssr")]
fn node_view(node: loupe_engine::conditions::lab::LabNode) -> LabNodeView {
    LabNodeView {
        path: node.path,
        kind: node.kind,
        parameters: node.parameters,
        result: node.result,
        why: node.why,
        json_logic: node
            .json_logic
            .map(|logic| serde_json::to_string(&logic).unwrap_or_default()),
        tests: node
            .tests
            .into_iter()
            .map(|t| LabTestView {
                at: t.at,
                name: t.name,
                data: serde_json::to_string(&t.data).unwrap_or_default(),
                result: t.result,
            })
            .collect(),
        children: node.children.into_iter().map(node_view).collect(),
    }
}

/// Creates a flow definition from the form. Every field is text as the browser sends it; numbers
/// are read here so that a typo gets a message on its field rather than a shape error.
#[server(prefix = "/api", endpoint = "admin/flow-create")]
pub async fn create_flow(
    name: String,
    source: String,
    conditions: String,
    team: String,
    ui: String,
    title: String,
    description: String,
    task_count: String,
    lifetime: String,
    time_limit: String,
    keywords: String,
    price: String,
    output_path: String,
    kms_key_id: String,
    role_arn: String,
    tags: String,
) -> Result<CreateFlowOutcome, ServerFnError> {
    use super::services;
    use serde_json::{Map, Value, json};
    crate::session::require_admin()?;
    let mut errors = Vec::new();
    let mut whole = |field: &str, raw: &str, optional: bool| -> Option<Value> {
        let raw = raw.trim();
        if raw.is_empty() && optional {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(n) => Some(json!(n)),
            Err(_) => {
                errors.push(FieldError::at(field, "Enter a whole number."));
                None
            }
        }
    };
    let task_count = whole("task_count", &task_count, false);
    let lifetime = whole("lifetime", &lifetime, true);
    let time_limit = whole("time_limit", &time_limit, true);

    let mut config = Map::new();
    config.insert("WorkteamArn".into(), json!(team.trim()));
    config.insert("HumanTaskUiArn".into(), json!(ui.trim()));
    config.insert("TaskTitle".into(), json!(title.trim()));
    config.insert("TaskDescription".into(), json!(description.trim()));
    if let Some(count) = task_count {
        config.insert("TaskCount".into(), count);
    }
    if let Some(lifetime) = lifetime {
        config.insert("TaskAvailabilityLifetimeInSeconds".into(), lifetime);
    }
    if let Some(limit) = time_limit {
        config.insert("TaskTimeLimitInSeconds".into(), limit);
    }
    let keywords: Vec<&str> = keywords
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if !keywords.is_empty() {
        config.insert("TaskKeywords".into(), json!(keywords));
    }
    if !price.trim().is_empty() {
        match price_parts(price.trim()) {
            Some(parts) => {
                config.insert(
                    "PublicWorkforceTaskPrice".into(),
                    json!({ "AmountInUsd": parts }),
                );
            }
            None => errors.push(FieldError::at("price", "Pick one of the listed prices.")),
        }
    }
    let mut request = Map::new();
    request.insert("FlowDefinitionName".into(), json!(name.trim()));
    if !source.is_empty() {
        request.insert(
            "HumanLoopRequestSource".into(),
            json!({ "AwsManagedHumanLoopRequestSource": source }),
        );
        if !conditions.trim().is_empty() {
            request.insert(
                "HumanLoopActivationConfig".into(),
                json!({ "HumanLoopActivationConditionsConfig": {
                    "HumanLoopActivationConditions": conditions.trim() } }),
            );
        }
    }
    request.insert("HumanLoopConfig".into(), Value::Object(config));
    let mut output = Map::new();
    output.insert("S3OutputPath".into(), json!(output_path.trim()));
    if !kms_key_id.trim().is_empty() {
        output.insert("KmsKeyId".into(), json!(kms_key_id.trim()));
    }
    request.insert("OutputConfig".into(), Value::Object(output));
    request.insert("RoleArn".into(), json!(role_arn.trim()));
    let mut tag_list = Vec::new();
    for line in tags.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match line.split_once('=') {
            Some((key, value)) => tag_list.push(json!({"Key": key.trim(), "Value": value.trim()})),
            None => errors.push(FieldError::at(
                "tags",
                format!("\"{line}\": write each tag as key=value."),
            )),
        }
    }
    if !tag_list.is_empty() {
        request.insert("Tags".into(), json!(tag_list));
    }
    if !errors.is_empty() {
        return Ok(CreateFlowOutcome {
            created: None,
            errors,
        });
    }

    let request = Value::Object(request);
    let errors = match services()?
        .reviews
        .create_flow_definition(&request, None)
        .await
    {
        Ok(flow) => {
            leptos_axum::redirect(&format!("/admin/flow/{}", flow.name()));
            return Ok(CreateFlowOutcome {
                created: Some(flow.name().to_string()),
                errors: Vec::new(),
            });
        }
        Err(error) => FLOW_FIELDS.errors(error),
    };
    Ok(CreateFlowOutcome {
        created: None,
        errors,
    })
}

/// "0.036" as `{"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}`.
#[cfg(feature = "ssr")]
fn price_parts(raw: &str) -> Option<serde_json::Value> {
    let (dollars, fraction) = raw.split_once('.').unwrap_or((raw, "0"));
    let dollars: u64 = dollars.parse().ok()?;
    if fraction.len() > 3 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let millis: u64 = format!("{fraction:0<3}").parse().ok()?;
    Some(serde_json::json!({
        "Dollars": dollars,
        "Cents": millis / 10,
        "TenthFractionsOfACent": millis % 10,
    }))
}

/// The flow form's fields by the request members they fill.
#[cfg(feature = "ssr")]
const FLOW_FIELDS: FormFields = FormFields::new(
    &[
        ("FlowDefinitionName", "name"),
        ("HumanLoopRequestSource", "source"),
        ("HumanLoopActivationConfig", "conditions"),
        ("HumanLoopConfig.WorkteamArn", "team"),
        ("HumanLoopConfig.HumanTaskUiArn", "ui"),
        ("HumanLoopConfig.TaskTitle", "title"),
        ("HumanLoopConfig.TaskDescription", "description"),
        ("HumanLoopConfig.TaskCount", "task_count"),
        (
            "HumanLoopConfig.TaskAvailabilityLifetimeInSeconds",
            "lifetime",
        ),
        ("HumanLoopConfig.TaskTimeLimitInSeconds", "time_limit"),
        ("HumanLoopConfig.TaskKeywords", "keywords"),
        ("HumanLoopConfig.PublicWorkforceTaskPrice", "price"),
        ("OutputConfig.S3OutputPath", "output_path"),
        ("OutputConfig.KmsKeyId", "kms_key_id"),
        ("RoleArn", "role_arn"),
        ("Tags", "tags"),
    ],
    "name",
);

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn prices_are_split_into_a2i_parts() {
        assert_eq!(
            price_parts("0.036"),
            Some(serde_json::json!({"Dollars": 0, "Cents": 3, "TenthFractionsOfACent": 6}))
        );
        assert_eq!(
            price_parts("1.2"),
            Some(serde_json::json!({"Dollars": 1, "Cents": 20, "TenthFractionsOfACent": 0}))
        );
        assert_eq!(price_parts("0.0361"), None);
        assert_eq!(price_parts("x"), None);
    }

    #[test]
    fn members_map_to_their_fields_in_either_casing() {
        for (member, field) in [
            ("humanLoopConfig.taskCount", "task_count"),
            // The members the engine names in its own checks.
            ("HumanLoopConfig.HumanTaskUiArn", "ui"),
            ("HumanLoopConfig.WorkteamArn", "team"),
            ("OutputConfig.S3OutputPath", "output_path"),
            (
                "HumanLoopActivationConfig.HumanLoopActivationConditionsConfig.\
                 HumanLoopActivationConditions",
                "conditions",
            ),
            ("SomethingElse", "form"),
        ] {
            assert_eq!(FLOW_FIELDS.field_of(member), field, "{member}");
        }
    }
}
