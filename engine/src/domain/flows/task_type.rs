//! The three kinds of review a flow definition can run: custom, or one of the two built-in
//! integrations. The kind follows from `HumanLoopRequestSource` alone and picks the public
//! crowd's price list (spec 8) and whether activation conditions are allowed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::conditions::RequestSource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TaskType {
    /// No request source: every `StartHumanLoop` creates a loop.
    Custom,
    /// `AWS/Rekognition/DetectModerationLabels/Image/V3`.
    RekognitionModeration,
    /// `AWS/Textract/AnalyzeDocument/Forms/V1`.
    TextractForms,
}

impl TaskType {
    pub const ALL: [Self; 3] = [
        Self::Custom,
        Self::RekognitionModeration,
        Self::TextractForms,
    ];

    pub fn of(source: Option<RequestSource>) -> Self {
        match source {
            None => Self::Custom,
            Some(RequestSource::RekognitionModeration) => Self::RekognitionModeration,
            Some(RequestSource::TextractForms) => Self::TextractForms,
        }
    }

    pub fn request_source(self) -> Option<RequestSource> {
        match self {
            Self::Custom => None,
            Self::RekognitionModeration => Some(RequestSource::RekognitionModeration),
            Self::TextractForms => Some(RequestSource::TextractForms),
        }
    }

    /// Built-in task types evaluate activation conditions; custom ones cannot have any.
    pub fn is_built_in(self) -> bool {
        self != Self::Custom
    }

    /// How the model's documentation names the task type in its price lists.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Custom => "Amazon Augmented AI custom human review tasks",
            Self::RekognitionModeration => {
                "Rekognition DetectModerationLabels Amazon Augmented AI review tasks"
            }
            Self::TextractForms => {
                "Textract AnalyzeDocument Important Form Key Amazon Augmented AI review tasks"
            }
        }
    }
}

impl fmt::Display for TaskType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_source_decides_the_task_type() {
        assert_eq!(TaskType::of(None), TaskType::Custom);
        assert_eq!(
            TaskType::of(Some(RequestSource::RekognitionModeration)),
            TaskType::RekognitionModeration
        );
        assert_eq!(
            TaskType::of(Some(RequestSource::TextractForms)),
            TaskType::TextractForms
        );
        for task_type in TaskType::ALL {
            assert_eq!(TaskType::of(task_type.request_source()), task_type);
        }
        assert!(!TaskType::Custom.is_built_in());
        assert!(TaskType::TextractForms.is_built_in());
    }
}
