//! A stand-in for Textract and Rekognition: an axum server on port 0 that checks each call is
//! SigV4-signed with the upstream credentials Loupe was given, for the operation's own service
//! and the upstream region, and carries no `HumanLoopConfig`; records it; and answers with
//! responses written here in the services' documented shapes, chosen by the name of the
//! S3 object (or, for `Bytes`, as for the first image below, or the clean payslip when the
//! bytes say "clean").

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use loupe_server::aws::sigv4::{self, Authorization, Expectations, RequestParts};
use serde_json::{Value, json};

pub const KEY_ID: &str = "AKIDUPSTREAMDOUBLE01";
pub const SECRET: &str = "upstream double secret";
pub const REGION: &str = "eu-west-1";
/// `x-amzn-RequestId` of every answer, to see it passed through.
pub const REQUEST_ID: &str = "5f2e4a4c-1d7b-4c8e-9a11-double000001";

/// One call the double received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub target: String,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: Bytes,
}

pub struct UpstreamDouble {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl UpstreamDouble {
    pub async fn start() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = axum::Router::new()
            .fallback(answer)
            // Textract takes documents of up to 10 MiB, in base64.
            .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, seen }
    }

    /// The flags that point Loupe at this double.
    pub fn flags(&self) -> Vec<String> {
        [
            "--textract-upstream",
            &self.url,
            "--rekognition-upstream",
            &self.url,
            "--upstream-region",
            REGION,
            "--upstream-access-key-id",
            KEY_ID,
            "--upstream-secret-access-key",
            SECRET,
        ]
        .map(str::to_owned)
        .to_vec()
    }

    pub fn calls(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn last(&self) -> Seen {
        self.calls().pop().expect("the upstream was called")
    }
}

fn aws_error(status: StatusCode, shape: &str, message: &str) -> Response {
    let body = json!({"__type": shape, "Message": message}).to_string();
    (
        status,
        [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amzn-requestid", REQUEST_ID),
        ],
        body,
    )
        .into_response()
}

async fn answer(
    State(seen): State<Arc<Mutex<Vec<Seen>>>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let service = match target.as_str() {
        "Textract.AnalyzeDocument" => "textract",
        "RekognitionService.DetectModerationLabels" => "rekognition",
        _ => {
            return aws_error(
                StatusCode::BAD_REQUEST,
                "UnknownOperationException",
                &target,
            );
        }
    };
    // The double checks what AWS checks: a signature by the upstream key, scoped to the
    // service and region.
    let signed = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Authorization::parse(v).ok());
    let Some(authorization) = signed else {
        return aws_error(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationTokenException",
            "unsigned",
        );
    };
    if authorization.credential.access_key_id != KEY_ID {
        return aws_error(
            StatusCode::FORBIDDEN,
            "UnrecognizedClientException",
            "other key",
        );
    }
    let request = RequestParts {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query(),
        headers: &headers,
        body: &raw,
    };
    let expect = Expectations {
        region: REGION,
        service,
        now: time::OffsetDateTime::now_utc(),
    };
    if let Err(e) = sigv4::verify(&request, &authorization, SECRET, &expect) {
        return aws_error(
            StatusCode::FORBIDDEN,
            "InvalidSignatureException",
            &e.to_string(),
        );
    }
    let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    seen.lock().unwrap().push(Seen {
        target: target.clone(),
        headers: headers.clone(),
        body: body.clone(),
        raw: raw.clone(),
    });
    if body.get("HumanLoopConfig").is_some() {
        return aws_error(
            StatusCode::BAD_REQUEST,
            "DoubleSawHumanLoopConfig",
            "the proxy must not forward HumanLoopConfig",
        );
    }
    let (member, response) = match service {
        "textract" => ("Document", textract_answer as fn(&str) -> Option<Value>),
        _ => ("Image", rekognition_answer as fn(&str) -> Option<Value>),
    };
    let name = match &body[member]["Bytes"] {
        Value::String(encoded) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap_or_default();
            // A scan that says it is clean reads as the clean payslip.
            if bytes.windows(5).any(|w| w == b"clean") {
                "clean-payslip.png"
            } else {
                "bytes"
            }
        }
        _ => body[member]["S3Object"]["Name"].as_str().unwrap_or(""),
    };
    match response(name) {
        Some(answer) => (
            StatusCode::OK,
            [
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amzn-requestid", REQUEST_ID),
            ],
            answer.to_string(),
        )
            .into_response(),
        // What both services answer for an object they cannot read.
        None => aws_error(
            StatusCode::BAD_REQUEST,
            "InvalidS3ObjectException",
            "Unable to get object metadata from S3. Check object key, region and/or access \
             permissions.",
        ),
    }
}

