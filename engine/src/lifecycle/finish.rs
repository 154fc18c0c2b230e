//! What a loop's ending leaves behind (spec 6.2, 6.3, 7): its `output.json`, if any, and its
//! status-change event. A [`Finisher`] computes both once, inside the transaction that ends the
//! loop, so they are stored with the status change: a crash never loses them and a retry never
//! writes different bytes.

use serde_json::{Map, Value, json};

use crate::conditions::to_a2i_case;
use crate::domain::accounts::UserId;
use crate::domain::arns::Account;
use crate::domain::clock::Timestamp;
use crate::domain::loops::{FlowDefinition, HumanLoop, HumanLoopStatus, SubmittedAnswer};
use crate::output::events::{EventId, FinalStatus, StatusChange};

use super::Ending;
use crate::output::{HumanAnswer, LoopInput, OutputJson, OutputLocation};

/// A loop at the moment it ends: what the output and the event are made of.
#[derive(Debug, Clone, Copy)]
pub struct LoopSnapshot<'a> {
    pub human_loop: &'a HumanLoop,
    pub flow: &'a FlowDefinition,
    /// Submitted answers, in submission order.
    pub answers: &'a [SubmittedAnswer],
}

/// An output file to write: where, and its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub uri: String,
    pub body: String,
}

/// What an ending leaves behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishRecord {
    pub output: Option<OutputFile>,
    /// The event's id, the same on every delivery attempt.
    pub event_id: String,
    /// The status-change event (spec 7.5), JSON.
    pub event: String,
}

/// Turns a loop's ending into its output file and event. Pure: no IO, no clock of its own.
pub trait Finisher: Send + Sync {
    fn finish(&self, snapshot: &LoopSnapshot<'_>, ending: &Ending, now: Timestamp) -> FinishRecord;
}

/// The worker id `output.json` shows: 16 hex digits, stable per account and not the database
/// key itself (A2I's ids look the same, e.g. `7fe4cd6b55282093`).
pub fn worker_id(worker: UserId) -> String {
    crate::domain::digest::sha256_hex(format!("loupe-worker/{}", worker.0).as_bytes(), 8)
}

/// The parsed `InputContent` of a loop, keys in A2I's camelCase for built-in task types.
fn parsed_input(human_loop: &HumanLoop, built_in: bool) -> Value {
    let parsed = serde_json::from_str(&human_loop.input_content)
        .unwrap_or_else(|_| Value::String(human_loop.input_content.clone()));
    if built_in {
        to_a2i_case(parsed)
    } else {
        parsed
    }
}

/// What the worker template sees as `task.input` (spec 4.7 and 5.1): the parsed input for custom
/// task types; for built-in ones the AI service request and response, the selected part of the
/// response and, for Textract, the human loop context.
pub fn task_input(human_loop: &HumanLoop, flow: &FlowDefinition) -> Value {
    let built_in = flow.spec.human_loop_request_source.is_some();
    let input = parsed_input(human_loop, built_in);
    if !built_in {
        return input;
    }
    let request = input.get("aiServiceRequest");
    let response = input
        .get("aiServiceResponse")
        .cloned()
        .unwrap_or(Value::Null);
    match &human_loop.activation {
        Some(report) => report.task_input(request, &response),
        None => input,
    }
}

/// `inputContent` of a built-in loop's `output.json`: the four members of spec 7.2.
fn built_in_output_input(human_loop: &HumanLoop, flow: &FlowDefinition) -> Value {
    let mut input = match task_input(human_loop, flow) {
        Value::Object(map) => map,
        other => {
            let mut map = Map::new();
            map.insert("aiServiceResponse".into(), other);
            map
        }
    };
    input.remove("humanLoopContext");
    Value::Object(input)
}

/// The real [`Finisher`]: output.json per spec 7, event per spec 7.5.
#[derive(Debug, Clone)]
pub struct OutputFinisher {
    pub account: Account,
}

impl Finisher for OutputFinisher {
    fn finish(&self, snapshot: &LoopSnapshot<'_>, ending: &Ending, now: Timestamp) -> FinishRecord {
        let LoopSnapshot {
            human_loop,
            flow,
            answers,
        } = *snapshot;
        let flow_arn = self.account.flow_definition_arn(flow.name());
        let loop_arn = self.account.human_loop_arn(&human_loop.name);
        let public_crowd = flow.spec.human_loop_config.is_public_crowd();
        let location = OutputLocation::for_loop(
            &flow.spec.output_config.s3_output_path,
            flow.name(),
            human_loop.created_at,
            &human_loop.name,
        );
        let output = match location {
            Ok(location) if ending.writes_output(answers.len()) => {
                let input = match flow.spec.human_loop_request_source {
                    Some(source) => LoopInput::BuiltIn {
                        source: source.aws_managed_human_loop_request_source,
                        input_content: built_in_output_input(human_loop, flow),
                    },
                    None => LoopInput::Custom {
                        input_content: parsed_input(human_loop, false),
                    },
                };
                let document = OutputJson::new(flow_arn.clone(), human_loop.name.clone(), input)
                    .answers(answers.iter().map(|answer| HumanAnswer {
                        worker_id: worker_id(answer.worker),
                        acceptance_time: answer.accepted_at,
                        submission_time: answer.submitted_at,
                        time_spent_millis: answer.time_spent_ms,
                        // Private workforce only (spec 7.3); Loupe is the identity provider.
                        worker_metadata: (!public_crowd).then(|| {
                            json!({"identityData": {
                                "identityProviderType": "Loupe",
                                "issuer": format!("loupe:{}:{}", self.account.region(), self.account.account_id()),
                                "sub": answer.worker.0.to_string(),
                            }})
                        }),
                        answer_content: answer.answer.clone(),
                    }));
                Some(OutputFile {
                    uri: location.uri(),
                    body: String::from_utf8(document.to_bytes()).expect("serde_json writes UTF-8"),
                })
            }
            // The path was checked when the flow definition was created; an unusable one
            // leaves the loop without an output rather than without an ending.
            _ => None,
        };
        let status = match ending.status() {
            HumanLoopStatus::Completed => FinalStatus::Completed,
            HumanLoopStatus::Stopped => FinalStatus::Stopped,
            _ => FinalStatus::Failed,
        };
        let event_id = EventId::new_v4();
        let event = StatusChange {
            id: event_id.clone(),
            time: now,
            human_loop_arn: loop_arn,
            flow_definition_arn: flow_arn,
            creation_time: human_loop.created_at,
            status,
            failure_code: ending.failure_code().map(|c| c.as_str().to_owned()),
            failure_reason: ending.failure_reason().map(str::to_owned),
            output_s3_uri: output.as_ref().map(|o| o.uri.clone()),
        };
        FinishRecord {
            output,
            event_id: event_id.as_str().to_owned(),
            event: String::from_utf8(event.to_bytes()).expect("serde_json writes UTF-8"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_ids_are_16_hex_digits_and_stable() {
        let id = worker_id(UserId(7));
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, worker_id(UserId(7)));
        assert_ne!(id, worker_id(UserId(8)));
    }
}
