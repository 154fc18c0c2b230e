//! The conditions lab: a dry run laid out for people. It turns a [`DryRun`] into a tree of
//! true/false nodes, each with a sentence saying why; lists what reviewers would be sent; and
//! warns about conditions that can never hold. Bundled sample outputs let an admin try a
//! document before any ML service has answered.

use serde_json::Value;

use super::compile::CompileOptions;
use super::document::{
    Check, Comparison, Condition, ConditionsDocument, NamePattern, Threshold, Thresholds,
};
use super::dry_run::{DryRun, DryRunError, LeafExplanation, TestExplanation, dry_run};
use super::source::{ConditionType, RequestSource};

/// Rekognition's `DetectModerationLabels` leaves out labels below `MinConfidence`, 50 unless the
/// caller sets it.
pub const REKOGNITION_DEFAULT_MIN_CONFIDENCE: f64 = 50.0;

/// A model output to try conditions against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The response as the AWS SDK returns it (PascalCase), which the lab also accepts.
    pub ml_output: &'static str,
}

const REKOGNITION_SAMPLES: &[Sample] = &[
    Sample {
        id: "rekognition-uncertain",
        title: "Uncertain: violence at 71%",
        description: "Three labels between 55 and 72: the grey zone most teams send to people.",
        ml_output: include_str!("samples/rekognition_uncertain.json"),
    },
    Sample {
        id: "rekognition-confident",
        title: "Confident: swimwear at 99%",
        description: "Two labels the model is sure about.",
        ml_output: include_str!("samples/rekognition_confident.json"),
    },
    Sample {
        id: "rekognition-no-labels",
        title: "Nothing found",
        description: "An image with no moderation labels at all.",
        ml_output: include_str!("samples/rekognition_no_labels.json"),
    },
];

const TEXTRACT_SAMPLES: &[Sample] = &[
    Sample {
        id: "textract-smudged",
        title: "Smudged payslip",
        description: "The employee name read at 58–62% and no pay date found.",
        ml_output: include_str!("samples/textract_smudged_payslip.json"),
    },
    Sample {
        id: "textract-clear",
        title: "Clear payslip",
        description: "Employee name, pay date and gross pay, all read above 94%.",
        ml_output: include_str!("samples/textract_clear_payslip.json"),
    },
];

/// The bundled outputs for a request source, the most instructive first.
pub fn samples(source: RequestSource) -> &'static [Sample] {
    match source {
        RequestSource::RekognitionModeration => REKOGNITION_SAMPLES,
        RequestSource::TextractForms => TEXTRACT_SAMPLES,
    }
}

/// A document to start from: reviews the grey zone for Rekognition; an unsure or missing key
/// for Textract. Each holds for the first of [`samples`] and not for the second.
pub fn starting_conditions(source: RequestSource) -> &'static str {
    match source {
        RequestSource::RekognitionModeration => {
            r#"{
  "Conditions": [
    {
      "ConditionType": "ModerationLabelConfidenceCheck",
      "ConditionParameters": {
        "ModerationLabelName": "*",
        "ConfidenceGreaterThanEquals": 60,
        "ConfidenceLessThan": 90
      }
    }
  ]
}"#
        }
        RequestSource::TextractForms => {
            r#"{
  "Conditions": [
    {
      "Or": [
        {
          "ConditionType": "ImportantFormKeyConfidenceCheck",
          "ConditionParameters": {
            "ImportantFormKey": "Employee name",
            "ImportantFormKeyAliases": ["Employee name:", "Name:", "Name"],
            "KeyValueBlockConfidenceLessThan": 80,
            "WordBlockConfidenceLessThan": 80
          }
        },
        {
          "ConditionType": "MissingImportantFormKey",
          "ConditionParameters": {
            "ImportantFormKey": "Pay date",
            "ImportantFormKeyAliases": ["Pay date:", "Pay Date"]
          }
        }
      ]
    }
  ]
}"#
        }
    }
}

/// A condition that is accepted but can never hold (or only if callers change a default).
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

