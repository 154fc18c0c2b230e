//! Storage: one interface, [`Store`], and one implementation per database backend.
//!
//! [`Store`] is the sum of one trait per aggregate, each in a file of its own with its queries:
//! accounts, sessions and keys (the trait itself, queries in [`sql`]), task UIs
//! ([`TaskUiStore`]) and their assets and allowed origins ([`TemplateAssetStore`]), teams and
//! worker groups ([`TeamStore`]), flow definitions
//! ([`FlowStore`]), loops and tasks as records ([`LoopStore`]), the work queue and its sweeps
//! ([`QueueStore`]), the two outboxes and the instances that lease them ([`OutboxStore`]),
//! events, audit, spend and the dashboard ([`ReportStore`]), webhooks ([`WebhookStore`]), the
//! master key's fingerprint ([`MasterKeyStore`]), and compilation jobs
//! ([`CompilationJobStore`]).
//! Loops change only through `loop_state`, which locks and loads a loop's state, asks
//! [`crate::lifecycle::transitions`] what to do and writes the step; row decoding is in `rows`.
//!
//! Both backends run the same SQL text (the common subset of SQLite and PostgreSQL, `$n`
//! placeholders): each aggregate's queries are one macro, expanded once per backend with the
//! few fragments that differ, all listed in `dialect`. Each backend has its own migrations
//! folder with the same numbered steps (a test checks they stay in step); connection set-up
//! lives in `sqlite.rs` and `postgres.rs`.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::accounts::{Email, LoginRecord, Role, User, UserId};
use crate::domain::clock::Timestamp;
use crate::domain::keys::{AccessKey, AccessKeyId, SealedSecret};
use crate::domain::passwords::PasswordHash;
use crate::domain::teams::{Team, WorkteamName};

mod compilation_jobs;
mod dialect;
mod flows;
mod loop_state;
mod loops;
mod master_key;
mod outboxes;
mod postgres;
mod queue;
mod reports;
mod rows;
mod sql;
mod sqlite;
mod task_uis;
mod teams;
mod template_assets;
mod webhooks;

pub use crate::lifecycle::TaskRefusal;
pub use compilation_jobs::{ClaimedJob, CompilationJobStore, JobCreation, JobFilter};
pub use flows::{FlowDeletion, FlowStore, NewFlowDefinition};
pub use loops::{LoopQuery, LoopStore, NAME_FIRST_MATCHES};
pub use master_key::MasterKeyStore;
pub use outboxes::{OutboxStore, PendingOutput};
pub use postgres::PostgresStore;
pub use queue::{QueueStore, SubmitReceipt, TaskDone, TaskWork};
pub use reports::{ReportStore, StoredEvent};
pub use sqlite::SqliteStore;
pub use task_uis::TaskUiStore;
pub use teams::TeamStore;
pub use template_assets::{AssetLimits, TemplateAssetStore};
pub use webhooks::WebhookStore;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// A one-time link to set an account's password; only the token's SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub token_hash: String,
    pub user: UserId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
}

/// A new account, with the teams it joins (created if they do not exist yet).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub password_hash: PasswordHash,
    pub role: Role,
    pub teams: Vec<WorkteamName>,
    pub created_at: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    /// A worker's action on a task that the rules do not allow.
    #[error("{0}")]
    Refused(#[from] TaskRefusal),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A PostgreSQL deadlock (SQLSTATE 40P01) or serialization failure (40001): the database
    /// rolled the transaction back, and running it again is safe and likely to succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Database(error) => error
                .as_database_error()
                .and_then(|db| db.code())
                .is_some_and(|code| code == "40P01" || code == "40001"),
            _ => false,
        }
    }
}

/// One failed sign-in, to be counted against its account and client address.
#[derive(Debug, Clone, Copy)]
pub struct SignInFailure<'a> {
    pub user: UserId,
    /// The client's address, as the server saw it (or as its trusted proxy reported it).
    pub client: &'a str,
    pub at: Timestamp,
    /// Failures before this are forgotten.
    pub forget_before: Timestamp,
    pub max_failures: u32,
    pub lock_until: Timestamp,
}

