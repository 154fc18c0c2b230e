//! Template assets over HTTP: the admin's upload, the public content-addressed route and its
//! headers, and the frame policy that widens only for a template that allows origins, on
//! SQLite and PostgreSQL.

use loupe_engine::domain::names::HumanTaskUiName;
use loupe_engine::store::Backend;
use loupe_engine::templates::frame::header_policy;
use loupe_engine::test_on_both_backends;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Api, WORKER_PASSWORD, browser, sign_in};

/// An upload's query: `name` and `replaces`.
type UploadQuery<'a> = &'a [(&'a str, &'a str)];

/// Uploads `bytes` as the template page does: the file as the body, name and URL in the query.
async fn upload(
    client: &reqwest::Client,
    token: &str,
    base: &str,
    template: &str,
    query: &[(&str, &str)],
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let response = client
        .post(format!("{base}/admin/template-assets/{template}"))
        .query(query)
        .header("x-csrf-token", token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// An SVG with a script in it: served, but never run on Loupe's origin.
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\">\
                   <script>alert(1)</script><rect width=\"4\" height=\"4\"/></svg>";

async fn admins_upload_assets_that_anyone_loads_by_digest(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (admin, token, _) = sign_in(&base, "admin@loupe.local", "admin password 123").await;
    let script = b"document.title = 'sorted';".to_vec();
    let (status, body) = upload(
        &admin,
        &token,
        &base,
        "text",
        &[
            ("name", "sorter.js"),
            ("replaces", "https://cdn.example.com/sorter.js"),
        ],
        script.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["asset"]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/template-assets/"), "{url}");
    assert!(url.ends_with("/sorter.js"), "{url}");

    // No session, no cookie: the frame sends none.
    let served = reqwest::get(format!("{base}{url}")).await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    let headers = served.headers().clone();
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(headers.get("set-cookie").is_none());
    assert_eq!(served.bytes().await.unwrap().to_vec(), script);

    let (status, body) = upload(
        &admin,
        &token,
        &base,
        "text",
        &[("name", "mark.svg")],
        SVG.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let svg = reqwest::get(format!("{base}{}", body["asset"]["url"].as_str().unwrap()))
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let policy = svg.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'none'"), "{policy}");
    assert!(policy.contains("sandbox"), "{policy}");
    assert!(!policy.contains("script-src"), "{policy}");

    // Another digest, another name, a name that is not an asset's: 404.
    let digest = url.split('/').nth(2).unwrap();
    for path in [
        format!("/template-assets/{}/sorter.js", "0".repeat(64)),
        format!("/template-assets/{digest}/other.js"),
        format!("/template-assets/{digest}/sorter.html"),
        "/template-assets/abc/sorter.js".to_owned(),
    ] {
        let missing = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND, "{path}");
    }

    // Refusals at their fields.
    let cases: [(UploadQuery, Vec<u8>, StatusCode, &str); 5] = [
        (
            &[("name", "page.html")],
            b"<p>".to_vec(),
            StatusCode::BAD_REQUEST,
            "asset_name",
        ),
        (
            &[("name", "sorter.js")],
            b"again".to_vec(),
            StatusCode::BAD_REQUEST,
            "asset_name",
        ),
        (
            &[("name", "b.js"), ("replaces", "not a url")],
            b"x".to_vec(),
            StatusCode::BAD_REQUEST,
            "replaces_url",
        ),
        (
            &[("name", "big.png")],
            vec![0; loupe_engine::domain::template_assets::MAX_ASSET_BYTES + 1],
            StatusCode::BAD_REQUEST,
            "file",
        ),
        (
            &[("name", "a.js")],
            b"x".to_vec(),
            StatusCode::NOT_FOUND,
            "form",
        ),
    ];
    for (i, (query, bytes, expected, field)) in cases.into_iter().enumerate() {
        let template = if i == 4 { "no-such-template" } else { "text" };
        let (status, body) = upload(&admin, &token, &base, template, query, bytes).await;
        assert_eq!(status, expected, "{query:?}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{query:?}: {body}");
    }
    // Far past the limit: refused on the announced length, before a byte of the body is sent
    // (a raw request, since a client writing the body races the early answer).
    let head = format!(
        "POST /admin/template-assets/text?name=huge.png HTTP/1.1\r\nHost: {}\r\n\
         Content-Length: {}\r\nContent-Type: application/octet-stream\r\n\r\n",
        base.trim_start_matches("http://"),
        6 * 1024 * 1024
    );
    let mut stream = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 64];
    let read = stream.read(&mut answer).await.unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");

    // Workers and strangers upload nothing.
    let (worker, worker_token, _) = sign_in(&base, "w@test.local", WORKER_PASSWORD).await;
    let (status, _) = upload(
        &worker,
        &worker_token,
        &base,
        "text",
        &[("name", "w.js")],
        b"x".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let stranger = browser();
    let token = crate::helpers::csrf_token(&stranger, &base).await;
    let (status, _) = upload(
        &stranger,
        &token,
        &base,
        "text",
        &[("name", "s.js")],
        b"x".to_vec(),
    )
    .await;
    assert!(status.is_redirection(), "{status}");
    // A post from another site is refused whoever sends it.
    let cross = admin
        .post(format!("{base}/admin/template-assets/text?name=x.js"))
        .header("sec-fetch-site", "cross-site")
        .body(b"x".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let assets = api
        .reviews
        .template_assets(&HumanTaskUiName::parse("text").unwrap())
        .await
        .unwrap();
    assert_eq!(assets.len(), 2);
}

/// Posts the template preview form as the template's page does.
async fn preview(
    client: &reqwest::Client,
    token: &str,
    base: &str,
    content: &str,
    template: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/admin/preview-frame"))
        .header("x-csrf-token", token)
        .header("sec-fetch-dest", "iframe")
        .form(&[
            ("content", content),
            ("input", "{}"),
            ("template", template),
        ])
        .send()
        .await
        .unwrap()
}

async fn only_a_template_that_allows_origins_gets_a_wider_frame_policy(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let base = api.base.clone();
    let (status, _, body) = api
        .sagemaker(
            "CreateHumanTaskUi",
            json!({"HumanTaskUiName": "strict", "UiTemplate": {"Content": "<p>strict</p>"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = HumanTaskUiName::parse("text").unwrap();
    api.reviews
        .allow_template_origin(&text, "https://cdn.example.com", "admin@loupe.local")
        .await
        .unwrap();
    let (admin, token, _) = sign_in(&base, "admin@loupe.local", "admin password 123").await;

    let strict = preview(&admin, &token, &base, "<p>x</p>", "strict").await;
    assert_eq!(strict.status(), StatusCode::OK);
    assert_eq!(
        strict.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
        header_policy()
    );
    let unsaved = preview(&admin, &token, &base, "<p>x</p>", "").await;
    assert_eq!(
        unsaved.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
        header_policy()
    );
    let widened = preview(&admin, &token, &base, "<p>x</p>", "text").await;
    let policy = widened.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'unsafe-inline' https://cdn.example.com;"),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'none';"), "{policy}");

    // The worker's frame of a loop on "text" gets the same; removing the origin puts the
    // strict policy back.
    let (status, _, body) = api.start("item-1", json!({"taskObject": "x"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (worker, worker_token, _) = sign_in(&base, "w@test.local", WORKER_PASSWORD).await;
    let claimed: Value = worker
        .post(format!("{base}/work/api/tasks/claim"))
        .header("x-csrf-token", &worker_token)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let frame_path = format!("{base}/work/frame/{}", claimed["taskId"]);
    let frame_policy = |client: reqwest::Client, url: String| async move {
        let response = client
            .get(url)
            .header("sec-fetch-dest", "iframe")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        frame_policy(worker.clone(), frame_path.clone()).await,
        policy
    );
    api.reviews
        .remove_template_origin(&text, "https://cdn.example.com", "admin@loupe.local")
        .await
        .unwrap();
    assert_eq!(
        frame_policy(worker.clone(), frame_path).await,
        header_policy()
    );

    // A preview naming a template that does not exist says so.
    let missing = preview(&admin, &token, &base, "<p>x</p>", "gone").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers()["content-security-policy"]
            .to_str()
            .unwrap(),
        header_policy()
    );
}

test_on_both_backends!(
    admins_upload_assets_that_anyone_loads_by_digest,
    only_a_template_that_allows_origins_gets_a_wider_frame_policy,
);
