//! PostgreSQL: the backend for several stateless replicas sharing one database.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::{PgPoolOptions, PgRow};

use super::{Backend, StoreError, review_sql::review_sql_store, sql::sql_store};

#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Read committed; the queries lock the rows they change (`FOR UPDATE`).
    async fn begin_write(&self) -> Result<super::WriteTx<'_, sqlx::Postgres>, StoreError> {
        Ok(super::WriteTx::new(self.pool.begin().await?, None))
    }

    /// PostgreSQL takes concurrent writers; row locks order them.
    async fn write_guard(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        None
    }

    /// sqlx takes an advisory lock around migrations, so replicas starting together are safe.
    async fn migrate_pool(&self) -> Result<(), StoreError> {
        sqlx::migrate!("../migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }
}

sql_store!(PostgresStore, PgRow, Backend::Postgres);
review_sql_store!(
    PostgresStore,
    sqlx::postgres::PgRow,
    sqlx::PgConnection,
    for_update = "FOR UPDATE",
    for_update_of_loop = "FOR UPDATE OF l",
    lock_batch_loops = true,
    skip_locked = "FOR UPDATE SKIP LOCKED",
    claim_savepoint = true,
    name_prefix = ("LIKE", "%"),
    id_in_json = "l.id IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint)"
);
