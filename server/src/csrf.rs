//! Cross-site request forgery protection for everything a browser can post to.
//!
//! Two checks, either of which is enough on its own for the browsers it covers:
//! 1. Fetch metadata: a browser that sends `Sec-Fetch-Site` says where the request came from;
//!    anything but `same-origin` (or `none`, a user's own navigation) is refused. An `Origin` that
//!    names another host is refused too.
//! 2. A token: requests without fetch metadata (older browsers, scripts) must carry the token from
//!    the `loupe_csrf` cookie back in a `csrf_token` form field or an `X-CSRF-Token` header. Another
//!    site can neither read that cookie nor guess its value.
//!
//! Cookies and SigV4 never mix: a request with an `Authorization: AWS4-HMAC-SHA256 …` header
//! is an API request, and [`drop_cookies_of_signed_requests`] takes its cookies away before
//! anything reads them, so a junk signature can neither skip these checks nor ride on a
//! session. The API routes themselves read no cookies; their signature says who calls.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use loupe_app::session::CsrfToken;
use rand::RngCore as _;
use subtle::ConstantTimeEq as _;

pub const COOKIE_NAME: &str = "loupe_csrf";
pub const FORM_FIELD: &str = "csrf_token";
pub const HEADER_NAME: &str = "x-csrf-token";
/// Forms are small; a body beyond this is not a form this check needs to read.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Whether the cookie gets the `Secure` attribute.
#[derive(Debug, Clone, Copy)]
pub struct CookieSecurity {
    pub secure: bool,
}

pub async fn protect(
    State(cookies): State<CookieSecurity>,
    mut req: Request,
    next: Next,
) -> Response {
    let existing = cookie_value(req.headers(), COOKIE_NAME);
    if is_safe(req.method()) {
        let (token, fresh) = match existing {
            Some(token) => (token, false),
            None => (new_token(), true),
        };
        req.extensions_mut().insert(CsrfToken(token.clone()));
        let mut response = next.run(req).await;
        if fresh {
            let secure = if cookies.secure { "; Secure" } else { "" };
            let cookie =
                format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict{secure}");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        return response;
    }
    match fetch_site(req.headers()) {
        FetchSite::SameOrigin => {}
        FetchSite::CrossSite => return reject("the request came from another site"),
        FetchSite::Unknown => {
            if let Some(origin) = req.headers().get(header::ORIGIN)
                && !origin_matches_host(origin, req.headers().get(header::HOST))
            {
                return reject("the request came from another origin");
            }
            let Some(expected) = existing else {
                return reject("the form has no session token");
            };
            let (sent, rebuilt) = match token_from_request(req).await {
                Ok(pair) => pair,
                Err(response) => return response,
            };
            let matches =
                sent.is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(expected.as_bytes())));
            if !matches {
                return reject("the form's token does not match");
            }
            req = rebuilt;
        }
    }
    // Forms rendered for this response need the token too (e.g. a page re-rendered after a post).
    if let Some(token) = cookie_value(req.headers(), COOKIE_NAME) {
        req.extensions_mut().insert(CsrfToken(token));
    }
    next.run(req).await
}

fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The outermost layer: a request signed for the API is served without its cookies.
pub async fn drop_cookies_of_signed_requests(mut req: Request, next: Next) -> Response {
    if is_signed_api_request(req.headers()) {
        req.headers_mut().remove(header::COOKIE);
    }
    next.run(req).await
}

fn is_signed_api_request(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("AWS4-HMAC-SHA256 "))
}

enum FetchSite {
    SameOrigin,
    CrossSite,
    Unknown,
}

fn fetch_site(headers: &HeaderMap) -> FetchSite {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => FetchSite::SameOrigin,
        Some(_) => FetchSite::CrossSite,
        None => FetchSite::Unknown,
    }
}

/// Compares the host (and port) of `Origin` with `Host`; the scheme is left out because a TLS
/// proxy in front of Loupe changes it.
fn origin_matches_host(origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
}

/// Finds the token in the header or, for url-encoded forms, in the body; hands back the request
/// rebuilt with its body, since reading the body consumed it.
async fn token_from_request(req: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(token) = req.headers().get(HEADER_NAME).and_then(|v| v.to_str().ok()) {
        return Ok((Some(token.to_owned()), req));
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "form too large").into_response())?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == FORM_FIELD)
        .map(|(_, value)| value.into_owned());
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    B64.encode(bytes)
}

fn reject(reason: &str) -> Response {
    tracing::warn!(
        reason,
        "refused a state-changing request without valid CSRF proof"
    );
    let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Request refused · Loupe</title>\
        <link rel=\"stylesheet\" href=\"/pkg/loupe.css\"></head><body><main class=\"error-page\">\
        <p class=\"error-code\">403</p><h1>This request was refused</h1>\
        <p>The form was not sent from a page Loupe served to this browser, or it is too old. \
        Go back, reload the page and try again.</p><p><a href=\"/\">Back to the start</a></p></main></body></html>";
    (StatusCode::FORBIDDEN, Html(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_values_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; loupe_csrf=tok; b=2"),
        );
        assert_eq!(cookie_value(&headers, COOKIE_NAME).as_deref(), Some("tok"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn origin_must_name_this_host() {
        let host = HeaderValue::from_static("127.0.0.1:3000");
        assert!(origin_matches_host(
            &HeaderValue::from_static("http://127.0.0.1:3000"),
            Some(&host)
        ));
        assert!(origin_matches_host(
            &HeaderValue::from_static("https://127.0.0.1:3000"),
            Some(&host)
        ));
        assert!(!origin_matches_host(
            &HeaderValue::from_static("http://evil.example"),
            Some(&host)
        ));
        assert!(!origin_matches_host(
            &HeaderValue::from_static("null"),
            Some(&host)
        ));
    }
}
