//! The two AI services a built-in flow definition can listen to, and the condition types each
//! one understands.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `HumanLoopRequestSource.AwsManagedHumanLoopRequestSource` of a built-in flow definition.
/// A custom flow definition has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestSource {
    #[serde(rename = "AWS/Rekognition/DetectModerationLabels/Image/V3")]
    RekognitionModeration,
    #[serde(rename = "AWS/Textract/AnalyzeDocument/Forms/V1")]
    TextractForms,
}

impl RequestSource {
    pub const ALL: [Self; 2] = [Self::RekognitionModeration, Self::TextractForms];

    pub fn parse(raw: &str) -> Result<Self, UnknownRequestSource> {
        Self::ALL
            .into_iter()
            .find(|source| source.as_str() == raw)
            .ok_or_else(|| UnknownRequestSource(raw.to_owned()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RekognitionModeration => "AWS/Rekognition/DetectModerationLabels/Image/V3",
            Self::TextractForms => "AWS/Textract/AnalyzeDocument/Forms/V1",
        }
    }

    /// The condition types this source's inference can be checked with (DG
    /// `a2i-human-fallback-conditions-json-schema.md`).
    pub fn condition_types(self) -> &'static [ConditionType] {
        match self {
            Self::RekognitionModeration => &[
                ConditionType::ModerationLabelConfidenceCheck,
                ConditionType::Sampling,
            ],
            Self::TextractForms => &[
                ConditionType::ImportantFormKeyConfidenceCheck,
                ConditionType::MissingImportantFormKey,
                ConditionType::Sampling,
            ],
        }
    }

    pub fn allows(self, condition_type: ConditionType) -> bool {
        self.condition_types().contains(&condition_type)
    }
}

impl fmt::Display for RequestSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a request source; use AWS/Rekognition/DetectModerationLabels/Image/V3 or AWS/Textract/AnalyzeDocument/Forms/V1"
)]
pub struct UnknownRequestSource(pub String);

/// `ConditionType` of a leaf condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConditionType {
    ModerationLabelConfidenceCheck,
    ImportantFormKeyConfidenceCheck,
    MissingImportantFormKey,
    Sampling,
}

impl ConditionType {
    pub const ALL: [Self; 4] = [
        Self::ModerationLabelConfidenceCheck,
        Self::ImportantFormKeyConfidenceCheck,
        Self::MissingImportantFormKey,
        Self::Sampling,
    ];

    /// Exact and case-sensitive, like every other name in the document.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ModerationLabelConfidenceCheck => "ModerationLabelConfidenceCheck",
            Self::ImportantFormKeyConfidenceCheck => "ImportantFormKeyConfidenceCheck",
            Self::MissingImportantFormKey => "MissingImportantFormKey",
            Self::Sampling => "Sampling",
        }
    }
}

impl fmt::Display for ConditionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// "A, B or C", for messages that list what is allowed.
pub(crate) fn list_of(types: &[ConditionType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_sources_round_trip_through_their_aws_names() {
        for source in RequestSource::ALL {
            assert_eq!(RequestSource::parse(source.as_str()), Ok(source));
            let json = serde_json::to_string(&source).unwrap();
            assert_eq!(json, format!("\"{}\"", source.as_str()));
        }
        let err = RequestSource::parse("AWS/Textract/AnalyzeExpense").unwrap_err();
        assert!(err.to_string().contains("AnalyzeExpense"));
    }

    #[test]
    fn each_source_allows_its_own_checks_and_sampling() {
        use ConditionType::*;
        let rekognition = RequestSource::RekognitionModeration;
        let textract = RequestSource::TextractForms;
        assert!(rekognition.allows(ModerationLabelConfidenceCheck) && rekognition.allows(Sampling));
        assert!(!rekognition.allows(ImportantFormKeyConfidenceCheck));
        assert!(!rekognition.allows(MissingImportantFormKey));
        assert!(textract.allows(ImportantFormKeyConfidenceCheck));
        assert!(textract.allows(MissingImportantFormKey) && textract.allows(Sampling));
        assert!(!textract.allows(ModerationLabelConfidenceCheck));
        assert_eq!(
            list_of(textract.condition_types()),
            "ImportantFormKeyConfidenceCheck, MissingImportantFormKey or Sampling"
        );
    }

    #[test]
    fn condition_type_names_are_case_sensitive() {
        assert_eq!(
            ConditionType::parse("Sampling"),
            Some(ConditionType::Sampling)
        );
        assert_eq!(ConditionType::parse("sampling"), None);
    }
}
