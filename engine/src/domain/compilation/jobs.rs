//! A compilation job as stored, its status, and the rules of its life (spec 3.5.2, 3.5.4):
//!
//! ```text
//!   STARTING ──claimed by a replica──▶ INPROGRESS ──compiled──▶ COMPLETED
//!      │                                 │   └──────failed────▶ FAILED
//!      │ Stop                            │ Stop, or MaxRuntimeInSeconds passed
//!      ▼                                 ▼
//!   STOPPED ◀──compilation abandoned── STOPPING
//! ```
//!
//! A job is claimed by one replica at a time; a replica that stops beating its heartbeat loses
//! its claims, and another takes the job up from the start. A job interrupted
//! [`MAX_ATTEMPTS`] times fails, so a model that kills its compiler cannot loop forever.

use serde::{Deserialize, Serialize};

use super::spec::CompilationJobSpec;
use super::targets::upper_enum;
use crate::domain::clock::Timestamp;
use crate::domain::names::CompilationJobName;

/// How many times a job is started before an interrupted one fails.
pub const MAX_ATTEMPTS: i64 = 3;
/// The job log's cap, in bytes: the newest lines are kept.
pub const MAX_LOG_BYTES: usize = 64 * 1024;
/// `FailureReason`'s cap in the model, in characters.
pub const MAX_FAILURE_REASON_CHARS: usize = 1024;

upper_enum!(
    /// `CompilationJobStatus` (upper case, unlike A2I's statuses).
    CompilationJobStatus {
        Inprogress = "INPROGRESS",
        Completed = "COMPLETED",
        Failed = "FAILED",
        Starting = "STARTING",
        Stopping = "STOPPING",
        Stopped = "STOPPED",
    }
);

impl CompilationJobStatus {
    /// Completed, failed or stopped: nothing more happens to the job.
    pub fn has_ended(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Stopped)
    }
}

/// A compilation job with everything Describe shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CompilationJob {
    pub spec: CompilationJobSpec,
    pub status: CompilationJobStatus,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub failure_reason: String,
    /// Set once the artifact is written.
    pub artifact_digest: Option<String>,
    /// The compiled model's manifest (JSON), once compiled.
    pub manifest: Option<serde_json::Value>,
    /// The step the compiler is at, while it runs.
    pub phase: Option<String>,
    /// What the compiler reported, line by line.
    pub log: String,
    pub peak_memory_bytes: Option<i64>,
    /// The replica running it, while it runs.
    pub claimed_by: Option<String>,
    /// How many times it was started.
    pub attempts: i64,
}

impl CompilationJob {
    pub fn name(&self) -> &CompilationJobName {
        &self.spec.compilation_job_name
    }

    /// `DerivedInformation.DerivedDataInputConfig`: the compiled model's inputs and shapes in
    /// `DataInputConfig`'s console form, read from the manifest once compiled.
    pub fn derived_data_input_config(&self) -> Option<String> {
        let inputs = self.manifest.as_ref()?.get("inputs")?.as_array()?;
        let members: serde_json::Map<String, serde_json::Value> = inputs
            .iter()
            .filter_map(|input| {
                Some((
                    input.get("name")?.as_str()?.to_owned(),
                    input.get("shape")?.clone(),
                ))
            })
            .collect();
        (!members.is_empty()).then(|| serde_json::Value::Object(members).to_string())
    }
}

/// One row of `ListCompilationJobs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompilationJobSummary {
    pub name: CompilationJobName,
    pub status: CompilationJobStatus,
    pub created_at: Timestamp,
    pub last_modified_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    /// Empty unless the job failed or was stopped at its time limit (the admin list shows it).
    pub failure_reason: String,
    /// The step the compiler is at, while it runs.
    pub phase: Option<String>,
    /// The target, for the summary's `CompilationTarget…` members.
    pub spec: CompilationJobSpec,
}

/// What `StopCompilationJob` does to a job in a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopStep {
    /// Nothing runs yet: the job is stopped at once.
    StopNow,
    /// The replica running it abandons the compilation and records `STOPPED`.
    AskRunnerToStop,
    /// Stopping or stopped already: stopping again changes nothing.
    AlreadyStopping,
}

/// Why a job's status refuses an operation (a `ValidationException`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StatusRefusal(pub String);

pub fn stop(
    name: &CompilationJobName,
    status: CompilationJobStatus,
) -> Result<StopStep, StatusRefusal> {
    use CompilationJobStatus::*;
    match status {
        Starting => Ok(StopStep::StopNow),
        Inprogress => Ok(StopStep::AskRunnerToStop),
        Stopping | Stopped => Ok(StopStep::AlreadyStopping),
        Completed | Failed => Err(StatusRefusal(format!(
            "The compilation job {name} has already ended with status {status}, so it cannot be \
             stopped."
        ))),
    }
}

/// `DeleteCompilationJob` takes ended jobs only; the artifact stays where it was written.
pub fn delete(
    name: &CompilationJobName,
    status: CompilationJobStatus,
) -> Result<(), StatusRefusal> {
    if status.has_ended() {
        Ok(())
    } else {
        Err(StatusRefusal(format!(
            "The compilation job {name} is {status}: stop it and delete it once its status is \
             STOPPED."
        )))
    }
}

/// How a run of the compiler ended, as the runner reports it.
#[derive(Debug, Clone, PartialEq)]
pub enum RunOutcome {
    Compiled {
        artifact_digest: String,
        manifest: serde_json::Value,
        peak_memory_bytes: Option<i64>,
    },
    /// The compiler refused the model; the reason is the caller's to read.
    Failed { reason: String },
    /// `MaxRuntimeInSeconds` passed and the compilation was abandoned.
    TimedOut { max_runtime_seconds: u64 },
    /// A stop was asked for and the compilation was abandoned.
    Stopped,
}

