//! The audit log of the AWS-compatible API: one line per call.

use crate::domain::clock::Timestamp;

/// One API call as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCall {
    /// Set when stored.
    pub id: i64,
    pub at: Timestamp,
    /// The access key the request's signature named (verified or not: `status` tells), or none
    /// for an unsigned request.
    pub access_key_id: Option<String>,
    /// `StartHumanLoop`, `CreateFlowDefinition`, … or what the request tried.
    pub operation: String,
    pub status: u16,
    /// The AWS error type for a failed call.
    pub error_type: Option<String>,
    pub duration_us: i64,
}
