//! What each event does to a loop and its tasks: pure functions from a [`LoopState`] (the loop,
//! every one of its tasks, the flow's settings, the time) to the [`Step`] of writes that event
//! makes, or to a refusal. The store writes a step as it is, in the transaction that locked and
//! loaded the state, and decides nothing itself.
//!
//! A loop's tasks move like this (spec 6.3, as Loupe decided it):
//!
//! ```text
//! Available --claim--> Accepted --submit--> Submitted
//!     ^                   |
//!     +--release/decline--+  (or time-out: the deadline passed)
//!
//! any open task (Available, Accepted) --loop ends--> Expired (lifetime passed, or declined by
//!                                                     TaskCount workers) or Cancelled (stopped)
//! ```
//!
//! and the loop: `InProgress` until `TaskCount` answers (`Completed`), its lifetime passes or
//! `TaskCount` workers declined it (`Failed`, `Expired`), or a stop: `Stopped` at once when nobody
//! holds a task, else `Stopping` until the last holder submits or lets go.

use serde_json::Value;

use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::loops::{
    FlowDefinition, HumanLoop, HumanLoopStatus, SubmittedAnswer, Task, TaskId, TaskStatus,
};

use super::Ending;

/// Why a worker's action on a task was refused. The worker UI turns these into messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaskRefusal {
    #[error("you do not hold this task")]
    NotHeld,
    #[error("the time for this task ran out")]
    TimeUp,
}

/// A loop as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopState {
    pub human_loop: HumanLoop,
    /// Every task of the loop, in slot order.
    pub tasks: Vec<Task>,
}

/// A change to one task: the status it has now (the store writes the change only over that
/// status, so a change computed from a stale state is never written) and the task after.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskChange {
    pub from: TaskStatus,
    pub task: Task,
}

/// Worker pay owed for one accepted answer, a cost line. Private teams are paid 0, and the line
/// still counts the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub worker: UserId,
    pub amount_millis: u64,
}

/// Everything one event writes, in one transaction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    pub tasks: Vec<TaskChange>,
    /// A worker who declined the loop and is not to be offered it again.
    pub declined_by: Option<UserId>,
    pub payment: Option<Payment>,
    /// The loop's new status when it changes without ending (to `Stopping`).
    pub status: Option<HumanLoopStatus>,
    /// The loop ends: its status, output file and event follow from this and the answers.
    pub ending: Option<Ending>,
}

impl Step {
    /// The loop's status once the step is written.
    pub fn status_after(&self, before: HumanLoopStatus) -> HumanLoopStatus {
        self.ending
            .as_ref()
            .map(Ending::status)
            .or(self.status)
            .unwrap_or(before)
    }
}

/// A task the queue offers a worker (an `Available` task of a loop they may work on, found by
/// the store's queue query) and the two facts its claim needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offer {
    pub task: TaskId,
    /// The loop's expiry: nothing may be claimed from then on, and no deadline runs past it.
    pub available_until: Timestamp,
    pub time_limit_ms: i64,
}

/// A claimed task: who holds it, since when, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub worker: UserId,
    pub accepted_at: Timestamp,
    pub deadline_at: Timestamp,
}

/// Claims an offered task. The deadline is the task's time limit, cut short by the loop's
/// expiry; an offer whose loop has expired is not taken.
pub fn claim(offer: &Offer, worker: UserId, now: Timestamp) -> Option<Hold> {
    if now >= offer.available_until {
        return None;
    }
    let limit_end = Timestamp::from_millis(now.as_millis().saturating_add(offer.time_limit_ms));
    Some(Hold {
        worker,
        accepted_at: now,
        deadline_at: limit_end.min(offer.available_until),
    })
}

/// A worker's answer to a task.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    pub task: TaskId,
    pub worker: UserId,
    pub answer: &'a Value,
    pub time_spent_ms: Option<i64>,
    pub now: Timestamp,
    /// The worker may still work on the flow (it is on the public crowd, or they are still in
    /// its team): someone removed from the team since their claim is refused.
    pub may_work: bool,
}

