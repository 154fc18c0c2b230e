//! What an evaluation reports, in the shapes A2I uses (spec 4.6, 7.2).
//!
//! * `humanTaskActivationConditionResults` (output.json) / `HumanLoopActivationConditionsEvaluationResults`
//!   (AI-service response): the document with `"EvaluationResult"` on every node.
//! * `selectedAiServiceResponse`: the part of the response the true conditions point at.
//! * `HumanLoopActivationReasons`: `["ConditionsMatched"]` when a loop is to be created.
//! * `humanLoopContext.importantFormKeys`: for Textract, the keys workers are asked about.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::compile::{LeafTest, NodeKind};
use super::evaluate::{Evaluation, Facts};
use super::selection::Selection;
use super::source::RequestSource;

/// Why a loop was created. AWS documents no values; `ConditionsMatched` is the name the 2019
/// preview API used for the same fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivationReason {
    ConditionsMatched,
}

/// Everything evaluation decides about one inference, ready to be stored in a loop's input and
/// `output.json`. Keys serialize in A2I's camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationReport {
    /// Whether a human loop is to be created.
    pub activated: bool,
    /// `["ConditionsMatched"]` when activated; empty (and not serialized) otherwise, since AWS's
    /// list has at least one member.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub activation_reasons: Vec<ActivationReason>,
    /// The conditions with `EvaluationResult` on every node; absent for a built-in flow
    /// definition without conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_task_activation_condition_results: Option<Value>,
    /// Present when activated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_ai_service_response: Option<Value>,
    /// Present for Textract when activated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_loop_context: Option<HumanLoopContext>,
}

/// `task.input.humanLoopContext` of a Textract loop.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HumanLoopContext {
    pub important_form_keys: Vec<ImportantFormKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportantFormKey {
    pub important_form_key: String,
    pub important_form_key_aliases: Vec<String>,
}

/// `HumanLoopActivationOutput` as Rekognition and Textract return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HumanLoopActivationOutput {
    /// Present only when a loop was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_loop_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub human_loop_activation_reasons: Vec<ActivationReason>,
    /// The condition results as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_loop_activation_conditions_evaluation_results: Option<String>,
}

impl ActivationReport {
    /// A built-in flow definition without `HumanLoopActivationConfig` sends every request to
    /// humans: activated, the whole response selected, no condition results.
    pub fn without_conditions(source: RequestSource, response: &Value) -> Self {
        Self {
            activated: true,
            activation_reasons: vec![ActivationReason::ConditionsMatched],
            human_task_activation_condition_results: None,
            selected_ai_service_response: Some(response.clone()),
            human_loop_context: (source == RequestSource::TextractForms)
                .then(HumanLoopContext::default),
        }
    }

    /// The AI service's `HumanLoopActivationOutput`, given the ARN of the loop if one was made.
    pub fn activation_output(&self, human_loop_arn: Option<String>) -> HumanLoopActivationOutput {
        HumanLoopActivationOutput {
            human_loop_arn,
            human_loop_activation_reasons: self.activation_reasons.clone(),
            human_loop_activation_conditions_evaluation_results: self
                .human_task_activation_condition_results
                .as_ref()
                .map(Value::to_string),
        }
    }

    /// The loop's `task.input` (spec 4.7); `output.json` stores it as `inputContent`.
    pub fn task_input(&self, request: Option<&Value>, response: &Value) -> Value {
        let mut input = Map::new();
        if let Some(request) = request {
            input.insert("aiServiceRequest".into(), request.clone());
        }
        input.insert("aiServiceResponse".into(), response.clone());
        if let Some(context) = &self.human_loop_context {
            input.insert(
                "humanLoopContext".into(),
                serde_json::to_value(context).expect("plain strings serialize"),
            );
        }
        if let Some(results) = &self.human_task_activation_condition_results {
            input.insert(
                "humanTaskActivationConditionResults".into(),
                results.clone(),
            );
        }
        if let Some(selected) = &self.selected_ai_service_response {
            input.insert("selectedAiServiceResponse".into(), selected.clone());
        }
        Value::Object(input)
    }
}

