//! Custom flow definitions (no request source). As in A2I, every `StartHumanLoop` creates a
//! loop. Beyond A2I, a custom flow may be configured with one plain JsonLogic expression over its
//! input content; then a loop is created only when the expression is truthy (spec 10, pain
//! point 2). The feature is off unless an expression is configured.

use serde_json::Value;

use super::document::MAX_DOCUMENT_CHARS;
use super::logic::{JsonLogic, LogicError};

/// The activation rule of a custom flow definition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomFlowConditions {
    expression: Option<JsonLogic>,
}

impl CustomFlowConditions {
    /// A2I's behaviour: every start creates a loop.
    pub fn always() -> Self {
        Self::default()
    }

    /// An expression given as JSON text, held to the same 10,240-character limit as built-in
    /// conditions.
    pub fn parse(text: &str) -> Result<Self, LogicError> {
        let length = text.chars().count();
        if length > MAX_DOCUMENT_CHARS {
            return Err(LogicError::TooLong {
                length,
                max: MAX_DOCUMENT_CHARS,
            });
        }
        let expression: Value = serde_json::from_str(text).map_err(|err| LogicError::NotJson {
            reason: err.to_string(),
        })?;
        Self::from_json(expression)
    }

    pub fn from_json(expression: Value) -> Result<Self, LogicError> {
        Ok(Self {
            expression: Some(JsonLogic::new(expression)?),
        })
    }

    pub fn expression(&self) -> Option<&JsonLogic> {
        self.expression.as_ref()
    }

    /// Decides for one `InputContent`, parsed from its JSON text. The expression's `var`s read
    /// the input content, e.g. `{"var": "score.fraud"}`.
    pub fn decide(&self, input_content: &Value) -> CustomActivation {
        match &self.expression {
            None => CustomActivation::Always,
            Some(expression) => match expression.test(input_content) {
                Ok(true) => CustomActivation::Matched,
                Ok(false) => CustomActivation::NotMatched,
                Err(error) => CustomActivation::Failed(error),
            },
        }
    }
}

/// The decision for one start of a custom flow.
#[derive(Debug, Clone, PartialEq)]
pub enum CustomActivation {
    /// No expression is configured.
    Always,
    /// The expression is truthy for this input.
    Matched,
    /// The expression is falsy for this input: no loop.
    NotMatched,
    /// The expression could not be evaluated on this input. The loop is created anyway: a review
    /// tool should not let an item slip past humans because a rule broke, and the error is kept
    /// for the operator.
    Failed(LogicError),
}

impl CustomActivation {
    pub fn starts_loop(&self) -> bool {
        !matches!(self, Self::NotMatched)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn without_an_expression_every_start_creates_a_loop() {
        let decision = CustomFlowConditions::always().decide(&json!({"taskObject": "x"}));
        assert_eq!(decision, CustomActivation::Always);
        assert!(decision.starts_loop());
    }

    #[test]
    fn an_expression_over_the_input_content_decides() {
        let conditions = CustomFlowConditions::parse(
            r#"{"or": [{">=": [{"var": "score.sample_fraud_detection_insightscore"}, 900]},
                       {"in": [{"var": "taskObject.billing_state"}, ["NJ", "NY"]]}]}"#,
        )
        .unwrap();
        let fraud = json!({"score": {"sample_fraud_detection_insightscore": 996},
                           "taskObject": {"billing_state": "CA"}});
        let state = json!({"score": {"sample_fraud_detection_insightscore": 10},
                           "taskObject": {"billing_state": "NJ"}});
        let neither = json!({"score": {"sample_fraud_detection_insightscore": 10},
                             "taskObject": {"billing_state": "CA"}});
        assert_eq!(conditions.decide(&fraud), CustomActivation::Matched);
        assert_eq!(conditions.decide(&state), CustomActivation::Matched);
        assert_eq!(conditions.decide(&neither), CustomActivation::NotMatched);
        assert!(!conditions.decide(&neither).starts_loop());
    }

    #[test]
    fn a_failing_expression_still_starts_a_loop() {
        let conditions = CustomFlowConditions::from_json(json!({"==": [1]})).unwrap();
        let decision = conditions.decide(&json!({}));
        assert!(matches!(decision, CustomActivation::Failed(_)));
        assert!(decision.starts_loop());
    }

    #[test]
    fn bad_expressions_are_rejected_when_configured() {
        assert!(matches!(
            CustomFlowConditions::parse("{\"var\": "),
            Err(LogicError::NotJson { .. })
        ));
        assert!(matches!(
            CustomFlowConditions::parse(&format!("\"{}\"", "x".repeat(MAX_DOCUMENT_CHARS))),
            Err(LogicError::TooLong { .. })
        ));
        let err = CustomFlowConditions::parse(r#"{"merge": [[{"var": "a"}]]}"#).unwrap_err();
        assert!(
            matches!(err, LogicError::InsideArrayLiteral { .. }),
            "{err}"
        );
    }
}
