//! Human task UIs (worker task templates, spec 3.3): what a `CreateHumanTaskUi` request
//! defines, the digest Describe reports, and the status.
//!
//! Describe does not return the template text, only `UiTemplate.Url` and
//! `UiTemplate.ContentSha256`; the digest is the lower-case hex SHA-256 of the content's UTF-8
//! bytes (spec 3.3.2 [IMPL]). Where the template is served from is the server's business.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::arns::{Account, RoleArn};
use crate::domain::flows::patterns;
use crate::domain::flows::tags::{Tag, read_tags};
use crate::domain::macros::{string_enum, text_newtype};
use crate::domain::names::HumanTaskUiName;
use crate::domain::validation::{
    Members, Pattern, RequestError, Rule, Shown, StringRule, Violations,
};

/// `UiTemplate.Content`: 1-128,000 characters of Liquid/HTML.
pub const MAX_TEMPLATE_CHARS: usize = 128_000;

const CONTENT: StringRule = StringRule {
    min: 1,
    max: MAX_TEMPLATE_CHARS,
    pattern: Some(Pattern {
        regex: r"[\S\s]+",
        matches: is_not_empty,
    }),
};

fn is_not_empty(raw: &str) -> bool {
    !raw.is_empty()
}

/// Everything a caller defines about a human task UI. In the API's serde shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanTaskUiSpec {
    pub human_task_ui_name: HumanTaskUiName,
    pub ui_template: UiTemplate,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// The template as created: its Liquid text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UiTemplate {
    pub content: String,
}

impl UiTemplate {
    pub fn content_sha256(&self) -> ContentSha256 {
        ContentSha256::of(&self.content)
    }
}

/// A human task UI as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanTaskUi {
    pub id: i64,
    pub spec: HumanTaskUiSpec,
    pub status: HumanTaskUiStatus,
    pub created_at: crate::domain::clock::Timestamp,
}

impl HumanTaskUi {
    pub fn name(&self) -> &HumanTaskUiName {
        &self.spec.human_task_ui_name
    }
}

impl HumanTaskUiSpec {
    /// Reads a `CreateHumanTaskUi` request body.
    pub fn parse(request: &Value) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut violations = Violations::default();
        let v = &mut violations;

        let name_path = root.path_of("HumanTaskUiName");
        let name = v
            .required(&name_path, root.string("HumanTaskUiName")?)
            .and_then(|raw| v.name(&name_path, HumanTaskUiName::parse(raw)));
        let template_path = root.path_of("UiTemplate");
        let content = match v.required(&template_path, root.structure("UiTemplate")?) {
            Some(template) => template.required_string("Content", &CONTENT, v)?,
            None => None,
        };
        let tags = read_tags(&root, v)?;

        violations.finish()?;
        let (Some(name), Some(content)) = (name, content) else {
            unreachable!("every absent or invalid required member was recorded as a violation");
        };
        Ok(Self {
            human_task_ui_name: name,
            ui_template: UiTemplate {
                content: content.to_owned(),
            },
            tags,
        })
    }
}

/// Where RenderUiTemplate takes its template from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// `UiTemplate.Content`.
    Inline(String),
    /// `HumanTaskUiArn`, resolved in this account; `None` when it names another account's.
    Stored(Option<HumanTaskUiName>, String),
}

/// `RenderUiTemplate`, parsed (spec 3.3.5).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderRequest {
    pub source: TemplateSource,
    /// `Task.Input`, the JSON document that becomes `task.input`.
    pub task_input: Value,
}

const TASK_INPUT: StringRule = StringRule {
    min: 2,
    max: MAX_TEMPLATE_CHARS,
    pattern: Some(Pattern {
        regex: r"[\S\s]+",
        matches: is_not_empty,
    }),
};
const RENDER_ROLE_ARN: StringRule = StringRule {
    min: RoleArn::MIN_CHARS,
    max: RoleArn::MAX_CHARS,
    pattern: Some(patterns::ROLE_ARN),
};
const RENDER_UI_ARN: StringRule = StringRule {
    min: 0,
    max: 1024,
    pattern: Some(patterns::HUMAN_TASK_UI_ARN),
};

