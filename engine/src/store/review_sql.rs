//! The review engine's queries, shared by both backends and instantiated once per backend by
//! `review_sql_store!`. Only a few fragments differ, chiefly the row lock taken on a loop before
//! its tasks change (`FOR UPDATE` on PostgreSQL; SQLite needs none because its write
//! transactions begin `IMMEDIATE` and so run one at a time), and `SKIP LOCKED` for the claim
//! queue.
//!
//! Locking rule on PostgreSQL: every transaction that changes a loop's tasks first locks the
//! loop's row, so counting "was this the last answer?" always sees the other writers' commits.
//! A transaction that changes several loops locks them all in id order before it writes
//! anything (a batch of submits, deleting a flow definition) or takes one loop per transaction
//! (the sweeps, expiry), so no two transactions wait for each other's loops.
//! Claims lock only the task row (`SKIP LOCKED`), and `UNIQUE (loop_id, worker_id)` keeps a
//! worker from holding two tasks of one loop even when two claims race.

/// The lower-cased names of the work teams `$user` (a placeholder such as `"$1"`) is in, directly
/// or through a worker group: a subquery for `flow_definitions.workteam_name IN (...)`.
macro_rules! worker_teams_sql {
    ($user:literal) => {
        concat!(
            "SELECT LOWER(wt.name) FROM work_teams wt \
             JOIN work_team_members m ON m.team_id = wt.id WHERE m.user_id = ",
            $user,
            " UNION SELECT LOWER(wt.name) FROM work_teams wt \
             JOIN work_team_groups g ON g.team_id = wt.id \
             JOIN worker_group_members gm ON gm.group_id = g.group_id \
             WHERE gm.user_id = ",
            $user
        )
    };
}

