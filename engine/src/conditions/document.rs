//! The `HumanLoopActivationConditions` document (spec 4.1, 4.4), parsed once into typed values so
//! that nothing downstream re-checks it.
//!
//! Every error names the JSON path of the offending field and the rule it breaks, so a customer
//! can fix a rejected flow definition without guessing.

use std::fmt;

use serde_json::{Map, Value};

use super::source::{ConditionType, RequestSource, list_of};

/// AWS's limit on the `HumanLoopActivationConditions` string.
pub const MAX_DOCUMENT_CHARS: usize = 10_240;
/// "Up to two levels of nesting are supported": a top-level `And`/`Or` may hold one more
/// `And`/`Or` level, whose members must be plain conditions.
pub const MAX_NESTING: usize = 2;

/// A checked conditions document for one request source.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionsDocument {
    source: RequestSource,
    conditions: Vec<Condition>,
}

impl ConditionsDocument {
    /// Parses the document text as stored in `HumanLoopActivationConditions`.
    pub fn parse(source: RequestSource, text: &str) -> Result<Self, ConditionsError> {
        let length = text.chars().count();
        if length > MAX_DOCUMENT_CHARS {
            return Err(ConditionsError::TooLong { length });
        }
        let value: Value = serde_json::from_str(text).map_err(|err| ConditionsError::NotJson {
            reason: err.to_string(),
        })?;
        Self::from_json(source, &value)
    }

    fn from_json(source: RequestSource, value: &Value) -> Result<Self, ConditionsError> {
        let root = Path::root();
        let object = expect_object(value, &root)?;
        let Some(conditions) = object.get("Conditions") else {
            if ["ConditionType", "And", "Or"]
                .iter()
                .any(|key| object.contains_key(*key))
            {
                return Err(ConditionsError::BareCondition);
            }
            return Err(ConditionsError::MissingField {
                path: root.field("Conditions").to_string(),
                required_by: "the document".into(),
            });
        };
        reject_unknown(object, &root, &["Conditions"])?;
        let path = root.field("Conditions");
        let Value::Array(items) = conditions else {
            return Err(wrong_type(&path, "an array", conditions));
        };
        if items.is_empty() {
            return Err(ConditionsError::NoConditions {
                path: path.to_string(),
            });
        }
        let conditions = items
            .iter()
            .enumerate()
            .map(|(i, item)| Condition::parse(source, item, &path.index(i), 0))
            .collect::<Result<_, _>>()?;
        Ok(Self { source, conditions })
    }

    pub fn source(&self) -> RequestSource {
        self.source
    }

    /// The members of the top-level `Conditions` array; the document activates when any is true.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}

/// One member of `Conditions`, `And` or `Or`.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Leaf(Leaf),
    /// Two or more members, all of which must hold.
    And(Vec<Condition>),
    /// Two or more members, at least one of which must hold.
    Or(Vec<Condition>),
}

impl Condition {
    fn parse(
        source: RequestSource,
        value: &Value,
        path: &Path,
        depth: usize,
    ) -> Result<Self, ConditionsError> {
        let object = expect_object(value, path)?;
        let kinds: Vec<&str> = ["ConditionType", "And", "Or"]
            .into_iter()
            .filter(|key| object.contains_key(*key))
            .collect();
        let kind = match kinds.as_slice() {
            [kind] => *kind,
            [] => {
                return Err(ConditionsError::NotOneKind {
                    path: path.to_string(),
                    found: "none".into(),
                });
            }
            several => {
                return Err(ConditionsError::NotOneKind {
                    path: path.to_string(),
                    found: several.join(" and "),
                });
            }
        };
        if kind == "ConditionType" {
            reject_unknown(object, path, &["ConditionType", "ConditionParameters"])?;
            return Leaf::parse(source, object, path).map(Self::Leaf);
        }
        reject_unknown(object, path, &[kind])?;
        let path = path.field(kind);
        if depth >= MAX_NESTING {
            return Err(ConditionsError::TooDeep {
                path: path.to_string(),
            });
        }
        let members = &object[kind];
        let Value::Array(items) = members else {
            return Err(wrong_type(&path, "an array", members));
        };
        if items.len() < 2 {
            return Err(ConditionsError::TooFewMembers {
                path: path.to_string(),
                found: items.len(),
            });
        }
        let members = items
            .iter()
            .enumerate()
            .map(|(i, item)| Self::parse(source, item, &path.index(i), depth + 1))
            .collect::<Result<_, _>>()?;
        Ok(if kind == "And" {
            Self::And(members)
        } else {
            Self::Or(members)
        })
    }
}

