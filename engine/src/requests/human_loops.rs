//! The A2I runtime's requests (spec 3.1), read from their JSON bodies, path labels and query
//! strings into typed values, with every broken member constraint reported the AWS way
//! (`Value '…' at 'humanLoopName' failed to satisfy constraint: …`).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::arns::{Account, RegionInPattern, matches_model_pattern};
use crate::domain::clock::Timestamp;
use crate::domain::loops::{ContentClassifier, LoopId, MAX_INPUT_CONTENT_BYTES};
use crate::domain::names::{FlowDefinitionName, HumanLoopName};
use crate::domain::validation::{
    MemberPath, Members, Pattern, ReferenceError, ReferenceKind, RequestError, Rule, Shown,
    StringRule, Violations,
};
use crate::requests::control_plane::{name_member, one_of_two, required_name};

/// `StartHumanLoop`, parsed.
#[derive(Debug, Clone)]
pub struct StartRequest {
    pub name: HumanLoopName,
    pub flow: FlowDefinitionName,
    /// The caller's `InputContent`, a JSON document as text.
    pub input_content: String,
    pub content_classifiers: Vec<ContentClassifier>,
}

/// `MaxResults` when the caller gives none (AWS does not say; moto uses 100 too).
pub const DEFAULT_MAX_RESULTS: u32 = 100;
pub const MAX_NEXT_TOKEN_CHARS: usize = 8192;
const MAX_CONTENT_CLASSIFIERS: usize = 256;

const FLOW_DEFINITION_ARN: StringRule = StringRule {
    min: 0,
    max: 1024,
    pattern: Some(Pattern {
        regex: r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:flow-definition/.*",
        matches: is_flow_definition_arn,
    }),
};

const INPUT_CONTENT: StringRule = StringRule {
    min: 0,
    max: MAX_INPUT_CONTENT_BYTES,
    pattern: None,
};

fn is_flow_definition_arn(raw: &str) -> bool {
    matches_model_pattern(raw, "flow-definition", RegionInPattern::MayBeEmpty)
}

/// Resolves a flow definition ARN of the right shape to a name of this account. An ARN of
/// another account or region names nothing here.
fn resolve_flow(account: &Account, raw: &str) -> Result<FlowDefinitionName, RequestError> {
    account.resolve_flow_definition(raw).map_err(|error| {
        RequestError::UnknownReference(ReferenceError {
            kind: ReferenceKind::FlowDefinition,
            arn: raw.to_owned(),
            reason: Some(error.to_string()),
        })
    })
}

/// `StartHumanLoop`'s body.
pub fn parse_start(body: &Value, account: &Account) -> Result<StartRequest, RequestError> {
    let root = Members::of_request(body)?;
    let mut violations = Violations::default();
    let v = &mut violations;

    let name = required_name(&root, "HumanLoopName", HumanLoopName::parse, v)?;
    let flow_arn = root.required_string("FlowDefinitionArn", &FLOW_DEFINITION_ARN, v)?;

    let input_path = root.path_of("HumanLoopInput");
    let input = match v.required(&input_path, root.structure("HumanLoopInput")?) {
        Some(input) => {
            let path = input.path_of("InputContent");
            let content = v.required(&path, input.string("InputContent")?);
            // Bytes, not characters: the limit is about what is stored. Hidden: 3 MiB of text
            // does not belong in an error message.
            match content {
                Some(content) if content.len() > INPUT_CONTENT.max => {
                    v.push(path, Shown::Hidden, Rule::MaxLength(INPUT_CONTENT.max));
                    None
                }
                other => other,
            }
        }
        None => None,
    };

    let mut classifiers = Vec::new();
    if let Some(attributes) = root.structure("DataAttributes")? {
        let path = attributes.path_of("ContentClassifiers");
        if let Some(items) = v.required(&path, attributes.list("ContentClassifiers")?) {
            v.check_list_length(
                &path,
                || Shown::Hidden,
                items.len(),
                0,
                MAX_CONTENT_CLASSIFIERS,
            );
            for (i, item) in items.iter().enumerate() {
                let item_path = path.element(i);
                let raw = crate::domain::validation::string_at(item, &item_path)?;
                match raw.map(|raw| (raw, ContentClassifier::parse(raw))) {
                    Some((_, Some(classifier))) => {
                        if !classifiers.contains(&classifier) {
                            classifiers.push(classifier);
                        }
                    }
                    Some((raw, None)) => v.push(
                        item_path,
                        Shown::text(raw),
                        Rule::EnumValueSet(
                            ContentClassifier::ALL.iter().map(|c| c.as_str()).collect(),
                        ),
                    ),
                    None => v.push(item_path, Shown::Null, Rule::NotNull),
                }
            }
        }
    }
    violations.finish()?;
    let (Some(name), Some(flow_arn), Some(input_content)) = (name, flow_arn, input) else {
        unreachable!("every absent or invalid required member was recorded as a violation");
    };
    Ok(StartRequest {
        name,
        flow: resolve_flow(account, flow_arn)?,
        input_content: input_content.to_owned(),
        content_classifiers: classifiers,
    })
}

