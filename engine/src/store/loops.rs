//! Human loops and their tasks as records (`human_loops`, `tasks`, `frame_departures`): starts in
//! batches, lookups and lists, stop and delete.

use async_trait::async_trait;

use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::loops::{
    FlowId, HumanLoop, HumanLoopStatus, LoopId, NewHumanLoop, StartOutcome, Task, TaskId,
};
use crate::domain::names::HumanLoopName;
use crate::lifecycle::Finisher;

use super::StoreError;

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

#[async_trait]
pub trait LoopStore {
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
    ) -> Result<Vec<crate::domain::loops::FrameDeparture>, StoreError>;
    /// `Stopped` at once when nobody holds a task, else `Stopping` until the holders are done.
    async fn stop_loop(
        &self,
        name: &HumanLoopName,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<HumanLoop, StoreError>;
    /// Only terminal loops can be deleted ([`StoreError::Conflict`] otherwise).
    async fn delete_loop(&self, name: &HumanLoopName) -> Result<(), StoreError>;
}

/// Implements [`LoopStore`] for a backend's store; see [`super::dialect`].
macro_rules! loops_sql {
    ($store:ty, $prefix_match:literal, $prefix_wildcard:literal, $id_in_json:literal) => {
        #[async_trait::async_trait]
        impl $crate::store::LoopStore for $store {
            async fn start_loops(
                &self,
                loops: &[$crate::domain::loops::NewHumanLoop],
            ) -> Result<
                Vec<Result<$crate::domain::loops::StartOutcome, $crate::store::StoreError>>,
                $crate::store::StoreError,
            > {
                use std::collections::HashMap;
                use std::fmt::Write as _;
                use sqlx::Row as _;
                use $crate::domain::loops::{LoopId, StartOutcome};
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
                // No conflict target: a name taken in another case (the folded index) is
                // skipped too, and told apart below.
                sql.push_str(" ON CONFLICT DO NOTHING RETURNING id, name");
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
                    .map(|l| {
                        l.activation
                            .as_ref()
                            .map(|a| serde_json::to_string(a).expect("reports serialize"))
                    })
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
                // is the same, a conflict if not. `existing` is keyed by the folded name.
                let mut existing: HashMap<String, (i64, String, String)> = HashMap::new();
                let taken: Vec<&str> = loops
                    .iter()
                    .map(|l| l.name.as_str())
                    .filter(|n| !new_ids.contains_key(*n))
                    .collect();
                if !taken.is_empty() {
                    let mut sql = String::from(
                        "SELECT id, name, input_sha256 FROM human_loops WHERE lower(name) IN (",
                    );
                    for n in 0..taken.len() {
                        if n > 0 {
                            sql.push_str(", ");
                        }
                        let _ = write!(sql, "lower(${})", n + 1);
                    }
                    sql.push(')');
                    let mut query = sqlx::query(&sql);
                    for name in &taken {
                        query = query.bind(*name);
                    }
                    for row in query.fetch_all(&mut *tx).await? {
                        let name: String = row.try_get("name")?;
                        existing.insert(
                            name.to_ascii_lowercase(),
                            (row.try_get("id")?, name, row.try_get("input_sha256")?),
                        );
                    }
                }
                tx.commit().await?;
                // The stored input digest per name: for a name this batch inserted, that of its
                // first occurrence (the sort is stable, so the first occurrence went in).
                let mut stored: HashMap<&str, (i64, &str)> = HashMap::new();
                // Names this batch asked for that are taken in another case, and by which.
                let mut taken_in_other_case: HashMap<&str, &str> = HashMap::new();
                for l in loops {
                    let name = l.name.as_str();
                    if let Some(id) = new_ids.get(name) {
                        stored.entry(name).or_insert((*id, l.input_digest.as_str()));
                    } else if let Some((id, stored_name, digest)) =
                        existing.get(&name.to_ascii_lowercase())
                    {
                        if stored_name != name {
                            taken_in_other_case.insert(name, stored_name.as_str());
                        }
                        stored.insert(name, (*id, digest.as_str()));
                    }
                }
                let mut started: HashMap<&str, ()> = HashMap::new();
                let outcomes = loops
                    .iter()
                    .map(|l| {
                        let name = l.name.as_str();
                        if let Some(taken) = taken_in_other_case.get(name) {
                            return Err(StoreError::Conflict(format!(
                                "a human loop named {taken} already exists; loop names that \
                                 differ only in case are the same name"
                            )));
                        }
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
                name: &$crate::domain::names::HumanLoopName,
            ) -> Result<Option<$crate::domain::loops::HumanLoop>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {LOOP_COLUMNS} FROM human_loops l \
                     JOIN flow_definitions f ON f.id = l.flow_id WHERE l.name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::human_loop).transpose()
            }

            async fn find_loop_by_id(
                &self,
                id: $crate::domain::loops::LoopId,
            ) -> Result<Option<$crate::domain::loops::HumanLoop>, $crate::store::StoreError> {
                let mut conn = self.pool.acquire().await?;
                Self::load_loop(&mut conn, LoopOf::Id(id), false).await
            }

            async fn list_loops(
                &self,
                q: &$crate::store::LoopQuery,
            ) -> Result<Vec<$crate::domain::loops::HumanLoop>, $crate::store::StoreError> {
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
                        $crate::store::NAME_FIRST_MATCHES + 1
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    if ids.len() <= $crate::store::NAME_FIRST_MATCHES {
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
                rows.iter().map(rows::human_loop).collect()
            }

            async fn tasks_of(
                &self,
                loop_id: $crate::domain::loops::LoopId,
            ) -> Result<Vec<$crate::domain::loops::Task>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {TASK_COLUMNS} FROM tasks WHERE loop_id = $1 ORDER BY slot"
                ))
                .bind(loop_id.0)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::task).collect()
            }

            async fn find_task(
                &self,
                id: $crate::domain::loops::TaskId,
            ) -> Result<Option<$crate::domain::loops::Task>, $crate::store::StoreError> {
                let row = sqlx::query(&format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(rows::task).transpose()
            }

            async fn record_frame_departure(
                &self,
                task: $crate::domain::loops::TaskId,
                worker: $crate::domain::accounts::UserId,
                now: $crate::domain::clock::Timestamp,
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
                        $crate::store::TaskRefusal::NotHeld,
                    ));
                }
                Ok(())
            }

            async fn frame_departures_of(
                &self,
                loop_id: $crate::domain::loops::LoopId,
            ) -> Result<Vec<$crate::domain::loops::FrameDeparture>, $crate::store::StoreError> {
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
                        Ok($crate::domain::loops::FrameDeparture {
                            task: $crate::domain::loops::TaskId(row.try_get("task_id")?),
                            slot: u8::try_from(row.try_get::<i64, _>("slot")?)
                                .map_err(rows::corrupt)?,
                            worker: $crate::domain::accounts::UserId(row.try_get("worker_id")?),
                            times: row.try_get("times")?,
                            first_at: rows::ts(row, "first_at")?,
                            last_at: rows::ts(row, "last_at")?,
                        })
                    })
                    .collect()
            }

            async fn stop_loop(
                &self,
                name: &$crate::domain::names::HumanLoopName,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::domain::loops::HumanLoop, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                let not_found = || {
                    $crate::store::StoreError::NotFound(format!("no human loop named {name}"))
                };
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM human_loops WHERE name = $1")
                    .bind(name.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let loop_id = $crate::domain::loops::LoopId(id.ok_or_else(not_found)?);
                let which = LoopOf::Id(loop_id);
                Self::transition_loop(&mut *tx, which, now, finisher, |state| {
                    $crate::lifecycle::transitions::stop(state)
                })
                .await?;
                let stopped = Self::load_loop(&mut *tx, which, false)
                    .await?
                    .ok_or_else(not_found)?;
                tx.commit().await?;
                Ok(stopped)
            }

            async fn delete_loop(
                &self,
                name: &$crate::domain::names::HumanLoopName,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::store::StoreError;
                let mut tx = self.begin_write().await?;
                let not_found = || StoreError::NotFound(format!("no human loop named {name}"));
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM human_loops WHERE name = $1")
                    .bind(name.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let loop_id = $crate::domain::loops::LoopId(id.ok_or_else(not_found)?);
                let human_loop = Self::load_loop(&mut *tx, LoopOf::Id(loop_id), true)
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
        }
    };
}

pub(crate) use loops_sql;
