//! The two outboxes, output files (`output_outbox`) and webhook deliveries (`webhook_deliveries`),
//! leased to the instances (`instances`) that write and post them, and those instances' heartbeats.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::instances::InstanceId;
use crate::domain::webhooks::{AttemptOutcome, PendingDelivery};

use super::StoreError;

/// An output file due for writing, leased to one runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOutput {
    pub id: i64,
    pub loop_name: String,
    pub uri: String,
    pub body: String,
    pub attempts: i64,
}

#[async_trait]
pub trait OutboxStore {
    /// Records that `instance` is alive at `now`.
    async fn heartbeat(&self, instance: &InstanceId, now: Timestamp) -> Result<(), StoreError>;
    /// An instance starting: its first heartbeat, and the leases an earlier run of it held end
    /// now (it has nothing in flight yet). Instances silent for [`crate::domain::instances::FORGET_AFTER`]
    /// are forgotten.
    async fn start_instance(&self, instance: &InstanceId, now: Timestamp)
    -> Result<(), StoreError>;
    /// Leases up to `limit` output files due at `now` until `lease_until`, to `holder` (a lease
    /// without a holder only runs out). Leases of holders gone at `now` (see
    /// [`crate::domain::instances::HEARTBEAT_TIMEOUT`]) end first, so their files are due at once.
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
    /// Leases up to `limit` deliveries due at `now` (and whose output file is written) until
    /// `lease_until`, to `holder`, counting the attempt. Leases of gone holders end first, as in
    /// [`OutboxStore::lease_outputs`].
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
}

/// The statements leasing runs on one outbox; see [`OutboxStore::lease_outputs`].
pub(crate) struct Leasing {
    /// Ends the leases of holders that stopped beating (`$1` now, `$2` alive after).
    pub end_gone_leases: &'static str,
    /// The due rows' ids (`$1` now), at most `$2`, oldest first and locked.
    pub due: &'static str,
    /// Leases row `$1` until `$2` to `$3`, counting the attempt, and returns it.
    pub lease: &'static str,
    /// Ends the leases instance `$1` holds, the rows due at `$2`.
    pub release_instance: &'static str,
}

/// The [`Leasing`] of `$table`, whose rows are still to do while `$pending` holds, with its
/// `$due` query and what its lease statement returns.
macro_rules! leasing_sql {
    ($table:literal, $pending:literal, $due:expr, $returning:literal, $skip_locked:literal) => {
        $crate::store::outboxes::Leasing {
            // Rows another runner is releasing are skipped, not waited for.
            end_gone_leases: concat!(
                "UPDATE ",
                $table,
                " SET leased_by = NULL, next_attempt_at = $1 WHERE id IN (SELECT o.id FROM ",
                $table,
                " o WHERE o.leased_by IS NOT NULL AND ",
                $pending,
                " AND NOT EXISTS (SELECT 1 FROM instances i \
                   WHERE i.id = o.leased_by AND i.heartbeat_at >= $2) ",
                $skip_locked,
                ")"
            ),
            due: $due,
            lease: concat!(
                "UPDATE ",
                $table,
                " SET next_attempt_at = $2, attempts = attempts + 1, leased_by = $3 \
                 WHERE id = $1 RETURNING ",
                $returning
            ),
            release_instance: concat!(
                "UPDATE ",
                $table,
                " SET leased_by = NULL, next_attempt_at = $2 WHERE leased_by = $1 AND ",
                $pending
            ),
        }
    };
}