/// Implements [`super::review::ReviewStore`] for `$store` (which has a `pool` field and an
/// inherent `begin_write` method), decoding rows of type `$row` on connections of type `$conn`.
macro_rules! review_sql_store {
    (
        $store:ty,
        $row:ty,
        $conn:ty,
        for_update = $for_update:literal,
        for_update_of_loop = $for_update_of_loop:literal,
        lock_batch_loops = $lock_batch_loops:literal,
        skip_locked = $skip_locked:literal,
        claim_savepoint = $claim_savepoint:literal,
        name_prefix = ($prefix_match:literal, $prefix_wildcard:literal),
        id_in_json = $id_in_json:literal
    ) => {
        const FLOW_COLUMNS: &str =
            "f.id, f.spec, f.status, f.failure_reason, f.custom_conditions, f.created_at";
        const LOOP_COLUMNS: &str = "l.id, l.name, l.flow_id, f.name AS flow_name, l.status, \
             l.failure_code, l.failure_reason, l.input_content, l.content_classifiers, \
             l.activation, l.task_count, l.time_limit_ms, l.created_at, l.expires_at, \
             l.updated_at, l.completed_at, l.output_uri";
        const TASK_COLUMNS: &str = "id, loop_id, slot, status, worker_id, accepted_at, \
             deadline_at, submitted_at, time_spent_ms, answer";
        const FLOW_RETURNING: &str =
            "id, spec, status, failure_reason, custom_conditions, created_at";
        const UI_COLUMNS: &str = "id, name, template, status, tags, created_at";

        mod review_rows {
            use sqlx::Row as _;
            use serde_json::Value;

            use $crate::accounts::UserId;
            use $crate::clock::Timestamp;
            use $crate::loops::{
                ContentClassifier, FailureCode, FlowDefinition, FlowId, HumanLoop,
                HumanLoopStatus, LoopId, Task, TaskId, TaskStatus,
            };
            use $crate::store::StoreError;

            pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
                StoreError::Corrupt(what.to_string())
            }

            pub fn ts(row: &$row, column: &str) -> Result<Timestamp, StoreError> {
                Ok(Timestamp::from_millis(row.try_get(column)?))
            }

            fn opt_ts(row: &$row, column: &str) -> Result<Option<Timestamp>, StoreError> {
                Ok(row.try_get::<Option<i64>, _>(column)?.map(Timestamp::from_millis))
            }

            fn opt_json(row: &$row, column: &str) -> Result<Option<Value>, StoreError> {
                row.try_get::<Option<String>, _>(column)?
                    .map(|text| serde_json::from_str(&text).map_err(corrupt))
                    .transpose()
            }

            pub fn flow(row: &$row) -> Result<FlowDefinition, StoreError> {
                let spec: String = row.try_get("spec")?;
                let status: String = row.try_get("status")?;
                Ok(FlowDefinition {
                    id: FlowId(row.try_get("id")?),
                    spec: serde_json::from_str(&spec).map_err(corrupt)?,
                    status: $crate::flows::FlowDefinitionStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("flow definition status {status:?}")))?,
                    failure_reason: row.try_get("failure_reason")?,
                    custom_conditions: row.try_get("custom_conditions")?,
                    created_at: ts(row, "created_at")?,
                })
            }

            pub fn human_loop(row: &$row) -> Result<HumanLoop, StoreError> {
                let name: String = row.try_get("name")?;
                let flow_name: String = row.try_get("flow_name")?;
                let status: String = row.try_get("status")?;
                let classifiers: String = row.try_get("content_classifiers")?;
                let classifiers: Vec<String> =
                    serde_json::from_str(&classifiers).map_err(corrupt)?;
                Ok(HumanLoop {
                    id: LoopId(row.try_get("id")?),
                    name: $crate::names::HumanLoopName::parse(&name).map_err(corrupt)?,
                    flow_id: FlowId(row.try_get("flow_id")?),
                    flow_name: $crate::names::FlowDefinitionName::parse(&flow_name)
                        .map_err(corrupt)?,
                    status: HumanLoopStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("loop status {status:?}")))?,
                    failure_code: row
                        .try_get::<Option<String>, _>("failure_code")?
                        .map(|code| {
                            FailureCode::parse(&code)
                                .ok_or_else(|| corrupt(format!("failure code {code:?}")))
                        })
                        .transpose()?,
                    failure_reason: row.try_get("failure_reason")?,
                    input_content: row.try_get("input_content")?,
                    content_classifiers: classifiers
                        .iter()
                        .map(|c| {
                            ContentClassifier::parse(c)
                                .ok_or_else(|| corrupt(format!("content classifier {c:?}")))
                        })
                        .collect::<Result<_, _>>()?,
                    activation: opt_json(row, "activation")?,
                    task_count: u8::try_from(row.try_get::<i64, _>("task_count")?)
                        .map_err(corrupt)?,
                    time_limit_ms: row.try_get("time_limit_ms")?,
                    created_at: ts(row, "created_at")?,
                    expires_at: ts(row, "expires_at")?,
                    updated_at: ts(row, "updated_at")?,
                    completed_at: opt_ts(row, "completed_at")?,
                    output_uri: row.try_get("output_uri")?,
                })
            }

            pub fn task(row: &$row) -> Result<Task, StoreError> {
                let status: String = row.try_get("status")?;
                Ok(Task {
                    id: TaskId(row.try_get("id")?),
                    loop_id: LoopId(row.try_get("loop_id")?),
                    slot: u8::try_from(row.try_get::<i64, _>("slot")?).map_err(corrupt)?,
                    status: TaskStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("task status {status:?}")))?,
                    worker: row.try_get::<Option<i64>, _>("worker_id")?.map(UserId),
                    accepted_at: opt_ts(row, "accepted_at")?,
                    deadline_at: opt_ts(row, "deadline_at")?,
                    submitted_at: opt_ts(row, "submitted_at")?,
                    time_spent_ms: row.try_get("time_spent_ms")?,
                    answer: opt_json(row, "answer")?,
                })
            }

            pub fn task_ui(row: &$row) -> Result<$crate::task_uis::HumanTaskUi, StoreError> {
                use $crate::task_uis::{HumanTaskUi, HumanTaskUiSpec, HumanTaskUiStatus, UiTemplate};
                let name: String = row.try_get("name")?;
                let status: String = row.try_get("status")?;
                let tags: String = row.try_get("tags")?;
                Ok(HumanTaskUi {
                    id: row.try_get("id")?,
                    spec: HumanTaskUiSpec {
                        human_task_ui_name: $crate::names::HumanTaskUiName::parse(&name)
                            .map_err(corrupt)?,
                        ui_template: UiTemplate { content: row.try_get("template")? },
                        tags: serde_json::from_str(&tags).map_err(corrupt)?,
                    },
                    status: HumanTaskUiStatus::parse(&status)
                        .ok_or_else(|| corrupt(format!("task UI status {status:?}")))?,
                    created_at: ts(row, "created_at")?,
                })
            }
        }

        /// Steps shared by several operations, each run on the caller's transaction.
        impl $store {
            async fn review_load_loop(
                conn: &mut $conn,
                loop_id: $crate::loops::LoopId,
            ) -> Result<Option<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE l.id = $1"
                ))
                .bind(loop_id.0)
                .fetch_optional(&mut *conn)
                .await?;
                row.as_ref().map(review_rows::human_loop).transpose()
            }

            /// Locks the loop a task belongs to and loads it, in one statement. Every
            /// transaction that changes a loop's tasks starts here or at [`review_lock_load_loop`].
            async fn review_lock_load_loop_of(
                conn: &mut $conn,
                task: $crate::loops::TaskId,
            ) -> Result<Option<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id \
                     WHERE l.id = (SELECT loop_id FROM tasks WHERE id = $1) {}",
                    $for_update_of_loop
                ))
                .bind(task.0)
                .fetch_optional(&mut *conn)
                .await?;
                row.as_ref().map(review_rows::human_loop).transpose()
            }

            async fn review_load_flow(
                conn: &mut $conn,
                flow: $crate::loops::FlowId,
            ) -> Result<$crate::loops::FlowDefinition, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.id = $1"
                ))
                .bind(flow.0)
                .fetch_one(&mut *conn)
                .await?;
                review_rows::flow(&row)
            }

            /// Locks a loop (`FOR UPDATE` on PostgreSQL) and loads it, in one statement.
            async fn review_lock_load_loop(
                conn: &mut $conn,
                loop_id: $crate::loops::LoopId,
            ) -> Result<Option<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE l.id = $1 {}",
                    $for_update_of_loop
                ))
                .bind(loop_id.0)
                .fetch_optional(&mut *conn)
                .await?;
                row.as_ref().map(review_rows::human_loop).transpose()
            }

            /// A loop's flow definition, and whether `worker` may work on it: it is on the
            /// public crowd, or the worker is in its team (directly or through a group).
            async fn review_load_flow_for(
                conn: &mut $conn,
                flow: $crate::loops::FlowId,
                worker: $crate::accounts::UserId,
            ) -> Result<($crate::loops::FlowDefinition, bool), $crate::store::StoreError> {
                use sqlx::Row as _;
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS}, CASE WHEN f.public_crowd = 1 OR f.workteam_name IN ({}) \
                       THEN 1 ELSE 0 END AS may_work \
                     FROM flow_definitions f WHERE f.id = $1",
                    $crate::store::review_sql::worker_teams_sql!("$2")
                ))
                .bind(flow.0)
                .bind(worker.0)
                .fetch_one(&mut *conn)
                .await?;
                let may_work: i32 = row.try_get("may_work")?;
                Ok((review_rows::flow(&row)?, may_work == 1))
            }

            /// The loop's state for the lifecycle's transitions: the loop (which the caller
            /// has locked) and its tasks. With `lock_tasks` (PostgreSQL), the tasks are locked
            /// too, so a claim (which locks only its task) cannot take one between this read
            /// and the step's write; a submit in a batch reads without, as no claim can change
            /// what a submit decides.
            async fn review_load_state(
                conn: &mut $conn,
                human_loop: $crate::loops::HumanLoop,
                lock_tasks: bool,
            ) -> Result<$crate::lifecycle::LoopState, $crate::store::StoreError> {
                let lock = if lock_tasks { $for_update } else { "" };
                let rows = sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks WHERE loop_id = $1 ORDER BY slot {lock}"
                ))
                .bind(human_loop.id.0)
                .fetch_all(&mut *conn)
                .await?;
                let tasks = rows.iter().map(review_rows::task).collect::<Result<_, _>>()?;
                Ok($crate::lifecycle::LoopState { human_loop, tasks })
            }

            /// Writes a transition's step for the loop in `state` (locked and loaded by the
            /// caller) on the caller's transaction: the changed tasks (each only over the
            /// status it was computed from), the decline, the cost line, the loop's status and,
            /// when it ends, its ending. `flow` is loaded here when the caller has not.
            async fn review_apply(
                conn: &mut $conn,
                state: &$crate::lifecycle::LoopState,
                flow: Option<&$crate::loops::FlowDefinition>,
                step: &$crate::lifecycle::Step,
                now: $crate::clock::Timestamp,
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
                        loaded = Self::review_load_flow(&mut *conn, human_loop.flow_id).await?;
                        &loaded
                    }
                    None => return Self::review_set_status(conn, human_loop, step, now).await,
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
                Self::review_set_status(&mut *conn, human_loop, step, now).await?;
                if let Some(ending) = &step.ending {
                    let answers = state.answers_with(&step.tasks);
                    Self::review_write_ending(conn, human_loop, flow, ending, &answers, now, finisher)
                        .await?;
                }
                Ok(())
            }

            /// The loop's new status of a step that changes it without ending it.
            async fn review_set_status(
                conn: &mut $conn,
                human_loop: &$crate::loops::HumanLoop,
                step: &$crate::lifecycle::Step,
                now: $crate::clock::Timestamp,
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
            async fn review_write_ending(
                conn: &mut $conn,
                human_loop: &$crate::loops::HumanLoop,
                flow: &$crate::loops::FlowDefinition,
                ending: &$crate::lifecycle::Ending,
                answers: &[$crate::loops::SubmittedAnswer],
                now: $crate::clock::Timestamp,
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

            /// Locks and loads the loop a task belongs to, with its tasks locked, and writes the
            /// step `transition` makes of it, if any. Returns the loop's id when it did.
            async fn review_transition_of_task(
                conn: &mut $conn,
                task: $crate::loops::TaskId,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
                transition: impl FnOnce(&$crate::lifecycle::LoopState) -> Option<$crate::lifecycle::Step>
                    + Send,
            ) -> Result<Option<$crate::loops::LoopId>, $crate::store::StoreError> {
                let Some(human_loop) = Self::review_lock_load_loop_of(&mut *conn, task).await? else {
                    return Ok(None);
                };
                let state = Self::review_load_state(&mut *conn, human_loop, true).await?;
                let Some(step) = transition(&state) else {
                    return Ok(None);
                };
                Self::review_apply(conn, &state, None, &step, now, finisher).await?;
                Ok(Some(state.human_loop.id))
            }

            /// [`review_transition_of_task`] for a loop by id.
            async fn review_transition_of_loop(
                conn: &mut $conn,
                loop_id: $crate::loops::LoopId,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
                transition: impl FnOnce(&$crate::lifecycle::LoopState) -> Option<$crate::lifecycle::Step>
                    + Send,
            ) -> Result<bool, $crate::store::StoreError> {
                let Some(human_loop) = Self::review_lock_load_loop(&mut *conn, loop_id).await? else {
                    return Ok(false);
                };
                let state = Self::review_load_state(&mut *conn, human_loop, true).await?;
                let Some(step) = transition(&state) else {
                    return Ok(false);
                };
                Self::review_apply(conn, &state, None, &step, now, finisher).await?;
                Ok(true)
            }

            /// Replaces a team's worker groups; every group must exist.
            async fn review_set_team_groups(
                conn: &mut $conn,
                team: i64,
                groups: &[String],
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("DELETE FROM work_team_groups WHERE team_id = $1")
                    .bind(team)
                    .execute(&mut *conn)
                    .await?;
                for group in groups {
                    let added = sqlx::query(
                        "INSERT INTO work_team_groups (team_id, group_id) \
                         SELECT $1, id FROM worker_groups WHERE name = $2 ON CONFLICT DO NOTHING",
                    )
                    .bind(team)
                    .bind(group)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                    if added == 0 {
                        let exists: Option<i64> =
                            sqlx::query_scalar("SELECT id FROM worker_groups WHERE name = $1")
                                .bind(group)
                                .fetch_optional(&mut *conn)
                                .await?;
                        if exists.is_none() {
                            return Err($crate::store::StoreError::NotFound(format!(
                                "no worker group named {group}"
                            )));
                        }
                    }
                }
                Ok(())
            }

            /// Lets go of each held task as `how` says for it, in a transaction of its own, so
            /// another replica running the same sweep only finds nothing left to do. Returns
            /// how many were let go.
            async fn review_let_go_each(
                &self,
                tasks: Vec<($crate::loops::TaskId, $crate::lifecycle::LetGo)>,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<u64, $crate::store::StoreError> {
                let mut done = 0;
                for (task, how) in tasks {
                    let mut tx = self.begin_write().await?;
                    let let_go = Self::review_transition_of_task(&mut *tx, task, now, finisher, |state| {
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

            /// Removes a `Deleting` flow definition and its loop records once none of its loops
            /// is open, in a transaction of its own. The loops are locked in one statement, in
            /// id order, before any row (or trigger-kept counter) changes, as every transaction
            /// that changes several loops does. Returns whether the flow went.
            async fn review_remove_flow_if_done(
                &self,
                flow: i64,
            ) -> Result<bool, $crate::store::StoreError> {
                // Cheap check first: a flow with work in progress keeps its loops unlocked.
                let open: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM human_loops \
                     WHERE flow_id = $1 AND status IN ('InProgress', 'Stopping')",
                )
                .bind(flow)
                .fetch_one(&self.pool)
                .await?;
                if open > 0 {
                    return Ok(false);
                }
                let mut tx = self.begin_write().await?;
                let statuses: Vec<String> = sqlx::query_scalar(concat!(
                    "SELECT status FROM human_loops WHERE flow_id = $1 ORDER BY id ",
                    $for_update
                ))
                .bind(flow)
                .fetch_all(&mut *tx)
                .await?;
                if statuses.iter().any(|s| s == "InProgress" || s == "Stopping") {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM human_loops WHERE flow_id = $1")
                    .bind(flow)
                    .execute(&mut *tx)
                    .await?;
                let removed = sqlx::query(
                    "DELETE FROM flow_definitions WHERE id = $1 AND status = 'Deleting'",
                )
                .bind(flow)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                Ok(removed > 0)
            }

            /// One claim, on the caller's write transaction: the first of `flows` with a task
            /// for the worker.
            async fn review_claim(
                conn: &mut $conn,
                worker: $crate::accounts::UserId,
                flows: &[$crate::loops::FlowId],
                now: $crate::clock::Timestamp,
            ) -> Result<Option<$crate::loops::ClaimedTask>, $crate::store::StoreError> {
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
                    $crate::store::review_sql::worker_teams_sql!("$1"),
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
                                task: $crate::loops::TaskId(row.try_get("id")?),
                                available_until: $crate::clock::Timestamp::from_millis(
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
                                    && err
                                        .as_database_error()
                                        .is_some_and(|db| db.is_unique_violation()) =>
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
                    return Ok(Some($crate::loops::ClaimedTask {
                        task_id,
                        loop_id: $crate::loops::LoopId(loop_id),
                        loop_name: $crate::names::HumanLoopName::parse(&loop_name)
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
            async fn review_submit(
                conn: &mut $conn,
                task: $crate::loops::TaskId,
                worker: $crate::accounts::UserId,
                answer: &serde_json::Value,
                time_spent_ms: Option<i64>,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::store::review::SubmitReceipt, $crate::store::StoreError> {
                use $crate::lifecycle::transitions::{Answer, SubmitOutcome, submit};
                use $crate::store::StoreError;
                let human_loop = Self::review_lock_load_loop_of(&mut *conn, task)
                    .await?
                    .ok_or(StoreError::Refused($crate::lifecycle::TaskRefusal::NotHeld))?;
                let (flow, may_work) =
                    Self::review_load_flow_for(&mut *conn, human_loop.flow_id, worker).await?;
                let state = Self::review_load_state(&mut *conn, human_loop, false).await?;
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
                        Self::review_apply(conn, &state, Some(&flow), &step, now, finisher).await?;
                        step.status_after(state.human_loop.status)
                    }
                };
                Ok($crate::store::review::SubmitReceipt { loop_status })
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::review::ReviewStore for $store {
            async fn create_task_ui(
                &self,
                spec: &$crate::task_uis::HumanTaskUiSpec,
                now: $crate::clock::Timestamp,
            ) -> Result<$crate::task_uis::HumanTaskUi, $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let tags = serde_json::to_string(&spec.tags)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let name = spec.human_task_ui_name.clone();
                let row = sqlx::query(&format!(
                    "INSERT INTO human_task_uis \
                     (name, template, content_sha256, status, tags, created_at) \
                     VALUES ($1, $2, $3, 'Active', $4, $5) RETURNING {UI_COLUMNS}"
                ))
                .bind(spec.human_task_ui_name.as_str())
                .bind(&spec.ui_template.content)
                .bind(spec.ui_template.content_sha256().as_str())
                .bind(tags)
                .bind(now.as_millis())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::conflict_or(|| {
                    format!("a human task UI named {name} already exists")
                }))?;
                review_rows::task_ui(&row)
            }

            async fn find_task_ui(
                &self,
                name: &$crate::names::HumanTaskUiName,
            ) -> Result<Option<$crate::task_uis::HumanTaskUi>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {UI_COLUMNS} FROM human_task_uis WHERE name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(review_rows::task_ui).transpose()
            }

            async fn list_task_uis(
                &self,
            ) -> Result<Vec<$crate::task_uis::HumanTaskUi>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {UI_COLUMNS} FROM human_task_uis WHERE status = 'Active' \
                     ORDER BY created_at DESC, id DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(review_rows::task_ui).collect()
            }

            async fn retired_task_uis(
                &self,
            ) -> Result<Vec<$crate::names::HumanTaskUiName>, $crate::store::StoreError> {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM human_task_uis WHERE status = 'Deleting' ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                names
                    .iter()
                    .map(|n| {
                        $crate::names::HumanTaskUiName::parse(n)
                            .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))
                    })
                    .collect()
            }

            async fn retire_task_ui(
                &self,
                name: &$crate::names::HumanTaskUiName,
            ) -> Result<(), $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                let changed = sqlx::query(
                    "UPDATE human_task_uis SET status = 'Deleting' WHERE name = $1",
                )
                .bind(name.as_str())
                .execute(&self.pool)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no human task UI named {name}"
                    )));
                }
                Ok(())
            }

            async fn delete_task_ui(
                &self,
                name: &$crate::names::HumanTaskUiName,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let deleted = sqlx::query("DELETE FROM human_task_uis WHERE name = $1")
                    .bind(name.as_str())
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                if deleted == 0 {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no human task UI named {name}"
                    )));
                }
                Ok(())
            }

            async fn find_team(
                &self,
                name: &$crate::teams::WorkteamName,
            ) -> Result<Option<$crate::teams::Team>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT t.id, t.name, t.description, t.created_at, \
                     (SELECT COUNT(*) FROM work_team_members m WHERE m.team_id = t.id) \
                       AS member_count \
                     FROM work_teams t WHERE LOWER(t.name) = LOWER($1)",
                )
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some($crate::teams::Team {
                    id: $crate::teams::TeamId(row.try_get("id")?),
                    name: $crate::teams::WorkteamName::parse(&row.try_get::<String, _>("name")?)
                        .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?,
                    description: row.try_get("description")?,
                    created_at: $crate::clock::Timestamp::from_millis(row.try_get("created_at")?),
                    member_count: row.try_get("member_count")?,
                }))
            }

            async fn team_names_of(
                &self,
                worker: $crate::accounts::UserId,
            ) -> Result<Vec<$crate::teams::WorkteamName>, $crate::store::StoreError> {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT t.name FROM work_teams t \
                     JOIN work_team_members m ON m.team_id = t.id WHERE m.user_id = $1 \
                     UNION \
                     SELECT t.name FROM work_teams t \
                     JOIN work_team_groups g ON g.team_id = t.id \
                     JOIN worker_group_members gm ON gm.group_id = g.group_id \
                     WHERE gm.user_id = $1 \
                     ORDER BY 1",
                )
                .bind(worker.0)
                .fetch_all(&self.pool)
                .await?;
                names
                    .iter()
                    .map(|n| {
                        $crate::teams::WorkteamName::parse(n)
                            .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))
                    })
                    .collect()
            }

            async fn put_worker_group(
                &self,
                name: &str,
                members: &[$crate::accounts::UserId],
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO worker_groups (name, created_at) VALUES ($1, $2) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                let group: i64 = sqlx::query_scalar("SELECT id FROM worker_groups WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM worker_group_members WHERE group_id = $1")
                    .bind(group)
                    .execute(&mut *tx)
                    .await?;
                for member in members {
                    sqlx::query(
                        "INSERT INTO worker_group_members (group_id, user_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(group)
                    .bind(member.0)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_team(
                &self,
                team: &$crate::teams::NewTeam,
            ) -> Result<$crate::teams::Team, $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let taken: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1)")
                        .bind(team.name.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict(format!(
                        "a work team named {} already exists",
                        team.name
                    )));
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO work_teams (name, description, created_at, notification_topic_arn, \
                       updated_at, member_definitions, worker_access, tags) \
                     VALUES ($1, $2, $3, $4, $3, $5, $6, $7) RETURNING id",
                )
                .bind(team.name.as_str())
                .bind(&team.description)
                .bind(team.created_at.as_millis())
                .bind(team.notification_topic_arn.as_deref())
                .bind(team.member_definitions.as_deref())
                .bind(team.worker_access.as_deref())
                .bind(team.tags.as_deref())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::store::conflict_or(|| {
                    format!("a work team named {} already exists", team.name)
                }))?;
                Self::review_set_team_groups(&mut *tx, id, &team.groups).await?;
                tx.commit().await?;
                self.find_team(&team.name)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("no work team named {}", team.name)))
            }

            async fn update_team(
                &self,
                name: &$crate::teams::WorkteamName,
                update: &$crate::teams::TeamUpdate,
                now: $crate::clock::Timestamp,
            ) -> Result<$crate::teams::Team, $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1)")
                        .bind(name.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let id = id.ok_or_else(|| StoreError::NotFound(format!("no work team named {name}")))?;
                if let Some(description) = &update.description {
                    sqlx::query("UPDATE work_teams SET description = $2 WHERE id = $1")
                        .bind(id)
                        .bind(description)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(topic) = &update.notification_topic_arn {
                    sqlx::query("UPDATE work_teams SET notification_topic_arn = $2 WHERE id = $1")
                        .bind(id)
                        .bind(topic.as_deref())
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(groups) = &update.groups {
                    Self::review_set_team_groups(&mut *tx, id, groups).await?;
                }
                if let Some(definitions) = &update.member_definitions {
                    sqlx::query("UPDATE work_teams SET member_definitions = $2 WHERE id = $1")
                        .bind(id)
                        .bind(definitions)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(access) = &update.worker_access {
                    sqlx::query("UPDATE work_teams SET worker_access = $2 WHERE id = $1")
                        .bind(id)
                        .bind(access)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE work_teams SET updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.find_team(name)
                    .await?
                    .ok_or_else(|| StoreError::NotFound(format!("no work team named {name}")))
            }

            async fn delete_team(
                &self,
                name: &$crate::teams::WorkteamName,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let in_use: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM flow_definitions WHERE workteam_name = LOWER($1) \
                     AND status <> 'Deleting' ORDER BY name",
                )
                .bind(name.as_str())
                .fetch_all(&mut *tx)
                .await?;
                if !in_use.is_empty() {
                    return Err(StoreError::Conflict(format!(
                        "work team {name} is used by flow definition(s) {}",
                        in_use.join(", ")
                    )));
                }
                let deleted = sqlx::query("DELETE FROM work_teams WHERE LOWER(name) = LOWER($1)")
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                if deleted == 0 {
                    return Err(StoreError::NotFound(format!("no work team named {name}")));
                }
                Ok(())
            }

            async fn team_details(
                &self,
                name: &$crate::teams::WorkteamName,
            ) -> Result<Option<$crate::teams::TeamDetails>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let Some(team) = self.find_team(name).await? else {
                    return Ok(None);
                };
                let row = sqlx::query(
                    "SELECT notification_topic_arn, updated_at, member_definitions, \
                       worker_access, tags FROM work_teams WHERE id = $1",
                )
                .bind(team.id.0)
                .fetch_one(&self.pool)
                .await?;
                let members: Vec<i64> = sqlx::query_scalar(
                    "SELECT user_id FROM work_team_members WHERE team_id = $1 ORDER BY user_id",
                )
                .bind(team.id.0)
                .fetch_all(&self.pool)
                .await?;
                let groups: Vec<String> = sqlx::query_scalar(
                    "SELECT g.name FROM worker_groups g JOIN work_team_groups tg \
                     ON tg.group_id = g.id WHERE tg.team_id = $1 ORDER BY g.name",
                )
                .bind(team.id.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(Some($crate::teams::TeamDetails {
                    notification_topic_arn: row.try_get("notification_topic_arn")?,
                    updated_at: row
                        .try_get::<Option<i64>, _>("updated_at")?
                        .map($crate::clock::Timestamp::from_millis),
                    members: members.into_iter().map($crate::accounts::UserId).collect(),
                    groups,
                    member_definitions: row.try_get("member_definitions")?,
                    worker_access: row.try_get("worker_access")?,
                    tags: row.try_get("tags")?,
                    team,
                }))
            }

            async fn add_team_member(
                &self,
                team: &$crate::teams::WorkteamName,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                let added = sqlx::query(
                    "INSERT INTO work_team_members (team_id, user_id, added_at) \
                     SELECT id, $2, $3 FROM work_teams WHERE LOWER(name) = LOWER($1) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(team.as_str())
                .bind(worker.0)
                .bind(now.as_millis())
                .execute(&self.pool)
                .await?
                .rows_affected();
                drop(_writer);
                if added == 0 && self.find_team(team).await?.is_none() {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no work team named {team}"
                    )));
                }
                Ok(())
            }

            async fn remove_team_member(
                &self,
                team: &$crate::teams::WorkteamName,
                worker: $crate::accounts::UserId,
            ) -> Result<(), $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                sqlx::query(
                    "DELETE FROM work_team_members WHERE user_id = $2 AND team_id IN \
                     (SELECT id FROM work_teams WHERE LOWER(name) = LOWER($1))",
                )
                .bind(team.as_str())
                .bind(worker.0)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn ensure_worker_groups(
                &self,
                names: &[String],
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                for name in names {
                    sqlx::query(
                        "INSERT INTO worker_groups (name, created_at) VALUES ($1, $2) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(name)
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_team_group(
                &self,
                team: &$crate::teams::WorkteamName,
                group: &str,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let added = sqlx::query(
                    "INSERT INTO work_team_groups (team_id, group_id) \
                     SELECT t.id, g.id FROM work_teams t, worker_groups g \
                     WHERE t.name = $1 AND g.name = $2 ON CONFLICT DO NOTHING",
                )
                .bind(team.as_str())
                .bind(group)
                .execute(&self.pool)
                .await?
                .rows_affected();
                sqlx::query("UPDATE work_teams SET updated_at = $2 WHERE name = $1")
                    .bind(team.as_str())
                    .bind(now.as_millis())
                    .execute(&self.pool)
                    .await?;
                if added == 0 && self.find_team(team).await?.is_none() {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no work team named {team}"
                    )));
                }
                Ok(())
            }

            async fn remove_team_group(
                &self,
                team: &$crate::teams::WorkteamName,
                group: &str,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "DELETE FROM work_team_groups WHERE \
                     team_id = (SELECT id FROM work_teams WHERE name = $1) AND \
                     group_id = (SELECT id FROM worker_groups WHERE name = $2)",
                )
                .bind(team.as_str())
                .bind(group)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE work_teams SET updated_at = $2 WHERE name = $1")
                    .bind(team.as_str())
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn worker_group_members(
                &self,
                group: &str,
            ) -> Result<Vec<$crate::accounts::UserId>, $crate::store::StoreError> {
                let ids: Vec<i64> = sqlx::query_scalar(
                    "SELECT m.user_id FROM worker_group_members m \
                     JOIN worker_groups g ON g.id = m.group_id WHERE g.name = $1 ORDER BY m.user_id",
                )
                .bind(group)
                .fetch_all(&self.pool)
                .await?;
                Ok(ids.into_iter().map($crate::accounts::UserId).collect())
            }

            async fn create_flow(
                &self,
                flow: &$crate::store::review::NewFlowDefinition,
            ) -> Result<$crate::loops::FlowDefinition, $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let spec = serde_json::to_string(&flow.spec)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let config = &flow.spec.human_loop_config;
                let team = match config.workteam_arn.team() {
                    $crate::arns::WorkteamRef::Private(name) => {
                        Some(name.as_str().to_ascii_lowercase())
                    }
                    _ => None,
                };
                let name = flow.spec.flow_definition_name.clone();
                let row = sqlx::query(&format!(
                    "INSERT INTO flow_definitions (name, status, failure_reason, spec, \
                       workteam_name, public_crowd, custom_conditions, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {FLOW_RETURNING}"
                ))
                .bind(name.as_str())
                .bind(flow.status.as_str())
                .bind(flow.failure_reason.as_deref())
                .bind(spec)
                .bind(team)
                .bind(i64::from(config.is_public_crowd()))
                .bind(flow.custom_conditions.as_deref())
                .bind(flow.created_at.as_millis())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::conflict_or(|| {
                    format!("a flow definition named {name} already exists")
                }))?;
                review_rows::flow(&row)
            }

            async fn find_flow(
                &self,
                name: &$crate::names::FlowDefinitionName,
            ) -> Result<Option<$crate::loops::FlowDefinition>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(review_rows::flow).transpose()
            }

            async fn find_flow_by_id(
                &self,
                id: $crate::loops::FlowId,
            ) -> Result<Option<$crate::loops::FlowDefinition>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(review_rows::flow).transpose()
            }

            async fn list_flows(
                &self,
            ) -> Result<Vec<$crate::loops::FlowDefinition>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f \
                     ORDER BY f.created_at DESC, f.id DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(review_rows::flow).collect()
            }

            async fn flows_for_worker(
                &self,
                worker: $crate::accounts::UserId,
            ) -> Result<Vec<$crate::loops::FlowDefinition>, $crate::store::StoreError> {
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
                rows.iter().map(review_rows::flow).collect()
            }

            async fn available_task_count(
                &self,
                flow: $crate::loops::FlowId,
                now: $crate::clock::Timestamp,
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
                flow: $crate::loops::FlowId,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
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

            async fn delete_flow(
                &self,
                name: &$crate::names::FlowDefinitionName,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::store::review::FlowDeletion, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let flow: Option<i64> = sqlx::query_scalar(concat!(
                    "SELECT id FROM flow_definitions WHERE name = $1 ",
                    $for_update
                ))
                .bind(name.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(flow) = flow else {
                    return Err($crate::store::StoreError::NotFound(format!(
                        "no flow definition named {name}"
                    )));
                };
                sqlx::query(
                    "UPDATE flow_definitions SET status = 'Deleting', updated_at = $2 WHERE id = $1",
                )
                .bind(flow)
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                // Loops no worker has touched are stopped and deleted at once (spec 3.2.4). The
                // open ones are locked in this one statement, in id order, before any changes.
                let open: Vec<i64> = sqlx::query_scalar(concat!(
                    "SELECT l.id FROM human_loops l WHERE l.flow_id = $1 \
                     AND l.status IN ('InProgress', 'Stopping') ORDER BY l.id ",
                    $for_update
                ))
                .bind(flow)
                .fetch_all(&mut *tx)
                .await?;
                let mut stopped_loops = 0;
                for id in open {
                    let loop_id = $crate::loops::LoopId(id);
                    if Self::review_transition_of_loop(&mut *tx, loop_id, now, finisher, |state| {
                        $crate::lifecycle::transitions::abandon(state)
                    })
                    .await?
                    {
                        sqlx::query("DELETE FROM human_loops WHERE id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        stopped_loops += 1;
                    }
                }
                tx.commit().await?;
                Ok($crate::store::review::FlowDeletion {
                    stopped_loops,
                    removed: self.review_remove_flow_if_done(flow).await?,
                })
            }

            async fn purge_deleted_flows(&self) -> Result<u64, $crate::store::StoreError> {
                let flows: Vec<i64> = sqlx::query_scalar(
                    "SELECT f.id FROM flow_definitions f WHERE f.status = 'Deleting' \
                     AND NOT EXISTS (SELECT 1 FROM human_loops l WHERE l.flow_id = f.id \
                       AND l.status IN ('InProgress', 'Stopping'))",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut purged = 0;
                for flow in flows {
                    if self.review_remove_flow_if_done(flow).await? {
                        purged += 1;
                    }
                }
                Ok(purged)
            }

            async fn start_loops(
                &self,
                loops: &[$crate::loops::NewHumanLoop],
            ) -> Result<
                Vec<Result<$crate::loops::StartOutcome, $crate::store::StoreError>>,
                $crate::store::StoreError,
            > {
                use std::collections::HashMap;
                use std::fmt::Write as _;
                use sqlx::Row as _;
                use $crate::loops::{LoopId, StartOutcome};
                use $crate::store::StoreError;
                if loops.is_empty() {
                    return Ok(Vec::new());
                }
                // Inserting in name order makes concurrent batches take unique-index locks in
                // the same order, so they cannot deadlock on PostgreSQL.
                let mut order: Vec<usize> = (0..loops.len()).collect();
                order.sort_by(|&a, &b| loops[a].name.cmp(&loops[b].name));
                let mut sql = String::from(
                    "INSERT INTO human_loops (name, flow_id, status, input_content, input_sha256, \
                     content_classifiers, activation, task_count, time_limit_ms, created_at, \
                     expires_at, updated_at) VALUES ",
                );
                for (n, _) in order.iter().enumerate() {
                    let b = n * 10;
                    if n > 0 {
                        sql.push_str(", ");
                    }
                    let _ = write!(
                        sql,
                        "(${}, ${}, 'InProgress', ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 9
                    );
                }
                sql.push_str(" ON CONFLICT (name) DO NOTHING RETURNING id, name");
                let classifiers: Vec<String> = loops
                    .iter()
                    .map(|l| {
                        let names: Vec<&str> =
                            l.content_classifiers.iter().map(|c| c.as_str()).collect();
                        serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
                    })
                    .collect();
                let activations: Vec<Option<String>> = loops
                    .iter()
                    .map(|l| l.activation.as_ref().map(|a| a.to_string()))
                    .collect();
                let mut query = sqlx::query(&sql);
                for &i in &order {
                    let l = &loops[i];
                    query = query
                        .bind(l.name.as_str())
                        .bind(l.flow_id.0)
                        .bind(l.input_content.as_str())
                        .bind(l.input_digest.as_str())
                        .bind(classifiers[i].as_str())
                        .bind(activations[i].as_deref())
                        .bind(i64::from(l.task_count))
                        .bind(l.time_limit_ms)
                        .bind(l.created_at.as_millis())
                        .bind(l.expires_at.as_millis());
                }
                let mut tx = self.begin_write().await?;
                let inserted = query.fetch_all(&mut *tx).await?;
                let mut new_ids: HashMap<String, i64> = HashMap::with_capacity(inserted.len());
                for row in &inserted {
                    new_ids.insert(row.try_get("name")?, row.try_get("id")?);
                }
                if !new_ids.is_empty() {
                    let mut ids = String::new();
                    for (n, id) in new_ids.values().enumerate() {
                        if n > 0 {
                            ids.push(',');
                        }
                        let _ = write!(ids, "{id}");
                    }
                    sqlx::query(&format!(
                        "INSERT INTO tasks (loop_id, flow_id, slot, status, available_until, \
                           time_limit_ms) \
                         SELECT l.id, l.flow_id, s.slot, 'Available', l.expires_at, \
                           l.time_limit_ms \
                         FROM human_loops l JOIN task_slots s ON s.slot <= l.task_count \
                         WHERE l.id IN ({ids}) ORDER BY l.id, s.slot"
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
                // Names that were taken already (or twice in this batch): a retry if the input
                // is the same, a conflict if not.
                let mut existing: HashMap<String, (i64, String)> = HashMap::new();
                let taken: Vec<&str> = loops
                    .iter()
                    .map(|l| l.name.as_str())
                    .filter(|n| !new_ids.contains_key(*n))
                    .collect();
                if !taken.is_empty() {
                    let mut sql = String::from(
                        "SELECT id, name, input_sha256 FROM human_loops WHERE name IN (",
                    );
                    for n in 0..taken.len() {
                        if n > 0 {
                            sql.push_str(", ");
                        }
                        let _ = write!(sql, "${}", n + 1);
                    }
                    sql.push(')');
                    let mut query = sqlx::query(&sql);
                    for name in &taken {
                        query = query.bind(*name);
                    }
                    for row in query.fetch_all(&mut *tx).await? {
                        existing.insert(
                            row.try_get("name")?,
                            (row.try_get("id")?, row.try_get("input_sha256")?),
                        );
                    }
                }
                tx.commit().await?;
                // The stored input digest per name: for a name this batch inserted, that of its
                // first occurrence (the sort is stable, so the first occurrence went in).
                let mut stored: HashMap<&str, (i64, &str)> = HashMap::new();
                for l in loops {
                    let name = l.name.as_str();
                    if let Some(id) = new_ids.get(name) {
                        stored.entry(name).or_insert((*id, l.input_digest.as_str()));
                    } else if let Some((id, digest)) = existing.get(name) {
                        stored.insert(name, (*id, digest.as_str()));
                    }
                }
                let mut started: HashMap<&str, ()> = HashMap::new();
                let outcomes = loops
                    .iter()
                    .map(|l| {
                        let name = l.name.as_str();
                        let Some(&(id, digest)) = stored.get(name) else {
                            return Err(StoreError::Conflict(format!(
                                "human loop {name} was deleted while it was started"
                            )));
                        };
                        if new_ids.contains_key(name) && started.insert(name, ()).is_none() {
                            Ok(StartOutcome::Started(LoopId(id)))
                        } else if digest == l.input_digest.as_str() {
                            Ok(StartOutcome::AlreadyStarted(LoopId(id)))
                        } else {
                            Err(StoreError::Conflict(format!(
                                "a human loop named {name} already exists with different \
                                 InputContent"
                            )))
                        }
                    })
                    .collect();
                Ok(outcomes)
            }

            async fn find_loop(
                &self,
                name: &$crate::names::HumanLoopName,
            ) -> Result<Option<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE l.name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(review_rows::human_loop).transpose()
            }

            async fn find_loop_by_id(
                &self,
                id: $crate::loops::LoopId,
            ) -> Result<Option<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Self::review_load_loop(&mut conn, id).await
            }

            async fn list_loops(
                &self,
                q: &$crate::store::review::LoopQuery,
            ) -> Result<Vec<$crate::loops::HumanLoop>, $crate::store::StoreError> {
                use std::fmt::Write as _;
                let mut sql = format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE 1 = 1"
                );
                let mut binds: Vec<Bind> = Vec::new();
                enum Bind {
                    Int(i64),
                    Text(&'static str),
                    Owned(String),
                }
                let mut next = |sql: &mut String, clause: &str, value: Bind| {
                    binds.push(value);
                    let _ = write!(sql, " AND {}", clause.replace('?', &format!("${}", binds.len())));
                };
                if let Some(flow) = q.flow {
                    next(&mut sql, "l.flow_id = ?", Bind::Int(flow.0));
                }
                if let Some(status) = q.status {
                    next(&mut sql, "l.status = ?", Bind::Text(status.as_str()));
                }
                if let Some(after) = q.created_after {
                    next(&mut sql, "l.created_at >= ?", Bind::Int(after.as_millis()));
                }
                if let Some(before) = q.created_before {
                    next(&mut sql, "l.created_at < ?", Bind::Int(before.as_millis()));
                }
                if let Some(prefix) = &q.name_prefix {
                    // Only [a-z0-9-] reach here, so the pattern has no wildcards of its own
                    // and no quote: it is written into the statement as a literal, which
                    // SQLite's GLOB and PostgreSQL's LIKE on `text_pattern_ops` read as an
                    // index range (SQLite's LIKE ignores case and cannot).
                    let prefix: String = prefix
                        .chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    let pattern =
                        format!("l.name {} '{prefix}{}'", $prefix_match, $prefix_wildcard);
                    // Left to itself, a planner with stale statistics walks the time index
                    // and filters by name, which reads the whole table when the few matches
                    // are old. So the matches are counted first, up to a bound, through the
                    // name index: when there are few, the page is sorted from them alone;
                    // when there are many, walking by time meets them soon.
                    let ids: Vec<i64> = sqlx::query_scalar(&format!(
                        "SELECT l.id FROM human_loops l WHERE {pattern} LIMIT {}",
                        $crate::store::review::NAME_FIRST_MATCHES + 1
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    if ids.len() <= $crate::store::review::NAME_FIRST_MATCHES {
                        let ids = serde_json::to_string(&ids).map_err(|e| {
                            $crate::store::StoreError::Corrupt(e.to_string())
                        })?;
                        next(&mut sql, $id_in_json, Bind::Owned(ids));
                    } else {
                        let _ = write!(sql, " AND {pattern}");
                    }
                }
                let (cmp, dir) = if q.ascending { (">", "ASC") } else { ("<", "DESC") };
                if let Some((at, id)) = q.after {
                    binds.push(Bind::Int(at.as_millis()));
                    let a = binds.len();
                    binds.push(Bind::Int(id.0));
                    let b = binds.len();
                    let _ = write!(
                        sql,
                        " AND (l.created_at {cmp} ${a} OR (l.created_at = ${a} AND l.id {cmp} ${b}))"
                    );
                }
                let _ = write!(
                    sql,
                    " ORDER BY l.created_at {dir}, l.id {dir} LIMIT {}",
                    q.limit.max(1)
                );
                let mut query = sqlx::query(&sql);
                for bind in binds {
                    query = match bind {
                        Bind::Int(v) => query.bind(v),
                        Bind::Text(v) => query.bind(v),
                        Bind::Owned(v) => query.bind(v),
                    };
                }
                let rows = query.fetch_all(&self.pool).await?;
                rows.iter().map(review_rows::human_loop).collect()
            }

            async fn find_task(
                &self,
                id: $crate::loops::TaskId,
            ) -> Result<Option<$crate::loops::Task>, $crate::store::StoreError> {
                let row = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(review_rows::task).transpose()
            }

            async fn record_frame_departure(
                &self,
                task: $crate::loops::TaskId,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                // Only the holder's page may report: anyone else could fill the admin's page.
                let recorded = sqlx::query(
                    "INSERT INTO frame_departures (task_id, worker_id, times, first_at, last_at) \
                     SELECT id, worker_id, 1, $3, $3 FROM tasks \
                     WHERE id = $1 AND worker_id = $2 AND status = 'Accepted' \
                     ON CONFLICT (task_id, worker_id) DO UPDATE \
                     SET times = frame_departures.times + 1, last_at = excluded.last_at",
                )
                .bind(task.0)
                .bind(worker.0)
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                tx.commit().await?;
                if recorded == 0 {
                    return Err($crate::store::StoreError::Refused(
                        $crate::store::review::TaskRefusal::NotHeld,
                    ));
                }
                Ok(())
            }

            async fn frame_departures_of(
                &self,
                loop_id: $crate::loops::LoopId,
            ) -> Result<Vec<$crate::loops::FrameDeparture>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT d.task_id, t.slot, d.worker_id, d.times, d.first_at, d.last_at \
                     FROM frame_departures d JOIN tasks t ON t.id = d.task_id \
                     WHERE t.loop_id = $1 ORDER BY t.slot, d.first_at",
                )
                .bind(loop_id.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::loops::FrameDeparture {
                            task: $crate::loops::TaskId(row.try_get("task_id")?),
                            slot: u8::try_from(row.try_get::<i64, _>("slot")?)
                                .map_err(review_rows::corrupt)?,
                            worker: $crate::accounts::UserId(row.try_get("worker_id")?),
                            times: row.try_get("times")?,
                            first_at: review_rows::ts(row, "first_at")?,
                            last_at: review_rows::ts(row, "last_at")?,
                        })
                    })
                    .collect()
            }

            async fn held_tasks(
                &self,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
            ) -> Result<
                Vec<($crate::loops::Task, $crate::loops::FlowId)>,
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
                        let flow = $crate::loops::FlowId(row.try_get("flow_id")?);
                        Ok((review_rows::task(row)?, flow))
                    })
                    .collect()
            }

            async fn tasks_of(
                &self,
                loop_id: $crate::loops::LoopId,
            ) -> Result<Vec<$crate::loops::Task>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks WHERE loop_id = $1 ORDER BY slot"
                ))
                .bind(loop_id.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(review_rows::task).collect()
            }

            async fn stop_loop(
                &self,
                name: &$crate::names::HumanLoopName,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::loops::HumanLoop, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let not_found = || {
                    $crate::store::StoreError::NotFound(format!("no human loop named {name}"))
                };
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM human_loops WHERE name = $1")
                    .bind(name.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let loop_id = $crate::loops::LoopId(id.ok_or_else(not_found)?);
                Self::review_transition_of_loop(&mut *tx, loop_id, now, finisher, |state| {
                    $crate::lifecycle::transitions::stop(state)
                })
                .await?;
                let stopped = Self::review_load_loop(&mut *tx, loop_id)
                    .await?
                    .ok_or_else(not_found)?;
                tx.commit().await?;
                Ok(stopped)
            }

            async fn delete_loop(
                &self,
                name: &$crate::names::HumanLoopName,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let not_found = || StoreError::NotFound(format!("no human loop named {name}"));
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM human_loops WHERE name = $1")
                    .bind(name.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let loop_id = $crate::loops::LoopId(id.ok_or_else(not_found)?);
                let human_loop = Self::review_lock_load_loop(&mut *tx, loop_id)
                    .await?
                    .ok_or_else(not_found)?;
                $crate::lifecycle::transitions::deletable(&human_loop).map_err(StoreError::Conflict)?;
                sqlx::query("DELETE FROM human_loops WHERE id = $1")
                    .bind(loop_id.0)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn task_work(
                &self,
                work: &[$crate::store::review::TaskWork],
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<
                Vec<Result<$crate::store::review::TaskDone, $crate::store::StoreError>>,
                $crate::store::StoreError,
            > {
                use $crate::store::review::{TaskDone, TaskWork};
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
                            Self::review_claim(&mut *tx, *worker, flows, *now)
                                .await
                                .map(TaskDone::Claimed)
                        }
                        TaskWork::Submit { task, worker, answer, time_spent_ms, now } => {
                            Self::review_submit(
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
                task: $crate::loops::TaskId,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::lifecycle::{LetGo, transitions::let_go};
                let mut tx = self.begin_write().await?;
                let released = Self::review_transition_of_task(&mut *tx, task, now, finisher, |state| {
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
                task: $crate::loops::TaskId,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let refused = || StoreError::Refused($crate::lifecycle::TaskRefusal::NotHeld);
                let mut tx = self.begin_write().await?;
                let human_loop = Self::review_lock_load_loop_of(&mut *tx, task)
                    .await?
                    .ok_or_else(refused)?;
                let declined: Vec<i64> =
                    sqlx::query_scalar("SELECT worker_id FROM task_declines WHERE loop_id = $1")
                        .bind(human_loop.id.0)
                        .fetch_all(&mut *tx)
                        .await?;
                let declined: Vec<_> = declined.into_iter().map($crate::accounts::UserId).collect();
                let state = Self::review_load_state(&mut *tx, human_loop, true).await?;
                let step = $crate::lifecycle::transitions::decline(&state, task, worker, &declined, now)
                    .ok_or_else(refused)?;
                Self::review_apply(&mut *tx, &state, None, &step, now, finisher).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn release_worker_tasks(
                &self,
                worker: $crate::accounts::UserId,
                now: $crate::clock::Timestamp,
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
                    .map(|id| ($crate::loops::TaskId(id), $crate::lifecycle::LetGo::Release(worker)))
                    .collect();
                self.review_let_go_each(held, now, finisher).await
            }

            async fn return_overdue_tasks(
                &self,
                now: $crate::clock::Timestamp,
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
                    .map(|id| ($crate::loops::TaskId(id), $crate::lifecycle::LetGo::TimeOut))
                    .collect();
                self.review_let_go_each(overdue, now, finisher).await
            }

            async fn return_orphaned_tasks(
                &self,
                now: $crate::clock::Timestamp,
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
                    $crate::store::review_sql::worker_teams_sql!("t.worker_id"),
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
                            $crate::loops::TaskId(row.try_get("id")?),
                            $crate::lifecycle::LetGo::Release($crate::accounts::UserId(
                                row.try_get("worker_id")?,
                            )),
                        ))
                    })
                    .collect::<Result<Vec<_>, $crate::store::StoreError>>()?;
                self.review_let_go_each(orphaned, now, finisher).await
            }

            async fn expire_loops(
                &self,
                now: $crate::clock::Timestamp,
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
                    let loop_id = $crate::loops::LoopId(id);
                    if Self::review_transition_of_loop(&mut *tx, loop_id, now, finisher, |state| {
                        $crate::lifecycle::transitions::expire(state, now)
                    })
                    .await?
                    {
                        ended += 1;
                    }
                    tx.commit().await?;
                }
                Ok(ended)
            }

            async fn heartbeat(
                &self,
                instance: &$crate::instances::InstanceId,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                sqlx::query(
                    "INSERT INTO instances (id, started_at, heartbeat_at) VALUES ($1, $2, $2) \
                     ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
                )
                .bind(instance.as_str())
                .bind(now.as_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn start_instance(
                &self,
                instance: &$crate::instances::InstanceId,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let forget_before = now.as_millis().saturating_sub(
                    i64::try_from($crate::instances::FORGET_AFTER.as_millis()).unwrap_or(i64::MAX),
                );
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM instances WHERE heartbeat_at < $1")
                    .bind(forget_before)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO instances (id, started_at, heartbeat_at) VALUES ($1, $2, $2) \
                     ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, \
                       heartbeat_at = excluded.heartbeat_at",
                )
                .bind(instance.as_str())
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                // Whatever an earlier run of this instance leased died with it.
                sqlx::query(
                    "UPDATE output_outbox SET leased_by = NULL, next_attempt_at = $2 \
                     WHERE leased_by = $1 AND done_at IS NULL",
                )
                .bind(instance.as_str())
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE webhook_deliveries SET leased_by = NULL, next_attempt_at = $2 \
                     WHERE leased_by = $1 AND delivered_at IS NULL AND gave_up_at IS NULL",
                )
                .bind(instance.as_str())
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn lease_outputs(
                &self,
                now: $crate::clock::Timestamp,
                lease_until: $crate::clock::Timestamp,
                limit: u32,
                holder: Option<&$crate::instances::InstanceId>,
            ) -> Result<Vec<$crate::store::review::PendingOutput>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let mut tx = self.begin_write().await?;
                // Leases of instances that stopped beating end now: their files are due at once
                // instead of when the lease runs out. (Rows another runner is releasing are
                // skipped, not waited for.)
                sqlx::query(concat!(
                    "UPDATE output_outbox SET leased_by = NULL, next_attempt_at = $1 \
                     WHERE id IN (SELECT o.id FROM output_outbox o \
                       WHERE o.leased_by IS NOT NULL AND o.done_at IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM instances i \
                           WHERE i.id = o.leased_by AND i.heartbeat_at >= $2) ",
                    $skip_locked,
                    ")"
                ))
                .bind(now.as_millis())
                .bind($crate::instances::alive_after(now).as_millis())
                .execute(&mut *tx)
                .await?;
                let rows = sqlx::query(concat!(
                    "SELECT id, loop_name, uri, body, attempts FROM output_outbox \
                     WHERE done_at IS NULL AND next_attempt_at <= $1 \
                     ORDER BY next_attempt_at, id LIMIT $2 ",
                    $skip_locked
                ))
                .bind(now.as_millis())
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
                let mut leased = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id: i64 = row.try_get("id")?;
                    sqlx::query(
                        "UPDATE output_outbox SET next_attempt_at = $2, attempts = attempts + 1, \
                         leased_by = $3 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(lease_until.as_millis())
                    .bind(holder.map(|h| h.as_str()))
                    .execute(&mut *tx)
                    .await?;
                    leased.push($crate::store::review::PendingOutput {
                        id,
                        loop_name: row.try_get("loop_name")?,
                        uri: row.try_get("uri")?,
                        body: row.try_get("body")?,
                        attempts: row.try_get::<i64, _>("attempts")? + 1,
                    });
                }
                tx.commit().await?;
                Ok(leased)
            }

            async fn output_written(
                &self,
                id: i64,
                now: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                sqlx::query(
                    "UPDATE output_outbox SET done_at = $2, last_error = NULL, leased_by = NULL \
                     WHERE id = $1",
                )
                .bind(id)
                .bind(now.as_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn output_failed(
                &self,
                id: i64,
                error: &str,
                retry_at: $crate::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                sqlx::query(
                    "UPDATE output_outbox SET last_error = $2, next_attempt_at = $3, \
                     leased_by = NULL WHERE id = $1 AND done_at IS NULL",
                )
                .bind(id)
                .bind(error)
                .bind(retry_at.as_millis())
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn pending_output_count(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM output_outbox WHERE done_at IS NULL")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn last_event_seq(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM loop_events")
                    .fetch_one(&self.pool)
                    .await?
                    .unwrap_or(0))
            }

            async fn events_after(
                &self,
                seq: i64,
                limit: u32,
            ) -> Result<Vec<$crate::store::review::StoredEvent>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT seq, event_id, loop_name, status, payload, output_id, created_at \
                     FROM loop_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                )
                .bind(seq)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::store::review::StoredEvent {
                            seq: row.try_get("seq")?,
                            event_id: row.try_get("event_id")?,
                            loop_name: row.try_get("loop_name")?,
                            status: row.try_get("status")?,
                            payload: row.try_get("payload")?,
                            output_id: row.try_get("output_id")?,
                            created_at: $crate::clock::Timestamp::from_millis(
                                row.try_get("created_at")?,
                            ),
                        })
                    })
                    .collect()
            }

            async fn record_api_calls(
                &self,
                calls: &[$crate::audit::ApiCall],
            ) -> Result<(), $crate::store::StoreError> {
                if calls.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                for call in calls {
                    sqlx::query(
                        "INSERT INTO api_calls \
                         (at, access_key_id, operation, status, error_type, duration_us) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(call.at.as_millis())
                    .bind(call.access_key_id.as_deref())
                    .bind(&call.operation)
                    .bind(i64::from(call.status))
                    .bind(call.error_type.as_deref())
                    .bind(call.duration_us)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn api_calls(
                &self,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<$crate::audit::ApiCall>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT id, at, access_key_id, operation, status, error_type, duration_us \
                     FROM api_calls WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
                )
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::audit::ApiCall {
                            id: row.try_get("id")?,
                            at: $crate::clock::Timestamp::from_millis(row.try_get("at")?),
                            access_key_id: row.try_get("access_key_id")?,
                            operation: row.try_get("operation")?,
                            status: u16::try_from(row.try_get::<i64, _>("status")?)
                                .unwrap_or(0),
                            error_type: row.try_get("error_type")?,
                            duration_us: row.try_get("duration_us")?,
                        })
                    })
                    .collect()
            }

            async fn spend_summary(
                &self,
                from: $crate::clock::Timestamp,
                to: $crate::clock::Timestamp,
            ) -> Result<$crate::spend::SpendSummary, $crate::store::StoreError> {
                use $crate::spend::SpendRow;
                // Three GROUP BYs over the time index; the CAST keeps SUM an integer on both
                // backends (PostgreSQL's SUM of BIGINT is NUMERIC).
                let group = |key: &str| {
                    format!(
                        "SELECT {key} AS k, CAST(SUM(amount_millis) AS BIGINT), COUNT(*) \
                         FROM cost_lines WHERE recorded_at >= $1 AND recorded_at < $2 \
                         GROUP BY {key} ORDER BY {key}"
                    )
                };
                let by_flow: Vec<(String, i64, i64)> = sqlx::query_as(&group("flow_name"))
                    .bind(from.as_millis())
                    .bind(to.as_millis())
                    .fetch_all(&self.pool)
                    .await?;
                let by_worker: Vec<(i64, i64, i64)> = sqlx::query_as(&group("worker_id"))
                    .bind(from.as_millis())
                    .bind(to.as_millis())
                    .fetch_all(&self.pool)
                    .await?;
                let by_day: Vec<(i64, i64, i64)> =
                    sqlx::query_as(&group("(recorded_at / 86400000)"))
                        .bind(from.as_millis())
                        .bind(to.as_millis())
                        .fetch_all(&self.pool)
                        .await?;
                let row = |amount: i64, tasks: i64| SpendRow {
                    amount_millis: amount,
                    tasks,
                };
                Ok($crate::spend::SpendSummary {
                    by_flow: by_flow.into_iter().map(|(k, a, t)| (k, row(a, t))).collect(),
                    by_worker: by_worker
                        .into_iter()
                        .map(|(k, a, t)| ($crate::accounts::UserId(k), row(a, t)))
                        .collect(),
                    by_day: by_day.into_iter().map(|(k, a, t)| (k, row(a, t))).collect(),
                })
            }

            async fn cost_lines(
                &self,
                from: $crate::clock::Timestamp,
                to: $crate::clock::Timestamp,
            ) -> Result<Vec<$crate::spend::CostLine>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT flow_name, loop_name, worker_id, amount_millis, recorded_at \
                     FROM cost_lines WHERE recorded_at >= $1 AND recorded_at < $2 \
                     ORDER BY recorded_at, id",
                )
                .bind(from.as_millis())
                .bind(to.as_millis())
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::spend::CostLine {
                            flow_name: row.try_get("flow_name")?,
                            loop_name: row.try_get("loop_name")?,
                            worker: $crate::accounts::UserId(row.try_get("worker_id")?),
                            amount_millis: row.try_get("amount_millis")?,
                            recorded_at: $crate::clock::Timestamp::from_millis(
                                row.try_get("recorded_at")?,
                            ),
                        })
                    })
                    .collect()
            }

            async fn dashboard_data(
                &self,
                since: $crate::clock::Timestamp,
                day_start: $crate::clock::Timestamp,
                month_start: $crate::clock::Timestamp,
            ) -> Result<$crate::dashboard::DashboardData, $crate::store::StoreError> {
                use $crate::clock::Timestamp;
                use $crate::pricing::MilliUsd;
                // Counters the triggers of migration 0008 keep (a few rows per status and hour),
                // not a scan of the loops.
                let loops_by_status: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT status, CAST(SUM(loops) AS BIGINT) FROM loop_status_counts \
                     GROUP BY status HAVING SUM(loops) > 0 ORDER BY status",
                )
                .fetch_all(&self.pool)
                .await?;
                let hourly: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT hour, CAST(SUM(started) AS BIGINT), CAST(SUM(completed) AS BIGINT) \
                     FROM loop_hourly_counts WHERE hour >= $1 GROUP BY hour ORDER BY hour",
                )
                .bind(since.as_millis().div_euclid(3_600_000))
                .fetch_all(&self.pool)
                .await?;
                let started_per_hour: Vec<(i64, i64)> = hourly
                    .iter()
                    .filter(|(_, started, _)| *started > 0)
                    .map(|&(hour, started, _)| (hour, started))
                    .collect();
                let completed_per_hour: Vec<(i64, i64)> = hourly
                    .iter()
                    .filter(|(_, _, completed)| *completed > 0)
                    .map(|&(hour, _, completed)| (hour, completed))
                    .collect();
                let completions: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT created_at, completed_at FROM human_loops \
                     WHERE completed_at >= $1 AND status = 'Completed' \
                     ORDER BY completed_at DESC LIMIT $2",
                )
                .bind(since.as_millis())
                .bind(i64::from($crate::dashboard::MEDIAN_SAMPLE))
                .fetch_all(&self.pool)
                .await?;
                let oldest_open: Option<i64> = sqlx::query_scalar(
                    "SELECT MIN(created_at) FROM human_loops \
                     WHERE status IN ('InProgress', 'Stopping')",
                )
                .fetch_one(&self.pool)
                .await?;
                let spend = |from: Timestamp| {
                    sqlx::query_as::<_, (String, i64)>(
                        "SELECT flow_name, CAST(SUM(amount_millis) AS BIGINT) FROM cost_lines \
                         WHERE recorded_at >= $1 GROUP BY flow_name \
                         ORDER BY 2 DESC, flow_name",
                    )
                    .bind(from.as_millis())
                    .fetch_all(&self.pool)
                };
                let to_spend = |rows: Vec<(String, i64)>| {
                    rows.into_iter()
                        .map(|(flow, millis)| {
                            (flow, MilliUsd::new(u64::try_from(millis).unwrap_or(0)))
                        })
                        .collect()
                };
                let spend_today = to_spend(spend(day_start).await?);
                let spend_month = to_spend(spend(month_start).await?);
                let busiest_workers: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT u.email, COUNT(*) FROM tasks t JOIN users u ON u.id = t.worker_id \
                     WHERE t.submitted_at >= $1 AND t.status = 'Submitted' \
                     GROUP BY u.email ORDER BY 2 DESC, u.email LIMIT 5",
                )
                .bind(since.as_millis())
                .fetch_all(&self.pool)
                .await?;
                Ok($crate::dashboard::DashboardData {
                    loops_by_status,
                    started_per_hour,
                    completed_per_hour,
                    completions: completions
                        .into_iter()
                        .map(|(c, d)| (Timestamp::from_millis(c), Timestamp::from_millis(d)))
                        .collect(),
                    oldest_open: oldest_open.map(Timestamp::from_millis),
                    spend_today,
                    spend_month,
                    busiest_workers,
                })
            }

            async fn create_webhook(
                &self,
                webhook: &$crate::webhooks::NewWebhook,
            ) -> Result<$crate::webhooks::Webhook, $crate::store::StoreError> {
                let _writer = self.write_guard().await;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO webhooks (name, url, secret, flow_name, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(webhook.name.as_str())
                .bind(webhook.url.as_str())
                .bind(webhook.secret.as_str())
                .bind(webhook.flow.as_ref().map(|f| f.as_str()))
                .bind(webhook.created_at.as_millis())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::store::conflict_or(|| {
                    format!("a webhook named {} already exists", webhook.name)
                }))?;
                Ok($crate::webhooks::Webhook {
                    id,
                    name: webhook.name.as_str().to_owned(),
                    url: webhook.url.as_str().to_owned(),
                    flow: webhook.flow.as_ref().map(|f| f.as_str().to_owned()),
                    created_at: webhook.created_at,
                })
            }

            async fn webhooks(
                &self,
            ) -> Result<Vec<$crate::webhooks::Webhook>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT id, name, url, flow_name, created_at FROM webhooks ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::webhooks::Webhook {
                            id: row.try_get("id")?,
                            name: row.try_get("name")?,
                            url: row.try_get("url")?,
                            flow: row.try_get("flow_name")?,
                            created_at: $crate::clock::Timestamp::from_millis(
                                row.try_get("created_at")?,
                            ),
                        })
                    })
                    .collect()
            }

            async fn delete_webhook(
                &self,
                name: &$crate::webhooks::WebhookName,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                // Deliveries go with the webhook (no cascade needs foreign keys switched on).
                sqlx::query(
                    "DELETE FROM webhook_deliveries WHERE webhook_id IN \
                     (SELECT id FROM webhooks WHERE name = $1)",
                )
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?;
                let deleted = sqlx::query("DELETE FROM webhooks WHERE name = $1")
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit().await?;
                Ok(deleted > 0)
            }

            async fn lease_deliveries(
                &self,
                now: $crate::clock::Timestamp,
                lease_until: $crate::clock::Timestamp,
                limit: u32,
                holder: Option<&$crate::instances::InstanceId>,
            ) -> Result<Vec<$crate::webhooks::PendingDelivery>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let mut tx = self.begin_write().await?;
                // Leases of instances that stopped beating end now (as in `lease_outputs`).
                sqlx::query(concat!(
                    "UPDATE webhook_deliveries SET leased_by = NULL, next_attempt_at = $1 \
                     WHERE id IN (SELECT d.id FROM webhook_deliveries d \
                       WHERE d.leased_by IS NOT NULL \
                         AND d.delivered_at IS NULL AND d.gave_up_at IS NULL \
                         AND NOT EXISTS (SELECT 1 FROM instances i \
                           WHERE i.id = d.leased_by AND i.heartbeat_at >= $2) ",
                    $skip_locked,
                    ")"
                ))
                .bind(now.as_millis())
                .bind($crate::instances::alive_after(now).as_millis())
                .execute(&mut *tx)
                .await?;
                // Due, and the output.json its event announces (if any) is written: a receiver
                // that fetches the output on the event finds it.
                let ids: Vec<i64> = sqlx::query_scalar(concat!(
                    "SELECT d.id FROM webhook_deliveries d \
                     WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL \
                     AND d.next_attempt_at <= $1 \
                     AND NOT EXISTS (SELECT 1 FROM loop_events e \
                         JOIN output_outbox o ON o.id = e.output_id \
                         WHERE e.event_id = d.event_id AND o.done_at IS NULL) \
                     ORDER BY d.next_attempt_at, d.id LIMIT $2 ",
                    $skip_locked
                ))
                .bind(now.as_millis())
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await?;
                let mut leased = Vec::with_capacity(ids.len());
                for id in ids {
                    let row = sqlx::query(
                        "UPDATE webhook_deliveries SET next_attempt_at = $2, \
                         attempts = attempts + 1, leased_by = $3 WHERE id = $1 \
                         RETURNING attempts, event_id, webhook_id, created_at",
                    )
                    .bind(id)
                    .bind(lease_until.as_millis())
                    .bind(holder.map(|h| h.as_str()))
                    .fetch_one(&mut *tx)
                    .await?;
                    let event_id: String = row.try_get("event_id")?;
                    let webhook_id: i64 = row.try_get("webhook_id")?;
                    let target = sqlx::query(
                        "SELECT w.name, w.url, w.secret, e.payload FROM webhooks w, loop_events e \
                         WHERE w.id = $1 AND e.event_id = $2",
                    )
                    .bind(webhook_id)
                    .bind(&event_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    leased.push($crate::webhooks::PendingDelivery {
                        id,
                        webhook: target.try_get("name")?,
                        url: target.try_get("url")?,
                        secret: $crate::keys::SealedSecret::from_stored(
                            target.try_get("secret")?,
                        ),
                        event_id,
                        payload: target.try_get("payload")?,
                        attempt: row.try_get("attempts")?,
                        created_at: $crate::clock::Timestamp::from_millis(
                            row.try_get("created_at")?,
                        ),
                    });
                }
                tx.commit().await?;
                Ok(leased)
            }

            async fn record_delivery_attempt(
                &self,
                id: i64,
                outcome: &$crate::webhooks::AttemptOutcome,
                now: $crate::clock::Timestamp,
                retry_at: Option<$crate::clock::Timestamp>,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::webhooks::AttemptOutcome;
                let _writer = self.write_guard().await;
                let query = match outcome {
                    AttemptOutcome::Delivered { status } => sqlx::query(
                        "UPDATE webhook_deliveries SET delivered_at = $2, last_status = $3, \
                         last_error = NULL, leased_by = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now.as_millis())
                    .bind(i64::from(*status)),
                    AttemptOutcome::Failed { status, error } => sqlx::query(
                        "UPDATE webhook_deliveries SET last_status = $2, last_error = $3, \
                         next_attempt_at = COALESCE($4, next_attempt_at), leased_by = NULL, \
                         gave_up_at = CASE WHEN $4 IS NULL THEN $5 ELSE NULL END \
                         WHERE id = $1 AND delivered_at IS NULL",
                    )
                    .bind(id)
                    .bind(status.map(i64::from))
                    .bind(error.as_str())
                    .bind(retry_at.map(|at| at.as_millis()))
                    .bind(now.as_millis()),
                };
                query.execute(&self.pool).await?;
                Ok(())
            }

            async fn deliveries(
                &self,
                webhook: Option<&$crate::webhooks::WebhookName>,
                before: Option<i64>,
                limit: u32,
            ) -> Result<Vec<$crate::webhooks::DeliveryRecord>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT d.id, w.name, d.event_id, d.attempts, d.last_status, d.last_error, \
                     d.created_at, d.next_attempt_at, d.delivered_at, d.gave_up_at \
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                     WHERE ($1 IS NULL OR w.name = $1) AND ($2 IS NULL OR d.id < $2) \
                     ORDER BY d.id DESC LIMIT $3",
                )
                .bind(webhook.map(|w| w.as_str()))
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                let at = |millis: Option<i64>| millis.map($crate::clock::Timestamp::from_millis);
                rows.iter()
                    .map(|row| {
                        Ok($crate::webhooks::DeliveryRecord {
                            id: row.try_get("id")?,
                            webhook: row.try_get("name")?,
                            event_id: row.try_get("event_id")?,
                            attempts: row.try_get("attempts")?,
                            last_status: row.try_get("last_status")?,
                            last_error: row.try_get("last_error")?,
                            created_at: $crate::clock::Timestamp::from_millis(
                                row.try_get("created_at")?,
                            ),
                            next_attempt_at: $crate::clock::Timestamp::from_millis(
                                row.try_get("next_attempt_at")?,
                            ),
                            delivered_at: at(row.try_get("delivered_at")?),
                            gave_up_at: at(row.try_get("gave_up_at")?),
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use review_sql_store;
pub(crate) use worker_teams_sql;
