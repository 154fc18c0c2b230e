//! Textract AnalyzeDocument and Rekognition DetectModerationLabels with HumanLoopConfig, proxied
//! to a stand-in for the real services ([`UpstreamDouble`]), on SQLite and PostgreSQL: the call
//! forwarded signed and without HumanLoopConfig, the loop started (or not) by the flow's
//! activation conditions, the errors, and the same through the real boto3 clients.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use loupe_engine::domain::arns::Account;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::custom_flow_request;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{ACCOUNT, Api, FLOW_ARN, REGION, WORKER_PASSWORD, run_boto3_script};
use crate::upstream_double::{self, UpstreamDouble};

const TEXTRACT: &str = "Textract.AnalyzeDocument";
const REKOGNITION: &str = "RekognitionService.DetectModerationLabels";
const MODERATION_SOURCE: &str = "AWS/Rekognition/DetectModerationLabels/Image/V3";
const FORMS_SOURCE: &str = "AWS/Textract/AnalyzeDocument/Forms/V1";

/// A loop when "Suggestive" is below 95 or swimwear above 98.
fn moderation_conditions() -> Value {
    json!({"Conditions": [{"Or": [
        {"ConditionType": "ModerationLabelConfidenceCheck",
         "ConditionParameters": {"ModerationLabelName": "Suggestive", "ConfidenceLessThan": 95}},
        {"ConditionType": "ModerationLabelConfidenceCheck",
         "ConditionParameters": {"ModerationLabelName": "Female Swimwear Or Underwear",
                                 "ConfidenceGreaterThan": 98}}
    ]}]})
}

/// A loop when the "Pay Date" pair was read with less than 80 % confidence.
fn form_conditions() -> Value {
    json!({"Conditions": [{"ConditionType": "ImportantFormKeyConfidenceCheck",
        "ConditionParameters": {"ImportantFormKey": "Pay Date", "ImportantFormKeyAliases": ["Pay Date:"],
                                "KeyValueBlockConfidenceLessThan": 80, "WordBlockConfidenceLessThan": 80}}]})
}

/// A server whose upstreams are `double`.
async fn spawn(backend: Backend, double: &UpstreamDouble) -> Api {
    let flags = double.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    Api::spawn(backend, &flags).await
}