/// What a submit does.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitOutcome {
    /// The answer is in: write the step.
    Accepted(Step),
    /// This worker sent this very answer before (a retry whose response was lost): nothing to
    /// write, and the caller is told the loop's status as it is.
    AlreadyIn,
}

/// How a held task is let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetGo {
    /// Its holder hands it back (or Loupe does, for a holder no longer in the flow's team).
    Release(UserId),
    /// Its deadline passed.
    TimeOut,
}

impl LoopState {
    pub fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.iter().find(|task| task.id == id)
    }

    pub fn count(&self, status: TaskStatus) -> usize {
        self.tasks
            .iter()
            .filter(|task| task.status == status)
            .count()
    }

    /// The task the queue offers `worker` on this loop, if any: the first available one, while
    /// the loop is in progress and not expired, to a worker who holds, answered or declined
    /// none of it. The store's queue query finds the same tasks across all loops (with the
    /// team and account checks the state does not hold); this is the rule it implements.
    pub fn offer_for(&self, worker: UserId, declined: &[UserId], now: Timestamp) -> Option<Offer> {
        let human_loop = &self.human_loop;
        if human_loop.status != HumanLoopStatus::InProgress
            || now >= human_loop.expires_at
            || declined.contains(&worker)
            || self.tasks.iter().any(|task| task.worker == Some(worker))
        {
            return None;
        }
        let task = self
            .tasks
            .iter()
            .find(|task| task.status == TaskStatus::Available)?;
        Some(Offer {
            task: task.id,
            available_until: human_loop.expires_at,
            time_limit_ms: human_loop.time_limit_ms,
        })
    }

    /// The submitted answers once `changes` are written, in submission order: what
    /// `output.json` lists.
    pub fn answers_with(&self, changes: &[TaskChange]) -> Vec<SubmittedAnswer> {
        let mut submitted: Vec<&Task> = self
            .tasks
            .iter()
            .map(|task| as_changed(task, changes))
            .filter(|task| task.status == TaskStatus::Submitted)
            .collect();
        submitted.sort_by_key(|task| (task.submitted_at, task.id));
        submitted
            .into_iter()
            .filter_map(|task| {
                Some(SubmittedAnswer {
                    worker: task.worker?,
                    accepted_at: task.accepted_at,
                    submitted_at: task.submitted_at?,
                    time_spent_ms: task.time_spent_ms,
                    answer: task.answer.clone().unwrap_or(Value::Null),
                })
            })
            .collect()
    }
}

/// `task` as `changes` leave it.
fn as_changed<'a>(task: &'a Task, changes: &'a [TaskChange]) -> &'a Task {
    changes
        .iter()
        .find(|change| change.task.id == task.id)
        .map_or(task, |change| &change.task)
}

/// A step being built: changes so far over the state they start from.
struct Draft<'a> {
    state: &'a LoopState,
    step: Step,
}

impl<'a> Draft<'a> {
    fn new(state: &'a LoopState) -> Self {
        Self {
            state,
            step: Step::default(),
        }
    }

