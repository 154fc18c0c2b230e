//! Worker task templates (`human_task_uis`): create, find, list, retire, delete.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::names::HumanTaskUiName;
use crate::domain::task_uis::{HumanTaskUi, HumanTaskUiSpec};

use super::StoreError;

#[async_trait]
pub trait TaskUiStore {
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
}

/// Implements [`TaskUiStore`] for a backend's store; see [`super::dialect`].
macro_rules! task_uis_sql {
    ($store:ty) => {
        impl $store {
            /// Runs `sql`, a statement on the task UI named `$1`, on its own; `NotFound` when
            /// there is no such task UI.
            async fn change_task_ui(
                &self,
                sql: &'static str,
                name: &$crate::domain::names::HumanTaskUiName,
            ) -> Result<(), $crate::store::StoreError> {
                // One writer at a time on SQLite; nothing on PostgreSQL.
                let _writer = self.write_guard().await;
                let changed = sqlx::query(sql)
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
        }

        #[async_trait::async_trait]
        impl $crate::store::TaskUiStore for $store {
            async fn create_task_ui(
                &self,
                spec: &$crate::domain::task_uis::HumanTaskUiSpec,
                now: $crate::domain::clock::Timestamp,
            ) -> Result<$crate::domain::task_uis::HumanTaskUi, $crate::store::StoreError> {
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
                .map_err($crate::store::conflict_on(
                    $crate::store::UniqueKey::TaskUiName,
                    || format!("a human task UI named {name} already exists"),
                ))?;
                rows::task_ui(&row)
            }

            async fn find_task_ui(
                &self,
                name: &$crate::domain::names::HumanTaskUiName,
            ) -> Result<Option<$crate::domain::task_uis::HumanTaskUi>, $crate::store::StoreError>
            {
                let row = sqlx::query(&format!(
                    "SELECT {UI_COLUMNS} FROM human_task_uis WHERE name = $1"
                ))
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.as_ref().map(rows::task_ui).transpose()
            }

            async fn list_task_uis(
                &self,
            ) -> Result<Vec<$crate::domain::task_uis::HumanTaskUi>, $crate::store::StoreError> {
                let rows = sqlx::query(&format!(
                    "SELECT {UI_COLUMNS} FROM human_task_uis WHERE status = 'Active' \
                     ORDER BY created_at DESC, id DESC"
                ))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(rows::task_ui).collect()
            }

            async fn retire_task_ui(
                &self,
                name: &$crate::domain::names::HumanTaskUiName,
            ) -> Result<(), $crate::store::StoreError> {
                self.change_task_ui(
                    "UPDATE human_task_uis SET status = 'Deleting' WHERE name = $1",
                    name,
                )
                .await
            }

            async fn retired_task_uis(
                &self,
            ) -> Result<Vec<$crate::domain::names::HumanTaskUiName>, $crate::store::StoreError>
            {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM human_task_uis WHERE status = 'Deleting' ORDER BY name",
                )
                .fetch_all(&self.pool)
                .await?;
                rows::parse_each(&names, $crate::domain::names::HumanTaskUiName::parse)
            }

            async fn delete_task_ui(
                &self,
                name: &$crate::domain::names::HumanTaskUiName,
            ) -> Result<(), $crate::store::StoreError> {
                self.change_task_ui("DELETE FROM human_task_uis WHERE name = $1", name)
                    .await
            }
        }
    };
}

pub(crate) use task_uis_sql;
