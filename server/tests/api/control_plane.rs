//! The SageMaker control plane over HTTP (AWS JSON 1.1), on SQLite and PostgreSQL: what boto3
//! cannot send (unknown operations) and the protocol's error shape.

use crate::helpers::Api;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn json_1_1_errors_and_unknown_operations(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    // (operation, request, the error's __type, what its message says).
    for (operation, request, error_type, message) in [
        (
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": "nope"}),
            "ResourceNotFound",
            None,
        ),
        (
            "CreateTrainingJob",
            json!({"TrainingJobName": "x"}),
            "UnknownOperationException",
            None,
        ),
        (
            "CreateCompilationJob",
            json!({"CompilationJobName": "x"}),
            "ValidationException",
            Some("Value null at 'roleArn'"),
        ),
        (
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": "Not_Valid"}),
            "ValidationException",
            Some("at 'flowDefinitionName'"),
        ),
        (
            "DescribeFlowDefinition",
            json!({"FlowDefinitionName": 5}),
            "SerializationException",
            None,
        ),
    ] {
        let (status, _, body) = api.sagemaker(operation, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{operation}: {body}");
        assert_eq!(body["__type"], error_type, "{operation}: {body}");
        if let Some(message) = message {
            let text = body["Message"].as_str().unwrap();
            assert!(text.contains(message), "{body}");
        }
    }

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
    let review_text = || json!({"FlowDefinitionName": "review-text"});
    let (status, _, _) = api.sagemaker("DeleteFlowDefinition", review_text()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = api.sagemaker("DescribeFlowDefinition", review_text()).await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("ResourceNotFound"))
    );
}

const ROLE: &str = "arn:aws:iam::123456789012:role/a2i";

/// What `RenderUiTemplate` answers `request`, which it must take (template errors included).
async fn rendered(api: &Api, request: Value) -> Value {
    let (status, _, body) = api.sagemaker("RenderUiTemplate", request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn templates_render_with_granted_links(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    // An input image in the directory that stands in for S3.
    let image = api.outputs.join("inputs/photos/cat 1.png");
    std::fs::create_dir_all(image.parent().unwrap()).unwrap();
    std::fs::write(&image, b"\x89PNG fake").unwrap();

    let template = "{% capture uri %}s3://{{ task.input.bucket }}/{{ task.input.key }}{% endcapture %}\
                    <img src=\"{{ uri | grant_read_access }}\"><p>{{ task.input.note }}</p>";
    let body = rendered(
        &api,
        json!({
            "UiTemplate": {"Content": template},
            "Task": {"Input": json!({"bucket": "inputs", "key": "photos/cat 1.png", "note": "<b>hi</b>"}).to_string()},
            "RoleArn": ROLE,
        }),
    )
    .await;
    assert_eq!(body["Errors"], json!([]));
    let html = body["RenderedContent"].as_str().unwrap();
    assert!(html.contains("<p>&lt;b&gt;hi&lt;/b&gt;</p>"), "{html}");
    let link = html
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        link.starts_with(&format!(
            "{}/blobs/inputs/photos/cat%201.png?expires=",
            api.base
        )),
        "{link}"
    );
    let fetched = reqwest::get(&link).await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert!(
        fetched.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );
    // Readable by scripts in a task frame's opaque origin (a label map read into a canvas).
    assert_eq!(fetched.headers()["access-control-allow-origin"], "*");
    assert_eq!(&fetched.bytes().await.unwrap()[..], b"\x89PNG fake");
    // A link is good only as signed.
    let tampered = link.replace("cat%201.png", "cat%202.png");
    assert_eq!(
        reqwest::get(&tampered).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let unsigned = link.split('?').next().unwrap().to_owned();
    assert_eq!(
        reqwest::get(&unsigned).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // A stored template by ARN; template errors come back in Errors with a 200.
    let body = rendered(
        &api,
        json!({
            "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/text",
            "Task": {"Input": "{\"taskObject\": \"stored\"}"},
            "RoleArn": ROLE,
        }),
    )
    .await;
    assert_eq!(body["RenderedContent"], "<p>stored</p>");
    let body = rendered(
        &api,
        json!({
            "UiTemplate": {"Content": "<p>ok</p>\n{% if task.input.a %}never closed"},
            "Task": {"Input": "{}"},
            "RoleArn": ROLE,
        }),
    )
    .await;
    assert_eq!(body["RenderedContent"], "");
    assert_eq!(body["Errors"][0]["Code"], "TemplateSyntaxError", "{body}");

    // Bad requests: AWS error shapes naming the member.
    for (request, error_type, needle) in [
        (
            json!({"HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/missing",
                   "Task": {"Input": "{}"}, "RoleArn": ROLE}),
            "ResourceNotFound",
            "missing",
        ),
        (
            json!({"UiTemplate": {"Content": "x"}, "Task": {"Input": "not json"}, "RoleArn": ROLE}),
            "ValidationException",
            "Task.Input",
        ),
        (
            json!({"Task": {"Input": "{}"}, "RoleArn": ROLE}),
            "ValidationException",
            "UiTemplate",
        ),
        (
            json!({"UiTemplate": {"Content": "x"}, "Task": {"Input": "{}"}}),
            "ValidationException",
            "RoleArn",
        ),
        (
            json!({"UiTemplate": {"Content": "x"},
                   "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/text",
                   "Task": {"Input": "{}"}, "RoleArn": ROLE}),
            "ValidationException",
            "HumanTaskUiArn",
        ),
    ] {
        let (status, actual_type, body) = api.sagemaker("RenderUiTemplate", request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(actual_type.as_deref(), Some(error_type), "{body}");
        // Member paths are spelled as AWS spells them (`task.input`), so compare loosely.
        assert!(
            body["Message"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains(&needle.to_lowercase()),
            "{body}"
        );
    }
}

test_on_both_backends!(
    json_1_1_errors_and_unknown_operations,
    templates_render_with_granted_links
);
