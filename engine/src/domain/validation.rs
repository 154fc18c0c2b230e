//! Why a Create request is refused, in the words AWS uses, and a reader for request bodies.
//!
//! Shared by every Create operation (flow definitions, human task UIs). AWS answers in three
//! ways, and [`RequestError`] has one variant for each:
//!
//! * the body does not have the request's shape (a string where a number belongs):
//!   `SerializationException`;
//! * members break the model's constraints: `ValidationException` with every broken constraint,
//!   `2 validation errors detected: Value '4' at 'humanLoopConfig.taskCount' failed to satisfy
//!   constraint: Member must have value less than or equal to 3; Value null at 'roleArn' failed to
//!   satisfy constraint: Member must not be null`;
//! * a referenced resource is not reachable: `ValidationException` "The specified Workteam '…'
//!   does not exist or you do not have access to it."
//!
//! JSON `null` counts as an absent member, as in AWS's JSON protocol; unknown members are
//! ignored.

use std::fmt;

use serde_json::{Map, Value};

use crate::domain::names::{MAX_NAME_CHARS, MIN_NAME_CHARS, NameError, NameRule};

/// Where a member sits in a request, spelt as AWS spells it in messages: member names in lower
/// camel case joined by dots, list elements as `<position from 1>.member`, e.g.
/// `tags.2.member.key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MemberPath(String);

impl MemberPath {
    pub fn root() -> Self {
        Self::default()
    }

    /// `HumanLoopConfig` below `humanLoopConfig`... AWS lower-cases the first letter only
    /// (`S3OutputPath` → `s3OutputPath`).
    pub fn member(&self, name: &str) -> Self {
        let mut chars = name.chars();
        let camel: String = match chars.next() {
            Some(first) => first.to_lowercase().chain(chars).collect(),
            None => String::new(),
        };
        if self.0.is_empty() {
            Self(camel)
        } else {
            Self(format!("{}.{camel}", self.0))
        }
    }

    /// The list element at `index` (from 0), written from 1 as AWS does.
    pub fn element(&self, index: usize) -> Self {
        Self(format!("{}.{}.member", self.0, index + 1))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MemberPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The offending value as a message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// An absent member: `Value null at …`.
    Null,
    /// `Value '…' at …`.
    Text(String),
    /// `Value at …`: structures, lists of structures, and values too long to repeat (AWS also
    /// leaves values out, for sensitive members).
    Hidden,
}

impl Shown {
    /// Longer values are left out of messages rather than echoed back (a 128,000-character
    /// template in an error helps nobody).
    pub const MAX_CHARS: usize = 1024;

    pub fn text(value: impl Into<String>) -> Self {
        let value = value.into();
        if value.chars().count() > Self::MAX_CHARS {
            Self::Hidden
        } else {
            Self::Text(value)
        }
    }

    /// A list of strings as AWS prints one: `[a, b]`.
    pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> Self {
        Self::text(format!(
            "[{}]",
            items.into_iter().collect::<Vec<_>>().join(", ")
        ))
    }
}

/// A regular expression of the service model, with the hand-written check that implements it.
#[derive(Clone, Copy)]
pub struct Pattern {
    /// The model's text, quoted in messages.
    pub regex: &'static str,
    /// True when the whole value matches.
    pub matches: fn(&str) -> bool,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.regex)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.regex == other.regex
    }
}

impl Eq for Pattern {}

/// The constraints of a string member: length in characters and an optional pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringRule {
    pub min: usize,
    pub max: usize,
    pub pattern: Option<Pattern>,
}

