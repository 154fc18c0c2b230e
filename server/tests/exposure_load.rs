//! The memory budget under a bounded loopback load: the `loupe` binary in a process of its own,
//! 100 concurrent anonymous sign-ins and 150 slow 8 MB bodies at once, while `/healthz` is
//! polled. Its resident memory must stay under the configured budget and every health check must
//! answer within 100 ms.

// The helpers of the `api` test binary; this one uses the server-spawning part.
#[path = "api/helpers.rs"]
mod helpers;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const BUDGET_MIB: u64 = 256;

/// One `GET /healthz` on a fresh connection, answer read to the end.
fn health_check(addr: &str) -> String {
    use std::io::{Read as _, Write as _};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return "no connection".to_owned();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: loupe\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A client for one anonymous sign-in, from an address of its own (so no per-address limit
/// spares the server a hash). Built before the load starts: building one is not free.
fn sign_in_client(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from([127, 0, 1, n]))
        .build()
        .unwrap()
}

/// The sign-in, for an account that does not exist (which costs a hash all the same).
async fn sign_in(client: reqwest::Client, base: String, n: u8) {
    let _ = client
        .post(format!("{base}/auth/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("email", format!("guess{n}@example.org")),
            ("password", "a wrong guess".into()),
        ])
        .send()
        .await;
}

/// A body of 8 MB sent at 64 KiB every 200 ms: to the API unsigned, to a page route with a
/// length over its cap, and chunked (no length) to a page route.
async fn slow_body(addr: String, kind: usize) {
    let Ok(mut stream) = TcpStream::connect(&addr).await else {
        return;
    };
    let head = match kind % 3 {
        0 => "POST /human-loops HTTP/1.1\r\nHost: loupe\r\ncontent-type: application/json\r\n\
              content-length: 8388608\r\n\r\n"
            .to_owned(),
        1 => "POST /api/admin/people HTTP/1.1\r\nHost: loupe\r\n\
              content-type: application/x-www-form-urlencoded\r\ncontent-length: 8388608\r\n\r\n"
            .to_owned(),
        _ => "POST /api/admin/people HTTP/1.1\r\nHost: loupe\r\n\
              content-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned(),
    };
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let chunk = vec![b'a'; 64 * 1024];
    let chunked = kind % 3 == 2;
    for _ in 0..128 {
        let sent = if chunked {
            let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
            framed.extend_from_slice(&chunk);
            framed.extend_from_slice(b"\r\n");
            stream.write_all(&framed).await
        } else {
            stream.write_all(&chunk).await
        };
        if sent.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_floods_stay_within_the_memory_budget_and_health_answers() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port().await;
    let addr = format!("127.0.0.1:{port}");
    let base = format!("http://{addr}");
    let database = format!("sqlite://{}", dir.path().join("loupe.db").display());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_loupe"))
        .args([
            "serve",
            "--database-url",
            &database,
            "--bind",
            &addr,
            "--key-file",
            dir.path().join("loupe.key").to_str().unwrap(),
            "--site-root",
            dir.path().to_str().unwrap(),
            "--output-root",
            dir.path().join("outputs").to_str().unwrap(),
            "--admin-password",
            "the admin password 123",
            "--memory-budget-mib",
            &BUDGET_MIB.to_string(),
        ])
        .env("LOUPE_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    helpers::wait_until_ready(&base).await;
    let idle_kib = helpers::resident_kib(pid);

    let clients: Vec<reqwest::Client> = (1..=100).map(sign_in_client).collect();
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let running = running.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while running.load(Ordering::Relaxed) {
                peak = peak.max(helpers::resident_kib(pid));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            peak
        })
    };
    // The health checks run on a thread of their own with plain blocking sockets, as a load
    // balancer's prober would: what they time is the server, not this test's busy runtime.
    let health = {
        let running = running.clone();
        let addr = addr.clone();
        std::thread::spawn(move || {
            let (mut slowest, mut checks) = (Duration::ZERO, 0);
            while running.load(Ordering::Relaxed) {
                let started = Instant::now();
                let answer = health_check(&addr);
                assert!(
                    answer.starts_with("HTTP/1.1 200"),
                    "a health check failed: {answer}"
                );
                slowest = slowest.max(started.elapsed());
                checks += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            (slowest, checks)
        })
    };

    let mut load = Vec::new();
    for n in 0..150 {
        load.push(tokio::spawn(slow_body(addr.clone(), n)));
    }
    for (n, client) in (1..=100).zip(clients) {
        load.push(tokio::spawn(sign_in(client, base.clone(), n)));
    }
    let flood = tokio::time::timeout(Duration::from_secs(60), async {
        for task in load {
            let _ = task.await;
        }
    })
    .await;
    running.store(false, Ordering::Relaxed);
    let peak_kib = sampler.await.unwrap();
    let (slowest, checks) = health.join().unwrap();
    let _ = child.kill().await;
    eprintln!(
        "idle {} MiB, peak {} MiB under load; {checks} health checks, slowest {slowest:?}",
        idle_kib / 1024,
        peak_kib / 1024
    );
    assert!(flood.is_ok(), "the load did not finish within a minute");
    assert!(
        peak_kib < BUDGET_MIB * 1024,
        "resident memory peaked at {} MiB, over the {BUDGET_MIB} MiB budget",
        peak_kib / 1024
    );
    assert!(checks > 10);
    assert!(
        slowest < Duration::from_millis(100),
        "a health check took {slowest:?}"
    );
}
