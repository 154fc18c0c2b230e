//! Throw-away databases for tests: a SQLite file in a temporary directory, or a freshly created
//! PostgreSQL database that is dropped again when the handle goes, even if the test panicked.

use std::sync::Arc;

use crate::store::{self, Backend, Pool, Store};

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
