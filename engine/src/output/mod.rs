//! output.json for a finished human loop (spec section 7) and where it goes.
//!
//! Pure: this module decides the object's bucket, key and bytes; `output_store` writes them.
//!
//! The bytes are compact JSON with the keys of every object in byte (= code point) order, at
//! every level, including inside the caller's `InputContent` and answers (spec 7.4). Readers parse
//! the file, so indentation would carry nothing; compact, sorted output makes the same loop give
//! the same bytes on every run and backend, which keeps retried writes idempotent and lets tests
//! compare files byte for byte. Sorting is done here rather than left to `serde_json::Map`, whose
//! order flips to insertion order if any crate in the build enables `preserve_order`.

pub mod events;
pub mod s3_names;
pub mod writer;

use std::fmt;

use serde_json::{Map, Value};

use crate::conditions::RequestSource;
use crate::domain::arns::FlowDefinitionArn;
use crate::domain::clock::Timestamp;
use crate::domain::names::{FlowDefinitionName, HumanLoopName, MAX_NAME_CHARS};

/// The name A2I gives every loop's answers file.
pub const OUTPUT_FILE_NAME: &str = "output.json";

/// The content type output.json is stored with (spec 7.4).
pub const CONTENT_TYPE: &str = "application/json";

/// A flow definition's `S3OutputPath`, read as a bucket and a key prefix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct S3OutputPath {
    bucket: String,
    /// Everything after `s3://<bucket>/`, without trailing slashes; may be empty.
    prefix: String,
}

impl S3OutputPath {
    /// Reads `s3://bucket`, `s3://bucket/prefix` or `s3://bucket/prefix/`.
    ///
    /// The API's pattern also admits `https://…`, but an HTTPS URL does not say which part is the
    /// bucket (virtual-hosted or path style, any endpoint), so it is refused here; checking flow
    /// definitions with this function at creation keeps such paths from failing loops later.
    /// Trailing slashes go, so that joining adds exactly one `/` (spec 7.1). The rest is held to
    /// the rules [`s3_names`] hold every written key to, so that a path accepted here can always be
    /// written: S3's bucket naming rules, no empty, `.` or `..` segment, no control character,
    /// and at most [`MAX_PREFIX_BYTES`].
    pub fn parse(raw: &str) -> Result<Self, S3PathError> {
        let Some(rest) = raw.strip_prefix("s3://") else {
            return Err(S3PathError::NotS3(raw.to_owned()));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(S3PathError::MissingBucket(raw.to_owned()));
        }
        if let Err(rule) = s3_names::check_bucket(bucket) {
            return Err(S3PathError::InvalidBucket {
                path: raw.to_owned(),
                bucket: bucket.to_owned(),
                rule,
            });
        }
        let prefix = prefix.trim_end_matches('/');
        if let Err(rule) = check_prefix(prefix) {
            return Err(S3PathError::InvalidPrefix {
                path: raw.to_owned(),
                rule,
            });
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix without trailing slashes; empty for a bare bucket.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The key of `relative` under this prefix, joined with exactly one `/`.
    fn key_of(&self, relative: &str) -> String {
        if self.prefix.is_empty() {
            relative.to_owned()
        } else {
            format!("{}/{relative}", self.prefix)
        }
    }
}

impl fmt::Display for S3OutputPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}", self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        Ok(())
    }
}

/// Why an `S3OutputPath` cannot be written to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum S3PathError {
    #[error("{0:?} is not an s3:// URI; write the output path as s3://bucket/prefix")]
    NotS3(String),
    #[error("{0:?} names no bucket; write the output path as s3://bucket/prefix")]
    MissingBucket(String),
    #[error("bucket {bucket:?} in {path:?} is not a valid S3 bucket name: {rule}")]
    InvalidBucket {
        path: String,
        bucket: String,
        rule: &'static str,
    },
    #[error("the key prefix of {path:?} cannot be written: {rule}")]
    InvalidPrefix { path: String, rule: &'static str },
}

