//! What anonymous clients can make the server hold: bodies refused before they are read,
//! deadlines for request heads and bodies, the connection cap with its health reserve, and
//! cookies that never ride on a SigV4 signature. Raw TCP where a client library would hide it.

use std::time::{Duration, Instant};

use loupe_engine::store::Backend;
use loupe_engine::test_on_both_backends;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

fn addr(api: &crate::helpers::Api) -> String {
    api.base.trim_start_matches("http://").to_owned()
}

/// Reads what the server sends until it closes or `wait` passes; returns the text and whether
/// the server closed the connection.
async fn read_for(stream: &mut TcpStream, wait: Duration) -> (String, bool) {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return (String::from_utf8_lossy(&seen).into_owned(), false),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&seen).into_owned(), true),
            Ok(Ok(n)) => seen.extend_from_slice(&buffer[..n]),
        }
    }
}

async fn anonymous_bodies_are_refused_before_they_are_read(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    // An 8.3 MB StartHumanLoop without a signature: the answer comes before any of the body.
    let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
    stream
        .write_all(
            b"POST /human-loops HTTP/1.1\r\nHost: loupe\r\ncontent-type: application/json\r\n\
              content-length: 8300000\r\n\r\n{\"HumanLoopName\":",
        )
        .await
        .unwrap();
    let (answer, _) = read_for(&mut stream, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("MissingAuthenticationTokenException"),
        "{answer}"
    );

    // A signature that names an unknown key: refused from the headers alone.
    let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
    let now = loupe_server::aws::sigv4::amz_date(time::OffsetDateTime::now_utc());
    let head = format!(
        "POST /human-loops HTTP/1.1\r\nHost: loupe\r\ncontent-type: application/json\r\n\
         x-amz-date: {now}\r\ncontent-length: 8300000\r\nauthorization: AWS4-HMAC-SHA256 \
         Credential=LKIAUNKNOWNKEY000000/{}/us-east-1/sagemaker/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature={}\r\n\r\n",
        &now[..8],
        "0".repeat(64)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (answer, _) = read_for(&mut stream, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(answer.contains("UnrecognizedClientException"), "{answer}");

    // Over a route's cap: 413 in the AWS shape for the API, before reading.
    let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
    stream
        .write_all(
            b"POST / HTTP/1.1\r\nHost: loupe\r\ncontent-type: application/x-amz-json-1.1\r\n\
              x-amz-target: SageMaker.ListWorkteams\r\ncontent-length: 30000000\r\n\r\n",
        )
        .await
        .unwrap();
    let (answer, _) = read_for(&mut stream, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("RequestEntityTooLargeException"),
        "{answer}"
    );
    // And for the sign-in form.
    let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
    stream
        .write_all(
            b"POST /auth/login HTTP/1.1\r\nHost: loupe\r\n\
              content-type: application/x-www-form-urlencoded\r\ncontent-length: 8300000\r\n\r\n",
        )
        .await
        .unwrap();
    let (answer, _) = read_for(&mut stream, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

async fn silent_and_slow_clients_are_cut_off(backend: Backend) {
    let api = crate::helpers::Api::spawn(
        backend,
        &["--header-timeout-secs", "1", "--body-timeout-secs", "1"],
    )
    .await;
    let started = Instant::now();
    // Silent: connects, sends nothing.
    let mut silent = TcpStream::connect(addr(&api)).await.unwrap();
    // Half-open: a request head that never ends.
    let mut half_open = TcpStream::connect(addr(&api)).await.unwrap();
    half_open
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n")
        .await
        .unwrap();
    // Slow body: a sign-in form that announces 100 bytes and sends 10.
    let mut slow_body = TcpStream::connect(addr(&api)).await.unwrap();
    slow_body
        .write_all(
            b"POST /auth/login HTTP/1.1\r\nHost: loupe\r\n\
              content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\n\
              email=a%40b",
        )
        .await
        .unwrap();
    for (name, stream) in [
        ("silent", &mut silent),
        ("half-open", &mut half_open),
        ("slow body", &mut slow_body),
    ] {
        let (_, closed) = read_for(stream, Duration::from_secs(5)).await;
        assert!(closed, "the {name} connection is still open");
    }
    assert!(started.elapsed() < Duration::from_secs(5));

    // A kept-alive connection that goes quiet after a request is closed too.
    let mut idle = TcpStream::connect(addr(&api)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n\r\n")
        .await
        .unwrap();
    let (answer, closed) = read_for(&mut idle, Duration::from_secs(4)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle kept-alive connection stays open");
}

async fn the_connection_cap_refuses_fast_and_health_still_answers(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &["--max-connections", "4"]).await;
    // Four connections that hold their slots with unfinished heads.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The next ones are the health reserve: health checks answer, quickly.
    let started = Instant::now();
    let mut health = TcpStream::connect(addr(&api)).await.unwrap();
    health
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_for(&mut health, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
    assert!(started.elapsed() < Duration::from_millis(500));
    // ...and nothing else.
    let mut page = TcpStream::connect(addr(&api)).await.unwrap();
    page.write_all(b"GET /login HTTP/1.1\r\nHost: loupe\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_for(&mut page, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    // With the reserve full as well, a new connection is answered 503 without being read.
    let mut reserve = Vec::new();
    for _ in 0..loupe_server::connections::HEALTH_RESERVE {
        let mut stream = TcpStream::connect(addr(&api)).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        reserve.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut refused = TcpStream::connect(addr(&api)).await.unwrap();
    let (answer, closed) = read_for(&mut refused, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(closed);
    // Slots come back when connections end.
    drop(held);
    drop(reserve);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let login = reqwest::get(format!("{}/login", api.base)).await.unwrap();
    assert_eq!(login.status(), reqwest::StatusCode::OK);
}

async fn a_key_over_its_rate_is_throttled(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &["--api-requests-per-second", "1"]).await;
    // A burst of twice the rate passes; the next is told to back off, in AWS's words.
    for _ in 0..2 {
        let (status, _, body) = api.call("GET", "/human-loops/nothing", None).await;
        assert_eq!(status, reqwest::StatusCode::NOT_FOUND, "{body}");
    }
    let (status, kind, body) = api.call("GET", "/human-loops/nothing", None).await;
    assert_eq!(status, reqwest::StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(kind.as_deref(), Some("ThrottlingException"));
    assert_eq!(body["Message"], "Rate exceeded");
    let (status, kind, _) = api.sagemaker("ListWorkteams", serde_json::json!({})).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    assert_eq!(kind.as_deref(), Some("ThrottlingException"));
    // A second later there is room again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, _) = api.call("GET", "/human-loops/nothing", None).await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
}

test_on_both_backends!(
    a_key_over_its_rate_is_throttled,
    anonymous_bodies_are_refused_before_they_are_read,
    silent_and_slow_clients_are_cut_off,
    the_connection_cap_refuses_fast_and_health_still_answers,
);
