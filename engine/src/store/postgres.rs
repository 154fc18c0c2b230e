//! PostgreSQL: the backend for several stateless replicas sharing one database.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::StoreError;

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
}

/// The schema's steps; sqlx takes an advisory lock around them, so replicas starting together
/// are safe.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

super::dialect::postgres_queries!();
