//! JsonLogic expressions and the one door to the `jsonlogic-rs` evaluator.
//!
//! Nothing else in the crate calls `jsonlogic_rs`: if the evaluator is ever swapped, this file is
//! the whole change. Expressions are checked when they are built, so shapes that jsonlogic-rs
//! 0.5 gets wrong never reach it: operations nested inside array literals (it returns them
//! unevaluated), objects that are not a single known operation (it treats them as data) and
//! `log` (it prints to standard output).
//!
//! jsonlogic-rs 0.5 has one entry point, `apply(&rule, &data)`, and it parses the rule on every
//! call: there is no way to hand it a parsed rule. Parsing is most of the cost of a call (three
//! operator-table lookups per object in the rule, and an allocation or two for every node), so
//! [`JsonLogic::test_each`] tests many inputs in one call, with the expression wrapped in `map`
//! (built once, with the expression), which parses the expression once for all of them.

use std::fmt;

use serde_json::{Value, json};

use super::document::json_kind;

/// Every operation jsonlogic-rs 0.5 knows, except `log`.
const OPERATIONS: &[&str] = &[
    "==",
    "!=",
    "===",
    "!==",
    "!",
    "!!",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "max",
    "min",
    "merge",
    "in",
    "cat",
    "substr",
    "var",
    "missing",
    "missing_some",
    "if",
    "?:",
    "or",
    "and",
    "map",
    "filter",
    "reduce",
    "all",
    "some",
    "none",
];

/// From this many inputs on, [`JsonLogic::test_each`] makes one `map` call rather than one call
/// per input. Measured with callgrind on jsonlogic-rs 0.5, in instructions: a single comparison
/// costs 5,500 a call, or 10,000 for a `map` call plus 2,200 an input; a two-comparison `and`
/// 16,200, or 15,000 plus 11,500; a form-key test (`and` of `all` and `some`) 50,800, or 23,000
/// plus 47,500. `map` breaks even between 3 and 3.4 inputs and wins from 4 on.
const MAP_FROM: usize = 4;

/// A JsonLogic expression of a shape the evaluator handles correctly.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonLogic {
    expression: Value,
    /// `{"map": [{"var": []}, expression]}`: the expression over every element of the data.
    each: Value,
}

impl JsonLogic {
    pub fn new(expression: Value) -> Result<Self, LogicError> {
        check_expression(&expression, &mut LogicPath::default())?;
        let each = json!({"map": [{"var": []}, expression.clone()]});
        Ok(Self { expression, each })
    }

    pub fn as_json(&self) -> &Value {
        &self.expression
    }

    pub fn into_json(self) -> Value {
        self.expression
    }

    /// Evaluates the expression against `data`.
    pub fn apply(&self, data: &Value) -> Result<Value, LogicError> {
        evaluate(&self.expression, data)
    }

    /// Evaluates the expression and reads the result with JsonLogic's truthiness.
    pub fn test(&self, data: &Value) -> Result<bool, LogicError> {
        self.apply(data).map(|result| truthy(&result))
    }

    /// Tests every element of `inputs`, a JSON array, as [`test`](Self::test) would, and calls
    /// `result` with each element's index and result, in order. Fewer than `MAP_FROM` (4)
    /// elements are tested one call each; more are tested in a single call of
    /// `{"map": [{"var": []}, expression]}`, so the evaluator parses the expression once instead
    /// of once per element. The first failure fails the whole test.
    pub(crate) fn test_each(
        &self,
        inputs: &Value,
        mut result: impl FnMut(usize, bool),
    ) -> Result<(), LogicError> {
        let Value::Array(items) = inputs else {
            return Err(LogicError::Failed {
                reason: format!("expected an array of inputs, found {}", json_kind(inputs)),
            });
        };
        if items.len() < MAP_FROM {
            for (i, item) in items.iter().enumerate() {
                result(i, self.test(item)?);
            }
            return Ok(());
        }
        match evaluate(&self.each, inputs)? {
            Value::Array(results) if results.len() == items.len() => {
                for (i, value) in results.iter().enumerate() {
                    result(i, truthy(value));
                }
                Ok(())
            }
            other => Err(LogicError::Failed {
                reason: format!(
                    "map over {} inputs returned {}",
                    items.len(),
                    json_kind(&other)
                ),
            }),
        }
    }

