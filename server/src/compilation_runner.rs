//! Runs compilation jobs in the background: a bounded number at once per replica, each in a
//! `loupe compile` child process, so a compilation never blocks the async runtime, can be
//! abandoned at once (stop, `MaxRuntimeInSeconds`) by killing it, and cannot take the server
//! down with it when a model exhausts memory.
//!
//! Any replica claims jobs through the database; one whose replica dies is taken up by another
//! once that replica's heartbeat has stopped ([`loupe_engine::domain::instances`]). The child
//! gets `SIGKILL` when its parent dies, so a killed replica leaves no compiler running.
//!
//! A run: read the archive at `InputConfig.S3Uri` from the output store, run the compiler on
//! a temporary copy, then put the artifact at `ModelArtifacts.S3ModelArtifacts` (the store puts
//! whole objects atomically) before recording `COMPLETED`, so a job never points at a
//! half-written artifact.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Args;
use loupe_engine::domain::compilation::{CompilationJobStatus, RunOutcome};
use loupe_engine::domain::digest::sha256_hex;
use loupe_engine::domain::instances::InstanceId;
use loupe_engine::output::writer::OutputStore;
use loupe_engine::services::compilation::{CompilationJobs, DEFAULT_MAX_OPEN_JOBS};
use loupe_engine::store::ClaimedJob;
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, BufReader};
use tokio::sync::{Notify, Semaphore};

/// How often an idle runner looks for jobs other replicas' callers created (a job created on
/// this replica wakes it at once).
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How often a running job's status is read back, to learn of a stop.
const WATCH_INTERVAL: Duration = Duration::from_millis(250);
/// Between `SIGTERM` and `SIGKILL`, as SageMaker stops jobs.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// Exit status of `loupe compile` when the model was refused (the report says why).
pub const EXIT_REFUSED: i32 = 2;

#[derive(Debug, Clone, Args)]
pub struct CompilationArgs {
    /// Compilation jobs this replica runs at once (each is a process using up to one core's
    /// worth of work and the model's memory); 0 leaves them to other replicas. Default: half
    /// the CPU cores, at least 1.
    #[arg(long, env = "LOUPE_COMPILATION_JOBS_AT_ONCE")]
    pub compilation_jobs_at_once: Option<usize>,

    /// Compilation jobs waiting or running, across replicas, before CreateCompilationJob
    /// answers ResourceLimitExceeded.
    #[arg(long, env = "LOUPE_MAX_OPEN_COMPILATION_JOBS", default_value_t = DEFAULT_MAX_OPEN_JOBS)]
    pub max_open_compilation_jobs: i64,

    /// The `loupe` executable that compiles (its `compile` command); default: this one.
    #[arg(long, env = "LOUPE_COMPILER_EXE")]
    pub compiler_exe: Option<PathBuf>,
}

impl CompilationArgs {
    pub fn at_once(&self) -> usize {
        self.compilation_jobs_at_once.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, |cores| (cores.get() / 2).max(1))
        })
    }

    pub fn compiler(&self) -> std::io::Result<PathBuf> {
        match &self.compiler_exe {
            Some(path) => Ok(path.clone()),
            None => std::env::current_exe(),
        }
    }
}

/// What the runner needs, shared by its runs.
pub struct Runner {
    pub jobs: Arc<CompilationJobs>,
    pub outputs: Arc<OutputStore>,
    pub instance: InstanceId,
    pub compiler: PathBuf,
    pub at_once: usize,
    /// Notified when a job is created here.
    pub wake: Arc<Notify>,
}

/// Claims and runs jobs forever.
pub async fn run(runner: Runner) {
    let runner = Arc::new(runner);
    let slots = Arc::new(Semaphore::new(runner.at_once));
    tracing::info!(at_once = runner.at_once, "compilation runner started");
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        match runner.jobs.claim(&runner.instance).await {
            Ok(Some(job)) => {
                let runner = runner.clone();
                tokio::spawn(async move {
                    runner.run_job(job).await;
                    drop(slot);
                });
            }
            Ok(None) => {
                drop(slot);
                tokio::select! {
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                    () = runner.wake.notified() => {}
                }
            }
            Err(error) => {
                drop(slot);
                tracing::warn!(%error, "claiming a compilation job failed; retrying");
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        }
    }
}

