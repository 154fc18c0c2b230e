//! Loop starts per second and claim latency, through the engine (no HTTP), on both backends.
//!
//! `cargo bench -p loupe-engine --bench lifecycle` (needs PostgreSQL on 127.0.0.1:5432, like
//! the tests). Optional arguments: `starts` or `claims` to run one part; environment
//! `LOUPE_BENCH_LOOPS` (default 20000), `LOUPE_BENCH_BIG_QUEUE` (default 1000000 open tasks) and
//! `LOUPE_BENCH_WORKERS` (default 50).
//!
//! * starts: `CONCURRENCY` callers start custom loops with `TaskCount` 3 as fast as they can;
//!   reported as loops per second from the first call to the last commit.
//! * claims: a queue of N open tasks (seeded with SQL, 3 per loop), 50 workers claiming
//!   concurrently; each holds its task for a think time (`LOUPE_BENCH_THINK_MS`, default 100)
//!   and releases it, so the queue keeps its size; the workers' first claims are spread over one
//!   think time. 100 claims per worker. Reported as claim latency percentiles, for a small
//!   (1,000) and a big queue. `LOUPE_BENCH_THINK_MS=0` makes it a saturation test instead.

use std::sync::Arc;
use std::time::{Duration, Instant};

use loupe_engine::domain::accounts::UserId;
use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{SystemClock, Timestamp};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::loops::FlowId;
use loupe_engine::domain::names::{FlowDefinitionName, HumanLoopName};
use loupe_engine::domain::passwords;
use loupe_engine::services::{Reviews, StartRequest};
use loupe_engine::store::{Backend, Pool, Store};
use loupe_engine::testing::{
    TestDatabase, block_on, create_ui_and_flow, create_worker, custom_flow_request, env_number,
    merge_json,
};
use serde_json::json;

const CONCURRENCY: usize = 64;
const DEFAULT_WORKERS: usize = 50;
/// How long a worker holds each task before releasing it and claiming the next: 100 ms, about a
/// hundred times the pace of a real reviewer. 0 turns the bench into a saturation test.
const DEFAULT_THINK_MS: usize = 100;
const CLAIMS_PER_WORKER: usize = 100;

struct Setup {
    _db: TestDatabase,
    store: Arc<dyn Store>,
    pool: Pool,
    reviews: Arc<Reviews>,
    workers: Vec<UserId>,
}

async fn setup(backend: Backend, workers: usize) -> Setup {
    let db = TestDatabase::create(backend).await;
    let (store, pool) = db.open().await;
    let account = Account::new("us-west-2", "111122223333").unwrap();
    let reviews = Arc::new(Reviews::new(
        store.clone(),
        Arc::new(SystemClock),
        account.clone(),
        TaskLimits::default(),
    ));
    let hash = passwords::hash("a long bench password".into()).await;
    let mut ids = Vec::new();
    for n in 0..workers.max(1) {
        let email = format!("w{n}@example.org");
        ids.push(
            create_worker(
                &*store,
                &email,
                &hash,
                &["reviewers"],
                Timestamp::from_millis(0),
            )
            .await,
        );
    }
    let mut flow = custom_flow_request(&account, "bench", "reviewers", "ui", 3, "s3://bench/out");
    merge_json(
        &mut flow,
        json!({"HumanLoopConfig": {
            "TaskAvailabilityLifetimeInSeconds": 864000,
            "TaskTimeLimitInSeconds": 3600
        }}),
    );
    create_ui_and_flow(&reviews, "ui", "<p>{{ task.input.n }}</p>", &flow).await;
    Setup {
        _db: db,
        store,
        pool,
        reviews,
        workers: ids,
    }
}

async fn bench_starts(backend: Backend, loops: usize) {
    let setup = setup(backend, 1).await;
    let started = Instant::now();
    let mut callers = Vec::new();
    for caller in 0..CONCURRENCY {
        let reviews = setup.reviews.clone();
        callers.push(tokio::spawn(async move {
            let mut n = caller;
            while n < loops {
                let response = reviews
                    .start_human_loop(StartRequest {
                        name: HumanLoopName::parse(&format!("loop-{n}")).unwrap(),
                        flow: FlowDefinitionName::parse("bench").unwrap(),
                        input_content: json!({"n": n, "taskObject": "an item to review"})
                            .to_string(),
                        content_classifiers: vec![],
                    })
                    .await
                    .unwrap();
                assert!(response.human_loop_arn.is_some());
                n += CONCURRENCY;
            }
        }));
    }
    for caller in callers {
        caller.await.unwrap();
    }
    let elapsed = started.elapsed();
    let tasks = count(&setup.pool, "SELECT COUNT(*) FROM tasks").await;
    assert_eq!(tasks, loops as i64 * 3);
    println!(
        "{backend:>8}  starts  {loops} loops (TaskCount 3) in {:.2} s: {:.0} loops/s",
        elapsed.as_secs_f64(),
        loops as f64 / elapsed.as_secs_f64()
    );
}

