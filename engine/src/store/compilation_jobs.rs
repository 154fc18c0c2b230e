//! Compilation jobs (`compilation_jobs`): what the API creates, lists, stops and deletes, and what
//! the runners claim, report on and finish. Each step asks
//! [`crate::domain::compilation::jobs`] what the job's status allows, with the row locked.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::compilation::jobs::{RunOutcome, StatusRefusal, StopStep};
use crate::domain::compilation::{
    CompilationJob, CompilationJobSpec, CompilationJobStatus, CompilationJobSummary,
};
use crate::domain::instances::InstanceId;
use crate::domain::names::CompilationJobName;

use super::StoreError;

/// What creating a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobCreation {
    Created,
    /// A job of this name, ignoring case, exists.
    NameTaken,
    /// This many jobs are not over, the most allowed.
    TooManyOpen(i64),
}

/// A job a runner has claimed: compile it, from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    pub id: i64,
    pub spec: CompilationJobSpec,
    /// 1 for the first run; more when a replica died running it.
    pub attempt: i64,
    /// When the first run started: `MaxRuntimeInSeconds` counts from here.
    pub started_at: Timestamp,
}

/// The time and status filters of a list, applied in SQL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub created_after: Option<Timestamp>,
    pub created_before: Option<Timestamp>,
    pub modified_after: Option<Timestamp>,
    pub modified_before: Option<Timestamp>,
    pub status: Option<CompilationJobStatus>,
}

#[async_trait]
pub trait CompilationJobStore {
    /// Adds a `STARTING` job, unless its name is taken or `max_open` jobs are not over.
    async fn create_compilation_job(
        &self,
        spec: &CompilationJobSpec,
        now: Timestamp,
        max_open: i64,
    ) -> Result<JobCreation, StoreError>;
    /// The job of this name, ignoring case.
    async fn compilation_job(
        &self,
        name: &CompilationJobName,
    ) -> Result<Option<CompilationJob>, StoreError>;
    async fn compilation_jobs(
        &self,
        filter: &JobFilter,
    ) -> Result<Vec<CompilationJobSummary>, StoreError>;
    /// `None` when there is no such job.
    async fn stop_compilation_job(
        &self,
        name: &CompilationJobName,
        now: Timestamp,
    ) -> Result<Option<Result<StopStep, StatusRefusal>>, StoreError>;
    /// `None` when there is no such job.
    async fn delete_compilation_job(
        &self,
        name: &CompilationJobName,
    ) -> Result<Option<Result<(), StatusRefusal>>, StoreError>;

    /// Claims the oldest job nobody runs: a new one, or one whose replica stopped beating after
    /// `alive_after`. A job of a dead replica that was being stopped is stopped; one
    /// interrupted too often fails (both without being handed out).
    async fn claim_compilation_job(
        &self,
        instance: &InstanceId,
        now: Timestamp,
        alive_after: Timestamp,
    ) -> Result<Option<ClaimedJob>, StoreError>;
    /// Records the compiler's step and a log line while `instance` holds the job. Returns the
    /// job's status (a runner learns of a stop this way), or `None` when the job is no longer
    /// `instance`'s.
    async fn record_compilation_progress(
        &self,
        id: i64,
        instance: &InstanceId,
        phase: Option<&str>,
        line: Option<&str>,
    ) -> Result<Option<CompilationJobStatus>, StoreError>;
    /// Ends a run of `instance`'s: the status [`crate::domain::compilation::jobs::finish`] gives.
    /// Returns the status recorded, or `None` when the job was not `instance`'s to end.
    async fn finish_compilation_job(
        &self,
        id: i64,
        instance: &InstanceId,
        outcome: &RunOutcome,
        now: Timestamp,
    ) -> Result<Option<CompilationJobStatus>, StoreError>;
}

