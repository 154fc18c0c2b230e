//! The load generator the HTTP benches share: a fixed number of concurrent keep-alive
//! connections working through a fixed number of requests, with every latency kept.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// A size from the environment (`1_000_000` style allowed), or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
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