    /// [`test_each`](Self::test_each) for `count` inputs made as they are needed, each with the
    /// item it is about, which is handed back with its result. Few inputs are tested one call
    /// each without being collected into an array first.
    pub(crate) fn test_each_of<T>(
        &self,
        count: usize,
        inputs: impl Iterator<Item = (T, Value)>,
        mut result: impl FnMut(T, bool),
    ) -> Result<(), LogicError> {
        if count < MAP_FROM {
            for (item, input) in inputs {
                result(item, self.test(&input)?);
            }
            return Ok(());
        }
        let (items, inputs): (Vec<T>, Vec<Value>) = inputs.unzip();
        let mut items = items.into_iter();
        self.test_each(&Value::Array(inputs), |_, passed| {
            result(items.next().expect("one item per input"), passed)
        })
    }
}

/// The one call of the evaluator.
fn evaluate(rule: &Value, data: &Value) -> Result<Value, LogicError> {
    jsonlogic_rs::apply(rule, data).map_err(|err| LogicError::Failed {
        reason: err.to_string(),
    })
}

/// JsonLogic's truthiness (jsonlogic.com/truthy.html): `false`, `null`, `0`, `""` and `[]` are
/// false; everything else, every object and the string `"0"` included, is true.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(_) => true,
    }
}

/// An operation's arguments are expressions; any other array is a literal and may hold data only.
fn check_expression(value: &Value, path: &mut LogicPath) -> Result<(), LogicError> {
    match value {
        Value::Object(map) => {
            let mut entries = map.iter();
            let (Some((operator, arguments)), None) = (entries.next(), entries.next()) else {
                return Err(LogicError::NotAnOperation {
                    path: path.to_string(),
                    keys: map.len(),
                });
            };
            if operator == "log" {
                return Err(LogicError::Log {
                    path: path.to_string(),
                });
            }
            if !OPERATIONS.contains(&operator.as_str()) {
                return Err(LogicError::UnknownOperation {
                    path: path.to_string(),
                    operator: operator.clone(),
                });
            }
            path.push(operator.clone());
            let checked = match arguments {
                Value::Array(items) => check_each(items, path, check_expression),
                single => check_expression(single, path),
            };
            path.pop();
            checked
        }
        Value::Array(items) => check_each(items, path, check_literal),
        _ => Ok(()),
    }
}

fn check_literal(value: &Value, path: &mut LogicPath) -> Result<(), LogicError> {
    match value {
        Value::Object(_) => Err(LogicError::InsideArrayLiteral {
            path: path.to_string(),
            found: json_kind(value),
        }),
        Value::Array(items) => check_each(items, path, check_literal),
        _ => Ok(()),
    }
}

/// Checks every element of an array, each under its index in the path.
fn check_each(
    items: &[Value],
    path: &mut LogicPath,
    check: fn(&Value, &mut LogicPath) -> Result<(), LogicError>,
) -> Result<(), LogicError> {
    items.iter().enumerate().try_for_each(|(i, item)| {
        path.push(format!("[{i}]"));
        let checked = check(item, path);
        path.pop();
        checked
    })
}

/// Where in an expression a problem is: `expression.and[1].in[1][0]`.
#[derive(Debug, Default)]
struct LogicPath(Vec<String>);

impl LogicPath {
    fn push(&mut self, segment: String) {
        self.0.push(segment);
    }

    fn pop(&mut self) {
        self.0.pop();
    }
}

