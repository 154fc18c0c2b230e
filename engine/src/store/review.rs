//! The review engine's storage interface: task UIs, flow definitions, human loops, tasks, the
//! output outbox, events and cost lines.
//!
//! Every method that ends a loop takes a [`Finisher`]: the pure function that turns the loop's
//! final state into its output file and event. The store calls it inside the transaction that
//! changes the status, so the status, the output to write and the event commit together.

use async_trait::async_trait;
use serde_json::Value;

use crate::accounts::UserId;
use crate::clock::Timestamp;
use crate::instances::InstanceId;
use crate::lifecycle::Finisher;
pub use crate::lifecycle::TaskRefusal;
use crate::loops::{
    ClaimedTask, FlowDefinition, FlowId, HumanLoop, HumanLoopStatus, LoopId, NewHumanLoop,
    StartOutcome, Task, TaskId,
};
use crate::names::{FlowDefinitionName, HumanLoopName, HumanTaskUiName};
use crate::task_uis::{HumanTaskUi, HumanTaskUiSpec};
use crate::teams::{NewTeam, Team, TeamDetails, TeamUpdate, WorkteamName};
use crate::webhooks::{
    AttemptOutcome, DeliveryRecord, NewWebhook, PendingDelivery, Webhook, WebhookName,
};

use super::StoreError;

/// A flow definition about to be stored.
#[derive(Debug, Clone)]
pub struct NewFlowDefinition {
    pub spec: crate::flows::FlowDefinitionSpec,
    pub status: crate::flows::FlowDefinitionStatus,
    pub failure_reason: Option<String>,
    pub custom_conditions: Option<String>,
    pub created_at: Timestamp,
}

/// What deleting a flow definition did (spec 3.2.4): loops nobody started are stopped at once;
/// the definition itself goes when its last loop is terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowDeletion {
    pub stopped_loops: u64,
    /// False while loops with work in progress remain; the scheduler finishes the job.
    pub removed: bool,
}

/// Filters and keyset position for listing loops, newest first.
#[derive(Debug, Clone, Default)]
pub struct LoopQuery {
    pub flow: Option<FlowId>,
    pub status: Option<HumanLoopStatus>,
    /// Inclusive.
    pub created_after: Option<Timestamp>,
    /// Exclusive.
    pub created_before: Option<Timestamp>,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    /// Continue after this (created_at, id), exclusive.
    pub after: Option<(Timestamp, LoopId)>,
    /// Names starting with this (a loop name's characters only: letters, digits, hyphens).
    pub name_prefix: Option<String>,
    pub limit: u32,
}

/// Up to this many loops matching a name prefix, the loops page sorts the matches themselves
/// instead of walking every loop by time (see `list_loops`).
pub const NAME_FIRST_MATCHES: usize = 10_000;

/// An output file due for writing, leased to one runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOutput {
    pub id: i64,
    pub loop_name: String,
    pub uri: String,
    pub body: String,
    pub attempts: i64,
}

/// A recorded status-change event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub event_id: String,
    pub loop_name: String,
    pub status: String,
    pub payload: String,
    /// The output file this event announces; deliver the event after it is written.
    pub output_id: Option<i64>,
    pub created_at: Timestamp,
}

/// What a submit did to the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmitReceipt {
    /// The loop's status after this answer (Completed when it was the last one).
    pub loop_status: HumanLoopStatus,
}

/// A worker's write on the queue, as the group commit batches them.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskWork {
    /// The oldest available task the worker may take from the first of `flows` that has one:
    /// not of a loop they hold, answered or declined, and only from flows their teams get.
    /// Atomic across connections and replicas.
    Claim {
        worker: UserId,
        flows: Vec<FlowId>,
        now: Timestamp,
    },
    /// An answer for a task the worker holds, before its deadline, while still in its team.
    Submit {
        task: TaskId,
        worker: UserId,
        answer: Value,
        time_spent_ms: Option<i64>,
        now: Timestamp,
    },
}

