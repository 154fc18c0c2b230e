//! The `loupe` binary's administrative commands, run as a user would run them, on both backends.

use std::path::Path;
use std::process::Stdio;

use loupe_engine::domain::keys::{AccessKeyId, MasterKey};
use loupe_engine::store::{self, Backend};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::TestDatabase;
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

async fn loupe(db: &TestDatabase, key_file: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args(args)
        .env("LOUPE_DATABASE_URL", &db.url)
        .env("LOUPE_KEY_FILE", key_file)
        .env_remove("LOUPE_MASTER_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run loupe");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    Output {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn people_are_managed_from_the_command_line(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("loupe.key");

    let migrated = loupe(&db, &key_file, &["migrate"], "").await;
    assert!(migrated.ok, "{}", migrated.stderr);
    assert!(migrated.stdout.contains("database is up to date"));

    let add = [
        "user",
        "add",
        "--email",
        "Bo@Example.org",
        "--role",
        "worker",
        "--team",
        "alpha",
        "--team",
        "beta",
        "--password-stdin",
    ];
    let added = loupe(&db, &key_file, &add, "bo has a long password\n").await;
    assert!(added.ok, "{}", added.stderr);
    assert!(
        added.stdout.contains("added worker bo@example.org"),
        "{}",
        added.stdout
    );

    let again = loupe(&db, &key_file, &add, "bo has a long password\n").await;
    assert!(!again.ok);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let short = [
        "user",
        "add",
        "--email",
        "cy@example.org",
        "--role",
        "worker",
        "--password-stdin",
    ];
    let weak = loupe(&db, &key_file, &short, "short\n").await;
    assert!(!weak.ok);
    assert!(
        weak.stderr.contains("at least 12 characters"),
        "{}",
        weak.stderr
    );

    let bad_role = [
        "user",
        "add",
        "--email",
        "cy@example.org",
        "--role",
        "root",
        "--password-stdin",
    ];
    let refused = loupe(&db, &key_file, &bad_role, "a long enough password\n").await;
    assert!(!refused.ok);
    assert!(
        refused.stderr.contains("use admin or worker"),
        "{}",
        refused.stderr
    );

    let list = loupe(&db, &key_file, &["user", "list"], "").await;
    assert!(list.ok, "{}", list.stderr);
    let bo = list
        .stdout
        .lines()
        .find(|l| l.contains("bo@example.org"))
        .expect("bo is listed");
    assert!(bo.contains("worker") && bo.contains("alpha,beta"), "{bo}");
    assert!(
        !list.stdout.contains("cy@example.org"),
        "refused users were not created"
    );
}

async fn access_keys_are_shown_once_and_sealed_at_rest(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("loupe.key");

    let created = loupe(&db, &key_file, &["keys", "create", "--name", "ingest"], "").await;
    assert!(created.ok, "{}", created.stderr);
    let json: Value = serde_json::from_str(&created.stdout).expect("one JSON object");
    let key = &json["AccessKey"];
    let id = key["AccessKeyId"].as_str().unwrap().to_owned();
    let secret = key["SecretAccessKey"].as_str().unwrap().to_owned();
    assert!(id.starts_with("LKIA") && id.len() == 20, "{id}");
    assert_eq!(secret.len(), 40);
    assert_eq!(key["Status"], "Active");
    assert!(key["CreateDate"].as_str().unwrap().ends_with('Z'));

    // What the database holds is sealed; only the master key in the key file opens it.
    let (store, _) = store::open(&db.url).await.unwrap();
    let access_key_id = AccessKeyId::parse(&id).unwrap();
    let (_, sealed) = store
        .find_access_key(&access_key_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!sealed.as_str().contains(&secret));
    let master = MasterKey::from_base64(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    assert_eq!(
        master.open(&access_key_id, &sealed).unwrap().expose(),
        secret
    );

    let listed = loupe(&db, &key_file, &["keys", "list"], "").await;
    assert!(listed.ok, "{}", listed.stderr);
    assert!(listed.stdout.contains(&id) && listed.stdout.contains("ingest"));
    assert!(
        !listed.stdout.contains(&secret),
        "list must never show a secret"
    );

    let revoked = loupe(&db, &key_file, &["keys", "revoke", &id], "").await;
    assert!(revoked.ok, "{}", revoked.stderr);
    let json: Value = serde_json::from_str(&revoked.stdout).unwrap();
    assert_eq!(json["AccessKey"]["Status"], "Inactive");
    assert!(json["AccessKey"]["RevokeDate"].is_string());

    let unknown = loupe(
        &db,
        &key_file,
        &["keys", "revoke", "LKIAAAAAAAAAAAAAAAAA"],
        "",
    )
    .await;
    assert!(!unknown.ok);
    assert!(
        unknown.stderr.contains("no access key"),
        "{}",
        unknown.stderr
    );
    let malformed = loupe(&db, &key_file, &["keys", "revoke", "nonsense"], "").await;
    assert!(!malformed.ok);
    assert!(
        malformed.stderr.contains("not a Loupe access key id"),
        "{}",
        malformed.stderr
    );
}

async fn webhooks_are_managed_from_the_command_line(backend: Backend) {
    let db = TestDatabase::create(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("loupe.key");
    let add =
        |name: &'static str, url: &'static str| ["webhooks", "add", "--name", name, "--url", url];

    let added = loupe(
        &db,
        &key_file,
        &add("ops", "https://hooks.example.com/a2i"),
        "",
    )
    .await;
    assert!(added.ok, "{}", added.stderr);
    let shown: Value = serde_json::from_str(&added.stdout).unwrap();
    let secret = shown["Webhook"]["Secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{shown}");
    assert_eq!(shown["Webhook"]["FlowDefinitionName"], Value::Null);

    let mut flow_only = add("one-flow", "http://127.0.0.1:9/hook").to_vec();
    flow_only.extend(["--flow", "review-text", "--secret-stdin"]);
    let added = loupe(&db, &key_file, &flow_only, "a-secret-of-my-own-choosing\n").await;
    assert!(added.ok, "{}", added.stderr);
    assert!(!added.stdout.contains("whsec_"));

    // Listing never shows a secret.
    let listed = loupe(&db, &key_file, &["webhooks", "list"], "").await;
    assert!(listed.ok, "{}", listed.stderr);
    assert!(!listed.stdout.contains(&secret));
    let listed: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(listed["Webhooks"][0]["Name"], "one-flow");
    assert_eq!(listed["Webhooks"][0]["FlowDefinitionName"], "review-text");
    assert_eq!(
        listed["Webhooks"][1]["Url"],
        "https://hooks.example.com/a2i"
    );

    for (args, expected) in [
        (
            add("ops", "https://elsewhere.example.com/"),
            "already exists",
        ),
        (
            add("bad name", "https://example.com/"),
            "invalid webhook name",
        ),
        (add("ftp", "ftp://example.com/"), "http or https"),
    ] {
        let refused = loupe(&db, &key_file, &args, "").await;
        assert!(!refused.ok);
        assert!(refused.stderr.contains(expected), "{}", refused.stderr);
    }
    let short_secret = [
        "webhooks",
        "add",
        "--name",
        "short",
        "--url",
        "https://example.com/",
        "--secret-stdin",
    ];
    let refused = loupe(&db, &key_file, &short_secret, "tiny\n").await;
    assert!(
        refused.stderr.contains("at least") || refused.stderr.contains("16"),
        "{}",
        refused.stderr
    );

    let removed = loupe(&db, &key_file, &["webhooks", "remove", "ops"], "").await;
    assert!(removed.ok, "{}", removed.stderr);
    let again = loupe(&db, &key_file, &["webhooks", "remove", "ops"], "").await;
    assert!(!again.ok);
    assert!(
        again.stderr.contains("no webhook is named ops"),
        "{}",
        again.stderr
    );
    let deliveries = loupe(&db, &key_file, &["webhooks", "deliveries"], "").await;
    assert!(deliveries.ok, "{}", deliveries.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&deliveries.stdout).unwrap(),
        serde_json::json!({"Deliveries": []})
    );
}

test_on_both_backends!(
    people_are_managed_from_the_command_line,
    access_keys_are_shown_once_and_sealed_at_rest,
    webhooks_are_managed_from_the_command_line
);
