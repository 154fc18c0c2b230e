//! What admins and subscribers read back: the event log (`loop_events`), the audit of API calls
//! (`api_calls`), cost lines and spend, and the dashboard's figures.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;

use super::StoreError;

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

#[async_trait]
pub trait ReportStore {
    /// Events numbered above `seq`, ascending. On PostgreSQL a number can become visible after
    /// a higher one: read through an `services::event_feed::SeqTracker`.
    async fn events_after(&self, seq: i64, limit: u32) -> Result<Vec<StoredEvent>, StoreError>;
    /// The highest event number so far, 0 when there is none.
    async fn last_event_seq(&self) -> Result<i64, StoreError>;
    /// Appends audit lines (one transaction for the batch).
    async fn record_api_calls(
        &self,
        calls: &[crate::domain::audit::ApiCall],
    ) -> Result<(), StoreError>;
    /// Audit lines, newest first, older than the line `before` (an id) when given.
    async fn api_calls(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<crate::domain::audit::ApiCall>, StoreError>;
    async fn cost_lines(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::domain::spend::CostLine>, StoreError>;
    /// Worker pay in `[from, to)` summed by flow, by worker and by UTC day, in the database.
    async fn spend_summary(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<crate::domain::spend::SpendSummary, StoreError>;
    /// The dashboard's figures: loops by status, throughput since `since`, the oldest open
    /// loop, spend since `day_start` and `month_start` by flow, the busiest workers.
    async fn dashboard_data(
        &self,
        since: Timestamp,
        day_start: Timestamp,
        month_start: Timestamp,
    ) -> Result<crate::domain::dashboard::DashboardData, StoreError>;
}

/// Implements [`ReportStore`] for a backend's store; see [`super::dialect`].
macro_rules! reports_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::ReportStore for $store {
            async fn events_after(
                &self,
                seq: i64,
                limit: u32,
            ) -> Result<Vec<$crate::store::StoredEvent>, $crate::store::StoreError> {
                let rows: Vec<(i64, String, String, String, String, Option<i64>, i64)> =
                    sqlx::query_as(
                        "SELECT seq, event_id, loop_name, status, payload, output_id, created_at \
                         FROM loop_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                    )
                    .bind(seq)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, event_id, loop_name, status, payload, output_id, created_at)| {
                        $crate::store::StoredEvent {
                            seq,
                            event_id,
                            loop_name,
                            status,
                            payload,
                            output_id,
                            created_at: $crate::domain::clock::Timestamp::from_millis(created_at),
                        }
                    })
                    .collect())
            }

            async fn last_event_seq(&self) -> Result<i64, $crate::store::StoreError> {
                Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM loop_events")
                    .fetch_one(&self.pool)
                    .await?
                    .unwrap_or(0))
            }

            async fn record_api_calls(
                &self,
                calls: &[$crate::domain::audit::ApiCall],
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
            ) -> Result<Vec<$crate::domain::audit::ApiCall>, $crate::store::StoreError> {
                type Line = (i64, i64, Option<String>, String, i64, Option<String>, i64);
                let lines: Vec<Line> = sqlx::query_as(
                    "SELECT id, at, access_key_id, operation, status, error_type, duration_us \
                     FROM api_calls WHERE ($1 IS NULL OR id < $1) ORDER BY id DESC LIMIT $2",
                )
                .bind(before)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(lines
                    .into_iter()
                    .map(|(id, at, access_key_id, operation, status, error_type, duration_us)| {
                        $crate::domain::audit::ApiCall {
                            id,
                            at: $crate::domain::clock::Timestamp::from_millis(at),
                            access_key_id,
                            operation,
                            status: u16::try_from(status).unwrap_or(0),
                            error_type,
                            duration_us,
                        }
                    })
                    .collect())
            }

            async fn cost_lines(
                &self,
                from: $crate::domain::clock::Timestamp,
                to: $crate::domain::clock::Timestamp,
            ) -> Result<Vec<$crate::domain::spend::CostLine>, $crate::store::StoreError> {
                let lines: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT flow_name, loop_name, worker_id, amount_millis, recorded_at \
                     FROM cost_lines WHERE recorded_at >= $1 AND recorded_at < $2 \
                     ORDER BY recorded_at, id",
                )
                .bind(from.as_millis())
                .bind(to.as_millis())
                .fetch_all(&self.pool)
                .await?;
                Ok(lines
                    .into_iter()
                    .map(|(flow_name, loop_name, worker, amount_millis, recorded_at)| {
                        $crate::domain::spend::CostLine {
                            flow_name,
                            loop_name,
                            worker: $crate::domain::accounts::UserId(worker),
                            amount_millis,
                            recorded_at: $crate::domain::clock::Timestamp::from_millis(recorded_at),
                        }
                    })
                    .collect())
            }

            async fn spend_summary(
                &self,
                from: $crate::domain::clock::Timestamp,
                to: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::spend::SpendSummary, $crate::store::StoreError> {
                use $crate::domain::spend::SpendRow;
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
                Ok($crate::domain::spend::SpendSummary {
                    by_flow: by_flow.into_iter().map(|(k, a, t)| (k, row(a, t))).collect(),
                    by_worker: by_worker
                        .into_iter()
                        .map(|(k, a, t)| ($crate::domain::accounts::UserId(k), row(a, t)))
                        .collect(),
                    by_day: by_day.into_iter().map(|(k, a, t)| (k, row(a, t))).collect(),
                })
            }

            async fn dashboard_data(
                &self,
                since: $crate::domain::clock::Timestamp,
                day_start: $crate::domain::clock::Timestamp,
                month_start: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::dashboard::DashboardData, $crate::store::StoreError> {
                use $crate::domain::clock::Timestamp;
                use $crate::domain::pricing::MilliUsd;
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
                .bind(i64::from($crate::domain::dashboard::MEDIAN_SAMPLE))
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
                Ok($crate::domain::dashboard::DashboardData {
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
        }
    };
}

pub(crate) use reports_sql;