/// How a run ended on this side: an outcome to record, or the job is no longer ours.
enum RunEnd {
    Outcome(RunOutcome),
    Lost,
}

/// What `loupe compile --report-json` prints on standard output.
#[derive(Debug, Deserialize)]
pub struct CompileReport {
    #[serde(default)]
    pub artifact: Option<PathBuf>,
    #[serde(default)]
    pub manifest: Option<serde_json::Value>,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub peak_memory_bytes: Option<i64>,
}

impl Runner {
    async fn run_job(&self, job: ClaimedJob) {
        let name = job.spec.compilation_job_name.clone();
        tracing::info!(job = %name, attempt = job.attempt, "compiling");
        let RunEnd::Outcome(outcome) = self.compile(&job).await else {
            tracing::info!(job = %name, "compilation abandoned: the job is no longer this replica's");
            return;
        };
        for attempt in 0..5 {
            match self.jobs.finish(job.id, &self.instance, &outcome).await {
                Ok(status) => {
                    tracing::info!(job = %name, ?status, "compilation ended");
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, job = %name, attempt, "recording the end failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Writes what the compiler said since the last time (or only reads the status back):
    /// the job's status, or `None` when it is no longer this replica's.
    async fn flush(&self, job: &ClaimedJob, pending: &mut Pending) -> Option<CompilationJobStatus> {
        let (phase, text) = pending.take();
        match self
            .jobs
            .progress(job.id, &self.instance, phase.as_deref(), text.as_deref())
            .await
        {
            Ok(status) => status,
            // A passing database error is not a reason to abandon the work.
            Err(error) => {
                tracing::warn!(%error, "recording compilation progress failed");
                Some(CompilationJobStatus::Inprogress)
            }
        }
    }

    async fn compile(&self, job: &ClaimedJob) -> RunEnd {
        let spec = &job.spec;
        let Some(input) = &spec.input_config else {
            return failed(
                "Loupe keeps no model package registry, so ModelPackageVersionArn cannot be \
                 compiled: give InputConfig with the model archive's S3Uri instead.",
            );
        };
        if let Err(reason) = input.framework.model_format() {
            return failed(reason);
        }
        let target = spec.output_config.target();
        if let Some(reason) = target.not_served_reason() {
            return failed(reason);
        }
        let Some(source) = object_uri(&input.s3_uri) else {
            return failed(format!(
                "InputConfig.S3Uri {} is not an object of this server's store: give \
                 s3://bucket/key (or an S3 https:// URL of it).",
                input.s3_uri
            ));
        };
        // The log is written in batches, at most every WATCH_INTERVAL and once at the end: a
        // small model compiles in milliseconds, and a write per line would cost more than that.
        let mut pending = Pending::default();
        pending.push("phase: Downloading");
        pending.push(&format!("reading {source}"));
        let archive = match self.outputs.get(&source).await {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                return failed(format!(
                    "There is no object at InputConfig.S3Uri {source}. Upload the model archive \
                     (a .tar.gz holding the model file) there and create the job again."
                ));
            }
            Err(error) => {
                return failed(format!(
                    "Could not read InputConfig.S3Uri {source}: {error}"
                ));
            }
        };
        let work = match tempfile::Builder::new().prefix("loupe-compile-").tempdir() {
            Ok(dir) => dir,
            Err(error) => return failed(format!("Could not make a working directory: {error}")),
        };
        let archive_path = work.path().join("model.tar.gz");
        if let Err(error) = tokio::fs::write(&archive_path, &archive).await {
            return failed(format!("Could not stage the model archive: {error}"));
        }
        drop(archive);
        let artifact_uri = spec.artifact_uri();
        let artifact_name = artifact_uri
            .rsplit('/')
            .next()
            .unwrap_or("model.tar.gz")
            .to_owned();
        let mut command = tokio::process::Command::new(&self.compiler);
        command
            .arg("compile")
            .arg(&archive_path)
            .arg("--framework")
            .arg(input.framework.as_str())
            .arg("--target")
            .arg(target_argument(&target))
            .arg("--out")
            .arg(work.path().join("out"))
            .arg("--artifact-name")
            .arg(&artifact_name)
            .arg("--report-json")
            .env("LOUPE_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(shapes) = input.input_shapes() {
            command.arg("--input").arg(shapes.to_json());
        }
        die_with_parent(&mut command);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                return failed(format!(
                    "Could not start the compiler {}: {error}",
                    self.compiler.display()
                ));
            }
        };
        let mut stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let mut lines = BufReader::new(stderr).lines();
        let report_text = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text).await;
            text
        });
        let deadline = job.started_at.plus(spec.stopping_condition.max_runtime());
        let max_runtime_seconds = spec.stopping_condition.max_runtime().as_secs();
        // The first look comes a whole interval in: a small model is done by then.
        let mut watch =
            tokio::time::interval_at(tokio::time::Instant::now() + WATCH_INTERVAL, WATCH_INTERVAL);
        let mut lines_open = true;
        let ended = loop {
            tokio::select! {
                status = child.wait() => break Ok(status),
                line = lines.next_line(), if lines_open => match line {
                    Ok(Some(line)) => pending.push(&line),
                    _ => lines_open = false,
                },
                _ = watch.tick() => {
                    if self.jobs.now() >= deadline {
                        break Err(RunEnd::Outcome(RunOutcome::TimedOut { max_runtime_seconds }));
                    }
                    match self.flush(job, &mut pending).await {
                        None => break Err(RunEnd::Lost),
                        Some(CompilationJobStatus::Stopping) => {
                            break Err(RunEnd::Outcome(RunOutcome::Stopped));
                        }
                        Some(_) => {}
                    }
                }
            }
        };
        let status = match ended {
            Ok(status) => status,
            Err(end) => {
                stop_child(&mut child).await;
                self.flush(job, &mut pending).await;
                return end;
            }
        };
        // The rest of the log, once the compiler has exited.
        while let Ok(Some(line)) = lines.next_line().await {
            pending.push(&line);
        }
        let report_text = report_text.await.unwrap_or_default();
        let report: Option<CompileReport> = serde_json::from_str(report_text.trim()).ok();
        let status = match status {
            Ok(status) => status,
            Err(error) => return failed(format!("Waiting for the compiler failed: {error}")),
        };
        match (status.code(), report) {
            (
                Some(0),
                Some(CompileReport {
                    artifact: Some(path),
                    manifest: Some(manifest),
                    peak_memory_bytes,
                    ..
                }),
            ) => {
                let compiled = Compiled {
                    path,
                    manifest,
                    peak_memory_bytes,
                };
                self.publish(job, &mut pending, compiled, &artifact_uri)
                    .await
            }
            (
                Some(EXIT_REFUSED),
                Some(CompileReport {
                    failure_reason: Some(reason),
                    ..
                }),
            ) => {
                self.flush(job, &mut pending).await;
                failed(reason)
            }
            _ => {
                self.flush(job, &mut pending).await;
                failed(format!(
                    "The compiler stopped unexpectedly ({}); the job log has its last words.",
                    describe_exit(&status)
                ))
            }
        }
    }

    /// Puts the artifact in place, then reports it compiled.
    async fn publish(
        &self,
        job: &ClaimedJob,
        pending: &mut Pending,
        compiled: Compiled,
        artifact_uri: &str,
    ) -> RunEnd {
        let bytes = match tokio::fs::read(&compiled.path).await {
            Ok(bytes) => bytes,
            Err(error) => {
                return failed(format!("The compiled artifact could not be read: {error}"));
            }
        };
        pending.push("phase: Uploading");
        pending.push(&format!("writing {artifact_uri}"));
        // A stop asked for while compiling wins: nothing is written.
        match self.flush(job, pending).await {
            None => return RunEnd::Lost,
            Some(CompilationJobStatus::Stopping) => return RunEnd::Outcome(RunOutcome::Stopped),
            Some(_) => {}
        }
        let digest = format!("sha256:{}", sha256_hex(&bytes, 32));
        if let Err(error) = self
            .outputs
            .put(artifact_uri, Bytes::from(bytes), "application/gzip")
            .await
        {
            return failed(format!(
                "Could not write the compiled model to {artifact_uri}: {error}"
            ));
        }
        RunEnd::Outcome(RunOutcome::Compiled {
            artifact_digest: digest,
            manifest: compiled.manifest,
            peak_memory_bytes: compiled.peak_memory_bytes,
        })
    }
}

