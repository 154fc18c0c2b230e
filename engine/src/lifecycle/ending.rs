//! How a loop ends: `Completed`, `Stopped`, or `Failed` with a code and a reason (spec 6.2).

use crate::domain::loops::{FailureCode, HumanLoopStatus, TaskStatus};

/// How a loop ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Completed,
    Stopped,
    Failed { code: FailureCode, reason: String },
}

impl Ending {
    pub fn expired(reason: impl Into<String>) -> Self {
        Self::Failed {
            code: FailureCode::Expired,
            reason: reason.into(),
        }
    }

    pub fn status(&self) -> HumanLoopStatus {
        match self {
            Self::Completed => HumanLoopStatus::Completed,
            Self::Stopped => HumanLoopStatus::Stopped,
            Self::Failed { .. } => HumanLoopStatus::Failed,
        }
    }

    pub fn failure_code(&self) -> Option<FailureCode> {
        match self {
            Self::Failed { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn failure_reason(&self) -> Option<&str> {
        match self {
            Self::Failed { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// What the loop's open tasks (offered or held) become: an expired loop's expire, the
    /// others' are cancelled.
    pub fn leftover_status(&self) -> TaskStatus {
        match self.failure_code() {
            Some(FailureCode::Expired) => TaskStatus::Expired,
            _ => TaskStatus::Cancelled,
        }
    }

    /// Completed loops always have an output; the others only when someone answered.
    pub fn writes_output(&self, answers: usize) -> bool {
        matches!(self, Self::Completed) || answers > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_completed_loops_write_output_without_answers() {
        assert!(Ending::Completed.writes_output(0));
        assert!(!Ending::Stopped.writes_output(0));
        assert!(Ending::Stopped.writes_output(1));
        assert!(!Ending::expired("lifetime passed").writes_output(0));
        assert!(Ending::expired("lifetime passed").writes_output(2));
        assert_eq!(
            Ending::expired("x").failure_code(),
            Some(FailureCode::Expired)
        );
        assert_eq!(Ending::Stopped.status(), HumanLoopStatus::Stopped);
    }
}
