//! Signing in and out, and who may see which area.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use loupe_app::session::SignedIn;
use loupe_engine::domain::accounts::{User, UserId};
use loupe_engine::domain::clock::Timestamp;
use loupe_engine::services::sign_in::LoginError;
use serde::Deserialize;
use tower_sessions::Session;

use crate::AppState;
use crate::sessions::{SIGNED_IN_AT, USER_ID};

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    session: Session,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = state
        .client_addresses
        .of(&headers, peer.as_ref().map(|Extension(peer)| peer));
    // An address that has failed too often, at any accounts, is not even checked.
    if let Err(wait) = state.sign_in_throttle.check(&client, Instant::now()) {
        let until = state.clock.now().plus(wait).plus(Duration::from_secs(60));
        return back_to_login(&form, "address", Some(until.to_minute_utc()));
    }
    let result = state
        .reviews
        .log_in(&state.login_policy, &form.email, &form.password, &client)
        .await;
    if matches!(
        result,
        Err(LoginError::InvalidCredentials | LoginError::Locked { .. })
    ) {
        state.sign_in_throttle.failed(&client, Instant::now());
    }
    match result {
        Ok(user) => {
            // A new id at sign-in, so an id planted before sign-in is worth nothing after it.
            let stored = async {
                session.cycle_id().await?;
                session.insert(USER_ID, user.id.0).await?;
                session
                    .insert(SIGNED_IN_AT, state.clock.now().as_millis())
                    .await
            };
            if let Err(err) = stored.await {
                tracing::error!(error = %err, "could not store the session");
                return back_to_login(&form, "unavailable", None);
            }
            tracing::info!(user = %user.email, "signed in");
            Redirect::to(&safe_next(&form.next).unwrap_or_else(|| home_of(&user).to_owned()))
                .into_response()
        }
        Err(LoginError::InvalidCredentials) => back_to_login(&form, "invalid", None),
        Err(LoginError::Deactivated) => back_to_login(&form, "deactivated", None),
        Err(LoginError::Locked { until }) => {
            back_to_login(&form, "locked", Some(until.to_minute_utc()))
        }
        Err(LoginError::Busy(_)) => busy_page(),
        Err(LoginError::Store(err)) => {
            tracing::error!(error = %err, "sign-in failed on the database");
            back_to_login(&form, "unavailable", None)
        }
    }
}

/// Sign-ins beyond what the hashing pool can take: refused before any password was checked.
fn busy_page() -> Response {
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Busy · Loupe</title>\
        <link rel=\"stylesheet\" href=\"/pkg/loupe.css\"></head><body><main class=\"error-page\">\
        <p class=\"error-code\">503</p><h1>Too many sign-ins at once</h1>\
        <p>Loupe is checking many passwords right now. Wait a few seconds, then go back and sign in again.</p>\
        <p><a href=\"/login\">Back to sign-in</a></p></main></body></html>";
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "2")],
        axum::response::Html(page),
    )
        .into_response()
}

pub async fn logout(session: Session) -> Response {
    // Deletes the session record, so the old cookie is worthless even if someone kept a copy.
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "could not end a session");
    }
    Redirect::to("/login?signed_out=1").into_response()
}

/// `/`: each person's own start page.
pub async fn home(req: Request) -> Response {
    match req.extensions().get::<SignedIn>() {
        Some(SignedIn(user)) => Redirect::to(home_of(user)).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

fn home_of(user: &User) -> &'static str {
    if user.is_admin() { "/admin" } else { "/work" }
}

fn back_to_login(form: &LoginForm, error: &str, until: Option<String>) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("error", error);
    if let Some(until) = until {
        query.append_pair("until", &until);
    }
    query.append_pair("email", form.email.trim());
    if let Some(next) = safe_next(&form.next) {
        query.append_pair("next", &next);
    }
    Redirect::to(&format!("/login?{}", query.finish())).into_response()
}

/// Only local paths: `next` must not send a freshly signed-in user to another site. Browsers
/// drop tabs and line breaks from a URL and read `\\` as `/`, so `/\t/host` or `/\\host` would
/// become `//host`, another site: only visible ASCII without backslashes is let through (which
/// also keeps the `Location` header valid), and the second character must not start an
/// authority.
fn safe_next(next: &str) -> Option<String> {
    let visible = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let local = next.starts_with('/') && !next.starts_with("//");
    (visible && local).then(|| next.to_owned())
}

/// Loads the signed-in user into the request's extensions, for the guard, the pages and the
/// server functions.
pub async fn load_viewer(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let user_id = if is_static_asset(req.uri().path()) {
        None
    } else {
        session.get::<i64>(USER_ID).await.ok().flatten()
    };
    if let Some(id) = user_id {
        // Sessions from before this field existed count as the oldest possible.
        let signed_in_at = session.get::<i64>(SIGNED_IN_AT).await.ok().flatten();
        let signed_in_at = Timestamp::from_millis(signed_in_at.unwrap_or(0));
        match state.reviews.find_user(UserId(id)).await {
            Ok(Some(user)) if user.accepts_session_from(signed_in_at) => {
                req.extensions_mut().insert(SignedIn(user));
            }
            Ok(_) => {
                // The account is gone or deactivated, or its sessions were ended: so is this one.
                let _ = session.flush().await;
            }
            Err(err) => tracing::error!(error = %err, "could not load the signed-in user"),
        }
    }
    next.run(req).await
}

/// Sends anonymous visitors of the signed-in areas to the sign-in page, and keeps pages that show
/// private data out of every cache (including the back-button cache after signing out).
pub async fn guard_areas(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let signed_in = req.extensions().get::<SignedIn>().is_some();
    let private_area = ["/admin", "/work"]
        .iter()
        .any(|area| path == *area || path.starts_with(&format!("{area}/")));
    // The worker API answers an anonymous call with its own 401, not a sign-in page.
    if private_area && !signed_in && !path.starts_with(crate::worker_api::PREFIX) {
        let wanted = req
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", wanted)
            .finish();
        return Redirect::to(&format!("/login?{query}")).into_response();
    }
    if path == "/login"
        && req.method() == Method::GET
        && let Some(SignedIn(user)) = req.extensions().get::<SignedIn>()
    {
        return Redirect::to(home_of(user)).into_response();
    }
    let mut response = next.run(req).await;
    if !is_static_asset(&path) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == "/favicon.ico"
        || crate::task_frame::is_asset(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/admin/keys").as_deref(), Some("/admin/keys"));
        assert_eq!(safe_next("//evil.example/"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next(""), None);
        // What browsers turn into `//evil.example`, and what no Location header may hold.
        for sneaky in [
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\x0b/evil.example",
            "/\x0c/evil.example",
            "/ /evil.example",
            "/admin\\..\\\\evil.example",
            "/adm\u{e9}n",
        ] {
            assert_eq!(safe_next(sneaky), None, "{sneaky:?}");
        }
        assert_eq!(
            safe_next("/admin/loops?name=a%2Fb&status=InProgress").as_deref(),
            Some("/admin/loops?name=a%2Fb&status=InProgress")
        );
    }
}
