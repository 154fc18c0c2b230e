//! Human loops: the activation decision, `StartHumanLoop`, and a loop's stop and delete.

use std::time::Duration;

use serde_json::Value;

use super::flow_definitions::FlowRules;
use super::{ReviewError, Reviews, does_not_exist};
use crate::conditions::{ActivationReport, HumanLoopActivationOutput, Inference, to_a2i_case};
use crate::domain::arns::HumanLoopArn;
use crate::domain::loops::{
    ContentClassifier, FlowDefinition, HumanLoop, InputDigest, MAX_INPUT_CONTENT_BYTES,
    NewHumanLoop, StartOutcome,
};
use crate::domain::names::{FlowDefinitionName, HumanLoopName};
use crate::output::OutputLocation;
use crate::requests::human_loops::StartRequest;

/// What a start did.
#[derive(Debug, Clone, PartialEq)]
pub struct StartResponse {
    /// Present when a loop exists for this start (new, or the same start retried).
    pub human_loop_arn: Option<HumanLoopArn>,
    /// For built-in task types: why a loop was (or was not) started.
    pub activation: Option<HumanLoopActivationOutput>,
    pub report: Option<ActivationReport>,
    /// True when this start repeated an earlier one (same name, same input).
    pub already_started: bool,
}

/// A loop as `DescribeHumanLoop` tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoopDescription {
    pub human_loop: HumanLoop,
    /// `HumanLoopOutput.OutputS3Uri`: where output.json is (or will be) written.
    pub output_uri: Option<String>,
}

/// Whether a start creates a loop, with the activation report of built-in task types.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationDecision {
    pub starts_loop: bool,
    pub report: Option<ActivationReport>,
}

impl Reviews {
    /// Whether a start with this input would create a loop, and why: the flow's activation
    /// conditions (built-in task types) or its JsonLogic rule (custom ones). Writes nothing.
    pub(super) fn decide(
        &self,
        flow: &FlowDefinition,
        input_content: &str,
    ) -> Result<ActivationDecision, ReviewError> {
        let input: Value = serde_json::from_str(input_content).map_err(|e| {
            ReviewError::invalid(
                "HumanLoopInput.InputContent",
                format!("not valid JSON: {e}"),
            )
        })?;
        let rules = self.rules(flow)?;
        match &*rules {
            FlowRules::BuiltIn { source, conditions } => {
                let input = to_a2i_case(input);
                let response = input.get("aiServiceResponse").ok_or_else(|| {
                    ReviewError::invalid(
                        "HumanLoopInput.InputContent",
                        "a flow definition with a HumanLoopRequestSource needs \
                         {\"aiServiceRequest\": …, \"aiServiceResponse\": …}",
                    )
                })?;
                let report = match conditions {
                    None => ActivationReport::without_conditions(*source, response),
                    Some(conditions) => {
                        let mut inference = Inference::new(response);
                        if let Some(request) = input.get("aiServiceRequest") {
                            inference = inference.with_request(request);
                        }
                        conditions
                            .evaluate(inference)
                            .map_err(|e| {
                                ReviewError::invalid("HumanLoopInput.InputContent", e.to_string())
                            })?
                            .report()
                    }
                };
                Ok(ActivationDecision {
                    starts_loop: report.activated,
                    report: Some(report),
                })
            }
            FlowRules::Custom(conditions) => Ok(ActivationDecision {
                starts_loop: conditions.decide(&input).starts_loop(),
                report: None,
            }),
        }
    }

    /// What `StartHumanLoop` would decide for this input on this flow, without starting or
    /// storing anything.
    pub async fn dry_run_start(
        &self,
        flow: &FlowDefinitionName,
        input_content: &str,
    ) -> Result<ActivationDecision, ReviewError> {
        let flow = self.find_flow_definition(flow).await?;
        self.decide(&flow, input_content)
    }

