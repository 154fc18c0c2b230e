//! A worker's side: their queues, claiming, answering, releasing and declining tasks.

use std::time::Duration;

use serde_json::Value;

use super::{ReviewError, Reviews};
use crate::domain::accounts::UserId;
use crate::domain::loops::{
    ClaimedTask, FlowDefinition, FlowId, HumanLoop, Task, TaskId, TaskStatus,
};
use crate::domain::names::FlowDefinitionName;
use crate::store::{StoreError, SubmitReceipt, TaskDone, TaskWork};

/// A batch answered a claim with a submit's outcome or the other way round.
fn mismatch() -> ReviewError {
    ReviewError::Store(StoreError::Corrupt(
        "the group commit answered with another kind of outcome".to_owned(),
    ))
}

/// One of a worker's queues: the worker API's JSON for it, and what the queue page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    #[serde(skip)]
    pub flow_id: FlowId,
    pub flow: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// USD per task, when the public crowd is paid.
    pub price_usd: Option<String>,
    pub time_limit_seconds: u32,
    /// Loops of this queue the worker could take a task of now (never one they hold, answered
    /// or declined), up to [`QUEUE_COUNT_CAP`].
    pub available: i64,
    /// More than [`QUEUE_COUNT_CAP`] wait: `available` is a floor.
    pub more_waiting: bool,
}

/// A worker's queues and the tasks they hold.
#[derive(Debug)]
pub struct WorkOverview {
    pub queues: Vec<QueueSummary>,
    /// Soonest deadline first.
    pub held: Vec<(Task, FlowId)>,
}

/// Queue counts stop here: a worker needs "plenty", not an exact figure, and counting stays
/// cheap however long the queue is.
pub const QUEUE_COUNT_CAP: i64 = 1000;

impl Reviews {
    /// The flows whose queues a worker may take tasks from.
    pub async fn queues_of(&self, worker: UserId) -> Result<Vec<FlowDefinition>, ReviewError> {
        Ok(self.store.flows_for_worker(worker).await?)
    }

    /// The worker's queues as they see them, with how many tasks wait in each.
    pub async fn queue_summaries(&self, worker: UserId) -> Result<Vec<QueueSummary>, ReviewError> {
        let flows = self.store.flows_for_worker(worker).await?;
        self.summaries_of(worker, flows).await
    }

    /// What the worker's queue page shows: their queues, and the tasks they hold and may still
    /// answer (see [`Reviews::held_tasks`]), from one read of their queues.
    pub async fn work_overview(&self, worker: UserId) -> Result<WorkOverview, ReviewError> {
        let flows = self.store.flows_for_worker(worker).await?;
        let held = self.held_in(worker, &flows).await?;
        Ok(WorkOverview {
            queues: self.summaries_of(worker, flows).await?,
            held,
        })
    }

    pub(super) async fn summaries_of(
        &self,
        worker: UserId,
        flows: Vec<FlowDefinition>,
    ) -> Result<Vec<QueueSummary>, ReviewError> {
        let now = self.now();
        let mut out = Vec::new();
        for flow in flows {
            let available = self
                .store
                .available_for_worker(flow.id, worker, now, QUEUE_COUNT_CAP + 1)
                .await?;
            let config = &flow.spec.human_loop_config;
            out.push(QueueSummary {
                flow_id: flow.id,
                flow: flow.name().to_string(),
                title: config.task_title.clone(),
                description: config.task_description.clone(),
                keywords: config.task_keywords.clone().unwrap_or_default(),
                price_usd: config.pay_per_task().map(|price| price.to_string()),
                time_limit_seconds: config.task_time_limit_in_seconds,
                available: available.min(QUEUE_COUNT_CAP),
                more_waiting: available > QUEUE_COUNT_CAP,
            });
        }
        Ok(out)
    }

    /// The queue (flow definition) of this name, for a claim: from the short-lived flow cache,
    /// since the claim itself checks that the worker may take its tasks.
    pub async fn queue_named(&self, name: &FlowDefinitionName) -> Result<FlowId, ReviewError> {
        Ok(self.recent_flow(name).await?.flow.id)
    }

