//! What the API tests share: a real server on port 0 over a fresh database, with an access
//! key, a worker team, a template and a custom flow definition, and an SDK-like signing client.
// `exposure_load` uses only part of this module.
#![allow(dead_code)]

use std::sync::Arc;

use clap::Parser as _;
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{Clock, SystemClock};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::keys::{AccessKeyId, MasterKey, SecretAccessKey};
use loupe_engine::domain::passwords;
use loupe_engine::services::Reviews;
use loupe_engine::services::sign_in::LoginPolicy;
use loupe_engine::store::{self, Backend};
use loupe_engine::testing::{
    TestDatabase, create_access_key, create_ui_and_flow, create_worker, custom_flow_request,
};
use loupe_server::aws::sigv4::{self, Credential, RequestParts};
use loupe_server::cli::{Cli, Command};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const FLOW_ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:flow-definition/review-text";
/// The password of the worker `w@test.local` (and of the workers the benches add).
pub const WORKER_PASSWORD: &str = "worker password 123";

pub struct Api {
    pub base: String,
    host: String,
    pub key: AccessKeyId,
    pub secret: SecretAccessKey,
    pub store: Arc<dyn loupe_engine::store::Store>,
    /// The server's master key, to seal secrets the way it opens them.
    pub master: MasterKey,
    /// The directory standing in for S3.
    pub outputs: std::path::PathBuf,
    /// An engine on the same database, to act as a worker.
    pub reviews: Reviews,
    /// The worker in team "reviewers".
    pub worker: loupe_engine::domain::accounts::UserId,
    client: reqwest::Client,
    /// The server's process, when it runs in one of its own (benches measuring its memory).
    pub server_pid: Option<u32>,
    _server: Option<tokio::process::Child>,
    _db: TestDatabase,
    _dir: tempfile::TempDir,
}

