//! The HTTP surface: pages, server functions, sign-in, health checks, and the layers around them.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use loupe_app::api::Services;
use loupe_app::{App, shell};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate as _};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::sessions::Sessions;
use crate::{AppState, auth, aws, body_limits, csrf};

pub fn build(state: AppState, sessions: Sessions) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let services = Services {
            reviews: state.reviews.clone(),
            compilations: state.compilations.clone(),
            compilation_wake: state.compilation_wake.clone(),
            clock: state.clock.clone(),
            links: crate::blobs::signer(&state.master_key),
            master_key: state.master_key.clone(),
            origins: state.origins.clone(),
        };
        move || provide_context(services.clone())
    };
    let leptos_options = state.leptos_options.clone();
    let cookie_security = csrf::CookieSecurity {
        secure: state.secure_cookies,
    };
    Router::new()
        .route("/", get(auth::home))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/admin/spend.csv", get(crate::spend_export::csv))
        .merge(crate::worker_api::routes())
        .merge(crate::task_frame::routes())
        .merge(crate::template_assets::admin_routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(middleware::from_fn(auth::guard_areas))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::load_viewer,
        ))
        .layer(sessions.layer(state.secure_cookies))
        .layer(middleware::from_fn_with_state(
            cookie_security,
            csrf::protect,
        ))
        // The AWS-compatible API: no cookies, no sessions, no CSRF; SigV4 says who calls.
        .merge(
            aws::runtime::routes()
                .merge(aws::control_plane::routes())
                .merge(crate::event_stream::routes())
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    aws::audit::record,
                )),
        )
        // Signed links are their own credential.
        .merge(crate::blobs::routes())
        // Content-addressed, and needed by frames that send no cookies: see the module.
        .merge(crate::template_assets::public_routes())
        .layer(middleware::from_fn(security_headers))
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(compressible)))
        .layer(CatchPanicLayer::custom(panic_page))
        .layer(middleware::from_fn_with_state(
            state.body_limits.clone(),
            body_limits::limit,
        ))
        .layer(middleware::from_fn(csrf::drop_cookies_of_signed_requests))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .with_state(state)
}

/// The span each request is logged in: method and path. Query strings (signed links) are left
/// out, and an invitation link's token is masked: logs must not hold a way into an account.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let path = req.uri().path();
    let path = match path.strip_prefix("/invite/") {
        Some(_) => "/invite/…",
        None => path,
    };
    tracing::info_span!("request", method = %req.method(), path = %path, version = ?req.version())
}

/// Brotli or gzip for what the browser downloads in bulk (the wasm, its JS glue, the stylesheet)
/// and for JSON and CSV. Streamed HTML is left alone, so each Suspense chunk still goes out the
/// moment it is ready; the event stream is excluded by the default predicate.
fn compressible(
    _: axum::http::StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| {
            [
                "application/wasm",
                "text/javascript",
                "application/javascript",
                "text/css",
                "application/json",
                "text/csv",
            ]
            .iter()
            .any(|compressible| kind.starts_with(compressible))
        })
}

/// What the connections beyond the cap are served: the health checks, and a 503 for anything
/// else, so a flood of clients never hides whether the process is up.
pub fn health_only(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "Too many connections; retry soon.\n",
            )
        })
        .with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can do its work: the database answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(Duration::from_secs(2), state.reviews.check_database()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timed out").into_response(),
    }
}

/// A handler that panicked still answers with a page, not a dropped connection.
fn panic_page(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Server error · Loupe</title>\
        <link rel=\"stylesheet\" href=\"/pkg/loupe.css\"></head><body><main class=\"error-page\">\
        <p class=\"error-code\">500</p><h1>Something went wrong</h1>\
        <p>Loupe hit an internal error while answering. Reload to try again; the server log has the details.</p>\
        <p><a href=\"/\">Back to the start</a></p></main></body></html>";
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(page),
    )
        .into_response()
}

async fn security_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Pages that may be framed (the task frame) set their own.
    headers
        .entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    response
}