/// `StopHumanLoop`'s body: the loop's name.
pub fn parse_stop(body: &Value) -> Result<HumanLoopName, RequestError> {
    name_member(body, "HumanLoopName", HumanLoopName::parse)
}

/// The `{HumanLoopName}` path label of Describe and Delete.
pub fn parse_loop_name(label: &str) -> Result<HumanLoopName, RequestError> {
    let mut violations = Violations::default();
    let name = violations.name(
        &MemberPath::root().member("HumanLoopName"),
        HumanLoopName::parse(label),
    );
    violations.finish()?;
    Ok(name.expect("recorded when invalid"))
}

/// `ListHumanLoops`, read from its query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    pub flow: FlowDefinitionName,
    /// Inclusive.
    pub created_after: Option<Timestamp>,
    /// Exclusive.
    pub created_before: Option<Timestamp>,
    /// `SortOrder=Ascending`; Loupe's default is `Descending` (newest first).
    pub ascending: bool,
    pub max_results: u32,
    /// Where the previous page ended.
    pub after: Option<(Timestamp, LoopId)>,
}

/// What a `NextToken` holds: the filters it was made for, and where the page ended.
#[derive(Debug, Serialize, Deserialize)]
struct PageToken {
    /// Digest of the filters; a token is refused with other filters.
    f: String,
    c: i64,
    i: i64,
}

impl ListRequest {
    pub fn parse(query: &[(String, String)], account: &Account) -> Result<Self, RequestError> {
        let params: BTreeMap<&str, &str> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut violations = Violations::default();
        let v = &mut violations;
        let root = MemberPath::root();

        let flow_path = root.member("FlowDefinitionArn");
        let flow_arn = v
            .required(&flow_path, params.get("FlowDefinitionArn").copied())
            .filter(|raw| v.check_string(&flow_path, raw, &FLOW_DEFINITION_ARN));
        let mut time_param = |member: &str| {
            let raw = params.get(member).copied()?;
            match parse_time(raw) {
                Some(at) => Some(at),
                None => {
                    v.push(
                        root.member(member),
                        Shown::text(raw),
                        Rule::Other(
                            "Member must be an ISO-8601 date or date-time, such as 2020-02-24 or \
                             2020-02-24T17:37:36.740Z"
                                .to_owned(),
                        ),
                    );
                    None
                }
            }
        };
        let created_after = time_param("CreationTimeAfter");
        let created_before = time_param("CreationTimeBefore");
        let ascending = one_of_two(
            root.member("SortOrder"),
            params.get("SortOrder").copied(),
            ["Ascending", "Descending"],
            v,
        )
        .unwrap_or(false);
        let max_results = match params.get("MaxResults").copied() {
            None => DEFAULT_MAX_RESULTS,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if v.check_integer(&root.member("MaxResults"), n, Some(1), Some(100)) => {
                    n as u32
                }
                Ok(_) => DEFAULT_MAX_RESULTS,
                Err(_) => {
                    v.push(
                        root.member("MaxResults"),
                        Shown::text(raw),
                        Rule::Other("Member must be an integer".to_owned()),
                    );
                    DEFAULT_MAX_RESULTS
                }
            },
        };
        let token = params.get("NextToken").copied();
        if let Some(token) = token {
            v.check_string(
                &root.member("NextToken"),
                token,
                &StringRule {
                    min: 0,
                    max: MAX_NEXT_TOKEN_CHARS,
                    pattern: None,
                },
            );
        }
        violations.finish()?;
        let flow_arn = flow_arn.expect("recorded when absent or invalid");
        let mut request = Self {
            flow: resolve_flow(account, flow_arn)?,
            created_after,
            created_before,
            ascending,
            max_results,
            after: None,
        };
        if let Some(token) = token {
            request.after = Some(request.read_token(token)?);
        }
        Ok(request)
    }

    fn filters_digest(&self) -> String {
        let filters = format!(
            "{}|{:?}|{:?}|{}",
            self.flow,
            self.created_after.map(Timestamp::as_millis),
            self.created_before.map(Timestamp::as_millis),
            self.ascending
        );
        crate::domain::digest::sha256_hex(filters.as_bytes(), 12)
    }

    /// The `NextToken` for a page that ended with this loop.
    pub fn token_after(&self, created_at: Timestamp, id: LoopId) -> String {
        let token = PageToken {
            f: self.filters_digest(),
            c: created_at.as_millis(),
            i: id.0,
        };
        B64.encode(serde_json::to_vec(&token).expect("tokens serialize"))
    }

    fn read_token(&self, raw: &str) -> Result<(Timestamp, LoopId), RequestError> {
        let invalid = |why: &str| {
            let mut violations = Violations::default();
            violations.push(
                MemberPath::root().member("NextToken"),
                Shown::Hidden,
                Rule::Other(format!(
                    "Member must be a token from an earlier call: {why}"
                )),
            );
            RequestError::Invalid(violations.finish().expect_err("one violation"))
        };
        let bytes = B64.decode(raw).map_err(|_| invalid("it does not decode"))?;
        let token: PageToken =
            serde_json::from_slice(&bytes).map_err(|_| invalid("it does not decode"))?;
        if token.f != self.filters_digest() {
            return Err(invalid("it was made for other filters"));
        }
        Ok((Timestamp::from_millis(token.c), LoopId(token.i)))
    }
}