/// Implements [`CompilationJobStore`] for a backend's store; see [`super::dialect`].
macro_rules! compilation_jobs_sql {
    ($store:ty, $conn:ty, $for_update:literal, $skip_locked:literal) => {
        impl $store {
            /// The job of this name, locked for the transaction: its id and status.
            async fn named_job(
                conn: &mut $conn,
                name: &$crate::domain::names::CompilationJobName,
            ) -> Result<
                Option<(i64, $crate::domain::compilation::CompilationJobStatus)>,
                $crate::store::StoreError,
            > {
                let row: Option<(i64, String)> = sqlx::query_as(concat!(
                    "SELECT id, status FROM compilation_jobs WHERE name_folded = $1 ",
                    $for_update
                ))
                .bind(name.as_str().to_ascii_lowercase())
                .fetch_optional(&mut *conn)
                .await?;
                row.map(|(id, status)| Ok((id, $crate::store::compilation_jobs::status(&status)?)))
                    .transpose()
            }

            /// The job `instance` holds, locked for the transaction: its status and log.
            async fn held_job(
                conn: &mut $conn,
                id: i64,
                instance: &$crate::domain::instances::InstanceId,
            ) -> Result<
                Option<($crate::domain::compilation::CompilationJobStatus, String)>,
                $crate::store::StoreError,
            > {
                let row: Option<(String, String)> = sqlx::query_as(concat!(
                    "SELECT status, log FROM compilation_jobs WHERE id = $1 AND claimed_by = $2 ",
                    $for_update
                ))
                .bind(id)
                .bind(instance.as_str())
                .fetch_optional(&mut *conn)
                .await?;
                row.map(|(status, log)| Ok(($crate::store::compilation_jobs::status(&status)?, log)))
                    .transpose()
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::CompilationJobStore for $store {
            async fn create_compilation_job(
                &self,
                spec: &$crate::domain::compilation::CompilationJobSpec,
                now: $crate::domain::clock::Timestamp,
                max_open: i64,
            ) -> Result<$crate::store::JobCreation, $crate::store::StoreError> {
                use $crate::store::JobCreation;
                let spec_text = serde_json::to_string(spec)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let name = spec.compilation_job_name.as_str();
                let mut tx = self.begin_write().await?;
                let open: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM compilation_jobs \
                     WHERE status IN ('STARTING', 'INPROGRESS', 'STOPPING')",
                )
                .fetch_one(&mut *tx)
                .await?;
                if open >= max_open {
                    return Ok(JobCreation::TooManyOpen(open));
                }
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO compilation_jobs \
                     (name, name_folded, spec, status, created_at, last_modified_at) \
                     VALUES ($1, $2, $3, 'STARTING', $4, $4) \
                     ON CONFLICT (name_folded) DO NOTHING RETURNING id",
                )
                .bind(name)
                .bind(name.to_ascii_lowercase())
                .bind(spec_text)
                .bind(now.as_millis())
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(match id {
                    Some(_) => JobCreation::Created,
                    None => JobCreation::NameTaken,
                })
            }

            async fn compilation_job(
                &self,
                name: &$crate::domain::names::CompilationJobName,
            ) -> Result<Option<$crate::domain::compilation::CompilationJob>, $crate::store::StoreError>
            {
                type Row = (
                    String,
                    String,
                    String,
                    i64,
                    i64,
                    Option<i64>,
                    Option<i64>,
                    Option<String>,
                    i64,
                    Option<String>,
                    String,
                    Option<String>,
                    Option<String>,
                    Option<i64>,
                );
                let row: Option<Row> = sqlx::query_as(
                    "SELECT spec, status, failure_reason, created_at, last_modified_at, \
                     started_at, ended_at, claimed_by, attempts, phase, log, artifact_digest, \
                     manifest, peak_memory_bytes FROM compilation_jobs WHERE name_folded = $1",
                )
                .bind(name.as_str().to_ascii_lowercase())
                .fetch_optional(&self.pool)
                .await?;
                let Some((
                    spec,
                    status,
                    failure_reason,
                    created,
                    modified,
                    started,
                    ended,
                    claimed_by,
                    attempts,
                    phase,
                    log,
                    digest,
                    manifest,
                    peak,
                )) = row
                else {
                    return Ok(None);
                };
                use $crate::domain::clock::Timestamp;
                let corrupt = |e: String| $crate::store::StoreError::Corrupt(e);
                Ok(Some($crate::domain::compilation::CompilationJob {
                    spec: serde_json::from_str(&spec).map_err(|e| corrupt(e.to_string()))?,
                    status: $crate::store::compilation_jobs::status(&status)?,
                    created_at: Timestamp::from_millis(created),
                    last_modified_at: Timestamp::from_millis(modified),
                    started_at: started.map(Timestamp::from_millis),
                    ended_at: ended.map(Timestamp::from_millis),
                    failure_reason,
                    artifact_digest: digest,
                    manifest: manifest
                        .map(|text| serde_json::from_str(&text))
                        .transpose()
                        .map_err(|e| corrupt(e.to_string()))?,
                    phase,
                    log,
                    peak_memory_bytes: peak,
                    claimed_by,
                    attempts,
                }))
            }

            async fn compilation_jobs(
                &self,
                filter: &$crate::store::JobFilter,
            ) -> Result<
                Vec<$crate::domain::compilation::CompilationJobSummary>,
                $crate::store::StoreError,
            > {
                use $crate::domain::clock::Timestamp;
                let millis = |t: Option<Timestamp>| t.map(Timestamp::as_millis);
                type Row = (
                    String,
                    String,
                    String,
                    i64,
                    i64,
                    Option<i64>,
                    Option<i64>,
                    String,
                    Option<String>,
                );
                let rows: Vec<Row> =
                    sqlx::query_as(
                        "SELECT name, spec, status, created_at, last_modified_at, started_at, \
                         ended_at, failure_reason, phase FROM compilation_jobs \
                         WHERE ($1 IS NULL OR created_at > $1) AND ($2 IS NULL OR created_at < $2) \
                         AND ($3 IS NULL OR last_modified_at > $3) \
                         AND ($4 IS NULL OR last_modified_at < $4) \
                         AND ($5 IS NULL OR status = $5) ORDER BY created_at, name",
                    )
                    .bind(millis(filter.created_after))
                    .bind(millis(filter.created_before))
                    .bind(millis(filter.modified_after))
                    .bind(millis(filter.modified_before))
                    .bind(filter.status.map(|s| s.as_str()))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(name, spec, status, created, modified, started, ended, failure_reason, phase)| {
                        let corrupt = |e: String| $crate::store::StoreError::Corrupt(e);
                        Ok($crate::domain::compilation::CompilationJobSummary {
                            name: $crate::domain::names::CompilationJobName::parse(&name)
                                .map_err(|e| corrupt(e.to_string()))?,
                            status: $crate::store::compilation_jobs::status(&status)?,
                            created_at: Timestamp::from_millis(created),
                            last_modified_at: Timestamp::from_millis(modified),
                            started_at: started.map(Timestamp::from_millis),
                            ended_at: ended.map(Timestamp::from_millis),
                            failure_reason,
                            phase,
                            spec: serde_json::from_str(&spec).map_err(|e| corrupt(e.to_string()))?,
                        })
                    })
                    .collect()
            }

            async fn stop_compilation_job(
                &self,
                name: &$crate::domain::names::CompilationJobName,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<
                Option<Result<$crate::domain::compilation::StopStep, $crate::domain::compilation::StatusRefusal>>,
                $crate::store::StoreError,
            > {
                use $crate::domain::compilation::StopStep;
                let mut tx = self.begin_write().await?;
                let Some((id, status)) = Self::named_job(&mut tx, name).await? else {
                    return Ok(None);
                };
                let step = match $crate::domain::compilation::jobs::stop(name, status) {
                    Ok(step) => step,
                    Err(refusal) => return Ok(Some(Err(refusal))),
                };
                let sql = match step {
                    StopStep::StopNow => Some(
                        "UPDATE compilation_jobs SET status = 'STOPPED', last_modified_at = $2, \
                         ended_at = $2, phase = NULL WHERE id = $1",
                    ),
                    StopStep::AskRunnerToStop => Some(
                        "UPDATE compilation_jobs SET status = 'STOPPING', last_modified_at = $2 \
                         WHERE id = $1",
                    ),
                    StopStep::AlreadyStopping => None,
                };
                if let Some(sql) = sql {
                    sqlx::query(sql)
                        .bind(id)
                        .bind(now.as_millis())
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(Some(Ok(step)))
            }

            async fn delete_compilation_job(
                &self,
                name: &$crate::domain::names::CompilationJobName,
            ) -> Result<Option<Result<(), $crate::domain::compilation::StatusRefusal>>, $crate::store::StoreError>
            {
                let mut tx = self.begin_write().await?;
                let Some((id, status)) = Self::named_job(&mut tx, name).await? else {
                    return Ok(None);
                };
                if let Err(refusal) = $crate::domain::compilation::jobs::delete(name, status) {
                    return Ok(Some(Err(refusal)));
                }
                sqlx::query("DELETE FROM compilation_jobs WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(Ok(())))
            }

            async fn claim_compilation_job(
                &self,
                instance: &$crate::domain::instances::InstanceId,
                now: $crate::domain::clock::Timestamp,
                alive_after: $crate::domain::clock::Timestamp,
            ) -> Result<Option<$crate::store::ClaimedJob>, $crate::store::StoreError> {
                use $crate::domain::compilation::jobs::MAX_ATTEMPTS;
                let mut tx = self.begin_write().await?;
                // A job is free when new, or when the replica holding it is gone: not this one,
                // and no heartbeat since `alive_after`.
                let candidate: Option<(i64, String, String, i64, Option<i64>)> =
                    sqlx::query_as(concat!(
                        "SELECT j.id, j.spec, j.status, j.attempts, j.started_at \
                         FROM compilation_jobs j \
                         WHERE j.status = 'STARTING' OR (j.status IN ('INPROGRESS', 'STOPPING') \
                         AND (j.claimed_by IS NULL OR NOT EXISTS \
                         (SELECT 1 FROM instances i WHERE i.id = j.claimed_by \
                         AND i.heartbeat_at >= $1))) \
                         ORDER BY j.created_at, j.id LIMIT 1 ",
                        $skip_locked
                    ))
                    .bind(alive_after.as_millis())
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((id, spec, status, attempts, started)) = candidate else {
                    return Ok(None);
                };
                let now_ms = now.as_millis();
                if status == "STOPPING" {
                    // Its runner is gone and a stop was asked for: nothing is left to abandon.
                    sqlx::query(
                        "UPDATE compilation_jobs SET status = 'STOPPED', ended_at = $2, \
                         last_modified_at = $2, claimed_by = NULL, phase = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(None);
                }
                if attempts >= MAX_ATTEMPTS {
                    sqlx::query(
                        "UPDATE compilation_jobs SET status = 'FAILED', failure_reason = $3, \
                         ended_at = $2, last_modified_at = $2, claimed_by = NULL, phase = NULL \
                         WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now_ms)
                    .bind($crate::domain::compilation::jobs::interrupted_too_often())
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(None);
                }
                let started = started.unwrap_or(now_ms);
                let line = if attempts == 0 {
                    format!("claimed by {instance}")
                } else {
                    format!("claimed by {instance} again (attempt {}): the replica running it stopped", attempts + 1)
                };
                let log: String =
                    sqlx::query_scalar("SELECT log FROM compilation_jobs WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                sqlx::query(
                    "UPDATE compilation_jobs SET status = 'INPROGRESS', claimed_by = $2, \
                     attempts = attempts + 1, started_at = $3, last_modified_at = $4, \
                     phase = 'Queued', log = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(instance.as_str())
                .bind(started)
                .bind(now_ms)
                .bind($crate::domain::compilation::jobs::append_log(&log, &line))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some($crate::store::ClaimedJob {
                    id,
                    spec: serde_json::from_str(&spec)
                        .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                    attempt: attempts + 1,
                    started_at: $crate::domain::clock::Timestamp::from_millis(started),
                }))
            }

            async fn record_compilation_progress(
                &self,
                id: i64,
                instance: &$crate::domain::instances::InstanceId,
                phase: Option<&str>,
                line: Option<&str>,
            ) -> Result<Option<$crate::domain::compilation::CompilationJobStatus>, $crate::store::StoreError>
            {
                let mut tx = self.begin_write().await?;
                let Some((status, log)) = Self::held_job(&mut tx, id, instance).await? else {
                    return Ok(None);
                };
                if status.has_ended() {
                    return Ok(None);
                }
                let log = match line {
                    Some(line) => $crate::domain::compilation::jobs::append_log(&log, line),
                    None => log,
                };
                sqlx::query(
                    "UPDATE compilation_jobs SET phase = COALESCE($2, phase), log = $3 \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(phase)
                .bind(log)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(status))
            }

            async fn finish_compilation_job(
                &self,
                id: i64,
                instance: &$crate::domain::instances::InstanceId,
                outcome: &$crate::domain::compilation::RunOutcome,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<Option<$crate::domain::compilation::CompilationJobStatus>, $crate::store::StoreError>
            {
                use $crate::domain::compilation::RunOutcome;
                let mut tx = self.begin_write().await?;
                let Some((status, log)) = Self::held_job(&mut tx, id, instance).await? else {
                    return Ok(None);
                };
                let Some((next, reason)) =
                    $crate::domain::compilation::jobs::finish(status, outcome)
                else {
                    return Ok(None);
                };
                let (digest, manifest, peak) = match outcome {
                    RunOutcome::Compiled {
                        artifact_digest,
                        manifest,
                        peak_memory_bytes,
                    } if next == $crate::domain::compilation::CompilationJobStatus::Completed => (
                        Some(artifact_digest.clone()),
                        Some(manifest.to_string()),
                        *peak_memory_bytes,
                    ),
                    _ => (None, None, None),
                };
                let line = match next {
                    $crate::domain::compilation::CompilationJobStatus::Completed => {
                        "compiled".to_owned()
                    }
                    other if reason.is_empty() => other.as_str().to_ascii_lowercase(),
                    other => format!("{}: {reason}", other.as_str().to_ascii_lowercase()),
                };
                sqlx::query(
                    "UPDATE compilation_jobs SET status = $2, failure_reason = $3, \
                     ended_at = $4, last_modified_at = $4, claimed_by = NULL, phase = NULL, \
                     artifact_digest = $5, manifest = $6, peak_memory_bytes = $7, log = $8 \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(next.as_str())
                .bind(reason)
                .bind(now.as_millis())
                .bind(digest)
                .bind(manifest)
                .bind(peak)
                .bind($crate::domain::compilation::jobs::append_log(&log, &line))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(next))
            }
        }
    };
}

pub(crate) use compilation_jobs_sql;

/// A stored status, read back.
pub(crate) fn status(raw: &str) -> Result<CompilationJobStatus, StoreError> {
    CompilationJobStatus::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown compilation job status {raw:?}")))
}
