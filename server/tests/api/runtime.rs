//! The A2I runtime over HTTP, against a real server on port 0, with SigV4-signed requests, on a
//! fresh SQLite file and a fresh PostgreSQL database.

use std::time::Duration;

use crate::helpers::{ACCOUNT, Answer, Api, FLOW_ARN, REGION};
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The body of an AWS error answer, once its status and `X-Amzn-ErrorType` are checked.
fn error_body(
    (status, error_type, body): Answer,
    expected: StatusCode,
    expected_type: &str,
) -> Value {
    assert_eq!(status, expected, "{body}");
    assert_eq!(error_type.as_deref(), Some(expected_type), "{body}");
    body
}

fn list_path(extra: &str) -> String {
    let arn: String = form_urlencoded::byte_serialize(FLOW_ARN.as_bytes()).collect();
    format!("/human-loops?FlowDefinitionArn={arn}{extra}")
}

async fn the_runtime_lifecycle_over_http(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (status, _, body) = api.start("item-1", json!({"taskObject": "one"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["HumanLoopArn"],
        format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-loop/item-1")
    );
    // A retry is answered like the first call; other input under the same name is a conflict.
    assert_eq!(
        api.start("item-1", json!({"taskObject": "one"})).await.0,
        StatusCode::OK
    );
    let conflict = api.start("item-1", json!({"taskObject": "two"})).await;
    let body = error_body(conflict, StatusCode::CONFLICT, "ConflictException");
    assert_eq!(body["__type"], "ConflictException");
    tokio::time::sleep(Duration::from_millis(5)).await;
    api.start("item-2", json!({"taskObject": "two"})).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    api.start("item-3", json!({"taskObject": "three"})).await;

    let (status, _, body) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["HumanLoopStatus"], "InProgress");
    assert_eq!(body["FlowDefinitionArn"], FLOW_ARN);
    let created = body["CreationTime"].as_str().unwrap();
    assert!(created.ends_with('Z'));
    // Where output.json will be is told from the start (A2I does; notebooks print it at once):
    // <S3OutputPath>/<flow>/YYYY/MM/DD/hh/mm/ss/<loop>/output.json from the creation time.
    let date_dirs = created[..19].replace(['-', 'T', ':'], "/");
    assert_eq!(
        body["HumanLoopOutput"]["OutputS3Uri"],
        format!("s3://results/loupe/review-text/{date_dirs}/item-1/output.json"),
        "{body}"
    );

    // Newest first by default, two pages of two.
    let (status, _, page) = api.call("GET", &list_path("&MaxResults=2"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let names: Vec<&str> = page["HumanLoopSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["HumanLoopName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["item-3", "item-2"]);
    let token = page["NextToken"].as_str().unwrap().to_owned();
    let (_, _, page) = api
        .call(
            "GET",
            &list_path(&format!("&MaxResults=2&NextToken={token}")),
            None,
        )
        .await;
    assert_eq!(page["HumanLoopSummaries"][0]["HumanLoopName"], "item-1");
    assert!(page.get("NextToken").is_none(), "last page: {page}");
    // The token is bound to its filters.
    let other_filters = list_path(&format!("&SortOrder=Ascending&NextToken={token}"));
    let answer = api.call("GET", &other_filters, None).await;
    error_body(answer, StatusCode::BAD_REQUEST, "ValidationException");
    let (_, _, page) = api
        .call("GET", &list_path("&SortOrder=Ascending"), None)
        .await;
    assert_eq!(page["HumanLoopSummaries"][0]["HumanLoopName"], "item-1");

    // Delete needs a final state; stop first.
    let answer = api.call("DELETE", "/human-loops/item-1", None).await;
    error_body(answer, StatusCode::BAD_REQUEST, "ValidationException");
    let stop = || {
        api.call(
            "POST",
            "/human-loops/stop",
            Some(json!({"HumanLoopName": "item-1"})),
        )
    };
    let (status, _, body) = stop().await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (_, _, body) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(body["HumanLoopStatus"], "Stopped");
    let (status, _, body) = api.call("DELETE", "/human-loops/item-1", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let answer = api.call("GET", "/human-loops/item-1", None).await;
    error_body(answer, StatusCode::NOT_FOUND, "ResourceNotFoundException");
    let (status, _, _) = stop().await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_requests_get_aws_errors(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let bad_name = json!({"HumanLoopName": "Bad_Name", "FlowDefinitionArn": FLOW_ARN});
    let answer = api.call("POST", "/human-loops", Some(bad_name)).await;
    let body = error_body(answer, StatusCode::BAD_REQUEST, "ValidationException");
    let message = body["Message"].as_str().unwrap();
    assert!(message.contains("'humanLoopName'"), "{message}");
    assert!(message.contains("'humanLoopInput'"), "{message}");

    let unknown_flow = json!({
        "HumanLoopName": "x",
        "FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/nope",
        "HumanLoopInput": {"InputContent": "{}"}
    });
    let answer = api.call("POST", "/human-loops", Some(unknown_flow)).await;
    error_body(answer, StatusCode::NOT_FOUND, "ResourceNotFoundException");
    let not_json = json!({
        "HumanLoopName": "x", "FlowDefinitionArn": FLOW_ARN,
        "HumanLoopInput": {"InputContent": "{not json"}
    });
    let (status, _, body) = api.call("POST", "/human-loops", Some(not_json)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("InputContent"));
    let answer = api.call("GET", "/human-loops", None).await;
    error_body(answer, StatusCode::BAD_REQUEST, "ValidationException");

    // Unsigned and wrongly signed requests are refused.
    let unsigned = api.call_as("GET", "/human-loops/x", None, None).await;
    error_body(
        unsigned,
        StatusCode::FORBIDDEN,
        "MissingAuthenticationTokenException",
    );
    let wrongly_signed = api
        .call_as("GET", "/human-loops/x", None, Some("wrong secret"))
        .await;
    error_body(
        wrongly_signed,
        StatusCode::FORBIDDEN,
        "InvalidSignatureException",
    );

    // Every call is in the audit log (written in the background): newest first.
    let mut calls = Vec::new();
    for _ in 0..50 {
        calls = api.store.api_calls(None, 100).await.unwrap();
        if calls.len() >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(calls.len(), 6, "{calls:?}");
    let newest = &calls[0];
    assert_eq!(newest.operation, "DescribeHumanLoop");
    assert_eq!(newest.status, 403);
    assert_eq!(
        newest.error_type.as_deref(),
        Some("InvalidSignatureException")
    );
    assert_eq!(newest.access_key_id.as_deref(), Some(api.key.as_str()));
    let unsigned = &calls[1];
    assert_eq!(unsigned.access_key_id, None);
    assert_eq!(
        unsigned.error_type.as_deref(),
        Some("MissingAuthenticationTokenException")
    );
    let first = calls.last().unwrap();
    assert_eq!(
        (first.operation.as_str(), first.status),
        ("StartHumanLoop", 400)
    );
    let older = api.store.api_calls(Some(calls[1].id), 2).await.unwrap();
    assert_eq!(older.len(), 2);
    assert_eq!(older[0].id, calls[2].id);
}

async fn dry_runs_decide_without_starting(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (status, _, body) = api
        .call(
            "POST",
            "/flow-definitions/review-text/dry-run",
            Some(json!({"InputContent": "{\"taskObject\": 1}"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["WouldStartHumanLoop"], true,
        "custom flows always start"
    );
    let (_, _, list) = api.call("GET", &list_path(""), None).await;
    assert_eq!(list["HumanLoopSummaries"], json!([]), "nothing was started");
    let unknown_flow = Some(json!({"InputContent": "{}"}));
    let answer = api
        .call("POST", "/flow-definitions/nope/dry-run", unknown_flow)
        .await;
    error_body(answer, StatusCode::NOT_FOUND, "ResourceNotFoundException");
    let (status, _, _) = api
        .call(
            "POST",
            "/flow-definitions/review-text/dry-run",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn unsigned_calls_work_only_when_allowed(backend: Backend) {
    let api = Api::spawn(backend, &["--allow-unsigned-api"]).await;
    let (status, _, body) = api
        .call_as(
            "POST",
            "/human-loops",
            Some(json!({
                "HumanLoopName": "open", "FlowDefinitionArn": FLOW_ARN,
                "HumanLoopInput": {"InputContent": "{}"}
            })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A signature, when present, is still checked.
    let (status, _, _) = api
        .call_as("GET", "/human-loops/open", None, Some("wrong secret"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

test_on_both_backends!(
    the_runtime_lifecycle_over_http,
    bad_requests_get_aws_errors,
    dry_runs_decide_without_starting,
    unsigned_calls_work_only_when_allowed,
);
