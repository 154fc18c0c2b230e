//! Compiling a checked document into the form that is evaluated: a flat list of nodes whose
//! leaves each carry one JsonLogic test.
//!
//! A leaf is two parts. Its *selector* (label name, or key name and aliases) picks the
//! candidate inferences by plain string equality, done in Rust because it is an exact lookup and
//! would otherwise double the JsonLogic work for every label of every response. Its *test* is a
//! JsonLogic expression that decides, for one candidate, whether the thresholds hold; the data
//! it sees is described on `LeafTest`. In every test `{"var": []}` is the confidence (or draw,
//! or count) under test: `var` without a key is the data itself, as `{"var": ""}` is, but
//! jsonlogic-rs resolves it without parsing a key, which makes a test about a quarter faster.
//!
//! Leaves with the same selector share a *subject*, numbered here. A leaf's candidates are tested
//! together, in one evaluator call when there are several (see [`JsonLogic::test_each`]); for a
//! form key, the candidates and their data are gathered once per inference and shared by every
//! leaf about that key. Only the keys of `ImportantFormKeyConfidenceCheck`s have their values
//! read at all.

use serde_json::{Map, Value, json};

use super::document::{
    Check, Condition, ConditionsDocument, ConditionsError, FormKey, NamePattern, Path, Thresholds,
};
use super::logic::JsonLogic;
use super::source::{ConditionType, RequestSource};

/// How `WordBlockConfidence*` thresholds combine over the WORD blocks of a key and its value.
/// The developer guide says "each" in one example and "any" in another (spec 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WordBlockRule {
    /// At least one WORD block meets every word threshold.
    #[default]
    Any,
    /// Every WORD block meets every word threshold.
    All,
}

/// Settings that change evaluation results; fixed for the life of a compiled document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompileOptions {
    pub word_blocks: WordBlockRule,
    /// Mixed into every sampling draw; a flow definition passes its ARN so that two flows sample
    /// independent sets of inputs.
    pub sampling_salt: String,
}

/// A conditions document ready to evaluate many times. Build it once per flow definition.
#[derive(Debug, Clone)]
pub struct CompiledConditions {
    document: ConditionsDocument,
    options: CompileOptions,
    pub(crate) nodes: Vec<Node>,
    /// The members of the top-level `Conditions` array.
    pub(crate) top: Vec<usize>,
    /// Distinct `ModerationLabelName`s other than `*`, so a response's labels are matched
    /// against each name once per evaluation rather than once per leaf.
    pub(crate) label_names: Vec<String>,
    /// Whether some condition names every label (`*`).
    pub(crate) any_label: bool,
    /// The keys of the `ImportantFormKeyConfidenceCheck`s, without repeats: the keys whose
    /// values some condition reads. A form's other keys are read only as far as their text.
    pub(crate) value_keys: Vec<FormKey>,
    /// How many distinct selectors (subjects) the leaves have; see [`CompiledLeaf::subject`].
    pub(crate) subjects: usize,
    /// Whether some leaf is a `Sampling` condition, so an evaluation fingerprints its input.
    pub(crate) samples: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub path: String,
    pub kind: NodeKind,
}

#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    And(Vec<usize>),
    Or(Vec<usize>),
    Leaf(CompiledLeaf),
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledLeaf {
    pub condition_type: ConditionType,
    pub parameters: Map<String, Value>,
    pub test: LeafTest,
    pub logic: JsonLogic,
    /// Leaves with the same selector share a subject, numbered from 0: they test the same
    /// candidates (for a form key, gathered once per evaluation), and inside an `And` their
    /// selections are intersected, while different subjects are added together (see
    /// `evaluate`).
    pub subject: Option<usize>,
}