    /// The loop's tasks with the changes so far.
    fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.state
            .tasks
            .iter()
            .map(|task| as_changed(task, &self.step.tasks))
    }

    fn count(&self, status: TaskStatus) -> usize {
        self.tasks().filter(|task| task.status == status).count()
    }

    fn status(&self) -> HumanLoopStatus {
        self.step.status_after(self.state.human_loop.status)
    }

    /// Records `task` as the new value of its task; a second change of one task replaces the
    /// first and keeps the status the task had before the step.
    fn set(&mut self, task: Task) {
        match self.step.tasks.iter_mut().find(|c| c.task.id == task.id) {
            Some(change) => change.task = task,
            None => {
                let from = self
                    .state
                    .task(task.id)
                    .map_or(task.status, |before| before.status);
                self.step.tasks.push(TaskChange { from, task });
            }
        }
    }

    /// Ends the loop: its open tasks expire (an expired loop) or are cancelled.
    fn end(&mut self, ending: Ending) {
        let leftover = ending.leftover_status();
        let open: Vec<Task> = self
            .tasks()
            .filter(|task| matches!(task.status, TaskStatus::Available | TaskStatus::Accepted))
            .map(|task| Task {
                status: leftover,
                ..task.clone()
            })
            .collect();
        for task in open {
            self.set(task);
        }
        self.step.ending = Some(ending);
    }

    /// A stopping loop with nobody left working stops.
    fn settle_stopping(&mut self) {
        if self.status() == HumanLoopStatus::Stopping && self.count(TaskStatus::Accepted) == 0 {
            self.end(Ending::Stopped);
        }
    }

    fn finish(self) -> Step {
        self.step
    }
}

/// A worker's answer. Refused unless they hold the task, before its deadline, and may still
/// work on the flow; the answer that completes `TaskCount` completes the loop, and the last
/// holder's answer on a stopping loop stops it.
pub fn submit(
    state: &LoopState,
    flow: &FlowDefinition,
    answer: Answer<'_>,
) -> Result<SubmitOutcome, TaskRefusal> {
    let task = state.task(answer.task).ok_or(TaskRefusal::NotHeld)?;
    let theirs = task.worker == Some(answer.worker);
    if task.status == TaskStatus::Submitted && theirs && task.answer.as_ref() == Some(answer.answer)
    {
        return Ok(SubmitOutcome::AlreadyIn);
    }
    // Terminal loops hold no task; the status check says so again, for the reader.
    if task.status != TaskStatus::Accepted || !theirs || state.human_loop.status.is_terminal() {
        return Err(TaskRefusal::NotHeld);
    }
    if task
        .deadline_at
        .is_none_or(|deadline| deadline <= answer.now)
    {
        return Err(TaskRefusal::TimeUp);
    }
    if !answer.may_work {
        return Err(TaskRefusal::NotHeld);
    }
    let mut draft = Draft::new(state);
    draft.set(Task {
        status: TaskStatus::Submitted,
        submitted_at: Some(answer.now),
        time_spent_ms: answer.time_spent_ms,
        answer: Some(answer.answer.clone()),
        ..task.clone()
    });
    draft.step.payment = Some(Payment {
        worker: answer.worker,
        amount_millis: flow
            .spec
            .human_loop_config
            .pay_per_task()
            .map_or(0, |price| price.as_millis()),
    });
    match state.human_loop.status {
        // A stop that was asked for wins: the last holder's answer ends it Stopped.
        HumanLoopStatus::Stopping => draft.settle_stopping(),
        _ => {
            if draft.count(TaskStatus::Submitted) >= usize::from(state.human_loop.task_count) {
                draft.end(Ending::Completed);
            }
        }
    }
    Ok(SubmitOutcome::Accepted(draft.finish()))
}

/// Draft of letting go of a held task: back to the pool, or cancelled when the loop is stopping
/// (and then the loop stops if nobody else holds a task). None when the task is not held as
/// `how` says.
fn let_go_draft<'a>(
    state: &'a LoopState,
    task: TaskId,
    how: LetGo,
    now: Timestamp,
) -> Option<Draft<'a>> {
    let held = state.task(task)?;
    let applies = held.status == TaskStatus::Accepted
        && match how {
            LetGo::Release(worker) => held.worker == Some(worker),
            LetGo::TimeOut => held.deadline_at.is_some_and(|deadline| deadline <= now),
        };
    if !applies {
        return None;
    }
    let mut draft = Draft::new(state);
    if state.human_loop.status == HumanLoopStatus::Stopping {
        draft.set(Task {
            status: TaskStatus::Cancelled,
            ..held.clone()
        });
        draft.settle_stopping();
    } else {
        draft.set(Task {
            status: TaskStatus::Available,
            worker: None,
            accepted_at: None,
            deadline_at: None,
            ..held.clone()
        });
    }
    Some(draft)
}

