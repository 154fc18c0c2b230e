//! A template's assets and allowed origins: upload, delete, allow, remove, each recorded in the
//! template's trail, and what the renderer and the frame need of them.

use std::sync::Arc;

use super::{ReviewError, Reviews, does_not_exist};
use crate::domain::names::HumanTaskUiName;
use crate::domain::task_uis::{HumanTaskUi, HumanTaskUiStatus};
use crate::domain::template_assets::{
    AllowedOrigin, AssetName, MAX_ASSETS_PER_TEMPLATE, MAX_ORIGINS_PER_TEMPLATE,
    MAX_TEMPLATE_ASSET_BYTES, NewTemplateAsset, OriginGrant, TemplateAsset, TemplateChange,
};
use crate::store::AssetLimits;
use crate::templates::AssetLinks;

/// One file an admin uploads for a template.
#[derive(Debug, Clone)]
pub struct AssetUpload<'a> {
    pub name: &'a str,
    /// The outside URL the template names that this file stands in for, if any.
    pub replaces_url: Option<&'a str>,
    pub bytes: Vec<u8>,
    /// The admin's email.
    pub actor: &'a str,
}

/// What rendering one stored template takes beyond its text: its assets' URLs and the origins
/// its frame's policy allows.
#[derive(Debug, Clone)]
pub struct TemplateSurroundings {
    pub assets: Arc<AssetLinks>,
    pub origins: Vec<AllowedOrigin>,
}

impl Reviews {
    /// A task UI whose assets and origins may change: one that is not being deleted.
    async fn changeable_task_ui(&self, name: &HumanTaskUiName) -> Result<HumanTaskUi, ReviewError> {
        let ui = self.find_task_ui(name).await?;
        if ui.status == HumanTaskUiStatus::Deleting {
            return Err(does_not_exist("Human task UI", name));
        }
        Ok(ui)
    }

    pub async fn upload_template_asset(
        &self,
        ui: &HumanTaskUiName,
        upload: AssetUpload<'_>,
    ) -> Result<TemplateAsset, ReviewError> {
        let ui = self.changeable_task_ui(ui).await?;
        let asset = NewTemplateAsset::parse(
            upload.name,
            upload.replaces_url,
            upload.bytes,
            upload.actor,
            self.now(),
        )
        .map_err(|(member, message)| ReviewError::invalid(member, message))?;
        let limits = AssetLimits {
            max_count: MAX_ASSETS_PER_TEMPLATE,
            max_total_bytes: MAX_TEMPLATE_ASSET_BYTES,
        };
        match self.store.add_template_asset(ui.id, &asset, limits).await? {
            Ok(stored) => Ok(stored),
            Err(refusal) => {
                let (member, message) = refusal.explain();
                Err(ReviewError::invalid(member, message))
            }
        }
    }

    pub async fn delete_template_asset(
        &self,
        ui: &HumanTaskUiName,
        name: &str,
        actor: &str,
    ) -> Result<(), ReviewError> {
        let ui = self.changeable_task_ui(ui).await?;
        let missing = || ReviewError::NotFound(format!("this template has no asset named {name}"));
        let name = AssetName::parse(name).map_err(|_| missing())?;
        if self
            .store
            .delete_template_asset(ui.id, &name, actor, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(missing())
        }
    }

    pub async fn template_assets(
        &self,
        ui: &HumanTaskUiName,
    ) -> Result<Vec<TemplateAsset>, ReviewError> {
        let ui = self.find_task_ui(ui).await?;
        Ok(self.store.list_template_assets(ui.id).await?)
    }

    /// The content type and bytes of the asset served at `/template-assets/<sha256>/<name>`.
    pub async fn template_asset_bytes(
        &self,
        sha256: &str,
        name: &AssetName,
    ) -> Result<Option<(String, Vec<u8>)>, ReviewError> {
        Ok(self.store.template_asset_bytes(sha256, name).await?)
    }

    /// Lets the template's frame load from `origin`; returns it as stored. Allowing one that is
    /// already allowed changes nothing and records nothing.
    pub async fn allow_template_origin(
        &self,
        ui: &HumanTaskUiName,
        origin: &str,
        actor: &str,
    ) -> Result<AllowedOrigin, ReviewError> {
        let ui = self.changeable_task_ui(ui).await?;
        let origin = AllowedOrigin::parse(origin)
            .map_err(|message| ReviewError::invalid("Origin", message))?;
        match self
            .store
            .add_template_origin(ui.id, &origin, actor, self.now(), MAX_ORIGINS_PER_TEMPLATE)
            .await
        {
            Ok(_) => Ok(origin),
            Err(crate::store::StoreError::Conflict(message)) => {
                Err(ReviewError::invalid("Origin", message))
            }
            Err(error) => Err(error.into()),
        }
    }

    pub async fn remove_template_origin(
        &self,
        ui: &HumanTaskUiName,
        origin: &str,
        actor: &str,
    ) -> Result<(), ReviewError> {
        let ui = self.changeable_task_ui(ui).await?;
        let missing =
            || ReviewError::NotFound(format!("{origin} is not allowed for this template"));
        let parsed = AllowedOrigin::parse(origin).map_err(|_| missing())?;
        if self
            .store
            .remove_template_origin(ui.id, &parsed, actor, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(missing())
        }
    }

    pub async fn template_origins(
        &self,
        ui: &HumanTaskUiName,
    ) -> Result<Vec<OriginGrant>, ReviewError> {
        let ui = self.find_task_ui(ui).await?;
        Ok(self.store.list_template_origins(ui.id).await?)
    }

    /// Who changed the template's assets and origins, newest first.
    pub async fn template_changes(
        &self,
        ui: &HumanTaskUiName,
    ) -> Result<Vec<TemplateChange>, ReviewError> {
        let ui = self.find_task_ui(ui).await?;
        Ok(self.store.list_template_changes(ui.id).await?)
    }

    /// `ui`'s asset links (starting with `base`: empty for same-origin paths) and allowed
    /// origins, for rendering it.
    pub async fn template_surroundings(
        &self,
        ui: &HumanTaskUi,
        base: &str,
    ) -> Result<TemplateSurroundings, ReviewError> {
        let assets = self.store.list_template_assets(ui.id).await?;
        let origins = self.store.list_template_origins(ui.id).await?;
        Ok(TemplateSurroundings {
            assets: Arc::new(AssetLinks::of(&assets, base)),
            origins: origins.into_iter().map(|grant| grant.origin).collect(),
        })
    }
}