/// A broken constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    NotNull,
    MinLength(usize),
    MaxLength(usize),
    MinValue(i64),
    MaxValue(i64),
    Pattern(&'static str),
    EnumValueSet(Vec<&'static str>),
    /// A rule of Loupe's own (cross-member rules, public crowd prices): the full sentence,
    /// starting with "Member must".
    Other(String),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotNull => f.write_str("Member must not be null"),
            Self::MinLength(n) => write!(f, "Member must have length greater than or equal to {n}"),
            Self::MaxLength(n) => write!(f, "Member must have length less than or equal to {n}"),
            Self::MinValue(n) => write!(f, "Member must have value greater than or equal to {n}"),
            Self::MaxValue(n) => write!(f, "Member must have value less than or equal to {n}"),
            Self::Pattern(regex) => {
                write!(f, "Member must satisfy regular expression pattern: {regex}")
            }
            Self::EnumValueSet(values) => {
                write!(
                    f,
                    "Member must satisfy enum value set: [{}]",
                    values.join(", ")
                )
            }
            Self::Other(sentence) => f.write_str(sentence),
        }
    }
}

/// One broken constraint of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: MemberPath,
    pub value: Shown,
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Shown::Null => f.write_str("Value null")?,
            Shown::Text(text) => write!(f, "Value '{text}'")?,
            Shown::Hidden => f.write_str("Value")?,
        }
        write!(
            f,
            " at '{}' failed to satisfy constraint: {}",
            self.path, self.rule
        )
    }
}

/// Every broken constraint of a request, in the model's member order: the body of a
/// `ValidationException`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<Violation>);

impl ValidationErrors {
    pub fn violations(&self) -> &[Violation] {
        &self.0
    }

    pub fn into_violations(self) -> Vec<Violation> {
        self.0
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        let plural = if count == 1 { "" } else { "s" };
        write!(f, "{count} validation error{plural} detected: ")?;
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// The messages of a request that must fail validation, one per broken constraint; for tests.
#[cfg(test)]
pub(crate) fn violation_messages<T: fmt::Debug>(parsed: Result<T, RequestError>) -> Vec<String> {
    match parsed {
        Err(RequestError::Invalid(errors)) => errors
            .violations()
            .iter()
            .map(ToString::to_string)
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// Collects broken constraints while a request is read.
#[derive(Debug, Default)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn push(&mut self, path: MemberPath, value: Shown, rule: Rule) {
        self.0.push(Violation { path, value, rule });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records `Member must not be null` for an absent required member; passes the value on.
    pub fn required<T>(&mut self, path: &MemberPath, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.push(path.clone(), Shown::Null, Rule::NotNull);
        }
        value
    }

    /// Records each rule a parsed name breaks, length and pattern separately as AWS reports them.
    pub fn name<T>(&mut self, path: &MemberPath, parsed: Result<T, NameError>) -> Option<T> {
        let err = match parsed {
            Ok(name) => return Some(name),
            Err(err) => err,
        };
        for broken in &err.broken {
            let rule = match broken {
                NameRule::TooShort => Rule::MinLength(MIN_NAME_CHARS),
                NameRule::TooLong => Rule::MaxLength(MAX_NAME_CHARS),
                NameRule::Pattern => Rule::Pattern(err.pattern),
            };
            self.push(path.clone(), Shown::text(err.value.as_str()), rule);
        }
        None
    }

    /// Checks length (in characters) and pattern; records every rule broken. True when none is.
    pub fn check_string(&mut self, path: &MemberPath, value: &str, rule: &StringRule) -> bool {
        let before = self.0.len();
        let length = value.chars().count();
        if length < rule.min {
            self.push(path.clone(), Shown::text(value), Rule::MinLength(rule.min));
        }
        if length > rule.max {
            self.push(path.clone(), Shown::text(value), Rule::MaxLength(rule.max));
        }
        if let Some(pattern) = rule.pattern
            && !(pattern.matches)(value)
        {
            self.push(
                path.clone(),
                Shown::text(value),
                Rule::Pattern(pattern.regex),
            );
        }
        self.0.len() == before
    }

    /// Checks an integer against inclusive bounds. True when it is within them.
    pub fn check_integer(
        &mut self,
        path: &MemberPath,
        value: i64,
        min: Option<i64>,
        max: Option<i64>,
    ) -> bool {
        if let Some(min) = min.filter(|min| value < *min) {
            self.push(
                path.clone(),
                Shown::text(value.to_string()),
                Rule::MinValue(min),
            );
            return false;
        }
        if let Some(max) = max.filter(|max| value > *max) {
            self.push(
                path.clone(),
                Shown::text(value.to_string()),
                Rule::MaxValue(max),
            );
            return false;
        }
        true
    }

    /// Checks the number of elements of a list. True when it is within the bounds.
    pub fn check_list_length(
        &mut self,
        path: &MemberPath,
        shown: impl FnOnce() -> Shown,
        length: usize,
        min: usize,
        max: usize,
    ) -> bool {
        if length < min {
            self.push(path.clone(), shown(), Rule::MinLength(min));
            false
        } else if length > max {
            self.push(path.clone(), shown(), Rule::MaxLength(max));
            false
        } else {
            true
        }
    }

    /// `Ok` when nothing was recorded.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(self.0))
        }
    }
}

