//! What the HTTP benches share: seeding loops through the engine, and the load generator, a
//! fixed number of concurrent keep-alive connections working through a fixed number of
//! requests, with every latency kept.

use std::sync::Arc;
use std::time::{Duration, Instant};

use loupe_engine::domain::names::{FlowDefinitionName, HumanLoopName};
use loupe_engine::services::StartRequest;
use serde_json::Value;

use crate::common::Api;

/// Concurrent starts while seeding; the engine group-commits them.
const SEED_WRITERS: usize = 64;

/// Stores `loops` loops of the flow "review-text" through the engine's own start path, so the
/// rows and indexes are the real ones: loop `n` is named `name(n)` and holds `input(n)`.
#[allow(dead_code)] // not every bench seeds
pub async fn seed_loops(
    api: &Arc<Api>,
    loops: usize,
    name: fn(usize) -> String,
    input: fn(usize) -> Value,
) {
    let started = Instant::now();
    let mut writers = Vec::new();
    for writer in 0..SEED_WRITERS {
        let api = api.clone();
        writers.push(tokio::spawn(async move {
            let flow = FlowDefinitionName::parse("review-text").unwrap();
            let mut n = writer;
            while n < loops {
                api.reviews
                    .start_human_loop(StartRequest {
                        name: HumanLoopName::parse(&name(n)).unwrap(),
                        flow: flow.clone(),
                        input_content: input(n).to_string(),
                        content_classifiers: Vec::new(),
                    })
                    .await
                    .unwrap();
                n += SEED_WRITERS;
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "stored {loops} loops in {elapsed:.0} s ({:.0} starts/s through the engine)",
        loops as f64 / elapsed
    );
}

/// The backends to measure: `LOUPE_BENCH_BACKENDS` (`sqlite`, `postgres` or both, comma
/// separated), both by default.
#[allow(dead_code)] // not every bench takes it
pub fn backends() -> Vec<loupe_engine::store::Backend> {
    use loupe_engine::store::Backend;
    let wanted = std::env::var("LOUPE_BENCH_BACKENDS").unwrap_or_default();
    [Backend::Sqlite, Backend::Postgres]
        .into_iter()
        .filter(|backend| wanted.is_empty() || wanted.contains(&backend.to_string()))
        .collect()
}

pub struct Run {
    pub requests: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Run {
    pub fn report(&self, label: &str) -> f64 {
        let per_second = self.requests as f64 / self.elapsed.as_secs_f64();
        let pct = |p: f64| {
            let i = ((self.latencies.len() as f64 * p).ceil() as usize)
                .clamp(1, self.latencies.len())
                - 1;
            self.latencies[i].as_secs_f64() * 1000.0
        };
        println!(
            "{label:<34} {:>7} requests in {:>6.2} s: {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            self.requests,
            self.elapsed.as_secs_f64(),
            per_second,
            pct(0.50),
            pct(0.99)
        );
        per_second
    }
}

/// `connections` workers share `total` requests; `send(n)` makes request number n.
pub async fn drive<F, Fut>(connections: usize, total: usize, send: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let send = Arc::new(send);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..connections {
        let send = send.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker;
            while n < total {
                let at = Instant::now();
                send(n).await;
                latencies.push(at.elapsed());
                n += connections;
            }
            latencies
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Run {
        requests: total,
        elapsed,
        latencies,
    }
}
