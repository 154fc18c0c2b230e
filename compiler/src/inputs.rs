//! Fixing the model's input shapes from `DataInputConfig`, by name or by position.

use tract_onnx::prelude::{DatumType, InferenceFact, InferenceModel};
use tract_onnx::tract_hir::infer::{Factoid, GenericFactoid, ShapeFactoid};

use crate::error::CompileError;
use crate::{ModelFormat, ModelInput};

/// A model input with its shape fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedInput {
    pub name: String,
    pub shape: Vec<usize>,
    pub datum_type: DatumType,
}

/// Sets every model input's fact to a concrete type and shape, from `given` where it names the
/// input (or stands at its position), else from what the model itself declares.
pub(crate) fn apply(
    model: &mut InferenceModel,
    given: &[ModelInput],
    format: ModelFormat,
) -> Result<Vec<ResolvedInput>, CompileError> {
    let names = input_names(model);
    if names.is_empty() {
        return Err(CompileError::new(
            "The model has no inputs, so there is nothing to compile for a device. Export it \
             again with its input tensors as graph inputs.",
        ));
    }
    let listed = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");

    let mut chosen: Vec<Option<&[usize]>> = vec![None; names.len()];
    for (position, input) in given.iter().enumerate() {
        let ix = match &input.name {
            Some(name) => lookup(&names, name, format).ok_or_else(|| {
                CompileError::new(format!(
                    "DataInputConfig names the input \"{name}\", but the model has no input of \
                     that name. The model's inputs are {listed}: use those names as the keys of \
                     DataInputConfig."
                ))
            })?,
            None if position < names.len() => position,
            None => {
                return Err(CompileError::new(format!(
                    "DataInputConfig lists {} input shapes, but the model has {} input(s) \
                     ({listed}). Give one shape per model input, in the model's order.",
                    given.len(),
                    names.len()
                )));
            }
        };
        if chosen[ix].is_some() {
            return Err(CompileError::new(format!(
                "DataInputConfig gives the shape of the input \"{}\" twice. Give each input's \
                 shape once.",
                names[ix]
            )));
        }
        chosen[ix] = Some(&input.shape);
    }

    let mut resolved = Vec::with_capacity(names.len());
    for (ix, name) in names.iter().enumerate() {
        let declared = model
            .input_fact(ix)
            .map_err(|e| CompileError::new(format!("tract lost the model's input #{ix}: {e}")))?
            .clone();
        let datum_type = declared.datum_type.concretize().unwrap_or(DatumType::F32);
        let shape = match chosen[ix] {
            Some(shape) => check_given(name, shape, &declared.shape)?,
            None => declared_shape(&declared.shape).ok_or_else(|| {
                CompileError::new(format!(
                    "The model's input \"{name}\" has no fixed shape (it declares {}). Give its \
                     shape in DataInputConfig, for example {{\"{name}\": [1, 3, 224, 224]}}.",
                    show_declared(&declared.shape)
                ))
            })?,
        };
        model
            .set_input_fact(ix, InferenceFact::dt_shape(datum_type, shape.as_slice()))
            .map_err(|e| {
                CompileError::new(format!("tract refused the shape of \"{name}\": {e}"))
            })?;
        resolved.push(ResolvedInput {
            name: name.clone(),
            shape,
            datum_type,
        });
    }
    Ok(resolved)
}

/// The model's input names, in the model's order: the ONNX graph input or TensorFlow
/// `Placeholder` each one comes from.
fn input_names(model: &InferenceModel) -> Vec<String> {
    model
        .input_outlets()
        .map(|outlets| {
            outlets
                .iter()
                .map(|o| model.node(o.node).name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// TensorFlow users often name a tensor rather than its op: `input:0` is op `input`'s output 0.
fn lookup(names: &[String], wanted: &str, format: ModelFormat) -> Option<usize> {
    names
        .iter()
        .position(|n| n == wanted)
        .or_else(|| match format {
            ModelFormat::TensorflowFrozenGraph => {
                let op = wanted.strip_suffix(":0")?;
                names.iter().position(|n| n == op)
            }
            ModelFormat::Onnx => None,
        })
}

fn check_given(
    name: &str,
    shape: &[usize],
    declared: &ShapeFactoid,
) -> Result<Vec<usize>, CompileError> {
    if shape.is_empty() || shape.contains(&0) {
        return Err(CompileError::new(format!(
            "DataInputConfig gives the input \"{name}\" the shape {shape:?}; every dimension must \
             be at least 1 (for example [1, 3, 224, 224])."
        )));
    }
    if !declared.is_open() {
        let rank = declared.dims().count();
        if rank != shape.len() {
            return Err(CompileError::new(format!(
                "DataInputConfig gives the input \"{name}\" the shape {shape:?} with {} \
                 dimension(s), but the model declares {} with {rank}. Give a shape with {rank} \
                 dimensions.",
                shape.len(),
                show_declared(declared),
            )));
        }
        for (axis, (dim, wanted)) in declared.dims().zip(shape).enumerate() {
            if let GenericFactoid::Only(dim) = dim
                && let Ok(fixed) = dim.to_i64()
                && fixed != *wanted as i64
            {
                return Err(CompileError::new(format!(
                    "DataInputConfig gives the input \"{name}\" the shape {shape:?}, but the \
                     model fixes its dimension {axis} at {fixed} (it declares {}). Give {fixed} \
                     there.",
                    show_declared(declared),
                )));
            }
        }
    }
    Ok(shape.to_vec())
}

fn declared_shape(declared: &ShapeFactoid) -> Option<Vec<usize>> {
    declared
        .as_concrete_finite()
        .ok()
        .flatten()
        .map(|dims| dims.to_vec())
}

/// A declared shape as a person reads it: `[?, 3, 224, 224]`, `[N, 64]`, or `an unknown shape`.
fn show_declared(declared: &ShapeFactoid) -> String {
    if declared.is_open() && declared.dims().count() == 0 {
        return "an unknown shape".into();
    }
    let mut dims: Vec<String> = declared
        .dims()
        .map(|d| match d {
            GenericFactoid::Only(d) => d.to_string(),
            GenericFactoid::Any => "?".into(),
        })
        .collect();
    if declared.is_open() {
        dims.push("…".into());
    }
    format!("[{}]", dims.join(", "))
}
