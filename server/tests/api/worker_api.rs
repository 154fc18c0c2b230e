//! The worker API over HTTP with a real session: queues, claim, read, submit, and the refusals,
//! on SQLite and PostgreSQL.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::create_worker;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::WORKER_PASSWORD;

fn browser() -> reqwest::Client {
    crate::helpers::browser()
}

/// A worker signed in through the form: a client holding the session, and its CSRF token.
struct Worker {
    client: reqwest::Client,
    token: String,
    base: String,
}

impl Worker {
    async fn signed_in_as(base: &str, email: &str) -> Self {
        let (client, token, home) = crate::helpers::sign_in(base, email, WORKER_PASSWORD).await;
        assert_eq!(home, "/work");
        Self {
            client,
            token,
            base: base.to_owned(),
        }
    }

    /// The worker `w@test.local` of team "reviewers".
    async fn of_the_team(base: &str) -> Self {
        Self::signed_in_as(base, "w@test.local").await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A worker API call as the task page makes it: the status and the JSON body.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("x-csrf-token", &self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, body)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.call(Method::POST, path, body).await
    }

    /// Claims the next task, of flow `flow` or of any queue.
    async fn claim(&self, flow: Option<&str>) -> (StatusCode, Value) {
        let body = flow.map(|flow| json!({ "flow": flow }));
        self.post("/work/api/tasks/claim", body).await
    }

    /// `GET path` as a page (the task frame, its script bundle), with `sec-fetch-dest` when given.
    async fn page(&self, path: &str, fetch_dest: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if let Some(dest) = fetch_dest {
            request = request.header("sec-fetch-dest", dest);
        }
        request.send().await.unwrap()
    }
}

/// What the policy of a frame document (a task's, or the admin's preview) holds.
const FRAME_POLICY_DIRECTIVES: [&str; 4] = [
    "connect-src 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    "sandbox allow-scripts",
];

/// Checks that a frame document is served sandboxed: its policy, and framed by Loupe only.
fn assert_sandboxed(headers: &reqwest::header::HeaderMap) {
    let policy = headers["content-security-policy"].to_str().unwrap();
    for directive in FRAME_POLICY_DIRECTIVES {
        assert!(
            policy.contains(directive),
            "{directive} missing from {policy}"
        );
    }
    assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
}

