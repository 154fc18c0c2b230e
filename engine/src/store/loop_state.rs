//! How a transaction locks and loads one loop's state for the lifecycle's transitions, and writes
//! the [`Step`](crate::lifecycle::Step) a transition returns: the one place where loops change.
//!
//! Locking rule on PostgreSQL: every transaction that changes a loop's tasks first locks the
//! loop's row, so what a transition reads (how many answers, who holds what) is what it writes
//! over. Transactions of their own (release, decline, the sweeps, stop, expiry) lock the loop's
//! task rows too, so a claim, which locks only its task, cannot take one between read and write.
//! A transaction that changes several loops locks them all in id order before it writes anything
//! (a batch of submits, deleting a flow definition) or takes one loop per transaction (the
//! sweeps), so no two transactions wait for each other's loops. Claims lock only the task row
//! (`SKIP LOCKED`), and `UNIQUE (loop_id, worker_id)` keeps a worker from holding two tasks of
//! one loop even when two claims race. SQLite's write transactions begin `IMMEDIATE` and so run
//! one at a time: there the locks are empty fragments.

use crate::domain::loops::{LoopId, TaskId};

/// The loop a transaction loads: by its id, or the one a task belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LoopOf {
    Id(LoopId),
    Task(TaskId),
}

impl LoopOf {
    /// The condition on `human_loops l` that picks the loop, and the id it takes as `$1`.
    pub(crate) fn condition(self) -> (&'static str, i64) {
        match self {
            Self::Id(id) => ("l.id = $1", id.0),
            Self::Task(task) => ("l.id = (SELECT loop_id FROM tasks WHERE id = $1)", task.0),
        }
    }
}

