use serde_json::{Value, json};

use super::*;
use crate::domain::compilation::spec::CompilationJobSpec;
use crate::domain::names::CompilationJobName;

fn job(
    name: &str,
    status: CompilationJobStatus,
    created: i64,
    modified: i64,
) -> CompilationJobSummary {
    let spec = CompilationJobSpec::parse(&json!({
        "CompilationJobName": name,
        "RoleArn": "arn:aws:iam::123456789012:role/NeoRole",
        "InputConfig": {"S3Uri": "s3://m/model.tar.gz", "Framework": "ONNX"},
        "OutputConfig": {"S3OutputLocation": "s3://m/out", "TargetDevice": "ml_c5"},
        "StoppingCondition": {}
    }))
    .unwrap();
    CompilationJobSummary {
        name: CompilationJobName::parse(name).unwrap(),
        status,
        created_at: Timestamp::from_millis(created),
        last_modified_at: Timestamp::from_millis(modified),
        started_at: None,
        ended_at: None,
        failure_reason: String::new(),
        phase: None,
        spec,
    }
}

fn jobs() -> Vec<CompilationJobSummary> {
    use CompilationJobStatus::*;
    vec![
        job("cnn-b", Completed, 3_000, 9_000),
        job("mlp-a", Failed, 1_000, 2_000),
        job("Cnn-A", Inprogress, 2_000, 5_000),
        job("tiny", Starting, 4_000, 4_000),
    ]
}

fn names(page: &[CompilationJobSummary]) -> Vec<&str> {
    page.iter().map(|job| job.name.as_str()).collect()
}

fn list(request: Value) -> (Vec<String>, Option<String>) {
    let query = JobQuery::parse(&request).unwrap();
    let (page, next) = query.page(jobs());
    (names(&page).into_iter().map(str::to_owned).collect(), next)
}

#[test]
fn by_default_oldest_first_ten_to_a_page() {
    let (page, next) = list(json!({}));
    assert_eq!(page, ["mlp-a", "Cnn-A", "cnn-b", "tiny"]);
    assert_eq!(next, None);
}

#[test]
fn every_sort_in_both_orders() {
    let (page, _) = list(json!({"SortBy": "Name"}));
    assert_eq!(page, ["Cnn-A", "cnn-b", "mlp-a", "tiny"]);
    let (page, _) = list(json!({"SortBy": "Name", "SortOrder": "Descending"}));
    assert_eq!(page, ["tiny", "mlp-a", "cnn-b", "Cnn-A"]);
    let (page, _) = list(json!({"SortBy": "Status"}));
    assert_eq!(page, ["cnn-b", "mlp-a", "Cnn-A", "tiny"]);
    let (page, _) = list(json!({"SortOrder": "Descending"}));
    assert_eq!(page, ["tiny", "cnn-b", "Cnn-A", "mlp-a"]);
}

#[test]
fn every_filter_narrows() {
    let (page, _) = list(json!({"NameContains": "cnn"}));
    assert_eq!(page, ["Cnn-A", "cnn-b"]);
    let (page, _) = list(json!({"StatusEquals": "FAILED"}));
    assert_eq!(page, ["mlp-a"]);
    let (page, _) = list(json!({"CreationTimeAfter": 1.0, "CreationTimeBefore": 4.0}));
    assert_eq!(page, ["Cnn-A", "cnn-b"]);
    let (page, _) = list(json!({"LastModifiedTimeAfter": 4.5}));
    assert_eq!(page, ["Cnn-A", "cnn-b"]);
    let (page, _) = list(json!({"LastModifiedTimeBefore": "1970-01-01T00:00:04.5Z"}));
    assert_eq!(page, ["mlp-a", "tiny"]);
}

#[test]
fn pages_walk_the_whole_list_once_and_tokens_are_bound_to_their_filters() {
    for (sort, order) in [
        ("Name", "Ascending"),
        ("Status", "Descending"),
        ("CreationTime", "Descending"),
    ] {
        let mut seen = Vec::new();
        let mut request = json!({"MaxResults": 1, "SortBy": sort, "SortOrder": order});
        loop {
            let (page, next) = list(request.clone());
            assert!(page.len() <= 1);
            seen.extend(page);
            match next {
                Some(token) => request["NextToken"] = json!(token),
                None => break,
            }
        }
        let (all, _) = list(json!({"SortBy": sort, "SortOrder": order}));
        assert_eq!(seen, all, "{sort} {order}");
    }
    let (_, token) = list(json!({"MaxResults": 1}));
    let other =
        JobQuery::parse(&json!({"MaxResults": 1, "StatusEquals": "FAILED", "NextToken": token}));
    assert!(other.is_err());
    assert!(JobQuery::parse(&json!({"NextToken": "garbage"})).is_err());
}

#[test]
fn bad_members_are_validation_errors() {
    let err = JobQuery::parse(&json!({
        "SortBy": "Size", "SortOrder": "Up", "StatusEquals": "Done",
        "MaxResults": 101, "NameContains": "a_b", "CreationTimeAfter": "yesterday"
    }))
    .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("6 validation errors"), "{text}");
}