/// Implements [`OutboxStore`] for a backend's store; see [`super::dialect`].
macro_rules! outboxes_sql {
    ($store:ty, $row:ty, $conn:ty, $skip_locked:literal) => {
        const OUTPUT_LEASING: $crate::store::outboxes::Leasing =
            $crate::store::outboxes::leasing_sql!(
                "output_outbox",
                "done_at IS NULL",
                concat!(
                    "SELECT id FROM output_outbox WHERE done_at IS NULL AND next_attempt_at <= $1 \
                     ORDER BY next_attempt_at, id LIMIT $2 ",
                    $skip_locked
                ),
                "id, loop_name, uri, body, attempts",
                $skip_locked
            );
        // Due, and the output.json its event announces (if any) is written: a receiver that
        // fetches the output on the event finds it.
        const DELIVERY_LEASING: $crate::store::outboxes::Leasing =
            $crate::store::outboxes::leasing_sql!(
                "webhook_deliveries",
                "delivered_at IS NULL AND gave_up_at IS NULL",
                concat!(
                    "SELECT d.id FROM webhook_deliveries d \
                     WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL \
                     AND d.next_attempt_at <= $1 \
                     AND NOT EXISTS (SELECT 1 FROM loop_events e \
                         JOIN output_outbox o ON o.id = e.output_id \
                         WHERE e.event_id = d.event_id AND o.done_at IS NULL) \
                     ORDER BY d.next_attempt_at, d.id LIMIT $2 ",
                    $skip_locked
                ),
                "id, attempts, event_id, webhook_id, created_at",
                $skip_locked
            );

        impl $store {
            /// Leases up to `limit` rows of one outbox due at `now`, until `lease_until`, to
            /// `holder`, on the caller's transaction, after ending the leases of holders gone at
            /// `now` (so their rows are due at once instead of when the lease runs out).
            /// Returns the rows as the lease statement returned them.
            async fn lease_due(
                conn: &mut $conn,
                outbox: &$crate::store::outboxes::Leasing,
                now: $crate::domain::clock::Timestamp,
                lease_until: $crate::domain::clock::Timestamp,
                limit: u32,
                holder: Option<&$crate::domain::instances::InstanceId>,
            ) -> Result<Vec<$row>, $crate::store::StoreError> {
                sqlx::query(outbox.end_gone_leases)
                    .bind(now.as_millis())
                    .bind($crate::domain::instances::alive_after(now).as_millis())
                    .execute(&mut *conn)
                    .await?;
                let ids: Vec<i64> = sqlx::query_scalar(outbox.due)
                    .bind(now.as_millis())
                    .bind(i64::from(limit))
                    .fetch_all(&mut *conn)
                    .await?;
                let mut leased = Vec::with_capacity(ids.len());
                for id in ids {
                    let row = sqlx::query(outbox.lease)
                        .bind(id)
                        .bind(lease_until.as_millis())
                        .bind(holder.map(|h| h.as_str()))
                        .fetch_one(&mut *conn)
                        .await?;
                    leased.push(row);
                }
                Ok(leased)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::OutboxStore for $store {
            async fn heartbeat(
                &self,
                instance: &$crate::domain::instances::InstanceId,
                now: $crate::domain::clock::Timestamp,
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
                instance: &$crate::domain::instances::InstanceId,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                let forget_before = now.as_millis().saturating_sub(
                    i64::try_from($crate::domain::instances::FORGET_AFTER.as_millis()).unwrap_or(i64::MAX),
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
                for outbox in [&OUTPUT_LEASING, &DELIVERY_LEASING] {
                    sqlx::query(outbox.release_instance)
                        .bind(instance.as_str())
                        .bind(now.as_millis())
                        .execute(&mut *tx)
                        .await?;
                }
                // So did the compilations it ran: they are free to claim again.
                sqlx::query(
                    "UPDATE compilation_jobs SET claimed_by = NULL \
                     WHERE claimed_by = $1 AND status IN ('INPROGRESS', 'STOPPING')",
                )
                .bind(instance.as_str())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn lease_outputs(
                &self,
                now: $crate::domain::clock::Timestamp,
                lease_until: $crate::domain::clock::Timestamp,
                limit: u32,
                holder: Option<&$crate::domain::instances::InstanceId>,
            ) -> Result<Vec<$crate::store::PendingOutput>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let mut tx = self.begin_write().await?;
                let rows =
                    Self::lease_due(&mut *tx, &OUTPUT_LEASING, now, lease_until, limit, holder)
                        .await?;
                let leased = rows
                    .iter()
                    .map(|row| {
                        Ok($crate::store::PendingOutput {
                            id: row.try_get("id")?,
                            loop_name: row.try_get("loop_name")?,
                            uri: row.try_get("uri")?,
                            body: row.try_get("body")?,
                            attempts: row.try_get("attempts")?,
                        })
                    })
                    .collect::<Result<_, $crate::store::StoreError>>()?;
                tx.commit().await?;
                Ok(leased)
            }

            async fn output_written(
                &self,
                id: i64,
                now: $crate::domain::clock::Timestamp,
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
                retry_at: $crate::domain::clock::Timestamp,
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

            async fn lease_deliveries(
                &self,
                now: $crate::domain::clock::Timestamp,
                lease_until: $crate::domain::clock::Timestamp,
                limit: u32,
                holder: Option<&$crate::domain::instances::InstanceId>,
            ) -> Result<Vec<$crate::domain::webhooks::PendingDelivery>, $crate::store::StoreError> {
                use sqlx::Row as _;
                let mut tx = self.begin_write().await?;
                let rows =
                    Self::lease_due(&mut *tx, &DELIVERY_LEASING, now, lease_until, limit, holder)
                        .await?;
                let mut leased = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id: i64 = row.try_get("id")?;
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
                    leased.push($crate::domain::webhooks::PendingDelivery {
                        id,
                        webhook: target.try_get("name")?,
                        url: target.try_get("url")?,
                        secret: $crate::domain::keys::SealedSecret::from_stored(
                            target.try_get("secret")?,
                        ),
                        event_id,
                        payload: target.try_get("payload")?,
                        attempt: row.try_get("attempts")?,
                        created_at: $crate::domain::clock::Timestamp::from_millis(
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
                outcome: &$crate::domain::webhooks::AttemptOutcome,
                now: $crate::domain::clock::Timestamp,
                retry_at: Option<$crate::domain::clock::Timestamp>,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::domain::webhooks::AttemptOutcome;
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
        }
    };
}

pub(crate) use {leasing_sql, outboxes_sql};