    /// `StartHumanLoop`: evaluates the flow's activation conditions and, when they hold (or the
    /// flow is custom), starts the loop. Retrying with the same name and input returns the same
    /// loop; the same name with other input is a conflict.
    pub async fn start_human_loop(
        &self,
        request: StartRequest,
    ) -> Result<StartResponse, ReviewError> {
        if request.input_content.len() > MAX_INPUT_CONTENT_BYTES {
            return Err(ReviewError::invalid(
                "HumanLoopInput.InputContent",
                format!("Member must have length less than or equal to {MAX_INPUT_CONTENT_BYTES}"),
            ));
        }
        let startable = self.recent_flow(&request.flow).await?;
        let flow = &startable.flow;
        if !startable.ui_active {
            return Err(ReviewError::refused_request(format!(
                "The human task UI {} of flow definition {} was deleted; the flow definition \
                 takes no new human loops",
                flow.spec.human_loop_config.human_task_ui_arn.name(),
                request.flow
            )));
        }
        if !flow.status.starts_loops() {
            return Err(ReviewError::refused_request(format!(
                "Flow definition {} is {}, not Active",
                request.flow,
                flow.status.as_str()
            )));
        }
        let config = &flow.spec.human_loop_config;
        if config.is_public_crowd()
            && !request
                .content_classifiers
                .contains(&ContentClassifier::FreeOfPersonallyIdentifiableInformation)
        {
            return Err(ReviewError::invalid(
                "DataAttributes.ContentClassifiers",
                "loops on the public crowd must declare FreeOfPersonallyIdentifiableInformation",
            ));
        }
        let decision = self.decide(flow, &request.input_content)?;
        if !decision.starts_loop {
            return Ok(StartResponse {
                human_loop_arn: None,
                activation: decision.report.as_ref().map(|r| r.activation_output(None)),
                report: decision.report,
                already_started: false,
            });
        }
        let report = decision.report;
        let now = self.now();
        let new = NewHumanLoop {
            name: request.name.clone(),
            flow_id: flow.id,
            input_digest: InputDigest::of(&request.input_content),
            input_content: request.input_content,
            content_classifiers: request.content_classifiers,
            activation: report.clone(),
            task_count: config.task_count.get(),
            time_limit_ms: i64::from(config.task_time_limit_in_seconds) * 1000,
            created_at: now,
            expires_at: now.plus(Duration::from_secs(u64::from(
                config.task_availability_lifetime_in_seconds,
            ))),
        };
        let outcome = self.starter.run(new).await?;
        let arn = self.account.human_loop_arn(&request.name);
        Ok(StartResponse {
            activation: report
                .as_ref()
                .map(|r| r.activation_output(Some(arn.to_string()))),
            human_loop_arn: Some(arn),
            report,
            already_started: matches!(outcome, StartOutcome::AlreadyStarted(_)),
        })
    }

    pub async fn find_human_loop(&self, name: &HumanLoopName) -> Result<HumanLoop, ReviewError> {
        self.store
            .find_loop(name)
            .await?
            .ok_or_else(|| does_not_exist("Human loop", name))
    }

    /// `DescribeHumanLoop`: the loop and where its output.json goes. The location is known from
    /// the loop's creation, so it is given in every state (spec 3.1.2), before the file exists.
    pub async fn describe_human_loop(
        &self,
        name: &HumanLoopName,
    ) -> Result<LoopDescription, ReviewError> {
        let human_loop = self.find_human_loop(name).await?;
        let location_in = |flow: &FlowDefinition| {
            OutputLocation::for_loop(
                &flow.spec.output_config.s3_output_path,
                flow.name(),
                human_loop.created_at,
                &human_loop.name,
            )
            .ok()
            .map(|location| location.uri())
        };
        let output_uri = match &human_loop.output_uri {
            Some(written) => Some(written.clone()),
            // The flow as StartHumanLoop caches it, when it is still this loop's flow; else
            // by id (a loop's flow outlives it: a deleted flow goes only with its last loop).
            None => match self.recent_flow(&human_loop.flow_name).await {
                Ok(cached) if cached.flow.id == human_loop.flow_id => location_in(&cached.flow),
                _ => match self.store.find_flow_by_id(human_loop.flow_id).await? {
                    Some(flow) => location_in(&flow),
                    None => None,
                },
            },
        };
        Ok(LoopDescription {
            human_loop,
            output_uri,
        })
    }

    pub async fn stop_human_loop(&self, name: &HumanLoopName) -> Result<HumanLoop, ReviewError> {
        Ok(self
            .store
            .stop_loop(name, self.now(), &self.finisher)
            .await?)
    }

    pub async fn delete_human_loop(&self, name: &HumanLoopName) -> Result<(), ReviewError> {
        Ok(self.store.delete_loop(name).await?)
    }
}