    /// Claims the oldest task the worker may take: of `flow`, or of any of their queues.
    pub async fn claim_next(
        &self,
        worker: UserId,
        flow: Option<FlowId>,
    ) -> Result<Option<ClaimedTask>, ReviewError> {
        let now = self.now();
        // A named queue: the claim checks the worker's right to the flow itself, so only an
        // empty answer needs telling apart "nothing waiting" from "not your queue".
        let flows = match flow {
            Some(flow) => vec![flow],
            None => self
                .store
                .flows_for_worker(worker)
                .await?
                .iter()
                .map(|queue| queue.id)
                .collect(),
        };
        if flows.is_empty() {
            return Ok(None);
        }
        let claimed = match self
            .desk
            .run(TaskWork::Claim { worker, flows, now })
            .await?
        {
            TaskDone::Claimed(claimed) => claimed,
            TaskDone::Submitted(_) => return Err(mismatch()),
        };
        if claimed.is_none()
            && let Some(flow) = flow
        {
            let queues = self.store.flows_for_worker(worker).await?;
            if !among(&queues, flow) {
                return Err(ReviewError::NotFound(
                    "no such queue among your teams' flow definitions".to_owned(),
                ));
            }
        }
        Ok(claimed)
    }

    pub async fn submit(
        &self,
        task: TaskId,
        worker: UserId,
        answer: &Value,
        time_spent: Option<Duration>,
    ) -> Result<SubmitReceipt, ReviewError> {
        let time_spent_ms = time_spent.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        match self
            .desk
            .run(TaskWork::Submit {
                task,
                worker,
                answer: answer.clone(),
                time_spent_ms,
                now: self.now(),
            })
            .await?
        {
            TaskDone::Submitted(receipt) => Ok(receipt),
            TaskDone::Claimed(_) => Err(mismatch()),
        }
    }

    /// A task `worker` holds now, with its loop and flow definition: what the task page shows.
    /// Anything else (another worker's task, a returned or answered one) is `NotFound`, so the
    /// answer says nothing about tasks that are not the caller's.
    pub async fn held_task(
        &self,
        task: TaskId,
        worker: UserId,
    ) -> Result<(Task, HumanLoop, FlowDefinition), ReviewError> {
        let not_found = || ReviewError::NotFound("you hold no such task".to_owned());
        let task = self.store.find_task(task).await?.ok_or_else(not_found)?;
        let held = task.status == TaskStatus::Accepted
            && task.worker == Some(worker)
            && task
                .deadline_at
                .is_some_and(|deadline| deadline > self.now());
        if !held {
            return Err(not_found());
        }
        let human_loop = self
            .store
            .find_loop_by_id(task.loop_id)
            .await?
            .ok_or_else(not_found)?;
        let flow = self
            .store
            .find_flow_by_id(human_loop.flow_id)
            .await?
            .ok_or_else(not_found)?;
        // Removed from the flow's team since the claim: no longer theirs to see.
        let queues = self.store.flows_for_worker(worker).await?;
        if !among(&queues, flow.id) {
            return Err(not_found());
        }
        Ok((task, human_loop, flow))
    }

    /// The tasks `worker` holds now and may still answer (their team still gets the flow),
    /// soonest deadline first: what a worker can go back to.
    pub async fn held_tasks(&self, worker: UserId) -> Result<Vec<(Task, FlowId)>, ReviewError> {
        let queues = self.store.flows_for_worker(worker).await?;
        self.held_in(worker, &queues).await
    }

    /// The held tasks of `worker` whose flows are among `queues`: a task held by someone their
    /// team no longer gets the flow for is not theirs to go back to.
    pub(super) async fn held_in(
        &self,
        worker: UserId,
        queues: &[FlowDefinition],
    ) -> Result<Vec<(Task, FlowId)>, ReviewError> {
        let mut held = self.store.held_tasks(worker, self.now()).await?;
        held.retain(|(_, flow)| among(queues, *flow));
        Ok(held)
    }

    pub async fn release(&self, task: TaskId, worker: UserId) -> Result<(), ReviewError> {
        Ok(self
            .store
            .release_task(task, worker, self.now(), &self.finisher)
            .await?)
    }

    pub async fn decline(&self, task: TaskId, worker: UserId) -> Result<(), ReviewError> {
        Ok(self
            .store
            .decline_task(task, worker, self.now(), &self.finisher)
            .await?)
    }

    /// The worker's task page saw the template's frame leave Loupe's document: kept for the
    /// admin, who is the one who can fix the template.
    pub async fn report_frame_departure(
        &self,
        task: TaskId,
        worker: UserId,
    ) -> Result<(), ReviewError> {
        Ok(self
            .store
            .record_frame_departure(task, worker, self.now())
            .await?)
    }
}

/// Whether `flow` is among a worker's queues: the one test, for claims, held tasks and the task
/// page, of whether a worker still gets a flow's work (their teams are in `queues` already).
fn among(queues: &[FlowDefinition], flow: FlowId) -> bool {
    queues.iter().any(|queue| queue.id == flow)
}
