//! Status-change events in the EventBridge shape (spec 7.5).
//!
//! AWS sends one when a loop becomes `Completed`, `Failed` or `Stopped`, "at least once". Loupe
//! makes the event id when the status changes and stores it with the pending event, so every
//! retry carries the same id and receivers can drop duplicates. Pure: delivery is elsewhere.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::arns::{FlowDefinitionArn, HumanLoopArn};
use crate::domain::clock::Timestamp;
use crate::domain::macros::text_newtype;
use crate::output::to_sorted_json;

/// `detail-type` of every status-change event.
pub const DETAIL_TYPE: &str = "SageMaker A2I HumanLoop Status Change";

/// `source` of every status-change event.
pub const SOURCE: &str = "aws.sagemaker";

/// EventBridge's envelope version, always `"0"`.
const VERSION: &str = "0";

/// An event's `id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(String);

impl EventId {
    /// A fresh random (v4) UUID, made once per status change.
    pub fn new_v4() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// An id made earlier, read back to retry a delivery. Not checked as a UUID: AWS's own
    /// sample id (`12345678-1111-2222-3333-12345EXAMPLE`) is not one.
    pub fn from_stored(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }
}

text_newtype!(EventId);

/// The loop states that send an event; `InProgress` and `Stopping` send none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FinalStatus {
    Completed,
    Failed,
    Stopped,
}

impl FinalStatus {
    pub const ALL: [Self; 3] = [Self::Completed, Self::Failed, Self::Stopped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "Completed",
            Self::Failed => "Failed",
            Self::Stopped => "Stopped",
        }
    }

    /// The `HumanLoopStatus` spelling; `None` for the states that send no event, so
    /// `FinalStatus::parse(status.as_str())` also answers "does this change send one?".
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

impl fmt::Display for FinalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// "SageMaker A2I HumanLoop Status Change". The account, region and loop name are read from
/// `human_loop_arn`, so the envelope cannot disagree with `resources`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub id: EventId,
    /// When the status changed; sent with second precision, as EventBridge's `time` is.
    pub time: Timestamp,
    pub human_loop_arn: HumanLoopArn,
    pub flow_definition_arn: FlowDefinitionArn,
    /// The loop's creation time; sent with milliseconds.
    pub creation_time: Timestamp,
    pub status: FinalStatus,
    /// `FailureCode` (`ValidationError`, `Expired`, `InternalError`); `null` when absent, as in
    /// AWS's sample.
    pub failure_code: Option<String>,
    /// `FailureReason`; `null` when absent.
    pub failure_reason: Option<String>,
    /// The loop's `HumanLoopOutput.OutputS3Uri`. `None` when no output.json was written (a loop
    /// that failed or was stopped before any answer): `humanLoopOutput` is then `null` rather
    /// than missing, so the detail keeps the same keys in every event, like `failureCode`, and
    /// matches DescribeHumanLoop, which has no `HumanLoopOutput` for such loops.
    pub output_s3_uri: Option<String>,
}

impl StatusChange {
    pub fn to_value(&self) -> Value {
        let account = self.human_loop_arn.account();
        let human_loop_arn = self.human_loop_arn.to_string();
        let output = self
            .output_s3_uri
            .as_ref()
            .map(|uri| json!({ "outputS3Uri": uri }));
        json!({
            "version": VERSION,
            "id": self.id.as_str(),
            "detail-type": DETAIL_TYPE,
            "source": SOURCE,
            "account": account.account_id(),
            "time": to_rfc3339_seconds(self.time),
            "region": account.region(),
            "resources": [human_loop_arn],
            "detail": {
                "creationTime": self.creation_time.to_rfc3339(),
                "failureCode": self.failure_code,
                "failureReason": self.failure_reason,
                "flowDefinitionArn": self.flow_definition_arn.to_string(),
                "humanLoopArn": human_loop_arn,
                "humanLoopName": self.human_loop_arn.name().as_str(),
                "humanLoopOutput": output,
                "humanLoopStatus": self.status.as_str(),
            },
        })
    }

    /// The event body: compact JSON, keys sorted at every level (as output.json is).
    pub fn to_bytes(&self) -> Vec<u8> {
        to_sorted_json(&self.to_value())
    }
}

