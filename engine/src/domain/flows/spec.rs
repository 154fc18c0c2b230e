//! A `CreateFlowDefinition` request (spec 3.2.1) read into a typed [`FlowDefinitionSpec`].
//!
//! Reading follows the validation order of spec 11: body shape first (a wrong type stops
//! everything, as AWS's deserialiser does), then every constraint of every member, all reported
//! together; only a request that passes them all has its work team and template ARNs resolved
//! against this server's account. Whether those resources exist is the store's question, asked
//! by the caller afterwards.
//!
//! The serde shape of the types is the API's (PascalCase members), so a Describe response can
//! embed a spec as it is.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::conditions::RequestSource;
use crate::domain::arns::{self, Account, HumanTaskUiArn, RoleArn, WorkteamArn};
use crate::domain::names::FlowDefinitionName;
use crate::domain::pricing::{
    self, MilliUsd, PublicCrowdPriceError, PublicWorkforceTaskPrice, UsdAmount,
};

use super::patterns;
use super::tags::{Tag, read_tags};
use super::task_settings::{TaskCount, TaskLimits};
use super::task_type::TaskType;
use crate::domain::validation::{
    Members, ReferenceError, ReferenceKind, RequestError, Rule, ShapeError, Shown, StringRule,
    Violations, string_at,
};

/// The model's limit on `HumanLoopActivationConditions`, in characters: the conditions
/// document's own limit, which has its home in [`crate::conditions`].
pub const MAX_ACTIVATION_CONDITIONS_CHARS: usize = crate::conditions::MAX_DOCUMENT_CHARS;
/// `TaskKeywords` holds 1-5 keywords.
pub const MAX_TASK_KEYWORDS: usize = 5;

const ACTIVATION_CONDITIONS: StringRule = StringRule {
    min: 0,
    max: MAX_ACTIVATION_CONDITIONS_CHARS,
    pattern: None,
};
const WORKTEAM_ARN: StringRule = StringRule {
    min: 0,
    max: 256,
    pattern: Some(patterns::WORKTEAM_ARN),
};
const HUMAN_TASK_UI_ARN: StringRule = StringRule {
    min: 0,
    max: 1024,
    pattern: Some(patterns::HUMAN_TASK_UI_ARN),
};
const TASK_TITLE: StringRule = StringRule {
    min: 1,
    max: 128,
    pattern: Some(patterns::TASK_TITLE),
};
const TASK_DESCRIPTION: StringRule = StringRule {
    min: 1,
    max: 255,
    pattern: Some(patterns::TASK_DESCRIPTION),
};
const TASK_KEYWORD: StringRule = StringRule {
    min: 1,
    max: 30,
    pattern: Some(patterns::TASK_KEYWORD),
};
const S3_OUTPUT_PATH: StringRule = StringRule {
    min: 0,
    max: 1024,
    pattern: Some(patterns::S3_OUTPUT_PATH),
};
const KMS_KEY_ID: StringRule = StringRule {
    min: 0,
    max: 2048,
    pattern: Some(patterns::KMS_KEY_ID),
};
const ROLE_ARN: StringRule = StringRule {
    min: RoleArn::MIN_CHARS,
    max: RoleArn::MAX_CHARS,
    pattern: Some(patterns::ROLE_ARN),
};

