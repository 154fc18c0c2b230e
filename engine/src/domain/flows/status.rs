//! `FlowDefinitionStatus`: where a flow definition is in its life.

use crate::domain::macros::string_enum;

string_enum!(FlowDefinitionStatus {
    Initializing,
    Active,
    Failed,
    /// Delete was accepted; loops that workers already started run to the end, then the flow
    /// definition disappears and its name may be reused.
    Deleting,
});

impl FlowDefinitionStatus {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::macros::assert_spellings;

    #[test]
    fn statuses_round_trip_through_their_api_names() {
        assert_spellings(
            FlowDefinitionStatus::ALL,
            FlowDefinitionStatus::parse,
            &["active", "Deleted"],
        );
    }

    #[test]
    fn only_active_flow_definitions_are_deleted_or_start_loops() {
        for &status in FlowDefinitionStatus::ALL {
            let active = status == FlowDefinitionStatus::Active;
            assert_eq!(status.can_be_deleted(), active);
            assert_eq!(status.starts_loops(), active);
        }
    }
}
