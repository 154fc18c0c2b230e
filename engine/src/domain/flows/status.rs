//! `FlowDefinitionStatus`: where a flow definition is in its life.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FlowDefinitionStatus {
    Initializing,
    Active,
    Failed,
    /// Delete was accepted; loops that workers already started run to the end, then the flow
    /// definition disappears and its name may be reused.
    Deleting,
}

impl FlowDefinitionStatus {
    pub const ALL: [Self; 4] = [
        Self::Initializing,
        Self::Active,
        Self::Failed,
        Self::Deleting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initializing => "Initializing",
            Self::Active => "Active",
            Self::Failed => "Failed",
            Self::Deleting => "Deleting",
        }
    }

    /// The API's exact spelling.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// "Flow definitions can only be deleted if their status is `Active`" (DG).
    pub fn can_be_deleted(self) -> bool {
        self == Self::Active
    }

    /// Only an active flow definition starts new human loops (Loupe's rule; AWS does not say
    /// what `StartHumanLoop` does for the other states).
    pub fn starts_loops(self) -> bool {
        self == Self::Active
    }
}

impl fmt::Display for FlowDefinitionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_api_names() {
        for status in FlowDefinitionStatus::ALL {
            assert_eq!(FlowDefinitionStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{status}\"")
            );
        }
        assert_eq!(FlowDefinitionStatus::parse("active"), None);
        assert_eq!(FlowDefinitionStatus::parse("Deleted"), None);
    }

    #[test]
    fn only_active_flow_definitions_are_deleted_or_start_loops() {
        for status in FlowDefinitionStatus::ALL {
            let active = status == FlowDefinitionStatus::Active;
            assert_eq!(status.can_be_deleted(), active);
            assert_eq!(status.starts_loops(), active);
        }
    }
}
