//! `loupe compile`: a model archive compiled for a device on the command line, exactly as a
//! compilation job compiles it (the server's runner runs this command in a child process).
//!
//! Progress goes to standard error as `phase: <step>` lines; the artifact is written under a
//! temporary name and renamed into place, so a stopped compile leaves nothing half-written.
//! With `--report-json`, standard output gets one JSON object: the artifact's path, its manifest
//! and the peak memory, or the reason the model was refused (exit status 2).

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use loupe_engine::domain::compilation::spec::archive_stem;
use loupe_engine::domain::compilation::targets::{PlatformArch, PlatformOs};
use loupe_engine::domain::compilation::{
    Framework, InputShapes, ModelFormat, Serving, Target, TargetDevice, TargetPlatform,
};
use serde_json::json;

#[derive(Debug, Clone, Args)]
pub struct CompileArgs {
    /// The model archive: a .tar.gz holding one .onnx file or one TensorFlow frozen graph (.pb).
    pub model: PathBuf,

    /// A TargetDevice (sitara_am57x, ml_c5, rasp4b, ...) or a platform as OS/ARCH
    /// (LINUX/ARM64, ANDROID/ARM_EABIHF).
    #[arg(long)]
    pub target: String,

    /// The framework, as InputConfig.Framework: ONNX or TENSORFLOW (others are refused with the
    /// way to an ONNX file).
    #[arg(long, default_value = "ONNX")]
    pub framework: String,

    /// Input names and shapes, as DataInputConfig: '{"data":[1,3,224,224]}', or
    /// '[[1,3,224,224]]' for inputs in order.
    #[arg(long)]
    pub input: Option<String>,

    /// Directory the artifact is written to.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,

    /// The artifact's file name; default `<archive name>-<target>.tar.gz`.
    #[arg(long)]
    pub artifact_name: Option<String>,

    /// Print a JSON report on standard output.
    #[arg(long)]
    pub report_json: bool,
}

/// Reads `--target`.
pub fn parse_target(raw: &str) -> Result<Target> {
    if let Some(device) = TargetDevice::parse(raw) {
        return Ok(Target::Device(device));
    }
    if let Some((os, arch)) = raw.split_once('/') {
        let os = PlatformOs::parse(&os.to_ascii_uppercase());
        let arch = PlatformArch::parse(&arch.to_ascii_uppercase());
        if let (Some(os), Some(arch)) = (os, arch) {
            return Ok(Target::Platform(TargetPlatform {
                os,
                arch,
                accelerator: None,
            }));
        }
    }
    bail!(
        "--target {raw:?} is neither a TargetDevice ({}) nor OS/ARCH (LINUX/ARM64)",
        TargetDevice::ALL
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Runs the command: true when compiled, false when the model was refused (the caller exits
/// with [`crate::compilation_runner::EXIT_REFUSED`]), or an error of the command line or the disk.
pub fn run(args: CompileArgs) -> Result<bool> {
    let target = parse_target(&args.target)?;
    let framework = Framework::parse(&args.framework.to_ascii_uppercase()).with_context(|| {
        format!(
            "--framework {:?} is not one of {}",
            args.framework,
            Framework::ALL
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let shapes = args
        .input
        .as_deref()
        .map(InputShapes::parse)
        .transpose()
        .map_err(|why| anyhow::anyhow!("--input: {why}"))?;
    let refuse = |reason: String| -> Result<bool> {
        if args.report_json {
            println!("{}", json!({ "failure_reason": reason }));
        } else {
            eprintln!("refused: {reason}");
        }
        Ok(false)
    };
    let format = match framework.model_format() {
        Ok(format) => format,
        Err(reason) => return refuse(reason),
    };
    let arch = match target.serving() {
        Serving::Cpu(arch) => arch,
        Serving::NotServed(_) => {
            return refuse(target.not_served_reason().unwrap_or_default());
        }
    };
    eprintln!("phase: Reading");
    let archive =
        std::fs::read(&args.model).with_context(|| format!("reading {}", args.model.display()))?;
    let inputs: Vec<loupe_compiler::ModelInput> = shapes
        .iter()
        .flat_map(|shapes| shapes.shapes())
        .map(|shape| loupe_compiler::ModelInput {
            name: shape.name.clone(),
            shape: shape.dims.clone(),
        })
        .collect();
    let request = loupe_compiler::CompileRequest {
        archive: &archive,
        format: match format {
            ModelFormat::Onnx => loupe_compiler::ModelFormat::Onnx,
            ModelFormat::TensorflowFrozenGraph => {
                loupe_compiler::ModelFormat::TensorflowFrozenGraph
            }
        },
        inputs: &inputs,
        target_device: target.label(),
        cpu_arch: arch.as_str().to_owned(),
    };
    let compiled = match loupe_compiler::compile(&request, &mut |phase| {
        eprintln!("phase: {phase}");
    }) {
        Ok(compiled) => compiled,
        Err(error) => return refuse(error.reason),
    };
    let name = args.artifact_name.clone().unwrap_or_else(|| {
        format!(
            "{}-{}.tar.gz",
            archive_stem(&args.model.to_string_lossy()),
            target.label()
        )
    });
    if name.contains('/') || name.starts_with('.') {
        bail!("--artifact-name {name:?} must be a plain file name");
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let path = args.out.join(&name);
    let partial = args.out.join(format!(".{name}.partial"));
    {
        let mut file = std::fs::File::create(&partial)
            .with_context(|| format!("writing {}", partial.display()))?;
        file.write_all(&compiled.archive)?;
        file.sync_all()?;
    }
    std::fs::rename(&partial, &path).with_context(|| format!("writing {}", path.display()))?;
    let peak = peak_memory_bytes();
    if args.report_json {
        println!(
            "{}",
            json!({
                "artifact": path,
                "manifest": compiled.manifest,
                "peak_memory_bytes": peak,
            })
        );
    } else {
        eprintln!(
            "wrote {} ({} bytes) for {} ({arch})",
            path.display(),
            compiled.archive.len(),
            target.label()
        );
    }
    Ok(true)
}

/// This process's peak resident memory (`VmHWM`), in bytes, where Linux tells it.
fn peak_memory_bytes() -> Option<i64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: i64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_devices_or_platforms() {
        assert_eq!(
            parse_target("sitara_am57x").unwrap(),
            Target::Device(TargetDevice::SitaraAm57x)
        );
        assert_eq!(parse_target("linux/arm64").unwrap().label(), "linux_arm64");
        let err = parse_target("am57").unwrap_err().to_string();
        assert!(err.contains("sitara_am57x"), "{err}");
    }
}
