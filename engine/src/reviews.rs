//! The review engine's front door: every operation the API and the two UIs perform on task
//! UIs, flow definitions, human loops and tasks, with the rules checked once, here.
//!
//! [`Reviews`] owns no state besides caches that are safe to lose (compiled conditions, keyed by
//! a flow definition's id and creation time, which never change) and the group-commit writers;
//! everything else is in the [`Store`], so several replicas can serve one database.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::Value;

use crate::accounts::UserId;
use crate::arns::{Account, HumanLoopArn, WorkteamRef};
use crate::clock::{Clock, Timestamp};
use crate::conditions::{
    ActivationReport, CompiledConditions, CustomFlowConditions, HumanLoopActivationOutput,
    Inference, RequestSource, to_a2i_case,
};
use crate::flows::{FlowDefinitionSpec, FlowDefinitionStatus, RequestError, TaskLimits};
use crate::group_commit::{GroupCommit, LoopStarts, TaskWorkBatches};
use crate::instances::InstanceId;
use crate::lifecycle::OutputFinisher;
use crate::loops::{
    ClaimedTask, ContentClassifier, FlowDefinition, FlowId, HumanLoop, InputDigest,
    MAX_INPUT_CONTENT_BYTES, NewHumanLoop, StartOutcome, Task, TaskId, TaskStatus,
};
use crate::names::{FlowDefinitionName, HumanLoopName, HumanTaskUiName};
use crate::output::S3OutputPath;
use crate::output_store::OutputStore;
use crate::store::{
    FlowDeletion, NewFlowDefinition, Store, StoreError, SubmitReceipt, TaskDone, TaskRefusal,
    TaskWork,
};
use crate::task_uis::{
    HumanTaskUi, HumanTaskUiSpec, HumanTaskUiStatus, RenderRequest, TemplateSource,
};
use crate::teams::{NewTeam, TeamDetails, TeamUpdate, WorkteamName};
use crate::templates::{self, ReadGrants, TemplateError};
use crate::workteam_requests;

/// The engine's errors, in domain words. The API maps them to AWS error types, the UI to
/// messages.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A request that breaks a rule: `ValidationException`.
    #[error("{0}")]
    Validation(Violation),
    /// A malformed or invalid Create request, already in the API's vocabulary.
    #[error("{0}")]
    Request(#[from] RequestError),
    /// `ResourceNotFound`.
    #[error("{0}")]
    NotFound(String),
    /// A name in use, or an operation the resource's state does not allow: `ConflictException`
    /// / `ResourceInUse`.
    #[error("{0}")]
    Conflict(String),
    /// A worker action the task's state does not allow.
    #[error("{0}")]
    Refused(TaskRefusal),
    #[error("{0}")]
    Store(StoreError),
}

/// A rule a request breaks, and the request member it is about when there is one, so that a form
/// can put the message at its field without reading the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The member in the API's spelling, such as `HumanLoopConfig.WorkteamArn`.
    pub member: Option<&'static str>,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.member {
            Some(member) => write!(f, "{member}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl ReviewError {
    /// `member` breaks a rule.
    fn invalid(member: &'static str, message: impl Into<String>) -> Self {
        Self::Validation(Violation {
            member: Some(member),
            message: message.into(),
        })
    }

    /// The request as a whole breaks a rule.
    fn refused_request(message: impl Into<String>) -> Self {
        Self::Validation(Violation {
            member: None,
            message: message.into(),
        })
    }
}

impl From<StoreError> for ReviewError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::NotFound(message) => Self::NotFound(message),
            StoreError::Refused(refusal) => Self::Refused(refusal),
            other => Self::Store(other),
        }
    }
}

/// `StartHumanLoop`, parsed.
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub name: HumanLoopName,
    pub flow: FlowDefinitionName,
    /// The caller's `InputContent`, a JSON document as text.
    pub input_content: String,
    pub content_classifiers: Vec<ContentClassifier>,
}

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

