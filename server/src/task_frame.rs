//! The frame a worker answers a task in, the admin's live preview of a template in the same
//! frame, and Loupe's own crowd elements that both load.
//!
//! - `GET /work/frame/{task}`: the task's template rendered against its input, as a whole
//!   document with the frame's content policy (sandboxed, no network, framed only by Loupe).
//!   Only the worker who holds the task gets it.
//! - `POST /admin/preview-frame` (form fields `content`, `input`, and `template` naming the
//!   stored template whose assets and allowed origins apply, if any): a template being edited,
//!   rendered against a sample input, in the very document a worker gets. Admins only. The
//!   editor posts its form into the preview's frame, so the frame loads from this origin's URL
//!   with the header policy, exactly like a worker's.
//! - `GET /crowd/crowd-html-elements.js`: the element bundle, in place of `assets.crowd.aws`.

use std::sync::{Arc, LazyLock};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use loupe_app::session::SignedIn;
use loupe_engine::domain::loops::{FlowDefinition, HumanLoop, TaskId};
use loupe_engine::domain::names::HumanTaskUiName;
use loupe_engine::domain::template_assets::AllowedOrigin;
use loupe_engine::lifecycle::task_input;
use loupe_engine::services::ReviewError;
use loupe_engine::services::TemplateSurroundings;
use loupe_engine::templates::frame::{
    ELEMENTS_PATH, frame_document, header_policy, header_policy_for,
};
use loupe_engine::templates::{self, AssetLinks, TemplateError};
use sha2::{Digest, Sha256};

use crate::AppState;

/// The element bundle, joined from `assets/crowd/src/` by the build script.
const ELEMENTS: &str = include_str!(concat!(env!("OUT_DIR"), "/crowd-html-elements.js"));

/// The bundle's URL with its content hash, so browsers may keep it for good.
static ELEMENTS_URL: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(ELEMENTS.as_bytes());
    let version: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("{ELEMENTS_PATH}?v={version}")
});

/// [`header_policy`], built once.
static FRAME_POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    HeaderValue::from_str(&header_policy()).expect("the frame policy is a valid header value")
});

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work/frame/{task}", get(frame))
        .route("/admin/preview-frame", post(preview_frame))
        .route(ELEMENTS_PATH, get(elements))
}

/// Whether `path` is one of the immutable assets this module serves.
pub fn is_asset(path: &str) -> bool {
    path == ELEMENTS_PATH
        || path.starts_with(loupe_engine::domain::template_assets::ASSET_PATH_PREFIX)
}

async fn elements() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        ELEMENTS,
    )
        .into_response()
}

/// A loop's template rendered for its worker, and the origins its frame may load from.
pub struct WorkerRender {
    pub html: Result<String, TemplateError>,
    pub origins: Vec<AllowedOrigin>,
}

/// `task.input` for this loop rendered through its flow's template, with `grant_read_access`
/// links and the template's assets relative to this origin.
pub async fn render_for_worker(
    state: &AppState,
    human_loop: &HumanLoop,
    flow: &FlowDefinition,
) -> Result<WorkerRender, ReviewError> {
    let input = task_input(human_loop, flow);
    let ui = state
        .reviews
        .find_task_ui(flow.spec.human_loop_config.human_task_ui_arn.name())
        .await?;
    let TemplateSurroundings { assets, origins } =
        state.reviews.template_surroundings(&ui, "").await?;
    Ok(WorkerRender {
        html: templates::render_with_assets(
            &ui.spec.ui_template.content,
            &input,
            same_origin_links(state),
            assets,
        ),
        origins,
    })
}

/// The frame's policy header for a template that allows `origins`: the shared strict one
/// when it allows none.
fn policy_for(origins: &[AllowedOrigin]) -> HeaderValue {
    if origins.is_empty() {
        return FRAME_POLICY.clone();
    }
    HeaderValue::from_str(&header_policy_for(origins))
        .expect("allowed origins are valid header text")
}

/// `grant_read_access` links relative to this origin, so the frame loads them from Loupe.
fn same_origin_links(state: &AppState) -> Arc<loupe_engine::templates::blob_links::SignedLinks> {
    Arc::new(loupe_engine::templates::blob_links::SignedLinks {
        signer: crate::blobs::signer(&state.master_key),
        base: String::new(),
        clock: state.clock.clone(),
    })
}

#[derive(Debug, serde::Deserialize)]
struct PreviewForm {
    content: String,
    input: String,
    /// The stored template being previewed, whose assets and origins apply; empty for none.
    #[serde(default)]
    template: String,
}

/// A frame document loaded as anything but a frame (a tab of its own, say) is refused, where
/// the browser says how it loads it: at the top, a template could navigate the whole window.
fn refused_outside_a_frame(headers: &HeaderMap) -> Option<Response> {
    let dest = headers.get("sec-fetch-dest")?.to_str().unwrap_or("");
    (!matches!(dest, "iframe" | "frame")).then(|| {
        notice(
            StatusCode::FORBIDDEN,
            "This page is shown only inside Loupe's task page.",
        )
    })
}

