//! Human loop activation conditions (spec section 4): when Rekognition or Textract output is to
//! be reviewed by humans, and which part of it.
//!
//! The pipeline, one step per file:
//!
//! 1. [`document`]: the `HumanLoopActivationConditions` text is parsed and checked into a
//!    [`ConditionsDocument`] (condition types per [`RequestSource`], `And`/`Or` with two or more
//!    members, two levels of nesting, parameter names and ranges, 10,240 characters).
//! 2. [`compile`]: each leaf becomes a selector plus a JsonLogic test; the result,
//!    [`CompiledConditions`], is built once per flow definition and evaluated many times.
//! 3. [`evaluate`]: one [`Inference`] in, one [`Evaluation`] out, reading the response once
//!    through the views in [`ml_output`] (only as far as the document's conditions need it),
//!    testing each label or key leaf's candidates together in one JsonLogic call, and drawing
//!    samples with [`sampling`].
//! 4. [`report`]: the evaluation in A2I's shapes (`humanTaskActivationConditionResults`,
//!    `selectedAiServiceResponse`, activation reasons, `humanLoopContext`).
//!
//! [`custom`] covers custom flow definitions, [`dry_run`](mod@dry_run) the store-nothing trial, and
//! [`logic`] is the one place that calls the JsonLogic evaluator (and explains what a call of
//! it costs).
//!
//! ```
//! use loupe_engine::conditions::{CompiledConditions, Inference, RequestSource};
//! use serde_json::json;
//!
//! let conditions = CompiledConditions::compile(
//!     RequestSource::RekognitionModeration,
//!     r#"{"Conditions": [{"ConditionType": "ModerationLabelConfidenceCheck",
//!         "ConditionParameters": {"ModerationLabelName": "*", "ConfidenceGreaterThanEquals": 75}}]}"#,
//! )?;
//! let response = json!({"moderationLabels": [
//!     {"confidence": 80.5, "name": "Suggestive", "parentName": ""},
//!     {"confidence": 60.0, "name": "Revealing Clothes", "parentName": "Suggestive"}]});
//! let evaluation = conditions.evaluate(Inference::new(&response))?;
//! assert!(evaluation.is_activated());
//! let report = evaluation.report();
//! assert_eq!(report.selected_ai_service_response.unwrap()["moderationLabels"][0]["name"], "Suggestive");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod compile;
pub mod custom;
pub mod document;
pub mod dry_run;
pub mod evaluate;
pub mod lab;
pub mod logic;
pub mod ml_output;
pub mod report;
pub mod sampling;
mod selection;
pub mod source;

pub use compile::{CompileOptions, CompiledConditions, WordBlockRule};
pub use custom::{CustomActivation, CustomFlowConditions};
pub use document::{
    Check, Comparison, Condition, ConditionsDocument, ConditionsError, Confidence, FormKey, Leaf,
    MAX_DOCUMENT_CHARS, MAX_NESTING, NamePattern, SamplingPercentage, Threshold, Thresholds,
};
pub use dry_run::{DryRun, DryRunError, LeafExplanation, TestExplanation, dry_run};
pub use evaluate::{Evaluation, EvaluationError, Inference};
pub use logic::{JsonLogic, LogicError};
pub use ml_output::{MlOutputError, to_a2i_case};
pub use report::{
    ActivationReason, ActivationReport, HumanLoopActivationOutput, HumanLoopContext,
    ImportantFormKey,
};
pub use sampling::{SampleDraw, SampleKey};
pub use source::{ConditionType, RequestSource, UnknownRequestSource};
