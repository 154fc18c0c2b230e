//! Evaluating a compiled document against one inference (spec 4.3).
//!
//! Every node is evaluated, even when the outcome is already known, because A2I reports an
//! `EvaluationResult` for every node and shows reviewers everything that held.
//!
//! The response is read once into `Facts`: the labels the document names, or the form's KEY
//! blocks with their texts and confidences (and, for the keys an `ImportantFormKeyConfidenceCheck`
//! names, their VALUE blocks and words). A label or key leaf then tests the candidates its
//! selector picks, handing the evaluator the data of all of them at once
//! ([`JsonLogic::test_each`](super::logic::JsonLogic::test_each)): one call per leaf, not one
//! per candidate, once there are several. The data of a key's candidates (a `KeyProjection`)
//! is made the first time a leaf about that key runs and shared by the other leaves about it.
//!
//! Selections: a true label or key check selects the inferences that passed its test; a true
//! `Sampling` selects the whole response; `MissingImportantFormKey` selects nothing. An `Or`
//! adds up the selections of its true members. An `And` that holds treats `Sampling`-like
//! members (whole response) as neutral, intersects the members that check the same label or
//! key, and adds up the rest, so `Graphic Male Nudity <= 99 And Graphic Male Nudity >= 90`
//! selects the labels in the band while `Suggestive < 98 And Female Swimwear > 95` selects both.

use serde_json::{Map, Value};

use super::compile::{CompiledConditions, CompiledLeaf, LeafTest, NodeKind};
use super::document::FormKey;
use super::logic::LogicError;
use super::ml_output::{Form, MlOutputError, ModerationLabels};
use super::sampling::{SampleDraw, SampleKey};
use super::selection::Selection;
use super::source::RequestSource;

/// One inference of an AI service, in A2I's camelCase.
#[derive(Debug, Clone, Copy)]
pub struct Inference<'a> {
    /// `aiServiceRequest`. Only read to key sampling; when absent the response is used instead.
    pub request: Option<&'a Value>,
    /// `aiServiceResponse`.
    pub response: &'a Value,
}

impl<'a> Inference<'a> {
    pub fn new(response: &'a Value) -> Self {
        Self {
            request: None,
            response,
        }
    }

    pub fn with_request(self, request: &'a Value) -> Self {
        Self {
            request: Some(request),
            ..self
        }
    }
}

/// The facts of one response the leaves read, built once per evaluation.
#[derive(Debug)]
pub(crate) enum Facts<'a> {
    Labels(ModerationLabels<'a>),
    Form(Form<'a>),
}

/// The outcome of evaluating a compiled document against one inference.
#[derive(Debug)]
pub struct Evaluation<'a> {
    pub(crate) compiled: &'a CompiledConditions,
    pub(crate) inference: Inference<'a>,
    pub(crate) facts: Facts<'a>,
    /// `EvaluationResult` of every node, by node index.
    pub(crate) results: Vec<bool>,
    /// Union of the selections of the true top-level conditions.
    pub(crate) selection: Selection,
    pub(crate) activated: bool,
}

/// One JsonLogic test a leaf ran, kept only when tracing (dry runs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TestRun {
    pub node: usize,
    /// Path of the inference tested, e.g. `aiServiceResponse.moderationLabels[2]`.
    pub at: String,
    /// The label name or key text, when the test was about one label or key.
    pub name: Option<String>,
    pub data: Value,
    pub result: bool,
}

/// Everything a dry run shows beyond the evaluation itself.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    pub tests: Vec<TestRun>,
    pub draws: Vec<(usize, SampleDraw)>,
}

impl CompiledConditions {
    /// Evaluates the document against one inference.
    pub fn evaluate<'a>(
        &'a self,
        inference: Inference<'a>,
    ) -> Result<Evaluation<'a>, EvaluationError> {
        self.evaluate_traced(inference, None)
    }

    pub(crate) fn evaluate_traced<'a>(
        &'a self,
        inference: Inference<'a>,
        trace: Option<&mut Trace>,
    ) -> Result<Evaluation<'a>, EvaluationError> {
        let facts = match self.source() {
            RequestSource::RekognitionModeration => Facts::Labels(ModerationLabels::read(
                inference.response,
                &self.label_names,
                self.any_label,
            )?),
            RequestSource::TextractForms => Facts::Form(Form::read(inference.response, |text| {
                self.value_keys.iter().any(|key| key.matches(text))
            })?),
        };
        let sample_key = self.samples.then(|| {
            let salt = &self.options().sampling_salt;
            match inference.request {
                Some(request) => SampleKey::of_request(salt, request),
                None => SampleKey::of_response(salt, inference.response),
            }
        });
        let mut run = Run {
            compiled: self,
            facts: &facts,
            sample_key,
            results: vec![false; self.nodes.len()],
            projections: Vec::new(),
            trace,
        };
        let mut activated = false;
        let mut selection = Selection::none();
        for &top in &self.top {
            let (result, selected) = run.node(top)?;
            if result {
                activated = true;
                selection.union_with(selected);
            }
        }
        let results = run.results;
        Ok(Evaluation {
            compiled: self,
            inference,
            facts,
            results,
            selection,
            activated,
        })
    }
}

