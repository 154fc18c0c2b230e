//! The `loupe` binary's administrative commands, run as a user would run them, on both backends.

use std::path::PathBuf;
use std::process::Stdio;

use loupe_engine::domain::clock::{Clock as _, SystemClock};
use loupe_engine::domain::key_custody::KeyFingerprint;
use loupe_engine::domain::keys::{AccessKeyId, MasterKey};
use loupe_engine::store::{self, Backend};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, create_access_key};
use loupe_server::keyring::database_for_messages;
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// A fresh database, and a directory for the key file, for the `loupe` binary to administer.
struct Admin {
    db: TestDatabase,
    dir: tempfile::TempDir,
}

impl Admin {
    async fn new(backend: Backend) -> Self {
        Self {
            db: TestDatabase::create(backend).await,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// Where `loupe` keeps the master key it makes.
    fn key_file(&self) -> PathBuf {
        self.dir.path().join("loupe.key")
    }

    /// Runs `loupe <args>` with `stdin` as its input.
    async fn loupe(&self, args: &[&str], stdin: &str) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"));
        command.env("LOUPE_KEY_FILE", self.key_file());
        self.run(command, args, stdin).await
    }

    /// Runs `loupe <args>` in `dir` with no key file set, so it uses its default
    /// (`data/loupe.key` under `dir`), as when run from another working directory.
    async fn loupe_in(&self, dir: &std::path::Path, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"));
        command.current_dir(dir).env_remove("LOUPE_KEY_FILE");
        self.run(command, args, "").await
    }

    async fn run(
        &self,
        mut command: tokio::process::Command,
        args: &[&str],
        stdin: &str,
    ) -> Output {
        let mut child = command
            .args(args)
            .env("LOUPE_DATABASE_URL", &self.db.url)
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

    /// The output of a command that must succeed.
    async fn succeeds(&self, args: &[&str], stdin: &str) -> String {
        let output = self.loupe(args, stdin).await;
        assert!(output.ok, "{args:?}: {}", output.stderr);
        output.stdout
    }

    /// Checks that a command fails, saying `reason`.
    async fn is_refused(&self, args: &[&str], stdin: &str, reason: &str) {
        let output = self.loupe(args, stdin).await;
        assert!(!output.ok, "{args:?} succeeded");
        assert!(
            output.stderr.contains(reason),
            "{args:?}: {}",
            output.stderr
        );
    }
}

async fn people_are_managed_from_the_command_line(backend: Backend) {
    let admin = Admin::new(backend).await;
    let migrated = admin.succeeds(&["migrate"], "").await;
    assert!(migrated.contains("database is up to date"));

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
    let added = admin.succeeds(&add, "bo has a long password\n").await;
    assert!(added.contains("added worker bo@example.org"), "{added}");
    admin
        .is_refused(&add, "bo has a long password\n", "already exists")
        .await;

    // Refused additions, one with a weak password and one with an unknown role.
    let add_cy = |role: &'static str| {
        let email = "cy@example.org";
        [
            "user",
            "add",
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ]
    };
    admin
        .is_refused(&add_cy("worker"), "short\n", "at least 12 characters")
        .await;
    let long_enough = "a long enough password\n";
    admin
        .is_refused(&add_cy("root"), long_enough, "use admin or worker")
        .await;

    let list = admin.succeeds(&["user", "list"], "").await;
    let bo = list
        .lines()
        .find(|l| l.contains("bo@example.org"))
        .expect("bo is listed");
    assert!(bo.contains("worker") && bo.contains("alpha,beta"), "{bo}");
    assert!(
        !list.contains("cy@example.org"),
        "refused users were not created"
    );
}

async fn access_keys_are_shown_once_and_sealed_at_rest(backend: Backend) {
    let admin = Admin::new(backend).await;
    let created = admin
        .succeeds(&["keys", "create", "--name", "ingest"], "")
        .await;
    let json: Value = serde_json::from_str(&created).expect("one JSON object");
    let key = &json["AccessKey"];
    let id = key["AccessKeyId"].as_str().unwrap().to_owned();
    let secret = key["SecretAccessKey"].as_str().unwrap().to_owned();
    assert!(id.starts_with("LKIA") && id.len() == 20, "{id}");
    assert_eq!(secret.len(), 40);
    assert_eq!(key["Status"], "Active");
    assert!(key["CreateDate"].as_str().unwrap().ends_with('Z'));

    // What the database holds is sealed; only the master key in the key file opens it.
    let (store, _) = store::open(&admin.db.url).await.unwrap();
    let access_key_id = AccessKeyId::parse(&id).unwrap();
    let (_, sealed) = store
        .find_access_key(&access_key_id)
        .await
        .unwrap()
        .unwrap();
    assert!(!sealed.as_str().contains(&secret));
    let master =
        MasterKey::from_base64(&std::fs::read_to_string(admin.key_file()).unwrap()).unwrap();
    assert_eq!(
        master.open(&access_key_id, &sealed).unwrap().expose(),
        secret
    );

    let listed = admin.succeeds(&["keys", "list"], "").await;
    assert!(listed.contains(&id) && listed.contains("ingest"));
    assert!(!listed.contains(&secret), "list must never show a secret");

    let revoked = admin.succeeds(&["keys", "revoke", &id], "").await;
    let json: Value = serde_json::from_str(&revoked).unwrap();
    assert_eq!(json["AccessKey"]["Status"], "Inactive");
    assert!(json["AccessKey"]["RevokeDate"].is_string());

    let unknown = ["keys", "revoke", "LKIAAAAAAAAAAAAAAAAA"];
    admin.is_refused(&unknown, "", "no access key").await;
    let malformed = ["keys", "revoke", "nonsense"];
    admin
        .is_refused(&malformed, "", "not a Loupe access key id")
        .await;
}

async fn webhooks_are_managed_from_the_command_line(backend: Backend) {
    let admin = Admin::new(backend).await;
    let add =
        |name: &'static str, url: &'static str| ["webhooks", "add", "--name", name, "--url", url];

    let added = admin
        .succeeds(&add("ops", "https://hooks.example.com/a2i"), "")
        .await;
    let shown: Value = serde_json::from_str(&added).unwrap();
    let secret = shown["Webhook"]["Secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{shown}");
    assert_eq!(shown["Webhook"]["FlowDefinitionName"], Value::Null);

    let mut flow_only = add("one-flow", "http://127.0.0.1:9/hook").to_vec();
    flow_only.extend(["--flow", "review-text", "--secret-stdin"]);
    let added = admin
        .succeeds(&flow_only, "a-secret-of-my-own-choosing\n")
        .await;
    assert!(!added.contains("whsec_"));

    // Listing never shows a secret.
    let listed = admin.succeeds(&["webhooks", "list"], "").await;
    assert!(!listed.contains(&secret));
    let listed: Value = serde_json::from_str(&listed).unwrap();
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
        admin.is_refused(&args, "", expected).await;
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
    let refused = admin.loupe(&short_secret, "tiny\n").await;
    assert!(
        refused.stderr.contains("at least") || refused.stderr.contains("16"),
        "{}",
        refused.stderr
    );

    let remove = ["webhooks", "remove", "ops"];
    admin.succeeds(&remove, "").await;
    admin
        .is_refused(&remove, "", "no webhook is named ops")
        .await;
    let deliveries = admin.succeeds(&["webhooks", "deliveries"], "").await;
    assert_eq!(
        serde_json::from_str::<Value>(&deliveries).unwrap(),
        serde_json::json!({"Deliveries": []})
    );
}

async fn secrets_are_sealed_only_with_the_databases_master_key(backend: Backend) {
    let admin = Admin::new(backend).await;
    let database = database_for_messages(&admin.db.url);
    admin
        .succeeds(&["keys", "create", "--name", "first"], "")
        .await;
    let key = MasterKey::from_base64(&std::fs::read_to_string(admin.key_file()).unwrap()).unwrap();
    let (store, _) = store::open(&admin.db.url).await.unwrap();
    assert_eq!(
        store.master_key_record().await.unwrap().fingerprint,
        Some(KeyFingerprint::of(&key))
    );
    // The same key file again: fine.
    admin
        .succeeds(
            &[
                "webhooks",
                "add",
                "--name",
                "ops",
                "--url",
                "https://h.example/",
            ],
            "",
        )
        .await;

    // From another working directory, the default key file does not exist: it is not made, and
    // the message says which key the database expects and how to give it.
    let elsewhere = tempfile::tempdir().unwrap();
    for args in [
        &["keys", "create", "--name", "second"][..],
        &[
            "webhooks",
            "add",
            "--name",
            "ops2",
            "--url",
            "https://h.example/",
        ][..],
    ] {
        let refused = admin.loupe_in(elsewhere.path(), args).await;
        assert!(!refused.ok, "{args:?} succeeded: {}", refused.stdout);
        let default_file = elsewhere.path().join("data/loupe.key");
        assert!(!default_file.exists(), "{args:?} made a key file");
        for part in [
            default_file.display().to_string(),
            database.clone(),
            KeyFingerprint::of(&key).to_string(),
            "--key-file".to_owned(),
            "LOUPE_KEY_FILE".to_owned(),
        ] {
            assert!(refused.stderr.contains(&part), "{part}: {}", refused.stderr);
        }
    }

    // Another key file is refused, naming it and the database.
    let other = MasterKey::generate();
    let other_file = elsewhere.path().join("other.key");
    std::fs::write(&other_file, other.to_base64()).unwrap();
    let refused = admin
        .loupe(
            &[
                "keys",
                "create",
                "--name",
                "second",
                "--key-file",
                other_file.to_str().unwrap(),
            ],
            "",
        )
        .await;
    assert!(!refused.ok);
    for part in [
        other_file.display().to_string(),
        database.clone(),
        KeyFingerprint::of(&other).to_string(),
    ] {
        assert!(refused.stderr.contains(&part), "{part}: {}", refused.stderr);
    }
    // Nothing was sealed with it.
    let listed = admin.succeeds(&["keys", "list"], "").await;
    assert!(!listed.contains("second"), "{listed}");
}

async fn no_key_file_is_made_for_a_database_with_secrets_from_before(backend: Backend) {
    let admin = Admin::new(backend).await;
    let (store, _) = admin.db.open().await;
    let key = MasterKey::generate();
    create_access_key(&*store, &key, "from before", SystemClock.now()).await;

    let refused = admin.loupe(&["keys", "create", "--name", "new"], "").await;
    assert!(!refused.ok);
    assert!(!admin.key_file().exists(), "no key file is made");
    assert!(
        refused.stderr.contains("not recorded yet"),
        "{}",
        refused.stderr
    );
    assert!(
        refused
            .stderr
            .contains(&admin.key_file().display().to_string()),
        "{}",
        refused.stderr
    );

    // Its own key opens its secret: the command works and the fingerprint is recorded.
    std::fs::write(admin.key_file(), key.to_base64()).unwrap();
    admin
        .succeeds(&["keys", "create", "--name", "new"], "")
        .await;
    assert_eq!(
        store.master_key_record().await.unwrap().fingerprint,
        Some(KeyFingerprint::of(&key))
    );
}

test_on_both_backends!(
    secrets_are_sealed_only_with_the_databases_master_key,
    no_key_file_is_made_for_a_database_with_secrets_from_before,
    people_are_managed_from_the_command_line,
    access_keys_are_shown_once_and_sealed_at_rest,
    webhooks_are_managed_from_the_command_line
);
