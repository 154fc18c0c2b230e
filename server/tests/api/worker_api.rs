//! The worker API over HTTP with a real session: queues, claim, read, submit, and the refusals,
//! on SQLite and PostgreSQL.

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn browser() -> reqwest::Client {
    crate::helpers::browser()
}

/// A signed-in worker's client and its CSRF token.
async fn signed_in_worker(base: &str) -> (reqwest::Client, String) {
    signed_in_as(base, "w@test.local").await
}

async fn signed_in_as(base: &str, email: &str) -> (reqwest::Client, String) {
    let (client, token, home) = crate::helpers::sign_in(base, email, "worker password 123").await;
    assert_eq!(home, "/work");
    (client, token)
}

async fn call(
    client: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url).header("x-csrf-token", token);
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

/// A junk SigV4 header next to a session cookie: an API request, so the cookie is ignored and
/// neither the CSRF check nor the session applies.
async fn a_signature_header_never_rides_on_a_session(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (status, _, body) = api.start("item-1", json!({"taskObject": "x"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (client, _token) = signed_in_worker(&base).await;
    let junk = "AWS4-HMAC-SHA256 Credential=LKIAJUNK/20261201/us-east-1/sagemaker/aws4_request, \
                SignedHeaders=host, Signature=00";
    let response = client
        .post(format!("{base}/work/api/tasks/claim"))
        .header("authorization", junk)
        .header("origin", "https://evil.example")
        .json(&json!({"flow": "review-text"}))
        .send()
        .await
        .unwrap();
    // Without its cookies the request has no CSRF token either.
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Nothing was claimed: the worker's own call still gets the task.
    let (client, token) = signed_in_worker(&base).await;
    let (status, claimed) = call(
        &client,
        &token,
        reqwest::Method::POST,
        format!("{base}/work/api/tasks/claim"),
        Some(json!({"flow": "review-text"})),
    )
    .await;
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

    let (client, token) = signed_in_worker(&base).await;
    use reqwest::Method;
    let (status, queues) = call(
        &client,
        &token,
        Method::GET,
        format!("{base}/work/api/queues"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queues[0]["flow"], "review-text");
    assert_eq!(queues[0]["available"], 1);
    assert_eq!(queues[0]["moreWaiting"], false);
    assert_eq!(queues[0]["priceUsd"], Value::Null);

    let (status, _) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/claim"),
        Some(json!({"flow": "not-mine"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, claimed) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/claim"),
        Some(json!({"flow": "review-text"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    assert_eq!(claimed["humanLoopName"], "item-1");
    let id = claimed["taskId"].as_i64().unwrap();
    // One task, held: nothing else to claim.
    let (status, _) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/claim"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, task) = call(
        &client,
        &token,
        Method::GET,
        format!("{base}/work/api/tasks/{id}"),
        None,
    )
    .await;
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
    let (status, body) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/frame-left"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, refused) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/submit"),
        Some(json!({"answer": "yes"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let (status, done) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/submit"),
        Some(json!({"answer": {"sentiment": "positive"}, "timeSpentInSeconds": 4.5})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["humanLoopStatus"], "Completed");

    // Answered: neither readable nor submittable again.
    let (status, again) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/submit"),
        Some(json!({"answer": {}})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(again["code"], "NotHeld");
    let (status, late) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/frame-left"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(late["code"], "NotHeld");
    let (status, _) = call(
        &client,
        &token,
        Method::GET,
        format!("{base}/work/api/tasks/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _, described) = api.call("GET", "/human-loops/item-1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(described["HumanLoopStatus"], "Completed");

    // A cross-site POST is refused before it reaches the API.
    let forged = client
        .post(format!("{base}/work/api/tasks/claim"))
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
    api.store
        .create_user(loupe_engine::store::NewUser {
            email: loupe_engine::domain::accounts::Email::parse("outsider@test.local").unwrap(),
            password_hash: loupe_engine::domain::passwords::hash("worker password 123".into())
                .await,
            role: loupe_engine::domain::accounts::Role::Worker,
            teams: Vec::new(),
            created_at: SystemClock.now(),
        })
        .await
        .unwrap();
    let (outsider, outsider_token) = signed_in_as(&base, "outsider@test.local").await;
    use reqwest::Method;
    let (status, queues) = call(
        &outsider,
        &outsider_token,
        Method::GET,
        format!("{base}/work/api/queues"),
        None,
    )
    .await;
    assert_eq!((status, queues), (StatusCode::OK, json!([])));
    let (status, _) = call(
        &outsider,
        &outsider_token,
        Method::POST,
        format!("{base}/work/api/tasks/claim"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (client, token) = signed_in_worker(&base).await;
    let (_, claimed) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/claim"),
        None,
    )
    .await;
    let id = claimed["taskId"].as_i64().unwrap();
    // Opened as a page of its own (the browser says so), the frame's document is refused: at
    // the top, a template could navigate the whole window.
    let top_level = client
        .get(format!("{base}/work/frame/{id}"))
        .header("sec-fetch-dest", "document")
        .send()
        .await
        .unwrap();
    assert_eq!(top_level.status(), StatusCode::FORBIDDEN);
    assert!(!top_level.text().await.unwrap().contains("bold"));
    let frame = client
        .get(format!("{base}/work/frame/{id}"))
        .header("sec-fetch-dest", "iframe")
        .send()
        .await
        .unwrap();
    assert_eq!(frame.status(), StatusCode::OK);
    let policy = frame.headers()["content-security-policy"].to_str().unwrap();
    for directive in [
        "connect-src 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox allow-scripts",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert_eq!(frame.headers()["x-frame-options"], "SAMEORIGIN");
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

    let bundle = client
        .get(format!("{base}/crowd/crowd-html-elements.js"))
        .send()
        .await
        .unwrap();
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
    let theirs = outsider
        .get(format!("{base}/work/frame/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    assert!(!theirs.text().await.unwrap().contains("bold"));
    // Signed out: sent to sign in.
    let anonymous = browser()
        .get(format!("{base}/work/frame/{id}"))
        .send()
        .await
        .unwrap();
    assert!(anonymous.status().is_redirection());
    // Answered: the frame is gone too.
    let (status, _) = call(
        &client,
        &token,
        Method::POST,
        format!("{base}/work/api/tasks/{id}/submit"),
        Some(json!({"answer": {"ok": true}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let gone = client
        .get(format!("{base}/work/frame/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
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
    let preview = admin
        .post(format!("{base}/admin/preview-frame"))
        .header("x-csrf-token", &token)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), StatusCode::OK);
    let policy = preview.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("sandbox allow-scripts"), "{policy}");
    assert!(policy.contains("connect-src 'none'"), "{policy}");
    assert_eq!(preview.headers()["x-frame-options"], "SAMEORIGIN");
    let document = preview.text().await.unwrap();
    assert!(document.contains("&lt;b&gt;bold&lt;/b&gt;"), "{document}");
    assert!(
        document.contains("/crowd/crowd-html-elements.js?v="),
        "{document}"
    );
    assert!(!document.contains("assets.crowd.aws"), "{document}");

    let broken = admin
        .post(format!("{base}/admin/preview-frame"))
        .header("x-csrf-token", &token)
        .form(&[("content", "{% if x %}never closed"), ("input", "{}")])
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert!(broken.text().await.unwrap().contains("does not render"));

    let (worker, worker_token) = signed_in_worker(&base).await;
    let refused = worker
        .post(format!("{base}/admin/preview-frame"))
        .header("x-csrf-token", &worker_token)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(!refused.status().is_success(), "{}", refused.status());
    assert!(!refused.text().await.unwrap().contains("bold"));
}

test_on_both_backends!(
    a_signature_header_never_rides_on_a_session,
    a_worker_claims_reads_and_submits_through_the_api,
    the_task_frame_is_served_to_its_holder_only_sandboxed,
    the_template_preview_frame_is_for_admins_and_sandboxed
);