fn failed(reason: impl Into<String>) -> RunEnd {
    RunEnd::Outcome(RunOutcome::Failed {
        reason: reason.into(),
    })
}

/// What a successful `loupe compile` left.
struct Compiled {
    path: PathBuf,
    manifest: serde_json::Value,
    peak_memory_bytes: Option<i64>,
}

/// Log lines not written yet, and the latest phase among them.
#[derive(Default)]
struct Pending {
    phase: Option<String>,
    lines: Vec<String>,
}

impl Pending {
    fn push(&mut self, line: &str) {
        if let Some(phase) = line.strip_prefix("phase: ") {
            self.phase = Some(phase.trim().to_owned());
        }
        self.lines.push(line.to_owned());
    }

    fn take(&mut self) -> (Option<String>, Option<String>) {
        let text = (!self.lines.is_empty()).then(|| self.lines.join("\n"));
        self.lines.clear();
        (self.phase.take(), text)
    }
}

/// `--target` for the compiler: the device's name, or `OS/ARCH` of a platform.
fn target_argument(target: &loupe_engine::domain::compilation::Target) -> String {
    use loupe_engine::domain::compilation::Target;
    match target {
        Target::Device(device) => device.as_str().to_owned(),
        Target::Platform(platform) => format!("{}/{}", platform.os, platform.arch),
    }
}