/// The longest key prefix that leaves room for the longest flow and loop names under S3's
/// 1024-byte key limit: `<prefix>/<63>/YYYY/MM/DD/hh/mm/ss/<63>/output.json`.
pub const MAX_PREFIX_BYTES: usize =
    1024 - (1 + MAX_NAME_CHARS + 21 + MAX_NAME_CHARS + 1 + OUTPUT_FILE_NAME.len());

/// The key rules of [`s3_names`] for the prefix, minus its trailing slashes; empty is fine.
fn check_prefix(prefix: &str) -> Result<(), &'static str> {
    if prefix.len() > MAX_PREFIX_BYTES {
        return Err("it is longer than 864 bytes, which leaves no room for the rest of the key");
    }
    if prefix.is_empty() {
        return Ok(());
    }
    s3_names::check_key_segments(prefix)
}

/// Where a loop's output.json goes:
/// `<S3OutputPath>/<flow>/YYYY/MM/DD/hh/mm/ss/<loop>/output.json` (spec 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OutputLocation {
    bucket: String,
    key: String,
}

impl OutputLocation {
    /// The date directories are the loop's creation time in UTC, zero-padded, milliseconds
    /// dropped: AWS names them so, and a retried write lands on the same object.
    pub fn new(
        output_path: &S3OutputPath,
        flow: &FlowDefinitionName,
        created: Timestamp,
        human_loop: &HumanLoopName,
    ) -> Self {
        let at = created.to_datetime();
        let relative = format!(
            "{flow}/{:04}/{:02}/{:02}/{:02}/{:02}/{:02}/{human_loop}/{OUTPUT_FILE_NAME}",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
        );
        Self {
            bucket: output_path.bucket.clone(),
            key: output_path.key_of(&relative),
        }
    }

    /// [`OutputLocation::new`] straight from the flow's `S3OutputPath` text.
    pub fn for_loop(
        s3_output_path: &str,
        flow: &FlowDefinitionName,
        created: Timestamp,
        human_loop: &HumanLoopName,
    ) -> Result<Self, S3PathError> {
        let output_path = S3OutputPath::parse(s3_output_path)?;
        Ok(Self::new(&output_path, flow, created, human_loop))
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// `s3://<bucket>/<key>`, the `HumanLoopOutput.OutputS3Uri` of the loop.
    pub fn uri(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for OutputLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// One worker's entry in `humanAnswers`.
#[derive(Debug, Clone, PartialEq)]
pub struct HumanAnswer {
    pub worker_id: String,
    /// When the worker took the task; outputs written before late 2020 lack it (spec 7.3).
    pub acceptance_time: Option<Timestamp>,
    pub submission_time: Timestamp,
    /// Time spent on the task in milliseconds, written as `timeSpentInSeconds` (`52.117`).
    pub time_spent_millis: Option<i64>,
    /// `{"identityData": …}` for private workforces; absent for the public crowd (spec 7.3).
    pub worker_metadata: Option<Value>,
    /// What the task UI submitted; for built-in task types keyed by the request source.
    pub answer_content: Value,
}

impl HumanAnswer {
    fn to_value(&self) -> Value {
        let mut entry = Map::new();
        if let Some(accepted) = self.acceptance_time {
            entry.insert("acceptanceTime".into(), accepted.to_rfc3339().into());
        }
        entry.insert("answerContent".into(), self.answer_content.clone());
        entry.insert(
            "submissionTime".into(),
            self.submission_time.to_rfc3339().into(),
        );
        if let Some(millis) = self.time_spent_millis {
            entry.insert("timeSpentInSeconds".into(), seconds(millis));
        }
        entry.insert("workerId".into(), self.worker_id.clone().into());
        if let Some(metadata) = &self.worker_metadata {
            entry.insert("workerMetadata".into(), metadata.clone());
        }
        Value::Object(entry)
    }
}

/// Milliseconds as a number of seconds. Dividing two exactly representable integers rounds
/// correctly, so the shortest form serde_json prints is the decimal one: 52117 → `52.117`.
fn seconds(millis: i64) -> Value {
    // Exact below 2^53 ms, about 285,000 years.
    let seconds = millis as f64 / 1000.0;
    serde_json::Number::from_f64(seconds).map_or(Value::Null, Value::Number)
}

/// The loop's input, which decides the shape of output.json.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopInput {
    /// A built-in task type (spec 7.2): `input_content` is the object holding
    /// `aiServiceRequest`, `aiServiceResponse`, `humanTaskActivationConditionResults` and
    /// `selectedAiServiceResponse`, written as given.
    BuiltIn {
        source: RequestSource,
        input_content: Value,
    },
    /// A custom task type (spec 7.3): `input_content` is the parsed `InputContent`.
    Custom { input_content: Value },
}

/// Builds a loop's output.json.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputJson {
    flow_definition_arn: FlowDefinitionArn,
    human_loop_name: HumanLoopName,
    input: LoopInput,
    answers: Vec<HumanAnswer>,
}

impl OutputJson {
    pub fn new(
        flow_definition_arn: FlowDefinitionArn,
        human_loop_name: HumanLoopName,
        input: LoopInput,
    ) -> Self {
        Self {
            flow_definition_arn,
            human_loop_name,
            input,
            answers: Vec::new(),
        }
    }

