//! Files uploaded for worker task templates, served from Loupe's own origin.
//!
//! - `GET /template-assets/{sha256}/{name}`: the asset, with no sign-in. The task frame runs in
//!   an opaque origin and sends no cookies, and the path names the file's SHA-256, which nobody
//!   can guess without the bytes: it is known to whoever was shown a template that uses it
//!   (admins, and workers of its tasks), like the template itself. Its bytes never change, so
//!   it is cached for good; `Access-Control-Allow-Origin: *` lets the frame fetch fonts and
//!   module scripts, which browsers load in CORS mode. Every response carries a sandboxing
//!   policy and `nosniff`, so an SVG (or anything) opened on its own runs no script on this
//!   origin.
//! - `POST /admin/template-assets/{template}?name=…&replaces=…`: an admin uploads one file, the
//!   request body being its bytes. Answers JSON: `{"asset": {…}}`, or `{"errors": [{"field",
//!   "message"}]}` with the form field each message belongs to. The CSRF layer checks it like
//!   any form post.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use loupe_app::session::SignedIn;
use loupe_engine::domain::names::HumanTaskUiName;
use loupe_engine::domain::template_assets::{
    ASSET_PATH_PREFIX, MAX_ASSET_BYTES, describe_size, parse_asset_path,
};
use loupe_engine::services::{AssetUpload, ReviewError};
use serde_json::json;

use crate::AppState;

/// Where uploads go: `/admin/template-assets/{template}`.
pub const UPLOAD_PREFIX: &str = "/admin/template-assets/";
/// An upload's body at most: one asset at its limit, and a little over so that a file just
/// past it gets the engine's message rather than a bare 413.
pub const UPLOAD_BODY_CAP: usize = MAX_ASSET_BYTES + 64 * 1024;

/// What an asset may do when opened as a document of its own: nothing.
const ASSET_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/// The public route; outside the session layers, like signed blob links.
pub fn public_routes() -> Router<AppState> {
    Router::new().route(
        &format!("{ASSET_PATH_PREFIX}{{sha256}}/{{name}}"),
        get(serve),
    )
}

/// The upload route; inside the session and CSRF layers.
pub fn admin_routes() -> Router<AppState> {
    Router::new().route(
        &format!("{UPLOAD_PREFIX}{{template}}"),
        post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_CAP)),
    )
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such template asset",
    )
        .into_response()
}

async fn serve(State(state): State<AppState>, uri: Uri) -> Response {
    let Some((sha256, name)) = parse_asset_path(uri.path()) else {
        return not_found();
    };
    match state.reviews.template_asset_bytes(&sha256, &name).await {
        Ok(Some((content_type, bytes))) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            let kind = HeaderValue::from_str(&content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            headers.insert(header::CONTENT_TYPE, kind);
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(ASSET_POLICY),
            );
            response
        }
        Ok(None) => not_found(),
        Err(error) => {
            tracing::error!(%error, "reading a template asset failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database did not answer",
            )
                .into_response()
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct UploadQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    replaces: Option<String>,
}

/// A refused upload: each message at the upload form's field.
fn refused(status: StatusCode, field: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"errors": [{"field": field, "message": message.into()}]})),
    )
        .into_response()
}

/// The upload form's field for a request member the engine names.
fn field_of(member: Option<&str>) -> &'static str {
    match member {
        Some("Name") => "asset_name",
        Some("ReplacesUrl") => "replaces_url",
        Some("File") => "file",
        _ => "form",
    }
}

async fn upload(
    State(state): State<AppState>,
    Path(template): Path<String>,
    Query(query): Query<UploadQuery>,
    signed_in: Option<Extension<SignedIn>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let user = match signed_in {
        Some(Extension(SignedIn(user))) if user.is_admin() => user,
        Some(_) => return refused(StatusCode::FORBIDDEN, "form", "Only admins upload assets."),
        None => return refused(StatusCode::UNAUTHORIZED, "form", "Sign in first."),
    };
    let Ok(template) = HumanTaskUiName::parse(&template) else {
        return refused(StatusCode::NOT_FOUND, "form", "There is no such template.");
    };
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(_) => {
            return refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file",
                format!(
                    "The file is larger than {}, an asset's limit.",
                    describe_size(MAX_ASSET_BYTES as i64)
                ),
            );
        }
    };
    let upload = AssetUpload {
        name: &query.name,
        replaces_url: query.replaces.as_deref(),
        bytes: bytes.to_vec(),
        actor: user.email.as_str(),
    };
    match state.reviews.upload_template_asset(&template, upload).await {
        Ok(asset) => Json(json!({
            "asset": {
                "name": asset.name.as_str(),
                "url": asset.path(),
                "size": asset.size,
                "contentType": asset.content_type,
                "sha256": asset.sha256,
            }
        }))
        .into_response(),
        Err(ReviewError::Validation(violation)) => refused(
            StatusCode::BAD_REQUEST,
            field_of(violation.member),
            violation.message,
        ),
        Err(ReviewError::NotFound(message)) => refused(StatusCode::NOT_FOUND, "form", message),
        Err(error) => {
            tracing::error!(%error, "storing a template asset failed");
            refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "form",
                "The database could not answer; try again.",
            )
        }
    }
}
