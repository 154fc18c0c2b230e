//! StartHumanLoop over HTTP with SigV4, next to a trivial axum handler in the same run.
//!
//! `cargo bench -p loupe-server --bench start_over_http` (PostgreSQL must be running, as for the
//! tests). A custom flow with `TaskCount` 3, a 1 KB `InputContent`, `CONNECTIONS` concurrent
//! keep-alive connections on loopback, `LOUPE_BENCH_REQUESTS` requests (default 20000) per run.
//! Reports requests per second and latency percentiles for SQLite and PostgreSQL, and the same
//! load against an axum handler that only answers `{}`, so the cost of Loupe's own work
//! (signature check, validation, conditions, the durable write) is visible as a ratio. The
//! client signs every request as an SDK would, on the same two cores.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use loupe_engine::store::Backend;
use serde_json::json;

const CONNECTIONS: usize = 64;

struct Run {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn report(&self, label: &str) -> f64 {
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

/// `CONNECTIONS` workers share `total` requests; `send(n)` makes request number n.
async fn drive<F, Fut>(total: usize, send: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let send = Arc::new(send);
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..CONNECTIONS {
        let send = send.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker;
            while n < total {
                let at = Instant::now();
                send(n).await;
                latencies.push(at.elapsed());
                n += CONNECTIONS;
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

fn input(n: usize) -> String {
    // About 1 KB of JSON.
    json!({"taskObject": "x".repeat(960), "n": n}).to_string()
}

async fn trivial_handler(total: usize) -> f64 {
    let app = axum::Router::new().route("/echo", post(|| async { "{}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/echo");
    let run = drive(total, move |n| {
        let request = client.post(url.clone()).body(input(n));
        async move {
            let response = request.send().await.unwrap();
            assert!(response.status().is_success());
            response.bytes().await.unwrap();
        }
    })
    .await;
    run.report("trivial axum handler")
}

async fn loupe(backend: Backend, total: usize) -> f64 {
    let api = Arc::new(common::Api::spawn(backend, &[]).await);
    let run = drive(total, move |n| {
        let api = api.clone();
        async move {
            let body = json!({
                "HumanLoopName": format!("bench-{n}"),
                "FlowDefinitionArn": common::FLOW_ARN,
                "HumanLoopInput": {"InputContent": input(n)}
            });
            let (status, _, answer) = api.call("POST", "/human-loops", Some(body)).await;
            assert!(status.is_success(), "{answer}");
        }
    })
    .await;
    run.report(&format!("StartHumanLoop, {backend}"))
}

fn main() {
    let total = std::env::var("LOUPE_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let trivial = trivial_handler(total).await;
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let rate = loupe(backend, total).await;
            println!(
                "{:<34} {:.1}x the trivial handler's time per request",
                "",
                trivial / rate
            );
        }
    });
}
