//! Compilation jobs for the admin area: the list by status, one job's every Describe member with
//! its progress, manifest and log, and stop and delete. Both pages poll these while a job runs.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// `CompilationJobStatus` values, in the order a job meets them.
pub const STATUSES: [&str; 6] = [
    "STARTING",
    "INPROGRESS",
    "STOPPING",
    "COMPLETED",
    "FAILED",
    "STOPPED",
];

/// A run's steps in order: the phase as the runner records it (the runner's own steps, then
/// what `loupe compile` prints, which is the compiler's `Phase` display), and its label.
pub const PHASES: [(&str, &str); 10] = [
    ("Downloading", "Downloading"),
    ("Reading", "Reading"),
    ("unpacking the model archive", "Unpacking"),
    ("loading the model", "Loading"),
    ("applying the input shapes", "Applying inputs"),
    ("type checking", "Type checking"),
    ("optimising", "Optimising"),
    ("writing the artifact", "Writing"),
    ("verifying the artifact", "Verifying"),
    ("Uploading", "Uploading"),
];

/// Where `phase` is among [`PHASES`].
pub fn phase_index(phase: &str) -> Option<usize> {
    PHASES.iter().position(|(recorded, _)| *recorded == phase)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub name: String,
    pub status: String,
    pub target: String,
    pub framework: String,
    pub created: String,
    /// Since it started, to its end or to now.
    pub duration: Option<String>,
    /// The phase of a running job.
    pub phase: Option<String>,
    /// The start of `FailureReason`.
    pub failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    pub rows: Vec<JobRow>,
    /// Some job has not ended: the page polls.
    pub live: bool,
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    pub s3_uri: String,
    pub framework: String,
    /// What Loupe's compiler makes of the framework: the format it reads, or why not.
    pub framework_reads: String,
    pub framework_version: Option<String>,
    pub data_input_config: Option<String>,
    /// Each input as `DataInputConfig` gives it: `data: [1, 3, 224, 224]`.
    pub shapes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputInfo {
    pub s3_output_location: String,
    pub target_device: Option<String>,
    pub platform_os: Option<String>,
    pub platform_arch: Option<String>,
    pub platform_accelerator: Option<String>,
    /// The CPU Loupe compiles the target for, or why it does not.
    pub serving: String,
    pub served: bool,
    pub compiler_options: Option<String>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorRow {
    pub name: String,
    pub shape: String,
    pub datum_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputSummaryRow {
    pub name: String,
    pub shape: String,
    pub first_values: String,
    pub sum: String,
}

/// The compiled model's manifest, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestView {
    pub target_device: String,
    pub cpu_arch: String,
    pub framework: String,
    pub source_model: String,
    pub source_sha256: String,
    pub onnx_opset: Option<i64>,
    pub inputs: Vec<TensorRow>,
    pub outputs: Vec<TensorRow>,
    pub source_operators: Vec<(String, u64)>,
    pub operators: Vec<(String, u64)>,
    pub parameter_count: u64,
    pub parameter_bytes: String,
    pub model_file: String,
    pub verification_input: String,
    pub host_arch: String,
    pub latency: Option<String>,
    pub output_summaries: Vec<OutputSummaryRow>,
    pub tract_version: String,
    pub compiler: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobInfo {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub has_ended: bool,
    pub created: String,
    pub last_modified: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub duration: Option<String>,
    pub role_arn: String,
    pub model_package_version_arn: Option<String>,
    pub input: Option<InputInfo>,
    pub output: OutputInfo,
    pub vpc: Option<String>,
    /// The effective limit, and whether it is the default.
    pub max_runtime: String,
    pub max_runtime_is_default: bool,
    pub max_wait: Option<String>,
    pub max_pending: Option<String>,
    pub tags: Vec<(String, String)>,
    pub failure_reason: Option<String>,
    pub artifact_uri: String,
    pub artifact_digest: Option<String>,
    pub derived_inputs: Option<String>,
    /// The step a running job is at, as recorded.
    pub phase: Option<String>,
    pub attempts: i64,
    pub claimed_by: Option<String>,
    pub peak_memory: Option<String>,
    pub manifest: Option<ManifestView>,
    pub manifest_json: Option<String>,
    pub log: String,
    pub can_stop: bool,
    pub can_delete: bool,
}

/// "1.2 MiB (1,234,567 bytes)".
#[cfg(feature = "ssr")]
fn bytes(n: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {} ({n} bytes)", units[unit])
    }
}

#[cfg(feature = "ssr")]
fn shape(dims: &[serde_json::Value]) -> String {
    let dims: Vec<String> = dims.iter().map(ToString::to_string).collect();
    format!("[{}]", dims.join(", "))
}

/// From start to end, or to `now` while it runs.
#[cfg(feature = "ssr")]
fn duration(
    started: Option<loupe_engine::domain::clock::Timestamp>,
    ended: Option<loupe_engine::domain::clock::Timestamp>,
    now: loupe_engine::domain::clock::Timestamp,
) -> Option<String> {
    let started = started?;
    let until = ended.unwrap_or(now);
    let millis = u64::try_from(until.as_millis() - started.as_millis()).unwrap_or(0);
    Some(loupe_engine::domain::dashboard::humane(
        std::time::Duration::from_millis(millis),
    ))
}

#[cfg(feature = "ssr")]
fn target_label(spec: &loupe_engine::domain::compilation::CompilationJobSpec) -> String {
    let output = &spec.output_config;
    match (output.target_device, output.target_platform) {
        (Some(device), _) => device.as_str().to_owned(),
        (None, Some(platform)) => {
            let mut label = format!("{}/{}", platform.os, platform.arch);
            if let Some(accelerator) = platform.accelerator {
                label.push('/');
                label.push_str(accelerator.as_str());
            }
            label
        }
        (None, None) => String::new(),
    }
}

/// The first line of a reason, cut to a table cell.
#[cfg(feature = "ssr")]
fn excerpt(reason: &str) -> Option<String> {
    const CHARS: usize = 120;
    let reason = reason.trim();
    if reason.is_empty() {
        return None;
    }
    if reason.chars().count() <= CHARS {
        Some(reason.to_owned())
    } else {
        let mut cut: String = reason.chars().take(CHARS - 1).collect();
        cut.push('…');
        Some(cut)
    }
}

#[server(prefix = "/api", endpoint = "admin/compilation-jobs")]
pub async fn list_compilation_jobs(status: String) -> Result<JobList, ServerFnError> {
    use super::{compilation_error, services};
    use loupe_engine::domain::compilation::CompilationJobStatus;
    crate::session::require_admin()?;
    let status = match status.trim() {
        "" => None,
        raw => match CompilationJobStatus::parse(raw) {
            Some(status) => Some(status),
            None => {
                return Ok(JobList {
                    rows: Vec::new(),
                    live: false,
                    problem: Some(format!("{raw} is not a compilation job status.")),
                });
            }
        },
    };
    let jobs = services()?.compilations;
    let now = jobs.now();
    let mut summaries = jobs.all(status).await.map_err(compilation_error)?;
    summaries.reverse();
    let live = summaries.iter().any(|job| !job.status.has_ended());
    let rows = summaries
        .into_iter()
        .map(|job| JobRow {
            name: job.name.to_string(),
            status: job.status.as_str().to_owned(),
            target: target_label(&job.spec),
            framework: job
                .spec
                .input_config
                .as_ref()
                .map(|input| input.framework.as_str().to_owned())
                .unwrap_or_else(|| "model package".to_owned()),
            created: job.created_at.to_second_utc(),
            duration: duration(job.started_at, job.ended_at, now),
            phase: job.phase.filter(|_| !job.status.has_ended()),
            failure: excerpt(&job.failure_reason),
        })
        .collect();
    Ok(JobList {
        rows,
        live,
        problem: None,
    })
}

/// The manifest as the compiler writes it; every member defaults, so an older manifest still
/// shows what it has.
#[cfg(feature = "ssr")]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredManifest {
    target_device: String,
    cpu_arch: String,
    framework: String,
    source_model: String,
    source_sha256: String,
    onnx_opset: Option<i64>,
    inputs: Vec<StoredTensor>,
    outputs: Vec<StoredTensor>,
    source_operators: std::collections::BTreeMap<String, u64>,
    operators: std::collections::BTreeMap<String, u64>,
    parameter_count: u64,
    parameter_bytes: u64,
    model_file: String,
    verification: StoredVerification,
    tract_version: String,
    compiler: String,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredTensor {
    name: String,
    shape: Vec<serde_json::Value>,
    datum_type: String,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredVerification {
    input: String,
    host_arch: String,
    latency_micros: Option<u64>,
    outputs: Vec<StoredOutputSummary>,
}

#[cfg(feature = "ssr")]
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StoredOutputSummary {
    name: String,
    shape: Vec<serde_json::Value>,
    first_values: Vec<f64>,
    sum: f64,
}

#[cfg(feature = "ssr")]
fn manifest_view(manifest: &serde_json::Value) -> ManifestView {
    let stored: StoredManifest = serde_json::from_value(manifest.clone()).unwrap_or_default();
    let tensor = |t: StoredTensor| TensorRow {
        name: t.name,
        shape: shape(&t.shape),
        datum_type: t.datum_type,
    };
    let by_count = |ops: std::collections::BTreeMap<String, u64>| {
        let mut ops: Vec<(String, u64)> = ops.into_iter().collect();
        ops.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ops
    };
    ManifestView {
        target_device: stored.target_device,
        cpu_arch: stored.cpu_arch,
        framework: stored.framework,
        source_model: stored.source_model,
        source_sha256: stored.source_sha256,
        onnx_opset: stored.onnx_opset,
        inputs: stored.inputs.into_iter().map(tensor).collect(),
        outputs: stored.outputs.into_iter().map(tensor).collect(),
        source_operators: by_count(stored.source_operators),
        operators: by_count(stored.operators),
        parameter_count: stored.parameter_count,
        parameter_bytes: bytes(stored.parameter_bytes),
        model_file: stored.model_file,
        verification_input: stored.verification.input,
        host_arch: stored.verification.host_arch,
        latency: stored
            .verification
            .latency_micros
            .map(|micros| format!("{:.3} ms", micros as f64 / 1000.0)),
        output_summaries: stored
            .verification
            .outputs
            .into_iter()
            .map(|o| OutputSummaryRow {
                name: o.name,
                shape: shape(&o.shape),
                first_values: o
                    .first_values
                    .iter()
                    .map(|v| format!("{v:.6}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                sum: format!("{:.6}", o.sum),
            })
            .collect(),
        tract_version: stored.tract_version,
        compiler: stored.compiler,
    }
}

#[server(prefix = "/api", endpoint = "admin/compilation-job")]
pub async fn compilation_job(name: String) -> Result<Option<JobInfo>, ServerFnError> {
    use super::{compilation_error, services};
    use loupe_engine::domain::compilation::spec::DEFAULT_MAX_RUNTIME_SECONDS;
    use loupe_engine::domain::compilation::{CompilationJobStatus, ModelFormat, Serving};
    use loupe_engine::domain::names::CompilationJobName;
    use loupe_engine::services::compilation::CompilationError;
    crate::session::require_admin()?;
    let Ok(name) = CompilationJobName::parse(&name) else {
        return Ok(None);
    };
    let jobs = services()?.compilations;
    let job = match jobs.find(&name).await {
        Ok(job) => job,
        Err(CompilationError::NotFound(_)) => return Ok(None),
        Err(error) => return Err(compilation_error(error)),
    };
    let seconds = |s: u32| {
        format!(
            "{} ({s} s)",
            loupe_engine::domain::dashboard::humane(std::time::Duration::from_secs(u64::from(s)))
        )
    };
    let spec = &job.spec;
    let input = spec.input_config.as_ref().map(|input| InputInfo {
        s3_uri: input.s3_uri.clone(),
        framework: input.framework.as_str().to_owned(),
        framework_reads: match input.framework.model_format() {
            Ok(ModelFormat::Onnx) => "read as one .onnx file".to_owned(),
            Ok(ModelFormat::TensorflowFrozenGraph) => {
                "read as one frozen TensorFlow graph (.pb)".to_owned()
            }
            Err(reason) => reason,
        },
        framework_version: input.framework_version.clone(),
        data_input_config: input.data_input_config.clone(),
        shapes: input
            .input_shapes()
            .map(|shapes| {
                shapes
                    .shapes()
                    .iter()
                    .enumerate()
                    .map(|(index, s)| {
                        let dims: Vec<String> = s.dims.iter().map(ToString::to_string).collect();
                        let name = s
                            .name
                            .clone()
                            .unwrap_or_else(|| format!("input {}", index + 1));
                        format!("{name}: [{}]", dims.join(", "))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    });
    let out = &spec.output_config;
    let target = out.target();
    let (serving, served) = match target.serving() {
        Serving::Cpu(arch) => (format!("compiled for {arch}"), true),
        Serving::NotServed(_) => (
            format!(
                "not served: {}",
                target.not_served_reason().unwrap_or_default()
            ),
            false,
        ),
    };
    let output = OutputInfo {
        s3_output_location: out.s3_output_location.clone(),
        target_device: out.target_device.map(|d| d.as_str().to_owned()),
        platform_os: out.target_platform.map(|p| p.os.as_str().to_owned()),
        platform_arch: out.target_platform.map(|p| p.arch.as_str().to_owned()),
        platform_accelerator: out
            .target_platform
            .and_then(|p| p.accelerator)
            .map(|a| a.as_str().to_owned()),
        serving,
        served,
        compiler_options: out.compiler_options.clone(),
        kms_key_id: out.kms_key_id.clone(),
    };
    let stopping = &spec.stopping_condition;
    let status = job.status;
    let has_ended = status.has_ended();
    Ok(Some(JobInfo {
        name: job.name().to_string(),
        arn: jobs.arn(job.name()),
        status: status.as_str().to_owned(),
        has_ended,
        created: job.created_at.to_second_utc(),
        last_modified: job.last_modified_at.to_second_utc(),
        started: job.started_at.map(|t| t.to_second_utc()),
        ended: job.ended_at.map(|t| t.to_second_utc()),
        duration: duration(job.started_at, job.ended_at, jobs.now()),
        role_arn: spec.role_arn.as_str().to_owned(),
        model_package_version_arn: spec.model_package_version_arn.clone(),
        input,
        output,
        vpc: spec.vpc_config.as_ref().map(|vpc| {
            format!(
                "security groups {}; subnets {}",
                vpc.security_group_ids.join(", "),
                vpc.subnets.join(", ")
            )
        }),
        max_runtime: seconds(
            stopping
                .max_runtime_in_seconds
                .unwrap_or(DEFAULT_MAX_RUNTIME_SECONDS),
        ),
        max_runtime_is_default: stopping.max_runtime_in_seconds.is_none(),
        max_wait: stopping.max_wait_time_in_seconds.map(seconds),
        max_pending: stopping.max_pending_time_in_seconds.map(seconds),
        tags: spec
            .tags
            .iter()
            .map(|tag| (tag.key.clone(), tag.value.clone()))
            .collect(),
        failure_reason: Some(job.failure_reason.clone()).filter(|r| !r.is_empty()),
        artifact_uri: spec.artifact_uri(),
        artifact_digest: job.artifact_digest.clone(),
        derived_inputs: job.derived_data_input_config(),
        phase: job.phase.clone().filter(|_| !has_ended),
        attempts: job.attempts,
        claimed_by: job.claimed_by.clone().filter(|_| !has_ended),
        peak_memory: job
            .peak_memory_bytes
            .and_then(|b| u64::try_from(b).ok())
            .map(bytes),
        manifest: job.manifest.as_ref().map(manifest_view),
        manifest_json: job
            .manifest
            .as_ref()
            .map(|m| serde_json::to_string_pretty(m).unwrap_or_default()),
        log: job.log.clone(),
        can_stop: matches!(
            status,
            CompilationJobStatus::Starting | CompilationJobStatus::Inprogress
        ),
        can_delete: has_ended,
    }))
}

#[server(prefix = "/api", endpoint = "admin/compilation-job-stop")]
pub async fn stop_compilation_job(name: String) -> Result<(), ServerFnError> {
    use super::{compilation_error, services};
    use loupe_engine::domain::names::CompilationJobName;
    crate::session::require_admin()?;
    let name = CompilationJobName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .compilations
        .stop_named(&name)
        .await
        .map_err(compilation_error)?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "admin/compilation-job-delete")]
pub async fn delete_compilation_job(name: String) -> Result<(), ServerFnError> {
    use super::{compilation_error, services};
    use loupe_engine::domain::names::CompilationJobName;
    crate::session::require_admin()?;
    let name = CompilationJobName::parse(&name).map_err(|e| ServerFnError::new(e.to_string()))?;
    services()?
        .compilations
        .delete_named(&name)
        .await
        .map_err(compilation_error)?;
    leptos_axum::redirect("/admin/compilation-jobs");
    Ok(())
}
