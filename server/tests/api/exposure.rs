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

/// A new connection to the server, on which `request` (a head, perhaps the start of a body) is
/// sent.
async fn connect_sending(api: &crate::helpers::Api, request: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(addr(api)).await.unwrap();
    stream.write_all(request).await.unwrap();
    stream
}

/// What the server answers `request`, sent on a connection of its own, within `wait`; and
/// whether it closed the connection.
async fn answer_to(api: &crate::helpers::Api, request: &[u8], wait: Duration) -> (String, bool) {
    let mut stream = connect_sending(api, request).await;
    read_for(&mut stream, wait).await
}

async fn anonymous_bodies_are_refused_before_they_are_read(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &[]).await;
    // An 8.3 MB StartHumanLoop without a signature: the answer comes before any of the body.
    let unsigned: &[u8] = b"POST /human-loops HTTP/1.1\r\nHost: loupe\r\n\
        content-type: application/json\r\ncontent-length: 8300000\r\n\r\n{\"HumanLoopName\":";
    // A signature that names an unknown key: refused from the headers alone.
    let now = loupe_server::aws::sigv4::amz_date(time::OffsetDateTime::now_utc());
    let unknown_key = format!(
        "POST /human-loops HTTP/1.1\r\nHost: loupe\r\ncontent-type: application/json\r\n\
         x-amz-date: {now}\r\ncontent-length: 8300000\r\nauthorization: AWS4-HMAC-SHA256 \
         Credential=LKIAUNKNOWNKEY000000/{}/us-east-1/sagemaker/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature={}\r\n\r\n",
        &now[..8],
        "0".repeat(64)
    );
    // Over a route's cap: 413 in the AWS shape for the API, before reading; and for the
    // sign-in form.
    let api_over_cap: &[u8] = b"POST / HTTP/1.1\r\nHost: loupe\r\n\
        content-type: application/x-amz-json-1.1\r\nx-amz-target: SageMaker.ListWorkteams\r\n\
        content-length: 30000000\r\n\r\n";
    let form_over_cap: &[u8] = b"POST /auth/login HTTP/1.1\r\nHost: loupe\r\n\
        content-type: application/x-www-form-urlencoded\r\ncontent-length: 8300000\r\n\r\n";
    for (request, status, error_type) in [
        (
            unsigned,
            "HTTP/1.1 403",
            Some("MissingAuthenticationTokenException"),
        ),
        (
            unknown_key.as_bytes(),
            "HTTP/1.1 403",
            Some("UnrecognizedClientException"),
        ),
        (
            api_over_cap,
            "HTTP/1.1 413",
            Some("RequestEntityTooLargeException"),
        ),
        (form_over_cap, "HTTP/1.1 413", None),
    ] {
        let (answer, _) = answer_to(&api, request, Duration::from_secs(3)).await;
        assert!(answer.starts_with(status), "{answer}");
        if let Some(error_type) = error_type {
            assert!(answer.contains(error_type), "{answer}");
        }
    }
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
    let mut half_open = connect_sending(&api, b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n").await;
    // Slow body: a sign-in form that announces 100 bytes and sends 10.
    let mut slow_body = connect_sending(
        &api,
        b"POST /auth/login HTTP/1.1\r\nHost: loupe\r\n\
          content-type: application/x-www-form-urlencoded\r\ncontent-length: 100\r\n\r\n\
          email=a%40b",
    )
    .await;
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
    let healthz = b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n\r\n";
    let (answer, closed) = answer_to(&api, healthz, Duration::from_secs(4)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(closed, "an idle kept-alive connection stays open");
}

async fn the_connection_cap_refuses_fast_and_health_still_answers(backend: Backend) {
    let api = crate::helpers::Api::spawn(backend, &["--max-connections", "4"]).await;
    // Four connections that hold their slots with unfinished heads.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_sending(&api, b"GET / HTTP/1.1\r\n").await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The next ones are the health reserve: health checks answer, quickly.
    let started = Instant::now();
    let healthz = b"GET /healthz HTTP/1.1\r\nHost: loupe\r\n\r\n";
    let (answer, _) = answer_to(&api, healthz, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
    assert!(started.elapsed() < Duration::from_millis(500));
    // ...and nothing else.
    let login = b"GET /login HTTP/1.1\r\nHost: loupe\r\n\r\n";
    let (answer, _) = answer_to(&api, login, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    // With the reserve full as well, a new connection is answered 503 without being read.
    let mut reserve = Vec::new();
    for _ in 0..loupe_server::connections::HEALTH_RESERVE {
        reserve.push(connect_sending(&api, b"GET / HTTP/1.1\r\n").await);
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
