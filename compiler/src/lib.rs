//! Loupe's model compiler: turns an ONNX model or a TensorFlow frozen graph, packed as a gzip tar
//! the way SageMaker Neo receives it, into a tract artifact for a target device.
//!
//! The artifact holds the model as NNEF with tract's extensions, after type checking and
//! decluttering, not tract's optimised form: the optimised form is made of kernels that
//! `tract-linalg` picks for the CPU it runs on (NEON on armv7 found in `/proc/cpuinfo`, the
//! aarch64 core model, AVX2/FMA or AVX-512 probed on x86_64), so it only exists in memory, on the
//! device, when its tract runtime loads the NNEF and optimises it. Compiling still builds the
//! optimised model here and runs it, which proves the model gets through tract's optimiser.
//!
//! Nothing here knows about SageMaker jobs, storage or UI: callers hand in bytes and get bytes.

mod archive;
mod artifact;
mod error;
mod inputs;
mod manifest;
mod source;
mod verify;

use std::fmt;
use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};
use tract_nnef::prelude::{TypedModel, TypedRunnableModel};

/// A model optimised for this machine's CPU, ready to run: `run(tvec![inputs])`.
pub type Runnable = std::sync::Arc<TypedRunnableModel>;

pub use artifact::{MANIFEST_FILE, NNEF_FILE, load_compiled, load_compiled_typed, nnef_framework};
pub use error::{CompileError, MAX_REASON_CHARS};
pub use manifest::{MANIFEST_VERSION, Manifest, OutputSummary, TensorSpec, Verification};
pub use verify::{VERIFICATION_INPUT_FORMULA, verification_input};

/// The tract crates this compiler is built with: the device needs a tract runtime at least as new
/// to load the artifact. A unit test keeps it equal to what Cargo.lock resolved.
pub const TRACT_VERSION: &str = "0.23.9";

/// tract itself, for callers that run a loaded artifact.
pub use tract_nnef::tract_core;

/// What kind of model the uploaded archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ModelFormat {
    /// One `.onnx` file (what PyTorch's `torch.onnx.export` writes, too).
    #[serde(rename = "ONNX")]
    Onnx,
    /// One `.pb` file holding a frozen TensorFlow `GraphDef`.
    #[serde(rename = "TENSORFLOW")]
    TensorflowFrozenGraph,
}

impl ModelFormat {
    /// The model file's extension inside the archive, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ModelFormat::Onnx => "onnx",
            ModelFormat::TensorflowFrozenGraph => "pb",
        }
    }
}

impl fmt::Display for ModelFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ModelFormat::Onnx => "ONNX",
            ModelFormat::TensorflowFrozenGraph => "TensorFlow frozen graph",
        })
    }
}

/// The shape of one model input, as `DataInputConfig` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInput {
    /// The input's name; `None` means positional (PyTorch's list form): the i-th entry is the
    /// model's i-th input.
    pub name: Option<String>,
    pub shape: Vec<usize>,
}

/// One compilation.
#[derive(Debug, Clone)]
pub struct CompileRequest<'a> {
    /// The `.tar.gz` bytes found at `InputConfig.S3Uri`.
    pub archive: &'a [u8],
    pub format: ModelFormat,
    /// May be empty: then every input the model declares must have a concrete shape.
    pub inputs: &'a [ModelInput],
    /// e.g. `sitara_am57x`, or `linux_arm64` for a target platform: goes into the artifact's
    /// name and manifest.
    pub target_device: String,
    /// e.g. `armv7-neon`, `aarch64`, `x86_64`: recorded in the manifest.
    pub cpu_arch: String,
}

/// The steps of a compilation, reported before each one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Unpacking,
    Loading,
    ApplyingInputs,
    TypeChecking,
    Optimising,
    Writing,
    Verifying,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::Unpacking,
        Phase::Loading,
        Phase::ApplyingInputs,
        Phase::TypeChecking,
        Phase::Optimising,
        Phase::Writing,
        Phase::Verifying,
    ];
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Unpacking => "unpacking the model archive",
            Phase::Loading => "loading the model",
            Phase::ApplyingInputs => "applying the input shapes",
            Phase::TypeChecking => "type checking",
            Phase::Optimising => "optimising",
            Phase::Writing => "writing the artifact",
            Phase::Verifying => "verifying the artifact",
        })
    }
}

