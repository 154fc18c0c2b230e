//! Human task UIs: create, read, render and delete (a UI that flows still use is retired first).

use std::sync::Arc;

use serde_json::Value;

use super::{ReviewError, Reviews, does_not_exist};
use crate::domain::names::HumanTaskUiName;
use crate::domain::task_uis::{
    HumanTaskUi, HumanTaskUiSpec, HumanTaskUiStatus, RenderRequest, TemplateSource,
};
use crate::templates::{self, ReadGrants, TemplateError};

/// What `RenderUiTemplate` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTemplate {
    pub content: String,
    pub errors: Vec<TemplateError>,
}

impl Reviews {
    /// The task UIs that are not being deleted.
    pub async fn list_task_uis(&self) -> Result<Vec<HumanTaskUi>, ReviewError> {
        Ok(self.store.list_task_uis().await?)
    }

    pub async fn create_task_ui(&self, request: &Value) -> Result<HumanTaskUi, ReviewError> {
        let spec = HumanTaskUiSpec::parse(request)?;
        Ok(self.store.create_task_ui(&spec, self.now()).await?)
    }

    pub async fn find_task_ui(&self, name: &HumanTaskUiName) -> Result<HumanTaskUi, ReviewError> {
        self.store
            .find_task_ui(name)
            .await?
            .ok_or_else(|| does_not_exist("Human task UI", name))
    }

    /// `RenderUiTemplate`: the template (given, or a stored UI's) rendered against
    /// `Task.Input`. A template that does not parse or render is not an error of the call: it
    /// comes back in `errors`, with empty content, as A2I answers. A stored UI renders with its
    /// assets, their URLs starting with `asset_base` (the caller's origin).
    pub async fn render_ui_template(
        &self,
        request: &Value,
        grants: Arc<dyn ReadGrants>,
        asset_base: &str,
    ) -> Result<RenderedTemplate, ReviewError> {
        let request = RenderRequest::parse(request, &self.account)?;
        let (content, assets) = match request.source {
            TemplateSource::Inline(content) => (
                content,
                Arc::new(templates::AssetLinks::unavailable(
                    "only a stored template (HumanTaskUiArn) has assets",
                )),
            ),
            TemplateSource::Stored(Some(name), _) => {
                let ui = self.find_task_ui(&name).await?;
                let assets = self.template_surroundings(&ui, asset_base).await?.assets;
                (ui.spec.ui_template.content, assets)
            }
            TemplateSource::Stored(None, arn) => {
                return Err(does_not_exist("Human task UI", arn));
            }
        };
        Ok(
            match templates::render_with_assets(&content, &request.task_input, grants, assets) {
                Ok(content) => RenderedTemplate {
                    content,
                    errors: Vec::new(),
                },
                Err(error) => RenderedTemplate {
                    content: String::new(),
                    errors: vec![error],
                },
            },
        )
    }

    /// `DeleteHumanTaskUi`: gone from lists at once, and no new flow definition may use it
    /// (spec 3.3.4). A UI that flow definitions still use stays readable, as `Deleting`, so their
    /// loops can still be worked on; starts on those flows are refused. It goes for good when the
    /// last such flow is removed.
    pub async fn delete_task_ui(&self, name: &HumanTaskUiName) -> Result<(), ReviewError> {
        let ui = self.find_task_ui(name).await?;
        if ui.status == HumanTaskUiStatus::Deleting {
            return Err(does_not_exist("Human task UI", name));
        }
        if self.flows_using(name).await? {
            self.store.retire_task_ui(name).await?;
        } else {
            self.store.delete_task_ui(name).await?;
        }
        Ok(())
    }

    pub(super) async fn flows_using(&self, ui: &HumanTaskUiName) -> Result<bool, ReviewError> {
        Ok(self
            .store
            .list_flows()
            .await?
            .iter()
            .any(|flow| flow.spec.human_loop_config.human_task_ui_arn.name() == ui))
    }

    /// Removes retired task UIs that no flow definition uses any more.
    pub(super) async fn purge_retired_task_uis(&self) -> Result<(), ReviewError> {
        let flows = self.store.list_flows().await?;
        let in_use: std::collections::HashSet<&HumanTaskUiName> = flows
            .iter()
            .map(|flow| flow.spec.human_loop_config.human_task_ui_arn.name())
            .collect();
        // Retired UIs are not listed; look them up by the names flows no longer hold.
        for ui in self.store.retired_task_uis().await? {
            if !in_use.contains(&ui) {
                self.store.delete_task_ui(&ui).await?;
            }
        }
        Ok(())
    }
}
