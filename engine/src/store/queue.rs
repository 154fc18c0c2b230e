//! The work queue: what a worker may take, claims and submits in batches, letting go of held tasks,
//! and the sweeps (deadlines passed, holders no longer in the team, lifetimes passed).

use async_trait::async_trait;
use serde_json::Value;

use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::loops::{ClaimedTask, FlowDefinition, FlowId, HumanLoopStatus, Task, TaskId};
use crate::lifecycle::Finisher;

use super::StoreError;

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
pub trait QueueStore {
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
    /// The tasks `worker` holds whose time has not run out, with their flow definitions,
    /// soonest deadline first.
    async fn held_tasks(
        &self,
        worker: UserId,
        now: Timestamp,
    ) -> Result<Vec<(Task, FlowId)>, StoreError>;
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
}

/// Implements [`QueueStore`] for a backend's store; see [`super::dialect`].
macro_rules! queue_sql {
    ($store:ty, $conn:ty, $for_update_of_loop:literal, $lock_batch_loops:literal, $skip_locked:literal, $claim_savepoint:literal) => {
        impl $store {
            /// Lets go of each held task as `how` says for it, in a transaction of its own, so
            /// another replica running the same sweep only finds nothing left to do. Returns
            /// how many were let go.
            async fn let_go_each(
                &self,
                tasks: Vec<($crate::domain::loops::TaskId, $crate::lifecycle::LetGo)>,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                let mut done = 0;
                for (task, how) in tasks {
                    let mut tx = self.begin_write().await?;
                    let which = LoopOf::Task(task);
                    let let_go = Self::transition_loop(&mut *tx, which, now, finisher, |state| {
                        $crate::lifecycle::transitions::let_go(state, task, how, now)
                    })
                    .await?;
                    if let_go.is_some() {
                        done += 1;
                    }
                    tx.commit().await?;
                }
                Ok(done)
            }

            /// One claim, on the caller's write transaction: the first of `flows` with a task
            /// for the worker.
            async fn claim(
                conn: &mut $conn,
                worker: $crate::domain::accounts::UserId,
                flows: &[$crate::domain::loops::FlowId],
                now: $crate::domain::clock::Timestamp,
            ) -> Result<Option<$crate::domain::loops::ClaimedTask>, $crate::store::StoreError> {
                use sqlx::Row as _;
                use $crate::lifecycle::transitions::{Offer, claim};
                // The queue: the oldest task of the flow the worker may take, which is what
                // `LoopState::offer_for` says for one loop (an available task of an unexpired
                // loop the worker holds, answered and declined none of), plus the checks the
                // loop's state does not hold: an active account, and the flow's team. It is
                // locked, so no other claim takes it meanwhile.
                const OFFER: &str = concat!(
                    "SELECT t.id, t.loop_id, t.available_until, t.time_limit_ms, \
                       (SELECT l.name FROM human_loops l WHERE l.id = t.loop_id) AS loop_name \
                     FROM tasks t \
                     WHERE t.flow_id = $2 AND t.status = 'Available' AND t.available_until > $3 \
                       AND EXISTS (SELECT 1 FROM users u \
                         WHERE u.id = $1 AND u.deactivated_at IS NULL) \
                       AND EXISTS (SELECT 1 FROM flow_definitions f \
                         WHERE f.id = $2 AND f.status = 'Active' AND (f.public_crowd = 1 \
                           OR f.workteam_name IN (",
                    $crate::store::teams::worker_teams_sql!("$1"),
                    "))) \
                       AND NOT EXISTS (SELECT 1 FROM tasks o \
                                       WHERE o.loop_id = t.loop_id AND o.worker_id = $1) \
                       AND NOT EXISTS (SELECT 1 FROM task_declines d \
                                       WHERE d.loop_id = t.loop_id AND d.worker_id = $1) \
                     ORDER BY t.id LIMIT 1 ",
                    $skip_locked
                );
                for &flow in flows {
                    // Two claims of one worker racing (in two PostgreSQL transactions) for two
                    // tasks of one loop: the unique key refuses the second, which then looks
                    // again. The savepoint keeps the error from ending the transaction. (SQLite
                    // has one writer, so the queue's own check sees every other claim.)
                    let mut attempts = 0;
                    let claimed = loop {
                        attempts += 1;
                        if $claim_savepoint {
                            sqlx::query("SAVEPOINT claim").execute(&mut *conn).await?;
                        }
                        let attempt: Result<_, sqlx::Error> = async {
                            let Some(row) = sqlx::query(OFFER)
                                .bind(worker.0)
                                .bind(flow.0)
                                .bind(now.as_millis())
                                .fetch_optional(&mut *conn)
                                .await?
                            else {
                                return Ok(None);
                            };
                            let offer = Offer {
                                task: $crate::domain::loops::TaskId(row.try_get("id")?),
                                available_until: $crate::domain::clock::Timestamp::from_millis(
                                    row.try_get("available_until")?,
                                ),
                                time_limit_ms: row.try_get("time_limit_ms")?,
                            };
                            // The queue only offers unexpired tasks.
                            let Some(hold) = claim(&offer, worker, now) else {
                                return Ok(None);
                            };
                            sqlx::query(
                                "UPDATE tasks SET status = 'Accepted', worker_id = $2, \
                                   accepted_at = $3, deadline_at = $4 \
                                 WHERE id = $1 AND status = 'Available'",
                            )
                            .bind(offer.task.0)
                            .bind(hold.worker.0)
                            .bind(hold.accepted_at.as_millis())
                            .bind(hold.deadline_at.as_millis())
                            .execute(&mut *conn)
                            .await?;
                            let loop_id: i64 = row.try_get("loop_id")?;
                            let loop_name: String = row.try_get("loop_name")?;
                            Ok(Some((offer.task, loop_id, loop_name, hold)))
                        }
                        .await;
                        match attempt {
                            Ok(claimed) => {
                                if $claim_savepoint {
                                    sqlx::query("RELEASE SAVEPOINT claim")
                                        .execute(&mut *conn)
                                        .await?;
                                }
                                break claimed;
                            }
                            Err(err)
                                if $claim_savepoint
                                    && attempts < 5
                                    && $crate::store::UniqueKey::violated_by(&err)
                                        == Some($crate::store::UniqueKey::TaskWorker) =>
                            {
                                sqlx::query("ROLLBACK TO SAVEPOINT claim")
                                    .execute(&mut *conn)
                                    .await?;
                                sqlx::query("RELEASE SAVEPOINT claim").execute(&mut *conn).await?;
                            }
                            Err(err) => return Err(err.into()),
                        }
                    };
                    let Some((task_id, loop_id, loop_name, hold)) = claimed else { continue };
                    return Ok(Some($crate::domain::loops::ClaimedTask {
                        task_id,
                        loop_id: $crate::domain::loops::LoopId(loop_id),
                        loop_name: $crate::domain::names::HumanLoopName::parse(&loop_name)
                            .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                        flow_id: flow,
                        accepted_at: hold.accepted_at,
                        deadline_at: hold.deadline_at,
                    }));
                }
                Ok(None)
            }

            /// One submit, on the caller's write transaction. A refusal writes nothing.
            #[allow(clippy::too_many_arguments)]
            async fn submit(
                conn: &mut $conn,
                task: $crate::domain::loops::TaskId,
                worker: $crate::domain::accounts::UserId,
                answer: &serde_json::Value,
                time_spent_ms: Option<i64>,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::store::SubmitReceipt, $crate::store::StoreError> {
                use $crate::lifecycle::transitions::{Answer, SubmitOutcome, submit};
                use $crate::store::StoreError;
                let human_loop = Self::load_loop(&mut *conn, LoopOf::Task(task), true)
                    .await?
                    .ok_or(StoreError::Refused($crate::lifecycle::TaskRefusal::NotHeld))?;
                let (flow, may_work) =
                    Self::load_flow_for(&mut *conn, human_loop.flow_id, worker).await?;
                let state = Self::load_state(&mut *conn, human_loop, false).await?;
                let answer = Answer {
                    task,
                    worker,
                    answer,
                    time_spent_ms,
                    now,
                    may_work,
                };
                let loop_status = match submit(&state, &flow, answer).map_err(StoreError::Refused)? {
                    SubmitOutcome::AlreadyIn => state.human_loop.status,
                    SubmitOutcome::Accepted(step) => {
                        Self::apply_step(conn, &state, Some(&flow), &step, now, finisher).await?;
                        step.status_after(state.human_loop.status)
                    }
                };
                Ok($crate::store::SubmitReceipt { loop_status })
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::QueueStore for $store {
            async fn flows_for_worker(
                &self,
                worker: $crate::domain::accounts::UserId,
            ) -> Result<Vec<$crate::domain::loops::FlowDefinition>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f \
                     WHERE f.status = 'Active' AND (f.public_crowd = 1 OR f.workteam_name IN ( \
                       SELECT LOWER(t.name) FROM work_teams t \
                       JOIN work_team_members m ON m.team_id = t.id WHERE m.user_id = $1 \
                       UNION \
                       SELECT LOWER(t.name) FROM work_teams t \
                       JOIN work_team_groups g ON g.team_id = t.id \
                       JOIN worker_group_members gm ON gm.group_id = g.group_id \
                       WHERE gm.user_id = $1)) \
                     ORDER BY f.name"
                ))
                .bind(worker.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::flow).collect()
            }

            async fn available_task_count(
                &self,
                flow: $crate::domain::loops::FlowId,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM tasks \
                     WHERE flow_id = $1 AND status = 'Available' AND available_until > $2",
                )
                .bind(flow.0)
                .bind(now.as_millis())
                .fetch_one(&self.pool)
                .await?)
            }

            async fn available_for_worker(
                &self,
                flow: $crate::domain::loops::FlowId,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
                cap: i64,
            ) -> Result<i64, $crate::store::StoreError> {
                // One row per loop: its lowest available slot. Every condition is an index
                // lookup and the LIMIT stops the walk, so a long queue costs no more than `cap`
                // rows plus the loops this worker already touched.
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM tasks t \
                     WHERE t.flow_id = $1 AND t.status = 'Available' AND t.available_until > $2 \
                       AND NOT EXISTS (SELECT 1 FROM tasks p WHERE p.loop_id = t.loop_id \
                                       AND p.status = 'Available' AND p.slot < t.slot) \
                       AND NOT EXISTS (SELECT 1 FROM tasks o \
                                       WHERE o.loop_id = t.loop_id AND o.worker_id = $3) \
                       AND NOT EXISTS (SELECT 1 FROM task_declines d \
                                       WHERE d.loop_id = t.loop_id AND d.worker_id = $3) \
                     LIMIT $4) counted",
                )
                .bind(flow.0)
                .bind(now.as_millis())
                .bind(worker.0)
                .bind(cap)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn held_tasks(
                &self,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<
                Vec<($crate::domain::loops::Task, $crate::domain::loops::FlowId)>,
                $crate::store::StoreError,
            > {
                use sqlx::Row as _;
                let rows = sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS}, flow_id FROM tasks WHERE worker_id = $1 \
                     AND status = 'Accepted' AND deadline_at > $2 ORDER BY deadline_at"
                ))
                .bind(worker.0)
                .bind(now.as_millis())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let flow = $crate::domain::loops::FlowId(row.try_get("flow_id")?);
                        Ok((rows::task(row)?, flow))
                    })
                    .collect()
            }

            async fn task_work(
                &self,
                work: &[$crate::store::TaskWork],
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<
                Vec<Result<$crate::store::TaskDone, $crate::store::StoreError>>,
                $crate::store::StoreError,
            > {
                use $crate::store::{TaskDone, TaskWork};
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                // Before anything else (the counter rows kept by triggers included), lock every
                // loop the batch's submits touch, in one statement, in id order: PostgreSQL
                // takes the row locks above the sort. Every batch then takes loop locks in one
                // global order, so two batches with submits for the same loops queue instead
                // of deadlocking. The ids vary per batch, so the statement is not cached.
                if $lock_batch_loops {
                    let tasks: Vec<String> = work
                        .iter()
                        .filter_map(|item| match item {
                            TaskWork::Submit { task, .. } => Some(task.0.to_string()),
                            TaskWork::Claim { .. } => None,
                        })
                        .collect();
                    if !tasks.is_empty() {
                        let sql = format!(
                            "SELECT l.id FROM human_loops l WHERE l.id IN \
                             (SELECT loop_id FROM tasks WHERE id IN ({})) ORDER BY l.id {}",
                            tasks.join(", "),
                            $for_update_of_loop
                        );
                        sqlx::query(&sql).persistent(false).fetch_all(&mut *tx).await?;
                    }
                }
                let mut done = Vec::with_capacity(work.len());
                for item in work {
                    let outcome = match item {
                        TaskWork::Claim { worker, flows, now } => {
                            Self::claim(&mut *tx, *worker, flows, *now)
                                .await
                                .map(TaskDone::Claimed)
                        }
                        TaskWork::Submit { task, worker, answer, time_spent_ms, now } => {
                            Self::submit(
                                &mut *tx, *task, *worker, answer, *time_spent_ms, *now, finisher,
                            )
                            .await
                            .map(TaskDone::Submitted)
                        }
                    };
                    match outcome {
                        // Refusals wrote nothing: the batch goes on.
                        Err(StoreError::Refused(refusal)) => {
                            done.push(Err(StoreError::Refused(refusal)))
                        }
                        Err(error) => return Err(error),
                        Ok(outcome) => done.push(Ok(outcome)),
                    }
                }
                tx.commit().await?;
                Ok(done)
            }

            async fn release_task(
                &self,
                task: $crate::domain::loops::TaskId,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::lifecycle::{LetGo, transitions::let_go};
                let mut tx = self.begin_write().await?;
                let which = LoopOf::Task(task);
                let released = Self::transition_loop(&mut *tx, which, now, finisher, |state| {
                    let_go(state, task, LetGo::Release(worker), now)
                })
                .await?;
                tx.commit().await?;
                match released {
                    Some(_) => Ok(()),
                    None => Err($crate::store::StoreError::Refused(
                        $crate::lifecycle::TaskRefusal::NotHeld,
                    )),
                }
            }

            async fn decline_task(
                &self,
                task: $crate::domain::loops::TaskId,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let refused = || StoreError::Refused($crate::lifecycle::TaskRefusal::NotHeld);
                let mut tx = self.begin_write().await?;
                let human_loop = Self::load_loop(&mut *tx, LoopOf::Task(task), true)
                    .await?
                    .ok_or_else(refused)?;
                let declined: Vec<i64> =
                    sqlx::query_scalar("SELECT worker_id FROM task_declines WHERE loop_id = $1")
                        .bind(human_loop.id.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let declined: Vec<_> = declined.into_iter().map($crate::domain::accounts::UserId).collect();
                let state = Self::load_state(&mut *tx, human_loop, true).await?;
                let step = $crate::lifecycle::transitions::decline(&state, task, worker, &declined, now)
                    .ok_or_else(refused)?;
                Self::apply_step(&mut *tx, &state, None, &step, now, finisher).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn release_worker_tasks(
                &self,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                let held: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM tasks WHERE worker_id = $1 AND status = 'Accepted' ORDER BY id",
                )
                .bind(worker.0)
                .fetch_all(&self.pool)
                .await?;
                let held = held
                    .into_iter()
                    .map(|id| ($crate::domain::loops::TaskId(id), $crate::lifecycle::LetGo::Release(worker)))
                    .collect();
                self.let_go_each(held, now, finisher).await
            }

            async fn return_overdue_tasks(
                &self,
                now: $crate::domain::clock::Timestamp,
                limit: u32,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                let overdue: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM tasks WHERE status = 'Accepted' AND deadline_at <= $1 \
                     ORDER BY deadline_at, id LIMIT $2",
                )
                .bind(now.as_millis())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let overdue = overdue
                    .into_iter()
                    .map(|id| ($crate::domain::loops::TaskId(id), $crate::lifecycle::LetGo::TimeOut))
                    .collect();
                self.let_go_each(overdue, now, finisher).await
            }

            async fn return_orphaned_tasks(
                &self,
                now: $crate::domain::clock::Timestamp,
                limit: u32,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                use sqlx::Row as _;
                // Held tasks are few (one per busy worker), so this is cheap to run every tick
                // as long as it walks the held-tasks index (hence the order by deadline), never
                // the whole table.
                let orphaned = sqlx::query(concat!(
                    "SELECT t.id, t.worker_id FROM tasks t \
                     JOIN flow_definitions f ON f.id = t.flow_id \
                     WHERE t.status = 'Accepted' AND f.public_crowd = 0 \
                       AND f.workteam_name NOT IN (",
                    $crate::store::teams::worker_teams_sql!("t.worker_id"),
                    ") ORDER BY t.deadline_at, t.id LIMIT $1"
                ))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                // Guarded by the holder, so a task answered meanwhile is left alone.
                let orphaned = orphaned
                    .iter()
                    .map(|row| {
                        Ok((
                            $crate::domain::loops::TaskId(row.try_get("id")?),
                            $crate::lifecycle::LetGo::Release($crate::domain::accounts::UserId(
                                row.try_get("worker_id")?,
                            )),
                        ))
                    })
                    .collect::<Result<Vec<_>, $crate::store::StoreError>>()?;
                self.let_go_each(orphaned, now, finisher).await
            }

            async fn expire_loops(
                &self,
                now: $crate::domain::clock::Timestamp,
                limit: u32,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                let due: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM human_loops WHERE status IN ('InProgress', 'Stopping') \
                     AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2",
                )
                .bind(now.as_millis())
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let mut ended = 0;
                // One loop per transaction, as every sweep.
                for id in due {
                    let mut tx = self.begin_write().await?;
                    let which = LoopOf::Id($crate::domain::loops::LoopId(id));
                    let expired = Self::transition_loop(&mut *tx, which, now, finisher, |state| {
                        $crate::lifecycle::transitions::expire(state, now)
                    })
                    .await?;
                    if expired.is_some() {
                        ended += 1;
                    }
                    tx.commit().await?;
                }
                Ok(ended)
            }
        }
    };
}

pub(crate) use queue_sql;
