//! What an operator sets when installing Loupe, against a real server on both backends: the
//! public URL that absolute links and `SubDomain` come from, TLS on the listener, and the master
//! key the database is bound to.

use clap::Parser as _;
use loupe_engine::domain::clock::{Clock as _, SystemClock};
use loupe_engine::domain::key_custody::KeyFingerprint;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::services::sign_in::LoginPolicy;
use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, create_access_key};
use loupe_server::cli::{Cli, Command};
use loupe_server::keyring::database_for_messages;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};

use crate::helpers::{Api, sign_in};

const ROLE: &str = "arn:aws:iam::123456789012:role/a2i";
const ADMIN_EMAIL: &str = "admin@loupe.local";
const ADMIN_PASSWORD: &str = "admin password 123";

async fn describe_workteam(api: &Api) -> Value {
    let (status, _, body) = api
        .sagemaker("DescribeWorkteam", json!({"WorkteamName": "reviewers"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["Workteam"].clone()
}

/// The `src` of the one granted link a rendered template holds.
async fn granted_link(api: &Api) -> String {
    let template = "<img src=\"{{ 's3://inputs/cat.png' | grant_read_access }}\">";
    let (status, _, body) = api
        .sagemaker(
            "RenderUiTemplate",
            json!({
                "UiTemplate": {"Content": template},
                "Task": {"Input": "{}"},
                "RoleArn": ROLE,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let html = body["RenderedContent"].as_str().unwrap();
    let start = html.find("src=\"").unwrap() + 5;
    html[start..start + html[start..].find('"').unwrap()].replace("&amp;", "&")
}

async fn template_url(api: &Api) -> String {
    let (status, _, body) = api
        .sagemaker("DescribeHumanTaskUi", json!({"HumanTaskUiName": "text"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["UiTemplate"]["Url"].as_str().unwrap().to_owned()
}

/// The link an admin's invitation of `email` hands out.
async fn invitation_link(base: &str, email: &str) -> String {
    let (admin, _, _) = sign_in(base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = admin
        .post(format!("{base}/api/admin/people-invite"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", email), ("role", "worker"), ("team", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let outcome: Value = response.json().await.unwrap();
    outcome["link"].as_str().expect("a link").to_owned()
}

async fn without_a_public_url_links_follow_the_request(backend: Backend) {
    let api = Api::spawn(backend, &[]).await;
    let host = api.base.strip_prefix("http://").unwrap().to_owned();
    assert_eq!(describe_workteam(&api).await["SubDomain"], host.as_str());
    assert_eq!(
        template_url(&api).await,
        format!("http://{host}/human-task-uis/text/template")
    );
    assert!(
        granted_link(&api)
            .await
            .starts_with(&format!("http://{host}/blobs/"))
    );
    let link = invitation_link(&api.base, "ann@example.org").await;
    assert!(
        link.starts_with(&format!("http://{host}/invite/")),
        "{link}"
    );
}

async fn a_public_url_makes_every_absolute_link(backend: Backend) {
    let public = "http://review.example.test:8080";
    let api = Api::spawn(backend, &["--public-url", public]).await;
    // A2I's SubDomain is a host name without a scheme.
    assert_eq!(
        describe_workteam(&api).await["SubDomain"],
        "review.example.test:8080"
    );
    let (status, _, listed) = api.sagemaker("ListWorkteams", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        listed["Workteams"][0]["SubDomain"],
        "review.example.test:8080"
    );
    assert_eq!(
        template_url(&api).await,
        format!("{public}/human-task-uis/text/template")
    );
    // A signed link names the public origin, and the server still takes it.
    let link = granted_link(&api).await;
    assert!(link.starts_with(&format!("{public}/blobs/")), "{link}");
    let image = api.outputs.join("inputs/cat.png");
    std::fs::create_dir_all(image.parent().unwrap()).unwrap();
    std::fs::write(&image, b"\x89PNG fake").unwrap();
    let local = link.replacen(public, &api.base, 1);
    let fetched = reqwest::get(&local).await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);

    let invitation = invitation_link(&api.base, "bo@example.org").await;
    assert!(
        invitation.starts_with(&format!("{public}/invite/")),
        "{invitation}"
    );
    // An http:// public URL leaves cookies as they were.
    let page = reqwest::get(format!("{}/login", api.base)).await.unwrap();
    let cookie = page.headers()[SET_COOKIE].to_str().unwrap();
    assert!(!cookie.contains("Secure"), "{cookie}");
}

async fn an_https_public_url_makes_cookies_secure(backend: Backend) {
    let api = Api::spawn(backend, &["--public-url", "https://review.example.com/"]).await;
    assert_eq!(
        describe_workteam(&api).await["SubDomain"],
        "review.example.com"
    );
    assert_eq!(
        template_url(&api).await,
        "https://review.example.com/human-task-uis/text/template"
    );
    let page = reqwest::get(format!("{}/login", api.base)).await.unwrap();
    let cookie = page.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// A self-signed certificate for 127.0.0.1 and its key, written to `dir`: (cert PEM, cert file,
/// key file).
pub(crate) fn self_signed(dir: &std::path::Path) -> (String, String, String) {
    let made =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let path = |p: std::path::PathBuf| p.to_str().unwrap().to_owned();
    (made.cert.pem(), path(cert), path(key))
}

async fn the_listener_serves_https_with_its_certificate(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (pem, cert, key) = self_signed(dir.path());
    let api = Api::spawn(backend, &["--tls-cert", &cert, "--tls-key", &key])
        .await
        .over_tls(&pem);
    assert!(api.base.starts_with("https://"));

    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let ready = client
        .get(format!("{}/readyz", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    // TLS makes cookies Secure and links https://.
    let page = client
        .get(format!("{}/login", api.base))
        .send()
        .await
        .unwrap();
    assert!(
        page.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure")
    );

    // A signed API call, over TLS.
    let host = api.base.strip_prefix("https://").unwrap().to_owned();
    assert_eq!(describe_workteam(&api).await["SubDomain"], host.as_str());
    assert_eq!(
        template_url(&api).await,
        format!("https://{host}/human-task-uis/text/template")
    );

    // Plain HTTP to the TLS port gets no answer; a client that does not trust the certificate
    // is refused in the handshake.
    assert!(reqwest::get(format!("http://{host}/readyz")).await.is_err());
    assert!(
        reqwest::get(format!("https://{host}/readyz"))
            .await
            .is_err()
    );
    // The server is still fine after both.
    let again = client
        .get(format!("{}/readyz", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
}

/// Starts a server in this process on `db` with `key` arguments: what start-up said.
async fn start(db: &TestDatabase, site: &std::path::Path, key: &[&str]) -> anyhow::Result<()> {
    let outputs = site.join("outputs").to_str().unwrap().to_owned();
    let mut args = vec![
        "loupe",
        "serve",
        "--database-url",
        &db.url,
        "--site-root",
        site.to_str().unwrap(),
        "--admin-password",
        ADMIN_PASSWORD,
        "--output-root",
        &outputs,
    ];
    args.extend_from_slice(key);
    let Some(Command::Serve(args)) = Cli::try_parse_from(args).unwrap().command else {
        panic!("serve expected")
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    loupe_server::start(&args, listener, LoginPolicy::default())
        .await
        .map(|_| ())
}

async fn the_database_takes_only_its_own_master_key(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.key");
    let first_arg = ["--key-file", first.to_str().unwrap()];

    // A fresh database: the key file is made, its fingerprint recorded.
    start(&db, dir.path(), &first_arg).await.unwrap();
    let key = MasterKey::from_base64(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let (store, _) = db.open().await;
    let record = store.master_key_record().await.unwrap();
    assert_eq!(record.fingerprint, Some(KeyFingerprint::of(&key)));
    // The same key again: a second replica starts.
    start(&db, dir.path(), &first_arg).await.unwrap();

    // A key file elsewhere that does not exist is not made: the database has a key.
    let elsewhere = dir.path().join("elsewhere/loupe.key");
    let error = start(
        &db,
        dir.path(),
        &["--key-file", elsewhere.to_str().unwrap()],
    )
    .await
    .unwrap_err();
    let message = format!("{error:#}");
    assert!(
        !elsewhere.exists(),
        "no key file is made for a bound database"
    );
    for part in [
        elsewhere.display().to_string(),
        database_for_messages(&db.url),
        KeyFingerprint::of(&key).to_string(),
        "--key-file".to_owned(),
        "LOUPE_KEY_FILE".to_owned(),
    ] {
        assert!(message.contains(&part), "{part} missing from: {message}");
    }

    // Another key, in a file or the environment, is refused naming the file and the database.
    let other = MasterKey::generate();
    let other_file = dir.path().join("other.key");
    std::fs::write(&other_file, other.to_base64()).unwrap();
    let error = start(
        &db,
        dir.path(),
        &["--key-file", other_file.to_str().unwrap()],
    )
    .await
    .unwrap_err();
    let message = format!("{error:#}");
    for part in [
        other_file.display().to_string(),
        database_for_messages(&db.url),
        KeyFingerprint::of(&key).to_string(),
        KeyFingerprint::of(&other).to_string(),
    ] {
        assert!(message.contains(&part), "{part} missing from: {message}");
    }
    let error = start(&db, dir.path(), &["--master-key", &other.to_base64()])
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("LOUPE_MASTER_KEY"),
        "{error:#}"
    );
    assert!(
        !format!("{error:#}").contains(&other.to_base64()),
        "{error:#}"
    );
    // Nothing changed.
    assert_eq!(
        store.master_key_record().await.unwrap().fingerprint,
        Some(KeyFingerprint::of(&key))
    );
}

async fn a_database_from_before_fingerprints_is_checked_then_recorded(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = db.open().await;
    let key = MasterKey::generate();
    create_access_key(&*store, &key, "from before", SystemClock.now()).await;
    assert!(
        store
            .master_key_record()
            .await
            .unwrap()
            .fingerprint
            .is_none()
    );

    // No key file is made for it, and a key that does not open its secret is refused.
    let missing = dir.path().join("missing.key");
    let error = start(&db, dir.path(), &["--key-file", missing.to_str().unwrap()])
        .await
        .unwrap_err();
    assert!(!missing.exists());
    assert!(
        format!("{error:#}").contains("not recorded yet"),
        "{error:#}"
    );
    let stray = dir.path().join("stray.key");
    std::fs::write(&stray, MasterKey::generate().to_base64()).unwrap();
    let error = start(&db, dir.path(), &["--key-file", stray.to_str().unwrap()])
        .await
        .unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("does not open the secret of access key"),
        "{message}"
    );
    assert!(message.contains(&stray.display().to_string()), "{message}");
    assert!(
        store
            .master_key_record()
            .await
            .unwrap()
            .fingerprint
            .is_none()
    );

    // Its own key opens the secret: taken, and its fingerprint recorded.
    let own = dir.path().join("own.key");
    std::fs::write(&own, key.to_base64()).unwrap();
    start(&db, dir.path(), &["--key-file", own.to_str().unwrap()])
        .await
        .unwrap();
    assert_eq!(
        store.master_key_record().await.unwrap().fingerprint,
        Some(KeyFingerprint::of(&key))
    );
}

test_on_both_backends!(
    without_a_public_url_links_follow_the_request,
    a_public_url_makes_every_absolute_link,
    an_https_public_url_makes_cookies_secure,
    the_listener_serves_https_with_its_certificate,
    the_database_takes_only_its_own_master_key,
    a_database_from_before_fingerprints_is_checked_then_recorded,
);
