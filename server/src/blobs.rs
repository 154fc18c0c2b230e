//! Serves the objects that templates reach through `grant_read_access`: a signed, expiring link
//! (see `loupe_engine::templates::blob_links`) is the only credential, so worker pages and API previews
//! can load images and documents from the output store or directory on Loupe's own origin.
//!
//! The objects are someone else's bytes: they are sent with a sandboxing Content-Security-Policy
//! and `nosniff`, so an HTML or SVG object cannot run script on this origin.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use loupe_engine::domain::keys::MasterKey;
use loupe_engine::templates::blob_links::{self, LinkSigner};

use crate::AppState;

/// The link-signing key's purpose, for the master key's derivation.
const PURPOSE: &str = "grant_read_access links";

pub fn signer(master: &MasterKey) -> LinkSigner {
    LinkSigner::new(master.derive(PURPOSE))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/blobs/{*object}", get(serve))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

async fn serve(State(state): State<AppState>, uri: Uri) -> Response {
    // The raw path, decoded once here: keys may hold '%' and '/'.
    let Some(object) = uri
        .path()
        .strip_prefix(blob_links::PREFIX)
        .and_then(blob_links::object_of_path)
    else {
        return refuse(StatusCode::NOT_FOUND, "no such object");
    };
    let mut expires = None;
    let mut signature = None;
    for (key, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        match &*key {
            "expires" => expires = value.parse::<i64>().ok(),
            "signature" => signature = Some(value.into_owned()),
            _ => {}
        }
    }
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return refuse(StatusCode::FORBIDDEN, "this link is not valid");
    };
    if let Err(error) =
        signer(&state.master_key).check(&object, expires, &signature, state.clock.now())
    {
        return refuse(StatusCode::FORBIDDEN, &error.to_string());
    }
    match state.outputs.get(&object.s3_uri()).await {
        Ok(Some(bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&object.key)),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
                ),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=300"),
            );
            // The signed link is the whole credential (no cookie is involved), so letting any
            // origin read the bytes grants nothing new; it lets a task frame (an opaque origin)
            // read an image's pixels, as crowd-semantic-segmentation does with an earlier label map.
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            response
        }
        Ok(None) => refuse(StatusCode::NOT_FOUND, "no such object"),
        Err(error) => {
            tracing::warn!(object = %object.s3_uri(), %error, "reading a granted object failed");
            refuse(StatusCode::BAD_GATEWAY, "the object store did not answer")
        }
    }
}

/// The type browsers need to show the usual task inputs; anything else is plain bytes.
fn content_type(key: &str) -> &'static str {
    let extension = key
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "txt" | "csv" => "text/plain; charset=utf-8",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}