/// What a leaf selects and the data its JsonLogic test is given.
#[derive(Debug, Clone)]
pub(crate) enum LeafTest {
    /// Each label whose name matches; data: the label's confidence.
    ModerationLabel(LabelSelector),
    /// Each KEY block whose text matches; data:
    /// `{"keyValueConfidences": [key, value?], "wordConfidences": [...]}`, the word confidences
    /// being those of the key's WORD blocks followed by its value's.
    FormKey(FormKey),
    /// The form once; data: how many KEY blocks match.
    MissingFormKey(FormKey),
    /// The input once; data: its draw in [0, 100).
    Sampling,
}

/// `ModerationLabelName` resolved at compile time: `*`, or an index into the document's
/// distinct label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LabelSelector {
    Any,
    Named(usize),
}

#[derive(Debug, PartialEq, Eq)]
enum Subject {
    Label(NamePattern),
    Key(FormKey),
}

impl CompiledConditions {
    /// Parses, checks and compiles `HumanLoopActivationConditions` with default options.
    pub fn compile(source: RequestSource, text: &str) -> Result<Self, ConditionsError> {
        Ok(Self::new(
            ConditionsDocument::parse(source, text)?,
            CompileOptions::default(),
        ))
    }

    pub fn new(document: ConditionsDocument, options: CompileOptions) -> Self {
        let mut compiler = Compiler {
            nodes: Vec::new(),
            subjects: Vec::new(),
            label_names: Vec::new(),
            any_label: false,
            word_blocks: options.word_blocks,
        };
        let base = Path::root().field("Conditions");
        let top = document
            .conditions()
            .iter()
            .enumerate()
            .map(|(i, condition)| compiler.condition(condition, base.index(i)))
            .collect();
        let samples = compiler.nodes.iter().any(|node| {
            matches!(&node.kind, NodeKind::Leaf(leaf) if matches!(leaf.test, LeafTest::Sampling))
        });
        let value_keys = compiler
            .subjects
            .iter()
            .filter_map(|subject| match subject {
                Subject::Key(key) => Some(key.clone()),
                Subject::Label(_) => None,
            })
            .collect();
        Self {
            nodes: compiler.nodes,
            top,
            label_names: compiler.label_names,
            any_label: compiler.any_label,
            value_keys,
            subjects: compiler.subjects.len(),
            samples,
            document,
            options,
        }
    }

    pub fn source(&self) -> RequestSource {
        self.document.source()
    }

    pub fn document(&self) -> &ConditionsDocument {
        &self.document
    }

    pub fn options(&self) -> &CompileOptions {
        &self.options
    }

    /// Every leaf's path and compiled JsonLogic test, in document order.
    pub fn leaf_tests(&self) -> impl Iterator<Item = (&str, ConditionType, &JsonLogic)> {
        self.nodes.iter().filter_map(|node| match &node.kind {
            NodeKind::Leaf(leaf) => Some((node.path.as_str(), leaf.condition_type, &leaf.logic)),
            _ => None,
        })
    }
}

struct Compiler {
    nodes: Vec<Node>,
    subjects: Vec<Subject>,
    label_names: Vec<String>,
    any_label: bool,
    word_blocks: WordBlockRule,
}