    pub fn built_in(
        flow_definition_arn: FlowDefinitionArn,
        human_loop_name: HumanLoopName,
        source: RequestSource,
        input_content: Value,
    ) -> Self {
        let input = LoopInput::BuiltIn {
            source,
            input_content,
        };
        Self::new(flow_definition_arn, human_loop_name, input)
    }

    pub fn custom(
        flow_definition_arn: FlowDefinitionArn,
        human_loop_name: HumanLoopName,
        input_content: Value,
    ) -> Self {
        let input = LoopInput::Custom { input_content };
        Self::new(flow_definition_arn, human_loop_name, input)
    }

    pub fn answer(mut self, answer: HumanAnswer) -> Self {
        self.answers.push(answer);
        self
    }

    pub fn answers(mut self, answers: impl IntoIterator<Item = HumanAnswer>) -> Self {
        self.answers.extend(answers);
        self
    }

    /// The document as a value. `humanAnswers` are in submission order, ties broken by worker
    /// id, so the file does not depend on the order the store returned them in.
    pub fn to_value(&self) -> Value {
        let mut answers: Vec<&HumanAnswer> = self.answers.iter().collect();
        answers.sort_by(|a, b| {
            (a.submission_time, &a.worker_id).cmp(&(b.submission_time, &b.worker_id))
        });
        let mut document = Map::new();
        document.insert(
            "flowDefinitionArn".into(),
            self.flow_definition_arn.to_string().into(),
        );
        document.insert(
            "humanAnswers".into(),
            answers.into_iter().map(HumanAnswer::to_value).collect(),
        );
        document.insert("humanLoopName".into(), self.human_loop_name.as_str().into());
        let input_content = match &self.input {
            LoopInput::BuiltIn {
                source,
                input_content,
            } => {
                document.insert(
                    "awsManagedHumanLoopRequestSource".into(),
                    source.as_str().into(),
                );
                input_content
            }
            LoopInput::Custom { input_content } => input_content,
        };
        document.insert("inputContent".into(), input_content.clone());
        Value::Object(document)
    }

    /// The bytes of output.json: compact, keys sorted at every level.
    pub fn to_bytes(&self) -> Vec<u8> {
        to_sorted_json(&self.to_value())
    }
}

/// Compact JSON with every object's keys in byte order, whatever order `value` holds them in.
///
/// Numbers print as serde_json prints them: integers as written, floats in the shortest form
/// that reads back as the same `f64` (`96.7122802734375` stays `96.7122802734375`).
pub fn to_sorted_json(value: &Value) -> Vec<u8> {
    let mut out = String::new();
    write_sorted(value, &mut out);
    out.into_bytes()
}

fn write_sorted(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_sorted(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_sorted(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests;
