//! The background loop that drives time-based work: held tasks past their deadline, loops past
//! their availability lifetime, deleted flow definitions, and output files waiting to be
//! written. Every replica runs it; each step is a guarded update in the database, so two
//! replicas doing the same step cannot both apply it, and nothing needs a person to unstick it.

use std::sync::Arc;
use std::time::Duration;

use loupe_engine::output::writer::OutputStore;
use loupe_engine::services::Reviews;

/// How often due work is looked for: deadlines are honoured to within this.
pub const INTERVAL: Duration = Duration::from_secs(1);

pub async fn run(reviews: Arc<Reviews>, outputs: Arc<OutputStore>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match reviews.run_due_work(&outputs).await {
            Ok(work) if work != Default::default() => tracing::info!(
                tasks_returned = work.tasks_returned,
                tasks_orphaned = work.tasks_orphaned,
                loops_expired = work.loops_expired,
                flows_purged = work.flows_purged,
                outputs_written = work.outputs_written,
                outputs_failed = work.outputs_failed,
                "scheduled work done"
            ),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "scheduled work failed; retrying next tick"),
        }
    }
}