/// A finished compilation.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// `<model-file-stem>-<target_device>.tar.gz`
    pub file_name: String,
    /// The artifact: a gzip tar holding [`NNEF_FILE`] and [`MANIFEST_FILE`].
    pub archive: Vec<u8>,
    /// The manifest, with the verification run's latency (which the archived copy leaves out so
    /// that the same input always gives the same bytes).
    pub manifest: Manifest,
}

/// Compiles the model in `req`, calling `progress` before each phase.
pub fn compile(
    req: &CompileRequest,
    progress: &mut dyn FnMut(Phase),
) -> Result<Compiled, CompileError> {
    let compiled = compile_stoppable(req, &mut |phase| {
        progress(phase);
        ControlFlow::Continue(())
    })?;
    Ok(compiled.expect("progress never asks to stop"))
}

/// Like [`compile`], but `progress` may answer `ControlFlow::Break(())` to stop before the phase
/// it was told about; the result is then `Ok(None)`.
///
/// A panic inside tract on a malformed model ends this compilation with a reason, not the caller.
pub fn compile_stoppable(
    req: &CompileRequest,
    progress: &mut dyn FnMut(Phase) -> ControlFlow<()>,
) -> Result<Option<Compiled>, CompileError> {
    let mut current = Phase::Unpacking;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_phases(req, &mut |phase| {
            current = phase;
            progress(phase)
        })
    }));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        Err(CompileError::new(format!(
            "tract failed unexpectedly while {current} ({message}). The model may be malformed \
             or use an operator in a way tract does not support."
        )))
    })
}

fn run_phases(
    req: &CompileRequest,
    progress: &mut dyn FnMut(Phase) -> ControlFlow<()>,
) -> Result<Option<Compiled>, CompileError> {
    macro_rules! phase {
        ($phase:expr) => {
            if progress($phase).is_break() {
                return Ok(None);
            }
        };
    }

    phase!(Phase::Unpacking);
    let file = archive::find_model(req.archive, req.format, &archive::LIMITS)?;

    phase!(Phase::Loading);
    let mut loaded = source::load(&file, req.format)?;

    phase!(Phase::ApplyingInputs);
    let inputs = inputs::apply(&mut loaded.model, req.inputs, req.format)?;

    phase!(Phase::TypeChecking);
    let typed = source::type_check(loaded.model, &inputs)?;

    phase!(Phase::Optimising);
    let (decluttered, optimised) = optimise(typed)?;

    phase!(Phase::Writing);
    let nnef = artifact::write_nnef(&decluttered)?;

    phase!(Phase::Verifying);
    let outputs = manifest::outputs(&decluttered)?;
    let names: Vec<String> = outputs.iter().map(|o| o.name.clone()).collect();
    let verification = verify::verify(&optimised, &nnef, &names)?;

    let manifest = Manifest::describe(
        req,
        &file,
        loaded.facts,
        &inputs,
        &decluttered,
        outputs,
        verification,
    );
    let archive = artifact::pack(&manifest, &nnef)?;
    Ok(Some(Compiled {
        file_name: artifact::file_name(&file.path, &req.target_device),
        archive,
        manifest,
    }))
}

/// Declutters the typed model (what the artifact keeps) and builds tract's optimised form of it
/// for this machine (what proves it runs).
fn optimise(typed: TypedModel) -> Result<(TypedModel, Runnable), CompileError> {
    let decluttered = typed.into_decluttered().map_err(|e| {
        CompileError::new(format!(
            "tract could not simplify the model ({}). The model may use an operator in a way \
             tract does not support.",
            error::brief(&e)
        ))
    })?;
    let optimised = decluttered.clone().into_optimized().map_err(|e| {
        CompileError::new(format!(
            "tract could not optimise the model ({}). The model may use an operator in a way \
             tract does not support.",
            error::brief(&e)
        ))
    })?;
    let plan = tract_core::plan::SimplePlan::new(optimised).map_err(|e| {
        CompileError::new(format!(
            "tract could not plan the model's execution ({}).",
            error::brief(&e)
        ))
    })?;
    Ok((decluttered, plan))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tract_version_is_the_one_cargo_locked() {
        let lock = include_str!("../../Cargo.lock");
        let locked = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"tract-core\""))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
            .map(|v| v.trim_end_matches('"'))
            .expect("tract-core in Cargo.lock");
        assert_eq!(locked, super::TRACT_VERSION);
    }
}
