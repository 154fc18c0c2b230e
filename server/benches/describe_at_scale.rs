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

use load::{drive, seed_loops};
use loupe_engine::store::Backend;
use loupe_engine::testing::{block_on, env_number};
use serde_json::{Value, json};

fn loop_name(n: usize) -> String {
    format!("loop-{n:07}")
}

fn loop_input(n: usize) -> Value {
    json!({"taskObject": format!("item {n}: {}", "lorem ipsum ".repeat(20))})
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
    block_on(async {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let api = Arc::new(
                common::Api::spawn(
                    // The server's capacity, not the per-key policy, is what is measured.
                    backend,
                    &["--api-requests-per-second", "0"],
                )
                .await,
            );
            seed_loops(&api, loops, loop_name, loop_input).await;
            describe(&api, backend, loops, total).await;
            admin_pages(&api, backend, (total / 100).max(20)).await;
        }
    });
}