impl Compiler {
    /// Adds `condition` and its members in pre-order and returns its node index.
    fn condition(&mut self, condition: &Condition, path: Path) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            path: path.to_string(),
            kind: NodeKind::And(Vec::new()),
        });
        let kind = match condition {
            Condition::Leaf(leaf) => {
                let (test, logic, subject) = self.leaf(leaf.check());
                NodeKind::Leaf(CompiledLeaf {
                    condition_type: leaf.condition_type(),
                    parameters: leaf.parameters().clone(),
                    test,
                    logic,
                    subject: subject.map(|s| self.subject(s)),
                })
            }
            Condition::And(members) => NodeKind::And(self.members(members, &path.field("And"))),
            Condition::Or(members) => NodeKind::Or(self.members(members, &path.field("Or"))),
        };
        self.nodes[id].kind = kind;
        id
    }

    fn members(&mut self, members: &[Condition], path: &Path) -> Vec<usize> {
        members
            .iter()
            .enumerate()
            .map(|(i, member)| self.condition(member, path.index(i)))
            .collect()
    }

    fn subject(&mut self, subject: Subject) -> usize {
        match self.subjects.iter().position(|known| *known == subject) {
            Some(found) => found,
            None => {
                self.subjects.push(subject);
                self.subjects.len() - 1
            }
        }
    }

    fn label(&mut self, label: &NamePattern) -> LabelSelector {
        match label {
            NamePattern::Any => {
                self.any_label = true;
                LabelSelector::Any
            }
            NamePattern::Exactly(name) => {
                match self.label_names.iter().position(|known| known == name) {
                    Some(found) => LabelSelector::Named(found),
                    None => {
                        self.label_names.push(name.clone());
                        LabelSelector::Named(self.label_names.len() - 1)
                    }
                }
            }
        }
    }

    fn leaf(&mut self, check: &Check) -> (LeafTest, JsonLogic, Option<Subject>) {
        let (test, expression, subject) = match check {
            Check::ModerationLabelConfidence { label, confidence } => (
                LeafTest::ModerationLabel(self.label(label)),
                thresholds(confidence).unwrap_or(Value::Bool(true)),
                Some(Subject::Label(label.clone())),
            ),
            Check::ImportantFormKeyConfidence {
                key,
                key_value,
                word,
            } => {
                let key_value = thresholds(key_value)
                    .map(|test| json!({"all": [{"var": "keyValueConfidences"}, test]}));
                let quantifier = match self.word_blocks {
                    WordBlockRule::Any => "some",
                    WordBlockRule::All => "all",
                };
                let word = thresholds(word)
                    .map(|test| json!({quantifier: [{"var": "wordConfidences"}, test]}));
                (
                    LeafTest::FormKey(key.clone()),
                    conjunction(key_value.into_iter().chain(word).collect()),
                    Some(Subject::Key(key.clone())),
                )
            }
            Check::MissingImportantFormKey { key } => (
                LeafTest::MissingFormKey(key.clone()),
                json!({"==": [{"var": []}, 0]}),
                None,
            ),
            Check::Sampling { percentage } => (
                LeafTest::Sampling,
                json!({"<": [{"var": []}, number(percentage.value())]}),
                None,
            ),
        };
        let logic = JsonLogic::new(expression)
            .expect("the compiler only builds single operations with plain-value literals");
        (test, logic, subject)
    }
}

/// All comparisons of a group over `{"var": []}`, or `None` for an empty group.
fn thresholds(group: &Thresholds) -> Option<Value> {
    let tests: Vec<Value> = group
        .as_slice()
        .iter()
        .map(|t| json!({t.comparison.operator(): [{"var": []}, number(t.bound.value())]}))
        .collect();
    if tests.is_empty() {
        None
    } else {
        Some(conjunction(tests))
    }
}

/// `true` for no tests, the test itself for one, `and` of them otherwise.
fn conjunction(mut tests: Vec<Value>) -> Value {
    match tests.len() {
        0 => Value::Bool(true),
        1 => tests.pop().expect("one test"),
        _ => json!({"and": tests}),
    }
}

