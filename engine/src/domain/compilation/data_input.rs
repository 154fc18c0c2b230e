//! `InputConfig.DataInputConfig`: the names and shapes of a model's inputs, in the three forms
//! SageMaker's documentation gives (spec 3.5.1, seed):
//!
//! * the console's dictionary, `{"data":[1,3,224,224]}`, and with several inputs
//!   `{"var1": [1,1,28,28], "var2": [1,1,28,28]}`;
//! * the CLI's dictionary, the same with its quotes escaped, `{\"data\":[1,3,224,224]}`, as it
//!   arrives when the escaped text is pasted where plain JSON is expected;
//! * PyTorch's list of shapes, `[[1,3,224,224]]`, which names no input: the shapes go to the
//!   model's inputs in order.
//!
//! The text is read when the job is created, so a malformed one is a `ValidationException`; the
//! names are checked against the model when it compiles, and an unknown one fails the job.

use serde_json::Value;

/// The longest `DataInputConfig` of the model.
pub const MAX_CHARS: usize = 16384;

/// One input's shape, and its name unless given by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputShape {
    pub name: Option<String>,
    pub dims: Vec<usize>,
}

/// The inputs a `DataInputConfig` describes, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputShapes(Vec<InputShape>);

impl InputShapes {
    /// Reads any of the three forms; the message says what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let value: Value = match serde_json::from_str(raw.trim()) {
            Ok(value) => value,
            // The CLI's form: quotes escaped once more than JSON wants.
            Err(first) => serde_json::from_str(&raw.trim().replace("\\\"", "\""))
                .map_err(|_| format!("it is not JSON ({first})"))?,
        };
        let shapes = match value {
            Value::Object(members) => {
                if members.is_empty() {
                    return Err("it names no input".to_owned());
                }
                members
                    .into_iter()
                    .map(|(name, shape)| {
                        if name.trim().is_empty() {
                            return Err("an input name is empty".to_owned());
                        }
                        let dims = dims(&shape).map_err(|e| format!("input {name:?}: {e}"))?;
                        Ok(InputShape {
                            name: Some(name),
                            dims,
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            Value::Array(items) => {
                if items.is_empty() {
                    return Err("the list of shapes is empty".to_owned());
                }
                // One bare shape, `[1,3,224,224]`, is one input too.
                let items = if items.iter().all(Value::is_number) {
                    vec![Value::Array(items)]
                } else {
                    items
                };
                items
                    .iter()
                    .enumerate()
                    .map(|(index, shape)| {
                        let dims = dims(shape).map_err(|e| format!("shape {}: {e}", index + 1))?;
                        Ok::<_, String>(InputShape { name: None, dims })
                    })
                    .collect::<Result<Vec<_>, _>>()?
            }
            _ => {
                return Err(
                    "it must be a dictionary of input names to shapes, or a list of shapes"
                        .to_owned(),
                );
            }
        };
        Ok(Self(shapes))
    }

    pub fn shapes(&self) -> &[InputShape] {
        &self.0
    }

    /// As one line of JSON in the console's form: `{"data":[1,3,224,224]}`, or a list of shapes
    /// when none is named (Describe's `DerivedInformation`, the manifest).
    pub fn to_json(&self) -> String {
        let dims = |shape: &InputShape| Value::from(shape.dims.clone());
        if self.0.iter().all(|shape| shape.name.is_some()) {
            let members: serde_json::Map<String, Value> = self
                .0
                .iter()
                .map(|shape| (shape.name.clone().unwrap_or_default(), dims(shape)))
                .collect();
            Value::Object(members).to_string()
        } else {
            Value::Array(self.0.iter().map(dims).collect()).to_string()
        }
    }
}

fn dims(shape: &Value) -> Result<Vec<usize>, String> {
    let Value::Array(items) = shape else {
        return Err("a shape is a list of dimensions, such as [1,3,224,224]".to_owned());
    };
    if items.len() > 8 {
        return Err(format!(
            "{} dimensions, more than the 8 allowed",
            items.len()
        ));
    }
    items
        .iter()
        .map(|item| match item.as_u64() {
            Some(dim @ 1..=1_000_000) => Ok(dim as usize),
            _ => Err(format!(
                "dimension {item} is not a whole number from 1 to 1000000"
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, dims: &[usize]) -> InputShape {
        InputShape {
            name: Some(name.to_owned()),
            dims: dims.to_vec(),
        }
    }

    #[test]
    fn the_console_form_names_inputs_in_order() {
        let shapes = InputShapes::parse(r#"{"var1": [1,1,28,28], "var2":[1,1,28,28]}"#).unwrap();
        assert_eq!(
            shapes.shapes(),
            [
                named("var1", &[1, 1, 28, 28]),
                named("var2", &[1, 1, 28, 28])
            ]
        );
        assert_eq!(
            shapes.to_json(),
            r#"{"var1":[1,1,28,28],"var2":[1,1,28,28]}"#
        );
    }

    #[test]
    fn the_cli_form_with_escaped_quotes_reads_the_same() {
        let cli = InputShapes::parse(r#"{\"data\":[1,3,224,224]}"#).unwrap();
        assert_eq!(cli.shapes(), [named("data", &[1, 3, 224, 224])]);
    }

    #[test]
    fn pytorch_lists_give_shapes_by_position() {
        let two = InputShapes::parse("[[1,3,224,224], [1,3,224,224]]").unwrap();
        assert_eq!(two.shapes().len(), 2);
        assert!(two.shapes().iter().all(|s| s.name.is_none()));
        assert_eq!(two.to_json(), "[[1,3,224,224],[1,3,224,224]]");
        let bare = InputShapes::parse("[1,64]").unwrap();
        assert_eq!(bare.shapes()[0].dims, [1, 64]);
    }

    #[test]
    fn malformed_texts_say_what_is_wrong() {
        for (raw, expected) in [
            ("{data: [1]}", "not JSON"),
            ("{}", "names no input"),
            ("[]", "empty"),
            ("42", "dictionary of input names"),
            (r#"{"data": "1,3"}"#, "input \"data\": a shape is a list"),
            (r#"{"data": [1, 0, 3]}"#, "dimension 0"),
            (r#"{"data": [1, -3]}"#, "dimension -3"),
            (r#"{"data": [1.5]}"#, "dimension 1.5"),
            ("[[1,2],[3,\"x\"]]", "shape 2"),
        ] {
            let err = InputShapes::parse(raw).unwrap_err();
            assert!(err.contains(expected), "{raw}: {err}");
        }
    }
}