/// A condition with a `ConditionType`.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    check: Check,
    /// `ConditionParameters` as the customer wrote them, echoed back in evaluation results.
    parameters: Map<String, Value>,
}

impl Leaf {
    fn parse(
        source: RequestSource,
        object: &Map<String, Value>,
        path: &Path,
    ) -> Result<Self, ConditionsError> {
        let type_path = path.field("ConditionType");
        let raw_type = &object["ConditionType"];
        let Value::String(raw_type) = raw_type else {
            return Err(wrong_type(&type_path, "a string", raw_type));
        };
        let allowed = list_of(source.condition_types());
        let condition_type = ConditionType::parse(raw_type).ok_or_else(|| {
            ConditionsError::UnknownConditionType {
                path: type_path.to_string(),
                found: raw_type.clone(),
                request_source: source,
                allowed: allowed.clone(),
            }
        })?;
        if !source.allows(condition_type) {
            return Err(ConditionsError::ConditionTypeNotAllowed {
                path: type_path.to_string(),
                condition_type,
                request_source: source,
                allowed,
            });
        }
        let params_path = path.field("ConditionParameters");
        let parameters = match object.get("ConditionParameters") {
            None => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(other) => return Err(wrong_type(&params_path, "an object", other)),
        };
        let params = Parameters {
            map: &parameters,
            path: &params_path,
            condition_type,
        };
        let check = match condition_type {
            ConditionType::ModerationLabelConfidenceCheck => {
                params.allow_only(&[("ModerationLabelName", false), ("Confidence", true)])?;
                Check::ModerationLabelConfidence {
                    label: NamePattern::parse(params.required_name("ModerationLabelName")?),
                    confidence: params.thresholds("Confidence")?,
                }
            }
            ConditionType::ImportantFormKeyConfidenceCheck => {
                params.allow_only(&[
                    ("ImportantFormKey", false),
                    ("ImportantFormKeyAliases", false),
                    ("KeyValueBlockConfidence", true),
                    ("WordBlockConfidence", true),
                ])?;
                Check::ImportantFormKeyConfidence {
                    key: params.form_key()?,
                    key_value: params.thresholds("KeyValueBlockConfidence")?,
                    word: params.thresholds("WordBlockConfidence")?,
                }
            }
            ConditionType::MissingImportantFormKey => {
                params.allow_only(&[
                    ("ImportantFormKey", false),
                    ("ImportantFormKeyAliases", false),
                ])?;
                Check::MissingImportantFormKey {
                    key: params.form_key()?,
                }
            }
            ConditionType::Sampling => {
                params.allow_only(&[("RandomSamplingPercentage", false)])?;
                Check::Sampling {
                    percentage: params.percentage("RandomSamplingPercentage")?,
                }
            }
        };
        Ok(Self { check, parameters })
    }

    pub fn check(&self) -> &Check {
        &self.check
    }

    pub fn condition_type(&self) -> ConditionType {
        match self.check {
            Check::ModerationLabelConfidence { .. } => {
                ConditionType::ModerationLabelConfidenceCheck
            }
            Check::ImportantFormKeyConfidence { .. } => {
                ConditionType::ImportantFormKeyConfidenceCheck
            }
            Check::MissingImportantFormKey { .. } => ConditionType::MissingImportantFormKey,
            Check::Sampling { .. } => ConditionType::Sampling,
        }
    }