/// Whole numbers print as integers, so a compiled test reads like the document.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(source: RequestSource, text: &str) -> CompiledConditions {
        CompiledConditions::compile(source, text).unwrap()
    }

    #[test]
    fn label_checks_compile_to_comparisons_on_the_confidence() {
        let compiled = compile(
            RequestSource::RekognitionModeration,
            r#"{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "*", "ConfidenceGreaterThanEquals": 75,
                                        "ConfidenceLessThan": 99.5}}]}"#,
        );
        let tests: Vec<_> = compiled.leaf_tests().collect();
        assert_eq!(tests.len(), 1);
        assert_eq!(tests[0].0, "Conditions[0]");
        assert_eq!(
            tests[0].2.as_json(),
            &json!({"and": [{"<": [{"var": []}, 99.5]}, {">=": [{"var": []}, 75]}]})
        );
    }

    #[test]
    fn a_check_without_thresholds_accepts_any_confidence() {
        let compiled = compile(
            RequestSource::RekognitionModeration,
            r#"{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",
                "ConditionParameters": {"ModerationLabelName": "Suggestive"}}]}"#,
        );
        assert_eq!(
            compiled.leaf_tests().next().unwrap().2.as_json(),
            &json!(true)
        );
    }

    #[test]
    fn form_key_checks_quantify_over_key_value_and_word_confidences() {
        let text = r#"{"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck",
            "ConditionParameters": {"ImportantFormKey": "Pay Date", "KeyValueBlockConfidenceLessThan": 65,
                                    "WordBlockConfidenceLessThan": 85}}]}"#;
        let any = compile(RequestSource::TextractForms, text);
        assert_eq!(
            any.leaf_tests().next().unwrap().2.as_json(),
            &json!({"and": [
                {"all": [{"var": "keyValueConfidences"}, {"<": [{"var": []}, 65]}]},
                {"some": [{"var": "wordConfidences"}, {"<": [{"var": []}, 85]}]}
            ]})
        );
        let document = ConditionsDocument::parse(RequestSource::TextractForms, text).unwrap();
        let all = CompiledConditions::new(
            document,
            CompileOptions {
                word_blocks: WordBlockRule::All,
                ..CompileOptions::default()
            },
        );
        let logic = all.leaf_tests().next().unwrap().2.as_json().clone();
        assert_eq!(logic["and"][1]["all"][0], json!({"var": "wordConfidences"}));
    }

    #[test]
    fn nodes_are_numbered_in_document_order_with_their_paths() {
        let compiled = compile(
            RequestSource::TextractForms,
            r#"{"Conditions": [
                {"Or": [{"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 5}},
                        {"And": [{"ConditionType": "MissingImportantFormKey", "ConditionParameters": {"ImportantFormKey": "A"}},
                                 {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 0.5}}]}]},
                {"ConditionType": "Sampling", "ConditionParameters": {"RandomSamplingPercentage": 100}}]}"#,
        );
        let paths: Vec<&str> = compiled.nodes.iter().map(|n| n.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "Conditions[0]",
                "Conditions[0].Or[0]",
                "Conditions[0].Or[1]",
                "Conditions[0].Or[1].And[0]",
                "Conditions[0].Or[1].And[1]",
                "Conditions[1]",
            ]
        );
        assert_eq!(compiled.top, vec![0, 5]);
        let tests: Vec<Value> = compiled
            .leaf_tests()
            .map(|t| t.2.as_json().clone())
            .collect();
        assert_eq!(tests[0], json!({"<": [{"var": []}, 5]}));
        assert_eq!(tests[1], json!({"==": [{"var": []}, 0]}));
        assert_eq!(tests[2], json!({"<": [{"var": []}, 0.5]}));
    }

    #[test]
    fn leaves_with_the_same_selector_share_a_subject() {
        let compiled = compile(
            RequestSource::RekognitionModeration,
            r#"{"Conditions": [{"Or": [
                {"ConditionType": "ModerationLabelConfidenceCheck", "ConditionParameters": {"ModerationLabelName": "A", "ConfidenceLessThan": 9}},
                {"ConditionType": "ModerationLabelConfidenceCheck", "ConditionParameters": {"ModerationLabelName": "B"}},
                {"ConditionType": "ModerationLabelConfidenceCheck", "ConditionParameters": {"ModerationLabelName": "A"}}]}]}"#,
        );
        let subjects: Vec<Option<usize>> = compiled
            .nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::Leaf(leaf) => Some(leaf.subject),
                _ => None,
            })
            .collect();
        assert_eq!(subjects, [Some(0), Some(1), Some(0)]);
    }
}
