//! Compilation jobs as the SageMaker API, the admin pages and the runners see them: requests are
//! read by [`crate::domain::compilation`], rules are asked of it, and the store keeps the jobs.
//! Compiling itself happens outside the engine (the server's runner and the `loupe-compiler`
//! crate); the runner reports here through [`CompilationJobs::claim`] and friends.

use std::sync::Arc;

use serde_json::Value;

use crate::domain::arns::Account;
use crate::domain::clock::Clock;
use crate::domain::compilation::{
    CompilationJob, CompilationJobSpec, CompilationJobStatus, CompilationJobSummary, JobQuery,
    RunOutcome, StopStep,
};
use crate::domain::instances::{self, InstanceId};
use crate::domain::names::CompilationJobName;
use crate::domain::validation::RequestError;
use crate::requests::control_plane::name_member;
use crate::store::{ClaimedJob, JobCreation, JobFilter, Store, StoreError};

/// Jobs not over yet, at most, when the server is not told otherwise: SageMaker's own default
/// quota for concurrent compilation jobs is of this order, and each waits its turn anyway.
pub const DEFAULT_MAX_OPEN_JOBS: i64 = 100;

/// Why a compilation job operation is refused; the API maps each to an AWS error type.
#[derive(Debug, thiserror::Error)]
pub enum CompilationError {
    /// Malformed or invalid request: `SerializationException` / `ValidationException`.
    #[error("{0}")]
    Request(#[from] RequestError),
    /// An operation the job's status does not allow: `ValidationException`.
    #[error("{0}")]
    Refused(String),
    /// `ResourceNotFound`.
    #[error("{0}")]
    NotFound(String),
    /// A name in use: `ResourceInUse`.
    #[error("{0}")]
    InUse(String),
    /// Too many jobs not over: `ResourceLimitExceeded`.
    #[error("{0}")]
    LimitExceeded(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

pub struct CompilationJobs {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    account: Account,
    max_open: i64,
}

impl std::fmt::Debug for CompilationJobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompilationJobs")
            .field("account", &self.account)
            .field("max_open", &self.max_open)
            .finish_non_exhaustive()
    }
}

impl CompilationJobs {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, account: Account) -> Self {
        Self {
            store,
            clock,
            account,
            max_open: DEFAULT_MAX_OPEN_JOBS,
        }
    }

    /// At most `max_open` jobs not over at once; more are `ResourceLimitExceeded`.
    pub fn with_max_open(mut self, max_open: i64) -> Self {
        self.max_open = max_open.max(1);
        self
    }

    /// `arn:<partition>:sagemaker:<region>:<account>:compilation-job/<name in lower case>`:
    /// SageMaker lower-cases names in ARNs, as Loupe does for work teams.
    pub fn arn(&self, name: &CompilationJobName) -> String {
        format!(
            "arn:{}:sagemaker:{}:{}:compilation-job/{}",
            self.account.partition(),
            self.account.region(),
            self.account.account_id(),
            name.as_str().to_ascii_lowercase()
        )
    }

    /// `CreateCompilationJob`: the new job's ARN.
    pub async fn create(&self, request: &Value) -> Result<String, CompilationError> {
        let spec = CompilationJobSpec::parse(request)?;
        self.create_spec(&spec).await
    }

    /// Stores a job read elsewhere (the admin form reads the same request shape).
    pub async fn create_spec(&self, spec: &CompilationJobSpec) -> Result<String, CompilationError> {
        let name = &spec.compilation_job_name;
        match self
            .store
            .create_compilation_job(spec, self.clock.now(), self.max_open)
            .await?
        {
            JobCreation::Created => Ok(self.arn(name)),
            JobCreation::NameTaken => Err(CompilationError::InUse(format!(
                "Compilation job name {name} is already in use (names are unique ignoring case)."
            ))),
            JobCreation::TooManyOpen(open) => Err(CompilationError::LimitExceeded(format!(
                "{open} compilation jobs are waiting or running, the most this server allows; \
                 wait for some to end or stop them."
            ))),
        }
    }