/// A junk SigV4 header next to a session cookie: an API request, so the cookie is ignored and
/// neither the CSRF check nor the session applies.
async fn a_signature_header_never_rides_on_a_session(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (status, _, body) = api.start("item-1", json!({"taskObject": "x"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let worker = Worker::of_the_team(&base).await;
    let junk = "AWS4-HMAC-SHA256 Credential=LKIAJUNK/20261201/us-east-1/sagemaker/aws4_request, \
                SignedHeaders=host, Signature=00";
    let response = worker
        .client
        .post(worker.url("/work/api/tasks/claim"))
        .header("authorization", junk)
        .header("origin", "https://evil.example")
        .json(&json!({"flow": "review-text"}))
        .send()
        .await
        .unwrap();
    // Without its cookies the request has no CSRF token either.
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Nothing was claimed: the worker's own call still gets the task.
    let worker = Worker::of_the_team(&base).await;
    let (status, claimed) = worker.claim(Some("review-text")).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
}

async fn a_worker_claims_reads_and_submits_through_the_api(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (status, _, body) = api
        .start(
            "item-1",
            json!({"taskObject": "<script>alert(1)</script> hello"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Anonymous: a 401 in the API's shape, not a sign-in page.
    let anonymous = browser()
        .get(format!("{base}/work/api/queues"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(body["code"], "SignInRequired");

    let worker = Worker::of_the_team(&base).await;
    let (status, queues) = worker.get("/work/api/queues").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queues[0]["flow"], "review-text");
    assert_eq!(queues[0]["available"], 1);
    assert_eq!(queues[0]["moreWaiting"], false);
    assert_eq!(queues[0]["priceUsd"], Value::Null);

    let (status, _) = worker.claim(Some("not-mine")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, claimed) = worker.claim(Some("review-text")).await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["humanLoopName"], "item-1");
    let id = claimed["taskId"].as_i64().unwrap();
    // One task, held: nothing else to claim.
    let (status, _) = worker.claim(None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, task) = worker.get(&format!("/work/api/tasks/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{task}");
    assert_eq!(
        task["input"]["taskObject"],
        "<script>alert(1)</script> hello"
    );
    let html = task["html"].as_str().unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; hello"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"));
    assert!(task["secondsLeft"].as_f64().unwrap() > 0.0);

    // The task page reports a frame that left Loupe's document; only while the task is held.
    let (frame_left, submit) = (
        format!("/work/api/tasks/{id}/frame-left"),
        format!("/work/api/tasks/{id}/submit"),
    );
    let (status, body) = worker.post(&frame_left, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, refused) = worker.post(&submit, Some(json!({"answer": "yes"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, done) = worker
        .post(
            &submit,
            Some(json!({"answer": {"sentiment": "positive"}, "timeSpentInSeconds": 4.5})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["humanLoopStatus"], "Completed");

    // Answered: neither readable nor submittable again.
    let (status, again) = worker.post(&submit, Some(json!({"answer": {}}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["code"], "NotHeld");
    let (status, late) = worker.post(&frame_left, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(late["code"], "NotHeld");
    let (status, _) = worker.get(&format!("/work/api/tasks/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, described) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(described["HumanLoopStatus"], "Completed");

    // A cross-site POST is refused before it reaches the API.
    let forged = worker
        .client
        .post(worker.url("/work/api/tasks/claim"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

async fn the_task_frame_is_served_to_its_holder_only_sandboxed(backend: Backend) {
    use loupe_engine::domain::clock::{Clock, SystemClock};
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (status, _, body) = api
        .start("item-1", json!({"taskObject": "<b>bold</b> text"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Someone in no team: no queue, nothing to claim, and no way into another worker's task.
    let password = loupe_engine::domain::passwords::hash(WORKER_PASSWORD.into()).await;
    let outsider_email = "outsider@test.local";
    create_worker(
        &*api.store,
        outsider_email,
        &password,
        &[],
        SystemClock.now(),
    )
    .await;
    let outsider = Worker::signed_in_as(&base, outsider_email).await;
    let (status, queues) = outsider.get("/work/api/queues").await;
    assert_eq!((status, queues), (StatusCode::OK, json!([])));
    let (status, _) = outsider.claim(None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let worker = Worker::of_the_team(&base).await;
    let (_, claimed) = worker.claim(None).await;
    let id = claimed["taskId"].as_i64().unwrap();
    // Opened as a page of its own (the browser says so), the frame's document is refused: at
    // the top, a template could navigate the whole window.
    let frame_path = format!("/work/frame/{id}");
    let top_level = worker.page(&frame_path, Some("document")).await;
    assert_eq!(top_level.status(), StatusCode::FORBIDDEN);
    assert!(!top_level.text().await.unwrap().contains("bold"));
    let frame = worker.page(&frame_path, Some("iframe")).await;
    assert_eq!(frame.status(), StatusCode::OK);
    assert_sandboxed(frame.headers());
    let document = frame.text().await.unwrap();
    assert!(
        document.contains("&lt;b&gt;bold&lt;/b&gt; text"),
        "{document}"
    );
    // Browsers that send no fetch metadata: the document disarms itself at the top level.
    let guard_at = document
        .find(loupe_engine::templates::frame::TOP_LEVEL_GUARD)
        .expect("the top-level guard");
    assert!(guard_at < document.find("<body>").unwrap());
    let bundle_at = document
        .find("/crowd/crowd-html-elements.js?v=")
        .expect("the bundle");
    assert!(bundle_at < document.find("<body>").unwrap());

    let bundle = worker.page("/crowd/crowd-html-elements.js", None).await;
    assert_eq!(bundle.status(), StatusCode::OK);
    assert!(
        bundle.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        bundle.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(bundle.text().await.unwrap().contains("crowd-classifier"));

    // Not the holder: a notice, not the task.
    let theirs = outsider.page(&frame_path, None).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(!theirs.text().await.unwrap().contains("bold"));
    // Signed out: sent to sign in.
    let anonymous = browser().get(worker.url(&frame_path)).send().await.unwrap();
    assert!(anonymous.status().is_redirection());
    // Answered: the frame is gone too.
    let (status, _) = worker
        .post(
            &format!("/work/api/tasks/{id}/submit"),
            Some(json!({"answer": {"ok": true}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let gone = worker.page(&frame_path, None).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

/// Posts the template preview form as the admin's page does, with `client`'s session.
async fn preview_frame(
    client: &reqwest::Client,
    token: &str,
    base: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{base}/admin/preview-frame"))
        .header("x-csrf-token", token)
        .form(form)
        .send()
        .await
        .unwrap()
}

/// The admin's template preview is the worker's frame document, with its policy, for admins
/// only; a template that does not render says why inside the frame.
async fn the_template_preview_frame_is_for_admins_and_sandboxed(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let template = "<script src=\"https://assets.crowd.aws/crowd-html-elements.js\"></script>\
                    <crowd-form><p>{{ task.input.taskObject }}</p></crowd-form>";
    let form = [
        ("content", template),
        ("input", r#"{"taskObject": "<b>bold</b>"}"#),
    ];
    let (admin, token, home) =
        crate::helpers::sign_in(&base, "admin@loupe.local", "admin password 123").await;
    assert_eq!(home, "/admin");
    let preview = preview_frame(&admin, &token, &base, &form).await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_sandboxed(preview.headers());
    let document = preview.text().await.unwrap();
    assert!(document.contains("&lt;b&gt;bold&lt;/b&gt;"), "{document}");
    assert!(
        document.contains("/crowd/crowd-html-elements.js?v="),
        "{document}"
    );
    assert!(!document.contains("assets.crowd.aws"), "{document}");

    let never_closed = [("content", "{% if x %}never closed"), ("input", "{}")];
    let broken = preview_frame(&admin, &token, &base, &never_closed).await;
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert!(broken.text().await.unwrap().contains("does not render"));

    let worker = Worker::of_the_team(&base).await;
    let refused = preview_frame(&worker.client, &worker.token, &base, &form).await;
    assert!(!refused.status().is_success(), "{}", refused.status());
    assert!(!refused.text().await.unwrap().contains("bold"));
}

test_on_both_backends!(
    a_signature_header_never_rides_on_a_session,
    a_worker_claims_reads_and_submits_through_the_api,
    the_task_frame_is_served_to_its_holder_only_sandboxed,
    the_template_preview_frame_is_for_admins_and_sandboxed
);