async fn preview_frame(
    State(state): State<AppState>,
    signed_in: Option<Extension<SignedIn>>,
    headers: HeaderMap,
    Form(form): Form<PreviewForm>,
) -> Response {
    if let Some(refused) = refused_outside_a_frame(&headers) {
        return refused;
    }
    match signed_in {
        Some(Extension(SignedIn(user))) if user.is_admin() => {}
        Some(_) => return notice(StatusCode::FORBIDDEN, "Only admins preview templates."),
        None => return notice(StatusCode::UNAUTHORIZED, "Sign in to preview templates."),
    }
    let input: serde_json::Value = match serde_json::from_str(&form.input) {
        Ok(input) => input,
        Err(error) => {
            return notice(
                StatusCode::BAD_REQUEST,
                &format!("The sample input is not JSON: {error}"),
            );
        }
    };
    let surroundings = match preview_surroundings(&state, &form.template).await {
        Ok(surroundings) => surroundings,
        Err(message) => return notice(StatusCode::NOT_FOUND, &message),
    };
    match templates::render_with_assets(
        &form.content,
        &input,
        same_origin_links(&state),
        surroundings.assets,
    ) {
        Ok(html) => page(
            StatusCode::OK,
            frame_document(&html, &ELEMENTS_URL),
            policy_for(&surroundings.origins),
        ),
        Err(error) => notice(
            StatusCode::BAD_REQUEST,
            &format!("The template does not render: {error}"),
        ),
    }
}

/// The assets and origins of the stored template named `template`; none for an empty name (a
/// template not saved yet).
async fn preview_surroundings(
    state: &AppState,
    template: &str,
) -> Result<TemplateSurroundings, String> {
    if template.is_empty() {
        return Ok(TemplateSurroundings {
            assets: Arc::new(AssetLinks::unavailable(
                "assets are uploaded on a saved template's page",
            )),
            origins: Vec::new(),
        });
    }
    let missing = || format!("There is no template named {template}.");
    let name = HumanTaskUiName::parse(template).map_err(|_| missing())?;
    let ui = state
        .reviews
        .find_task_ui(&name)
        .await
        .map_err(|error| match error {
            ReviewError::NotFound(_) => missing(),
            other => {
                tracing::error!(error = %other, "the preview's template could not be read");
                "The template could not be read; try again.".to_owned()
            }
        })?;
    state
        .reviews
        .template_surroundings(&ui, "")
        .await
        .map_err(|error| {
            tracing::error!(%error, "the preview's assets could not be read");
            "The template's assets could not be read; try again.".to_owned()
        })
}

async fn frame(
    State(state): State<AppState>,
    Path(task): Path<String>,
    signed_in: Option<Extension<SignedIn>>,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = refused_outside_a_frame(&headers) {
        return refused;
    }
    let Some(Extension(SignedIn(user))) = signed_in else {
        return notice(StatusCode::UNAUTHORIZED, "Sign in to see this task.");
    };
    let Ok(task) = task.parse::<i64>() else {
        return notice(StatusCode::NOT_FOUND, "There is no such task.");
    };
    let rendered = match state.reviews.held_task(TaskId(task), user.id).await {
        Ok((_, human_loop, flow)) => render_for_worker(&state, &human_loop, &flow).await,
        Err(error) => Err(error),
    };
    match rendered {
        Ok(WorkerRender {
            html: Ok(html),
            origins,
        }) => page(
            StatusCode::OK,
            frame_document(&html, &ELEMENTS_URL),
            policy_for(&origins),
        ),
        Ok(WorkerRender {
            html: Err(error), ..
        }) => {
            tracing::warn!(%error, task, "a task's template did not render");
            notice(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!(
                    "This task's template has an error, so it cannot be shown: {error}. \
                     Release the task and tell an admin."
                ),
            )
        }
        Err(ReviewError::NotFound(_)) => notice(
            StatusCode::NOT_FOUND,
            "This task is not yours any more: its time ran out, or it was already answered.",
        ),
        Err(error) => {
            tracing::error!(%error, task, "the task frame could not be built");
            notice(
                StatusCode::SERVICE_UNAVAILABLE,
                "The task could not be loaded; reload to try again.",
            )
        }
    }
}

/// A short message in the frame's own document, styled like the elements.
fn notice(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<p class=\"loupe-frame-notice\" role=\"alert\">{}</p>",
        html_text(message)
    );
    page(
        status,
        frame_document(&body, &ELEMENTS_URL),
        FRAME_POLICY.clone(),
    )
}

fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn page(status: StatusCode, document: String, policy: HeaderValue) -> Response {
    let mut response = (status, document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
