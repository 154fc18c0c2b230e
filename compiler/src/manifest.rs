//! `manifest.json`: what was compiled, for which device, and what the verification run saw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tract_nnef::prelude::{DatumType, TypedModel};
use tract_nnef::tract_core::ops::konst::Const;

use crate::archive::ModelFile;
use crate::error::{CompileError, brief};
use crate::inputs::ResolvedInput;
use crate::source::SourceFacts;
use crate::{CompileRequest, ModelFormat, TRACT_VERSION};

/// Bumped when a field changes meaning, so a reader can tell manifests apart.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    pub target_device: String,
    pub cpu_arch: String,
    /// The framework the source model came from: `ONNX` or `TENSORFLOW`.
    pub framework: ModelFormat,
    /// The model file's path inside the uploaded archive.
    pub source_model: String,
    /// Hex SHA-256 of that file's bytes.
    pub source_sha256: String,
    /// The default-domain operator set an ONNX model was exported with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onnx_opset: Option<i64>,
    pub inputs: Vec<TensorSpec>,
    pub outputs: Vec<TensorSpec>,
    /// Operator type → how many nodes of the uploaded graph use it (ONNX `op_type`, TensorFlow
    /// `op` without `Const` and `Placeholder`).
    pub source_operators: BTreeMap<String, u64>,
    /// tract operator name → how many nodes of the artifact's decluttered graph use it, leaving
    /// out constants and inputs. Decluttering rewrites some operators into simpler ones (ONNX's
    /// Relu becomes `Max` against 0, a BatchNormalization after a Conv folds into the Conv).
    pub operators: BTreeMap<String, u64>,
    /// How many numbers the model's constants hold, and their size in bytes.
    pub parameter_count: u64,
    pub parameter_bytes: u64,
    /// The NNEF archive inside the artifact.
    pub model_file: String,
    pub verification: Verification,
    /// The tract version that wrote the NNEF; a device needs a tract runtime at least this new.
    pub tract_version: String,
    /// `loupe-compiler <version>`.
    pub compiler: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TensorSpec {
    pub name: String,
    pub shape: Vec<usize>,
    /// tract's name for the element type, lower case: `f32`, `i64`, `bool`, …
    pub datum_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// How the deterministic input was made.
    pub input: String,
    /// The architecture of the machine that ran the verification (the compile host, which need
    /// not be the target).
    pub host_arch: String,
    /// Median wall time of a few runs of the optimised model on the compile host. Left out of the
    /// manifest stored in the artifact, which must not vary between identical compilations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_micros: Option<u64>,
    pub outputs: Vec<OutputSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputSummary {
    pub name: String,
    pub shape: Vec<usize>,
    pub datum_type: String,
    /// The first few values in row-major order, as f64.
    pub first_values: Vec<f64>,
    /// The sum of all values, as f64.
    pub sum: f64,
}

impl Manifest {
    pub(crate) fn describe(
        req: &CompileRequest,
        file: &ModelFile,
        facts: SourceFacts,
        inputs: &[ResolvedInput],
        decluttered: &TypedModel,
        outputs: Vec<TensorSpec>,
        verification: Verification,
    ) -> Manifest {
        let (parameter_count, parameter_bytes) = parameters(decluttered);
        Manifest {
            manifest_version: MANIFEST_VERSION,
            target_device: req.target_device.clone(),
            cpu_arch: req.cpu_arch.clone(),
            framework: req.format,
            source_model: file.path.clone(),
            source_sha256: hex(&Sha256::digest(&file.bytes)),
            onnx_opset: facts.onnx_opset,
            inputs: inputs
                .iter()
                .map(|i| TensorSpec {
                    name: i.name.clone(),
                    shape: i.shape.clone(),
                    datum_type: datum_type_name(i.datum_type),
                })
                .collect(),
            outputs,
            source_operators: facts.source_operators,
            operators: operators(decluttered),
            parameter_count,
            parameter_bytes,
            model_file: crate::NNEF_FILE.to_string(),
            verification,
            tract_version: TRACT_VERSION.to_string(),
            compiler: format!("loupe-compiler {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// The outputs of the decluttered model, named as the source model named them.
pub(crate) fn outputs(model: &TypedModel) -> Result<Vec<TensorSpec>, CompileError> {
    let outlets = model.output_outlets().map_err(|e| lost(&e))?;
    outlets
        .iter()
        .map(|&outlet| {
            let fact = model.outlet_fact(outlet).map_err(|e| lost(&e))?;
            let shape = fact.shape.as_concrete().ok_or_else(|| {
                CompileError::new(format!(
                    "The model's output \"{}\" has no fixed shape ({fact:?}) even with every \
                     input's shape given. Loupe compiles models whose output shapes follow from \
                     their input shapes.",
                    output_name(model, outlet)
                ))
            })?;
            Ok(TensorSpec {
                name: output_name(model, outlet),
                shape: shape.to_vec(),
                datum_type: datum_type_name(fact.datum_type),
            })
        })
        .collect()
}

fn output_name(model: &TypedModel, outlet: tract_nnef::prelude::OutletId) -> String {
    model
        .outlet_label(outlet)
        .map(str::to_string)
        .unwrap_or_else(|| model.node(outlet.node).name.clone())
}

fn lost(error: &tract_nnef::prelude::TractError) -> CompileError {
    CompileError::new(format!(
        "tract lost track of the model's outputs ({}).",
        brief(error)
    ))
}

fn operators(model: &TypedModel) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for node in model.nodes() {
        if node.op_is::<Const>()
            || model
                .input_outlets()
                .is_ok_and(|i| i.iter().any(|o| o.node == node.id))
        {
            continue;
        }
        *counts.entry(node.op.name().to_string()).or_insert(0) += 1;
    }
    counts
}

fn parameters(model: &TypedModel) -> (u64, u64) {
    model
        .nodes()
        .iter()
        .filter_map(|node| node.op_as::<Const>())
        .map(|konst| {
            let tensor = konst.val();
            (
                tensor.len() as u64,
                (tensor.len() * tensor.datum_type().size_of()) as u64,
            )
        })
        .fold((0, 0), |(count, bytes), (c, b)| (count + c, bytes + b))
}

/// `f32`, `i64`, `bool`: tract's datum type names, in lower case.
pub(crate) fn datum_type_name(datum_type: DatumType) -> String {
    format!("{datum_type:?}").to_lowercase()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