impl fmt::Display for LogicPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expression")?;
        for segment in &self.0 {
            if !segment.starts_with('[') {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LogicError {
    #[error("expression: not valid JSON: {reason}")]
    NotJson { reason: String },
    #[error("expression: {length} characters, more than the {max} allowed")]
    TooLong { length: usize, max: usize },
    #[error(
        "{path}: an object must be one operation such as {{\"var\": \"name\"}}, found {keys} keys"
    )]
    NotAnOperation { path: String, keys: usize },
    #[error("{path}: {operator:?} is not a JsonLogic operation")]
    UnknownOperation { path: String, operator: String },
    #[error("{path}: \"log\" is not allowed, it would write to the server's output")]
    Log { path: String },
    #[error(
        "{path}: an array literal may hold only plain values, found {found}; operations inside array literals are not evaluated"
    )]
    InsideArrayLiteral { path: String, found: &'static str },
    #[error("the expression failed on this input: {reason}")]
    Failed { reason: String },
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn evaluates_comparisons_and_quantifiers() {
        let le = JsonLogic::new(json!({"<=": [{"var": ""}, 99]})).unwrap();
        assert!(le.test(&json!(99)).unwrap());
        assert!(le.test(&json!(98.99)).unwrap());
        assert!(!le.test(&json!(99.000001)).unwrap());

        let some =
            JsonLogic::new(json!({"some": [{"var": "w"}, {"<": [{"var": ""}, 85]}]})).unwrap();
        assert!(some.test(&json!({"w": [90, 84.9]})).unwrap());
        assert!(!some.test(&json!({"w": [90, 85]})).unwrap());
        assert!(!some.test(&json!({"w": []})).unwrap());
    }

    #[test]
    fn truthiness_follows_jsonlogic() {
        for falsy in [json!(null), json!(false), json!(0), json!(""), json!([])] {
            assert!(!truthy(&falsy), "{falsy}");
        }
        for truthy_value in [json!(true), json!(1), json!("0"), json!([0]), json!({})] {
            assert!(truthy(&truthy_value), "{truthy_value}");
        }
    }

    #[test]
    fn rejects_shapes_the_evaluator_gets_wrong() {
        let err = JsonLogic::new(json!({"in": [{"var": "a"}, ["x", {"var": "b"}]]})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expression.in[1][1]: an array literal may hold only plain values, found an object; operations inside array literals are not evaluated"
        );
        let err = JsonLogic::new(json!({"and": [true, {"frobnicate": [1]}]})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expression.and[1]: \"frobnicate\" is not a JsonLogic operation"
        );
        let err = JsonLogic::new(json!({"a": 1, "b": 2})).unwrap_err();
        assert!(matches!(err, LogicError::NotAnOperation { keys: 2, .. }));
        let err = JsonLogic::new(json!({"log": "hi"})).unwrap_err();
        assert!(matches!(err, LogicError::Log { .. }));
    }

    #[test]
    fn plain_array_literals_and_unary_arguments_are_fine() {
        let logic = JsonLogic::new(json!({"in": [{"var": "k"}, ["a", "b"]]})).unwrap();
        assert!(logic.test(&json!({"k": "b"})).unwrap());
        let logic = JsonLogic::new(json!({"!": {"var": "flag"}})).unwrap();
        assert!(logic.test(&json!({"flag": false})).unwrap());
    }

    fn each(logic: &JsonLogic, inputs: &Value) -> Result<Vec<bool>, LogicError> {
        let mut results = Vec::new();
        logic.test_each(inputs, |i, result| {
            assert_eq!(i, results.len());
            results.push(result);
        })?;
        Ok(results)
    }

    #[test]
    fn testing_each_input_agrees_with_testing_them_one_by_one() {
        let logic =
            JsonLogic::new(json!({"and": [{">": [{"var": []}, 10]}, {"<=": [{"var": []}, 90]}]}))
                .unwrap();
        let values = [5.0, 10.0, 10.5, 90.0, 90.25, 0.0, 100.0];
        // Fewer inputs than MAP_FROM are tested one call each, more in one `map` call.
        for n in 0..=values.len() {
            let inputs = Value::Array(values[..n].iter().map(|&v| json!(v)).collect());
            let one_by_one: Vec<bool> = values[..n]
                .iter()
                .map(|&v| logic.test(&json!(v)).unwrap())
                .collect();
            assert_eq!(each(&logic, &inputs).unwrap(), one_by_one, "{n} inputs");
        }
        for n in 0..=values.len() {
            let mut results = Vec::new();
            logic
                .test_each_of(n, values[..n].iter().map(|&v| (v, json!(v))), |v, r| {
                    results.push((v, r))
                })
                .unwrap();
            let expected: Vec<(f64, bool)> = values[..n]
                .iter()
                .copied()
                .zip(each(&logic, &json!(values[..n])).unwrap())
                .collect();
            assert_eq!(results, expected);
        }
        // Objects as inputs, and JsonLogic's truthiness of the results.
        let words =
            JsonLogic::new(json!({"some": [{"var": "w"}, {"<": [{"var": []}, 85]}]})).unwrap();
        let inputs = json!([{"w": [90]}, {"w": [84]}, {"w": []}, {"w": [1, 99]}]);
        assert_eq!(each(&words, &inputs).unwrap(), [false, true, false, true]);
        let count = JsonLogic::new(json!({"var": "n"})).unwrap();
        assert_eq!(
            each(&count, &json!([{"n": 0}, {"n": 2}, {"n": "0"}, {"n": ""}])).unwrap(),
            [false, true, true, false]
        );
        assert!(matches!(
            each(&logic, &json!(5)),
            Err(LogicError::Failed { .. })
        ));
    }

    #[test]
    fn evaluation_failures_are_reported() {
        let logic = JsonLogic::new(json!({"==": [1]})).unwrap();
        assert!(matches!(
            logic.apply(&json!({})),
            Err(LogicError::Failed { .. })
        ));
        let many = json!([1, 2, 3, 4]);
        assert_eq!(
            each(&logic, &many).unwrap_err(),
            logic.apply(&json!(1)).unwrap_err()
        );
    }
}