/// `2019-11-14T17:49:25Z`: the milliseconds are cut, not rounded, so the second shown has begun.
fn to_rfc3339_seconds(at: Timestamp) -> String {
    let exact = at.to_rfc3339();
    // `exact` always ends in `.mmmZ`.
    format!("{}Z", &exact[..exact.len() - ".mmmZ".len()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::arns::Account;
    use crate::domain::names::{FlowDefinitionName, HumanLoopName};

    fn at(rfc3339: &str) -> Timestamp {
        let parsed =
            time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
                .unwrap();
        Timestamp::from(parsed)
    }

    fn completed(account: &Account) -> StatusChange {
        StatusChange {
            id: EventId::from_stored("12345678-1111-2222-3333-12345EXAMPLE"),
            time: at("2019-11-14T17:49:25.618Z"),
            human_loop_arn: account
                .human_loop_arn(&HumanLoopName::parse("humanloop-nov-14-1").unwrap()),
            flow_definition_arn: account
                .flow_definition_arn(&FlowDefinitionName::parse("flowdef-nov-12").unwrap()),
            creation_time: at("2019-11-14T17:37:36.740Z"),
            status: FinalStatus::Completed,
            failure_code: None,
            failure_reason: None,
            output_s3_uri: Some(
                "s3://customer-output-bucket-specified-in-flow-definition/flowdef-nov-12/2019/11/14/17/37/36/humanloop-nov-14-1/output.json"
                    .into(),
            ),
        }
    }

    /// Spec 7.5, except `account`: the DG prints 13 ones there but 12 in the ARNs; an account id
    /// has 12 digits, and Loupe takes it from the loop's ARN.
    const SAMPLE: &str = r#"{
      "version": "0",
      "id": "12345678-1111-2222-3333-12345EXAMPLE",
      "detail-type": "SageMaker A2I HumanLoop Status Change",
      "source": "aws.sagemaker",
      "account": "111111111111",
      "time": "2019-11-14T17:49:25Z",
      "region": "us-east-1",
      "resources": ["arn:aws:sagemaker:us-east-1:111111111111:human-loop/humanloop-nov-14-1"],
      "detail": {
        "creationTime": "2019-11-14T17:37:36.740Z",
        "failureCode": null,
        "failureReason": null,
        "flowDefinitionArn": "arn:aws:sagemaker:us-east-1:111111111111:flow-definition/flowdef-nov-12",
        "humanLoopArn": "arn:aws:sagemaker:us-east-1:111111111111:human-loop/humanloop-nov-14-1",
        "humanLoopName": "humanloop-nov-14-1",
        "humanLoopOutput": { "outputS3Uri": "s3://customer-output-bucket-specified-in-flow-definition/flowdef-nov-12/2019/11/14/17/37/36/humanloop-nov-14-1/output.json" },
        "humanLoopStatus": "Completed"
      }
    }"#;

    #[test]
    fn reproduces_the_eventbridge_sample() {
        let account = Account::new("us-east-1", "111111111111").unwrap();
        let expected: Value = serde_json::from_str(SAMPLE).unwrap();
        // serde_json's default map is sorted, so this is the sample with sorted keys.
        let expected = serde_json::to_vec(&expected).unwrap();
        assert_eq!(
            String::from_utf8(completed(&account).to_bytes()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn envelope_keys_are_sorted() {
        let account = Account::new("us-east-1", "111111111111").unwrap();
        let text = String::from_utf8(completed(&account).to_bytes()).unwrap();
        let positions: Vec<usize> = [
            "\"account\"",
            "\"detail\"",
            "\"detail-type\"",
            "\"id\"",
            "\"region\"",
            "\"resources\"",
            "\"source\"",
            "\"time\"",
            "\"version\"",
        ]
        .iter()
        .map(|key| text.find(key).unwrap())
        .collect();
        assert!(positions.is_sorted(), "{text}");
    }

    #[test]
    fn a_failed_loop_without_output() {
        let account = Account::new("eu-west-1", "222233334444").unwrap();
        let event = StatusChange {
            status: FinalStatus::Failed,
            failure_code: Some("Expired".into()),
            failure_reason: Some("The task availability lifetime elapsed.".into()),
            output_s3_uri: None,
            ..completed(&account)
        };
        let value = event.to_value();
        assert_eq!(value["account"], "222233334444");
        assert_eq!(value["region"], "eu-west-1");
        assert_eq!(
            value["resources"],
            json!(["arn:aws:sagemaker:eu-west-1:222233334444:human-loop/humanloop-nov-14-1"])
        );
        let detail = &value["detail"];
        assert_eq!(detail["humanLoopStatus"], "Failed");
        assert_eq!(detail["failureCode"], "Expired");
        assert_eq!(
            detail["failureReason"],
            "The task availability lifetime elapsed."
        );
        assert_eq!(detail.get("humanLoopOutput"), Some(&Value::Null));
        assert_eq!(detail.as_object().unwrap().len(), 8);
    }

    #[test]
    fn a_stopped_loop_with_partial_output() {
        let account = Account::new("us-east-1", "111111111111").unwrap();
        let event = StatusChange {
            status: FinalStatus::Stopped,
            ..completed(&account)
        };
        let detail = &event.to_value()["detail"];
        assert_eq!(detail["humanLoopStatus"], "Stopped");
        assert!(detail["humanLoopOutput"]["outputS3Uri"].is_string());
    }

    #[test]
    fn time_has_seconds_and_creation_time_millis() {
        let account = Account::new("us-east-1", "111111111111").unwrap();
        for (time, printed) in [
            ("2019-11-14T17:49:25.999Z", "2019-11-14T17:49:25Z"),
            ("2019-11-14T17:49:25.000Z", "2019-11-14T17:49:25Z"),
            ("2019-12-31T23:59:59.999Z", "2019-12-31T23:59:59Z"),
        ] {
            let event = StatusChange {
                time: at(time),
                ..completed(&account)
            };
            let value = event.to_value();
            assert_eq!(value["time"], printed);
            assert_eq!(value["detail"]["creationTime"], "2019-11-14T17:37:36.740Z");
        }
        assert_eq!(
            to_rfc3339_seconds(Timestamp::from_millis(0)),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn new_ids_are_random_v4_uuids() {
        let first = EventId::new_v4();
        let second = EventId::new_v4();
        assert_ne!(first, second);
        let parsed = uuid::Uuid::parse_str(first.as_str()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(first.to_string(), first.as_str());
    }

    #[test]
    fn a_retry_sends_the_same_bytes() {
        let account = Account::new("us-east-1", "111111111111").unwrap();
        let id = EventId::new_v4();
        let stored = serde_json::to_string(&id).unwrap();
        let reread: EventId = serde_json::from_str(&stored).unwrap();
        let first = StatusChange {
            id,
            ..completed(&account)
        };
        let retry = StatusChange {
            id: reread,
            ..completed(&account)
        };
        assert_eq!(first.to_bytes(), retry.to_bytes());
    }

    #[test]
    fn only_final_statuses_send_events() {
        for status in FinalStatus::ALL {
            assert_eq!(FinalStatus::parse(status.as_str()), Some(status));
        }
        for other in ["InProgress", "Stopping", "completed", ""] {
            assert_eq!(FinalStatus::parse(other), None, "{other}");
        }
    }
}
