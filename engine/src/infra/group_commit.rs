//! Group commit: concurrent writes of one kind (loop starts; worker claims and submits) are
//! gathered into one transaction, so a durable commit (an fsync on SQLite, a WAL flush on
//! PostgreSQL) is paid once per batch instead of once per write.
//!
//! A write waits for its batch's commit before it returns, so "done" always means "on disk".
//! Each write in a batch either succeeds, or is refused having written nothing, or fails the
//! batch as a whole. A batch that PostgreSQL rolled back as a deadlock victim or for a
//! serialization failure is run again a few times after a short random pause (the other
//! transaction is done by then); any other failed batch (say, a flow definition vanished under
//! one of its starts) is retried one write per transaction, each with the same second chances,
//! so one bad write cannot fail its neighbours and a lost race never reaches a caller.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::domain::loops::{NewHumanLoop, StartOutcome};
use crate::lifecycle::OutputFinisher;
use crate::store::{Store, StoreError, TaskDone, TaskWork};

/// Most writes per transaction: keeps bind parameters (10 per loop start) far below both
/// backends' limits and a batch's latency low.
pub const MAX_BATCH: usize = 256;

/// Times a transaction that lost a deadlock or serialization race is run again.
const TRANSIENT_RETRIES: u32 = 3;

/// One kind of write that can share a transaction with others of its kind.
#[async_trait]
pub trait Batch: Send + Sync + 'static {
    type Job: Send + Sync + 'static;
    type Outcome: Send + 'static;
    /// Runs `jobs` in one transaction: one outcome per job, in order, or an error for the
    /// batch as a whole (then nothing of it was committed).
    async fn commit(
        &self,
        jobs: &[Self::Job],
    ) -> Result<Vec<Result<Self::Outcome, StoreError>>, StoreError>;
}

type Reply<B> = oneshot::Sender<Result<<B as Batch>::Outcome, StoreError>>;

/// Handle to the batching writers of one kind of write. Cloning shares them.
pub struct GroupCommit<B: Batch> {
    jobs: mpsc::Sender<(B::Job, Reply<B>)>,
}

impl<B: Batch> Clone for GroupCommit<B> {
    fn clone(&self) -> Self {
        Self {
            jobs: self.jobs.clone(),
        }
    }
}

impl<B: Batch> std::fmt::Debug for GroupCommit<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl<B: Batch> GroupCommit<B> {
    /// Spawns `writers` batching tasks on the current Tokio runtime. SQLite wants one (it has
    /// one writer anyway); PostgreSQL commits several batches in parallel.
    pub fn spawn(batch: B, writers: usize) -> Self {
        let (jobs, receiver) = mpsc::channel::<(B::Job, Reply<B>)>(MAX_BATCH * 8);
        let receiver = Arc::new(Mutex::new(receiver));
        let batch = Arc::new(batch);
        for _ in 0..writers.max(1) {
            let batch = batch.clone();
            let receiver = receiver.clone();
            tokio::spawn(async move {
                loop {
                    let mut taken = Vec::new();
                    {
                        let mut receiver = receiver.lock().await;
                        let Some(first) = receiver.recv().await else {
                            return;
                        };
                        taken.push(first);
                        while taken.len() < MAX_BATCH {
                            match receiver.try_recv() {
                                Ok(job) => taken.push(job),
                                Err(_) => break,
                            }
                        }
                    }
                    run(&*batch, taken).await;
                }
            });
        }
        Self { jobs }
    }

    /// Runs one write; returns once its batch is committed.
    pub async fn run(&self, job: B::Job) -> Result<B::Outcome, StoreError> {
        let (reply, outcome) = oneshot::channel();
        let closed = || StoreError::Corrupt("the batching writer has shut down".to_owned());
        self.jobs.send((job, reply)).await.map_err(|_| closed())?;
        outcome.await.map_err(|_| closed())?
    }
}

/// Commits `jobs`, again after a short random pause while the database reports a transient
/// failure (nothing of the batch was committed then).
async fn commit_retrying<B: Batch>(
    batch: &B,
    jobs: &[B::Job],
) -> Result<Vec<Result<B::Outcome, StoreError>>, StoreError> {
    let mut retries = 0;
    loop {
        match batch.commit(jobs).await {
            Err(error) if error.is_transient() && retries < TRANSIENT_RETRIES => {
                retries += 1;
                tracing::debug!(%error, retries, "batch lost a race; running it again");
                tokio::time::sleep(backoff(retries)).await;
            }
            outcome => return outcome,
        }
    }
}

