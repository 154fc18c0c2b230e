//! SQLite: one file, WAL journal, foreign keys on, full fsync on commit so an acknowledged write
//! survives a power cut, and a busy timeout so concurrent writers wait instead of failing.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::StoreError;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The single writer: see [`super::WriteTx`].
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// Connections in the pool.
const CONNECTIONS: u32 = 8;

impl SqliteStore {
    /// Opens the file at `url`, giving its connections `page_cache_bytes` of page cache between
    /// them (each connection keeps a cache of its own; the kernel's file cache is behind them).
    pub async fn open(url: &str, page_cache_bytes: usize) -> Result<Self, StoreError> {
        let per_connection_kib = (page_cache_bytes / CONNECTIONS as usize / 1024).max(512);
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A negative size is in KiB.
            .pragma("cache_size", format!("-{per_connection_kib}"))
            .pragma("temp_store", "memory");
        if let Some(parent) = options
            .get_filename()
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(CONNECTIONS)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            writer: Default::default(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Write transactions wait for the writer lock, then take SQLite's write lock up front
    /// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes never fails to upgrade
    /// (another process, such as `loupe user add`, may still be writing).
    async fn begin_write(&self) -> Result<super::WriteTx<'_, sqlx::Sqlite>, StoreError> {
        let writer = self.write_guard().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(super::WriteTx::new(tx, writer))
    }

    /// Held around single-statement writes.
    async fn write_guard(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        Some(self.writer.clone().lock_owned().await)
    }
}

/// The schema's steps.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

super::dialect::sqlite_queries!();
