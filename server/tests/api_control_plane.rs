//! The SageMaker control plane over HTTP (AWS JSON 1.1), on SQLite and PostgreSQL: what boto3
//! cannot send (unknown operations) and the protocol's error shape.

mod common;

use common::Api;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::json;

async fn json_1_1_errors_and_unknown_operations(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (status, _, body) = api
        .sagemaker(
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "ResourceNotFound");
    let (status, _, body) = api
        .sagemaker("CreateCompilationJob", json!({"CompilationJobName": "x"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "UnknownOperationException");
    let (status, _, body) = api
        .sagemaker(
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": "Not_Valid"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "ValidationException");
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .contains("at 'flowDefinitionName'"),
        "{body}"
    );
    let (status, _, body) = api
        .sagemaker("DescribeFlowDefinition", json!({"FlowDefinitionName": 5}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["__type"], "SerializationException");

    // Describe, then the template behind UiTemplate.Url.
    let (status, _, body) = api
        .sagemaker("DescribeHumanTaskUi", json!({"HumanTaskUiName": "text"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["CreationTime"].is_f64() || body["CreationTime"].is_u64());
    let url = body["UiTemplate"]["Url"].as_str().unwrap();
    let path = url.split_once("//").unwrap().1.split_once('/').unwrap().1;
    let (status, _, text) = api.call("GET", &format!("/{path}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "<p>{{ task.input.taskObject }}</p>");
    let (status, _, _) = api.call_as("GET", &format!("/{path}"), None, None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the template URL needs a signature"
    );

    // Deleted, the flow definition is not found any more.
    let (status, _, _) = api
        .sagemaker(
            "DeleteFlowDefinition",
            json!({"FlowDefinitionName": "review-text"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = api
        .sagemaker(
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": "review-text"}),
        )
        .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ResourceNotFound"))
    );
}

test_on_both_backends!(json_1_1_errors_and_unknown_operations);
