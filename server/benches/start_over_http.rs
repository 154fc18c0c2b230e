//! StartHumanLoop over HTTP with SigV4, next to a trivial axum handler in the same run.
//!
//! `cargo bench -p loupe-server --bench start_over_http` (PostgreSQL must be running, as for the
//! tests). A custom flow with `TaskCount` 3, a 1 KB `InputContent`, `CONNECTIONS` concurrent
//! keep-alive connections on loopback, `LOUPE_BENCH_REQUESTS` requests (default 20000) per run.
//! Reports requests per second and latency percentiles for SQLite and PostgreSQL, and the same
//! load against an axum handler that only answers `{}`, so the cost of Loupe's own work
//! (signature check, validation, conditions, the durable write) is visible as a ratio. The
//! client signs every request as an SDK would, on the same two cores.

#[path = "../tests/api/helpers.rs"]
mod common;
mod load;

use std::sync::Arc;

use axum::routing::post;
use load::drive;
use loupe_engine::store::Backend;
use loupe_engine::testing::{block_on, env_number};
use serde_json::json;

const CONNECTIONS: usize = 64;

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
    let run = drive(CONNECTIONS, total, move |n| {
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
    let api = Arc::new(
        common::Api::spawn(
            // The server's capacity, not the per-key policy, is what is measured.
            backend,
            &["--api-requests-per-second", "0"],
        )
        .await,
    );
    let flow = Arc::new(api.flow_with_task_count("bench-three", 3).await);
    let run = drive(CONNECTIONS, total, move |n| {
        let api = api.clone();
        let flow = flow.clone();
        async move {
            let body = json!({
                "HumanLoopName": format!("bench-{n}"),
                "FlowDefinitionArn": *flow,
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
    let total = env_number("LOUPE_BENCH_REQUESTS", 20_000);
    block_on(async {
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