/// DetectModerationLabels answers: a beach photo with swimwear (the default for `Bytes`) and a
/// landscape with nothing to moderate.
fn rekognition_answer(name: &str) -> Option<Value> {
    match name {
        "beach.jpg" | "bytes" => Some(json!({
            "ModerationLabels": [
                {"Confidence": 91.37, "Name": "Suggestive", "ParentName": "", "TaxonomyLevel": 1},
                {"Confidence": 91.37, "Name": "Female Swimwear Or Underwear",
                 "ParentName": "Suggestive", "TaxonomyLevel": 2}
            ],
            "ModerationModelVersion": "7.0",
            "ContentTypes": []
        })),
        "mountains.jpg" => Some(json!({
            "ModerationLabels": [],
            "ModerationModelVersion": "7.0",
            "ContentTypes": []
        })),
        _ => None,
    }
}

/// A Textract block with its geometry.
fn block(kind: &str, id: &str, confidence: f64, extra: Value) -> Value {
    let mut block = json!({
        "BlockType": kind,
        "Confidence": confidence,
        "Geometry": {
            "BoundingBox": {"Width": 0.21, "Height": 0.03, "Left": 0.12, "Top": 0.31},
            "Polygon": [{"X": 0.12, "Y": 0.31}, {"X": 0.33, "Y": 0.31},
                        {"X": 0.33, "Y": 0.34}, {"X": 0.12, "Y": 0.34}]
        },
        "Id": id,
        "Page": 1
    });
    loupe_engine::testing::merge_json(&mut block, extra);
    block
}

/// A one-page payslip whose "Pay Date" pair was read with `confidence`.
fn payslip(confidence: f64) -> Value {
    json!({
        "DocumentMetadata": {"Pages": 1},
        "Blocks": [
            block("PAGE", "p-1", 99.9, json!({"Relationships": [
                {"Type": "CHILD", "Ids": ["line-1"]}]})),
            block("LINE", "line-1", confidence, json!({"Text": "Pay Date: 2024-01-31",
                "Relationships": [{"Type": "CHILD", "Ids": ["w-1", "w-2", "w-3"]}]})),
            block("KEY_VALUE_SET", "key-1", confidence, json!({"EntityTypes": ["KEY"],
                "Relationships": [{"Type": "VALUE", "Ids": ["value-1"]},
                                  {"Type": "CHILD", "Ids": ["w-1", "w-2"]}]})),
            block("KEY_VALUE_SET", "value-1", confidence, json!({"EntityTypes": ["VALUE"],
                "Relationships": [{"Type": "CHILD", "Ids": ["w-3"]}]})),
            block("WORD", "w-1", confidence, json!({"Text": "Pay", "TextType": "PRINTED"})),
            block("WORD", "w-2", confidence, json!({"Text": "Date:", "TextType": "PRINTED"})),
            block("WORD", "w-3", confidence, json!({"Text": "2024-01-31", "TextType": "PRINTED"}))
        ],
        "AnalyzeDocumentModelVersion": "1.0"
    })
}

/// AnalyzeDocument answers: a smudged payslip (the default for `Bytes`) and a clean one.
fn textract_answer(name: &str) -> Option<Value> {
    match name {
        "smudged-payslip.png" | "bytes" => Some(payslip(58.5)),
        "clean-payslip.png" => Some(payslip(99.2)),
        _ => None,
    }
}