impl Evaluation<'_> {
    /// Whether a human loop is to be created: at least one top-level condition holds.
    pub fn is_activated(&self) -> bool {
        self.activated
    }

    /// `EvaluationResult` of every node in document order, with its path.
    pub fn results(&self) -> impl Iterator<Item = (&str, bool)> {
        self.compiled
            .nodes
            .iter()
            .zip(&self.results)
            .map(|(node, &result)| (node.path.as_str(), result))
    }

    /// `EvaluationResult` of the node at `path`, such as `Conditions[0].Or[1]`.
    pub fn result_at(&self, path: &str) -> Option<bool> {
        self.results()
            .find(|(node_path, _)| *node_path == path)
            .map(|(_, result)| result)
    }
}

struct Run<'r, 'a> {
    compiled: &'a CompiledConditions,
    facts: &'r Facts<'a>,
    sample_key: Option<SampleKey>,
    results: Vec<bool>,
    /// By subject, once a key leaf about it has run; empty until then.
    projections: Vec<Option<KeyProjection>>,
    trace: Option<&'r mut Trace>,
}

/// The KEY blocks a form key names and the data the JsonLogic tests read for each. Made once per
/// evaluation for each key (subject), since it takes a look at every matching key's words, and
/// shared by all leaves about that key. Labels need no such thing: their data is their
/// confidence, which costs less to take again than to keep.
#[derive(Debug)]
struct KeyProjection {
    /// Indexes in [`Form::keys`] of the KEY blocks the key names, in response order.
    candidates: Vec<usize>,
    /// The test data of each candidate, in the same order: a JSON array.
    data: Value,
}

impl KeyProjection {
    /// Data: the confidences of the KEY and VALUE blocks and of their WORD blocks.
    fn new(form: &Form<'_>, key: &FormKey) -> Result<Self, MlOutputError> {
        let mut candidates = Vec::new();
        let mut data = Vec::new();
        for (i, candidate) in form.keys.iter().enumerate() {
            if !key.matches(form.text(candidate)) {
                continue;
            }
            let mut test_data = Map::new();
            test_data.insert(
                "keyValueConfidences".into(),
                numbers(form.key_value_confidences(candidate)),
            );
            test_data.insert(
                "wordConfidences".into(),
                numbers(form.word_confidences(candidate)?),
            );
            candidates.push(i);
            data.push(Value::Object(test_data));
        }
        Ok(Self {
            candidates,
            data: Value::Array(data),
        })
    }
}

fn numbers(values: Vec<f64>) -> Value {
    Value::Array(values.into_iter().map(Value::from).collect())
}

impl Run<'_, '_> {
    /// Evaluates a node and its members; returns its result and, when true, its selection.
    fn node(&mut self, id: usize) -> Result<(bool, Selection), EvaluationError> {
        let compiled = self.compiled;
        let (result, selection) = match &compiled.nodes[id].kind {
            NodeKind::Leaf(leaf) => self.leaf(id, leaf)?,
            NodeKind::Or(members) => {
                let mut any = false;
                let mut selection = Selection::none();
                for &member in members {
                    let (result, selected) = self.node(member)?;
                    if result {
                        any = true;
                        selection.union_with(selected);
                    }
                }
                (any, selection)
            }
            NodeKind::And(members) => {
                let mut all = true;
                // (subject, selection) of members that select something narrower than "all".
                let mut groups: Vec<(Option<usize>, Selection)> = Vec::new();
                for &member in members {
                    let (result, selected) = self.node(member)?;
                    all &= result;
                    if !all || selected.is_all() {
                        continue;
                    }
                    let subject = match &compiled.nodes[member].kind {
                        NodeKind::Leaf(leaf) => leaf.subject,
                        _ => None,
                    };
                    match groups
                        .iter_mut()
                        .find(|(known, _)| subject.is_some() && *known == subject)
                    {
                        Some((_, group)) => group.intersect_with(&selected),
                        None => groups.push((subject, selected)),
                    }
                }
                if !all {
                    (false, Selection::none())
                } else if groups.is_empty() {
                    (true, Selection::All)
                } else {
                    let mut selection = Selection::none();
                    for (_, group) in groups {
                        selection.union_with(group);
                    }
                    (true, selection)
                }
            }
        };
        self.results[id] = result;
        Ok(if result {
            (true, selection)
        } else {
            (false, Selection::none())
        })
    }