/// The status and failure reason a run's end leads to, from the status the job has when it
/// ends: a stop asked for while it ran wins over whatever the compiler made. `None`: the job
/// ended already (or is not this run's), and nothing changes.
pub fn finish(
    status: CompilationJobStatus,
    outcome: &RunOutcome,
) -> Option<(CompilationJobStatus, String)> {
    use CompilationJobStatus::*;
    match (status, outcome) {
        (
            Stopping,
            RunOutcome::TimedOut {
                max_runtime_seconds,
            },
        )
        | (
            Inprogress,
            RunOutcome::TimedOut {
                max_runtime_seconds,
            },
        ) => Some((
            Stopped,
            format!(
                "MaxRuntimeExceeded: the compilation ran longer than \
                 StoppingCondition.MaxRuntimeInSeconds ({max_runtime_seconds} seconds) and was \
                 stopped."
            ),
        )),
        (Stopping, _) => Some((Stopped, String::new())),
        (Inprogress, RunOutcome::Compiled { .. }) => Some((Completed, String::new())),
        (Inprogress, RunOutcome::Failed { reason }) => Some((Failed, cap_reason(reason))),
        (Inprogress, RunOutcome::Stopped) => Some((Stopped, String::new())),
        _ => None,
    }
}

/// The reason a job fails with when its runs were interrupted [`MAX_ATTEMPTS`] times.
pub fn interrupted_too_often() -> String {
    format!(
        "The compilation was interrupted {MAX_ATTEMPTS} times because the Loupe replicas running \
         it stopped before it finished. Check the servers' logs and memory, then create the job \
         again."
    )
}

/// A reason within the model's 1,024 characters.
pub fn cap_reason(reason: &str) -> String {
    if reason.chars().count() <= MAX_FAILURE_REASON_CHARS {
        reason.to_owned()
    } else {
        let mut capped: String = reason.chars().take(MAX_FAILURE_REASON_CHARS - 1).collect();
        capped.push('…');
        capped
    }
}

/// `log` with `line` appended, keeping the newest [`MAX_LOG_BYTES`].
pub fn append_log(log: &str, line: &str) -> String {
    let mut text = String::with_capacity(log.len() + line.len() + 1);
    text.push_str(log);
    text.push_str(line.trim_end());
    text.push('\n');
    if text.len() > MAX_LOG_BYTES {
        let mut cut = text.len() - MAX_LOG_BYTES;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        let from = text[cut..].find('\n').map_or(cut, |at| cut + at + 1);
        text.replace_range(..from, "");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use CompilationJobStatus::*;

    fn name() -> CompilationJobName {
        CompilationJobName::parse("Edge-Model-1").unwrap()
    }

    #[test]
    fn stopping_depends_on_whether_anything_runs() {
        assert_eq!(stop(&name(), Starting), Ok(StopStep::StopNow));
        assert_eq!(stop(&name(), Inprogress), Ok(StopStep::AskRunnerToStop));
        assert_eq!(stop(&name(), Stopping), Ok(StopStep::AlreadyStopping));
        assert_eq!(stop(&name(), Stopped), Ok(StopStep::AlreadyStopping));
        let refused = stop(&name(), Completed).unwrap_err();
        assert!(refused.0.contains("Edge-Model-1") && refused.0.contains("COMPLETED"));
        assert!(stop(&name(), Failed).is_err());
    }

    #[test]
    fn only_ended_jobs_are_deleted() {
        for status in [Completed, Failed, Stopped] {
            assert!(delete(&name(), status).is_ok());
        }
        for status in [Starting, Inprogress, Stopping] {
            let refused = delete(&name(), status).unwrap_err();
            assert!(refused.0.contains(status.as_str()), "{refused}");
        }
    }

    #[test]
    fn a_stop_asked_for_while_running_wins_over_the_result() {
        let compiled = RunOutcome::Compiled {
            artifact_digest: "sha256:00".into(),
            manifest: serde_json::json!({}),
            peak_memory_bytes: None,
        };
        assert_eq!(
            finish(Inprogress, &compiled),
            Some((Completed, String::new()))
        );
        assert_eq!(finish(Stopping, &compiled), Some((Stopped, String::new())));
        let failed = RunOutcome::Failed {
            reason: "x".repeat(2000),
        };
        let (status, reason) = finish(Inprogress, &failed).unwrap();
        assert_eq!(status, Failed);
        assert_eq!(reason.chars().count(), MAX_FAILURE_REASON_CHARS);
        let timed_out = RunOutcome::TimedOut {
            max_runtime_seconds: 900,
        };
        let (status, reason) = finish(Inprogress, &timed_out).unwrap();
        assert_eq!(status, Stopped);
        assert!(reason.contains("900 seconds"), "{reason}");
        // A job that ended already is left as it is.
        for ended in [Completed, Failed, Stopped, Starting] {
            assert_eq!(finish(ended, &compiled), None);
        }
    }

    #[test]
    fn the_log_keeps_its_newest_lines() {
        let mut log = String::new();
        for i in 0..10_000 {
            log = append_log(&log, &format!("line {i}"));
        }
        assert!(log.len() <= MAX_LOG_BYTES);
        assert!(log.starts_with("line "), "cut at a line start");
        assert!(log.ends_with("line 9999\n"));
    }

    #[test]
    fn statuses_are_spelled_in_capitals() {
        assert_eq!(Inprogress.as_str(), "INPROGRESS");
        assert_eq!(CompilationJobStatus::parse("STOPPING"), Some(Stopping));
        assert_eq!(CompilationJobStatus::parse("InProgress"), None);
        assert!(Stopped.has_ended() && !Stopping.has_ended());
    }
}