/// One node of the evaluated document.
#[derive(Debug, Clone, PartialEq)]
pub struct LabNode {
    pub path: String,
    /// `And`, `Or`, or the `ConditionType`.
    pub kind: String,
    /// `ConditionParameters` as written, compact JSON; leaves only.
    pub parameters: Option<String>,
    pub result: bool,
    /// Why the node is true or false, in one sentence.
    pub why: String,
    /// The compiled JsonLogic test; leaves only.
    pub json_logic: Option<Value>,
    /// Each run of the leaf's test.
    pub tests: Vec<TestExplanation>,
    pub children: Vec<LabNode>,
}

/// Everything the lab shows for one document and one output.
#[derive(Debug, Clone, PartialEq)]
pub struct LabReport {
    pub activated: bool,
    pub tree: Vec<LabNode>,
    /// What reviewers would see highlighted: label names with confidences, or form keys.
    pub sent_to_reviewers: Vec<String>,
    /// `selectedAiServiceResponse`, as the task input would carry it.
    pub selected: Option<Value>,
    /// `humanTaskActivationConditionResults`.
    pub condition_results: Option<Value>,
    pub warnings: Vec<Warning>,
}

/// Evaluates `conditions` against `ml_output` (SDK or A2I casing, the response alone or with its
/// request) and explains the result.
pub fn try_conditions(
    source: RequestSource,
    conditions: &str,
    ml_output: &str,
) -> Result<LabReport, DryRunError> {
    let document = ConditionsDocument::parse(source, conditions)?;
    let warnings = warnings(&document);
    let run = dry_run(source, conditions, ml_output, CompileOptions::default())?;
    let tree = match &run.report.human_task_activation_condition_results {
        Some(Value::Object(root)) => match root.get("Conditions") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, node)| lab_node(node, format!("Conditions[{i}]"), &run.leaves))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    Ok(LabReport {
        activated: run.report.activated,
        sent_to_reviewers: sent_to_reviewers(source, &run),
        selected: run.report.selected_ai_service_response.clone(),
        condition_results: run.report.human_task_activation_condition_results.clone(),
        tree,
        warnings,
    })
}