/// What a [`TaskWork`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskDone {
    Claimed(Option<ClaimedTask>),
    Submitted(SubmitReceipt),
}

#[async_trait]
pub trait ReviewStore {
    async fn create_task_ui(
        &self,
        spec: &HumanTaskUiSpec,
        now: Timestamp,
    ) -> Result<HumanTaskUi, StoreError>;
    async fn find_task_ui(&self, name: &HumanTaskUiName)
    -> Result<Option<HumanTaskUi>, StoreError>;
    /// Active task UIs, newest first (retired ones are not listed).
    async fn list_task_uis(&self) -> Result<Vec<HumanTaskUi>, StoreError>;
    /// Marks a task UI `Deleting`: gone from lists and from new flow definitions, still there for
    /// the flows and loops that use it.
    async fn retire_task_ui(&self, name: &HumanTaskUiName) -> Result<(), StoreError>;
    async fn retired_task_uis(&self) -> Result<Vec<HumanTaskUiName>, StoreError>;
    async fn delete_task_ui(&self, name: &HumanTaskUiName) -> Result<(), StoreError>;

    async fn find_team(&self, name: &WorkteamName) -> Result<Option<Team>, StoreError>;
    /// The teams a worker is in, directly or through a worker group.
    async fn team_names_of(&self, worker: UserId) -> Result<Vec<WorkteamName>, StoreError>;
    /// Creates (or replaces the members of) a named group of workers.
    async fn put_worker_group(
        &self,
        name: &str,
        members: &[UserId],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn create_team(&self, team: &NewTeam) -> Result<Team, StoreError>;
    async fn update_team(
        &self,
        name: &WorkteamName,
        update: &TeamUpdate,
        now: Timestamp,
    ) -> Result<Team, StoreError>;
    /// Refused ([`StoreError::Conflict`]) while a flow definition that is not being deleted
    /// sends work to the team.
    async fn delete_team(&self, name: &WorkteamName) -> Result<(), StoreError>;
    async fn team_details(&self, name: &WorkteamName) -> Result<Option<TeamDetails>, StoreError>;
    async fn add_team_member(
        &self,
        team: &WorkteamName,
        worker: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn remove_team_member(
        &self,
        team: &WorkteamName,
        worker: UserId,
    ) -> Result<(), StoreError>;
    /// Creates the named worker groups that do not exist yet (empty).
    async fn ensure_worker_groups(
        &self,
        names: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Takes a group off a team; its members stay in the group.
    async fn remove_team_group(
        &self,
        team: &WorkteamName,
        group: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn worker_group_members(&self, group: &str) -> Result<Vec<UserId>, StoreError>;
    /// Makes a group's members members of a team.
    async fn add_team_group(
        &self,
        team: &WorkteamName,
        group: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    async fn create_flow(&self, flow: &NewFlowDefinition) -> Result<FlowDefinition, StoreError>;
    async fn find_flow(
        &self,
        name: &FlowDefinitionName,
    ) -> Result<Option<FlowDefinition>, StoreError>;
    async fn find_flow_by_id(&self, id: FlowId) -> Result<Option<FlowDefinition>, StoreError>;
    async fn list_flows(&self) -> Result<Vec<FlowDefinition>, StoreError>;
    /// Active flow definitions whose team the worker is in, plus those on the public crowd.
    async fn flows_for_worker(&self, worker: UserId) -> Result<Vec<FlowDefinition>, StoreError>;
    /// How many tasks of a flow wait right now, for anyone.
    async fn available_task_count(&self, flow: FlowId, now: Timestamp) -> Result<i64, StoreError>;
    /// How many loops of a flow `worker` could take a task of right now (not held, answered or
    /// declined by them), counting at most `cap`.
    async fn available_for_worker(
        &self,
        flow: FlowId,
        worker: UserId,
        now: Timestamp,
        cap: i64,
    ) -> Result<i64, StoreError>;
    async fn delete_flow(
        &self,
        name: &FlowDefinitionName,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<FlowDeletion, StoreError>;
    /// Removes flow definitions being deleted whose loops are all terminal. Returns how many.
    async fn purge_deleted_flows(&self) -> Result<u64, StoreError>;

    /// Starts a batch of loops in one transaction (one commit for all). Each start has its own
    /// outcome: a name taken with other input is a [`StoreError::Conflict`] for that start only.
    async fn start_loops(
        &self,
        loops: &[NewHumanLoop],
    ) -> Result<Vec<Result<StartOutcome, StoreError>>, StoreError>;
    async fn find_loop(&self, name: &HumanLoopName) -> Result<Option<HumanLoop>, StoreError>;
    async fn find_loop_by_id(&self, id: LoopId) -> Result<Option<HumanLoop>, StoreError>;
    async fn list_loops(&self, query: &LoopQuery) -> Result<Vec<HumanLoop>, StoreError>;
    async fn tasks_of(&self, loop_id: LoopId) -> Result<Vec<Task>, StoreError>;
    async fn find_task(&self, id: TaskId) -> Result<Option<Task>, StoreError>;
    /// Records that the task page of `worker`, who holds `task`, saw its frame leave Loupe's
    /// document. Refused with `NotHeld` when the worker does not hold the task.
    async fn record_frame_departure(
        &self,
        task: TaskId,
        worker: UserId,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The frame departures seen on a loop's tasks, by slot.
    async fn frame_departures_of(
        &self,
        loop_id: LoopId,
    ) -> Result<Vec<crate::loops::FrameDeparture>, StoreError>;
    /// The tasks `worker` holds whose time has not run out, with their flow definitions,
    /// soonest deadline first.
    async fn held_tasks(
        &self,
        worker: UserId,
        now: Timestamp,
    ) -> Result<Vec<(Task, FlowId)>, StoreError>;
    /// `Stopped` at once when nobody holds a task, else `Stopping` until the holders are done.
    async fn stop_loop(
        &self,
        name: &HumanLoopName,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<HumanLoop, StoreError>;
    /// Only terminal loops can be deleted ([`StoreError::Conflict`] otherwise).
    async fn delete_loop(&self, name: &HumanLoopName) -> Result<(), StoreError>;

    /// Claims and submits, in one transaction, in order: one outcome per item. An item refused
    /// ([`StoreError::Refused`]) wrote nothing; any other error fails the whole call and
    /// nothing of it is committed.
    async fn task_work(
        &self,
        work: &[TaskWork],
        finisher: &dyn Finisher,
    ) -> Result<Vec<Result<TaskDone, StoreError>>, StoreError>;
    /// Back to the pool; the worker may take it again.
    async fn release_task(
        &self,
        task: TaskId,
        worker: UserId,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<(), StoreError>;
    /// Back to the pool for others; this worker is not offered the loop again. When as many
    /// workers declined as the loop has tasks, the loop fails (`Expired`).
    async fn decline_task(
        &self,
        task: TaskId,
        worker: UserId,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<(), StoreError>;
    /// Returns every task a worker holds to the pool (deactivated account).
    async fn release_worker_tasks(
        &self,
        worker: UserId,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<u64, StoreError>;

    /// Returns held tasks whose deadline passed to the pool (or ends them, for stopping
    /// loops). At most `limit` per call. Returns how many.
    async fn return_overdue_tasks(
        &self,
        now: Timestamp,
        limit: u32,
        finisher: &dyn Finisher,
    ) -> Result<u64, StoreError>;
    /// Returns held tasks whose worker is no longer in the flow definition's work team (taken
    /// out of it, or out of a worker group it has) to the pool. At most `limit` per call.
    async fn return_orphaned_tasks(
        &self,
        now: Timestamp,
        limit: u32,
        finisher: &dyn Finisher,
    ) -> Result<u64, StoreError>;
    /// Ends loops whose availability lifetime passed: Failed (`Expired`), or Stopped for
    /// stopping loops. At most `limit` per call. Returns how many.
    async fn expire_loops(
        &self,
        now: Timestamp,
        limit: u32,
        finisher: &dyn Finisher,
    ) -> Result<u64, StoreError>;

    /// Records that `instance` is alive at `now`.
    async fn heartbeat(&self, instance: &InstanceId, now: Timestamp) -> Result<(), StoreError>;
    /// An instance starting: its first heartbeat, and the leases an earlier run of it held end
    /// now (it has nothing in flight yet). Instances silent for [`crate::instances::FORGET_AFTER`]
    /// are forgotten.
    async fn start_instance(&self, instance: &InstanceId, now: Timestamp)
    -> Result<(), StoreError>;

    /// Leases up to `limit` output files due at `now` until `lease_until`, to `holder` (a lease
    /// without a holder only runs out). Leases of holders gone at `now` (see
    /// [`crate::instances::HEARTBEAT_TIMEOUT`]) end first, so their files are due at once.
    async fn lease_outputs(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
        holder: Option<&InstanceId>,
    ) -> Result<Vec<PendingOutput>, StoreError>;
    async fn output_written(&self, id: i64, now: Timestamp) -> Result<(), StoreError>;
    async fn output_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Output files not written yet.
    async fn pending_output_count(&self) -> Result<i64, StoreError>;

    /// Events numbered above `seq`, ascending. On PostgreSQL a number can become visible after
    /// a higher one: read through an [`crate::event_feed::SeqTracker`].
    async fn events_after(&self, seq: i64, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;
    /// The highest event number so far, 0 when there is none.
    async fn last_event_seq(&self) -> Result<i64, StoreError>;

    /// Appends audit lines (one transaction for the batch).
    async fn record_api_calls(&self, calls: &[crate::audit::ApiCall]) -> Result<(), StoreError>;
    /// Audit lines, newest first, older than the line `before` (an id) when given.
    async fn api_calls(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::audit::ApiCall>, StoreError>;
    async fn cost_lines(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::spend::CostLine>, StoreError>;
    /// Worker pay in `[from, to)` summed by flow, by worker and by UTC day, in the database.
    async fn spend_summary(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<crate::spend::SpendSummary, StoreError>;

    /// The dashboard's figures: loops by status, throughput since `since`, the oldest open
    /// loop, spend since `day_start` and `month_start` by flow, the busiest workers.
    async fn dashboard_data(
        &self,
        since: Timestamp,
        day_start: Timestamp,
        month_start: Timestamp,
    ) -> Result<crate::dashboard::DashboardData, StoreError>;

    /// Adds a webhook; `Conflict` when the name is taken. Only events after this get to it.
    async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook, StoreError>;
    /// Every webhook, by name.
    async fn webhooks(&self) -> Result<Vec<Webhook>, StoreError>;
    /// Removes a webhook and its delivery history; false when there was none by that name.
    async fn delete_webhook(&self, name: &WebhookName) -> Result<bool, StoreError>;
    /// Leases up to `limit` deliveries due at `now` (and whose output file is written) until
    /// `lease_until`, to `holder`, counting the attempt. Leases of gone holders end first, as in
    /// [`ReviewStore::lease_outputs`].
    async fn lease_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
        holder: Option<&InstanceId>,
    ) -> Result<Vec<PendingDelivery>, StoreError>;
    /// Records how an attempt ended; a failure with no `retry_at` gives the delivery up.
    async fn record_delivery_attempt(
        &self,
        id: i64,
        outcome: &AttemptOutcome,
        now: Timestamp,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// Delivery history, newest first, of one webhook or all, older than `before` (an id).
    async fn deliveries(
        &self,
        webhook: Option<&WebhookName>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, StoreError>;
}
