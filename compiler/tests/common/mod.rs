//! What the compiler's integration tests share: the models `make_models.py` builds, with
//! onnxruntime's outputs for them, and a way to compile and run an artifact.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use loupe_compiler::tract_core::prelude::{IntoTValue, TValue, TVec};
use loupe_compiler::{
    CompileError, CompileRequest, Compiled, ModelFormat, ModelInput, Phase, load_compiled,
    verification_input,
};
use serde_json::Value;

/// The folder `make_models.py` wrote into, or `None` (after saying why) when the tests have no
/// Python to run it with.
pub fn models() -> Option<&'static Path> {
    static MODELS: OnceLock<Option<PathBuf>> = OnceLock::new();
    MODELS
        .get_or_init(|| {
            let Ok(python) = std::env::var("LOUPE_TEST_PYTHON") else {
                eprintln!(
                    "skipping: LOUPE_TEST_PYTHON is unset. Set it to a Python with onnx, \
                     onnxruntime and numpy (scripts/setup.sh puts them in .venv; scripts/test \
                     sets it) to build the test models."
                );
                return None;
            };
            let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compiler-models");
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/models/make_models.py");
            let output = Command::new(&python)
                .arg(&script)
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
            assert!(
                output.status.success(),
                "make_models.py failed:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            Some(out)
        })
        .as_deref()
}

/// A model `make_models.py` built: its archive and what onnxruntime computed for it.
pub struct Model {
    pub archive: Vec<u8>,
    pub onnx: Vec<u8>,
    pub expected: Value,
}

impl Model {
    pub fn load(dir: &Path, name: &str) -> Model {
        let read = |file: String| {
            std::fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("reading {file}: {e}"))
        };
        Model {
            archive: read(format!("{name}.tar.gz")),
            onnx: read(format!("{name}.onnx")),
            expected: serde_json::from_slice(&read(format!("{name}.expected.json"))).unwrap(),
        }
    }

    /// The input shapes the expected outputs were computed with, by name.
    pub fn inputs(&self) -> Vec<ModelInput> {
        self.expected["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| ModelInput {
                name: Some(i["name"].as_str().unwrap().into()),
                shape: shape(&i["shape"]),
            })
            .collect()
    }

    /// onnxruntime's outputs: (name, shape, flat values).
    pub fn outputs(&self) -> Vec<(String, Vec<usize>, Vec<f64>)> {
        self.expected["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["name"].as_str().unwrap().to_string(),
                    shape(&o["shape"]),
                    o["values"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_f64().unwrap())
                        .collect(),
                )
            })
            .collect()
    }
}

fn shape(value: &Value) -> Vec<usize> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

pub fn compile(
    archive: &[u8],
    format: ModelFormat,
    inputs: &[ModelInput],
    target: &str,
    arch: &str,
) -> Result<Compiled, CompileError> {
    let mut phases = Vec::new();
    let request = CompileRequest {
        archive,
        format,
        inputs,
        target_device: target.into(),
        cpu_arch: arch.into(),
    };
    let result = loupe_compiler::compile(&request, &mut |phase| phases.push(phase));
    if result.is_ok() {
        assert_eq!(phases, Phase::ALL, "every phase is reported, in order");
    }
    result
}

/// The failure reason for compiling `archive` with `inputs`.
pub fn reason(archive: &[u8], format: ModelFormat, inputs: &[ModelInput]) -> String {
    let reason = match compile(archive, format, inputs, "sitara_am57x", "armv7-neon") {
        Ok(compiled) => panic!("compiled, to {}", compiled.file_name),
        Err(error) => error.reason,
    };
    assert!(
        reason.chars().count() <= 1024,
        "FailureReason holds at most 1024 characters"
    );
    reason
}

/// Loads the artifact back with tract and runs it on the verification input: every output,
/// flattened to f64.
pub fn run_artifact(artifact: &[u8]) -> Vec<(Vec<usize>, Vec<f64>)> {
    let (_, model) = load_compiled(artifact).expect("the artifact loads");
    let inputs: TVec<TValue> = (0..model.model().inputs.len())
        .map(|ix| {
            let fact = model.model().input_fact(ix).unwrap();
            verification_input(fact.datum_type, fact.shape.as_concrete().unwrap()).into_tvalue()
        })
        .collect();
    model
        .run(inputs)
        .unwrap()
        .iter()
        .map(|t| {
            let values = t.cast_to::<f64>().unwrap();
            let values = values
                .to_plain_array_view::<f64>()
                .unwrap()
                .iter()
                .copied()
                .collect();
            (t.shape().to_vec(), values)
        })
        .collect()
}

pub fn assert_close(what: &str, got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{what}: number of values");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() <= 1e-4,
            "{what}[{i}]: tract gave {g}, onnxruntime {e}"
        );
    }
}

/// A gzip tar of `files` (path, bytes), the way a user would pack them.
pub fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, *bytes).unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// The files inside a gzip tar, in order: (path, bytes).
pub fn untar(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    tar.entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.path().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}