fn lab_node(node: &Value, path: String, leaves: &[LeafExplanation]) -> LabNode {
    let result = node["EvaluationResult"].as_bool().unwrap_or(false);
    for kind in ["And", "Or"] {
        if let Some(Value::Array(members)) = node.get(kind) {
            let children: Vec<LabNode> = members
                .iter()
                .enumerate()
                .map(|(i, member)| lab_node(member, format!("{path}.{kind}[{i}]"), leaves))
                .collect();
            let why = group_why(kind, &children);
            return LabNode {
                path,
                kind: kind.to_owned(),
                parameters: None,
                result,
                why,
                json_logic: None,
                tests: Vec::new(),
                children,
            };
        }
    }
    let kind = node["ConditionType"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let parameters = node
        .get("ConditionParameters")
        .map(|p| serde_json::to_string(p).unwrap_or_default());
    let leaf = leaves.iter().find(|leaf| leaf.path == path);
    let why = leaf.map(|leaf| leaf_why(leaf, node)).unwrap_or_default();
    LabNode {
        path,
        kind,
        parameters,
        result,
        why,
        json_logic: leaf.map(|leaf| leaf.json_logic.clone()),
        tests: leaf.map(|leaf| leaf.tests.clone()).unwrap_or_default(),
        children: Vec::new(),
    }
}

fn group_why(kind: &str, children: &[LabNode]) -> String {
    let holding: Vec<usize> = (0..children.len())
        .filter(|&i| children[i].result)
        .collect();
    let numbers = |ids: &[usize]| {
        ids.iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        "And" if holding.len() == children.len() => {
            format!("all {} members hold", children.len())
        }
        "And" => {
            let failing: Vec<usize> = (0..children.len())
                .filter(|&i| !children[i].result)
                .collect();
            format!("member {} does not hold", numbers(&failing))
        }
        _ if holding.is_empty() => format!("none of the {} members holds", children.len()),
        _ => format!("member {} holds", numbers(&holding)),
    }
}

fn leaf_why(leaf: &LeafExplanation, node: &Value) -> String {
    let passing = leaf.tests.iter().filter(|t| t.result).count();
    let names = |pass: bool| {
        leaf.tests
            .iter()
            .filter(|t| t.result == pass)
            .map(|t| {
                let name = t.name.clone().unwrap_or_else(|| t.at.clone());
                format!("{name} ({})", compact(&t.data))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wanted = |key: &str| {
        node["ConditionParameters"][key]
            .as_str()
            .unwrap_or("*")
            .to_owned()
    };
    match leaf.condition_type {
        ConditionType::ModerationLabelConfidenceCheck => {
            let label = wanted("ModerationLabelName");
            let what = if label == "*" {
                "any label".to_owned()
            } else {
                format!("a label named \"{label}\"")
            };
            if leaf.tests.is_empty() {
                format!(
                    "the response has no {}",
                    if label == "*" {
                        "labels".to_owned()
                    } else {
                        what
                    }
                )
            } else if passing > 0 {
                format!(
                    "{passing} of {} candidate labels pass: {}",
                    leaf.tests.len(),
                    names(true)
                )
            } else {
                format!(
                    "{what} was found, but its confidence is outside the range: {}",
                    names(false)
                )
            }
        }
        ConditionType::ImportantFormKeyConfidenceCheck => {
            let key = wanted("ImportantFormKey");
            if leaf.tests.is_empty() {
                format!("no key in the form reads \"{key}\" or one of its aliases")
            } else if passing > 0 {
                format!(
                    "{passing} matching key(s) fall in the confidence range: {}",
                    names(true)
                )
            } else {
                format!(
                    "\"{key}\" was found, but its confidences are outside the range: {}",
                    names(false)
                )
            }
        }
        ConditionType::MissingImportantFormKey => {
            let key = wanted("ImportantFormKey");
            let found = leaf
                .tests
                .first()
                .and_then(|t| t.data.as_u64())
                .unwrap_or(0);
            if found == 0 {
                format!("no key in the form reads \"{key}\" or one of its aliases")
            } else {
                format!("\"{key}\" is present ({found} key block(s))")
            }
        }
        ConditionType::Sampling => match leaf.sample_draw {
            Some(draw) => {
                let percentage = &node["ConditionParameters"]["RandomSamplingPercentage"];
                let relation = if leaf.evaluation_result {
                    "below"
                } else {
                    "not below"
                };
                format!("this input's draw, {draw:.3}, is {relation} {percentage}")
            }
            None => "sampling was not drawn".to_owned(),
        },
    }
}

fn compact(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn sent_to_reviewers(source: RequestSource, run: &DryRun) -> Vec<String> {
    let Some(selected) = &run.report.selected_ai_service_response else {
        return Vec::new();
    };
    match source {
        RequestSource::RekognitionModeration => selected["moderationLabels"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|label| {
                let name = label["name"].as_str().unwrap_or_default();
                match label["confidence"].as_f64() {
                    Some(confidence) => format!("{name} ({confidence:.1}%)"),
                    None => name.to_owned(),
                }
            })
            .collect(),
        RequestSource::TextractForms => match &run.report.human_loop_context {
            Some(context) if !context.important_form_keys.is_empty() => context
                .important_form_keys
                .iter()
                .map(|key| key.important_form_key.clone())
                .collect(),
            _ => vec!["the whole document (sampled)".to_owned()],
        },
    }
}

/// Conditions the document accepts that can never hold: an empty confidence range, a bound
/// outside 0–100, a 0% sample, or (Rekognition) a range entirely below the default
/// `MinConfidence`, whose labels the service does not return.
pub fn warnings(document: &ConditionsDocument) -> Vec<Warning> {
    let mut found = Vec::new();
    for (i, condition) in document.conditions().iter().enumerate() {
        walk(
            document.source(),
            condition,
            format!("Conditions[{i}]"),
            &mut found,
        );
    }
    found
}

fn walk(source: RequestSource, condition: &Condition, path: String, found: &mut Vec<Warning>) {
    match condition {
        Condition::And(members) | Condition::Or(members) => {
            let kind = if matches!(condition, Condition::And(_)) {
                "And"
            } else {
                "Or"
            };
            for (i, member) in members.iter().enumerate() {
                walk(source, member, format!("{path}.{kind}[{i}]"), found);
            }
        }
        Condition::Leaf(leaf) => {
            let mut warn = |message: String| {
                found.push(Warning {
                    path: path.clone(),
                    message,
                })
            };
            match leaf.check() {
                Check::ModerationLabelConfidence { label, confidence } => {
                    if let Some(problem) = range_problem(confidence) {
                        warn(format!(
                            "Confidence: {problem}, so this condition never holds"
                        ));
                    } else if source == RequestSource::RekognitionModeration
                        && let Some(top) = Range::of(confidence).upper
                        && (top.value < REKOGNITION_DEFAULT_MIN_CONFIDENCE
                            || (top.value == REKOGNITION_DEFAULT_MIN_CONFIDENCE && !top.inclusive))
                    {
                        let which = match label {
                            NamePattern::Any => "labels".to_owned(),
                            NamePattern::Exactly(name) => format!("\"{name}\""),
                        };
                        warn(format!(
                            "fires only for {which} below {}, but Rekognition leaves out labels \
                             below MinConfidence ({REKOGNITION_DEFAULT_MIN_CONFIDENCE} unless the \
                             caller lowers it): this never fires with the default",
                            top.value
                        ));
                    }
                }
                Check::ImportantFormKeyConfidence {
                    key_value, word, ..
                } => {
                    for (name, thresholds) in [
                        ("KeyValueBlockConfidence", key_value),
                        ("WordBlockConfidence", word),
                    ] {
                        if let Some(problem) = range_problem(thresholds) {
                            warn(format!("{name}: {problem}, so this condition never holds"));
                        }
                    }
                }
                Check::MissingImportantFormKey { .. } => {}
                Check::Sampling { percentage } => {
                    if percentage.value() <= 0.0 {
                        warn("RandomSamplingPercentage is 0: nothing is ever sampled".to_owned());
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bound {
    value: f64,
    inclusive: bool,
}

/// The confidences a threshold group lets through: the tightest lower and upper bound.
#[derive(Debug, Default)]
struct Range {
    lower: Option<Bound>,
    upper: Option<Bound>,
}

impl Range {
    fn of(thresholds: &Thresholds) -> Self {
        let mut range = Self::default();
        for &Threshold { comparison, bound } in thresholds.as_slice() {
            let value = bound.value();
            let (lower, upper) = match comparison {
                Comparison::Equals => (Some(true), Some(true)),
                Comparison::GreaterThan => (Some(false), None),
                Comparison::GreaterThanEquals => (Some(true), None),
                Comparison::LessThan => (None, Some(false)),
                Comparison::LessThanEquals => (None, Some(true)),
            };
            if let Some(inclusive) = lower {
                let new = Bound { value, inclusive };
                range.lower = Some(match range.lower {
                    Some(old) if old.value > value || (old.value == value && !old.inclusive) => old,
                    _ => new,
                });
            }
            if let Some(inclusive) = upper {
                let new = Bound { value, inclusive };
                range.upper = Some(match range.upper {
                    Some(old) if old.value < value || (old.value == value && !old.inclusive) => old,
                    _ => new,
                });
            }
        }
        range
    }
}

/// Why no confidence (0–100) satisfies the group, if none does.
fn range_problem(thresholds: &Thresholds) -> Option<String> {
    let range = Range::of(thresholds);
    let show = |b: Bound, below: bool| {
        let op = match (below, b.inclusive) {
            (true, true) => "<=",
            (true, false) => "<",
            (false, true) => ">=",
            (false, false) => ">",
        };
        format!("{op} {}", b.value)
    };
    if let (Some(low), Some(high)) = (range.lower, range.upper)
        && (low.value > high.value
            || (low.value == high.value && !(low.inclusive && high.inclusive)))
    {
        return Some(format!(
            "no confidence is both {} and {}",
            show(low, false),
            show(high, true)
        ));
    }
    if let Some(high) = range.upper
        && (high.value < 0.0 || (high.value == 0.0 && !high.inclusive))
    {
        return Some(format!("no confidence is {}", show(high, true)));
    }
    if let Some(low) = range.lower
        && (low.value > 100.0 || (low.value == 100.0 && !low.inclusive))
    {
        return Some(format!("no confidence is {}", show(low, false)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const REKOGNITION: RequestSource = RequestSource::RekognitionModeration;
    const TEXTRACT: RequestSource = RequestSource::TextractForms;

    fn warnings_of(source: RequestSource, text: &str) -> Vec<String> {
        warnings(&ConditionsDocument::parse(source, text).unwrap())
            .into_iter()
            .map(|w| format!("{}: {}", w.path, w.message))
            .collect()
    }

    #[test]
    fn starting_conditions_hold_for_the_first_sample_and_not_the_second() {
        for source in [REKOGNITION, TEXTRACT] {
            let conditions = starting_conditions(source);
            let [first, second, ..] = samples(source) else {
                panic!("two samples per source")
            };
            let yes = try_conditions(source, conditions, first.ml_output).unwrap();
            let no = try_conditions(source, conditions, second.ml_output).unwrap();
            assert!(yes.activated, "{source:?}: {:?}", yes.tree);
            assert!(!no.activated, "{source:?}: {:?}", no.tree);
            assert!(yes.warnings.is_empty() && no.warnings.is_empty());
        }
    }

    #[test]
    fn rekognition_tree_says_which_labels_pass_and_what_is_sent() {
        let report = try_conditions(
            REKOGNITION,
            starting_conditions(REKOGNITION),
            samples(REKOGNITION)[0].ml_output,
        )
        .unwrap();
        let leaf = &report.tree[0];
        assert_eq!(leaf.kind, "ModerationLabelConfidenceCheck");
        assert!(leaf.result);
        assert_eq!(
            leaf.why,
            "2 of 3 candidate labels pass: Violence (71.3), Weapons (71.3)"
        );
        assert_eq!(leaf.tests.len(), 3);
        assert!(leaf.json_logic.is_some());
        assert_eq!(
            report.sent_to_reviewers,
            ["Violence (71.3%)", "Weapons (71.3%)"]
        );
    }

    #[test]
    fn textract_tree_explains_an_or_of_a_confidence_check_and_a_missing_key() {
        let report = try_conditions(
            TEXTRACT,
            starting_conditions(TEXTRACT),
            samples(TEXTRACT)[0].ml_output,
        )
        .unwrap();
        let or = &report.tree[0];
        assert_eq!(or.kind, "Or");
        assert_eq!(or.why, "member 1, 2 holds");
        assert_eq!(or.children[1].path, "Conditions[0].Or[1]");
        assert_eq!(
            or.children[1].why,
            "no key in the form reads \"Pay date\" or one of its aliases"
        );
        assert_eq!(report.sent_to_reviewers, ["Employee name", "Pay date"]);

        let clear = try_conditions(
            TEXTRACT,
            starting_conditions(TEXTRACT),
            samples(TEXTRACT)[1].ml_output,
        )
        .unwrap();
        assert_eq!(clear.tree[0].why, "none of the 2 members holds");
        assert_eq!(
            clear.tree[0].children[1].why,
            "\"Pay date\" is present (1 key block(s))"
        );
        assert!(clear.sent_to_reviewers.is_empty());
    }

    #[test]
    fn warns_about_thresholds_that_cannot_fire() {
        assert_eq!(
            warnings_of(
                REKOGNITION,
                r#"{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",
                    "ConditionParameters": {"ModerationLabelName": "Violence", "ConfidenceLessThan": 40}}]}"#
            ),
            [
                "Conditions[0]: fires only for \"Violence\" below 40, but Rekognition leaves out \
              labels below MinConfidence (50 unless the caller lowers it): this never fires with \
              the default"
            ]
        );
        assert_eq!(
            warnings_of(
                REKOGNITION,
                r#"{"Conditions": [{"And": [
                    {"ConditionType": "ModerationLabelConfidenceCheck",
                     "ConditionParameters": {"ModerationLabelName": "*", "ConfidenceGreaterThan": 90, "ConfidenceLessThan": 80}},
                    {"ConditionType": "ModerationLabelConfidenceCheck",
                     "ConditionParameters": {"ModerationLabelName": "*", "ConfidenceLessThanEquals": 50}}]}]}"#
            ),
            [
                "Conditions[0].And[0]: Confidence: no confidence is both > 90 and < 80, so this \
              condition never holds"
            ]
        );
        assert_eq!(
            warnings_of(
                TEXTRACT,
                r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck",
                    "ConditionParameters": {"ImportantFormKey": "Name",
                      "KeyValueBlockConfidenceGreaterThanEquals": 70, "KeyValueBlockConfidenceLessThan": 70}}]}"#
            ),
            [
                "Conditions[0]: KeyValueBlockConfidence: no confidence is both >= 70 and < 70, so \
              this condition never holds"
            ]
        );
        assert!(warnings_of(REKOGNITION, starting_conditions(REKOGNITION)).is_empty());
    }
}
