//! Dry run: evaluate a conditions document against a sample inference and explain every leaf,
//! storing nothing. Built for a "try your conditions" screen and endpoint (spec 10, pain
//! point 12).

use serde::Serialize;
use serde_json::Value;

use super::compile::{CompileOptions, CompiledConditions, NodeKind};
use super::document::{ConditionsDocument, ConditionsError};
use super::evaluate::{EvaluationError, Inference, Trace};
use super::ml_output::to_a2i_case;
use super::report::ActivationReport;
use super::source::{ConditionType, RequestSource};

/// The result of a dry run: the report a live evaluation would produce, plus how each leaf
/// reached its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRun {
    #[serde(flatten)]
    pub report: ActivationReport,
    pub leaves: Vec<LeafExplanation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeafExplanation {
    pub path: String,
    pub condition_type: ConditionType,
    pub evaluation_result: bool,
    /// The compiled JsonLogic test.
    pub json_logic: Value,
    /// Every run of the test: one per candidate label or key, or one for the form or the input.
    pub tests: Vec<TestExplanation>,
    /// For `Sampling`: this input's draw in [0, 100); the condition holds when it is below
    /// `RandomSamplingPercentage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_draw: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestExplanation {
    /// What was tested, e.g. `aiServiceResponse.moderationLabels[2]`.
    pub at: String,
    /// The label name or key text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The data the JsonLogic test was given.
    pub data: Value,
    pub result: bool,
}

/// Evaluates `conditions` (the `HumanLoopActivationConditions` text) against `ml_output`.
///
/// `ml_output` is JSON text: either the AI-service response alone, or
/// `{"aiServiceRequest": ..., "aiServiceResponse": ...}` as a loop's input holds them. AWS SDK
/// casing (`ModerationLabels`, `Blocks`) is accepted and converted to A2I's camelCase. Pass the
/// flow definition's options to see the draws its sampling would make.
pub fn dry_run(
    source: RequestSource,
    conditions: &str,
    ml_output: &str,
    options: CompileOptions,
) -> Result<DryRun, DryRunError> {
    let document = ConditionsDocument::parse(source, conditions)?;
    let compiled = CompiledConditions::new(document, options);
    let ml_output: Value = serde_json::from_str(ml_output).map_err(|err| DryRunError::NotJson {
        reason: err.to_string(),
    })?;
    let mut ml_output = to_a2i_case(ml_output);
    let (request, response) = match ml_output.get_mut("aiServiceResponse") {
        Some(response) => {
            let response = response.take();
            (ml_output.get("aiServiceRequest").cloned(), response)
        }
        None => (None, ml_output),
    };
    let mut inference = Inference::new(&response);
    if let Some(request) = &request {
        inference = inference.with_request(request);
    }
    let mut trace = Trace::default();
    let evaluation = compiled.evaluate_traced(inference, Some(&mut trace))?;
    let leaves = compiled
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(id, node)| match &node.kind {
            NodeKind::Leaf(leaf) => Some(LeafExplanation {
                path: node.path.clone(),
                condition_type: leaf.condition_type,
                evaluation_result: evaluation.results[id],
                json_logic: leaf.logic.as_json().clone(),
                tests: trace
                    .tests
                    .iter()
                    .filter(|run| run.node == id)
                    .map(|run| TestExplanation {
                        at: run.at.clone(),
                        name: run.name.clone(),
                        data: run.data.clone(),
                        result: run.result,
                    })
                    .collect(),
                sample_draw: trace
                    .draws
                    .iter()
                    .find(|(node, _)| *node == id)
                    .map(|(_, draw)| draw.value()),
            }),
            _ => None,
        })
        .collect();
    Ok(DryRun {
        report: evaluation.report(),
        leaves,
    })
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DryRunError {
    #[error(transparent)]
    Conditions(#[from] ConditionsError),
    #[error("sample output: not valid JSON: {reason}")]
    NotJson { reason: String },
    #[error(transparent)]
    Evaluation(#[from] EvaluationError),
}
