//! DescribeHumanLoop over HTTP with SigV4 when a million loops are stored.
//!
//! `cargo bench -p loupe-server --bench describe_at_scale` (PostgreSQL must be running, as for
//! the tests). For each backend it stores `LOUPE_BENCH_LOOPS` loops (default 1,000,000, through
//! the engine's own start path, so the rows and indexes are the real ones), then describes
//! `LOUPE_BENCH_REQUESTS` (default 20,000) loops picked at random, at 1, 8 and 64 concurrent
//! connections, and reports latency percentiles. The client signs every request as an SDK
//! would, on the same two cores. Then, signed in as the admin, it times the dashboard and the
//! loops page (whole server-rendered pages, and the dashboard's data call) one at a time.

#[path = "../tests/api/helpers.rs"]
mod common;
mod load;

use std::sync::Arc;
use std::time::Instant;

use load::{drive, env_number};
use loupe_engine::domain::names::{FlowDefinitionName, HumanLoopName};
use loupe_engine::services::StartRequest;
use loupe_engine::store::Backend;
use serde_json::json;

/// Concurrent starts while seeding; the engine group-commits them.
const SEED_WRITERS: usize = 64;

fn loop_name(n: usize) -> String {
    format!("loop-{n:07}")
}

async fn seed(api: &Arc<common::Api>, loops: usize) {
    let started = Instant::now();
    let mut writers = Vec::new();
    for writer in 0..SEED_WRITERS {
        let api = api.clone();
        writers.push(tokio::spawn(async move {
            let flow = FlowDefinitionName::parse("review-text").unwrap();
            let mut n = writer;
            while n < loops {
                let input =
                    json!({"taskObject": format!("item {n}: {}", "lorem ipsum ".repeat(20))});
                api.reviews
                    .start_human_loop(StartRequest {
                        name: HumanLoopName::parse(&loop_name(n)).unwrap(),
                        flow: flow.clone(),
                        input_content: input.to_string(),
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

/// A fixed pseudo-random permutation of the stored loops, so every run asks for the same ones.
fn pick(n: usize, loops: usize) -> usize {
    let mut x = (n as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) as usize % loops
}

async fn describe(api: &Arc<common::Api>, backend: Backend, loops: usize, total: usize) {
    for connections in [1, 8, 64] {
        let api = api.clone();
        let run = drive(connections, total, move |n| {
            let api = api.clone();
            async move {
                let name = loop_name(pick(n, loops));
                let (status, _, body) =
                    api.call("GET", &format!("/human-loops/{name}"), None).await;
                assert!(status.is_success(), "{body}");
                assert_eq!(body["HumanLoopName"], name);
            }
        })
        .await;
        run.report(&format!("DescribeHumanLoop, {backend}, {connections} conn"));
    }
}

/// The admin pages, one at a time, signed in as the admin.
async fn admin_pages(api: &Arc<common::Api>, backend: Backend, total: usize) {
    let (client, _, _) =
        common::sign_in(&api.base, "admin@loupe.local", "admin password 123").await;
    let pages = [
        ("dashboard page", "GET", "/admin", "Dashboard"),
        (
            "dashboard data",
            "POST",
            "/api/admin/dashboard",
            "by_status",
        ),
        ("loops page", "GET", "/admin/loops", "loops-table"),
        (
            "loops page, InProgress",
            "GET",
            "/admin/loops?status=InProgress",
            "loops-table",
        ),
        (
            "loops page, name prefix",
            "GET",
            "/admin/loops?name=loop-00001",
            "loops-table",
        ),
    ];
    for (label, method, path, needle) in pages {
        let client = client.clone();
        let base = api.base.clone();
        let run = drive(1, total, move |_| {
            let request = match method {
                "GET" => client.get(format!("{base}{path}")),
                _ => client
                    .post(format!("{base}{path}"))
                    .header("sec-fetch-site", "same-origin"),
            };
            async move {
                let response = request.send().await.unwrap();
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.text().await.unwrap();
                assert!(body.contains(needle), "{body}");
            }
        })
        .await;
        run.report(&format!("{label}, {backend}"));
    }
}

fn main() {
    let loops = env_number("LOUPE_BENCH_LOOPS", 1_000_000);
    let total = env_number("LOUPE_BENCH_REQUESTS", 20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let api = Arc::new(
                common::Api::spawn(
                    // The server's capacity, not the per-key policy, is what is measured.
                    backend,
                    &["--api-requests-per-second", "0"],
                )
                .await,
            );
            seed(&api, loops).await;
            describe(&api, backend, loops, total).await;
            admin_pages(&api, backend, (total / 100).max(20)).await;
        }
    });
}
