//! A template's uploaded files (`template_assets`), the origins its frame may load from
//! (`template_origins`), and the trail of who changed either (`template_changes`). Every
//! change locks its template's row first, so the per-template limits hold with concurrent
//! writers, and writes its trail line in the same transaction.

use async_trait::async_trait;

use crate::domain::clock::Timestamp;
use crate::domain::template_assets::{
    AllowedOrigin, AssetName, AssetRefusal, NewTemplateAsset, OriginGrant, TemplateAsset,
    TemplateChange,
};

use super::StoreError;

/// The bounds [`TemplateAssetStore::add_template_asset`] keeps.
#[derive(Debug, Clone, Copy)]
pub struct AssetLimits {
    pub max_count: usize,
    pub max_total_bytes: usize,
}

#[async_trait]
pub trait TemplateAssetStore {
    /// Adds an asset to task UI `ui` (its id) unless the name or the replaced URL is taken or
    /// the template would go past `limits`.
    async fn add_template_asset(
        &self,
        ui: i64,
        asset: &NewTemplateAsset,
        limits: AssetLimits,
    ) -> Result<Result<TemplateAsset, AssetRefusal>, StoreError>;
    /// Removes one; false when the template has no asset of that name.
    async fn delete_template_asset(
        &self,
        ui: i64,
        name: &AssetName,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// A template's assets by name.
    async fn list_template_assets(&self, ui: i64) -> Result<Vec<TemplateAsset>, StoreError>;
    /// The content type and bytes served at `/template-assets/<sha256>/<name>`, from any
    /// template that has them.
    async fn template_asset_bytes(
        &self,
        sha256: &str,
        name: &AssetName,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError>;
    /// Allows an origin; false when it was already allowed. `Conflict` past `max`.
    async fn add_template_origin(
        &self,
        ui: i64,
        origin: &AllowedOrigin,
        actor: &str,
        at: Timestamp,
        max: usize,
    ) -> Result<bool, StoreError>;
    /// False when the origin was not allowed.
    async fn remove_template_origin(
        &self,
        ui: i64,
        origin: &AllowedOrigin,
        actor: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// A template's allowed origins, in the order they were added.
    async fn list_template_origins(&self, ui: i64) -> Result<Vec<OriginGrant>, StoreError>;
    /// A template's changes, newest first.
    async fn list_template_changes(&self, ui: i64) -> Result<Vec<TemplateChange>, StoreError>;
}

/// Implements [`TemplateAssetStore`] for a backend's store; see [`super::dialect`].
macro_rules! template_assets_sql {
    ($store:ty, $conn:ty, $for_update:literal) => {
        impl $store {
            /// Locks task UI `ui`'s row for the rest of `tx`; `NotFound` when it is gone.
            async fn lock_task_ui(
                conn: &mut $conn,
                ui: i64,
            ) -> Result<(), $crate::store::StoreError> {
                let found: Option<i64> = sqlx::query_scalar(concat!(
                    "SELECT id FROM human_task_uis WHERE id = $1 ",
                    $for_update
                ))
                .bind(ui)
                .fetch_optional(conn)
                .await?;
                found.map(|_| ()).ok_or_else(|| {
                    $crate::store::StoreError::NotFound("no such human task UI".to_owned())
                })
            }

            async fn record_template_change(
                conn: &mut $conn,
                ui: i64,
                action: $crate::domain::template_assets::ChangeAction,
                subject: &str,
                actor: &str,
                at: $crate::domain::clock::Timestamp,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query(
                    "INSERT INTO template_changes (human_task_ui_id, action, subject, actor, at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(ui)
                .bind(action.as_str())
                .bind(subject)
                .bind(actor)
                .bind(at.as_millis())
                .execute(conn)
                .await?;
                Ok(())
            }

            /// Runs `delete` (binding `ui` and `subject`) under the task UI's lock and records
            /// `action` when it removed a row; false when there was nothing to remove.
            async fn remove_with_change(
                &self,
                ui: i64,
                delete: &'static str,
                subject: &str,
                action: $crate::domain::template_assets::ChangeAction,
                actor: &str,
                at: $crate::domain::clock::Timestamp,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                Self::lock_task_ui(&mut *tx, ui).await?;
                let removed = sqlx::query(delete)
                    .bind(ui)
                    .bind(subject)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if removed == 0 {
                    return Ok(false);
                }
                Self::record_template_change(&mut *tx, ui, action, subject, actor, at).await?;
                tx.commit().await?;
                Ok(true)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::TemplateAssetStore for $store {
            async fn add_template_asset(
                &self,
                ui: i64,
                asset: &$crate::domain::template_assets::NewTemplateAsset,
                limits: $crate::store::AssetLimits,
            ) -> Result<
                Result<
                    $crate::domain::template_assets::TemplateAsset,
                    $crate::domain::template_assets::AssetRefusal,
                >,
                $crate::store::StoreError,
            > {
                use $crate::domain::template_assets::{AssetRefusal, ChangeAction, TemplateAsset};
                let mut tx = self.begin_write().await?;
                Self::lock_task_ui(&mut *tx, ui).await?;
                let (count, total): (i64, i64) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT) \
                     FROM template_assets WHERE human_task_ui_id = $1",
                )
                .bind(ui)
                .fetch_one(&mut *tx)
                .await?;
                let name_taken: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM template_assets WHERE human_task_ui_id = $1 AND name = $2",
                )
                .bind(ui)
                .bind(asset.name.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if name_taken.is_some() {
                    return Ok(Err(AssetRefusal::NameTaken));
                }
                if let Some(url) = &asset.replaces_url {
                    let replaced: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM template_assets \
                         WHERE human_task_ui_id = $1 AND replaces_url = $2",
                    )
                    .bind(ui)
                    .bind(url.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if replaced.is_some() {
                        return Ok(Err(AssetRefusal::UrlAlreadyReplaced));
                    }
                }
                if count as usize >= limits.max_count {
                    return Ok(Err(AssetRefusal::TooMany));
                }
                let size = asset.bytes.len() as i64;
                if (total + size) as usize > limits.max_total_bytes {
                    return Ok(Err(AssetRefusal::TooLarge(total + size)));
                }
                let content_type = asset.name.content_type();
                sqlx::query(
                    "INSERT INTO template_assets (human_task_ui_id, name, content_type, bytes, \
                       sha256, size, replaces_url, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(ui)
                .bind(asset.name.as_str())
                .bind(content_type)
                .bind(&asset.bytes)
                .bind(&asset.sha256)
                .bind(size)
                .bind(asset.replaces_url.as_ref().map(|u| u.as_str()))
                .bind(&asset.uploaded_by)
                .bind(asset.uploaded_at.as_millis())
                .execute(&mut *tx)
                .await?;
                Self::record_template_change(
                    &mut *tx,
                    ui,
                    ChangeAction::AssetUploaded,
                    asset.name.as_str(),
                    &asset.uploaded_by,
                    asset.uploaded_at,
                )
                .await?;
                tx.commit().await?;
                Ok(Ok(TemplateAsset {
                    name: asset.name.clone(),
                    content_type: content_type.to_owned(),
                    sha256: asset.sha256.clone(),
                    size,
                    replaces_url: asset.replaces_url.clone(),
                    uploaded_by: asset.uploaded_by.clone(),
                    uploaded_at: asset.uploaded_at,
                }))
            }

            async fn delete_template_asset(
                &self,
                ui: i64,
                name: &$crate::domain::template_assets::AssetName,
                actor: &str,
                at: $crate::domain::clock::Timestamp,
            ) -> Result<bool, $crate::store::StoreError> {
                self.remove_with_change(
                    ui,
                    "DELETE FROM template_assets WHERE human_task_ui_id = $1 AND name = $2",
                    name.as_str(),
                    $crate::domain::template_assets::ChangeAction::AssetDeleted,
                    actor,
                    at,
                )
                .await
            }

            async fn list_template_assets(
                &self,
                ui: i64,
            ) -> Result<Vec<$crate::domain::template_assets::TemplateAsset>, $crate::store::StoreError>
            {
                use sqlx::Row as _;
                use $crate::domain::template_assets::{AssetName, ReplacedUrl, TemplateAsset};
                let corrupt = |e: String| $crate::store::StoreError::Corrupt(e);
                let rows = sqlx::query(
                    "SELECT name, content_type, sha256, size, replaces_url, uploaded_by, \
                       uploaded_at FROM template_assets WHERE human_task_ui_id = $1 ORDER BY name",
                )
                .bind(ui)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        let name: String = row.try_get("name")?;
                        let replaces: Option<String> = row.try_get("replaces_url")?;
                        Ok(TemplateAsset {
                            name: AssetName::parse(&name).map_err(corrupt)?,
                            content_type: row.try_get("content_type")?,
                            sha256: row.try_get("sha256")?,
                            size: row.try_get("size")?,
                            replaces_url: replaces
                                .map(|u| ReplacedUrl::parse(&u).map_err(corrupt))
                                .transpose()?,
                            uploaded_by: row.try_get("uploaded_by")?,
                            uploaded_at: $crate::domain::clock::Timestamp::from_millis(
                                row.try_get("uploaded_at")?,
                            ),
                        })
                    })
                    .collect()
            }

            async fn template_asset_bytes(
                &self,
                sha256: &str,
                name: &$crate::domain::template_assets::AssetName,
            ) -> Result<Option<(String, Vec<u8>)>, $crate::store::StoreError> {
                Ok(sqlx::query_as(
                    "SELECT content_type, bytes FROM template_assets \
                     WHERE sha256 = $1 AND name = $2 LIMIT 1",
                )
                .bind(sha256)
                .bind(name.as_str())
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn add_template_origin(
                &self,
                ui: i64,
                origin: &$crate::domain::template_assets::AllowedOrigin,
                actor: &str,
                at: $crate::domain::clock::Timestamp,
                max: usize,
            ) -> Result<bool, $crate::store::StoreError> {
                let mut tx = self.begin_write().await?;
                Self::lock_task_ui(&mut *tx, ui).await?;
                let existing: Vec<String> = sqlx::query_scalar(
                    "SELECT origin FROM template_origins WHERE human_task_ui_id = $1",
                )
                .bind(ui)
                .fetch_all(&mut *tx)
                .await?;
                if existing.iter().any(|o| o == origin.as_str()) {
                    return Ok(false);
                }
                if existing.len() >= max {
                    return Err($crate::store::StoreError::Conflict(format!(
                        "A template may allow at most {max} origins."
                    )));
                }
                sqlx::query(
                    "INSERT INTO template_origins (human_task_ui_id, origin, added_by, added_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(ui)
                .bind(origin.as_str())
                .bind(actor)
                .bind(at.as_millis())
                .execute(&mut *tx)
                .await?;
                Self::record_template_change(
                    &mut *tx,
                    ui,
                    $crate::domain::template_assets::ChangeAction::OriginAdded,
                    origin.as_str(),
                    actor,
                    at,
                )
                .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn remove_template_origin(
                &self,
                ui: i64,
                origin: &$crate::domain::template_assets::AllowedOrigin,
                actor: &str,
                at: $crate::domain::clock::Timestamp,
            ) -> Result<bool, $crate::store::StoreError> {
                self.remove_with_change(
                    ui,
                    "DELETE FROM template_origins WHERE human_task_ui_id = $1 AND origin = $2",
                    origin.as_str(),
                    $crate::domain::template_assets::ChangeAction::OriginRemoved,
                    actor,
                    at,
                )
                .await
            }

            async fn list_template_origins(
                &self,
                ui: i64,
            ) -> Result<Vec<$crate::domain::template_assets::OriginGrant>, $crate::store::StoreError>
            {
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT origin, added_by, added_at FROM template_origins \
                     WHERE human_task_ui_id = $1 ORDER BY id",
                )
                .bind(ui)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(origin, added_by, added_at)| {
                        Ok($crate::domain::template_assets::OriginGrant {
                            origin: $crate::domain::template_assets::AllowedOrigin::parse(&origin)
                                .map_err($crate::store::StoreError::Corrupt)?,
                            added_by,
                            added_at: $crate::domain::clock::Timestamp::from_millis(added_at),
                        })
                    })
                    .collect()
            }

            async fn list_template_changes(
                &self,
                ui: i64,
            ) -> Result<Vec<$crate::domain::template_assets::TemplateChange>, $crate::store::StoreError>
            {
                let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
                    "SELECT action, subject, actor, at FROM template_changes \
                     WHERE human_task_ui_id = $1 ORDER BY id DESC",
                )
                .bind(ui)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(action, subject, actor, at)| {
                        Ok($crate::domain::template_assets::TemplateChange {
                            action: $crate::domain::template_assets::ChangeAction::parse(&action)
                                .ok_or_else(|| {
                                    $crate::store::StoreError::Corrupt(format!(
                                        "template change {action:?}"
                                    ))
                                })?,
                            subject,
                            actor,
                            at: $crate::domain::clock::Timestamp::from_millis(at),
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) use template_assets_sql;
