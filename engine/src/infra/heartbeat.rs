//! The heartbeat of this server process: while it beats, the leases it holds on background work
//! stay its own (see [`crate::domain::instances`]).

use std::sync::Arc;
use std::time::Duration;

use crate::domain::clock::Clock;
use crate::domain::instances::InstanceId;
use crate::store::Store;

/// How often an instance writes its heartbeat.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(1);

/// Beats `instance`'s heartbeat every [`HEARTBEAT_INTERVAL`], forever. Runs in a task of its own,
/// so a slow scheduler pass or webhook round never makes a live instance look gone.
pub async fn beat(store: Arc<dyn Store>, clock: Arc<dyn Clock>, instance: InstanceId) {
    let mut ticks = tokio::time::interval(HEARTBEAT_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = store.heartbeat(&instance, clock.now()).await {
            tracing::warn!(%error, %instance, "writing the heartbeat failed; retrying next second");
        }
    }
}