/// Creates the task UI from the engine's starter `ui` and a built-in flow `name` using it;
/// returns the flow's ARN.
async fn built_in_flow(api: &Api, name: &str, source: &str, ui: &str, conditions: Value) -> String {
    let starter = loupe_engine::templates::library::starter(ui).unwrap();
    let (status, _, body) = api
        .sagemaker(
            "CreateHumanTaskUi",
            json!({"HumanTaskUiName": ui, "UiTemplate": {"Content": starter.content}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let account = Account::new(REGION, ACCOUNT).unwrap();
    let mut request = custom_flow_request(&account, name, "reviewers", ui, 1, "s3://results/ai");
    request["HumanLoopRequestSource"] = json!({"AwsManagedHumanLoopRequestSource": source});
    request["HumanLoopActivationConfig"] = json!({"HumanLoopActivationConditionsConfig":
        {"HumanLoopActivationConditions": conditions.to_string()}});
    let (status, _, body) = api.sagemaker("CreateFlowDefinition", request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["FlowDefinitionArn"].as_str().unwrap().to_owned()
}

/// An AI-service call signed for `service`: status, response headers, body.
async fn call(
    api: &Api,
    target: &str,
    service: &str,
    body: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let secret = api.secret.expose().to_owned();
    let response = api
        .signed_request(
            "POST",
            "/",
            Some(target),
            service,
            body.to_owned(),
            Some(&secret),
        )
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn loop_config(name: &str, flow: &str) -> Value {
    json!({"HumanLoopName": name, "FlowDefinitionArn": flow,
           "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation"]}})
}

fn image(name: &str) -> Value {
    json!({"S3Object": {"Bucket": "photos", "Name": name}})
}

/// The condition results of an activation output, parsed from their JSON string.
fn evaluation_results(output: &Value) -> Value {
    serde_json::from_str(
        output["HumanLoopActivationConditionsEvaluationResults"]
            .as_str()
            .expect("evaluation results"),
    )
    .unwrap()
}

/// The error type of an answer: the `X-Amzn-ErrorType` header, which must agree with `__type`.
fn error_type(headers: &reqwest::header::HeaderMap, body: &Value) -> String {
    let header = headers["x-amzn-errortype"].to_str().unwrap();
    assert_eq!(body["__type"], header, "{body}");
    header.to_owned()
}

async fn moderation_loops_start_when_the_conditions_hold(backend: Backend) {
    let double = UpstreamDouble::start().await;
    let api = spawn(backend, &double).await;
    let flow = built_in_flow(
        &api,
        "moderation",
        MODERATION_SOURCE,
        "moderation-review",
        moderation_conditions(),
    )
    .await;

    // Without HumanLoopConfig: forwarded byte for byte, answered as the service answered.
    let plain =
        r#"{"Image":{"S3Object":{"Bucket":"photos","Name":"beach.jpg"}},"MinConfidence":60}"#;
    let (status, headers, body) = call(&api, REKOGNITION, "rekognition", plain).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(headers["x-amzn-requestid"], upstream_double::REQUEST_ID);
    assert_eq!(body["ModerationLabels"][0]["Name"], "Suggestive");
    assert!(body.get("HumanLoopActivationOutput").is_none(), "{body}");
    let forwarded = double.last();
    assert_eq!(forwarded.target, REKOGNITION);
    assert_eq!(&forwarded.raw[..], plain.as_bytes());
    // Signed with the upstream key for rekognition in the upstream region (the double verified
    // the signature itself), never with the caller's key.
    let authorization = forwarded.headers["authorization"].to_str().unwrap();
    assert!(
        authorization.contains(&format!("Credential={}/", upstream_double::KEY_ID))
            && authorization.contains(&format!(
                "/{}/rekognition/aws4_request",
                upstream_double::REGION
            )),
        "{authorization}"
    );
    assert!(!authorization.contains(api.key.as_str()));
    // A null HumanLoopConfig is none, and does not go on either.
    let null = json!({"Image": image("beach.jpg"), "HumanLoopConfig": null});
    let (status, _, body) = call(&api, REKOGNITION, "rekognition", &null.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("HumanLoopActivationOutput").is_none(), "{body}");
    assert_eq!(double.last().body, json!({"Image": image("beach.jpg")}));

    // Conditions hold: the loop starts and the answer says so.
    let request = json!({"Image": image("beach.jpg"), "MinConfidence": 60,
                         "HumanLoopConfig": loop_config("beach-1", &flow)});
    let (status, _, body) = call(&api, REKOGNITION, "rekognition", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ModerationModelVersion"], "7.0");
    let output = &body["HumanLoopActivationOutput"];
    assert_eq!(
        output["HumanLoopArn"],
        format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-loop/beach-1")
    );
    assert_eq!(
        output["HumanLoopActivationReasons"],
        json!(["ConditionsMatched"])
    );
    let results = evaluation_results(output);
    assert_eq!(results["Conditions"][0]["EvaluationResult"], true);
    assert_eq!(results["Conditions"][0]["Or"][0]["EvaluationResult"], true);
    assert_eq!(results["Conditions"][0]["Or"][1]["EvaluationResult"], false);
    let forwarded = double.last().body;
    assert!(forwarded.get("HumanLoopConfig").is_none(), "{forwarded}");
    assert_eq!(
        forwarded,
        json!({"Image": image("beach.jpg"), "MinConfidence": 60})
    );

    let (status, _, described) = api.call("GET", "/human-loops/beach-1", None).await;
    assert_eq!(status, StatusCode::OK, "{described}");
    assert_eq!(described["HumanLoopStatus"], "InProgress");
    assert_eq!(described["FlowDefinitionArn"], flow);
    // The loop's input is what A2I gives such loops: the request (with its HumanLoopConfig)
    // and the service's answer.
    let name = loupe_engine::domain::names::HumanLoopName::parse("beach-1").unwrap();
    let stored = api.reviews.find_human_loop(&name).await.unwrap();
    let input: Value = serde_json::from_str(&stored.input_content).unwrap();
    assert_eq!(
        input["aiServiceRequest"]["HumanLoopConfig"]["HumanLoopName"],
        "beach-1"
    );
    assert_eq!(input["aiServiceRequest"]["Image"], image("beach.jpg"));
    assert_eq!(
        input["aiServiceResponse"]["ModerationLabels"][1]["ParentName"],
        "Suggestive"
    );
    assert_eq!(stored.content_classifiers.len(), 1);

    // Sent again as it was: the same loop. The same name for another request: refused.
    let (status, _, again) = call(&api, REKOGNITION, "rekognition", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(
        again["HumanLoopActivationOutput"]["HumanLoopArn"],
        output["HumanLoopArn"]
    );
    let other = json!({"Image": image("beach.jpg"), "MinConfidence": 70,
                       "HumanLoopConfig": loop_config("beach-1", &flow)});
    let (status, headers, body) = call(&api, REKOGNITION, "rekognition", &other.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_type(&headers, &body), "InvalidParameterException");
    assert!(
        body["Message"].as_str().unwrap().contains("beach-1"),
        "{body}"
    );

    // Conditions false: no loop, but the evaluation results.
    let request = json!({"Image": image("mountains.jpg"), "HumanLoopConfig": loop_config("mountains-1", &flow)});
    let (status, _, body) = call(&api, REKOGNITION, "rekognition", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let output = &body["HumanLoopActivationOutput"];
    assert!(output.get("HumanLoopArn").is_none(), "{output}");
    assert!(
        output.get("HumanLoopActivationReasons").is_none(),
        "{output}"
    );
    assert_eq!(
        evaluation_results(output)["Conditions"][0]["EvaluationResult"],
        false
    );
    let (status, error, _) = api.call("GET", "/human-loops/mountains-1", None).await;
    assert_eq!(
        (status, error.as_deref()),
        (StatusCode::NOT_FOUND, Some("ResourceNotFoundException"))
    );
}

async fn textract_bytes_are_kept_for_the_worker_to_see(backend: Backend) {
    let double = UpstreamDouble::start().await;
    let api = spawn(backend, &double).await;
    let flow = built_in_flow(
        &api,
        "forms",
        FORMS_SOURCE,
        "form-review",
        form_conditions(),
    )
    .await;

    let scan = b"\x89PNG\r\n\x1a\nsmudged payslip scan";
    let encoded = STANDARD.encode(scan);
    let request = json!({"Document": {"Bytes": encoded}, "FeatureTypes": ["FORMS"],
                         "HumanLoopConfig": loop_config("payslip-1", &flow)});
    let (status, _, body) = call(&api, TEXTRACT, "textract", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["DocumentMetadata"]["Pages"], 1);
    let output = &body["HumanLoopActivationOutput"];
    assert_eq!(
        output["HumanLoopArn"],
        format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-loop/payslip-1")
    );
    assert_eq!(
        evaluation_results(output)["Conditions"][0]["EvaluationResult"],
        true
    );
    // Upstream, the document went as bytes, signed for textract.
    let forwarded = double.last();
    assert_eq!(forwarded.body["Document"]["Bytes"], encoded);
    assert!(forwarded.body.get("HumanLoopConfig").is_none());
    assert!(
        forwarded.headers["authorization"]
            .to_str()
            .unwrap()
            .contains("/textract/aws4_request")
    );

    // Kept in the output store under the flow, named by its digest.
    let digest: String = Sha256::digest(scan)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let kept = api
        .outputs
        .join(format!("results/ai/forms/ai-service-inputs/{digest}.png"));
    assert_eq!(std::fs::read(&kept).unwrap(), scan);

    // The worker's task shows it through a granted link.
    let (client, token, _) =
        crate::helpers::sign_in(&api.base, "w@test.local", WORKER_PASSWORD).await;
    let claimed: Value = client
        .post(format!("{}/work/api/tasks/claim", api.base))
        .header("x-csrf-token", &token)
        .json(&json!({"flow": "forms"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = claimed["taskId"].as_i64().expect("a task to claim");
    let frame = client
        .get(format!("{}/work/frame/{id}", api.base))
        .header("sec-fetch-dest", "iframe")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = frame
        .split("src=\"/blobs/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no granted link in {frame}"))
        .replace("&amp;", "&");
    let image = reqwest::get(format!("{}/blobs/{link}", api.base))
        .await
        .unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(&image.bytes().await.unwrap()[..], scan);

    // Conditions false: no loop, and no copy of the document.
    let clean = STANDARD.encode(b"\x89PNG\r\n\x1a\nclean payslip scan");
    let request = json!({"Document": {"Bytes": clean}, "FeatureTypes": ["FORMS"],
                         "HumanLoopConfig": loop_config("payslip-2", &flow)});
    let (status, _, body) = call(&api, TEXTRACT, "textract", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["HumanLoopActivationOutput"]
            .get("HumanLoopArn")
            .is_none(),
        "{body}"
    );
    let kept = std::fs::read_dir(kept.parent().unwrap()).unwrap().count();
    assert_eq!(kept, 1);

    // A scan larger than the control plane's 2 MiB cap still goes through (Textract takes up
    // to 10 MiB of bytes).
    let mut large = b"\x89PNG\r\n\x1a\n".to_vec();
    large.resize(6 * 1024 * 1024, b'x');
    let request =
        json!({"Document": {"Bytes": STANDARD.encode(&large)}, "FeatureTypes": ["FORMS"]});
    let (status, _, body) = call(&api, TEXTRACT, "textract", &request.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(double.last().raw.len(), request.to_string().len());
}

async fn human_loop_config_errors_are_the_services_errors(backend: Backend) {
    let double = UpstreamDouble::start().await;
    let api = spawn(backend, &double).await;
    let moderation = built_in_flow(
        &api,
        "moderation",
        MODERATION_SOURCE,
        "moderation-review",
        moderation_conditions(),
    )
    .await;
    let unknown = format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:flow-definition/no-such-flow");

    // An upstream error comes back as it was, and no loop starts.
    let request = json!({"Image": image("missing.jpg"), "HumanLoopConfig": loop_config("gone-1", &moderation)});
    let (status, headers, body) =
        call(&api, REKOGNITION, "rekognition", &request.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["__type"], "InvalidS3ObjectException");
    assert_eq!(headers["x-amzn-requestid"], upstream_double::REQUEST_ID);
    assert_eq!(
        api.call("GET", "/human-loops/gone-1", None).await.0,
        StatusCode::NOT_FOUND
    );
    let calls = double.calls().len();

    // What can be checked without the service's answer is checked before calling it.
    let refused = [
        (
            REKOGNITION,
            "rekognition",
            json!({"Image": image("beach.jpg"), "HumanLoopConfig": loop_config("a", &unknown)}),
            "ResourceNotFoundException",
            "no-such-flow",
        ),
        (
            TEXTRACT,
            "textract",
            json!({"Document": image("smudged-payslip.png"), "FeatureTypes": ["FORMS"],
                                      "HumanLoopConfig": loop_config("b", &unknown)}),
            "InvalidParameterException",
            "no-such-flow",
        ),
        (
            TEXTRACT,
            "textract",
            json!({"Document": image("smudged-payslip.png"), "FeatureTypes": ["FORMS"],
                                      "HumanLoopConfig": loop_config("c", &moderation)}),
            "InvalidParameterException",
            FORMS_SOURCE,
        ),
        (
            REKOGNITION,
            "rekognition",
            json!({"Image": image("beach.jpg"), "HumanLoopConfig": loop_config("d", FLOW_ARN)}),
            "InvalidParameterException",
            "custom task type",
        ),
        (
            REKOGNITION,
            "rekognition",
            json!({"Image": image("beach.jpg"), "HumanLoopConfig": loop_config("has space", &moderation)}),
            "InvalidParameterException",
            "humanLoopName",
        ),
        (
            REKOGNITION,
            "rekognition",
            json!({"Image": image("beach.jpg"), "HumanLoopConfig": {"HumanLoopName": "e"}}),
            "InvalidParameterException",
            "flowDefinitionArn",
        ),
    ];
    for (target, service, request, expected, mentions) in refused {
        let (status, headers, body) = call(&api, target, service, &request.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_type(&headers, &body), expected, "{request}");
        assert!(
            body["Message"].as_str().unwrap().contains(mentions),
            "{body}"
        );
    }
    assert_eq!(
        double.calls().len(),
        calls,
        "refused before calling the upstream"
    );

    // Each operation verifies only with its own service's scope, and only on its own target.
    let body = json!({"Image": image("beach.jpg")}).to_string();
    let (status, headers, answer) = call(&api, REKOGNITION, "sagemaker", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_type(&headers, &answer), "InvalidSignatureException");
    assert!(
        answer["Message"]
            .as_str()
            .unwrap()
            .contains("'rekognition'"),
        "{answer}"
    );
    let (status, _, _) = call(&api, "SageMaker.ListFlowDefinitions", "rekognition", "{}").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(&api, TEXTRACT, "rekognition", "{}").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, answer) = call(&api, TEXTRACT, "textract", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type(&headers, &answer), "SerializationException");
}

async fn without_a_working_upstream_the_operations_are_refused(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    for (target, service, flag) in [
        (TEXTRACT, "textract", "--textract-upstream"),
        (REKOGNITION, "rekognition", "--rekognition-upstream"),
    ] {
        let (status, headers, body) = call(&api, target, service, r#"{"Image":{}}"#).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error_type(&headers, &body), "UnknownOperationException");
        assert!(body["Message"].as_str().unwrap().contains(flag), "{body}");
    }

    // An upstream that does not answer: the services' own internal error, which SDKs retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let api = Api::spawn(
        backend,
        &[
            "--rekognition-upstream",
            &url,
            "--upstream-access-key-id",
            upstream_double::KEY_ID,
            "--upstream-secret-access-key",
            upstream_double::SECRET,
        ],
    )
    .await;
    let body = json!({"Image": image("beach.jpg")}).to_string();
    let (status, headers, answer) = call(&api, REKOGNITION, "rekognition", &body).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{answer}");
    assert_eq!(error_type(&headers, &answer), "InternalServerError");
    assert!(
        answer["Message"]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{answer}"
    );
}

/// The real boto3 `textract` and `rekognition` clients, as the A2I notebooks call them.
async fn boto3_textract_and_rekognition_start_human_loops(backend: Backend) {
    let double = UpstreamDouble::start().await;
    let api = spawn(backend, &double).await;
    let moderation = built_in_flow(
        &api,
        "moderation",
        MODERATION_SOURCE,
        "moderation-review",
        moderation_conditions(),
    )
    .await;
    let forms = built_in_flow(
        &api,
        "forms",
        FORMS_SOURCE,
        "form-review",
        form_conditions(),
    )
    .await;
    let env = [
        ("MODERATION_FLOW_ARN", moderation.as_str()),
        ("FORMS_FLOW_ARN", forms.as_str()),
    ];
    run_boto3_script("ml_proxy.py", &api, &env, |out| out.contains("ok")).await;
    // What the clients sent went on signed for their services, without HumanLoopConfig.
    let calls = double.calls();
    assert!(calls.iter().any(|c| c.target == TEXTRACT));
    assert!(calls.iter().any(|c| c.target == REKOGNITION));
    assert!(
        calls
            .iter()
            .all(|c| c.body.get("HumanLoopConfig").is_none())
    );
}

test_on_both_backends!(
    moderation_loops_start_when_the_conditions_hold,
    textract_bytes_are_kept_for_the_worker_to_see,
    human_loop_config_errors_are_the_services_errors,
    without_a_working_upstream_the_operations_are_refused,
    boto3_textract_and_rekognition_start_human_loops,
);
