//! The verification run: the optimised model and the written artifact, fed the same deterministic
//! input, must agree; their outputs and the run's latency go into the manifest.

use std::time::{Duration, Instant};

use tract_nnef::prelude::{DatumType, IntoTValue, TValue, TVec, Tensor, TypedModel};

use crate::artifact;
use crate::error::{CompileError, brief};
use crate::manifest::{OutputSummary, Verification};

/// How [`verification_input`] fills a tensor, in words a Python script can follow.
pub const VERIFICATION_INPUT_FORMULA: &str = "Each input is filled in row-major (C) order, i \
     being the flat element index from 0: float inputs hold x_i = sin(i) * 0.5 (computed in \
     float64, then cast to the input's type, as numpy's \
     (np.sin(np.arange(n, dtype=np.float64)) * 0.5).astype(dtype)), integer inputs hold i mod \
     10, boolean inputs hold (i mod 2 == 1).";

/// How many leading values of each output the manifest records.
const FIRST_VALUES: usize = 8;

/// Timed runs after the warm-up one, and the wall time they may take together.
const TIMED_RUNS: usize = 5;
const TIMING_BUDGET: Duration = Duration::from_secs(2);

/// The deterministic input for one model input, as [`VERIFICATION_INPUT_FORMULA`] describes.
pub fn verification_input(datum_type: DatumType, shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let tensor = if datum_type.is_float() {
        let values: Vec<f64> = (0..n).map(|i| (i as f64).sin() * 0.5).collect();
        Tensor::from_shape(shape, &values)
    } else if datum_type == DatumType::Bool {
        let values: Vec<bool> = (0..n).map(|i| i % 2 == 1).collect();
        Tensor::from_shape(shape, &values)
    } else {
        let values: Vec<i64> = (0..n).map(|i| (i % 10) as i64).collect();
        Tensor::from_shape(shape, &values)
    };
    tensor
        .and_then(|t| t.cast_to_dt(datum_type).map(|c| c.into_owned()))
        .unwrap_or_else(|_| Tensor::zero_dt(datum_type, shape).expect("a plain datum type"))
}

/// The deterministic inputs for every input of `model`.
pub(crate) fn inputs_for(model: &TypedModel) -> Result<TVec<TValue>, CompileError> {
    (0..model.inputs.len())
        .map(|ix| {
            let fact = model.input_fact(ix).map_err(|e| internal(&e))?;
            let shape = fact.shape.as_concrete().ok_or_else(|| {
                CompileError::new(format!(
                    "The model's input #{ix} still has an unknown shape ({fact:?}) after type \
                     checking. Give its full shape in DataInputConfig."
                ))
            })?;
            Ok(verification_input(fact.datum_type, shape).into_tvalue())
        })
        .collect()
}

pub(crate) fn verify(
    optimised: &crate::Runnable,
    nnef: &[u8],
    output_names: &[String],
) -> Result<Verification, CompileError> {
    let inputs = inputs_for(optimised.model())?;
    let outputs = optimised.run(inputs.clone()).map_err(|e| {
        CompileError::new(format!(
            "The optimised model failed on the verification input ({}).",
            brief(&e)
        ))
    })?;

    let mut timings = Vec::with_capacity(TIMED_RUNS);
    let started = Instant::now();
    while timings.len() < TIMED_RUNS && (timings.is_empty() || started.elapsed() < TIMING_BUDGET) {
        let run = Instant::now();
        optimised.run(inputs.clone()).map_err(|e| internal(&e))?;
        timings.push(run.elapsed());
    }
    timings.sort();
    let median = timings[timings.len() / 2];

    let reloaded = artifact::read_nnef(nnef)
        .and_then(artifact::runnable)
        .map_err(|e| {
            CompileError::new(format!(
                "The written artifact could not be loaded back into tract ({}).",
                e.reason
            ))
        })?;
    let reloaded_outputs = reloaded.run(inputs).map_err(|e| {
        CompileError::new(format!(
            "The written artifact failed on the verification input ({}).",
            brief(&e)
        ))
    })?;
    agree(&outputs, &reloaded_outputs)?;

    let summaries = outputs
        .iter()
        .enumerate()
        .map(|(ix, t)| {
            summarise(
                output_names
                    .get(ix)
                    .cloned()
                    .unwrap_or_else(|| format!("output_{ix}")),
                t,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Verification {
        input: VERIFICATION_INPUT_FORMULA.to_string(),
        host_arch: std::env::consts::ARCH.to_string(),
        latency_micros: Some(median.as_micros() as u64),
        outputs: summaries,
    })
}

/// The artifact reproduces the in-memory model: same shapes, same values up to float noise.
fn agree(expected: &[TValue], got: &[TValue]) -> Result<(), CompileError> {
    let mismatch = |what: String| {
        CompileError::new(format!(
            "The written artifact does not reproduce the compiled model ({what}). This is a bug \
             in Loupe's compiler; please report it with the model."
        ))
    };
    if expected.len() != got.len() {
        return Err(mismatch(format!(
            "{} outputs instead of {}",
            got.len(),
            expected.len()
        )));
    }
    for (ix, (e, g)) in expected.iter().zip(got).enumerate() {
        if e.shape() != g.shape() {
            return Err(mismatch(format!(
                "output #{ix} has shape {:?}, not {:?}",
                g.shape(),
                e.shape()
            )));
        }
        if let (Ok(e), Ok(g)) = (values(e), values(g)) {
            for (a, b) in e.iter().zip(&g) {
                if (a - b).abs() > 1e-4 * a.abs().max(1.0) {
                    return Err(mismatch(format!(
                        "output #{ix} holds {b} where {a} was computed"
                    )));
                }
            }
        }
    }
    Ok(())
}

fn summarise(name: String, tensor: &Tensor) -> Result<OutputSummary, CompileError> {
    let values = values(tensor).unwrap_or_default();
    Ok(OutputSummary {
        name,
        shape: tensor.shape().to_vec(),
        datum_type: crate::manifest::datum_type_name(tensor.datum_type()),
        first_values: values.iter().take(FIRST_VALUES).copied().collect(),
        sum: values.iter().sum(),
    })
}

/// A numeric tensor's values as f64, in row-major order.
fn values(tensor: &Tensor) -> Result<Vec<f64>, CompileError> {
    let as_f64 = tensor.cast_to::<f64>().map_err(|e| internal(&e))?;
    let view = as_f64
        .to_plain_array_view::<f64>()
        .map_err(|e| internal(&e))?;
    Ok(view.iter().copied().collect())
}

fn internal(error: &tract_nnef::prelude::TractError) -> CompileError {
    CompileError::new(format!(
        "tract failed while verifying the model ({}).",
        brief(error)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_follows_the_documented_formula() {
        let t = verification_input(DatumType::F32, &[2, 3]);
        let values = t
            .to_plain_array_view::<f32>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>();
        let expected: Vec<f32> = (0..6).map(|i| ((i as f64).sin() * 0.5) as f32).collect();
        assert_eq!(values, expected);
        assert_eq!(t.shape(), &[2, 3]);

        let ints = verification_input(DatumType::I64, &[12]);
        let ints = ints
            .to_plain_array_view::<i64>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>();
        assert_eq!(ints, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);

        let flags = verification_input(DatumType::Bool, &[3]);
        let flags = flags
            .to_plain_array_view::<bool>()
            .unwrap()
            .iter()
            .copied()
            .collect::<Vec<_>>();
        assert_eq!(flags, vec![false, true, false]);
    }
}
