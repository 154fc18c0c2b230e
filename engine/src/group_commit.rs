//! Group commit: concurrent writes of one kind (loop starts; worker claims and submits) are
//! gathered into one transaction, so a durable commit (an fsync on SQLite, a WAL flush on
//! PostgreSQL) is paid once per batch instead of once per write.
//!
//! A write waits for its batch's commit before it returns, so "done" always means "on disk".
//! Each write in a batch either succeeds, or is refused having written nothing, or fails the
//! batch as a whole; a failed batch (say, a flow definition vanished under one of its starts, or
//! two PostgreSQL batches deadlocked) is retried one write per transaction, so one bad write
//! cannot fail its neighbours.

use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::lifecycle::OutputFinisher;
use crate::loops::{NewHumanLoop, StartOutcome};
use crate::store::{Store, StoreError, TaskDone, TaskWork};

/// Most writes per transaction: keeps bind parameters (10 per loop start) far below both
/// backends' limits and a batch's latency low.
pub const MAX_BATCH: usize = 256;

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

async fn run<B: Batch>(batch: &B, taken: Vec<(B::Job, Reply<B>)>) {
    let (jobs, replies): (Vec<_>, Vec<_>) = taken.into_iter().unzip();
    match batch.commit(&jobs).await {
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
                let outcome = match batch.commit(std::slice::from_ref(job)).await {
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
