//! Human loops and their tasks as stored: statuses, failure codes, what a start records, and what
//! a worker holds. The transitions between statuses are in `lifecycle`, a layer above.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::conditions::ActivationReport;
use crate::domain::accounts::UserId;
use crate::domain::clock::Timestamp;
use crate::domain::flows::FlowDefinitionSpec;
use crate::domain::flows::FlowDefinitionStatus;
use crate::domain::macros::string_enum;
use crate::domain::names::{FlowDefinitionName, HumanLoopName};

/// The largest `InputContent`, in bytes (3 MiB, as the service model says: 3145728).
pub const MAX_INPUT_CONTENT_BYTES: usize = 3_145_728;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FlowId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LoopId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaskId(pub i64);

string_enum!(
    /// `HumanLoopStatus` (spec 6.2).
    HumanLoopStatus {
        InProgress,
        Completed,
        Failed,
        /// Stop was asked while a worker held a task; that worker may still submit.
        Stopping,
        Stopped,
    }
);

impl HumanLoopStatus {
    /// Completed, Failed and Stopped: nothing changes any more, and the loop may be deleted.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Stopped)
    }
}

string_enum!(
    /// `FailureCode` of a failed loop (spec 6.2).
    FailureCode {
        ValidationError,
        Expired,
        InternalError,
    }
);

string_enum!(
    /// `DataAttributes.ContentClassifiers` (spec 6.4).
    ContentClassifier {
        FreeOfPersonallyIdentifiableInformation,
        FreeOfAdultContent,
    }
);

string_enum!(
    /// Where one of a loop's `TaskCount` assignment slots is (spec 6.3, as Loupe decided it).
    TaskStatus {
        /// Offered to the team; nobody holds it.
        Available,
        /// Held by one worker until submit, release, decline or the deadline.
        Accepted,
        Submitted,
        /// The loop's availability lifetime ended before anyone answered it.
        Expired,
        /// The loop was stopped (or its flow deleted) before anyone answered it.
        Cancelled,
    }
);

/// The SHA-256 of a loop's `InputContent`, which tells a retried start (same input) from a
/// conflicting one (same name, other input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDigest(String);

impl InputDigest {
    pub fn of(input_content: &str) -> Self {
        Self(crate::domain::digest::sha256_hex(
            input_content.as_bytes(),
            32,
        ))
    }

    pub fn from_stored(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A flow definition as stored: the caller's definition plus its life.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDefinition {
    pub id: FlowId,
    pub spec: FlowDefinitionSpec,
    pub status: FlowDefinitionStatus,
    pub failure_reason: Option<String>,
    /// Loupe's own JsonLogic activation rule for custom flows (off when absent).
    pub custom_conditions: Option<String>,
    pub created_at: Timestamp,
}

impl FlowDefinition {
    pub fn name(&self) -> &FlowDefinitionName {
        &self.spec.flow_definition_name
    }
}

/// Everything a loop start writes, decided before the database is touched.
#[derive(Debug, Clone)]
pub struct NewHumanLoop {
    pub name: HumanLoopName,
    pub flow_id: FlowId,
    /// The caller's `InputContent`, byte for byte.
    pub input_content: String,
    pub input_digest: InputDigest,
    pub content_classifiers: Vec<ContentClassifier>,
    /// For built-in task types: the activation report (condition results, selected response,
    /// human loop context).
    pub activation: Option<ActivationReport>,
    pub task_count: u8,
    pub time_limit_ms: i64,
    pub created_at: Timestamp,
    /// `created_at` plus the flow's `TaskAvailabilityLifetimeInSeconds`.
    pub expires_at: Timestamp,
}

/// What happened to one start in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartOutcome {
    Started(LoopId),
    /// A loop of this name with this very input exists: a retry, answered like the first call.
    AlreadyStarted(LoopId),
}

impl StartOutcome {
    pub fn loop_id(&self) -> LoopId {
        match self {
            Self::Started(id) | Self::AlreadyStarted(id) => *id,
        }
    }
}

/// A human loop as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanLoop {
    pub id: LoopId,
    pub name: HumanLoopName,
    pub flow_id: FlowId,
    pub flow_name: FlowDefinitionName,
    pub status: HumanLoopStatus,
    pub failure_code: Option<FailureCode>,
    pub failure_reason: Option<String>,
    pub input_content: String,
    pub content_classifiers: Vec<ContentClassifier>,
    pub activation: Option<ActivationReport>,
    pub task_count: u8,
    pub time_limit_ms: i64,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub updated_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub output_uri: Option<String>,
}

/// One assignment slot of a loop, as the admin sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub id: TaskId,
    pub loop_id: LoopId,
    /// 1 to the loop's `TaskCount`.
    pub slot: u8,
    pub status: TaskStatus,
    pub worker: Option<UserId>,
    pub accepted_at: Option<Timestamp>,
    pub deadline_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub time_spent_ms: Option<i64>,
    pub answer: Option<Value>,
}

/// A worker's task page saw the template's frame leave Loupe's document: a script or a link
/// navigated it to another page, which may have carried the task's input or answers away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameDeparture {
    pub task: TaskId,
    pub slot: u8,
    pub worker: UserId,
    /// How often this worker's page saw it on this task.
    pub times: i64,
    pub first_at: Timestamp,
    pub last_at: Timestamp,
}

/// A task a worker has just claimed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedTask {
    pub task_id: TaskId,
    pub loop_id: LoopId,
    pub loop_name: HumanLoopName,
    pub flow_id: FlowId,
    pub accepted_at: Timestamp,
    pub deadline_at: Timestamp,
}

/// A worker's answer, as it goes into `output.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmittedAnswer {
    pub worker: UserId,
    pub accepted_at: Option<Timestamp>,
    pub submitted_at: Timestamp,
    pub time_spent_ms: Option<i64>,
    pub answer: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::macros::assert_spellings;

    #[test]
    fn statuses_round_trip_their_wire_spelling() {
        assert_spellings(
            HumanLoopStatus::ALL,
            HumanLoopStatus::parse,
            &["inprogress"],
        );
        assert!(HumanLoopStatus::Stopped.is_terminal());
        assert!(!HumanLoopStatus::Stopping.is_terminal());
        assert_eq!(
            ContentClassifier::parse("FreeOfAdultContent"),
            Some(ContentClassifier::FreeOfAdultContent)
        );
    }

    #[test]
    fn input_digest_is_hex_sha256() {
        assert_eq!(
            InputDigest::of("abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