    /// `ConditionParameters` exactly as written.
    pub fn parameters(&self) -> &Map<String, Value> {
        &self.parameters
    }
}

/// What a leaf checks, with its parameters in typed form.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    ModerationLabelConfidence {
        label: NamePattern,
        confidence: Thresholds,
    },
    ImportantFormKeyConfidence {
        key: FormKey,
        /// Checked against the KEY block and, when there is one, its VALUE block.
        key_value: Thresholds,
        /// Checked against the WORD blocks under the key and its value.
        word: Thresholds,
    },
    MissingImportantFormKey {
        key: FormKey,
    },
    Sampling {
        percentage: SamplingPercentage,
    },
}

/// A label or key name: exact and case-sensitive, or `*` for every one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamePattern {
    Any,
    Exactly(String),
}

impl NamePattern {
    fn parse(raw: &str) -> Self {
        if raw == "*" {
            Self::Any
        } else {
            Self::Exactly(raw.to_owned())
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Exactly(wanted) => wanted == name,
        }
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Exactly(name) => f.write_str(name),
        }
    }
}

/// `ImportantFormKey` with its `ImportantFormKeyAliases`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FormKey {
    pub key: NamePattern,
    pub aliases: Vec<String>,
}

impl FormKey {
    /// Whether a key's text (its CHILD words joined by single spaces) names this key.
    pub fn matches(&self, text: &str) -> bool {
        self.key.matches(text) || self.aliases.iter().any(|alias| alias == text)
    }
}

/// The comparisons of one threshold group, all of which must hold. Empty means "any confidence".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Thresholds(Vec<Threshold>);

impl Thresholds {
    pub fn as_slice(&self) -> &[Threshold] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub comparison: Comparison,
    pub bound: Confidence,
}

/// The parameter-name suffixes `Equals`, `LessThan`, ...: the confidence is on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    Equals,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
}

impl Comparison {
    pub const ALL: [Self; 5] = [
        Self::Equals,
        Self::LessThan,
        Self::LessThanEquals,
        Self::GreaterThan,
        Self::GreaterThanEquals,
    ];

    pub fn suffix(self) -> &'static str {
        match self {
            Self::Equals => "Equals",
            Self::LessThan => "LessThan",
            Self::LessThanEquals => "LessThanEquals",
            Self::GreaterThan => "GreaterThan",
            Self::GreaterThanEquals => "GreaterThanEquals",
        }
    }

    /// The JsonLogic operator with the same meaning.
    pub fn operator(self) -> &'static str {
        match self {
            Self::Equals => "==",
            Self::LessThan => "<",
            Self::LessThanEquals => "<=",
            Self::GreaterThan => ">",
            Self::GreaterThanEquals => ">=",
        }
    }

    /// Plain IEEE comparison with no tolerance: `Equals 90` holds for 90.0 only.
    pub fn holds(self, confidence: f64, bound: f64) -> bool {
        match self {
            Self::Equals => confidence == bound,
            Self::LessThan => confidence < bound,
            Self::LessThanEquals => confidence <= bound,
            Self::GreaterThan => confidence > bound,
            Self::GreaterThanEquals => confidence >= bound,
        }
    }
}

/// A number parameter within inclusive bounds, read only through [`number_in`].
macro_rules! bounded_number {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
        pub struct $name(f64);

        impl $name {
            pub const MIN: f64 = $min;
            pub const MAX: f64 = $max;

            pub fn value(self) -> f64 {
                self.0
            }

            fn read(value: &Value, path: &Path) -> Result<Self, ConditionsError> {
                number_in(value, path, Self::MIN, Self::MAX).map(Self)
            }
        }
    };
}

bounded_number!(
    /// A confidence bound, 0 to 100 inclusive.
    Confidence,
    0.0,
    100.0
);

bounded_number!(
    /// `RandomSamplingPercentage`: "a real number between 0.01 and 100", inclusive.
    SamplingPercentage,
    0.01,
    100.0
);

/// `ConditionParameters` of one leaf while it is being checked.
struct Parameters<'a> {
    map: &'a Map<String, Value>,
    path: &'a Path,
    condition_type: ConditionType,
}

