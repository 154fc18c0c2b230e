//! Flow definitions: create, read, delete, and the short-lived caches starts read them through.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::{ReviewError, Reviews, does_not_exist};
use crate::conditions::{CompiledConditions, CustomFlowConditions, RequestSource};
use crate::domain::arns::WorkteamRef;
use crate::domain::flows::{FlowDefinitionSpec, FlowDefinitionStatus};
use crate::domain::loops::FlowDefinition;
use crate::domain::names::FlowDefinitionName;
use crate::domain::task_uis::HumanTaskUiStatus;
use crate::output::S3OutputPath;
use crate::store::{FlowDeletion, NewFlowDefinition};

/// A flow definition as a start needs it: the definition, and whether its task UI is still
/// active (a retired UI takes no new loops, spec 3.3.4).
#[derive(Debug)]
pub(super) struct StartableFlow {
    pub(super) flow: FlowDefinition,
    pub(super) ui_active: bool,
}

/// How a flow definition decides whether a start creates a loop.
#[derive(Debug)]
pub(super) enum FlowRules {
    /// Built-in task type; `None` conditions send every request to humans.
    BuiltIn {
        source: RequestSource,
        conditions: Option<CompiledConditions>,
    },
    Custom(CustomFlowConditions),
}

/// How long a start may use a flow definition read earlier. A flow's settings never change; only
/// its status does (to `Deleting`). So a delete made on another replica can let starts through
/// for up to this long; they then run their course like the loops that were in progress.
pub const FLOW_CACHE_TTL: Duration = Duration::from_secs(1);

pub(super) fn rules_of(
    spec: &FlowDefinitionSpec,
    custom_conditions: Option<&str>,
) -> Result<FlowRules, ReviewError> {
    match spec.human_loop_request_source {
        Some(source) => {
            let source = source.aws_managed_human_loop_request_source;
            let conditions = spec
                .activation_conditions()
                .map(|text| CompiledConditions::compile(source, text))
                .transpose()
                .map_err(|e| {
                    ReviewError::invalid(
                        "HumanLoopActivationConfig.HumanLoopActivationConditionsConfig.\
                         HumanLoopActivationConditions",
                        e.to_string(),
                    )
                })?;
            if custom_conditions.is_some() {
                return Err(ReviewError::refused_request(
                    "custom activation rules apply only to flow definitions without a \
                     HumanLoopRequestSource",
                ));
            }
            Ok(FlowRules::BuiltIn { source, conditions })
        }
        None => match custom_conditions {
            None => Ok(FlowRules::Custom(CustomFlowConditions::always())),
            Some(text) => CustomFlowConditions::parse(text)
                .map(FlowRules::Custom)
                .map_err(|e| ReviewError::refused_request(format!("custom activation rule: {e}"))),
        },
    }
}

impl Reviews {
    /// Every flow definition.
    pub async fn list_flows(&self) -> Result<Vec<FlowDefinition>, ReviewError> {
        Ok(self.store.list_flows().await?)
    }

    /// `CreateFlowDefinition`, plus Loupe's optional JsonLogic rule for custom flows. The flow
    /// is `Active` at once: everything A2I checks while `Initializing` is checked here.
    pub async fn create_flow_definition(
        &self,
        request: &Value,
        custom_conditions: Option<&str>,
    ) -> Result<FlowDefinition, ReviewError> {
        let spec = FlowDefinitionSpec::parse(request, &self.account, &self.limits)?;
        let config = &spec.human_loop_config;
        let ui = config.human_task_ui_arn.name();
        let usable = self.store.find_task_ui(ui).await?;
        if usable.is_none_or(|ui| ui.status != HumanTaskUiStatus::Active) {
            return Err(ReviewError::invalid(
                "HumanLoopConfig.HumanTaskUiArn",
                format!("human task UI {ui} does not exist"),
            ));
        }
        if let WorkteamRef::Private(team) = config.workteam_arn.team()
            && self.store.find_team(team).await?.is_none()
        {
            return Err(ReviewError::invalid(
                "HumanLoopConfig.WorkteamArn",
                format!("work team {team} does not exist"),
            ));
        }
        S3OutputPath::parse(&spec.output_config.s3_output_path)
            .map_err(|e| ReviewError::invalid("OutputConfig.S3OutputPath", e.to_string()))?;
        rules_of(&spec, custom_conditions)?;
        let flow = NewFlowDefinition {
            spec,
            status: FlowDefinitionStatus::Active,
            failure_reason: None,
            custom_conditions: custom_conditions.map(str::to_owned),
            created_at: self.now(),
        };
        Ok(self.store.create_flow(&flow).await?)
    }

    pub async fn find_flow_definition(
        &self,
        name: &FlowDefinitionName,
    ) -> Result<FlowDefinition, ReviewError> {
        self.store
            .find_flow(name)
            .await?
            .ok_or_else(|| does_not_exist("Flow definition", name))
    }

    /// `DeleteFlowDefinition`: only `Active` flows (the DG's rule); loops nobody started stop
    /// and go at once, the rest run to their end first.
    pub async fn delete_flow_definition(
        &self,
        name: &FlowDefinitionName,
    ) -> Result<FlowDeletion, ReviewError> {
        let flow = self.find_flow_definition(name).await?;
        if !flow.status.can_be_deleted() {
            return Err(ReviewError::Conflict(format!(
                "Flow definition {name} is {}; only Active flow definitions can be deleted",
                flow.status.as_str()
            )));
        }
        let deletion = self
            .store
            .delete_flow(name, self.now(), &self.finisher)
            .await?;
        self.rules
            .write()
            .expect("rules lock")
            .remove(&(flow.id, flow.created_at));
        self.flows.write().expect("flows lock").remove(name);
        if deletion.removed {
            self.purge_retired_task_uis().await?;
        }
        Ok(deletion)
    }

    /// The flow definition, from the cache when read less than [`FLOW_CACHE_TTL`] ago.
    pub(super) async fn recent_flow(
        &self,
        name: &FlowDefinitionName,
    ) -> Result<Arc<StartableFlow>, ReviewError> {
        if let Some((read_at, flow)) = self.flows.read().expect("flows lock").get(name)
            && read_at.elapsed() < FLOW_CACHE_TTL
        {
            return Ok(flow.clone());
        }
        let flow = self.find_flow_definition(name).await?;
        let ui = self
            .store
            .find_task_ui(flow.spec.human_loop_config.human_task_ui_arn.name())
            .await?;
        let flow = Arc::new(StartableFlow {
            ui_active: ui.is_some_and(|ui| ui.status == HumanTaskUiStatus::Active),
            flow,
        });
        self.flows
            .write()
            .expect("flows lock")
            .insert(name.clone(), (std::time::Instant::now(), flow.clone()));
        Ok(flow)
    }

    pub(super) fn rules(&self, flow: &FlowDefinition) -> Result<Arc<FlowRules>, ReviewError> {
        let key = (flow.id, flow.created_at);
        if let Some(rules) = self.rules.read().expect("rules lock").get(&key) {
            return Ok(rules.clone());
        }
        let rules = Arc::new(rules_of(&flow.spec, flow.custom_conditions.as_deref())?);
        self.rules
            .write()
            .expect("rules lock")
            .insert(key, rules.clone());
        Ok(rules)
    }
}
