//! Flow definitions (`flow_definitions`): create, find, list, and deletion, which stops the loops no
//! worker touched and removes the definition once its last loop has ended (spec 3.2.4).

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::loops::{FlowDefinition, FlowId};
use crate::domain::names::FlowDefinitionName;
use crate::lifecycle::Finisher;

use super::StoreError;

/// A flow definition about to be stored.
#[derive(Debug, Clone)]
pub struct NewFlowDefinition {
    pub spec: crate::domain::flows::FlowDefinitionSpec,
    pub status: crate::domain::flows::FlowDefinitionStatus,
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

#[async_trait]
pub trait FlowStore {
    async fn create_flow(&self, flow: &NewFlowDefinition) -> Result<FlowDefinition, StoreError>;
    async fn find_flow(
        &self,
        name: &FlowDefinitionName,
    ) -> Result<Option<FlowDefinition>, StoreError>;
    async fn find_flow_by_id(&self, id: FlowId) -> Result<Option<FlowDefinition>, StoreError>;
    async fn list_flows(&self) -> Result<Vec<FlowDefinition>, StoreError>;
    async fn delete_flow(
        &self,
        name: &FlowDefinitionName,
        now: Timestamp,
        finisher: &dyn Finisher,
    ) -> Result<FlowDeletion, StoreError>;
    /// Removes flow definitions being deleted whose loops are all terminal. Returns how many.
    async fn purge_deleted_flows(&self) -> Result<u64, StoreError>;
}

/// Implements [`FlowStore`] for a backend's store; see [`super::dialect`].
macro_rules! flows_sql {
    ($store:ty, $for_update:literal) => {
        impl $store {
            /// Removes a `Deleting` flow definition and its loop records once none of its loops
            /// is open, in a transaction of its own. The loops are locked in one statement, in
            /// id order, before any row (or trigger-kept counter) changes, as every transaction
            /// that changes several loops does. Returns whether the flow went.
            async fn remove_flow_if_done(
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
        }

        #[async_trait::async_trait]
        impl $crate::store::FlowStore for $store {
            async fn create_flow(
                &self,
                flow: &$crate::store::NewFlowDefinition,
            ) -> Result<$crate::domain::loops::FlowDefinition, $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let spec = serde_json::to_string(&flow.spec)
                    .map_err(|e| $crate::store::StoreError::Corrupt(e.to_string()))?;
                let config = &flow.spec.human_loop_config;
                let team = match config.workteam_arn.team() {
                    $crate::domain::arns::WorkteamRef::Private(name) => {
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
                .map_err($crate::store::conflict_on($crate::store::UniqueKey::FlowDefinitionName, || {
                    format!("a flow definition named {name} already exists")
                }))?;
                rows::flow(&row)
            }

            async fn find_flow(
                &self,
                name: &$crate::domain::names::FlowDefinitionName,
            ) -> Result<Option<$crate::domain::loops::FlowDefinition>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::flow).transpose()
            }

            async fn find_flow_by_id(
                &self,
                id: $crate::domain::loops::FlowId,
            ) -> Result<Option<$crate::domain::loops::FlowDefinition>, $crate::store::StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f WHERE f.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::flow).transpose()
            }

            async fn list_flows(
                &self,
            ) -> Result<Vec<$crate::domain::loops::FlowDefinition>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {FLOW_COLUMNS} FROM flow_definitions f \
                     ORDER BY f.created_at DESC, f.id DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::flow).collect()
            }

            async fn delete_flow(
                &self,
                name: &$crate::domain::names::FlowDefinitionName,
                now: $crate::domain::clock::Timestamp,
                finisher: &dyn $crate::lifecycle::Finisher,
            ) -> Result<$crate::store::FlowDeletion, $crate::store::StoreError> {
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
                    let which = LoopOf::Id($crate::domain::loops::LoopId(id));
                    let abandoned = Self::transition_loop(&mut *tx, which, now, finisher, |state| {
                        $crate::lifecycle::transitions::abandon(state)
                    })
                    .await?;
                    if abandoned.is_some() {
                        sqlx::query("DELETE FROM human_loops WHERE id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        stopped_loops += 1;
                    }
                }
                tx.commit().await?;
                Ok($crate::store::FlowDeletion {
                    stopped_loops,
                    removed: self.remove_flow_if_done(flow).await?,
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
                    if self.remove_flow_if_done(flow).await? {
                        purged += 1;
                    }
                }
                Ok(purged)
            }
        }
    };
}

pub(crate) use flows_sql;