/// The body does not have the request's shape. AWS: `SerializationException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} must be {expected}, not {found}", describe_path(path))]
pub struct ShapeError {
    pub path: MemberPath,
    pub expected: &'static str,
    pub found: &'static str,
}

fn describe_path(path: &MemberPath) -> String {
    if path.as_str().is_empty() {
        "the request body".to_owned()
    } else {
        format!("'{path}'")
    }
}

/// The kind of resource a request refers to by ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    Workteam,
    HumanTaskUi,
    FlowDefinition,
}

impl ReferenceKind {
    /// The word AWS uses in "The specified Workteam '…' does not exist…".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Workteam => "Workteam",
            Self::HumanTaskUi => "HumanTaskUi",
            Self::FlowDefinition => "FlowDefinition",
        }
    }
}

/// A referenced resource that this server cannot reach. AWS: `ValidationException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The specified {} '{arn}' does not exist or you do not have access to it.{}",
    kind.as_str(),
    reason.as_ref().map(|why| format!(" ({why})")).unwrap_or_default()
)]
pub struct ReferenceError {
    pub kind: ReferenceKind,
    pub arn: String,
    /// Why, when Loupe knows more than "not found" (wrong region, wrong account...).
    pub reason: Option<String>,
}

impl ReferenceError {
    /// For the API layer, when a well-formed ARN names nothing in the store.
    pub fn not_found(kind: ReferenceKind, arn: &str) -> Self {
        Self {
            kind,
            arn: arn.to_owned(),
            reason: None,
        }
    }
}

/// Why a Create request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Malformed(#[from] ShapeError),
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    #[error("{0}")]
    UnknownReference(#[from] ReferenceError),
}

impl RequestError {
    /// The `__type` of the AWS error this maps to.
    pub fn aws_error_type(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "SerializationException",
            Self::Invalid(_) | Self::UnknownReference(_) => "ValidationException",
        }
    }
}

/// The members of one structure in a request body, with its path for messages.
#[derive(Debug, Clone)]
pub struct Members<'a> {
    fields: &'a Map<String, Value>,
    path: MemberPath,
}

impl<'a> Members<'a> {
    /// The top-level request object.
    pub fn of_request(body: &'a Value) -> Result<Self, ShapeError> {
        structure_at(body, &MemberPath::root())?.ok_or(ShapeError {
            path: MemberPath::root(),
            expected: "a JSON object",
            found: "null",
        })
    }

    pub fn path(&self) -> &MemberPath {
        &self.path
    }

    pub fn path_of(&self, member: &str) -> MemberPath {
        self.path.member(member)
    }

