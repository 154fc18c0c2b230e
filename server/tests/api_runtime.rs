//! The A2I runtime over HTTP, against a real server on port 0, with SigV4-signed requests, on a
//! fresh SQLite file and a fresh PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use clap::Parser as _;
use loupe_engine::accounts::LoginPolicy;
use loupe_engine::arns::Account;
use loupe_engine::clock::{Clock, SystemClock};
use loupe_engine::flows::TaskLimits;
use loupe_engine::keys::{AccessKey, AccessKeyId, KeyStatus, MasterKey, SecretAccessKey};
use loupe_engine::reviews::Reviews;
use loupe_engine::store::{self, Backend, NewUser};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::TestDatabase;
use loupe_server::aws::sigv4::{self, Credential, RequestParts};
use loupe_server::cli::{Cli, Command};
use reqwest::StatusCode;
use serde_json::{Value, json};

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
const FLOW_ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/review-text";

struct Api {
    base: String,
    host: String,
    key: AccessKeyId,
    secret: SecretAccessKey,
    client: reqwest::Client,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
}

/// What came back: status, `X-Amzn-ErrorType`, body.
type Answer = (StatusCode, Option<String>, Value);

impl Api {
    async fn spawn(backend: Backend, extra: &[&str]) -> Self {
        let db = TestDatabase::create(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::generate();
        let master_b64 = master.to_base64();
        let outputs = dir.path().join("outputs");
        let mut args = vec![
            "loupe",
            "serve",
            "--database-url",
            &db.url,
            "--master-key",
            &master_b64,
            "--site-root",
            dir.path().to_str().unwrap(),
            "--admin-password",
            "admin password 123",
            "--output-root",
            outputs.to_str().unwrap(),
            "--region",
            REGION,
            "--account-id",
            ACCOUNT,
        ];
        args.extend_from_slice(extra);
        let Some(Command::Serve(args)) = Cli::try_parse_from(args).unwrap().command else {
            panic!("serve expected")
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let running = loupe_server::start(&args, listener, LoginPolicy::default())
            .await
            .unwrap();

        // A key, a worker team, a template and a custom flow definition, straight in the store.
        let (store, _) = store::open(&db.url).await.unwrap();
        let key = AccessKey {
            id: AccessKeyId::generate(),
            name: "tests".to_owned(),
            status: KeyStatus::Active,
            created_at: SystemClock.now(),
            revoked_at: None,
        };
        let secret = SecretAccessKey::generate();
        store
            .create_access_key(&key, &master.seal(&key.id, &secret))
            .await
            .unwrap();
        store
            .create_user(NewUser {
                email: loupe_engine::accounts::Email::parse("w@test.local").unwrap(),
                password_hash: loupe_engine::passwords::hash("worker password 123".into()).await,
                role: loupe_engine::accounts::Role::Worker,
                teams: vec![loupe_engine::teams::WorkteamName::parse("reviewers").unwrap()],
                created_at: SystemClock.now(),
            })
            .await
            .unwrap();
        let reviews = Reviews::new(
            store,
            Arc::new(SystemClock),
            Account::new(REGION, ACCOUNT).unwrap(),
            TaskLimits::default(),
        );
        reviews
            .create_task_ui(&json!({"HumanTaskUiName": "text", "UiTemplate": {"Content": "<p>{{ task.input.taskObject }}</p>"}}))
            .await
            .unwrap();
        reviews
            .create_flow_definition(
                &json!({
                    "FlowDefinitionName": "review-text",
                    "HumanLoopConfig": {
                        "WorkteamArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/reviewers"),
                        "HumanTaskUiArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:human-task-ui/text"),
                        "TaskTitle": "Review", "TaskDescription": "Review the text", "TaskCount": 1
                    },
                    "OutputConfig": {"S3OutputPath": "s3://results/loupe"},
                    "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/a2i")
                }),
                None,
            )
            .await
            .unwrap();
        Self {
            base: format!("http://{}", running.addr),
            host: running.addr.to_string(),
            key: key.id,
            secret,
            client: reqwest::Client::new(),
            _db: db,
            _dir: dir,
        }
    }

    /// Sends a request signed like an SDK would (or unsigned, or signed with `secret`).
    async fn call_as(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        secret: Option<&str>,
    ) -> Answer {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        let mut headers = http::HeaderMap::new();
        headers.insert("host", self.host.parse().unwrap());
        headers.insert(
            "x-amz-date",
            sigv4::amz_date(time::OffsetDateTime::now_utc())
                .parse()
                .unwrap(),
        );
        headers.insert("content-type", "application/json".parse().unwrap());
        if let Some(secret) = secret {
            let credential = Credential {
                access_key_id: self.key.as_str().to_owned(),
                date: headers["x-amz-date"].to_str().unwrap()[..8].to_owned(),
                region: REGION.to_owned(),
                service: "sagemaker".to_owned(),
            };
            let request = RequestParts {
                method,
                path,
                query,
                headers: &headers,
                body: body.as_bytes(),
            };
            let authorization = sigv4::sign(
                &request,
                &["content-type", "host", "x-amz-date"],
                &credential,
                secret,
            )
            .unwrap();
            headers.insert("authorization", authorization.parse().unwrap());
        }
        let mut request = self
            .client
            .request(
                method.parse().unwrap(),
                format!("{}{path_and_query}", self.base),
            )
            .body(body);
        for (name, value) in &headers {
            if name != "host" {
                request = request.header(name.as_str(), value.to_str().unwrap());
            }
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, error_type, body)
    }

    async fn call(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Answer {
        let secret = self.secret.expose().to_owned();
        self.call_as(method, path_and_query, body, Some(&secret))
            .await
    }

    async fn start(&self, name: &str, input: Value) -> Answer {
        self.call(
            "POST",
            "/human-loops",
            Some(json!({
                "HumanLoopName": name,
                "FlowDefinitionArn": FLOW_ARN,
                "HumanLoopInput": {"InputContent": input.to_string()}
            })),
        )
        .await
    }
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
    let (status, error_type, body) = api.start("item-1", json!({"taskObject": "two"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_type.as_deref(), Some("ConflictException"));
    assert_eq!(body["__type"], "ConflictException");
    tokio::time::sleep(Duration::from_millis(5)).await;
    api.start("item-2", json!({"taskObject": "two"})).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    api.start("item-3", json!({"taskObject": "three"})).await;

    let (status, _, body) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["HumanLoopStatus"], "InProgress");
    assert_eq!(body["FlowDefinitionArn"], FLOW_ARN);
    assert!(body["CreationTime"].as_str().unwrap().ends_with('Z'));
    assert!(body.get("HumanLoopOutput").is_none());

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
    let (status, error_type, _) = api
        .call(
            "GET",
            &list_path(&format!("&SortOrder=Ascending&NextToken={token}")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type.as_deref(), Some("ValidationException"));
    let (_, _, page) = api
        .call("GET", &list_path("&SortOrder=Ascending"), None)
        .await;
    assert_eq!(page["HumanLoopSummaries"][0]["HumanLoopName"], "item-1");

    // Delete needs a final state; stop first.
    let (status, error_type, _) = api.call("DELETE", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type.as_deref(), Some("ValidationException"));
    let (status, _, body) = api
        .call(
            "POST",
            "/human-loops/stop",
            Some(json!({"HumanLoopName": "item-1"})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (_, _, body) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(body["HumanLoopStatus"], "Stopped");
    let (status, _, body) = api.call("DELETE", "/human-loops/item-1", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, error_type, _) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_type.as_deref(), Some("ResourceNotFoundException"));
    let (status, _, _) = api
        .call(
            "POST",
            "/human-loops/stop",
            Some(json!({"HumanLoopName": "item-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_requests_get_aws_errors(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let (status, error_type, body) = api
        .call(
            "POST",
            "/human-loops",
            Some(json!({"HumanLoopName": "Bad_Name", "FlowDefinitionArn": FLOW_ARN})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type.as_deref(), Some("ValidationException"));
    let message = body["Message"].as_str().unwrap();
    assert!(message.contains("'humanLoopName'"), "{message}");
    assert!(message.contains("'humanLoopInput'"), "{message}");

    let unknown_flow = json!({
        "HumanLoopName": "x",
        "FlowDefinitionArn": "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/nope",
        "HumanLoopInput": {"InputContent": "{}"}
    });
    let (status, error_type, _) = api.call("POST", "/human-loops", Some(unknown_flow)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_type.as_deref(), Some("ResourceNotFoundException"));
    let not_json = json!({
        "HumanLoopName": "x", "FlowDefinitionArn": FLOW_ARN,
        "HumanLoopInput": {"InputContent": "{not json"}
    });
    let (status, _, body) = api.call("POST", "/human-loops", Some(not_json)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["Message"].as_str().unwrap().contains("InputContent"));
    let (status, error_type, _) = api.call("GET", "/human-loops", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_type.as_deref(), Some("ValidationException"));

    // Unsigned and wrongly signed requests are refused.
    let (status, error_type, _) = api.call_as("GET", "/human-loops/x", None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        error_type.as_deref(),
        Some("MissingAuthenticationTokenException")
    );
    let (status, error_type, _) = api
        .call_as("GET", "/human-loops/x", None, Some("wrong secret"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_type.as_deref(), Some("InvalidSignatureException"));
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
    unsigned_calls_work_only_when_allowed,
);