/// Whether a start creates a loop, with the activation report of built-in task types.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationDecision {
    pub starts_loop: bool,
    pub report: Option<ActivationReport>,
}

/// What `RenderUiTemplate` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedTemplate {
    pub content: String,
    pub errors: Vec<TemplateError>,
}

/// What one run of the scheduled work did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueWork {
    pub tasks_returned: u64,
    /// Held by workers no longer in the flow's team: back to the pool.
    pub tasks_orphaned: u64,
    pub loops_expired: u64,
    pub flows_purged: u64,
    pub outputs_written: u64,
    pub outputs_failed: u64,
}

/// A flow definition as a start needs it: the definition, and whether its task UI is still
/// active (a retired UI takes no new loops, spec 3.3.4).
#[derive(Debug)]
struct StartableFlow {
    flow: FlowDefinition,
    ui_active: bool,
}

/// How a flow definition decides whether a start creates a loop.
#[derive(Debug)]
enum FlowRules {
    /// Built-in task type; `None` conditions send every request to humans.
    BuiltIn {
        source: RequestSource,
        conditions: Option<CompiledConditions>,
    },
    Custom(CustomFlowConditions),
}

/// How long a leased output write may take before another runner retries it, while its
/// instance lives (a gone instance's leases end at once).
const OUTPUT_LEASE: Duration = Duration::from_secs(60);
/// Work taken per scheduler run and kind, so one run stays short.
const SWEEP_LIMIT: u32 = 500;

pub struct Reviews {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    account: Account,
    limits: TaskLimits,
    finisher: OutputFinisher,
    starter: GroupCommit<LoopStarts>,
    /// Claims and submits.
    desk: GroupCommit<TaskWorkBatches>,
    /// The instance this engine runs in, named on the output files it leases: see
    /// [`Reviews::with_instance`].
    instance: Option<InstanceId>,
    rules: RwLock<HashMap<(FlowId, Timestamp), Arc<FlowRules>>>,
    /// Flow definitions as recently read, for starts: see [`FLOW_CACHE_TTL`].
    flows: RwLock<HashMap<FlowDefinitionName, (std::time::Instant, Arc<StartableFlow>)>>,
}

/// How long a start may use a flow definition read earlier. A flow's settings never change; only
/// its status does (to `Deleting`). So a delete made on another replica can let starts through
/// for up to this long; they then run their course like the loops that were in progress.
pub const FLOW_CACHE_TTL: Duration = Duration::from_secs(1);