    fn get(&self, member: &str) -> &'a Value {
        self.fields.get(member).unwrap_or(&Value::Null)
    }

    pub fn string(&self, member: &str) -> Result<Option<&'a str>, ShapeError> {
        string_at(self.get(member), &self.path_of(member))
    }

    pub fn integer(&self, member: &str) -> Result<Option<i64>, ShapeError> {
        integer_at(self.get(member), &self.path_of(member))
    }

    pub fn structure(&self, member: &str) -> Result<Option<Members<'a>>, ShapeError> {
        structure_at(self.get(member), &self.path_of(member))
    }

    /// A required string member that must satisfy `rule`; `None` when absent or invalid (and
    /// recorded as such).
    pub fn required_string(
        &self,
        member: &str,
        rule: &StringRule,
        violations: &mut Violations,
    ) -> Result<Option<&'a str>, ShapeError> {
        let path = self.path_of(member);
        let value = violations.required(&path, self.string(member)?);
        Ok(value.filter(|value| violations.check_string(&path, value, rule)))
    }

    /// An optional string member; `None` when absent, or invalid (and recorded).
    pub fn optional_string(
        &self,
        member: &str,
        rule: &StringRule,
        violations: &mut Violations,
    ) -> Result<Option<&'a str>, ShapeError> {
        let path = self.path_of(member);
        let value = self.string(member)?;
        Ok(value.filter(|value| violations.check_string(&path, value, rule)))
    }

    /// An optional integer member within inclusive bounds; `None` when absent, or out of bounds
    /// (and recorded).
    pub fn optional_integer(
        &self,
        member: &str,
        min: Option<i64>,
        max: Option<i64>,
        violations: &mut Violations,
    ) -> Result<Option<i64>, ShapeError> {
        let path = self.path_of(member);
        let value = self.integer(member)?;
        Ok(value.filter(|value| violations.check_integer(&path, *value, min, max)))
    }

    pub fn list(&self, member: &str) -> Result<Option<&'a [Value]>, ShapeError> {
        let path = self.path_of(member);
        match self.get(member) {
            Value::Null => Ok(None),
            Value::Array(items) => Ok(Some(items)),
            other => Err(wrong_type(path, "a list", other)),
        }
    }
}

/// A string, or `None` for null.
pub fn string_at<'a>(value: &'a Value, path: &MemberPath) -> Result<Option<&'a str>, ShapeError> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        other => Err(wrong_type(path.clone(), "a string", other)),
    }
}

/// A 32-bit integer (the model's `integer`), or `None` for null.
pub fn integer_at(value: &Value, path: &MemberPath) -> Result<Option<i64>, ShapeError> {
    let expected = "a whole number within the 32-bit integer range";
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => match number.as_i64() {
            Some(n) if i32::try_from(n).is_ok() => Ok(Some(n)),
            Some(_) => Err(ShapeError {
                path: path.clone(),
                expected,
                found: "a number out of that range",
            }),
            None if number.is_u64() => Err(ShapeError {
                path: path.clone(),
                expected,
                found: "a number out of that range",
            }),
            None => Err(ShapeError {
                path: path.clone(),
                expected,
                found: "a floating-point number",
            }),
        },
        other => Err(wrong_type(path.clone(), expected, other)),
    }
}

/// A structure, or `None` for null.
pub fn structure_at<'a>(
    value: &'a Value,
    path: &MemberPath,
) -> Result<Option<Members<'a>>, ShapeError> {
    match value {
        Value::Null => Ok(None),
        Value::Object(fields) => Ok(Some(Members {
            fields,
            path: path.clone(),
        })),
        other => Err(wrong_type(path.clone(), "a JSON object", other)),
    }
}