/// A held task let go: released by its holder, returned by Loupe, or timed out.
pub fn let_go(state: &LoopState, task: TaskId, how: LetGo, now: Timestamp) -> Option<Step> {
    let_go_draft(state, task, how, now).map(Draft::finish)
}

/// A holder declines the task: it goes back as on a release and the worker is never offered the
/// loop again. A loop declined by `TaskCount` workers ends `Expired` (Ground Truth's rule).
/// `declined` lists who had declined the loop before.
pub fn decline(
    state: &LoopState,
    task: TaskId,
    worker: UserId,
    declined: &[UserId],
    now: Timestamp,
) -> Option<Step> {
    let mut draft = let_go_draft(state, task, LetGo::Release(worker), now)?;
    draft.step.declined_by = Some(worker);
    let declines = declined.len() + usize::from(!declined.contains(&worker));
    if !draft.status().is_terminal() && declines >= usize::from(state.human_loop.task_count) {
        draft.end(Ending::expired(format!(
            "{declines} workers declined the task"
        )));
    }
    Some(draft.finish())
}

/// A loop whose availability lifetime has passed: one in progress fails `Expired`, one stopping
/// stops. None before its expiry or once it has ended.
pub fn expire(state: &LoopState, now: Timestamp) -> Option<Step> {
    let human_loop = &state.human_loop;
    if now < human_loop.expires_at {
        return None;
    }
    let ending = match human_loop.status {
        HumanLoopStatus::InProgress => Ending::expired(format!(
            "TaskAvailabilityLifetimeInSeconds passed with {} answer(s) of the required TaskCount",
            state.count(TaskStatus::Submitted)
        )),
        HumanLoopStatus::Stopping => Ending::Stopped,
        _ => return None,
    };
    let mut draft = Draft::new(state);
    draft.end(ending);
    Some(draft.finish())
}

/// `StopHumanLoop`: the tasks nobody holds are withdrawn; the loop stops at once when nobody
/// holds one, else it is `Stopping` until the holders finish. None when the loop is not in
/// progress (stopping or ended already: stopping again changes nothing).
pub fn stop(state: &LoopState) -> Option<Step> {
    if state.human_loop.status != HumanLoopStatus::InProgress {
        return None;
    }
    let mut draft = Draft::new(state);
    for task in &state.tasks {
        if task.status == TaskStatus::Available {
            draft.set(Task {
                status: TaskStatus::Cancelled,
                ..task.clone()
            });
        }
    }
    if draft.count(TaskStatus::Accepted) > 0 {
        draft.step.status = Some(HumanLoopStatus::Stopping);
    } else {
        draft.end(Ending::Stopped);
    }
    Some(draft.finish())
}

/// Its flow definition is being deleted (spec 3.2.4): an open loop no worker has touched (none
/// holds or answered a task) stops now, and then goes with its flow. Loops with work in
/// progress run on.
pub fn abandon(state: &LoopState) -> Option<Step> {
    let open = matches!(
        state.human_loop.status,
        HumanLoopStatus::InProgress | HumanLoopStatus::Stopping
    );
    let touched = state
        .tasks
        .iter()
        .any(|task| matches!(task.status, TaskStatus::Accepted | TaskStatus::Submitted));
    if !open || touched {
        return None;
    }
    let mut draft = Draft::new(state);
    draft.end(Ending::Stopped);
    Some(draft.finish())
}

/// `DeleteHumanLoop` removes only loops that have ended; the refusal says why.
pub fn deletable(human_loop: &HumanLoop) -> Result<(), String> {
    if human_loop.status.is_terminal() {
        Ok(())
    } else {
        Err(format!(
            "human loop {} is {}; only Completed, Failed or Stopped loops can be deleted",
            human_loop.name, human_loop.status
        ))
    }
}