impl std::fmt::Debug for Reviews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviews")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Reviews {
    /// Must be called on a Tokio runtime: it spawns the group-commit writers.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        account: Account,
        limits: TaskLimits,
    ) -> Self {
        let writers = match store.backend() {
            crate::store::Backend::Sqlite => 1,
            crate::store::Backend::Postgres => 4,
        };
        let finisher = OutputFinisher {
            account: account.clone(),
        };
        Self {
            starter: GroupCommit::spawn(LoopStarts(store.clone()), writers),
            desk: GroupCommit::spawn(
                TaskWorkBatches {
                    store: store.clone(),
                    finisher: finisher.clone(),
                },
                writers,
            ),
            finisher,
            store,
            clock,
            account,
            limits,
            instance: None,
            rules: RwLock::new(HashMap::new()),
            flows: RwLock::new(HashMap::new()),
        }
    }

    /// Makes the output files this engine's scheduled work leases ones of `instance`: the lease
    /// ends as soon as the instance stops beating its heartbeat (see [`crate::instances`]).
    /// Without one, a lease only runs out (after 60 s).
    pub fn with_instance(mut self, instance: InstanceId) -> Self {
        self.instance = Some(instance);
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    /// The bounds and defaults of task lifetimes and time limits this server applies.
    pub fn limits(&self) -> &TaskLimits {
        &self.limits
    }

    pub fn finisher(&self) -> &OutputFinisher {
        &self.finisher
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    // --- Human task UIs -------------------------------------------------------------------

    pub async fn create_task_ui(&self, request: &Value) -> Result<HumanTaskUi, ReviewError> {
        let spec = HumanTaskUiSpec::parse(request)?;
        Ok(self.store.create_task_ui(&spec, self.now()).await?)
    }

    pub async fn find_task_ui(&self, name: &HumanTaskUiName) -> Result<HumanTaskUi, ReviewError> {
        self.store
            .find_task_ui(name)
            .await?
            .ok_or_else(|| ReviewError::NotFound(format!("Human task UI {name} does not exist")))
    }

    /// `RenderUiTemplate`: the template (given, or a stored UI's) rendered against
    /// `Task.Input`. A template that does not parse or render is not an error of the call: it
    /// comes back in `errors`, with empty content, as A2I answers.
    pub async fn render_ui_template(
        &self,
        request: &Value,
        grants: Arc<dyn ReadGrants>,
    ) -> Result<RenderedTemplate, ReviewError> {
        let request = RenderRequest::parse(request, &self.account)?;
        let content = match request.source {
            TemplateSource::Inline(content) => content,
            TemplateSource::Stored(Some(name), _) => {
                self.find_task_ui(&name).await?.spec.ui_template.content
            }
            TemplateSource::Stored(None, arn) => {
                return Err(ReviewError::NotFound(format!(
                    "Human task UI {arn} does not exist"
                )));
            }
        };
        Ok(
            match templates::render(&content, &request.task_input, grants) {
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
            return Err(ReviewError::NotFound(format!(
                "Human task UI {name} does not exist"
            )));
        }
        if self.flows_using(name).await? {
            self.store.retire_task_ui(name).await?;
        } else {
            self.store.delete_task_ui(name).await?;
        }
        Ok(())
    }

    async fn flows_using(&self, ui: &HumanTaskUiName) -> Result<bool, ReviewError> {
        Ok(self
            .store
            .list_flows()
            .await?
            .iter()
            .any(|flow| flow.spec.human_loop_config.human_task_ui_arn.name() == ui))
    }

    /// Removes retired task UIs that no flow definition uses any more.
    async fn purge_retired_task_uis(&self) -> Result<(), ReviewError> {
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

    // --- Work teams ------------------------------------------------------------------------

    /// `CreateWorkteam`: the groups its member definitions name are created (empty) when they
    /// do not exist yet; admins put workers in them.
    pub async fn create_workteam(&self, request: &Value) -> Result<TeamDetails, ReviewError> {
        let spec = workteam_requests::parse_create(request)?;
        let groups = workteam_requests::group_names(&spec.member_definitions);
        let now = self.now();
        self.store.ensure_worker_groups(&groups, now).await?;
        self.store
            .create_team(&NewTeam {
                name: spec.name.clone(),
                description: spec.description,
                notification_topic_arn: spec.notification_topic_arn,
                groups,
                created_at: now,
                member_definitions: Some(to_json(&spec.member_definitions)),
                worker_access: spec.worker_access.map(|v| v.to_string()),
                tags: Some(to_json(&spec.tags)),
            })
            .await?;
        self.workteam(&spec.name).await
    }

    /// `UpdateWorkteam`: member definitions replace the team's groups.
    pub async fn update_workteam(&self, request: &Value) -> Result<TeamDetails, ReviewError> {
        let change = workteam_requests::parse_update(request)?;
        let now = self.now();
        let groups = change
            .member_definitions
            .as_ref()
            .map(|d| workteam_requests::group_names(d));
        if let Some(groups) = &groups {
            self.store.ensure_worker_groups(groups, now).await?;
        }
        self.store
            .update_team(
                &change.name,
                &TeamUpdate {
                    description: change.description,
                    notification_topic_arn: change.notification_topic_arn,
                    groups,
                    member_definitions: change.member_definitions.as_ref().map(to_json),
                    worker_access: change.worker_access.map(|v| v.to_string()),
                },
                now,
            )
            .await?;
        self.workteam(&change.name).await
    }

    pub async fn workteam(&self, name: &WorkteamName) -> Result<TeamDetails, ReviewError> {
        self.store
            .team_details(name)
            .await?
            .ok_or_else(|| ReviewError::NotFound(format!("Work team {name} does not exist")))
    }

    // --- Flow definitions -----------------------------------------------------------------

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
            .ok_or_else(|| ReviewError::NotFound(format!("Flow definition {name} does not exist")))
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
    async fn recent_flow(
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

    fn rules(&self, flow: &FlowDefinition) -> Result<Arc<FlowRules>, ReviewError> {
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

    // --- Human loops ----------------------------------------------------------------------

    /// Whether a start with this input would create a loop, and why: the flow's activation
    /// conditions (built-in task types) or its JsonLogic rule (custom ones). Writes nothing.
    fn decide(
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
            activation: report
                .as_ref()
                .map(|r| serde_json::to_value(r).expect("reports serialize")),
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
            .ok_or_else(|| ReviewError::NotFound(format!("Human loop {name} does not exist")))
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

    // --- Worker tasks ---------------------------------------------------------------------

    /// The flows whose queues a worker may take tasks from.
    pub async fn queues_of(&self, worker: UserId) -> Result<Vec<FlowDefinition>, ReviewError> {
        Ok(self.store.flows_for_worker(worker).await?)
    }

    /// The worker's queues as they see them, with how many tasks wait in each.
    pub async fn queue_summaries(&self, worker: UserId) -> Result<Vec<QueueSummary>, ReviewError> {
        let flows = self.store.flows_for_worker(worker).await?;
        self.summaries_of(worker, flows).await
    }

    /// What the worker's queue page shows: their queues, and the tasks they hold and may still
    /// answer (see [`Reviews::held_tasks`]), from one read of their queues.
    pub async fn work_overview(&self, worker: UserId) -> Result<WorkOverview, ReviewError> {
        let flows = self.store.flows_for_worker(worker).await?;
        let held = self.held_in(worker, &flows).await?;
        Ok(WorkOverview {
            queues: self.summaries_of(worker, flows).await?,
            held,
        })
    }

    async fn summaries_of(
        &self,
        worker: UserId,
        flows: Vec<FlowDefinition>,
    ) -> Result<Vec<QueueSummary>, ReviewError> {
        let now = self.now();
        let mut out = Vec::new();
        for flow in flows {
            let available = self
                .store
                .available_for_worker(flow.id, worker, now, QUEUE_COUNT_CAP + 1)
                .await?;
            let config = &flow.spec.human_loop_config;
            out.push(QueueSummary {
                flow_id: flow.id,
                flow: flow.name().to_string(),
                title: config.task_title.clone(),
                description: config.task_description.clone(),
                keywords: config.task_keywords.clone().unwrap_or_default(),
                price_usd: config.pay_per_task().map(|price| price.to_string()),
                time_limit_seconds: config.task_time_limit_in_seconds,
                available: available.min(QUEUE_COUNT_CAP),
                more_waiting: available > QUEUE_COUNT_CAP,
            });
        }
        Ok(out)
    }

    /// The queue (flow definition) of this name, for a claim: from the short-lived flow cache,
    /// since the claim itself checks that the worker may take its tasks.
    pub async fn queue_named(&self, name: &FlowDefinitionName) -> Result<FlowId, ReviewError> {
        Ok(self.recent_flow(name).await?.flow.id)
    }

    /// Claims the oldest task the worker may take: of `flow`, or of any of their queues.
    pub async fn claim_next(
        &self,
        worker: UserId,
        flow: Option<FlowId>,
    ) -> Result<Option<ClaimedTask>, ReviewError> {
        let now = self.now();
        // A named queue: the claim checks the worker's right to the flow itself, so only an
        // empty answer needs telling apart "nothing waiting" from "not your queue".
        let flows = match flow {
            Some(flow) => vec![flow],
            None => self
                .store
                .flows_for_worker(worker)
                .await?
                .iter()
                .map(|queue| queue.id)
                .collect(),
        };
        if flows.is_empty() {
            return Ok(None);
        }
        let claimed = match self
            .desk
            .run(TaskWork::Claim { worker, flows, now })
            .await?
        {
            TaskDone::Claimed(claimed) => claimed,
            TaskDone::Submitted(_) => return Err(mismatch()),
        };
        if claimed.is_none()
            && let Some(flow) = flow
        {
            let queues = self.store.flows_for_worker(worker).await?;
            if !queues.iter().any(|q| q.id == flow) {
                return Err(ReviewError::NotFound(
                    "no such queue among your teams' flow definitions".to_owned(),
                ));
            }
        }
        Ok(claimed)
    }

    pub async fn submit(
        &self,
        task: TaskId,
        worker: UserId,
        answer: &Value,
        time_spent: Option<Duration>,
    ) -> Result<SubmitReceipt, ReviewError> {
        let time_spent_ms = time_spent.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        match self
            .desk
            .run(TaskWork::Submit {
                task,
                worker,
                answer: answer.clone(),
                time_spent_ms,
                now: self.now(),
            })
            .await?
        {
            TaskDone::Submitted(receipt) => Ok(receipt),
            TaskDone::Claimed(_) => Err(mismatch()),
        }
    }

    /// A task `worker` holds now, with its loop and flow definition: what the task page shows.
    /// Anything else (another worker's task, a returned or answered one) is `NotFound`, so the
    /// answer says nothing about tasks that are not the caller's.
    pub async fn held_task(
        &self,
        task: TaskId,
        worker: UserId,
    ) -> Result<(Task, HumanLoop, FlowDefinition), ReviewError> {
        let not_found = || ReviewError::NotFound("you hold no such task".to_owned());
        let task = self.store.find_task(task).await?.ok_or_else(not_found)?;
        let held = task.status == TaskStatus::Accepted
            && task.worker == Some(worker)
            && task
                .deadline_at
                .is_some_and(|deadline| deadline > self.now());
        if !held {
            return Err(not_found());
        }
        let human_loop = self
            .store
            .find_loop_by_id(task.loop_id)
            .await?
            .ok_or_else(not_found)?;
        let flow = self
            .store
            .find_flow_by_id(human_loop.flow_id)
            .await?
            .ok_or_else(not_found)?;
        // Removed from the flow's team since the claim: no longer theirs to see.
        let queues = self.store.flows_for_worker(worker).await?;
        if !queues.iter().any(|queue| queue.id == flow.id) {
            return Err(not_found());
        }
        Ok((task, human_loop, flow))
    }

    /// The tasks `worker` holds now and may still answer (their team still gets the flow),
    /// soonest deadline first: what a worker can go back to.
    pub async fn held_tasks(&self, worker: UserId) -> Result<Vec<(Task, FlowId)>, ReviewError> {
        let queues = self.store.flows_for_worker(worker).await?;
        self.held_in(worker, &queues).await
    }

    /// The held tasks of `worker` whose flows are among `queues`: a task held by someone their
    /// team no longer gets the flow for is not theirs to go back to.
    async fn held_in(
        &self,
        worker: UserId,
        queues: &[FlowDefinition],
    ) -> Result<Vec<(Task, FlowId)>, ReviewError> {
        let mut held = self.store.held_tasks(worker, self.now()).await?;
        held.retain(|(_, flow)| queues.iter().any(|queue| queue.id == *flow));
        Ok(held)
    }

    pub async fn release(&self, task: TaskId, worker: UserId) -> Result<(), ReviewError> {
        Ok(self
            .store
            .release_task(task, worker, self.now(), &self.finisher)
            .await?)
    }

    pub async fn decline(&self, task: TaskId, worker: UserId) -> Result<(), ReviewError> {
        Ok(self
            .store
            .decline_task(task, worker, self.now(), &self.finisher)
            .await?)
    }

    /// The worker's task page saw the template's frame leave Loupe's document: kept for the
    /// admin, who is the one who can fix the template.
    pub async fn report_frame_departure(
        &self,
        task: TaskId,
        worker: UserId,
    ) -> Result<(), ReviewError> {
        Ok(self
            .store
            .record_frame_departure(task, worker, self.now())
            .await?)
    }

    // --- Scheduled work -------------------------------------------------------------------

    /// Everything time makes due: held tasks past their deadline, or held by someone no longer
    /// in the flow's team, go back to the pool, loops past their availability lifetime end,
    /// deleted flow definitions whose loops are done go, and pending output files are written.
    /// Safe to run on every replica at once.
    pub async fn run_due_work(&self, outputs: &OutputStore) -> Result<DueWork, ReviewError> {
        let now = self.now();
        let mut work = DueWork {
            tasks_returned: self
                .store
                .return_overdue_tasks(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            tasks_orphaned: self
                .store
                .return_orphaned_tasks(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            loops_expired: self
                .store
                .expire_loops(now, SWEEP_LIMIT, &self.finisher)
                .await?,
            flows_purged: self.store.purge_deleted_flows().await?,
            ..DueWork::default()
        };
        if work.flows_purged > 0 {
            self.purge_retired_task_uis().await?;
        }
        let leased = self
            .store
            .lease_outputs(now, now.plus(OUTPUT_LEASE), 64, self.instance.as_ref())
            .await?;
        for output in leased {
            let body = bytes::Bytes::from(output.body.into_bytes());
            match outputs.put(&output.uri, body, "application/json").await {
                Ok(()) => {
                    self.store.output_written(output.id, self.now()).await?;
                    work.outputs_written += 1;
                }
                Err(error) => {
                    tracing::warn!(uri = %output.uri, attempts = output.attempts, %error,
                        "writing output.json failed; will retry");
                    let retry_at = self.now().plus(retry_delay(output.attempts));
                    self.store
                        .output_failed(output.id, &error.to_string(), retry_at)
                        .await?;
                    work.outputs_failed += 1;
                }
            }
        }
        Ok(work)
    }
}

/// A batch answered a claim with a submit's outcome or the other way round.
fn mismatch() -> ReviewError {
    ReviewError::Store(StoreError::Corrupt(
        "the group commit answered with another kind of outcome".to_owned(),
    ))
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("plain data serializes")
}

/// One of a worker's queues: the worker API's JSON for it, and what the queue page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueSummary {
    #[serde(skip)]
    pub flow_id: FlowId,
    pub flow: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// USD per task, when the public crowd is paid.
    pub price_usd: Option<String>,
    pub time_limit_seconds: u32,
    /// Loops of this queue the worker could take a task of now (never one they hold, answered
    /// or declined), up to [`QUEUE_COUNT_CAP`].
    pub available: i64,
    /// More than [`QUEUE_COUNT_CAP`] wait: `available` is a floor.
    pub more_waiting: bool,
}

/// A worker's queues and the tasks they hold.
#[derive(Debug)]
pub struct WorkOverview {
    pub queues: Vec<QueueSummary>,
    /// Soonest deadline first.
    pub held: Vec<(Task, FlowId)>,
}

/// Queue counts stop here: a worker needs "plenty", not an exact figure, and counting stays
/// cheap however long the queue is.
pub const QUEUE_COUNT_CAP: i64 = 1000;

/// 1 s, 2 s, 4 s … capped at 5 minutes: a store that is down for a while is not hammered, and
/// one that comes back is used within minutes.
pub fn retry_delay(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(2u64.saturating_pow(exponent).min(300))
}

fn rules_of(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_retries_back_off_to_five_minutes() {
        assert_eq!(retry_delay(1), Duration::from_secs(1));
        assert_eq!(retry_delay(2), Duration::from_secs(2));
        assert_eq!(retry_delay(5), Duration::from_secs(16));
        assert_eq!(retry_delay(40), Duration::from_secs(300));
    }
}