fn wrong_type(path: MemberPath, expected: &'static str, found: &Value) -> ShapeError {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    ShapeError {
        path,
        expected,
        found,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_are_spelt_like_aws_messages() {
        let root = MemberPath::root();
        assert_eq!(
            root.member("HumanLoopConfig").member("TaskCount").as_str(),
            "humanLoopConfig.taskCount"
        );
        assert_eq!(
            root.member("OutputConfig").member("S3OutputPath").as_str(),
            "outputConfig.s3OutputPath"
        );
        assert_eq!(
            root.member("Tags").element(1).member("Key").as_str(),
            "tags.2.member.key"
        );
    }

    #[test]
    fn one_error_and_several_errors_read_like_aws() {
        let mut violations = Violations::default();
        let path = MemberPath::root()
            .member("HumanLoopConfig")
            .member("TaskCount");
        assert!(!violations.check_integer(&path, 4, Some(1), Some(3)));
        let one = violations.finish().unwrap_err();
        assert_eq!(
            one.to_string(),
            "1 validation error detected: Value '4' at 'humanLoopConfig.taskCount' failed to \
             satisfy constraint: Member must have value less than or equal to 3"
        );

        let mut violations = Violations::default();
        violations.required::<&str>(&MemberPath::root().member("RoleArn"), None);
        let rule = StringRule {
            min: 1,
            max: 3,
            pattern: Some(Pattern {
                regex: "[a-z]*",
                matches: |s| s.bytes().all(|b| b.is_ascii_lowercase()),
            }),
        };
        assert!(!violations.check_string(&MemberPath::root().member("X"), "ABCD", &rule));
        let many = violations.finish().unwrap_err();
        assert_eq!(many.violations().len(), 3);
        assert_eq!(
            many.to_string(),
            "3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: \
             Member must not be null; Value 'ABCD' at 'x' failed to satisfy constraint: Member \
             must have length less than or equal to 3; Value 'ABCD' at 'x' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: [a-z]*"
        );
    }

    #[test]
    fn long_values_and_structures_are_not_echoed() {
        assert_eq!(Shown::text("x".repeat(1025)), Shown::Hidden);
        assert_eq!(Shown::list(["a", "b"]), Shown::Text("[a, b]".into()));
        let violation = Violation {
            path: MemberPath::root().member("UiTemplate").member("Content"),
            value: Shown::Hidden,
            rule: Rule::MaxLength(128_000),
        };
        assert_eq!(
            violation.to_string(),
            "Value at 'uiTemplate.content' failed to satisfy constraint: Member must have length \
             less than or equal to 128000"
        );
        assert_eq!(
            Rule::EnumValueSet(vec!["A", "B"]).to_string(),
            "Member must satisfy enum value set: [A, B]"
        );
    }

    #[test]
    fn the_reader_treats_null_as_absent_and_refuses_wrong_types() {
        let body =
            json!({"A": null, "N": 5, "S": "s", "F": 1.5, "Big": 3_000_000_000_i64, "L": [1]});
        let members = Members::of_request(&body).unwrap();
        assert_eq!(members.string("A").unwrap(), None);
        assert_eq!(members.string("Missing").unwrap(), None);
        assert_eq!(members.integer("N").unwrap(), Some(5));
        assert_eq!(members.string("S").unwrap(), Some("s"));
        assert_eq!(members.list("L").unwrap().map(<[Value]>::len), Some(1));
        let err = members.integer("S").unwrap_err();
        assert_eq!(err.path.as_str(), "s");
        assert_eq!(err.found, "a string");
        assert_eq!(
            members.integer("F").unwrap_err().found,
            "a floating-point number"
        );
        assert_eq!(
            members.integer("Big").unwrap_err().found,
            "a number out of that range"
        );
        assert_eq!(
            members.structure("N").unwrap_err().to_string(),
            "'n' must be a JSON object, not a number"
        );
        let err = Members::of_request(&json!([1])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the request body must be a JSON object, not a list"
        );
    }

    #[test]
    fn request_errors_map_to_aws_error_types() {
        let shape = RequestError::Malformed(ShapeError {
            path: MemberPath::root(),
            expected: "a JSON object",
            found: "a list",
        });
        assert_eq!(shape.aws_error_type(), "SerializationException");
        let reference = RequestError::UnknownReference(ReferenceError::not_found(
            ReferenceKind::Workteam,
            "arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/x",
        ));
        assert_eq!(reference.aws_error_type(), "ValidationException");
        assert_eq!(
            reference.to_string(),
            "The specified Workteam 'arn:aws:sagemaker:us-west-2:111122223333:workteam/private-crowd/x' \
             does not exist or you do not have access to it."
        );
    }
}