impl Parameters<'_> {
    /// `allowed` holds exact names, or prefixes that take a comparison suffix when `true`.
    fn allow_only(&self, allowed: &[(&str, bool)]) -> Result<(), ConditionsError> {
        let known = |name: &str| {
            allowed.iter().any(|&(base, takes_suffix)| {
                if takes_suffix {
                    name.strip_prefix(base)
                        .is_some_and(|suffix| Comparison::ALL.iter().any(|c| c.suffix() == suffix))
                } else {
                    name == base
                }
            })
        };
        match self.map.keys().find(|name| !known(name)) {
            None => Ok(()),
            Some(name) => {
                let names: Vec<String> = allowed
                    .iter()
                    .map(|&(base, takes_suffix)| {
                        if takes_suffix {
                            format!("{base}{{Equals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}}")
                        } else {
                            base.to_owned()
                        }
                    })
                    .collect();
                Err(ConditionsError::UnknownParameter {
                    path: self.path.field(name).to_string(),
                    condition_type: self.condition_type,
                    allowed: names.join(", "),
                })
            }
        }
    }

    fn required(&self, name: &str) -> Result<&Value, ConditionsError> {
        self.map
            .get(name)
            .ok_or_else(|| ConditionsError::MissingField {
                path: self.path.field(name).to_string(),
                required_by: self.condition_type.to_string(),
            })
    }

    fn required_name(&self, name: &str) -> Result<&str, ConditionsError> {
        non_empty_string(self.required(name)?, &self.path.field(name))
    }

    fn form_key(&self) -> Result<FormKey, ConditionsError> {
        let key = NamePattern::parse(self.required_name("ImportantFormKey")?);
        let aliases = match self.map.get("ImportantFormKeyAliases") {
            None => Vec::new(),
            Some(value) => {
                let path = self.path.field("ImportantFormKeyAliases");
                let Value::Array(items) = value else {
                    return Err(wrong_type(&path, "an array of strings", value));
                };
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| non_empty_string(item, &path.index(i)).map(str::to_owned))
                    .collect::<Result<_, _>>()?
            }
        };
        Ok(FormKey { key, aliases })
    }

    fn thresholds(&self, prefix: &str) -> Result<Thresholds, ConditionsError> {
        let mut thresholds = Vec::new();
        for comparison in Comparison::ALL {
            let name = format!("{prefix}{}", comparison.suffix());
            if let Some(value) = self.map.get(&name) {
                thresholds.push(Threshold {
                    comparison,
                    bound: Confidence::read(value, &self.path.field(&name))?,
                });
            }
        }
        Ok(Thresholds(thresholds))
    }

    fn percentage(&self, name: &str) -> Result<SamplingPercentage, ConditionsError> {
        SamplingPercentage::read(self.required(name)?, &self.path.field(name))
    }
}

fn expect_object<'a>(
    value: &'a Value,
    path: &Path,
) -> Result<&'a Map<String, Value>, ConditionsError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(wrong_type(path, "an object", other)),
    }
}

fn reject_unknown(
    object: &Map<String, Value>,
    path: &Path,
    allowed: &[&str],
) -> Result<(), ConditionsError> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        None => Ok(()),
        Some(key) => Err(ConditionsError::NotAllowedHere {
            path: path.field(key).to_string(),
            allowed: allowed.join(", "),
        }),
    }
}

fn non_empty_string<'a>(value: &'a Value, path: &Path) -> Result<&'a str, ConditionsError> {
    match value {
        Value::String(s) if s.is_empty() => Err(ConditionsError::Empty {
            path: path.to_string(),
        }),
        Value::String(s) => Ok(s),
        other => Err(wrong_type(path, "a string", other)),
    }
}

fn number_in(value: &Value, path: &Path, min: f64, max: f64) -> Result<f64, ConditionsError> {
    let Some(number) = value.as_f64() else {
        return Err(wrong_type(path, "a number", value));
    };
    if !(min..=max).contains(&number) {
        return Err(ConditionsError::OutOfRange {
            path: path.to_string(),
            value: number,
            min,
            max,
        });
    }
    Ok(number)
}