    fn leaf(
        &mut self,
        id: usize,
        leaf: &CompiledLeaf,
    ) -> Result<(bool, Selection), EvaluationError> {
        let facts = self.facts;
        match (&leaf.test, facts) {
            (LeafTest::ModerationLabel(_) | LeafTest::FormKey(_), _) => {
                let hits = self.candidates(id, leaf)?;
                Ok((!hits.is_empty(), Selection::Items(hits)))
            }
            (LeafTest::MissingFormKey(key), Facts::Form(form)) => {
                let present = form
                    .keys
                    .iter()
                    .filter(|k| key.matches(form.text(k)))
                    .count();
                let data = Value::from(present);
                let missing = self.test(id, leaf, &data, || {
                    ("aiServiceResponse.blocks".into(), None)
                })?;
                Ok((missing, Selection::none()))
            }
            (LeafTest::Sampling, _) => {
                let key = self
                    .sample_key
                    .expect("a sample key is made whenever the document samples");
                let draw = key.draw(&self.compiled.nodes[id].path);
                if let Some(trace) = self.trace.as_deref_mut() {
                    trace.draws.push((id, draw));
                }
                let data = Value::from(draw.value());
                let sampled = self.test(id, leaf, &data, || ("sample".into(), None))?;
                Ok((sampled, Selection::All))
            }
            _ => unreachable!("documents only hold condition types their request source allows"),
        }
    }

    /// Tests every candidate of a label or key leaf's subject; returns the item indexes (label
    /// or KEY block indexes) of those that pass, in response order.
    fn candidates(&mut self, id: usize, leaf: &CompiledLeaf) -> Result<Vec<u32>, EvaluationError> {
        let facts = self.facts;
        let mut hits = Vec::new();
        let mut trace = self.trace.as_deref_mut();
        // `at` is the path of the inference tested and `data` its test data, made only when
        // tracing.
        let mut record = |result: bool,
                          item: usize,
                          at: &dyn Fn() -> String,
                          name: &str,
                          data: &dyn Fn() -> Value| {
            if result {
                hits.push(item as u32);
            }
            if let Some(trace) = trace.as_deref_mut() {
                trace.tests.push(TestRun {
                    node: id,
                    at: at(),
                    name: Some(name.to_owned()),
                    data: data(),
                    result,
                });
            }
        };
        let tested = match (&leaf.test, facts) {
            (LeafTest::ModerationLabel(selector), Facts::Labels(labels)) => {
                let named = labels.named(*selector);
                let count = named.clone().count();
                let inputs = named.map(|label| (label, Value::from(label.confidence)));
                leaf.logic.test_each_of(count, inputs, |label, result| {
                    record(
                        result,
                        label.index,
                        &|| format!("aiServiceResponse.moderationLabels[{}]", label.index),
                        label.name,
                        &|| Value::from(label.confidence),
                    );
                })
            }
            (LeafTest::FormKey(key), Facts::Form(form)) => {
                let subject = leaf.subject.expect("key checks have a subject");
                if self.projections.is_empty() {
                    self.projections
                        .resize_with(self.compiled.subjects, || None);
                }
                let projection = match &mut self.projections[subject] {
                    Some(projection) => projection,
                    slot => slot.insert(KeyProjection::new(form, key)?),
                };
                let KeyProjection { candidates, data } = &*projection;
                leaf.logic.test_each(data, |i, result| {
                    let key = &form.keys[candidates[i]];
                    record(
                        result,
                        key.block,
                        &|| format!("aiServiceResponse.blocks[{}]", key.block),
                        form.text(key),
                        &|| data[i].clone(),
                    );
                })
            }
            _ => unreachable!("documents only hold condition types their request source allows"),
        };
        tested.map_err(|source| EvaluationError::Logic {
            path: self.compiled.nodes[id].path.clone(),
            source,
        })?;
        Ok(hits)
    }

    /// Runs one JsonLogic test; `describe` names the inference for a trace.
    fn test(
        &mut self,
        id: usize,
        leaf: &CompiledLeaf,
        data: &Value,
        describe: impl FnOnce() -> (String, Option<String>),
    ) -> Result<bool, EvaluationError> {
        let result = leaf
            .logic
            .test(data)
            .map_err(|source| EvaluationError::Logic {
                path: self.compiled.nodes[id].path.clone(),
                source,
            })?;
        if let Some(trace) = self.trace.as_deref_mut() {
            let (at, name) = describe();
            trace.tests.push(TestRun {
                node: id,
                at,
                name,
                data: data.clone(),
                result,
            });
        }
        Ok(result)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    #[error(transparent)]
    MlOutput(#[from] MlOutputError),
    #[error("{path}: the compiled test failed: {source}")]
    Logic { path: String, source: LogicError },
}
