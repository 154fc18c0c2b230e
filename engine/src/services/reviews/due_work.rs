//! Work that time makes due, run by the scheduler on every replica.

use std::time::Duration;

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

/// How long a leased output write may take before another runner retries it, while its
/// instance lives (a gone instance's leases end at once).
const OUTPUT_LEASE: Duration = Duration::from_secs(60);
/// Work taken per scheduler run and kind, so one run stays short.
const SWEEP_LIMIT: u32 = 500;

/// 1 s, 2 s, 4 s … capped at 5 minutes: a store that is down for a while is not hammered, and
/// one that comes back is used within minutes.
pub fn retry_delay(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(2u64.saturating_pow(exponent).min(300))
}

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
        let leased = self
            .store
            .lease_outputs(now, now.plus(OUTPUT_LEASE), 64, self.instance.as_ref())
            .await?;
        for output in leased {
            let body = bytes::Bytes::from(output.body.into_bytes());
            match outputs.put(&output.uri, body, "application/json").await {
                Ok(()) => {
                    self.store.output_written(output.id, self.now()).await?;
                    work.outputs_written += 1;
                }
                Err(error) => {
                    tracing::warn!(uri = %output.uri, attempts = output.attempts, %error,
                        "writing output.json failed; will retry");
                    let retry_at = self.now().plus(retry_delay(output.attempts));
                    self.store
                        .output_failed(output.id, &error.to_string(), retry_at)
                        .await?;
                    work.outputs_failed += 1;
                }
            }
        }
        Ok(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn output_retries_back_off_to_five_minutes() {
        assert_eq!(retry_delay(1), Duration::from_secs(1));
        assert_eq!(retry_delay(2), Duration::from_secs(2));
        assert_eq!(retry_delay(5), Duration::from_secs(16));
        assert_eq!(retry_delay(40), Duration::from_secs(300));
    }
}
