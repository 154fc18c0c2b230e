//! Group commit for loop starts: concurrent starts are gathered into one transaction, so a
//! durable commit (an fsync on SQLite, a WAL flush on PostgreSQL) is paid once per batch
//! instead of once per loop.
//!
//! A start waits for its batch's commit before it returns, so "started" always means "on disk".
//! When a batch fails as a whole (say, a flow definition vanished under one of its starts), its
//! starts are retried one by one, so one bad start cannot fail its neighbours.

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use crate::loops::{NewHumanLoop, StartOutcome};
use crate::store::{Store, StoreError};

/// Most starts per transaction: keeps bind parameters (10 per loop) far below both backends'
/// limits and a batch's latency low.
pub const MAX_BATCH: usize = 256;

struct Job {
    new: NewHumanLoop,
    reply: oneshot::Sender<Result<StartOutcome, StoreError>>,
}

/// Handle to the batching writers. Cloning shares them.
#[derive(Clone)]
pub struct LoopStarter {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for LoopStarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoopStarter").finish_non_exhaustive()
    }
}

impl LoopStarter {
    /// Spawns `writers` batching tasks on the current Tokio runtime. SQLite wants one (it has
    /// one writer anyway); PostgreSQL commits several batches in parallel.
    pub fn spawn(store: Arc<dyn Store>, writers: usize) -> Self {
        let (jobs, receiver) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..writers.max(1) {
            let store = store.clone();
            let receiver = receiver.clone();
            tokio::spawn(async move {
                loop {
                    let mut batch = Vec::new();
                    {
                        let mut receiver = receiver.lock().await;
                        let Some(first) = receiver.recv().await else {
                            return;
                        };
                        batch.push(first);
                        while batch.len() < MAX_BATCH {
                            match receiver.try_recv() {
                                Ok(job) => batch.push(job),
                                Err(_) => break,
                            }
                        }
                    }
                    run_batch(&*store, batch).await;
                }
            });
        }
        Self { jobs }
    }

    /// Starts one loop; returns once its batch is committed.
    pub async fn start(&self, new: NewHumanLoop) -> Result<StartOutcome, StoreError> {
        let (reply, outcome) = oneshot::channel();
        let closed = || StoreError::Corrupt("the loop starter has shut down".to_owned());
        self.jobs
            .send(Job { new, reply })
            .await
            .map_err(|_| closed())?;
        outcome.await.map_err(|_| closed())?
    }
}

async fn run_batch(store: &dyn Store, batch: Vec<Job>) {
    let loops: Vec<NewHumanLoop> = batch.iter().map(|job| job.new.clone()).collect();
    match store.start_loops(&loops).await {
        Ok(outcomes) => {
            for (job, outcome) in batch.into_iter().zip(outcomes) {
                let _ = job.reply.send(outcome);
            }
        }
        Err(error) if batch.len() == 1 => {
            let job = batch.into_iter().next().expect("one job");
            let _ = job.reply.send(Err(error));
        }
        Err(_) => {
            for job in batch {
                let outcome = match store.start_loops(std::slice::from_ref(&job.new)).await {
                    Ok(mut outcomes) => outcomes.pop().unwrap_or_else(|| {
                        Err(StoreError::Corrupt("a start without an outcome".to_owned()))
                    }),
                    Err(error) => Err(error),
                };
                let _ = job.reply.send(outcome);
            }
        }
    }
}