/// The steps every loop-changing operation shares, for a backend's store; see
/// [`super::dialect`].
macro_rules! loop_state_sql {
    ($store:ty, $conn:ty, $for_update:literal, $for_update_of_loop:literal) => {
        // For the other aggregates too, which expand beside this.
        use $crate::store::loop_state::LoopOf;

        impl $store {
            /// Loads a loop; with `lock`, locks it too (`FOR UPDATE OF l` on PostgreSQL), in the
            /// same statement. Every transaction that changes a loop's tasks starts here, locking.
            async fn load_loop(
                conn: &mut $conn,
                which: LoopOf,
                lock: bool,
            ) -> Result<Option<$crate::domain::loops::HumanLoop>, $crate::store::StoreError> {
                let (condition, id) = which.condition();
                let lock = if lock { $for_update_of_loop } else { "" };
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE {condition} {lock}"
                ))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
                row.as_ref().map(rows::human_loop).transpose()
            }

            async fn load_flow(
                conn: &mut $conn,
                flow: $crate::domain::loops::FlowId,
            ) -> Result<$crate::domain::loops::FlowDefinition, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.id = $1"
                ))
                .bind(flow.0)
                .fetch_one(&mut *conn)
                .await?;
                rows::flow(&row)
            }

            /// A loop's flow definition, and whether `worker` may work on it: it is on the
            /// public crowd, or the worker is in its team (directly or through a group).
            async fn load_flow_for(
                conn: &mut $conn,
                flow: $crate::domain::loops::FlowId,
                worker: $crate::domain::accounts::UserId,
            ) -> Result<($crate::domain::loops::FlowDefinition, bool), $crate::store::StoreError> {
                use sqlx::Row as _;
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS}, CASE WHEN f.public_crowd = 1 OR f.workteam_name IN ({}) \
                       THEN 1 ELSE 0 END AS may_work \
                     FROM flow_definitions f WHERE f.id = $1",
                    $crate::store::teams::worker_teams_sql!("$2")
                ))
                .bind(flow.0)
                .bind(worker.0)
                .fetch_one(&mut *conn)
                .await?;
                let may_work: i32 = row.try_get("may_work")?;
                Ok((rows::flow(&row)?, may_work == 1))
            }

            /// The loop's state for the lifecycle's transitions: the loop (which the caller
            /// has locked) and its tasks. With `lock_tasks` (PostgreSQL), the tasks are locked
            /// too, so a claim (which locks only its task) cannot take one between this read
            /// and the step's write; a submit in a batch reads without, as no claim can change
            /// what a submit decides.
            async fn load_state(
                conn: &mut $conn,
                human_loop: $crate::domain::loops::HumanLoop,
                lock_tasks: bool,
            ) -> Result<$crate::lifecycle::LoopState, $crate::store::StoreError> {
                let lock = if lock_tasks { $for_update } else { "" };
                let rows = sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks WHERE loop_id = $1 ORDER BY slot {lock}"
                ))
                .bind(human_loop.id.0)
                .fetch_all(&mut *conn)
                .await?;
                let tasks = rows.iter().map(rows::task).collect::<Result<_, _>>()?;
                Ok($crate::lifecycle::LoopState { human_loop, tasks })
            }

            /// Writes a transition's step for the loop in `state` (locked and loaded by the
            /// caller) on the caller's transaction: the changed tasks (each only over the
            /// status it was computed from), the decline, the cost line, the loop's status and,
            /// when it ends, its ending. `flow` is loaded here when the caller has not.
            async fn apply_step(
                conn: &mut $conn,
                state: &$crate::lifecycle::LoopState,
                flow: Option<&$crate::domain::loops::FlowDefinition>,
                step: &$crate::lifecycle::Step,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                let human_loop = &state.human_loop;
                for change in &step.tasks {
                    let task = &change.task;
                    let written = sqlx::query(
                        "UPDATE tasks SET status = $2, worker_id = $3, accepted_at = $4, \
                           deadline_at = $5, submitted_at = $6, time_spent_ms = $7, answer = $8 \
                         WHERE id = $1 AND status = $9",
                    )
                    .bind(task.id.0)
                    .bind(task.status.as_str())
                    .bind(task.worker.map(|w| w.0))
                    .bind(task.accepted_at.map(|t| t.as_millis()))
                    .bind(task.deadline_at.map(|t| t.as_millis()))
                    .bind(task.submitted_at.map(|t| t.as_millis()))
                    .bind(task.time_spent_ms)
                    .bind(task.answer.as_ref().map(|answer| answer.to_string()))
                    .bind(change.from.as_str())
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if written == 0 {
                        // The loop (and, where it matters, its tasks) are locked: a bug.
                        return Err($crate::store::StoreError::Corrupt(format!(
                            "task {} changed while its loop was locked",
                            task.id.0
                        )));
                    }
                }
                if let Some(worker) = step.declined_by {
                    sqlx::query(
                        "INSERT INTO task_declines (loop_id, worker_id, declined_at) \
                         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(human_loop.id.0)
                    .bind(worker.0)
                    .bind(now.as_millis())
                    .execute(&mut *conn)
                    .await?;
                }
                let loaded;
                let flow = match flow {
                    Some(flow) => flow,
                    None if step.payment.is_some() || step.ending.is_some() => {
                        loaded = Self::load_flow(&mut *conn, human_loop.flow_id).await?;
                        &loaded
                    }
                    None => return Self::set_status(conn, human_loop, step, now).await,
                };
                if let Some(payment) = step.payment {
                    sqlx::query(
                        "INSERT INTO cost_lines \
                         (flow_name, loop_name, worker_id, amount_millis, recorded_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(flow.name().as_str())
                    .bind(human_loop.name.as_str())
                    .bind(payment.worker.0)
                    .bind(i64::try_from(payment.amount_millis).unwrap_or(i64::MAX))
                    .bind(now.as_millis())
                    .execute(&mut *conn)
                    .await?;
                }
                Self::set_status(&mut *conn, human_loop, step, now).await?;
                if let Some(ending) = &step.ending {
                    let answers = state.answers_with(&step.tasks);
                    Self::write_ending(conn, human_loop, flow, ending, &answers, now, finisher)
                        .await?;
                }
                Ok(())
            }

            /// The loop's new status of a step that changes it without ending it.
            async fn set_status(
                conn: &mut $conn,
                human_loop: &$crate::domain::loops::HumanLoop,
                step: &$crate::lifecycle::Step,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                if let Some(status) = step.status {
                    sqlx::query("UPDATE human_loops SET status = $2, updated_at = $3 WHERE id = $1")
                        .bind(human_loop.id.0)
                        .bind(status.as_str())
                        .bind(now.as_millis())
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            }

            /// Writes a loop's ending: its status, the output file for the outbox, the event
            /// and one delivery per webhook that wants it, all on the caller's transaction.
            async fn write_ending(
                conn: &mut $conn,
                human_loop: &$crate::domain::loops::HumanLoop,
                flow: &$crate::domain::loops::FlowDefinition,
                ending: &$crate::lifecycle::Ending,
                answers: &[$crate::domain::loops::SubmittedAnswer],
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                let snapshot = $crate::lifecycle::LoopSnapshot {
                    human_loop,
                    flow,
                    answers,
                };
                let record = finisher.finish(&snapshot, ending, now);
                let output = record
                    .output
                    .as_ref()
                    .filter(|_| ending.writes_output(answers.len()));
                sqlx::query(
                    "UPDATE human_loops SET status = $2, failure_code = $3, failure_reason = $4, \
                     completed_at = $5, updated_at = $5, output_uri = $6 WHERE id = $1",
                )
                .bind(human_loop.id.0)
                .bind(ending.status().as_str())
                .bind(ending.failure_code().map(|c| c.as_str()))
                .bind(ending.failure_reason())
                .bind(now.as_millis())
                .bind(output.map(|o| o.uri.as_str()))
                .execute(&mut *conn)
                .await?;
                let output_id: Option<i64> = match output {
                    Some(file) => Some(
                        sqlx::query_scalar(
                            "INSERT INTO output_outbox \
                             (loop_name, uri, body, next_attempt_at, created_at) \
                             VALUES ($1, $2, $3, $4, $4) RETURNING id",
                        )
                        .bind(human_loop.name.as_str())
                        .bind(&file.uri)
                        .bind(&file.body)
                        .bind(now.as_millis())
                        .fetch_one(&mut *conn)
                        .await?,
                    ),
                    None => None,
                };
                sqlx::query(
                    "INSERT INTO loop_events \
                     (event_id, loop_name, status, payload, output_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&record.event_id)
                .bind(human_loop.name.as_str())
                .bind(ending.status().as_str())
                .bind(&record.event)
                .bind(output_id)
                .bind(now.as_millis())
                .execute(&mut *conn)
                .await?;
                // One delivery per webhook that wants this flow's events, in this transaction:
                // an event is never recorded without them.
                sqlx::query(
                    "INSERT INTO webhook_deliveries \
                     (webhook_id, event_id, next_attempt_at, created_at) \
                     SELECT id, $1, $2, $2 FROM webhooks \
                     WHERE flow_name IS NULL OR flow_name = $3",
                )
                .bind(&record.event_id)
                .bind(now.as_millis())
                .bind(flow.name().as_str())
                .execute(&mut *conn)
                .await?;
                Ok(())
            }

            /// Locks and loads a loop (by id, or the one a task belongs to), with its tasks
            /// locked, and writes the step `transition` makes of it, if any. Returns the loop's
            /// id when it did.
            async fn transition_loop(
                conn: &mut $conn,
                which: LoopOf,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
                transition: impl FnOnce(&$crate::lifecycle::LoopState) -> Option<$crate::lifecycle::Step>
                    + Send,
            ) -> Result<Option<$crate::domain::loops::LoopId>, $crate::store::StoreError> {
                let Some(human_loop) = Self::load_loop(&mut *conn, which, true).await? else {
                    return Ok(None);
                };
                let state = Self::load_state(&mut *conn, human_loop, true).await?;
                let Some(step) = transition(&state) else {
                    return Ok(None);
                };
                Self::apply_step(conn, &state, None, &step, now, finisher).await?;
                Ok(Some(state.human_loop.id))
            }
        }
    };
}

pub(crate) use loop_state_sql;
