//! Work that time makes due, run by the scheduler on every replica.

use super::{ReviewError, Reviews};
use crate::output::writer::OutputStore;

/// What one run of the scheduled work did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueWork {
    pub tasks_returned: u64,
    /// Held by workers no longer in the flow's team: back to the pool.
    pub tasks_orphaned: u64,
    pub loops_expired: u64,
    pub flows_purged: u64,
    pub outputs_written: u64,
    pub outputs_failed: u64,
}

/// Work taken per scheduler run and kind, so one run stays short.
const SWEEP_LIMIT: u32 = 500;

impl Reviews {
    /// Everything time makes due: held tasks past their deadline, or held by someone no longer
    /// in the flow's team, go back to the pool, loops past their availability lifetime end,
    /// deleted flow definitions whose loops are done go, and pending output files are written.
    /// Safe to run on every replica at once.
    pub async fn run_due_work(&self, outputs: &OutputStore) -> Result<DueWork, ReviewError> {
        let now = self.now();
        let mut work = DueWork {
            tasks_returned: self
                .store
                .return_overdue_tasks(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            tasks_orphaned: self
                .store
                .return_orphaned_tasks(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            loops_expired: self
                .store
                .expire_loops(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            flows_purged: self.store.purge_deleted_flows().await?,
            ..DueWork::default()
        };
        if work.flows_purged > 0 {
            self.purge_retired_task_uis().await?;
        }
        (work.outputs_written, work.outputs_failed) = self.drain_outputs(outputs).await?;
        Ok(work)
    }
}
