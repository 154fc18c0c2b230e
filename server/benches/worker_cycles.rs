//! Claim + submit cycles through the worker API, as the task page makes them.
//!
//! `cargo bench -p loupe-server --bench worker_cycles` (PostgreSQL must be running, as for the
//! tests). For each backend it stores `LOUPE_BENCH_TASKS` loops (default 100,000; custom flow,
//! `TaskCount` 1, through the engine), signs in `LOUPE_BENCH_WORKERS` workers (default 50) over
//! HTTP with their own cookie jars, and has them work one queue at once: claim the next task,
//! submit an answer, repeat, until `LOUPE_BENCH_CYCLES` cycles (default 30,000) are done. It
//! reports cycles per second and cycle latency, and checks that no task and no loop was handed
//! to two workers and that exactly that many tasks left the queue. `LOUPE_BENCH_BACKENDS=sqlite`
//! (or `postgres`) measures one backend only.
//!
//! With `LOUPE_BENCH_SERVER_BIN` naming a `loupe` binary (say `target/release/loupe`), the
//! server runs in a process of its own and the bench also reports its resident memory: idle
//! after start, at the peak of the sign-ins and cycles, and 30 seconds after the last cycle.

#[path = "../tests/api/helpers.rs"]
mod common;
mod load;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use load::{backends, drive, seed_loops};
use loupe_engine::domain::clock::{Clock, SystemClock};
use loupe_engine::domain::names::FlowDefinitionName;
use loupe_engine::store::Backend;
use loupe_engine::testing::{block_on, create_worker, env_number};
use serde_json::{Value, json};

fn item_name(n: usize) -> String {
    format!("item-{n:07}")
}

fn item_input(n: usize) -> Value {
    json!({"taskObject": format!("item {n}")})
}

/// A signed-in worker: a client with its own cookie jar, and the CSRF token for its POSTs.
struct Worker {
    client: reqwest::Client,
    csrf: String,
}

async fn sign_in(api: &common::Api, email: &str) -> Worker {
    let (client, csrf, _) = common::sign_in(&api.base, email, common::WORKER_PASSWORD).await;
    Worker { client, csrf }
}

async fn workers(api: &Arc<common::Api>, count: usize) -> Vec<Worker> {
    let hash = loupe_engine::domain::passwords::hash(common::WORKER_PASSWORD.into()).await;
    let mut out = vec![sign_in(api, "w@test.local").await];
    for n in 1..count {
        let email = format!("worker{n}@bench.local");
        create_worker(
            &*api.store,
            &email,
            &hash,
            &["reviewers"],
            SystemClock.now(),
        )
        .await;
        out.push(sign_in(api, &email).await);
    }
    out
}

async fn cycles(api: &Arc<common::Api>, backend: Backend, workers: usize, total: usize) {
    let signed_in = Arc::new(self::workers(api, workers).await);
    let claimed = Arc::new(Mutex::new((HashSet::new(), HashSet::new())));
    let base = api.base.clone();
    let run = {
        let claimed = claimed.clone();
        drive(workers, total, move |n| {
            let worker = signed_in.clone();
            let claimed = claimed.clone();
            let base = base.clone();
            async move {
                let worker = &worker[n % worker.len()];
                let claim = worker
                    .client
                    .post(format!("{base}/work/api/tasks/claim"))
                    .header("x-csrf-token", &worker.csrf)
                    .json(&json!({"flow": "review-text"}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(claim.status(), 200, "the queue ran dry");
                let task: Value = claim.json().await.unwrap();
                let id = task["taskId"].as_i64().unwrap();
                let item = task["humanLoopName"].as_str().unwrap().to_owned();
                {
                    let mut seen = claimed.lock().unwrap();
                    assert!(seen.0.insert(id), "task {id} was handed out twice");
                    assert!(seen.1.insert(item.clone()), "{item} was handed out twice");
                }
                let submitted = worker
                    .client
                    .post(format!("{base}/work/api/tasks/{id}/submit"))
                    .header("x-csrf-token", &worker.csrf)
                    .json(&json!({"answer": {"verdict": {"label": "ok"}}, "timeSpentInSeconds": 1}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    submitted.status(),
                    200,
                    "{}",
                    submitted.text().await.unwrap()
                );
            }
        })
        .await
    };
    run.report(&format!("claim + submit, {backend}, {workers} workers"));
    let (tasks, items) = &*claimed.lock().unwrap();
    assert_eq!(tasks.len(), total);
    assert_eq!(items.len(), total);
    println!(
        "  {total} cycles: {total} distinct tasks, {total} distinct loops, none over-assigned"
    );
}

fn main() {
    let tasks = env_number("LOUPE_BENCH_TASKS", 100_000);
    let workers = env_number("LOUPE_BENCH_WORKERS", 50);
    let total = env_number("LOUPE_BENCH_CYCLES", 30_000).min(tasks);
    block_on(async {
        for backend in backends() {
            let api = Arc::new(common::Api::spawn(backend, &[]).await);
            let pid = api.server_pid;
            let idle = pid.map(|pid| {
                std::thread::sleep(std::time::Duration::from_secs(2));
                common::resident_kib(pid)
            });
            seed_loops(&api, tasks, item_name, item_input).await;
            let peak = Arc::new(std::sync::atomic::AtomicU64::new(0));
            let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
            if let Some(pid) = pid {
                let (peak, sampling) = (peak.clone(), sampling.clone());
                std::thread::spawn(move || {
                    while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                        peak.fetch_max(
                            common::resident_kib(pid),
                            std::sync::atomic::Ordering::Relaxed,
                        );
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                });
            }
            cycles(&api, backend, workers, total).await;
            sampling.store(false, std::sync::atomic::Ordering::Relaxed);
            if let (Some(pid), Some(idle)) = (pid, idle) {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                let after = common::resident_kib(pid);
                let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
                println!(
                    "  server resident memory, {backend}: idle after start {:.1} MiB, peak during \
                     sign-ins and cycles {:.1} MiB, 30 s after {:.1} MiB",
                    idle as f64 / 1024.0,
                    peak as f64 / 1024.0,
                    after as f64 / 1024.0
                );
            }
            let flow = api
                .reviews
                .find_flow_definition(&FlowDefinitionName::parse("review-text").unwrap())
                .await
                .unwrap();
            let left = api
                .store
                .available_task_count(flow.id, SystemClock.now())
                .await
                .unwrap();
            assert_eq!(left as usize, tasks - total, "tasks still waiting");
            println!("  {left} tasks still waiting, as expected");
        }
    });
}