fn wrong_type(path: &Path, expected: &'static str, found: &Value) -> ConditionsError {
    ConditionsError::WrongType {
        path: path.to_string(),
        expected,
        found: json_kind(found),
    }
}

/// "an object", "a number", ... for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON path such as `Conditions[0].Or[1].ConditionParameters.ModerationLabelName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path(String);

impl Path {
    pub(crate) fn root() -> Self {
        Self(String::new())
    }

    pub(crate) fn field(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Self(name.to_owned())
        } else {
            Self(format!("{}.{name}", self.0))
        }
    }

    pub(crate) fn index(&self, i: usize) -> Self {
        Self(format!("{}[{i}]", self.0))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("HumanLoopActivationConditions")
        } else {
            f.write_str(&self.0)
        }
    }
}

/// Why a conditions document was rejected. Each message starts with the JSON path at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConditionsError {
    #[error(
        "HumanLoopActivationConditions: {length} characters, more than the {MAX_DOCUMENT_CHARS} allowed"
    )]
    TooLong { length: usize },
    #[error("HumanLoopActivationConditions: not valid JSON: {reason}")]
    NotJson { reason: String },
    #[error(
        "Conditions: missing; the document is a single condition, wrap it as {{\"Conditions\": [ ... ]}}"
    )]
    BareCondition,
    #[error("{path}: missing, required by {required_by}")]
    MissingField { path: String, required_by: String },
    #[error("{path}: expected {expected}, found {found}")]
    WrongType {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{path}: not allowed here (allowed: {allowed})")]
    NotAllowedHere { path: String, allowed: String },
    #[error("{path}: needs at least one condition")]
    NoConditions { path: String },
    #[error("{path}: needs exactly one of ConditionType, And or Or, found {found}")]
    NotOneKind { path: String, found: String },
    #[error("{path}: needs at least two conditions, found {found}")]
    TooFewMembers { path: String, found: usize },
    #[error("{path}: nested deeper than the {MAX_NESTING} levels of And/Or allowed")]
    TooDeep { path: String },
    #[error("{path}: {found:?} is not a condition type; {request_source} allows {allowed}")]
    UnknownConditionType {
        path: String,
        found: String,
        request_source: RequestSource,
        allowed: String,
    },
    #[error(
        "{path}: {condition_type} is not available for {request_source}, which allows {allowed}"
    )]
    ConditionTypeNotAllowed {
        path: String,
        condition_type: ConditionType,
        request_source: RequestSource,
        allowed: String,
    },
    #[error("{path}: not a parameter of {condition_type} (allowed: {allowed})")]
    UnknownParameter {
        path: String,
        condition_type: ConditionType,
        allowed: String,
    },
    #[error("{path}: {value} is outside the allowed range {min} to {max}")]
    OutOfRange {
        path: String,
        value: f64,
        min: f64,
        max: f64,
    },
    #[error("{path}: must not be empty")]
    Empty { path: String },
}

impl ConditionsError {
    /// The JSON path the error is about; `HumanLoopActivationConditions` for the whole document.
    pub fn path(&self) -> &str {
        match self {
            Self::TooLong { .. } | Self::NotJson { .. } => "HumanLoopActivationConditions",
            Self::BareCondition => "Conditions",
            Self::MissingField { path, .. }
            | Self::WrongType { path, .. }
            | Self::NotAllowedHere { path, .. }
            | Self::NoConditions { path }
            | Self::NotOneKind { path, .. }
            | Self::TooFewMembers { path, .. }
            | Self::TooDeep { path }
            | Self::UnknownConditionType { path, .. }
            | Self::ConditionTypeNotAllowed { path, .. }
            | Self::UnknownParameter { path, .. }
            | Self::OutOfRange { path, .. }
            | Self::Empty { path } => path,
        }
    }
}

#[cfg(test)]
mod tests;