/// Everything a caller defines about a flow definition. Status, creation time, ARN and failure
/// reason belong to the stored resource, not to the request; tags are not part of Describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlowDefinitionSpec {
    pub flow_definition_name: FlowDefinitionName,
    /// Absent for a custom task type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_loop_request_source: Option<HumanLoopRequestSource>,
    /// Only with a request source. Absent: every request goes to humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_loop_activation_config: Option<HumanLoopActivationConfig>,
    pub human_loop_config: HumanLoopConfig,
    pub output_config: OutputConfig,
    pub role_arn: RoleArn,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanLoopRequestSource {
    pub aws_managed_human_loop_request_source: RequestSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanLoopActivationConfig {
    pub human_loop_activation_conditions_config: HumanLoopActivationConditionsConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanLoopActivationConditionsConfig {
    /// The conditions document as the caller sent it: JSON text of at most 10,240 characters.
    /// Its content is checked by [`crate::conditions`].
    pub human_loop_activation_conditions: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanLoopConfig {
    /// Resolved against this server's account and written in canonical form.
    pub workteam_arn: WorkteamArn,
    /// Resolved against this server's account and written in canonical form.
    pub human_task_ui_arn: HumanTaskUiArn,
    pub task_title: String,
    pub task_description: String,
    pub task_count: TaskCount,
    /// Given, or the [`TaskLimits`] default for the kind of team.
    pub task_availability_lifetime_in_seconds: u32,
    /// Given, or the [`TaskLimits`] default.
    pub task_time_limit_in_seconds: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_keywords: Option<Vec<String>>,
    /// Kept as given; checked against the price lists only for the public crowd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_workforce_task_price: Option<PublicWorkforceTaskPrice>,
}

impl HumanLoopConfig {
    pub fn is_public_crowd(&self) -> bool {
        self.workteam_arn.is_public_crowd()
    }

    /// What one worker earns for one task: the price, when the team is the public crowd. Private
    /// teams are not paid through Loupe, whatever price the flow definition carries.
    pub fn pay_per_task(&self) -> Option<MilliUsd> {
        self.public_workforce_task_price
            .filter(|_| self.is_public_crowd())
            .map(PublicWorkforceTaskPrice::to_milli_usd)
    }

    /// Worker pay for one completed loop on the public crowd: `TaskCount × price`.
    pub fn pay_per_loop(&self) -> Option<MilliUsd> {
        self.pay_per_task()
            .map(|price| pricing::loop_cost(price, self.task_count))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputConfig {
    /// `s3://bucket/prefix` or `https://…`.
    pub s3_output_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

impl FlowDefinitionSpec {
    /// Reads a `CreateFlowDefinition` request body for the server at `account`.
    pub fn parse(
        request: &Value,
        account: &Account,
        limits: &TaskLimits,
    ) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut violations = Violations::default();
        let v = &mut violations;

        let name_path = root.path_of("FlowDefinitionName");
        let name = v
            .required(&name_path, root.string("FlowDefinitionName")?)
            .and_then(|raw| v.name(&name_path, FlowDefinitionName::parse(raw)));

        let source_given = root.structure("HumanLoopRequestSource")?;
        let source = match &source_given {
            Some(members) => read_request_source(members, v)?,
            None => None,
        };
        let activation_given = root.structure("HumanLoopActivationConfig")?;
        let activation = match &activation_given {
            Some(members) => read_activation_config(members, v)?,
            None => None,
        };
        if activation_given.is_some() && source_given.is_none() {
            v.push(
                root.path_of("HumanLoopActivationConfig"),
                Shown::Hidden,
                Rule::Other(
                    "Member must not be set without humanLoopRequestSource: custom task types \
                     have no activation conditions"
                        .to_owned(),
                ),
            );
        }
        // Unknown while the request source is invalid: then no price list applies.
        let task_type = match (&source_given, source) {
            (None, _) => Some(TaskType::Custom),
            (Some(_), Some(source)) => Some(TaskType::of(Some(
                source.aws_managed_human_loop_request_source,
            ))),
            (Some(_), None) => None,
        };

        let config_path = root.path_of("HumanLoopConfig");
        let config = match v.required(&config_path, root.structure("HumanLoopConfig")?) {
            Some(members) => read_human_loop_config(&members, task_type, limits, v)?,
            None => None,
        };

        let output_path = root.path_of("OutputConfig");
        let output = match v.required(&output_path, root.structure("OutputConfig")?) {
            Some(members) => read_output_config(&members, v)?,
            None => None,
        };

        let role = root
            .required_string("RoleArn", &ROLE_ARN, v)?
            .and_then(|raw| RoleArn::parse(raw).ok());
        let tags = read_tags(&root, v)?;

        violations.finish()?;
        let (Some(name), Some(config), Some(output_config), Some(role_arn)) =
            (name, config, output, role)
        else {
            unreachable!("every absent or invalid required member was recorded as a violation");
        };
        Ok(Self {
            flow_definition_name: name,
            human_loop_request_source: source,
            human_loop_activation_config: activation,
            human_loop_config: config.resolve(account)?,
            output_config,
            role_arn,
            tags,
        })
    }

    /// Custom, or the built-in integration named by the request source.
    pub fn task_type(&self) -> TaskType {
        TaskType::of(
            self.human_loop_request_source
                .map(|source| source.aws_managed_human_loop_request_source),
        )
    }

    /// The activation conditions document, for [`crate::conditions`] to compile.
    pub fn activation_conditions(&self) -> Option<&str> {
        self.human_loop_activation_config.as_ref().map(|config| {
            config
                .human_loop_activation_conditions_config
                .human_loop_activation_conditions
                .as_str()
        })
    }
}

fn read_request_source(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<HumanLoopRequestSource>, ShapeError> {
    let path = members.path_of("AwsManagedHumanLoopRequestSource");
    let Some(raw) = v.required(&path, members.string("AwsManagedHumanLoopRequestSource")?) else {
        return Ok(None);
    };
    match RequestSource::parse(raw) {
        Ok(source) => Ok(Some(HumanLoopRequestSource {
            aws_managed_human_loop_request_source: source,
        })),
        Err(_) => {
            let values = RequestSource::ALL.map(RequestSource::as_str).to_vec();
            v.push(path, Shown::text(raw), Rule::EnumValueSet(values));
            Ok(None)
        }
    }
}

fn read_activation_config(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<HumanLoopActivationConfig>, ShapeError> {
    let path = members.path_of("HumanLoopActivationConditionsConfig");
    let Some(conditions_config) = v.required(
        &path,
        members.structure("HumanLoopActivationConditionsConfig")?,
    ) else {
        return Ok(None);
    };
    let conditions = conditions_config.required_string(
        "HumanLoopActivationConditions",
        &ACTIVATION_CONDITIONS,
        v,
    )?;
    Ok(conditions.map(|text| HumanLoopActivationConfig {
        human_loop_activation_conditions_config: HumanLoopActivationConditionsConfig {
            human_loop_activation_conditions: text.to_owned(),
        },
    }))
}

/// `HumanLoopConfig` as read, before its ARNs are resolved.
struct HumanLoopConfigDraft<'a> {
    workteam_arn: &'a str,
    human_task_ui_arn: &'a str,
    task_title: &'a str,
    task_description: &'a str,
    task_count: TaskCount,
    lifetime: u32,
    time_limit: u32,
    keywords: Option<Vec<String>>,
    price: Option<PublicWorkforceTaskPrice>,
}

fn read_human_loop_config<'a>(
    members: &Members<'a>,
    task_type: Option<TaskType>,
    limits: &TaskLimits,
    v: &mut Violations,
) -> Result<Option<HumanLoopConfigDraft<'a>>, ShapeError> {
    let workteam_arn = members.required_string("WorkteamArn", &WORKTEAM_ARN, v)?;
    // The kind of team sets the lifetime's default and ceiling and whether the price is checked;
    // unknown while the ARN is invalid.
    let public_crowd = workteam_arn.map(arns::names_public_crowd);
    let human_task_ui_arn = members.required_string("HumanTaskUiArn", &HUMAN_TASK_UI_ARN, v)?;
    let task_title = members.required_string("TaskTitle", &TASK_TITLE, v)?;
    let task_description = members.required_string("TaskDescription", &TASK_DESCRIPTION, v)?;

    let count_path = members.path_of("TaskCount");
    let task_count = v
        .required(&count_path, members.integer("TaskCount")?)
        .filter(|count| {
            v.check_integer(
                &count_path,
                *count,
                Some(TaskCount::MIN),
                Some(TaskCount::MAX),
            )
        })
        .and_then(|count| TaskCount::new(count).ok());

    let lifetime = members.optional_integer(
        "TaskAvailabilityLifetimeInSeconds",
        Some(i64::from(TaskLimits::MIN_LIFETIME)),
        public_crowd.map(|public| i64::from(limits.max_lifetime(public))),
        v,
    )?;
    let time_limit = members.optional_integer(
        "TaskTimeLimitInSeconds",
        Some(i64::from(TaskLimits::MIN_TIME_LIMIT)),
        Some(i64::from(limits.max_time_limit)),
        v,
    )?;
    let keywords = read_keywords(members, v)?;

    let price_given = members.structure("PublicWorkforceTaskPrice")?;
    let price = match &price_given {
        Some(price_members) => read_price(price_members, v)?,
        None => None,
    };
    // A price given with parts out of range is already refused; do not also call it missing.
    let price_readable = price_given.is_none() || price.is_some();
    if let (Some(true), Some(task_type), true) = (public_crowd, task_type, price_readable) {
        let price_path = members.path_of("PublicWorkforceTaskPrice");
        match pricing::check_public_crowd_price(task_type, price) {
            Ok(_) => {}
            Err(PublicCrowdPriceError::Missing { .. }) => v.push(
                price_path,
                Shown::Null,
                Rule::Other(
                    "Member must not be null when the work team is the public crowd".to_owned(),
                ),
            ),
            Err(PublicCrowdPriceError::NotAllowed { price, task_type }) => v.push(
                price_path.member("AmountInUsd"),
                Shown::text(price.to_string()),
                Rule::Other(format!(
                    "Member must be one of the public crowd prices for {task_type}: [{}]",
                    pricing::allowed_prices(task_type)
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
        }
    }

    let (
        Some(workteam_arn),
        Some(human_task_ui_arn),
        Some(task_title),
        Some(task_description),
        Some(task_count),
    ) = (
        workteam_arn,
        human_task_ui_arn,
        task_title,
        task_description,
        task_count,
    )
    else {
        return Ok(None);
    };
    let public = arns::names_public_crowd(workteam_arn);
    let seconds = |value: Option<i64>, default: u32| {
        value
            .and_then(|value| u32::try_from(value).ok())
            .unwrap_or(default)
    };
    Ok(Some(HumanLoopConfigDraft {
        workteam_arn,
        human_task_ui_arn,
        task_title,
        task_description,
        task_count,
        lifetime: seconds(lifetime, limits.default_lifetime(public)),
        time_limit: seconds(time_limit, limits.default_time_limit),
        keywords,
        price,
    }))
}

impl HumanLoopConfigDraft<'_> {
    fn resolve(self, account: &Account) -> Result<HumanLoopConfig, ReferenceError> {
        let unknown = |kind, arn: &str, reason: arns::ArnError| ReferenceError {
            kind,
            arn: arn.to_owned(),
            reason: Some(reason.to_string()),
        };
        let team = account
            .resolve_workteam(self.workteam_arn)
            .map_err(|err| unknown(ReferenceKind::Workteam, self.workteam_arn, err))?;
        let template = account
            .resolve_human_task_ui(self.human_task_ui_arn)
            .map_err(|err| unknown(ReferenceKind::HumanTaskUi, self.human_task_ui_arn, err))?;
        Ok(HumanLoopConfig {
            workteam_arn: account.arn_of(&team),
            human_task_ui_arn: account.human_task_ui_arn(&template),
            task_title: self.task_title.to_owned(),
            task_description: self.task_description.to_owned(),
            task_count: self.task_count,
            task_availability_lifetime_in_seconds: self.lifetime,
            task_time_limit_in_seconds: self.time_limit,
            task_keywords: self.keywords,
            public_workforce_task_price: self.price,
        })
    }
}

fn read_keywords(members: &Members, v: &mut Violations) -> Result<Option<Vec<String>>, ShapeError> {
    let path = members.path_of("TaskKeywords");
    let Some(items) = members.list("TaskKeywords")? else {
        return Ok(None);
    };
    let mut words = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let element = path.element(index);
        let word = string_at(item, &element)?;
        words.push((element, word));
    }
    let shown = || Shown::list(words.iter().map(|(_, word)| word.unwrap_or("null")));
    let mut valid = v.check_list_length(&path, shown, words.len(), 1, MAX_TASK_KEYWORDS);
    let mut keywords = Vec::with_capacity(words.len());
    for (element, word) in &words {
        match v.required(element, *word) {
            Some(word) if v.check_string(element, word, &TASK_KEYWORD) => {
                keywords.push(word.to_owned());
            }
            _ => valid = false,
        }
    }
    Ok(valid.then_some(keywords))
}

fn read_price(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<PublicWorkforceTaskPrice>, ShapeError> {
    let Some(amount) = members.structure("AmountInUsd")? else {
        return Ok(Some(PublicWorkforceTaskPrice::default()));
    };
    let dollars = amount.integer("Dollars")?;
    let cents = amount.integer("Cents")?;
    let tenths = amount.integer("TenthFractionsOfACent")?;
    match UsdAmount::from_parts(dollars, cents, tenths) {
        Ok(amount_in_usd) => Ok(Some(PublicWorkforceTaskPrice { amount_in_usd })),
        Err(out_of_range) => {
            for part in out_of_range {
                let rule = if part.value < 0 {
                    Rule::MinValue(0)
                } else {
                    Rule::MaxValue(i64::from(part.part.max()))
                };
                v.push(
                    amount.path_of(part.part.member()),
                    Shown::text(part.value.to_string()),
                    rule,
                );
            }
            Ok(None)
        }
    }
}

fn read_output_config(
    members: &Members,
    v: &mut Violations,
) -> Result<Option<OutputConfig>, ShapeError> {
    let path = members.required_string("S3OutputPath", &S3_OUTPUT_PATH, v)?;
    let kms_key_id = members.optional_string("KmsKeyId", &KMS_KEY_ID, v)?;
    Ok(path.map(|path| OutputConfig {
        s3_output_path: path.to_owned(),
        kms_key_id: kms_key_id.map(str::to_owned),
    }))
}

#[cfg(test)]
mod tests;