async fn count(pool: &Pool, sql: &str) -> i64 {
    match pool {
        Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn execute(pool: &Pool, sql: &str) {
    match pool {
        Pool::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Pool::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

/// Seeds `tasks` open tasks (3 per loop) straight into the tables: a million starts through the
/// engine would measure the start path again, slowly.
async fn seed_queue(setup: &Setup, flow: FlowId, tasks: usize) {
    let loops = tasks.div_ceil(3);
    let now = loupe_engine::domain::clock::Clock::now(&SystemClock).as_millis();
    let expires = now + 864_000_000;
    execute(
        &setup.pool,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {loops}) \
             INSERT INTO human_loops (name, flow_id, status, input_content, input_sha256, \
               content_classifiers, task_count, time_limit_ms, created_at, expires_at, updated_at) \
             SELECT 'seed-' || i, {flow}, 'InProgress', '{{}}', 'x', '[]', 3, 3600000, \
               {now} + i, {expires}, {now} FROM n",
            flow = flow.0
        ),
    )
    .await;
    execute(
        &setup.pool,
        "INSERT INTO tasks (loop_id, flow_id, slot, status, available_until, time_limit_ms) \
         SELECT l.id, l.flow_id, s.slot, 'Available', l.expires_at, l.time_limit_ms \
         FROM human_loops l JOIN task_slots s ON s.slot <= l.task_count \
         ORDER BY l.id, s.slot",
    )
    .await;
    execute(&setup.pool, "ANALYZE").await;
    // Fold the bulk load into the database file now, not during the first measured claims.
    if let Pool::Sqlite(_) = setup.pool {
        execute(&setup.pool, "PRAGMA wal_checkpoint(TRUNCATE)").await;
    }
}

async fn bench_claims(backend: Backend, tasks: usize) {
    let workers = env_number("LOUPE_BENCH_WORKERS", DEFAULT_WORKERS);
    let think = Duration::from_millis(env_number("LOUPE_BENCH_THINK_MS", DEFAULT_THINK_MS) as u64);
    let setup = setup(backend, workers).await;
    let flow = setup
        .store
        .find_flow(&FlowDefinitionName::parse("bench").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    let seeding = Instant::now();
    seed_queue(&setup, flow, tasks).await;
    let open = count(
        &setup.pool,
        "SELECT COUNT(*) FROM tasks WHERE status = 'Available'",
    )
    .await;
    let seeded_in = seeding.elapsed();
    let mut handles = Vec::new();
    let started = Instant::now();
    for (n, &worker) in setup.workers.iter().enumerate() {
        let reviews = setup.reviews.clone();
        // Workers start spread over one think time, as people do, not all in the same instant.
        let offset = think.mul_f64(n as f64 / workers as f64);
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut latencies = Vec::with_capacity(CLAIMS_PER_WORKER);
            for _ in 0..CLAIMS_PER_WORKER {
                let at = Instant::now();
                let task = reviews
                    .claim_next(worker, Some(flow))
                    .await
                    .unwrap()
                    .unwrap();
                latencies.push(at.elapsed());
                tokio::time::sleep(think).await;
                reviews.release(task.task_id, worker).await.unwrap();
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for handle in handles {
        latencies.extend(handle.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{backend:>8}  claims  {open:>8} open tasks, {workers} workers, think {} ms, {} claims in {:.2} s \
         (seeded in {:.1} s): p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        think.as_millis(),
        latencies.len(),
        elapsed.as_secs_f64(),
        seeded_in.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0),
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |part: &str| which.is_empty() || which.iter().any(|w| w == part);
    let loops = env_number("LOUPE_BENCH_LOOPS", 20_000);
    let big = env_number("LOUPE_BENCH_BIG_QUEUE", 1_000_000);
    block_on(async {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            if wants("starts") {
                bench_starts(backend, loops).await;
            }
            if wants("claims") {
                bench_claims(backend, 1_000).await;
                bench_claims(backend, big).await;
            }
        }
    });
}