/// `s3://bucket/key` for an input URI: as given, or read from an S3 `https://` URL
/// (`https://bucket.s3.region.amazonaws.com/key` or `https://s3.region.amazonaws.com/bucket/key`).
pub fn object_uri(raw: &str) -> Option<String> {
    if raw.starts_with("s3://") {
        return Some(raw.to_owned());
    }
    let rest = raw.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    if let Some((bucket, service)) = host.split_once(".s3")
        && service.ends_with(".amazonaws.com")
        && !bucket.is_empty()
    {
        return Some(format!("s3://{bucket}/{path}"));
    }
    if host.starts_with("s3") && host.ends_with(".amazonaws.com") {
        return Some(format!("s3://{path}"));
    }
    None
}

fn describe_exit(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return match signal {
                9 => "killed with SIGKILL, most likely for running out of memory".to_owned(),
                other => format!("killed by signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("exit status {code}"),
        None => "no exit status".to_owned(),
    }
}

/// `SIGTERM`, then `SIGKILL` after [`STOP_GRACE`].
async fn stop_child(child: &mut tokio::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id() {
        // SAFETY: signalling a child we spawned and have not reaped.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGTERM);
        }
        if tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok() {
            return;
        }
    }
    let _ = child.kill().await;
}

/// The compiler dies with the replica that started it.
fn die_with_parent(command: &mut tokio::process::Command) {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe, which is all pre_exec asks.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_pages_know_every_step_a_run_records() {
        use loupe_app::api::compilation::phase_index;
        let steps: Vec<String> = ["Downloading", "Reading"]
            .into_iter()
            .map(str::to_owned)
            .chain(loupe_compiler::Phase::ALL.iter().map(ToString::to_string))
            .chain(["Uploading".to_owned()])
            .collect();
        let found: Vec<Option<usize>> = steps.iter().map(|step| phase_index(step)).collect();
        let in_order: Vec<Option<usize>> = (0..steps.len()).map(Some).collect();
        assert_eq!(found, in_order, "{steps:?}");
    }

    #[test]
    fn s3_https_urls_read_as_objects_of_the_store() {
        assert_eq!(
            object_uri("s3://models/cnn.tar.gz").as_deref(),
            Some("s3://models/cnn.tar.gz")
        );
        assert_eq!(
            object_uri("https://models.s3.us-east-1.amazonaws.com/a/cnn.tar.gz").as_deref(),
            Some("s3://models/a/cnn.tar.gz")
        );
        assert_eq!(
            object_uri("https://s3.us-east-1.amazonaws.com/models/cnn.tar.gz").as_deref(),
            Some("s3://models/cnn.tar.gz")
        );
        assert_eq!(object_uri("https://example.com/cnn.tar.gz"), None);
    }
}