/// `2020-02-24`, `2020-02-24T17:37:36.740Z` or any RFC 3339 date-time, or epoch seconds (which
/// the 2019 preview documented); also `2020-02-24T17:37` as a browser's date-time field sends
/// it, read as UTC.
pub fn parse_time(raw: &str) -> Option<Timestamp> {
    if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
        return Some(Timestamp::from(at));
    }
    let minute_format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    if let Ok(at) = time::PrimitiveDateTime::parse(raw, minute_format) {
        return Some(Timestamp::from(at.assume_utc()));
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(raw, date_format) {
        return Some(Timestamp::from(date.midnight().assume_utc()));
    }
    raw.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite())
        .map(|seconds| Timestamp::from_millis((seconds * 1000.0).round() as i64))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn account() -> Account {
        Account::new("us-east-1", "111122223333").unwrap()
    }

    const FLOW: &str = "arn:aws:sagemaker:us-east-1:111122223333:flow-definition/my-flow";

    #[test]
    fn reads_a_start_request() {
        let request = parse_start(
            &json!({
                "HumanLoopName": "loop-0001",
                "FlowDefinitionArn": FLOW,
                "HumanLoopInput": {"InputContent": "{\"taskObject\": 1}"},
                "DataAttributes": {"ContentClassifiers": [
                    "FreeOfPersonallyIdentifiableInformation", "FreeOfAdultContent",
                    "FreeOfAdultContent"]}
            }),
            &account(),
        )
        .unwrap();
        assert_eq!(request.name.as_str(), "loop-0001");
        assert_eq!(request.flow.as_str(), "my-flow");
        assert_eq!(request.input_content, "{\"taskObject\": 1}");
        assert_eq!(request.content_classifiers.len(), 2);
    }

    #[test]
    fn start_requests_report_every_broken_member() {
        let error = parse_start(
            &json!({
                "HumanLoopName": "Loop_1",
                "FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:111122223333:workteam/x",
                "DataAttributes": {"ContentClassifiers": ["FreeOfNothing"]}
            }),
            &account(),
        )
        .unwrap_err();
        let text = error.to_string();
        assert_eq!(error.aws_error_type(), "ValidationException");
        for part in [
            "Value 'Loop_1' at 'humanLoopName' failed to satisfy constraint: Member must satisfy regular expression pattern",
            "at 'flowDefinitionArn' failed to satisfy constraint: Member must satisfy regular expression pattern",
            "Value null at 'humanLoopInput' failed to satisfy constraint: Member must not be null",
            "Value 'FreeOfNothing' at 'dataAttributes.contentClassifiers.1.member' failed to satisfy constraint: Member must satisfy enum value set",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        let too_big = "x".repeat(MAX_INPUT_CONTENT_BYTES + 1);
        let error = parse_start(
            &json!({"HumanLoopName": "a", "FlowDefinitionArn": FLOW,
                    "HumanLoopInput": {"InputContent": too_big}}),
            &account(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("humanLoopInput.inputContent"));
        assert!(error.to_string().len() < 300, "the input is not echoed");
        let other_account = parse_start(
            &json!({"HumanLoopName": "a",
                    "FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:999999999999:flow-definition/f",
                    "HumanLoopInput": {"InputContent": "{}"}}),
            &account(),
        )
        .unwrap_err();
        assert!(matches!(other_account, RequestError::UnknownReference(_)));
        assert!(matches!(
            parse_start(&json!({"HumanLoopName": 7}), &account()),
            Err(RequestError::Malformed(_))
        ));
    }

    #[test]
    fn stop_and_path_labels() {
        assert_eq!(
            parse_stop(&json!({"HumanLoopName": "x-1"}))
                .unwrap()
                .as_str(),
            "x-1"
        );
        assert!(parse_stop(&json!({})).is_err());
        assert!(parse_loop_name("under_score").is_err());
        assert_eq!(parse_loop_name("ok").unwrap().as_str(), "ok");
        assert_eq!(parse_loop_name("UPPER").unwrap().as_str(), "UPPER");
    }

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn list_requests_and_their_tokens() {
        let request = ListRequest::parse(
            &query(&[
                ("FlowDefinitionArn", FLOW),
                ("CreationTimeAfter", "2020-02-24"),
                ("CreationTimeBefore", "2020-02-25T00:00:00.500Z"),
                ("SortOrder", "Ascending"),
                ("MaxResults", "10"),
            ]),
            &account(),
        )
        .unwrap();
        assert!(request.ascending);
        assert_eq!(request.max_results, 10);
        assert_eq!(
            request.created_after.unwrap().as_millis(),
            1_582_502_400_000
        );
        assert_eq!(
            request.created_before.unwrap().as_millis(),
            1_582_588_800_500
        );
        let token = request.token_after(Timestamp::from_millis(5), LoopId(9));
        let mut next = query(&[
            ("FlowDefinitionArn", FLOW),
            ("CreationTimeAfter", "2020-02-24"),
            ("CreationTimeBefore", "2020-02-25T00:00:00.500Z"),
            ("SortOrder", "Ascending"),
            ("MaxResults", "50"),
        ]);
        next.push(("NextToken".into(), token.clone()));
        let page_two = ListRequest::parse(&next, &account()).unwrap();
        assert_eq!(page_two.after, Some((Timestamp::from_millis(5), LoopId(9))));
        // The same token with other filters, or a made-up one, is refused.
        let other_filters = query(&[("FlowDefinitionArn", FLOW), ("NextToken", &token)]);
        let error = ListRequest::parse(&other_filters, &account()).unwrap_err();
        assert!(error.to_string().contains("other filters"), "{error}");
        let garbage = query(&[("FlowDefinitionArn", FLOW), ("NextToken", "not-a-token")]);
        assert!(ListRequest::parse(&garbage, &account()).is_err());
    }

    #[test]
    fn list_requests_check_their_members() {
        let error = ListRequest::parse(
            &query(&[
                ("SortOrder", "Sideways"),
                ("MaxResults", "0"),
                ("CreationTimeAfter", "yesterday"),
            ]),
            &account(),
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains(
            "at 'flowDefinitionArn' failed to satisfy constraint: Member must not be null"
        ));
        assert!(error.contains("Member must satisfy enum value set: [Ascending, Descending]"));
        assert!(error.contains("Member must have value greater than or equal to 1"));
        assert!(error.contains("'creationTimeAfter'"));
        let default =
            ListRequest::parse(&query(&[("FlowDefinitionArn", FLOW)]), &account()).unwrap();
        assert!(!default.ascending);
        assert_eq!(default.max_results, DEFAULT_MAX_RESULTS);
    }
}