impl RenderRequest {
    /// Reads a `RenderUiTemplate` request body. Exactly one of `UiTemplate` and
    /// `HumanTaskUiArn` names the template [IMPL: AWS leaves both-or-neither unsaid].
    pub fn parse(request: &Value, account: &Account) -> Result<Self, RequestError> {
        let root = Members::of_request(request)?;
        let mut violations = Violations::default();
        let v = &mut violations;

        let template = root.structure("UiTemplate")?;
        let content = match &template {
            Some(template) => template.required_string("Content", &CONTENT, v)?,
            None => None,
        };
        let arn = root.optional_string("HumanTaskUiArn", &RENDER_UI_ARN, v)?;
        let task_path = root.path_of("Task");
        let input = match v.required(&task_path, root.structure("Task")?) {
            Some(task) => task.required_string("Input", &TASK_INPUT, v)?,
            None => None,
        };
        root.required_string("RoleArn", &RENDER_ROLE_ARN, v)?;
        match (&template, root.string("HumanTaskUiArn")?) {
            (Some(_), Some(raw)) => v.push(
                root.path_of("HumanTaskUiArn"),
                Shown::text(raw),
                Rule::Other("Member must be absent when UiTemplate is given".to_owned()),
            ),
            (None, None) => v.push(
                root.path_of("UiTemplate"),
                Shown::Null,
                Rule::Other("Member must be given when HumanTaskUiArn is not".to_owned()),
            ),
            _ => {}
        }
        let task_input = input.and_then(|raw| match serde_json::from_str::<Value>(raw) {
            Ok(value) => Some(value),
            Err(error) => {
                v.push(
                    task_path.member("Input"),
                    Shown::text(raw),
                    Rule::Other(format!("Member must be a JSON document ({error})")),
                );
                None
            }
        });

        violations.finish()?;
        let source = match (content, arn) {
            (Some(content), _) => TemplateSource::Inline(content.to_owned()),
            (None, Some(arn)) => {
                TemplateSource::Stored(account.resolve_human_task_ui(arn).ok(), arn.to_owned())
            }
            (None, None) => unreachable!("a missing template was recorded as a violation"),
        };
        let Some(task_input) = task_input else {
            unreachable!("a missing or malformed Task.Input was recorded as a violation");
        };
        Ok(Self { source, task_input })
    }
}

/// `UiTemplate.ContentSha256`: the lower-case hex SHA-256 of the template's UTF-8 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentSha256(String);

impl ContentSha256 {
    pub fn of(content: &str) -> Self {
        Self(crate::domain::digest::sha256_hex(content.as_bytes(), 32))
    }
}

text_newtype!(ContentSha256);

string_enum!(
    /// `HumanTaskUiStatus`.
    HumanTaskUiStatus {
        Active,
        /// Deleted: gone from lists, and flow definitions using it can no longer start loops;
        /// loops already started keep their copy of the template.
        Deleting,
    }
);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::domain::macros::assert_spellings;

    const TEMPLATE: &str = r#"<script src="https://assets.crowd.aws/crowd-html-elements.js"></script>
<crowd-form>
  <crowd-classifier name="sentiment" categories='["Positive", "Negative"]' header="Sentiment?">
    <classification-target>{{ task.input.taskObject }}</classification-target>
  </crowd-classifier>
