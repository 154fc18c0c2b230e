//! The compiled artifact: a gzip tar of the NNEF model and its manifest, byte for byte the same
//! for the same input, and the way back from it to a runnable tract model.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};
use tract_nnef::framework::Nnef;
use tract_nnef::prelude::{Framework, TypedModel};

use crate::Runnable;
use tract_onnx::WithOnnx;

use crate::error::{CompileError, brief};
use crate::manifest::Manifest;

/// The NNEF model inside the artifact: a gzip tar of `graph.nnef` and its `.dat` tensors, which
/// tract's command line and `tract_nnef::nnef().with_onnx().model_for_read` load as is.
pub const NNEF_FILE: &str = "model.nnef.tgz";
pub const MANIFEST_FILE: &str = "manifest.json";

/// Every tar entry's modification time: 1980-01-01, as tract's own deterministic NNEF writer uses.
const FIXED_MTIME: u64 = 315_532_800;

/// The artifact is small, but it is read back from storage: cap what it may unpack to.
const MAX_ARTIFACT_UNPACKED: u64 = 4 << 30;

/// The NNEF dialect the artifact is written in, and must be read with: the NNEF standard
/// operators plus tract's `tract_core` extension (on by default in tract 0.23) and the
/// `tract_onnx` extension for the few ONNX operators tract's core does not cover.
pub fn nnef_framework() -> Nnef {
    tract_nnef::nnef().with_onnx()
}

/// Building the framework parses NNEF's standard library each time: build it once.
fn shared_nnef() -> &'static Nnef {
    static NNEF: OnceLock<Nnef> = OnceLock::new();
    NNEF.get_or_init(nnef_framework)
}

pub(crate) fn write_nnef(model: &TypedModel) -> Result<Vec<u8>, CompileError> {
    let tar = shared_nnef()
        .write_to_tar_with_config(model, Vec::new(), false, true)
        .map_err(|e| {
            CompileError::new(format!(
                "tract could not write the model as NNEF ({}). The model uses an operator tract \
             cannot serialise.",
                brief(&e)
            ))
        })?;
    gzip(&tar)
}

pub(crate) fn read_nnef(nnef: &[u8]) -> Result<TypedModel, CompileError> {
    shared_nnef().model_for_read(&mut &nnef[..]).map_err(|e| {
        CompileError::new(format!(
            "tract could not read the NNEF model ({}).",
            brief(&e)
        ))
    })
}

/// Optimises the model for this machine's CPU and plans its execution.
pub(crate) fn runnable(model: TypedModel) -> Result<Runnable, CompileError> {
    let optimised = model.into_optimized().map_err(|e| {
        CompileError::new(format!(
            "tract could not optimise the NNEF model ({}).",
            brief(&e)
        ))
    })?;
    tract_nnef::tract_core::plan::SimplePlan::new(optimised).map_err(|e| {
        CompileError::new(format!(
            "tract could not plan the NNEF model ({}).",
            brief(&e)
        ))
    })
}

/// The artifact's bytes. The stored manifest leaves out the verification latency, which varies
/// from run to run.
pub(crate) fn pack(manifest: &Manifest, nnef: &[u8]) -> Result<Vec<u8>, CompileError> {
    let mut stored = manifest.clone();
    stored.verification.latency_micros = None;
    let mut json = serde_json::to_vec_pretty(&stored)
        .map_err(|e| CompileError::new(format!("The manifest could not be written ({e}).")))?;
    json.push(b'\n');

    let mut builder = tar::Builder::new(Vec::new());
    for (path, bytes) in [(MANIFEST_FILE, json.as_slice()), (NNEF_FILE, nnef)] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(FIXED_MTIME);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, path, bytes)
            .map_err(packing)?;
    }
    gzip(&builder.into_inner().map_err(packing)?)
}

fn packing(error: std::io::Error) -> CompileError {
    CompileError::new(format!("The artifact could not be packed ({error})."))
}

/// gzip without a file name or time stamp in its header, so equal bytes compress to equal bytes.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, CompileError> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    encoder.write_all(bytes).map_err(packing)?;
    encoder.finish().map_err(packing)
}

/// `<model-file-stem>-<target_device>.tar.gz`, with anything but letters, digits, `.`, `_` and `-`
/// in the stem replaced by `_`.
pub(crate) fn file_name(model_path: &str, target_device: &str) -> String {
    let stem = Path::new(model_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let mut stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        stem = "model".into();
    }
    format!("{stem}-{target_device}.tar.gz")
}

/// Reads an artifact [`crate::compile`] wrote: its manifest, and its model optimised for this
/// machine and ready to run.
pub fn load_compiled(artifact: &[u8]) -> Result<(Manifest, Runnable), CompileError> {
    let (manifest, model) = load_compiled_typed(artifact)?;
    Ok((manifest, runnable(model)?))
}

/// Like [`load_compiled`], but the model as stored: typed and decluttered, not yet optimised.
pub fn load_compiled_typed(artifact: &[u8]) -> Result<(Manifest, TypedModel), CompileError> {
    let not_an_artifact = |detail: String| {
        CompileError::new(format!(
            "This is not an artifact Loupe's compiler wrote ({detail})."
        ))
    };
    let mut tar = tar::Archive::new(GzDecoder::new(artifact).take(MAX_ARTIFACT_UNPACKED));
    let mut manifest = None;
    let mut nnef = None;
    let entries = tar.entries().map_err(|e| not_an_artifact(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| not_an_artifact(e.to_string()))?;
        let path = entry
            .path()
            .map_err(|e| not_an_artifact(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| not_an_artifact(e.to_string()))?;
        match path.as_str() {
            MANIFEST_FILE => manifest = Some(bytes),
            NNEF_FILE => nnef = Some(bytes),
            _ => {}
        }
    }
    let manifest = manifest.ok_or_else(|| not_an_artifact(format!("no {MANIFEST_FILE}")))?;
    let nnef = nnef.ok_or_else(|| not_an_artifact(format!("no {NNEF_FILE}")))?;
    let manifest: Manifest = serde_json::from_slice(&manifest)
        .map_err(|e| not_an_artifact(format!("{MANIFEST_FILE}: {e}")))?;
    Ok((manifest, read_nnef(&nnef)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_safe_stems() {
        assert_eq!(
            file_name("models/cnn.onnx", "sitara_am57x"),
            "cnn-sitara_am57x.tar.gz"
        );
        assert_eq!(
            file_name("my net (v2).pb", "linux_arm64"),
            "my_net__v2_-linux_arm64.tar.gz"
        );
        assert_eq!(file_name(".onnx", "ml_c5"), ".onnx-ml_c5.tar.gz");
    }
}