/// Waits until the server at `base` answers `/readyz`.
pub async fn wait_until_ready(base: &str) {
    for _ in 0..600 {
        if let Ok(response) = reqwest::get(format!("{base}/readyz")).await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not become ready");
}

/// Resident memory of a process, in KiB (0 when it cannot be read).
pub fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What came back: status, `X-Amzn-ErrorType`, body.
pub type Answer = (StatusCode, Option<String>, Value);

impl Api {
    pub async fn spawn(backend: Backend, extra: &[&str]) -> Self {
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
        // In-process servers would otherwise run this test binary as their compiler.
        if !extra.contains(&"--compiler-exe") {
            args.extend_from_slice(&["--compiler-exe", env!("CARGO_BIN_EXE_loupe")]);
        }
        args.extend_from_slice(extra);
        // `LOUPE_BENCH_SERVER_BIN` names a `loupe` binary to run as a process of its own, so a
        // bench can read the server's memory apart from its own.
        let (addr, server) = match std::env::var("LOUPE_BENCH_SERVER_BIN") {
            Ok(binary) => {
                let port = {
                    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
                    probe.local_addr().unwrap().port()
                };
                let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
                let bind = addr.to_string();
                let child = tokio::process::Command::new(binary)
                    .args(&args[1..])
                    .args(["--bind", &bind])
                    .env("LOUPE_LOG", "warn")
                    .stdout(std::process::Stdio::null())
                    .kill_on_drop(true)
                    .spawn()
                    .unwrap();
                wait_until_ready(&format!("http://{addr}")).await;
                (addr, Some(child))
            }
            Err(_) => {
                let Some(Command::Serve(args)) = Cli::try_parse_from(args).unwrap().command else {
                    panic!("serve expected")
                };
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let running = loupe_server::start(&args, listener, LoginPolicy::default())
                    .await
                    .unwrap();
                (running.addr, None)
            }
        };

        // A key, a worker team, a template and a custom flow definition, straight in the store.
        let (store, _) = store::open(&db.url).await.unwrap();
        let (key, secret) = create_access_key(&*store, &master, "tests", SystemClock.now()).await;
        let password = passwords::hash(WORKER_PASSWORD.into()).await;
        let worker = create_worker(
            &*store,
            "w@test.local",
            &password,
            &["reviewers"],
            SystemClock.now(),
        )
        .await;
        let reviews = Reviews::new(
            store.clone(),
            Arc::new(SystemClock),
            Account::new(REGION, ACCOUNT).unwrap(),
            TaskLimits::default(),
        );
        let template = "<p>{{ task.input.taskObject }}</p>";
        create_ui_and_flow(&reviews, "text", template, &flow_request("review-text", 1)).await;
        Self {
            base: format!("http://{addr}"),
            host: addr.to_string(),
            key: key.id,
            secret,
            store,
            master,
            outputs,
            reviews,
            worker,
            client: reqwest::Client::new(),
            server_pid: server.as_ref().and_then(tokio::process::Child::id),
            _server: server,
            _db: db,
            _dir: dir,
        }
    }

    /// Another replica on the same database, master key and output root: a `loupe serve`
    /// process of its own (so a test can kill it), ready when this returns.
    pub async fn spawn_replica(&self, extra: &[&str]) -> tokio::process::Child {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let bind = format!("127.0.0.1:{port}");
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
            .args(["serve", "--database-url", &self._db.url])
            .args(["--master-key", &self.master.to_base64()])
            .args(["--site-root", self._dir.path().to_str().unwrap()])
            .args(["--output-root", self.outputs.to_str().unwrap()])
            .args(["--region", REGION, "--account-id", ACCOUNT, "--bind", &bind])
            .args(extra)
            .env("LOUPE_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        wait_until_ready(&format!("http://{bind}")).await;
        child
    }

    /// The same server reached over HTTPS (it was spawned with `--tls-cert`), by a client that
    /// trusts only `certificate` (PEM).
    pub fn over_tls(mut self, certificate: &str) -> Self {
        let trusted = reqwest::Certificate::from_pem(certificate.as_bytes()).unwrap();
        self.client = reqwest::Client::builder()
            .tls_certs_only([trusted])
            .build()
            .unwrap();
        self.base = format!("https://{}", self.host);
        self
    }

    /// Sends a request signed like an SDK would (or unsigned, or signed with `secret`).
    pub async fn call_as(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        secret: Option<&str>,
    ) -> Answer {
        Self::answer(self.request(method, path_and_query, None, body, secret)).await
    }

    /// A SageMaker (AWS JSON 1.1) call: `POST /` with `X-Amz-Target: SageMaker.<operation>`.
    pub async fn sagemaker(&self, operation: &str, body: Value) -> Answer {
        let secret = self.secret.expose().to_owned();
        Self::answer(self.request("POST", "/", Some(operation), Some(body), Some(&secret))).await
    }

    /// A request signed like an SDK would sign it (or unsigned, or signed with `secret`),
    /// ready to send.
    pub fn request(
        &self,
        method: &str,
        path_and_query: &str,
        operation: Option<&str>,
        body: Option<Value>,
        secret: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let target = operation.map(|operation| format!("SageMaker.{operation}"));
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.signed_request(
            method,
            path_and_query,
            target.as_deref(),
            "sagemaker",
            body,
            secret,
        )
    }

    /// [`Self::request`] with any `X-Amz-Target` (AWS JSON 1.1) and signing service.
    pub fn signed_request(
        &self,
        method: &str,
        path_and_query: &str,
        target: Option<&str>,
        service: &str,
        body: String,
        secret: Option<&str>,
    ) -> reqwest::RequestBuilder {
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
        let mut signed = vec!["content-type", "host", "x-amz-date"];
        match target {
            Some(target) => {
                headers.insert(
                    "content-type",
                    "application/x-amz-json-1.1".parse().unwrap(),
                );
                headers.insert("x-amz-target", target.parse().unwrap());
                signed.push("x-amz-target");
            }
            None => {
                headers.insert("content-type", "application/json".parse().unwrap());
            }
        }
        if let Some(secret) = secret {
            let credential = Credential {
                access_key_id: self.key.as_str().to_owned(),
                date: headers["x-amz-date"].to_str().unwrap()[..8].to_owned(),
                region: REGION.to_owned(),
                service: service.to_owned(),
            };
            let request = RequestParts {
                method,
                path,
                query,
                headers: &headers,
                body: body.as_bytes(),
            };
            let authorization = sigv4::sign(&request, &signed, &credential, secret).unwrap();
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
        request
    }

    /// Sends `request` and reads what came back.
    async fn answer(request: reqwest::RequestBuilder) -> Answer {
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

    pub async fn call(&self, method: &str, path_and_query: &str, body: Option<Value>) -> Answer {
        let secret = self.secret.expose().to_owned();
        self.call_as(method, path_and_query, body, Some(&secret))
            .await
    }

    /// Creates a custom flow like "review-text" but with `task_count` workers per item; returns
    /// its ARN.
    pub async fn flow_with_task_count(&self, name: &str, task_count: u32) -> String {
        let (status, _, body) = self
            .sagemaker("CreateFlowDefinition", flow_request(name, task_count))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["FlowDefinitionArn"].as_str().unwrap().to_owned()
    }

    pub async fn start(&self, name: &str, input: Value) -> Answer {
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

/// A custom flow like "review-text": the team "reviewers" reviews with the UI "text", results go
/// under `s3://results/loupe`.
pub fn flow_request(name: &str, task_count: u32) -> Value {
    let account = Account::new(REGION, ACCOUNT).unwrap();
    custom_flow_request(
        &account,
        name,
        "reviewers",
        "text",
        task_count,
        "s3://results/loupe",
    )
}

/// `$variable`, or the program `name` that `scripts/test` installs into the project virtualenv
/// (`what` says what it is, should it be missing).
pub fn venv_program(variable: &str, name: &str, what: &str) -> String {
    std::env::var(variable).unwrap_or_else(|_| {
        let path = format!("{}/../.venv/bin/{name}", env!("CARGO_MANIFEST_DIR"));
        assert!(
            std::path::Path::new(&path).exists(),
            "no {what} at {path}: run scripts/test (or set {variable})"
        );
        path
    })
}

/// Runs a client's script (`command`, its arguments and environment set), away from any AWS
/// configuration of the user's. It passed when it exits with success and its output
/// satisfies `passed`; otherwise the test fails with what it printed.
pub async fn run_client_script(
    mut command: tokio::process::Command,
    script: &str,
    passed: fn(&str) -> bool,
) {
    let output = command
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && passed(&stdout),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `tests/boto3/<script>` with the project's Python, pointed at `api` with its key
/// (`LOUPE_URL`, `LOUPE_KEY_ID`, `LOUPE_SECRET`) and `env`; see [`run_client_script`].
pub async fn run_boto3_script(
    script: &str,
    api: &Api,
    env: &[(&str, &str)],
    passed: fn(&str) -> bool,
) {
    let python = venv_program("LOUPE_TEST_PYTHON", "python", "Python with boto3");
    let mut command = tokio::process::Command::new(python);
    command
        .arg(format!(
            "{}/tests/boto3/{script}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .env("LOUPE_URL", &api.base)
        .env("LOUPE_KEY_ID", api.key.as_str())
        .env("LOUPE_SECRET", api.secret.expose())
        .envs(env.iter().copied());
    run_client_script(command, &format!("boto3 script {script}"), passed).await;
}

/// The CSRF token the sign-in page hands a browser, read from its `<meta>` tag.
pub async fn csrf_token(client: &reqwest::Client, base: &str) -> String {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page
        .find("name=\"csrf-token\" content=\"")
        .expect("csrf meta tag")
        + 27;
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

/// A client that keeps cookies and does not follow redirects, as the tests read them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the sign-in form: the client (holding the session), its CSRF token, and
/// where the sign-in sent it.
pub async fn sign_in(base: &str, email: &str, password: &str) -> (reqwest::Client, String, String) {
    let client = browser();
    let token = csrf_token(&client, base).await;
    let response = client
        .post(format!("{base}/auth/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", token.as_str()),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let home = response.headers()["location"].to_str().unwrap().to_owned();
    (client, token, home)
}