    /// The job named by the request's `CompilationJobName`.
    pub async fn describe(&self, request: &Value) -> Result<CompilationJob, CompilationError> {
        let name = name_member(request, "CompilationJobName", CompilationJobName::parse)?;
        self.find(&name).await
    }

    pub async fn find(
        &self,
        name: &CompilationJobName,
    ) -> Result<CompilationJob, CompilationError> {
        self.store
            .compilation_job(name)
            .await?
            .ok_or_else(|| not_found(name))
    }

    /// `ListCompilationJobs`: a page, and the next page's token.
    pub async fn list(
        &self,
        request: &Value,
    ) -> Result<(Vec<CompilationJobSummary>, Option<String>), CompilationError> {
        let query = JobQuery::parse(request)?;
        let jobs = self.store.compilation_jobs(&filter_of(&query)).await?;
        Ok(query.page(jobs))
    }

    /// Every job (the admin list filters by status itself), oldest first.
    pub async fn all(
        &self,
        status: Option<CompilationJobStatus>,
    ) -> Result<Vec<CompilationJobSummary>, CompilationError> {
        let filter = JobFilter {
            status,
            ..JobFilter::default()
        };
        Ok(self.store.compilation_jobs(&filter).await?)
    }

    /// `StopCompilationJob` for the request's name.
    pub async fn stop(&self, request: &Value) -> Result<StopStep, CompilationError> {
        let name = name_member(request, "CompilationJobName", CompilationJobName::parse)?;
        self.stop_named(&name).await
    }

    pub async fn stop_named(
        &self,
        name: &CompilationJobName,
    ) -> Result<StopStep, CompilationError> {
        match self
            .store
            .stop_compilation_job(name, self.clock.now())
            .await?
        {
            None => Err(not_found(name)),
            Some(Ok(step)) => Ok(step),
            Some(Err(refusal)) => Err(CompilationError::Refused(refusal.0)),
        }
    }

    /// `DeleteCompilationJob` for the request's name.
    pub async fn delete(&self, request: &Value) -> Result<(), CompilationError> {
        let name = name_member(request, "CompilationJobName", CompilationJobName::parse)?;
        self.delete_named(&name).await
    }

    pub async fn delete_named(&self, name: &CompilationJobName) -> Result<(), CompilationError> {
        match self.store.delete_compilation_job(name).await? {
            None => Err(not_found(name)),
            Some(Ok(())) => Ok(()),
            Some(Err(refusal)) => Err(CompilationError::Refused(refusal.0)),
        }
    }

    /// A runner's next job, if any is free (see [`crate::store::CompilationJobStore`]).
    pub async fn claim(&self, instance: &InstanceId) -> Result<Option<ClaimedJob>, StoreError> {
        let now = self.clock.now();
        self.store
            .claim_compilation_job(instance, now, instances::alive_after(now))
            .await
    }

    /// Records a step and a log line; the job's status, or `None` once it is not `instance`'s.
    pub async fn progress(
        &self,
        id: i64,
        instance: &InstanceId,
        phase: Option<&str>,
        line: Option<&str>,
    ) -> Result<Option<CompilationJobStatus>, StoreError> {
        self.store
            .record_compilation_progress(id, instance, phase, line)
            .await
    }

    pub async fn finish(
        &self,
        id: i64,
        instance: &InstanceId,
        outcome: &RunOutcome,
    ) -> Result<Option<CompilationJobStatus>, StoreError> {
        self.store
            .finish_compilation_job(id, instance, outcome, self.clock.now())
            .await
    }

    pub fn now(&self) -> crate::domain::clock::Timestamp {
        self.clock.now()
    }
}

fn not_found(name: &CompilationJobName) -> CompilationError {
    CompilationError::NotFound(format!("Could not find compilation job {name}."))
}

fn filter_of(query: &JobQuery) -> JobFilter {
    JobFilter {
        created_after: query.created_after,
        created_before: query.created_before,
        modified_after: query.modified_after,
        modified_before: query.modified_before,
        status: query.status,
    }
}
