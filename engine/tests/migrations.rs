//! The two migration folders stay in step: the same numbered steps, and after migrating, the
//! same tables, columns and indexes by name on both backends.

use std::collections::BTreeSet;
use std::path::Path;

use loupe_engine::store::{Backend, Pool};
use loupe_engine::testing::TestDatabase;

fn steps(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

#[test]
fn both_folders_have_the_same_numbered_steps() {
    let sqlite = steps("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, steps("postgres"));
    for (n, name) in sqlite.iter().enumerate() {
        assert!(
            name.starts_with(&format!("{:04}_", n + 1)),
            "steps are numbered 0001, 0002, ... without gaps: {name}"
        );
    }
}

/// Indexes one backend has and the other does not need, each for a reason of its dialect.
const POSTGRES_ONLY_INDEXES: &[(&str, &str)] = &[(
    "human_loops_by_name_pattern",
    "the loops page's name-prefix search is LIKE 'p%', which needs a text_pattern_ops index; \
     SQLite's GLOB 'p*' uses the unique index on the name",
)];

/// What a migrated database holds, by name: `table.column` and `index` entries.
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    columns: BTreeSet<String>,
    indexes: BTreeSet<String>,
}

async fn schema(backend: Backend) -> Schema {
    let db = TestDatabase::create(backend).await;
    let (_store, pool) = db.open().await;
    let (columns, indexes): (Vec<(String, String)>, Vec<String>) = match pool {
        Pool::Sqlite(pool) => (
            sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(&pool)
            .await
            .unwrap(),
            // Indexes written in a migration; SQLite's own ones for keys have no SQL.
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
            )
            .fetch_all(&pool)
            .await
            .unwrap(),
        ),
        Pool::Postgres(pool) => (
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema()",
            )
            .fetch_all(&pool)
            .await
            .unwrap(),
            // Indexes written in a migration; those PostgreSQL makes for keys belong to a
            // constraint.
            sqlx::query_scalar(
                "SELECT i.relname::text FROM pg_index x \
                 JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_namespace n ON n.oid = i.relnamespace \
                 WHERE n.nspname = current_schema() \
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            )
            .fetch_all(&pool)
            .await
            .unwrap(),
        ),
    };
    Schema {
        columns: columns
            .into_iter()
            .map(|(table, column)| format!("{table}.{column}"))
            .collect(),
        indexes: indexes.into_iter().collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_migrate_to_the_same_tables_columns_and_indexes() {
    let sqlite = schema(Backend::Sqlite).await;
    let mut postgres = schema(Backend::Postgres).await;
    for (index, _why) in POSTGRES_ONLY_INDEXES {
        assert!(postgres.indexes.remove(*index), "{index} is on PostgreSQL");
    }
    assert!(sqlite.columns.contains("human_loops.expires_at"));
    assert!(sqlite.indexes.contains("tasks_queue"));
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| -> Vec<String> {
        a.difference(b).cloned().collect()
    };
    assert_eq!(
        (
            only(&sqlite.columns, &postgres.columns),
            only(&postgres.columns, &sqlite.columns)
        ),
        (vec![], vec![]),
        "columns only on SQLite, only on PostgreSQL"
    );
    assert_eq!(
        (
            only(&sqlite.indexes, &postgres.indexes),
            only(&postgres.indexes, &sqlite.indexes)
        ),
        (vec![], vec![]),
        "indexes only on SQLite, only on PostgreSQL"
    );
}