impl Evaluation<'_> {
    /// The full report of this evaluation.
    pub fn report(&self) -> ActivationReport {
        ActivationReport {
            activated: self.activated,
            activation_reasons: if self.activated {
                vec![ActivationReason::ConditionsMatched]
            } else {
                Vec::new()
            },
            human_task_activation_condition_results: Some(self.condition_results()),
            selected_ai_service_response: self.selected_ai_service_response(),
            human_loop_context: self.human_loop_context(),
        }
    }

    /// `{"Conditions": [...]}` with `"EvaluationResult"` added to every node. Parameters are
    /// echoed as written; keys are inserted in alphabetical order, as in A2I's samples.
    pub fn condition_results(&self) -> Value {
        let conditions = self.compiled.top.iter().map(|&id| self.node_results(id));
        let mut root = Map::new();
        root.insert("Conditions".into(), Value::Array(conditions.collect()));
        Value::Object(root)
    }

    fn node_results(&self, id: usize) -> Value {
        let mut node = Map::new();
        let members =
            |ids: &[usize]| Value::Array(ids.iter().map(|&m| self.node_results(m)).collect());
        let result = Value::Bool(self.results[id]);
        match &self.compiled.nodes[id].kind {
            NodeKind::And(ids) => {
                node.insert("And".into(), members(ids));
                node.insert("EvaluationResult".into(), result);
            }
            NodeKind::Or(ids) => {
                node.insert("EvaluationResult".into(), result);
                node.insert("Or".into(), members(ids));
            }
            NodeKind::Leaf(leaf) => {
                node.insert(
                    "ConditionParameters".into(),
                    Value::Object(leaf.parameters.clone()),
                );
                node.insert(
                    "ConditionType".into(),
                    Value::String(leaf.condition_type.as_str().into()),
                );
                node.insert("EvaluationResult".into(), result);
            }
        }
        Value::Object(node)
    }

    /// The part of the response the true conditions select; `None` when not activated.
    /// Rekognition: the selected `moderationLabels` and `moderationModelVersion`. Textract: the
    /// selected KEY blocks, their VALUE blocks and the CHILD blocks of both, in response order.
    /// A true `Sampling` selects the whole response.
    pub fn selected_ai_service_response(&self) -> Option<Value> {
        if !self.activated {
            return None;
        }
        let response = self.inference.response;
        let Selection::Items(items) = &self.selection else {
            return Some(response.clone());
        };
        let mut selected = Map::new();
        match &self.facts {
            Facts::Labels(_) => {
                let labels = response["moderationLabels"]
                    .as_array()
                    .expect("checked when the labels were read");
                let chosen = items.iter().map(|&i| labels[i as usize].clone()).collect();
                selected.insert("moderationLabels".into(), Value::Array(chosen));
                if let Some(version) = response.get("moderationModelVersion") {
                    selected.insert("moderationModelVersion".into(), version.clone());
                }
            }
            Facts::Form(form) => {
                let mut wanted = vec![false; form.blocks.len()];
                for key in form
                    .keys
                    .iter()
                    .filter(|key| items.binary_search(&(key.block as u32)).is_ok())
                {
                    wanted[key.block] = true;
                    if let Some(value) = key.value {
                        wanted[value] = true;
                    }
                    for &child in form.children(key) {
                        wanted[child] = true;
                    }
                }
                let blocks = form
                    .blocks
                    .iter()
                    .zip(wanted)
                    .filter(|(_, wanted)| *wanted)
                    .map(|(block, _)| block.clone())
                    .collect();
                selected.insert("blocks".into(), Value::Array(blocks));
            }
        }
        Some(Value::Object(selected))
    }

    /// For Textract when activated: the key and aliases of every true key condition whose
    /// enclosing `And`/`Or` nodes are true too, without repeats, in document order.
    pub fn human_loop_context(&self) -> Option<HumanLoopContext> {
        if !self.activated || self.compiled.source() != RequestSource::TextractForms {
            return None;
        }
        let mut keys: Vec<ImportantFormKey> = Vec::new();
        let mut stack: Vec<usize> = self.compiled.top.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            if !self.results[id] {
                continue;
            }
            match &self.compiled.nodes[id].kind {
                NodeKind::And(members) | NodeKind::Or(members) => {
                    stack.extend(members.iter().rev().copied());
                }
                NodeKind::Leaf(leaf) => {
                    let (LeafTest::FormKey(_) | LeafTest::MissingFormKey(_)) = leaf.test else {
                        continue;
                    };
                    let key = ImportantFormKey {
                        important_form_key: leaf.parameters["ImportantFormKey"]
                            .as_str()
                            .expect("checked when parsed")
                            .to_owned(),
                        important_form_key_aliases: leaf
                            .parameters
                            .get("ImportantFormKeyAliases")
                            .and_then(Value::as_array)
                            .map(|aliases| {
                                aliases
                                    .iter()
                                    .filter_map(|a| a.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default(),
                    };
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        Some(HumanLoopContext {
            important_form_keys: keys,
        })
    }
}
