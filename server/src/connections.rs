//! Accepting connections: a cap on how many are open at once, a deadline for each request head
//! (which is also the idle keep-alive limit), and a small reserve of connections that only
//! answer the health checks, so a flood of slow or silent clients never makes `/healthz` hang.
//!
//! Beyond the cap and the reserve a connection is answered `503` at once and closed, without
//! reading from it: refusing costs the server one write. With TLS on (`--tls-cert`), such a
//! connection is closed without a word: a plain-text answer would mean nothing to a TLS client,
//! and a handshake is too dear to spend on a connection being refused.
//!
//! With TLS, the handshake happens in the connection's own task, within the head deadline, so a
//! client that never finishes it holds a slot no longer than a silent plain one.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// How the listener treats its clients.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections served at once; more are refused with a 503.
    pub max_connections: usize,
    /// How long a client may take to send a complete request head, counted from the moment the
    /// server is ready for it: on a new connection, and between requests on a kept-alive one.
    pub header_timeout: Duration,
}

/// Connections beyond the cap that are still served, for the health checks only, with a short
/// head deadline and no keep-alive.
pub const HEALTH_RESERVE: usize = 16;
const RESERVE_HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// How long open connections get to finish their requests after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl ConnectionLimits {
    /// The cap actually used: never more than the process's open-file limit allows, leaving room
    /// for the database pool, the health reserve and files.
    pub fn effective_max(&self) -> usize {
        let files = open_file_limit().unwrap_or(1024);
        let room = files.saturating_sub(64 + HEALTH_RESERVE as u64) as usize;
        self.max_connections.min(room).max(1)
    }
}

/// Raises the soft open-file limit to the hard one (a no-op where it already is), so the cap on
/// connections, not the kernel, decides when clients are refused.
pub fn raise_open_file_limit() {
    #[cfg(unix)]
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    // SAFETY: getrlimit only writes the struct we pass.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            return Some(limit.rlim_cur as u64);
        }
    }
    None
}

/// Serves `app` on `listener` (over TLS when `tls` is given) until `shutdown` resolves, then
/// lets open requests finish (for up to [`SHUTDOWN_GRACE`]). `health` serves the reserve
/// connections.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    health: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.effective_max()));
    let reserve = Arc::new(Semaphore::new(HEALTH_RESERVE));
    // Dropping the sender tells every connection to finish; each holds a receiver until done.
    let (stop, stopping) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // back off briefly instead of spinning.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Pages stream in several writes; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold the last one back for ~40 ms.
        let _ = stream.set_nodelay(true);
        let (permit, service, header_timeout, keep_alive) = match slots.clone().try_acquire_owned()
        {
            Ok(permit) => (permit, app.clone(), limits.header_timeout, true),
            Err(_) => match reserve.clone().try_acquire_owned() {
                Ok(permit) => (permit, health.clone(), RESERVE_HEADER_TIMEOUT, false),
                Err(_) => {
                    if tls.is_none() {
                        refuse(&stream);
                    }
                    warn_refusing();
                    continue;
                }
            },
        };
        let mut stopping = stopping.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service.map_request(move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
            let settings = Settings {
                header_timeout,
                keep_alive,
            };
            match tls {
                None => serve_connection(stream, service, settings, &mut stopping).await,
                Some(acceptor) => {
                    let handshake = tokio::time::timeout(header_timeout, acceptor.accept(stream));
                    // A failed handshake (plain HTTP sent to this port, a client that distrusts
                    // the certificate, one that took too long) closes the connection.
                    let secured = tokio::select! {
                        done = handshake => done.ok().and_then(Result::ok),
                        _ = stopping.changed() => None,
                    };
                    if let Some(stream) = secured {
                        serve_connection(stream, service, settings, &mut stopping).await;
                    }
                }
            }
            drop(permit);
        });
    }
    drop(stop);
    drop(stopping);
    // Wait for the connections to finish: each holds a clone of the receiver.
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    while slots.available_permits() < limits.effective_max()
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// How one connection is served.
#[derive(Clone, Copy)]
struct Settings {
    header_timeout: Duration,
    keep_alive: bool,
}

/// Serves HTTP/1.1 on one connection (plain or TLS) until it closes, or until a shutdown, after
/// which its open request gets [`SHUTDOWN_GRACE`] to finish.
async fn serve_connection<I, S>(
    io: I,
    service: S,
    settings: Settings,
    stopping: &mut watch::Receiver<()>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: tower::Service<
            axum::http::Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout)
        .keep_alive(settings.keep_alive);
    let connection = builder
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
        .with_upgrades();
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopping.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
        }
    }
}

/// Answers a plain connection over the cap without reading it; dropping it closes it.
fn refuse(stream: &TcpStream) {
    const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\n\
        content-type: text/plain\r\ncontent-length: 34\r\nconnection: close\r\n\r\n\
        Too many connections; retry soon.\n";
    let _ = stream.try_write(BUSY);
}

/// Logs that connections are being refused.
fn warn_refusing() {
    // Once a second at most: a flood must not turn into a flood of log lines.
    static LAST_WARNED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if LAST_WARNED.swap(now, std::sync::atomic::Ordering::Relaxed) != now {
        tracing::warn!("refusing connections: the connection limit and its reserve are full");
    }
}
