//! The review engine's front door: every operation the API and the two UIs perform on task
//! UIs, flow definitions, human loops and tasks, with the rules checked once, here.
//!
//! [`Reviews`] owns no state besides caches that are safe to lose (compiled conditions, keyed by
//! a flow definition's id and creation time, which never change) and the group-commit writers;
//! everything else is in the [`Store`], so several replicas can serve one database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::domain::arns::Account;
use crate::domain::clock::{Clock, Timestamp};
use crate::domain::flows::TaskLimits;
use crate::domain::instances::InstanceId;
use crate::domain::loops::FlowId;
use crate::domain::names::FlowDefinitionName;
use crate::infra::group_commit::{GroupCommit, LoopStarts, TaskWorkBatches};
use crate::lifecycle::OutputFinisher;
use crate::store::Store;

mod access;
mod accounts;
mod due_work;
mod errors;
mod flow_definitions;
mod human_loops;
mod outboxes;
mod reports;
mod task_uis;
mod teams;
mod template_assets;
mod worker_tasks;

pub use crate::requests::human_loops::StartRequest;
pub use crate::store::{LoopQuery, StoredEvent};
pub use due_work::DueWork;
pub use errors::{ReviewError, Violation};
pub use flow_definitions::FLOW_CACHE_TTL;
use flow_definitions::{FlowRules, StartableFlow};
pub use human_loops::{ActivationDecision, LoopDescription, StartResponse};
pub use outboxes::{DeliveryRound, SignedDelivery, WebhookPoster, retry_delay};
pub use reports::LoopRecord;
pub use task_uis::RenderedTemplate;
pub use teams::TeamPage;
pub use template_assets::{AssetUpload, TemplateSurroundings};
pub use worker_tasks::{QUEUE_COUNT_CAP, QueueSummary, WorkOverview};

pub struct Reviews {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    account: Account,
    limits: TaskLimits,
    finisher: OutputFinisher,
    starter: GroupCommit<LoopStarts>,
    /// Claims and submits.
    desk: GroupCommit<TaskWorkBatches>,
    /// The instance this engine runs in, named on the output files it leases: see
    /// [`Reviews::with_instance`].
    instance: Option<InstanceId>,
    rules: RwLock<HashMap<(FlowId, Timestamp), Arc<FlowRules>>>,
    /// Flow definitions as recently read, for starts: see [`FLOW_CACHE_TTL`].
    flows: RwLock<HashMap<FlowDefinitionName, (std::time::Instant, Arc<StartableFlow>)>>,
}

impl std::fmt::Debug for Reviews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviews")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Reviews {
    /// Must be called on a Tokio runtime: it spawns the group-commit writers.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        account: Account,
        limits: TaskLimits,
    ) -> Self {
        let writers = match store.backend() {
            crate::store::Backend::Sqlite => 1,
            crate::store::Backend::Postgres => 4,
        };
        let finisher = OutputFinisher {
            account: account.clone(),
        };
        Self {
            starter: GroupCommit::spawn(LoopStarts(store.clone()), writers),
            desk: GroupCommit::spawn(
                TaskWorkBatches {
                    store: store.clone(),
                    finisher: finisher.clone(),
                },
                writers,
            ),
            finisher,
            store,
            clock,
            account,
            limits,
            instance: None,
            rules: RwLock::new(HashMap::new()),
            flows: RwLock::new(HashMap::new()),
        }
    }

    /// Makes the output files this engine's scheduled work leases ones of `instance`: the lease
    /// ends as soon as the instance stops beating its heartbeat (see [`crate::domain::instances`]).
    /// Without one, a lease only runs out (after 60 s).
    pub fn with_instance(mut self, instance: InstanceId) -> Self {
        self.instance = Some(instance);
        self
    }

    /// Whether the database answers: the health check.
    pub async fn check_database(&self) -> Result<(), ReviewError> {
        Ok(self.store.ping().await?)
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The bounds and defaults of task lifetimes and time limits this server applies.
    pub fn limits(&self) -> &TaskLimits {
        &self.limits
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

/// `ResourceNotFound` for a resource the caller named, in A2I's words: `{kind} {name} does not
/// exist`.
fn does_not_exist(kind: &str, name: impl std::fmt::Display) -> ReviewError {
    ReviewError::NotFound(format!("{kind} {name} does not exist"))
}