</crowd-form>"#;

    fn request(name: &str, content: Value) -> Value {
        json!({"HumanTaskUiName": name, "UiTemplate": {"Content": content}})
    }

    fn violations(request: &Value) -> Vec<String> {
        crate::domain::validation::violation_messages(HumanTaskUiSpec::parse(request))
    }

    #[test]
    fn reads_a_template() {
        let spec = HumanTaskUiSpec::parse(&request("sentiment", json!(TEMPLATE))).unwrap();
        assert_eq!(spec.human_task_ui_name.as_str(), "sentiment");
        assert_eq!(spec.ui_template.content, TEMPLATE);
        assert!(spec.tags.is_empty());
        let with_tags = json!({
            "HumanTaskUiName": "sentiment",
            "UiTemplate": {"Content": TEMPLATE},
            "Tags": [{"Key": "team", "Value": "nlp"}]
        });
        assert_eq!(HumanTaskUiSpec::parse(&with_tags).unwrap().tags.len(), 1);
    }

    #[test]
    fn the_name_follows_spec_2_1() {
        assert_eq!(
            violations(&request("Sentiment", json!(TEMPLATE))),
            [
                "Value 'Sentiment' at 'humanTaskUiName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9](-*[a-z0-9])*"
            ]
        );
        assert_eq!(
            violations(&request(&"t".repeat(64), json!(TEMPLATE))),
            [format!(
                "Value '{}' at 'humanTaskUiName' failed to satisfy constraint: Member must have length less than or equal to 63",
                "t".repeat(64)
            )]
        );
    }

    #[test]
    fn the_content_is_1_to_128000_characters() {
        let longest = "x".repeat(MAX_TEMPLATE_CHARS);
        assert!(HumanTaskUiSpec::parse(&request("t", json!(longest))).is_ok());
        // Counted in characters, not bytes.
        let wide = "é".repeat(MAX_TEMPLATE_CHARS);
        assert!(HumanTaskUiSpec::parse(&request("t", json!(wide))).is_ok());
        assert_eq!(
            violations(&request("t", json!("x".repeat(MAX_TEMPLATE_CHARS + 1)))),
            [
                "Value at 'uiTemplate.content' failed to satisfy constraint: Member must have length less than or equal to 128000"
            ]
        );
        assert_eq!(
            violations(&request("t", json!(""))),
            [
                "Value '' at 'uiTemplate.content' failed to satisfy constraint: Member must have length greater than or equal to 1",
                r"Value '' at 'uiTemplate.content' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S\s]+",
            ]
        );
    }

    #[test]
    fn missing_members_and_wrong_types_are_reported() {
        assert_eq!(
            violations(&json!({})),
            [
                "Value null at 'humanTaskUiName' failed to satisfy constraint: Member must not be null",
                "Value null at 'uiTemplate' failed to satisfy constraint: Member must not be null",
            ]
        );
        assert_eq!(
            violations(&json!({"HumanTaskUiName": "t", "UiTemplate": {}})),
            [
                "Value null at 'uiTemplate.content' failed to satisfy constraint: Member must not be null"
            ]
        );
        let err = HumanTaskUiSpec::parse(&json!({"HumanTaskUiName": "t", "UiTemplate": "<p/>"}))
            .unwrap_err();
        assert_eq!(err.aws_error_type(), "SerializationException");
    }

    #[test]
    fn the_digest_is_lower_case_hex_sha256_of_the_utf8_content() {
        assert_eq!(
            ContentSha256::of("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            ContentSha256::of("").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let template = UiTemplate {
            content: "é".into(),
        };
        // SHA-256 of the two bytes C3 A9.
        assert_eq!(
            template.content_sha256().to_string(),
            "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"
        );
    }

    #[test]
    fn statuses_round_trip_through_their_api_names() {
        assert_spellings(
            HumanTaskUiStatus::ALL,
            HumanTaskUiStatus::parse,
            &["Deleted"],
        );
    }

    #[test]
    fn the_spec_serialises_in_the_api_shape() {
        let request = request("sentiment", json!(TEMPLATE));
        let spec = HumanTaskUiSpec::parse(&request).unwrap();
        assert_eq!(serde_json::to_value(&spec).unwrap(), request);
        let back: HumanTaskUiSpec = serde_json::from_value(request).unwrap();
        assert_eq!(back, spec);
    }
}
