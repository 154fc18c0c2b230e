//! Flow definitions (human review workflows, spec 3.2): what a caller defines, read from a
//! `CreateFlowDefinition` request into typed values, plus the status and task-type vocabulary.
//!
//! * [`spec`] holds [`FlowDefinitionSpec`] and its parts, read and checked from the request JSON.
//! * The `ValidationException` / `SerializationException` vocabulary and the request reader
//!   every Create operation shares are in [`crate::domain::validation`].
//! * [`patterns`] holds the service model's regular expressions, written by hand.
//! * [`tags`] holds the `Tags` member, the same on every resource.
//! * [`task_settings`] holds `TaskCount` and the duration defaults and ceilings.
//! * [`task_type`] tells custom, Rekognition and Textract flows apart (prices depend on it).
//! * [`status`] holds `FlowDefinitionStatus`.
//!
//! The activation conditions document is kept here as the caller's text; [`crate::conditions`]
//! parses it.

pub mod patterns;
pub mod spec;
pub mod status;
pub mod tags;
pub mod task_settings;
pub mod task_type;

pub use spec::{
    FlowDefinitionSpec, HumanLoopActivationConditionsConfig, HumanLoopActivationConfig,
    HumanLoopConfig, HumanLoopRequestSource, MAX_ACTIVATION_CONDITIONS_CHARS, MAX_TASK_KEYWORDS,
    OutputConfig,
};
pub use status::FlowDefinitionStatus;
pub use tags::{MAX_TAGS, Tag};
pub use task_settings::{InvalidTaskCount, InvalidTaskLimits, TaskCount, TaskLimits};
pub use task_type::TaskType;