/// Up to 20 ms, 40 ms, 80 ms: random, so two batches that collided do not collide again.
fn backoff(retries: u32) -> Duration {
    use rand::Rng as _;
    Duration::from_millis(rand::thread_rng().gen_range(1..=10u64 << retries.min(6)))
}

async fn run<B: Batch>(batch: &B, taken: Vec<(B::Job, Reply<B>)>) {
    let (jobs, replies): (Vec<_>, Vec<_>) = taken.into_iter().unzip();
    match commit_retrying(batch, &jobs).await {
        Ok(outcomes) if outcomes.len() == jobs.len() => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(outcome);
            }
        }
        Ok(_) => {
            for reply in replies {
                let _ = reply.send(Err(StoreError::Corrupt(
                    "a batch answered for the wrong number of writes".to_owned(),
                )));
            }
        }
        Err(error) if jobs.len() == 1 => {
            let reply = replies.into_iter().next().expect("one job");
            let _ = reply.send(Err(error));
        }
        Err(_) => {
            for (job, reply) in jobs.iter().zip(replies) {
                let outcome = match commit_retrying(batch, std::slice::from_ref(job)).await {
                    Ok(mut outcomes) => outcomes.pop().unwrap_or_else(|| {
                        Err(StoreError::Corrupt("a write without an outcome".to_owned()))
                    }),
                    Err(error) => Err(error),
                };
                let _ = reply.send(outcome);
            }
        }
    }
}

/// Loop starts (`StartHumanLoop`).
pub struct LoopStarts(pub Arc<dyn Store>);

#[async_trait]
impl Batch for LoopStarts {
    type Job = NewHumanLoop;
    type Outcome = StartOutcome;
    async fn commit(
        &self,
        jobs: &[NewHumanLoop],
    ) -> Result<Vec<Result<StartOutcome, StoreError>>, StoreError> {
        self.0.start_loops(jobs).await
    }
}

/// Workers' claims and submits: the worker portal's hot path.
pub struct TaskWorkBatches {
    pub store: Arc<dyn Store>,
    pub finisher: OutputFinisher,
}

#[async_trait]
impl Batch for TaskWorkBatches {
    type Job = TaskWork;
    type Outcome = TaskDone;
    async fn commit(
        &self,
        jobs: &[TaskWork],
    ) -> Result<Vec<Result<TaskDone, StoreError>>, StoreError> {
        self.store.task_work(jobs, &self.finisher).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// What PostgreSQL answers a deadlock victim.
    #[derive(Debug)]
    struct Deadlock;

    impl std::fmt::Display for Deadlock {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("deadlock detected")
        }
    }

    impl std::error::Error for Deadlock {}

    impl sqlx::error::DatabaseError for Deadlock {
        fn message(&self) -> &str {
            "deadlock detected"
        }
        fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
            Some("40P01".into())
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    /// Doubles its jobs, after losing `losses` deadlocks.
    struct Unlucky {
        losses: u32,
        commits: Arc<AtomicU32>,
    }

    #[async_trait]
    impl Batch for Unlucky {
        type Job = u32;
        type Outcome = u32;
        async fn commit(&self, jobs: &[u32]) -> Result<Vec<Result<u32, StoreError>>, StoreError> {
            if self.commits.fetch_add(1, Ordering::SeqCst) < self.losses {
                return Err(StoreError::Database(sqlx::Error::Database(Box::new(
                    Deadlock,
                ))));
            }
            Ok(jobs.iter().map(|job| Ok(job * 2)).collect())
        }
    }

    #[tokio::test]
    async fn a_deadlock_victim_is_run_again_before_its_caller_hears_of_it() {
        let commits = Arc::new(AtomicU32::new(0));
        let writes = GroupCommit::spawn(
            Unlucky {
                losses: TRANSIENT_RETRIES,
                commits: commits.clone(),
            },
            1,
        );
        assert_eq!(writes.run(21).await.unwrap(), 42);
        assert_eq!(commits.load(Ordering::SeqCst), TRANSIENT_RETRIES + 1);
    }

    #[tokio::test]
    async fn a_transaction_that_keeps_losing_fails_after_a_few_tries() {
        let commits = Arc::new(AtomicU32::new(0));
        let writes = GroupCommit::spawn(
            Unlucky {
                losses: u32::MAX,
                commits: commits.clone(),
            },
            1,
        );
        let error = writes.run(21).await.unwrap_err();
        assert!(error.is_transient(), "{error}");
        assert_eq!(commits.load(Ordering::SeqCst), TRANSIENT_RETRIES + 1);
    }
}