#[async_trait]
pub trait Store:
    TaskUiStore
    + TemplateAssetStore
    + TeamStore
    + FlowStore
    + LoopStore
    + QueueStore
    + OutboxStore
    + ReportStore
    + WebhookStore
    + MasterKeyStore
    + CompilationJobStore
    + Send
    + Sync
    + fmt::Debug
{
    fn backend(&self) -> Backend;

    /// Brings the schema up to date; safe to run on every start and from several replicas.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Succeeds when the database answers a query.
    async fn ping(&self) -> Result<(), StoreError>;

    async fn create_user(&self, user: NewUser) -> Result<User, StoreError>;
    async fn find_user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn find_login(&self, email: &Email) -> Result<Option<LoginRecord>, StoreError>;
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    async fn count_admins(&self) -> Result<i64, StoreError>;
    /// A sign-in from `client` succeeded: its failures are forgotten.
    async fn record_login_success(
        &self,
        id: UserId,
        client: &str,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Until when sign-ins to this account from `client` are refused, if they are.
    async fn sign_in_lock(
        &self,
        id: UserId,
        client: &str,
        now: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError>;
    /// Counts a failed sign-in from one client address. When its count reaches
    /// `max_failures`, sign-ins from that address are locked until `lock_until`; a lock that
    /// has run out, or failures all older than `forget_before`, start the count afresh.
    /// Returns the lock, if any.
    async fn record_login_failure(
        &self,
        failure: &SignInFailure<'_>,
    ) -> Result<Option<Timestamp>, StoreError>;

    /// Deactivates (`Some(now)`) or reactivates (`None`) an account; false if there is none.
    async fn set_deactivated(&self, id: UserId, at: Option<Timestamp>) -> Result<bool, StoreError>;
    /// Records an invitation, replacing the account's earlier unaccepted ones.
    async fn create_invitation(&self, invitation: &Invitation) -> Result<(), StoreError>;
    async fn find_invitation(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Invitation, User)>, StoreError>;
    /// Marks an open invitation accepted and sets the account's password, in one transaction.
    /// `None` when the invitation is unknown, used or expired.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        password_hash: &PasswordHash,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError>;
    /// The accounts with an invitation still open at `now`, and when it runs out.
    async fn open_invitations(
        &self,
        now: Timestamp,
    ) -> Result<Vec<(UserId, Timestamp)>, StoreError>;

    async fn list_teams(&self) -> Result<Vec<Team>, StoreError>;
    async fn teams_of(&self, user: UserId) -> Result<Vec<Team>, StoreError>;

    async fn create_access_key(
        &self,
        key: &AccessKey,
        sealed: &SealedSecret,
    ) -> Result<(), StoreError>;
    async fn list_access_keys(&self) -> Result<Vec<AccessKey>, StoreError>;
    async fn find_access_key(
        &self,
        id: &AccessKeyId,
    ) -> Result<Option<(AccessKey, SealedSecret)>, StoreError>;
    /// Marks a key inactive; revoking an inactive key again keeps its first revocation time.
    async fn revoke_access_key(
        &self,
        id: &AccessKeyId,
        now: Timestamp,
    ) -> Result<AccessKey, StoreError>;
}

/// The connection pool behind a store, for the parts of the server that need the raw pool
/// (the session store).
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Opens the database a URL names (`sqlite://…` or `postgres://…`) and returns its store.
/// Does not migrate: call [`Store::migrate`].
/// SQLite page cache shared by a store's connections unless the caller says otherwise.
pub const DEFAULT_PAGE_CACHE_BYTES: usize = 64 * 1024 * 1024;

pub async fn open(url: &str) -> Result<(Arc<dyn Store>, Pool), StoreError> {
    open_with_cache(url, DEFAULT_PAGE_CACHE_BYTES).await
}

/// [`open`], with `page_cache_bytes` of SQLite page cache for all connections together
/// (PostgreSQL keeps its cache in the server, so it ignores this).
pub async fn open_with_cache(
    url: &str,
    page_cache_bytes: usize,
) -> Result<(Arc<dyn Store>, Pool), StoreError> {
    if url.starts_with("sqlite:") {
        let store = SqliteStore::open(url, page_cache_bytes).await?;
        let pool = Pool::Sqlite(store.pool().clone());
        Ok((Arc::new(store), pool))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let store = PostgresStore::open(url).await?;
        let pool = Pool::Postgres(store.pool().clone());
        Ok((Arc::new(store), pool))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }
}

/// A write transaction. On SQLite it also holds the store's writer lock: writes are queued in
/// the process, in order, instead of colliding on SQLite's file lock, whose busy handler sleeps
/// in steps of up to 100 ms and would turn contention into long stalls.
pub(crate) struct WriteTx<'c, DB: sqlx::Database> {
    tx: sqlx::Transaction<'c, DB>,
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<'c, DB: sqlx::Database> WriteTx<'c, DB> {
    pub(crate) fn new(
        tx: sqlx::Transaction<'c, DB>,
        writer: Option<tokio::sync::OwnedMutexGuard<()>>,
    ) -> Self {
        Self {
            tx,
            _writer: writer,
        }
    }

    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<'_, DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<'_, DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The unique keys whose violation means "that name is taken", by the constraint each names on
/// both backends: PostgreSQL's constraint name, and the `table.column` SQLite's message names
/// (SQLite reports no constraint name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UniqueKey {
    UserEmail,
    WorkTeamName,
    TaskUiName,
    FlowDefinitionName,
    WebhookName,
    AccessKeyId,
    /// One worker, one task of a loop.
    TaskWorker,
}

impl UniqueKey {
    const ALL: [Self; 7] = [
        Self::UserEmail,
        Self::WorkTeamName,
        Self::TaskUiName,
        Self::FlowDefinitionName,
        Self::WebhookName,
        Self::AccessKeyId,
        Self::TaskWorker,
    ];

    /// PostgreSQL's name for the constraint, and SQLite's `table.column, …` for it.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::UserEmail => ("users_email_key", "users.email"),
            Self::WorkTeamName => ("work_teams_name_key", "work_teams.name"),
            Self::TaskUiName => ("human_task_uis_name_key", "human_task_uis.name"),
            Self::FlowDefinitionName => ("flow_definitions_name_key", "flow_definitions.name"),
            Self::WebhookName => ("webhooks_name_key", "webhooks.name"),
            Self::AccessKeyId => ("access_keys_pkey", "access_keys.id"),
            Self::TaskWorker => (
                "tasks_loop_id_worker_id_key",
                "tasks.loop_id, tasks.worker_id",
            ),
        }
    }

    /// The known unique key an error violated, if it is a unique violation of one.
    pub(crate) fn violated_by(err: &sqlx::Error) -> Option<Self> {
        let db = err.as_database_error()?;
        if !db.is_unique_violation() {
            return None;
        }
        match db.constraint() {
            Some(name) => Self::ALL.into_iter().find(|key| key.names().0 == name),
            // SQLite: "UNIQUE constraint failed: tasks.loop_id, tasks.worker_id".
            None => {
                let columns = db.message().rsplit(": ").next()?;
                Self::ALL.into_iter().find(|key| key.names().1 == columns)
            }
        }
    }
}

/// Turns a violation of `key` into a [`StoreError::Conflict`] with a message in domain words;
/// any other error (another constraint included) stays a database error.
fn conflict_on(
    key: UniqueKey,
    what: impl FnOnce() -> String,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| match UniqueKey::violated_by(&err) {
        Some(violated) if violated == key => StoreError::Conflict(what()),
        _ => StoreError::Database(err),
    }
}
