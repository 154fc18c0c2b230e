//! What differs between the two backends' SQL, side by side. Everything else is one SQL text for
//! both: the aggregates' macros (`rows_sql!`, `loop_state_sql!`, `teams_sql!`, ...) are expanded
//! once in `sqlite.rs` and once in `postgres.rs` with these fragments, in this order:
//!
//! | fragment | SQLite | PostgreSQL | why |
//! |---|---|---|---|
//! | lock a row read in a write | none | `FOR UPDATE` | SQLite's write transactions begin `IMMEDIATE` and run one at a time |
//! | lock a loop read with its flow | none | `FOR UPDATE OF l` | lock the loop, not the flow it is joined with |
//! | lock a batch's loops first | no | yes | submits of one batch lock their loops in id order, so batches queue instead of deadlocking |
//! | take a queue row | none | `FOR UPDATE SKIP LOCKED` | concurrent claims pass each other's rows |
//! | savepoint around a claim | no | yes | a claim refused by the unique key looks again without ending the transaction |
//! | name prefix match | `GLOB`, `*` | `LIKE`, `%` | SQLite's `LIKE` ignores case and so cannot use the name index |
//! | ids in a JSON array | `json_each` | `jsonb_array_elements_text` | |
//!
//! The rest of the common subset: `$n` placeholders, `RETURNING`, `ON CONFLICT … DO NOTHING`,
//! integers (milliseconds) for every timestamp and `0`/`1` for flags.

/// Expands every aggregate's queries for one backend: `$store`, its row type, its connection
/// type, its [`super::Backend`] and its fragments, in the order of the table above.
macro_rules! for_each_aggregate {
    (
        $store:ty, $row:ty, $conn:ty, $backend:expr,
        [$for_update:literal, $for_update_of_loop:literal, $lock_batch_loops:literal,
         $skip_locked:literal, $claim_savepoint:literal, $prefix_match:literal,
         $prefix_wildcard:literal, $id_in_json:literal]
    ) => {
        // Each aggregate takes only the differences it has.
        $crate::store::sql::sql_store!($store, $row, $backend);
        $crate::store::rows::rows_sql!($row);
        $crate::store::loop_state::loop_state_sql!($store, $conn, $for_update, $for_update_of_loop);
        $crate::store::task_uis::task_uis_sql!($store);
        $crate::store::template_assets::template_assets_sql!($store, $conn, $for_update);
        $crate::store::teams::teams_sql!($store, $conn);
        $crate::store::flows::flows_sql!($store, $for_update);
        $crate::store::loops::loops_sql!($store, $prefix_match, $prefix_wildcard, $id_in_json);
        $crate::store::queue::queue_sql!(
            $store,
            $conn,
            $for_update_of_loop,
            $lock_batch_loops,
            $skip_locked,
            $claim_savepoint
        );
        $crate::store::outboxes::outboxes_sql!($store, $row, $conn, $skip_locked);
        $crate::store::reports::reports_sql!($store);
        $crate::store::webhooks::webhooks_sql!($store);
        $crate::store::master_key::master_key_sql!($store);
        $crate::store::compilation_jobs::compilation_jobs_sql!(
            $store,
            $conn,
            $for_update,
            $skip_locked
        );
    };
}

/// SQLite's queries, expanded in `sqlite.rs`.
macro_rules! sqlite_queries {
    () => {
        $crate::store::dialect::for_each_aggregate!(
            SqliteStore,
            sqlx::sqlite::SqliteRow,
            sqlx::SqliteConnection,
            $crate::store::Backend::Sqlite,
            [
                "",
                "",
                false,
                "",
                false,
                "GLOB",
                "*",
                "l.id IN (SELECT value FROM json_each(?))"
            ]
        );
    };
}

/// PostgreSQL's queries, expanded in `postgres.rs`.
macro_rules! postgres_queries {
    () => {
        $crate::store::dialect::for_each_aggregate!(
            PostgresStore,
            sqlx::postgres::PgRow,
            sqlx::PgConnection,
            $crate::store::Backend::Postgres,
            [
                "FOR UPDATE",
                "FOR UPDATE OF l",
                true,
                "FOR UPDATE SKIP LOCKED",
                true,
                "LIKE",
                "%",
                "l.id IN (SELECT jsonb_array_elements_text(?::jsonb)::bigint)"
            ]
        );
    };
}

pub(crate) use {for_each_aggregate, postgres_queries, sqlite_queries};
