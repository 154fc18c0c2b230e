//! Throw-away databases for tests: a SQLite file in a temporary directory, or a freshly created
//! PostgreSQL database that is dropped again when the handle goes, even if the test panicked.
//! Then the fixtures the engine's and the server's tests and benches seed them with: workers,
//! access keys, task UIs and custom flows.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::domain::accounts::{Email, Role, UserId};
use crate::domain::arns::Account;
use crate::domain::clock::Timestamp;
use crate::domain::keys::{AccessKey, AccessKeyId, KeyStatus, MasterKey, SecretAccessKey};
use crate::domain::passwords::PasswordHash;
use crate::domain::teams::WorkteamName;
use crate::services::Reviews;
use crate::store::{self, Backend, NewUser, Pool, Store};

/// Where tests find a PostgreSQL server they may create databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("LOUPE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("loupe.db").display());
                Self {
                    backend,
                    url,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                use sqlx::Connection as _;
                let name = format!("loupe_test_{}", random_suffix());
                let admin = postgres_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let url = match admin.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("LOUPE_TEST_POSTGRES_URL must end in /DATABASE"),
                };
                Self {
                    backend,
                    url,
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// Opens and migrates the database.
    pub async fn open(&self) -> (Arc<dyn Store>, Pool) {
        let (store, pool) = store::open(&self.url).await.expect("open test database");
        store.migrate().await.expect("migrate test database");
        (store, pool)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop may run inside a runtime, which cannot block on another; use a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    use sqlx::Connection as _;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                        let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        let _ = sqlx::query(&drop).execute(&mut conn).await;
                    }
                });
            }
        })
        .join();
    }
}

fn random_suffix() -> String {
    use rand::Rng as _;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
        .collect()
}

/// Runs the listed `async fn name(backend: Backend)` tests once per backend, as
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! test_on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::store::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::store::Backend::Postgres).await })*
        }
    };
}

/// Creates a worker in `teams`, straight in the store; returns its id.
pub async fn create_worker(
    store: &dyn Store,
    email: &str,
    password_hash: &PasswordHash,
    teams: &[&str],
    created_at: Timestamp,
) -> UserId {
    store
        .create_user(NewUser {
            email: Email::parse(email).unwrap(),
            password_hash: password_hash.clone(),
            role: Role::Worker,
            teams: teams
                .iter()
                .map(|team| WorkteamName::parse(team).unwrap())
                .collect(),
            created_at,
        })
        .await
        .unwrap()
        .id
}

/// Creates an active access key named `name`, its secret sealed with `master` as a server keeps
/// it; returns the key and the secret a client signs with.
pub async fn create_access_key(
    store: &dyn Store,
    master: &MasterKey,
    name: &str,
    created_at: Timestamp,
) -> (AccessKey, SecretAccessKey) {
    let key = AccessKey {
        id: AccessKeyId::generate(),
        name: name.to_owned(),
        status: KeyStatus::Active,
        created_at,
        revoked_at: None,
    };
    let secret = SecretAccessKey::generate();
    store
        .create_access_key(&key, &master.seal(&key.id, &secret))
        .await
        .unwrap();
    (key, secret)
}

/// A `CreateHumanTaskUi` request for the UI `name` showing `template`.
pub fn task_ui_request(name: &str, template: &str) -> Value {
    json!({"HumanTaskUiName": name, "UiTemplate": {"Content": template}})
}

/// A `CreateFlowDefinition` request for a custom flow of `account`: each item goes to
/// `task_count` workers of the private team `team`, shown with the task UI `ui`, and its output
/// under `s3_output_path`. Tests set anything else (limits, conditions) with [`merge_json`].
pub fn custom_flow_request(
    account: &Account,
    name: &str,
    team: &str,
    ui: &str,
    task_count: u32,
    s3_output_path: &str,
) -> Value {
    let (partition, region, id) = (account.partition(), account.region(), account.account_id());
    json!({
        "FlowDefinitionName": name,
        "HumanLoopConfig": {
            "WorkteamArn": format!("arn:{partition}:sagemaker:{region}:{id}:workteam/private-crowd/{team}"),
            "HumanTaskUiArn": format!("arn:{partition}:sagemaker:{region}:{id}:human-task-ui/{ui}"),
            "TaskTitle": "Review",
            "TaskDescription": "Review the item",
            "TaskCount": task_count
        },
        "OutputConfig": {"S3OutputPath": s3_output_path},
        "RoleArn": format!("arn:{partition}:iam::{id}:role/a2i")
    })
}

/// Creates the task UI `ui` showing `template`, then the flow `flow_request` asks for.
pub async fn create_ui_and_flow(reviews: &Reviews, ui: &str, template: &str, flow_request: &Value) {
    reviews
        .create_task_ui(&task_ui_request(ui, template))
        .await
        .unwrap();
    reviews
        .create_flow_definition(flow_request, None)
        .await
        .unwrap();
}

/// Merges `extra` into `target`: objects member by member, at every level; anything else
/// replaces what stood there.
pub fn merge_json(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        for (key, value) in extra {
            match target.get_mut(&key) {
                Some(existing @ Value::Object(_)) if value.is_object() => {
                    merge_json(existing, value)
                }
                _ => {
                    target.insert(key, value);
                }
            }
        }
    }
}

/// The instant an RFC 3339 text (as A2I's samples print them) names.
pub fn timestamp(rfc3339: &str) -> Timestamp {
    let format = time::format_description::well_known::Rfc3339;
    Timestamp::from(time::OffsetDateTime::parse(rfc3339, &format).unwrap())
}

/// Runs a bench's `future` to its end on a multi-threaded runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A size from the environment (`1_000_000` style allowed), or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}
